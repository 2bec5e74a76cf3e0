package notaryplug

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

const usage = `SUBCOMMAND ...

Evidence preservation (存证) and copyright registration:
  deposit --key K [--type T] [--description D] [--supplements ID] [--source-url U] [--tool T] [--captured-at TIME] [--no-upload] FILE
  batch --key K --out DIR [--label L] FILE...      one transaction for many files; writes a receipt per file
  certificate [--out FILE] EVIDENCE_ID             the evidence certificate (a proof bundle)
  certificate --receipt RECEIPT [--out FILE]       the certificate of a batch item
  find --key K FILE                                evidence records of a file (for members: sign with a member key)
  show ID                                          an evidence (EV…), batch (BA…) or work (WK…) record
  register-work --key K --title T --author A [--author B] --created-on YYYY-MM-DD --license L --type T [--evidence ID] FILE
  transfer-work --key K --to ORG [--note N] WORK_ID
  license-work --key K --licensee ORG --terms T --from YYYY-MM-DD [--until YYYY-MM-DD] [--exclusive] WORK_ID

Copyright disputes (a later registration of a file another organisation registered first):
  disputes [--status open|resolved]                 the disputes, by disputed registration
  resolve-dispute --key K --prevailing WORK_ID --reference 案号 [--note N] WORK_ID    a court's judgment
  propose-settlement --key K --prevailing WORK_ID --terms T WORK_ID                  by either owner
  accept-settlement --key K [--seq N] WORK_ID       accept the other owner's standing proposal`

// commands is `dengta notary`.
func commands() []cli.Command {
	return []cli.Command{{Name: "notary", Summary: "preserve evidence (存证), register copyright, get certificates", Run: run}}
}

func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "notary", usage, []cli.Sub{
		{Name: "deposit", Run: notaryDeposit}, {Name: "batch", Run: notaryBatch}, {Name: "certificate", Run: notaryCertificate},
		{Name: "find", Run: notaryFind}, {Name: "show", Run: notaryShow}, {Name: "register-work", Run: notaryRegisterWork},
		{Name: "transfer-work", Run: notaryTransferWork}, {Name: "license-work", Run: notaryLicenseWork},
		{Name: "disputes", Run: notaryDisputes}, {Name: "resolve-dispute", Run: notaryResolveDispute},
		{Name: "propose-settlement", Run: notaryProposeSettlement}, {Name: "accept-settlement", Run: notaryAcceptSettlement},
	}, args, out, errOut)
}

func notaryDeposit(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary deposit", "--key K [flags] FILE", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the depositor")
	typ := fs.String("type", "document", "evidence type: document, contract, invoice, image, audio, video, webpage, email, chat, code, data or other")
	desc := fs.String("description", "", "what the evidence is")
	supp := fs.String("supplements", "", "evidence id this file supplements")
	src := fs.String("source-url", "", "where the evidence was captured")
	tool := fs.String("tool", "", "capture tool")
	at := fs.String("captured-at", "", "capture time, RFC 3339")
	noUpload := fs.Bool("no-upload", false, "only hash the file; do not store it on the node")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail("notary deposit takes one file", "dengta notary deposit --key KEY contract.pdf")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	d := notaryapi.DepositBody{EvidenceType: *typ, Description: *desc, Supplements: *supp}
	if *src != "" || *tool != "" || *at != "" {
		d.Capture = &notaryapi.CaptureBody{SourceURL: *src, Tool: *tool, CapturedAt: *at}
	}
	res, rec, err := FileDeposit(ctx, c, key, pos[0], d, !*noUpload)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return cli.Fail(err.Error(), "check the file path")
		}
		return err
	}
	name := filepath.Base(pos[0])
	if !res.Existing {
		fmt.Fprintf(out, "%s preserved\nevidence id (存证编号): %s\ncommitted at height %d, tx %s\n", name, res.EvidenceID, rec.Height, rec.Hash)
	} else {
		writeExisting(ctx, out, c.As(key), name, res.EvidenceID, d, rec)
	}
	fmt.Fprintf(out, "certificate: dengta notary certificate --out %s.json %s\n", res.EvidenceID, res.EvidenceID)
	return nil
}

// writeExisting reports a deposit of a file the organisation had preserved
// already: the chain kept the earlier record as it was, so the user is
// told where and when that record was made, and which of the details given
// now it does not hold (they were not recorded).
func writeExisting(ctx context.Context, out io.Writer, c *client.Client, name, id string, d notaryapi.DepositBody, rec *client.TxRecord) {
	fmt.Fprintf(out, "%s was already preserved: nothing new was recorded\nevidence id (存证编号): %s\n", name, id)
	var resp notaryapi.EvidenceResponse
	err := c.Get(ctx, "/v1/notary/evidence/"+id, &resp)
	if err == nil && resp.Evidence == nil {
		err = errors.New("the answer holds no record")
	}
	if err != nil {
		fmt.Fprintf(out, "the earlier record: dengta notary show %s (it could not be read now: %v)\n", id, err)
	} else {
		ev := resp.Evidence
		fmt.Fprintf(out, "preserved at height %d, %s\n", ev.Height, ev.Time)
		if differ := ignoredDetails(d, ev); len(differ) > 0 {
			fmt.Fprintf(out, "not recorded: the %s given now; the record keeps its own (dengta notary show %s)\n", strings.Join(differ, ", "), id)
		}
	}
	fmt.Fprintf(out, "this request's transaction (it changed no record): height %d, tx %s\n", rec.Height, rec.Hash)
}

// ignoredDetails names the details of d that the existing record ev does
// not hold as given.
func ignoredDetails(d notaryapi.DepositBody, ev *notaryapi.Evidence) []string {
	var out []string
	if d.EvidenceType != ev.EvidenceType {
		out = append(out, fmt.Sprintf("type %q (recorded: %q)", d.EvidenceType, ev.EvidenceType))
	}
	if d.Description != "" && d.Description != ev.Description {
		out = append(out, "description")
	}
	if d.Supplements != "" && d.Supplements != ev.Supplements {
		out = append(out, "supplements")
	}
	if d.Capture != nil && (ev.Capture == nil || d.Capture.SourceURL != ev.Capture.SourceURL || d.Capture.Tool != ev.Capture.Tool || d.Capture.CapturedAt != ev.Capture.CapturedAt) {
		out = append(out, "capture details")
	}
	return out
}

func notaryBatch(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary batch", "--key K --out DIR [--label L] FILE...", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the depositor")
	dir := fs.String("out", "", "directory for the receipts (one FILE.receipt.json per file)")
	label := fs.String("label", "", "a label for the batch")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || *dir == "" {
		return cli.Fail("notary batch needs --out DIR and at least one file", "dengta notary batch --key KEY --out receipts/ photos/*.jpg")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	items := make([]batch.Item, len(pos))
	for i, p := range pos {
		f, err := os.Open(p)
		if err != nil {
			return cli.Fail(err.Error(), "check the file paths")
		}
		it := batch.Item{Name: filepath.Base(p), MediaType: client.MediaType(p)}
		it.SHA256, it.SM3, it.Size, err = batch.HashReader(f)
		f.Close()
		if err != nil {
			return err
		}
		items[i] = it
	}
	res, err := BatchDeposit(ctx, c, key, items, *label)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return cli.Fail(err.Error(), "choose another --out directory")
	}
	for i, r := range res.Receipts {
		raw, _ := json.MarshalIndent(r, "", "  ")
		name := filepath.Join(*dir, fmt.Sprintf("%04d-%s.receipt.json", i, filepath.Base(pos[i])))
		if err := os.WriteFile(name, append(raw, '\n'), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "batch %s: %d files in one transaction at height %d\nreceipts in %s\ncertificate of an item: dengta notary certificate --receipt %s\n",
		res.BatchID, len(pos), res.Tx.Height, *dir, filepath.Join(*dir, fmt.Sprintf("0000-%s.receipt.json", filepath.Base(pos[0]))))
	return nil
}

func notaryCertificate(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary certificate", "[--out FILE] EVIDENCE_ID | --receipt RECEIPT [--out FILE]", errOut)
	node := cli.NodeFlag(fs)
	outFile := fs.String("out", "", "write the certificate to this file (default: standard output)")
	receipt := fs.String("receipt", "", "receipt of a batch item (from 'dengta notary batch')")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	c := cli.Client(*node)
	var raw []byte
	switch {
	case *receipt != "" && len(pos) == 0:
		rb, err := os.ReadFile(*receipt)
		if err != nil {
			return cli.Fail(err.Error(), "check the --receipt path")
		}
		var r batch.Receipt
		if err := json.Unmarshal(rb, &r); err != nil {
			return cli.Fail("the receipt is not valid JSON: "+err.Error(), "receipts are written by 'dengta notary batch'")
		}
		if raw, err = BatchItemCertificate(ctx, c, &r); err != nil {
			return err
		}
	case *receipt == "" && len(pos) == 1:
		cert, err := client.Read(ctx, c, notaryapi.EvidenceCertificate, notaryapi.CertificateParams{ID: pos[0]})
		if err != nil {
			return err
		}
		raw = *cert
	default:
		return cli.Fail("give one evidence id, or --receipt", "dengta notary certificate --out cert.json EV20261121-…")
	}
	if *outFile == "" {
		_, err = out.Write(raw)
		return err
	}
	if err := os.WriteFile(*outFile, raw, 0o644); err != nil {
		return cli.Fail(err.Error(), "choose another --out path")
	}
	fmt.Fprintf(out, "wrote %s\nverify offline: dengta verify --bundle %s --file EVIDENCE --trust GENESIS.json\n", *outFile, *outFile)
	return nil
}

func notaryFind(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary find", "--key K FILE", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of a member's signer: the records of a file are for members (anyone may check one file at /verify)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail("notary find takes one file", "dengta notary find --key ~/.dengta/dev/keys/coop-admin.json contract.pdf")
	}
	if *keyFile == "" {
		return cli.Fail("the evidence records of a file are for members: --key is required", "dengta notary find --key ~/.dengta/dev/keys/coop-admin.json "+pos[0]+" (anyone can check a file against one record at the node's /verify page)")
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return cli.Fail(err.Error(), "check the file path")
	}
	sha, _, _, err := batch.HashReader(f)
	f.Close()
	if err != nil {
		return err
	}
	// The node looks the hash up among SHA-256 and SM3 digests alike.
	page, err := client.Read(ctx, c, notaryapi.FindEvidence, notaryapi.HashParams{SHA256: sha})
	if err != nil {
		return err
	}
	items := page.Items
	if len(items) == 0 {
		fmt.Fprintf(out, "no evidence record of %s (sha256 %s)\n", pos[0], sha)
		return &cli.UserError{Msg: "not preserved on this chain", Code: 3}
	}
	return cli.PrintJSON(out, items)
}

func notaryShow(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary show", "ID", errOut)
	node := cli.NodeFlag(fs)
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail("notary show takes one id", "dengta notary show EV20261121-…")
	}
	id := pos[0]
	var path string
	switch {
	case strings.HasPrefix(id, "EV"):
		path = "/v1/notary/evidence/"
	case strings.HasPrefix(id, "BA"):
		path = "/v1/notary/batches/"
	case strings.HasPrefix(id, "WK"):
		path = "/v1/notary/works/"
	default:
		return cli.Fail(fmt.Sprintf("%q is not an evidence (EV…), batch (BA…) or work (WK…) id", id), "ids look like EV20261121-0123456789ABCDEF0123")
	}
	var v any
	if err := cli.Client(*node).Get(ctx, path+id, &v); err != nil {
		return err
	}
	return cli.PrintJSON(out, v)
}

func notaryRegisterWork(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary register-work", "--key K --title T --author A --created-on D --license L --type T FILE", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the owner organisation's signer")
	title := fs.String("title", "", "title of the work")
	var authors cli.Multi
	fs.Var(&authors, "author", "an author (repeat for several)")
	created := fs.String("created-on", "", "creation date, YYYY-MM-DD")
	license := fs.String("license", "all-rights-reserved", "licence, e.g. all-rights-reserved or CC-BY-4.0")
	typ := fs.String("type", "other", "work type: literary, music, art, photo, film, software, design or other")
	evidence := fs.String("evidence", "", "evidence id of the preserved file, if any")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail("notary register-work takes the work's file", "dengta notary register-work --key KEY --title 梨花 --author 张三 --created-on 2026-03-01 --type photo pear.jpg")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return cli.Fail(err.Error(), "check the file path")
	}
	sha, sm, _, err := batch.HashReader(f)
	f.Close()
	if err != nil {
		return err
	}
	res, rec, err := client.Send(ctx, c, key, notaryapi.RegisterWork, notaryapi.RegisterWorkBody{
		Title: *title, Authors: authors, CreatedOn: *created, License: *license, WorkType: *typ,
		SHA256: sha, SM3: sm, EvidenceID: *evidence,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "work %s registered at height %d: status %s\n", res.WorkID, rec.Height, res.Status)
	if res.ConflictsWith != "" {
		fmt.Fprintf(out, "CONFLICT: the same file was registered first by another owner as %s\n", res.ConflictsWith)
	}
	return nil
}

func notaryTransferWork(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary transfer-work", "--key K --to ORG WORK_ID", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the owner's signer")
	to := fs.String("to", "", "organisation id of the new owner")
	note := fs.String("note", "", "a note on the transfer")
	return workAction(ctx, fs, args, out, node, keyFile, notaryapi.TransferWork.Name, func(c *client.Client, key *client.Key, id string) (*client.TxRecord, error) {
		_, rec, err := client.Send(ctx, c, key, notaryapi.TransferWork, notaryapi.TransferWorkBody{WorkID: id, To: *to, Note: *note})
		return rec, err
	})
}

func notaryLicenseWork(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary license-work", "--key K --licensee ORG --terms T --from D [--until D] [--exclusive] WORK_ID", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the owner's signer")
	licensee := fs.String("licensee", "", "organisation id of the licensee")
	terms := fs.String("terms", "", "licence terms")
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	until := fs.String("until", "", "last day, YYYY-MM-DD (default: open-ended)")
	exclusive := fs.Bool("exclusive", false, "an exclusive licence")
	return workAction(ctx, fs, args, out, node, keyFile, notaryapi.LicenseWork.Name, func(c *client.Client, key *client.Key, id string) (*client.TxRecord, error) {
		_, rec, err := client.Send(ctx, c, key, notaryapi.LicenseWork, notaryapi.LicenseWorkBody{WorkID: id, Licensee: *licensee, Terms: *terms, From: *from, Until: *until, Exclusive: *exclusive})
		return rec, err
	})
}

func workAction(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer, node, keyFile *string, action string, send func(c *client.Client, key *client.Key, id string) (*client.TxRecord, error)) error {
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail(fmt.Sprintf("notary %s takes one work id", strings.ReplaceAll(action, "_", "-")), "dengta notary show WK… shows a work")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	rec, err := send(c, key, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: committed at height %d, tx %s\n", strings.ReplaceAll(action, "_", " "), rec.Height, rec.Hash)
	return nil
}

func notaryDisputes(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary disputes", "[--status open|resolved]", errOut)
	node := cli.NodeFlag(fs)
	status := fs.String("status", "", "open or resolved (default: every dispute)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return cli.Fail("notary disputes takes no arguments", "dengta notary disputes --status open")
	}
	page, err := client.Read(ctx, cli.Client(*node), notaryapi.ListDisputes, notaryapi.DisputeParams{Status: *status})
	if err != nil {
		return err
	}
	if len(page.Items) == 0 {
		fmt.Fprintln(out, "no disputes")
		return nil
	}
	for _, d := range page.Items {
		fmt.Fprintf(out, "%s  %-8s  disputes %s", d.WorkID, d.Status, d.FirstWork)
		switch {
		case d.Resolution != nil:
			fmt.Fprintf(out, "  %s prevails (%s by %s", d.Resolution.Prevailing, d.Resolution.Basis, d.Resolution.By.Org)
			if d.Resolution.Reference != "" {
				fmt.Fprintf(out, ", %s", d.Resolution.Reference)
			}
			fmt.Fprint(out, ")")
		case d.Proposal != nil:
			fmt.Fprintf(out, "  settlement proposed by %s (entry %d): %s prevails", d.Proposal.ProposedBy.Org, d.Proposal.Seq, d.Proposal.Prevailing)
		}
		fmt.Fprintln(out)
	}
	return nil
}

func notaryResolveDispute(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary resolve-dispute", "--key K --prevailing WORK_ID --reference 案号 [--note N] WORK_ID", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the court's signer")
	prevailing := fs.String("prevailing", "", "the registration the judgment upholds: the disputed one or the first")
	reference := fs.String("reference", "", "the judgment's case number (案号)")
	note := fs.String("note", "", "a note on the judgment")
	return disputeAction(ctx, fs, args, out, node, keyFile, notaryapi.ResolveDispute.Name, func(c *client.Client, key *client.Key, id string) (*notaryapi.DisputeResult, *client.TxRecord, error) {
		return client.Send(ctx, c, key, notaryapi.ResolveDispute, notaryapi.ResolveDisputeBody{WorkID: id, Prevailing: *prevailing, Reference: *reference, Note: *note})
	})
}

func notaryProposeSettlement(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary propose-settlement", "--key K --prevailing WORK_ID --terms T WORK_ID", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of either owner's signer")
	prevailing := fs.String("prevailing", "", "the registration both parties will recognise: the disputed one or the first")
	terms := fs.String("terms", "", "the terms of the settlement")
	return disputeAction(ctx, fs, args, out, node, keyFile, notaryapi.ProposeSettlement.Name, func(c *client.Client, key *client.Key, id string) (*notaryapi.DisputeResult, *client.TxRecord, error) {
		return client.Send(ctx, c, key, notaryapi.ProposeSettlement, notaryapi.SettlementBody{WorkID: id, Prevailing: *prevailing, Terms: *terms})
	})
}

func notaryAcceptSettlement(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("notary accept-settlement", "--key K [--seq N] WORK_ID", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the other owner's signer")
	seq := fs.Uint64("seq", 0, "the log entry of the proposal accepted (default: the standing proposal, shown first)")
	return disputeAction(ctx, fs, args, out, node, keyFile, notaryapi.AcceptSettlement.Name, func(c *client.Client, key *client.Key, id string) (*notaryapi.DisputeResult, *client.TxRecord, error) {
		if *seq == 0 {
			w, err := client.Read(ctx, c, notaryapi.GetWork, notaryapi.IDParams{ID: id})
			if err != nil {
				return nil, nil, err
			}
			for _, d := range w.DisputeRecords {
				if d.WorkID == id && d.Proposal != nil {
					*seq = d.Proposal.Seq
					fmt.Fprintf(out, "accepting the proposal of %s (entry %d): %s prevails; terms: %s\n", d.Proposal.ProposedBy.Org, d.Proposal.Seq, d.Proposal.Prevailing, d.Proposal.Terms)
				}
			}
			if *seq == 0 {
				return nil, nil, cli.Fail(fmt.Sprintf("no settlement of the dispute of %s is proposed", id), "the other owner proposes first: dengta notary propose-settlement")
			}
		}
		return client.Send(ctx, c, key, notaryapi.AcceptSettlement, notaryapi.AcceptSettlementBody{WorkID: id, ProposalSeq: *seq})
	})
}

func disputeAction(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer, node, keyFile *string, action string,
	send func(c *client.Client, key *client.Key, id string) (*notaryapi.DisputeResult, *client.TxRecord, error)) error {
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail(fmt.Sprintf("notary %s takes the disputed registration's work id", strings.ReplaceAll(action, "_", "-")), "dengta notary disputes --status open lists them")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	res, rec, err := send(c, key, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: committed at height %d, tx %s\n", strings.ReplaceAll(action, "_", " "), rec.Height, rec.Hash)
	if res.Status == notaryapi.DisputeOpen {
		fmt.Fprintf(out, "settlement proposed (entry %d): %s would prevail\nthe other owner accepts it with: dengta notary accept-settlement --key KEY --seq %d %s\n", res.Seq, res.Prevailing, res.Seq, res.WorkID)
		return nil
	}
	fmt.Fprintf(out, "the dispute of %s is resolved: %s prevails\n", res.WorkID, res.Prevailing)
	return nil
}
