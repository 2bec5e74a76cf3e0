package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/qrcode"
)

func init() {
	hallLinks = append(hallLinks, hallLink{"/hall/trace", "ht.title"})
}

func (s *Server) hallTraceRoutes() {
	s.mux.HandleFunc("GET /hall/trace", s.wrap(s.signedIn(s.hallTrace)))
	s.mux.HandleFunc("POST /hall/trace/act", s.wrap(s.signedIn(s.hallTraceAct)))
	s.mux.HandleFunc("GET /hall/trace/labels", s.wrap(s.signedIn(s.hallTraceLabels)))
}

// traceSteps are the business steps the event form offers.
var traceSteps = []string{trace.StepShipping, trace.StepReceiving, trace.StepRetailSelling, trace.StepStoring, trace.StepInspecting, trace.StepRecalling, trace.StepDestroying}

type hallTraceData struct {
	Orgs    []identity.Org
	Steps   []string
	Message string
	Error   string
	Links   []string // items just commissioned: their scan pages
	Lot     string
}

func (s *Server) orgs() []identity.Org {
	var out []identity.Org
	if v, err := s.opts.Backend.View(0); err == nil {
		_ = v.Iterate(identity.OrgPrefix(), nil, func(_, val []byte) bool {
			var o identity.Org
			if jsonUnmarshal(val, &o) == nil && o.Active {
				out = append(out, o)
			}
			return true
		})
	}
	return out
}

func (s *Server) hallTrace(p *page, r *http.Request) error {
	p.Title = T(p.Lang, "ht.title")
	p.Data = &hallTraceData{Orgs: s.orgs(), Steps: traceSteps, Message: r.URL.Query().Get("msg"), Lot: r.URL.Query().Get("lot")}
	return s.render(p, "hall_trace")
}

// epcLines reads item codes, one per line; "PREFIX0001-0010" style ranges
// are not guessed: every line is one code.
func epcLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) hallTraceAct(p *page, r *http.Request) error {
	action := r.FormValue("action")
	now := time.Now().In(chinaTime).Format(time.RFC3339)
	var module, act string
	var body map[string]any
	d := &hallTraceData{Orgs: s.orgs(), Steps: traceSteps}
	switch action {
	case "product":
		module, act = "trace", "register_product"
		body = map[string]any{"gtin": strings.TrimSpace(r.FormValue("gtin")), "name": strings.TrimSpace(r.FormValue("name")),
			"name_en": strings.TrimSpace(r.FormValue("name_en")), "brand": strings.TrimSpace(r.FormValue("brand")),
			"category": strings.TrimSpace(r.FormValue("category")), "spec": strings.TrimSpace(r.FormValue("spec"))}
	case "location":
		module, act = "trace", "register_location"
		body = map[string]any{"gln": "/414/" + strings.TrimSpace(r.FormValue("gln")), "name": strings.TrimSpace(r.FormValue("name")),
			"address": strings.TrimSpace(r.FormValue("address")), "type": r.FormValue("type")}
	case "lot":
		module, act = "trace", "register_lot"
		gtin, err := trace.ParseGTIN("gtin", strings.TrimSpace(r.FormValue("gtin")))
		if err != nil {
			return s.hallTraceError(p, d, err.Error())
		}
		origin := map[string]any{"region": strings.TrimSpace(r.FormValue("region")), "farm": strings.TrimSpace(r.FormValue("farm"))}
		if gln := strings.TrimSpace(r.FormValue("origin_gln")); gln != "" {
			origin["location"] = "/414/" + gln
		}
		body = map[string]any{"lot_id": "/01/" + gtin + "/10/" + strings.TrimSpace(r.FormValue("lot")), "origin": origin,
			"produced_on": r.FormValue("produced_on"), "expires_on": r.FormValue("expires_on")}
		if q := strings.TrimSpace(r.FormValue("quantity")); q != "" {
			n, err := strconv.ParseInt(q, 10, 64)
			if err != nil {
				return s.hallTraceError(p, d, T(p.Lang, "ht.badquantity"))
			}
			body["quantity"], body["unit"] = n, strings.TrimSpace(r.FormValue("unit"))
		}
	case "commission":
		module, act = "trace", "capture"
		lot := strings.TrimSpace(r.FormValue("lot"))
		id, err := trace.ParseID("lot", lot)
		if err != nil || id.Kind != trace.KindLot {
			return s.hallTraceError(p, d, T(p.Lang, "ht.badlot"))
		}
		n, err := strconv.Atoi(strings.TrimSpace(r.FormValue("count")))
		if err != nil || n < 1 || n > 1000 {
			return s.hallTraceError(p, d, T(p.Lang, "ht.badcount"))
		}
		start, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("start")))
		prefix := strings.TrimSpace(r.FormValue("prefix"))
		var epcs []string
		for i := range n {
			epcs = append(epcs, fmt.Sprintf("%s/21/%s%04d", id.Product, prefix, start+i))
		}
		body = map[string]any{"type": "ObjectEvent", "action": "ADD", "epc_list": epcs, "lot": id.Path, "biz_step": trace.StepCommissioning,
			"disposition": "active", "event_time": now}
		d.Links, d.Lot = epcs, id.Path
	case "event":
		module, act = "trace", "capture"
		step := r.FormValue("biz_step")
		body = map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "epc_list": epcLines(r.FormValue("epcs")), "biz_step": step, "event_time": now}
		if to := r.FormValue("to"); to != "" && step == trace.StepShipping {
			body["destination_list"] = []map[string]string{{"type": "owning_party", "destination": to}}
		}
		if disp := map[string]string{trace.StepShipping: "in_transit", trace.StepReceiving: "in_progress", trace.StepRetailSelling: "retail_sold",
			trace.StepRecalling: "recalled", trace.StepDestroying: "destroyed", trace.StepStoring: "sellable_accessible"}[step]; disp != "" {
			body["disposition"] = disp
		}
		if step == trace.StepDestroying {
			body["action"] = "DELETE"
		}
	default:
		return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "hr.unknownaction"))
	}
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	if _, err := s.api().Do(ctx, key, module, act, body); err != nil {
		return s.hallTraceError(p, d, apiError(err))
	}
	d.Message = T(p.Lang, "hr.done") + " " + T(p.Lang, "ht.act."+action)
	p.Title = T(p.Lang, "ht.title")
	p.Data = d
	return s.render(p, "hall_trace")
}

func (s *Server) hallTraceError(p *page, d *hallTraceData, msg string) error {
	d.Error = msg
	p.Title = T(p.Lang, "ht.title")
	p.Status = http.StatusBadRequest
	p.Data = d
	return s.render(p, "hall_trace")
}

type label struct {
	EPC, Serial, Link string
	QR                template.HTML
}

type labelsData struct {
	Lot     *trace.Lot
	Product *trace.Product
	Labels  []label
}

// hallTraceLabels prints the QR labels of a lot's items: each code is the
// item's GS1 Digital Link URL on this node's public address.
func (s *Server) hallTraceLabels(p *page, r *http.Request) error {
	lotID := r.URL.Query().Get("lot")
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	lot, err := trace.GetLot(v, lotID)
	if err != nil {
		return err
	}
	prod, err := trace.GetProduct(v, lot.Product)
	if err != nil {
		return err
	}
	items, err := trace.LotItems(v, lot.ID)
	if err != nil {
		return err
	}
	d := &labelsData{Lot: lot, Product: prod}
	for _, epc := range items[:min(len(items), 500)] {
		link := s.publicURL(r, epc)
		svg, err := qrcode.SVG(link, 140)
		if err != nil {
			return err
		}
		serial := epc[strings.LastIndex(epc, "/")+1:]
		d.Labels = append(d.Labels, label{EPC: epc, Serial: serial, Link: link, QR: template.HTML(svg)})
	}
	p.Title = T(p.Lang, "ht.labels") + " " + lot.LotNumber
	p.Data = d
	return s.render(p, "hall_labels")
}
