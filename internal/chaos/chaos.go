// Package chaos runs a network of real `dengta start` processes on
// loopback under a steady signed load and injects process faults on a
// seeded random schedule: SIGKILL and restart of one node, of two at once,
// of all; SIGSTOP and SIGCONT; kills in the middle of commits under
// bursts; a TCP partition of one node through proxies; a torn consensus
// WAL tail; a node rebuilt from a backup; a node joining by state sync
// while faults go on. After every fault it waits for the network to
// recover (every node past the height the chain had, out of block sync),
// measures how long that took, and checks that every node has the same
// block hash and app hash at every height and holds every transaction
// a client was told was committed. `dengta chaos` runs it; docs/reliability.md
// has the results of a long run.
package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
)

// Fault kinds.
const (
	Kill        = "kill"         // SIGKILL one validator, restart it
	KillTwo     = "kill-two"     // SIGKILL two validators at once (the chain halts), restart them
	RestartAll  = "restart-all"  // SIGKILL every node, restart them all
	Pause       = "pause"        // SIGSTOP one validator for seconds, then SIGCONT
	BurstKill   = "burst-kill"   // SIGKILL a validator while a burst of transactions commits
	Partition   = "partition"    // cut one validator's peer connections (both ways) for seconds
	WALTruncate = "wal-truncate" // SIGKILL, cut the end of the consensus WAL, restart
	Restore     = "restore"      // back up a running validator, kill it, wipe it, restore it
	StateSync   = "state-sync"   // (re)join an observer node by state sync while a validator is killed
)

// Kinds lists every fault kind, in the order reports show them.
var Kinds = []string{Kill, KillTwo, RestartAll, Pause, BurstKill, Partition, WALTruncate, Restore, StateSync}

// weights is how often each kind is drawn after the first round (which
// has each kind once): the slow kinds (a restore, a state sync: 15-30 s
// each) are rarer, so that a long run is mostly many cheap faults.
var weights = map[string]int{Kill: 20, KillTwo: 10, RestartAll: 6, Pause: 14, BurstKill: 12, Partition: 14, WALTruncate: 14, Restore: 3, StateSync: 3}

func kindOrder(k string) int {
	if i := slices.Index(Kinds, k); i >= 0 {
		return i
	}
	return len(Kinds)
}

// Options configure a run.
type Options struct {
	Bin        string // the dengta binary the nodes run
	Dir        string // working directory (homes, logs, backups); must be empty or new
	Validators int    // 4 by default
	// The run stops after Faults faults or Duration, whichever comes
	// first (0: no limit; at least one must be set).
	Faults   int
	Duration time.Duration
	// Interval is the calm time between a fault's checks and the next
	// fault (1 s by default).
	Interval time.Duration
	Seed     uint64
	// Kinds are the fault kinds to draw from (all by default).
	Kinds []string
	// Senders is the number of steady load senders (one organisation's
	// key each; the validators' organisations by default).
	Senders int
	// SnapshotInterval is the nodes' state-sync snapshot interval in
	// blocks (100 by default).
	SnapshotInterval int64
	LogLevel         string // the nodes' log level ("info" by default)
	Consortium       devnet.Consortium
	// JSON, if set, is rewritten after every fault with the report so far.
	JSON string
	// Command is the command line recorded in the report.
	Command string
	Log     io.Writer // progress lines (nil: none)
}

func (o *Options) defaults() error {
	if o.Bin == "" || o.Dir == "" {
		return errors.New("chaos: the dengta binary and a working directory are required")
	}
	if o.Validators == 0 {
		o.Validators = 4
	}
	if o.Validators < 4 || o.Validators > 10 {
		return fmt.Errorf("chaos: %d validators; choose 4 to 10 (fewer cannot lose one and go on)", o.Validators)
	}
	if o.Faults <= 0 && o.Duration <= 0 {
		return errors.New("chaos: set a number of faults or a duration")
	}
	if o.Interval == 0 {
		o.Interval = time.Second
	}
	if len(o.Kinds) == 0 {
		o.Kinds = Kinds
	}
	for _, k := range o.Kinds {
		if !slices.Contains(Kinds, k) {
			return fmt.Errorf("chaos: unknown fault kind %q; the kinds are %s", k, strings.Join(Kinds, ", "))
		}
	}
	if o.Senders == 0 {
		o.Senders = o.Validators
	}
	if o.SnapshotInterval == 0 {
		o.SnapshotInterval = 100
	}
	if o.LogLevel == "" {
		o.LogLevel = "info"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// member is one node of the network: a validator, or the observer that
// joins by state sync.
type member struct {
	name  string
	ip    string
	ports node.Ports
	home  string
	p     *proc
	c     *client.Client
	rpc   string // CometBFT RPC, http://ip:port

	checkedTo int64 // blocks compared up to this height
	earliest  int64 // lowest block the node holds (above 1 after a state sync or restore)
	txNext    int   // ledger entries looked up on this node so far
	recheck   []int // earlier ledger entries to look up again (after a restore)
}

// entry is a transaction a client was told was committed.
type entry struct {
	hash   string
	height int64
	signer int // index of the signing key
}

type harness struct {
	o     Options
	rng   *rand.Rand
	net   string // the network's directory
	start time.Time

	nodes    []*member // validators, then the observer once it joined
	observer *member
	links    map[[2]int]*link
	keys     []*client.Key // organisations' admin keys: validators' first, then the others

	mu      sync.Mutex
	ledger  []entry
	loadErr map[string]int
	pending int

	ref map[int64][2]string // height -> block hash, app hash (first node seen)

	report *Report
}

// Run runs the chaos harness. It returns the report (also when the run
// failed) and an error when the harness itself could not go on. Every
// process it started is stopped (by PID) before it returns.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	h := &harness{o: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), start: time.Now(),
		links: map[[2]int]*link{}, loadErr: map[string]int{}, ref: map[int64][2]string{}}
	h.report = &Report{Command: o.Command, Seed: o.Seed, Validators: o.Validators, Started: h.start.UTC(),
		ByKind: map[string]*KindReport{}, LoadErrors: map[string]int{}, Host: Host{CPUs: runtime.NumCPU(), LoadStart: loadAvg()}}
	defer h.shutdown()
	err := h.run(ctx)
	if err != nil {
		h.report.Errors = append(h.report.Errors, err.Error())
	}
	h.finish()
	if o.JSON != "" {
		if werr := h.report.WriteJSON(o.JSON); werr != nil && err == nil {
			err = werr
		}
	}
	return h.report, err
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.o.Log, "%7.1fs  %s\n", time.Since(h.start).Seconds(), fmt.Sprintf(format, args...))
}

func (h *harness) validators() []*member { return h.nodes[:h.o.Validators] }

// shutdown stops every process and proxy the harness started.
func (h *harness) shutdown() {
	var wg sync.WaitGroup
	for _, m := range h.nodes {
		wg.Go(func() {
			if err := m.p.stop(20 * time.Second); err != nil {
				h.logf("stop %s: %v", m.name, err)
			}
		})
	}
	wg.Wait()
	for _, l := range h.links {
		l.close()
	}
}

func (h *harness) run(ctx context.Context) error {
	if err := h.setup(ctx); err != nil {
		return err
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	var load sync.WaitGroup
	for s := range h.o.Senders {
		load.Go(func() { h.sender(loadCtx, s%len(h.keys), s%h.o.Validators, nil) })
	}
	defer func() {
		stopLoad()
		load.Wait()
	}()
	// A first commit through every sender before the first fault.
	if err := h.waitFor(ctx, 90*time.Second, "the load's first commits", func() bool { return h.committed() >= h.o.Senders }); err != nil {
		return err
	}
	h.logf("load running: %d senders", h.o.Senders)

	order := h.firstRound()
	for n := 1; ; n++ {
		if h.o.Faults > 0 && n > h.o.Faults {
			break
		}
		if h.o.Duration > 0 && time.Since(h.start) >= h.o.Duration {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind := h.draw(n, order)
		rec, err := h.fault(ctx, n, kind)
		if err != nil {
			return fmt.Errorf("fault %d (%s): %w", n, kind, err)
		}
		h.report.add(rec)
		h.logf("fault %d %s %s: recovered in %.2fs at height %d%s", n, kind, strings.Join(rec.Nodes, ","), rec.Recovery, rec.Height, detail(rec.Detail))
		if !h.report.OK() {
			return nil // the report says what failed
		}
		if h.o.JSON != "" {
			h.snapshotReport()
			if err := h.report.WriteJSON(h.o.JSON); err != nil {
				return err
			}
		}
		if err := sleep(ctx, h.jitter(h.o.Interval)); err != nil {
			return err
		}
	}
	// The end: stop the load, let every node settle, check everything
	// once more.
	stopLoad()
	load.Wait()
	if _, err := h.recover(ctx, h.maxHeight(ctx), 3*time.Minute); err != nil {
		h.report.NotRecovered = append(h.report.NotRecovered, "at the end: "+err.Error())
		return nil
	}
	return h.check(ctx)
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// firstRound is the order of the first round of faults: each kind once,
// shuffled by the seed, the state sync (which needs a snapshot) not
// first.
func (h *harness) firstRound() []string {
	order := slices.Clone(h.o.Kinds)
	h.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	if i := slices.Index(order, StateSync); i == 0 && len(order) > 1 {
		order[0], order[len(order)-1] = order[len(order)-1], order[0]
	}
	return order
}

// draw picks fault n's kind: the first round takes each kind once in a
// seeded order, later ones draw by weight.
func (h *harness) draw(n int, order []string) string {
	if n <= len(order) {
		return order[n-1]
	}
	total := 0
	for _, k := range h.o.Kinds {
		total += weights[k]
	}
	x := h.rng.IntN(total)
	for _, k := range h.o.Kinds {
		if x < weights[k] {
			return k
		}
		x -= weights[k]
	}
	return h.o.Kinds[0]
}

// jitter is d times a random factor from 0.5 to 1.5.
func (h *harness) jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.5 + h.rng.Float64()))
}

// between is a random duration from a to b.
func (h *harness) between(a, b time.Duration) time.Duration {
	return a + time.Duration(h.rng.Int64N(int64(b-a)+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// setup writes the network, puts a proxy on every peer connection and
// starts the validators.
func (h *harness) setup(ctx context.Context) error {
	v := h.o.Validators
	base, ports, err := nettest.FreeAddresses(v + 1) // the last address is the observer's
	if err != nil {
		return err
	}
	h.net = filepath.Join(h.o.Dir, "net")
	var others []devnet.Org
	if v < len(devnet.Demo) {
		others = devnet.Demo[v:]
	}
	members, err := devnet.Testnet(h.net, devnet.TestnetOptions{
		ChainID: "dengta-chaos", Consortium: h.o.Consortium, Validators: v, IPBase: base, Ports: ports, Fast: true,
		NonValidators: others, Protection: keyfile.DevProtection(), // a throw-away local network: its files say so
	})
	if err != nil {
		return err
	}
	logs := filepath.Join(h.o.Dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return err
	}
	for _, m := range members {
		h.nodes = append(h.nodes, &member{name: m.Org.ID, ip: m.IP, ports: m.Ports, home: m.Home,
			p:   &proc{bin: h.o.Bin, home: m.Home, log: filepath.Join(logs, m.Org.ID+".log"), logLevel: h.o.LogLevel},
			c:   client.New(m.Gateway),
			rpc: fmt.Sprintf("http://%s:%d", m.IP, m.Ports.RPC)})
	}
	h.observer = &member{name: "observer", ip: fmt.Sprintf("127.0.0.%d", base+v), ports: ports,
		home: filepath.Join(h.o.Dir, "observer"),
		p:    &proc{bin: h.o.Bin, home: filepath.Join(h.o.Dir, "observer"), log: filepath.Join(logs, "observer.log"), logLevel: h.o.LogLevel},
		c:    client.New(fmt.Sprintf("http://127.0.0.%d:%d", base+v, ports.Gateway)),
		rpc:  fmt.Sprintf("http://127.0.0.%d:%d", base+v, ports.RPC)}
	for _, m := range members {
		k, err := client.OpenKey(m.KeyFile, []byte(keyfile.DevPassphrase))
		if err != nil {
			return err
		}
		h.keys = append(h.keys, k)
	}
	for _, o := range others {
		k, err := client.OpenKey(devnet.KeyFile(filepath.Join(h.net, "keys"), o.ID), []byte(keyfile.DevPassphrase))
		if err != nil {
			return err
		}
		h.keys = append(h.keys, k)
	}
	// Proxies: one per ordered pair of validators.
	for i := range v {
		for j := range v {
			if i == j {
				continue
			}
			l, err := newLink(j, i, h.nodes[i].ip, fmt.Sprintf("%s:%d", h.nodes[i].ip, ports.P2P))
			if err != nil {
				return err
			}
			h.links[[2]int{j, i}] = l
		}
	}
	for j, m := range h.nodes {
		if err := h.setPeers(j, m.home); err != nil {
			return err
		}
		if err := h.snapshotSettings(m.home); err != nil {
			return err
		}
	}
	for _, m := range h.nodes {
		if err := m.p.start(); err != nil {
			return err
		}
	}
	h.logf("%d validators started under %s (pids %s)", v, h.o.Dir, h.pids())
	return h.waitFor(ctx, 90*time.Second, "every validator to commit a block", func() bool {
		for _, m := range h.nodes {
			if s := status(ctx, m.c); s == nil || s.Height < 1 || s.CatchingUp {
				return false
			}
		}
		return true
	})
}

func (h *harness) pids() string {
	var s []string
	for _, m := range h.nodes {
		s = append(s, fmt.Sprintf("%s %d", m.name, m.p.pid()))
	}
	return strings.Join(s, ", ")
}

// setPeers points node j's persistent peers at the proxies in front of
// every validator.
func (h *harness) setPeers(j int, home string) error {
	var peers []string
	for i := range h.o.Validators {
		if i == j {
			continue
		}
		id, err := node.NodeID(h.nodes[i].home)
		if err != nil {
			return err
		}
		peers = append(peers, id+"@"+h.links[[2]int{j, i}].addr())
	}
	return node.SetPeers(home, peers)
}

func (h *harness) snapshotSettings(home string) error {
	s, err := node.LoadSettings(home)
	if err != nil {
		return err
	}
	s.SnapshotInterval, s.SnapshotKeep = h.o.SnapshotInterval, 3
	return node.SaveSettings(home, s)
}

// cut cuts or heals every proxied connection from and to node i.
func (h *harness) cut(i int, cut bool) {
	for k, l := range h.links {
		if k[0] == i || k[1] == i {
			l.setCut(cut)
		}
	}
}

func (h *harness) waitFor(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// status asks a node for its status; nil if it does not answer in time.
func status(ctx context.Context, c *client.Client) *client.Status {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	s, err := c.Status(ctx)
	if err != nil {
		return nil
	}
	return s
}

// maxHeight is the highest height a running node reports.
func (h *harness) maxHeight(ctx context.Context) int64 {
	var top int64
	for _, m := range h.nodes {
		if m.p.running() && !m.p.paused {
			if s := status(ctx, m.c); s != nil {
				top = max(top, s.Height)
			}
		}
	}
	return top
}

func (h *harness) committed() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ledger)
}

// sender signs register_key transactions with key k through the SDK
// (client.Do: it resolves an unclear outcome by hash and never signs the
// same intent twice) and records those it was told were committed. It
// starts at node via and moves to the next validator after an error.
// stop, if not nil, ends it early.
func (h *harness) sender(ctx context.Context, k, via int, stop <-chan struct{}) {
	key := h.keys[k]
	for j := 0; ctx.Err() == nil; j++ {
		if stop != nil {
			select {
			case <-stop:
				return
			default:
			}
		}
		nk, err := client.GenerateKey("ed25519")
		if err != nil {
			h.loadError("keygen")
			return
		}
		body := fmt.Appendf(nil, `{"public_key": %s, "admin": false, "name": "chaos %d-%d"}`, nk.PublicKey(), k, j)
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		rec, err := h.nodes[via].c.Do(cctx, key, "identity", "register_key", body)
		cancel()
		if err == nil && rec != nil && rec.Code == 0 {
			h.mu.Lock()
			h.ledger = append(h.ledger, entry{hash: rec.Hash, height: rec.Height, signer: k})
			h.mu.Unlock()
			continue
		}
		if ctx.Err() != nil {
			return
		}
		var pe *client.PendingError
		var ce *client.Error
		switch {
		case errors.As(err, &pe):
			h.mu.Lock()
			h.pending++
			h.mu.Unlock()
			h.loadError("pending")
		case err == nil:
			h.loadError("committed with code " + rec.CodeName)
		case errors.As(err, &ce):
			h.loadError(ce.Name)
		default:
			h.loadError("transport")
		}
		via = (via + 1) % h.o.Validators
		_ = sleep(ctx, 200*time.Millisecond)
	}
}

func (h *harness) loadError(kind string) {
	h.mu.Lock()
	h.loadErr[kind]++
	h.mu.Unlock()
}

// fault injects one fault of kind, waits for the recovery and checks the
// nodes.
func (h *harness) fault(ctx context.Context, n int, kind string) (FaultRecord, error) {
	rec := FaultRecord{N: n, Kind: kind, At: time.Now().UTC()}
	pre := h.maxHeight(ctx)
	v := h.rng.IntN(h.o.Validators)
	timeout := 3 * time.Minute
	var burst func()
	var err error
	switch kind {
	case Kill:
		rec.Nodes = []string{h.nodes[v].name}
		err = h.killRestart(ctx, h.between(500*time.Millisecond, 3*time.Second), v)
	case KillTwo:
		w := (v + 1 + h.rng.IntN(h.o.Validators-1)) % h.o.Validators
		rec.Nodes = []string{h.nodes[v].name, h.nodes[w].name}
		err = h.killRestart(ctx, h.between(500*time.Millisecond, 3*time.Second), v, w)
	case RestartAll:
		all := make([]int, len(h.nodes))
		for i := range all {
			all[i] = i
			rec.Nodes = append(rec.Nodes, h.nodes[i].name)
		}
		err = h.killRestart(ctx, h.between(500*time.Millisecond, 2*time.Second), all...)
	case Pause:
		rec.Nodes = []string{h.nodes[v].name}
		d := h.between(time.Second, 6*time.Second)
		rec.Detail = "paused " + d.Round(time.Millisecond).String()
		if err = h.nodes[v].p.signal(syscall.SIGSTOP); err == nil {
			err = sleep(ctx, d)
			if cerr := h.nodes[v].p.signal(syscall.SIGCONT); err == nil {
				err = cerr
			}
		}
	case BurstKill:
		rec.Nodes = []string{h.nodes[v].name}
		burst, rec.Detail = h.burst(ctx), fmt.Sprintf("%d burst senders", len(h.keys)-h.o.Validators)
		if err = sleep(ctx, h.between(300*time.Millisecond, 1500*time.Millisecond)); err == nil {
			err = h.killRestart(ctx, h.between(500*time.Millisecond, 2*time.Second), v)
		}
	case Partition:
		rec.Nodes = []string{h.nodes[v].name}
		d := h.between(3*time.Second, 8*time.Second)
		rec.Detail = "cut off " + d.Round(time.Millisecond).String()
		h.cut(v, true)
		err = sleep(ctx, d)
		h.cut(v, false)
	case WALTruncate:
		rec.Nodes = []string{h.nodes[v].name}
		rec.Detail, err = h.walTruncate(ctx, v)
	case Restore:
		rec.Nodes = []string{h.nodes[v].name}
		rec.Detail, err = h.restore(ctx, n, v)
	case StateSync:
		rec.Nodes = []string{h.observer.name, h.nodes[v].name}
		rec.Detail, err = h.stateSync(ctx, n, v)
		timeout = 5 * time.Minute
	}
	if err != nil {
		return rec, err
	}
	took, err := h.recover(ctx, pre, timeout)
	if burst != nil {
		burst()
	}
	if err != nil && ctx.Err() != nil {
		return rec, ctx.Err() // stopped from outside: not a finding
	}
	if err != nil {
		h.report.NotRecovered = append(h.report.NotRecovered, fmt.Sprintf("fault %d (%s of %s): %v", n, kind, strings.Join(rec.Nodes, ", "), err))
		return rec, nil
	}
	rec.Recovery = took.Seconds()
	if err := h.check(ctx); err != nil {
		return rec, err
	}
	rec.Height, rec.LoadAvg = h.report.Heights, loadAvg()
	return rec, nil
}

// killRestart SIGKILLs the nodes idx at once, waits down, and starts them
// again.
func (h *harness) killRestart(ctx context.Context, down time.Duration, idx ...int) error {
	if err := h.kill(idx...); err != nil {
		return err
	}
	if err := sleep(ctx, down); err != nil {
		return err
	}
	for _, i := range idx {
		if err := h.nodes[i].p.start(); err != nil {
			return err
		}
	}
	return nil
}

func (h *harness) kill(idx ...int) error {
	var wg sync.WaitGroup
	errs := make([]error, len(idx))
	for k, i := range idx {
		wg.Go(func() { errs[k] = h.nodes[i].p.kill() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// burst starts a sender on every key that is not a validator
// organisation's, spread over the validators; the returned function stops
// them and waits for them.
func (h *harness) burst(ctx context.Context) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for k := h.o.Validators; k < len(h.keys); k++ {
		wg.Go(func() { h.sender(ctx, k, k%h.o.Validators, stop) })
	}
	return func() {
		close(stop)
		wg.Wait()
	}
}

// walTruncate kills node v, cuts 1 byte to 4 KiB off the end of its
// consensus WAL (a torn last write) and restarts it.
func (h *harness) walTruncate(ctx context.Context, v int) (string, error) {
	m := h.nodes[v]
	if err := m.p.kill(); err != nil {
		return "", err
	}
	wal := filepath.Join(node.DataDir(m.home), "cs.wal", "wal")
	fi, err := os.Stat(wal)
	if err != nil {
		return "", err
	}
	cut := int64(0)
	if fi.Size() > 0 {
		cut = 1 + h.rng.Int64N(min(fi.Size(), 4096))
		if err := os.Truncate(wal, fi.Size()-cut); err != nil {
			return "", err
		}
	}
	if err := sleep(ctx, h.between(200*time.Millisecond, time.Second)); err != nil {
		return "", err
	}
	return fmt.Sprintf("cut %d of %d WAL bytes", cut, fi.Size()), m.p.start()
}

// restore backs up running validator v with `dengta backup`, kills it,
// wipes its home, rebuilds it with `dengta restore` (the light client
// asking two other validators) and starts it.
func (h *harness) restore(ctx context.Context, n, v int) (string, error) {
	m := h.nodes[v]
	dir := filepath.Join(h.o.Dir, "backups", fmt.Sprintf("%04d-%s", n, m.name))
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	if out, err := h.command(ctx, "backup", "--home", m.home, "--out", dir); err != nil {
		return "", fmt.Errorf("dengta backup: %w\n%s", err, out)
	}
	if err := m.p.kill(); err != nil {
		return "", err
	}
	if err := os.RemoveAll(m.home); err != nil {
		return "", err
	}
	args := []string{"restore", "--backup", dir, "--home", m.home}
	for k := 1; k <= 2; k++ {
		args = append(args, "--rpc", h.nodes[(v+k)%h.o.Validators].rpc)
	}
	start := time.Now()
	if out, err := h.command(ctx, args...); err != nil {
		return "", fmt.Errorf("dengta restore: %w\n%s", err, out)
	}
	took := time.Since(start)
	if err := os.RemoveAll(dir); err != nil { // backups add up over a long run
		return "", err
	}
	// Its blocks are compared again from its first one. The transactions
	// not looked up on it yet are, at the next check, as always; of those
	// looked up before, up to 1,000 drawn at random are looked up again,
	// now from the transaction index the backup brought back (all of them
	// at every restore would cost more lookups than the rest of a long
	// run).
	m.checkedTo, m.earliest = 0, 0
	m.recheck = h.sample(m.txNext, 1000)
	return fmt.Sprintf("restored in %s", took.Round(time.Millisecond)), m.p.start()
}

// stateSync (re)creates the observer node from a join bundle (`dengta
// bundle`, `dengta join`) and starts it; it catches up by state sync
// while validator v is SIGKILLed and restarted.
func (h *harness) stateSync(ctx context.Context, n, v int) (string, error) {
	o := h.observer
	// A snapshot must exist on the validators the observer asks.
	if err := h.waitFor(ctx, 3*time.Minute, "a snapshot on two validators", func() bool {
		k := 0
		for _, m := range h.validators() {
			if es, _ := os.ReadDir(node.SnapshotDir(m.home)); hasSnapshot(es) {
				k++
			}
		}
		return k >= 2
	}); err != nil {
		return "", err
	}
	if err := o.p.kill(); err != nil {
		return "", err
	}
	if err := os.RemoveAll(o.home); err != nil {
		return "", err
	}
	if !slices.Contains(h.nodes, o) {
		h.nodes = append(h.nodes, o)
		j := len(h.nodes) - 1
		for i := range h.o.Validators {
			l, err := newLink(j, i, h.nodes[i].ip, fmt.Sprintf("%s:%d", h.nodes[i].ip, h.nodes[i].ports.P2P))
			if err != nil {
				return "", err
			}
			h.links[[2]int{j, i}] = l
		}
	}
	// The bundle from two running validators (not v, which is killed
	// below).
	var homes []string
	for k := 1; len(homes) < 4 && k < h.o.Validators; k++ {
		homes = append(homes, "--home", h.nodes[(v+k)%h.o.Validators].home)
	}
	bundle := filepath.Join(h.o.Dir, fmt.Sprintf("join-%04d.json", n))
	if out, err := h.command(ctx, append([]string{"bundle", "--out", bundle}, homes...)...); err != nil {
		return "", fmt.Errorf("dengta bundle: %w\n%s", err, out)
	}
	if out, err := h.command(ctx, "join", "--bundle", bundle, "--home", o.home, "--moniker", o.name,
		"--ip", o.ip, "--p2p-port", strconv.Itoa(o.ports.P2P), "--rpc-port", strconv.Itoa(o.ports.RPC),
		"--gateway-port", strconv.Itoa(o.ports.Gateway), "--dev-passphrase"); err != nil {
		return "", fmt.Errorf("dengta join: %w\n%s", err, out)
	}
	if err := h.setPeers(slices.Index(h.nodes, o), o.home); err != nil {
		return "", err
	}
	o.checkedTo, o.earliest, o.txNext = 0, 0, 0
	if err := o.p.start(); err != nil {
		return "", err
	}
	// Faults go on while it syncs.
	if err := sleep(ctx, h.between(time.Second, 3*time.Second)); err != nil {
		return "", err
	}
	if err := h.killRestart(ctx, h.between(500*time.Millisecond, 2*time.Second), v); err != nil {
		return "", err
	}
	return "validator killed during the sync", nil
}

func hasSnapshot(es []os.DirEntry) bool {
	for _, e := range es {
		if e.IsDir() {
			return true
		}
	}
	return false
}

// command runs the dengta binary with args.
func (h *harness) command(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return exec.CommandContext(ctx, h.o.Bin, args...).CombinedOutput()
}

// recover waits until every node is running consensus past the highest
// height seen before the fault and now, restarting (and reporting) a
// node that exited on its own; it returns the time from now.
func (h *harness) recover(ctx context.Context, pre int64, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	target := max(pre, h.maxHeight(ctx))
	var lag []string
	err := h.waitFor(ctx, timeout, fmt.Sprintf("every node past height %d", target), func() bool {
		lag = lag[:0]
		for _, m := range h.nodes {
			if m.p.crashed() {
				h.report.Crashes = append(h.report.Crashes, fmt.Sprintf("%s (pid %d) exited on its own: %s; last lines of %s:\n%s", m.name, m.p.pid(), m.p.exitState(), m.p.log, nettest.Tail(m.p.log, 15)))
				if err := m.p.start(); err != nil {
					h.report.Errors = append(h.report.Errors, err.Error())
				}
			}
			s := status(ctx, m.c)
			switch {
			case s == nil:
				lag = append(lag, m.name+" not answering")
			case s.CatchingUp || s.Height <= target:
				lag = append(lag, fmt.Sprintf("%s at %d (catching up %v)", m.name, s.Height, s.CatchingUp))
			}
		}
		return len(lag) == 0
	})
	if err != nil {
		return 0, fmt.Errorf("%w: %s", err, strings.Join(lag, "; "))
	}
	return time.Since(start), nil
}

// check compares the blocks of every node up to the common height and
// looks up the committed transactions on every node.
func (h *harness) check(ctx context.Context) error {
	common := int64(-1)
	heights := make([]int64, len(h.nodes))
	for i, m := range h.nodes {
		s := status(ctx, m.c)
		if s == nil {
			return fmt.Errorf("check: %s does not answer", m.name)
		}
		// Transactions are looked up below the app's committed version:
		// the block store holds a block a moment before the app has
		// committed it and indexed its transactions.
		heights[i] = min(s.Height, s.StateVersion)
		if common < 0 || s.Height < common {
			common = s.Height
		}
	}
	for _, m := range h.nodes {
		if err := h.compareBlocks(ctx, m, common); err != nil {
			return err
		}
	}
	h.report.Heights = max(h.report.Heights, common)
	h.mu.Lock()
	ledger := slices.Clone(h.ledger)
	h.mu.Unlock()
	for i, m := range h.nodes {
		if err := h.lookUp(ctx, m, ledger, heights[i]); err != nil {
			return err
		}
	}
	return nil
}

type blockSummary struct {
	Height  int64  `json:"height"`
	Hash    string `json:"hash"`
	AppHash string `json:"app_hash"`
}

// compareBlocks compares node m's blocks above the last compared height
// up to top with the reference, 100 a page.
func (h *harness) compareBlocks(ctx context.Context, m *member, top int64) error {
	from := m.checkedTo + 1
	before := top + 1
	for before > from {
		var page struct {
			Items []blockSummary `json:"items"`
			Next  int64          `json:"next"`
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := m.c.Get(cctx, fmt.Sprintf("/v1/blocks?before=%d&limit=100", before), &page)
		cancel()
		if err != nil {
			return fmt.Errorf("check: blocks below %d on %s: %w", before, m.name, err)
		}
		for _, b := range page.Items {
			if b.Height < from {
				break
			}
			h.report.Blocks++
			want, ok := h.ref[b.Height]
			if !ok {
				h.ref[b.Height] = [2]string{b.Hash, b.AppHash}
				continue
			}
			if want != [2]string{b.Hash, b.AppHash} {
				h.report.Divergences = append(h.report.Divergences, fmt.Sprintf("height %d: %s has block %s app hash %s; another node has block %s app hash %s",
					b.Height, m.name, b.Hash, b.AppHash, want[0], want[1]))
			}
		}
		if len(page.Items) == 0 {
			break
		}
		last := page.Items[len(page.Items)-1].Height
		if page.Next == 0 {
			if last > from {
				m.earliest = last // a state-synced or restored node's first block
			}
			break
		}
		before = last
	}
	m.checkedTo = top
	return nil
}

// lookUp looks up, on node m, by hash, every ledger entry not looked up
// there yet: it must be there, committed with code 0 at the height the
// client was told. Entries above the node's height wait for the next
// check; entries below a state-synced node's first block are skipped.
func (h *harness) lookUp(ctx context.Context, m *member, ledger []entry, height int64) error {
	end := m.txNext
	for end < len(ledger) && ledger[end].height <= height {
		end++
	}
	todo := slices.Clone(ledger[m.txNext:end])
	for _, i := range m.recheck {
		todo = append(todo, ledger[i])
	}
	m.recheck = nil
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		mu      sync.Mutex
		lookups int64
		skipped int64
		lost    []string
		retry   = -1
	)
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				e := todo[i]
				if m.earliest > 1 && e.height < m.earliest && m == h.observer {
					mu.Lock()
					skipped++
					mu.Unlock()
					continue
				}
				var got *client.TxRecord
				var err error
				for attempt := 0; attempt < 3; attempt++ {
					cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
					got, err = m.c.As(h.keys[e.signer]).Tx(cctx, e.hash)
					cancel()
					if err == nil || client.IsCode(err, "not_found") {
						break
					}
				}
				mu.Lock()
				lookups++
				switch {
				case client.IsCode(err, "not_found"):
					lost = append(lost, fmt.Sprintf("tx %s (committed at height %d) is not on %s", e.hash, e.height, m.name))
				case err != nil:
					if i < end-m.txNext && (retry < 0 || i < retry) {
						retry = i
					}
				case got.Height != e.height || got.Code != 0:
					lost = append(lost, fmt.Sprintf("tx %s (committed at height %d) is on %s at height %d with code %d", e.hash, e.height, m.name, got.Height, got.Code))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	h.report.TxLookups += lookups
	h.report.TxSkipped += skipped
	h.report.Lost = append(h.report.Lost, lost...)
	if retry >= 0 {
		end = m.txNext + retry // look again from there next time
	}
	m.txNext = end
	return nil
}

// sample draws up to k distinct indexes below n.
func (h *harness) sample(n, k int) []int {
	if n <= k {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	return h.rng.Perm(n)[:k]
}

// snapshotReport copies the load's counters into the report.
func (h *harness) snapshotReport() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.report.Committed = len(h.ledger)
	h.report.Pending = h.pending
	for k, n := range h.loadErr {
		h.report.LoadErrors[k] = n
	}
	h.report.Seconds = time.Since(h.start).Round(time.Second).Seconds()
	h.report.Host.LoadEnd = loadAvg()
}

// finish completes the report: counters, and the nodes' logs scanned for
// WAL repairs and corrupted-entry lines.
func (h *harness) finish() {
	h.snapshotReport()
	for _, m := range h.nodes {
		data, err := os.ReadFile(m.p.log)
		if err != nil {
			continue
		}
		s := string(data)
		h.report.TornRepairs += strings.Count(s, "consensus WAL repaired")
		h.report.Corrupted += strings.Count(s, "Corrupted entry")
	}
}
