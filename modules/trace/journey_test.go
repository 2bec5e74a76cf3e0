package trace_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
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
	ev["receive"] = capture(t, c, logistics, with(receive(c, sscc(2)), "event_time", ago(c, 5*time.Minute), "biz_location", wareGLN))
	ev["ship 2"] = capture(t, c, logistics, with(ship(c, market, sscc(2)), "event_time", ago(c, 4*time.Minute)))
	ev["receive 2"] = capture(t, c, market, with(receive(c, sscc(2)), "event_time", ago(c, 3*time.Minute), "biz_location", storeGLN))
	ev["unpack pallet"] = capture(t, c, market, with(unpack(c, sscc(2)), "event_time", ago(c, 2*time.Minute)))
	ev["unpack case"] = capture(t, c, market, unpack(c, sscc(1)))
	ev["sell"] = capture(t, c, market, with(observe(c, "retail_selling", pear(1)), "disposition", "retail_sold", "biz_location", storeGLN))
	// Pear 3 and the whole second lot go into juice; pear 4 into a
	// bottle directly. The juice factory receives the pears first.
	ev["unpack p3"] = capture(t, c, coop, unpack(c, sscc(3)))
	ev["ship p3"] = capture(t, c, coop, ship(c, juicer, pear(3), pear(4)))
	ev["receive p3"] = capture(t, c, juicer, receive(c, pear(3), pear(4)))
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
	want := []string{"commission", "inspect lot", "pack case", "pack pallet", "ship", "receive", "ship 2", "receive 2", "unpack pallet", "unpack case", "sell"}
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
	want = []string{"commission", "inspect lot", "pack case 2", "unpack p3", "ship p3", "receive p3", "juice", "bottle"}
	if got := names(ev, ids); !slices.Equal(got, want) {
		t.Fatalf("journey of juice 1:\n got %v\nwant %v", got, want)
	}
	if by[ev["bottle"]].Relation != trace.RelSelf || by[ev["juice"]].Relation != trace.RelLot || by[ev["commission"]].Relation != trace.RelSource || by[ev["inspect lot"]].Relation != trace.RelSource {
		t.Fatalf("juice relations: %+v", by)
	}
	// The bottle made directly from pear 4, into the juice lot: it has
	// pear 4's history and the juice lot's.
	ids, _ = journeyIDs(t, c, juice(10))
	if got, want := names(ev, ids), []string{"commission", "inspect lot", "pack case 2", "unpack p3", "ship p3", "receive p3", "juice", "juice direct"}; !slices.Equal(got, want) {
		t.Fatalf("journey of juice 10:\n got %v\nwant %v", got, want)
	}
	// Pear 4 was consumed.
	if o := item(t, c, pear(4)); !o.Destroyed || o.EndReason != trace.EndTransformed {
		t.Fatalf("pear 4 %+v", o)
	}
	do(t, c, juicer, "capture", observe(c, "storing", pear(4)), errcode.RuleViolation)

	// Equal event times keep record order.
	same := ago(c, 0)
	a := capture(t, c, inspector, with(observe(c, "inspecting", pear(1)), "event_time", same, "event_id", "urn:uuid:tie-a"))
	b := capture(t, c, inspector, with(observe(c, "inspecting", pear(1)), "event_time", same, "event_id", "urn:uuid:tie-b"))
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
