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
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

const usage = "ebls --key K [--org ORG] [--in controlled|offered|issued] [--q TEXT] [--after REF] [--limit N] | credits --key K [--org ORG] [--q TEXT] [--after NO] [--limit N] | customs --key K [--port LOCODE] [--q TEXT] [--after REF] [--limit N] | ebl --key K REF [--prove DIR] | credit --key K NO [--prove DIR] | transfer --key K --ref R --to ORG [--endorsement named|blank|none] | accept --key K --ref R | surrender --key K --ref R [--purpose delivery|switch_to_paper] | do --key K --action NAME --body JSON|@FILE"

// run is `dengta trade ...`.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "trade", usage, []cli.Sub{
		{Name: "ebls", Run: listEBLs},
		{Name: "credits", Run: listCredits},
		{Name: "customs", Run: showCustoms},
		{Name: "ebl", Run: showEBL},
		{Name: "credit", Run: showCredit},
		{Name: "transfer", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("trade transfer", "--key K --ref R --to ORG [--endorsement named]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the controller's signer")
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
			keyFile := cli.KeyFlag(fs, "key file of the receiver's signer")
			ref := fs.String("ref", "", "the eBL's reference")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			return send(ctx, out, *node, *keyFile, tradeapi.AcceptEBL.Name, tradeapi.RefBody{Ref: *ref})
		}},
		{Name: "surrender", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("trade surrender", "--key K --ref R [--purpose delivery]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the controller's signer")
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

func listEBLs(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trade ebls", "--key K [--org ORG] [--in controlled|offered|issued] [--q TEXT] [--after REF] [--limit N]", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "a key of the organisation (customs and auditors may read any organisation's)")
	var p tradeapi.EBLListParams
	fs.StringVar(&p.Org, "org", "", "the organisation whose bills to list; the key's own when absent")
	fs.StringVar(&p.In, "in", "", "one list only: controlled, offered (awaiting acceptance) or issued (as carrier); all of them when absent")
	cli.PageFlags(fs, "bills", "reference, port, HS code, status (or its name) or party (id or name)", trade.MaxPage, trade.DefaultPage, &p.Q, &p.After, &p.Limit)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	page, err := client.Read(ctx, c, tradeapi.ListEBLs, p)
	if err != nil {
		return err
	}
	printEBLs(out, page.Items, page.Next)
	return nil
}

// printEBLs writes a line per bill, then the cursor of the next page.
func printEBLs(out io.Writer, items []tradeapi.EBLSummary, next string) {
	for _, e := range items {
		pending := ""
		if e.PendingTo != "" {
			pending = " → " + e.PendingTo
		}
		fmt.Fprintf(out, "%s  %-17s controller %s%s  %s → %s  shipped %s\n", e.Ref, e.Status, e.Controller, pending, e.PortOfLoading, e.PortOfDischarge, e.ShippedOnBoard)
	}
	if len(items) == 0 {
		fmt.Fprintln(out, "no eBLs")
	}
	cli.PrintNext(out, next)
}

func listCredits(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trade credits", "--key K [--org ORG] [--q TEXT] [--after NO] [--limit N]", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "a key of the organisation (customs and auditors may read any organisation's)")
	var p tradeapi.CreditListParams
	fs.StringVar(&p.Org, "org", "", "the organisation whose credits to list; the key's own when absent")
	cli.PageFlags(fs, "credits", "number, currency, status (or its name) or party (id or name)", trade.MaxPage, trade.DefaultPage, &p.Q, &p.After, &p.Limit)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	page, err := client.Read(ctx, c, tradeapi.ListCredits, p)
	if err != nil {
		return err
	}
	for _, cr := range page.Items {
		fmt.Fprintf(out, "%s  %-11s %s, drawn %s  expires %s  %-9s %d open presentations\n", cr.No, cr.Role,
			trade.FormatMoney(cr.Amount.Currency, cr.Amount.Minor), trade.FormatMoney(cr.Amount.Currency, cr.Drawn), cr.Expiry, cr.Status, cr.Open)
	}
	if len(page.Items) == 0 {
		fmt.Fprintln(out, "no credits")
	}
	cli.PrintNext(out, page.Next)
	return nil
}

func showCustoms(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trade customs", "--key K [--port LOCODE] [--q TEXT] [--after REF] [--limit N]", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "a key of customs (a regulator) or an auditor")
	var p tradeapi.CustomsParams
	fs.StringVar(&p.Port, "port", "", "only bills loading or discharging at this UN/LOCODE")
	cli.PageFlags(fs, "bills", "reference, port, HS code, status (or its name) or party (id or name)", trade.MaxPage, trade.DefaultPage, &p.Q, &p.After, &p.Limit)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, c, tradeapi.Customs, p)
	if err != nil {
		return err
	}
	var st []string
	for _, s := range tradeapi.EBLStatuses {
		if n := v.ByStatus[s]; n > 0 {
			st = append(st, fmt.Sprintf("%s %d", s, n))
		}
	}
	fmt.Fprintf(out, "bills by status: %s\n", strings.Join(st, ", "))
	for _, t := range v.Credits {
		fmt.Fprintf(out, "credits in %s: %d, %s, drawn %s\n", t.Currency, t.Credits, trade.FormatMoney(t.Currency, t.Amount), trade.FormatMoney(t.Currency, t.Drawn))
	}
	printEBLs(out, v.EBLs, v.Next)
	return nil
}

func showEBL(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trade ebl", "--key K REF [--prove DIR]", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "a key of your organisation: bills are read by their parties, banks and customs")
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
	keyFile := cli.KeyFlag(fs, "a key of your organisation: credits are read by their parties and customs")
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
