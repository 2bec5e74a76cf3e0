package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/nettest"
)

// TestPruneProcess prunes a validator's state with 'dengta prune': refused
// while the node runs (nothing changes), done once it is stopped; the node
// then starts, catches up to the same blocks and app hashes, commits new
// transactions, answers proofs at the heights it kept and refuses older
// ones with a clear error, which an archive member still answers.
func TestPruneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a four-process network; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	bin := buildDengta(t)
	n := startNetwork(t, ctx, bin, 4)
	const v = 3
	others := []int{0, 1, 2}
	var l ledger
	n.wave(t, ctx, &l, "before", []int{0, 1, 2, 3}, 5)
	key := "identity/org/" + n.org(v)
	if !strings.HasPrefix(key, string(identity.OrgPrefix())) {
		t.Fatalf("organisation key %q outside %q", key, identity.OrgPrefix())
	}
	early := int64(2)
	if _, err := n.cs[v].Proof(ctx, key, early); err != nil {
		t.Fatalf("proof at height %d before the prune: %v", early, err)
	}

	// While the node runs: refused, and the node goes on.
	out, err := exec.Command(bin, "prune", "--home", n.procs[v].home, "--keep", "5").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "stop the node first") {
		t.Fatalf("prune of a running node: %v\n%s", err, out)
	}
	if _, err := n.cs[v].Proof(ctx, key, early); err != nil {
		t.Fatalf("proof at height %d after a refused prune: %v", early, err)
	}
	// Bad arguments.
	out, err = exec.Command(bin, "prune", "--home", n.procs[v].home, "--keep", "1").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "too few") {
		t.Fatalf("prune keeping 1: %v\n%s", err, out)
	}

	// Enough heights that the kept five start above the early one.
	nettest.WaitFor(t, 60*time.Second, "height 10", func() bool { return height(ctx, n.cs[v]) >= 10 })
	n.procs[v].stop(t)
	out, err = exec.Command(bin, "prune", "--home", n.procs[v].home, "--keep", "5").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "are kept") {
		t.Fatalf("dengta prune: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
	// Restarted, the node catches up and signs again.
	target := n.catchUp(t, ctx, v, others)
	n.wave(t, ctx, &l, "after", []int{v}, 3)
	n.sameBlocks(t, ctx, []int{v, 0}, target, target)

	_, err = n.cs[v].Proof(ctx, key, early)
	if err == nil || !strings.Contains(err.Error(), "pruned") {
		t.Fatalf("proof at pruned height %d: %v", early, err)
	}
	if _, err := n.cs[0].Proof(ctx, key, early); err != nil {
		t.Fatalf("proof at height %d on an archive member: %v", early, err)
	}
	if _, err := n.cs[v].Proof(ctx, key, 0); err != nil {
		t.Fatalf("proof at the newest height after the prune: %v", err)
	}
	nettest.WaitFor(t, 30*time.Second, "blocks after the pruned node's transactions", func() bool { return height(ctx, n.cs[v]) > target+1 })
}
