package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/dengta-chain/dengta/internal/proof"
)

func runVerify(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("verify", "BUNDLE --trust GENESIS|SETHASH [--json]", errOut)
	trustArg := fs.String("trust", "", "what you trust: the chain's genesis.json, or a validator-set hash (64 hex digits, from 'dengta query validators')")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return userError("verify takes one bundle file", "dengta verify bundle.json --trust genesis.json")
	}
	if *trustArg == "" {
		return userError("--trust is required: a bundle proves nothing without a trusted validator set", "--trust path/to/genesis.json, or --trust <hash from 'dengta query validators'>")
	}
	trust, err := proof.ParseTrust(*trustArg)
	if err != nil {
		return userError(err.Error(), "--trust takes a genesis file or a 64-hex-digit validator-set hash")
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return userError("read bundle: "+err.Error(), "check the bundle path")
	}
	report, verr := proof.Verify(raw, trust)
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
			if report.Exists {
				fmt.Fprintf(out, "\nVERIFIED: %q holds this value at height %d of chain %s:\n%s\n", report.Key, report.Height, report.ChainID, report.Value)
			} else {
				fmt.Fprintf(out, "\nVERIFIED: %q is absent from the state at height %d of chain %s\n", report.Key, report.Height, report.ChainID)
			}
		}
	}
	if verr != nil {
		return &UserError{Msg: "verification FAILED: " + verr.Error(), Hint: "the bundle, or what you trust, does not match; get a fresh bundle from a node, or check --trust"}
	}
	return nil
}
