package carbonplug

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/retireproof"
	"github.com/dengta-chain/dengta/proof"
)

const usage = `registry | project ID | account --key K [--org ORG] | transfer --key K --batch B --to ORG --quantity N [--ranges 1-50,61-70] [--price YUAN] [--note T]
       | retire --key K --batch B --quantity N --beneficiary NAME --purpose TEXT --year Y [--gtin GTIN] | retirement ID [--prove FILE]
       | verify FILE --trust GENESIS|HASH | compliance YEAR --key K | footprint GTIN [--lot L] [--pact] | do --key K --action NAME --body JSON|@FILE`

// run is `dengta carbon ...`.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "carbon", usage, []cli.Sub{
		{Name: "registry", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon registry", "", errOut)
			node := cli.NodeFlag(fs)
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			rv, err := client.Read(ctx, cli.Client(*node), carbonapi.GetRegistry, carbonapi.HeightParams{})
			if err != nil {
				return err
			}
			for _, t := range rv.Totals {
				fmt.Fprintf(out, "%-9s issued %s %s: active %s, retired %s, cancelled %s, claimed %s, surrendered %s (%d batches)\n", t.Kind, formatInt(t.Issued), t.Unit,
					formatInt(t.Active), formatInt(t.Retired), formatInt(t.Cancelled), formatInt(t.Claimed), formatInt(t.Surrendered), t.Batches)
			}
			fmt.Fprintf(out, "projects to register %d, reports to verify %d, reports to issue %d\n", len(rv.ToRegister), len(rv.ToVerify), len(rv.ToIssue))
			return nil
		}},
		{Name: "project", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon project", "ID", errOut)
			node := cli.NodeFlag(fs)
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			id, err := cli.OneArg(pos, "project id", "dengta carbon project PRJ-000001")
			if err != nil {
				return err
			}
			pv, err := client.Read(ctx, cli.Client(*node), carbonapi.GetProject, carbonapi.IDParams{ID: id})
			if err != nil {
				return err
			}
			return cli.PrintJSON(out, pv)
		}},
		{Name: "account", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon account", "--key K [--org ORG]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of a member of the organisation (or of the registry or a regulator)")
			org := fs.String("org", "", "the organisation; the key's own when absent")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			c, key, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			if *org == "" {
				if *org, err = cli.OrgOf(ctx, c, key); err != nil {
					return err
				}
			}
			a, err := client.Read(ctx, c, carbonapi.GetAccount, carbonapi.OrgParams{Org: *org})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "account of %s at height %d\n", a.Org, a.Height)
			for _, h := range a.Holdings {
				exp := ""
				if h.Expired {
					exp = " (expired)"
				}
				fmt.Fprintf(out, "  %-20s %-9s %12s %-5s %s%s\n", h.Batch, h.Kind, formatInt(h.Quantity), h.Unit, rangesText(h.Ranges), exp)
			}
			return nil
		}},
		{Name: "transfer", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon transfer", "--key K --batch B --to ORG --quantity N [--ranges R]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the holder's signer")
			batch := fs.String("batch", "", "the batch")
			to := fs.String("to", "", "the receiving organisation")
			q := fs.Int64("quantity", 0, "units; the ranges' total when absent")
			ranges := fs.String("ranges", "", "serials to move, e.g. 1-50,61-70; the lowest held when absent")
			price := fs.String("price", "", "unit price in yuan, for the record")
			note := fs.String("note", "", "note, e.g. the contract number")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			rs, qty, err := rangesFlag(*ranges, *q)
			if err != nil {
				return err
			}
			fen, err := yuanToFen(*price)
			if err != nil {
				return cli.Fail(err.Error(), "give --price in yuan, e.g. 60.00")
			}
			return send(ctx, out, *node, *keyFile, carbonapi.TransferUnits.Name, carbonapi.TransferBody{Batch: *batch, To: *to, Quantity: qty, Ranges: rs, PriceFen: fen, Note: *note})
		}},
		{Name: "retire", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon retire", "--key K --batch B --quantity N --beneficiary NAME --purpose TEXT --year Y", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the holder's signer")
			batch := fs.String("batch", "", "the batch")
			q := fs.Int64("quantity", 0, "tonnes; the ranges' total when absent")
			ranges := fs.String("ranges", "", "serials to retire; the lowest held when absent")
			beneficiary := fs.String("beneficiary", "", "on whose behalf")
			purpose := fs.String("purpose", "", "what the retirement is claimed for")
			year := fs.Int("year", 0, "the year of emissions it is claimed against")
			gtin := fs.String("gtin", "", "the product whose footprint it offsets")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			rs, qty, err := rangesFlag(*ranges, *q)
			if err != nil {
				return err
			}
			return send(ctx, out, *node, *keyFile, carbonapi.Retire.Name, carbonapi.RetireBody{Batch: *batch, Quantity: qty, Ranges: rs, Beneficiary: *beneficiary,
				Purpose: *purpose, ClaimYear: *year, GTIN: *gtin})
		}},
		{Name: "retirement", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon retirement", "ID [--prove FILE]", errOut)
			node := cli.NodeFlag(fs)
			prove := fs.String("prove", "", "write the offline proof bundle to FILE")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			id, err := cli.OneArg(pos, "retirement id", "dengta carbon retirement RT-00000001 --prove rt.json")
			if err != nil {
				return err
			}
			c := cli.Client(*node)
			cv, err := client.Read(ctx, c, carbonapi.GetClosure, carbonapi.ClosureParams{ID: id, Prove: *prove != ""})
			if err != nil {
				return err
			}
			cl := cv.Closure
			fmt.Fprintf(out, "%s %s: %s %s of %s %s\n", cl.ID, cl.Kind, formatInt(cl.Quantity), cl.Unit, cl.Batch, rangesText(cl.Ranges))
			if cl.Beneficiary != "" {
				fmt.Fprintf(out, "for %s: %s (%d)\n", cl.Beneficiary, cl.Purpose, cl.ClaimYear)
			}
			fmt.Fprintf(out, "certificate: %s\n", cv.URL)
			if *prove != "" {
				if err := os.WriteFile(*prove, []byte(cv.Bundle), 0o644); err != nil {
					return cli.Fail(fmt.Sprintf("write %s: %v", *prove, err), "give --prove a file you can write")
				}
				fmt.Fprintf(out, "proof bundle: %s\ncheck it offline: dengta carbon verify %s --trust GENESIS\n", *prove, *prove)
			}
			return nil
		}},
		{Name: "verify", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon verify", "FILE --trust GENESIS|HASH", errOut)
			trustArg := fs.String("trust", "", "the trusted validator set: a genesis file or its 64-hex-digit hash")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			file, err := cli.OneArg(pos, "bundle file", "dengta carbon verify rt.json --trust ~/.dengta/dev/config/genesis.json")
			if err != nil {
				return err
			}
			trust, err := proof.ParseTrust(*trustArg)
			if err != nil {
				return cli.Fail(err.Error(), "give --trust the chain's genesis file or the validator-set hash you trust")
			}
			raw, err := os.ReadFile(file)
			if err != nil {
				return cli.Fail(err.Error(), "give the bundle file written by dengta carbon retirement --prove")
			}
			rep, verr := retireproof.Verify(raw, trust)
			for _, c := range rep.Checks {
				mark := "ok  "
				if !c.OK {
					mark = "FAIL"
				}
				fmt.Fprintf(out, "%s %-13s %s\n", mark, c.Name, c.Detail)
			}
			if verr != nil {
				return &cli.UserError{Msg: "the bundle does not verify: " + verr.Error(), Hint: "check that --trust is the chain's genesis and that the file is the bundle as downloaded"}
			}
			fmt.Fprintf(out, "verified against %s\n", trust.Source)
			return nil
		}},
		{Name: "compliance", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon compliance", "YEAR --key K", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the registry, a regulator, a verifier or a covered entity")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			ys, err := cli.OneArg(pos, "year", "dengta carbon compliance 2025 --key regulator-admin.json")
			if err != nil {
				return err
			}
			var year int
			if _, err := fmt.Sscan(ys, &year); err != nil {
				return cli.Fail(fmt.Sprintf("%q is not a year", ys), "dengta carbon compliance 2025 --key K")
			}
			c, _, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			cv, err := client.Read(ctx, c, carbonapi.GetCompliance, carbonapi.YearParams{Year: year})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "compliance year %d as of %s: surrender by %s, credits up to %d bp\n", cv.Year.Year, cv.Date, cv.Year.SurrenderDue, cv.Year.OffsetLimitBP)
			for _, e := range cv.Entities {
				fmt.Fprintf(out, "  %-12s %-22s verified %12s surrendered %12s shortfall %12s\n", e.Org, e.Status, formatInt(e.VerifiedT), formatInt(e.AllowancesT+e.CreditsT), formatInt(e.ShortfallT))
			}
			return nil
		}},
		{Name: "footprint", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("carbon footprint", "GTIN [--lot L] [--pact]", errOut)
			node := cli.NodeFlag(fs)
			lot := fs.String("lot", "", "a lot")
			pact := fs.Bool("pact", false, "print it as a WBCSD PACT ProductFootprint")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			gtin, err := cli.OneArg(pos, "GTIN", "dengta carbon footprint 6901234567892")
			if err != nil {
				return err
			}
			c := cli.Client(*node)
			if *pact {
				p, err := client.Read(ctx, c, carbonapi.GetFootprintPCF, carbonapi.FootprintParams{GTIN: gtin, Lot: *lot})
				if err != nil {
					return err
				}
				return cli.PrintJSON(out, p)
			}
			fv, err := client.Read(ctx, c, carbonapi.GetFootprint, carbonapi.FootprintParams{GTIN: gtin, Lot: *lot})
			if err != nil {
				return err
			}
			return cli.PrintJSON(out, fv)
		}},
		cli.DoSub(carbonapi.Name, "submit_project, issue_credits, surrender, issue_gec, publish_footprint, ...", `dengta carbon do --key k.json --action register_project --body '{"project":"PRJ-000001"}'`),
	}, args, out, errOut)
}

func rangesFlag(s string, q int64) ([]carbonapi.Range, int64, error) {
	rs, err := ParseRanges(s)
	if err != nil {
		return nil, 0, cli.Fail(err.Error(), "give --ranges like 1-50,61-70")
	}
	if q == 0 {
		q = carbonapi.Total(rs)
	}
	return rs, q, nil
}

func send(ctx context.Context, out io.Writer, node, keyFile, action string, body any) error {
	return cli.Send(ctx, out, node, keyFile, carbonapi.Name, action, body)
}
