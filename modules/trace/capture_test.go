package trace_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

func TestCaptureValidation(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	com := commission(c, pearLot, pear(2))
	obs := observe(c, "storing", pear(1))
	agg := pack(c, sscc(1), pear(1))
	tr := transform(c, []string{pearLot}, []string{juiceLot}, "")
	many := make([]string, trace.MaxEPCsPerEvent+1)
	for i := range many {
		many[i] = pear(1000 + i)
	}
	refusals(t, c, "capture", []vcase{
		{"not JSON", "", []byte("{"), mal},
		{"unknown field", "", with(com, "quantities", []any{}), mal},
		{"camelCase key", "", with(com, "epc_list", nil, "epcList", []string{pear(2)}), mal},
		{"no type", "", with(com, "type", nil), mal},
		{"extension event type", "", with(com, "type", "https://example.org/MyEvent"), mal},
		{"no action", "", with(com, "action", nil), mal},
		{"lower-case action", "", with(com, "action", "add"), mal},
		{"transformation with action", "", with(tr, "action", "ADD"), mal},
		{"unknown biz_step", "", with(obs, "biz_step", "teleporting"), mal},
		{"CBV-looking URI that is no CBV step", "", with(obs, "biz_step", "urn:epcglobal:cbv:bizstep:teleporting"), mal},
		{"unknown disposition", "", with(obs, "disposition", "lost"), mal},
		{"recall by aggregation", "", with(agg, "action", "OBSERVE", "biz_step", "recalling"), mal},
		{"recall by ADD", "", with(com, "biz_step", "recalling"), mal},
		{"object event with children", "", with(obs, "child_epcs", []string{pear(2)}), mal},
		{"object event with parent", "", with(obs, "parent_id", sscc(1)), mal},
		{"aggregation DELETE without parent", "", with(unpack(c, sscc(1)), "parent_id", nil), mal},
		{"association without parent", "", map[string]any{"type": "AssociationEvent", "action": "ADD", "child_epcs": []string{pear(1)}, "event_time": ago(c, 0)}, mal},
		{"aggregation ADD without children", "", with(agg, "child_epcs", nil), mal},
		{"aggregation with epc_list", "", with(agg, "epc_list", []string{pear(1)}), mal},
		{"parent is a lot", "", with(agg, "parent_id", pearLot), mal},
		{"child is a lot", "", with(agg, "child_epcs", []string{pearLot}), mal},
		{"transformation without anything", "", with(tr, "input_epc_list", nil, "output_epc_list", nil), mal},
		{"transaction without business transactions", "", with(obs, "type", "TransactionEvent"), mal},
		{"commissioning a lot", "", with(com, "epc_list", []string{pearLot2}), mal},
		{"lot of another product", "", with(com, "lot", juiceLot), mal},
		{"lot on a shipping", "", with(ship(c, logistics, pear(1)), "lot", pearLot), mal},
		{"lot not a lot", "", with(com, "lot", pearProd), mal},
		{"bad check digit in epc_list", "", with(obs, "epc_list", []string{badCheck(pearProd) + "/21/P0001"}), mal},
		{"bad SSCC check digit", "", with(agg, "parent_id", badCheck(sscc(1))), mal},
		{"serial too long", "", with(com, "epc_list", []string{pearProd + "/21/" + strings.Repeat("x", 21)}), mal},
		{"serial with a raw slash", "", with(com, "epc_list", []string{pearProd + "/21/a/b"}), mal},
		{"bad read_point", "", with(obs, "read_point", badCheck(farmGLN)), mal},
		{"read_point not a location", "", with(obs, "read_point", pear(1)), mal},
		{"repeated epc", "", with(obs, "epc_list", []string{pear(1), pear(1)}), mal},
		{"repeated epc in two forms", "", with(obs, "epc_list", []string{pear(1), "/01/" + pearGTIN[1:] + "/21/P0001"}), mal},
		{"repeated epc as URN", "", with(obs, "epc_list", []string{pear(1), "urn:epc:id:sgtin:6901234.000001.P0001"}), mal},
		{"parent among children", "", with(agg, "child_epcs", []string{pear(1), sscc(1)}), mal},
		{"input among outputs", "", transform(c, []string{pearLot}, []string{juiceLot, pearLot}, ""), mal},
		{"too many epcs", "", with(obs, "epc_list", many), mal},
		{"no event_time", "", with(obs, "event_time", nil), mal},
		{"event_time without offset", "", with(obs, "event_time", "2026-02-28T10:00:00"), mal},
		{"event_time a date", "", with(obs, "event_time", "2026-02-28"), mal},
		{"bad source type", "", with(obs, "source_list", []map[string]any{{"type": "owner", "source": coop}}), mal},
		{"bad source party", "", with(obs, "source_list", []map[string]any{{"type": "owning_party", "source": "Coop Dangshan"}}), mal},
		{"source party a product", "", with(obs, "source_list", []map[string]any{{"type": "owning_party", "source": pearProd}}), mal},
		{"source location bad GLN", "", with(obs, "source_list", []map[string]any{{"type": "location", "source": "/414/1"}}), mal},
		{"org set by the client", "", with(obs, "source_list", []map[string]any{{"type": "owning_party", "source": coop, "org": coop}}), mal},
		{"destination with source key", "", with(obs, "destination_list", []map[string]any{{"type": "owning_party", "source": market}}), mal},
		{"repeated destination", "", with(ship(c, market, pear(1)), "destination_list", []map[string]any{{"type": "owning_party", "destination": market}, {"type": "owning_party", "destination": market}}), mal},
		{"quantity of an item", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pear(1), "quantity": "1"}}), mal},
		{"quantity not a number", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": "many"}}), mal},
		{"quantity as a JSON number", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": 5}}), mal},
		{"quantity zero", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": "0"}}), mal},
		{"quantity with seven decimals", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": "1.0000001"}}), mal},
		{"bad unit", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": "1", "uom": "kg"}}), mal},
		{"unit without quantity", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "uom": "KGM"}}), mal},
		{"class twice", "", with(obs, "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": "1"}, {"epc_class": pearLot, "quantity": "2"}}), mal},
		{"sensor without reports", "", with(obs, "sensors", []map[string]any{{"reports": []any{}}}), mal},
		{"sensor value not a number", "", with(obs, "sensors", []map[string]any{{"reports": []map[string]any{{"type": "Temperature", "value": "warm"}}}}), mal},
		{"sensor unknown type", "", with(obs, "sensors", []map[string]any{{"reports": []map[string]any{{"type": "Warmth", "value": "3"}}}}), mal},
		{"sensor bad time", "", with(obs, "sensors", []map[string]any{{"metadata": map[string]any{"time": "noon"}, "reports": []map[string]any{{"type": "Temperature", "value": "3"}}}}), mal},
		{"sensor hash uppercase", "", with(obs, "sensor_hashes", []string{strings.Repeat("AB", 32)}), mal},
		{"certificate hash short", "", with(obs, "certificate_hashes", []string{"abcd"}), mal},
		{"extension without prefix", "", with(obs, "extensions", map[string]any{"myField": 1}), mal},
		{"persistent disposition empty", "", with(obs, "persistent_disposition", map[string]any{}), mal},
		{"persistent disposition set and unset", "", with(obs, "persistent_disposition", map[string]any{"set": []string{"stolen"}, "unset": []string{"stolen"}}), mal},
		{"business transaction not a URI", "", with(obs, "biz_transaction_list", []map[string]any{{"type": "po", "biz_transaction": "PO 12"}}), mal},
		{"event_id blank", "", with(obs, "event_id", " "), mal},
		{"event_id with space", "", with(obs, "event_id", "my event"), mal},
		{"event_id too long", "", with(obs, "event_id", strings.Repeat("e", trace.MaxClientIDLen+1)), mal},
		{"event_id like a chain id", "", with(obs, "event_id", strings.Repeat("0", 24)), mal},
		{"error declaration bad reason", "", with(obs, "error_declaration", map[string]any{"reason": "oops", "corrects": "x"}), mal},
		{"error declaration of nothing on chain", "", with(obs, "error_declaration", map[string]any{"reason": "did_not_occur"}), notFound},
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
		{"commission into another producer's lot", juicer, commission(c, pearLot, pear(9)), unauth},
		{"commission an unregistered product", juicer, commission(c, otherProd+"/10/X", "/01/"+gs1("0690222200009")+"/21/1"), mal},
		{"commission items of an unregistered product", juicer, with(commission(c, "", "/01/"+gs1("0690222200009")+"/21/1"), "lot", nil), notFound},
		// Before commissioning and after the end.
		{"event before commissioning", "", observe(c, "storing", pear(9)), rule},
		{"ship an uncommissioned item", "", ship(c, logistics, pear(9)), rule},
		{"event_time before the commissioning", "", with(observe(c, "storing", pear(2)), "event_time", ago(c, 2*time.Hour)), rule},
		{"event after destroy", "", observe(c, "storing", pear(4)), rule},
		{"pack after destroy", "", pack(c, sscc(2), pear(4)), rule},
		{"destroy twice", "", observe(c, "destroying", pear(4)), rule},
		{"transform a destroyed item", "", transform(c, []string{pear(4)}, []string{pearLot2}, ""), rule},
		// One parent at a time.
		{"child in two parents", "", pack(c, sscc(2), pear(1)), conflict},
		{"child packed twice in the same parent", "", pack(c, sscc(1), pear(1)), conflict},
		{"unpack from the wrong parent", "", unpack(c, sscc(1), pear(2)), rule},
		{"observe with a child not inside", "", with(unpack(c, sscc(1), pear(2)), "action", "OBSERVE", "biz_step", "storing"), rule},
		{"destroy a container that holds items", "", observe(c, "destroying", sscc(1)), rule},
		{"pack into an uncommissioned item", "", pack(c, pear(9), pear(2)), rule},
		// Shipping and receiving.
		{"receive without a shipping", logistics, receive(c, pear(2)), rule},
		{"receive by the wrong party", market, receive(c, pear(3)), rule},
		{"ship again before it was received", logistics, ship(c, market, pear(3)), unauth},
		{"sender ships again before it was received", "", ship(c, market, pear(3)), rule},
		{"ship to an unknown organisation", "", ship(c, "nobody", pear(2)), notFound},
		{"ship to an unregistered party GLN", "", with(ship(c, market, pear(2)), "destination_list", []map[string]any{{"type": "owning_party", "destination": "/417/" + gs1("690444400007")}}), notFound},
		{"shipping without receiver", "", with(ship(c, market, pear(2)), "destination_list", []map[string]any{{"type": "location", "destination": "/414/" + gs1("690999910001")}}), rule},
		{"ship to itself", "", ship(c, coop, pear(2)), rule},
		// Lots and products.
		{"ship a lot without quantity", "", ship(c, logistics, pearLot), rule},
		{"recall another producer's lot", juicer, observe(c, "recalling", pearLot), unauth},
		{"recall another producer's item", juicer, observe(c, "recalling", pear(2)), unauth},
		{"producer recalls another's container", juicer, observe(c, "recalling", sscc(1)), unauth},
		{"recall an unknown lot", regulator, observe(c, "recalling", pearProd+"/10/NOPE"), notFound},
		{"output into another producer's lot", juicer, transform(c, nil, []string{pearLot2}, ""), unauth},
		{"transformation outputs an existing item", "", transform(c, nil, []string{pear(2)}, pearLot), conflict},
		// Time.
		{"event_time in the future", "", with(observe(c, "storing", pear(2)), "event_time", ago(c, -time.Hour)), rule},
		// Client ids.
		{"event_id used twice by its organisation", inspector, with(observe(c, "inspecting", pear(2)), "event_id", "urn:uuid:6f1b2f3e-inspect-1"), conflict},
		{"event_id taken by another", "", with(observe(c, "storing", pear(2)), "event_id", "urn:uuid:6f1b2f3e-inspect-1"), conflict},
	})
	// A client clock ahead of the block time by up to ClockSkew is fine;
	// the next block is one second after c.Time. (Built just before they
	// run: every block advances c.Time.)
	refusals(t, c, "capture", []vcase{{"event_time past the clock skew", "", with(observe(c, "storing", pear(2)), "event_time", ago(c, -(trace.ClockSkew+2*time.Second))), rule}})
	capture(t, c, coop, with(observe(c, "storing", pear(2)), "event_time", ago(c, -(trace.ClockSkew+time.Second))))
	// Received twice: the first succeeds, the second finds nothing waiting.
	capture(t, c, logistics, receive(c, pear(3)))
	refusals(t, c, "capture", []vcase{{"receive twice", logistics, receive(c, pear(3)), rule}})
	// Cycles: sscc(1) into sscc(2) is fine, sscc(2) into sscc(1) is not.
	capture(t, c, coop, pack(c, sscc(2), sscc(1)))
	refusals(t, c, "capture", []vcase{
		{"container inside itself", "", pack(c, sscc(1), sscc(2)), rule},
		{"container inside its own child", "", pack(c, pear(1), sscc(2)), rule},
	})
	// Unpack everything: the children are free again and may be packed
	// elsewhere.
	capture(t, c, coop, unpack(c, sscc(1)))
	if o := item(t, c, pear(1)); o.Parent != "" || o.Custodian != coop {
		t.Fatalf("unpacked item %+v", o)
	}
	if o := item(t, c, sscc(1)); len(o.Children) != 0 || o.Parent != sscc(2) {
		t.Fatalf("container %+v", o)
	}
	refusals(t, c, "capture", []vcase{{"unpack an empty container", "", unpack(c, sscc(1)), rule}})
	capture(t, c, coop, pack(c, sscc(3), pear(1)))
}

// TestStepRoles tries every business step with every organisation: an
// organisation without a role for the step is refused as unauthorized,
// one with the role gets past the role check (custody may still refuse
// it: that refusal names the custodian, not the step).
func TestStepRoles(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	checked := 0
	for _, step := range trace.BizSteps {
		body := observe(c, step, pear(1))
		switch step {
		case "commissioning", "encoding", "creating_class_instance":
			body = with(commission(c, pearLot, pear(2)), "biz_step", step)
		case "recalling":
			body = observe(c, step, pearLot)
		case "destroying", "decommissioning":
			n := 200 + len(step)
			capture(t, c, coop, commission(c, pearLot, pear(n)))
			body = observe(c, step, pear(n))
		}
		for _, o := range consortium() {
			if !role.Any(o.Roles, []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector, traceapi.Alliance}) {
				continue // refused by the app for the action itself
			}
			allowed := role.Any(o.Roles, trace.StepRoles(step))
			before := testchain.Snapshot(t, c, "trace/")
			res := c.Do(admin(c, o.ID), "trace", "capture", body)
			got := errcode.Code(res.Code)
			stepRefusal := got == errcode.Unauthorized && contains(res.Log, "needs the role")
			if !allowed && !stepRefusal {
				t.Errorf("%s by %s: code %s (%s), want a refusal for the role", step, o.ID, got, res.Log)
			}
			if allowed && stepRefusal {
				t.Errorf("%s by %s: refused for its role (%s)", step, o.ID, res.Log)
			}
			if got != errcode.OK {
				testchain.SameState(t, fmt.Sprintf("%s by %s", step, o.ID), before, testchain.Snapshot(t, c, "trace/"))
			} else if step == "commissioning" || step == "encoding" || step == "creating_class_instance" {
				body = with(body, "epc_list", []string{pear(100 + checked)})
			}
			checked++
		}
		if item(t, c, pear(1)).Destroyed {
			t.Fatalf("%s ended pear 1", step)
		}
	}
	if checked < 300 {
		t.Fatalf("checked only %d combinations", checked)
	}
	// A step of another vocabulary is an observation anyone may record.
	capture(t, c, logistics, observe(c, "https://example.org/steps/weighing", pear(1)))
	// The bank has no role for capture at all: the app refuses it.
	do(t, c, bank, "capture", observe(c, "storing", pear(1)), errcode.Unauthorized)
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
	moveTo(t, c, coop, pharmacy, drug(1))
	capture(t, c, pharmacy, with(observe(c, "dispensing", drug(1)), "disposition", "dispensed"))
	o := item(t, c, drug(1))
	if o.Product != drugProd || o.Lot != drugLot || !o.Sold || o.Seller != pharmacy || o.Disposition != "dispensed" {
		t.Fatalf("drug pack %+v", o)
	}
	recordScans(t, c, scans(scan(c, drug(1), 0, hefei, 1)))
	pg, err := trace.ScanPage(c.View(), drug(1), c.Time)
	if err != nil || pg.Product.DrugCode != "8123456" || pg.Seller.ID != pharmacy || pg.Scans.Count != 1 || len(pg.Journey) != 4 {
		t.Fatalf("page %+v %v", pg, err)
	}
}

// An event that happened long before it is recorded (an import of last
// year's history) is accepted and marked as recorded late.
func TestLateEvents(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	old := c.Time.AddDate(-2, 0, 0).Format(time.RFC3339)
	// No lot: the lots of setup were produced later (TestNothingBeforeItsLot).
	res := testchain.Result(t, do(t, c, coop, "capture", with(commission(c, pearLot, pear(1)), "event_time", old, "lot", nil), errcode.OK))
	if res["late"] != true {
		t.Fatalf("two-year-old commissioning: %v", res)
	}
	fresh := testchain.Result(t, do(t, c, coop, "capture", observe(c, "storing", pear(1)), errcode.OK))
	if fresh["late"] != nil {
		t.Fatalf("a minute-old event is not late: %v", fresh)
	}
	e, _ := trace.GetEvent(c.View(), res["event_id"].(string))
	if !e.Late || e.EventTime != old || e.RecordTime == old {
		t.Fatalf("late event %+v", e)
	}
	pg, err := trace.ScanPage(c.View(), pear(1), c.Time)
	if err != nil || pg.LateEvents != 1 || !pg.Journey[0].Late {
		t.Fatalf("page late events %d %+v %v", pg.LateEvents, pg.Journey, err)
	}
}

// The same event recorded again (an import run twice) is recognised: by
// its event_id, or, without one, by its content.
func TestIdempotentCapture(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	com := commission(c, pearLot, pear(1))
	first := capture(t, c, coop, com)
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", com), errcode.Conflict, "already on chain as event "+first)
	withID := with(observe(c, "storing", pear(1)), "event_id", "urn:uuid:store-1")
	second := capture(t, c, coop, withID)
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", withID), errcode.Conflict, "already on chain as event "+second)
	// The same content by another organisation is its own event.
	capture(t, c, inspector, observe(c, "inspecting", pear(1)))
	capture(t, c, regulator, observe(c, "inspecting", pear(1)))
}

// All five EPCIS 2.0 event types, persistent dispositions, business
// transactions and sensor data.
func TestEventTypes(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	grai := "/8003/0" + gs1("690333300001") + "C7"
	sensor := "/8004/6903333SENSOR1"
	// AssociationEvent: a logger associated with a returnable crate of the
	// carrier's (both come into being with their first event).
	capture(t, c, logistics, map[string]any{"type": "AssociationEvent", "action": "ADD", "parent_id": grai, "child_epcs": []string{sensor},
		"biz_step": "installing", "event_time": ago(c, 0)})
	if o := item(t, c, grai); !slices.Equal(o.Associated, []string{sensor}) || o.Custodian != logistics {
		t.Fatalf("crate %+v", o)
	}
	capture(t, c, logistics, map[string]any{"type": "AssociationEvent", "action": "DELETE", "parent_id": grai, "biz_step": "removing", "event_time": ago(c, 0)})
	if o := item(t, c, grai); len(o.Associated) != 0 {
		t.Fatalf("crate after removal %+v", o)
	}
	// TransactionEvent: the pears on a purchase order.
	capture(t, c, coop, map[string]any{"type": "TransactionEvent", "action": "ADD", "epc_list": []string{pear(1)}, "event_time": ago(c, 0),
		"biz_transaction_list": []map[string]any{{"type": "po", "biz_transaction": "urn:epcglobal:cbv:bt:" + gs1("690123400001") + ":PO-7"}}})
	// Persistent dispositions stay until unset; only the custodian,
	// owner or a regulator changes them.
	capture(t, c, coop, with(observe(c, "holding", pear(1)), "persistent_disposition", map[string]any{"set": []string{"recalled", "needs_replacement"}}))
	capture(t, c, inspector, with(observe(c, "inspecting", pear(1)), "persistent_disposition", map[string]any{"unset": []string{"recalled"}}))
	if o := item(t, c, pear(1)); !slices.Equal(o.Persistent, []string{"needs_replacement", "recalled"}) {
		t.Fatalf("persistent %v after an inspector's unset", o.Persistent)
	}
	capture(t, c, regulator, with(observe(c, "inspecting", pear(1)), "persistent_disposition", map[string]any{"unset": []string{"recalled"}}))
	if o := item(t, c, pear(1)); !slices.Equal(o.Persistent, []string{"needs_replacement"}) {
		t.Fatalf("persistent %v", o.Persistent)
	}
	// A sensor report about a place (no object): allowed; kept readable.
	id := capture(t, c, logistics, map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "biz_step": "sensor_reporting", "read_point": wareGLN,
		"event_time": ago(c, 0), "sensors": []map[string]any{{"metadata": map[string]any{"time": ago(c, 60*time.Second), "device_id": "urn:epc:id:giai:6903333.S1"},
			"reports": []map[string]any{{"type": "Temperature", "value": "3.5", "uom": "CEL"}, {"type": "example:custom", "string_value": "ok"}}}}})
	e, _ := trace.GetEvent(c.View(), id)
	if len(e.Sensors) != 1 || e.Sensors[0].Reports[0].Value != "3.5" || e.Sensors[0].Metadata.DeviceID == "" {
		t.Fatalf("sensors %+v", e.Sensors)
	}
	// The action decides what an event does: an ObjectEvent ADD with
	// another step than commissioning still creates (and ships nothing).
	capture(t, c, coop, with(commission(c, pearLot, pear(3)), "biz_step", "shipping", "event_id", "urn:uuid:add-shipping"))
	if o := item(t, c, pear(3)); o.Custodian != coop || o.Shipment != nil {
		t.Fatalf("created by ADD shipping %+v", o)
	}
	// A place is associated with the sensors installed in it.
	capture(t, c, logistics, map[string]any{"type": "AssociationEvent", "action": "ADD", "parent_id": wareGLN + "/254/cold1",
		"child_epcs": []string{"/8004/6903333SENSOR2"}, "biz_step": "installing", "event_time": ago(c, 0)})
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", map[string]any{"type": "AssociationEvent", "action": "ADD", "parent_id": wareGLN + "/254/cold2",
		"child_epcs": []string{"/8004/6903333SENSOR3"}, "event_time": ago(c, 0)}), errcode.Unauthorized, "belongs to "+logistics)
	// A transformation with only outputs creates; with only inputs
	// consumes.
	moveTo(t, c, coop, juicer, pear(2))
	capture(t, c, juicer, with(transform(c, []string{pear(2)}, nil, ""), "transformation_id", "urn:uuid:press-1"))
	capture(t, c, juicer, transform(c, nil, []string{juice(1)}, juiceLot))
}

// TestEventAboutNothing: the mempool refuses an ObjectEvent or
// TransactionEvent that names no item, class, parent or sensor reading,
// with the reason in both languages, and takes the same events once they
// name what they are about. A block still records such an event: the
// block rule changes only with a protocol version (ADR 0012, 0019).
func TestEventAboutNothing(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	k := admin(c, coop)
	bizTx := []map[string]any{{"type": "po", "biz_transaction": "urn:epcglobal:cbv:bt:0614141000005:PO1"}}
	reading := []map[string]any{{"reports": []map[string]any{{"type": "Temperature", "value": "3.5", "uom": "CEL"}}}}
	var taken [][]byte
	for _, tc := range []struct {
		name string
		body map[string]any
		want errcode.Code
	}{
		{"observe of nothing", observe(c, "inspecting"), mal},
		{"empty lists", with(observe(c, "inspecting"), "epc_list", []string{}, "quantity_list", []any{}), mal},
		{"transaction of nothing", with(observe(c, "shipping"), "type", "TransactionEvent", "action", "ADD", "biz_transaction_list", bizTx), mal},
		{"an item", observe(c, "inspecting", pear(1)), errcode.OK},
		{"a class quantity", with(observe(c, "inspecting"), "quantity_list", []map[string]any{{"epc_class": pearLot, "quantity": "5"}}), errcode.OK},
		{"a reading of the read point", with(observe(c, "sensor_reporting"), "sensors", reading, "read_point", "urn:epc:id:sgln:0614141.00777.0"), errcode.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := c.SignUnconsumed(k, "trace", "capture", tc.body)
			if tc.want == errcode.OK {
				raw = c.Sign(k, "trace", "capture", tc.body) // the mempool takes its nonce
				taken = append(taken, raw)
			}
			res := c.Check(raw)
			if errcode.Code(res.Code) != tc.want {
				t.Fatalf("check: code %s (%s), want %s", errcode.Code(res.Code), res.Log, tc.want)
			}
			if tc.want == errcode.OK {
				return
			}
			r := trace.ParseRefusal(errcode.Code(res.Code), res.Log)
			if r == nil || r.Reason != "event_about_nothing" {
				t.Fatalf("refusal %+v from %q, want event_about_nothing", r, res.Log)
			}
			for _, lang := range []string{"en", "zh"} {
				if msg := r.Message(lang); !strings.Contains(msg, "epc_list") || (lang == "zh") != strings.Contains(msg, "请给出") {
					t.Errorf("%s message %q", lang, msg)
				}
			}
		})
	}
	results, _ := c.Block(taken...)
	for i, r := range results {
		testchain.WantCode(t, fmt.Sprintf("taken event %d in its block", i), r, errcode.OK)
	}
	// The block rule is unchanged: a proposer that includes one records it.
	res := c.Do(k, "trace", "capture", observe(c, "inspecting"))
	testchain.WantCode(t, "capture in a block", res, errcode.OK)
}

// TestNothingBeforeItsLot: from rule set 3, nothing is commissioned into
// a lot at an event time whose date (China Standard Time) is before the
// lot's production date; the blocks of rule set 2 keep accepting it, so
// that they decide as they did, and its mempool refuses it.
func TestNothingBeforeItsLot(t *testing.T) {
	// The lots were produced on 2026-02-20 (setup).
	before, sameDay := "2026-02-19T23:30:00+08:00", "2026-02-19T16:30:00Z" // 2026-02-20 00:30 in China
	for _, rules := range []int{3, 2} {
		t.Run(fmt.Sprint("rules ", rules), func(t *testing.T) {
			c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: genesis,
				Genesis: map[string]any{"trace": trace.Genesis{Rules: rules}}})
			setup(t, c)
			want := errcode.OK
			if rules >= 3 {
				want = errcode.RuleViolation
			}
			res := do(t, c, coop, "capture", with(commission(c, pearLot, pear(1)), "event_time", before), want)
			if want != errcode.OK && !strings.Contains(res.Log, "before "+pearLot+" was produced (produced_on 2026-02-20)") {
				t.Errorf("the refusal says %q", res.Log)
			}
			// A quantity brought into the lot is held to the same date.
			qty := map[string]any{"type": "ObjectEvent", "action": "ADD", "biz_step": "commissioning", "event_time": before,
				"quantity_list": []map[string]any{{"epc_class": pearLot, "quantity": "10", "uom": "KGM"}}}
			do(t, c, coop, "capture", qty, want)
			// The mempool refuses it on every rule set.
			chk := c.Check(c.SignUnconsumed(admin(c, coop), "trace", "capture", with(commission(c, pearLot, pear(3)), "event_time", before)))
			if errcode.Code(chk.Code) != errcode.RuleViolation || !strings.Contains(chk.Log, "was produced") {
				t.Errorf("the mempool: code %s (%s), want rule_violation", errcode.Code(chk.Code), chk.Log)
			}
			// The production date itself, in China, is accepted.
			capture(t, c, coop, with(commission(c, pearLot, pear(2)), "event_time", sameDay))
		})
	}
}
