package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// MaxBatch is the most transactions one SubmitBatch request carries; the
// node refuses more (gateway.MaxBatchTxs).
const MaxBatch = 5000

// Outcomes of a transaction of a batch (BatchResult.Status).
const (
	BatchCommitted = "committed" // committed with code 0
	BatchFailed    = "failed"    // committed, failed in its block (Err says why)
	BatchAccepted  = "accepted"  // in the node's mempool (SubmitBatchAsync)
	BatchPending   = "pending"   // taken, outcome not known yet: look it up by hash or send the same bytes again
	BatchRefused   = "refused"   // not taken: nothing happened (Err says why)
)

// BatchResult is the outcome of one transaction of a batch.
type BatchResult struct {
	Hash   string    `json:"hash"`
	Status string    `json:"status"`
	Record *TxRecord `json:"record"`
	// Err is the refusal or the committed failure, nil otherwise.
	Err *Error `json:"error"`
}

// SubmitBatch sends up to MaxBatch signed transactions in one request
// (POST /v1/txs/batch) and waits for their commits: the node verifies
// their signatures in parallel and admits them in the order given, so a
// key's transactions must be in nonce order. It returns one result per
// transaction, in order. The error is for the request as a whole (no
// answer, a malformed batch, or mempool_full when the node's mempool was
// full as the batch arrived: nothing was taken, send it again in a
// moment); each transaction's own outcome is in its result. Refused transactions changed nothing: those refused with
// mempool_full or unavailable may be sent again later, with their
// successors of the same key. A pending one may still commit: send the
// same bytes again (Commit), never a new signature of the same intent.
func (c *Client) SubmitBatch(ctx context.Context, raws [][]byte) ([]BatchResult, error) {
	return c.submitBatch(ctx, raws, true)
}

// SubmitBatchAsync is SubmitBatch answered after admission: taken
// transactions are "accepted", and their commits are to be looked up by
// hash (Tx) or waited for with Commit.
func (c *Client) SubmitBatchAsync(ctx context.Context, raws [][]byte) ([]BatchResult, error) {
	return c.submitBatch(ctx, raws, false)
}

func (c *Client) submitBatch(ctx context.Context, raws [][]byte, wait bool) ([]BatchResult, error) {
	if len(raws) == 0 || len(raws) > MaxBatch {
		return nil, fmt.Errorf("submit batch: %d transactions; send 1 to %d per request", len(raws), MaxBatch)
	}
	req := struct {
		Txs []string `json:"txs"`
	}{Txs: make([]string, len(raws))}
	for i, raw := range raws {
		req.Txs[i] = base64.StdEncoding.EncodeToString(raw)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("submit batch: %w", err)
	}
	path := "/v1/txs/batch"
	if !wait {
		path += "?wait=false"
	}
	var resp struct {
		Results []BatchResult `json:"results"`
	}
	if _, err := c.do(ctx, http.MethodPost, path, bytes.NewReader(body), "application/json", &resp); err != nil {
		return nil, err
	}
	if len(resp.Results) != len(raws) {
		return nil, fmt.Errorf("submit batch: %d results for %d transactions", len(resp.Results), len(raws))
	}
	return resp.Results, nil
}
