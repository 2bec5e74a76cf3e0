package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/node"
)

func sampleStep(offered, committed, p50, p99 float64, cpu []float64, disk []float64) *Step {
	s := &Step{Offered: offered, WindowS: 15, AcceptedPerS: offered, CommittedPerS: committed, RecordsPerS: committed,
		Prepared: int64(offered * 15), Accepted: int64(offered * 15), Committed: int64(committed * 15), CommittedInWindow: int64(committed * 15),
		Latency: Latency{Count: 10, P50: p50, P95: (p50 + p99) / 2, P99: p99, Max: p99 + 1},
		Blocks:  BlockStats{Count: 30, MeanTxs: committed / 2}, LoadEnd: 2.5, Harness: NodeUsage{Name: "harness", CPUSeconds: ptr(1.2)}}
	for i := range cpu {
		u := NodeUsage{Name: "n", PeakRSS: 150 << 20}
		if cpu[i] >= 0 {
			u.CPUSeconds = ptr(cpu[i])
		}
		u.DiskPerTx = ptr(disk[i])
		s.Nodes = append(s.Nodes, u)
	}
	return s
}

func sampleReport() *Report {
	d := &SystemRun{System: SystemDengta, Workload: "w1", Describe: "deposits", Validators: 2, TxBytes: 463, SetupS: 3.2,
		Steps: []*Step{sampleStep(1000, 980, 450, 900, []float64{10, 9.5}, []float64{3000, 2900}), sampleStep(2000, 1500, 2000, 5000, []float64{20, -1}, []float64{2800, 2700})}}
	kv := &SystemRun{System: SystemKVStore, Workload: "w1", Describe: "kvstore key=value", Validators: 2, TxBytes: 463, SetupS: 1,
		Steps: []*Step{sampleStep(1000, 990, 300, 600, []float64{2, 2}, []float64{900, 900}), sampleStep(2000, 1960, 320, 700, []float64{4, 4}, []float64{800, 800})}}
	rep := &Report{Tool: "dengta bench", Started: time.Date(2026, 11, 21, 22, 0, 0, 0, time.UTC), Host: Host{CPUs: 2, Go: "go1.26.8 linux/amd64", LoadStart: 1.5, LoadEnd: 2.5},
		Config: Config{Workload: "w1", Validators: 2, Rates: []float64{1000, 2000}, StepS: 15, DrainS: 10, Signers: 64, Broadcast: "sync", PollMs: 20, Baseline: true, BaselineApp: "kvstore",
			Settings: map[string]string{"mempool.size": "5000", "consensus.timeout_commit": "1s"}, BlockMaxBytes: 1 << 20},
		Runs: []*SystemRun{d, kv}}
	rep.Ratios = ratios(d, kv)
	rep.Notes = notes(rep)
	return rep
}

func TestRatios(t *testing.T) {
	r := sampleReport().Ratios
	if len(r) != 2 {
		t.Fatalf("%d ratios", len(r))
	}
	if r[0].CommittedPerS != 0.99 || r[0].P50 != 1.5 || r[0].P99 != 1.5 || r[0].DiskPerTx != 3.28 {
		t.Errorf("ratios at 1000: %+v", r[0])
	}
	// CPU per tx: (10+9.5)/14700 over 4/14850.
	if r[0].CPUPerTx != 4.92 {
		t.Errorf("CPU per tx ratio %v, want 4.92", r[0].CPUPerTx)
	}
	if r[1].CPUPerTx != 0 {
		t.Errorf("CPU ratio with an unknown node = %v, want 0 (not comparable)", r[1].CPUPerTx)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# dengta bench: w1 on 2 validators\n",
		"load average (1 min) 1.50 at the start, 2.50 at the end",
		"## dengta\n",
		"## kvstore (CometBFT v1.0.1, proxy_app=kvstore)\n",
		"| offered tx/s | accepted tx/s | committed tx/s | p50 ms | p95 ms | p99 ms | rejected | failed | unsent | uncommitted | blocks (mean txs) | CPU s per node | peak RSS MiB per node | disk B/tx per node | harness CPU s | load |\n",
		"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
		"| 1000 | 1000 | 980 | 450 | 675 | 900 | 0 | 0 | 0 | 0 | 30 (490) | 10.0 / 9.5 | 150 / 150 | 3000 / 2900 | 1.2 | 2.5 |\n",
		"| 20.0 / ? |", // unknown CPU
		"## dengta / kvstore\n",
		"| 1000 | 0.99× | 1.50× | 1.50× | 4.92× | 3.28× |\n",
		"| 2000 | 0.77× | 6.25× | 7.14× | – |",
		"## Notes\n",
		"- Matched between dengta and kvstore: identical config.toml",
		"timeout_commit " + node.TunedConfig().Consensus.TimeoutCommit.String(),
		"Set over those defaults on every node of both systems (--set, --block-max-bytes): consensus.timeout_commit=1s, mempool.size=5000, genesis block max_bytes 1048576.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
	if strings.Contains(md, "records/s") || strings.Contains(md, "reads/s") {
		t.Error("w1 tables have records or reads columns")
	}
	// Every table row has as many cells as its header.
	var cols int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row with %d bars under a header with %d: %s", n, cols, line)
		}
	}
}

func TestWriteMarkdownBatchesAndReads(t *testing.T) {
	rep := sampleReport()
	rep.Config.Workload = "w4"
	for _, run := range rep.Runs {
		run.Workload = "w4"
		for _, s := range run.Steps {
			s.Reads = &ReadStats{Readers: 16, Count: 9000, PerS: 600, Latency: Latency{P50: 20, P99: 80}, Errors: 2}
		}
	}
	rep.Ratios = ratios(rep.Runs[0], rep.Runs[1])
	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| reads/s | read p50 ms | read p99 ms | read errors |", "| 600 | 20 | 80 | 2 |", "| reads/s |\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("w4 markdown lacks %q\n%s", want, b.String())
		}
	}
	rep = sampleReport()
	rep.Runs[0].Workload = "w1b"
	b.Reset()
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| committed tx/s | records/s | p50 ms |") {
		t.Errorf("w1b markdown lacks the records/s column\n%s", b.String())
	}
}

func TestWriteMarkdownByKind(t *testing.T) {
	rep := sampleReport()
	rep.Runs[0].Steps[0].ByKind = []KindStats{
		{Kind: "w1", Prepared: 6000, Committed: 5900, CommittedPerS: 393.3, Latency: Latency{P50: 400, P99: 880}},
		{Kind: "w3 accept", Prepared: 4500, Committed: 4400, Failed: 3, CommittedPerS: 293.3, Latency: Latency{P50: 420, P99: 910}},
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"By kind of transaction:\n\n| offered tx/s | kind | prepared | committed tx/s | committed | failed | p50 ms | p99 ms |\n",
		"| 1000 | w1 | 6000 | 393 | 5900 | 0 | 400 | 880 |\n",
		"| 1000 | w3 accept | 4500 | 293 | 4400 | 3 | 420 | 910 |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
	if strings.Count(md, "By kind") != 1 {
		t.Error("a breakdown for the run without kinds")
	}
	if line := stepLine(SystemDengta, rep.Runs[0].Steps[0]); !strings.HasSuffix(line, "; by kind: w1 393 tx/s (0 failed), w3 accept 293 tx/s (3 failed)") {
		t.Errorf("step line %q", line)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	rep := sampleReport()
	if err := WriteFiles(dir, rep); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Runs) != 2 || back.Runs[0].Steps[1].Latency.P99 != 5000 || *back.Runs[0].Steps[0].Nodes[1].CPUSeconds != 9.5 || len(back.Ratios) != 2 {
		t.Fatalf("bench.json does not round-trip: %s", data)
	}
	md, err := os.ReadFile(filepath.Join(dir, "bench.md"))
	if err != nil || !strings.HasPrefix(string(md), "# dengta bench") {
		t.Fatalf("bench.md: %v %q", err, md)
	}
}

// TestMedianRatios: with several pairs, each figure of each step is the
// median over the pairs, the mean of the middle two for an even count.
func TestMedianRatios(t *testing.T) {
	pair := func(cpu1, cpu2, committed float64) []Ratio {
		return []Ratio{{Offered: 800, CPUPerTx: cpu1, CommittedPerS: committed}, {Offered: 1600, CPUPerTx: cpu2, CommittedPerS: committed}}
	}
	for _, tc := range []struct {
		name       string
		pairs      [][]Ratio
		cpu1, cpu2 float64
		committed  float64
	}{
		{"one pair", [][]Ratio{pair(1.6, 1.9, 1)}, 1.6, 1.9, 1},
		{"odd", [][]Ratio{pair(1.8, 2.0, 0.9), pair(1.4, 1.7, 1), pair(1.5, 3.0, 1.1)}, 1.5, 2.0, 1},
		{"even", [][]Ratio{pair(1.8, 2.0, 1), pair(1.4, 1.6, 1), pair(1.6, 1.8, 0.98), pair(1.2, 5, 0.96)}, 1.5, 1.9, 0.99},
		// 0 is "not comparable": it takes no part, and stays when no pair
		// could compare.
		{"some not comparable", [][]Ratio{pair(0, 0, 1), pair(1.5, 0, 1), pair(1.7, 0, 1)}, 1.6, 0, 1},
	} {
		got := medianRatios(tc.pairs)
		if len(got) != 2 || got[0].Offered != 800 || got[1].Offered != 1600 {
			t.Fatalf("%s: steps %+v", tc.name, got)
		}
		near := func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
		if !near(got[0].CPUPerTx, tc.cpu1) || !near(got[1].CPUPerTx, tc.cpu2) || !near(got[0].CommittedPerS, tc.committed) {
			t.Errorf("%s: medians %+v, want CPU %v and %v, committed %v", tc.name, got, tc.cpu1, tc.cpu2, tc.committed)
		}
	}
}

// TestWriteMarkdownPairs: a repeated run says that its ratios are medians,
// titles each run with its pair, and tabulates each pair's CPU ratio.
func TestWriteMarkdownPairs(t *testing.T) {
	rep := sampleReport()
	d2 := *rep.Runs[0]
	kv2 := *rep.Runs[1]
	rep.Runs[0].Pair, rep.Runs[1].Pair, d2.Pair, kv2.Pair = 1, 1, 2, 2
	rep.Runs = append(rep.Runs, &d2, &kv2)
	second := ratios(&d2, &kv2)
	second[0].CPUPerTx = 3.5
	rep.PairRatios = [][]Ratio{rep.Ratios, second}
	rep.Ratios = medianRatios(rep.PairRatios)
	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"## dengta, pair 1\n", "## dengta, pair 2\n", "## kvstore (CometBFT v1.0.1, proxy_app=kvstore), pair 2\n",
		"the median over 2 pairs",
		"| 1000 | 0.99× | 1.50× | 1.50× | 4.21× | 3.28× |\n", // (4.92 + 3.5) / 2
		"| offered tx/s | CPU per tx, pair 1 | CPU per tx, pair 2 |\n",
		"| 1000 | 4.92× | 3.50× |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
}
