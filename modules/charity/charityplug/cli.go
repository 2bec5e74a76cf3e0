package charityplug

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
	"github.com/dengta-chain/dengta/proof"
)

const usage = `SUBCOMMAND [flags]

Charities and the regulator:
  register-org  --key K --org ORG --kind foundation|social_organisation|social_service_agency --regno USCC [--public-fundraising]
  file-project  --key K --title T --summary S --start YYYY-MM-DD --end YYYY-MM-DD --line code:name:category:yuan ... [--sector 11220] [--region R] [--goal YUAN]
  approve       --key K --project ID --filing NO
Money:
  donate        --key K (--project ID [--line L] | --org ORG) --amount YUAN --channel C --donor PHONE|ID [--name N] [--message M] [--ref R] [--public URL]
  grant         --key K --from ID [--line L] --to ID [--to-line L] --amount YUAN --purpose P [--agreement FILE]
  disburse      --key K --project ID --line L --amount YUAN --payee ORG [--beneficiary ORG] --purpose P --invoice FILE [--doc FILE ...]
  accept        --key K --disbursement ID --doc FILE [--note N]
  refund        --key K --receipt R --amount YUAN --reason R
  report        --key K --project ID --kind progress|final|audit --from D --to D --summary S --file FILE ...
  close         --key K --project ID [--balance-to ID] --reason R
Reading and checking:
  project ID | trail RECEIPT | oversight --key K | iati ID [--out FILE]
  prove RECEIPT --out FILE                 fetch a donation's trail proof bundle
  verify BUNDLE --trust GENESIS|SETHASH [--donor PHONE|ID --receipt-key HEX] [--json]   check it offline`

// run is `dengta charity ...`.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "charity", usage, []cli.Sub{
		{Name: "register-org", Run: registerOrgCmd},
		{Name: "file-project", Run: fileProjectCmd},
		{Name: "approve", Run: approveCmd},
		{Name: "donate", Run: donateCmd},
		{Name: "grant", Run: grantCmd},
		{Name: "disburse", Run: disburseCmd},
		{Name: "accept", Run: acceptCmd},
		{Name: "refund", Run: refundCmd},
		{Name: "report", Run: reportCmd},
		{Name: "close", Run: closeCmd},
		{Name: "project", Run: projectCmd},
		{Name: "trail", Run: trailCmd},
		{Name: "oversight", Run: oversightCmd},
		{Name: "iati", Run: iatiCmd},
		{Name: "prove", Run: proveCmd},
		{Name: "verify", Run: verifyCmd},
	}, args, out, errOut)
}

// signed is a command's signing flags.
type signed struct {
	fs   *flag.FlagSet
	node *string
	key  *string
}

func newSigned(name, usage string, errOut io.Writer) *signed {
	fs := cli.NewFlags("charity "+name, usage, errOut)
	return &signed{fs: fs, node: cli.NodeFlag(fs), key: cli.KeyFlag(fs, "key file of the signer")}
}

func (s *signed) parse(args []string) ([]string, error) { return cli.Parse(s.fs, args) }

func (s *signed) signer() (*client.Client, *client.Key, error) { return cli.Signer(*s.node, *s.key) }

func yuanFlag(name, v string) (int64, error) {
	if v == "" {
		return 0, cli.Fail("--"+name+" is required", "an amount of yuan, e.g. --"+name+" 100.00")
	}
	fen, err := decimal.ParseYuan(v)
	if err != nil {
		return 0, cli.Fail("--"+name+": "+err.Error(), "an amount of yuan, e.g. --"+name+" 1,000.00")
	}
	return fen, nil
}

// send signs and sends a typed action and prints what it answered.
func printDone(out io.Writer, what, id string, height int64) {
	fmt.Fprintf(out, "%s %s at height %d\n", what, id, height)
}

func registerOrgCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("register-org", "--key K --org ORG --kind KIND --regno USCC [--public-fundraising]", errOut)
	org := s.fs.String("org", "", "the member organisation registered as a charity")
	kind := s.fs.String("kind", charityapi.KindFoundation, "foundation, social_organisation or social_service_agency")
	regno := s.fs.String("regno", "", "its registration number (unified social credit code)")
	public := s.fs.Bool("public-fundraising", false, "it holds the public fundraising qualification")
	if _, err := s.parse(args); err != nil {
		return err
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.RegisterOrg, charityapi.RegisterOrgBody{Org: *org, Kind: *kind, RegistrationNo: *regno, PublicFundraising: *public})
	if err != nil {
		return err
	}
	printDone(out, "registered "+res.Org+", general fund", res.GeneralFund, rec.Height)
	return nil
}

func fileProjectCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("file-project", "--key K --title T --summary S --start D --end D --line code:name:category:yuan ...", errOut)
	var lines cli.Multi
	b := charityapi.ProjectBody{}
	s.fs.StringVar(&b.Title, "title", "", "the project's title")
	s.fs.StringVar(&b.Summary, "summary", "", "its goal: what it will achieve, for whom")
	s.fs.StringVar(&b.Sector, "sector", "", "OECD DAC 5-digit purpose code, e.g. 11220")
	s.fs.StringVar(&b.Region, "region", "", "where it works")
	s.fs.StringVar(&b.StartDate, "start", "", "first day, YYYY-MM-DD")
	s.fs.StringVar(&b.EndDate, "end", "", "last day, YYYY-MM-DD")
	s.fs.IntVar(&b.ReportEveryDays, "report-every", 0, "days between progress reports (30-180; 90 by default)")
	goal := s.fs.String("goal", "", "fundraising goal in yuan (the budget's total by default)")
	s.fs.Var(&lines, "line", "a budget line code:name:category:yuan, category program, management or fundraising (repeat)")
	if _, err := s.parse(args); err != nil {
		return err
	}
	for _, l := range lines {
		parts := strings.SplitN(l, ":", 4)
		if len(parts) != 4 {
			return cli.Fail(fmt.Sprintf("--line %q is not code:name:category:yuan", l), "--line supplies:文具与图书:program:50,000.00")
		}
		fen, err := yuanFlag("line", parts[3])
		if err != nil {
			return err
		}
		b.Lines = append(b.Lines, charityapi.LineBody{Code: parts[0], Name: parts[1], Category: parts[2], BudgetFen: fen})
	}
	if *goal != "" {
		var err error
		if b.GoalFen, err = yuanFlag("goal", *goal); err != nil {
			return err
		}
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.FileProject, b)
	if err != nil {
		return err
	}
	printDone(out, "filed project", res.ID, rec.Height)
	fmt.Fprintln(out, "it takes donations once the civil-affairs regulator approves it (dengta charity approve)")
	return nil
}

func approveCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("approve", "--key K --project ID --filing NO", errOut)
	p := s.fs.String("project", "", "the filed project")
	no := s.fs.String("filing", "", "its filing number")
	if _, err := s.parse(args); err != nil {
		return err
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.Approve, charityapi.ApproveBody{Project: *p, FilingNo: *no})
	if err != nil {
		return err
	}
	printDone(out, "approved project", res.ID, rec.Height)
	return nil
}

func donateCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("donate", "--key K (--project ID [--line L] | --org ORG) --amount YUAN --channel C --donor PHONE|ID", errOut)
	b := charityapi.DonateBody{}
	s.fs.StringVar(&b.Project, "project", "", "the project given to")
	s.fs.StringVar(&b.Line, "line", "", "the budget line the donation is restricted to")
	s.fs.StringVar(&b.Org, "org", "", "the charity whose general fund receives it (no project)")
	s.fs.StringVar(&b.Channel, "channel", "bank_transfer", "bank_transfer, wechat_pay, alipay, unionpay, online_platform, cash or other")
	s.fs.StringVar(&b.ChannelRef, "ref", "", "the payment's reference in the channel (only its hash is kept)")
	s.fs.StringVar(&b.DonorName, "name", "", "the name the donor agrees to show")
	s.fs.StringVar(&b.Message, "message", "", "the donor's message")
	amount := s.fs.String("amount", "", "the amount in yuan")
	donor := s.fs.String("donor", "", "the donor's phone or ID number: only its salted hash goes on chain")
	public := s.fs.String("public", "", "the node's public address for the receipt's link (the --node address by default)")
	asJSON := s.fs.Bool("json", false, "print the receipt as JSON")
	if _, err := s.parse(args); err != nil {
		return err
	}
	var err error
	if b.AmountFen, err = yuanFlag("amount", *amount); err != nil {
		return err
	}
	if strings.TrimSpace(*donor) == "" {
		return cli.Fail("--donor is required", "the donor's phone or ID number, which the donor gives to claim the donation; only its salted hash goes on chain")
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	base := *public
	if base == "" {
		base = *s.node
	}
	rc, err := Donate(ctx, c, key, b, *donor, base)
	if err != nil {
		return err
	}
	if *asJSON {
		return cli.PrintJSON(out, rc)
	}
	fmt.Fprintf(out, "receipt %s: ¥%s for %s\nreceipt key %s (give it to the donor; it is not kept anywhere else)\ndonor's page %s\n",
		rc.Receipt, decimal.FormatYuan(rc.AmountFen), rc.Project, rc.Key, rc.URL)
	return nil
}

func grantCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("grant", "--key K --from ID [--line L] --to ID [--to-line L] --amount YUAN --purpose P", errOut)
	b := charityapi.GrantBody{}
	s.fs.StringVar(&b.From, "from", "", "the granting project or general fund")
	s.fs.StringVar(&b.Line, "line", "", "its budget line the grant is spent against")
	s.fs.StringVar(&b.To, "to", "", "the receiving project")
	s.fs.StringVar(&b.ToLine, "to-line", "", "the receiving project's line the grant is restricted to")
	s.fs.StringVar(&b.Purpose, "purpose", "", "what the grant is for")
	amount := s.fs.String("amount", "", "the amount in yuan")
	agreement := s.fs.String("agreement", "", "the grant agreement's file (stored off chain, its digest on chain)")
	if _, err := s.parse(args); err != nil {
		return err
	}
	var err error
	if b.AmountFen, err = yuanFlag("amount", *amount); err != nil {
		return err
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	if *agreement != "" {
		h, err := UploadFiles(ctx, c, *agreement)
		if err != nil {
			return err
		}
		b.AgreementSHA256 = h[0]
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.Grant, b)
	if err != nil {
		return err
	}
	printDone(out, "granted: transfer", res.ID, rec.Height)
	return nil
}

func disburseCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("disburse", "--key K --project ID --line L --amount YUAN --payee ORG [--beneficiary ORG] --purpose P --invoice FILE", errOut)
	b := charityapi.DisburseBody{}
	var docs cli.Multi
	s.fs.StringVar(&b.Project, "project", "", "the project paying")
	s.fs.StringVar(&b.Line, "line", "", "the budget line")
	s.fs.StringVar(&b.Payee, "payee", "", "the supplier or beneficiary paid")
	s.fs.StringVar(&b.Beneficiary, "beneficiary", "", "the institution that receives what is bought and signs for it")
	s.fs.StringVar(&b.Purpose, "purpose", "", "what is bought or paid")
	amount := s.fs.String("amount", "", "the amount in yuan")
	invoice := s.fs.String("invoice", "", "the invoice's file (stored off chain, its digest on chain)")
	s.fs.Var(&docs, "doc", "a supporting document's file: contract, delivery note (repeat)")
	if _, err := s.parse(args); err != nil {
		return err
	}
	var err error
	if b.AmountFen, err = yuanFlag("amount", *amount); err != nil {
		return err
	}
	if *invoice == "" {
		return cli.Fail("--invoice is required", "the invoice's file: it is stored in the node's blob store, its SHA-256 goes on chain")
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	hashes, err := UploadFiles(ctx, c, append([]string{*invoice}, docs...)...)
	if err != nil {
		return err
	}
	b.InvoiceSHA256, b.DocHashes = hashes[0], hashes[1:]
	res, rec, err := client.Send(ctx, c, key, charityapi.Disburse, b)
	if err != nil {
		return err
	}
	printDone(out, "disbursed", res.ID, rec.Height)
	return nil
}

func acceptCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("accept", "--key K --disbursement ID --doc FILE [--note N]", errOut)
	b := charityapi.AcceptBody{}
	s.fs.StringVar(&b.Disbursement, "disbursement", "", "the disbursement or distribution signed for")
	s.fs.StringVar(&b.Note, "note", "", "a note")
	doc := s.fs.String("doc", "", "the signed acceptance document's file")
	if _, err := s.parse(args); err != nil {
		return err
	}
	if *doc == "" {
		return cli.Fail("--doc is required", "the signed acceptance document (验收单): stored off chain, its digest on chain")
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	h, err := UploadFiles(ctx, c, *doc)
	if err != nil {
		return err
	}
	b.DocSHA256 = h[0]
	res, rec, err := client.Send(ctx, c, key, charityapi.Accept, b)
	if err != nil {
		return err
	}
	printDone(out, "accepted", res.ID, rec.Height)
	return nil
}

func refundCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("refund", "--key K --receipt R --amount YUAN --reason R", errOut)
	b := charityapi.RefundBody{}
	s.fs.StringVar(&b.Receipt, "receipt", "", "the donation's receipt number")
	s.fs.StringVar(&b.Reason, "reason", "", "why")
	amount := s.fs.String("amount", "", "the amount in yuan")
	if _, err := s.parse(args); err != nil {
		return err
	}
	var err error
	if b.AmountFen, err = yuanFlag("amount", *amount); err != nil {
		return err
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.RefundDonation, b)
	if err != nil {
		return err
	}
	printDone(out, "refunded", res.ID, rec.Height)
	return nil
}

func reportCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("report", "--key K --project ID --kind KIND --from D --to D --summary S --file FILE ...", errOut)
	b := charityapi.ReportBody{}
	var files cli.Multi
	s.fs.StringVar(&b.Project, "project", "", "the project")
	s.fs.StringVar(&b.Kind, "kind", charityapi.ReportProgress, "progress, final or audit")
	s.fs.StringVar(&b.PeriodFrom, "from", "", "first day covered")
	s.fs.StringVar(&b.PeriodTo, "to", "", "last day covered")
	s.fs.StringVar(&b.Summary, "summary", "", "what it reports")
	s.fs.Var(&files, "file", "a file of the report (repeat)")
	if _, err := s.parse(args); err != nil {
		return err
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	hashes, err := UploadFiles(ctx, c, files...)
	if err != nil {
		return err
	}
	for i, f := range files {
		b.Files = append(b.Files, charityapi.FileBody{Name: filepath.Base(f), SHA256: hashes[i]})
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.FileReport, b)
	if err != nil {
		return err
	}
	printDone(out, "filed report", res.ID, rec.Height)
	return nil
}

func closeCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("close", "--key K --project ID [--balance-to ID] --reason R", errOut)
	b := charityapi.CloseBody{}
	s.fs.StringVar(&b.Project, "project", "", "the project to close")
	s.fs.StringVar(&b.BalanceTo, "balance-to", "", "the open project that receives its unspent balance")
	s.fs.StringVar(&b.Reason, "reason", "", "why it closes")
	if _, err := s.parse(args); err != nil {
		return err
	}
	c, key, err := s.signer()
	if err != nil {
		return err
	}
	res, rec, err := client.Send(ctx, c, key, charityapi.Close, b)
	if err != nil {
		return err
	}
	printDone(out, "closed project", res.ID, rec.Height)
	return nil
}

// reader parses a reading command's flags and its one argument.
func reader(name, what, example string, args []string, errOut io.Writer, more func(*flag.FlagSet)) (*client.Client, string, error) {
	fs := cli.NewFlags("charity "+name, what, errOut)
	node := cli.NodeFlag(fs)
	if more != nil {
		more(fs)
	}
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return nil, "", err
	}
	arg := ""
	if what != "" {
		if arg, err = cli.OneArg(pos, what, example); err != nil {
			return nil, "", err
		}
	}
	return cli.Client(*node), arg, nil
}

func projectCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	c, id, err := reader("project", "project id", "dengta charity project CP20260301-0123456789ABCDEF0123", args, errOut, nil)
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, c, charityapi.GetProject, charityapi.IDParams{ID: id})
	if err != nil {
		return err
	}
	return cli.PrintJSON(out, v)
}

func oversightCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	s := newSigned("oversight", "--key K (a member's key: the regulator's view is for members)", errOut)
	if _, err := s.parse(args); err != nil {
		return err
	}
	c, _, err := s.signer()
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, c, charityapi.GetOversight, charityapi.HeightParams{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d projects on %s: donated ¥%s, disbursed ¥%s, refunded ¥%s, held ¥%s\n", len(v.Projects), v.Date,
		decimal.FormatYuan(v.DonatedFen), decimal.FormatYuan(v.DisbursedFen), decimal.FormatYuan(v.RefundedFen), decimal.FormatYuan(v.BalanceFen))
	for _, a := range v.Alerts {
		fmt.Fprintf(out, "! %-22s %s %s since %s: %s\n", a.Code, a.Project, a.Subject, a.Since, a.Detail)
	}
	if len(v.Alerts) == 0 {
		fmt.Fprintln(out, "no alerts")
	}
	return nil
}

func trailCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	c, receipt, err := reader("trail", "receipt number", "dengta charity trail DN20260301-0123456789ABCDEF0123", args, errOut, nil)
	if err != nil {
		return err
	}
	tr, err := client.Read(ctx, c, charityapi.GetTrail, charityapi.TrailParams{Receipt: receipt})
	if err != nil {
		return err
	}
	printTrail(out, &tr.Trail)
	return nil
}

// printTrail writes a trail for people: each step indented by its depth.
func printTrail(out io.Writer, tr *charityapi.Trail) {
	d := tr.Donation
	fmt.Fprintf(out, "donation %s: ¥%s to %s (%s), %s\n", d.Receipt, decimal.FormatYuan(d.AmountFen), d.Project, tr.Project.Title, strings.Replace(d.Time[:min(16, len(d.Time))], "T", " ", 1))
	for _, s := range tr.Steps {
		ind := strings.Repeat("    ", s.Depth+1)
		switch {
		case s.Disbursement != nil && s.Kind == charityapi.StepDisbursement:
			x := s.Disbursement
			fmt.Fprintf(out, "%s¥%s paid to %s (%s) on %s, %s", ind, decimal.FormatYuan(s.AmountFen), x.Payee, x.Purpose, x.Time[:10], x.ID)
		case s.Disbursement != nil:
			x := s.Disbursement
			fmt.Fprintf(out, "%s%d of item %d handed to %s (¥%s) on %s, %s", ind, s.Quantity, s.Item, x.Beneficiary, decimal.FormatYuan(s.AmountFen), x.Time[:10], x.ID)
		case s.Transfer != nil:
			fmt.Fprintf(out, "%s¥%s passed to %s (%s) on %s, %s\n", ind, decimal.FormatYuan(s.AmountFen), s.Transfer.To, s.Transfer.ToOrg, s.Transfer.Time[:10], s.Transfer.ID)
			continue
		case s.Refund != nil:
			fmt.Fprintf(out, "%s¥%s refunded on %s: %s\n", ind, decimal.FormatYuan(s.AmountFen), s.Refund.Time[:10], s.Refund.Reason)
			continue
		default:
			fmt.Fprintf(out, "%s¥%s %s in %s\n", ind, decimal.FormatYuan(s.AmountFen), strings.ReplaceAll(s.Kind, "_", " "), s.Project)
			continue
		}
		switch {
		case s.Acceptance != nil:
			fmt.Fprintf(out, "; %s by %s on %s\n", s.Acceptance.Status, s.Acceptance.By.Org, s.Acceptance.Time[:10])
		case s.Disbursement.Beneficiary != "":
			fmt.Fprintf(out, "; %s has not signed for it yet\n", s.Disbursement.Beneficiary)
		default:
			fmt.Fprintln(out)
		}
	}
	fmt.Fprintf(out, "paid out or distributed ¥%s, refunded ¥%s, unspent ¥%s", decimal.FormatYuan(tr.DeliveredFen), decimal.FormatYuan(tr.RefundedFen), decimal.FormatYuan(tr.UnspentFen))
	if on := passedOnUnspent(tr.Steps); on > 0 {
		fmt.Fprintf(out, " (¥%s of it passed on to other projects and unspent there, which their charities spend or refund; ¥%s unspent in %s)",
			decimal.FormatYuan(on), decimal.FormatYuan(tr.UnspentFen-on), tr.Donation.Project)
	}
	fmt.Fprintln(out)
}

// passedOnUnspent is the part of a trail's unspent money that the
// donation's project passed on to other projects (steps below the first
// level): its charity can no longer refund it.
func passedOnUnspent(steps []charityapi.Step) int64 {
	var n int64
	for _, s := range steps {
		if s.Depth > 0 && (s.Kind == charityapi.StepUnspent || s.Kind == charityapi.StepUndistributed) {
			n += s.AmountFen
		}
	}
	return n
}

func iatiCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	var file *string
	c, id, err := reader("iati", "project id", "dengta charity iati CP20260301-0123456789ABCDEF0123 --out activity.xml", args, errOut, func(fs *flag.FlagSet) {
		file = fs.String("out", "", "write the document to this file instead of standard output")
	})
	if err != nil {
		return err
	}
	doc, err := client.Read(ctx, c, charityapi.IATI, charityapi.IDParams{ID: id})
	if err != nil {
		return err
	}
	if *file == "" {
		_, err = out.Write(*doc)
		return err
	}
	return os.WriteFile(*file, *doc, 0o644)
}

func proveCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	var file *string
	c, receipt, err := reader("prove", "receipt number", "dengta charity prove DN20260301-0123456789ABCDEF0123 --out trail.json", args, errOut, func(fs *flag.FlagSet) {
		file = fs.String("out", "", "the file to write the bundle to")
	})
	if err != nil {
		return err
	}
	if *file == "" {
		return cli.Fail("--out is required", "dengta charity prove RECEIPT --out trail.json, then dengta charity verify trail.json --trust genesis.json")
	}
	raw, err := TrailBundle(ctx, c, receipt)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*file, raw, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote the trail's proof bundle to %s (%d bytes); check it offline with dengta charity verify %s --trust genesis.json\n", *file, len(raw), *file)
	return nil
}

func verifyCmd(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("charity verify", "BUNDLE --trust GENESIS|SETHASH [--donor PHONE|ID --receipt-key HEX] [--json]", errOut)
	trustArg := fs.String("trust", "", "what you trust: the chain's genesis.json, or a validator-set hash")
	donor := fs.String("donor", "", "the identity the donor gave (checked against the donation's salted hash)")
	rkey := fs.String("receipt-key", "", "the receipt key printed on the donor's receipt")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	path, err := cli.OneArg(pos, "bundle file", "dengta charity verify trail.json --trust genesis.json")
	if err != nil {
		return err
	}
	if *trustArg == "" {
		return cli.Fail("--trust is required: a bundle proves nothing without a trusted validator set", "--trust path/to/genesis.json, or --trust <hash from 'dengta query validators'>")
	}
	trust, err := proof.ParseTrust(*trustArg)
	if err != nil {
		return cli.Fail(err.Error(), "--trust takes a genesis file or a 64-hex-digit validator-set hash")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return cli.Fail("read bundle: "+err.Error(), "check the bundle's path")
	}
	var claim *trailproof.Donor
	if *donor != "" || *rkey != "" {
		if *donor == "" || *rkey == "" {
			return cli.Fail("--donor and --receipt-key go together", "both are on the donor's receipt")
		}
		claim = &trailproof.Donor{Identity: *donor, Key: *rkey}
	}
	rep, verr := trailproof.Verify(raw, trust, claim)
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		for _, c := range rep.Checks {
			mark := "✓"
			if !c.OK {
				mark = "✗"
			}
			fmt.Fprintf(out, "%s %-8s %s\n", mark, c.Name, c.Detail)
		}
		if verr == nil {
			fmt.Fprintf(out, "\nVERIFIED at height %d of chain %s:\n", rep.Height, rep.ChainID)
			printTrail(out, rep.Trail)
		}
	}
	if verr != nil {
		hint := "the bundle, or what you trust, does not match; fetch a fresh bundle (dengta charity prove), or check --trust"
		if failedCheck(rep) == trailproof.CheckDonor {
			hint = "the donation and its records check out, but not the donor: give the identity number and the receipt key exactly as on the donor's receipt (--donor, --receipt-key)"
		}
		return &cli.UserError{Msg: "verification FAILED: " + verr.Error(), Hint: hint}
	}
	return nil
}

// failedCheck is the name of the first check rep failed, "" if none.
func failedCheck(rep *trailproof.Report) string {
	if rep == nil {
		return ""
	}
	for _, c := range rep.Checks {
		if !c.OK {
			return c.Name
		}
	}
	return ""
}
