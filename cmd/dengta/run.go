package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"syscall"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
)

// commands are the core commands, then every registered module's, then
// the offline and operator tools. A module's command that takes a core
// command's name panics: it is a mistake in the registration list.
func commands(reg *plug.Registry) []cli.Command {
	core := []cli.Command{
		{Name: "dev", Summary: "run a one-validator development chain with a demo consortium", Run: withRegistry(reg, runDev)},
		{Name: "start", Summary: "run one member's node from its home directory", Run: withRegistry(reg, runStart)},
		{Name: "testnet", Summary: "write the homes of a local multi-validator network", Run: withRegistry(reg, runTestnet)},
		{Name: "bundle", Summary: "write a join bundle for a new node from member homes", Run: runBundle},
		{Name: "join", Summary: "write a new node's home from a join bundle; it catches up by state sync", Run: runJoin},
		{Name: "apply", Summary: "apply to join a consortium from outside: proof of possession, submit, status and join bundle", Run: runApply},
		{Name: "backup", Summary: "write a consistent backup of a running node", Run: runBackup},
		{Name: "restore", Summary: "rebuild a node's home from a backup; it catches up by block sync", Run: runRestore},
		{Name: "prune", Summary: "keep only a stopped node's last state versions and free the disk the older ones used", Run: runPrune},
		{Name: "keys", Summary: "create and show signing keys (sm2 or ed25519); encrypt plain key files; change passphrases", Run: runKeys},
		{Name: "tx", Summary: "sign a transaction, submit it and wait for the commit", Run: runTx},
		{Name: "query", Summary: "read status, organisations, keys, validators, proposals, transactions, blocks and state", Run: runQuery},
		{Name: "gov", Summary: "governance: validator possession proofs, previews, proposals and votes", Run: runGov},
		{Name: "hall", Summary: "manage the service hall's users (add-user)", Run: runHall},
	}
	tools := []cli.Command{
		{Name: "verify", Summary: "check a proof bundle or evidence certificate offline", Run: runVerify},
		{Name: "chaos", Summary: "run validator processes on loopback under load and inject process faults; check agreement and committed transactions", Run: withRegistry(reg, runChaos)},
		{Name: "bench", Summary: "benchmark a local network of 1 or 4 validators, beside CometBFT's kvstore", Run: withRegistry(reg, runBench)},
		{Name: "version", Summary: "print the version", Run: runVersion},
	}
	out := slices.Clone(core)
	for _, c := range reg.Commands() {
		if slices.ContainsFunc(append(core, tools...), func(k cli.Command) bool { return k.Name == c.Name }) {
			panic(fmt.Sprintf("dengta: a module's command %q takes a core command's name", c.Name))
		}
		out = append(out, c)
	}
	return append(out, tools...)
}

// withRegistry passes the registry to a command that needs the modules.
func withRegistry(reg *plug.Registry, run func(context.Context, *plug.Registry, []string, io.Writer, io.Writer) error) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(ctx context.Context, args []string, out, errOut io.Writer) error {
		return run(ctx, reg, args, out, errOut)
	}
}

// Run runs the dengta command line with args (without the program name),
// with the registered modules.
func Run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return RunWith(ctx, modules.Registry(), args, out, errOut)
}

// RunWith runs the command line with the modules of reg.
func RunWith(ctx context.Context, reg *plug.Registry, args []string, out, errOut io.Writer) error {
	cmds := commands(reg)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out, cmds)
		return nil
	}
	for _, c := range cmds {
		if c.Name == args[0] {
			return c.Run(ctx, args[1:], out, errOut)
		}
	}
	return userError(fmt.Sprintf("unknown command %q", args[0]), "run 'dengta help' for the list of commands")
}

func usage(w io.Writer, cmds []cli.Command) {
	fmt.Fprintln(w, "dengta — 灯塔 consortium blockchain node\n\nUsage: dengta <command> [flags]\n\nCommands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-8s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nStart here: 'dengta dev' runs a development chain with a demo consortium.")
	fmt.Fprintln(w, "Run 'dengta <command> -h' for a command's flags.")
}

// UserError is an error shown to the person at the terminal: what went
// wrong, and what to try.
type UserError = cli.UserError

func userError(msg, hint string) error { return cli.Fail(msg, hint) }

// exitCode prints err for people and returns the process exit code.
func exitCode(err error, w io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *UserError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "Error: %s\n", ue.Msg)
		if ue.Hint != "" {
			fmt.Fprintf(w, "Try: %s\n", ue.Hint)
		}
		if ue.Code != 0 {
			return ue.Code
		}
		return 1
	}
	var he *daemon.HaltError
	if errors.As(err, &he) {
		fmt.Fprintf(w, "Error: the node stopped on its own (%s): %v\n", he.Reason, he.Err)
		if he.Hint != "" {
			fmt.Fprintf(w, "Try: %s\n", he.Hint)
		}
		return haltExitCode(he)
	}
	var ce *client.Error
	if errors.As(err, &ce) {
		fmt.Fprintf(w, "Error: %s (%s, code %d)\n", ce.Message, ce.Name, ce.Code)
		h := hintFor(ce.Name)
		if h == "" {
			h = ce.Hint // the node's: what the code means and what to do
		}
		if h != "" {
			fmt.Fprintf(w, "Try: %s\n", h)
		}
		return 1
	}
	fmt.Fprintf(w, "Error: %v\n", err)
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintln(w, "Try: another program listens on one of the node's ports, often a node already running (a 'dengta dev' in another terminal): stop it, or give this node other ports (dengta dev --gateway-port/--rpc-port/--p2p-port; for a home, gateway_addr in config/dengta.json and the laddr entries of config/config.toml)")
	}
	return 1
}

// hintFor suggests what to do about a node error.
func hintFor(name string) string {
	switch name {
	case "unknown_signer":
		return "register the key first: an org admin runs 'dengta tx identity register_key'"
	case "nonce_replayed", "nonce_gap":
		return "another transaction of the same key took that nonce; run the command again (without --nonce, dengta asks the node for the next one)"
	case "unauthorized":
		return "a transaction: 'dengta query actions' lists which roles may take each action; a read: the record is for its parties and for those who oversee them (regulators, auditors), so sign with --key of one of them"
	case "wrong_chain":
		return "check --node: it points at a node of another chain"
	case "key_inactive":
		return "use an active key of the organisation ('dengta query keys ORG')"
	case "mempool_full", "unavailable", "timeout":
		return "wait a moment and run the command again"
	}
	return ""
}

func newFlags(name, usageLine string, errOut io.Writer) *flag.FlagSet {
	return cli.NewFlags(name, usageLine, errOut)
}

func parse(fs *flag.FlagSet, args []string) ([]string, error) { return cli.Parse(fs, args) }

func trimURL(s string) string { return strings.TrimRight(s, "/") }

// Exit statuses of 'dengta start' besides 0 (stopped by a signal) and 1
// (an error at start or in a command). A supervisor restarts the node on
// ExitHalted once the cause is fixed (docs/operations.md).
const (
	// ExitHalted: the node stopped on its own (consensus halted on a
	// storage error, the disk almost full).
	ExitHalted = 3
	// ExitUpgrade: the chain reached an upgrade height and this software
	// does not run the new version; install the release the message names
	// (ADR 0019). Restarting the same binary stops again.
	ExitUpgrade = 4
)

func haltExitCode(h *daemon.HaltError) int {
	if h.Reason == daemon.ReasonUpgrade {
		return ExitUpgrade
	}
	return ExitHalted
}
