// Command dengta runs a Dengta consortium blockchain node and operates it:
// a development chain with a demo consortium (dengta dev), local networks
// (dengta testnet, dengta start), keys, transactions, queries and offline
// verification of proof bundles.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
