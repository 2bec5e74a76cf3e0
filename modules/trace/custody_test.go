package trace_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

// The custody attacks: every one of these went through before custody was
// tracked, and left the real owner blocked.

// A carrier ships the cooperative's item to itself (or anyone), having
// never received it.
func TestCarrierCannotShipWhatItDoesNotHold(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	refusedWith(t, c.Do(admin(c, logistics), "trace", "capture", ship(c, logistics, pear(1))), errcode.Unauthorized, "custodian (coop-dangshan)")
	refusedWith(t, c.Do(admin(c, logistics), "trace", "capture", ship(c, market, pear(1))), errcode.Unauthorized, "custodian")
	// The real owner is not blocked: it ships, the carrier receives.
	moveTo(t, c, coop, logistics, pear(1))
	if o := item(t, c, pear(1)); o.Custodian != logistics || o.Owner != coop || o.Shipment != nil {
		t.Fatalf("after receipt %+v", o)
	}
	// Now the carrier holds it and may ship it on; the cooperative may not.
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", ship(c, market, pear(1))), errcode.Unauthorized, "custodian (sf-logistics)")
	capture(t, c, logistics, ship(c, market, pear(1)))
	// Nobody but the receiver receives; a shipment goes to another org.
	refusedWith(t, c.Do(admin(c, wholesale), "trace", "capture", receive(c, pear(1))), errcode.RuleViolation, "only "+market+" receives")
	capture(t, c, market, receive(c, pear(1)))
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", ship(c, market, pear(1))), errcode.RuleViolation, "another organisation")
}

// A retailer sells items it never received.
func TestRetailerCannotSellWhatItNeverReceived(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", observe(c, "retail_selling", pear(1))), errcode.Unauthorized, "custodian")
	// Shipped to the market but not received: still not its to sell.
	capture(t, c, coop, ship(c, market, pear(1)))
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", observe(c, "retail_selling", pear(1))), errcode.Unauthorized, "custodian")
	capture(t, c, market, receive(c, pear(1)))
	capture(t, c, market, with(observe(c, "retail_selling", pear(1)), "disposition", "retail_sold"))
	o := item(t, c, pear(1))
	if !o.Sold || o.Seller != market || o.Custodian != "" || o.Owner != "" {
		t.Fatalf("sold %+v", o)
	}
	// Sold items leave the supply chain: no ship, no second sale.
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", ship(c, logistics, pear(1))), errcode.RuleViolation, "sold to a consumer")
	refusedWith(t, c.Do(admin(c, pharmacy), "trace", "capture", observe(c, "retail_selling", pear(1))), errcode.RuleViolation, "sold")
}

// Another producer ends someone else's items by "transforming" them, or
// packs them into its own container.
func TestProducerCannotTransformOrPackOthersItems(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	before := testchain.Snapshot(t, c, "trace/obj")
	refusedWith(t, c.Do(admin(c, juicer), "trace", "capture", transform(c, []string{pear(1)}, []string{juice(1)}, juiceLot)), errcode.Unauthorized, "custodian")
	refusedWith(t, c.Do(admin(c, juicer), "trace", "capture", pack(c, ssccOf(juicer, 1), pear(1))), errcode.Unauthorized, "custodian")
	refusedWith(t, c.Do(admin(c, juicer), "trace", "capture", with(observe(c, "destroying", pear(1)), "action", "DELETE")), errcode.Unauthorized, "custodian")
	refusedWith(t, c.Do(admin(c, juicer), "trace", "capture", with(observe(c, "decommissioning", pear(2)), "action", "DELETE")), errcode.Unauthorized, "custodian")
	testchain.SameState(t, "refused attacks", before, testchain.Snapshot(t, c, "trace/obj"))
	// The cooperative still does what it likes with its pears.
	capture(t, c, coop, pack(c, sscc(1), pear(1), pear(2)))
	// Packing into a container of another organisation's prefix is not
	// the cooperative's either.
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", pack(c, ssccOf(juicer, 2), pear(1))), errcode.Unauthorized, "prefix")
	// Once the juicer has received the pears, it may press them.
	capture(t, c, coop, unpack(c, sscc(1)))
	moveTo(t, c, coop, juicer, pear(1))
	capture(t, c, juicer, transform(c, []string{pear(1)}, []string{juice(1)}, juiceLot))
	if o := item(t, c, pear(1)); !o.Destroyed || o.EndReason != trace.EndTransformed {
		t.Fatalf("pressed pear %+v", o)
	}
	if o := item(t, c, juice(1)); o.Custodian != juicer || o.Lot != juiceLot {
		t.Fatalf("juice %+v", o)
	}
}

// Packed items go where their container goes: whoever holds the
// container holds what is in it; nobody ships a packed item alone.
func TestCustodyFollowsTheContainer(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	capture(t, c, coop, pack(c, sscc(1), pear(1), pear(2)))
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", ship(c, logistics, pear(1))), errcode.RuleViolation, "packed in")
	moveTo(t, c, coop, logistics, sscc(1))
	if o := item(t, c, pear(1)); o.Custodian != logistics || o.Parent != sscc(1) {
		t.Fatalf("packed pear after the case's receipt %+v", o)
	}
	// The cooperative no longer unpacks the case; the carrier does.
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", unpack(c, sscc(1))), errcode.Unauthorized, "custodian")
	capture(t, c, logistics, unpack(c, sscc(1), pear(2)))
	if o := item(t, c, pear(2)); o.Custodian != logistics || o.Owner != coop || o.Parent != "" {
		t.Fatalf("unpacked pear %+v", o)
	}
	// Another carrier may not pack the loose pear into its own pallet.
	refusedWith(t, c.Do(admin(c, wholesale), "trace", "capture", pack(c, ssccOf(wholesale, 1), pear(2))), errcode.Unauthorized, "custodian")
	capture(t, c, logistics, pack(c, ssccOf(logistics, 7), pear(2)))
}

// An unreceived shipment can be voided or taken back by its sender, and
// nobody else.
func TestVoidAndReturnShipments(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	capture(t, c, coop, ship(c, market, pear(1), pear(2)))
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", observe(c, "void_shipping", pear(1))), errcode.Unauthorized, "only the sender")
	capture(t, c, coop, observe(c, "void_shipping", pear(1)))
	if o := item(t, c, pear(1)); o.Shipment != nil || o.Custodian != coop {
		t.Fatalf("voided %+v", o)
	}
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", receive(c, pear(1))), errcode.RuleViolation, "no shipment waiting")
	// The sender takes back pear 2, which the market never received.
	capture(t, c, coop, with(receive(c, pear(2)), "disposition", "returned"))
	if o := item(t, c, pear(2)); o.Shipment != nil || o.Custodian != coop || o.Disposition != "returned" {
		t.Fatalf("returned %+v", o)
	}
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", observe(c, "void_shipping", pear(2))), errcode.RuleViolation, "no shipment waiting")
}

// Ownership passes to a destination owning party on receipt, custody to
// the possessing party: a carrier carries goods it does not own.
func TestOwnerAndCustodianDiffer(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	capture(t, c, coop, with(observe(c, "shipping", pear(1)), "destination_list", []map[string]any{
		{"type": "owning_party", "destination": market}, {"type": "possessing_party", "destination": logistics}}))
	capture(t, c, logistics, receive(c, pear(1)))
	if o := item(t, c, pear(1)); o.Custodian != logistics || o.Owner != market {
		t.Fatalf("in the carrier's hands %+v", o)
	}
	// A carrier delivers; it does not sell the goods on to somebody else.
	refusedWith(t, c.Do(admin(c, logistics), "trace", "capture", with(observe(c, "shipping", pear(1)), "destination_list", []map[string]any{
		{"type": "owning_party", "destination": wholesale}})), errcode.Unauthorized, "only its owner sells it on")
	// The carrier delivers to the owner.
	moveTo(t, c, logistics, market, pear(1))
	if o := item(t, c, pear(1)); o.Custodian != market || o.Owner != market {
		t.Fatalf("delivered %+v", o)
	}
	// A party given by a GLN maps to the organisation that registered it.
	do(t, c, wholesale, "register_party", map[string]any{"gln": gs1("690666600001"), "name": "批发公司"}, errcode.OK)
	capture(t, c, market, with(observe(c, "shipping", pear(1)), "destination_list", []map[string]any{
		{"type": "owning_party", "destination": "/417/" + gs1("690666600001")}}))
	capture(t, c, wholesale, receive(c, pear(1)))
	if o := item(t, c, pear(1)); o.Custodian != wholesale || o.Owner != wholesale {
		t.Fatalf("by party GLN %+v", o)
	}
	// A receiving location an organisation registered names it too.
	capture(t, c, wholesale, with(observe(c, "shipping", pear(1)), "destination_list", []map[string]any{{"type": "location", "destination": storeGLN + "/254/dock1"}}))
	capture(t, c, market, receive(c, pear(1)))
}

// Class-level quantities have custodians too.
func TestQuantityCustody(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	q := func(n string) []map[string]any {
		return []map[string]any{{"epc_class": pearLot, "quantity": n, "uom": "KGM"}}
	}
	add := map[string]any{"type": "ObjectEvent", "action": "ADD", "quantity_list": q("200.5"), "biz_step": "commissioning", "event_time": ago(c, 0)}
	refusedWith(t, c.Do(admin(c, juicer), "trace", "capture", add), errcode.Unauthorized, "belongs to "+coop)
	capture(t, c, coop, add)
	shipQ := func(to, n string) map[string]any {
		return map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "quantity_list": q(n), "biz_step": "shipping", "event_time": ago(c, 0),
			"destination_list": []map[string]any{{"type": "possessing_party", "destination": to}}}
	}
	recvQ := func(n string) map[string]any {
		return map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "quantity_list": q(n), "biz_step": "receiving", "event_time": ago(c, 0)}
	}
	refusedWith(t, c.Do(admin(c, logistics), "trace", "capture", shipQ(market, "1")), errcode.RuleViolation, "holds 0 KGM")
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", shipQ(logistics, "300")), errcode.RuleViolation, "less than 300 KGM")
	capture(t, c, coop, shipQ(logistics, "100.25"))
	refusedWith(t, c.Do(admin(c, market), "trace", "capture", recvQ("1")), errcode.RuleViolation, "on its way")
	refusedWith(t, c.Do(admin(c, logistics), "trace", "capture", recvQ("100.5")), errcode.RuleViolation, "less than 100.5 KGM")
	capture(t, c, logistics, recvQ("100"))
	hs, ts, err := trace.Holdings(c.View(), pearLot)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range hs {
		got[h.Org] = string(h.Amount)
	}
	if got[coop] != "100.25" || got[logistics] != "100" || len(ts) != 1 || len(ts[0].Lines) != 1 || ts[0].Lines[0].Amount != "0.25" {
		t.Fatalf("holdings %v, transits %+v", got, ts)
	}
	// The sender takes back the rest it shipped.
	capture(t, c, coop, with(recvQ("0.25"), "disposition", "returned"))
	if _, ts, _ := trace.Holdings(c.View(), pearLot); len(ts) != 0 {
		t.Fatalf("transits after the return %+v", ts)
	}
	// A quantity packed into a container is the container's.
	capture(t, c, coop, map[string]any{"type": "AggregationEvent", "action": "ADD", "parent_id": sscc(5), "child_quantity_list": q("50"),
		"biz_step": "packing", "event_time": ago(c, 0)})
	if o := item(t, c, sscc(5)); len(o.Contents) != 1 || o.Contents[0].Amount != "50" {
		t.Fatalf("container contents %+v", o)
	}
	hs, _, _ = trace.Holdings(c.View(), pearLot)
	for _, h := range hs {
		if h.Org == coop && h.Amount != "50.5" {
			t.Fatalf("coop holds %s after packing 50 of 100.5", h.Amount)
		}
	}
}
