package trace_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// story records the pears' way from the orchard to the shelf and into
// juice, and returns the event ids by name.
func story(t *testing.T, c *testchain.Chain) map[string]string {
	t.Helper()
	ev := map[string]string{}
	ev["commission"] = capture(t, c, coop, commission(c, pearLot, pear(1), pear(2), pear(3), pear(4)))
	ev["inspect lot"] = capture(t, c, inspector, with(observe(c, "inspecting", pearLot), "event_time", ago(c, 50*time.Minute)))
	ev["pack case"] = capture(t, c, coop, pack(c, sscc(1), pear(1), pear(2)))
	ev["pack case 2"] = capture(t, c, coop, pack(c, sscc(3), pear(3)))
	ev["pack pallet"] = capture(t, c, coop, with(pack(c, sscc(2), sscc(1)), "event_time", ago(c, 20*time.Minute)))
	ev["unpack p2"] = capture(t, c, coop, with(unpack(c, sscc(1), pear(2)), "event_time", ago(c, 15*time.Minute)))
	ev["ship"] = capture(t, c, coop, with(ship(c, logistics, sscc(2)), "event_time", ago(c, 10*time.Minute), "biz_location", packGLN))
	ev["receive"] = capture(t, c, logistics, with(observe(c, "receiving", sscc(2)), "event_time", ago(c, 5*time.Minute), "biz_location", wareGLN))
	ev["ship 2"] = capture(t, c, logistics, with(ship(c, market, sscc(2)), "event_time", ago(c, 4*time.Minute)))
	ev["receive 2"] = capture(t, c, market, with(observe(c, "receiving", sscc(2)), "event_time", ago(c, 3*time.Minute), "biz_location", storeGLN))
	ev["sell"] = capture(t, c, market, with(observe(c, "retail_selling", pear(1)), "disposition", "retail_sold", "biz_location", storeGLN))
	// Pear 3 and the whole second lot go into juice; pear 4 into a
	// bottle directly.
	ev["unpack p3"] = capture(t, c, coop, unpack(c, sscc(3)))
	ev["juice"] = capture(t, c, juicer, transform(c, []string{pearLot2, pear(3)}, []string{juiceLot}, ""))
	ev["bottle"] = capture(t, c, juicer, with(commission(c, juiceLot, juice(1), juice(2)), "event_time", ago(c, 0), "read_point", factoryGLN, "biz_location", factoryGLN))
	ev["juice direct"] = capture(t, c, juicer, transform(c, []string{pear(4)}, []string{juice(10)}, juiceLot))
	return ev
}

func journeyIDs(t *testing.T, c *testchain.Chain, epc string) ([]string, map[string]trace.JourneyEvent) {
	t.Helper()
	j, err := trace.Journey(c.View(), epc)
	if err != nil {
		t.Fatalf("journey of %s: %v", epc, err)
	}
	var ids []string
	by := map[string]trace.JourneyEvent{}
	for _, e := range j {
		ids = append(ids, e.ID)
		by[e.ID] = e
	}
	for i := 1; i < len(j); i++ {
		a, _ := time.Parse(time.RFC3339, j[i-1].EventTime)
		b, _ := time.Parse(time.RFC3339, j[i].EventTime)
		if a.After(b) || a.Equal(b) && j[i-1].ID > j[i].ID {
			t.Fatalf("journey of %s out of order at %d: %s %s then %s %s", epc, i, j[i-1].ID, j[i-1].EventTime, j[i].ID, j[i].EventTime)
		}
	}
	return ids, by
}

func names(ev map[string]string, ids []string) []string {
	rev := map[string]string{}
	for k, v := range ev {
		rev[v] = k
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = rev[id]
	}
	return out
}

func TestJourney(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	ev := story(t, c)

	// Pear 1 stayed in the case, which went on the pallet: it sees the
	// pallet's shipments, not the unpacking of pear 2.
	ids, by := journeyIDs(t, c, pear(1))
	want := []string{"commission", "inspect lot", "pack case", "pack pallet", "ship", "receive", "ship 2", "receive 2", "sell"}
	if got := names(ev, ids); !slices.Equal(got, want) {
		t.Fatalf("journey of pear 1:\n got %v\nwant %v", got, want)
	}
	for name, rel := range map[string]string{"commission": trace.RelSelf, "inspect lot": trace.RelLot, "pack case": trace.RelSelf,
		"pack pallet": trace.RelParent, "ship": trace.RelParent, "sell": trace.RelSelf} {
		if e := by[ev[name]]; e.Relation != rel {
			t.Errorf("pear 1 %s: relation %s, want %s (via %s)", name, e.Relation, rel, e.Via)
		}
	}
	if e := by[ev["ship"]]; e.Via != sscc(2) {
		t.Errorf("shipping via %s, want the pallet", e.Via)
	}
	if e := by[ev["pack pallet"]]; e.Via != sscc(1) {
		t.Errorf("pallet packing via %s, want the case", e.Via)
	}

	// Pear 2 left the case before it was shipped.
	ids, _ = journeyIDs(t, c, pear(2))
	if got, want := names(ev, ids), []string{"commission", "inspect lot", "pack case", "pack pallet", "unpack p2"}; !slices.Equal(got, want) {
		t.Fatalf("journey of pear 2:\n got %v\nwant %v", got, want)
	}

	// A bottle of juice goes back through the transformation to the pear
	// lot it was made of and to pear 3's own journey.
	ids, by = journeyIDs(t, c, juice(1))
	want = []string{"commission", "inspect lot", "pack case 2", "unpack p3", "juice", "bottle"}
	if got := names(ev, ids); !slices.Equal(got, want) {
		t.Fatalf("journey of juice 1:\n got %v\nwant %v", got, want)
	}
	if by[ev["bottle"]].Relation != trace.RelSelf || by[ev["juice"]].Relation != trace.RelLot || by[ev["commission"]].Relation != trace.RelSource || by[ev["inspect lot"]].Relation != trace.RelSource {
		t.Fatalf("juice relations: %+v", by)
	}
	// The bottle made directly from pear 4, into the juice lot: it has
	// pear 4's history and the juice lot's.
	ids, _ = journeyIDs(t, c, juice(10))
	if got, want := names(ev, ids), []string{"commission", "inspect lot", "pack case 2", "unpack p3", "juice", "juice direct"}; !slices.Equal(got, want) {
		t.Fatalf("journey of juice 10:\n got %v\nwant %v", got, want)
	}
	// Pear 4 was consumed.
	if o := item(t, c, pear(4)); !o.Destroyed || o.EndReason != trace.EndTransformed {
		t.Fatalf("pear 4 %+v", o)
	}
	do(t, c, coop, "capture", observe(c, "storing", pear(4)), errcode.RuleViolation)

	// Equal event times keep record order.
	same := ago(c, 0)
	a := capture(t, c, market, with(observe(c, "storing", pear(1)), "event_time", same))
	b := capture(t, c, market, with(observe(c, "storing", pear(1)), "event_time", same))
	ids, _ = journeyIDs(t, c, pear(1))
	if ids[len(ids)-2] != a || ids[len(ids)-1] != b {
		t.Fatalf("ties: %v", ids[len(ids)-3:])
	}
	if _, err := trace.Journey(c.View(), pear(99)); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("journey of an unknown item: %v", err)
	}
	if _, err := trace.Journey(c.View(), "/01/1/21/x"); errcode.Of(err) != errcode.BadRequest {
		t.Fatalf("journey of a bad id: %v", err)
	}
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
	imp, _ = trace.RecallImpact(v, pearLot2)
	if !slices.Equal(imp.Lots, []string{juiceLot}) || !sameSet(imp.Items, []string{juice(1), juice(2), juice(10)}) {
		t.Fatalf("impact of lot 2 %+v", imp)
	}
	imp, _ = trace.RecallImpact(v, juiceLot)
	if len(imp.Lots) != 0 || !sameSet(imp.Items, []string{juice(1), juice(2), juice(10)}) {
		t.Fatalf("impact of the juice lot %+v", imp)
	}

	// The regulator recalls the second pear lot: the juice lot made from it
	// is affected (all its bottles), the pears of the first lot are not.
	recall := capture(t, c, regulator, with(observe(c, "recalling", pearLot2), "disposition", "recalled"))
	l, _ := trace.GetLot(c.View(), pearLot2)
	if l.Recall == nil || l.Recall.Event != recall || l.Recall.Org != regulator {
		t.Fatalf("lot %+v", l)
	}
	for epc, want := range map[string]bool{juice(1): true, juice(2): true, juice(10): true, pear(1): false, pear(2): false} {
		v, err := trace.Risk(c.View(), epc, c.Time)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.ContainsFunc(v.Reasons, func(r trace.Reason) bool { return r.Code == trace.ReasonRecalled })
		if got != want || (want && v.Level != trace.LevelDanger) {
			t.Errorf("%s: recalled %v, want %v (%+v)", epc, got, want, v)
		}
	}
	// Nothing new comes out of a recalled lot.
	do(t, c, juicer, "capture", transform(c, []string{pearLot2}, []string{juiceLot}, ""), errcode.RuleViolation)
	do(t, c, coop, "capture", commission(c, pearLot2, pear(50)), errcode.RuleViolation)
	// A producer recalls its own lot.
	capture(t, c, coop, observe(c, "recalling", pearLot))
	if v, _ := trace.Risk(c.View(), pear(1), c.Time); v.Level != trace.LevelDanger {
		t.Fatalf("pear 1 after the recall of its lot: %+v", v)
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
