package notaryplug

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/proof"
)

// FileDeposit reads the file at path, optionally uploads it to the node's
// blob store, and deposits it. d's hashes, name, size and media type are
// filled in from the file; the rest (evidence type, description, capture,
// supplements) is taken as given.
func FileDeposit(ctx context.Context, c *client.Client, key *client.Key, path string, d notaryapi.DepositBody, upload bool) (*notaryapi.DepositResult, *client.TxRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var size int64
	if upload {
		info, err := c.As(key).UploadBlob(ctx, f) // uploads are for members
		if err != nil {
			return nil, nil, err
		}
		d.SHA256, d.SM3, size = info.SHA256, info.SM3, info.Size
	} else if d.SHA256, d.SM3, size, err = batch.HashReader(f); err != nil {
		return nil, nil, fmt.Errorf("hash %s: %w", path, err)
	}
	d.Size = &size
	d.FileName = filepath.Base(path)
	if d.MediaType == "" {
		d.MediaType = client.MediaType(path)
	}
	return client.Send(ctx, c, key, notaryapi.Deposit, d)
}

// BatchResult is what a batch deposit answers, with a receipt per item.
type BatchResult struct {
	notaryapi.BatchResult
	Receipts []*batch.Receipt
	Tx       *client.TxRecord
}

// BatchDeposit builds the RFC 6962 Merkle tree of items, deposits its root
// in one transaction and returns a receipt per item, in order.
func BatchDeposit(ctx context.Context, c *client.Client, key *client.Key, items []batch.Item, label string) (*BatchResult, error) {
	tree, err := batch.Build(items)
	if err != nil {
		return nil, err
	}
	res, rec, err := client.Send(ctx, c, key, notaryapi.BatchDeposit, notaryapi.BatchBody{
		MerkleRoot: hex.EncodeToString(tree.Root()), Size: int64(tree.Size()), Label: label, ItemFormat: batch.ItemFormat,
	})
	if err != nil {
		return nil, err
	}
	out := &BatchResult{BatchResult: *res, Tx: rec, Receipts: make([]*batch.Receipt, len(items))}
	for i := range items {
		r, err := tree.Receipt(uint64(i))
		if err != nil {
			return nil, err
		}
		r.BatchID = res.BatchID
		out.Receipts[i] = r
	}
	return out, nil
}

// BatchItemCertificate returns the certificate of one batch item: the
// proof bundle of its batch record with the item's receipt folded in.
func BatchItemCertificate(ctx context.Context, c *client.Client, r *batch.Receipt) ([]byte, error) {
	if r.BatchID == "" {
		return nil, fmt.Errorf("the receipt names no batch id")
	}
	if err := r.Verify(); err != nil {
		return nil, err
	}
	raw, err := client.Read(ctx, c, notaryapi.BatchCertificate, notaryapi.CertificateParams{ID: r.BatchID})
	if err != nil {
		return nil, err
	}
	b, err := proof.Parse(*raw)
	if err != nil {
		return nil, fmt.Errorf("batch certificate: %w", err)
	}
	b, err = proof.WithInclusion(b, r)
	if err != nil {
		return nil, err
	}
	return b.Marshal()
}
