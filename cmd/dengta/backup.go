package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/node"
)

// runBackup asks a running node for a backup (docs/operations.md).
func runBackup(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("backup", "--home DIR --out DIR", errOut)
	home := fs.String("home", "", "home of the running node")
	dir := fs.String("out", "", "new directory to write the backup into")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *home == "" || *dir == "" {
		return userError("--home and --out are required", "dengta backup --home ./net/coop --out /backups/coop-$(date +%F)")
	}
	start := time.Now()
	info, err := daemon.RequestBackup(ctx, *home, *dir)
	if err != nil {
		return userError(err.Error(), "run it as the node's user, on the node's machine, while the node runs; --out must not exist")
	}
	fmt.Fprintf(out, "backup of %s (chain %q) at height %d written to %s in %s\n  app hash   %s\n  block hash %s\n  %d state keys, %d off-chain files, keys and configuration (encrypted as at rest)\n",
		info.Moniker, info.ChainID, info.Height, *dir, time.Since(start).Round(time.Millisecond), info.AppHash, info.BlockHash, info.Keys, info.Files)
	return nil
}

// runRestore rebuilds a home from a backup.
func runRestore(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("restore", "--backup DIR --home DIR (--rpc http://HOST:PORT --rpc ... | --bundle FILE)", errOut)
	dir := fs.String("backup", "", "backup directory written by 'dengta backup'")
	home := fs.String("home", "", "new or empty home directory to restore into")
	var rpcs listFlag
	fs.Var(&rpcs, "rpc", "a consortium node's CometBFT RPC address (at least two)")
	bundle := fs.String("bundle", "", "take the RPC servers from a join bundle ('dengta bundle')")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *home == "" {
		return userError("--backup and --home are required", "dengta restore --backup /backups/coop-2026-12-06 --home ./net/coop --rpc http://10.0.0.2:26657 --rpc http://10.0.0.3:26657")
	}
	if *bundle != "" {
		data, err := os.ReadFile(*bundle)
		if err != nil {
			return userError(fmt.Sprintf("read the bundle: %v", err), "a member writes it with 'dengta bundle'")
		}
		b, err := node.ParseBundle(data)
		if err != nil {
			return userError(err.Error(), "ask a member for a new bundle ('dengta bundle')")
		}
		rpcs = append(rpcs, b.RPCServers...)
	}
	start := time.Now()
	info, err := daemon.Restore(ctx, *dir, *home, rpcs)
	if err != nil {
		return userError(err.Error(), "the consortium's nodes must be running and reachable at --rpc; restore into a new directory")
	}
	fmt.Fprintf(out, "restored %s (chain %q) at height %d into %s in %s; the node catches up by block sync from there\n  start: dengta start --home %s\n",
		info.Moniker, info.ChainID, info.Height, *home, time.Since(start).Round(time.Millisecond), *home)
	return nil
}
