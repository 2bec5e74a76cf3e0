package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
)

// buildDengtaTagged builds the dengta binary with build tags (one go
// build, sharing the build cache with buildDengta's).
func buildDengtaTagged(t *testing.T, tags string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dengta-"+tags)
	start := time.Now()
	out, err := exec.Command("go", "build", "-tags", tags, "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -tags %s: %v\n%s", tags, err, out)
	}
	t.Logf("built %s in %s", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// setUpgradeMargin sets the genesis's upgrade margin in a home (every
// home gets the same edit, so the genesis stays the same everywhere).
func setUpgradeMargin(t *testing.T, home string, blocks int64) {
	t.Helper()
	b, err := os.ReadFile(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var appState map[string]json.RawMessage
	if err := json.Unmarshal(doc["app_state"], &appState); err != nil {
		t.Fatal(err)
	}
	var id map[string]json.RawMessage
	if err := json.Unmarshal(appState["identity"], &id); err != nil {
		t.Fatal(err)
	}
	id["params"] = json.RawMessage(fmt.Sprintf(`{"voting_period_seconds":604800,"upgrade_margin_blocks":%d}`, blocks))
	set := func(m map[string]json.RawMessage, k string, v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		m[k] = raw
	}
	set(appState, "identity", id)
	set(doc, "app_state", appState)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(node.GenesisFile(home), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// exitCode is the exit status of a process that has exited.
func (p *proc) exitCode() int { return p.cmd.ProcessState.ExitCode() }

// waitExit waits for the process to exit on its own.
func (p *proc) waitExit(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("%s (pid %d) did not exit within %s", p.org, p.cmd.Process.Pid, timeout)
	}
}

// TestUpgradeTwoBuilds runs a software upgrade across two builds of the
// binary: the shipped one (application version 1) and one built with
// -tags upgradetest (version 2, a migration, and the action probe/hello
// that exists from version 2). Four validators run the first build under
// a light load; the members pass an upgrade proposal ('dengta gov'); one
// operator installs the new build early, which must behave as the old one
// until the height (the new action refused). At the height every node on
// the old build stops before executing the block with exit status 4 and a
// message naming the release, and stops again at once when restarted with
// it. Restarted with the new build, the chain continues: the version is
// recorded on chain (and in the block headers), the migration ran, the new
// action works, every node has the same blocks and app hashes, and every
// transaction a client was told was committed is on every node.
func TestUpgradeTwoBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary twice and runs a four-process network; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	begin := time.Now()
	since := func() time.Duration { return time.Since(begin).Round(time.Millisecond) }
	oldBin := buildDengta(t)
	newBin := buildDengtaTagged(t, "upgradetest")
	const margin = 20
	n := startNetworkWith(t, ctx, oldBin, 4, func(home string) {
		setUpgradeMargin(t, home, margin)
		s, err := node.LoadSettings(home)
		if err != nil {
			t.Fatal(err)
		}
		s.HaltLingerSeconds = -1
		if err := node.SaveSettings(home, s); err != nil {
			t.Fatal(err)
		}
	})
	all := []int{0, 1, 2, 3}
	t.Logf("%s: 4 validators up on the first build", since())

	// A light load through every node until the end. Sends may fail while
	// nodes stop and restart; only what a client was told was committed
	// is in the ledger, and all of it must survive.
	var (
		l         ledger
		stop      = make(chan struct{})
		wg        sync.WaitGroup
		committed [4]atomic.Int64
	)
	for _, i := range all {
		wg.Go(func() {
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if err := n.submit(ctx, &l, i, i, fmt.Sprintf("load-%s-%d", n.org(i), j)); err == nil {
					committed[i].Add(1)
				}
			}
		})
	}
	stopLoad := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}
	t.Cleanup(stopLoad)
	loadCommits := func() int64 {
		var s int64
		for i := range committed {
			s += committed[i].Load()
		}
		return s
	}
	nettest.WaitFor(t, 60*time.Second, "load committed on every node", func() bool {
		n.alive(t)
		for i := range committed {
			if committed[i].Load() < 2 {
				return false
			}
		}
		return true
	})

	upgrade := func(i int) gateway.UpgradeStatus {
		t.Helper()
		var st gateway.UpgradeStatus
		if err := n.cs[i].Get(ctx, "/v1/upgrade", &st); err != nil {
			t.Fatalf("upgrade status of %s: %v", n.org(i), err)
		}
		return st
	}
	if st := upgrade(0); st.ChainAppVersion != 1 || st.SoftwareAppVersion != 1 || st.Scheduled != nil {
		t.Fatalf("upgrade status before: %+v", st)
	}
	hello := func(i int) (*client.TxRecord, error) {
		chainID, err := n.cs[i].ChainID(ctx)
		if err != nil {
			return nil, err
		}
		k := n.keys[i]
		nonce, err := n.cs[i].NextNonce(ctx, k.ID())
		if err != nil {
			return nil, err
		}
		raw, err := k.Sign(chainID, nonce, "probe", "hello", []byte(`{}`))
		if err != nil {
			return nil, err
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return n.cs[i].Submit(sctx, raw)
	}
	if _, err := hello(0); !client.IsCode(err, "unknown_action") {
		t.Fatalf("probe/hello on the first build: %v, want unknown_action", err)
	}

	// The members pass the upgrade proposal.
	gov := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(oldBin, append([]string{"gov"}, args...)...)
		cmd.Env = append(os.Environ(), "DENGTA_PASSPHRASE_FILE="+n.passFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("dengta gov %s: %v\n%s", args[0], err, out)
		}
		return string(out)
	}
	url := func(i int) string {
		s, err := node.LoadSettings(n.procs[i].home)
		if err != nil {
			t.Fatal(err)
		}
		return "http://" + s.GatewayAddr
	}
	keysDir := filepath.Join(n.dir, "keys")
	const release = "v2.0.0-upgradetest"
	tooClose := fmt.Sprintf(`{"kind":"upgrade","upgrade":{"name":%q,"version":2,"height":%d},"reason":"too soon"}`, release, n.maxHeight(ctx, all)+margin/2)
	cmd := exec.Command(oldBin, "gov", "propose", "--node", url(0), "--key", devnet.KeyFile(keysDir, n.org(0)), "--yes", tooClose)
	cmd.Env = append(os.Environ(), "DENGTA_PASSPHRASE_FILE="+n.passFile)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "too close") {
		t.Fatalf("an upgrade height inside the margin: %v\n%s", err, out)
	}
	h := n.maxHeight(ctx, all) + 60
	out := gov("propose", "--node", url(0), "--key", devnet.KeyFile(keysDir, n.org(0)), "--yes",
		fmt.Sprintf(`{"kind":"upgrade","upgrade":{"name":%q,"version":2,"height":%d,"info":"built with -tags upgradetest"},"reason":"the upgrade test"}`, release, h))
	var id int
	if _, err := fmt.Sscanf(out[strings.Index(out, "proposal ")+len("proposal "):], "%d", &id); err != nil {
		t.Fatalf("no proposal number in:\n%s", out)
	}
	for _, i := range []int{1, 2} {
		gov("vote", "--node", url(i), "--key", devnet.KeyFile(keysDir, n.org(i)), "--proposal", strconv.Itoa(id), "--approve", "--yes")
	}
	// The last vote went through node 2; node 1 has it a block later.
	nettest.WaitFor(t, 30*time.Second, "the upgrade scheduled on every node", func() bool {
		for _, i := range all {
			if upgrade(i).Scheduled == nil {
				return false
			}
		}
		return true
	})
	st := upgrade(1)
	if st.Scheduled == nil || st.Scheduled.Name != release || st.Scheduled.Height != h || st.Scheduled.Version != 2 || st.Scheduled.SoftwareReady {
		var props json.RawMessage
		_ = n.cs[1].As(n.keys[1]).Get(ctx, "/v1/proposals", &props)
		t.Fatalf("upgrade status after the vote: %+v; proposals %s; propose said:\n%s", st, props, out)
	}
	if out := gov("upgrade", "--node", url(2)); !strings.Contains(out, "scheduled: release "+release) || !strings.Contains(out, "does NOT run it") {
		t.Fatalf("dengta gov upgrade:\n%s", out)
	}
	var health gateway.Health
	if err := n.cs[0].Get(ctx, "/healthz", &health); err != nil || health.Upgrade == nil || health.Upgrade.Height != h {
		t.Fatalf("/healthz after the vote: %+v, %v", health, err)
	}
	t.Logf("%s: upgrade to %s scheduled at height %d (proposal %d); chain at %d", since(), release, h, id, n.maxHeight(ctx, all))

	// One operator installs the new build early: until the height it
	// behaves as the old one.
	const early = 3
	n.procs[early].stop(t)
	n.procs[early].bin = newBin
	n.procs[early].start(t)
	nettest.WaitFor(t, 60*time.Second, "the early new build to catch up", func() bool {
		n.alive(t)
		return synced(ctx, n.cs[early], n.maxHeight(ctx, []int{0, 1, 2}))
	})
	if st := upgrade(early); st.SoftwareAppVersion != 2 || st.ChainAppVersion != 1 || st.Scheduled == nil || !st.Scheduled.SoftwareReady {
		t.Fatalf("upgrade status on the early new build: %+v", st)
	}
	if _, err := hello(early); !client.IsCode(err, "rule_violation") || !strings.Contains(err.Error(), "from application version 2") {
		t.Fatalf("probe/hello on the new build before the height: %v, want rule_violation", err)
	}
	if out := gov("upgrade", "--node", url(early)); !strings.Contains(out, "carries on at the height") {
		t.Fatalf("dengta gov upgrade on the new build:\n%s", out)
	}
	before := loadCommits()
	t.Logf("%s: %s runs the new build before the height; %d load transactions committed so far", since(), n.org(early), before)
	// Another node is down over the height; it comes back on the old
	// build later, by block sync.
	const lagging = 2
	n.procs[lagging].stop(t)
	lagHeight := height(ctx, n.cs[0])
	t.Logf("%s: %s stopped at about height %d", since(), n.org(lagging), lagHeight)

	// At the height the old builds stop, with the message and status 4.
	// The first to stop takes its precommit with it: a node that had not
	// received enough precommits by then stays below the height, unable
	// to commit it (the chain needs the stopped nodes back, on the new
	// build). It must never pass the height; it is stopped and goes on
	// with the new build like the others.
	nettest.WaitFor(t, 120*time.Second, "a node on the first build to stop at the height", func() bool {
		return !n.procs[0].running() || !n.procs[1].running()
	})
	for grace := time.Now().Add(30 * time.Second); (n.procs[0].running() || n.procs[1].running()) && time.Now().Before(grace); {
		time.Sleep(100 * time.Millisecond)
	}
	stopped := since()
	var exited []int
	for _, i := range []int{0, 1} {
		p := n.procs[i]
		if p.running() {
			if at := height(ctx, n.cs[i]); at >= h {
				t.Fatalf("%s on the first build is at height %d, past the upgrade height %d", p.org, at, h)
			}
			t.Logf("%s: %s stayed below height %d without the precommits to commit it; stopping it", since(), p.org, h)
			p.stop(t)
			continue
		}
		exited = append(exited, i)
		if c := p.exitCode(); c != ExitUpgrade {
			t.Fatalf("%s exited with status %d, want %d", p.org, c, ExitUpgrade)
		}
		log, _ := os.ReadFile(p.log)
		want := fmt.Sprintf("UPGRADE NEEDED at height %d", h)
		if !bytes.Contains(log, []byte(want)) || !bytes.Contains(log, []byte("install release "+release)) {
			t.Fatalf("%s's log does not say %q naming the release:\n%s", p.org, want, nettest.Tail(p.log, 20))
		}
		if !bytes.Contains(log, []byte("Error: the node stopped on its own (upgrade)")) {
			t.Fatalf("%s's last words:\n%s", p.org, nettest.Tail(p.log, 10))
		}
		// A planned stop is no failure: no "CONSENSUS FAILURE!!!" and no
		// stack trace in the log, but the node's own line for it.
		if bytes.Contains(log, []byte("CONSENSUS FAILURE")) || bytes.Contains(log, []byte("[running]")) ||
			!bytes.Contains(log, []byte("consensus stopped at the upgrade height, as planned")) {
			t.Fatalf("%s's log of the planned stop:\n%s", p.org, nettest.Tail(p.log, 20))
		}
	}
	t.Logf("%s: %d of the two running nodes on the first build stopped at height %d with status %d", stopped, len(exited), h, ExitUpgrade)

	// Restarted with the old build, a node that stopped at the height
	// stops again at once.
	p0 := n.procs[exited[0]]
	logSize := fileSize(t, p0.log)
	p0.start(t)
	p0.waitExit(t, 60*time.Second)
	if c := p0.exitCode(); c != ExitUpgrade {
		t.Fatalf("%s restarted on the old build exited with %d, want %d", p0.org, c, ExitUpgrade)
	}
	if tail := fileTail(t, p0.log, logSize); !strings.Contains(tail, "UPGRADE NEEDED at height "+strconv.FormatInt(h, 10)) || strings.Contains(tail, "Started node") {
		t.Fatalf("%s restarted on the old build:\n%s", p0.org, tail)
	}
	t.Logf("%s: %s restarted on the old build stopped again before starting consensus", since(), p0.org)

	// The new build on the three: the chain continues.
	for _, i := range []int{0, 1} {
		n.procs[i].bin = newBin
		n.procs[i].start(t)
	}
	nettest.WaitFor(t, 120*time.Second, fmt.Sprintf("three nodes past height %d on the new build", h+5), func() bool {
		n.alive(t, lagging)
		for _, i := range []int{0, 1, early} {
			if !synced(ctx, n.cs[i], h+5) {
				return false
			}
		}
		return true
	})
	t.Logf("%s: three nodes on the new build, past height %d", since(), h+5)

	// The node that was down comes back on the old build: it catches up
	// by block sync to the height and stops there, with the same message.
	pl := n.procs[lagging]
	logSize = fileSize(t, pl.log)
	pl.start(t)
	pl.waitExit(t, 120*time.Second)
	if c := pl.exitCode(); c != ExitUpgrade {
		t.Fatalf("%s back on the old build exited with %d, want %d:\n%s", pl.org, c, ExitUpgrade, nettest.Tail(pl.log, 30))
	}
	if tail := fileTail(t, pl.log, logSize); !strings.Contains(tail, "UPGRADE NEEDED at height "+strconv.FormatInt(h, 10)) || !strings.Contains(tail, "install release "+release) || strings.Contains(tail, "panic") {
		t.Fatalf("%s back on the old build:\n%s", pl.org, nettest.Tail(pl.log, 30))
	}
	t.Logf("%s: %s, down over the height, came back on the old build, caught up to it by block sync and stopped there", since(), pl.org)
	pl.bin = newBin
	pl.start(t)
	nettest.WaitFor(t, 120*time.Second, fmt.Sprintf("every node past height %d on the new build", h+5), func() bool {
		n.alive(t)
		for _, i := range all {
			if !synced(ctx, n.cs[i], h+5) {
				return false
			}
		}
		return true
	})
	t.Logf("%s: all nodes on the new build, past height %d", since(), h+5)
	nettest.WaitFor(t, 60*time.Second, "load committed after the upgrade", func() bool { return loadCommits() >= before+8 })
	stopLoad() // the load signs with the keys hello uses
	rec, err := hello(1)
	if err != nil || rec.Code != 0 {
		t.Fatalf("probe/hello after the upgrade: %+v, %v", rec, err)
	}
	var res struct {
		Height  int64  `json:"height"`
		Version uint64 `json:"version"`
	}
	if err := json.Unmarshal(rec.Result, &res); err != nil || rec.Height <= h || res.Version != 2 || res.Height != rec.Height {
		t.Fatalf("probe/hello committed at %d with %s", rec.Height, rec.Result)
	}
	l.add(rec)

	final := n.maxHeight(ctx, all)
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("every node at height %d", final), func() bool {
		for _, i := range all {
			if height(ctx, n.cs[i]) < final {
				return false
			}
		}
		return true
	})
	for _, i := range all {
		st := upgrade(i)
		if st.ChainAppVersion != 2 || st.Scheduled != nil || len(st.Done) != 1 || st.Done[0].Name != release || st.Done[0].Height != h {
			t.Fatalf("upgrade status on %s after the upgrade: %+v", n.org(i), st)
		}
		var sr gateway.StateResponse
		if err := n.cs[i].As(n.keys[0]).Get(ctx, "/v1/state?key=probe/migrated", &sr); err != nil || string(sr.Value) != strconv.FormatInt(h, 10) {
			t.Fatalf("the migration's record on %s: %+v, %v", n.org(i), sr, err)
		}
		// The block headers carry the application version: 1 up to the
		// upgrade block, 2 after it.
		for hh, want := range map[int64]string{h: "1", h + 1: "2"} {
			if got := headerAppVersion(t, ctx, n.procs[i].home, hh); got != want {
				t.Fatalf("block %d on %s: header app version %s, want %s", hh, n.org(i), got, want)
			}
		}
	}
	n.sameBlocks(t, ctx, all, 1, final)
	txs := l.all()
	for _, rec := range txs {
		for _, i := range all {
			got, err := n.cs[i].Tx(ctx, rec.Hash)
			if err != nil || got.Code != 0 || got.Height != rec.Height || got.Index != rec.Index {
				t.Fatalf("committed tx %s (height %d) on %s: %+v, %v", rec.Hash, rec.Height, n.org(i), got, err)
			}
		}
	}
	t.Logf("%s: 4 nodes agree on blocks 1-%d across the upgrade at %d; all %d committed load transactions on every node", since(), final, h, len(txs))
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// fileTail returns what a file holds from offset on.
func fileTail(t *testing.T, path string, offset int64) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b[offset:])
}

// headerAppVersion asks a node's CometBFT RPC for block h's header
// application version.
func headerAppVersion(t *testing.T, ctx context.Context, home string, h int64) string {
	t.Helper()
	c, err := node.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(c.RPC.ListenAddress, "tcp://")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/block?height=%d", addr, h), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("block %d: %v", h, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r struct {
		Result struct {
			Block struct {
				Header struct {
					Version struct {
						App string `json:"app"`
					} `json:"version"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("block %d: %v: %s", h, err, body)
	}
	return r.Result.Block.Header.Version.App
}
