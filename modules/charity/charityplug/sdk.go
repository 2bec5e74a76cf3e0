package charityplug

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
)

// Receipt is what a donor takes home: the receipt number, the receipt
// key (the salt of the donor hash, which only the receipt and the
// recording party's own records hold) and the address of the donor's
// page, whose fragment carries the key to the page without sending it to
// any server.
type Receipt struct {
	Receipt   string `json:"receipt"`
	Project   string `json:"project"`
	AmountFen int64  `json:"amount_fen"`
	Key       string `json:"key"`
	URL       string `json:"url"`
}

// NewReceiptKey draws a receipt key: 16 random bytes.
func NewReceiptKey() ([]byte, error) {
	k := make([]byte, charityapi.ReceiptKeyBytes)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("receipt key: %w", err)
	}
	return k, nil
}

// ReceiptURL is the donor's page of a receipt under a node's public base
// URL, with the receipt key in the fragment.
func ReceiptURL(base, receipt string, key []byte) string {
	u := strings.TrimRight(base, "/") + "/charity/receipts/" + url.PathEscape(receipt)
	if key != nil {
		u += "#" + charityapi.ReceiptFragmentParam + "=" + hex.EncodeToString(key)
	}
	return u
}

// Donate records a donation of money for a donor: it draws a receipt key,
// puts the salted hash of identity (a phone or ID number the donor gave)
// in the body, sends it, and returns the donor's receipt. The identity
// itself never leaves this process. publicURL is the node's public base
// URL, for the receipt's address.
func Donate(ctx context.Context, c *client.Client, key *client.Key, b charityapi.DonateBody, identity, publicURL string) (*Receipt, error) {
	if strings.TrimSpace(identity) == "" {
		return nil, fmt.Errorf("the donor's identity is required: the phone or ID number the donor gives to claim the donation later")
	}
	salt, err := NewReceiptKey()
	if err != nil {
		return nil, err
	}
	b.DonorHash = charityapi.DonorHash(salt, identity)
	res, _, err := client.Send(ctx, c, key, charityapi.Donate, b)
	if err != nil {
		return nil, err
	}
	return &Receipt{Receipt: res.Receipt, Project: res.Project, AmountFen: b.AmountFen, Key: hex.EncodeToString(salt),
		URL: ReceiptURL(publicURL, res.Receipt, salt)}, nil
}

// DonateBatch records many donations in one transaction, each with its
// own receipt key; identities[i] is donation i's donor.
func DonateBatch(ctx context.Context, c *client.Client, key *client.Key, bs []charityapi.DonateBody, identities []string, publicURL string) ([]Receipt, error) {
	if len(bs) != len(identities) {
		return nil, fmt.Errorf("%d donations but %d identities", len(bs), len(identities))
	}
	salts := make([][]byte, len(bs))
	for i := range bs {
		s, err := NewReceiptKey()
		if err != nil {
			return nil, err
		}
		salts[i] = s
		bs[i].DonorHash = charityapi.DonorHash(s, identities[i])
	}
	res, _, err := client.Send(ctx, c, key, charityapi.DonateBatch, charityapi.DonateBatchBody{Donations: bs})
	if err != nil {
		return nil, err
	}
	out := make([]Receipt, len(res.Receipts))
	for i, r := range res.Receipts {
		out[i] = Receipt{Receipt: r, Project: bs[i].Project, AmountFen: bs[i].AmountFen, Key: hex.EncodeToString(salts[i]), URL: ReceiptURL(publicURL, r, salts[i])}
	}
	return out, nil
}

// Upload stores files in the node's blob store (off chain) and returns
// their SHA-256 digests, in order.
func Upload(ctx context.Context, c *client.Client, files ...[]byte) ([]string, error) {
	var out []string
	for _, f := range files {
		info, err := c.UploadBlob(ctx, bytes.NewReader(f))
		if err != nil {
			return nil, err
		}
		out = append(out, info.SHA256)
	}
	return out, nil
}

// UploadFiles is Upload of files on disk.
func UploadFiles(ctx context.Context, c *client.Client, paths ...string) ([]string, error) {
	var files [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files = append(files, b)
	}
	return Upload(ctx, c, files...)
}

// TrailBundle fetches the proof bundle of a donation's trail, to check
// offline with trailproof.Verify (`dengta charity verify`).
func TrailBundle(ctx context.Context, c *client.Client, receipt string) ([]byte, error) {
	res, err := client.Read(ctx, c, charityapi.GetTrail, charityapi.TrailParams{Receipt: receipt, Prove: true})
	if err != nil {
		return nil, err
	}
	if len(res.Bundle) == 0 {
		return nil, fmt.Errorf("the node answered no bundle for %s", receipt)
	}
	// The answer re-indents the bundle inside it: give it back its own
	// canonical form.
	return trailproof.Canonical(res.Bundle)
}
