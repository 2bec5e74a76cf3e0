package traceplug

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

//go:embed openapi.json
var openAPI []byte

const (
	exampleItem = "/01/06901234567892/21/SN0001"
	exampleLot  = "/01/06901234567892/10/L2026"
)

func (n *node) apiModule() *httpapi.Module {
	return &httpapi.Module{OpenAPI: openAPI, Routes: n.routes}
}

func (n *node) routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, traceapi.GetProduct, func(_ context.Context, p traceapi.IDParams) (*traceapi.Product, error) {
		id, err := httpapi.Required(p.ID, "id", "06901234567892")
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.GetProduct(v, id)
	})
	httpapi.Query(r, traceapi.GetLot, func(_ context.Context, p traceapi.IDParams) (*traceapi.Lot, error) {
		id, err := httpapi.Required(p.ID, "id", exampleLot)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.GetLot(v, id)
	})
	httpapi.Query(r, traceapi.GetItem, func(_ context.Context, p traceapi.EPCParams) (*traceapi.Object, error) {
		epc, err := httpapi.Required(p.EPC, "epc", exampleItem)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.Item(v, epc)
	})
	httpapi.Query(r, traceapi.GetJourney, func(_ context.Context, p traceapi.EPCParams) (*traceapi.JourneyResponse, error) {
		epc, err := httpapi.Required(p.EPC, "epc", exampleItem)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		j, err := trace.Journey(v, epc)
		if err != nil {
			return nil, err
		}
		return &traceapi.JourneyResponse{Height: v.Version(), EPC: epc, Events: j}, nil
	})
	httpapi.Query(r, traceapi.GetScanPage, func(ctx context.Context, p traceapi.EPCParams) (*traceapi.ScanPageResponse, error) {
		epc, err := httpapi.Required(p.EPC, "epc", exampleItem)
		if err != nil {
			return nil, err
		}
		return n.scanPage(ctx, env, epc)
	})
	httpapi.Query(r, traceapi.GetRecall, func(_ context.Context, p traceapi.RecallParams) (*traceapi.Impact, error) {
		id, err := httpapi.Required(cmpOr(p.ID, p.Lot), "id", exampleLot)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.RecallImpact(v, id)
	})
	httpapi.Query(r, traceapi.Certifications, func(ctx context.Context, p traceapi.SubjectParams) (*traceapi.CertificationsResponse, error) {
		now, err := env.BlockTime(ctx)
		if err != nil {
			return nil, err
		}
		subject, err := httpapi.Required(p.Subject, "subject", exampleLot)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		cs, err := trace.Certifications(v, subject, now)
		if err != nil {
			return nil, err
		}
		return &traceapi.CertificationsResponse{Height: v.Version(), Subject: subject, Items: cs}, nil
	})
	httpapi.Query(r, traceapi.GetEvent, func(_ context.Context, p traceapi.EventParams) (*traceapi.Event, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.GetEvent(v, p.ID)
	})
	httpapi.Query(r, traceapi.GetOwner, func(_ context.Context, p traceapi.OwnerParams) (*traceapi.OwnerResponse, error) {
		in, err := httpapi.Required(p.ID, "id", "/01/06901234567892")
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return owner(v, in)
	})
	httpapi.Query(r, traceapi.GetHoldings, func(_ context.Context, p traceapi.ClassParams) (*traceapi.HoldingsResponse, error) {
		class, err := httpapi.Required(p.Class, "class", exampleLot)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		hs, ts, err := trace.Holdings(v, class)
		if err != nil {
			return nil, err
		}
		return &traceapi.HoldingsResponse{Height: v.Version(), Class: class, Holdings: hs, Transits: ts}, nil
	})
	httpapi.Query(r, traceapi.Cities, func(context.Context, struct{}) (*traceapi.CitiesResponse, error) {
		return &traceapi.CitiesResponse{Cities: trace.AllCities()}, nil
	})
	httpapi.Raw(r, traceapi.QR, func(w http.ResponseWriter, req *http.Request) error { return qr(env, w, req) })
	httpapi.Raw(r, traceapi.ConvertEPCIS, func(w http.ResponseWriter, req *http.Request) error { return convertEPCIS(env, w, req) }, httpapi.Replayable, httpapi.MaxBody(maxImport))
	httpapi.Raw(r, traceapi.ExportEPCIS, func(w http.ResponseWriter, req *http.Request) error { return exportEPCIS(env, w, req) })
}

// owner answers who owns the GS1 prefix an identifier is under, and which
// registered party or place it names.
func owner(v *state.View, in string) (*traceapi.OwnerResponse, error) {
	out := &traceapi.OwnerResponse{Height: v.Version(), ID: in}
	var id trace.ID
	var err error
	if trace.IsPrefixDigits(in) {
		id = trace.ID{Digits: in}
	} else if id, err = trace.ConvertID("id", in); err != nil {
		return nil, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
	} else {
		out.ID = id.Path
	}
	if out.Prefix, err = trace.PrefixOf(v, id); err != nil {
		return nil, err
	}
	switch id.Kind {
	case trace.KindParty:
		if p, err := trace.GetParty(v, id.Path); err == nil {
			out.Party = p
		}
	case trace.KindLocation:
		if l, err := trace.GetLocation(v, id.Path); err == nil {
			out.Location = l
		}
	}
	if out.Prefix == nil && out.Party == nil && out.Location == nil {
		return nil, errcode.New(errcode.NotFound, "%s is under no GS1 prefix assigned on this chain", in)
	}
	return out, nil
}

// chain is what the scan page reads of the node: the API's environment and
// the pages' site both are one.
type chain interface {
	View(height int64) (*state.View, error)
	BlockTime(ctx context.Context) (time.Time, error)
}

// scanPage reads the scan page data of an item at the latest block, with
// the scans of it still waiting for their batch.
func (n *node) scanPage(ctx context.Context, env chain, epc string) (*traceapi.ScanPageResponse, error) {
	v, err := env.View(0)
	if err != nil {
		return nil, err
	}
	now, err := env.BlockTime(ctx)
	if err != nil {
		return nil, err
	}
	pg, err := trace.ScanPage(v, epc, now)
	if err != nil {
		return nil, err
	}
	resp := &traceapi.ScanPageResponse{Height: v.Version(), Page: pg}
	if b := n.batcher(); b != nil {
		resp.PendingScans = b.Pending(pg.EPC)
	}
	return resp, nil
}

// qr renders the QR code of an item's Digital Link URL, as PNG or SVG.
func qr(env httpapi.Env, w http.ResponseWriter, r *http.Request) error {
	var p traceapi.QRParams
	if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
		return err
	}
	epc, err := httpapi.Required(p.EPC, "epc", exampleItem)
	if err != nil {
		return err
	}
	id, err := trace.ParseEPC("epc", epc)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	// A label leads to the scan page: one for a code the chain never
	// issued would send the buyer to the counterfeit warning.
	v, err := env.View(0)
	if err != nil {
		return err
	}
	switch id.Kind {
	case trace.KindLot:
		_, err = trace.GetLot(v, id.Path)
	case trace.KindProduct:
		_, err = trace.GetProduct(v, id.Path)
	default:
		_, err = trace.Item(v, id.Path)
	}
	if err != nil {
		return err
	}
	link := env.PublicURL(id.Path)
	switch p.Format {
	case "svg":
		size := 240
		if r.URL.Query().Has("size") {
			if size = p.Size; size < 64 || size > 2048 {
				return errcode.New(errcode.BadRequest, "size must be 64 to 2048 pixels")
			}
		}
		b, err := qrcode.SVG(link, size)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		_, err = w.Write(b)
		return err
	case "", "png":
		scale := 8
		if r.URL.Query().Has("scale") {
			if scale = p.Scale; scale < 1 || scale > 32 {
				return errcode.New(errcode.BadRequest, "scale must be 1 to 32 pixels per module")
			}
		}
		b, err := qrcode.PNG(link, scale)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("X-Digital-Link", link)
		_, err = w.Write(b)
		return err
	default:
		return errcode.New(errcode.BadRequest, "format must be png or svg")
	}
}

// convertEPCIS converts a GS1 EPCIS 2.0 JSON-LD document (an
// EPCISDocument or EPCISQueryDocument) into capture bodies, one per event,
// and says how each event fares: not convertible (why, where, in the
// language asked for), or, when an organisation is named, checked in
// order against the latest state as that organisation would capture it
// (ready, already on chain, or refused and why). The client signs and
// submits the ready bodies (`dengta trace import` and the hall's import
// page do).
func convertEPCIS(env httpapi.Env, w http.ResponseWriter, r *http.Request) error {
	var p traceapi.ConvertParams
	if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
		return err
	}
	lang := p.Lang
	if lang != "" && lang != "zh" && lang != "en" {
		return errcode.New(errcode.BadRequest, "query parameter lang must be zh or en, got %q", clipped(lang))
	}
	if lang == "" {
		lang = "en"
		if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "zh") {
			lang = "zh"
		}
	}
	// Only JSON: a form or text/plain body is what another web site can
	// make a browser send without asking.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/ld+json" && mt != "application/json" {
		return errcode.New(errcode.BadRequest, "an EPCIS document is sent as application/ld+json (or application/json), not %q", mt)
	}
	doc, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxImport))
	if err != nil {
		return errcode.New(errcode.TooLarge, "an EPCIS document is at most 8 MiB here; split it")
	}
	events, index, issues, err := trace.ParseEPCIS(doc, lang)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	base := trace.DocumentBase(doc)
	var outcomes []error
	if p.Org != "" {
		v, err := env.View(0)
		if err != nil {
			return err
		}
		now, err := env.BlockTime(r.Context())
		if err != nil {
			return err
		}
		if outcomes, err = trace.CheckEvents(v, v.Version()+1, now, p.Org, events); err != nil {
			if code := errcode.Of(err); code != errcode.Internal {
				return errcode.New(errcode.BadRequest, "%s", trace.LocalMessage(err, lang))
			}
			return err
		}
	}
	for k, e := range events {
		path := fmt.Sprintf("%s[%d]", base, index[k])
		id := e.EventID
		if e.ErrorDeclaration != nil {
			id = e.ErrorDeclaration.Corrects
		}
		var err error
		if outcomes != nil {
			err = outcomes[k]
		}
		status := traceapi.ImportReady
		if err != nil {
			status = traceapi.ImportRefused
		}
		issues = append(issues, trace.IssueOf(index[k], path, id, status, err, lang))
	}
	slices.SortFunc(issues, func(a, b traceapi.ImportIssue) int { return a.Index - b.Index })
	if events == nil {
		events, index = []traceapi.EventInput{}, []int{}
	}
	if issues == nil {
		issues = []traceapi.ImportIssue{}
	}
	httpapi.WriteJSON(w, http.StatusOK, traceapi.EPCISResult{Events: events, Issues: issues, Index: index})
	return nil
}

// exportEPCIS answers an item's journey (epc) or a lot's events (lot) as
// an EPCIS 2.0 JSON-LD document.
func exportEPCIS(env httpapi.Env, w http.ResponseWriter, r *http.Request) error {
	var p traceapi.ExportParams
	if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
		return err
	}
	if (p.EPC == "") == (p.Lot == "") {
		return errcode.New(errcode.BadRequest, "give ?epc= (an item's journey) or ?lot= (a lot's events), e.g. ?epc=%s", exampleItem)
	}
	v, err := env.View(p.Height)
	if err != nil {
		return err
	}
	now, err := env.BlockTime(r.Context())
	if err != nil {
		return err
	}
	var doc []byte
	if p.EPC != "" {
		doc, err = trace.ExportItem(v, p.EPC, now)
	} else {
		doc, err = trace.ExportLot(v, p.Lot, now)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/ld+json")
	_, err = w.Write(doc)
	return err
}

// chinaTime is China Standard Time, in which scans are stamped.
var chinaTime = time.FixedZone("CST", 8*3600)

// maxEPCISDocument bounds an EPCIS document sent for import.
const maxEPCISDocument = 8 << 20

// clipped is at most 32 bytes of s, for quoting input back.
func clipped(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
