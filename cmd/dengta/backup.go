package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/state"
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
		hint := "name two running members' nodes other than the lost one with --rpc (their CometBFT RPC addresses)"
		switch msg := err.Error(); {
		case strings.Contains(msg, "is not empty"):
			hint = "restore into a new or empty directory with --home"
		case strings.Contains(msg, "read backup"):
			hint = "check --backup: the directory 'dengta backup' wrote, with its backup.json"
		}
		return userError(err.Error(), hint)
	}
	fmt.Fprintf(out, "restored %s (chain %q) at height %d into %s in %s; the node catches up by block sync from there\n  start: dengta start --home %s\n",
		info.Moniker, info.ChainID, info.Height, *home, time.Since(start).Round(time.Millisecond), *home)
	return nil
}

// runPrune keeps only the last versions of a stopped node's state
// (state.Store.Prune; docs/operations.md).
func runPrune(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("prune", "--home DIR --keep N", errOut)
	home := fs.String("home", "", "home of the stopped node")
	keep := fs.Int64("keep", 0, fmt.Sprintf("recent state versions (heights) to keep, at least %d", state.MinKeep))
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *home == "" || *keep == 0 {
		return userError("--home and --keep are required", "dengta prune --home ./net/coop --keep 1000")
	}
	if *keep < state.MinKeep {
		return userError(fmt.Sprintf("--keep %d is too few: the node keeps at least %d versions", *keep, state.MinKeep), "dengta prune --home ./net/coop --keep 1000")
	}
	dir := node.StateDir(*home)
	if _, err := os.Stat(dir); err != nil {
		return userError(fmt.Sprintf("no node state in %s: %v", *home, err), "--home is a node's home: the directory 'dengta testnet', 'dengta join' or 'dengta restore' wrote, or ~/.dengta/dev")
	}
	start := time.Now()
	st, err := state.Open(dir)
	if err != nil {
		return userError(fmt.Sprintf("open the node's state: %v", err), "stop the node first (pruning is offline maintenance), then run this again")
	}
	defer st.Close()
	if st.Version() == 0 {
		return userError("the node has not committed a block yet: nothing to prune", "")
	}
	res, err := st.Prune(*keep)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	fmt.Fprintf(out, "pruned %s in %s: heights %d to %d are kept (%d older ones pruned now)\n  trie nodes kept %d, deleted %d (%.1f MiB)\n  state tables %.1f MiB before, %.1f MiB after (compacted; the write-ahead log comes on top)\n  proofs and queries at heights below %d must now go to an archive node\n",
		*home, time.Since(start).Round(time.Millisecond), res.KeptFrom, res.Head, res.VersionsPruned,
		res.NodesKept, res.NodesDeleted, float64(res.BytesDeleted)/(1<<20), float64(res.TablesBefore)/(1<<20), float64(res.TablesAfter)/(1<<20), res.KeptFrom)
	return nil
}
