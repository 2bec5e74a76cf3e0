package tradeplug

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/modules/trade/tradeapi"
)

const usage = "ebl --key K REF [--prove DIR] | credit --key K NO [--prove DIR] | transfer --key K --ref R --to ORG [--endorsement named|blank|none] | accept --key K --ref R | surrender --key K --ref R [--purpose delivery|switch_to_paper] | do --key K --action NAME --body JSON|@FILE"

// run is `dengta trade ...`.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "trade", usage, []cli.Sub{
		{Name: "ebl", Run: showEBL},
		{Name: "credit", Run: showCredit},
		{Name: "transfer", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("trade transfer", "--key K --ref R --to ORG [--endorsement named]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := fs.String("key", "", "key file of the controller's signer")
			ref := fs.String("ref", "", "the eBL's reference")
			to := fs.String("to", "", "organisation id of the receiver")
			end := fs.String("endorsement", tradeapi.EndorseNamed, "named, blank or none")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			return send(ctx, out, *node, *keyFile, tradeapi.TransferEBL.Name, tradeapi.TransferBody{Ref: *ref, To: *to, Endorsement: *end})
		}},
		{Name: "accept", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("trade accept", "--key K --ref R", errOut)
			node := cli.NodeFlag(fs)
			keyFile := fs.String("key", "", "key file of the receiver's signer")
			ref := fs.String("ref", "", "the eBL's reference")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			return send(ctx, out, *node, *keyFile, tradeapi.AcceptEBL.Name, tradeapi.RefBody{Ref: *ref})
		}},
		{Name: "surrender", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("trade surrender", "--key K --ref R [--purpose delivery]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := fs.String("key", "", "key file of the controller's signer")
			ref := fs.String("ref", "", "the eBL's reference")
			purpose := fs.String("purpose", tradeapi.SurrenderDelivery, "delivery or switch_to_paper")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			return send(ctx, out, *node, *keyFile, tradeapi.SurrenderEBL.Name, tradeapi.SurrenderBody{Ref: *ref, Purpose: *purpose})
		}},
		cli.DoSub(tradeapi.Name, "issue_ebl, issue_credit, present_documents, ...", `dengta trade do --key k.json --action release_goods --body '{"ref":"WYCL26000001","delivery_order":"DO-1"}'`),
	}, args, out, errOut)
}

func send(ctx context.Context, out io.Writer, node, keyFile, action string, body any) error {
	return cli.Send(ctx, out, node, keyFile, tradeapi.Name, action, body)
}

// writeProofs writes each bundle to dir as a file named after its key.
func writeProofs(out io.Writer, dir string, proofs map[string]string, keys []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return cli.Fail(fmt.Sprintf("create %s: %v", dir, err), "give --prove a directory you can write")
	}
	for _, k := range keys {
		name := filepath.Join(dir, strings.ReplaceAll(k, "/", "_")+".json")
		if err := os.WriteFile(name, []byte(proofs[k]), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "proof of %s: %s\n", k, name)
	}
	fmt.Fprintf(out, "check each offline: dengta verify --bundle FILE --trust GENESIS\n")
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Keys are state keys: their order is the state's.
	slices.Sort(keys)
	return keys
}

func showEBL(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trade ebl", "--key K REF [--prove DIR]", errOut)
	node := cli.NodeFlag(fs)
	keyFile := fs.String("key", "", "a key of your organisation: bills are read by their parties, banks and customs")
	dir := fs.String("prove", "", "write the proof bundles of the eBL, its history and its surrender to this directory")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	ref, err := cli.OneArg(pos, "eBL reference", "dengta trade ebl --key keys/foodgroup-admin.json WYCL26000001 --prove proofs")
	if err != nil {
		return err
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, c, tradeapi.GetEBL, tradeapi.EBLParams{Ref: ref, Prove: *dir != ""})
	if err != nil {
		return err
	}
	if *dir != "" {
		proofs := v.Proofs
		v.Proofs = nil
		if err := cli.PrintJSON(out, v); err != nil {
			return err
		}
		return writeProofs(out, *dir, proofs, sortedKeys(proofs))
	}
	return cli.PrintJSON(out, v)
}

func showCredit(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trade credit", "--key K NO [--prove DIR]", errOut)
	node := cli.NodeFlag(fs)
	keyFile := fs.String("key", "", "a key of your organisation: credits are read by their parties and customs")
	dir := fs.String("prove", "", "write the proof bundles of the credit and its presentations to this directory")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	no, err := cli.OneArg(pos, "credit number", "dengta trade credit --key keys/bank-admin.json LC-JH-2026-0001")
	if err != nil {
		return err
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, c, tradeapi.GetCredit, tradeapi.CreditParams{No: no, Prove: *dir != ""})
	if err != nil {
		return err
	}
	if *dir != "" {
		proofs := v.Proofs
		v.Proofs = nil
		if err := cli.PrintJSON(out, v); err != nil {
			return err
		}
		return writeProofs(out, *dir, proofs, sortedKeys(proofs))
	}
	return cli.PrintJSON(out, v)
}
