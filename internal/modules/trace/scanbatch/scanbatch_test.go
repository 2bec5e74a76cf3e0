package scanbatch

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/tx"
)

// fakeChain is a mempool that keeps what it is given, with a fault hook.
type fakeChain struct {
	mu     sync.Mutex
	txs    []*tx.Tx
	nonce  uint64
	refuse bool
}

func (f *fakeChain) next(tx.KeyID) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nonce + 1, nil
}

func (f *fakeChain) submit(_ context.Context, raw []byte) (uint32, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse {
		return 9, "not allowed", nil
	}
	t, err := tx.Decode(raw)
	if err != nil {
		return 2, err.Error(), nil
	}
	if t.Nonce != f.nonce+1 {
		return 8, "nonce gap", nil
	}
	f.nonce++
	f.txs = append(f.txs, t)
	return 0, "", nil
}

func newBatcher(t *testing.T, f *fakeChain, max, queue int) *Batcher {
	t.Helper()
	k, _ := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
	b, err := New(Options{ChainID: "c", Key: k, NextNonce: f.next, Submit: f.submit, MaxBatch: max, QueueSize: queue, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBatchesAndPending(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 3, 100)
	for i := range 7 {
		b.Add(Scan{EPC: fmt.Sprintf("/01/06901234567892/21/S%d", i%2), Time: "2026-11-22T10:00:00+08:00", Device: "d"})
	}
	if got := b.Pending("/01/06901234567892/21/S0"); got != 4 {
		t.Fatalf("pending S0 = %d, want 4", got)
	}
	b.Flush(context.Background())
	if len(f.txs) != 3 {
		t.Fatalf("%d transactions for 7 scans in batches of 3, want 3", len(f.txs))
	}
	total := 0
	for i, tt := range f.txs {
		var body struct{ Scans []Scan }
		if err := json.Unmarshal(tt.Body, &body); err != nil || tt.Module != "trace" || tt.Action != "record_scans" || tt.Nonce != uint64(i+1) {
			t.Fatalf("tx %d: %s/%s nonce %d, %v", i, tt.Module, tt.Action, tt.Nonce, err)
		}
		total += len(body.Scans)
	}
	if s := b.Stats(); total != 7 || s.Submitted != 7 || s.Batches != 3 {
		t.Fatalf("submitted %d scans, stats %+v", total, s)
	}
	if got := b.Pending("/01/06901234567892/21/S0"); got != 0 {
		t.Fatalf("pending after submission without Wait = %d, want 0", got)
	}
}

func TestQueueBoundAndRefusal(t *testing.T) {
	f := &fakeChain{refuse: true}
	b := newBatcher(t, f, 500, 2)
	for range 3 {
		b.Add(Scan{EPC: "e"})
	}
	if s := b.Stats(); s.Queued != 2 || s.Dropped != 1 {
		t.Fatalf("stats %+v, want 2 queued 1 dropped", s)
	}
	b.Flush(context.Background())
	if s := b.Stats(); s.Failed != 2 || s.Submitted != 0 || b.Pending("e") != 0 {
		t.Fatalf("after a refused batch: %+v, pending %d", s, b.Pending("e"))
	}
}

func TestRunFlushesOnFullBatchAndStop(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 2, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	b.Add(Scan{EPC: "a"})
	b.Add(Scan{EPC: "b"}) // a full batch: submitted without waiting for the hour
	deadline := time.Now().Add(5 * time.Second)
	for b.Stats().Batches < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	b.Add(Scan{EPC: "c"})
	cancel()
	<-done
	if s := b.Stats(); s.Batches != 2 || s.Submitted != 3 {
		t.Fatalf("stats %+v, want 2 batches of 3 scans in all", s)
	}
}
