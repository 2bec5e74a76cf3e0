package traceplug

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

const usage = `SUBCOMMAND ...

Product traceability (追溯) and QR codes:
  import --key K DOCUMENT.jsonld     capture every event of a GS1 EPCIS 2.0 document; reports each event
                                     (captured, already on chain, or refused and why; --lang zh|en)
  export [--lot] [--out FILE] ID     an item's journey (or a lot's events) as an EPCIS 2.0 document
  qr [--format png|svg] --out FILE EPC   the QR label of an item (its GS1 Digital Link URL)
  journey EPC                        an item's journey
  scan-page EPC                      what the public scan page shows (without counting a scan)
  recall-impact --key K ID           everything a recall of an item, container, lot or product reaches (members)`

// commands is `dengta trace`.
func commands() []cli.Command {
	return []cli.Command{{Name: "trace", Summary: "product traceability: EPCIS import, QR labels, journeys", Run: run}}
}

func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	read := func(what string) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(ctx context.Context, args []string, out, errOut io.Writer) error {
			return traceRead(ctx, what, args, out, errOut)
		}
	}
	return cli.Dispatch(ctx, "trace", usage, []cli.Sub{
		{Name: "import", Run: traceImport}, {Name: "export", Run: traceExport}, {Name: "qr", Run: traceQR},
		{Name: "journey", Run: read("journey")}, {Name: "scan-page", Run: read("scan-page")}, {Name: "recall-impact", Run: read("recall-impact")},
	}, args, out, errOut)
}

func traceImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trace import", "--key K DOCUMENT", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the capturing organisation's signer")
	lang := fs.String("lang", "", "language of the report: zh or en (default: from $LANG)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail("trace import takes one EPCIS document", "dengta trace import --key KEY events.jsonld")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(pos[0])
	if err != nil {
		return cli.Fail(err.Error(), "check the document path")
	}
	var signer struct {
		Org string `json:"org"`
	}
	if err := c.Get(ctx, "/v1/keys/"+url.PathEscape(key.ID()), &signer); err != nil {
		var ce *client.Error
		if !errors.As(err, &ce) {
			return cli.Fail(err.Error(), "is the node running? start one with 'dengta dev', or set --node")
		}
		return cli.Fail("the key "+key.ID()+" is not registered on this chain: "+ce.Message, "register it with 'dengta org key add', or use another --key")
	}
	l := *lang
	if l == "" {
		l = "en"
		if strings.HasPrefix(os.Getenv("LANG"), "zh") {
			l = "zh"
		}
	}
	if importWords[l] == nil {
		return cli.Fail(fmt.Sprintf("--lang %q: the report is in zh or en", l), "dengta trace import --lang zh --key KEY events.jsonld")
	}
	lines, err := runImport(ctx, c, key, signer.Org, l, doc)
	if err != nil {
		var ce *client.Error
		if !errors.As(err, &ce) {
			return cli.Fail(err.Error(), "is the node running? start one with 'dengta dev', or set --node")
		}
		return err
	}
	counts := map[string]int{}
	for _, line := range lines {
		counts[line.Status]++
	}
	if *asJSON {
		if err := cli.PrintJSON(out, lines); err != nil {
			return err
		}
	} else {
		for _, line := range lines {
			mark := "✗"
			switch line.Status {
			case traceapi.ImportAccepted:
				mark = "✓"
			case traceapi.ImportRecorded:
				mark = "="
			}
			fmt.Fprintf(out, "%s %s %d %s %s", mark, importWords[l]["event"], line.Index, line.EventID, importStatus(l, line.Status))
			if line.Code != "" {
				fmt.Fprintf(out, " (%s/%s)", line.Code, line.Reason)
			}
			if line.Path != "" {
				fmt.Fprintf(out, " at %s", line.Path)
			}
			if line.Message != "" {
				fmt.Fprintf(out, ": %s", line.Message)
			}
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "\n"+importWords[l]["summary"]+"\n", counts[traceapi.ImportAccepted], len(lines), counts[traceapi.ImportRecorded])
	}
	if failed := len(lines) - counts[traceapi.ImportAccepted] - counts[traceapi.ImportRecorded]; failed > 0 {
		return &cli.UserError{Msg: fmt.Sprintf(importWords[l]["failed"], failed), Hint: importWords[l]["hint"], Code: 3}
	}
	return nil
}

// importWords are the words of an import's report, by --lang.
var importWords = map[string]map[string]string{
	"en": {
		"event": "event", "summary": "%d of %d events captured, %d already on chain", "failed": "%d events were not captured",
		"hint":                    "fix the events marked ✗ and import the document again: events already on chain are reported as such",
		traceapi.ImportAccepted:   "accepted",
		traceapi.ImportRecorded:   "already_recorded",
		traceapi.ImportReady:      "ready",
		traceapi.ImportRefused:    "refused",
		traceapi.ImportUnreadable: "not_converted",
	},
	"zh": {
		"event": "事件", "summary": "已上链 %d 个事件（共 %d 个），%d 个此前已在链上", "failed": "%d 个事件未能上链",
		"hint":                    "请修正标记为 ✗ 的事件后重新导入该文档：已在链上的事件会标出，不会重复记录",
		traceapi.ImportAccepted:   "已上链",
		traceapi.ImportRecorded:   "此前已在链上",
		traceapi.ImportReady:      "可以上链",
		traceapi.ImportRefused:    "被拒绝",
		traceapi.ImportUnreadable: "无法转换",
	},
}

// importStatus is an event's status in the report's language; one the
// words do not name is said as the API says it.
func importStatus(lang, status string) string {
	if w, ok := importWords[lang][status]; ok {
		return w
	}
	return status
}

// traceExport writes an item's journey or a lot's events as an EPCIS 2.0
// JSON-LD document.
func traceExport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trace export", "[--lot] ID", errOut)
	node := cli.NodeFlag(fs)
	lot := fs.Bool("lot", false, "ID is a lot: export every event of the lot")
	outFile := fs.String("out", "", "file to write the document to (default: standard output)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail("trace export takes one identifier", "dengta trace export /01/06901234567892/21/SN0001, or --lot /01/06901234567892/10/L2026")
	}
	p := traceapi.ExportParams{EPC: pos[0]}
	if *lot {
		p = traceapi.ExportParams{Lot: pos[0]}
	}
	doc, err := client.Read(ctx, cli.Client(*node), traceapi.ExportEPCIS, p)
	if err != nil {
		return err
	}
	if *outFile == "" {
		_, err = out.Write(append(*doc, '\n'))
		return err
	}
	if err := os.WriteFile(*outFile, *doc, 0o644); err != nil {
		return cli.Fail(err.Error(), "choose another --out path")
	}
	fmt.Fprintf(out, "wrote %s\n", *outFile)
	return nil
}

func traceQR(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trace qr", "[--format png|svg] --out FILE EPC", errOut)
	node := cli.NodeFlag(fs)
	format := fs.String("format", "png", "png or svg")
	outFile := fs.String("out", "", "file to write the QR code to")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *outFile == "" {
		return cli.Fail("trace qr needs --out FILE and one item code", "dengta trace qr --out sn0001.png /01/06901234567892/21/SN0001")
	}
	raw, err := client.Read(ctx, cli.Client(*node), traceapi.QR, traceapi.QRParams{EPC: pos[0], Format: *format})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*outFile, *raw, 0o644); err != nil {
		return cli.Fail(err.Error(), "choose another --out path")
	}
	fmt.Fprintf(out, "wrote %s\n", *outFile)
	return nil
}

func traceRead(ctx context.Context, what string, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trace "+what, "ID", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "a member's key file, to read what is for members (recall-impact)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail(fmt.Sprintf("trace %s takes one identifier", what), "identifiers are GS1 Digital Link paths, e.g. /01/06901234567892/21/SN0001")
	}
	c := cli.Client(*node)
	if *keyFile != "" {
		if c, _, err = cli.Signer(*node, *keyFile); err != nil {
			return err
		}
	} else if what == "recall-impact" {
		return cli.Fail("recall impact says who holds the goods: it is for members", "give a member's key: dengta trace recall-impact --key KEY "+pos[0])
	}
	var v any
	switch what {
	case "journey":
		v, err = client.Read(ctx, c, traceapi.GetJourney, traceapi.EPCParams{EPC: pos[0]})
	case "scan-page":
		v, err = client.Read(ctx, c, traceapi.GetScanPage, traceapi.EPCParams{EPC: pos[0]})
	default:
		v, err = client.Read(ctx, c, traceapi.GetRecall, traceapi.RecallParams{ID: pos[0]})
	}
	if err != nil {
		return err
	}
	return cli.PrintJSON(out, v)
}
