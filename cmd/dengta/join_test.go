package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules"
)

// TestJoinByStateSync runs four validator processes taking a snapshot
// every 20 blocks under a steady load; a new organisation applies through
// a member's node ('dengta apply submit'), the members admit it ('dengta
// gov'), it downloads its join bundle from another member's node ('dengta
// apply status --bundle'), and its node is written from it ('dengta
// join') and started while the load continues. It must restore
// a snapshot from its peers (not replay the chain from block 1), reach
// the others' height with the same block and app hashes, hold every
// transaction committed after its snapshot, restart after a SIGKILL and
// catch up by block sync; then the members make its node a validator
// ('dengta gov'), and the chain goes on with one
// of the first four stopped only thanks to its votes. Every metric the
// shipped alert rules and dashboard use must be served.
func TestJoinByStateSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a five-process network; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	begin := time.Now()
	since := func() time.Duration { return time.Since(begin).Round(time.Millisecond) }
	bin := buildDengta(t)
	const interval = 20
	n := startNetworkWith(t, ctx, bin, 4, func(home string) {
		s, err := node.LoadSettings(home)
		if err != nil {
			t.Fatal(err)
		}
		// Blocks come about five a second here: keep enough snapshots
		// that the one a joining node picks is not pruned under it.
		s.SnapshotInterval, s.SnapshotKeep = interval, 20
		if err := node.SaveSettings(home, s); err != nil {
			t.Fatal(err)
		}
	})
	all := []int{0, 1, 2, 3}
	t.Logf("%s: 4 validators up, a snapshot every %d blocks", since(), interval)

	// A steady load through the four validators until the end.
	var (
		l       ledger
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		errMu   sync.Mutex
		loadErr error
	)
	for _, i := range all {
		wg.Go(func() {
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				err := n.submit(ctx, &l, i, i, fmt.Sprintf("load-%s-%d", n.org(i), j))
				if ce := (*client.Error)(nil); errors.As(err, &ce) && (ce.Name == "nonce_replayed" || ce.Name == "nonce_gap") {
					// The governance commands below sign with the same
					// admin keys: one of them took the nonce between this
					// load's NextNonce and its submit. Nothing happened;
					// sign again with the next nonce.
					continue
				}
				if err != nil {
					errMu.Lock()
					loadErr = err
					errMu.Unlock()
					return
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
		errMu.Lock()
		defer errMu.Unlock()
		if loadErr != nil {
			t.Fatalf("load: %v", loadErr)
		}
	}
	t.Cleanup(func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	})

	// Wait for every validator to have taken a snapshot, and for the chain
	// to be past it (the light client verifies the two headers after it).
	nettest.WaitFor(t, 90*time.Second, "a snapshot on every validator", func() bool {
		n.alive(t)
		for _, p := range n.procs {
			entries, _ := os.ReadDir(node.SnapshotDir(p.home))
			if !slicesHasSnapshot(entries) {
				return false
			}
		}
		return n.maxHeight(ctx, all) >= interval+3
	})
	before := len(l.all())
	t.Logf("%s: snapshots taken; height %d, %d transactions committed", since(), n.maxHeight(ctx, all), before)

	// The new organisation applies through a member's public hall API
	// ('dengta apply submit' with its own admin key), the members admit it
	// ('dengta gov'), and it downloads its join bundle from another
	// member's node ('dengta apply status --bundle').
	newOrg := devnet.OrgAt(4).WithRoles(modules.Registry())
	url := func(i int) string {
		s, err := node.LoadSettings(n.procs[i].home)
		if err != nil {
			t.Fatal(err)
		}
		return "http://" + s.GatewayAddr
	}
	command := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "DENGTA_PASSPHRASE_FILE="+n.passFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("dengta %s: %v\n%s", strings.Join(args[:2], " "), err, out)
		}
		return string(out)
	}
	gov := func(args ...string) string { return command(append([]string{"gov"}, args...)...) }
	adminFile := filepath.Join(t.TempDir(), "admin.json")
	command("keys", "new", "--algo", "sm2", "--out", adminFile, "--kdf", "dev")
	roles := make([]string, len(newOrg.Roles))
	for i, r := range newOrg.Roles {
		roles[i] = string(r)
	}
	applied := command("apply", "submit", "--node", url(0), "--key", adminFile, "--org", newOrg.ID, "--name", newOrg.Name, "--name-en", newOrg.NameEN,
		"--uscc", newOrg.USCC(), "--roles", strings.Join(roles, ","), "--contact", "周敏", "--phone", "0557-8012345", "--email", "ops@example.cn", "--validator")
	ref := regexp.MustCompile(`application (SQ[0-9A-F]{10}) is on chain`).FindStringSubmatch(applied)
	if ref == nil {
		t.Fatalf("dengta apply submit says:\n%s", applied)
	}
	keysDir := filepath.Join(n.dir, "keys")
	gov("propose", "--node", url(0), "--key", devnet.KeyFile(keysDir, n.org(0)), "--yes", fmt.Sprintf(`{"kind":"admit","application":%q,"reason":"applied from the hall"}`, ref[1]))
	for _, i := range []int{1, 2} {
		sameState(t, ctx, n, 0, i) // the proposal, committed on node 0, is on the voter's node
		gov("vote", "--node", url(i), "--key", devnet.KeyFile(keysDir, n.org(i)), "--proposal", "1", "--approve", "--yes")
	}
	// The last vote committed on the node it was sent to; the node the
	// bundle comes from may be a block behind.
	nettest.WaitFor(t, 30*time.Second, "the application approved on "+n.org(1)+"'s node", func() bool {
		var a struct {
			Status string `json:"status"`
		}
		return n.cs[1].Get(ctx, "/v1/applications/"+ref[1], &a) == nil && a.Status == "approved"
	})
	bundle := filepath.Join(t.TempDir(), "join.json")
	status := command("apply", "status", "--node", url(1), "--ref", ref[1], "--bundle", bundle)
	if !strings.Contains(status, ": approved") {
		t.Fatalf("dengta apply status says:\n%s", status)
	}
	t.Logf("%s: %s applied (%s), was admitted and downloaded its join bundle", since(), newOrg.ID, ref[1])
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := node.ParseBundle(b)
	if err != nil {
		t.Fatalf("the downloaded bundle: %v", err)
	}
	// The node the bundle came from, and the peers it is connected to.
	if len(jb.Peers) < 2 || len(jb.RPCServers) < 2 || jb.TrustHeight < interval {
		t.Fatalf("bundle: peers %v, rpc %v, trusted height %d", jb.Peers, jb.RPCServers, jb.TrustHeight)
	}
	// A member's own 'dengta bundle' still writes one from member homes.
	if out, err := exec.Command(bin, "bundle", "--home", n.procs[0].home, "--home", n.procs[1].home, "--out", filepath.Join(t.TempDir(), "member.json")).CombinedOutput(); err != nil {
		t.Fatalf("dengta bundle: %v\n%s", err, out)
	}

	// The new organisation writes its home and starts its node. An
	// organisation the members did not admit is refused first, and no
	// home is written.
	base, ports := nettest.PickAddresses(t, 1)
	home := filepath.Join(t.TempDir(), "newcomer")
	out, err := exec.Command(bin, "join", "--bundle", bundle, "--home", home, "--moniker", newOrg.ID, "--org", "neverapplied",
		"--ip", fmt.Sprintf("127.0.0.%d", base), "--passphrase-file", n.passFile, "--kdf", "dev").CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte(`organisation "neverapplied"`)) || !bytes.Contains(out, []byte("not a member")) {
		t.Fatalf("dengta join --org neverapplied: %v\n%s", err, out)
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Fatalf("a refused join left %s behind (%v)", home, err)
	}
	out, err = exec.Command(bin, "join", "--bundle", bundle, "--home", home, "--moniker", newOrg.ID, "--org", newOrg.ID,
		"--ip", fmt.Sprintf("127.0.0.%d", base), "--p2p-port", strconv.Itoa(ports.P2P), "--rpc-port", strconv.Itoa(ports.RPC),
		"--gateway-port", strconv.Itoa(ports.Gateway), "--passphrase-file", n.passFile, "--kdf", "dev").CombinedOutput()
	if err != nil {
		t.Fatalf("dengta join: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("dengta start --home "+home)) {
		t.Fatalf("dengta join says:\n%s", out)
	}
	newcomer := &proc{bin: bin, org: "newcomer", home: home, log: filepath.Join(t.TempDir(), "newcomer.log"), passFile: n.passFile}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("DENGTA_TEST_SHOW_LOGS") != "" {
			t.Logf("--- last lines of the newcomer's log (%s):\n%s", newcomer.log, nettest.Tail(newcomer.log, 80))
		}
	})
	n.procs = append(n.procs, newcomer)
	n.cs = append(n.cs, client.New(fmt.Sprintf("http://127.0.0.%d:%d", base, ports.Gateway)))
	const v = 4
	joinStart := time.Now()
	newcomer.start(t)
	t.Cleanup(func() { newcomer.stop(t) })
	target := n.maxHeight(ctx, all)
	nettest.WaitFor(t, 150*time.Second, fmt.Sprintf("the new node to reach height %d by state sync", target), func() bool {
		n.alive(t)
		return synced(ctx, n.cs[v], target)
	})
	joined := time.Since(joinStart)
	log, err := os.ReadFile(newcomer.log)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`msg="snapshot restored" module=app height=(\d+)`).FindSubmatch(log)
	if m == nil {
		t.Fatalf("the new node reached height %d without restoring a snapshot", target)
	}
	restoredAt, _ := strconv.ParseInt(string(m[1]), 10, 64)
	// It has no blocks below the snapshot: it did not replay the chain.
	var first blockInfo
	if err := n.cs[v].Get(ctx, "/v1/blocks/1", &first); err == nil {
		t.Fatalf("the new node has block 1: it replayed the chain instead of restoring a snapshot")
	}
	t.Logf("%s: the new node restored the snapshot of height %d and reached height %d in %s", since(), restoredAt, target, joined.Round(time.Millisecond))
	// A snapshot newer than the height aimed at: compare from the
	// restored height on.
	if target <= restoredAt {
		target = restoredAt + 1
		nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("the new node to reach height %d", target), func() bool { return synced(ctx, n.cs[v], target) })
	}
	n.sameBlocks(t, ctx, []int{0, 1, 2, 3, v}, target, target)

	// SIGKILL it under load; it restarts from its own state and catches up
	// by block sync.
	nettest.WaitFor(t, 30*time.Second, "more blocks", func() bool { return n.maxHeight(ctx, all) >= target+3 })
	newcomer.kill(t)
	nettest.WaitFor(t, 30*time.Second, "more blocks with the new node down", func() bool { return n.maxHeight(ctx, all) >= target+6 })
	target = n.catchUp(t, ctx, v, all)
	t.Logf("%s: killed and restarted, the new node caught up to height %d", since(), target)

	stopLoad()
	txs := l.all()
	if len(txs) <= before {
		t.Fatalf("no transaction committed while the new node joined (%d before, %d after)", before, len(txs))
	}
	final := n.maxHeight(ctx, all)
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("every node to reach height %d", final), func() bool {
		for _, i := range append(all, v) {
			if height(ctx, n.cs[i]) < final {
				return false
			}
		}
		return true
	})
	n.sameBlocks(t, ctx, []int{0, 1, 2, 3, v}, target, final)
	// Every transaction committed after the restored snapshot is on the
	// new node, at the same place. The transaction index is node-local,
	// not part of the verified state (ADR 0017): those committed up to the
	// snapshot are found on the members' nodes only, and the new node says
	// so rather than answering wrongly.
	var missing []string
	after := 0
	for _, rec := range txs {
		got, err := n.cs[v].Tx(ctx, rec.Hash)
		if rec.Height <= restoredAt {
			if !client.IsCode(err, "not_found") {
				missing = append(missing, fmt.Sprintf("%s (height %d, before the snapshot): %+v, %v", rec.Hash, rec.Height, got, err))
			}
			continue
		}
		after++
		if err != nil || got.Height != rec.Height || got.Index != rec.Index || got.Code != 0 {
			missing = append(missing, fmt.Sprintf("%s (height %d): %v", rec.Hash, rec.Height, err))
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d committed transactions wrong on the new node: %s", len(missing), len(txs), strings.Join(missing[:min(5, len(missing))], "; "))
	}
	if after == 0 {
		t.Fatal("no transaction committed after the snapshot")
	}
	checkMonitoring(t, n)

	// The members make its node a validator (ADR 0006: a set_validator
	// proposal with the key's proof of possession).
	validator := gov("possession", "--home", home, "--org", newOrg.ID, "--power", "10")
	gov("propose", "--node", url(0), "--key", devnet.KeyFile(keysDir, n.org(0)), "--yes",
		fmt.Sprintf(`{"kind":"set_validator","org_id":%q,"reason":"joined by state sync","validator":%s}`, newOrg.ID, validator))
	// Five members now: four votes pass it.
	for _, i := range []int{1, 2, 3} {
		sameState(t, ctx, n, 0, i)
		gov("vote", "--node", url(i), "--key", devnet.KeyFile(keysDir, n.org(i)), "--proposal", "2", "--approve", "--yes")
	}
	var vals struct {
		Validators []struct {
			Org   string `json:"org"`
			Power int64  `json:"power"`
		} `json:"validators"`
	}
	nettest.WaitFor(t, 30*time.Second, "five validators", func() bool {
		return n.cs[v].Get(ctx, "/v1/validators", &vals) == nil && len(vals.Validators) == 5
	})
	// It signs: with one of the first four stopped, 40 of the 50 votes
	// remain only with the new validator's.
	n.procs[3].stop(t)
	h := n.maxHeight(ctx, []int{0, 1, 2, v})
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("blocks past %d with %s stopped", h, n.org(3)), func() bool {
		return n.maxHeight(ctx, []int{0, 1, 2, v}) >= h+3
	})
	t.Logf("%s: %s voted in as a validator; with %s stopped the chain went on from height %d on its votes", since(), newOrg.ID, n.org(3), h)
	t.Logf("%s: 5 nodes agree on blocks %d-%d; the new node holds all %d transactions committed after its snapshot (%d in all, %d before it joined)",
		since(), target, final, after, len(txs), before)
}

func slicesHasSnapshot(entries []os.DirEntry) bool {
	for _, e := range entries {
		if e.IsDir() && !strings.HasSuffix(e.Name(), ".tmp") {
			return true
		}
	}
	return false
}

// checkMonitoring checks that every metric the shipped alert rules and
// Grafana dashboard (docs/monitoring) use is one the running nodes serve.
func checkMonitoring(t *testing.T, n *testNet) {
	t.Helper()
	served := map[string]bool{}
	for i, p := range n.procs {
		settings, err := node.LoadSettings(p.home)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.Get("http://" + settings.GatewayAddr + "/metrics")
		if err != nil {
			t.Fatalf("metrics of %s: %v", n.org(i), err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("metrics of %s: %d %v", n.org(i), res.StatusCode, err)
		}
		for _, line := range strings.Split(string(body), "\n") {
			if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
				served[strings.Fields(name)[0]] = true
			}
		}
	}
	metric := regexp.MustCompile(`\b(?:dengta|cometbft)_[a-z0-9_]+`)
	for _, f := range []string{"alerts.yml", "grafana-dashboard.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "docs", "monitoring", f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".json") && !json.Valid(data) {
			t.Fatalf("%s is not JSON", f)
		}
		used := 0
		for _, name := range metric.FindAllString(string(data), -1) {
			base := name
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(name, suffix); ok && served[b] {
					base = b
				}
			}
			if !served[base] {
				t.Errorf("%s uses %s, which no node serves", f, name)
			}
			used++
		}
		if used < 10 {
			t.Errorf("%s names %d metrics", f, used)
		}
	}
}

// sameState waits until node to has committed the state node from had
// when called, so that what was committed through one node can be acted
// on through the other.
func sameState(t *testing.T, ctx context.Context, n *testNet, from, to int) {
	t.Helper()
	s := status(ctx, n.cs[from])
	if s == nil {
		t.Fatalf("%s's node does not answer", n.org(from))
	}
	nettest.WaitFor(t, 30*time.Second, fmt.Sprintf("%s's node to reach state %d", n.org(to), s.StateVersion), func() bool {
		st := status(ctx, n.cs[to])
		return st != nil && st.StateVersion >= s.StateVersion
	})
}
