package trace_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

// recalled reports the recall status an item's scan page shows.
func recalled(t *testing.T, c *testchain.Chain, epc string) trace.RecallStatus {
	t.Helper()
	pg, err := trace.ScanPage(c.View(), epc, c.Time)
	if err != nil {
		t.Fatal(err)
	}
	danger := slices.ContainsFunc(pg.Risk.Reasons, func(r trace.Reason) bool { return r.Code == trace.ReasonRecalled })
	if danger != pg.Recall.Recalled || (danger && pg.Risk.Level != trace.LevelDanger) {
		t.Fatalf("%s: recall %+v but verdict %+v", epc, pg.Recall, pg.Risk)
	}
	return pg.Recall
}

// Recalling single items set their disposition and nothing else: the scan
// page still said "genuine". A recall of an item, a container, a lot or a
// product now reaches every scan page it concerns.
func TestRecallScopes(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2), pear(3), pear(4), pear(5)))
	capture(t, c, coop, commission(c, pearLot2, pear(6)))
	capture(t, c, coop, pack(c, sscc(1), pear(2)))
	capture(t, c, coop, pack(c, sscc(2), sscc(1), pear(3)))
	for _, epc := range []string{pear(1), pear(2), pear(6)} {
		if r := recalled(t, c, epc); r.Recalled {
			t.Fatalf("%s recalled before any recall: %+v", epc, r)
		}
	}
	// A single item, by its producer.
	capture(t, c, coop, with(observe(c, "recalling", pear(1)), "disposition", "recalled"))
	if r := recalled(t, c, pear(1)); !r.Recalled || r.Scope != trace.ScopeItem || r.Subject != pear(1) {
		t.Fatalf("item recall %+v", r)
	}
	if r := recalled(t, c, pear(4)); r.Recalled {
		t.Fatalf("its neighbour %+v", r)
	}
	// A pallet: everything in it at any depth, also after it is unpacked.
	capture(t, c, regulator, observe(c, "recalling", sscc(2)))
	capture(t, c, coop, unpack(c, sscc(2)))
	capture(t, c, coop, unpack(c, sscc(1)))
	for _, epc := range []string{pear(2), pear(3)} {
		if r := recalled(t, c, epc); !r.Recalled || r.Scope != trace.ScopeContainer || r.Subject != sscc(2) {
			t.Fatalf("%s in the recalled pallet: %+v", epc, r)
		}
	}
	if r := recalled(t, c, pear(5)); r.Recalled {
		t.Fatalf("not in the pallet %+v", r)
	}
	// A lot, by its class in the quantity list.
	capture(t, c, regulator, map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "biz_step": "recalling", "event_time": ago(c, 0),
		"quantity_list": []map[string]any{{"epc_class": "urn:epc:class:lgtin:6901234.000001.DS2026B"}}})
	if r := recalled(t, c, pear(6)); !r.Recalled || r.Scope != trace.ScopeLot || r.Lot != pearLot2 {
		t.Fatalf("lot recall %+v", r)
	}
	// A whole product: every lot, every item.
	capture(t, c, coop, observe(c, "recalling", pearProd))
	if r := recalled(t, c, pear(5)); !r.Recalled || r.Scope != trace.ScopeProduct || r.Subject != pearProd {
		t.Fatalf("product recall %+v", r)
	}
	// Nothing new of a recalled product.
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", commission(c, pearLot, pear(9))), errcode.RuleViolation, "was recalled")
	// A producer recalls only its own.
	refusedWith(t, c.Do(admin(c, juicer), "trace", "capture", observe(c, "recalling", pearProd)), errcode.Unauthorized, "only its own")
}

func TestRecallImpact(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	story(t, c)
	v := c.View()
	imp, err := trace.RecallImpact(v, pearLot)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{juiceLot}; !slices.Equal(imp.Lots, want) {
		t.Fatalf("lots %v", imp.Lots)
	}
	if want := []string{pear(1), pear(2), pear(3), pear(4), juice(1), juice(2), juice(10)}; !sameSet(imp.Items, want) {
		t.Fatalf("items %v, want %v", imp.Items, want)
	}
	if imp.Recall != nil || imp.Truncated {
		t.Fatalf("impact %+v", imp)
	}
	// Who holds what is reached: the juices are at the factory, pear 1
	// was sold, pear 2 is still in the cooperative's hands.
	holders := map[string]int{}
	for _, h := range imp.Holders {
		holders[h.Org] = h.Items
	}
	if holders[juicer] != 3 || holders[""] != 1 || holders[coop] != 1 {
		t.Fatalf("holders %+v", imp.Holders)
	}
	imp, _ = trace.RecallImpact(v, pearLot2)
	if !slices.Equal(imp.Lots, []string{juiceLot}) || !sameSet(imp.Items, []string{juice(1), juice(2), juice(10)}) {
		t.Fatalf("impact of lot 2 %+v", imp)
	}
	imp, _ = trace.RecallImpact(v, juiceLot)
	if len(imp.Lots) != 0 || !sameSet(imp.Items, []string{juice(1), juice(2), juice(10)}) {
		t.Fatalf("impact of the juice lot %+v", imp)
	}
	// A container: what is in it now, and what was made of that.
	imp, _ = trace.RecallImpact(v, pearProd)
	if !sameSet(imp.Lots, []string{pearLot, pearLot2, juiceLot}) || len(imp.Items) != 7 {
		t.Fatalf("impact of the product %+v", imp)
	}
	// Following aggregation: a lot recall names the containers its items
	// are packed in now.
	capture(t, c, coop, commission(c, pearLot, pear(20)))
	capture(t, c, coop, pack(c, sscc(7), pear(20)))
	capture(t, c, coop, pack(c, sscc(8), sscc(7)))
	imp, _ = trace.RecallImpact(c.View(), pearLot)
	if !slices.Contains(imp.Containers, sscc(7)) || !slices.Contains(imp.Containers, sscc(8)) {
		t.Fatalf("containers %v", imp.Containers)
	}
	imp, _ = trace.RecallImpact(c.View(), sscc(8))
	if !sameSet(imp.Items, []string{pear(20)}) || !slices.Contains(imp.Containers, sscc(7)) {
		t.Fatalf("impact of the pallet %+v", imp)
	}

	// The regulator recalls the second pear lot: the juice lot made from it
	// is affected (all its bottles), the pears of the first lot are not.
	recall := capture(t, c, regulator, with(observe(c, "recalling", pearLot2), "disposition", "recalled"))
	l, _ := trace.GetLot(c.View(), pearLot2)
	if l.Recall == nil || l.Recall.Event != recall || l.Recall.Org != regulator {
		t.Fatalf("lot %+v", l)
	}
	for epc, want := range map[string]bool{juice(1): true, juice(2): true, juice(10): true, pear(1): false, pear(2): false} {
		if r := recalled(t, c, epc); r.Recalled != want || (want && r.Scope != trace.ScopeSource) {
			t.Errorf("%s: recall %+v, want %v", epc, r, want)
		}
	}
	// Nothing new comes out of a recalled lot.
	do(t, c, juicer, "capture", transform(c, []string{pearLot2}, []string{juiceLot}, ""), errcode.RuleViolation)
	do(t, c, coop, "capture", commission(c, pearLot2, pear(50)), errcode.RuleViolation)
	// A producer recalls its own lot.
	capture(t, c, coop, observe(c, "recalling", pearLot))
	if r := recalled(t, c, pear(1)); !r.Recalled || r.Scope != trace.ScopeLot {
		t.Fatalf("pear 1 after the recall of its lot: %+v", r)
	}
	if _, err := trace.RecallImpact(c.View(), pearProd+"/10/NOPE"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("impact of an unknown lot: %v", err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
