// Package scanbatch records public QR-code scans on chain in batches. The
// scan page hands each scan to a Batcher; the Batcher signs one
// trace/record_scans transaction with the node's operator key for up to
// MaxBatch scans, at most every Interval, so a burst of scans costs few
// transactions. Scans waiting for their batch are counted per item, so a
// page can show them before they are committed.
package scanbatch

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/tx"
)

// Scan is one scan of an item's code, as record_scans takes it.
type Scan struct {
	EPC      string `json:"epc"`
	Time     string `json:"time"`     // RFC 3339
	Location string `json:"location"` // coarse city or region, or ""
	Device   string `json:"device"`   // hex SHA-256 of the device id
}

// Options configure a Batcher.
type Options struct {
	ChainID string
	Key     *tx.PrivateKey
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
	// MaxBatch is the most scans per transaction (default 300, which keeps a
	// transaction well under tx.MaxTxBytes; at most 500).
	MaxBatch int
	// Interval is how long scans may wait for more to join their batch
	// (default 1 s).
	Interval time.Duration
	// QueueSize bounds the scans waiting; more are dropped (default 100,000).
	QueueSize int
	Logger    *slog.Logger
}

// Stats count what a Batcher did.
type Stats struct {
	Queued, Dropped, Submitted, Batches, Failed uint64
}

// Batcher collects scans and records them in batches.
type Batcher struct {
	opts Options
	log  *slog.Logger

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
	if opts.MaxBatch <= 0 || opts.MaxBatch > 500 {
		opts.MaxBatch = 300
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 100_000
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Batcher{opts: opts, log: opts.Logger, pending: map[string]int{}, kick: make(chan struct{}, 1)}, nil
}

// Add queues a scan. It reports false when the queue is full and the scan
// was dropped.
func (b *Batcher) Add(s Scan) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) >= b.opts.QueueSize {
		b.stats.Dropped++
		return false
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
	return true
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

// Flush submits every queued scan now, in batches of MaxBatch.
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
		if err := b.submit(ctx, batch); err != nil {
			b.log.Error("record scans", "scans", len(batch), "err", err)
			b.mu.Lock()
			b.stats.Failed += uint64(len(batch))
			b.mu.Unlock()
			b.Committed(batch) // they will not be committed: stop counting them
		}
	}
}

func (b *Batcher) submit(ctx context.Context, scans []Scan) error {
	body, err := json.Marshal(map[string]any{"scans": scans})
	if err != nil {
		return err
	}
	nonce, err := b.opts.NextNonce(b.opts.Key.ID())
	if err != nil {
		return err
	}
	t := &tx.Tx{ChainID: b.opts.ChainID, Nonce: nonce, Module: "trace", Action: "record_scans", Body: body}
	if err := t.Sign(b.opts.Key); err != nil {
		return err
	}
	code, log, err := b.opts.Submit(ctx, t.Encode())
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
	raw := t.Encode()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		b.opts.Wait(ctx, raw)
		b.Committed(scans)
	}()
	return nil
}
