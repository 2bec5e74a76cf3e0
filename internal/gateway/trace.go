package gateway

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/internal/scanbatch"
	"github.com/dengta-chain/dengta/internal/state"
)

// ScanRecorder takes public scans and records them on chain in batches.
type ScanRecorder interface {
	Add(scanbatch.Scan) bool
	Pending(epc string) int
}

func (s *Server) traceRoutes(handle func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /v1/trace/product", s.traceProduct)
	handle("GET /v1/trace/lot", s.traceLot)
	handle("GET /v1/trace/item", s.traceItem)
	handle("GET /v1/trace/journey", s.traceJourney)
	handle("GET /v1/trace/scan-page", s.traceScanPage)
	handle("GET /v1/trace/recall-impact", s.traceRecallImpact)
	handle("GET /v1/trace/certifications", s.traceCertifications)
	handle("GET /v1/trace/events/{id}", s.traceEvent)
	handle("GET /v1/trace/qr", s.traceQR)
	handle("POST /v1/trace/scans", s.traceRecordScan)
	handle("POST /v1/trace/epcis", s.traceEPCIS)
}

// blockTime is the latest block's time: the "now" of the module's queries.
func (s *Server) blockTime(ctx context.Context) (time.Time, error) {
	st, err := s.chain.Status(ctx)
	if err != nil {
		return time.Time{}, errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	return st.SyncInfo.LatestBlockTime, nil
}

func param(r *http.Request, name, example string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return "", errcode.New(errcode.BadRequest, "give ?%s=, e.g. %s", name, example)
	}
	return v, nil
}

const (
	exampleItem = "/01/06901234567892/21/SN0001"
	exampleLot  = "/01/06901234567892/10/L2026"
)

func (s *Server) traceProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := param(r, "id", "06901234567892")
	if err != nil {
		return err
	}
	p, err := trace.ParseProduct("id", id)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	return s.read(w, r, func(v *state.View) (any, error) { return trace.GetProduct(v, p) })
}

// traceRead answers a query by one identifier parameter.
func (s *Server) traceRead(w http.ResponseWriter, r *http.Request, name, example string, f func(v *state.View, id string) (any, error)) error {
	id, err := param(r, name, example)
	if err != nil {
		return err
	}
	return s.read(w, r, func(v *state.View) (any, error) { return f(v, id) })
}

func (s *Server) traceLot(w http.ResponseWriter, r *http.Request) error {
	return s.traceRead(w, r, "id", exampleLot, func(v *state.View, id string) (any, error) { return trace.GetLot(v, id) })
}

func (s *Server) traceItem(w http.ResponseWriter, r *http.Request) error {
	return s.traceRead(w, r, "epc", exampleItem, func(v *state.View, id string) (any, error) { return trace.Item(v, id) })
}

func (s *Server) traceJourney(w http.ResponseWriter, r *http.Request) error {
	return s.traceRead(w, r, "epc", exampleItem, func(v *state.View, epc string) (any, error) {
		j, err := trace.Journey(v, epc)
		return map[string]any{"height": v.Version(), "epc": epc, "events": j}, err
	})
}

// ScanPageResponse answers GET /v1/trace/scan-page: what the public scan
// page shows, with scans not yet committed counted separately.
type ScanPageResponse struct {
	Height int64 `json:"height"`
	*trace.Page
	PendingScans int `json:"pending_scans"`
}

// ScanPage returns the scan page data of an item at the latest block.
func (s *Server) ScanPage(ctx context.Context, epc string) (*ScanPageResponse, error) {
	v, err := s.app.Store().At(0)
	if err != nil {
		return nil, err
	}
	now, err := s.blockTime(ctx)
	if err != nil {
		return nil, err
	}
	pg, err := trace.ScanPage(v, epc, now)
	if err != nil {
		return nil, err
	}
	resp := &ScanPageResponse{Height: v.Version(), Page: pg}
	if s.opts.Scans != nil {
		resp.PendingScans = s.opts.Scans.Pending(pg.EPC)
	}
	return resp, nil
}

func (s *Server) traceScanPage(w http.ResponseWriter, r *http.Request) error {
	epc, err := param(r, "epc", exampleItem)
	if err != nil {
		return err
	}
	pg, err := s.ScanPage(r.Context(), epc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) traceRecallImpact(w http.ResponseWriter, r *http.Request) error {
	return s.traceRead(w, r, "lot", exampleLot, func(v *state.View, lot string) (any, error) { return trace.RecallImpact(v, lot) })
}

func (s *Server) traceCertifications(w http.ResponseWriter, r *http.Request) error {
	now, err := s.blockTime(r.Context())
	if err != nil {
		return err
	}
	return s.traceRead(w, r, "subject", exampleLot, func(v *state.View, subject string) (any, error) {
		cs, err := trace.Certifications(v, subject, now)
		return map[string]any{"height": v.Version(), "subject": subject, "items": cs}, err
	})
}

func (s *Server) traceEvent(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(v *state.View) (any, error) { return trace.GetEvent(v, r.PathValue("id")) })
}

// DigitalLink is the public URL a product label's QR code carries: the
// node's public base URL followed by the item's GS1 Digital Link path.
func (s *Server) DigitalLink(r *http.Request, epc string) string {
	base := strings.TrimRight(s.opts.PublicURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	return base + epc
}

// traceQR renders the QR code of an item's Digital Link URL, as PNG or SVG.
func (s *Server) traceQR(w http.ResponseWriter, r *http.Request) error {
	epc, err := param(r, "epc", exampleItem)
	if err != nil {
		return err
	}
	id, err := trace.ParseEPC("epc", epc)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	link := s.DigitalLink(r, id.Path)
	switch r.URL.Query().Get("format") {
	case "svg":
		size := 240
		if ss := r.URL.Query().Get("size"); ss != "" {
			if size, err = strconv.Atoi(ss); err != nil || size < 64 || size > 2048 {
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
		if ss := r.URL.Query().Get("scale"); ss != "" {
			if scale, err = strconv.Atoi(ss); err != nil || scale < 1 || scale > 32 {
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

// ScanRequest is the body of POST /v1/trace/scans: one public scan.
type ScanRequest struct {
	EPC      string `json:"epc"`
	Location string `json:"location,omitempty"` // coarse: a city or region
	Device   string `json:"device"`             // hex SHA-256 of the device id, computed by the app
}

// traceRecordScan queues one public scan for the next batch.
func (s *Server) traceRecordScan(w http.ResponseWriter, r *http.Request) error {
	var req ScanRequest
	if err := decodeJSON(r, &req, 4<<10); err != nil {
		return err
	}
	if s.opts.Scans == nil {
		return errcode.New(errcode.Unavailable, "this node records no scans (it has no operator key)")
	}
	id, err := trace.ParseEPC("epc", req.EPC)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	if !hex64.MatchString(req.Device) || len([]rune(req.Location)) > 32 {
		return errcode.New(errcode.BadRequest, "device must be 64 hex digits and location at most 32 characters")
	}
	scan := scanbatch.Scan{EPC: id.Path, Time: s.now().In(chinaTime).Format(time.RFC3339), Location: req.Location, Device: strings.ToLower(req.Device)}
	if !s.opts.Scans.Add(scan) {
		return errcode.New(errcode.MempoolFull, "too many scans are waiting; try again in a moment")
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": true, "epc": id.Path, "pending": s.opts.Scans.Pending(id.Path)})
	return nil
}

// traceEPCIS converts a GS1 EPCIS 2.0 JSON-LD document into capture bodies,
// one per event, with an issue for every event that cannot be converted.
// The client signs and submits the bodies (`dengta trace import` does).
func (s *Server) traceEPCIS(w http.ResponseWriter, r *http.Request) error {
	doc, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
	if err != nil {
		return errcode.New(errcode.TooLarge, "an EPCIS document is at most 8 MiB here; split it")
	}
	events, issues, err := trace.ParseEPCIS(doc)
	if err != nil {
		return errcode.New(errcode.BadRequest, "%v", err)
	}
	if issues == nil {
		issues = []trace.ImportIssue{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events, "issues": issues})
	return nil
}
