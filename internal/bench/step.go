package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/workload"
)

// staged is a step's transactions, encoded for sending.
type staged struct {
	bodies [][]byte
	// raws are the signed transactions, for the gateway's batch endpoint
	// (gateway: the lanes send through POST /v1/txs/batch).
	raws    [][]byte
	gateway bool
	node    []int
	lane    []int
	records []int32
	lanes   [][]int32
	bytes   float64 // mean transaction size
	// kind is each transaction's index in kinds (Tx.Kind), when the
	// step has more than one kind.
	kind  []uint8
	kinds []string
}

func stage(w workload.Workload, net *workload.Network, n int, method string) (*staged, [][]byte, error) {
	s := &staged{bodies: make([][]byte, n), node: make([]int, n), lane: make([]int, n), records: make([]int32, n), lanes: make([][]int32, w.Lanes())}
	raws := make([][]byte, n)
	var total int
	kinds, kind := map[string]uint8{}, make([]uint8, n)
	for i := range n {
		t := w.Next(i)
		if t.Node < 0 || t.Node >= len(net.Nodes) || t.Lane < 0 || t.Lane >= len(s.lanes) || len(t.Raw) == 0 {
			return nil, nil, fmt.Errorf("workload: transaction %d has node %d, lane %d, %d bytes", i, t.Node, t.Lane, len(t.Raw))
		}
		k, ok := kinds[t.Kind]
		if !ok {
			if len(s.kinds) == 256 {
				return nil, nil, fmt.Errorf("workload: more than 256 kinds of transaction")
			}
			k = uint8(len(s.kinds))
			kinds[t.Kind] = k
			s.kinds = append(s.kinds, cmp.Or(t.Kind, "other"))
		}
		kind[i] = k
		raws[i] = t.Raw
		s.bodies[i] = workload.BroadcastRequest(method, t.Raw)
		s.node[i], s.lane[i], s.records[i] = t.Node, t.Lane, int32(max(t.Records, 1))
		s.lanes[t.Lane] = append(s.lanes[t.Lane], int32(i))
		total += len(t.Raw)
	}
	s.bytes = float64(total) / float64(max(n, 1))
	s.raws = raws
	if len(s.kinds) > 1 {
		s.kind = kind
	} else {
		s.kinds = nil
	}
	return s, raws, nil
}

// sample is the resources of the nodes and the harness at one moment.
type sample struct {
	cpu      []*time.Duration
	disk     []*int64 // du
	apparent []*int64 // du --apparent-size
	selfCPU  time.Duration
}

func takeSample(net *workload.Network) sample {
	var s sample
	for _, nd := range net.Nodes {
		var cpu *time.Duration
		if nd.PID > 0 {
			if c, err := procCPU(nd.PID); err == nil {
				cpu = &c
			}
		}
		s.cpu = append(s.cpu, cpu)
		var disk, apparent *int64
		if du, app, err := diskUsage(filepath.Join(nd.Home, "data")); err == nil {
			disk, apparent = &du, &app
		}
		s.disk = append(s.disk, disk)
		s.apparent = append(s.apparent, apparent)
	}
	s.selfCPU, _ = procCPU(os.Getpid())
	return s
}

// step runs one rate: prepare, release open-loop for the window, drain,
// and measure. It returns the step and the mean transaction size.
func (r *runner) step(ctx context.Context, system string, net *workload.Network, w workload.Workload, p *poller, k int, rate float64) (*Step, float64, error) {
	o := r.o
	n := max(int(math.Round(rate*o.Step.Seconds())), 1)
	label := fmt.Sprintf("%s %s %dv %d/%d %g tx/s", system, w.Name(), len(net.Nodes), k+1, len(o.Rates), rate)
	r.prog.draw(label + " preparing " + fmt.Sprint(n) + " transactions")
	if err := w.Prepare(ctx, net, n); err != nil {
		return nil, 0, fmt.Errorf("prepare: %w", err)
	}
	method := o.Broadcast
	if method == "batch" {
		// Dengta's gateway batch endpoint; kvstore, which has none, gets
		// broadcast_tx_sync in JSON-RPC batches.
		method = "sync"
	}
	s, raws, err := stage(w, net, n, "broadcast_tx_"+method)
	if err != nil {
		return nil, 0, err
	}
	s.gateway = o.Broadcast == "batch" && system == SystemDengta
	tr := newTracker(raws, s.records)
	tr.kind, tr.kinds = s.kind, s.kinds
	st := &Step{Offered: rate, WindowS: o.Step.Seconds(), Prepared: int64(n), LoadStart: loadAverage()}
	runtime.GC() // the staging garbage, before the window rather than in it

	before := takeSample(net)
	peaks := make([]int64, len(net.Nodes))
	var selfPeak int64
	p.cur.Store(tr)
	start := time.Now().Add(20 * time.Millisecond)
	end := start.Add(o.Step)

	// Senders: one per lane, each sending its lane's transactions in order.
	stop := make(chan struct{})
	chans := make([]chan int32, len(s.lanes))
	var senders sync.WaitGroup
	for l, idx := range s.lanes {
		chans[l] = make(chan int32, len(idx))
		if len(idx) == 0 {
			continue
		}
		senders.Go(func() { send(ctx, net, tr, s, chans[l], stop) })
	}

	// Readers, back to back until the window ends.
	var reads *readCollector
	var readers sync.WaitGroup
	rctx, stopReads := context.WithDeadline(ctx, end)
	defer stopReads()
	if rd, ok := w.(workload.Reader); ok && o.Readers > 0 {
		reads = &readCollector{kinds: map[string][]time.Duration{}, errs: map[string]int{}}
		for range o.Readers {
			readers.Go(func() {
				rng := rand.New(rand.NewChaCha8(workload.Seed()))
				for time.Now().Before(start) {
					time.Sleep(time.Millisecond)
				}
				for rctx.Err() == nil {
					t := time.Now()
					kind, err := rd.Read(rctx, net, rng.IntN(len(net.Nodes)), rng)
					d := time.Since(t)
					if rctx.Err() != nil {
						break // cut off by the end of the window: not counted
					}
					if errors.Is(err, workload.ErrNothingToRead) {
						time.Sleep(10 * time.Millisecond)
						continue
					}
					reads.add(kind, d, err)
					if err != nil {
						time.Sleep(10 * time.Millisecond)
					}
				}
			})
		}
	}

	// Sampler: peak RSS and the progress bar.
	sctx, stopSampler := context.WithCancel(ctx)
	var sampler sync.WaitGroup
	phase := "window"
	var phaseMu sync.Mutex
	sampler.Go(func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			for i, nd := range net.Nodes {
				if nd.PID > 0 {
					if m, err := procMemory(nd.PID); err == nil {
						peaks[i] = max(peaks[i], m.RSS)
					}
				}
			}
			if m, err := procMemory(os.Getpid()); err == nil {
				selfPeak = max(selfPeak, m.RSS)
			}
			phaseMu.Lock()
			ph := phase
			phaseMu.Unlock()
			el := time.Since(start).Seconds()
			r.prog.draw(fmt.Sprintf("%s %s %s %4.1f/%gs sent %d committed %d h%d", label, ph,
				bar(el/o.Step.Seconds(), 20), min(max(el, 0), o.Step.Seconds()), o.Step.Seconds(), tr.accepted.Load(), tr.seen.Load(), p.height.Load()))
			select {
			case <-sctx.Done():
				return
			case <-tick.C:
			}
		}
	})

	var profiler sync.WaitGroup
	if o.ProfileTo != "" && net.Nodes[0].Pprof != "" {
		profiler.Go(func() {
			secs := max(1, int(o.Step.Seconds()/2)) // the middle half of the window
			realClock{}.Sleep(ctx, time.Until(start.Add(o.Step/4)))
			name := fmt.Sprintf("%s-%s-%g.pprof", system, net.Nodes[0].Name, rate)
			if err := fetchProfile(ctx, net.Nodes[0].Pprof, secs, filepath.Join(o.ProfileTo, name)); err != nil {
				r.logf("%s: CPU profile: %v", system, err)
			}
		})
	}
	released, lag := pacer{rate: rate, n: n}.run(ctx, start, realClock{}, func(i int, due time.Time) {
		tr.recs[i].released.Store(due.UnixNano())
		chans[s.lane[i]] <- int32(i)
	})
	st.PacerLagMs = ms(lag)
	realClock{}.Sleep(ctx, time.Until(end))
	for _, c := range chans {
		close(c)
	}
	windowState := p.rpc.ConsensusStep(ctx)
	phaseMu.Lock()
	phase = "drain "
	phaseMu.Unlock()
	// The senders go on with what is queued (the pacer released it in the
	// window) until the drain limit; what is still queued then is unsent,
	// and a full mempool is no longer retried.
	drainEnd := end.Add(o.Drain)
	for time.Now().Before(drainEnd) && queued(chans) > 0 && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	for i := released; i < n; i++ { // only when interrupted
		tr.recs[i].state.Store(txUnsent)
		tr.unsent.Add(1)
	}
	senders.Wait()
	readers.Wait()
	profiler.Wait()
	for !tr.settled() && time.Now().Before(drainEnd) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	// A busy poller may be a few blocks behind the node: let it catch up
	// with what the node has now, so that committed transactions are not
	// counted as uncommitted.
	if top, err := p.rpc.AppHeight(ctx); err == nil {
		for deadline := time.Now().Add(5 * time.Second); p.height.Load() < top && time.Now().Before(deadline) && ctx.Err() == nil; {
			time.Sleep(10 * time.Millisecond)
		}
	}
	finished := time.Now()
	p.cur.Store(nil)
	stopSampler()
	sampler.Wait()
	r.prog.clear()
	after := takeSample(net)
	// The results, read now that the step's CPU is measured (see poller).
	p.readResults(ctx, tr)
	if err := ctx.Err(); err != nil {
		return st, s.bytes, err
	}
	st.DrainS = round(finished.Sub(end).Seconds(), 2)
	st.LoadEnd = loadAverage()
	r.measure(st, tr, end)
	st.Blocks = blockStats(p.blocksBetween(start, finished))
	st.Consensus = windowState + " → " + p.rpc.ConsensusStep(ctx)
	for i, nd := range net.Nodes {
		u := NodeUsage{Name: nd.Name, PeakRSS: peaks[i]}
		if b, a := before.cpu[i], after.cpu[i]; b != nil && a != nil {
			u.CPUSeconds = ptr(round((*a - *b).Seconds(), 2))
		}
		if b, a := before.disk[i], after.disk[i]; b != nil && a != nil {
			u.DiskBytes = ptr(*a - *b)
			if st.Committed >= 20 {
				u.DiskPerTx = ptr(round(float64(*a-*b)/float64(st.Committed), 0))
			}
		}
		if b, a := before.apparent[i], after.apparent[i]; b != nil && a != nil {
			u.ApparentBytes = ptr(*a - *b)
			if st.Committed >= 20 {
				u.ApparentPerTx = ptr(round(float64(*a-*b)/float64(st.Committed), 0))
			}
		}
		st.Nodes = append(st.Nodes, u)
	}
	st.Harness = NodeUsage{Name: "harness", CPUSeconds: ptr(round((after.selfCPU - before.selfCPU).Seconds(), 2)), PeakRSS: selfPeak}
	if reads != nil {
		st.Reads = reads.stats(o.Readers, o.Step)
	}
	return st, s.bytes, nil
}

func ptr[T any](v T) *T { return &v }

// queued counts the transactions waiting in the lanes' queues.
func queued(chans []chan int32) int {
	n := 0
	for _, c := range chans {
		n += len(c)
	}
	return n
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// send sends a lane's transactions in order, one at a time. Once the
// window has closed and the drain limit passed (stop), what is still
// queued is unsent; a transaction already taken from the queue is always
// sent (so that closing stop right after the queues emptied loses
// nothing). After a rejection the lane stops: its later transactions
// could only be refused (their nonces would skip the rejected one), and
// the next step starts from the nonces the node has.
func send(ctx context.Context, net *workload.Network, tr *tracker, s *staged, ch <-chan int32, stop <-chan struct{}) {
	drop := func(abandoned bool) {
		for i := range ch {
			tr.recs[i].state.Store(txUnsent)
			tr.unsent.Add(1)
			if abandoned {
				tr.abandoned.Add(1)
			}
		}
	}
	for {
		select {
		case <-stop:
			drop(false)
			return
		default:
		}
		select {
		case <-stop:
			drop(false)
			return
		case i, ok := <-ch:
			if !ok {
				return
			}
			// A lane that has fallen behind sends what the pacer has
			// released meanwhile in one batch (in order), which spares the
			// node the HTTP overhead of each; a lane keeping up sends one
			// at a time.
			if s.gateway {
				if !sendGateway(ctx, net, tr, s, gather(i, ch), stop) {
					drop(true)
					return
				}
				continue
			}
			batch := append(make([]int32, 0, workload.MaxBatch), i)
		more:
			for len(batch) < workload.MaxBatch {
				select {
				case j, ok := <-ch:
					if !ok {
						break more
					}
					batch = append(batch, j)
				default:
					break more
				}
			}
			if !sendBatch(ctx, net, tr, s, batch, stop) {
				drop(true)
				return
			}
		}
	}
}

// sendBatch sends a lane's transactions in one JSON-RPC batch (often of
// one) and records each answer: accepted, or rejected (CheckTx code ≠ 0 or
// an error), and reports whether none was rejected. A full mempool
// (CometBFT's, or the application's code 16) is retried from the first
// transaction it turned away, after 20 ms doubling up to 320 ms
// (back-pressure, counted), until stop; after a rejection the rest of the
// batch (sent with it, and refused for the nonce it skipped) keeps its
// answers and the lane stops.
func sendBatch(ctx context.Context, net *workload.Network, tr *tracker, s *staged, batch []int32, stop <-chan struct{}) bool {
	backoff := 20 * time.Millisecond
	resent := 0 // times the batch was sent again after a connection error
	for len(batch) > 0 {
		reqs := make([][]byte, len(batch))
		for k, i := range batch {
			reqs[k] = s.bodies[i]
		}
		results, errs, err := net.Nodes[s.node[batch[0]]].RPCClient().PostBatch(ctx, workload.BatchRequest(reqs), len(batch))
		if err != nil && ctx.Err() == nil && resent < 3 && !workload.IsRPCError(err) {
			// The connection failed (for example the node closed an idle
			// keep-alive connection as the request went out): send again.
			// What the node did take answers "already exists in cache".
			resent++
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if err != nil {
			for _, i := range batch {
				rec := &tr.recs[i]
				if ctx.Err() != nil {
					rec.state.Store(txUnsent)
					tr.unsent.Add(1)
					continue
				}
				rec.state.Store(txRejected)
				tr.rejected.Add(1)
			}
			if ctx.Err() != nil {
				return true
			}
			tr.noteError(err.Error())
			return false
		}
		ok, retryFrom := true, -1
		for k, i := range batch {
			rec := &tr.recs[i]
			switch e := errs[k]; {
			case retryFrom >= 0:
			case workload.MempoolFull(e) || (e == nil && results[k].Code == mempoolFullCode):
				if ok {
					retryFrom = k
				} else {
					rec.state.Store(txUnsent)
					tr.unsent.Add(1)
				}
			case e != nil && resent > 0 && strings.Contains(e.Error(), "tx already exists in cache"):
				rec.state.Store(txAccepted) // taken by the node before the connection failed
				tr.accepted.Add(1)
			case e != nil:
				rec.state.Store(txRejected)
				tr.rejected.Add(1)
				tr.noteError(e.Error())
				ok = false
			case results[k].Code != 0:
				rec.state.Store(txRejected)
				tr.rejected.Add(1)
				tr.noteError(fmt.Sprintf("CheckTx code %d: %s", results[k].Code, results[k].Log))
				ok = false
			default:
				rec.state.Store(txAccepted)
				tr.accepted.Add(1)
			}
		}
		if retryFrom < 0 { // (a rejection leaves retryFrom unset)
			return ok
		}
		tr.retries.Add(1)
		batch = batch[retryFrom:]
		if waitRetry(ctx, tr, batch, &backoff, stop) {
			continue
		}
		return true
	}
	return true
}

// waitRetry waits out the back-off before a batch is sent again and
// doubles it (up to 320 ms); once the drain limit passes or ctx ends
// instead, the batch is unsent and waitRetry reports false.
func waitRetry(ctx context.Context, tr *tracker, batch []int32, backoff *time.Duration, stop <-chan struct{}) bool {
	select {
	case <-time.After(*backoff):
		*backoff = min(2**backoff, 320*time.Millisecond)
		return true
	case <-stop:
	case <-ctx.Done():
	}
	for _, i := range batch {
		tr.recs[i].state.Store(txUnsent)
		tr.unsent.Add(1)
	}
	return false
}

// Gateway batches: a lane sends what the pacer released within
// gatherWindow of its first transaction, up to gatherMax, as a bulk
// submitter would.
const (
	gatherWindow = 50 * time.Millisecond
	gatherMax    = 1000
)

// gather collects a lane's batch for the gateway, starting with first.
func gather(first int32, ch <-chan int32) []int32 {
	batch := []int32{first}
	deadline := time.NewTimer(gatherWindow)
	defer deadline.Stop()
	for len(batch) < gatherMax {
		select {
		case j, ok := <-ch:
			if !ok {
				return batch
			}
			batch = append(batch, j)
		case <-deadline.C:
			return batch
		}
	}
	return batch
}

// sendGateway sends a lane's batch through the gateway's batch endpoint
// (answered after admission) and records each answer as sendBatch does.
// A mempool that fills is retried from the first transaction it turned
// away, after the same back-off.
func sendGateway(ctx context.Context, net *workload.Network, tr *tracker, s *staged, batch []int32, stop <-chan struct{}) bool {
	backoff := 20 * time.Millisecond
	for len(batch) > 0 {
		raws := make([][]byte, len(batch))
		for k, i := range batch {
			raws[k] = s.raws[i]
		}
		results, err := net.Nodes[s.node[batch[0]]].Client().SubmitBatchAsync(ctx, raws)
		if client.IsCode(err, "unavailable") || client.IsCode(err, "mempool_full") {
			// The node's upload slots are all busy: nothing was taken;
			// back off and send the whole batch again, as a client would.
			tr.retries.Add(1)
			if waitRetry(ctx, tr, batch, &backoff, stop) {
				continue
			}
			return true
		}
		if err != nil {
			for _, i := range batch {
				if ctx.Err() != nil {
					tr.recs[i].state.Store(txUnsent)
					tr.unsent.Add(1)
					continue
				}
				tr.recs[i].state.Store(txRejected)
				tr.rejected.Add(1)
			}
			if ctx.Err() != nil {
				return true
			}
			tr.noteError(err.Error())
			return false
		}
		ok, retryFrom := true, -1
		for k, i := range batch {
			rec, r := &tr.recs[i], results[k]
			switch {
			case retryFrom >= 0:
			case r.Status == client.BatchPending:
				// Taken or not, unknown: send again from it (the same
				// bytes are taken once), or its successors would skip
				// its nonce.
				if ok {
					retryFrom = k
				}
			case r.Status == client.BatchRefused && r.Err != nil && (r.Err.Name == "mempool_full" || r.Err.Name == "unavailable"):
				if ok {
					retryFrom = k
				} else {
					rec.state.Store(txUnsent)
					tr.unsent.Add(1)
				}
			case r.Status == client.BatchRefused:
				rec.state.Store(txRejected)
				tr.rejected.Add(1)
				if r.Err != nil {
					tr.noteError(r.Err.Error())
				}
				ok = false
			default: // accepted, or committed or pending (taken)
				rec.state.Store(txAccepted)
				tr.accepted.Add(1)
			}
		}
		if retryFrom < 0 {
			return ok
		}
		tr.retries.Add(1)
		batch = batch[retryFrom:]
		if waitRetry(ctx, tr, batch, &backoff, stop) {
			continue
		}
		return true
	}
	return true
}

// mempoolFullCode is Dengta's result code for a node that cannot take more
// transactions now (errcode.MempoolFull).
const mempoolFullCode = 16

// measure fills in the step's counts, rates and latencies from the
// tracker.
func (r *runner) measure(st *Step, tr *tracker, end time.Time) {
	window := r.o.Step.Seconds()
	st.Accepted, st.Rejected, st.Unsent = tr.accepted.Load(), tr.rejected.Load(), tr.unsent.Load()
	st.MempoolFullRetries = tr.retries.Load()
	st.Abandoned = tr.abandoned.Load()
	st.Committed, st.Failed = tr.committed.Load(), tr.failed.Load()
	st.Uncommitted = max(st.Accepted-st.Committed-st.Failed, 0)
	var lat []time.Duration
	var inWindow, records int64
	endNs := end.UnixNano()
	for i := range tr.recs {
		rec := &tr.recs[i]
		c := rec.commit.Load()
		if c == 0 || rec.code.Load() != 0 {
			continue
		}
		lat = append(lat, time.Duration(c-rec.released.Load()))
		if c <= endNs {
			inWindow++
			records += int64(tr.records[i])
		}
	}
	st.CommittedInWindow = inWindow
	st.AcceptedPerS = round(float64(st.Accepted)/window, 1)
	st.CommittedPerS = round(float64(inWindow)/window, 1)
	st.RecordsPerS = round(float64(records)/window, 1)
	st.Latency = summarize(lat)
	st.Errors = tr.topErrors(5)
	st.ByKind = byKind(tr, endNs, window)
}

// byKind breaks a step down by kind of transaction, when the workload
// offers more than one.
func byKind(tr *tracker, endNs int64, window float64) []KindStats {
	if len(tr.kinds) < 2 {
		return nil
	}
	out := make([]KindStats, len(tr.kinds))
	lat := make([][]time.Duration, len(tr.kinds))
	for k, name := range tr.kinds {
		out[k].Kind = name
	}
	for i := range tr.recs {
		k := tr.kind[i]
		ks := &out[k]
		ks.Prepared++
		rec := &tr.recs[i]
		c := rec.commit.Load()
		switch {
		case c == 0:
		case rec.code.Load() != 0:
			ks.Failed++
		default:
			ks.Committed++
			lat[k] = append(lat[k], time.Duration(c-rec.released.Load()))
			if c <= endNs {
				ks.CommittedInWindow++
			}
		}
	}
	for k := range out {
		out[k].CommittedPerS = round(float64(out[k].CommittedInWindow)/window, 1)
		out[k].Latency = summarize(lat[k])
	}
	slices.SortFunc(out, func(a, b KindStats) int { return strings.Compare(a.Kind, b.Kind) })
	return out
}

func blockStats(bs []blockInfo) BlockStats {
	var s BlockStats
	s.Count = len(bs)
	var bytes int
	for _, b := range bs {
		if b.round > 0 {
			s.LateRounds++
			s.MaxRound = max(s.MaxRound, b.round)
		}
		s.Txs += b.txs
		s.MaxTxs = max(s.MaxTxs, b.txs)
		bytes += b.bytes
	}
	if s.Count > 0 {
		s.MeanTxs = round(float64(s.Txs)/float64(s.Count), 1)
		s.MeanBytes = round(float64(bytes)/float64(s.Count), 0)
	}
	if s.Count > 1 {
		s.MeanIntervalMs = ms(bs[len(bs)-1].time.Sub(bs[0].time) / time.Duration(s.Count-1))
	}
	return s
}

// readCollector gathers the reads of a window.
type readCollector struct {
	mu    sync.Mutex
	kinds map[string][]time.Duration
	n     int
	bad   int
	errs  map[string]int
}

func (c *readCollector) add(kind string, d time.Duration, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if err != nil {
		c.bad++
		msg := err.Error()
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		if len(c.errs) < 20 || c.errs[msg] > 0 {
			c.errs[msg]++
		}
		return
	}
	c.kinds[kind] = append(c.kinds[kind], d)
}

func (c *readCollector) stats(readers int, window time.Duration) *ReadStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := &ReadStats{Readers: readers, Count: c.n, Errors: c.bad, ByKind: map[string]Latency{}, Samples: c.errs}
	var all []time.Duration
	for k, ds := range c.kinds {
		all = append(all, ds...)
		rs.ByKind[k] = summarize(append([]time.Duration(nil), ds...))
	}
	rs.Latency = summarize(all)
	rs.PerS = round(float64(c.n-c.bad)/window.Seconds(), 1)
	return rs
}

// fetchProfile saves a CPU profile of secs seconds from a pprof server.
func fetchProfile(ctx context.Context, base string, secs int, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs+30)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", base, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
