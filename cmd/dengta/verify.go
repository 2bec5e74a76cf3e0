package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/proof"
)

func runVerify(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("verify", "BUNDLE|--bundle BUNDLE --trust GENESIS|SETHASH [--file EVIDENCE] [--json]", errOut)
	trustArg := fs.String("trust", "", "what you trust: the chain's genesis.json, or a validator-set hash (64 hex digits, from 'dengta query validators')")
	bundleArg := fs.String("bundle", "", "the proof bundle or evidence certificate to check (instead of the BUNDLE argument)")
	fileArg := fs.String("file", "", "also check that this file is the one the certificate certifies (its SHA-256 and SM3 digests)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"bundle", "file"} {
		if set[name] && fs.Lookup(name).Value.String() == "" {
			return userError("--"+name+" needs a file path", "dengta verify --bundle cert.json --trust genesis.json --file evidence.pdf")
		}
	}
	var bundlePath string
	switch {
	case *bundleArg != "" && len(pos) > 0:
		return userError("give the bundle once: as an argument or with --bundle, not both", "dengta verify --bundle cert.json --trust genesis.json")
	case *bundleArg != "":
		bundlePath = *bundleArg
	case len(pos) == 1:
		bundlePath = pos[0]
	default:
		return userError("verify takes one bundle file", "dengta verify bundle.json --trust genesis.json [--file evidence.pdf]")
	}
	if *trustArg == "" {
		return userError("--trust is required: a bundle proves nothing without a trusted validator set", "--trust path/to/genesis.json, or --trust <hash from 'dengta query validators'>")
	}
	trust, err := proof.ParseTrust(*trustArg)
	if err != nil {
		return userError(err.Error(), "--trust takes a genesis file or a 64-hex-digit validator-set hash")
	}
	raw, err := os.ReadFile(bundlePath)
	if err != nil {
		return userError("read bundle: "+err.Error(), "check the bundle path")
	}
	var report *proof.Report
	var verr error
	if *fileArg != "" {
		f, err := os.Open(*fileArg)
		if err != nil {
			return userError("open file: "+err.Error(), "check the --file path")
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return userError("--file "+*fileArg+" is a directory", "--file takes the evidence file itself")
		}
		report, verr = proof.VerifyFile(raw, trust, f)
	} else {
		report, verr = proof.Verify(raw, trust)
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(report)
	} else {
		for _, c := range report.Checks {
			mark := "✓"
			if !c.OK {
				mark = "✗"
			}
			fmt.Fprintf(out, "%s %-22s %s\n", mark, c.Name, c.Detail)
		}
		if verr == nil {
			printVerified(out, report, *fileArg)
		}
	}
	if verr != nil {
		hint := "the bundle, or what you trust, does not match; get a fresh bundle from a node, or check --trust"
		if strings.HasPrefix(verr.Error(), "file: ") {
			hint = "the certificate itself is genuine, but it does not certify this file: check that you gave the right file, unchanged"
		}
		return &UserError{Msg: "verification FAILED: " + verr.Error(), Hint: hint}
	}
	return nil
}

// printVerified says in one sentence what a verified report proves.
func printVerified(out io.Writer, r *proof.Report, file string) {
	where := fmt.Sprintf("at height %d of chain %s", r.Height, r.ChainID)
	switch {
	case !r.Exists:
		fmt.Fprintf(out, "\nVERIFIED: %q is absent from the state %s\n", r.Key, where)
	case r.Batch != nil:
		item, _ := json.MarshalIndent(r.Batch.Item, "", "  ")
		if file != "" {
			fmt.Fprintf(out, "\nVERIFIED: %s is the file certified as the item at index %d of the %d in batch %q (merkle root %s), held %s.\n", file, r.Batch.Index, r.Batch.Size, r.Key, r.Batch.Root, where)
		} else {
			fmt.Fprintf(out, "\nVERIFIED: the item at index %d is one of the %d in batch %q (merkle root %s), held %s.\n", r.Batch.Index, r.Batch.Size, r.Key, r.Batch.Root, where)
		}
		fmt.Fprintf(out, "Item:\n%s\nBatch record:\n%s\n", item, r.Value)
		if file == "" {
			fmt.Fprintln(out, "(add --file to check the file itself against the item's digests)")
		}
	case file != "":
		fmt.Fprintf(out, "\nVERIFIED: %s is the file certified by %q %s:\n%s\n", file, r.Key, where, r.Value)
	default:
		fmt.Fprintf(out, "\nVERIFIED: %q holds this value %s:\n%s\n", r.Key, where, printable(r.Value))
	}
}

// printable is a value as text when it is a JSON record, and in hex
// otherwise (a contract's storage slot, account or code, ADR 0014), with
// the text beside it when the bytes are text.
func printable(v []byte) string {
	if json.Valid(v) {
		return string(v)
	}
	h := "0x" + hex.EncodeToString(v)
	if utf8.Valid(v) && !strings.ContainsFunc(string(v), unicode.IsControl) {
		return fmt.Sprintf("%s (as text: %s)", h, v)
	}
	return h
}
