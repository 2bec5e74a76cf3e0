package bench

import (
	"context"
	"crypto/sha256"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dengta-chain/dengta/internal/workload"
)

// Transaction states, as the senders see them.
const (
	txQueued   int32 = iota // released by the pacer, not yet answered by the node
	txAccepted              // CheckTx said 0 (or async broadcast went through)
	txRejected              // CheckTx code ≠ 0, or the node refused it
	txUnsent                // still queued when the window closed
)

// txRec is the life of one transaction of a step. Each field is written
// by one goroutine (pacer, sender or poller) and read at the end.
type txRec struct {
	released atomic.Int64 // unix ns the pacer released it (when it was due)
	commit   atomic.Int64 // unix ns the poller saw its block; 0 while not committed
	state    atomic.Int32
	code     atomic.Uint32 // result code in the block
}

// tracker follows one step's transactions from release to commit.
type tracker struct {
	recs    []txRec
	records []int32 // records committed by each transaction (batch size)
	index   map[[32]byte]int32
	kind    []uint8  // each transaction's index in kinds, or nil
	kinds   []string // the kinds of transaction the workload named

	accepted, rejected, unsent atomic.Int64
	committed, failed          atomic.Int64 // seen in a block with code 0 / ≠ 0
	committedRecords           atomic.Int64
	retries                    atomic.Int64 // "mempool is full" answers, retried
	abandoned                  atomic.Int64 // unsent because an earlier one of its lane was rejected

	mu     sync.Mutex
	errors map[string]int // messages of rejections and failures, counted
}

func newTracker(txs [][]byte, records []int32) *tracker {
	t := &tracker{recs: make([]txRec, len(txs)), records: records, index: make(map[[32]byte]int32, len(txs)), errors: map[string]int{}}
	for i, tx := range txs {
		t.index[sha256.Sum256(tx)] = int32(i)
	}
	return t
}

// hexRun matches transaction hashes and other long hex strings, which
// would make every message unique.
var hexRun = regexp.MustCompile(`[0-9A-Fa-f]{32,}`)

func (t *tracker) noteError(msg string) {
	msg = hexRun.ReplaceAllString(msg, "…")
	if len(msg) > 240 {
		msg = msg[:240] + "…"
	}
	t.mu.Lock()
	t.errors[msg]++
	t.mu.Unlock()
}

// topErrors returns up to n messages, most frequent first.
func (t *tracker) topErrors(n int) map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	type kv struct {
		k string
		v int
	}
	var all []kv
	for k, v := range t.errors {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || all[i].v == all[j].v && all[i].k < all[j].k })
	out := map[string]int{}
	for _, e := range all[:min(n, len(all))] {
		out[e.k] = e.v
	}
	return out
}

// observe records the transactions of a block that belong to the step.
func (t *tracker) observe(b *workload.Block) {
	seen := b.Seen.UnixNano()
	for i, tx := range b.Txs {
		j, ok := t.index[sha256.Sum256(tx)]
		if !ok {
			continue
		}
		r := &t.recs[j]
		if !r.commit.CompareAndSwap(0, seen) {
			continue // already seen (cannot happen on one chain, but be safe)
		}
		code := b.Results[i].Code
		r.code.Store(code)
		if code == 0 {
			t.committed.Add(1)
			t.committedRecords.Add(int64(t.records[j]))
		} else {
			t.failed.Add(1)
			t.noteError(b.Results[i].Log)
		}
	}
}

// settled reports whether every accepted transaction has been seen in a
// block.
func (t *tracker) settled() bool {
	return t.committed.Load()+t.failed.Load() >= t.accepted.Load()
}

// poller watches one node for new blocks every interval and hands them to
// the current step's tracker (and to an observing workload). The time a
// block is seen is the time the poll that revealed its height returned, so
// latencies are exact to about the poll interval.
type poller struct {
	rpc        *workload.RPC
	interval   time.Duration
	withEvents bool
	observe    func(*workload.Block) // the workload's observer, or nil

	cur     atomic.Pointer[tracker]
	height  atomic.Int64
	mu      sync.Mutex
	blocks  []blockInfo
	errs    atomic.Int64
	lastErr atomic.Value
}

// blockInfo is what the report keeps of each block.
type blockInfo struct {
	height int64
	time   time.Time // header time
	seen   time.Time
	txs    int
	bytes  int
	// round is the round in which the previous block was committed.
	round int32
}

// run polls until ctx ends, starting after the current height.
func (p *poller) run(ctx context.Context, ready chan<- struct{}) {
	var last int64
	for {
		s, err := p.rpc.Status(ctx)
		if err == nil {
			last = s.Height
			break
		}
		if ctx.Err() != nil {
			close(ready)
			return
		}
		time.Sleep(p.interval)
	}
	p.height.Store(last)
	close(ready)
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s, err := p.rpc.Status(ctx)
		seen := time.Now()
		if err != nil {
			if ctx.Err() == nil {
				p.fail(err)
			}
			continue
		}
		for h := last + 1; h <= s.Height; h++ {
			b, err := p.rpc.Block(ctx, h, p.withEvents)
			if err != nil {
				// The block is stored before it is executed: its results
				// come a moment later. Not an error; look again next tick.
				if ctx.Err() == nil && !strings.Contains(err.Error(), "could not find results for height") {
					p.fail(err)
				}
				break
			}
			b.Seen = seen
			size := 0
			for _, tx := range b.Txs {
				size += len(tx)
			}
			p.mu.Lock()
			p.blocks = append(p.blocks, blockInfo{height: h, time: b.Time, seen: seen, txs: len(b.Txs), bytes: size, round: b.LastCommitRound})
			p.mu.Unlock()
			if t := p.cur.Load(); t != nil {
				t.observe(b)
			}
			if p.observe != nil {
				p.observe(b)
			}
			last = h
			p.height.Store(h)
		}
	}
}

func (p *poller) fail(err error) {
	p.errs.Add(1)
	p.lastErr.Store(err.Error())
}

// blocksBetween returns the blocks seen in [from, to].
func (p *poller) blocksBetween(from, to time.Time) []blockInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []blockInfo
	for _, b := range p.blocks {
		if !b.seen.Before(from) && !b.seen.After(to) {
			out = append(out, b)
		}
	}
	return out
}
