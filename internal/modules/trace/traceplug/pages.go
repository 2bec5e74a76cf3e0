package traceplug

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/modules/trace/scanbatch"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/qrcode"
)

//go:embed templates/*.html
var templates embed.FS

// tracePages are the module's pages: the public scan page a product's QR
// code leads to, and the hall's traceability page with its QR labels.
type tracePages struct {
	site pages.Site
	node *node
}

func (n *node) pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Templates: sub,
		Messages:  messages,
		Hall:      []pages.Link{{Path: "/hall/trace", Key: "ht.title"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &tracePages{site: site, node: n}
			r.SignedIn("GET /hall/trace", s.hallTrace)
			r.SignedIn("POST /hall/trace/act", s.hallTraceAct)
			r.SignedIn("GET /hall/trace/labels", s.hallTraceLabels)
			r.Public("GET /01/{gtin}/21/{serial}", s.scanPage)
			r.Public("GET /drug/{code}", s.scanPage)
		},
	}
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

func (s *tracePages) orgs() []identity.Org {
	out, _ := s.site.Orgs()
	return out
}

func (s *tracePages) hallTrace(p *pages.Page) error {
	r := p.R
	p.Title = p.T("ht.title")
	p.Data = &hallTraceData{Orgs: s.orgs(), Steps: traceSteps, Lot: r.URL.Query().Get("lot")}
	return s.site.Render(p, "hall_trace")
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

func (s *tracePages) hallTraceAct(p *pages.Page) error {
	r := p.R
	action := r.FormValue("action")
	now := time.Now().In(pages.ChinaTime).Format(time.RFC3339)
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
				return s.hallTraceError(p, d, p.T("ht.badquantity"))
			}
			body["quantity"], body["unit"] = n, strings.TrimSpace(r.FormValue("unit"))
		}
	case "commission":
		module, act = "trace", "capture"
		lot := strings.TrimSpace(r.FormValue("lot"))
		id, err := trace.ParseID("lot", lot)
		if err != nil || id.Kind != trace.KindLot {
			return s.hallTraceError(p, d, p.T("ht.badlot"))
		}
		n, err := strconv.Atoi(strings.TrimSpace(r.FormValue("count")))
		if err != nil || n < 1 || n > 1000 {
			return s.hallTraceError(p, d, p.T("ht.badcount"))
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
		return errcode.New(errcode.BadRequest, "%s", p.T("hr.unknownaction"))
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	if _, err := s.site.API().Do(ctx, key, module, act, body); err != nil {
		return s.hallTraceError(p, d, pages.APIError(err))
	}
	d.Message = p.T("hr.done") + " " + p.T("ht.act."+action)
	p.Title = p.T("ht.title")
	p.Data = d
	return s.site.Render(p, "hall_trace")
}

func (s *tracePages) hallTraceError(p *pages.Page, d *hallTraceData, msg string) error {
	d.Error = msg
	p.Title = p.T("ht.title")
	p.Status = http.StatusBadRequest
	p.Data = d
	return s.site.Render(p, "hall_trace")
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
func (s *tracePages) hallTraceLabels(p *pages.Page) error {
	r := p.R
	lotID := r.URL.Query().Get("lot")
	v, err := s.site.View(0)
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
		link := s.site.PublicURL(epc)
		svg, err := qrcode.SVG(link, 140)
		if err != nil {
			return err
		}
		serial := epc[strings.LastIndex(epc, "/")+1:]
		d.Labels = append(d.Labels, label{EPC: epc, Serial: serial, Link: link, QR: template.HTML(svg)})
	}
	p.Title = p.T("ht.labels") + " " + lot.LotNumber
	p.Data = d
	return s.site.Render(p, "hall_labels")
}

const (
	deviceCookie = "dengta_device"
	cityCookie   = "dengta_city"
)

type scanData struct {
	*trace.Page
	Pending  int
	Counted  bool // this visit was counted as a scan
	City     string
	Recalled bool
	Warning  bool
	Danger   bool
}

// LotNumber is the scanned item's lot, "" when it has none.
func (d *scanData) LotNumber() string {
	if d.Lot == nil {
		return ""
	}
	return d.Lot.LotNumber
}

// scanPage is what a consumer sees after scanning a product's QR code.
// Opening it counts as a scan: the device is known only by the SHA-256 of
// a random cookie, and the place only by the city the visitor chose to
// tell, if any.
func (s *tracePages) scanPage(p *pages.Page) error {
	r := p.R
	epc := r.URL.Path
	if _, err := trace.ParseEPC("epc", epc); err != nil {
		return errcode.New(errcode.BadRequest, "%s", p.T("scan.badcode"))
	}
	city := strings.TrimSpace(r.URL.Query().Get("city"))
	if city == "" {
		if c, err := r.Cookie(cityCookie); err == nil {
			city = c.Value
		}
	}
	if utf8.RuneCountInString(city) > 32 || strings.ContainsAny(city, "\x00\n\r") {
		city = ""
	}
	if city != "" {
		http.SetCookie(p.W, &http.Cookie{Name: cityCookie, Value: city, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	}
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) == 48 {
		device = c.Value
	} else {
		device = pages.RandomString()
		http.SetCookie(p.W, &http.Cookie{Name: deviceCookie, Value: device, Path: "/", MaxAge: 5 * 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	resp, err := s.node.scanPage(r.Context(), s.site, epc)
	if err != nil {
		return err
	}
	pg := resp.Page
	d := &scanData{Page: pg, Pending: resp.PendingScans, City: city}
	// Count the visit, except a reload with ?city= just to set the city.
	if r.URL.Query().Get("city") == "" {
		sum := sha256.Sum256([]byte("dengta/device/" + s.site.ChainID() + "/" + device))
		if b := s.node.batcher(); b != nil {
			d.Counted = b.Add(scanbatch.Scan{EPC: pg.EPC, Time: time.Now().In(pages.ChinaTime).Format(time.RFC3339), Location: city, Device: hex.EncodeToString(sum[:])})
		}
		if d.Counted {
			d.Pending++
		}
	}
	d.Recalled = pg.Recall.Recalled
	if pg.Risk != nil {
		d.Warning = pg.Risk.Level == trace.LevelWarning
		d.Danger = pg.Risk.Level == trace.LevelDanger
	}
	p.Title = pg.Product.Name
	p.Data = d
	return s.site.Render(p, "scan")
}
