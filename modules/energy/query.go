package energy

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// Version is a state view that knows its height.
type Version interface{ Version() int64 }

func heightOf(r module.Reader) int64 {
	if v, ok := r.(Version); ok {
		return v.Version()
	}
	return 0
}

// Sees reports whether c sees every participant's data in zone zn: its
// operator and those who oversee.
func Sees(zn *energyapi.Zone, c access.Caller) bool { return c.Oversees() || c.Is(zn.Operator) }

// ListZones lists the zones.
func ListZones(r module.Reader) ([]energyapi.Zone, error) {
	out := []energyapi.Zone{}
	err := module.EachJSON(r, []byte(zonePrefix), func(_ []byte, z *energyapi.Zone) { out = append(out, *z) })
	return out, err
}

// ZoneOf returns a zone with its tariff and due intervals at time now.
func ZoneOf(r module.Reader, z string, now time.Time) (*energyapi.ZoneView, error) {
	zn, err := GetZone(r, z)
	if err != nil {
		return nil, err
	}
	zv := &energyapi.ZoneView{Height: heightOf(r), Zone: *zn, Current: energyapi.IntervalOf(now, zn.IntervalMinutes), Due: []energyapi.Book{}}
	zv.Tariff = zn.TariffAt(zv.Current)
	ivs, err := module.List(r, []byte(duePrefix+z+"/"))
	if err != nil {
		return nil, err
	}
	for _, iv := range ivs {
		b, err := GetBook(r, z, iv)
		if err != nil {
			return nil, err
		}
		zv.Due = append(zv.Due, *b)
	}
	return zv, nil
}

// IntervalView returns an interval as caller c may see it.
func IntervalView(r module.Reader, z, iv string, c access.Caller) (*energyapi.IntervalView, error) {
	zn, err := GetZone(r, z)
	if err != nil {
		return nil, err
	}
	if _, err := energyapi.ParseInterval(iv, zn.IntervalMinutes); err != nil {
		return nil, errcode.New(errcode.BadRequest, "%v", err)
	}
	all := Sees(zn, c)
	b, err := GetBook(r, z, iv)
	if err != nil {
		return nil, err
	}
	v := &energyapi.IntervalView{Height: heightOf(r), Book: *b, Orders: []energyapi.Order{}, Fills: []energyapi.Fill{}, Lines: []energyapi.Line{}}
	if v.Clearing, err = GetClearing(r, z, iv); err != nil {
		return nil, err
	}
	var s energyapi.Settlement
	if ok, err := module.GetJSON(r, settleKey(z, iv), &s); err != nil {
		return nil, err
	} else if ok {
		v.Settlement = &s
	}
	orders, err := BookOrders(r, z, iv, b.Orders)
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		if all || c.Is(o.Org) {
			v.Orders = append(v.Orders, o)
		}
	}
	err = module.EachJSON(r, []byte(fillPrefix+z+"/"+iv+"/"), func(_ []byte, f *energyapi.Fill) {
		if all || c.Is(f.Org) {
			v.Fills = append(v.Fills, *f)
		}
	})
	if err != nil {
		return nil, err
	}
	err = module.EachJSON(r, []byte(linePrefix+z+"/"+iv+"/"), func(_ []byte, l *energyapi.Line) {
		if all || c.Is(l.Org) {
			v.Lines = append(v.Lines, *l)
		}
	})
	return v, err
}

// MarketOf returns a zone's count intervals with books before before
// (the latest when ""), oldest first.
func MarketOf(r module.Reader, z, before string, count int) (*energyapi.Market, error) {
	if _, err := GetZone(r, z); err != nil {
		return nil, err
	}
	if count <= 0 {
		count = 48
	}
	count = min(count, 96)
	m := &energyapi.Market{Height: heightOf(r), Zone: z, Points: []energyapi.MarketPoint{}}
	prefix := []byte(bookPrefix + z + "/")
	var books []energyapi.Book
	err := r.Iterate(prefix, nil, func(k, v []byte) bool {
		iv := string(k[len(prefix):])
		if before != "" && iv >= before {
			return false
		}
		var b energyapi.Book
		if json.Unmarshal(v, &b) == nil {
			books = append(books, b)
			if len(books) > count {
				books = books[1:]
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	for _, b := range books {
		p := energyapi.MarketPoint{Interval: b.Interval, Status: b.Status, BidWh: b.BuyWh, AskWh: b.SellWh}
		if c, err := GetClearing(r, z, b.Interval); err != nil {
			return nil, err
		} else if c != nil {
			p.PriceFen, p.VolumeWh, p.BidWh, p.AskWh = c.PriceFen, c.VolumeWh, c.BidWh, c.AskWh
		}
		m.Points = append(m.Points, p)
	}
	return m, nil
}

// StatementOf returns a participant's meters, latest orders and latest
// settlement lines, in zone z ("" every zone).
func StatementOf(r module.Reader, org, z string) (*energyapi.Statement, error) {
	st := &energyapi.Statement{Height: heightOf(r), Org: org, Meters: []energyapi.Meter{}, Orders: []energyapi.Order{}, Lines: []energyapi.StmtLine{}}
	meters, err := module.List(r, []byte(orgmeterPrefix+org+"/"))
	if err != nil {
		return nil, err
	}
	for _, id := range meters {
		m, err := GetMeter(r, id)
		if err != nil {
			return nil, err
		}
		if z == "" || m.Zone == z {
			st.Meters = append(st.Meters, *m)
		}
	}
	var ids []string
	if err := r.Iterate([]byte(orgorderPrefix+org+"/"), nil, func(_, v []byte) bool {
		ids = append(ids, string(v))
		return len(ids) < 100
	}); err != nil {
		return nil, err
	}
	for _, id := range ids {
		o, err := GetOrder(r, id)
		if err != nil {
			return nil, err
		}
		if z == "" || o.Zone == z {
			st.Orders = append(st.Orders, *o)
		}
	}
	prefix := []byte(orglinePrefix + org + "/")
	var keys [][]byte
	if err := r.Iterate(prefix, nil, func(k, _ []byte) bool {
		keys = append(keys, bytes.Clone(k[len(prefix):]))
		return len(keys) < 100
	}); err != nil {
		return nil, err
	}
	for _, k := range keys {
		invIv, zone, _ := strings.Cut(string(k), "/")
		if z != "" && zone != z {
			continue
		}
		var n int64
		for _, c := range invIv {
			n = n*10 + int64(c-'0')
		}
		iv := formatInterval(999_999_999_999 - n)
		var l energyapi.Line
		if _, err := module.GetJSON(r, lineKey(zone, iv, org), &l); err != nil {
			return nil, err
		}
		c, err := GetClearing(r, zone, iv)
		if err != nil || c == nil {
			return nil, err
		}
		st.Lines = append(st.Lines, energyapi.StmtLine{Zone: zone, Interval: iv, PriceFen: c.PriceFen, Line: l})
		st.NetFen += l.NetFen
	}
	return st, nil
}

func formatInterval(n int64) string {
	b := make([]byte, 12)
	for i := 11; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// ReadingsOf lists a meter's readings from interval from (inclusive) to
// to (inclusive), at most 200.
func ReadingsOf(r module.Reader, meter, from, to string) (*api.Page[energyapi.StoredReading], error) {
	out := &api.Page[energyapi.StoredReading]{Height: heightOf(r), Items: []energyapi.StoredReading{}}
	prefix := []byte(readingPrefix + meter + "/")
	var start []byte
	if from != "" {
		start = append(bytes.Clone(prefix), from...)
	}
	var derr error
	err := r.Iterate(prefix, start, func(k, v []byte) bool {
		iv := string(k[len(prefix):])
		if to != "" && iv > to {
			return false
		}
		if len(out.Items) == 200 {
			out.Next = iv
			return false
		}
		var sr energyapi.StoredReading
		if derr = json.Unmarshal(v, &sr); derr != nil {
			return false
		}
		out.Items = append(out.Items, sr)
		return true
	})
	if err == nil {
		err = derr
	}
	return out, err
}

// IntervalText writes an interval id as people read it, 2026-03-02 10:15.
func IntervalText(iv string) string {
	if len(iv) != 12 {
		return iv
	}
	return iv[0:4] + "-" + iv[4:6] + "-" + iv[6:8] + " " + iv[8:10] + ":" + iv[10:12]
}

// zoneMatch reports whether a zone, by id or name, matches a search; the
// names are read once per zone.
func zoneMatch(r module.Getter, s *module.Search, names map[string]string, zone string) bool {
	if s.Text(zone) {
		return true
	}
	name, ok := names[zone]
	if !ok {
		if z, err := GetZone(r, zone); err == nil {
			name = z.Name
		}
		names[zone] = name
	}
	return name != "" && s.Text(name)
}

func digitsOf(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// OrdersPage pages through an organisation's orders, newest first (its
// order index), keeping those that match the search: by id, zone (id or
// name), interval, side or status (value or name). A cursor that is not
// one of the index's is a bad_request error.
func OrdersPage(r module.Reader, org string, s *module.Search, after string, limit int) ([]energyapi.Order, string, error) {
	zones := map[string]string{}
	items, next, err := module.Scan(r, []byte(orgorderPrefix+org+"/"), after, limit, func(c string) bool { return digitsOf(c, 20) },
		func(_ string, id []byte) (*energyapi.Order, error) {
			o, err := GetOrder(r, string(id))
			if err != nil {
				return nil, err
			}
			if !s.Empty() && !s.Text(o.ID, o.Interval, IntervalText(o.Interval)) && !zoneMatch(r, s, zones, o.Zone) &&
				!s.Enum("energy.side", o.Side) && !s.Enum("energy.order_status", o.Status) {
				return nil, nil
			}
			return o, nil
		})
	if items == nil {
		items = []energyapi.Order{}
	}
	return items, next, err
}

// LinesPage pages through an organisation's settlement lines, newest
// interval first, keeping those that match the search: by zone (id or
// name) or interval. A cursor that is not one of the index's is a
// bad_request error.
func LinesPage(r module.Reader, org string, s *module.Search, after string, limit int) ([]energyapi.StmtLine, string, error) {
	zones := map[string]string{}
	items, next, err := module.Scan(r, []byte(orglinePrefix+org+"/"), after, limit, func(c string) bool {
		inv, zone, ok := strings.Cut(c, "/")
		return ok && digitsOf(inv, 12) && zone != "" && !strings.Contains(zone, "/")
	}, func(rest string, _ []byte) (*energyapi.StmtLine, error) {
		invIv, zone, _ := strings.Cut(rest, "/")
		var n int64
		for _, c := range invIv {
			n = n*10 + int64(c-'0')
		}
		iv := formatInterval(999_999_999_999 - n)
		if !s.Empty() && !s.Text(iv, IntervalText(iv)) && !zoneMatch(r, s, zones, zone) {
			return nil, nil
		}
		var l energyapi.Line
		if _, err := module.GetJSON(r, lineKey(zone, iv, org), &l); err != nil {
			return nil, err
		}
		c, err := GetClearing(r, zone, iv)
		if err != nil || c == nil {
			return nil, err
		}
		return &energyapi.StmtLine{Zone: zone, Interval: iv, PriceFen: c.PriceFen, Line: l}, nil
	})
	if items == nil {
		items = []energyapi.StmtLine{}
	}
	return items, next, err
}

// How an order stands for people, beyond the status it records (open or
// cancelled): an open order can be withdrawn until its interval's gate
// closes, then waits for the clearing, which trades it in whole or part
// or not at all.
const (
	OrderClosed    = "closed"     // the gate closed, the interval not cleared yet
	OrderTraded    = "traded"     // cleared with some or all of it filled
	OrderNotTraded = "not_traded" // cleared with none of it filled
)

// OrderOutcome returns how order o stands at time now: energyapi.OrderOpen
// while it can be withdrawn, OrderClosed, OrderTraded (with the energy
// filled) or OrderNotTraded after its gate, energyapi.OrderCancelled when
// it was withdrawn.
func OrderOutcome(r module.Getter, o *energyapi.Order, now time.Time) (string, int64, error) {
	if o.Status != energyapi.OrderOpen {
		return o.Status, 0, nil
	}
	zn, err := GetZone(r, o.Zone)
	if err != nil {
		return "", 0, err
	}
	b, err := GetBook(r, o.Zone, o.Interval)
	if err != nil {
		return "", 0, err
	}
	if b.Status == energyapi.BookOpen {
		start, _, err := interval(zn, o.Interval)
		if err != nil {
			return "", 0, err
		}
		if now.Before(start) {
			return energyapi.OrderOpen, 0, nil
		}
		return OrderClosed, 0, nil
	}
	var f energyapi.Fill
	if _, err := module.GetJSON(r, fillKey(o.Zone, o.Interval, o.Org), &f); err != nil {
		return "", 0, err
	}
	for _, of := range f.Orders {
		if of.Order == o.ID && of.FilledWh > 0 {
			return OrderTraded, of.FilledWh, nil
		}
	}
	return OrderNotTraded, 0, nil
}
