package client

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/dengta-chain/dengta/internal/batch"
	"github.com/dengta-chain/dengta/internal/proof"
)

// BlobInfo describes a file stored in a node's blob store.
type BlobInfo struct {
	SHA256 string `json:"sha256"`
	SM3    string `json:"sm3"`
	Size   int64  `json:"size"`
}

// UploadBlob stores a file in the node's blob store (off chain) and returns
// its hashes.
func (c *Client) UploadBlob(ctx context.Context, r io.Reader) (*BlobInfo, error) {
	var info BlobInfo
	if _, err := c.do(ctx, http.MethodPost, "/v1/blobs", r, "application/octet-stream", &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Capture says how a piece of evidence was captured.
type Capture struct {
	SourceURL  string `json:"source_url,omitempty"`
	Tool       string `json:"tool,omitempty"`
	CapturedAt string `json:"captured_at,omitempty"` // RFC 3339
}

// Deposit is the body of notary/deposit.
type Deposit struct {
	SHA256       string   `json:"sha256"`
	SM3          string   `json:"sm3"`
	FileName     string   `json:"file_name"`
	Size         int64    `json:"size"`
	MediaType    string   `json:"media_type"`
	EvidenceType string   `json:"evidence_type"`
	Capture      *Capture `json:"capture,omitempty"`
	Supplements  string   `json:"supplements,omitempty"`
	Description  string   `json:"description,omitempty"`
}

// DepositResult is what a deposit answers.
type DepositResult struct {
	EvidenceID string    `json:"evidence_id"`
	Existing   bool      `json:"existing"`
	Tx         *TxRecord `json:"-"`
}

// Deposit preserves a file's hashes on chain and returns its evidence id.
// Depositing the same file again answers the existing id.
func (c *Client) Deposit(ctx context.Context, key *Key, d Deposit) (*DepositResult, error) {
	rec, err := c.Do(ctx, key, "notary", "deposit", d)
	if err != nil {
		return nil, err
	}
	var res DepositResult
	if err := json.Unmarshal(rec.Result, &res); err != nil {
		return nil, fmt.Errorf("deposit result: %w", err)
	}
	res.Tx = rec
	return &res, nil
}

// FileDeposit reads the file at path, optionally uploads it to the node's
// blob store, and deposits it. d's hashes, name, size and media type are
// filled in from the file; the rest (evidence type, description, capture,
// supplements) is taken as given.
func (c *Client) FileDeposit(ctx context.Context, key *Key, path string, d Deposit, upload bool) (*DepositResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if upload {
		info, err := c.UploadBlob(ctx, f)
		if err != nil {
			return nil, err
		}
		d.SHA256, d.SM3, d.Size = info.SHA256, info.SM3, info.Size
	} else {
		if d.SHA256, d.SM3, d.Size, err = batch.HashReader(f); err != nil {
			return nil, fmt.Errorf("hash %s: %w", path, err)
		}
	}
	d.FileName = filepath.Base(path)
	if d.MediaType == "" {
		d.MediaType = MediaType(path)
	}
	return c.Deposit(ctx, key, d)
}

// MediaType guesses a file's media type from its extension.
func MediaType(path string) string {
	if t := mime.TypeByExtension(filepath.Ext(path)); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}

// BatchItem is one item of a batch deposit.
type BatchItem = batch.Item

// Receipt proves one item's place in a batch.
type Receipt = batch.Receipt

// BatchResult is what a batch deposit answers.
type BatchResult struct {
	BatchID  string     `json:"batch_id"`
	Existing bool       `json:"existing"`
	Receipts []*Receipt `json:"-"`
	Tx       *TxRecord  `json:"-"`
}

// BatchDeposit builds the RFC 6962 Merkle tree of items, deposits its root
// in one transaction and returns a receipt per item, in order.
func (c *Client) BatchDeposit(ctx context.Context, key *Key, items []BatchItem, label string) (*BatchResult, error) {
	tree, err := batch.Build(items)
	if err != nil {
		return nil, err
	}
	rec, err := c.Do(ctx, key, "notary", "batch_deposit", map[string]any{
		"merkle_root": hex.EncodeToString(tree.Root()), "size": tree.Size(), "label": label, "item_format": batch.ItemFormat,
	})
	if err != nil {
		return nil, err
	}
	var res BatchResult
	if err := json.Unmarshal(rec.Result, &res); err != nil {
		return nil, fmt.Errorf("batch deposit result: %w", err)
	}
	res.Tx = rec
	res.Receipts = make([]*Receipt, len(items))
	for i := range items {
		r, err := tree.Receipt(uint64(i))
		if err != nil {
			return nil, err
		}
		r.BatchID = res.BatchID
		res.Receipts[i] = r
	}
	return &res, nil
}

// Certificate returns the evidence certificate (a proof bundle) of an
// evidence record.
func (c *Client) Certificate(ctx context.Context, evidenceID string) ([]byte, error) {
	var raw []byte
	err := c.Get(ctx, "/v1/notary/evidence/"+url.PathEscape(evidenceID)+"/certificate", &raw)
	return raw, err
}

// FindEvidence returns the evidence records of a file hash (SHA-256 or SM3).
func (c *Client) FindEvidence(ctx context.Context, hash string) ([]json.RawMessage, error) {
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	// The node looks the hash up among SHA-256 and SM3 digests alike.
	if err := c.Get(ctx, "/v1/notary/evidence?sha256="+url.QueryEscape(hash), &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}

// BatchItemCertificate returns the certificate of one batch item: the
// proof bundle of its batch record with the item's receipt folded in.
func (c *Client) BatchItemCertificate(ctx context.Context, r *Receipt) ([]byte, error) {
	if r.BatchID == "" {
		return nil, fmt.Errorf("the receipt names no batch id")
	}
	if err := r.Verify(); err != nil {
		return nil, err
	}
	var raw []byte
	if err := c.Get(ctx, "/v1/notary/batches/"+url.PathEscape(r.BatchID)+"/certificate", &raw); err != nil {
		return nil, err
	}
	b, err := proof.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("batch certificate: %w", err)
	}
	b, err = proof.WithInclusion(b, r)
	if err != nil {
		return nil, err
	}
	return b.Marshal()
}
