// Package cli is what the dengta command line is made of: subcommands,
// flags that may follow positional arguments, errors for the person at the
// terminal (what went wrong, then what to try), and the helpers every
// subcommand that talks to a node shares. cmd/dengta runs the core
// commands and every module's; modules import this package, never
// cmd/dengta.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/tx"
)

// Command is one subcommand of dengta.
type Command struct {
	Name    string
	Summary string // one line for 'dengta help'
	Run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

// Sub is a subcommand of a command ("dengta notary deposit").
type Sub struct {
	Name string
	Run  func(ctx context.Context, args []string, out, errOut io.Writer) error
}

// Dispatch runs the subcommand named by args[0]; usage is printed for -h.
func Dispatch(ctx context.Context, cmd, usage string, subs []Sub, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return Errorf(fmt.Sprintf("'dengta %s -h' lists them", cmd), "%s needs a subcommand", cmd)
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(errOut, "Usage: dengta %s %s\n", cmd, usage)
		return nil
	}
	for _, s := range subs {
		if s.Name == args[0] {
			return s.Run(ctx, args[1:], out, errOut)
		}
	}
	return Errorf(fmt.Sprintf("'dengta %s -h' lists them", cmd), "unknown %s subcommand %q", cmd, args[0])
}

// UserError is an error shown to the person at the terminal: what went
// wrong, and what to try.
type UserError struct {
	Msg  string
	Hint string
	Code int // exit code; 1 if zero
}

func (e *UserError) Error() string { return e.Msg }

// Fail returns a UserError with a hint.
func Fail(msg, hint string) error { return &UserError{Msg: msg, Hint: hint} }

// Errorf returns a UserError with a formatted message and a hint.
func Errorf(hint, format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// NewFlags returns a flag set that reports errors as UserErrors.
func NewFlags(name, usageLine string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintf(errOut, "Usage: dengta %s %s\n\nFlags:\n", name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses flags anywhere among the arguments (flags may follow
// positional arguments) and returns the positional ones.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, Fail(err.Error(), "run 'dengta "+fs.Name()+" -h' for the flags")
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// DefaultNode is the dev chain's gateway.
const DefaultNode = "http://127.0.0.1:8480"

// PageFlags adds a list command's --q, --after and --limit: what names
// the records ("bills"), matches says what --q looks in, and max and def
// are the node's largest and default page sizes. PrintNext prints the
// cursor --after takes.
func PageFlags(fs *flag.FlagSet, what, matches string, max, def int, q, after *string, limit *int) {
	fs.StringVar(q, "q", "", "only "+what+" whose "+matches+" contains this text")
	fs.StringVar(after, "after", "", "the page after this cursor (printed after a full page)")
	fs.IntVar(limit, "limit", 0, fmt.Sprintf("at most this many %s (1-%d, default %d)", what, max, def))
}

// PrintNext ends a page of a list command: the --after of the next page,
// when there is one.
func PrintNext(out io.Writer, next string) {
	if next != "" {
		fmt.Fprintf(out, "more: --after %s\n", next)
	}
}

// NodeFlag adds --node, defaulting to $DENGTA_NODE or the dev chain's
// gateway.
func NodeFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	def := os.Getenv("DENGTA_NODE")
	if def == "" {
		def = DefaultNode
	}
	return fs.String("node", def, "gateway URL of the node (or set DENGTA_NODE)")
}

// Client returns an SDK client of the node at the --node URL.
func Client(node string) *client.Client { return client.New(strings.TrimRight(node, "/")) }

// Signer reads --key and connects to --node; the client signs its
// requests with the key, so reads answer as the key's organisation. An
// encrypted key file is opened with the passphrase from
// $DENGTA_PASSPHRASE_FILE, $DENGTA_PASSPHRASE or the terminal
// (Passphrase); a dev key needs none.
func Signer(node, keyFile string) (*client.Client, *client.Key, error) {
	return SignerWith(node, keyFile, Passphrase(keyPassFile))
}

// keyPassFile is the --passphrase-file of the command running, as
// KeyFlag registers it (one command runs at a time: each registration
// resets it).
var keyPassFile string

// KeyFlag adds --key with usage to fs, and --passphrase-file unless fs
// has it: the passphrase of an encrypted key file, which Signer and
// KeyPassphrase use.
func KeyFlag(fs *flag.FlagSet, usage string) *string {
	k := fs.String("key", "", usage)
	if fs.Lookup("passphrase-file") == nil {
		fs.StringVar(&keyPassFile, "passphrase-file", "", "file holding the passphrase of an encrypted --key file (else $"+keyfile.EnvPassphraseFile+", $"+keyfile.EnvPassphrase+" or the terminal)")
	}
	return k
}

// KeyPassphrase is the passphrase source of a command's --key file:
// KeyFlag's --passphrase-file, then the environment and the terminal.
func KeyPassphrase() *keyfile.Sources { return Passphrase(keyPassFile) }

// SignerWith is Signer with the passphrase from src.
func SignerWith(node, keyFile string, src keyfile.Source) (*client.Client, *client.Key, error) {
	key, err := LoadKey(keyFile, src)
	if err != nil {
		return nil, nil, err
	}
	k := client.KeyFrom(key)
	return Client(node).As(k), k, nil
}

// LoadKey reads the --key file, with the passphrase from src, and
// explains failures for people.
func LoadKey(keyFile string, src keyfile.Source) (*tx.PrivateKey, error) {
	if keyFile == "" {
		return nil, Fail("--key is required", "pass the signer's key file, e.g. --key ~/.dengta/dev/keys/coop-admin.json")
	}
	k, _, err := tx.OpenKeyFile(keyFile, src)
	if err != nil {
		return nil, KeyError(err, "check the --key path")
	}
	return k, nil
}

// KeyError explains a key file error: a missing or wrong passphrase gets
// the ways to give one, anything else hint.
func KeyError(err error, hint string) error {
	switch {
	case errors.Is(err, keyfile.ErrNoPassphrase):
		return Fail(err.Error(), keyfile.Hint)
	case errors.Is(err, keyfile.ErrWrongPassphrase):
		return Fail(err.Error(), "check the passphrase: the one the file was encrypted with (from --passphrase-file, $"+keyfile.EnvPassphraseFile+", $"+keyfile.EnvPassphrase+" or the terminal, in that order)")
	case errors.Is(err, keyfile.ErrCorrupt):
		return Fail(err.Error(), "restore the key file from a backup")
	}
	return Fail(err.Error(), hint)
}

// Passphrase returns the passphrase sources of a command, in order: the
// file given with --passphrase-file (file, "" if none),
// $DENGTA_PASSPHRASE_FILE, $DENGTA_PASSPHRASE, then the terminal when
// there is one. The first passphrase found is used for every key the
// command opens.
func Passphrase(file string) *keyfile.Sources {
	s := &keyfile.Sources{File: file}
	if p := keyfile.Terminal(); p != nil {
		s.Prompt = p
	}
	return s
}

// NewPassphrase is Passphrase for a passphrase that encrypts new files:
// $DENGTA_NEW_PASSPHRASE_FILE and $DENGTA_NEW_PASSPHRASE, and the
// terminal asks twice.
func NewPassphrase(file string) *keyfile.Sources {
	s := Passphrase(file)
	s.New = true
	return s
}

// PassphraseFlag adds --passphrase-file to fs.
func PassphraseFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	return fs.String("passphrase-file", "", "file holding the passphrase of encrypted key files (else $"+keyfile.EnvPassphraseFile+", $"+keyfile.EnvPassphrase+" or the terminal)")
}

// PrintJSON writes v as indented JSON, without escaping HTML characters.
func PrintJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Multi is a repeatable string flag.
type Multi []string

func (m *Multi) String() string     { return strings.Join(*m, ",") }
func (m *Multi) Set(v string) error { *m = append(*m, v); return nil }

// OneArg returns the single positional argument, or a UserError with
// the example.
func OneArg(pos []string, what, example string) (string, error) {
	if len(pos) != 1 {
		return "", Errorf(example, "give one %s", what)
	}
	return pos[0], nil
}

// Send signs an action of module with the --key file, submits it to the
// --node, waits for the commit and prints where it landed and its result.
func Send(ctx context.Context, out io.Writer, node, keyFile, module, action string, body any) error {
	c, key, err := Signer(node, keyFile)
	if err != nil {
		return err
	}
	rec, err := c.Do(ctx, key, module, action, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s/%s committed at height %d (tx %s)\n", module, action, rec.Height, rec.Hash)
	if len(rec.Result) > 0 {
		var b bytes.Buffer
		if json.Indent(&b, rec.Result, "", "  ") != nil {
			b.Reset()
			b.Write(rec.Result)
		}
		fmt.Fprintf(out, "%s\n", b.Bytes())
	}
	return nil
}

// OrgOf finds the organisation of a key from the chain's key record.
func OrgOf(ctx context.Context, c *client.Client, key *client.Key) (string, error) {
	var k struct {
		Org string `json:"org"`
	}
	if err := c.Get(ctx, "/v1/keys/"+key.ID(), &k); err != nil {
		return "", err
	}
	if k.Org == "" {
		return "", Fail("the key's organisation is unknown", "give --org")
	}
	return k.Org, nil
}

// DoSub is a module's "do" subcommand: any action of module, its body
// given as JSON or @FILE (actions names a few for the help, example is
// a whole command line).
func DoSub(module, actions, example string) Sub {
	return Sub{Name: "do", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
		fs := NewFlags(module+" do", "--key K --action NAME --body JSON|@FILE", errOut)
		node := NodeFlag(fs)
		keyFile := fs.String("key", "", "key file of the signer")
		action := fs.String("action", "", "the "+module+" action ("+actions+")")
		body := fs.String("body", "", "the action's JSON body, or @FILE")
		if _, err := Parse(fs, args); err != nil {
			return err
		}
		raw := []byte(*body)
		if name, ok := strings.CutPrefix(*body, "@"); ok {
			b, err := os.ReadFile(name)
			if err != nil {
				return Fail(fmt.Sprintf("read the body: %v", err), "give --body @FILE with a readable JSON file")
			}
			raw = b
		}
		if *action == "" || !json.Valid(raw) {
			return Fail("give --action and a JSON --body", example)
		}
		return Send(ctx, out, *node, *keyFile, module, *action, json.RawMessage(raw))
	}}
}
