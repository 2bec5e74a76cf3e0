package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/workload"
)

// Options configure a benchmark run.
type Options struct {
	// Workloads are the workloads the modules offer (plug.Registry); the
	// mix of their mix parts is added.
	Workloads []workload.Def
	// Consortium gives the generated network's organisations the
	// modules' roles (plug.Registry).
	Consortium devnet.Consortium
	Workload   string        // a workload's name: w1, w2, w3, ..., mix
	Validators int           // 1 to 64 (ignored with Attach)
	Rates      []float64     // offered transactions per second, one step each
	Step       time.Duration // length of each step's window
	// Drain is how long after a window the harness waits for the
	// transactions it got into the mempools to be committed.
	Drain time.Duration
	// Settle bounds the wait for empty mempools between steps.
	Settle time.Duration
	workload.Params
	Readers int // reading goroutines (w4, mix)
	// Broadcast is how transactions are sent: "sync" (CometBFT RPC,
	// CheckTx answer), "async", or "batch" (Dengta's gateway batch
	// endpoint, POST /v1/txs/batch; kvstore then gets "sync").
	Broadcast string
	Poll      time.Duration // block poll interval

	Baseline    bool   // also run CometBFT's kvstore on the same topology
	BaselineApp string // proxy_app of the baseline: "kvstore" (default) or "persistent_kvstore"
	CometBFT    string // cometbft binary; "" installs CometBFTVersion into the cache
	// Repeat runs the pair (Dengta, then kvstore) this many times, each
	// on fresh homes, and reports the median of the pairs' ratios: on a
	// shared machine one pair's ratio moves with the neighbours' load.
	// 0 means 1; more needs Baseline and no Attach.
	Repeat int

	// Config sets config.toml keys ("section.key" -> value) on every node
	// of both systems, over the tuned defaults; BlockMaxBytes sets the
	// genesis block size (0: the default, 8 MiB). Not with Attach.
	Config        map[string]string
	BlockMaxBytes int64
	// StateCheckpoint sets the Dengta nodes' state_checkpoint_interval
	// (ADR 0027; 0: every block, the default). Not with Attach.
	StateCheckpoint int64

	Attach string // directory of a running network's homes and keys; "" starts one
	Binary string // the dengta binary the nodes run (`dengta start --home`)
	Dir    string // where the work directory (homes, logs) is made; "" = os.TempDir()
	Keep   bool   // keep the work directory
	// LogLevel is the nodes' --log-level (Dengta; CometBFT's kvstore logs
	// at its default, info).
	LogLevel string

	// LogsTo is a directory the nodes' logs are copied into after each
	// network has stopped ("" keeps them only in the work directory).
	LogsTo string
	// ProfileTo is a directory for a CPU profile of the first node over the
	// middle half of each step's window (CometBFT's pprof server, enabled
	// on every node); "" = none.
	ProfileTo string

	Progress io.Writer // progress bar (a terminal), or nil
	Log      io.Writer // phase and step messages, or nil
}

// Check fills in the defaults and checks the options; Run does the same.
func (o *Options) Check() error {
	o.defaults()
	return o.validate()
}

func (o *Options) defaults() {
	if o.Workload == "" {
		o.Workload = "w1"
	}
	def, _ := workload.Lookup(o.Workloads, o.Workload)
	if len(o.Rates) == 0 {
		o.Rates = slices.Clone(def.Rates)
	}
	if o.Step == 0 {
		o.Step = 15 * time.Second
	}
	if o.Drain == 0 {
		o.Drain = 10 * time.Second
	}
	if o.Settle == 0 {
		o.Settle = 60 * time.Second
	}
	if o.Signers == 0 {
		o.Signers = 64
	}
	if o.BatchSize == 0 {
		o.BatchSize = 10_000
	}
	if o.Seed == 0 {
		o.Seed = def.Seed
	}
	if o.Readers == 0 {
		o.Readers = def.Readers
	}
	if o.Broadcast == "" {
		o.Broadcast = "sync"
	}
	if o.Poll == 0 {
		o.Poll = 20 * time.Millisecond
	}
	if o.BaselineApp == "" {
		o.BaselineApp = "kvstore"
	}
	if o.LogLevel == "" {
		o.LogLevel = "info"
	}
}

func (o *Options) homeSettings() homeSettings {
	return homeSettings{Config: o.Config, BlockMaxBytes: o.BlockMaxBytes, StateCheckpoint: o.StateCheckpoint}
}

func (o *Options) validate() error {
	if _, err := workload.Lookup(o.Workloads, o.Workload); err != nil {
		return err
	}
	if o.Attach == "" && (o.Validators < 1 || o.Validators > 64) {
		return fmt.Errorf("%d validators: choose 1 to 64", o.Validators)
	}
	for _, r := range o.Rates {
		if !(r > 0) || math.IsInf(r, 0) {
			return fmt.Errorf("rate %v: rates must be positive", r)
		}
		if r*o.Step.Seconds() > 2_000_000 {
			return fmt.Errorf("rate %v for %s is over 2,000,000 transactions in one step", r, o.Step)
		}
	}
	if o.Step < time.Second {
		return fmt.Errorf("step %s: at least 1s", o.Step)
	}
	if o.Broadcast != "sync" && o.Broadcast != "async" && o.Broadcast != "batch" {
		return fmt.Errorf("broadcast %q: sync, async or batch", o.Broadcast)
	}
	if o.BaselineApp != "kvstore" && o.BaselineApp != "persistent_kvstore" {
		return fmt.Errorf("baseline app %q: kvstore or persistent_kvstore", o.BaselineApp)
	}
	if o.Attach == "" && o.Binary == "" {
		return errors.New("no dengta binary to run the nodes with")
	}
	if o.Attach != "" && (len(o.Config) > 0 || o.BlockMaxBytes != 0 || o.StateCheckpoint != 0) {
		return errors.New("settings (--set, --block-max-bytes, --state-checkpoint) apply to networks the harness starts, not with --attach")
	}
	if o.Repeat < 0 || o.Repeat > 20 {
		return fmt.Errorf("repeat %d: choose 1 to 20 pairs", o.Repeat)
	}
	if o.Repeat > 1 && (!o.Baseline || o.Attach != "") {
		return errors.New("repeat compares pairs of networks it starts: it needs the baseline, and cannot attach")
	}
	if o.StateCheckpoint < 0 {
		return fmt.Errorf("state checkpoint interval %d: 0 (every block) or a number of blocks", o.StateCheckpoint)
	}
	if o.BlockMaxBytes < 0 || o.BlockMaxBytes > 100<<20 {
		return fmt.Errorf("block size %d bytes: choose up to 100 MiB", o.BlockMaxBytes)
	}
	if o.Signers < 1 || o.Signers > 4096 {
		return fmt.Errorf("%d signers: choose 1 to 4096", o.Signers)
	}
	return nil
}

// Report is the full result of a run: written as bench.json, summarised
// as bench.md.
type Report struct {
	Tool     string       `json:"tool"`
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
	Host     Host         `json:"host"`
	Config   Config       `json:"config"`
	Runs     []*SystemRun `json:"runs"`
	// Ratios are dengta / kvstore, step by step (with Baseline); with
	// Repeat, the median over the pairs of each figure, and PairRatios
	// are each pair's.
	Ratios     []Ratio   `json:"ratios,omitempty"`
	PairRatios [][]Ratio `json:"pair_ratios,omitempty"`
	Notes      []string  `json:"notes"`
	WorkDir    string    `json:"work_dir,omitempty"` // when kept
}

// Host describes the machine.
type Host struct {
	CPUs      int     `json:"cpus"`
	CPUModel  string  `json:"cpu_model,omitempty"`
	Kernel    string  `json:"kernel,omitempty"`
	Go        string  `json:"go"`
	LoadStart float64 `json:"load_avg_1m_start"`
	LoadEnd   float64 `json:"load_avg_1m_end"`
}

// Config is the run's configuration, as measured.
type Config struct {
	Workload    string    `json:"workload"`
	Validators  int       `json:"validators"`
	Attached    bool      `json:"attached,omitempty"`
	Rates       []float64 `json:"rates_tx_per_s"`
	StepS       float64   `json:"step_s"`
	DrainS      float64   `json:"drain_max_s"`
	Signers     int       `json:"signers"`
	KeyAlgo     string    `json:"key_algo"`
	BatchSize   int       `json:"batch_size,omitempty"`
	Seed        int       `json:"seed_records,omitempty"`
	Readers     int       `json:"readers,omitempty"`
	Broadcast   string    `json:"broadcast"`
	PollMs      float64   `json:"poll_ms"`
	Baseline    bool      `json:"baseline"`
	BaselineApp string    `json:"baseline_app,omitempty"`
	Repeat      int       `json:"repeat,omitempty"`
	CometBFT    string    `json:"cometbft_version"`
	// Settings are the config.toml keys set over the tuned defaults, and
	// BlockMaxBytes a block size other than the default.
	Settings      map[string]string `json:"settings,omitempty"`
	BlockMaxBytes int64             `json:"block_max_bytes,omitempty"`
	// StateCheckpoint is the Dengta nodes' state_checkpoint_interval.
	StateCheckpoint int64 `json:"state_checkpoint_interval,omitempty"`
}

// SystemRun is the sweep on one system (dengta or kvstore).
type SystemRun struct {
	System        string           `json:"system"`
	Pair          int              `json:"pair,omitempty"` // with Repeat: the pair, from 1
	Workload      string           `json:"workload"`
	Describe      string           `json:"describe"`
	Validators    int              `json:"validators"`
	Nodes         []*workload.Node `json:"nodes"`
	TxBytes       float64          `json:"tx_bytes_mean"`
	SetupS        float64          `json:"setup_s"`
	Attempts      int              `json:"address_attempts,omitempty"`
	Steps         []*Step          `json:"steps"`
	LoadStart     float64          `json:"load_avg_1m_start"`
	LoadEnd       float64          `json:"load_avg_1m_end"`
	PollErrors    int64            `json:"poll_errors,omitempty"`
	PollLastError string           `json:"poll_last_error,omitempty"`
	CheckError    string           `json:"check_error,omitempty"`
	StopError     string           `json:"stop_error,omitempty"`
}

// Step is one rate of the sweep.
type Step struct {
	Offered float64 `json:"offered_tx_per_s"`
	WindowS float64 `json:"window_s"`
	// DrainS is how long it took after the window until every accepted
	// transaction was seen in a block (or the drain limit).
	DrainS float64 `json:"drain_s"`
	// SettleS is how long the mempools then took to empty before the next
	// step (not measured); SettleLeft what was left if they did not.
	SettleS    float64 `json:"settle_s"`
	SettleLeft int64   `json:"settle_left,omitempty"`

	Prepared           int64 `json:"prepared"`
	Accepted           int64 `json:"accepted"`  // CheckTx 0 (sync) or handed over (async)
	Rejected           int64 `json:"rejected"`  // CheckTx code ≠ 0, or refused by the node
	Unsent             int64 `json:"unsent"`    // still queued at the drain limit, or abandoned
	Abandoned          int64 `json:"abandoned"` // of the unsent: dropped because an earlier one of their lane was rejected
	MempoolFullRetries int64 `json:"mempool_full_retries"`
	Committed          int64 `json:"committed"` // code 0, by the end of the drain
	CommittedInWindow  int64 `json:"committed_in_window"`
	Failed             int64 `json:"failed"`      // in a block with code ≠ 0
	Uncommitted        int64 `json:"uncommitted"` // accepted, not in a block by the end of the drain

	AcceptedPerS  float64 `json:"accepted_tx_per_s"`
	CommittedPerS float64 `json:"committed_tx_per_s"` // committed in the window / window
	RecordsPerS   float64 `json:"records_per_s"`      // records committed in the window / window
	// Latency is from when a transaction was due (released by the pacer)
	// to when the poller saw the block holding it, over committed ones.
	Latency    Latency `json:"latency"`
	PacerLagMs float64 `json:"pacer_lag_max_ms"`

	// ByKind breaks the step down by kind of transaction (Tx.Kind) when
	// the workload offers several (mix, w3).
	ByKind []KindStats `json:"by_kind,omitempty"`

	Blocks  BlockStats  `json:"blocks"`
	Nodes   []NodeUsage `json:"nodes"`
	Harness NodeUsage   `json:"harness"`
	Reads   *ReadStats  `json:"reads,omitempty"`

	// Consensus is the first node's height/round/step at the end of the
	// window and at the end of the step.
	Consensus string         `json:"consensus"`
	LoadStart float64        `json:"load_avg_1m_start"`
	LoadEnd   float64        `json:"load_avg_1m_end"`
	Errors    map[string]int `json:"errors,omitempty"`
}

// KindStats are one kind of transaction's share of a step.
type KindStats struct {
	Kind              string  `json:"kind"`
	Prepared          int64   `json:"prepared"`
	Committed         int64   `json:"committed"` // code 0, by the end of the drain
	CommittedInWindow int64   `json:"committed_in_window"`
	Failed            int64   `json:"failed"`
	CommittedPerS     float64 `json:"committed_tx_per_s"` // committed in the window / window
	Latency           Latency `json:"latency"`
}

// BlockStats describe the blocks seen from the window's start to the end
// of the drain.
type BlockStats struct {
	Count          int     `json:"count"`
	Txs            int     `json:"txs"`
	MeanTxs        float64 `json:"mean_txs"`
	MaxTxs         int     `json:"max_txs"`
	MeanBytes      float64 `json:"mean_bytes"`
	MeanIntervalMs float64 `json:"mean_interval_ms"` // by header time
	// LateRounds counts the blocks whose predecessor was committed in a
	// round above 0 (a consensus timeout); MaxRound is the highest.
	LateRounds int   `json:"late_rounds"`
	MaxRound   int32 `json:"max_round"`
}

// NodeUsage is a process's resources over a step (window and drain).
type NodeUsage struct {
	Name       string   `json:"name"`
	CPUSeconds *float64 `json:"cpu_s,omitempty"` // nil when the process is unknown
	PeakRSS    int64    `json:"peak_rss_bytes,omitempty"`
	// DiskBytes is the growth of the data directory as du counts it
	// (allocated blocks); ApparentBytes as du --apparent-size does.
	DiskBytes     *int64   `json:"disk_bytes_delta,omitempty"`
	DiskPerTx     *float64 `json:"disk_bytes_per_committed_tx,omitempty"`
	ApparentBytes *int64   `json:"apparent_bytes_delta,omitempty"`
	ApparentPerTx *float64 `json:"apparent_bytes_per_committed_tx,omitempty"`
}

// ReadStats are the reads of a step's window.
type ReadStats struct {
	Readers int                `json:"readers"`
	Count   int                `json:"count"`
	Errors  int                `json:"errors"`
	PerS    float64            `json:"reads_per_s"`
	Latency Latency            `json:"latency"`
	ByKind  map[string]Latency `json:"by_kind"`
	Samples map[string]int     `json:"error_samples,omitempty"`
}

// Ratio compares dengta with kvstore at one offered rate; 0 means not
// comparable (a zero denominator).
type Ratio struct {
	Offered       float64 `json:"offered_tx_per_s"`
	CommittedPerS float64 `json:"committed_tx_per_s"`
	P50           float64 `json:"latency_p50"`
	P99           float64 `json:"latency_p99"`
	CPUPerTx      float64 `json:"cpu_per_committed_tx"`
	DiskPerTx     float64 `json:"disk_per_committed_tx"`
	ReadsPerS     float64 `json:"reads_per_s,omitempty"`
}

// runner carries a run's options and output.
type runner struct {
	o    Options
	prog *progress
	log  io.Writer
}

func (r *runner) logf(format string, args ...any) {
	if r.log == nil {
		return
	}
	r.prog.clear()
	fmt.Fprintf(r.log, format+"\n", args...)
}

// Run runs the benchmark: the sweep on a Dengta network (started, or
// attached), then with Baseline the same sweep on CometBFT's kvstore. It
// returns the report so far together with an error. The nodes it started
// are stopped before it returns, whatever happened.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	r := &runner{o: o, prog: &progress{w: o.Progress}, log: o.Log}
	rep := &Report{
		Tool:    "dengta bench",
		Started: time.Now().UTC(),
		Host:    host(),
		Config: Config{
			Workload: o.Workload, Validators: o.Validators, Attached: o.Attach != "", Rates: o.Rates,
			StepS: o.Step.Seconds(), DrainS: o.Drain.Seconds(), Signers: o.Signers, Broadcast: o.Broadcast,
			PollMs: float64(o.Poll) / 1e6, Baseline: o.Baseline, CometBFT: CometBFTVersion,
			KeyAlgo: o.Params.Algo().String(),
		},
	}
	def, err := workload.Lookup(o.Workloads, o.Workload)
	if err != nil {
		return nil, err
	}
	if def.Batch {
		rep.Config.BatchSize = o.BatchSize
	}
	if o.Readers > 0 {
		rep.Config.Seed, rep.Config.Readers = o.Seed, o.Readers
	}
	if o.Baseline {
		rep.Config.BaselineApp = o.BaselineApp
	}
	if o.Repeat > 1 {
		rep.Config.Repeat = o.Repeat
	}
	defer func() {
		rep.Finished = time.Now().UTC()
		rep.Host.LoadEnd = loadAverage()
	}()

	parent := o.Dir
	if parent == "" {
		parent = os.TempDir()
	}
	work, err := os.MkdirTemp(parent, "dengta-bench-")
	if err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	ok := false
	defer func() {
		if ok && !o.Keep {
			os.RemoveAll(work)
		} else {
			rep.WorkDir = work
		}
	}()

	var cometbft string
	if o.Baseline {
		if cometbft, err = cometBFTBinary(ctx, o.CometBFT, logWriter(r)); err != nil {
			return rep, err
		}
	}

	pairs := max(1, o.Repeat)
	for i := range pairs {
		dir := work
		if pairs > 1 {
			// Each pair starts from fresh homes; logs and profiles go
			// into a folder per pair.
			name := fmt.Sprintf("pair-%d", i+1)
			dir = filepath.Join(work, name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return rep, fmt.Errorf("work directory: %w", err)
			}
			if o.LogsTo != "" {
				r.o.LogsTo = filepath.Join(o.LogsTo, name)
			}
			if o.ProfileTo != "" {
				r.o.ProfileTo = filepath.Join(o.ProfileTo, name)
			}
			r.logf("pair %d of %d: dengta, then kvstore", i+1, pairs)
		}
		dengtaRun, kvRun, err := r.pair(ctx, rep, def, dir, cometbft)
		if pairs > 1 {
			for _, run := range []*SystemRun{dengtaRun, kvRun} {
				if run != nil {
					run.Pair = i + 1
				}
			}
		}
		if err != nil {
			return rep, r.keptErr(err, work)
		}
		if kvRun != nil {
			rep.PairRatios = append(rep.PairRatios, ratios(dengtaRun, kvRun))
		}
	}
	if len(rep.PairRatios) > 0 {
		rep.Ratios = medianRatios(rep.PairRatios)
	}
	if len(rep.PairRatios) < 2 {
		rep.PairRatios = nil
	}
	rep.Host.LoadEnd = loadAverage()
	rep.Notes = notes(rep)
	if o.Baseline && len(rep.Runs) >= 2 {
		if err := compareConfigs(rep.Runs[0].Nodes[0].Home, rep.Runs[1].Nodes[0].Home); err != nil {
			rep.Notes = append(rep.Notes, "WARNING: "+err.Error())
		} else {
			rep.Notes = append(rep.Notes, "The harness compared the first dengta and kvstore homes' config.toml: identical apart from moniker, listen addresses, persistent peers and proxy_app.")
		}
	}
	ok = true
	return rep, nil
}

// pair runs the sweep on a Dengta network started in dir (or attached),
// then with Baseline on CometBFT's kvstore on the same addresses; it
// appends the runs to rep as they end.
func (r *runner) pair(ctx context.Context, rep *Report, def workload.Def, dir, cometbft string) (dengtaRun, kvRun *SystemRun, err error) {
	o := r.o
	w := def.New(o.Params)
	start := func(ctx context.Context) (*network, error) {
		if o.Attach != "" {
			r.logf("attaching to the network in %s", o.Attach)
			return attachDengta(ctx, o.Attach, o.Signers+o.Readers+8)
		}
		r.logf("starting %d dengta validator(s) in %s", o.Validators, dir)
		return startDengta(ctx, dir, o.Binary, o.Validators, o.LogLevel, 90*time.Second, o.Signers+o.Readers+8, o.ProfileTo != "", o.homeSettings(), o.Consortium)
	}
	var base int
	var dengta *network
	dengtaRun, err = r.system(ctx, SystemDengta, start, w, func(n *network) {
		dengta = n
		if o.Attach == "" {
			base, _ = n.addresses()
		}
	})
	rep.Runs = append(rep.Runs, dengtaRun)
	if cerr := copyLogs(o.LogsTo, dengtaRun); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return dengtaRun, nil, err
	}
	rep.Config.Validators = len(dengta.Nodes)
	rep.Config.Settings, rep.Config.BlockMaxBytes, rep.Config.StateCheckpoint = o.Config, o.BlockMaxBytes, o.StateCheckpoint
	if !o.Baseline {
		return dengtaRun, nil, nil
	}
	_, ports := dengta.addresses()
	if base == 0 {
		ports.P2P = 0
	}
	kv := &kvWorkload{name: w.Name(), size: int(math.Round(dengtaRun.TxBytes)), lanes: w.Lanes(), records: 1}
	if def.Batch {
		kv.records = o.BatchSize
	}
	if _, ok := w.(workload.Reader); ok {
		kv.reads, kv.seed = true, o.Seed
	}
	var bw workload.Workload = kv
	if kv.reads {
		bw = kvReader{kv}
	}
	startKV := func(ctx context.Context) (*network, error) {
		r.logf("starting %d CometBFT %s %s validator(s) on the same addresses", len(dengta.Nodes), CometBFTVersion, o.BaselineApp)
		b := base
		if ports.P2P == 0 {
			b = 0
		}
		return startKVStore(ctx, dir, cometbft, o.BaselineApp, len(dengta.Nodes), b, ports, 90*time.Second, o.Signers+o.Readers+8, o.ProfileTo != "", o.homeSettings())
	}
	kvRun, err = r.system(ctx, SystemKVStore, startKV, bw, nil)
	rep.Runs = append(rep.Runs, kvRun)
	if cerr := copyLogs(o.LogsTo, kvRun); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return dengtaRun, kvRun, err
}

// medianRatios is, step by step and figure by figure, the median of the
// pairs' ratios (the mean of the middle two for an even count). A 0 is a
// figure that was not comparable (ratios) and takes no part; a figure no
// pair could compare stays 0. Every pair has the same steps.
func medianRatios(pairs [][]Ratio) []Ratio {
	out := make([]Ratio, len(pairs[0]))
	for i := range out {
		med := func(f func(Ratio) float64) float64 {
			vs := make([]float64, 0, len(pairs))
			for _, p := range pairs {
				if i < len(p) && f(p[i]) != 0 {
					vs = append(vs, f(p[i]))
				}
			}
			slices.Sort(vs)
			n := len(vs)
			switch {
			case n == 0:
				return 0
			case n%2 == 1:
				return vs[n/2]
			}
			return (vs[n/2-1] + vs[n/2]) / 2
		}
		out[i] = Ratio{
			Offered:       pairs[0][i].Offered,
			CommittedPerS: med(func(r Ratio) float64 { return r.CommittedPerS }),
			P50:           med(func(r Ratio) float64 { return r.P50 }),
			P99:           med(func(r Ratio) float64 { return r.P99 }),
			CPUPerTx:      med(func(r Ratio) float64 { return r.CPUPerTx }),
			DiskPerTx:     med(func(r Ratio) float64 { return r.DiskPerTx }),
			ReadsPerS:     med(func(r Ratio) float64 { return r.ReadsPerS }),
		}
	}
	return out
}

// copyLogs copies the logs of a run's nodes into dir and points the
// report at the copies.
func copyLogs(dir string, run *SystemRun) error {
	if dir == "" || run == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("logs: %w", err)
	}
	for _, nd := range run.Nodes {
		if nd.Log == "" {
			continue
		}
		data, err := os.ReadFile(nd.Log)
		if err != nil {
			continue // the node never started
		}
		dst := filepath.Join(dir, filepath.Base(nd.Log))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return fmt.Errorf("logs: %w", err)
		}
		nd.Log = dst
	}
	return nil
}

func (r *runner) keptErr(err error, work string) error {
	return fmt.Errorf("%w\n(node homes and logs are kept in %s)", err, work)
}

// logWriter writes through r.logf, or discards.
func logWriter(r *runner) io.Writer {
	if r.log == nil {
		return io.Discard
	}
	return writerFunc(func(p []byte) (int, error) {
		r.logf("%s", strings.TrimRight(string(p), "\n"))
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// system runs the sweep on one network: start (or attach), poll, set up,
// each step, check, stop.
func (r *runner) system(ctx context.Context, system string, start func(context.Context) (*network, error), w workload.Workload, started func(*network)) (run *SystemRun, err error) {
	run = &SystemRun{System: system, Workload: w.Name(), LoadStart: loadAverage()}
	defer func() { run.LoadEnd = loadAverage() }()
	t0 := time.Now()
	net, err := start(ctx)
	if err != nil {
		return run, fmt.Errorf("%s network: %w", system, err)
	}
	defer func() {
		r.prog.clear()
		if len(net.Nodes) > 0 && net.started() {
			r.logf("%s: stopping the nodes", system)
		}
		if serr := net.stop(20 * time.Second); serr != nil {
			run.StopError = serr.Error()
			err = errors.Join(err, fmt.Errorf("stop %s nodes: %w", system, serr))
		}
	}()
	run.Nodes, run.Validators, run.Attempts = net.Nodes, len(net.Nodes), net.attempts
	if started != nil {
		started(net)
	}

	p := &poller{rpc: net.Nodes[0].RPCClient(), interval: r.o.Poll}
	if obs, ok := w.(workload.Observer); ok {
		p.withEvents, p.observe = true, obs.Observe
	}
	pctx, stopPoll := context.WithCancel(ctx)
	pollDone := make(chan struct{})
	ready := make(chan struct{})
	go func() { p.run(pctx, ready); close(pollDone) }()
	defer func() {
		stopPoll()
		<-pollDone
		run.PollErrors = p.errs.Load()
		if e, ok := p.lastErr.Load().(string); ok {
			run.PollLastError = e
		}
	}()
	<-ready

	if system == SystemDengta {
		r.logf("%s: setting up %s (registering %d signer keys)", system, w.Name(), r.o.Signers)
	} else {
		r.logf("%s: setting up %s", system, w.Name())
	}
	if err := w.Setup(ctx, net.Network); err != nil {
		return run, fmt.Errorf("%s setup: %w", system, err)
	}
	run.Describe = w.Describe()
	run.SetupS = round(time.Since(t0).Seconds(), 1)
	var bytes, txs float64
	for k, rate := range r.o.Rates {
		st, size, err := r.step(ctx, system, net.Network, w, p, k, rate)
		if st != nil {
			run.Steps = append(run.Steps, st)
			bytes += size * float64(st.Prepared)
			txs += float64(st.Prepared)
			run.TxBytes = round(bytes/txs, 1)
		}
		if err != nil {
			return run, fmt.Errorf("%s step %d (%g tx/s): %w", system, k+1, rate, err)
		}
		r.logf("%s", stepLine(system, st))
		if k+1 < len(r.o.Rates) {
			// The next step starts with empty mempools: an overloaded step
			// leaves a backlog that would otherwise be measured again, and
			// the nonces a node reports are exact only then.
			t := time.Now()
			r.prog.draw(fmt.Sprintf("%s: waiting for the mempools to empty", system))
			st.SettleLeft = net.settle(ctx, r.o.Settle)
			st.SettleS = round(time.Since(t).Seconds(), 1)
			r.prog.clear()
		}
	}
	if err := w.Check(ctx, net.Network); err != nil {
		run.CheckError = err.Error()
		return run, fmt.Errorf("%s check after the run: %w", system, err)
	}
	return run, nil
}

func stepLine(system string, st *Step) string {
	line := fmt.Sprintf("%s: offered %g tx/s → committed %.0f tx/s, latency p50 %s p95 %s p99 %s, rejected %d, failed %d, unsent %d, uncommitted %d",
		system, st.Offered, st.CommittedPerS, fmtMs(st.Latency.P50), fmtMs(st.Latency.P95), fmtMs(st.Latency.P99), st.Rejected, st.Failed, st.Unsent, st.Uncommitted)
	if st.Reads != nil {
		line += fmt.Sprintf("; reads %.0f/s p50 %s p99 %s (%d errors)", st.Reads.PerS, fmtMs(st.Reads.Latency.P50), fmtMs(st.Reads.Latency.P99), st.Reads.Errors)
	}
	for i, k := range st.ByKind {
		sep := ", "
		if i == 0 {
			sep = "; by kind: "
		}
		line += fmt.Sprintf("%s%s %.0f tx/s (%d failed)", sep, k.Kind, k.CommittedPerS, k.Failed)
	}
	return line
}

// ratios compares the two runs step by step.
func ratios(d, kv *SystemRun) []Ratio {
	var out []Ratio
	for i := range min(len(d.Steps), len(kv.Steps)) {
		a, b := d.Steps[i], kv.Steps[i]
		r := Ratio{Offered: a.Offered, CommittedPerS: div(a.CommittedPerS, b.CommittedPerS)}
		if comparable(a) && comparable(b) {
			r.P50 = div(a.Latency.P50, b.Latency.P50)
			r.P99 = div(a.Latency.P99, b.Latency.P99)
			r.CPUPerTx = div(cpuPerTx(a), cpuPerTx(b))
			r.DiskPerTx = div(diskPerTx(a), diskPerTx(b))
		}
		if a.Reads != nil && b.Reads != nil {
			r.ReadsPerS = div(a.Reads.PerS, b.Reads.PerS)
		}
		out = append(out, r)
	}
	return out
}

// comparable reports whether a step committed enough for its per-transaction
// figures (latency, CPU and disk per transaction) to mean something: at
// least 20 transactions and a tenth of the offered rate.
func comparable(s *Step) bool {
	return s.Committed >= 20 && s.CommittedPerS >= 0.1*s.Offered
}

func div(a, b float64) float64 {
	if b == 0 || a == 0 {
		return 0
	}
	return round(a/b, 2)
}

// cpuPerTx is the nodes' CPU time per committed transaction, in seconds.
func cpuPerTx(s *Step) float64 {
	var cpu float64
	for _, u := range s.Nodes {
		if u.CPUSeconds == nil {
			return 0
		}
		cpu += *u.CPUSeconds
	}
	if s.Committed == 0 {
		return 0
	}
	return cpu / float64(s.Committed)
}

// diskPerTx is the mean over nodes of the disk growth per committed
// transaction.
func diskPerTx(s *Step) float64 {
	var sum float64
	for _, u := range s.Nodes {
		if u.DiskPerTx == nil {
			return 0
		}
		sum += *u.DiskPerTx
	}
	if len(s.Nodes) == 0 {
		return 0
	}
	return sum / float64(len(s.Nodes))
}

func host() Host {
	h := Host{CPUs: runtime.NumCPU(), Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, LoadStart: loadAverage()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				h.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		h.Kernel = strings.TrimSpace(string(data))
	}
	return h
}
