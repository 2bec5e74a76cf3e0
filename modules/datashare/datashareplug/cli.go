package datashareplug

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

const cliUsage = `SUBCOMMAND ...

Data shared on consent (数据共享): records stay encrypted in their owner's node.
  register --key K (--subject P | --device D) --type T [--class N|R|V] FILE
                               seal FILE under a fresh SM4-GCM data key, store the ciphertext in
                               the node (--node, the owner's) and register it
  share --key K --grantee ORG --purpose P (--record ID ... | --subject P) [--until YYYY-MM-DD]
                               grant records, their data keys wrapped to the grantee's exchange
                               keys (a patient's records wait for the patient's consent)
  revoke --key K [--reason TEXT] GRANT
  fetch --key K [--grant G | --break-glass B] [--open-with KEYFILE]... [--out FILE] RECORD
                               fetch a record shared with K's organisation from its owner's node
                               and decrypt it with K (or the --open-with exchange keys)
  grants --key K (--owner ORG | --grantee ORG | --subject P | --device D)
  audit --key K (--record ID | --subject P | --device D | --org ORG | --owner ORG)
  consent --key K GRANT        a grant as an HL7 FHIR R5 Consent resource`

// commands is `dengta datashare`.
func commands() []cli.Command {
	return []cli.Command{{Name: "datashare", Summary: "medical and industrial data shared on consent: register, share, fetch, audit", Run: runCLI}}
}

func runCLI(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "datashare", cliUsage, []cli.Sub{
		{Name: "register", Run: cliRegister}, {Name: "share", Run: cliShare}, {Name: "revoke", Run: cliRevoke},
		{Name: "fetch", Run: cliFetch}, {Name: "grants", Run: cliGrants}, {Name: "audit", Run: cliAudit}, {Name: "consent", Run: cliConsent},
	}, args, out, errOut)
}

func cliRegister(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare register", "--key K (--subject P | --device D) --type T FILE", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of a member key of the record's owner")
	subject := fs.String("subject", "", "the patient's pseudonym (medical records)")
	device := fs.String("device", "", "the device (industrial records)")
	typ := fs.String("type", "", "medical: outpatient, lab, imaging, discharge; industrial: maint_report, inspection")
	class := fs.String("class", datashareapi.ClassRestricted, "confidentiality: N, R or V")
	var tags cli.Multi
	fs.Var(&tags, "tag", "a sensitivity tag of a medical record (PSY, HIV, SUD, GDIS, SDV, STD); repeat for more")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	name, err := cli.OneArg(pos, "file", "dengta datashare register --key hospa.json --subject P... --type discharge 出院小结.pdf")
	if err != nil {
		return err
	}
	if (*subject == "") == (*device == "") {
		return cli.Fail("give the patient (--subject) or the device (--device), one of them", "dengta datashare register --key hospa.json --subject P... --type lab report.pdf")
	}
	content, err := os.ReadFile(name)
	if err != nil {
		return cli.Fail(err.Error(), "check the file's path")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	b := datashareapi.RecordBody{Domain: datashareapi.Medical, Type: *typ, Class: *class, Tags: tags, Subject: *subject, Device: *device}
	if *device != "" {
		b.Domain = datashareapi.Industrial
	}
	mt := mime.TypeByExtension(filepath.Ext(name))
	if mt == "" {
		mt = "application/octet-stream"
	}
	res, err := Register(ctx, c, key, b, datakey.Meta{Name: filepath.Base(name), MediaType: mt}, content)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "record %s registered: %d bytes sealed in the node, digest on chain\n", res.ID, len(content))
	for _, g := range res.Covered {
		fmt.Fprintf(out, "  shared under standing grant %s\n", g)
	}
	return nil
}

func cliShare(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare share", "--key K --grantee ORG --purpose P (--record ID ... | --subject P)", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of an exchange key of the records' owner (it opens the data keys to wrap them)")
	grantee := fs.String("grantee", "", "the organisation receiving access")
	purpose := fs.String("purpose", "", "medical: TREAT, PATRQT, HRESCH, PUBHLTH; industrial: MAINT, WARRANTY, QUALITY")
	subject := fs.String("subject", "", "share all of this patient's records")
	maxClass := fs.String("max-class", datashareapi.ClassRestricted, "the highest confidentiality class shared: N, R or V")
	until := fs.String("until", "", "the last day of the grant, YYYY-MM-DD (default: 30 days)")
	var recs, deny cli.Multi
	fs.Var(&recs, "record", "a record to share; repeat for more")
	fs.Var(&deny, "deny-tag", "do not share records with this sensitivity tag; repeat for more")
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	cst := time.FixedZone("CST", 8*3600)
	end := time.Now().In(cst).AddDate(0, 0, 30)
	if *until != "" {
		d, err := time.ParseInLocation(time.DateOnly, *until, cst)
		if err != nil {
			return cli.Fail("--until "+*until+" is not a date", "write it as 2026-12-31")
		}
		end = d.Add(24*time.Hour - time.Second)
		if !end.After(time.Now()) {
			return cli.Fail("--until "+*until+" is past: a grant ends on a day to come", "give its last day, today or later (China Standard Time), e.g. "+time.Now().In(cst).AddDate(0, 0, 30).Format(time.DateOnly))
		}
	}
	if *subject != "" && len(recs) == 0 {
		p, err := client.Read(ctx, c.As(key), datashareapi.Records, datashareapi.RecordsParams{Subject: *subject})
		if err != nil {
			return err
		}
		for _, r := range p.Items {
			recs = append(recs, r.ID)
		}
	}
	if len(recs) == 0 {
		return cli.Fail("nothing to share", "name the records with --record, or a patient with records with --subject")
	}
	res, err := Share(ctx, c, key, key, datashareapi.GrantBody{Grantee: *grantee, Purpose: *purpose, Records: recs, MaxClass: *maxClass, DenyTags: deny,
		End: end.Format(time.RFC3339)})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "grant %s: %s (%d records to %s)\n", res.ID, res.Status, len(recs), *grantee)
	if res.Status == datashareapi.GrantProposed {
		fmt.Fprintln(out, "  it waits for the patient's consent on the patients' page")
	}
	return nil
}

func cliRevoke(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare revoke", "--key K GRANT", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the grant's owner or grantee")
	reason := fs.String("reason", "", "why, at most 100 characters, no personal data")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	g, err := cli.OneArg(pos, "grant", "dengta datashare revoke --key hospa.json DG20260301-...")
	if err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	if _, _, err := client.Send(ctx, c, key, datashareapi.Revoke, datashareapi.RevokeBody{Grant: g, Reason: *reason}); err != nil {
		return err
	}
	fmt.Fprintf(out, "grant %s revoked: the owner's node serves nothing more under it\n", g)
	return nil
}

func cliFetch(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare fetch", "--key K [--grant G | --break-glass B] [--out FILE] RECORD", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of a member key of the grantee (it signs the request and, if it is an exchange key, opens the data key)")
	grant := fs.String("grant", "", "the grant to fetch under")
	btg := fs.String("break-glass", "", "the emergency access to fetch under")
	outFile := fs.String("out", "", "write the content here (default: the record's file name in the current directory)")
	var openWith cli.Multi
	fs.Var(&openWith, "open-with", "key file of another exchange key of the grantee; repeat for more")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	id, err := cli.OneArg(pos, "record", "dengta datashare fetch --key hospb.json --grant DG... DR...")
	if err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	openers := []Unwrapper{key}
	for _, f := range openWith {
		k, err := cli.LoadKey(f, cli.KeyPassphrase())
		if err != nil {
			return cli.KeyError(err, "check --open-with "+f)
		}
		openers = append(openers, client.KeyFrom(k))
	}
	got, err := Retrieve(ctx, c, key, id, *grant, *btg, openers...)
	if err != nil {
		return err
	}
	defer clear(got.Content)
	name := *outFile
	if name == "" {
		name = filepath.Base(got.Meta.Name)
		if name == "." || name == "/" || name == "" || strings.HasPrefix(name, ".") {
			name = got.Record.ID
		}
	}
	if err := os.WriteFile(name, got.Content, 0o600); err != nil {
		return cli.Fail(err.Error(), "give --out a path you can write")
	}
	fmt.Fprintf(out, "record %s (%s, %s) from %s: %d bytes, digest checked against the chain, written to %s\n", got.Record.ID, got.Record.Type, got.Meta.MediaType, got.Record.Owner, len(got.Content), name)
	return nil
}

func cliGrants(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare grants", "--key K (--owner ORG | --grantee ORG | --subject P | --device D)", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of a party's member key (grants are for their parties and overseers)")
	var p datashareapi.GrantsParams
	fs.StringVar(&p.Owner, "owner", "", "grants given by this organisation")
	fs.StringVar(&p.Grantee, "grantee", "", "grants to this organisation")
	fs.StringVar(&p.Subject, "subject", "", "grants on this patient's records")
	fs.StringVar(&p.Device, "device", "", "grants on this device's data")
	cli.PageFlags(fs, "grants", "number, patient, device, purpose, state or party (id or name)", datashareapi.MaxPage, datashareapi.MaxPage, &p.Q, &p.After, &p.Limit)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	page, err := client.Read(ctx, c.As(key), datashareapi.Grants, p)
	if err != nil {
		return err
	}
	for _, g := range page.Items {
		fmt.Fprintf(out, "%s  %s → %s  %-8s %-11s until %s  %d records%s\n", g.ID, g.Owner, g.Grantee, g.Purpose, g.State, g.End, len(g.Records)+len(g.Covered), standing(g.Standing))
		if recs := append(slices.Clone(g.Records), g.Covered...); len(recs) > 0 {
			fmt.Fprintf(out, "  records %s\n", strings.Join(recs, " "))
		}
	}
	if len(page.Items) == 0 {
		fmt.Fprintln(out, "no grants")
	}
	cli.PrintNext(out, page.Next)
	return nil
}

func standing(s bool) string {
	if s {
		return " (standing)"
	}
	return ""
}

func cliAudit(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare audit", "--key K (--record ID | --subject P | --device D | --org ORG | --owner ORG)", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of a member key (an owner reads the accesses to its records, a requester its own, overseers all)")
	asJSON := fs.Bool("json", false, "print the entries as JSON")
	var p datashareapi.AuditParams
	fs.StringVar(&p.Record, "record", "", "accesses to this record")
	fs.StringVar(&p.Subject, "subject", "", "accesses to this patient's records")
	fs.StringVar(&p.Device, "device", "", "accesses to this device's data")
	fs.StringVar(&p.Org, "org", "", "accesses by this organisation")
	fs.StringVar(&p.Owner, "owner", "", "accesses to this organisation's records")
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	var all []datashareapi.AuditEntry
	for {
		page, err := client.Read(ctx, c.As(key), datashareapi.AuditTrail, p)
		if err != nil {
			return err
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			break
		}
		p.After = page.Next
	}
	if *asJSON {
		return cli.PrintJSON(out, all)
	}
	for _, e := range all {
		reason := ""
		if e.Reason != "" {
			reason = " (" + e.Reason + ")"
		}
		fmt.Fprintf(out, "#%d %s  %s %s %s of %s's %s%s%s  height %d\n", e.Seq, e.Time, e.Org, e.Outcome, e.Event, e.Owner, e.Record, grantOf(e), reason, e.Height)
	}
	fmt.Fprintf(out, "%d accesses\n", len(all))
	return nil
}

func grantOf(e datashareapi.AuditEntry) string {
	switch {
	case e.Grant != "":
		return " under " + e.Grant
	case e.BreakGlass != "":
		return " in emergency " + e.BreakGlass
	}
	return ""
}

func cliConsent(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("datashare consent", "--key K GRANT", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of a party's member key")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	g, err := cli.OneArg(pos, "grant", "dengta datashare consent --key hospa.json DG20260301-...")
	if err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	var res map[string]any
	if err := c.As(key).Get(ctx, strings.Replace(datashareapi.GrantFHIR.Path, "{id}", url.PathEscape(g), 1), &res); err != nil {
		return err
	}
	return cli.PrintJSON(out, res)
}
