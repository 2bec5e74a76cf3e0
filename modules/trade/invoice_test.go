package trade_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// presentable issues, on 30 March, to-order bills shipped on 28 March
// that the exporter controls.
func presentable(t *testing.T, c *testchain.Chain, refs ...string) {
	t.Helper()
	for i, ref := range refs {
		b := eblBody(ref, true, "")
		b.ShippedOnBoard = "2026-03-28"
		b.Containers[0].SSCCs = []string{[]string{sscc1, sscc2}[i%2]}
		do(t, c, carrier, "issue_ebl", b, errcode.OK)
	}
}

// TestInvoiceBacksOneDrawing: a commercial invoice backs one drawing. The
// same invoice presented again — under the same credit or another, by its
// number in any letter case or by its file — is refused while the first
// presentation stands, and changes nothing; it is free again once the
// bank returns the documents, and never once they were honoured. Another
// organisation presenting the same file learns nothing of whose credit
// holds it.
func TestInvoiceBacksOneDrawing(t *testing.T) {
	c := newChain(t)
	const lc1, lc2, lc3 = "LC-JH-0001", "LC-JH-0002", "LC-JH-0003"
	do(t, c, advising, "set_calendar", calendar, errcode.OK)
	for _, no := range []string{lc1, lc2} {
		b := creditBody(no)
		b.Terms.PartialShipments = true
		do(t, c, issuing, "issue_credit", b, errcode.OK)
	}
	third := creditBody(lc3)
	third.Beneficiary, third.Applicant = other, importer
	do(t, c, issuing, "issue_credit", third, errcode.OK)
	setDate(t, c, "2026-03-30")
	presentable(t, c, "WYCL26000010", "WYCL26000011", "WYCL26000012")

	first := presentBody(lc1, "WYCL26000010", 3_000_000)
	p1 := result[tradeapi.PresentResult](t, do(t, c, shipper, "present_documents", first, errcode.OK)).ID
	checkInvariants(t, c)

	// The same invoice with another bill: by number (in small letters),
	// by file, both; under the same credit and under another.
	byNumber := presentBody(lc1, "WYCL26000011", 3_000_000)
	byNumber.Invoice.No = strings.ToLower(first.Invoice.No)
	byFile := presentBody(lc2, "WYCL26000011", 3_000_000)
	byFile.Invoice.SHA256 = first.Invoice.SHA256
	both := presentBody(lc2, "WYCL26000011", 3_000_000)
	both.Invoice = first.Invoice
	before := c.Store.Root()
	for _, tc := range []struct {
		name string
		body tradeapi.PresentBody
		want string
	}{
		{"number", byNumber, "invoice.no: invoice inv-wycl26000010 backs presentation " + p1 + " (status presented)"},
		{"file", byFile, "invoice.sha256: the same invoice file backs presentation " + p1 + " (status presented)"},
		{"both", both, "invoice.no: invoice INV-WYCL26000010 backs presentation " + p1},
	} {
		res := do(t, c, shipper, "present_documents", tc.body, errcode.Conflict)
		if !strings.Contains(res.Log, tc.want) || !strings.Contains(res.Log, "an invoice backs one drawing") {
			t.Errorf("%s: %s", tc.name, res.Log)
		}
	}
	// A refusal changes nothing but the signer's nonce: the bill stays
	// with the exporter, the credits reserve nothing more.
	if e := get(t, c, "WYCL26000011"); e.Controller != shipper || e.Presentation != "" {
		t.Fatalf("refused presentation moved the bill: %+v", e)
	}
	if cr := credit(t, c, lc1); cr.Reserved != 3_000_000 || cr.Presentations != 1 {
		t.Fatalf("refused presentation reserved: %+v", cr)
	}
	if cr := credit(t, c, lc2); cr.Reserved != 0 || cr.Presentations != 0 {
		t.Fatalf("refused presentation reserved: %+v", cr)
	}
	if c.Store.Root() == before {
		t.Fatal("the refusals did not even consume nonces")
	}
	checkInvariants(t, c)

	// Another organisation presents the same file under its own credit:
	// refused, without a word of the exporter's credit.
	do(t, c, shipper, "transfer_ebl", transfer("WYCL26000012", other, tradeapi.EndorseNamed), errcode.OK)
	do(t, c, other, "accept_ebl", ref("WYCL26000012"), errcode.OK)
	stranger := presentBody(lc3, "WYCL26000012", 3_000_000)
	stranger.Invoice.SHA256 = first.Invoice.SHA256
	res := do(t, c, other, "present_documents", stranger, errcode.Conflict)
	if !strings.Contains(res.Log, "backs a presentation by another organisation") || strings.Contains(res.Log, "LC-") {
		t.Errorf("another organisation's refusal: %s", res.Log)
	}
	// Its own invoice number may be the exporter's: numbers are per issuer.
	stranger.Invoice.SHA256 = hash("trader-c's own invoice")
	stranger.Invoice.No = first.Invoice.No
	do(t, c, other, "present_documents", stranger, errcode.OK)

	// The bank refuses the first presentation and returns the documents:
	// the invoice is free again, with another bill or the same.
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: p1, Discrepancies: []string{"invoice amount differs"}}, errcode.OK)
	do(t, c, advising, "return_documents", tradeapi.PresBody{ID: p1}, errcode.OK)
	checkInvariants(t, c)
	p2 := result[tradeapi.PresentResult](t, do(t, c, shipper, "present_documents", both, errcode.OK)).ID
	do(t, c, advising, "examine_documents", tradeapi.ExamineBody{ID: p2, Complying: true}, errcode.OK)
	do(t, c, advising, "honour", tradeapi.HonourBody{ID: p2}, errcode.OK)
	checkInvariants(t, c)

	// Honoured, the invoice has been drawn on: never again.
	again := presentBody(lc1, "WYCL26000010", 3_000_000)
	again.Invoice = first.Invoice
	res = do(t, c, shipper, "present_documents", again, errcode.Conflict)
	if !strings.Contains(res.Log, p2+" (status honoured)") {
		t.Errorf("after honour: %s", res.Log)
	}
	checkInvariants(t, c)
}

// TestInvoiceRulesOne: a chain created by an earlier release (rule set 1,
// no trade/rules key) keeps its rules: the same invoice may back two
// presentations, and no invoice index is written.
func TestInvoiceRulesOne(t *testing.T) {
	c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: start,
		Genesis: map[string]any{"trade": trade.Genesis{Rules: 1}}})
	do(t, c, advising, "set_calendar", calendar, errcode.OK)
	b := creditBody("LC-JH-0001")
	b.Terms.PartialShipments = true
	do(t, c, issuing, "issue_credit", b, errcode.OK)
	setDate(t, c, "2026-03-30")
	presentable(t, c, "WYCL26000010", "WYCL26000011")
	first := presentBody("LC-JH-0001", "WYCL26000010", 3_000_000)
	do(t, c, shipper, "present_documents", first, errcode.OK)
	second := presentBody("LC-JH-0001", "WYCL26000011", 3_000_000)
	second.Invoice = first.Invoice
	do(t, c, shipper, "present_documents", second, errcode.OK)
	if raw(t, c, []byte("trade/rules")) != nil {
		t.Fatal("a rule-set-1 chain has trade/rules")
	}
	checkInvariants(t, c) // which also requires an empty index
}

// TestTradeGenesis: the genesis section sets the rules, and a bad one is
// refused.
func TestTradeGenesis(t *testing.T) {
	c := newChain(t)
	c.Block() // genesis is committed with the first block
	if got := string(raw(t, c, []byte("trade/rules"))); got != "2" {
		t.Fatalf("a new chain's trade/rules = %q, want 2", got)
	}
	testchain.CheckGenesis(t, trade.Module{}, "trade/rules", map[string]string{`{"rules":1}`: "", `{"rules":2}`: "2", `null`: "2", `{"rules":3}`: "error", `{"rules":-1}`: "error", `{"rule":2}`: "error", `[]`: "error"})
}
