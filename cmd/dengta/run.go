package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dengta-chain/dengta/client"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

func commands() []command {
	return []command{
		{"dev", "run a one-validator development chain with a demo consortium", runDev},
		{"start", "run one member's node from its home directory", runStart},
		{"testnet", "write the homes of a local multi-validator network", runTestnet},
		{"keys", "create and show signing keys (sm2 or ed25519)", runKeys},
		{"tx", "sign a transaction, submit it and wait for the commit", runTx},
		{"query", "read status, organisations, keys, validators, proposals, transactions, blocks and state", runQuery},
		{"hall", "manage the service hall's users (add-user)", runHall},
		{"notary", "preserve evidence (存证), register copyright, get certificates", runNotary},
		{"trace", "product traceability: EPCIS import, QR labels, journeys", runTrace},
		{"verify", "check a proof bundle or evidence certificate offline", runVerify},
		{"bench", "benchmark a local network of 1 or 4 validators, beside CometBFT's kvstore", runBench},
		{"version", "print the version", runVersion},
	}
}

// Run runs the dengta command line with args (without the program name).
func Run(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], out, errOut)
		}
	}
	return userError(fmt.Sprintf("unknown command %q", args[0]), "run 'dengta help' for the list of commands")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "dengta — 灯塔 consortium blockchain node\n\nUsage: dengta <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nStart here: 'dengta dev' runs a development chain with a demo consortium.")
	fmt.Fprintln(w, "Run 'dengta <command> -h' for a command's flags.")
}

// UserError is an error shown to the person at the terminal: what went
// wrong, and what to try.
type UserError struct {
	Msg  string
	Hint string
	Code int // exit code; 1 if zero
}

func (e *UserError) Error() string { return e.Msg }

func userError(msg, hint string) error { return &UserError{Msg: msg, Hint: hint} }

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
	var ce *client.Error
	if errors.As(err, &ce) {
		fmt.Fprintf(w, "Error: %s (%s, code %d)\n", ce.Message, ce.Name, ce.Code)
		if h := hintFor(ce.Name); h != "" {
			fmt.Fprintf(w, "Try: %s\n", h)
		}
		return 1
	}
	fmt.Fprintf(w, "Error: %v\n", err)
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
		return "'dengta query actions' lists which roles may take each action"
	case "wrong_chain":
		return "check --node: it points at a node of another chain"
	case "key_inactive":
		return "use an active key of the organisation ('dengta query keys ORG')"
	case "mempool_full", "unavailable", "timeout":
		return "wait a moment and run the command again"
	}
	return ""
}

// newFlags returns a flag set that reports errors as UserErrors.
func newFlags(name, usageLine string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintf(errOut, "Usage: dengta %s %s\n\nFlags:\n", name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags anywhere among the arguments (flags may follow
// positional arguments) and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, userError(err.Error(), "run 'dengta "+fs.Name()+" -h' for the flags")
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func trimURL(s string) string { return strings.TrimRight(s, "/") }
