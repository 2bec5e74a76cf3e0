package trade_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// calendar is the advising bank's: China, closed on Monday 6 April 2026.
var calendar = tradeapi.CalendarBody{UTCOffsetMin: 480, Closed: []string{"2026-04-06"}, Open: []string{"2026-04-11"}}

func TestBankingDays(t *testing.T) {
	cal := &tradeapi.Calendar{UTCOffsetMin: 480, Closed: calendar.Closed, Open: calendar.Open}
	tests := []struct {
		presented string
		n         int
		want      string
	}{
		{"2026-04-02", 5, "2026-04-10"}, // Fri 3, (Mon 6 closed), Tue 7, Wed 8, Thu 9, Fri 10
		{"2026-04-03", 5, "2026-04-11"}, // Tue 7, Wed 8, Thu 9, Fri 10, Sat 11 (open)
		{"2026-04-10", 1, "2026-04-11"},
		{"2026-04-11", 1, "2026-04-13"},
		{"2026-03-02", 5, "2026-03-09"},
	}
	for _, tt := range tests {
		if got := trade.ExaminationDeadline(cal, tt.presented, tt.n); got != tt.want {
			t.Errorf("ExaminationDeadline(%s, %d) = %s, want %s", tt.presented, tt.n, got, tt.want)
		}
	}
	for date, want := range map[string]string{"2026-04-04": "2026-04-07", "2026-04-06": "2026-04-07", "2026-04-11": "2026-04-11", "2026-04-12": "2026-04-13", "2026-04-08": "2026-04-08"} {
		if got := trade.EffectiveExpiry(cal, date); got != want {
			t.Errorf("EffectiveExpiry(%s) = %s, want %s", date, got, want)
		}
	}
	// The day at the bank's place: 23:30 UTC on 1 April is 2 April in
	// China and still 1 April at UTC-5.
	at := time.Date(2026, 4, 1, 23, 30, 0, 0, time.UTC)
	if d := trade.Day(cal, at); d != "2026-04-02" {
		t.Errorf("Day at UTC+8 = %s", d)
	}
	if d := trade.Day(&tradeapi.Calendar{UTCOffsetMin: -300}, at); d != "2026-04-01" {
		t.Errorf("Day at UTC-5 = %s", d)
	}
}

// The whole documentary credit: issue, advice with confirmation,
// amendments with the beneficiary's consent, presentation with the eBL
// passing to the nominated bank, examination, honour, reimbursement, the
// eBL to the applicant, surrender and release of the goods.
func TestCreditLifecycle(t *testing.T) {
	c := newChain(t)
	do(t, c, advising, "set_calendar", calendar, errcode.OK)
	do(t, c, issuing, "issue_credit", creditBody("LC-JH-0001"), errcode.OK)
	do(t, c, issuing, "issue_credit", creditBody("LC-JH-0001"), errcode.Conflict)
	do(t, c, issuing, "advise_credit", tradeapi.AdviseBody{No: "LC-JH-0001", Confirm: true}, errcode.Unauthorized)
	do(t, c, advising, "advise_credit", tradeapi.AdviseBody{No: "LC-JH-0001", Confirm: true}, errcode.OK)
	do(t, c, advising, "advise_credit", tradeapi.AdviseBody{No: "LC-JH-0001"}, errcode.Conflict)
	if cr := credit(t, c, "LC-JH-0001"); cr.ConfirmingBank != advising || !cr.Advised {
		t.Fatalf("advised credit = %+v", cr)
	}

	// An amendment binds only once the beneficiary accepts it.
	more := creditBody("LC-JH-0001").Terms
	more.Amount.Minor = 11_000_000
	do(t, c, advising, "amend_credit", tradeapi.AmendCreditBody{No: "LC-JH-0001", Terms: more}, errcode.Unauthorized)
	do(t, c, issuing, "amend_credit", tradeapi.AmendCreditBody{No: "LC-JH-0001", Terms: more, Note: "quantity increased"}, errcode.OK)
	if cr := credit(t, c, "LC-JH-0001"); cr.Terms.Amount.Minor != 10_000_000 || !cr.AmendPending {
		t.Fatalf("amendment applied before acceptance: %+v", cr)
	}
	do(t, c, issuing, "amend_credit", tradeapi.AmendCreditBody{No: "LC-JH-0001", Terms: more}, errcode.Conflict)
	do(t, c, importer, "answer_credit_amendment", tradeapi.AnswerCreditBody{No: "LC-JH-0001", Accept: true}, errcode.Unauthorized)
	do(t, c, shipper, "answer_credit_amendment", tradeapi.AnswerCreditBody{No: "LC-JH-0001", Accept: true}, errcode.OK)
	less := more
	less.Expiry = "2026-04-20"
	do(t, c, issuing, "amend_credit", tradeapi.AmendCreditBody{No: "LC-JH-0001", Terms: less}, errcode.OK)
	do(t, c, shipper, "answer_credit_amendment", tradeapi.AnswerCreditBody{No: "LC-JH-0001", Accept: false}, errcode.OK)
	if cr := credit(t, c, "LC-JH-0001"); cr.Terms.Amount.Minor != 11_000_000 || cr.Terms.Expiry != "2026-04-30" || cr.AmendPending {
		t.Fatalf("credit after amendments = %+v", cr.Terms)
	}

	// Shipment, then presentation on Thursday 2 April.
	setDate(t, c, "2026-03-30")
	b := eblBody("WYCL26000010", true, "")
	b.ShippedOnBoard = "2026-03-28"
	do(t, c, carrier, "issue_ebl", b, errcode.OK)
	setDate(t, c, "2026-04-02")
	max := trade.MaxDrawing(&credit(t, c, "LC-JH-0001").Terms) // 11,550,000 with 5 %
	do(t, c, importer, "present_documents", presentBody("LC-JH-0001", "WYCL26000010", 11_000_000), errcode.Unauthorized)
	res := do(t, c, shipper, "present_documents", presentBody("LC-JH-0001", "WYCL26000010", max+1), errcode.RuleViolation)
	if !strings.Contains(res.Log, "never pays more than its amount") {
		t.Errorf("over-drawing: %s", res.Log)
	}
	res = do(t, c, shipper, "present_documents", presentBody("LC-JH-0001", "WYCL26000010", 11_000_000), errcode.OK)
	pr := result[tradeapi.PresentResult](t, res)
	if pr.ID != "LC-JH-0001-P1" || pr.Deadline != "2026-04-10" {
		t.Fatalf("presentation = %+v", pr)
	}
	p := pres(t, c, pr.ID)
	if p.Bank != advising || len(p.Detected) != 0 || p.PresentedOn != "2026-04-02" || p.Day != "2026-04-02" || p.Expiry != "2026-04-30" {
		t.Fatalf("presentation record = %+v", p)
	}
	e := get(t, c, "WYCL26000010")
	if e.Controller != advising || e.Endorsee != advising || e.Presentation != pr.ID {
		t.Fatalf("presented eBL = %+v", e)
	}
	do(t, c, advising, "transfer_ebl", transfer(e.Ref, other, tradeapi.EndorseNamed), errcode.Conflict)
	do(t, c, advising, "surrender_ebl", tradeapi.SurrenderBody{Ref: e.Ref, Purpose: tradeapi.SurrenderDelivery}, errcode.Conflict)
	if cr := credit(t, c, "LC-JH-0001"); cr.Reserved != 11_000_000 || trade.Available(cr) != max-11_000_000 {
		t.Fatalf("reserved = %+v", cr)
	}
	do(t, c, advising, "honour", tradeapi.HonourBody{ID: pr.ID}, errcode.Conflict)
	do(t, c, issuing, "examine_documents", tradeapi.ExamineBody{ID: pr.ID, Complying: true}, errcode.Unauthorized)
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: pr.ID, Complying: true, Discrepancies: []string{"x"}}, errcode.MalformedBody)
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: pr.ID, Complying: true}, errcode.OK)
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: pr.ID, Complying: true}, errcode.Conflict)
	do(t, c, advising, "honour", tradeapi.HonourBody{ID: pr.ID}, errcode.OK)
	if cr := credit(t, c, "LC-JH-0001"); cr.Drawn != 11_000_000 || cr.Reserved != 0 {
		t.Fatalf("honoured credit = %+v", cr)
	}
	do(t, c, issuing, "release_documents", tradeapi.PresBody{ID: pr.ID}, errcode.Conflict) // reimburse the nominated bank first
	do(t, c, issuing, "reimburse", tradeapi.PresBody{ID: pr.ID}, errcode.OK)
	if e := get(t, c, e.Ref); e.Controller != issuing || e.Endorsee != issuing {
		t.Fatalf("forwarded eBL = %+v", e)
	}
	do(t, c, issuing, "release_documents", tradeapi.PresBody{ID: pr.ID}, errcode.OK)
	if e := get(t, c, e.Ref); e.Controller != importer || e.Endorsee != importer || e.Presentation != "" {
		t.Fatalf("released eBL = %+v", e)
	}
	if p := pres(t, c, pr.ID); p.Status != tradeapi.PresSettled {
		t.Fatalf("settled presentation = %+v", p)
	}
	// A second drawing: partial shipments are prohibited, and only 5,500.00
	// USD remain.
	setDate(t, c, "2026-04-03")
	b.Ref = "WYCL26000011"
	do(t, c, carrier, "issue_ebl", b, errcode.OK)
	do(t, c, shipper, "present_documents", presentBody("LC-JH-0001", b.Ref, 550_001), errcode.RuleViolation)
	res = do(t, c, shipper, "present_documents", presentBody("LC-JH-0001", b.Ref, 550_000), errcode.OK)
	p2 := pres(t, c, result[tradeapi.PresentResult](t, res).ID)
	if len(p2.Detected) != 1 || !strings.HasPrefix(p2.Detected[0], "partial drawing") || p2.Deadline != "2026-04-11" {
		t.Fatalf("second presentation = %+v", p2)
	}
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: p2.ID, Complying: true}, errcode.RuleViolation)
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: p2.ID}, errcode.OK)
	do(t, c, advising, "return_documents", tradeapi.PresBody{ID: p2.ID}, errcode.OK)
	if e := get(t, c, b.Ref); e.Controller != shipper || e.Presentation != "" {
		t.Fatalf("returned eBL = %+v", e)
	}
	// The importer surrenders the first bill and the carrier releases
	// the goods.
	do(t, c, importer, "surrender_ebl", tradeapi.SurrenderBody{Ref: "WYCL26000010", Purpose: tradeapi.SurrenderDelivery}, errcode.OK)
	do(t, c, carrier, "release_goods", tradeapi.ReleaseBody{Ref: "WYCL26000010", DeliveryOrder: "DO-2026-0001"}, errcode.OK)

	v, err := trade.CreditView(c.View(), "LC-JH-0001", c.Time)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, s := range v.Steps {
		actions = append(actions, s.Action)
	}
	want := "issued advised amendment_issued amendment_accepted amendment_issued amendment_rejected presented examined honoured reimbursed documents_released presented examined documents_returned"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("credit history:\n got %s\nwant %s", got, want)
	}
	if v.Available != 550_000 || v.Status != tradeapi.CreditIssued || len(v.Presentations) != 2 {
		t.Errorf("credit view: available %d status %s", v.Available, v.Status)
	}
	checkInvariants(t, c)

	// After the expiry (Thursday 30 April) nothing can be presented.
	setDate(t, c, "2026-05-01")
	res = do(t, c, shipper, "present_documents", presentBody("LC-JH-0001", b.Ref, 100_00), errcode.RuleViolation)
	if !strings.Contains(res.Log, "expired on 2026-04-30") {
		t.Errorf("after expiry: %s", res.Log)
	}
	do(t, c, issuing, "amend_credit", tradeapi.AmendCreditBody{No: "LC-JH-0001", Terms: more}, errcode.RuleViolation)
	if v, _ := trade.CreditView(c.View(), "LC-JH-0001", c.Time); v.Status != tradeapi.CreditExpired {
		t.Errorf("status after expiry = %s", v.Status)
	}
	checkInvariants(t, c)
}

// Discrepancies the records show must be noted; the applicant may waive
// them; a bank silent past the fifth banking day is precluded from
// refusing (UCP 600 16(f)).
func TestExaminationRules(t *testing.T) {
	c := newChain(t)
	lc := creditBody("LC-JH-0002")
	lc.AdvisingBank, lc.ConfirmationAsked, lc.NominatedBank = "", false, ""
	lc.Terms.LatestShipment = "2026-03-10"
	lc.Terms.Documents = append(lc.Terms.Documents, tradeapi.DocPhytosanitary)
	do(t, c, issuing, "issue_credit", lc, errcode.OK)
	setDate(t, c, "2026-03-13") // Friday
	b := eblBody("WYCL26000020", true, "")
	b.ShippedOnBoard = "2026-03-12"
	do(t, c, carrier, "issue_ebl", b, errcode.OK)
	res := do(t, c, shipper, "present_documents", presentBody("LC-JH-0002", b.Ref, 10_000_000), errcode.OK)
	p := pres(t, c, result[tradeapi.PresentResult](t, res).ID)
	if p.Bank != issuing || len(p.Detected) != 2 || !strings.HasPrefix(p.Detected[0], "late shipment") || p.Detected[1] != "missing document: phytosanitary_certificate" {
		t.Fatalf("detected = %q", p.Detected)
	}
	do(t, c, issuing, "examine_documents", tradeapi.ExamineBody{ID: p.ID, Complying: true}, errcode.RuleViolation)
	do(t, c, issuing, "examine_documents", tradeapi.ExamineBody{ID: p.ID, Discrepancies: []string{"invoice shows CFR, credit calls for CIF"}}, errcode.OK)
	do(t, c, issuing, "honour", tradeapi.HonourBody{ID: p.ID}, errcode.Conflict)
	do(t, c, shipper, "waive_discrepancies", tradeapi.PresBody{ID: p.ID}, errcode.Unauthorized)
	do(t, c, importer, "waive_discrepancies", tradeapi.PresBody{ID: p.ID}, errcode.OK)
	do(t, c, issuing, "return_documents", tradeapi.PresBody{ID: p.ID}, errcode.Conflict)
	do(t, c, issuing, "honour", tradeapi.HonourBody{ID: p.ID}, errcode.OK)
	do(t, c, issuing, "reimburse", tradeapi.PresBody{ID: p.ID}, errcode.RuleViolation) // no nominated bank to reimburse
	do(t, c, issuing, "release_documents", tradeapi.PresBody{ID: p.ID}, errcode.OK)
	if e := get(t, c, b.Ref); e.Controller != importer {
		t.Fatalf("eBL after release: %+v", e)
	}

	// Preclusion: presented Friday 13 March, the fifth banking day
	// following is Friday 20 March.
	lc = creditBody("LC-JH-0003")
	lc.AdvisingBank, lc.ConfirmationAsked, lc.NominatedBank = "", false, ""
	lc.Availability, lc.TenorDays = tradeapi.AvailDeferred, 90
	do(t, c, issuing, "issue_credit", lc, errcode.OK)
	b.Ref = "WYCL26000021"
	do(t, c, carrier, "issue_ebl", b, errcode.OK)
	res = do(t, c, shipper, "present_documents", presentBody("LC-JH-0003", b.Ref, 9_600_000), errcode.OK)
	p = pres(t, c, result[tradeapi.PresentResult](t, res).ID)
	if p.Deadline != "2026-03-20" || len(p.Detected) != 0 {
		t.Fatalf("presentation = %+v", p)
	}
	setDate(t, c, "2026-03-21")
	res = do(t, c, issuing, "examine_documents", tradeapi.ExamineBody{ID: p.ID, Discrepancies: []string{"late"}}, errcode.RuleViolation)
	if !strings.Contains(res.Log, "16(f)") {
		t.Errorf("preclusion: %s", res.Log)
	}
	do(t, c, issuing, "examine_documents", tradeapi.ExamineBody{ID: p.ID, Complying: true}, errcode.OK)
	do(t, c, issuing, "honour", tradeapi.HonourBody{ID: p.ID}, errcode.OK)
	if p := pres(t, c, p.ID); p.Maturity != "2026-06-10" {
		t.Errorf("deferred payment due %s, want 90 days after shipment 2026-03-12", p.Maturity)
	}
	checkInvariants(t, c)
}

func TestCreditRefusals(t *testing.T) {
	c := newChain(t)
	with := func(f func(b *tradeapi.IssueCreditBody)) tradeapi.IssueCreditBody {
		b := creditBody("LC-NEW-1")
		b.Terms.Documents = append([]string(nil), b.Terms.Documents...)
		f(&b)
		return b
	}
	do(t, c, issuing, "issue_credit", creditBody("LC-OLD-1"), errcode.OK)
	testchain.Refusals(t, c, tradeapi.Name, issuing, "issue_credit", []vcase{
		{"not a bank", shipper, with(func(*tradeapi.IssueCreditBody) {}), errcode.Unauthorized},
		{"number taken", "", with(func(b *tradeapi.IssueCreditBody) { b.No = "LC-OLD-1" }), errcode.Conflict},
		{"currency", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.Amount.Currency = "XYZ" }), errcode.MalformedBody},
		{"zero amount", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.Amount.Minor = 0 }), errcode.MalformedBody},
		{"tolerance", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.TolerancePct = 11 }), errcode.MalformedBody},
		{"expired", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.Expiry = "2026-03-01" }), errcode.RuleViolation},
		{"shipment after expiry", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.LatestShipment = "2026-05-01" }), errcode.RuleViolation},
		{"no bill of lading", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.Documents = []string{tradeapi.DocInvoice} }), errcode.MalformedBody},
		{"document twice", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.Documents = append(b.Terms.Documents, tradeapi.DocInvoice) }), errcode.MalformedBody},
		{"applicant a bank", "", with(func(b *tradeapi.IssueCreditBody) { b.Applicant = advising }), errcode.RuleViolation},
		{"applicant is beneficiary", "", with(func(b *tradeapi.IssueCreditBody) { b.Applicant = shipper }), errcode.MalformedBody},
		{"advising a trader", "", with(func(b *tradeapi.IssueCreditBody) { b.AdvisingBank = other; b.NominatedBank = other }), errcode.RuleViolation},
		{"nominated elsewhere", "", with(func(b *tradeapi.IssueCreditBody) { b.NominatedBank = "customs" }), errcode.MalformedBody},
		{"confirmation without adviser", "", with(func(b *tradeapi.IssueCreditBody) { b.AdvisingBank, b.NominatedBank = "", "" }), errcode.MalformedBody},
		{"sight with tenor", "", with(func(b *tradeapi.IssueCreditBody) { b.TenorDays = 30 }), errcode.MalformedBody},
		{"acceptance without tenor", "", with(func(b *tradeapi.IssueCreditBody) { b.Availability = tradeapi.AvailAcceptance }), errcode.MalformedBody},
		{"port", "", with(func(b *tradeapi.IssueCreditBody) { b.Terms.PortOfLoading = "SHANGHAI" }), errcode.MalformedBody},
	})
	testchain.Refusals(t, c, tradeapi.Name, advising, "set_calendar", []vcase{
		{"offset", "", tradeapi.CalendarBody{UTCOffsetMin: 481}, errcode.MalformedBody},
		{"weekend closed", "", tradeapi.CalendarBody{UTCOffsetMin: 480, Closed: []string{"2026-04-04"}}, errcode.MalformedBody},
		{"weekday open", "", tradeapi.CalendarBody{UTCOffsetMin: 480, Open: []string{"2026-04-06"}}, errcode.MalformedBody},
		{"unsorted", "", tradeapi.CalendarBody{UTCOffsetMin: 480, Closed: []string{"2026-04-07", "2026-04-06"}}, errcode.MalformedBody},
		{"not a bank", shipper, calendar, errcode.Unauthorized},
	})
	// Straight bills are not presented; the eBL must be the presenter's.
	do(t, c, carrier, "issue_ebl", eblBody("WYCL26000030", false, importer), errcode.OK)
	do(t, c, carrier, "issue_ebl", eblBody("WYCL26000031", true, ""), errcode.OK)
	do(t, c, shipper, "transfer_ebl", transfer("WYCL26000031", other, tradeapi.EndorseNamed), errcode.OK)
	testchain.Refusals(t, c, tradeapi.Name, shipper, "present_documents", []vcase{
		{"straight bill", "", presentBody("LC-OLD-1", "WYCL26000030", 100_00), errcode.RuleViolation},
		{"offered elsewhere", "", presentBody("LC-OLD-1", "WYCL26000031", 100_00), errcode.Conflict},
		{"no such eBL", "", presentBody("LC-OLD-1", "WYCL26000039", 100_00), errcode.NotFound},
		{"no such credit", "", presentBody("LC-OLD-9", "WYCL26000031", 100_00), errcode.NotFound},
		{"bad hash", "", func() tradeapi.PresentBody {
			b := presentBody("LC-OLD-1", "WYCL26000031", 1)
			b.Invoice.SHA256 = "x"
			return b
		}(), errcode.MalformedBody},
		{"zero", "", presentBody("LC-OLD-1", "WYCL26000031", 0), errcode.MalformedBody},
	})
	checkInvariants(t, c)
}

// The period for presentation after shipment ends on a banking day: 21
// days after a shipment on Saturday 7 March is Saturday 28 March, so the
// documents are in time on Monday 30 March and late on Tuesday 31 March.
func TestPresentationPeriod(t *testing.T) {
	c := newChain(t)
	lc := creditBody("LC-JH-0004")
	lc.AdvisingBank, lc.ConfirmationAsked, lc.NominatedBank = "", false, ""
	lc.Terms.PartialShipments = true
	do(t, c, issuing, "issue_credit", lc, errcode.OK)
	setDate(t, c, "2026-03-07")
	for _, r := range []string{"WYCL26000040", "WYCL26000041"} {
		b := eblBody(r, true, "")
		b.ShippedOnBoard = "2026-03-07"
		do(t, c, carrier, "issue_ebl", b, errcode.OK)
	}
	for _, tt := range []struct {
		date, ref string
		late      bool
	}{{"2026-03-30", "WYCL26000040", false}, {"2026-03-31", "WYCL26000041", true}} {
		setDate(t, c, tt.date)
		res := do(t, c, shipper, "present_documents", presentBody("LC-JH-0004", tt.ref, 1_000_000), errcode.OK)
		p := pres(t, c, result[tradeapi.PresentResult](t, res).ID)
		late := len(p.Detected) == 1 && strings.HasPrefix(p.Detected[0], "late presentation")
		if late != tt.late || !tt.late && len(p.Detected) != 0 {
			t.Errorf("presented %s: detected %q, want late=%v", tt.date, p.Detected, tt.late)
		}
	}
	checkInvariants(t, c)
}
