package workload

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/tx"
)

// Admins signs setup transactions (master data, seed receivables, stock
// before a window) with the organisations' admin keys, through the first
// node, outside any timed window. A batch of transactions asks each key's
// next nonce once and then counts, so that many transactions of one key
// can be in flight; commit ends the batch, after which the node's answer
// is exact again (other setup code, such as RegisterSigners, uses the
// same keys).
type Admins struct {
	net  *Network
	keys map[string]*tx.PrivateKey
	next map[string]uint64
	by   map[string]string // the organisation that submitted each hash
}

// NewAdmins returns the admin signer of a network.
func NewAdmins(net *Network) *Admins {
	return &Admins{net: net, keys: map[string]*tx.PrivateKey{}, next: map[string]uint64{}, by: map[string]string{}}
}

// Submit signs an action of org's admin key with its next nonce and hands
// it to the first node; it returns the transaction's hash.
func (a *Admins) Submit(ctx context.Context, org, module, action string, body any) (string, error) {
	gw := a.net.Nodes[0].Client()
	k, ok := a.keys[org]
	if !ok {
		var err error
		if k, _, err = tx.OpenKeyFile(a.net.AdminKeyFile(org), &keyfile.Sources{}); err != nil { // dev keys, or $DENGTA_PASSPHRASE(_FILE)
			return "", fmt.Errorf("admin key of %s: %w", org, err)
		}
		a.keys[org] = k
	}
	if _, ok := a.next[org]; !ok {
		n, err := gw.NextNonce(ctx, k.ID().String())
		if err != nil {
			return "", fmt.Errorf("nonce of %s's admin: %w", org, err)
		}
		a.next[org] = n
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	t := &tx.Tx{ChainID: a.net.ChainID, Nonce: a.next[org], Module: module, Action: action, Body: b}
	if err := t.Sign(k); err != nil {
		return "", err
	}
	h, err := gw.SubmitAsync(ctx, t.Encode())
	if err != nil {
		// Refused before the mempool: the nonce was not used, but ask
		// again next time rather than guess.
		delete(a.next, org)
		return "", fmt.Errorf("%s/%s by %s: %w", module, action, org, err)
	}
	a.next[org]++
	a.by[h] = org
	return h, nil
}

// Commit waits until every transaction is committed with code 0 and every
// node has the block, and returns their records in order.
func (a *Admins) Commit(ctx context.Context, hashes []string) ([]*client.TxRecord, error) {
	clear(a.next)
	// Each record is read as the organisation that signed it: a
	// transaction's result is for its parties (ADR 0007).
	recs := make([]*client.TxRecord, len(hashes))
	for i, h := range hashes {
		gw := a.net.Nodes[0].Client()
		if k, ok := a.keys[a.by[h]]; ok {
			gw = gw.As(client.KeyFrom(k))
		}
		r, err := AwaitRecords(ctx, gw, []string{h}, 120*time.Second)
		if err != nil {
			return nil, err
		}
		recs[i] = r[0]
		delete(a.by, h)
	}
	return recs, a.net.AwaitHeights(ctx, 60*time.Second)
}

// MaxHeight is the highest height of records.
func MaxHeight(recs []*client.TxRecord) int64 {
	var h int64
	for _, r := range recs {
		h = max(h, r.Height)
	}
	return h
}

// AwaitObserved waits until an observing workload has seen the block at
// height h (seen is the height of the last block it was handed).
func AwaitObserved(ctx context.Context, seen *atomic.Int64, h int64) error {
	deadline := time.Now().Add(60 * time.Second)
	for seen.Load() < h {
		if time.Now().After(deadline) {
			return fmt.Errorf("the block poller has not reached height %d after 60s (at %d)", h, seen.Load())
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// SettledHeight waits until every node has the first node's latest block
// and the observer has seen it, and returns that height: a state every
// node can answer for, with every block up to it observed.
func SettledHeight(ctx context.Context, net *Network, seen *atomic.Int64) (int64, error) {
	s, err := net.Nodes[0].rpc.Status(ctx)
	if err != nil {
		return 0, err
	}
	h := s.Height
	if err := net.AwaitHeights(ctx, 60*time.Second); err != nil {
		return 0, err
	}
	return h, AwaitObserved(ctx, seen, h)
}

// CST is China Standard Time, the zone of the modules' dates.
var CST = time.FixedZone("CST", 8*3600)
