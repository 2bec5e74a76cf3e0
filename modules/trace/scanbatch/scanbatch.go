// Package scanbatch records public QR-code scans on chain in batches. The
// scan page hands each scan to a Batcher; the Batcher checks it on its own
// (trace.CheckScan: a bad scan is dropped and logged, never its batch),
// counts a device's scans of a code at most once per window, and signs one
// trace/record_scans transaction with the node's operator key for as many
// scans as fit a transaction (by count and by bytes), at most every
// Interval, so a burst of scans costs few transactions. Scans waiting for
// their batch are counted per item, so a page can show them before they
// are committed.
package scanbatch

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/tx"
)

// Scan is one scan of an item's code, as record_scans takes it.
type Scan = traceapi.ScanInput

// Options configure a Batcher.
type Options struct {
	ChainID string
	// Key is the node operator's key: record_scans takes no other.
	Key *tx.PrivateKey
	// NextNonce returns the operator key's next nonce (counting pending
	// transactions).
	NextNonce func(tx.KeyID) (uint64, error)
	// Submit hands a signed transaction to the mempool without waiting for
	// the commit; code is the mempool check's result (0: accepted).
	Submit func(ctx context.Context, raw []byte) (code uint32, log string, err error)
	// Wait, if set, blocks until a submitted transaction is committed (or
	// its context ends); scans count as pending until then. Without it they
	// stop counting once submitted.
	Wait func(ctx context.Context, raw []byte)
	// MaxBatch is the most scans per transaction (default and at most
	// trace.MaxScansPerBatch); MaxBytes bounds a transaction's encoded size
	// (default and at most tx.MaxTxBytes). A batch is cut at whichever
	// comes first.
	MaxBatch int
	MaxBytes int
	// Interval is how long scans may wait for more to join their batch
	// (default 1 s).
	Interval time.Duration
	// Window is how long a device's scans of one code count once (default
	// traceapi.ScanWindow).
	Window time.Duration
	// QueueSize bounds the scans waiting; more are dropped (default 100,000).
	QueueSize int
	// Now is the node's clock (time.Now when nil).
	Now    func() time.Time
	Logger *slog.Logger
}

// Stats count what a Batcher did.
type Stats struct {
	Queued, Dropped, Repeated, Invalid, Submitted, Batches, Failed uint64
}

// Outcome says what became of a scan handed to Add.
type Outcome int

// The outcomes of Add.
const (
	Queued   Outcome = iota // it will be recorded
	Repeated                // the device scanned the code within the window: not counted again
	Invalid                 // the scan is malformed or out of its time window: dropped
	Full                    // the queue is full: dropped
)

// Batcher collects scans and records them in batches.
type Batcher struct {
	opts   Options
	log    *slog.Logger
	recent *ratelimit.Limiter // device+code -> one scan per window

	mu      sync.Mutex
	queue   []Scan
	pending map[string]int // epc -> scans queued or in an unconfirmed batch
	stats   Stats
	kick    chan struct{}
}

// New returns a Batcher; start it with Run.
func New(opts Options) (*Batcher, error) {
	if opts.Key == nil || opts.NextNonce == nil || opts.Submit == nil || opts.ChainID == "" {
		return nil, fmt.Errorf("scan batcher: chain id, key, NextNonce and Submit are required")
	}
	if opts.MaxBatch <= 0 || opts.MaxBatch > trace.MaxScansPerBatch {
		opts.MaxBatch = trace.MaxScansPerBatch
	}
	if opts.MaxBytes <= 0 || opts.MaxBytes > tx.MaxTxBytes {
		opts.MaxBytes = tx.MaxTxBytes
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.Window <= 0 {
		opts.Window = traceapi.ScanWindow
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 100_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Batcher{opts: opts, log: opts.Logger, pending: map[string]int{}, kick: make(chan struct{}, 1)}
	// A forgotten pair counts again, once: the chain skips a device's
	// repeated scan among the scans it keeps too.
	b.recent = ratelimit.New(ratelimit.Limit{Burst: 1, Every: opts.Window}, ratelimit.Options{MaxKeys: 200_000, Now: opts.Now})
	return b, nil
}

// Add checks a scan and queues it. A scan that fails the chain's check of
// a single scan is dropped and logged here, so that it can never spoil a
// batch; a device's repeated scan of a code within the window is not
// counted again.
func (b *Batcher) Add(s Scan) Outcome {
	if _, _, err := trace.CheckScan(&s, b.opts.Now()); err != nil {
		b.mu.Lock()
		b.stats.Invalid++
		b.mu.Unlock()
		b.log.Warn("scan dropped", "epc", s.EPC, "err", errcode.Message(err))
		return Invalid
	}
	pair := sha256.Sum256([]byte(s.Device + " " + s.EPC))
	if ok, _ := b.recent.Allow(string(pair[:16])); !ok {
		b.mu.Lock()
		b.stats.Repeated++
		b.mu.Unlock()
		return Repeated
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) >= b.opts.QueueSize {
		b.stats.Dropped++
		return Full
	}
	b.queue = append(b.queue, s)
	b.pending[s.EPC]++
	b.stats.Queued++
	if len(b.queue) >= b.opts.MaxBatch {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return Queued
}

// Pending returns how many scans of epc are waiting to be committed.
func (b *Batcher) Pending(epc string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pending[epc]
}

// Committed tells the batcher that scans of these items were committed, so
// they no longer count as pending.
func (b *Batcher) Committed(scans []Scan) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range scans {
		if b.pending[s.EPC] <= 1 {
			delete(b.pending, s.EPC)
		} else {
			b.pending[s.EPC]--
		}
	}
}

// Stats returns the counters.
func (b *Batcher) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stats
}

// Run submits batches until ctx ends, then submits what is left.
func (b *Batcher) Run(ctx context.Context) {
	t := time.NewTicker(b.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			b.Flush(context.Background())
			return
		case <-t.C:
		case <-b.kick:
		}
		b.Flush(ctx)
	}
}

// Flush submits every queued scan now, in batches.
func (b *Batcher) Flush(ctx context.Context) {
	for {
		b.mu.Lock()
		n := min(len(b.queue), b.opts.MaxBatch)
		batch := append([]Scan(nil), b.queue[:n]...)
		b.queue = b.queue[n:]
		b.mu.Unlock()
		if n == 0 {
			return
		}
		b.submitFitting(ctx, batch)
	}
}

// submitFitting submits scans in as few transactions as fit the byte
// bound: a batch that encodes too large is halved.
func (b *Batcher) submitFitting(ctx context.Context, scans []Scan) {
	raw, err := b.sign(scans)
	tooLarge := (err == nil && len(raw) > b.opts.MaxBytes) || errcode.Of(err) == errcode.TooLarge
	if tooLarge && len(scans) > 1 {
		half := len(scans) / 2
		b.submitFitting(ctx, scans[:half])
		b.submitFitting(ctx, scans[half:])
		return
	}
	if err == nil {
		err = b.submit(ctx, raw, scans)
	}
	if err != nil {
		b.log.Error("record scans", "scans", len(scans), "err", err)
		b.mu.Lock()
		b.stats.Failed += uint64(len(scans))
		b.mu.Unlock()
		b.Committed(scans) // they will not be committed: stop counting them
	}
}

// sign builds a record_scans transaction of scans with the key's next
// nonce.
func (b *Batcher) sign(scans []Scan) ([]byte, error) {
	body, err := json.Marshal(traceapi.ScansBody{Scans: scans})
	if err != nil {
		return nil, err
	}
	nonce, err := b.opts.NextNonce(b.opts.Key.ID())
	if err != nil {
		return nil, err
	}
	t := &tx.Tx{ChainID: b.opts.ChainID, Nonce: nonce, Module: traceapi.Name, Action: traceapi.RecordScans.Name, Body: body}
	if err := t.Sign(b.opts.Key); err != nil {
		return nil, err
	}
	return t.Encode(), nil
}

func (b *Batcher) submit(ctx context.Context, raw []byte, scans []Scan) error {
	code, log, err := b.opts.Submit(ctx, raw)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("refused with code %d: %s", code, log)
	}
	b.mu.Lock()
	b.stats.Submitted += uint64(len(scans))
	b.stats.Batches++
	b.mu.Unlock()
	if b.opts.Wait == nil {
		b.Committed(scans)
		return nil
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		b.opts.Wait(ctx, raw)
		b.Committed(scans)
	}()
	return nil
}
