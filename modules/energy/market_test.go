package energy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/moduletest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

func TestActionRoles(t *testing.T) {
	moduletest.CheckRoles(t, energy.Module{}, map[string][]role.Role{
		"open_zone":       {energyapi.GridOperator},
		"set_tariff":      {energyapi.GridOperator},
		"register_meter":  {energyapi.GridOperator},
		"retire_meter":    {energyapi.GridOperator},
		"post_readings":   {energyapi.GridOperator, energyapi.Prosumer},
		"place_order":     {energyapi.Prosumer},
		"cancel_order":    {energyapi.Prosumer},
		"clear_interval":  {energyapi.GridOperator},
		"settle_interval": {energyapi.GridOperator},
	})
}

func TestZonesAndMeters(t *testing.T) {
	c := newChain(t)
	testchain.Refusals(t, c, energy.Name, "grid", "open_zone", []vcase{
		{"a 10-minute interval", "", energyapi.ZoneBody{Zone: zone, Name: "x", IntervalMinutes: 10, RetailFen: 60, FeedInFen: 39}, errcode.MalformedBody},
		{"feed-in above retail", "", energyapi.ZoneBody{Zone: zone, Name: "x", RetailFen: 39, FeedInFen: 60}, errcode.MalformedBody},
		{"a zone code with a slash", "", energyapi.ZoneBody{Zone: "AH/DS", Name: "x", RetailFen: 60}, errcode.MalformedBody},
		{"by a prosumer", "pv1", energyapi.ZoneBody{Zone: zone, Name: "x", RetailFen: 60}, errcode.Unauthorized},
	})
	ms := market(t, c)
	do(t, c, "grid2", "open_zone", energyapi.ZoneBody{Zone: zone, Name: "x", RetailFen: 60}, errcode.Conflict)
	k := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(3))
	meter := func(id, org string, key tx.PublicKey) energyapi.MeterBody {
		return energyapi.MeterBody{Meter: id, Zone: zone, Org: org, PublicKey: key, CapacityW: 5_000}
	}
	testchain.Refusals(t, c, energy.Name, "grid", "register_meter", []vcase{
		{"another operator's zone", "grid2", meter("M-new", "pv1", k.Public()), errcode.Unauthorized},
		{"a member outside the market", "", meter("M-new", "plain", k.Public()), errcode.RuleViolation},
		{"a meter id taken", "", meter("M-pv1", "pv1", k.Public()), errcode.Conflict},
		{"a key taken by another meter", "", meter("M-new", "pv1", ms["M-pv2"].Public()), errcode.Conflict},
		{"no key", "", energyapi.MeterBody{Meter: "M-new", Zone: zone, Org: "pv1", CapacityW: 5_000}, errcode.MalformedBody},
		{"no capacity", "", energyapi.MeterBody{Meter: "M-new", Zone: zone, Org: "pv1", PublicKey: k.Public()}, errcode.MalformedBody},
	})
	do(t, c, "grid", "register_meter", meter("M-pv1-b", "pv1", k.Public()), errcode.OK) // an SM2 meter
	// Readings of the 08:00 interval, posted at 08:16.
	at(c, cst(8, 16))
	iv := "202603010800"
	testchain.Refusals(t, c, energy.Name, "grid", "post_readings", []vcase{
		{"a signature over other registers", "", energyapi.ReadingsBody{Readings: []energyapi.Reading{func() energyapi.Reading {
			r := ms.reading(t, "M-pv1", iv, 0, 1_000)
			r.ExportWh = 4_000
			return r
		}()}}, errcode.Unauthorized},
		{"another meter's signature", "", energyapi.ReadingsBody{Readings: []energyapi.Reading{func() energyapi.Reading {
			r := ms.reading(t, "M-pv2", iv, 0, 1_000)
			r.Meter = "M-pv1"
			return r
		}()}}, errcode.Unauthorized},
		{"an interval not over", "", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", "202603010815", 0, 1)}}, errcode.RuleViolation},
		{"above the meter's rating", "", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", iv, 0, 5_001)}}, errcode.RuleViolation},
		{"twice in a batch", "", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", iv, 0, 1), ms.reading(t, "M-pv1", iv, 0, 1)}}, errcode.MalformedBody},
		{"an interval off the boundary", "", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", "202603010805", 0, 1)}}, errcode.MalformedBody},
		{"by another participant", "shop", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", iv, 0, 1)}}, errcode.Unauthorized},
		{"by another zone's operator", "grid2", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", iv, 0, 1)}}, errcode.Unauthorized},
		{"none", "", energyapi.ReadingsBody{}, errcode.MalformedBody},
	})
	// An SM2 meter's reading, posted by its participant.
	sig, err := k.Sign(energyapi.ReadingMessage(testchain.ChainID, "M-pv1-b", iv, 0, 800))
	if err != nil {
		t.Fatal(err)
	}
	do(t, c, "pv1", "post_readings", energyapi.ReadingsBody{Readings: []energyapi.Reading{{Meter: "M-pv1-b", Interval: iv, ExportWh: 800, Sig: hexOf(sig)}, ms.reading(t, "M-pv1", iv, 10, 1_200)}}, errcode.OK)
	do(t, c, "grid", "post_readings", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv1", iv, 10, 1_200)}}, errcode.Conflict)
	do(t, c, "grid", "retire_meter", energyapi.RetireMeterBody{Meter: "M-pv2", Reason: "更换电表"}, errcode.OK)
	do(t, c, "grid", "post_readings", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-pv2", iv, 0, 1)}}, errcode.RuleViolation)
	st, err := energy.StatementOf(c.View(), "pv1", "")
	if err != nil || len(st.Meters) != 2 || st.Meters[0].Readings != 1 || st.Meters[0].Last != iv {
		t.Fatalf("statement %v %+v", err, st)
	}
	page, err := energy.ReadingsOf(c.View(), "M-pv1-b", "", "")
	if err != nil || len(page.Items) != 1 || page.Items[0].ExportWh != 800 || page.Items[0].Org != "pv1" {
		t.Fatalf("readings %v %+v", err, page)
	}
	// Tariffs change only for intervals still open for trading.
	testchain.Refusals(t, c, energy.Name, "grid", "set_tariff", []vcase{
		{"an interval under way", "", energyapi.TariffBody{Zone: zone, From: "202603010815", RetailFen: 70, FeedInFen: 40}, errcode.RuleViolation},
		{"by another operator", "grid2", energyapi.TariffBody{Zone: zone, From: "202603011200", RetailFen: 70, FeedInFen: 40}, errcode.Unauthorized},
	})
	do(t, c, "grid", "set_tariff", energyapi.TariffBody{Zone: zone, From: "202603011200", RetailFen: 70, FeedInFen: 40, WheelingFen: 5}, errcode.OK)
	zn, _ := energy.GetZone(c.View(), zone)
	if zn.TariffAt("202603011145").RetailFen != 60 || zn.TariffAt("202603011200").RetailFen != 70 || zn.Meters != 4 {
		t.Fatalf("zone %+v", zn)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, x := range b {
		out[2*i], out[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(out)
}

// TestOneInterval trades, clears and settles the 09:00 interval with
// numbers worked by hand: the clearing price, the fills, and every fen of
// the settlement.
func TestOneInterval(t *testing.T) {
	c := newChain(t)
	ms := market(t, c)
	iv := "202603010900"
	order := func(side string, wh, price int64) energyapi.OrderBody {
		return energyapi.OrderBody{Zone: zone, Interval: iv, Side: side, QuantityWh: wh, PriceFen: price}
	}
	at(c, cst(8, 30))
	testchain.Refusals(t, c, energy.Name, "pv1", "place_order", []vcase{
		{"above the price cap", "", order(energyapi.Sell, 1_000, 201), errcode.MalformedBody},
		{"more than the meters move", "", order(energyapi.Sell, 5_001, 40), errcode.RuleViolation},
		{"three days ahead", "", energyapi.OrderBody{Zone: zone, Interval: "202603040900", Side: energyapi.Sell, QuantityWh: 1, PriceFen: 40}, errcode.RuleViolation},
		{"a side that is neither", "", order("hold", 1, 40), errcode.MalformedBody},
		{"without a meter", "plain", order(energyapi.Buy, 1, 40), errcode.Unauthorized},
		{"an unknown zone", "", energyapi.OrderBody{Zone: "XX", Interval: iv, Side: energyapi.Sell, QuantityWh: 1, PriceFen: 40}, errcode.NotFound},
	})
	do(t, c, "pv1", "place_order", order(energyapi.Sell, 3_000, 40), errcode.OK)
	do(t, c, "pv2", "place_order", order(energyapi.Sell, 2_000, 45), errcode.OK)
	do(t, c, "shop", "place_order", order(energyapi.Buy, 4_000, 50), errcode.OK)
	do(t, c, "home", "place_order", order(energyapi.Buy, 2_000, 38), errcode.OK)
	wrong := id(do(t, c, "home", "place_order", order(energyapi.Buy, 500, 39), errcode.OK))
	do(t, c, "home", "place_order", order(energyapi.Sell, 100, 39), errcode.Conflict)
	do(t, c, "pv1", "cancel_order", energyapi.IDBody{ID: wrong}, errcode.Unauthorized)
	do(t, c, "home", "cancel_order", energyapi.IDBody{ID: wrong}, errcode.OK)
	do(t, c, "home", "cancel_order", energyapi.IDBody{ID: wrong}, errcode.Conflict)
	do(t, c, "grid", "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.RuleViolation) // the gate is open

	at(c, cst(9, 0))
	do(t, c, "pv1", "place_order", order(energyapi.Sell, 1, 40), errcode.RuleViolation) // the gate closed
	do(t, c, "grid2", "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.Unauthorized)
	res := do(t, c, "grid", "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.OK)
	if res["price_fen"].(float64) != 47 || res["volume_wh"].(float64) != 4_000 || res["participants"].(float64) != 3 {
		t.Fatalf("clearing %v", res)
	}
	do(t, c, "grid", "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.Conflict)
	do(t, c, "grid", "settle_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.RuleViolation) // delivery under way

	at(c, cst(9, 16))
	do(t, c, "grid", "post_readings", energyapi.ReadingsBody{Readings: []energyapi.Reading{
		ms.reading(t, "M-pv1", iv, 0, 3_200), ms.reading(t, "M-pv2", iv, 0, 900), ms.reading(t, "M-shop", iv, 4_300, 0)}}, errcode.OK)
	do(t, c, "grid", "settle_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.OK)
	v, err := energy.IntervalView(c.View(), zone, iv, callerOf("nea"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]energyapi.Line{
		"pv1":  {Org: "pv1", SoldWh: 3_000, ExportWh: 3_200, Readings: 1, Meters: 1, TradeFen: 141, ImbalanceWh: 200, ImbalanceFen: 8, NetFen: 149},
		"pv2":  {Org: "pv2", SoldWh: 1_000, ExportWh: 900, Readings: 1, Meters: 1, TradeFen: 47, ImbalanceWh: -100, ImbalanceFen: -6, NetFen: 41},
		"shop": {Org: "shop", BoughtWh: 4_000, ImportWh: 4_300, Readings: 1, Meters: 1, TradeFen: -188, WheelingFen: -20, ImbalanceWh: -300, ImbalanceFen: -18, NetFen: -226},
	}
	if len(v.Lines) != 3 {
		t.Fatalf("lines %+v", v.Lines)
	}
	for _, l := range v.Lines {
		if l != want[l.Org] {
			t.Errorf("line of %s: %+v, want %+v", l.Org, l, want[l.Org])
		}
	}
	s := v.Settlement
	if s.TradeFen != 188 || s.WheelingFen != 20 || s.ChargesFen != 24 || s.CreditsFen != 8 || s.GridFen != 36 || s.Missing != 0 {
		t.Fatalf("settlement %+v", s)
	}
	// The shop sees its own line only; a member outside, none.
	if v, _ := energy.IntervalView(c.View(), zone, iv, callerOf("shop")); len(v.Lines) != 1 || len(v.Orders) != 1 || v.Clearing == nil {
		t.Fatalf("the shop's view %+v", v)
	}
	if v, _ := energy.IntervalView(c.View(), zone, iv, callerOf("plain")); len(v.Lines) != 0 || len(v.Orders) != 0 || len(v.Fills) != 0 {
		t.Fatalf("an outsider's view %+v", v)
	}
	if st, _ := energy.StatementOf(c.View(), "shop", zone); len(st.Lines) != 1 || st.NetFen != -226 || st.Lines[0].PriceFen != 47 {
		t.Fatalf("the shop's statement %+v", st)
	}
	do(t, c, "grid", "settle_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.Conflict)
}

// TestSettlementWaitsForReadings: a settlement waits for every trading
// participant's readings, for an hour after the interval; then the
// missing meters count as zero delivery.
func TestSettlementWaitsForReadings(t *testing.T) {
	c := newChain(t)
	ms := market(t, c)
	iv := "202603011000"
	at(c, cst(9, 50))
	do(t, c, "pv1", "place_order", energyapi.OrderBody{Zone: zone, Interval: iv, Side: energyapi.Sell, QuantityWh: 1_000, PriceFen: 40}, errcode.OK)
	do(t, c, "shop", "place_order", energyapi.OrderBody{Zone: zone, Interval: iv, Side: energyapi.Buy, QuantityWh: 1_000, PriceFen: 40}, errcode.OK)
	at(c, cst(10, 0))
	do(t, c, "grid", "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.OK)
	at(c, cst(10, 20))
	do(t, c, "grid", "post_readings", energyapi.ReadingsBody{Readings: []energyapi.Reading{ms.reading(t, "M-shop", iv, 1_000, 0)}}, errcode.OK)
	do(t, c, "grid", "settle_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.RuleViolation)
	at(c, cst(11, 15))
	res := do(t, c, "grid", "settle_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.OK)
	if res["missing"].(float64) != 1 {
		t.Fatalf("settle %v", res)
	}
	v, _ := energy.IntervalView(c.View(), zone, iv, callerOf("grid"))
	for _, l := range v.Lines {
		if l.Org == "pv1" && (!l.Missing || l.ImbalanceWh != -1_000 || l.NetFen != 40-60) {
			t.Fatalf("pv1 without readings: %+v", l)
		}
	}
}

// TestOrderQuantityBounds: an order of no energy and one above 1 TWh are
// refused, each with a log that says which bound it crossed.
func TestOrderQuantityBounds(t *testing.T) {
	c := newChain(t)
	market(t, c)
	at(c, cst(8, 30))
	for _, x := range []struct {
		wh   int64
		want string
	}{{0, "1 Wh to 1000000000000 Wh"}, {99_999_999_999_000, "got 99999999999000"}} {
		res := testchain.Do(t, c, "pv1", energy.Name, "place_order", energyapi.OrderBody{Zone: zone, Interval: "202603010900", Side: energyapi.Sell, QuantityWh: x.wh, PriceFen: 40}, errcode.MalformedBody)
		if !strings.Contains(res.Log, x.want) || strings.Contains(res.Log, "or more") {
			t.Errorf("%d Wh: %q, want %q", x.wh, res.Log, x.want)
		}
	}
}

// TestOrderOutcome: an order can be withdrawn until its interval's gate
// closes; then it waits for the clearing, which trades it in whole, in
// part or not at all; a withdrawn order stays withdrawn.
func TestOrderOutcome(t *testing.T) {
	c := newChain(t)
	market(t, c)
	iv := "202603010900"
	at(c, cst(8, 30))
	place := func(org, side string, wh, price int64) string {
		return id(do(t, c, org, "place_order", energyapi.OrderBody{Zone: zone, Interval: iv, Side: side, QuantityWh: wh, PriceFen: price}, errcode.OK))
	}
	pv1, pv2 := place("pv1", energyapi.Sell, 3_000, 40), place("pv2", energyapi.Sell, 2_000, 45)
	shop, home := place("shop", energyapi.Buy, 4_000, 50), place("home", energyapi.Buy, 2_000, 38)
	gone := place("home", energyapi.Buy, 500, 39)
	do(t, c, "home", "cancel_order", energyapi.IDBody{ID: gone}, errcode.OK)
	check := func(now time.Time, want map[string]string, filled map[string]int64) {
		t.Helper()
		v := c.View()
		for id, w := range want {
			o, err := energy.GetOrder(v, id)
			if err != nil {
				t.Fatal(err)
			}
			got, wh, err := energy.OrderOutcome(v, o, now)
			if err != nil || got != w || wh != filled[id] {
				t.Errorf("order %s at %s: %s %d Wh (%v), want %s %d Wh", id, now.Format("15:04"), got, wh, err, w, filled[id])
			}
		}
	}
	open := energyapi.OrderOpen
	check(cst(8, 59), map[string]string{pv1: open, home: open, gone: energyapi.OrderCancelled}, nil)
	check(cst(9, 0), map[string]string{pv1: energy.OrderClosed, home: energy.OrderClosed, gone: energyapi.OrderCancelled}, nil)
	at(c, cst(9, 0))
	do(t, c, "grid", "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: iv}, errcode.OK)
	check(cst(9, 1), map[string]string{pv1: energy.OrderTraded, pv2: energy.OrderTraded, shop: energy.OrderTraded, home: energy.OrderNotTraded, gone: energyapi.OrderCancelled},
		map[string]int64{pv1: 3_000, pv2: 1_000, shop: 4_000})
}
