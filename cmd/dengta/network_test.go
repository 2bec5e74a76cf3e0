package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/tx"
)

// testPassphrase encrypts the keys of the test networks.
const testPassphrase = "harbour lights 灯塔"

// buildDengta builds this command into a temporary directory.
func buildDengta(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dengta")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %s", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// proc is one `dengta start` process, started and stopped by the test.
type proc struct {
	bin, org, home, log string
	passFile            string // the homes' passphrase

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	runs int
}

// start starts the node; its stdout and stderr are appended to p.log.
func (p *proc) start(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // the child has its own descriptor
	p.runs++
	fmt.Fprintf(f, "=== test: start %d of %s at %s ===\n", p.runs, p.org, time.Now().Format(time.TimeOnly))
	cmd := exec.Command(p.bin, "start", "--home", p.home, "--log-level", "info", "--passphrase-file", p.passFile)
	cmd.Stdout, cmd.Stderr = f, f
	// A test binary killed by its timeout runs no cleanup: the node must
	// not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.org, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	p.cmd, p.done = cmd, done
}

func (p *proc) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL to the process and waits for it to exit.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if !p.running() {
		return
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill %s (pid %d): %v", p.org, p.cmd.Process.Pid, err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Errorf("%s (pid %d) did not exit after SIGKILL", p.org, p.cmd.Process.Pid)
	}
}

// stop asks the process to stop with SIGTERM, and kills it if it has not
// exited after 15 s.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if !p.running() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Errorf("%s (pid %d) did not stop within 15s of SIGTERM; killing it", p.org, p.cmd.Process.Pid)
		p.kill(t)
	}
}

// testNet is a four-validator network of `dengta start` processes.
type testNet struct {
	dir      string
	passFile string
	procs    []*proc
	cs       []*client.Client
	keys     []*client.Key
}

func (n *testNet) org(i int) string { return n.procs[i].org }

// alive fails the test if a node that should be running has exited.
func (n *testNet) alive(t *testing.T, except ...int) {
	t.Helper()
	for i, p := range n.procs {
		if !p.running() && !contains(except, i) {
			t.Fatalf("the node of %s (pid %d) exited: %v", p.org, p.cmd.Process.Pid, p.cmd.ProcessState)
		}
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// status asks a node for its status; nil if it does not answer in time.
func status(ctx context.Context, c *client.Client) *client.Status {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := c.Status(ctx)
	if err != nil {
		return nil
	}
	return s
}

// height is a node's height, -1 if it does not answer.
func height(ctx context.Context, c *client.Client) int64 {
	if s := status(ctx, c); s != nil {
		return s.Height
	}
	return -1
}

// synced reports whether a node has reached height h and runs consensus
// (out of block sync: while block-syncing its mempool refuses transactions).
func synced(ctx context.Context, c *client.Client, h int64) bool {
	s := status(ctx, c)
	// The block store holds a block before the application has executed
	// and committed it: wait for the committed state too, or a read right
	// after may see the state before the block (before genesis, at 1).
	return s != nil && s.Height >= h && s.StateVersion >= h && !s.CatchingUp
}

// maxHeight is the highest height among the nodes idx.
func (n *testNet) maxHeight(ctx context.Context, idx []int) int64 {
	var h int64 = -1
	for _, i := range idx {
		h = max(h, height(ctx, n.cs[i]))
	}
	return h
}

// startNetwork writes a four-validator network with `dengta testnet` and
// starts one `dengta start` process per validator. If another process took
// one of the chosen addresses before a node bound it, it starts afresh with
// other addresses.
func startNetwork(t *testing.T, ctx context.Context, bin string, validators int) *testNet {
	t.Helper()
	return startNetworkWith(t, ctx, bin, validators, nil)
}

// startNetworkWith is startNetwork with prepare (if not nil) called on
// every home before its node starts.
func startNetworkWith(t *testing.T, ctx context.Context, bin string, validators int, prepare func(home string)) *testNet {
	t.Helper()
	for attempt := 1; ; attempt++ {
		n, clash := tryStartNetwork(t, ctx, bin, validators, attempt, prepare)
		if !clash {
			return n
		}
		if attempt == 3 {
			t.Fatalf("address clashes on %d attempts", attempt)
		}
		t.Logf("attempt %d: an address was taken; retrying with other addresses", attempt)
	}
}

func tryStartNetwork(t *testing.T, ctx context.Context, bin string, validators, attempt int, prepare func(home string)) (*testNet, bool) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("net%d", attempt))
	base, p := nettest.PickAddresses(t, validators)
	// The keys are encrypted under a real passphrase (the cheap KDF
	// cost keeps the test fast): every start and restart decrypts them.
	passFile := filepath.Join(t.TempDir(), "passphrase")
	if err := os.WriteFile(passFile, []byte(testPassphrase+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "testnet", "--validators", strconv.Itoa(validators), "--out", dir,
		"--chain-id", "dengta-proctest", "--ip-base", strconv.Itoa(base),
		"--p2p-port", strconv.Itoa(p.P2P), "--rpc-port", strconv.Itoa(p.RPC), "--gateway-port", strconv.Itoa(p.Gateway),
		"--fast", "--passphrase-file", passFile, "--kdf", "dev").CombinedOutput()
	if err != nil {
		t.Fatalf("dengta testnet: %v\n%s", err, out)
	}
	n := &testNet{dir: dir, passFile: passFile}
	logDir := t.TempDir()
	for i := range validators {
		org := devnet.OrgAt(i).ID
		key, err := client.OpenKey(devnet.KeyFile(filepath.Join(dir, "keys"), org), []byte(testPassphrase))
		if err != nil {
			t.Fatal(err)
		}
		n.procs = append(n.procs, &proc{bin: bin, org: org, home: filepath.Join(dir, org), log: filepath.Join(logDir, org+".log"), passFile: passFile})
		n.cs = append(n.cs, client.New(fmt.Sprintf("http://127.0.0.%d:%d", base+i, p.Gateway)))
		n.keys = append(n.keys, key)
	}
	// Cleanups run last-in first-out: the logs are shown after the nodes
	// have stopped.
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("DENGTA_TEST_SHOW_LOGS") != "" {
			for _, p := range n.procs {
				t.Logf("--- last lines of %s's log (%s):\n%s", p.org, p.log, nettest.Tail(p.log, 60))
			}
		}
	})
	for _, p := range n.procs {
		if prepare != nil {
			prepare(p.home)
		}
		p.start(t)
		t.Cleanup(func() { p.stop(t) })
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		up := 0
		for i, p := range n.procs {
			if !p.running() {
				if data, _ := os.ReadFile(p.log); bytes.Contains(data, []byte("address already in use")) {
					for _, q := range n.procs {
						q.stop(t)
					}
					return nil, true
				}
				t.Fatalf("the node of %s exited at start-up: %v", p.org, p.cmd.ProcessState)
			}
			if synced(ctx, n.cs[i], 1) {
				up++
			}
		}
		if up == len(n.procs) {
			return n, false
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 60s waiting for %d nodes to commit a block in consensus mode (%d did)", len(n.procs), up)
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
	}
}

// ledger collects the transactions that were answered as committed.
type ledger struct {
	mu  sync.Mutex
	txs []*client.TxRecord
}

func (l *ledger) add(rec *client.TxRecord) {
	l.mu.Lock()
	l.txs = append(l.txs, rec)
	l.mu.Unlock()
}

func (l *ledger) all() []*client.TxRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*client.TxRecord(nil), l.txs...)
}

// registerKeyTx signs a register_key transaction of a new key with
// signer's next nonce at c's node, and returns it with its hash.
func registerKeyTx(ctx context.Context, c *client.Client, signer *client.Key, name string) ([]byte, string, error) {
	k, err := client.GenerateKey("sm2")
	if err != nil {
		return nil, "", err
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, "", err
	}
	nonce, err := c.NextNonce(ctx, signer.ID())
	if err != nil {
		return nil, "", err
	}
	body := fmt.Appendf(nil, `{"public_key": %s, "admin": false, "name": %q}`, k.PublicKey(), name)
	raw, err := signer.Sign(chainID, nonce, "identity", "register_key", body)
	if err != nil {
		return nil, "", err
	}
	h := tx.Hash(raw)
	return raw, fmt.Sprintf("%X", h[:]), nil
}

// submit signs and submits a register_key transaction by key i through
// node via, and requires it to commit with code 0.
func (n *testNet) submit(ctx context.Context, l *ledger, i, via int, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	raw, _, err := registerKeyTx(ctx, n.cs[via], n.keys[i], name)
	if err != nil {
		return err
	}
	rec, err := n.cs[via].Submit(ctx, raw)
	if err != nil {
		return err
	}
	if rec == nil || rec.Code != 0 {
		return fmt.Errorf("committed with record %+v", rec)
	}
	l.add(rec)
	return nil
}

// wave has each organisation i in idx register count keys through its own
// node, all organisations at once; every transaction must commit with code
// 0.
func (n *testNet) wave(t *testing.T, ctx context.Context, l *ledger, label string, idx []int, count int) {
	t.Helper()
	errs := make(chan error, len(idx))
	var wg sync.WaitGroup
	for _, i := range idx {
		wg.Go(func() {
			for j := range count {
				if err := n.submit(ctx, l, i, i, fmt.Sprintf("%s-%s-%d", label, n.org(i), j)); err != nil {
					errs <- fmt.Errorf("%s: register_key by %s through its node: %w", label, n.org(i), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

type blockInfo struct {
	Height  int64  `json:"height"`
	Hash    string `json:"hash"`
	AppHash string `json:"app_hash"`
}

func (n *testNet) block(t *testing.T, ctx context.Context, i int, h int64) blockInfo {
	t.Helper()
	var b blockInfo
	if err := n.cs[i].Get(ctx, fmt.Sprintf("/v1/blocks/%d", h), &b); err != nil {
		t.Fatalf("block %d on %s: %v", h, n.org(i), err)
	}
	if b.Height != h || b.Hash == "" || b.AppHash == "" {
		t.Fatalf("block %d on %s: %+v", h, n.org(i), b)
	}
	return b
}

// sameBlocks checks that the nodes idx have the same block and app hash
// at every height from..to.
func (n *testNet) sameBlocks(t *testing.T, ctx context.Context, idx []int, from, to int64) {
	t.Helper()
	for h := from; h <= to; h++ {
		want := n.block(t, ctx, idx[0], h)
		for _, i := range idx[1:] {
			if b := n.block(t, ctx, i, h); b != want {
				t.Fatalf("height %d: %s has block %s app hash %s; %s has block %s app hash %s",
					h, n.org(idx[0]), want.Hash, want.AppHash, n.org(i), b.Hash, b.AppHash)
			}
		}
	}
}

// catchUp restarts node v and waits until it has reached the height the
// others had then, with the same block and app hash there, and has
// switched from block sync to consensus.
func (n *testNet) catchUp(t *testing.T, ctx context.Context, v int, others []int) int64 {
	t.Helper()
	n.procs[v].start(t)
	target := n.maxHeight(ctx, others)
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("restarted %s to reach height %d and leave block sync", n.org(v), target), func() bool {
		n.alive(t)
		return synced(ctx, n.cs[v], target)
	})
	n.sameBlocks(t, ctx, append([]int{v}, others...), target, target)
	return target
}

var replayLine = regexp.MustCompile(`"ABCI Replay Blocks".* appHeight=(\d+) storeHeight=(\d+)`)

// resumedAtCheckpoint checks, from the log of a node restarted after a
// SIGKILL, that its application resumed at its last state checkpoint (a
// multiple of interval, or nothing before the first) and CometBFT
// replayed the blocks since: every block it had, unless it was killed
// right after a checkpoint.
func resumedAtCheckpoint(t *testing.T, log string, interval int64) {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	m := replayLine.FindAllSubmatch(data, -1)
	if len(m) < 2 {
		t.Fatalf("%s: %d handshakes logged, want one per start", log, len(m))
	}
	last := m[len(m)-1]
	app, _ := strconv.ParseInt(string(last[1]), 10, 64)
	store, _ := strconv.ParseInt(string(last[2]), 10, 64)
	if app%interval != 0 || app > store {
		t.Fatalf("%s: the restarted application was at height %d with blocks to %d; want its last checkpoint (a multiple of %d)", log, app, store, interval)
	}
	t.Logf("%s: the application resumed at its checkpoint %d and replayed blocks %d to %d", filepath.Base(log), app, app+1, store)
}

// TestNetworkProcesses runs four `dengta start` processes, kills
// validators with SIGKILL - idle and with transactions in flight - and
// restarts them, and checks that the live ones keep committing, the
// restarted ones catch up to the same chain, and no committed transaction
// is lost.
func TestNetworkProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a four-process network; skipped with -short")
	}
	const validators = 4
	all := []int{0, 1, 2, 3}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	begin := time.Now()
	since := func() time.Duration { return time.Since(begin).Round(time.Millisecond) }
	bin := buildDengta(t)
	// The two validators that get killed write their state every
	// checkpointInterval blocks (ADR 0027): a restart replays the blocks
	// since their last checkpoint, and they must end with the same chain,
	// app hashes and transaction records as the archive nodes.
	const checkpointInterval = 7
	n := startNetworkWith(t, ctx, bin, validators, func(home string) {
		if org := filepath.Base(home); org != devnet.OrgAt(2).ID && org != devnet.OrgAt(3).ID {
			return
		}
		s, err := node.LoadSettings(home)
		if err != nil {
			t.Fatal(err)
		}
		s.StateCheckpointInterval = checkpointInterval
		if err := node.SaveSettings(home, s); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%s: %d nodes up", since(), validators)
	var l ledger

	// 1. Transactions through every node at once.
	n.wave(t, ctx, &l, "w1", all, 3)
	t.Logf("%s: %d transactions committed through all nodes", since(), len(l.all()))

	// 2. SIGKILL one validator; the other three (3 of 4 votes) keep
	// committing.
	const v = 2
	live := []int{0, 1, 3}
	before := n.maxHeight(ctx, live)
	n.procs[v].kill(t)
	n.wave(t, ctx, &l, "w2", live, 3)
	after := n.maxHeight(ctx, live)
	if after <= before {
		t.Fatalf("height did not advance with %s down: %d before, %d after", n.org(v), before, after)
	}
	t.Logf("%s: killed %s at height %d; the others committed up to height %d", since(), n.org(v), before, after)

	// 3. Restart it: it catches up to the same chain and takes
	// transactions again.
	target := n.catchUp(t, ctx, v, live)
	t.Logf("%s: restarted %s caught up to height %d", since(), n.org(v), target)
	resumedAtCheckpoint(t, n.procs[v].log, checkpointInterval)
	n.wave(t, ctx, &l, "w3", all, 2)
	t.Logf("%s: %d transactions committed through all nodes", since(), len(l.all()))

	// 4. SIGKILL another validator while every organisation is sending
	// through its own node, restart it and let it catch up under load.
	const w = 3
	var (
		stop     = make(chan struct{})
		killed   atomic.Bool
		commits  [validators]atomic.Int64
		inFlight atomic.Value // hash of the transaction w's sender had in flight when w died
		wg       sync.WaitGroup
		errMu    sync.Mutex
		errs     []error
	)
	for i := range validators {
		wg.Go(func() {
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("w4-%s-%d", n.org(i), j)
				raw, hash, err := registerKeyTx(ctx, n.cs[i], n.keys[i], name)
				var rec *client.TxRecord
				if err == nil {
					rec, err = n.cs[i].Submit(ctx, raw)
				}
				if i == w && killed.Load() && err != nil {
					// Its node died under it: the transaction may or may
					// not commit. Stop sending through that node.
					if raw != nil {
						inFlight.Store(hash)
					}
					return
				}
				if err == nil && (rec == nil || rec.Code != 0) {
					err = fmt.Errorf("committed with record %+v", rec)
				}
				if err != nil {
					errMu.Lock()
					errs = append(errs, fmt.Errorf("w4: register_key by %s through its node: %w", n.org(i), err))
					errMu.Unlock()
					return
				}
				l.add(rec)
				commits[i].Add(1)
			}
		})
	}
	stopSenders := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}
	t.Cleanup(stopSenders)
	senderErrs := func() bool {
		errMu.Lock()
		defer errMu.Unlock()
		for _, err := range errs {
			t.Error(err)
		}
		errs = nil
		return t.Failed()
	}
	progress := func(need [validators]int64, idx []int) func() bool {
		return func() bool {
			if senderErrs() {
				t.FailNow()
			}
			for _, i := range idx {
				if commits[i].Load() < need[i] {
					return false
				}
			}
			return true
		}
	}
	nettest.WaitFor(t, 60*time.Second, "every sender to commit", progress([validators]int64{1, 1, 1, 1}, all))
	killed.Store(true)
	n.procs[w].kill(t)
	live = []int{0, 1, 2}
	var need [validators]int64
	for _, i := range live {
		need[i] = commits[i].Load() + 2
	}
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("the senders to commit with %s down", n.org(w)), progress(need, live))
	t.Logf("%s: killed %s with transactions in flight; the others kept committing", since(), n.org(w))
	target = n.catchUp(t, ctx, w, live)
	resumedAtCheckpoint(t, n.procs[w].log, checkpointInterval)
	stopSenders()
	if senderErrs() {
		t.FailNow()
	}
	t.Logf("%s: restarted %s caught up to height %d under load", since(), n.org(w), target)

	// Its organisation sends through it again, once every node reports the
	// same next nonce for its admin key: a node counts the transactions in
	// its own mempool, so the one in flight when w died, if another node
	// got it, is then committed or everywhere, and the new transaction
	// cannot race it for the nonce.
	nettest.WaitFor(t, 30*time.Second, fmt.Sprintf("the nodes to agree on %s's admin's next nonce", n.org(w)), func() bool {
		var first uint64
		for k, i := range all {
			next, err := n.cs[i].NextNonce(ctx, n.keys[w].ID())
			if err != nil || (k > 0 && next != first) {
				return false
			}
			first = next
		}
		return true
	})
	if err := n.submit(ctx, &l, w, w, "w5"); err != nil {
		t.Fatalf("register_key by %s through its restarted node: %v", n.org(w), err)
	}
	t.Logf("%s: %s's admin sent through its restarted node", since(), n.org(w))

	// 5. Every node has the same chain and every committed transaction.
	final := n.maxHeight(ctx, all)
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("every node to reach height %d", final), func() bool {
		n.alive(t)
		for _, i := range all {
			if height(ctx, n.cs[i]) < final {
				return false
			}
		}
		return true
	})
	t.Logf("%s: every node reached height %d", since(), final)
	n.sameBlocks(t, ctx, all, 1, final)
	txs := l.all()
	for _, rec := range txs {
		for _, i := range all {
			got, err := n.cs[i].Tx(ctx, rec.Hash)
			if err != nil {
				t.Errorf("committed tx %s (height %d) on %s: %v", rec.Hash, rec.Height, n.org(i), err)
				continue
			}
			if got.Code != 0 || got.Height != rec.Height || got.Index != rec.Index {
				t.Errorf("tx %s on %s: code %d at %d/%d; committed with code %d at %d/%d",
					rec.Hash, n.org(i), got.Code, got.Height, got.Index, rec.Code, rec.Height, rec.Index)
			}
		}
	}
	// The transaction in flight when w died: committed everywhere or
	// nowhere.
	if h, ok := inFlight.Load().(string); ok {
		var found []string
		for _, i := range all {
			if _, err := n.cs[i].Tx(ctx, h); err == nil {
				found = append(found, n.org(i))
			} else if !client.IsCode(err, "not_found") {
				t.Errorf("in-flight tx %s on %s: %v", h, n.org(i), err)
			}
		}
		if len(found) != 0 && len(found) != len(all) {
			t.Errorf("the tx in flight when %s died (%s) is on %s only", n.org(w), h, strings.Join(found, ", "))
		}
		t.Logf("the tx in flight when %s died is on %d of %d nodes", n.org(w), len(found), len(all))
	}
	t.Logf("%s: %d nodes agree on %d blocks; %d committed transactions on every node", since(), validators, final, len(txs))
}
