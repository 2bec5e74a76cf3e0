package traceplug

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"
)

const usage = `SUBCOMMAND ...

Product traceability (追溯) and QR codes:
  import --key K DOCUMENT.jsonld     capture every event of a GS1 EPCIS 2.0 document; reports each event
  qr [--format png|svg] --out FILE EPC   the QR label of an item (its GS1 Digital Link URL)
  journey EPC                        an item's journey
  scan-page EPC                      what the public scan page shows (without counting a scan)
  recall-impact LOT                  every lot and item derived from a lot`

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
		{Name: "import", Run: traceImport}, {Name: "qr", Run: traceQR},
		{Name: "journey", Run: read("journey")}, {Name: "scan-page", Run: read("scan-page")}, {Name: "recall-impact", Run: read("recall-impact")},
	}, args, out, errOut)
}

// ImportReport is what `dengta trace import` prints for each event.
type importLine struct {
	Index   int    `json:"index"`
	EventID string `json:"event_id,omitempty"`
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

func traceImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("trace import", "--key K DOCUMENT", errOut)
	node := cli.NodeFlag(fs)
	keyFile := fs.String("key", "", "key file of the capturing organisation's signer")
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
	conv, err := client.Post(ctx, c, traceapi.ConvertEPCIS, struct{}{}, bytes.NewReader(doc), "application/ld+json")
	if err != nil {
		var ce *client.Error
		if !errors.As(err, &ce) {
			return cli.Fail(err.Error(), "is the node running? start one with 'dengta dev', or set --node")
		}
		return err
	}
	// Events the node could convert keep their document order; the
	// issues name the others by index.
	var lines []importLine
	bad := map[int]bool{}
	for _, is := range conv.Issues {
		bad[is.Index] = true
		lines = append(lines, importLine{Index: is.Index, EventID: is.EventID, Message: "not converted: " + is.Message})
	}
	idx, committed := 0, 0
	for _, ev := range conv.Events {
		for bad[idx] {
			idx++
		}
		line := importLine{Index: idx, EventID: ev.EventID}
		_, rec, err := client.Send(ctx, c, key, traceapi.Capture, ev)
		switch {
		case err == nil:
			line.OK, line.Message = true, fmt.Sprintf("captured at height %d", rec.Height)
			committed++
		default:
			var ce *client.Error
			if !errors.As(err, &ce) {
				return err
			}
			line.Message = fmt.Sprintf("refused (%s): %s", ce.Name, ce.Message)
		}
		lines = append(lines, line)
		idx++
	}
	if *asJSON {
		cli.PrintJSON(out, lines)
	} else {
		for _, l := range lines {
			mark := "✓"
			if !l.OK {
				mark = "✗"
			}
			fmt.Fprintf(out, "%s event %d %s %s\n", mark, l.Index, l.EventID, l.Message)
		}
		fmt.Fprintf(out, "\n%d of %d events captured\n", committed, len(lines))
	}
	if committed != len(lines) {
		return &cli.UserError{Msg: fmt.Sprintf("%d events were not captured", len(lines)-committed), Hint: "fix the events marked ✗ and import them again", Code: 3}
	}
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
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Fail(fmt.Sprintf("trace %s takes one identifier", what), "identifiers are GS1 Digital Link paths, e.g. /01/06901234567892/21/SN0001")
	}
	c := cli.Client(*node)
	var v any
	switch what {
	case "journey":
		v, err = client.Read(ctx, c, traceapi.GetJourney, traceapi.EPCParams{EPC: pos[0]})
	case "scan-page":
		v, err = client.Read(ctx, c, traceapi.GetScanPage, traceapi.EPCParams{EPC: pos[0]})
	default:
		v, err = client.Read(ctx, c, traceapi.GetRecall, traceapi.LotParams{Lot: pos[0]})
	}
	if err != nil {
		return err
	}
	return cli.PrintJSON(out, v)
}
