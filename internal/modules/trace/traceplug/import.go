package traceplug

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/internal/pages"
)

// maxImport bounds an EPCIS document the node converts.
const maxImport = 8 << 20

// ImportLine is how one event of an imported document fared.
type ImportLine = traceapi.ImportIssue

// runImport imports an EPCIS document as org, signing with key: the node
// converts and checks every event (as org would capture it, in order),
// then the events the check found ready are captured one by one. It
// returns a line per event of the document, in order, in lang. The hall's
// import page and `dengta trace import` both run it.
func runImport(ctx context.Context, c *client.Client, key *client.Key, org, lang string, doc []byte) ([]ImportLine, error) {
	res, err := client.Post(ctx, c, traceapi.ConvertEPCIS, traceapi.ConvertParams{Org: org, Lang: lang}, bytes.NewReader(doc), "application/ld+json")
	if err != nil {
		return nil, err
	}
	lines := res.Issues
	at := map[int]int{} // document index -> line
	for i, l := range lines {
		at[l.Index] = i
	}
	for k, ev := range res.Events {
		i, ok := at[res.Index[k]]
		if !ok || lines[i].Status != traceapi.ImportReady {
			continue
		}
		out, _, err := client.Send(ctx, c, key, traceapi.Capture, ev)
		var ce *client.Error
		switch {
		case err == nil:
			lines[i].Status, lines[i].Event = traceapi.ImportAccepted, out.EventID
		case errors.As(err, &ce):
			r := trace.ParseRefusal(errcode.Code(ce.Code), ce.Message)
			is := trace.IssueOf(lines[i].Index, lines[i].Path, lines[i].EventID, traceapi.ImportRefused, r, lang)
			lines[i] = is
		default:
			return lines, err
		}
	}
	return lines, nil
}

type importData struct {
	Lines            []ImportLine
	Accepted, Others int
	Recorded         int
	Error            string
}

func (s *tracePages) hallImport(p *pages.Page) error {
	p.Title = p.T("hi.title")
	p.Data = &importData{}
	return s.site.Render(p, "hall_import")
}

// hallImportRun imports the uploaded EPCIS document with the user's key
// and shows how each event fared, in the page's language.
func (s *tracePages) hallImportRun(p *pages.Page) error {
	p.Title = p.T("hi.title")
	d := &importData{}
	p.Data = d
	doc, err := httpapi.FormFile(p.R, "document", maxImport)
	if err != nil || doc == nil {
		d.Error = p.T("hi.nofile")
		p.Status = http.StatusBadRequest
		return s.site.Render(p, "hall_import")
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(p.R.Context(), 10*s.site.Timeout())
	defer cancel()
	lines, err := runImport(ctx, s.site.API(), key, p.User.Org, string(p.Lang), doc)
	if err != nil {
		d.Error = localAPIError(err, string(p.Lang))
		p.Status = http.StatusBadRequest
		return s.site.Render(p, "hall_import")
	}
	d.Lines = lines
	for _, l := range lines {
		switch l.Status {
		case traceapi.ImportAccepted:
			d.Accepted++
		case traceapi.ImportRecorded:
			d.Recorded++
		default:
			d.Others++
		}
	}
	return s.site.Render(p, "hall_import")
}
