package auditlog

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// Submit records events of one owner on chain (a datashare/audit
// transaction signed with a key of the owner) and waits for the commit.
// It answers the transaction's code (0: recorded); an error is a failure
// to be retried (the node is stopping, the mempool is full, no key of the
// owner is held yet).
type Submit func(ctx context.Context, owner string, events []datashareapi.AuditEvent) (code uint32, log string, err error)

// Batcher records the journal on chain.
type Batcher struct {
	j        *Journal
	submit   Submit
	max      int
	interval time.Duration
	log      *slog.Logger

	mu    sync.Mutex
	stats Stats
}

// Stats count what a Batcher did.
type Stats struct {
	Batches, Events, Rejected, Retries uint64
}

// NewBatcher returns a batcher of j's lines, at most max events a
// transaction (datashareapi.MaxAuditBatch when 0), waiting at most
// interval for more to join a batch.
func NewBatcher(j *Journal, submit Submit, max int, interval time.Duration, log *slog.Logger) *Batcher {
	if max <= 0 || max > datashareapi.MaxAuditBatch {
		max = datashareapi.MaxAuditBatch
	}
	if interval <= 0 {
		interval = time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Batcher{j: j, submit: submit, max: max, interval: interval, log: log}
}

// Stats returns the counters.
func (b *Batcher) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stats
}

// Run records the journal until ctx ends, then tries once more for a few
// seconds: what is left stays in the journal for the next start.
func (b *Batcher) Run(ctx context.Context) {
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			b.Flush(last)
			cancel()
			return
		case <-t.C:
		case <-b.j.Appended():
			// Let a burst gather into one batch.
			select {
			case <-time.After(b.interval / 4):
			case <-ctx.Done():
			}
		}
		b.Flush(ctx)
	}
}

// errRetry stops a flush until the next round.
var errRetry = errors.New("retry later")

// Flush records everything the journal holds, oldest first, and reports
// whether it all went.
func (b *Batcher) Flush(ctx context.Context) bool {
	for {
		lines, next, err := b.j.Pending(b.max)
		if err != nil {
			b.log.Error("audit journal", "err", err)
			return false
		}
		if len(lines) == 0 {
			if next != b.j.cursorNow() {
				if err := b.j.Advance(next); err != nil {
					b.log.Error("audit journal cursor", "err", err)
					return false
				}
				continue
			}
			return true
		}
		// The longest run of one owner's lines: the chain takes one
		// owner's events a transaction.
		k := 1
		for k < len(lines) && lines[k].Owner == lines[0].Owner {
			k++
		}
		if err := b.record(ctx, lines[:k]); err != nil {
			return false
		}
		if err := b.j.Advance(lines[k-1].After); err != nil {
			b.log.Error("audit journal cursor", "err", err)
			return false
		}
	}
}

// record submits a run of one owner's lines; a refused batch is tried
// line by line, and a line the chain refuses alone is kept apart.
func (b *Batcher) record(ctx context.Context, run []Entry) error {
	code, log, err := b.submit(ctx, run[0].Owner, events(run))
	if err != nil {
		b.count(func(s *Stats) { s.Retries++ })
		b.log.Warn("audit batch not recorded yet", "owner", run[0].Owner, "events", len(run), "err", err)
		return errRetry
	}
	if code == 0 {
		b.count(func(s *Stats) { s.Batches++; s.Events += uint64(len(run)) })
		return nil
	}
	if len(run) > 1 {
		for i := range run {
			if err := b.record(ctx, run[i:i+1]); err != nil {
				return err
			}
		}
		return nil
	}
	b.log.Error("audit event refused by the chain; kept in rejected.jsonl", "owner", run[0].Owner, "code", code, "log", log)
	b.count(func(s *Stats) { s.Rejected++ })
	if err := b.j.Reject(run[0].Line, log); err != nil {
		b.log.Error("audit journal", "err", err)
		return errRetry
	}
	return nil
}

func (b *Batcher) count(f func(*Stats)) {
	b.mu.Lock()
	f(&b.stats)
	b.mu.Unlock()
}

func events(run []Entry) []datashareapi.AuditEvent {
	out := make([]datashareapi.AuditEvent, len(run))
	for i, e := range run {
		out[i] = e.Full.OnChain(e.Digest)
	}
	return out
}

func (j *Journal) cursorNow() Cursor {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.cursor
}
