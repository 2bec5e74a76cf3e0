package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/node"
)

// WriteFiles writes the report as dir/bench.json (everything) and
// dir/bench.md (the tables).
func WriteFiles(dir string, rep *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "bench.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "bench.md"))
	if err != nil {
		return err
	}
	if err := WriteMarkdown(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteMarkdown writes the report's tables: one per system, then the
// dengta/kvstore ratios, then the notes.
func WriteMarkdown(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	c := rep.Config
	ew.printf("# dengta bench: %s on %d validator%s\n\n", c.Workload, c.Validators, plural(c.Validators))
	ew.printf("Measured %s on %d CPUs (%s), %s, Linux %s; load average (1 min) %.2f at the start, %.2f at the end.\n",
		rep.Started.Format("2006-01-02 15:04 MST"), rep.Host.CPUs, orDash(rep.Host.CPUModel), rep.Host.Go, orDash(rep.Host.Kernel), rep.Host.LoadStart, rep.Host.LoadEnd)
	via := fmt.Sprintf("CometBFT RPC `broadcast_tx_%s`", c.Broadcast)
	if c.Broadcast == "batch" {
		via = "the gateway's `POST /v1/txs/batch` (each lane gathers 50 ms or 1,000 transactions; kvstore: `broadcast_tx_sync`)"
	}
	ew.printf("Each step offers its rate open-loop for %gs through %s (%d lanes spread over the nodes), then waits up to %gs for the accepted transactions to commit. ",
		c.StepS, via, c.Signers, c.DrainS)
	ew.printf("Latency runs from when a transaction was due to when a poller (every %g ms, on the first node) saw its block. CPU, peak RSS and disk growth are per node over the step (window and drain); harness CPU is this process's (pacer, senders, poller, readers).\n\n", c.PollMs)
	for _, run := range rep.Runs {
		writeRun(ew, rep, run)
	}
	if len(rep.Ratios) > 0 {
		ew.printf("## dengta / kvstore\n\nMeasured in the same run; above 1 means dengta is higher (better for throughput, worse for latency, CPU and disk).")
		if n := len(rep.PairRatios); n > 1 {
			ew.printf(" Each figure is the median over %d pairs (a dengta network, then a kvstore network, each on fresh homes); the CPU ratio of each pair follows.", n)
		}
		ew.printf("\n\n")
		reads := false
		for _, r := range rep.Ratios {
			reads = reads || r.ReadsPerS != 0
		}
		ew.printf("| offered tx/s | committed tx/s | latency p50 | latency p99 | CPU per tx | disk per tx |")
		if reads {
			ew.printf(" reads/s |")
		}
		ew.printf("\n|---:|---:|---:|---:|---:|---:|")
		if reads {
			ew.printf("---:|")
		}
		ew.printf("\n")
		for _, r := range rep.Ratios {
			ew.printf("| %s | %s | %s | %s | %s | %s |", num(r.Offered), ratio(r.CommittedPerS), ratio(r.P50), ratio(r.P99), ratio(r.CPUPerTx), ratio(r.DiskPerTx))
			if reads {
				ew.printf(" %s |", ratio(r.ReadsPerS))
			}
			ew.printf("\n")
		}
		ew.printf("\n")
		writePairs(ew, rep.PairRatios)
	}
	if len(rep.Notes) > 0 {
		ew.printf("## Notes\n\n")
		for _, n := range rep.Notes {
			ew.printf("- %s\n", n)
		}
	}
	return ew.err
}

// writePairs writes the CPU ratio of each pair, step by step, when there
// are several.
func writePairs(ew *errWriter, pairs [][]Ratio) {
	if len(pairs) < 2 {
		return
	}
	ew.printf("| offered tx/s |")
	for i := range pairs {
		ew.printf(" CPU per tx, pair %d |", i+1)
	}
	ew.printf("\n|---:|%s\n", strings.Repeat("---:|", len(pairs)))
	for i, r := range pairs[0] {
		ew.printf("| %s |", num(r.Offered))
		for _, p := range pairs {
			v := 0.0
			if i < len(p) {
				v = p[i].CPUPerTx
			}
			ew.printf(" %s |", ratio(v))
		}
		ew.printf("\n")
	}
	ew.printf("\n")
}

func writeRun(ew *errWriter, rep *Report, run *SystemRun) {
	title := run.System
	if run.System == SystemKVStore {
		title = fmt.Sprintf("kvstore (CometBFT %s, proxy_app=%s)", CometBFTVersion, rep.Config.BaselineApp)
	}
	if run.Pair > 0 {
		title += fmt.Sprintf(", pair %d", run.Pair)
	}
	ew.printf("## %s\n\n%s; mean %.0f B per transaction; setup %gs.\n\n", title, orDash(run.Describe), run.TxBytes, run.SetupS)
	batch := run.Workload == "w1b"
	reads := false
	for _, s := range run.Steps {
		reads = reads || s.Reads != nil
	}
	cols := []string{"offered tx/s", "accepted tx/s", "committed tx/s"}
	if batch {
		cols = append(cols, "records/s")
	}
	cols = append(cols, "p50 ms", "p95 ms", "p99 ms", "rejected", "failed", "unsent", "uncommitted", "blocks (mean txs)")
	if reads {
		cols = append(cols, "reads/s", "read p50 ms", "read p99 ms", "read errors")
	}
	cols = append(cols, "CPU s per node", "peak RSS MiB per node", "disk B/tx per node", "harness CPU s", "load")
	ew.printf("| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat("---:|", len(cols)))
	for _, s := range run.Steps {
		row := []string{num(s.Offered), num(s.AcceptedPerS), num(s.CommittedPerS)}
		if batch {
			row = append(row, num(s.RecordsPerS))
		}
		row = append(row, fmtMs(s.Latency.P50), fmtMs(s.Latency.P95), fmtMs(s.Latency.P99),
			strconv.FormatInt(s.Rejected, 10), strconv.FormatInt(s.Failed, 10), strconv.FormatInt(s.Unsent, 10), strconv.FormatInt(s.Uncommitted, 10),
			blocks(s.Blocks))
		if reads {
			if s.Reads != nil {
				row = append(row, num(s.Reads.PerS), fmtMs(s.Reads.Latency.P50), fmtMs(s.Reads.Latency.P99), strconv.Itoa(s.Reads.Errors))
			} else {
				row = append(row, "–", "–", "–", "–")
			}
		}
		var cpu, rss, disk []string
		for _, u := range s.Nodes {
			cpu = append(cpu, optFloat(u.CPUSeconds, 1))
			if u.PeakRSS > 0 {
				rss = append(rss, strconv.FormatInt(u.PeakRSS>>20, 10))
			} else {
				rss = append(rss, "?")
			}
			disk = append(disk, optFloat(u.DiskPerTx, 0))
		}
		row = append(row, strings.Join(cpu, " / "), strings.Join(rss, " / "), strings.Join(disk, " / "), optFloat(s.Harness.CPUSeconds, 1), fmt.Sprintf("%.1f", s.LoadEnd))
		ew.printf("| %s |\n", strings.Join(row, " | "))
	}
	ew.printf("\n")
	writeKinds(ew, run)
	if run.CheckError != "" {
		ew.printf("Check after the run FAILED: %s\n\n", run.CheckError)
	}
}

// writeKinds writes the steps' breakdown by kind of transaction, when
// there is one.
func writeKinds(ew *errWriter, run *SystemRun) {
	if !slices.ContainsFunc(run.Steps, func(s *Step) bool { return len(s.ByKind) > 0 }) {
		return
	}
	ew.printf("By kind of transaction:\n\n| offered tx/s | kind | prepared | committed tx/s | committed | failed | p50 ms | p99 ms |\n|---:|:---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range run.Steps {
		for _, k := range s.ByKind {
			ew.printf("| %s | %s | %d | %s | %d | %d | %s | %s |\n", num(s.Offered), k.Kind, k.Prepared, num(k.CommittedPerS), k.Committed, k.Failed, fmtMs(k.Latency.P50), fmtMs(k.Latency.P99))
		}
	}
	ew.printf("\n")
}

func blocks(b BlockStats) string {
	if b.LateRounds > 0 {
		return fmt.Sprintf("%d (%s; %d late)", b.Count, num(b.MeanTxs), b.LateRounds)
	}
	return fmt.Sprintf("%d (%s)", b.Count, num(b.MeanTxs))
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// num formats a rate: no decimals from 100 up, one below.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 100 || v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

func fmtMs(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func ratio(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "×"
}

func optFloat(v *float64, digits int) string {
	if v == nil {
		return "?"
	}
	return strconv.FormatFloat(*v, 'f', digits, 64)
}

// MatchedSettings lists the settings the dengta and kvstore networks share,
// read from node.TunedConfig and node.DefaultConsensusParams (both
// networks' homes are written by node.InitHome).
func MatchedSettings() string {
	c := node.TunedConfig()
	p := node.DefaultConsensusParams()
	cs := c.Consensus
	return fmt.Sprintf("identical config.toml from node.InitHome (node.TunedConfig) except moniker, addresses and proxy_app: "+
		"timeout_commit %s, timeout_propose %s (+%s), timeout_prevote %s (+%s), timeout_precommit %s (+%s), create_empty_blocks %t every %s, "+
		"mempool %s size %d / %d MiB, cache %d, recheck %t, db_backend %s, tx_index %s, pex %t, send/recv rate %d/%d kB/s; "+
		"genesis: block max_bytes %d MiB, max_gas %d, %d voting power per validator; full-mesh persistent peers on the same 127.0.0.x addresses; "+
		"ABCI through an in-process local client in both (Dengta: one mutex per connection, signatures pre-checked outside it; kvstore: one mutex); the same pacer, lanes, RPC submission path and transaction size",
		cs.TimeoutCommit, cs.TimeoutPropose, cs.TimeoutProposeDelta, cs.TimeoutPrevote, cs.TimeoutPrevoteDelta, cs.TimeoutPrecommit, cs.TimeoutPrecommitDelta,
		cs.CreateEmptyBlocks, cs.CreateEmptyBlocksInterval, c.Mempool.Type, c.Mempool.Size, c.Mempool.MaxTxsBytes>>20, c.Mempool.CacheSize, c.Mempool.Recheck,
		c.DBBackend, c.TxIndex.Indexer, c.P2P.PexReactor, c.P2P.SendRate>>10, c.P2P.RecvRate>>10,
		p.Block.MaxBytes>>20, p.Block.MaxGas, identity.DefaultValidatorPower)
}

// overrides lists a run's settings over the defaults, sorted, or "".
func overrides(c Config) string {
	var set []string
	for k, v := range c.Settings {
		set = append(set, k+"="+v)
	}
	sort.Strings(set)
	if c.BlockMaxBytes > 0 {
		set = append(set, fmt.Sprintf("genesis block max_bytes %d", c.BlockMaxBytes))
	}
	if c.StateCheckpoint > 1 {
		set = append(set, fmt.Sprintf("Dengta state_checkpoint_interval %d", c.StateCheckpoint))
	}
	return strings.Join(set, ", ")
}

// compareConfigs checks that two homes' config.toml differ only in the
// settings that must differ (moniker, addresses, peers, proxy_app).
func compareConfigs(a, b string) error {
	ca, err := node.LoadConfig(a)
	if err != nil {
		return err
	}
	cb, err := node.LoadConfig(b)
	if err != nil {
		return err
	}
	cb.SetRoot(ca.RootDir)
	cb.Moniker, cb.ProxyApp = ca.Moniker, ca.ProxyApp
	cb.P2P.ListenAddress, cb.RPC.ListenAddress, cb.P2P.PersistentPeers = ca.P2P.ListenAddress, ca.RPC.ListenAddress, ca.P2P.PersistentPeers
	cb.RPC.PprofListenAddress = ca.RPC.PprofListenAddress
	if !reflect.DeepEqual(ca, cb) {
		return fmt.Errorf("config.toml of %s and %s differ beyond moniker, addresses, peers, pprof address and proxy_app", a, b)
	}
	return nil
}

// notes are the caveats that go with the numbers.
func notes(rep *Report) []string {
	var out []string
	out = append(out, fmt.Sprintf("Load average (1 min) %.2f at the start and %.2f at the end on %d CPUs; harness, nodes and anything else on the machine share them, so treat the numbers as indicative.", rep.Host.LoadStart, rep.Host.LoadEnd, rep.Host.CPUs))
	out = append(out, "Committed tx/s counts the step's transactions committed within the window, so the first block of each window (a block time) makes short windows understate steady-state throughput.")
	for _, run := range rep.Runs {
		for _, s := range run.Steps {
			switch {
			case s.Unsent > 0 && s.MempoolFullRetries > 0:
				out = append(out, fmt.Sprintf("%s at %s tx/s: %d transactions were still queued at the drain limit (the mempool was full %d times; retried with back-off from 20 to 320 ms): offered load beyond capacity.", run.System, num(s.Offered), s.Unsent, s.MempoolFullRetries))
			case s.Unsent > 0:
				out = append(out, fmt.Sprintf("%s at %s tx/s: %d transactions were still queued at the drain limit, with the mempool never full: the nodes admitted (CheckTx) fewer than offered.", run.System, num(s.Offered), s.Unsent))
			case s.MempoolFullRetries > 0:
				out = append(out, fmt.Sprintf("%s at %s tx/s: the mempool was full %d times (retried with back-off from 20 to 320 ms).", run.System, num(s.Offered), s.MempoolFullRetries))
			}
			if s.PacerLagMs > 100 {
				out = append(out, fmt.Sprintf("%s at %s tx/s: the pacer fell up to %s ms behind its schedule (the harness was short of CPU).", run.System, num(s.Offered), fmtMs(s.PacerLagMs)))
			}
			if s.Blocks.LateRounds > 0 {
				out = append(out, fmt.Sprintf("%s at %s tx/s: %d blocks followed a commit in a round above 0 (up to round %d): consensus timeouts, the proposal or votes came too late.", run.System, num(s.Offered), s.Blocks.LateRounds, s.Blocks.MaxRound))
			}
			if s.CommittedPerS < 0.1*s.Offered {
				out = append(out, fmt.Sprintf("%s at %s tx/s: %d transactions committed in the window, %d by the drain limit; the first node's height/round/step went %s (window end → drain end; ? = no answer within 3 s).", run.System, num(s.Offered), s.CommittedInWindow, s.Committed, s.Consensus))
			}
			if s.Abandoned > 0 {
				out = append(out, fmt.Sprintf("%s at %s tx/s: %d transactions were abandoned after an earlier one of their lane was rejected (see errors in bench.json).", run.System, num(s.Offered), s.Abandoned))
			}
			if s.SettleLeft > 0 {
				out = append(out, fmt.Sprintf("%s after %s tx/s: the mempools still held up to %d transactions after %gs; the next step started with them.", run.System, num(s.Offered), s.SettleLeft, s.SettleS))
			}
			if s.Uncommitted > 0 {
				out = append(out, fmt.Sprintf("%s at %s tx/s: %d accepted transactions were not committed within the drain limit (%gs after the window).", run.System, num(s.Offered), s.Uncommitted, s.DrainS))
			}
		}
		if run.PollErrors > 0 {
			out = append(out, fmt.Sprintf("%s: the block poller had %d failed polls (retried at the next tick), the last: %s.", run.System, run.PollErrors, run.PollLastError))
		}
		var du, app int64
		for _, s := range run.Steps {
			for _, u := range s.Nodes {
				if u.DiskBytes != nil && u.ApparentBytes != nil {
					du += *u.DiskBytes
					app += *u.ApparentBytes
				}
			}
		}
		if app > 0 && du > 2*app {
			out = append(out, fmt.Sprintf("%s: the data directories grew %.1f× more as du counts (allocated blocks, the disk column) than in file length (du --apparent-size, in bench.json): space preallocated for write-ahead logs, which short steps do not fill.", run.System, float64(du)/float64(app)))
		}
	}
	if rep.Config.Baseline {
		out = append(out, "Matched between dengta and kvstore: "+MatchedSettings()+".")
		if set := overrides(rep.Config); set != "" {
			out = append(out, "Set over those defaults on every node of both systems (--set, --block-max-bytes): "+set+".")
		}
		if rep.Config.BaselineApp == "kvstore" {
			out = append(out, "kvstore keeps its application state in memory (proxy_app=kvstore), verifies no signature and has a trivial CheckTx; its disk figures are CometBFT's block store, state store and WAL only. Dengta persists a Merkle trie and its tx index on pebble and checks an Ed25519 or SM2 signature per transaction.")
		}
		if rep.Config.Readers > 0 {
			out = append(out, "kvstore reads are abci_query of earlier keys without proof; dengta's are the workload's reads through the API (proof bundles and records), so the read ratio compares unlike work.")
		}
		if rep.Config.BatchSize > 0 {
			out = append(out, "kvstore transactions carry no batch: its records/s column counts each transaction as the same number of records as dengta's, for comparison only.")
		}
	}
	for _, run := range rep.Runs {
		for _, nd := range run.Nodes {
			if nd.PID == 0 {
				out = append(out, fmt.Sprintf("%s node %s: no process found, so no CPU or RSS figures.", run.System, nd.Name))
			}
		}
	}
	return out
}
