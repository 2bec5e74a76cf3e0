package bench

import (
	"context"
	"crypto/sha256"
	"regexp"
	"sort"
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
	seen                       atomic.Int64 // seen in a block, result read or not
	committed, failed          atomic.Int64 // seen in a block with code 0 / ≠ 0
	committedRecords           atomic.Int64
	retries                    atomic.Int64 // "mempool is full" answers, retried
	abandoned                  atomic.Int64 // unsent because an earlier one of its lane was rejected

	mu     sync.Mutex
	errors map[string]int // messages of rejections and failures, counted
	// unread holds, per height, the step's transactions seen in a block
	// whose results have not been read yet (their index in the block and
	// in the step).
	unread map[int64][][2]int32
}

func newTracker(txs [][]byte, records []int32) *tracker {
	t := &tracker{recs: make([]txRec, len(txs)), records: records, index: make(map[[32]byte]int32, len(txs)), errors: map[string]int{}, unread: map[int64][][2]int32{}}
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

// observe records the transactions of a block that belong to the step:
// their commit time, and their codes if the block comes with its results;
// otherwise the results are read later (results).
func (t *tracker) observe(b *workload.Block) {
	seen := b.Seen.UnixNano()
	var mine [][2]int32
	for i, tx := range b.Txs {
		j, ok := t.index[sha256.Sum256(tx)]
		if !ok {
			continue
		}
		if !t.recs[j].commit.CompareAndSwap(0, seen) {
			continue // already seen (cannot happen on one chain, but be safe)
		}
		t.seen.Add(1)
		mine = append(mine, [2]int32{int32(i), j})
	}
	if len(mine) == 0 {
		return
	}
	if b.Results != nil {
		t.apply(b.Results, mine)
		return
	}
	t.mu.Lock()
	t.unread[b.Height] = append(t.unread[b.Height], mine...)
	t.mu.Unlock()
}

// apply records the results of a block's transactions of the step.
func (t *tracker) apply(results []workload.TxResult, mine [][2]int32) {
	for _, m := range mine {
		i, j := m[0], m[1]
		if int(i) >= len(results) {
			t.failed.Add(1)
			t.recs[j].code.Store(1)
			t.noteError("the block has fewer results than transactions")
			continue
		}
		code := results[i].Code
		t.recs[j].code.Store(code)
		if code == 0 {
			t.committed.Add(1)
			t.committedRecords.Add(int64(t.records[j]))
		} else {
			t.failed.Add(1)
			t.noteError(results[i].Log)
		}
	}
}

// unreadHeights returns, in order, the heights of blocks holding the
// step's transactions whose results have not been read.
func (t *tracker) unreadHeights() []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	hs := make([]int64, 0, len(t.unread))
	for h := range t.unread {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(a, b int) bool { return hs[a] < hs[b] })
	return hs
}

// results records the results of the block at height h, read after the
// step (see poller).
func (t *tracker) results(h int64, results []workload.TxResult) {
	t.apply(results, t.takeUnread(h))
}

// takeUnread removes and returns the step's transactions of the block at
// height h whose results are unread.
func (t *tracker) takeUnread(h int64) [][2]int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	mine := t.unread[h]
	delete(t.unread, h)
	return mine
}

// unreadable counts the transactions of a block whose results could not be
// read as failed, with the reason.
func (t *tracker) unreadable(h int64, err error) {
	for _, m := range t.takeUnread(h) {
		t.recs[m[1]].code.Store(1)
		t.failed.Add(1)
		t.noteError("results not read: " + err.Error())
	}
}

// settled reports whether every accepted transaction has been seen in a
// block.
func (t *tracker) settled() bool {
	return t.seen.Load() >= t.accepted.Load()
}

// poller watches one node for new blocks every interval and hands them to
// the current step's tracker (and to an observing workload). It asks the
// application's height (/abci_info, a few bytes whatever the application)
// and fetches each new /block: a block's transactions are committed, and
// their results readable, once the application's height reaches it. The
// time a block is seen is the time the poll that revealed its height
// returned, so latencies are exact to about the poll interval.
//
// The results (/block_results) are not read during the step unless a
// workload observes them (withEvents): the step reads them after its CPU
// sample is taken. Dengta's results carry events and kvstore's almost
// nothing, so reading them in the window would charge Dengta's node for
// the harness's curiosity; the /abci_info and /block reads are the same
// size for both systems.
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
		h, err := p.rpc.AppHeight(ctx)
		if err == nil {
			last = h
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
		top, err := p.rpc.AppHeight(ctx)
		seen := time.Now()
		if err != nil {
			if ctx.Err() == nil {
				p.fail(err)
			}
			continue
		}
		for h := last + 1; h <= top; h++ {
			var b *workload.Block
			if p.withEvents {
				b, err = p.rpc.Block(ctx, h, true)
			} else {
				b, err = p.rpc.BlockTxs(ctx, h)
			}
			if err != nil {
				if ctx.Err() == nil {
					p.fail(err)
				}
				break // look again next tick
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

// readResults reads the results of the blocks holding a step's
// transactions that the poller saw without them.
func (p *poller) readResults(ctx context.Context, t *tracker) {
	for _, h := range t.unreadHeights() {
		var res []workload.TxResult
		var err error
		for try := 0; try < 3; try++ {
			if res, err = p.rpc.Results(ctx, h, false); err == nil || ctx.Err() != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			p.fail(err)
			t.unreadable(h, err)
			continue
		}
		t.results(h, res)
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
