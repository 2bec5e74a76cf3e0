package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/chaos"
	"github.com/dengta-chain/dengta/modules"
)

// TestChaos runs the chaos harness (internal/chaos) against four
// validator processes of this tree's binary for DENGTA_CHAOS (a
// duration, e.g. 3m), with the seed DENGTA_CHAOS_SEED (7 by default).
// It fails on any divergence, lost committed transaction, node crash or
// fault the network did not recover from. CI runs it for 3 minutes
// (.ci/run); docs/reliability.md has a long run. DENGTA_CHAOS_JSON, if
// set, is where the report goes.
func TestChaos(t *testing.T) {
	spec := os.Getenv("DENGTA_CHAOS")
	if spec == "" {
		t.Skip("set DENGTA_CHAOS to a duration (e.g. 3m) to run the chaos harness")
	}
	d, err := time.ParseDuration(spec)
	if err != nil || d <= 0 {
		t.Fatalf("DENGTA_CHAOS=%q: want a duration such as 3m", spec)
	}
	seed := uint64(7)
	if s := os.Getenv("DENGTA_CHAOS_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("DENGTA_CHAOS_SEED=%q: %v", s, err)
		}
	}
	bin := buildDengta(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), d+10*time.Minute)
	defer cancel()
	var log strings.Builder
	rep, err := chaos.Run(ctx, chaos.Options{
		Bin: bin, Dir: dir, Duration: d, Seed: seed, Interval: 500 * time.Millisecond,
		// Blocks come about two a second on a busy CI machine: a snapshot
		// early enough for the state-sync fault.
		SnapshotInterval: 30,
		Consortium:       modules.Registry(), JSON: os.Getenv("DENGTA_CHAOS_JSON"),
		Command: "DENGTA_CHAOS=" + spec + " DENGTA_CHAOS_SEED=" + strconv.FormatUint(seed, 10) + " go test -count=1 -run TestChaos ./cmd/dengta",
		Log:     &log,
	})
	t.Logf("progress:\n%s", log.String())
	if rep != nil {
		var b strings.Builder
		rep.WriteText(&b)
		t.Logf("report:\n%s", b.String())
	}
	if err != nil {
		t.Fatalf("chaos: %v", err)
	}
	if !rep.OK() {
		for _, f := range []string{"regulator", "coop", "logistics", "market", "observer"} {
			p := filepath.Join(dir, "logs", f+".log")
			if data, err := os.ReadFile(p); err == nil {
				lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
				t.Logf("--- last lines of %s:\n%s", p, strings.Join(lines[max(0, len(lines)-40):], "\n"))
			}
		}
		t.Fatal("the chaos run failed (see the report above)")
	}
	if rep.Faults < 3 || rep.Committed == 0 || rep.Blocks == 0 || rep.TxLookups == 0 {
		t.Fatalf("the run checked too little: %d faults, %d committed transactions, %d blocks compared, %d lookups", rep.Faults, rep.Committed, rep.Blocks, rep.TxLookups)
	}
}
