package scanbatch

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/tx"
)

// fakeChain is a mempool that keeps what it is given, with a fault hook.
type fakeChain struct {
	mu     sync.Mutex
	txs    []*tx.Tx
	sizes  []int
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
	if len(raw) > tx.MaxTxBytes {
		return 3, "too large", nil
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
	f.sizes = append(f.sizes, len(raw))
	return 0, "", nil
}

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newBatcher(t *testing.T, f *fakeChain, max, queue int) *Batcher {
	t.Helper()
	k, _ := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
	b, err := New(Options{ChainID: "c", Key: k, NextNonce: f.next, Submit: f.submit, MaxBatch: max, QueueSize: queue, Interval: time.Hour,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gtin(body string) string { return body + string(trace.GS1CheckDigit(body)) }

var item = "/01/" + gtin("0690123456789")

func scan(serial, device int, city string) Scan {
	return Scan{EPC: fmt.Sprintf("%s/21/S%d", item, serial), Time: now.Format(time.RFC3339), City: city, Device: fmt.Sprintf("%064x", device), Net: "00000000000000aa"}
}

func TestBatchesAndPending(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 3, 100)
	for i := range 7 {
		if got := b.Add(scan(i%2, i, "")); got != Queued {
			t.Fatalf("scan %d: %v", i, got)
		}
	}
	if got := b.Pending(item + "/21/S0"); got != 4 {
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
	if got := b.Pending(item + "/21/S0"); got != 0 {
		t.Fatalf("pending after submission without Wait = %d, want 0", got)
	}
}

// A scan the chain would refuse is dropped here, alone: a lot, a place
// that is no city code (a bidi control, a Chinese name), a bad device, a
// scan from long ago. The others go on chain.
func TestBadScansAreDroppedAlone(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 500, 100)
	bad := []Scan{
		{EPC: item + "/10/LOT", Time: now.Format(time.RFC3339), Device: fmt.Sprintf("%064x", 1)},
		func() Scan { s := scan(1, 2, "340100\u202e"); return s }(),
		func() Scan { s := scan(1, 3, "合肥"); return s }(),
		func() Scan { s := scan(1, 4, ""); s.Device = "phone"; return s }(),
		func() Scan { s := scan(1, 5, ""); s.Time = now.Add(-time.Hour).Format(time.RFC3339); return s }(),
	}
	for i, s := range bad {
		if got := b.Add(s); got != Invalid {
			t.Fatalf("bad scan %d: %v", i, got)
		}
	}
	b.Add(scan(1, 9, "340100"))
	b.Flush(context.Background())
	if s := b.Stats(); s.Invalid != 5 || s.Submitted != 1 || s.Failed != 0 || len(f.txs) != 1 {
		t.Fatalf("stats %+v, %d txs", s, len(f.txs))
	}
}

// A device's scans of one code count once per window.
func TestOneScanPerDeviceAndWindow(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 500, 100)
	if b.Add(scan(1, 1, "")) != Queued || b.Add(scan(1, 1, "110000")) != Repeated || b.Add(scan(2, 1, "")) != Queued || b.Add(scan(1, 2, "")) != Queued {
		t.Fatal("the first scan of each device and code counts, a repeat does not")
	}
	now = now.Add(31 * time.Minute)
	defer func() { now = now.Add(-31 * time.Minute) }()
	if b.Add(scan(1, 1, "")) != Queued {
		t.Fatal("after the window the device counts again")
	}
}

// 300 scans with the longest city names once made a 78 KB transaction
// that the chain refused whole: batches are bounded by bytes now, and
// every scan goes on chain.
func TestBatchesFitTransactions(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 500, 1000)
	for i := range 500 {
		if got := b.Add(scan(i, i, "654000")); got != Queued {
			t.Fatalf("scan %d: %v", i, got)
		}
	}
	b.Flush(context.Background())
	if s := b.Stats(); s.Submitted != 500 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
	for i, n := range f.sizes {
		if n > tx.MaxTxBytes {
			t.Fatalf("tx %d is %d bytes", i, n)
		}
	}
	if len(f.txs) < 2 || len(f.txs) > 4 {
		t.Fatalf("%d transactions for 500 scans", len(f.txs))
	}
	if strings.Contains(string(f.txs[0].Body), "伊犁") {
		t.Fatal("a place goes on chain as its code")
	}
}

func TestQueueBoundAndRefusal(t *testing.T) {
	f := &fakeChain{refuse: true}
	b := newBatcher(t, f, 500, 2)
	for i := range 3 {
		b.Add(scan(i, i, ""))
	}
	if s := b.Stats(); s.Queued != 2 || s.Dropped != 1 {
		t.Fatalf("stats %+v, want 2 queued 1 dropped", s)
	}
	b.Flush(context.Background())
	if s := b.Stats(); s.Failed != 2 || s.Submitted != 0 || b.Pending(item+"/21/S0") != 0 {
		t.Fatalf("after a refused batch: %+v, pending %d", s, b.Pending(item+"/21/S0"))
	}
}

func TestRunFlushesOnFullBatchAndStop(t *testing.T) {
	f := &fakeChain{}
	b := newBatcher(t, f, 2, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	b.Add(scan(1, 1, ""))
	b.Add(scan(2, 2, "")) // a full batch: submitted without waiting for the hour
	deadline := time.Now().Add(5 * time.Second)
	for b.Stats().Batches < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	b.Add(scan(3, 3, ""))
	cancel()
	<-done
	if s := b.Stats(); s.Batches != 2 || s.Submitted != 3 {
		t.Fatalf("stats %+v, want 2 batches of 3 scans in all", s)
	}
}
