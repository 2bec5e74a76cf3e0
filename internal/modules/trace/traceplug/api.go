package traceplug

import (
	"context"
	_ "embed"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/modules/trace/scanbatch"
	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/internal/state"
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
		prod, err := trace.ParseProduct("id", id)
		if err != nil {
			return nil, errcode.New(errcode.BadRequest, "%v", err)
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.GetProduct(v, prod)
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
	httpapi.Query(r, traceapi.GetRecall, func(_ context.Context, p traceapi.LotParams) (*traceapi.Impact, error) {
		lot, err := httpapi.Required(p.Lot, "lot", exampleLot)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trace.RecallImpact(v, lot)
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
	httpapi.Raw(r, traceapi.QR, func(w http.ResponseWriter, req *http.Request) error { return qr(env, w, req) })
	httpapi.Raw(r, traceapi.PostScan, func(w http.ResponseWriter, req *http.Request) error { return n.recordScan(env, w, req) })
	httpapi.Raw(r, traceapi.ConvertEPCIS, convertEPCIS, httpapi.MaxBody(maxEPCISDocument))
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

// recordScan queues one public scan for the next batch.
func (n *node) recordScan(env httpapi.Env, w http.ResponseWriter, r *http.Request) error {
	var req traceapi.ScanRequest
	if err := httpapi.DecodeJSON(r, &req, 4<<10); err != nil {
		return err
	}
	b := n.batcher()
	if b == nil {
		return errcode.New(errcode.Unavailable, "this node records no scans (it has no operator key)")
	}
	id, err := trace.ParseEPC("epc", req.EPC)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	if !field.IsHex64(strings.ToLower(req.Device)) || len([]rune(req.Location)) > 32 {
		return errcode.New(errcode.BadRequest, "device must be 64 hex digits and location at most 32 characters")
	}
	scan := scanbatch.Scan{EPC: id.Path, Time: env.Now().In(chinaTime).Format(time.RFC3339), Location: req.Location, Device: strings.ToLower(req.Device)}
	if !b.Add(scan) {
		return errcode.New(errcode.MempoolFull, "too many scans are waiting; try again in a moment")
	}
	httpapi.WriteJSON(w, http.StatusAccepted, traceapi.ScanQueued{Queued: true, EPC: id.Path, Pending: b.Pending(id.Path)})
	return nil
}

// convertEPCIS converts a GS1 EPCIS 2.0 JSON-LD document into capture
// bodies, one per event, with an issue for every event that cannot be
// converted. The client signs and submits the bodies (`dengta trace
// import` does).
func convertEPCIS(w http.ResponseWriter, r *http.Request) error {
	doc, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEPCISDocument))
	if err != nil {
		return errcode.New(errcode.TooLarge, "an EPCIS document is at most 8 MiB here; split it")
	}
	events, issues, err := trace.ParseEPCIS(doc)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	if issues == nil {
		issues = []traceapi.ImportIssue{}
	}
	httpapi.WriteJSON(w, http.StatusOK, traceapi.EPCISResult{Events: events, Issues: issues})
	return nil
}

// chinaTime is China Standard Time, in which scans are stamped.
var chinaTime = time.FixedZone("CST", 8*3600)

// maxEPCISDocument bounds an EPCIS document sent for import.
const maxEPCISDocument = 8 << 20
