package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/dengta-chain/dengta/client"
)

const traceUsage = `SUBCOMMAND ...

Product traceability (追溯) and QR codes:
  import --key K DOCUMENT.jsonld     capture every event of a GS1 EPCIS 2.0 document; reports each event
  qr [--format png|svg] --out FILE EPC   the QR label of an item (its GS1 Digital Link URL)
  journey EPC                        an item's journey
  scan-page EPC                      what the public scan page shows (without counting a scan)
  recall-impact LOT                  every lot and item derived from a lot`

func runTrace(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return userError("trace needs a subcommand", "'dengta trace -h' lists them")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(errOut, "Usage: dengta trace %s\n", traceUsage)
		return nil
	}
	switch args[0] {
	case "import":
		return traceImport(ctx, args[1:], out, errOut)
	case "qr":
		return traceQR(ctx, args[1:], out, errOut)
	case "journey", "scan-page", "recall-impact":
		return traceRead(ctx, args[0], args[1:], out, errOut)
	}
	return userError(fmt.Sprintf("unknown trace subcommand %q", args[0]), "'dengta trace -h' lists them")
}

// ImportReport is what `dengta trace import` prints for each event.
type importLine struct {
	Index   int    `json:"index"`
	EventID string `json:"event_id,omitempty"`
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

func traceImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("trace import", "--key K DOCUMENT", errOut)
	node := nodeFlag(fs)
	keyFile := fs.String("key", "", "key file of the capturing organisation's signer")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return userError("trace import takes one EPCIS document", "dengta trace import --key KEY events.jsonld")
	}
	c, key, err := signer(*node, *keyFile)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(pos[0])
	if err != nil {
		return userError(err.Error(), "check the document path")
	}
	var conv struct {
		Events []json.RawMessage `json:"events"`
		Issues []struct {
			Index   int    `json:"index"`
			EventID string `json:"event_id"`
			Message string `json:"message"`
		} `json:"issues"`
	}
	if err := postJSON(ctx, *node, "/v1/trace/epcis", doc, &conv); err != nil {
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
		var meta struct {
			EventID string `json:"event_id"`
		}
		json.Unmarshal(ev, &meta)
		line := importLine{Index: idx, EventID: meta.EventID}
		rec, err := c.Do(ctx, key, "trace", "capture", ev)
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
		printJSON(out, lines)
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
		return &UserError{Msg: fmt.Sprintf("%d events were not captured", len(lines)-committed), Hint: "fix the events marked ✗ and import them again", Code: 3}
	}
	return nil
}

// postJSON posts a body to the node and decodes the JSON answer.
func postJSON(ctx context.Context, node, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, trimURL(node)+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/ld+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return userError(err.Error(), "is the node running? start one with 'dengta dev', or set --node")
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error client.Error `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Name != "" {
			return &e.Error
		}
		return fmt.Errorf("node answered %s", resp.Status)
	}
	return json.Unmarshal(data, out)
}

func traceQR(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("trace qr", "[--format png|svg] --out FILE EPC", errOut)
	node := nodeFlag(fs)
	format := fs.String("format", "png", "png or svg")
	outFile := fs.String("out", "", "file to write the QR code to")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *outFile == "" {
		return userError("trace qr needs --out FILE and one item code", "dengta trace qr --out sn0001.png /01/06901234567892/21/SN0001")
	}
	var raw []byte
	q := url.Values{"epc": {pos[0]}, "format": {*format}}
	if err := client.New(trimURL(*node)).Get(ctx, "/v1/trace/qr?"+q.Encode(), &raw); err != nil {
		return err
	}
	if err := os.WriteFile(*outFile, raw, 0o644); err != nil {
		return userError(err.Error(), "choose another --out path")
	}
	fmt.Fprintf(out, "wrote %s\n", *outFile)
	return nil
}

func traceRead(ctx context.Context, what string, args []string, out, errOut io.Writer) error {
	fs := newFlags("trace "+what, "ID", errOut)
	node := nodeFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return userError(fmt.Sprintf("trace %s takes one identifier", what), "identifiers are GS1 Digital Link paths, e.g. /01/06901234567892/21/SN0001")
	}
	param := map[string]string{"journey": "epc", "scan-page": "epc", "recall-impact": "lot"}[what]
	var v any
	if err := client.New(trimURL(*node)).Get(ctx, "/v1/trace/"+what+"?"+url.Values{param: {pos[0]}}.Encode(), &v); err != nil {
		return err
	}
	return printJSON(out, v)
}
