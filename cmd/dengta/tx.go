package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
)

func nodeFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	return cli.NodeFlag(fs)
}

func runTx(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("tx", "--key FILE MODULE ACTION [BODY | @FILE | -]", errOut)
	node := nodeFlag(fs)
	keyFile := fs.String("key", "", "key file of the signer (from 'dengta keys new' or the dev home's keys/)")
	nonce := fs.Uint64("nonce", 0, "nonce to sign with; by default the node's next nonce for the key")
	noWait := fs.Bool("no-wait", false, "return once the node accepted the transaction, without waiting for the commit")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	passFile := cli.PassphraseFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 || len(pos) > 3 {
		return userError("tx needs MODULE ACTION and an optional JSON body", `dengta tx --key keys/coop-admin.json identity register_key '{"public_key":{...},"admin":false,"name":"clerk"}'`)
	}
	k, err := cli.LoadKey(*keyFile, cli.Passphrase(*passFile))
	if err != nil {
		return err
	}
	key := client.KeyFrom(k)
	var body []byte
	if len(pos) == 3 {
		if body, err = readBody(pos[2]); err != nil {
			return err
		}
	}
	c := client.New(trimURL(*node))
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return userError(err.Error(), "is the node running? start one with 'dengta dev', or set --node")
	}
	n := *nonce
	if n == 0 {
		if n, err = c.NextNonce(ctx, key.ID()); err != nil {
			return err
		}
	}
	raw, err := key.Sign(chainID, n, pos[0], pos[1], body)
	if err != nil {
		return userError(err.Error(), "module and action names are lowercase letters, digits and _")
	}
	if *noWait {
		hash, err := c.SubmitAsync(ctx, raw)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "accepted %s (nonce %d); not waiting for the commit\n", hash, n)
		return nil
	}
	rec, err := c.Submit(ctx, raw)
	if rec != nil {
		if *asJSON {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			_ = enc.Encode(rec)
		} else {
			fmt.Fprintf(out, "tx %s\ncommitted at height %d, index %d, nonce %d\nresult: %s (code %d)\n", rec.Hash, rec.Height, rec.Index, rec.Nonce, rec.CodeName, rec.Code)
			if rec.Log != "" {
				fmt.Fprintf(out, "log: %s\n", rec.Log)
			}
		}
	}
	return err
}

// readBody reads a body argument: JSON text, @file, or - for stdin.
func readBody(arg string) ([]byte, error) {
	var b []byte
	var err error
	switch {
	case arg == "-":
		b, err = io.ReadAll(os.Stdin)
	case strings.HasPrefix(arg, "@"):
		b, err = os.ReadFile(arg[1:])
	default:
		b = []byte(arg)
	}
	if err != nil {
		return nil, userError("read body: "+err.Error(), "give the body as JSON text, @file.json or - for standard input")
	}
	if !json.Valid(b) {
		return nil, userError("the body is not valid JSON", `quote it for the shell: '{"key_id":"..."}'`)
	}
	return b, nil
}
