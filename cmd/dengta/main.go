// Command dengta runs a Dengta consortium blockchain node and operates it:
// a development chain with a demo consortium (dengta dev), local networks
// (dengta testnet, dengta start), keys, transactions, queries and offline
// verification of proof bundles.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target when GOGC is not set: a
// node's live heap is small next to what a block allocates, and 200 took
// about 7 % off the CPU of a committed deposit against the default 100
// (docs/benchmarks.md, ADR 0018), for a peak heap at most twice as large.
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
