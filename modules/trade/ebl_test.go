package trade_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

type vcase testchain.Case

// A to-order bill passes by endorsement, with the receiver accepting;
// control never has two holders; the bill is surrendered once.
func TestToOrderBillLifecycle(t *testing.T) {
	c := newChain(t)
	issue(t, c, "WYCL26000001")
	e := get(t, c, "WYCL26000001")
	if e.Controller != shipper || e.Status != tradeapi.EBLIssued || e.Version != 1 || e.Steps != 1 || e.DocHash == "" {
		t.Fatalf("issued eBL = %+v", e)
	}
	// Named endorsement to a bank: control stays with the shipper until
	// the bank accepts.
	do(t, c, shipper, "transfer_ebl", transfer(e.Ref, advising, tradeapi.EndorseNamed), errcode.OK)
	if e := get(t, c, e.Ref); e.Controller != shipper || e.PendingTo != advising {
		t.Fatalf("offered eBL = %+v", e)
	}
	do(t, c, shipper, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseNamed), errcode.Conflict) // one offer at a time
	do(t, c, other, "accept_ebl", ref(e.Ref), errcode.Unauthorized)
	do(t, c, shipper, "surrender_ebl", tradeapi.SurrenderBody{Ref: e.Ref, Purpose: tradeapi.SurrenderDelivery}, errcode.Conflict)
	do(t, c, advising, "accept_ebl", ref(e.Ref), errcode.OK)
	e = get(t, c, e.Ref)
	if e.Controller != advising || e.Endorsee != advising || e.PendingTo != "" {
		t.Fatalf("accepted eBL = %+v", e)
	}
	do(t, c, shipper, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseNamed), errcode.Unauthorized)
	// The bank endorses in blank to the importer, who refuses once, then
	// accepts a new offer.
	do(t, c, advising, "transfer_ebl", transfer(e.Ref, importer, tradeapi.EndorseNone), errcode.RuleViolation)
	do(t, c, advising, "transfer_ebl", transfer(e.Ref, importer, tradeapi.EndorseBlank), errcode.OK)
	do(t, c, importer, "reject_ebl", tradeapi.ReasonBody{Ref: e.Ref, Reason: "not yet paid"}, errcode.OK)
	do(t, c, advising, "transfer_ebl", transfer(e.Ref, importer, tradeapi.EndorseBlank), errcode.OK)
	do(t, c, advising, "withdraw_transfer", ref(e.Ref), errcode.OK)
	do(t, c, importer, "accept_ebl", ref(e.Ref), errcode.Conflict)
	do(t, c, advising, "transfer_ebl", transfer(e.Ref, importer, tradeapi.EndorseBlank), errcode.OK)
	do(t, c, importer, "accept_ebl", ref(e.Ref), errcode.OK)
	e = get(t, c, e.Ref)
	if e.Controller != importer || !e.Blank || e.Endorsee != "" {
		t.Fatalf("blank-endorsed eBL = %+v", e)
	}
	// A blank-endorsed bill passes by delivery.
	do(t, c, importer, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseBlank), errcode.RuleViolation)
	do(t, c, importer, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseNone), errcode.OK)
	do(t, c, other, "accept_ebl", ref(e.Ref), errcode.OK)
	do(t, c, other, "transfer_ebl", transfer(e.Ref, importer, tradeapi.EndorseNone), errcode.OK)
	do(t, c, importer, "accept_ebl", ref(e.Ref), errcode.OK)

	// Amendment by the carrier with the controller's consent.
	amend := tradeapi.AmendEBLBody{Ref: e.Ref, Changes: tradeapi.Amendment{Vessel: "WAN HAI 316", Voyage: "027S"}, Reason: "vessel changed"}
	do(t, c, carrier2, "amend_ebl", amend, errcode.Unauthorized)
	do(t, c, carrier, "amend_ebl", amend, errcode.OK)
	do(t, c, carrier, "amend_ebl", amend, errcode.Conflict)
	do(t, c, importer, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseNone), errcode.Conflict)
	do(t, c, other, "answer_ebl_amendment", tradeapi.AnswerBody{Ref: e.Ref, Consent: true}, errcode.Unauthorized)
	before := get(t, c, e.Ref).DocHash
	do(t, c, importer, "answer_ebl_amendment", tradeapi.AnswerBody{Ref: e.Ref, Consent: true}, errcode.OK)
	e = get(t, c, e.Ref)
	if e.Vessel != "WAN HAI 316" || e.Voyage != "027S" || e.Version != 2 || e.DocHash == before {
		t.Fatalf("amended eBL = %+v", e)
	}
	do(t, c, carrier, "amend_ebl", tradeapi.AmendEBLBody{Ref: e.Ref, Changes: tradeapi.Amendment{NotifyParty: "X"}, Reason: "typo"}, errcode.OK)
	do(t, c, importer, "answer_ebl_amendment", tradeapi.AnswerBody{Ref: e.Ref, Consent: false}, errcode.OK)
	if e := get(t, c, e.Ref); e.NotifyParty == "X" || e.Version != 2 {
		t.Fatalf("declined amendment applied: %+v", e)
	}

	// Surrender for delivery: once.
	do(t, c, carrier, "release_goods", tradeapi.ReleaseBody{Ref: e.Ref, DeliveryOrder: "DO-0001"}, errcode.Conflict)
	do(t, c, importer, "surrender_ebl", tradeapi.SurrenderBody{Ref: e.Ref, Purpose: tradeapi.SurrenderDelivery}, errcode.OK)
	e = get(t, c, e.Ref)
	if e.Controller != carrier || e.Status != tradeapi.EBLSurrendered {
		t.Fatalf("surrendered eBL = %+v", e)
	}
	res := do(t, c, importer, "surrender_ebl", tradeapi.SurrenderBody{Ref: e.Ref, Purpose: tradeapi.SurrenderDelivery}, errcode.Conflict)
	if !strings.Contains(res.Log, "surrendered once") {
		t.Errorf("second surrender: %s", res.Log)
	}
	do(t, c, importer, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseNone), errcode.Conflict)
	do(t, c, carrier2, "release_goods", tradeapi.ReleaseBody{Ref: e.Ref, DeliveryOrder: "DO-0001"}, errcode.Unauthorized)
	do(t, c, carrier, "switch_to_paper", tradeapi.PaperBody{Ref: e.Ref, PaperNo: "P-0001"}, errcode.Conflict)
	do(t, c, carrier, "release_goods", tradeapi.ReleaseBody{Ref: e.Ref, DeliveryOrder: "DO-0001"}, errcode.OK)
	do(t, c, carrier, "release_goods", tradeapi.ReleaseBody{Ref: e.Ref, DeliveryOrder: "DO-0002"}, errcode.Conflict)

	v, err := trade.EBLView(c.View(), e.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if v.EBL.Status != tradeapi.EBLDelivered || v.Surrender == nil || v.Surrender.By != importer || v.Surrender.DeliveryOrder != "DO-0001" {
		t.Fatalf("view = %+v %+v", v.EBL, v.Surrender)
	}
	var actions []string
	for i, s := range v.Steps {
		if s.Seq != uint64(i+1) || s.TxHash == "" || s.By.KeyID.String() == "" {
			t.Fatalf("step %d = %+v", i, s)
		}
		actions = append(actions, s.Action)
	}
	want := "issue transfer_offered transfer_accepted transfer_offered transfer_rejected transfer_offered transfer_withdrawn transfer_offered transfer_accepted " +
		"transfer_offered transfer_accepted transfer_offered transfer_accepted amendment_proposed amendment_consented amendment_proposed amendment_declined " +
		"surrendered_for_delivery goods_released"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("history:\n got %s\nwant %s", got, want)
	}
	checkInvariants(t, c)
}

// A straight bill is not endorsed and passes only between shipper and
// consignee, who alone takes delivery; a switch to paper closes it.
func TestStraightBillAndPaper(t *testing.T) {
	c := newChain(t)
	do(t, c, carrier, "issue_ebl", eblBody("WYCL26000002", false, importer), errcode.OK)
	r := "WYCL26000002"
	do(t, c, shipper, "surrender_ebl", tradeapi.SurrenderBody{Ref: r, Purpose: tradeapi.SurrenderDelivery}, errcode.RuleViolation)
	do(t, c, shipper, "transfer_ebl", transfer(r, other, tradeapi.EndorseNone), errcode.RuleViolation)
	do(t, c, shipper, "transfer_ebl", transfer(r, importer, tradeapi.EndorseNamed), errcode.RuleViolation)
	do(t, c, shipper, "transfer_ebl", transfer(r, importer, tradeapi.EndorseNone), errcode.OK)
	do(t, c, importer, "accept_ebl", ref(r), errcode.OK)
	do(t, c, importer, "surrender_ebl", tradeapi.SurrenderBody{Ref: r, Purpose: tradeapi.SurrenderPaper}, errcode.OK)
	do(t, c, carrier, "release_goods", tradeapi.ReleaseBody{Ref: r, DeliveryOrder: "DO-0001"}, errcode.Conflict)
	do(t, c, carrier, "switch_to_paper", tradeapi.PaperBody{Ref: r, PaperNo: "WYCL26000002P"}, errcode.OK)
	e := get(t, c, r)
	if e.Status != tradeapi.EBLSwitchedToPaper || e.PaperNo != "WYCL26000002P" || e.Controller != carrier {
		t.Fatalf("switched eBL = %+v", e)
	}
	do(t, c, carrier, "surrender_ebl", tradeapi.SurrenderBody{Ref: r, Purpose: tradeapi.SurrenderDelivery}, errcode.Unauthorized) // a carrier holds no bank or trader role
	do(t, c, importer, "surrender_ebl", tradeapi.SurrenderBody{Ref: r, Purpose: tradeapi.SurrenderDelivery}, errcode.Conflict)
	checkInvariants(t, c)
}

func TestIssueRefusals(t *testing.T) {
	c := newChain(t)
	issue(t, c, "WYCL26000003")
	good := eblBody("WYCL26000004", true, "")
	with := func(f func(b *tradeapi.IssueEBLBody)) tradeapi.IssueEBLBody {
		b := eblBody("WYCL26000004", true, "")
		b.Goods = append([]tradeapi.Item(nil), b.Goods...)
		b.Containers = []tradeapi.Container{{Number: box1, ISOType: "45R1", SSCCs: []string{sscc1}}}
		f(&b)
		return b
	}
	testchain.Refusals(t, c, tradeapi.Name, carrier, "issue_ebl", []vcase{
		{"not a carrier", shipper, good, errcode.Unauthorized},
		{"reference taken", "", with(func(b *tradeapi.IssueEBLBody) { b.Ref = "WYCL26000003" }), errcode.Conflict},
		{"reference lowercase", "", with(func(b *tradeapi.IssueEBLBody) { b.Ref = "wycl26000004" }), errcode.MalformedBody},
		{"reference short", "", with(func(b *tradeapi.IssueEBLBody) { b.Ref = "W1" }), errcode.MalformedBody},
		{"shipper unknown", "", with(func(b *tradeapi.IssueEBLBody) { b.Shipper = "nobody" }), errcode.NotFound},
		{"shipper a bank", "", with(func(b *tradeapi.IssueEBLBody) { b.Shipper = issuing }), errcode.RuleViolation},
		{"straight without consignee", "", with(func(b *tradeapi.IssueEBLBody) { b.ToOrder = false }), errcode.MalformedBody},
		{"to order with consignee", "", with(func(b *tradeapi.IssueEBLBody) { b.Consignee = importer }), errcode.MalformedBody},
		{"consignee a carrier", "", with(func(b *tradeapi.IssueEBLBody) { b.ToOrder, b.Consignee = false, carrier2 }), errcode.RuleViolation},
		{"shipped tomorrow", "", with(func(b *tradeapi.IssueEBLBody) { b.ShippedOnBoard = "2026-03-03" }), errcode.RuleViolation},
		{"bad date", "", with(func(b *tradeapi.IssueEBLBody) { b.ShippedOnBoard = "2026-02-30" }), errcode.MalformedBody},
		{"same ports", "", with(func(b *tradeapi.IssueEBLBody) { b.PortOfDischarge = b.PortOfLoading }), errcode.MalformedBody},
		{"bad locode", "", with(func(b *tradeapi.IssueEBLBody) { b.PortOfDischarge.UNLocode = "TH-LC" }), errcode.MalformedBody},
		{"freight", "", with(func(b *tradeapi.IssueEBLBody) { b.Freight = "free" }), errcode.MalformedBody},
		{"no goods", "", with(func(b *tradeapi.IssueEBLBody) { b.Goods = nil }), errcode.MalformedBody},
		{"hs code", "", with(func(b *tradeapi.IssueEBLBody) { b.Goods[0].HSCode = "0808" }), errcode.MalformedBody},
		{"weight", "", with(func(b *tradeapi.IssueEBLBody) { b.Goods[0].GrossWeightG = 0 }), errcode.MalformedBody},
		{"no container", "", with(func(b *tradeapi.IssueEBLBody) { b.Containers = nil }), errcode.MalformedBody},
		{"container check digit", "", with(func(b *tradeapi.IssueEBLBody) { b.Containers[0].Number = "CSQU3054384" }), errcode.MalformedBody},
		{"container twice", "", with(func(b *tradeapi.IssueEBLBody) { b.Containers = append(b.Containers, b.Containers[0]) }), errcode.MalformedBody},
		{"sscc check digit", "", with(func(b *tradeapi.IssueEBLBody) { b.Containers[0].SSCCs = []string{"106141411234567898"} }), errcode.MalformedBody},
		{"sscc twice", "", with(func(b *tradeapi.IssueEBLBody) {
			b.Containers = append(b.Containers, tradeapi.Container{Number: box2, SSCCs: []string{sscc1}})
		}), errcode.MalformedBody},
		{"unknown field", "", []byte(`{"ref":"WYCL26000004","extra":1}`), errcode.MalformedBody},
	})
	do(t, c, carrier, "issue_ebl", good, errcode.OK)
	v, err := trade.EBLsBySSCC(c.View(), sscc1)
	if err != nil || len(v.EBLs) != 2 {
		t.Fatalf("by SSCC = %+v, %v", v, err)
	}
}
