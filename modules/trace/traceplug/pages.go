package traceplug

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/scanbatch"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

//go:embed templates/*.html
var templates embed.FS

// tracePages are the module's pages: the public scan page a product's QR
// code leads to (and the page for a code that was never issued), and the
// hall's traceability pages: master data and events, QR labels, EPCIS
// import.
type tracePages struct {
	site pages.Site
	node *node
}

func (n *node) pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Templates: sub,
		Messages:  pages.Merge(messages, dashMessages),
		Dashboard: dashboard,
		Title:     title,
		Actions:   actionNames,
		Enums:     enums,
		Funcs:     template.FuncMap{"chart": chartSVG, "cityName": trace.CityName},
		Hall:      []pages.Link{{Path: "/hall/trace", Key: "ht.title"}, {Path: "/hall/trace/import", Key: "hi.title"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &tracePages{site: site, node: n}
			r.SignedIn("GET /hall/trace", s.hallTrace)
			r.SignedIn("POST /hall/trace/act", s.hallTraceAct)
			r.SignedIn("GET /hall/trace/labels", s.hallTraceLabels)
			r.SignedIn("GET /hall/trace/products", s.hallProducts)
			r.SignedIn("GET /hall/trace/product", s.hallProduct)
			r.SignedIn("GET /hall/trace/import", s.hallImport)
			r.SignedInUpload("POST /hall/trace/import", maxImport, s.hallImportRun)
			r.Public("GET /01/{gtin}/21/{serial}", s.scanPage)
			r.Public("GET /01/{gtin}/10/{lot}/21/{serial}", s.scanPageWithLot)
			r.Public("GET /01/{gtin}/235/{tpx}", s.scanPage)
			r.Public("GET /drug/{code}", s.scanPage)
		},
	}
}

// traceSteps are the business steps the event form offers.
var traceSteps = []string{trace.StepShipping, trace.StepReceiving, trace.StepVoidShipping, trace.StepRetailSelling, trace.StepStoring,
	trace.StepInspecting, trace.StepRecalling, trace.StepDestroying}

type hallTraceData struct {
	Orgs  []identity.Org
	Steps []string
	Error string
	Links []string // items just commissioned: their scan pages
	Lot   string
	// Lots are the organisation's lots, to commission items of.
	Lots []lotOption
	// Serials names the serial numbers just commissioned.
	Serials string
}

// lotOption is a lot in a form's list: its id and how people name it.
type lotOption struct{ ID, Label string }

// lotOptions lists the organisation's lots, by product (at most 500).
func (s *tracePages) lotOptions(p *pages.Page) []lotOption {
	v, err := s.site.View(0)
	if err != nil {
		return nil
	}
	products, _, err := trace.ProductsOf(v, p.User.Org, "", "", 200)
	if err != nil {
		return nil
	}
	var out []lotOption
	for _, pr := range products {
		lots, err := trace.ProductLots(v, pr.ID)
		if err != nil {
			return out
		}
		name := pr.Name
		if p.Lang == pages.EN && pr.NameEN != "" {
			name = pr.NameEN
		}
		for _, l := range lots {
			if len(out) == 500 {
				return out
			}
			out = append(out, lotOption{ID: l.ID, Label: name + " · " + l.LotNumber})
		}
	}
	return out
}

func (s *tracePages) orgs() []identity.Org {
	out, _ := s.site.Orgs()
	return out
}

func (s *tracePages) hallTrace(p *pages.Page) error {
	r := p.R
	p.Title = p.T("ht.title")
	d := &hallTraceData{Orgs: s.orgs(), Steps: traceSteps, Lots: s.lotOptions(p)}
	// After commissioning: the lot's labels and its first items' pages.
	if lot := r.URL.Query().Get("lot"); lot != "" {
		if v, err := s.site.View(0); err == nil {
			if l, err := trace.GetLot(v, lot); err == nil {
				d.Lot = l.ID
				items, _ := trace.LotItems(v, l.ID)
				d.Links = items[:min(len(items), 20)]
			}
		}
	}
	p.Data = d
	return s.site.Render(p, "hall_trace")
}

func (s *tracePages) hallTraceAct(p *pages.Page) error {
	r := p.R
	action := r.FormValue("action")
	now := time.Now().In(pages.ChinaTime).Format(time.RFC3339)
	var act string
	var body map[string]any
	d := &hallTraceData{Orgs: s.orgs(), Steps: traceSteps, Lots: s.lotOptions(p)}
	field := func(name string) string { return strings.TrimSpace(r.FormValue(name)) }
	switch action {
	case "prefix":
		act = traceapi.AssignPrefix.Name
		body = map[string]any{"prefix": field("prefix"), "org": field("org"), "note": field("note")}
	case "product":
		act = traceapi.RegisterProduct.Name
		body = map[string]any{"gtin": field("gtin"), "name": field("name"), "name_en": field("name_en"), "brand": field("brand"),
			"category": field("category"), "spec": field("spec")}
		if lo, hi := field("cold_min"), field("cold_max"); lo != "" || hi != "" {
			c := map[string]any{"type": "Temperature", "uom": "CEL"}
			if lo != "" {
				c["min"] = lo
			}
			if hi != "" {
				c["max"] = hi
			}
			body["conditions"] = c
		}
	case "location":
		act = traceapi.RegisterLocation.Name
		body = map[string]any{"gln": "/414/" + field("gln"), "name": field("name"), "address": field("address"), "type": r.FormValue("type")}
	case "party":
		act = traceapi.RegisterParty.Name
		body = map[string]any{"gln": field("gln"), "name": field("name")}
	case "lot":
		act = traceapi.RegisterLot.Name
		gtin, err := trace.ParseGTIN("gtin", field("gtin"))
		if err != nil {
			return s.hallTraceError(p, d, localMessage(err, p.Lang))
		}
		origin := map[string]any{"region": field("region"), "farm": field("farm")}
		if gln := field("origin_gln"); gln != "" {
			origin["location"] = "/414/" + gln
		}
		body = map[string]any{"lot_id": "/01/" + gtin + "/10/" + field("lot"), "origin": origin,
			"produced_on": r.FormValue("produced_on"), "expires_on": r.FormValue("expires_on")}
		if q := field("quantity"); q != "" {
			n, err := strconv.ParseInt(q, 10, 64)
			if err != nil {
				return s.hallTraceError(p, d, p.T("ht.badquantity"))
			}
			body["quantity"], body["unit"] = n, field("unit")
		}
	case "commission":
		act = traceapi.Capture.Name
		id, err := trace.ParseID("lot", field("lot"))
		if err != nil || id.Kind != trace.KindLot {
			return s.hallTraceError(p, d, p.T("ht.badlot"))
		}
		n, err := strconv.Atoi(field("count"))
		if err != nil || n < 1 || n > 1000 {
			return s.hallTraceError(p, d, p.T("ht.badcount"))
		}
		start, err := strconv.Atoi(field("start"))
		if err != nil || start < 0 {
			return s.hallTraceError(p, d, p.T("ht.badstart"))
		}
		// Serial numbers are the prefix and the number padded with zeros
		// to the digits asked for (0: no padding), as the form shows.
		digits, err := strconv.Atoi(field("digits"))
		if err != nil || digits < 0 || digits > 12 {
			return s.hallTraceError(p, d, p.T("ht.baddigits"))
		}
		prefix := field("prefix")
		var epcs []string
		for i := range n {
			epcs = append(epcs, fmt.Sprintf("%s/21/%s%0*d", id.Product, prefix, digits, start+i))
		}
		d.Serials = serialRange(epcs)
		body = map[string]any{"type": "ObjectEvent", "action": "ADD", "epc_list": epcs, "lot": id.Path, "biz_step": trace.StepCommissioning,
			"disposition": "active", "event_time": now}
		d.Lot = id.Path
	case "event":
		act = traceapi.Capture.Name
		step := r.FormValue("biz_step")
		epcs := pages.Lines(r.FormValue("epcs"))
		// An event about no item says nothing of any item (the chain
		// records one all the same): the hall asks for the codes.
		if len(epcs) == 0 {
			return s.hallTraceError(p, d, p.T("ht.noepcs"))
		}
		body = map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "epc_list": epcs, "biz_step": step, "event_time": now}
		if step == trace.StepShipping {
			// The receiver takes possession; a new owner (a sale) is
			// given apart: a carrier carries goods it does not own.
			var dl []map[string]string
			if to := r.FormValue("to"); to != "" {
				dl = append(dl, map[string]string{"type": trace.SDPossessingParty, "destination": to})
			}
			if owner := r.FormValue("owner"); owner != "" {
				dl = append(dl, map[string]string{"type": trace.SDOwningParty, "destination": owner})
			}
			if dl != nil {
				body["destination_list"] = dl
			}
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
	if _, err := s.site.API().Do(ctx, key, traceapi.Name, act, body); err != nil {
		return s.hallTraceError(p, d, localAPIError(p, err))
	}
	next := "/hall/trace"
	if d.Lot != "" {
		next += "?lot=" + url.QueryEscape(d.Lot)
	}
	notice := p.T("hr.done") + " " + p.T("ht.act."+action)
	if d.Serials != "" {
		notice += " " + fmt.Sprintf(p.T("ht.serials"), d.Serials)
	}
	p.Done(next, notice)
	return nil
}

// serialRange names the first and last serial numbers of items.
func serialRange(epcs []string) string {
	serial := func(epc string) string { return epc[strings.LastIndex(epc, "/")+1:] }
	if len(epcs) == 1 {
		return serial(epcs[0])
	}
	return serial(epcs[0]) + " … " + serial(epcs[len(epcs)-1])
}

// localAPIError is an SDK error's message in the page's language: a
// refusal of this module in that language (the chain's result carries
// English), anything else as the host words it.
func localAPIError(p *pages.Page, err error) string {
	var ce *client.Error
	if !errors.As(err, &ce) {
		return p.APIError(err)
	}
	if r := trace.ParseRefusal(errcode.Code(ce.Code), ce.Message); r.Reason != "invalid" {
		return refusalText(r, p.Lang)
	}
	return p.APIError(err)
}

// refusalText is a refusal for a page: its field, which names a part of
// the body (gtin, epc_list), marked as the chain's words, then the
// sentence in lang.
func refusalText(r *trace.Refusal, lang pages.Lang) string {
	c := *r
	c.Field = ""
	// The values quoted in a refusal (the code sent, say) are the chain's
	// words; the action's name is translated by Message.
	c.Params = map[string]string{}
	for k, v := range r.Params {
		switch {
		case k == "forms" && v == trace.IDForms("en", func(s string) string { return s }):
			// The identifier forms, each the chain's syntax, in a list
			// of the page's language.
			v = trace.IDForms(string(lang), pages.ChainWords)
		case k != "act":
			v = pages.ChainWords(v)
		}
		c.Params[k] = v
	}
	msg := c.Message(string(lang))
	if r.Field == "" {
		return msg
	}
	sep := ": "
	if lang == pages.ZH {
		sep = "："
	}
	return pages.ChainWords(r.Field) + sep + msg
}

// localMessage is trace.LocalMessage for a page.
func localMessage(err error, lang pages.Lang) string {
	if r := trace.AsRefusal(err); r != nil {
		return refusalText(r, lang)
	}
	return trace.LocalMessage(err, string(lang))
}

func (s *tracePages) hallTraceError(p *pages.Page, d *hallTraceData, msg string) error {
	d.Error = msg
	p.Title = p.T("ht.title")
	p.Status = http.StatusBadRequest
	p.Data = d
	return s.site.Render(p, "hall_trace")
}

// productsPage is the number of products a page lists.
const productsPage = 50

type productsData struct {
	Products  []trace.Product
	LotCounts map[string]int
	Search    string
	Next      string
	All       bool // an overseer sees every organisation's products
}

// hallProducts lists the organisation's products (an overseer's: every
// product), with a search box and paging.
func (s *tracePages) hallProducts(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	q := p.R.URL.Query()
	d := &productsData{Search: strings.TrimSpace(q.Get("q")), LotCounts: map[string]int{}, All: p.User.Caller().Oversees()}
	org := p.User.Org
	if d.All {
		org = ""
	}
	if d.Products, d.Next, err = trace.ProductsOf(v, org, d.Search, q.Get("after"), productsPage); err != nil {
		return err
	}
	for _, pr := range d.Products {
		lots, err := trace.ProductLots(v, pr.ID)
		if err != nil {
			return err
		}
		d.LotCounts[pr.ID] = len(lots)
	}
	p.Title, p.Data = p.T("hp.title"), d
	return s.site.Render(p, "hall_products")
}

type productData struct {
	Product    *trace.Product
	Lots       []trace.Lot
	ItemCounts map[string]int
}

// hallProduct shows one product with its lots, the items commissioned in
// each and the way to their labels.
func (s *tracePages) hallProduct(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	id := p.R.URL.Query().Get("id")
	pr, err := trace.GetProduct(v, id)
	if err != nil {
		return pageError(p, err)
	}
	d := &productData{Product: pr, ItemCounts: map[string]int{}}
	if d.Lots, err = trace.ProductLots(v, pr.ID); err != nil {
		return err
	}
	for _, l := range d.Lots {
		items, err := trace.LotItems(v, l.ID)
		if err != nil {
			return err
		}
		d.ItemCounts[l.ID] = len(items)
	}
	p.Title, p.Data = pr.Name, d
	return s.site.Render(p, "hall_product")
}

type label struct {
	EPC, Serial, Link string
	QR                template.HTML
}

type labelsData struct {
	Lot     *trace.Lot
	Product *trace.Product
	Labels  []label
	// Count says how many labels the lot has and which of them this
	// page shows; Page and Pages number the pages, from 1.
	Count       string
	Page, Pages int
}

// NextPage is the number of the page after this one.
func (d *labelsData) NextPage() int { return d.Page + 1 }

// PrevParam is the page parameter of the page before this one ("" for
// the first page, which needs none).
func (d *labelsData) PrevParam() string {
	if d.Page <= 2 {
		return ""
	}
	return strconv.Itoa(d.Page - 1)
}

// labelsPage is how many labels a page of a lot's labels shows (and the
// printer prints at once).
var labelsPage = 100

// hallTraceLabels prints the QR labels of a lot's items, a page at a time
// in the order of their serial numbers (SN2 before SN10): each code is
// the item's GS1 Digital Link URL on this node's public address.
func (s *tracePages) hallTraceLabels(p *pages.Page) error {
	r := p.R
	lotID := r.URL.Query().Get("lot")
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	lot, err := trace.GetLot(v, lotID)
	if err != nil {
		return pageError(p, err)
	}
	prod, err := trace.GetProduct(v, lot.Product)
	if err != nil {
		return pageError(p, err)
	}
	items, err := trace.LotItems(v, lot.ID)
	if err != nil {
		return err
	}
	slices.SortFunc(items, func(a, b string) int { return compareSerials(serialOf(a), serialOf(b)) })
	d := &labelsData{Lot: lot, Product: prod, Page: 1, Pages: max(1, (len(items)+labelsPage-1)/labelsPage)}
	if q := r.URL.Query().Get("page"); q != "" {
		if d.Page, err = strconv.Atoi(q); err != nil || d.Page < 1 || d.Page > d.Pages {
			return errcode.New(errcode.BadRequest, p.T("ht.badpage"), d.Pages)
		}
	}
	first := (d.Page - 1) * labelsPage
	page := items[first:min(len(items), first+labelsPage)]
	for _, epc := range page {
		link := s.site.PublicURL(epc)
		svg, err := qrcode.SVG(link, 140)
		if err != nil {
			return err
		}
		d.Labels = append(d.Labels, label{EPC: epc, Serial: serialOf(epc), Link: link, QR: template.HTML(svg)})
	}
	switch {
	case len(items) == 0:
		d.Count = p.T("ht.nolabels")
	case d.Pages == 1:
		d.Count = fmt.Sprintf(p.T("ht.labelcount"), len(items))
	default:
		d.Count = fmt.Sprintf(p.T("ht.labelpage"), len(items), first+1, first+len(page), d.Labels[0].Serial, d.Labels[len(d.Labels)-1].Serial)
	}
	p.Title = p.T("ht.labels") + " " + lot.LotNumber
	p.Data = d
	return s.site.Render(p, "hall_labels")
}

// serialOf is the serial number of an item's path, unescaped.
func serialOf(epc string) string {
	serial, _ := url.PathUnescape(epc[strings.LastIndex(epc, "/")+1:])
	return serial
}

// compareSerials orders serial numbers as people count them: by the part
// before their trailing digits, then by the number those digits make
// (SN2 before SN10, SN0002 before SN0010), then as text.
func compareSerials(a, b string) int {
	split := func(s string) (string, string) {
		i := len(s)
		for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			i--
		}
		return s[:i], strings.TrimLeft(s[i:], "0")
	}
	pa, na := split(a)
	pb, nb := split(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	if c := cmp.Compare(len(na), len(nb)); c != 0 {
		return c
	}
	if c := strings.Compare(na, nb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// pageError is an error of the trace module for an error page: a refusal
// in the page's language, with its code.
func pageError(p *pages.Page, err error) error {
	if trace.AsRefusal(err) == nil {
		return err
	}
	return errcode.New(errcode.Of(err), "%s", localMessage(err, p.Lang))
}

const (
	deviceCookie = "dengta_device"
	cityCookie   = "dengta_city"
	// checkParam marks the second request of a new device: the cookie the
	// first one set must come back with it.
	checkParam = "device-check"
)

type scanData struct {
	*trace.Page
	LabelLot    string // the lot the label printed, when not the item's
	Pending     int
	Counted     bool   // this visit was counted as a scan
	NotCounted  string // why not: "cookies", "limit", "repeat", "node"
	City        string // the visitor's city, in the page's language
	CityInput   string
	CityError   string
	Candidates  []cityChoice
	Recalled    bool
	RecallScope string
	Warning     bool
	Danger      bool
	Reasons     []reasonLine
	Steps       []stepLine
	Charts      []chartData
	FirstCity   string
	Producer    string
	Custodian   string // who holds the item now, while it is not sold
	SellerName  string
}

type cityChoice struct{ Code, Name string }

type reasonLine struct{ Level, Text string }

type stepLine struct {
	trace.Step
	Label, OrgName string
}

type chartData struct {
	SVG      template.HTML
	Breaches string // the breach summary, in the page's language
}

// fill prepares what the scan page shows in the page's language: the
// verdict's reasons, the journey's steps, the sensor charts, names.
func (d *scanData) fill(p *pages.Page, orgs map[string]identity.Org) {
	lang := string(p.Lang)
	name := func(o *trace.OrgInfo) string {
		if o == nil {
			return ""
		}
		if p.Lang == pages.EN && o.NameEN != "" {
			return o.NameEN
		}
		return o.Name
	}
	orgName := func(id string) string {
		o, ok := orgs[id]
		if !ok {
			return id
		}
		if p.Lang == pages.EN && o.NameEN != "" {
			return o.NameEN
		}
		return o.Name
	}
	d.Producer, d.SellerName = name(d.Page.Producer), name(d.Seller)
	if !d.Item.Sold && !d.Item.Destroyed {
		d.Custodian = name(d.Page.Custodian)
	}
	if f := d.Scans.First; f != nil && f.City != "" {
		d.FirstCity = trace.CityName(f.City, lang)
	}
	if d.Risk != nil {
		for _, r := range d.Risk.Reasons {
			d.Reasons = append(d.Reasons, reasonLine{Level: r.Level, Text: reasonText(p, r, orgName)})
		}
	}
	for _, st := range d.Journey {
		d.Steps = append(d.Steps, stepLine{Step: st, Label: stepLabel(p, st.BizStep, st.Type), OrgName: name(st.Org)})
	}
	for _, s := range d.Sensors {
		svg := chartSVG(s, p.Lang)
		if svg == "" {
			continue
		}
		c := chartData{SVG: svg}
		if s.Breaches > 0 {
			key := "scan.breaches"
			if s.Breaches == 1 {
				key += ".one"
			}
			c.Breaches = strings.NewReplacer("{count}", strconv.Itoa(s.Breaches), "{type}", measurementWord(s.Type, lang)).Replace(p.T(key))
		}
		d.Charts = append(d.Charts, c)
	}
}

// when shows an RFC 3339 time as the pages do: China Standard Time, to
// the minute.
func when(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(pages.ChinaTime).Format("2006-01-02 15:04")
}

// reasonText is a verdict's reason in the page's language, its
// parameters shown as people read them: times in China Standard Time,
// city names, organisation names, units.
func reasonText(p *pages.Page, r trace.Reason, orgName func(string) string) string {
	lang := string(p.Lang)
	key := "reason." + r.Code
	switch r.Code {
	case trace.ReasonRecalled:
		key += "." + r.Params["scope"]
	case trace.ReasonEnded:
		key += "." + r.Params["reason"]
	case trace.ReasonColdChain:
		if r.Params["count"] == "1" {
			key += ".one"
		}
	}
	text := p.T(key)
	if text == key {
		text = p.T("reason." + r.Code)
	}
	var pairs []string
	for k, v := range r.Params {
		switch {
		case k == "time" || strings.HasSuffix(k, "_time") || k == "sold_at":
			v = when(v)
		case k == "from" || k == "to":
			v = trace.CityName(v, lang)
			if v == "" {
				v = p.T("scan.unknowncity")
			}
		case k == "org" || k == "custodian":
			v = orgName(v)
		case k == "type":
			v = measurementWord(v, lang)
		case k == "uom" || k == "bound_uom":
			v = unitSymbol(v)
		}
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// stepLabel names a business step in the page's language: a CBV step by
// its text, another vocabulary's by the last part of its URI.
func stepLabel(p *pages.Page, step, typ string) string {
	if step == "" {
		return p.T("eventtype." + typ)
	}
	if t := p.T("bizstep." + step); t != "bizstep."+step {
		return t
	}
	if i := strings.LastIndexAny(step, "/:#"); i >= 0 && i < len(step)-1 {
		return step[i+1:]
	}
	return step
}

// scanPageWithLot redirects a Digital Link that carries the lot to the
// item's own page.
//
// A label printed with a lot other than the item's was not made from the
// chain's record of the item (the hall prints the item's own lot): a
// copied or altered label. Its page warns so and does not count the
// visit as a scan of the item, whose count is of its own labels.
func (s *tracePages) scanPageWithLot(p *pages.Page) error {
	r := p.R
	target := "/01/" + r.PathValue("gtin") + "/21/" + url.PathEscape(r.PathValue("serial"))
	if v, err := s.site.View(0); err == nil {
		if o, err := trace.Item(v, target); err == nil && lotNumberOf(o.Lot) != r.PathValue("lot") {
			return s.scan(p, target, r.PathValue("lot"))
		}
	}
	if q := r.URL.RawQuery; q != "" {
		target += "?" + q
	}
	http.Redirect(p.W, r, target, http.StatusMovedPermanently)
	return nil
}

// lotNumberOf is the lot number of a lot's path (/01/<GTIN>/10/<lot>),
// unescaped; "" for none.
func lotNumberOf(lot string) string {
	_, n, ok := strings.Cut(lot, "/10/")
	if !ok {
		return ""
	}
	if u, err := url.PathUnescape(n); err == nil {
		return u
	}
	return n
}

// LotNumber is the scanned item's lot, "" when it has none.
func (d *scanData) LotNumber() string {
	if d.Lot == nil {
		return ""
	}
	return d.Lot.LotNumber
}

// scanPage is what a consumer sees after scanning a product's QR code.
// Opening it counts a scan, honestly: a device is known by a cookie the
// node gave and signed (a request without one is sent back once to prove
// the cookie returns, and counts then), counts once per window, and a
// client address may open, mint devices and count only so many; the
// place is only a city the visitor chose. A code never commissioned on
// this chain gets the counterfeit warning and nothing goes on chain.
func (s *tracePages) scanPage(p *pages.Page) error {
	return s.scan(p, p.R.URL.Path, "")
}

// scan answers the scan page of the item at path; labelLot is the lot
// its label printed when that is not the item's lot ("" when it is, or
// the label printed none).
func (s *tracePages) scan(p *pages.Page, path, labelLot string) error {
	r := p.R
	addr := s.site.ClientIP(r)
	if ok, wait := s.node.views.Allow(ratelimit.Key(addr)); !ok {
		p.W.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		p.Title = p.T("busy.title")
		p.Status = http.StatusTooManyRequests
		return s.site.Render(p, "scan_busy")
	}
	id, err := trace.ParseEPC("epc", path)
	if err != nil || (id.Kind != trace.KindItem && id.Kind != trace.KindDrug) {
		return errcode.New(errcode.BadRequest, "%s", p.T("scan.badcode"))
	}
	// Redirects after setting the city come back to the page asked for.
	self := id.Path
	if labelLot != "" {
		self = r.URL.EscapedPath()
	}
	secret := s.node.key()
	// The city: ?city= sets it (a name in any common form), the cookie
	// keeps its code.
	d := &scanData{LabelLot: labelLot}
	if labelLot != "" {
		d.NotCounted = "lot"
	}
	if in := strings.TrimSpace(r.URL.Query().Get("city")); in != "" {
		c, amb := trace.LookupCity(in)
		if c.Code == "" {
			d.CityInput = in
			for _, c := range amb {
				d.Candidates = append(d.Candidates, cityChoice{Code: c.Code, Name: trace.CityName(c.Code, string(p.Lang)) + " · " + trace.ProvinceName(c.Code, string(p.Lang))})
			}
			d.CityError = map[bool]string{true: "scan.cityambiguous", false: "scan.cityunknown"}[len(amb) > 0]
		} else {
			http.SetCookie(p.W, &http.Cookie{Name: cityCookie, Value: c.Code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
			http.Redirect(p.W, r, self, http.StatusSeeOther)
			return nil
		}
	}
	city := ""
	if c, err := r.Cookie(cityCookie); err == nil {
		if _, ok := trace.CityByCode(c.Value); ok {
			city = c.Value
		}
	}
	// The device: a cookie the node signed, or a new one that must come
	// back before it counts.
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil && secret != nil {
		device = deviceOf(secret, c.Value)
	}
	if device == "" && secret != nil && d.CityInput == "" && d.NotCounted == "" {
		switch {
		case freshCheck(secret, r.URL.Query().Get(checkParam), s.node.now()):
			d.NotCounted = "cookies" // the cookie did not come back
		case allowed(s.node.devices, addr):
			var random [16]byte
			if _, err := rand.Read(random[:]); err != nil {
				return err
			}
			http.SetCookie(p.W, &http.Cookie{Name: deviceCookie, Value: newDeviceCookie(secret, random[:]), Path: "/",
				MaxAge: 5 * 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
			http.Redirect(p.W, r, id.Path+"?"+checkParam+"="+checkToken(secret, s.node.now()), http.StatusSeeOther)
			return nil
		default:
			d.NotCounted = "limit"
		}
	}
	resp, err := s.node.scanPage(r.Context(), s.site, id.Path)
	if errcode.Of(err) == errcode.NotFound {
		return s.neverIssued(p, id)
	}
	if err != nil {
		return err
	}
	d.Page, d.Pending = resp.Page, resp.PendingScans
	if city != "" {
		d.City = trace.CityName(city, string(p.Lang))
	}
	b := s.node.batcher()
	switch {
	case d.NotCounted != "", d.CityInput != "":
	case b == nil || device == "":
		d.NotCounted = "node"
	case !allowed(s.node.counted, addr):
		d.NotCounted = "limit"
	default:
		sum := sha256.Sum256([]byte("dengta/device/" + s.site.ChainID() + "/" + device))
		scan := scanbatch.Scan{EPC: d.EPC, Time: s.node.now().In(pages.ChinaTime).Format(time.RFC3339), City: city,
			Device: hex.EncodeToString(sum[:]), Net: netTag(secret, addr)}
		switch b.Add(scan) {
		case scanbatch.Queued:
			d.Counted = true
			d.Pending++
		case scanbatch.Repeated:
			d.NotCounted = "repeat"
		default:
			d.NotCounted = "node"
		}
	}
	d.Recalled, d.RecallScope = d.Recall.Recalled, d.Recall.Scope
	orgs := map[string]identity.Org{}
	if list, err := s.site.Orgs(); err == nil {
		for _, o := range list {
			orgs[o.ID] = o
		}
	}
	d.fill(p, orgs)
	if d.Risk != nil {
		d.Warning = d.Risk.Level == trace.LevelWarning
		d.Danger = d.Risk.Level == trace.LevelDanger
	}
	if labelLot != "" {
		d.Warning = !d.Danger
		d.Reasons = append([]reasonLine{{Level: trace.LevelWarning,
			Text: fmt.Sprintf(p.T("scan.lotmismatch"), pages.ChainWords(labelLot), pages.ChainWords(cmp.Or(d.LotNumber(), "—")))}}, d.Reasons...)
	}
	p.Title = d.Product.Name
	if p.Lang == pages.EN && d.Product.NameEN != "" {
		p.Title = d.Product.NameEN
	}
	p.Data = d
	return s.site.Render(p, "scan")
}

func allowed(l *ratelimit.Limiter, addr netip.Addr) bool {
	ok, _ := l.Allow(ratelimit.Key(addr))
	return ok
}

type unknownData struct {
	EPC     string
	Product *trace.Product // the product the code claims to be of, when it exists
	Owner   *trace.OrgInfo
}

// neverIssued is the page of a code no producer ever commissioned on this
// chain: a copied or made-up code. Nothing about it goes on chain.
func (s *tracePages) neverIssued(p *pages.Page, id trace.ID) error {
	d := &unknownData{EPC: id.Path}
	if v, err := s.site.View(0); err == nil {
		if prod, err := trace.GetProduct(v, id.Product); err == nil {
			d.Product = prod
			orgs, _ := s.site.Orgs()
			for _, o := range orgs {
				if o.ID == prod.Owner {
					d.Owner = &trace.OrgInfo{ID: o.ID, Name: o.Name, NameEN: o.NameEN, Active: o.Active}
				}
			}
		}
	}
	p.Title = p.T("unknown.title")
	p.Status = http.StatusNotFound
	p.Data = d
	return s.site.Render(p, "scan_unknown")
}
