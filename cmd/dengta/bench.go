package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/bench"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/tx"
)

func runBench(ctx context.Context, reg *plug.Registry, args []string, out, errOut io.Writer) error {
	defs := reg.Workloads()
	var names []string
	for _, d := range workload.Workloads(defs) {
		names = append(names, d.Name)
	}
	fs := newFlags("bench", "[--workload "+strings.Join(names, "|")+"] [--validators N] [--rates R,R,...] [--step D] [--baseline [--repeat N]] [--out DIR]", errOut)
	workloadName := fs.String("workload", "w1", "workload: "+strings.Join(workload.Names(defs), "; "))
	validators := fs.Int("validators", 1, "validators of the local network, one organisation each")
	rates := fs.String("rates", "", "offered rates in transactions per second, one step each (default: the workload's sweep)")
	step := fs.Duration("step", 15*time.Second, "length of each step's window")
	drain := fs.Duration("drain", 10*time.Second, "how long to wait after a window for accepted transactions to commit")
	signers := fs.Int("signers", 64, "signer keys registered for the workload (independent nonce lanes, spread over the nodes)")
	batchSize := fs.Int("batch-size", 10000, "items per batch (w1b)")
	readers := fs.Int("readers", 0, "reading goroutines, for workloads that read (default: the workload's, 16 for w4 and 4 for mix)")
	seed := fs.Int("seed", 0, "records made before the first step for the readers to read (default: the workload's, 2000 for w4; none for mix: its readers start with the first step's writes)")
	broadcast := fs.String("broadcast", "sync", "how transactions are sent: sync (CometBFT RPC broadcast_tx_sync, counts CheckTx rejections), async, or batch (the gateway's POST /v1/txs/batch, lanes gathering 50 ms or 1,000 transactions; kvstore gets sync)")
	poll := fs.Duration("poll", 20*time.Millisecond, "block poll interval (latency resolution)")
	baseline := fs.Bool("baseline", false, "also run CometBFT "+bench.CometBFTVersion+"'s kvstore on the same topology and settings, and report dengta/kvstore")
	repeat := fs.Int("repeat", 1, "with --baseline: run the pair (dengta, then kvstore, each on fresh homes) this many times and report the median of the pairs' ratios (1 to 20)")
	baselineApp := fs.String("baseline-app", "kvstore", "baseline proxy_app: kvstore (in memory) or persistent_kvstore")
	cometbft := fs.String("cometbft", "", "cometbft "+bench.CometBFTVersion+" binary (default: go install it once into the user cache)")
	attach := fs.String("attach", "", "benchmark the running network whose homes and keys are in this directory instead of starting one")
	outDir := fs.String("out", "", "write bench.json (full results), bench.md (tables) and logs/ (the nodes' logs) into this directory")
	dir := fs.String("dir", "", "where to create the work directory of homes and logs (default: the system temp directory)")
	keep := fs.Bool("keep", false, "keep the work directory (always kept when the run fails)")
	quiet := fs.Bool("quiet", false, "no progress bar or messages on stderr")
	profile := fs.Bool("profile", false, "save a CPU profile of the first node over the middle half of each step into --out/profiles (enables CometBFT's pprof server on the nodes)")
	logLevel := fs.String("log-level", "info", "the dengta nodes' log level (their logs go to the work directory)")
	var sets settingFlags
	fs.Var(&sets, "set", "set a config.toml key on every node of both systems, over the tuned defaults: section.key=value (repeatable; e.g. consensus.timeout_commit=1s, mempool.size=5000, mempool.recheck=false, tx_index.indexer=kv)")
	keyAlgo := fs.String("key-algo", "ed25519", "the signer keys' algorithm: ed25519, or sm2 (SM2 with SM3, GB/T 32918)")
	blockBytes := fs.Int64("block-max-bytes", 0, "genesis block size limit in bytes for both systems (default: the node default, 8 MiB)")
	checkpoint := fs.Int64("state-checkpoint", 0, "Dengta nodes write their state every N blocks (state_checkpoint_interval, ADR 0027; default: every block)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return userError(fmt.Sprintf("unexpected argument %q", pos[0]), "dengta bench --workload w1 --validators 4 --baseline --out results/")
	}
	var rs []float64
	if *rates != "" {
		for _, f := range strings.Split(*rates, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return userError(fmt.Sprintf("--rates: %q is not a number", f), "--rates 1000,2000,4000,8000")
			}
			rs = append(rs, v)
		}
	}
	algo, err := tx.ParseAlgo(*keyAlgo)
	if err != nil {
		return userError(fmt.Sprintf("--key-algo: %v", err), "--key-algo sm2")
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the dengta binary: %w", err)
	}
	opts := bench.Options{
		Workloads: defs, Consortium: reg,
		Workload: *workloadName, Validators: *validators, Rates: rs, Step: *step, Drain: *drain,
		Params:  workload.Params{Signers: *signers, BatchSize: *batchSize, Seed: *seed, KeyAlgo: algo},
		Readers: *readers, Broadcast: *broadcast, Poll: *poll,
		Baseline: *baseline, BaselineApp: *baselineApp, CometBFT: *cometbft, Repeat: *repeat,
		Attach: *attach, Binary: bin, Dir: *dir, Keep: *keep, LogLevel: *logLevel,
		Config: sets.values, BlockMaxBytes: *blockBytes, StateCheckpoint: *checkpoint,
	}
	if *outDir != "" {
		opts.LogsTo = filepath.Join(*outDir, "logs")
	}
	if *profile {
		if *outDir == "" {
			return userError("--profile needs --out", "dengta bench --profile --out results/")
		}
		opts.ProfileTo = filepath.Join(*outDir, "profiles")
	}
	if err := opts.Check(); err != nil {
		return userError(err.Error(), "run 'dengta bench -h' for the flags")
	}
	if *attach == "" && strings.HasSuffix(bin, ".test") {
		// The nodes re-execute this binary as `dengta start`: a test
		// binary would run its tests instead, each starting more.
		return userError("dengta bench re-executes its own binary as the nodes, and this is a test binary", "build dengta and run it ('go build ./cmd/dengta')")
	}
	if !*quiet {
		opts.Log = errOut
		if f, ok := errOut.(*os.File); ok && bench.IsTerminal(f) {
			opts.Progress = errOut
		}
	}
	rep, runErr := bench.Run(ctx, opts)
	if rep != nil && len(rep.Runs) > 0 {
		if *outDir != "" {
			if err := bench.WriteFiles(*outDir, rep); err != nil {
				return fmt.Errorf("write results: %w", err)
			}
		}
		if runErr == nil {
			if err := bench.WriteMarkdown(out, rep); err != nil {
				return err
			}
			if *outDir != "" {
				fmt.Fprintf(out, "\nresults: %s/bench.json, %s/bench.md\n", *outDir, *outDir)
			}
			if rep.WorkDir != "" {
				fmt.Fprintf(out, "homes and logs: %s\n", rep.WorkDir)
			}
		}
	}
	return runErr
}

// settingFlags collects repeated --set section.key=value flags.
type settingFlags struct{ values map[string]string }

func (s *settingFlags) String() string {
	var out []string
	for k, v := range s.values {
		out = append(out, k+"="+v)
	}
	return strings.Join(out, ",")
}

func (s *settingFlags) Set(arg string) error {
	k, v, ok := strings.Cut(arg, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q: want section.key=value, e.g. consensus.timeout_commit=1s", arg)
	}
	if s.values == nil {
		s.values = make(map[string]string)
	}
	s.values[strings.TrimSpace(k)] = strings.TrimSpace(v)
	return nil
}
