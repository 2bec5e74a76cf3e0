package modules_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/bench"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules"
)

// TestBenchSmoke builds the dengta binary once and runs every registered
// module's benchmark workloads, and the mix of them, on one real `dengta
// start` process each. w1 runs two short steps at low rates and the
// report's shape is checked: transactions committed, latencies ordered
// and bounded by the step, no rejection or failure, resources measured.
// The others run one short step each: every transaction committed with
// code 0, every kind of transaction committed, and the workload's Check
// passed. No assertion depends on speed.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a node; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "dengta")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/dengta").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	reg := modules.Registry()
	for _, d := range workload.Workloads(reg.Workloads()) {
		if d.Name == "w1" {
			t.Run("w1", func(t *testing.T) { smokeW1(t, reg, bin) })
			continue
		}
		t.Run(d.Name, func(t *testing.T) { smokeStep(t, reg, bin, d.Name) })
	}
}

// smokeStep runs one step of 2 s at 20 tx/s with 8 signers, small
// batches and a small seed.
func smokeStep(t *testing.T, reg *plug.Registry, bin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var log bytes.Buffer
	opts := bench.Options{
		Workloads: reg.Workloads(), Consortium: reg,
		Workload: name, Validators: 1, Rates: []float64{20}, Step: 2 * time.Second, Drain: 30 * time.Second,
		Params: workload.Params{Signers: 8, BatchSize: 100, Seed: 40}, Readers: 2, Binary: bin, Dir: t.TempDir(), Log: &log,
	}
	start := time.Now()
	rep, err := bench.Run(ctx, opts)
	t.Logf("%s in %s; log:\n%s", name, time.Since(start).Round(time.Second), log.String())
	if err != nil {
		t.Fatal(err) // a failed Check is an error too
	}
	run := rep.Runs[0]
	if len(run.Steps) != 1 || run.CheckError != "" {
		t.Fatalf("%d steps, check error %q", len(run.Steps), run.CheckError)
	}
	s := run.Steps[0]
	if s.Prepared != 40 || s.Committed != s.Prepared || s.Rejected != 0 || s.Failed != 0 || s.Unsent != 0 || s.Uncommitted != 0 || len(s.Errors) != 0 {
		t.Errorf("prepared %d committed %d rejected %d failed %d unsent %d uncommitted %d errors %v",
			s.Prepared, s.Committed, s.Rejected, s.Failed, s.Unsent, s.Uncommitted, s.Errors)
	}
	for _, k := range s.ByKind {
		if k.Committed == 0 || k.Committed != k.Prepared || k.Failed != 0 {
			t.Errorf("kind %+v", k)
		}
	}
	if s.Reads != nil && s.Reads.Errors != 0 {
		t.Errorf("reads %+v", s.Reads)
	}
}

func smokeW1(t *testing.T, reg *plug.Registry, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var log bytes.Buffer
	opts := bench.Options{
		Workloads: reg.Workloads(), Consortium: reg,
		Workload: "w1", Validators: 1, Rates: []float64{20, 50}, Step: 2 * time.Second, Drain: 30 * time.Second,
		Params: workload.Params{Signers: 8}, Binary: bin, Dir: t.TempDir(), Log: &log,
	}
	rep, err := bench.Run(ctx, opts)
	t.Logf("log:\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 1 || len(rep.Runs[0].Steps) != 2 {
		t.Fatalf("report has %d runs", len(rep.Runs))
	}
	run := rep.Runs[0]
	if run.System != bench.SystemDengta || run.Validators != 1 || run.Nodes[0].PID == 0 || run.TxBytes < 300 {
		t.Fatalf("run %+v", run)
	}
	limit := float64((opts.Step + opts.Drain) / time.Millisecond)
	for _, s := range run.Steps {
		l := s.Latency
		t.Logf("%g tx/s: prepared %d, committed %d (%d in the window), latency %+v, blocks %+v", s.Offered, s.Prepared, s.Committed, s.CommittedInWindow, l, s.Blocks)
		if s.Prepared != int64(s.Offered*2) || s.Committed != s.Prepared || s.CommittedInWindow == 0 {
			t.Errorf("%g tx/s: prepared %d, committed %d, %d in the window", s.Offered, s.Prepared, s.Committed, s.CommittedInWindow)
		}
		if s.Rejected != 0 || s.Failed != 0 || s.Unsent != 0 || s.Uncommitted != 0 || len(s.Errors) != 0 {
			t.Errorf("%g tx/s: rejected %d failed %d unsent %d uncommitted %d errors %v", s.Offered, s.Rejected, s.Failed, s.Unsent, s.Uncommitted, s.Errors)
		}
		if l.Count != int(s.Committed) || !(0 < l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max && l.Max < limit) {
			t.Errorf("%g tx/s: latency %+v", s.Offered, l)
		}
		if s.Blocks.Count == 0 || s.Blocks.Txs < int(s.Committed) {
			t.Errorf("%g tx/s: blocks %+v", s.Offered, s.Blocks)
		}
		if len(s.Nodes) != 1 || s.Nodes[0].CPUSeconds == nil || *s.Nodes[0].CPUSeconds <= 0 || s.Nodes[0].PeakRSS <= 0 || s.Nodes[0].DiskBytes == nil {
			t.Errorf("%g tx/s: node usage %+v", s.Offered, s.Nodes)
		}
	}
	var md bytes.Buffer
	if err := bench.WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", md.String())
}
