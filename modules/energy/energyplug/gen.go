package energyplug

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// gen makes random energy actions for the determinism tests: zones of
// one-minute intervals opened and their tariffs changed, meters registered
// and retired, orders placed and withdrawn for the next intervals,
// readings signed by the meters and posted once their interval ended,
// intervals cleared once their gate closed and settled once delivered;
// and refusals (the wrong party, early clearing, a reading twice, a
// malformed body).
type gen struct {
	n      int
	zones  []genZone
	meters []genMeter
	books  map[string]*genBook // zone/interval -> book
	keys   []string            // books in the order they were opened
	orders []genOrder
	sides  map[string]string // zone/interval/org -> side
	posted map[string]bool   // meter/interval
}

type genZone struct{ zone, operator string }

type genMeter struct {
	meter, zone, org string
	active           bool
}

type genBook struct {
	zone, iv string
	status   string
}

type genOrder struct{ id, org string }

func newGen() plug.Gen {
	return &gen{books: map[string]*genBook{}, sides: map[string]string{}, posted: map[string]bool{}}
}

func pick(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

// genMinutes is the generated zones' interval: one minute, so that the
// harness's blocks, a second apart, see intervals open, close and end.
const genMinutes = 1

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	g.n++
	ops := w.With(energyapi.GridOperator)
	prosumers := w.With(energyapi.Prosumer)
	if len(g.zones) == 0 || r.IntN(60) == 0 && len(g.zones) < 3 {
		z := fmt.Sprintf("GEN-%d", len(g.zones)+1)
		return plug.Action{Org: pick(r, ops), Action: energyapi.OpenZone.Name, Valid: true, Tag: "zone:" + z,
			Body: energyapi.ZoneBody{Zone: z, Name: "生成片区 " + z, IntervalMinutes: genMinutes, RetailFen: 55 + int64(r.IntN(20)), FeedInFen: 35 + int64(r.IntN(5)), WheelingFen: int64(r.IntN(8))}}
	}
	zn := g.zones[r.IntN(len(g.zones))]
	now := w.Time
	cur := energyapi.IntervalOf(now, genMinutes)
	switch k := r.IntN(100); {
	case k < 12 || len(g.meters) < 3:
		org := pick(r, prosumers)
		id := fmt.Sprintf("GM-%04d", len(g.meters)+g.n%7*1000+r.IntN(1000))
		return plug.Action{Org: zn.operator, Action: energyapi.RegisterMtr.Name, Valid: true, Tag: "meter:" + id + ":" + zn.zone + ":" + org,
			Body: energyapi.MeterBody{Meter: id, Zone: zn.zone, Org: org, PublicKey: DemoMeterKey(id).Public(), CapacityW: int64(30_000 + r.IntN(60_000))}}
	case k < 40:
		// An order for one of the next few intervals, by a participant
		// with a meter in the zone (its side kept per interval).
		var orgs []string
		for _, m := range g.meters {
			if m.zone == zn.zone && m.active && !slices.Contains(orgs, m.org) {
				orgs = append(orgs, m.org)
			}
		}
		org := pick(r, orgs)
		if org == "nobody" {
			org = pick(r, prosumers)
		}
		iv := energyapi.IntervalID(now.Add(time.Duration(1+r.IntN(3)) * time.Minute).Truncate(time.Minute))
		side := energyapi.Sides[r.IntN(2)]
		if s, ok := g.sides[zn.zone+"/"+iv+"/"+org]; ok {
			side = s
		}
		return plug.Action{Org: org, Action: energyapi.PlaceOrder.Name, Valid: true, Tag: "order:" + zn.zone + ":" + iv + ":" + org + ":" + side,
			Body: energyapi.OrderBody{Zone: zn.zone, Interval: iv, Side: side, QuantityWh: int64(20 + r.IntN(400)), PriceFen: int64(30 + r.IntN(50))}}
	case k < 46 && len(g.orders) > 0:
		o := g.orders[r.IntN(len(g.orders))]
		return plug.Action{Org: o.org, Action: energyapi.CancelOrder.Name, Valid: true, Body: energyapi.IDBody{ID: o.id}}
	case k < 66:
		// Readings of an ended interval with a book, by the zone's
		// operator (the head-end system) or the meter's participant.
		var rs []energyapi.Reading
		poster := zn.operator
		for _, key := range g.keys {
			b := g.books[key]
			if b.zone != zn.zone || b.iv >= cur {
				continue
			}
			for _, m := range g.meters {
				if m.zone != zn.zone || !m.active || g.posted[m.meter+"/"+b.iv] || len(rs) >= 20 {
					continue
				}
				rd, _ := SignReading(DemoMeterKey(m.meter), w.ChainID, m.meter, b.iv, int64(r.IntN(400)), int64(r.IntN(400)))
				rs = append(rs, rd)
			}
			if len(rs) > 0 {
				break
			}
		}
		if len(rs) == 0 {
			// A reading of the interval under way: too early.
			for _, m := range g.meters {
				if m.zone == zn.zone && m.active {
					rd, _ := SignReading(DemoMeterKey(m.meter), w.ChainID, m.meter, cur, 1, 0)
					return plug.Action{Org: poster, Action: energyapi.PostReadings.Name, Valid: true, Body: energyapi.ReadingsBody{Readings: []energyapi.Reading{rd}}}
				}
			}
			break
		}
		if r.IntN(8) == 0 {
			rs[0].ImportWh++ // no longer what the meter signed
		}
		return plug.Action{Org: poster, Action: energyapi.PostReadings.Name, Valid: true, Tag: "readings", Body: energyapi.ReadingsBody{Readings: rs}}
	case k < 78:
		for _, key := range g.keys {
			b := g.books[key]
			if b.zone == zn.zone && b.status == energyapi.BookOpen && b.iv <= cur {
				return plug.Action{Org: zn.operator, Action: energyapi.ClearInt.Name, Valid: true, Tag: "clear:" + key, Body: energyapi.IntervalBody{Zone: zn.zone, Interval: b.iv}}
			}
		}
		// Too early: the interval's gate is still open.
		next := energyapi.IntervalID(now.Add(2 * time.Minute).Truncate(time.Minute))
		return plug.Action{Org: zn.operator, Action: energyapi.ClearInt.Name, Valid: true, Body: energyapi.IntervalBody{Zone: zn.zone, Interval: next}}
	case k < 90:
		for _, key := range g.keys {
			b := g.books[key]
			if b.zone == zn.zone && b.status == energyapi.BookCleared && b.iv < cur {
				return plug.Action{Org: zn.operator, Action: energyapi.SettleInt.Name, Valid: true, Tag: "settle:" + key, Body: energyapi.IntervalBody{Zone: zn.zone, Interval: b.iv}}
			}
		}
	case k < 93:
		from := energyapi.IntervalID(now.Add(time.Duration(2+r.IntN(5)) * time.Minute).Truncate(time.Minute))
		return plug.Action{Org: zn.operator, Action: energyapi.SetTariff.Name, Valid: true,
			Body: energyapi.TariffBody{Zone: zn.zone, From: from, RetailFen: 50 + int64(r.IntN(30)), FeedInFen: 30 + int64(r.IntN(10)), WheelingFen: int64(r.IntN(10))}}
	case k < 95 && len(g.meters) > 3:
		m := g.meters[r.IntN(len(g.meters))]
		return plug.Action{Org: zn.operator, Action: energyapi.RetireMtr.Name, Valid: true, Tag: "retire:" + m.meter, Body: energyapi.RetireMeterBody{Meter: m.meter, Reason: "更换电表"}}
	}
	// Refusals: a participant clearing, an order at a bad price, a
	// malformed body.
	switch r.IntN(3) {
	case 0:
		return plug.Action{Org: pick(r, prosumers), Action: energyapi.ClearInt.Name, Body: energyapi.IntervalBody{Zone: zn.zone, Interval: cur}}
	case 1:
		return plug.Action{Org: pick(r, prosumers), Action: energyapi.PlaceOrder.Name, Body: energyapi.OrderBody{Zone: zn.zone, Interval: cur, Side: "hold", QuantityWh: -1}}
	default:
		return plug.Action{Org: zn.operator, Action: energyapi.OpenZone.Name, Body: []byte(`{"zone":`)}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	var kind, rest string
	for i := range a.Tag {
		if a.Tag[i] == ':' {
			kind, rest = a.Tag[:i], a.Tag[i+1:]
			break
		}
	}
	if a.Tag == "readings" {
		kind = "readings"
	}
	switch kind {
	case "zone":
		g.zones = append(g.zones, genZone{zone: rest, operator: a.Org})
	case "meter":
		b := a.Body.(energyapi.MeterBody)
		g.meters = append(g.meters, genMeter{meter: b.Meter, zone: b.Zone, org: b.Org, active: true})
	case "retire":
		for i := range g.meters {
			if g.meters[i].meter == rest {
				g.meters[i].active = false
			}
		}
	case "order":
		b := a.Body.(energyapi.OrderBody)
		key := b.Zone + "/" + b.Interval
		if g.books[key] == nil {
			g.books[key] = &genBook{zone: b.Zone, iv: b.Interval, status: energyapi.BookOpen}
			g.keys = append(g.keys, key)
		}
		g.sides[key+"/"+a.Org] = b.Side
		var res energyapi.IDResult
		if json.Unmarshal(result, &res) == nil {
			g.orders = append(g.orders, genOrder{id: res.ID, org: a.Org})
		}
	case "readings":
		for _, rd := range a.Body.(energyapi.ReadingsBody).Readings {
			g.posted[rd.Meter+"/"+rd.Interval] = true
		}
	case "clear":
		if b := g.books[rest]; b != nil {
			b.status = energyapi.BookCleared
		}
	case "settle":
		if b := g.books[rest]; b != nil {
			b.status = energyapi.BookSettled
		}
	}
	if a.Action == energyapi.CancelOrder.Name {
		id := a.Body.(energyapi.IDBody).ID
		g.orders = slices.DeleteFunc(g.orders, func(o genOrder) bool { return o.id == id })
	}
	// Settled books are done with: forget them, so that the scans stay short.
	g.keys = slices.DeleteFunc(g.keys, func(k string) bool { return g.books[k].status == energyapi.BookSettled })
}
