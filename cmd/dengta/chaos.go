package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/chaos"
	"github.com/dengta-chain/dengta/internal/plug"
)

// runChaos runs the chaos harness (internal/chaos) with this binary as
// the nodes' (docs/reliability.md).
func runChaos(ctx context.Context, reg *plug.Registry, args []string, out, errOut io.Writer) error {
	fs := newFlags("chaos", "[--faults N] [--duration D] [--seed S] [--interval D] [--kinds k,k,...] [--json FILE] [--dir DIR]", errOut)
	validators := fs.Int("validators", 4, "validator processes on loopback (4 to 10)")
	faults := fs.Int("faults", 0, "stop after this many faults (0: only --duration)")
	duration := fs.Duration("duration", 0, "stop starting faults after this long (0: only --faults)")
	interval := fs.Duration("interval", time.Second, "calm time between one fault's checks and the next fault (each wait is 0.5 to 1.5 times this)")
	seed := fs.Uint64("seed", 1, "seed of the fault schedule (kinds, nodes, durations, WAL bytes cut)")
	kinds := fs.String("kinds", strings.Join(chaos.Kinds, ","), "fault kinds to draw from")
	senders := fs.Int("senders", 0, "steady load senders, one organisation's key each (default: one per validator)")
	snapshots := fs.Int64("snapshot-interval", 100, "the nodes' state-sync snapshot interval in blocks")
	jsonOut := fs.String("json", "", "write the report as JSON to this file (rewritten after every fault)")
	dir := fs.String("dir", "", "where to create the work directory of homes, logs and backups (default: the system temp directory)")
	keep := fs.Bool("keep", false, "keep the work directory (always kept when the run fails)")
	logLevel := fs.String("log-level", "info", "the nodes' log level (their logs go to the work directory's logs/)")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *faults <= 0 && *duration <= 0 {
		return userError("set --faults or --duration", "dengta chaos --duration 3m --seed 7")
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("chaos: this binary's path: %w", err)
	}
	work, err := os.MkdirTemp(*dir, "dengta-chaos-")
	if err != nil {
		return userError(fmt.Sprintf("cannot create the work directory: %v", err), "give --dir a writable directory")
	}
	var log io.Writer = errOut
	if *quiet {
		log = io.Discard
	}
	fmt.Fprintf(log, "chaos: work directory %s\n", work)
	rep, err := chaos.Run(ctx, chaos.Options{
		Bin: bin, Dir: work, Validators: *validators, Faults: *faults, Duration: *duration, Interval: *interval,
		Seed: *seed, Kinds: splitList(*kinds), Senders: *senders, SnapshotInterval: *snapshots, LogLevel: *logLevel,
		Consortium: reg, JSON: *jsonOut, Command: "dengta chaos " + strings.Join(args, " "), Log: log,
	})
	if rep != nil {
		rep.WriteText(out)
	}
	failed := err != nil || rep == nil || !rep.OK()
	if failed || *keep {
		fmt.Fprintf(errOut, "chaos: the homes and the nodes' logs are kept in %s\n", work)
	} else {
		_ = os.RemoveAll(work)
	}
	if err != nil {
		return fmt.Errorf("chaos: %w", err)
	}
	if !rep.OK() {
		return &UserError{Msg: "the chaos run found divergences, lost committed transactions, crashes or a network that did not recover", Hint: "read the nodes' logs in " + work + "/logs and run again with the same --seed", Code: 2}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
