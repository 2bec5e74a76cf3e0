// Package trailproof makes and checks the offline proof bundle of a
// donation's trail (format dengta-charity-trail/1): the trail as a node
// computed it, with a proof bundle (proof) of every record the
// trail rests on, all at one height. The verifier trusts no node: it
// checks each record's proof against a trusted validator set, computes
// the trail again from the proven records alone (with the same code the
// node's queries use, charity.ComputeTrail), requires it to be the trail
// the bundle shows, and checks its arithmetic. A donor's receipt key and
// identity, when given, also show that the donation is theirs.
package trailproof

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/proof/verdict"
)

// Format names the bundle format and version.
const Format = "dengta-charity-trail/1"

// MaxProofs bounds the records one bundle proves.
const MaxProofs = 300

// Bundle is a trail with the proofs of its records.
type Bundle struct {
	Format  string `json:"format"`
	ChainID string `json:"chain_id"`
	// Height is the state version every proof is at.
	Height  int64  `json:"height"`
	Receipt string `json:"receipt"`
	// Trail is the trail as the node computed it (charityapi.Trail).
	Trail json.RawMessage `json:"trail"`
	// Proofs are proof bundles (dengta-proof/1) of every record the trail
	// read, present or absent, in the order it read them.
	Proofs []json.RawMessage `json:"proofs"`
	// Digest is the SHA-256 (hex) of the bundle's canonical encoding with
	// an empty digest: it catches edits and corruption; the proofs are
	// what make it trustworthy.
	Digest string `json:"digest"`
}

// canonical is the bundle's encoding with its digest as it is: indented
// JSON and a final newline.
func (b *Bundle) canonical() ([]byte, error) {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode trail bundle: %w", err)
	}
	return append(out, '\n'), nil
}

func (b *Bundle) digest() (string, error) {
	c := *b
	c.Digest = ""
	raw, err := c.canonical()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// Marshal seals the bundle and returns its canonical encoding.
func (b *Bundle) Marshal() ([]byte, error) {
	d, err := b.digest()
	if err != nil {
		return nil, err
	}
	b.Digest = d
	return b.canonical()
}

// Canonical gives a bundle carried inside another JSON document (an API
// answer re-indents it) its own canonical encoding back. It changes only
// white space.
func Canonical(raw []byte) ([]byte, error) { return proofBytes(raw) }

// proofBytes turns a proof as the bundle carries it (re-indented inside
// the bundle) back into its own canonical encoding.
func proofBytes(raw json.RawMessage) ([]byte, error) {
	var compact, out bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, err
	}
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Views opens the committed state at a height.
type Views func(height int64) (module.Reader, error)

// Build makes the proof bundle of a donation's trail as it stands now.
// The proofs need the header of the block after their height: when the
// trail was the same one version before the newest (the newest block did
// not touch it), the bundle is made at that version, whose next header
// exists; otherwise at the newest, and the prover waits for the next
// block.
func Build(ctx context.Context, pr *prover.Prover, views Views, chainID, receipt string) ([]byte, *charityapi.Trail, error) {
	latest, err := views(0)
	if err != nil {
		return nil, nil, err
	}
	tr, keys, err := charity.ComputeTrail(charity.StateRecords(latest), receipt)
	if err != nil {
		return nil, nil, err
	}
	h := latest.(charity.Version).Version()
	if h > 1 {
		if prev, err := views(h - 1); err == nil {
			if ptr, pkeys, err := charity.ComputeTrail(charity.StateRecords(prev), receipt); err == nil && sameTrail(ptr, tr) {
				h, tr, keys = h-1, ptr, pkeys
			}
		}
	}
	tr.Height = h
	if len(keys) > MaxProofs {
		return nil, nil, errcode.New(errcode.BadRequest, "the trail rests on %d records; a bundle proves at most %d (prove the project's disbursements one by one)", len(keys), MaxProofs)
	}
	var proofs [][]byte
	for _, k := range keys {
		pb, err := pr.Bundle(ctx, k, h)
		if err != nil {
			return nil, nil, fmt.Errorf("prove %s: %w", k, err)
		}
		raw, err := pb.Marshal()
		if err != nil {
			return nil, nil, err
		}
		proofs = append(proofs, raw)
	}
	out, err := Assemble(chainID, tr, proofs)
	if err != nil {
		return nil, nil, err
	}
	return out, tr, nil
}

// sameTrail reports whether two trails say the same, their heights
// aside.
func sameTrail(a, b *charityapi.Trail) bool {
	x, y := *a, *b
	x.Height, y.Height = 0, 0
	ja, err1 := json.Marshal(&x)
	jb, err2 := json.Marshal(&y)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// Assemble seals a trail computed at tr.Height and the proof bundles of
// the records it read into a trail bundle.
func Assemble(chainID string, tr *charityapi.Trail, proofs [][]byte) ([]byte, error) {
	b := &Bundle{Format: Format, ChainID: chainID, Height: tr.Height, Receipt: tr.Donation.Receipt}
	var err error
	if b.Trail, err = json.Marshal(tr); err != nil {
		return nil, err
	}
	for _, p := range proofs {
		b.Proofs = append(b.Proofs, p)
	}
	return b.Marshal()
}

// Donor is a donor's claim to a donation: the identity they gave and
// their receipt key (hex), both from their receipt.
type Donor struct {
	Identity string
	Key      string
}

// Report is the outcome of a verification: every check, and the trail
// when it was proven.
type Report struct {
	Checks  []verdict.Check   `json:"checks"`
	OK      bool              `json:"ok"`
	ChainID string            `json:"chain_id,omitempty"`
	Height  int64             `json:"height,omitempty"`
	Receipt string            `json:"receipt,omitempty"`
	Trail   *charityapi.Trail `json:"trail,omitempty"`
	// Donor is true when a donor's claim was checked and holds.
	Donor bool `json:"donor,omitempty"`
}

func (r *Report) pass(name, format string, args ...any) {
	r.Checks = append(r.Checks, verdict.Check{Name: name, OK: true, Detail: fmt.Sprintf(format, args...)})
}

func (r *Report) fail(name, format string, args ...any) error {
	c := verdict.Check{Name: name, Detail: fmt.Sprintf(format, args...)}
	r.Checks = append(r.Checks, c)
	return fmt.Errorf("%s: %s", name, c.Detail)
}

// The names of the checks, in the order they are made.
const (
	CheckBundle  = "bundle"
	CheckProof   = "proof"
	CheckHeight  = "height"
	CheckRecords = "records"
	CheckTrail   = "trail"
	CheckSums    = "sums"
	CheckDonor   = "donor"
)

// Verify checks a trail bundle against trust with no network; donor, when
// not nil, is a donor's claim to check too. The error names the first
// check that failed; the report lists every check made.
func Verify(raw []byte, trust proof.Trust, donor *Donor) (*Report, error) {
	r := &Report{}
	err := verify(r, raw, trust, donor)
	r.OK = err == nil
	return r, err
}

func verify(r *Report, raw []byte, trust proof.Trust, donor *Donor) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return r.fail(CheckBundle, "not a trail bundle: %v", err)
	}
	if dec.More() {
		return r.fail(CheckBundle, "data after the bundle's JSON object")
	}
	if b.Format != Format {
		return r.fail(CheckBundle, "format %q; this verifier reads %q", b.Format, Format)
	}
	want, err := b.digest()
	if err != nil {
		return r.fail(CheckBundle, "%v", err)
	}
	if b.Digest != want {
		return r.fail(CheckBundle, "digest is %q but the content hashes to %q: the file was edited or corrupted", b.Digest, want)
	}
	canon, err := b.canonical()
	if err != nil {
		return r.fail(CheckBundle, "%v", err)
	}
	if !bytes.Equal(canon, raw) {
		return r.fail(CheckBundle, "not byte for byte in canonical form (was it edited or re-formatted?)")
	}
	r.ChainID, r.Height, r.Receipt = b.ChainID, b.Height, b.Receipt
	r.pass(CheckBundle, "format %s, chain %s, donation %s at height %d, %d proofs", b.Format, b.ChainID, b.Receipt, b.Height, len(b.Proofs))

	// Every record's proof, against the trusted validator set, at the
	// bundle's height.
	records := map[string][]byte{}
	for i, p := range b.Proofs {
		canon, err := proofBytes(p)
		if err != nil {
			return r.fail(CheckProof, "proof %d is not JSON: %v", i, err)
		}
		rep, err := proof.Verify(canon, trust)
		if err != nil {
			return r.fail(CheckProof, "proof %d (%s): %v", i, rep.Key, err)
		}
		if rep.ChainID != b.ChainID || rep.Height != b.Height {
			return r.fail(CheckHeight, "proof %d (%s) is of chain %s at height %d; the bundle is of chain %s at height %d", i, rep.Key, rep.ChainID, rep.Height, b.ChainID, b.Height)
		}
		if _, dup := records[rep.Key]; dup {
			return r.fail(CheckProof, "key %s is proven twice", rep.Key)
		}
		records[rep.Key] = rep.Value
	}
	r.pass(CheckProof, "%d records proven against the trusted validator set (%s)", len(records), trust.Source)
	r.pass(CheckHeight, "every proof is of chain %s at height %d", b.ChainID, b.Height)

	// The trail again, from the proven records alone.
	tr, _, err := charity.ComputeTrail(&proven{records: records}, b.Receipt)
	if err != nil {
		return r.fail(CheckRecords, "the proven records do not give the trail: %v", err)
	}
	tr.Height = b.Height
	r.pass(CheckRecords, "the proven records give a trail of %d steps", len(tr.Steps))
	got, err := json.Marshal(tr)
	if err != nil {
		return r.fail(CheckTrail, "%v", err)
	}
	var claimed bytes.Buffer
	if err := json.Compact(&claimed, b.Trail); err != nil || !bytes.Equal(claimed.Bytes(), got) {
		return r.fail(CheckTrail, "the trail the bundle shows is not the one its proven records give")
	}
	r.Trail = tr
	r.pass(CheckTrail, "the trail shown is the one the proven records give")
	if err := charity.CheckTrail(tr); err != nil {
		return r.fail(CheckSums, "%v", err)
	}
	r.pass(CheckSums, "the steps add up to the donation's %d fen: %d delivered, %d refunded, %d unspent", tr.Donation.AmountFen, tr.DeliveredFen, tr.RefundedFen, tr.UnspentFen)
	if donor != nil {
		key, err := hex.DecodeString(strings.TrimSpace(donor.Key))
		if err != nil || len(key) != charityapi.ReceiptKeyBytes {
			return r.fail(CheckDonor, "the receipt key must be %d hex digits", 2*charityapi.ReceiptKeyBytes)
		}
		if charityapi.DonorHash(key, donor.Identity) != tr.Donation.DonorHash {
			return r.fail(CheckDonor, "this identity and receipt key do not give the donor hash the donation records")
		}
		r.Donor = true
		r.pass(CheckDonor, "the identity and receipt key give the donor hash the donation records: it is this donor's")
	}
	return nil
}

// proven are the records a bundle proves: a key not proven (present or
// absent) cannot be read.
type proven struct {
	records map[string][]byte
	spends  map[string][]charityapi.Spend // by queue, sorted
}

func (p *proven) Get(key []byte) ([]byte, error) {
	v, ok := p.records[string(key)]
	if !ok {
		return nil, fmt.Errorf("record %s is not proven in the bundle", key)
	}
	return v, nil
}

// index collects the spendings of the proven disbursements and transfers
// by queue.
func (p *proven) index() error {
	p.spends = map[string][]charityapi.Spend{}
	keys := make([]string, 0, len(p.records))
	for k := range p.records {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := p.records[k]
		if v == nil {
			continue
		}
		var kind string
		var ranges []charityapi.Range
		var id string
		switch {
		case strings.HasPrefix(k, string(charity.DisbursementKey(""))):
			var d charityapi.Disbursement
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			kind, id, ranges = charityapi.SpendDisbursement, d.ID, d.Ranges
		case strings.HasPrefix(k, string(charity.TransferKey(""))):
			var t charityapi.Transfer
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			kind, id, ranges = charityapi.SpendTransfer, t.ID, t.Ranges
		default:
			continue
		}
		for i, rg := range ranges {
			p.spends[rg.Queue] = append(p.spends[rg.Queue], charityapi.Spend{Kind: kind, ID: id, Start: rg.Start, End: rg.End, Index: i})
		}
	}
	for _, s := range p.spends {
		slices.SortFunc(s, func(a, b charityapi.Spend) int { return cmp.Compare(a.Start, b.Start) })
	}
	return nil
}

func (p *proven) Spends(q string, start, end int64) ([]charityapi.Spend, error) {
	if p.spends == nil {
		if err := p.index(); err != nil {
			return nil, err
		}
	}
	var out []charityapi.Spend
	for _, s := range p.spends[q] {
		if s.End <= start || s.Start >= end {
			continue
		}
		s.Start, s.End = max(s.Start, start), min(s.End, end)
		out = append(out, s)
	}
	if err := charity.Tiles(q, start, end, out); err != nil {
		return nil, fmt.Errorf("the proven spendings do not account for the money: %w", err)
	}
	return out, nil
}

func (p *proven) Distributions(receipt string) ([]string, error) {
	var out []string
	prefix := string(charity.DisbursementKey(""))
	for k, v := range p.records {
		if v == nil || !strings.HasPrefix(k, prefix) {
			continue
		}
		var d charityapi.Disbursement
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, fmt.Errorf("decode %s: %w", k, err)
		}
		if d.Kind == charityapi.DisbursementInKind && d.Receipt == receipt {
			out = append(out, d.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}
