package traceplug

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// maxImport bounds an EPCIS document the node converts.
const maxImport = 8 << 20

// ImportLine is how one event of an imported document fared.
type ImportLine = traceapi.ImportIssue

// runImport imports an EPCIS document as org, signing with key: the node
// converts and checks every event (as org would capture it, in order),
// then the events the check found ready are captured, in document order.
// It returns a line per event of the document, in order, in lang. The
// hall's import page and `dengta trace import` both run it.
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
	var ready []pendingEvent
	for k, ev := range res.Events {
		if i, ok := at[res.Index[k]]; ok && lines[i].Status == traceapi.ImportReady {
			ready = append(ready, pendingEvent{line: i, event: ev})
		}
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return lines, err
	}
	for stalled := 0; len(ready) > 0; {
		n := min(len(ready), importWindow)
		retry, err := captureWindow(ctx, c, key, chainID, lang, lines, ready[:n])
		if err != nil {
			return lines, err
		}
		if len(retry) == n {
			// Nothing went through: the mempool is full or another
			// signer races for the key's nonces.
			if stalled++; stalled > 50 {
				return lines, errors.New("the node keeps refusing the import's transactions (mempool full, or another process signing with the same key); try again later")
			}
		} else {
			stalled = 0
		}
		ready = append(retry, ready[n:]...)
	}
	return lines, nil
}

// importWindow is how many events an import has in flight at once.
const importWindow = 200

type pendingEvent struct {
	line  int
	event traceapi.EventInput
}

// captureWindow captures events pipelined: signed with consecutive nonces
// and handed to the mempool in order (so that blocks execute them in
// document order, as they were checked), then their commits awaited. The
// mempool's check of an event can miss the events just before it (its
// view of the state is reset at each commit and rebuilt by the recheck),
// so an event it refuses while events before it are in flight is returned
// to be signed again once they commit (with the events after it, which
// would leave a nonce gap); one it refuses with nothing before it in
// flight is refused.
func captureWindow(ctx context.Context, c *client.Client, key *client.Key, chainID, lang string, lines []ImportLine, evs []pendingEvent) ([]pendingEvent, error) {
	nonce, err := c.NextNonce(ctx, key.ID())
	if err != nil {
		return nil, err
	}
	refuse := func(i int, code uint32, msg string) {
		r := trace.ParseRefusal(errcode.Code(code), msg)
		lines[i] = trace.IssueOf(lines[i].Index, lines[i].Path, lines[i].EventID, traceapi.ImportRefused, r, lang)
	}
	type sent struct {
		line int
		hash string
	}
	var inFlight []sent
	var retry []pendingEvent
	for k, pe := range evs {
		body, err := json.Marshal(pe.event)
		if err != nil {
			return nil, err
		}
		raw, err := key.Sign(chainID, nonce, traceapi.Name, traceapi.Capture.Name, body)
		if err != nil {
			return nil, err
		}
		hash, err := c.SubmitAsync(ctx, raw)
		var ce *client.Error
		switch {
		case err == nil:
			inFlight = append(inFlight, sent{pe.line, hash})
			nonce++
			continue
		case errors.As(err, &ce) && (ce.Name == "nonce_replayed" || ce.Name == "nonce_gap" || ce.Name == "mempool_full"):
			// Another signer took the nonce, or the node is busy: sign
			// these again after a pause.
			time.Sleep(200 * time.Millisecond)
			retry = append(retry, evs[k:]...)
		case errors.As(err, &ce) && len(inFlight) > 0:
			// The mempool's check may have missed an event still in
			// flight that this one depends on (packing boxes just
			// commissioned): check it again once those commit.
			retry = append(retry, evs[k:]...)
		case errors.As(err, &ce):
			refuse(pe.line, ce.Code, ce.Message)
			retry = append(retry, evs[k+1:]...)
		default:
			return nil, err
		}
		break
	}
	for _, s := range inFlight {
		rec, err := waitTx(ctx, c, s.hash)
		if err != nil {
			return nil, err
		}
		if rec.Code != 0 {
			refuse(s.line, rec.Code, rec.Log)
			continue
		}
		var out traceapi.CaptureResult
		_ = json.Unmarshal(rec.Result, &out)
		lines[s.line].Status, lines[s.line].Event = traceapi.ImportAccepted, out.EventID
	}
	return retry, nil
}

// waitTx waits until the node has committed the transaction.
func waitTx(ctx context.Context, c *client.Client, hash string) (*client.TxRecord, error) {
	wait := 20 * time.Millisecond
	for {
		rec, err := c.Tx(ctx, hash)
		if err == nil {
			return rec, nil
		}
		if !client.IsCode(err, "not_found") {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("transaction %s not committed: %w", hash, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
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
	lines, err := runImport(ctx, s.site.API().As(key), key, p.User.Org, string(p.Lang), doc) // converting is for members
	if err != nil {
		d.Error = localAPIError(p, err)
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
