package trace_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
)

func TestCaptureValidation(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	com := commission(c, pearLot, pear(2))
	obs := observe(c, "storing", pear(1))
	agg := pack(c, sscc(1), pear(1))
	many := make([]string, trace.MaxEPCsPerEvent+1)
	for i := range many {
		many[i] = pear(1000 + i)
	}
	refusals(t, c, "capture", []vcase{
		{"not JSON", "", []byte("{"), mal},
		{"unknown field", "", with(com, "quantity_list", []any{}), mal},
		{"camelCase key", "", with(com, "epc_list", nil, "epcList", []string{pear(2)}), mal},
		{"no type", "", with(com, "type", nil), mal},
		{"AssociationEvent", "", with(com, "type", "AssociationEvent"), mal},
		{"no action", "", with(com, "action", nil), mal},
		{"lower-case action", "", with(com, "action", "add"), mal},
		{"transformation with action", "", with(transform(c, []string{pearLot}, []string{juiceLot}, ""), "action", "ADD"), mal},
		{"unknown biz_step", "", with(obs, "biz_step", "loading"), mal},
		{"CBV URI biz_step", "", with(obs, "biz_step", "urn:epcglobal:cbv:bizstep:storing"), mal},
		{"unknown disposition", "", with(obs, "disposition", "lost"), mal},
		{"ADD with shipping", "", with(com, "biz_step", "shipping"), mal},
		{"commissioning with OBSERVE", "", with(com, "action", "OBSERVE"), mal},
		{"DELETE with shipping", "", with(obs, "action", "DELETE", "biz_step", "shipping"), mal},
		{"packing with OBSERVE", "", with(agg, "action", "OBSERVE"), mal},
		{"aggregation retail_selling", "", with(agg, "action", "OBSERVE", "biz_step", "retail_selling"), mal},
		{"transformation packing", "", with(transform(c, []string{pearLot}, []string{juiceLot}, ""), "biz_step", "packing"), mal},
		{"no epc_list", "", with(obs, "epc_list", nil), mal},
		{"object event with children", "", with(obs, "child_epcs", []string{pear(2)}), mal},
		{"object event with parent", "", with(obs, "parent_id", sscc(1)), mal},
		{"aggregation without parent", "", with(agg, "parent_id", nil), mal},
		{"aggregation ADD without children", "", with(agg, "child_epcs", nil), mal},
		{"aggregation with epc_list", "", with(agg, "epc_list", []string{pear(1)}), mal},
		{"parent is a lot", "", with(agg, "parent_id", pearLot), mal},
		{"child is a lot", "", with(agg, "child_epcs", []string{pearLot}), mal},
		{"transformation without outputs", "", with(transform(c, []string{pearLot}, []string{juiceLot}, ""), "output_epc_list", nil), mal},
		{"transformation output a container", "", transform(c, []string{pearLot}, []string{sscc(3)}, ""), mal},
		{"commissioning without lot", "", with(com, "lot", nil), mal},
		{"commissioning a container", "", with(com, "epc_list", []string{sscc(2)}), mal},
		{"commissioning a lot", "", with(com, "epc_list", []string{pearLot2}), mal},
		{"lot of another product", "", with(com, "lot", juiceLot), mal},
		{"lot on a shipping", "", with(ship(c, logistics, pear(1)), "lot", pearLot), mal},
		{"lot not a lot", "", with(com, "lot", pearProd), mal},
		{"bad check digit in epc_list", "", with(obs, "epc_list", []string{"/01/06901234000017/21/P0001"}), mal},
		{"bad SSCC check digit", "", with(agg, "parent_id", "/00/069012340000100007"), mal},
		{"serial too long", "", with(com, "epc_list", []string{pearProd + "/21/" + strings.Repeat("x", 21)}), mal},
		{"serial with slash", "", with(com, "epc_list", []string{pearProd + "/21/a/b"}), mal},
		{"EPC URN in body", "", with(obs, "epc_list", []string{"urn:epc:id:sgtin:6901234.000001.P0001"}), mal},
		{"bad read_point", "", with(obs, "read_point", "/414/6901234100014"), mal},
		{"read_point not a location", "", with(obs, "read_point", pear(1)), mal},
		{"repeated epc", "", with(obs, "epc_list", []string{pear(1), pear(1)}), mal},
		{"repeated epc in two forms", "", with(obs, "epc_list", []string{pear(1), "/01/6901234000016/21/P0001"}), mal},
		{"parent among children", "", with(agg, "child_epcs", []string{pear(1), sscc(1)}), mal},
		{"input among outputs", "", transform(c, []string{pearLot}, []string{juiceLot, pearLot}, ""), mal},
		{"too many epcs", "", with(obs, "epc_list", many), mal},
		{"no event_time", "", with(obs, "event_time", nil), mal},
		{"event_time without offset", "", with(obs, "event_time", "2026-02-28T10:00:00"), mal},
		{"event_time a date", "", with(obs, "event_time", "2026-02-28"), mal},
		{"bad source type", "", with(obs, "source_list", []map[string]any{{"type": "owner", "source": coop}}), mal},
		{"bad source party", "", with(obs, "source_list", []map[string]any{{"type": "owning_party", "source": "Coop Dangshan"}}), mal},
		{"source location bad GLN", "", with(obs, "source_list", []map[string]any{{"type": "location", "source": "/414/1"}}), mal},
		{"destination with source key", "", with(obs, "destination_list", []map[string]any{{"type": "owning_party", "source": market}}), mal},
		{"repeated destination", "", with(ship(c, market, pear(1)), "destination_list", []map[string]any{{"type": "owning_party", "destination": market}, {"type": "owning_party", "destination": market}}), mal},
		{"shipping without receiver", "", with(ship(c, market, pear(1)), "destination_list", []map[string]any{{"type": "location", "destination": storeGLN}}), mal},
		{"sensor hash uppercase", "", with(obs, "sensor_hashes", []string{strings.Repeat("AB", 32)}), mal},
		{"certificate hash short", "", with(obs, "certificate_hashes", []string{"abcd"}), mal},
		{"event_id blank", "", with(obs, "event_id", " "), mal},
		{"event_id with space", "", with(obs, "event_id", "my event"), mal},
		{"event_id too long", "", with(obs, "event_id", strings.Repeat("e", 129)), mal},
		{"event_id like a chain id", "", with(obs, "event_id", strings.Repeat("0", 24)), mal},
		{"error declaration without reason", "", with(obs, "error_declaration", map[string]any{"corrects": "x"}), mal},
		{"error declaration bad reason", "", with(obs, "error_declaration", map[string]any{"reason": "oops", "corrects": "x"}), mal},
		{"error declaration without corrects", "", with(obs, "error_declaration", map[string]any{"reason": "did_not_occur"}), mal},
	})
}

func TestCaptureRules(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2), pear(3), pear(4)))
	capture(t, c, coop, pack(c, sscc(1), pear(1)))
	capture(t, c, coop, with(observe(c, "destroying", pear(4)), "disposition", "destroyed"))
	capture(t, c, coop, ship(c, logistics, pear(3)))
	capture(t, c, inspector, with(observe(c, "inspecting", pear(2)), "event_id", "urn:uuid:6f1b2f3e-inspect-1"))
	o := item(t, c, pear(4))
	if !o.Destroyed || o.EndReason != trace.EndDestroyed || o.Disposition != "destroyed" {
		t.Fatalf("destroyed item %+v", o)
	}
	refusals(t, c, "capture", []vcase{
		// Commissioning.
		{"commission twice", "", commission(c, pearLot, pear(1)), conflict},
		{"commission twice in a list", "", commission(c, pearLot, pear(9), pear(2)), conflict},
		{"commission into an unknown lot", "", commission(c, pearProd+"/10/NOPE", pear(9)), notFound},
		{"commission into another producer's lot", juicer, commission(c, pearLot, pear(9)), unauth},
		{"commission an unregistered product", juicer, commission(c, otherProd+"/10/X", otherProd+"/21/1"), notFound},
		// Before commissioning and after the end.
		{"event before commissioning", "", observe(c, "storing", pear(9)), rule},
		{"ship an uncommissioned item", "", ship(c, logistics, pear(9)), rule},
		{"observe an unknown container", "", observe(c, "storing", sscc(9)), rule},
		{"event_time before the commissioning", "", with(observe(c, "storing", pear(2)), "event_time", ago(c, 2*time.Hour)), rule},
		{"event after destroy", "", observe(c, "storing", pear(4)), rule},
		{"pack after destroy", "", pack(c, sscc(2), pear(4)), rule},
		{"destroy twice", regulator, observe(c, "destroying", pear(4)), rule},
		{"transform a destroyed item", "", transform(c, []string{pear(4)}, []string{juiceLot}, ""), rule},
		// One parent at a time.
		{"child in two parents", "", pack(c, sscc(2), pear(1)), conflict},
		{"child packed twice in the same parent", "", pack(c, sscc(1), pear(1)), conflict},
		{"unpack from the wrong parent", "", unpack(c, sscc(1), pear(2)), rule},
		{"unpack an unknown container", "", unpack(c, sscc(2)), rule},
		{"observe with a child not inside", "", with(unpack(c, sscc(1), pear(2)), "action", "OBSERVE", "biz_step", "storing"), rule},
		{"destroy a container that holds items", regulator, observe(c, "destroying", sscc(1)), rule},
		{"pack into an uncommissioned item", "", pack(c, pear(9), pear(2)), rule},
		// Shipping and receiving.
		{"receive without a shipping", logistics, observe(c, "receiving", pear(2)), rule},
		{"receive by the wrong party", market, observe(c, "receiving", pear(3)), rule},
		{"ship again before it was received", "", ship(c, market, pear(3)), rule},
		{"ship to an unknown organisation", "", ship(c, "nobody", pear(2)), notFound},
		{"ship from an unregistered location", "", with(ship(c, logistics, pear(2)), "source_list", []map[string]any{{"type": "location", "source": storeGLN[:5] + "6901234100068"}}), notFound},
		{"unregistered biz_location", "", with(observe(c, "storing", pear(2)), "biz_location", "/414/6901234100068"), notFound},
		// Lots.
		{"ship a lot", "", ship(c, logistics, pearLot), rule},
		{"recall another producer's lot", juicer, observe(c, "recalling", pearLot), unauth},
		{"recall another producer's item", juicer, observe(c, "recalling", pear(2)), unauth},
		{"producer recalls another's container", juicer, observe(c, "recalling", sscc(1)), unauth},
		{"producer destroys another's item", juicer, observe(c, "destroying", pear(2)), unauth},
		{"producer decommissions another's item", juicer, with(observe(c, "decommissioning", pear(2)), "action", "DELETE"), unauth},
		{"recall an unknown lot", regulator, observe(c, "recalling", pearProd+"/10/NOPE"), notFound},
		{"output into another producer's lot", juicer, transform(c, []string{pearLot}, []string{pearLot2}, ""), unauth},
		{"transform an unknown lot", juicer, transform(c, []string{pearProd + "/10/NOPE"}, []string{juiceLot}, ""), notFound},
		{"transformation outputs an existing item", "", transform(c, []string{pearLot2}, []string{pear(2)}, pearLot), conflict},
		// Time.
		{"event_time in the future", "", with(observe(c, "storing", pear(2)), "event_time", ago(c, -time.Hour)), rule},
		{"event_time more than a year ago", "", with(commission(c, pearLot, pear(9)), "event_time", c.Time.AddDate(-1, 0, -1).Format(time.RFC3339)), rule},
		// Client ids.
		{"event_id used twice", "", with(observe(c, "storing", pear(2)), "event_id", "urn:uuid:6f1b2f3e-inspect-1"), conflict},
	})
	// A client clock ahead of the block time by up to ClockSkew is fine;
	// the next block is one second after c.Time. (Built just before they
	// run: every block advances c.Time.)
	refusals(t, c, "capture", []vcase{{"event_time past the clock skew", "", with(observe(c, "storing", pear(2)), "event_time", ago(c, -(trace.ClockSkew+2*time.Second))), rule}})
	capture(t, c, coop, with(observe(c, "storing", pear(2)), "event_time", ago(c, -(trace.ClockSkew+time.Second))))
	// Received twice: the first succeeds, the second finds nothing waiting.
	capture(t, c, logistics, observe(c, "receiving", pear(3)))
	refusals(t, c, "capture", []vcase{{"receive twice", logistics, observe(c, "receiving", pear(3)), rule}})
	// A possessing party may receive too.
	capture(t, c, logistics, with(observe(c, "shipping", pear(3)), "destination_list", []map[string]any{
		{"type": "owning_party", "destination": market}, {"type": "possessing_party", "destination": wholesale}}))
	capture(t, c, wholesale, observe(c, "receiving", pear(3)))
	// Sold once.
	capture(t, c, market, with(observe(c, "retail_selling", pear(3)), "disposition", "retail_sold"))
	refusals(t, c, "capture", []vcase{{"sold twice", pharmacy, observe(c, "retail_selling", pear(3)), rule}})
	o = item(t, c, pear(3))
	if !o.Sold || o.Seller != market || o.Disposition != "retail_sold" || o.Shipment != nil {
		t.Fatalf("sold item %+v", o)
	}
	// Cycles: sscc(1) into sscc(2) is fine, sscc(2) into sscc(1) is not.
	capture(t, c, coop, pack(c, sscc(2), sscc(1)))
	refusals(t, c, "capture", []vcase{
		{"container inside itself", "", pack(c, sscc(1), sscc(2)), rule},
		{"container inside its own child", "", pack(c, pear(1), sscc(2)), rule},
	})
	// Unpack everything: the children are free again and may be packed
	// elsewhere.
	capture(t, c, coop, unpack(c, sscc(1)))
	if o := item(t, c, pear(1)); o.Parent != "" {
		t.Fatalf("unpacked item still in %s", o.Parent)
	}
	if o := item(t, c, sscc(1)); len(o.Children) != 0 || o.Parent != sscc(2) {
		t.Fatalf("container %+v", o)
	}
	refusals(t, c, "capture", []vcase{{"unpack an empty container", "", unpack(c, sscc(1)), rule}})
	capture(t, c, coop, pack(c, sscc(3), pear(1)))
}

// TestStepRoles tries every business step with every organisation: an
// organisation without a role for the step is refused as unauthorized, one
// with the role gets past the check.
func TestStepRoles(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2), pear(3)))
	capture(t, c, coop, pack(c, sscc(1), pear(3)))
	bodies := map[string]map[string]any{
		"commissioning":   commission(c, pearLot, pear(10)),
		"shipping":        ship(c, logistics, pear(1)),
		"receiving":       observe(c, "receiving", pear(1)),
		"retail_selling":  observe(c, "retail_selling", pear(1)),
		"dispensing":      observe(c, "dispensing", pear(1)),
		"recalling":       observe(c, "recalling", pearLot),
		"destroying":      observe(c, "destroying", pear(2)),
		"packing":         pack(c, sscc(2), pear(1)),
		"unpacking":       unpack(c, sscc(1)),
		"inspecting":      observe(c, "inspecting", pear(1)),
		"storing":         observe(c, "storing", pear(1)),
		"transforming":    transform(c, []string{pearLot2}, []string{juiceLot}, ""),
		"decommissioning": observe(c, "decommissioning", pear(3)),
	}
	if len(bodies) != len(trace.BizSteps) {
		t.Fatalf("%d bodies for %d steps", len(bodies), len(trace.BizSteps))
	}
	checked := 0
	// The regulator and the producer of the pears come last, so that the
	// other organisations try each step before they changed anything.
	orgs := consortium()
	slices.Reverse(orgs)
	slices.SortStableFunc(orgs, func(a, b testchain.Org) int {
		rank := func(id string) int { return map[string]int{regulator: 1, coop: 2}[id] }
		return rank(a.ID) - rank(b.ID)
	})
	for _, step := range trace.BizSteps {
		for _, o := range orgs {
			if !role.Any(o.Roles, []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector, traceapi.Alliance}) {
				continue // refused by the app for the action itself
			}
			allowed := role.Any(o.Roles, trace.StepRoles(step))
			// Commissioning, recalling and transforming by a producer are
			// further limited to its own products and lots.
			owned := !(o.ID == juicer && (step == "recalling" || step == "commissioning" || step == "destroying" || step == "decommissioning") ||
				o.ID == coop && step == "transforming")
			allowed = allowed && owned
			before := testchain.Snapshot(t, c, "trace/")
			res := c.Do(admin(c, o.ID), "trace", "capture", bodies[step])
			got := errcode.Code(res.Code)
			if !allowed && got != errcode.Unauthorized {
				t.Errorf("%s by %s: code %s (%s), want unauthorized", step, o.ID, got, res.Log)
			}
			if allowed && got == errcode.Unauthorized {
				t.Errorf("%s by %s: refused as unauthorized (%s)", step, o.ID, res.Log)
			}
			if !allowed && owned && !strings.Contains(res.Log, step) {
				t.Errorf("%s by %s: message %q does not name the step", step, o.ID, res.Log)
			}
			if got != errcode.OK {
				testchain.SameState(t, fmt.Sprintf("%s by %s", step, o.ID), before, testchain.Snapshot(t, c, "trace/"))
			} else {
				// Succeeded: undo nothing, but use fresh identifiers from now on
				// so that later organisations see the same situation.
				t.Logf("%s by %s succeeded", step, o.ID)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("checked only %d combinations", checked)
	}
	// The bank has no role for capture at all: the app refuses it.
	do(t, c, bank, "capture", bodies["storing"], errcode.Unauthorized)
	if !slices.Contains(trace.StepRoles("recalling"), role.Regulator) {
		t.Fatal("regulators recall")
	}
}

func TestErrorDeclaration(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	wrong := capture(t, c, coop, with(observe(c, "storing", pear(1)), "event_id", "urn:uuid:wrong-storing"))
	storing := capture(t, c, coop, observe(c, "storing", pear(1)))
	decl := func(corrects string) map[string]any {
		return with(observe(c, "storing", pear(1)), "error_declaration", map[string]any{
			"reason": "did_not_occur", "corrects": corrects, "corrective_event_ids": []string{"urn:uuid:fix-1"}})
	}
	refusals(t, c, "capture", []vcase{
		{"unknown chain id", "", decl(strings.Repeat("f", 24)), notFound},
		{"unknown client id", "", decl("urn:uuid:nope"), notFound},
		{"by another organisation", regulator, decl(wrong), unauth},
		{"another event type", "", with(decl(wrong), "type", "AggregationEvent", "action", "OBSERVE", "parent_id", sscc(1), "epc_list", nil, "biz_step", "storing"), rule},
	})
	before := testchain.Snapshot(t, c, "trace/obj")
	d := capture(t, c, coop, decl("urn:uuid:wrong-storing")) // by the client's id
	testchain.SameState(t, "an error declaration changes no object", before, testchain.Snapshot(t, c, "trace/obj"))
	refusals(t, c, "capture", []vcase{
		{"declared twice", "", decl(wrong), conflict},
		{"declaring a declaration", "", decl(d), rule},
	})
	if by, _ := trace.DeclaredBy(c.View(), wrong); by != d {
		t.Fatalf("declared by %q, want %s", by, d)
	}
	e, err := trace.GetEvent(c.View(), d)
	if err != nil || e.ErrorDeclaration == nil || e.ErrorDeclaration.Corrects != wrong {
		t.Fatalf("declaration %+v %v", e, err)
	}
	j, err := trace.Journey(c.View(), pear(1))
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{}
	for _, e := range j {
		flags[e.ID] = e.DeclaredErroneous
	}
	if !flags[wrong] || flags[storing] || flags[d] || len(j) != 4 {
		t.Fatalf("journey flags %v", flags)
	}
	// The original is unchanged.
	orig, _ := trace.GetEvent(c.View(), wrong)
	if orig.ErrorDeclaration != nil || orig.BizStep != "storing" || orig.EventID != "urn:uuid:wrong-storing" {
		t.Fatalf("original rewritten: %+v", orig)
	}
}

// TestDrugPacks follows a drug pack (药品追溯码) from commissioning to
// dispensing at a pharmacy.
func TestDrugPacks(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, drugLot, drug(1), drug(2)))
	refusals(t, c, "capture", []vcase{
		{"drug pack into a GTIN lot", "", commission(c, pearLot, drug(3)), mal},
		{"pack of another drug product", "", commission(c, drugLot, "/drug/81234570000000011234"), mal},
		{"19-digit code", "", commission(c, drugLot, "/drug/8123456000000001123"), mal},
		{"dispensing by a producer", "", observe(c, "dispensing", drug(1)), unauth},
	})
	capture(t, c, pharmacy, with(observe(c, "dispensing", drug(1)), "disposition", "dispensed"))
	o := item(t, c, drug(1))
	if o.Product != drugProd || o.Lot != drugLot || !o.Sold || o.Seller != pharmacy || o.Disposition != "dispensed" {
		t.Fatalf("drug pack %+v", o)
	}
	do(t, c, bank, "record_scans", scans(scan(c, drug(1), 0, "合肥", 1)), errcode.OK)
	pg, err := trace.ScanPage(c.View(), drug(1), c.Time)
	if err != nil || pg.Product.DrugCode != "8123456" || pg.Seller.ID != pharmacy || pg.Scans.Count != 1 || len(pg.Journey) != 2 {
		t.Fatalf("page %+v %v", pg, err)
	}
}
