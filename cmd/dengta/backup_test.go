package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
)

// TestBackupRestore backs up a running validator under load ('dengta
// backup'), SIGKILLs it, wipes its home, rebuilds it from the backup
// ('dengta restore', the light client fetching consensus state from two
// other members) and starts it: it must catch up by block sync to the same
// blocks and app hashes, hold every committed transaction and the
// off-chain file uploaded before the backup,
// and sign again as a validator - shown by stopping another validator,
// after which the chain can only go on with the restored one's votes.
func TestBackupRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a four-process network; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	begin := time.Now()
	since := func() time.Duration { return time.Since(begin).Round(time.Millisecond) }
	bin := buildDengta(t)
	n := startNetwork(t, ctx, bin, 4)
	const v = 3
	live := []int{0, 1, 2}
	all := []int{0, 1, 2, 3}

	var (
		l       ledger
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		errMu   sync.Mutex
		loadErr error
	)
	for _, i := range live {
		wg.Go(func() {
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := n.submit(ctx, &l, i, i, fmt.Sprintf("load-%s-%d", n.org(i), j)); err != nil {
					errMu.Lock()
					loadErr = err
					errMu.Unlock()
					return
				}
			}
		})
	}
	var stopOnce sync.Once
	checkLoad := func() {
		errMu.Lock()
		defer errMu.Unlock()
		if loadErr != nil {
			t.Fatalf("load: %v", loadErr)
		}
	}
	t.Cleanup(func() {
		stopOnce.Do(func() { close(stop) })
		wg.Wait()
	})
	nettest.WaitFor(t, 60*time.Second, "transactions to commit", func() bool { return len(l.all()) >= 20 })

	// An off-chain file on the node: not in the chain's state, only in
	// the node's own store, and so only in its backups.
	file := []byte("合同扫描件 — kept off chain, found again after the restore")
	blobInfo, err := n.cs[v].As(n.keys[v]).UploadBlob(ctx, bytes.NewReader(file))
	if err != nil {
		t.Fatalf("upload a file: %v", err)
	}

	// Back up the running validator.
	backup := filepath.Join(t.TempDir(), "market-backup")
	out, err := exec.Command(bin, "backup", "--home", n.procs[v].home, "--out", backup).CombinedOutput()
	if err != nil {
		t.Fatalf("dengta backup: %v\n%s", err, out)
	}
	info, err := daemon.ReadBackup(backup)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: backup of %s at height %d (%d keys): %s", since(), n.org(v), info.Height, info.Keys, strings.TrimSpace(string(out)))
	// Read from node 0, so wait for node 0 (not the most advanced node).
	nettest.WaitFor(t, 30*time.Second, "the block after the backup's on "+n.org(0), func() bool { return height(ctx, n.cs[0]) > info.Height })
	// The header of the next block carries the app hash of the backup's.
	want, next := n.block(t, ctx, 0, info.Height), n.block(t, ctx, 0, info.Height+1)
	if !strings.EqualFold(want.Hash, info.BlockHash) || !strings.EqualFold(next.AppHash, info.AppHash) {
		t.Fatalf("backup at height %d: block %s app hash %s; the chain has block %s, app hash %s", info.Height, info.BlockHash, info.AppHash, want.Hash, next.AppHash)
	}

	// More blocks, then the node dies and its home is lost.
	nettest.WaitFor(t, 60*time.Second, "more blocks after the backup", func() bool { return n.maxHeight(ctx, live) >= info.Height+10 })
	n.procs[v].kill(t)
	home := n.procs[v].home
	if err := os.RemoveAll(home); err != nil {
		t.Fatal(err)
	}
	nettest.WaitFor(t, 60*time.Second, "blocks with the node gone", func() bool { return n.maxHeight(ctx, live) >= info.Height+20 })

	// Restore it, the light client asking two other members.
	var rpcs []string
	for _, i := range []int{0, 1} {
		c, err := node.LoadConfig(n.procs[i].home)
		if err != nil {
			t.Fatal(err)
		}
		rpcs = append(rpcs, "--rpc", "http://"+strings.TrimPrefix(c.RPC.ListenAddress, "tcp://"))
	}
	// Two addresses where nothing answers: refused after a short wait,
	// saying so, and the home is not left half written.
	dead := []string{"--rpc", "http://127.0.0.1:" + fmt.Sprint(nettest.FreePort(t)), "--rpc", "http://127.0.0.1:" + fmt.Sprint(nettest.FreePort(t))}
	out, err = exec.Command(bin, append([]string{"restore", "--backup", backup, "--home", home}, dead...)...).CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("answered in")) {
		t.Fatalf("dengta restore from dead servers: %v\n%s", err, out)
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Fatalf("a failed restore left %s: %v", home, err)
	}
	start := time.Now()
	out, err = exec.Command(bin, append([]string{"restore", "--backup", backup, "--home", home}, rpcs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("dengta restore: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("dengta start --home "+home)) {
		t.Fatalf("dengta restore says:\n%s", out)
	}
	// The light client's debug log stays in the home, not on the screen.
	if bytes.Contains(out, []byte("LightBlock")) || len(out) > 2000 {
		t.Errorf("dengta restore printed %d bytes:\n%s", len(out), out)
	}
	// The restored validator signs nothing at the heights its old node
	// may have signed after the backup: its last-sign state is raised to
	// the chain's height at the restore (ADR 0017).
	binfo, err := daemon.ReadBackup(backup)
	if err != nil {
		t.Fatal(err)
	}
	var signed struct {
		Height int64 `json:"height,string"`
	}
	if b, err := os.ReadFile(filepath.Join(home, "data", "priv_validator_state.json")); err != nil || json.Unmarshal(b, &signed) != nil || signed.Height < binfo.Height+2 {
		t.Fatalf("the restored validator's last-sign height is %d (%v), want the chain's at the restore (at least %d)", signed.Height, err, binfo.Height+2)
	}
	restoreTook := time.Since(start)
	start = time.Now()
	target := n.catchUp(t, ctx, v, live)
	t.Logf("%s: restored in %s, caught up to height %d in %s", since(), restoreTook.Round(time.Millisecond), target, time.Since(start).Round(time.Millisecond))

	checkLoad()

	// It votes: with another validator stopped, the chain needs its votes.
	n.procs[0].stop(t)
	h := n.maxHeight(ctx, []int{1, 2, 3})
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("blocks past %d with %s stopped and %s restored", h, n.org(0), n.org(v)), func() bool {
		return n.maxHeight(ctx, []int{1, 2, 3}) >= h+3
	})
	t.Logf("%s: with %s stopped the chain went on from height %d: the restored validator signs", since(), n.org(0), h)
	// The senders through node 0 failed while it was down: stop the load,
	// ignoring that error, and bring node 0 back.
	stopOnce.Do(func() { close(stop) })
	wg.Wait()
	n.procs[0].start(t)
	final := n.maxHeight(ctx, []int{1, 2, 3})
	nettest.WaitFor(t, 60*time.Second, fmt.Sprintf("every node to reach height %d", final), func() bool {
		n.alive(t)
		for _, i := range all {
			if !synced(ctx, n.cs[i], final) {
				return false
			}
		}
		return true
	})
	n.sameBlocks(t, ctx, all, info.Height+1, final)
	sha := blobInfo.SHA256
	if got, err := os.ReadFile(filepath.Join(node.BlobDir(home), sha[:2], sha[2:4], sha)); err != nil || !bytes.Equal(got, file) {
		t.Fatalf("the off-chain file after the restore: %q, %v", got, err)
	}
	if info.Files < 1 {
		t.Fatalf("backup.json counts %d files", info.Files)
	}
	// Every committed transaction is on the restored node: those up to the
	// backup from its transaction index in the backup, the later ones from
	// the blocks it replayed.
	txs := l.all()
	before := 0
	for _, rec := range txs {
		if rec.Height <= info.Height {
			before++
		}
		got, err := n.cs[v].Tx(ctx, rec.Hash)
		if err != nil || got.Height != rec.Height || got.Index != rec.Index || got.Code != 0 {
			t.Errorf("tx %s (height %d) on the restored node: %+v, %v", rec.Hash, rec.Height, got, err)
		}
	}
	if before == 0 || before == len(txs) || info.Locals == 0 {
		t.Fatalf("%d of %d transactions committed up to the backup (%d local records backed up)", before, len(txs), info.Locals)
	}
	t.Logf("%s: 4 nodes agree on blocks %d-%d; the restored node holds all %d committed transactions (%d up to the backup)", since(), info.Height+1, final, len(txs), before)
}
