package energyplug

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

//go:embed templates/*.html
var templates embed.FS

// maxReadingsFile bounds a readings file uploaded in the hall (a JSON
// array of signed readings, as a head-end system exports them).
const maxReadingsFile = 4 << 20

// enPages are the module's pages.
type enPages struct{ site pages.Site }

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	s := &enPages{}
	return &pages.Module{
		Reasons:     reasons,
		ReasonWords: reasonWords,
		Templates:   sub,
		Messages:    pages.Merge(messages, dashMessages),
		Dashboard:   dashboard,
		Title:       title,
		Actions:     actionNames,
		Enums:       enums,
		Funcs: template.FuncMap{
			"enkwh":  kwh,
			"enyuan": yuan,
			"enfen":  func(p int64) string { return fmt.Sprintf("%d.%02d", p/100, p%100) },
			"enint":  func(iv string) string { return intervalText(iv) },
		},
		Hall: []pages.Link{{Path: "/hall/energy", Key: "en.hall"}},
		Routes: func(site pages.Site, r pages.Router) {
			s.site = site
			r.SignedIn("GET /hall/energy", s.hall)
			r.SignedInUpload("POST /hall/energy", maxReadingsFile+1<<16, s.hallAct)
			r.SignedIn("GET /hall/energy/zones/{zone}", s.market)
			r.SignedIn("GET /hall/energy/zones/{zone}/intervals/{interval}", s.interval)
		},
	}
}

// kwh writes Wh as kWh with three decimals: 1,234.567.
func kwh(wh int64) string {
	sign := ""
	if wh < 0 {
		sign, wh = "-", -wh
	}
	return fmt.Sprintf("%s%s.%03d", sign, group(wh/1000), wh%1000)
}

// yuan writes fen as yuan: -1,234.56.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%s.%02d", sign, group(fen/100), fen%100)
}

func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// intervalText writes an interval id as "2026-03-01 08:15".
func intervalText(iv string) string {
	if len(iv) != 12 {
		return iv
	}
	return iv[0:4] + "-" + iv[4:6] + "-" + iv[6:8] + " " + iv[8:10] + ":" + iv[10:12]
}

// names are the organisations' display names in the page's language.
type names map[string]string

// Of returns an organisation's name, or its id.
func (n names) Of(id string) string {
	if v, ok := n[id]; ok {
		return v
	}
	return id
}

func (s *enPages) names(lang pages.Lang) names {
	out := names{}
	orgs, _ := s.site.Orgs()
	for _, o := range orgs {
		out[o.ID] = o.Name
		if lang == pages.EN && o.NameEN != "" {
			out[o.ID] = o.NameEN
		}
	}
	return out
}

func (s *enPages) withRole(r role.Role) []string {
	orgs, _ := s.site.Orgs()
	var out []string
	for _, o := range orgs {
		if role.Any(o.Roles, []role.Role{r}) {
			out = append(out, o.ID)
		}
	}
	return out
}

// caller is the signed-in user's organisation as the read scopes see it.
func (s *enPages) caller(p *pages.Page) access.Caller {
	c := access.Caller{Org: p.User.Org}
	orgs, _ := s.site.Orgs()
	for _, o := range orgs {
		if o.ID == p.User.Org {
			c.Roles = o.Roles
		}
	}
	return c
}

// hallData is what the energy hall shows the signed-in organisation: the
// zones; for a grid operator its zones' due intervals and the forms to
// open zones, set tariffs and register meters; for a participant its
// statement and the order form.
type hallData struct {
	Org        string
	Names      names
	Zones      []energyapi.Zone
	Operated   []*energyapi.ZoneView
	Statement  *energyapi.Statement
	Prosumers  []string
	Next       string // the next interval of the first zone, for the order form
	Error      string
	IsOperator bool
	IsProsumer bool
	// Search is what the clerk looks for in the lists of orders and
	// settlement lines, which page on their own.
	Search                  string
	Orders                  []orderRow
	Lines                   []energyapi.StmtLine
	OrdersAfter, LinesAfter string
	OrdersNext, LinesNext   string
}

// orderRow is an order as the hall lists it: with how it stands now
// (energy.OrderOutcome), which says whether it can still be withdrawn.
type orderRow struct {
	energyapi.Order
	Outcome  string
	FilledWh int64
}

// hallPage is how many orders or lines a list of the hall shows at once.
var hallPage = 20

// label names a value of the module's sets in both languages.
var label = pages.Labels(enums)

func (s *enPages) hall(p *pages.Page) error { return s.renderHall(p, "") }

func (s *enPages) renderHall(p *pages.Page, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	u := p.User
	d := &hallData{Org: u.Org, Names: s.names(p.Lang), Error: errMsg, IsOperator: u.Has(string(energyapi.GridOperator)), IsProsumer: u.Has(string(energyapi.Prosumer))}
	if d.Zones, err = energy.ListZones(v); err != nil {
		return err
	}
	for _, z := range d.Zones {
		if z.Operator != u.Org {
			continue
		}
		zv, err := energy.ZoneOf(v, z.Zone, now)
		if err != nil {
			return err
		}
		d.Operated = append(d.Operated, zv)
	}
	if len(d.Zones) > 0 {
		z := d.Zones[0]
		start, _ := energyapi.ParseInterval(energyapi.IntervalOf(now, z.IntervalMinutes), z.IntervalMinutes)
		d.Next = energyapi.IntervalOf(start.Add(2*intervalDur(z.IntervalMinutes)), z.IntervalMinutes)
	}
	if d.IsProsumer {
		if d.Statement, err = energy.StatementOf(v, u.Org, ""); err != nil {
			return err
		}
		q := p.R.URL.Query()
		d.Search, d.OrdersAfter, d.LinesAfter = strings.TrimSpace(q.Get("q")), q.Get("orders_after"), q.Get("lines_after")
		search := module.NewSearch(v, d.Search)
		search.Label = label
		var orders []energyapi.Order
		if orders, d.OrdersNext, err = energy.OrdersPage(v, u.Org, search, d.OrdersAfter, hallPage); err != nil {
			return err
		}
		for _, o := range orders {
			row := orderRow{Order: o}
			if row.Outcome, row.FilledWh, err = energy.OrderOutcome(v, &o, now); err != nil {
				return err
			}
			d.Orders = append(d.Orders, row)
		}
		if d.Lines, d.LinesNext, err = energy.LinesPage(v, u.Org, search, d.LinesAfter, hallPage); err != nil {
			return err
		}
	}
	if d.IsOperator {
		d.Prosumers = s.withRole(energyapi.Prosumer)
	}
	p.Title, p.Data = p.T("en.hall"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_energy")
}

// hallAct takes the hall's forms: each signs one action with the user's
// key, through the node's own API.
func (s *enPages) hallAct(p *pages.Page) error {
	if p.R.MultipartForm == nil {
		_ = p.R.ParseForm()
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(p.R.Context(), s.site.Timeout())
	defer cancel()
	a := &act{p: p, ctx: ctx, key: key, api: s.site.API().As(key)}
	action := a.v("action")
	back, err := s.doHall(a, action)
	if err != nil {
		return s.renderHall(p, p.APIError(err))
	}
	if back == "" {
		back = "/hall/energy"
	}
	p.Done(back, p.T("en.done."+action))
	return nil
}

type act struct {
	p   *pages.Page
	ctx context.Context
	key *client.Key
	api *client.Client
}

func (a *act) v(name string) string { return strings.TrimSpace(a.p.R.FormValue(name)) }

func (a *act) int64(name string) (int64, error) {
	s := strings.ReplaceAll(a.v(name), ",", "")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q %s", a.p.T("en.field."+name), s, a.p.T("en.notnumber"))
	}
	return n, nil
}

// kwh reads a form field in kWh (up to three decimals) as Wh.
func (a *act) wh(name string) (int64, error) {
	wh, err := ParseKWh(a.v(name))
	if err != nil {
		return 0, fmt.Errorf("%s: %s", a.p.T("en.field."+name), a.p.APIError(err))
	}
	return wh, nil
}

// ParseKWh reads "12.5" (kWh, at most three decimals) as Wh.
func ParseKWh(s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	wh, err := decimal.Parse(s, 3)
	if err == nil && wh >= 1e15 {
		return 0, &decimal.Error{Input: strings.TrimSpace(s), Decimals: 3, Reason: decimal.TooLarge}
	}
	return wh, err
}

func (s *enPages) doHall(a *act, action string) (string, error) {
	ints := map[string]int64{}
	for _, f := range []string{"interval_minutes", "retail_fen", "feed_in_fen", "wheeling_fen", "price_cap_fen", "capacity_w", "price_fen"} {
		if a.v(f) == "" {
			continue
		}
		n, err := a.int64(f)
		if err != nil {
			return "", err
		}
		ints[f] = n
	}
	zone := a.v("zone")
	switch action {
	case "open_zone":
		_, _, err := client.Send(a.ctx, a.api, a.key, energyapi.OpenZone, energyapi.ZoneBody{Zone: zone, Name: a.v("name"), IntervalMinutes: int(ints["interval_minutes"]),
			RetailFen: ints["retail_fen"], FeedInFen: ints["feed_in_fen"], WheelingFen: ints["wheeling_fen"], PriceCapFen: ints["price_cap_fen"]})
		return "", err
	case "set_tariff":
		_, _, err := client.Send(a.ctx, a.api, a.key, energyapi.SetTariff, energyapi.TariffBody{Zone: zone, From: a.v("from"),
			RetailFen: ints["retail_fen"], FeedInFen: ints["feed_in_fen"], WheelingFen: ints["wheeling_fen"]})
		return "", err
	case "register_meter":
		pk, err := tx.ParsePublicKey(a.v("public_key"))
		if err != nil {
			return "", errors.New(strings.ReplaceAll(a.p.T("en.badkey"), "{key}", pages.ChainWords(a.v("public_key"))))
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, energyapi.RegisterMtr, energyapi.MeterBody{Meter: a.v("meter"), Zone: zone, Org: a.v("org"), PublicKey: pk, CapacityW: ints["capacity_w"]})
		return "", err
	case "retire_meter":
		_, _, err := client.Send(a.ctx, a.api, a.key, energyapi.RetireMtr, energyapi.RetireMeterBody{Meter: a.v("meter"), Reason: a.v("reason")})
		return "", err
	case "place_order":
		q, err := a.wh("quantity_kwh")
		if err != nil {
			return "", err
		}
		iv := strings.NewReplacer("-", "", " ", "", ":", "", "T", "").Replace(a.v("interval"))
		_, _, err = client.Send(a.ctx, a.api, a.key, energyapi.PlaceOrder, energyapi.OrderBody{Zone: zone, Interval: iv, Side: a.v("side"), QuantityWh: q, PriceFen: ints["price_fen"]})
		return "", err
	case "cancel_order":
		_, _, err := client.Send(a.ctx, a.api, a.key, energyapi.CancelOrder, energyapi.IDBody{ID: a.v("id")})
		return "", err
	case "clear_interval", "settle_interval":
		body := energyapi.IntervalBody{Zone: zone, Interval: a.v("interval")}
		var err error
		if action == "clear_interval" {
			_, _, err = client.Send(a.ctx, a.api, a.key, energyapi.ClearInt, body)
		} else {
			_, _, err = client.Send(a.ctx, a.api, a.key, energyapi.SettleInt, body)
		}
		return IntervalPath(body.Zone, body.Interval), err
	case "post_readings":
		f, _, err := a.p.R.FormFile("readings")
		if err != nil {
			return "", errors.New(a.p.T("en.noreadings"))
		}
		defer f.Close()
		rs, err := DecodeReadings(f, maxReadingsFile)
		if re := (*ReadingsError)(nil); errors.As(err, &re) {
			return "", errors.New(strings.ReplaceAll(a.p.T("en.readings."+re.Problem), "{mib}", fmt.Sprint(re.Limit>>20)))
		}
		if err != nil {
			return "", err
		}
		_, err = PostReadings(a.ctx, a.api, a.key, rs)
		return "", err
	}
	return "", errors.New(a.p.T("en.unknownaction"))
}

// MarketPath is a zone's market page in the hall.
func MarketPath(zone string) string { return "/hall/energy/zones/" + url.PathEscape(zone) }

// IntervalPath is an interval's page in the hall.
func IntervalPath(zone, iv string) string {
	return MarketPath(zone) + "/intervals/" + url.PathEscape(iv)
}

// marketData is a zone's market view: its tariff, the chart of its
// intervals' prices and volumes, and the intervals.
type marketData struct {
	View   *energyapi.ZoneView
	Market *energyapi.Market
	Chart  template.HTML
	Names  names
}

func (s *enPages) market(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	zv, err := energy.ZoneOf(v, p.R.PathValue("zone"), now)
	if err != nil {
		return err
	}
	count, _ := strconv.Atoi(p.R.URL.Query().Get("count"))
	m, err := energy.MarketOf(v, zv.Zone.Zone, p.R.URL.Query().Get("before"), count)
	if err != nil {
		return err
	}
	d := &marketData{View: zv, Market: m, Names: s.names(p.Lang), Chart: Chart(m.Points, zv.Zone.PriceCapFen, p.T("en.chart.price"), p.T("en.chart.volume"))}
	p.Title, p.Data = zv.Zone.Name+" · "+p.T("en.market"), d
	return s.site.Render(p, "market")
}

type intervalData struct {
	Zone  *energyapi.Zone
	IV    string
	View  *energyapi.IntervalView
	Names names
	All   bool
}

func (s *enPages) interval(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	zn, err := energy.GetZone(v, p.R.PathValue("zone"))
	if err != nil {
		return err
	}
	iv := p.R.PathValue("interval")
	if _, err := energyapi.ParseInterval(iv, zn.IntervalMinutes); err != nil {
		return errcode.New(errcode.BadRequest, "%s", strings.NewReplacer("{interval}", pages.ChainWords(iv), "{minutes}", fmt.Sprint(zn.IntervalMinutes)).Replace(p.T("en.badinterval")))
	}
	c := s.caller(p)
	ivv, err := energy.IntervalView(v, zn.Zone, iv, c)
	if err != nil {
		return err
	}
	p.Title, p.Data = zn.Name+" · "+intervalText(iv), &intervalData{Zone: zn, IV: iv, View: ivv, Names: s.names(p.Lang), All: energy.Sees(zn, c)}
	return s.site.Render(p, "interval")
}
