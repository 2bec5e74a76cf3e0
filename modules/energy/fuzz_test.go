package energy

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"202603010815", "202603010805", "202602301200", "2026030108150", "20260301081a", "", "999912312359"} {
		f.Add(s, 15)
	}
	f.Fuzz(func(t *testing.T, s string, minutes int) {
		if minutes < 1 || minutes > 60 {
			return
		}
		start, err := energyapi.ParseInterval(s, minutes)
		if err != nil {
			return
		}
		if energyapi.IntervalID(start) != s || energyapi.IntervalOf(start, minutes) != s {
			t.Fatalf("ParseInterval(%q, %d) = %v, which writes back as %q", s, minutes, start, energyapi.IntervalID(start))
		}
	})
}

func FuzzOrderID(f *testing.F) {
	for _, s := range []string{"AH-DS:202603010815:1", "a:b:c", "x:y:0", "x:y:01", "::", "AH:202603010815:20001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		z, iv, seq, err := ParseOrderID(s)
		if err != nil {
			return
		}
		if OrderID(z, iv, seq) != s {
			t.Fatalf("ParseOrderID(%q) = %s %s %d, which writes back as %q", s, z, iv, seq, OrderID(z, iv, seq))
		}
	})
}

// FuzzActions runs every action's handler on arbitrary bodies over a zone
// with a meter and an open book: no body panics, and every refusal is a
// coded error.
func FuzzActions(f *testing.F) {
	m := Module{}
	for _, a := range m.Actions() {
		f.Add(a.Name, []byte(`{}`))
	}
	f.Add("post_readings", []byte(`{"readings":[{"meter":"M-0001","interval":"202603010800","import_wh":1,"export_wh":2,"sig":"00"}]}`))
	f.Add("place_order", []byte(`{"zone":"Z1","interval":"202603010900","side":"sell","quantity_wh":100,"price_fen":40}`))
	f.Add("cancel_order", []byte(`{"id":"Z1:202603010900:1"}`))
	f.Add("clear_interval", []byte(`{"zone":"Z1","interval":"202603010845"}`))
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		var h module.Handler
		for _, a := range m.Actions() {
			if a.Name == action {
				h = a.Handle
			}
		}
		if h == nil {
			return
		}
		kv := fuzzState(t)
		ctx := &module.Context{ChainID: "fuzz", Height: 9, Time: time.Date(2026, 3, 1, 0, 50, 0, 0, time.UTC), Store: kv,
			Signer: module.Signer{Org: "grid", Roles: []role.Role{energyapi.GridOperator, energyapi.Prosumer}, KeyID: tx.KeyID{1}}}
		if err := h(ctx, body); err != nil && errcode.Of(err) == errcode.Internal {
			t.Fatalf("%s %s: an uncoded error %v", action, body, err)
		}
	})
}

// fuzzState is zone Z1 of grid, with a meter of pv and one order in the
// 08:45 book.
func fuzzState(t *testing.T) testchain.MemKV {
	kv := testchain.MemKV{}
	for _, o := range []string{"grid", "pv"} {
		b, _ := json.Marshal(module.OrgView{ID: o, Name: o, Roles: []role.Role{energyapi.GridOperator, energyapi.Prosumer}, Active: true})
		kv["identity/org/"+o] = b
	}
	ctx := &module.Context{ChainID: "fuzz", Height: 1, Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Store: kv,
		Signer: module.Signer{Org: "grid", Roles: []role.Role{energyapi.GridOperator}}}
	m := Module{}
	if err := m.openZone(ctx, &energyapi.ZoneBody{Zone: "Z1", Name: "z", RetailFen: 60, FeedInFen: 39}); err != nil {
		t.Fatal(err)
	}
	k := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(1))
	if err := m.registerMeter(ctx, &energyapi.MeterBody{Meter: "M-0001", Zone: "Z1", Org: "pv", PublicKey: k.Public(), CapacityW: 10_000}); err != nil {
		t.Fatal(err)
	}
	ctx.Signer.Org = "pv"
	if err := m.placeOrder(ctx, &energyapi.OrderBody{Zone: "Z1", Interval: "202603010845", Side: energyapi.Sell, QuantityWh: 100, PriceFen: 40}); err != nil {
		t.Fatal(err)
	}
	return kv
}
