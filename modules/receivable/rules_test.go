package receivable_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
)

func TestSetCreditLineRules(t *testing.T) {
	f := newFx(t)
	f.issue(supA, 1_000_000*yuan, 30)
	base := map[string]any{"obligor": core, "limit_fen": fxLine}
	refusals(t, f.c, "set_credit_line", []vcase{
		{"not JSON", bankA, []byte("limit please"), mal},
		{"empty body", bankA, []byte{}, mal},
		{"trailing data", bankA, []byte(testchain.Encode(base) + "{}"), mal},
		{"unknown field", bankA, with(base, "currency", "CNY"), mal},
		{"key twice", bankA, []byte(`{"obligor":"core","obligor":"core","limit_fen":1}`), mal},
		{"key in other case", bankA, []byte(`{"Obligor":"core","limit_fen":1}`), mal},
		{"obligor missing", bankA, with(base, "obligor", nil), mal},
		{"obligor not an id", bankA, with(base, "obligor", "Core Enterprise"), mal},
		{"limit missing", bankA, with(base, "limit_fen", nil), mal},
		{"limit negative", bankA, with(base, "limit_fen", -1), mal},
		{"limit above MaxFen", bankA, with(base, "limit_fen", receivable.MaxFen+1), mal},
		{"limit a fraction", bankA, with(base, "limit_fen", 1.5), mal},
		{"limit a string", bankA, with(base, "limit_fen", "100"), mal},
		{"obligor unknown", bankA, with(base, "obligor", "nobody"), notFound},
		{"obligor a supplier", bankA, with(base, "obligor", supA), ruleV},
		{"obligor a bank", bankA, with(base, "obligor", bankB), ruleV},
		{"below outstanding", bankA, with(base, "limit_fen", 1_000_000*yuan-1), ruleV},
		{"by a supplier", supA, base, unauth},
		{"by the core enterprise itself", core, base, unauth},
		{"by the regulator", reg, base, unauth},
	})
	res := do(t, f.c, bankB, "set_credit_line", with(base, "limit_fen", 1_000_000*yuan), errcode.OK)
	if r := testchain.Result(t, res); r["limit_fen"] != float64(1_000_000*yuan) || r["outstanding_fen"] != float64(1_000_000*yuan) {
		t.Fatalf("result %v", r)
	}
	cl, _ := receivable.GetCreditLine(f.c.View(), core)
	if cl.SetBy.Org != bankB || cl.LimitFen != cl.OutstandingFen {
		t.Fatalf("credit line %+v", cl)
	}
	// Fully used: no room for one fen more.
	do(t, f.c, core, "issue", issueOf(supB, 1, addDays(today(f.c), 10), tradeOf("ONE", 1)), ruleV)
	checkInvariants(t, f.c)
}

func TestIssueRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	d := today(c)
	trade := tradeOf("INV-1", 2_000_000*yuan)
	base := issueOf(supA, 1_000_000*yuan, addDays(d, 90), trade)
	tr := func(kv ...any) map[string]any { return with(base, "trade", with(trade, kv...)) }
	docs := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, hash(strings.Repeat("d", i+1)))
		}
		return out
	}
	refusals(t, c, "issue", []vcase{
		{"not JSON", core, []byte("issue"), mal},
		{"array", core, []any{base}, mal},
		{"unknown field", core, with(base, "currency", "CNY"), mal},
		{"to missing", core, with(base, "to", nil), mal},
		{"to upper case", core, with(base, "to", "SUP-A"), mal},
		{"face missing", core, with(base, "face_fen", nil), mal},
		{"face zero", core, with(base, "face_fen", 0), mal},
		{"face negative", core, with(base, "face_fen", -100), mal},
		{"face above MaxFen", core, with(base, "face_fen", receivable.MaxFen+1), mal},
		{"face in yuan with decimals", core, with(base, "face_fen", 1000000.5), mal},
		{"face beyond int64", core, []byte(strings.Replace(testchain.Encode(base), `"face_fen":100000000`, `"face_fen":9223372036854775808`, 1)), mal},
		{"maturity missing", core, with(base, "maturity_date", nil), mal},
		{"maturity with time", core, with(base, "maturity_date", addDays(d, 90)+"T00:00:00+08:00"), mal},
		{"maturity 30 February", core, with(base, "maturity_date", "2026-02-30"), mal},
		{"maturity slashes", core, with(base, "maturity_date", "2026/06/30"), mal},
		{"trade missing", core, with(base, "trade", nil), mal},
		{"trade unknown field", core, tr("seller", supA), mal},
		{"contract missing", core, tr("contract_no", nil), mal},
		{"contract blank", core, tr("contract_no", "   "), mal},
		{"contract control character", core, tr("contract_no", "HT\x07"), mal},
		{"contract 65 characters", core, tr("contract_no", strings.Repeat("合", 65)), mal},
		{"invoice number missing", core, tr("invoice_no", nil), mal},
		{"invoice number with slash", core, tr("invoice_no", "INV/1"), mal},
		{"invoice number 41 characters", core, tr("invoice_no", strings.Repeat("1", 41)), mal},
		{"invoice number Chinese", core, tr("invoice_no", "发票1"), mal},
		{"invoice amount zero", core, tr("invoice_amount_fen", 0), mal},
		{"invoice amount negative", core, tr("invoice_amount_fen", -1), mal},
		{"invoice hash upper case", core, tr("invoice_sha256", strings.ToUpper(hash("x"))), mal},
		{"invoice hash short", core, tr("invoice_sha256", hash("x")[:63]), mal},
		{"invoice hash missing", core, tr("invoice_sha256", nil), mal},
		{"no delivery documents", core, tr("delivery_doc_hashes", []string{}), mal},
		{"delivery documents missing", core, tr("delivery_doc_hashes", nil), mal},
		{"21 delivery documents", core, tr("delivery_doc_hashes", docs(21)), mal},
		{"delivery document twice", core, tr("delivery_doc_hashes", []string{hash("a"), hash("a")}), mal},
		{"delivery document not hex", core, tr("delivery_doc_hashes", []string{"z" + hash("a")[1:]}), mal},
		{"to itself", core, with(base, "to", core), ruleV},
		{"maturity today", core, with(base, "maturity_date", d), ruleV},
		{"maturity in the past", core, with(base, "maturity_date", addDays(d, -1)), ruleV},
		{"maturity a year and a day", core, with(base, "maturity_date", "2027-01-02"), ruleV},
		{"to unknown", core, with(base, "to", "nobody"), notFound},
		{"to a bank", core, with(base, "to", bankA), ruleV},
		{"to the regulator", core, with(base, "to", reg), ruleV},
		{"beyond the credit line", core, with(base, "face_fen", fxLine+1, "trade", tradeOf("BIG", fxLine+1)), ruleV},
		{"more than the invoice", core, tr("invoice_amount_fen", 1_000_000*yuan-1), ruleV},
		{"by a supplier", supA, base, unauth},
		{"by a bank", bankA, base, unauth},
		{"by the regulator", reg, base, unauth},
	})

	// The first use registers the invoice under its seller (the
	// receiver); later uses must agree with it.
	do(t, c, core, "issue", base, errcode.OK)
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core2, "limit_fen": fxLine}, errcode.OK)
	refusals(t, c, "issue", []vcase{
		{"invoice with another amount", core, tr("invoice_amount_fen", 3_000_000*yuan), conflict},
		{"invoice with another digest", core, tr("invoice_sha256", hash("forged")), conflict},
		{"the seller's invoice by another buyer", core2, base, conflict},
		{"invoice backs more than its amount", core, with(base, "face_fen", 1_000_000*yuan+1), ruleV},
	})
	do(t, c, core, "issue", base, errcode.OK) // exactly the invoice's amount
	inv, _ := receivable.GetInvoice(c.View(), supA, "INV-1")
	if inv.UsedFen != inv.AmountFen || inv.Seller != supA || inv.Buyer != core {
		t.Fatalf("invoice %+v", inv)
	}
	do(t, c, core, "issue", with(base, "face_fen", 1), errcode.RuleViolation)
	// Another seller's invoice of the same number is another invoice.
	do(t, c, core, "issue", with(base, "to", supB), errcode.OK)
	if inv, _ := receivable.GetInvoice(c.View(), supB, "INV-1"); inv.UsedFen != 1_000_000*yuan {
		t.Fatalf("sup-b's invoice %+v", inv)
	}

	// The edges that pass: maturity tomorrow and exactly a year later.
	do(t, c, core, "issue", issueOf(supB, 100, addDays(d, 1), tradeOf("INV-2", 100)), errcode.OK)
	do(t, c, core, "issue", issueOf(supB, 100, "2027-01-01", tradeOf("INV-3", 100)), errcode.OK)
	// The credit line counts from issuance, exactly to the fen.
	cl, _ := receivable.GetCreditLine(c.View(), core)
	left := cl.LimitFen - cl.OutstandingFen
	do(t, c, core, "issue", issueOf(supC, left+1, addDays(d, 30), tradeOf("INV-4", left+1)), errcode.RuleViolation)
	do(t, c, core, "issue", issueOf(supC, left, addDays(d, 30), tradeOf("INV-4", left)), errcode.OK)
	checkInvariants(t, c)
}

func TestNoCreditLine(t *testing.T) {
	c := newChain(t)
	do(t, c, core, "issue", issueOf(supA, 100, addDays(today(c), 10), tradeOf("I", 100)), errcode.RuleViolation)
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 0}, errcode.OK)
	do(t, c, core, "issue", issueOf(supA, 100, addDays(today(c), 10), tradeOf("I", 100)), errcode.RuleViolation)
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 100}, errcode.OK)
	do(t, c, core, "issue", issueOf(supA, 100, addDays(today(c), 10), tradeOf("I", 100)), errcode.OK)
	checkInvariants(t, c)
}

func TestAcceptRejectCancelRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	pending := f.issue(supA, 100*wan, 60)
	act := f.active(supB, 100*wan, 60)
	kids := f.split(supB, act, part{supC, 10 * wan})
	toC, rest := kids[0], kids[1]
	other := f.active(supA, 100*wan, 60)
	for _, action := range []string{"accept", "reject", "cancel"} {
		refusals(t, c, action, []vcase{
			{"id missing", supA, map[string]any{}, mal},
			{"id malformed", supA, idBody("RC-1"), mal},
			{"id lower case", supA, idBody(strings.ToLower(pending)), mal},
			{"id unknown", supA, idBody(bogusID), notFound},
			{"active root", supA, idBody(other), conflict},
			{"split root", supB, idBody(act), conflict},
			{"remainder (never pending)", supB, idBody(rest), conflict},
		})
	}
	refusals(t, c, "accept", []vcase{
		{"root by another supplier", supB, idBody(pending), unauth},
		{"root by a bank", bankA, idBody(pending), unauth},
		{"root by its issuer", core, idBody(pending), unauth},
		{"part by its sender", supB, idBody(toC), unauth},
		{"part by another supplier", supA, idBody(toC), unauth},
		{"reason field", supA, map[string]any{"id": pending, "reason": "x"}, mal},
	})
	refusals(t, c, "reject", []vcase{
		{"root by another supplier", supB, idBody(pending), unauth},
		{"root by its issuer", core, idBody(pending), unauth},
		{"part by its sender", supB, idBody(toC), unauth},
		{"reason 501 characters", supA, map[string]any{"id": pending, "reason": strings.Repeat("不", 501)}, mal},
		{"reason with control character", supA, map[string]any{"id": pending, "reason": "a\x00b"}, mal},
	})
	refusals(t, c, "cancel", []vcase{
		{"root by its receiver", supA, idBody(pending), unauth},
		{"root by a bank", bankA, idBody(pending), unauth},
		{"part by its receiver", supC, idBody(toC), unauth},
		{"part by the obligor", core, idBody(toC), unauth},
		{"reason field", core, map[string]any{"id": pending, "reason": "x"}, mal},
	})

	// A rejected root releases the credit line and its invoice; an
	// invoice its seller never accepted is then not registered at all.
	before, _ := receivable.GetCreditLine(c.View(), core)
	do(t, c, supA, "reject", map[string]any{"id": pending, "reason": "合同未履行"}, errcode.OK)
	after, _ := receivable.GetCreditLine(c.View(), core)
	tr := get(t, c, pending).Trade
	_, invErr := receivable.GetInvoice(c.View(), tr.InvoiceSeller, tr.InvoiceNo)
	if r := get(t, c, pending); r.Status != receivable.StatusRejected || after.OutstandingFen != before.OutstandingFen-100*wan || errcode.Of(invErr) != errcode.NotFound {
		t.Fatalf("rejected root %+v, credit %+v, invoice %v", r, after, invErr)
	}
	// An accepted invoice stays registered when a later root it backs is
	// withdrawn.
	m := get(t, c, act).MaturityDate
	first := str(testchain.Result(t, do(t, c, core, "issue", issueOf(supB, 1, m, tradeOf("ACC", 2)), errcode.OK)), "id")
	do(t, c, supB, "accept", idBody(first), errcode.OK)
	second := str(testchain.Result(t, do(t, c, core, "issue", issueOf(supB, 1, m, tradeOf("ACC", 2)), errcode.OK)), "id")
	do(t, c, core, "cancel", idBody(second), errcode.OK)
	if inv, err := receivable.GetInvoice(c.View(), supB, "ACC"); err != nil || !inv.SellerAccepted || inv.UsedFen != 1 {
		t.Fatalf("accepted invoice after a cancelled root: %+v %v", inv, err)
	}
	do(t, c, supA, "accept", idBody(pending), conflict)
	do(t, c, reg, "freeze", map[string]any{"id": pending, "reason": "x"}, conflict)
	// The invoice can back a new root again.
	r2 := f.issue(supA, 100*wan, 60)
	do(t, c, core, "cancel", idBody(r2), errcode.OK)
	if r := get(t, c, r2); r.Status != receivable.StatusCancelled {
		t.Fatalf("cancelled root %+v", r)
	}
	do(t, c, supA, "accept", idBody(r2), conflict)
	do(t, c, core, "cancel", idBody(r2), conflict)
	// A rejected or cancelled part goes back to its splitter, active.
	do(t, c, supC, "reject", idBody(toC), errcode.OK)
	if r := get(t, c, toC); r.Status != receivable.StatusActive || r.Holder != supB || r.PendingHolder != "" {
		t.Fatalf("rejected part %+v", r)
	}
	again := f.split(supB, toC, part{supA, 1})
	do(t, c, supB, "cancel", idBody(again[0]), errcode.OK)
	if r := get(t, c, again[0]); r.Status != receivable.StatusActive || r.Holder != supB {
		t.Fatalf("cancelled part %+v", r)
	}
	// Acceptance after maturity is allowed and the part is then overdue.
	late := f.split(supB, again[1], part{supA, 5})
	setDate(t, c, addDays(get(t, c, late[0]).MaturityDate, 1))
	do(t, c, supA, "accept", idBody(late[0]), errcode.OK)
	if r := get(t, c, late[0]); r.Status != receivable.StatusOverdue || r.Holder != supA {
		t.Fatalf("accepted after maturity %+v", r)
	}
	checkInvariants(t, c)
}

func TestConfirmRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	pending := f.issue(supA, 100*wan, 60)
	act := f.active(supB, 100*wan, 60)
	split := f.active(supC, 100*wan, 60)
	kids := f.split(supC, split, part{supA, 10 * wan})
	fin := f.active(supA, 100*wan, 60)
	f.requested(supA, fin, bankA)
	ask := func(id, bank string) map[string]any { return map[string]any{"id": id, "bank": bank} }
	refusals(t, c, "request_confirmation", []vcase{
		{"id missing", supB, map[string]any{"bank": bankA}, mal},
		{"bank missing", supB, idBody(act), mal},
		{"bank not an id", supB, ask(act, "Bank A"), mal},
		{"unknown field", supB, with(ask(act, bankA), "note", "x"), mal},
		{"unknown", supB, ask(bogusID, bankA), notFound},
		{"a part", supA, ask(kids[0], bankA), ruleV},
		{"by another supplier", supA, ask(act, bankA), unauth},
		{"by another core enterprise", core2, ask(act, bankA), unauth},
		{"by a bank", bankA, ask(act, bankA), unauth},
		{"pending root, by its receiver", supA, ask(pending, bankA), unauth},
		{"pending root, by its obligor", core, ask(pending, bankA), conflict},
		{"split root", supC, ask(split, bankA), conflict},
		{"under financing review", supA, ask(fin, bankB), conflict},
		{"bank unknown", supB, ask(act, "nobody"), notFound},
		{"bank not a bank", supB, ask(act, supC), ruleV},
		{"bank is the holder", supB, ask(act, supB), ruleV},
	})
	refusals(t, c, "confirm", []vcase{
		{"id missing", bankA, map[string]any{}, mal},
		{"unknown", bankA, idBody(bogusID), notFound},
		{"a part", bankA, idBody(kids[1]), ruleV},
		{"pending root", bankA, idBody(pending), conflict},
		{"split root", bankA, idBody(split), conflict},
		{"not asked", bankA, idBody(act), conflict},
	})
	refusals(t, c, "withdraw_confirmation", []vcase{{"nothing to withdraw", supB, idBody(act), conflict}})
	refusals(t, c, "decline_confirmation", []vcase{{"nothing to decline", bankA, idBody(act), conflict}})

	// The holder asks bank-a; only bank-a decides, and a second request
	// waits for the first to end.
	res := do(t, c, supB, "request_confirmation", ask(act, bankA), errcode.OK)
	if !testchain.HasEvent(res, "receivable.confirmation_requested", "id", act, "by", supB, "bank", bankA) {
		t.Fatalf("request event %v", res.Events)
	}
	if r := get(t, c, act); r.ConfirmationBank != bankA || r.ConfirmationSeq != r.LogLen {
		t.Fatalf("asked %+v", r)
	}
	refusals(t, c, "request_confirmation", []vcase{{"twice", core, ask(act, bankB), conflict}})
	refusals(t, c, "confirm", []vcase{
		{"by another bank", bankB, idBody(act), unauth},
		{"by the holder", supB, idBody(act), unauth},
	})
	refusals(t, c, "decline_confirmation", []vcase{{"by another bank", bankB, idBody(act), unauth}})
	refusals(t, c, "withdraw_confirmation", []vcase{
		{"by the obligor, who did not ask", core, idBody(act), unauth},
		{"by the bank", bankA, idBody(act), unauth},
	})
	v, err := receivable.Confirmations(c.View(), bankA, today(c))
	if err != nil || len(v.Requests) != 1 || v.Requests[0].ID != act || v.Requests[0].RequestedBy.Org != supB {
		t.Fatalf("bank-a's requests %+v %v", v, err)
	}
	// Withdrawn, asked again by the obligor, declined, asked again, confirmed.
	do(t, c, supB, "withdraw_confirmation", idBody(act), errcode.OK)
	do(t, c, bankA, "confirm", idBody(act), conflict)
	do(t, c, core, "request_confirmation", ask(act, bankB), errcode.OK)
	do(t, c, bankB, "decline_confirmation", map[string]any{"id": act, "reason": "额度不足"}, errcode.OK)
	if v, _ := receivable.Confirmations(c.View(), bankB, today(c)); len(v.Requests) != 0 {
		t.Fatalf("a declined request is still listed: %+v", v)
	}
	do(t, c, core, "request_confirmation", ask(act, bankA), errcode.OK)
	do(t, c, bankA, "confirm", idBody(act), errcode.OK)
	refusals(t, c, "confirm", []vcase{{"twice", bankA, idBody(act), conflict}})
	refusals(t, c, "request_confirmation", []vcase{{"confirmed", supB, ask(act, bankB), conflict}})
	kinds := []string{}
	log, _ := receivable.Log(c.View(), act)
	for _, e := range log {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, " "); got != "issued accepted confirmation_requested confirmation_withdrawn confirmation_requested confirmation_declined confirmation_requested confirmed" {
		t.Fatalf("log %s", got)
	}
	// Parts carry the confirmation.
	p := f.split(supB, act, part{supC, 1})
	if get(t, c, p[0]).ConfirmingBank != bankA || get(t, c, p[1]).ConfirmingBank != bankA {
		t.Fatal("parts do not carry the confirming bank")
	}
	// A split ends a standing request.
	lapse := f.confirmationAsked(supA, bankB)
	f.split(supA, lapse, part{supB, 1})
	if r := get(t, c, lapse); r.ConfirmationBank != "" {
		t.Fatalf("split with a standing request %+v", r)
	}
	if v, _ := receivable.Confirmations(c.View(), bankB, today(c)); len(v.Requests) != 0 {
		t.Fatalf("a lapsed request is still listed: %+v", v)
	}
	// Not after maturity; the request can still be declined.
	late := f.confirmationAsked(supA, bankB)
	setDate(t, c, addDays(get(t, c, late).MaturityDate, 1))
	do(t, c, bankB, "confirm", idBody(late), conflict)
	do(t, c, bankB, "decline_confirmation", idBody(late), errcode.OK)
	checkInvariants(t, c)
}

func TestSplitRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	const face = 100 * wan
	act := f.active(supA, face, 60)
	pending := f.issue(supA, face, 60)
	fin := f.active(supA, face, 60)
	f.requested(supA, fin, bankA)
	financed := f.active(supA, face, 60)
	f.requested(supA, financed, bankA)
	do(t, c, bankA, "approve_financing", idBody(financed), errcode.OK)
	frozen := f.active(supA, face, 60)
	f.freeze(frozen)
	parent := f.active(supA, face, 60)
	under := f.split(supA, parent, part{supB, 10 * wan})
	do(t, c, supB, "accept", idBody(under[0]), errcode.OK)
	f.freeze(parent)
	settledLeaf := f.active(supA, 100, 1)
	many := make([]part, 51)
	for i := range many {
		many[i] = part{supB, 1}
	}
	refusals(t, c, "split_transfer", []vcase{
		{"id missing", supA, map[string]any{"parts": []part{{supB, 1}}}, mal},
		{"parts missing", supA, map[string]any{"id": act}, mal},
		{"no parts", supA, splitOf(act), mal},
		{"51 parts", supA, splitOf(act, many...), mal},
		{"part to missing", supA, map[string]any{"id": act, "parts": []map[string]any{{"amount_fen": 1}}}, mal},
		{"part amount zero", supA, splitOf(act, part{supB, 0}), mal},
		{"part amount negative", supA, splitOf(act, part{supB, -1}), mal},
		{"part amount above MaxFen", supA, splitOf(act, part{supB, receivable.MaxFen + 1}), mal},
		{"part unknown field", supA, map[string]any{"id": act, "parts": []map[string]any{{"to": supB, "amount_fen": 1, "memo": "x"}}}, mal},
		{"unknown", supA, splitOf(bogusID, part{supB, 1}), notFound},
		{"by another supplier", supB, splitOf(act, part{supC, 1}), unauth},
		{"by the obligor", core, splitOf(act, part{supB, 1}), unauth},
		{"by a bank that does not hold it", bankA, splitOf(act, part{supB, 1}), unauth},
		{"pending root by its receiver", supA, splitOf(pending, part{supB, 1}), unauth},
		{"under financing review", supA, splitOf(fin, part{supB, 1}), conflict},
		{"financed, by the bank", bankA, splitOf(financed, part{supB, 1}), conflict},
		{"split parent", supA, splitOf(parent, part{supB, 1}), conflict},
		{"frozen", supA, splitOf(frozen, part{supB, 1}), conflict},
		{"under a frozen parent", supB, splitOf(under[0], part{supC, 1}), conflict},
		{"remainder under a frozen parent", supA, splitOf(under[1], part{supC, 1}), conflict},
		{"to the obligor", supA, splitOf(act, part{core, 1}), ruleV},
		{"to the regulator", supA, splitOf(act, part{reg, 1}), ruleV},
		{"to unknown", supA, splitOf(act, part{supB, 1}, part{"nobody", 1}), notFound},
		{"parts above face", supA, splitOf(act, part{supB, face / 2}, part{supC, face/2 + 1}), ruleV},
		{"one part above face", supA, splitOf(act, part{supB, face + 1}), ruleV},
	})
	// Exactly the face: no remainder; a part to itself is kept at once.
	kids := f.split(supA, act, part{supB, face / 2}, part{supA, face / 4}, part{bankB, face / 4})
	if len(kids) != 3 {
		t.Fatalf("children %v", kids)
	}
	if r := get(t, c, kids[1]); r.Status != receivable.StatusActive || r.Holder != supA {
		t.Fatalf("kept part %+v", r)
	}
	if r := get(t, c, kids[2]); r.Status != receivable.StatusPendingAcceptance || r.PendingHolder != bankB {
		t.Fatalf("part to a bank %+v", r)
	}
	// A bank that accepts a part (bought outright) may split it on.
	do(t, c, bankB, "accept", idBody(kids[2]), errcode.OK)
	f.split(bankB, kids[2], part{supC, 1})
	// 50 parts.
	fifty := make([]part, 50)
	for i := range fifty {
		fifty[i] = part{[]string{supB, supC, bankA}[i%3], 1 + int64(i)}
	}
	if got := f.split(supA, kids[1], fifty...); len(got) != 51 {
		t.Fatalf("50 parts and a remainder: %d children", len(got))
	}
	// Not from the maturity date on.
	setDate(t, c, get(t, c, settledLeaf).MaturityDate)
	do(t, c, supA, "split_transfer", splitOf(settledLeaf, part{supB, 1}), ruleV)
	do(t, c, core, "settle", settleOf(settledLeaf, 100), errcode.OK)
	do(t, c, supA, "split_transfer", splitOf(settledLeaf, part{supB, 1}), conflict)
	checkInvariants(t, c)
}

func TestFinancingRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	const face = 100 * wan
	act := f.active(supA, face, 90)
	pending := f.issue(supA, face, 60)
	frozen := f.active(supA, face, 60)
	f.freeze(frozen)
	base := financeOf(act, bankA, 400, 100*yuan, true)
	refusals(t, c, "request_financing", []vcase{
		{"id missing", supA, with(base, "id", nil), mal},
		{"bank missing", supA, with(base, "bank", nil), mal},
		{"rate missing", supA, with(base, "rate_bp", nil), mal},
		{"rate negative", supA, with(base, "rate_bp", -1), mal},
		{"rate above 100%", supA, with(base, "rate_bp", 10001), mal},
		{"rate a fraction", supA, with(base, "rate_bp", 3.85), mal},
		{"fee missing", supA, with(base, "fee_fen", nil), mal},
		{"fee negative", supA, with(base, "fee_fen", -1), mal},
		{"recourse missing", supA, with(base, "recourse", nil), mal},
		{"recourse a string", supA, with(base, "recourse", "yes"), mal},
		{"unknown", supA, with(base, "id", bogusID), notFound},
		{"by another supplier", supB, base, unauth},
		{"by the bank", bankA, base, unauth},
		{"pending root", supA, with(base, "id", pending), unauth},
		{"frozen", supA, with(base, "id", frozen), conflict},
		{"bank unknown", supA, with(base, "bank", "nobody"), notFound},
		{"bank not a bank", supA, with(base, "bank", supB), ruleV},
		{"fee eats the advance", supA, with(base, "fee_fen", face), ruleV},
		{"discount and fee eat the advance", supA, with(base, "rate_bp", 10000, "fee_fen", face-face*90/360), ruleV},
	})
	do(t, c, supA, "request_financing", base, errcode.OK)
	refusals(t, c, "request_financing", []vcase{
		{"twice", supA, with(base, "bank", bankB), conflict},
	})
	refusals(t, c, "split_transfer", []vcase{{"under review", supA, splitOf(act, part{supB, 1}), conflict}})
	refusals(t, c, "approve_financing", []vcase{
		{"id missing", bankA, map[string]any{}, mal},
		{"unknown", bankA, idBody(bogusID), notFound},
		{"not requested", bankA, idBody(frozen), conflict},
		{"by another bank", bankB, idBody(act), unauth},
		{"by the holder", supA, idBody(act), unauth},
	})
	refusals(t, c, "decline_financing", []vcase{
		{"unknown", bankA, idBody(bogusID), notFound},
		{"not requested", bankA, idBody(frozen), conflict},
		{"by another bank", bankB, idBody(act), unauth},
	})
	do(t, c, bankA, "decline_financing", idBody(act), errcode.OK)
	if r := get(t, c, act); r.Status != receivable.StatusActive || r.FinancingBank != "" || r.Holder != supA {
		t.Fatalf("declined %+v", r)
	}
	do(t, c, bankA, "approve_financing", idBody(act), conflict)
	// Ask the other bank; the regulator freezes it meanwhile.
	do(t, c, supA, "request_financing", with(base, "bank", bankB, "recourse", false), errcode.OK)
	f.freeze(act)
	do(t, c, bankB, "approve_financing", idBody(act), conflict)
	do(t, c, reg, "unfreeze", map[string]any{"id": act, "reason": "ok"}, errcode.OK)
	// A day later the discount runs one day less.
	setDate(t, c, addDays(today(c), 1))
	res := do(t, c, bankB, "approve_financing", idBody(act), errcode.OK)
	r := get(t, c, act)
	days, _ := receivable.DaysBetween(today(c), r.MaturityDate) // the approval's block had the same date
	q := testchain.Result(t, res)
	wantDisc := face * 400 * days / 3_600_000
	if q["days"] != float64(days) || q["discount_fen"] != float64(wantDisc) || q["advance_fen"] != float64(face-wantDisc-100*yuan) {
		t.Fatalf("approval %v, want %d days discount %d", q, days, wantDisc)
	}
	if r.Holder != bankB || !r.Financed {
		t.Fatalf("financed %+v", r)
	}
	refusals(t, c, "request_financing", []vcase{{"financed, by the bank", bankB, with(base, "bank", bankA), conflict}})
	// Not from the maturity date on; a pending request can only be declined then.
	late := f.active(supA, face, 3)
	f.requested(supA, late, bankA)
	other := f.active(supA, face, 3)
	setDate(t, c, get(t, c, late).MaturityDate)
	do(t, c, bankA, "approve_financing", idBody(late), ruleV)
	do(t, c, supA, "request_financing", with(base, "id", other), ruleV)
	do(t, c, bankA, "decline_financing", idBody(late), errcode.OK)
	checkInvariants(t, c)
}

func TestSettleRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	const face = 100 * wan
	act := f.active(supA, face, 10)
	pending := f.issue(supA, face, 10)
	parent := f.active(supB, face, 10)
	kids := f.split(supB, parent, part{supC, 10 * wan})
	fin := f.active(supA, face, 10)
	f.requested(supA, fin, bankA)
	frozen := f.active(supC, face, 10)
	f.freeze(frozen)
	cancelled := f.issue(supA, face, 10)
	do(t, c, core, "cancel", idBody(cancelled), errcode.OK)
	maturity := get(t, c, act).MaturityDate
	refusals(t, c, "settle", []vcase{{"before maturity", core, settleOf(act, face), ruleV}})
	setDate(t, c, maturity)
	refusals(t, c, "settle", []vcase{
		{"id missing", core, map[string]any{"amount_fen": 1}, mal},
		{"amount missing", core, map[string]any{"id": act}, mal},
		{"amount zero", core, settleOf(act, 0), mal},
		{"amount negative", core, settleOf(act, -1), mal},
		{"amount above MaxFen", core, settleOf(act, receivable.MaxFen+1), mal},
		{"unknown", core, settleOf(bogusID, 1), notFound},
		{"by the holder", supA, settleOf(act, 1), unauth},
		{"by a bank", bankA, settleOf(act, 1), unauth},
		{"pending acceptance", core, settleOf(pending, 1), conflict},
		{"pending part", core, settleOf(kids[0], 1), conflict},
		{"split parent", core, settleOf(parent, face), conflict},
		{"under financing review", core, settleOf(fin, 1), conflict},
		{"frozen", core, settleOf(frozen, 1), conflict},
		{"cancelled", core, settleOf(cancelled, 1), conflict},
		{"more than the face", core, settleOf(act, face+1), ruleV},
	})
	// Partial payments on the maturity date keep it active; the next day
	// the unpaid rest is overdue, stored by the next payment.
	do(t, c, core, "settle", settleOf(act, 30*wan), errcode.OK)
	if r := get(t, c, act); r.Status != receivable.StatusActive || r.SettledFen != 30*wan {
		t.Fatalf("partly paid on the maturity date %+v", r)
	}
	setDate(t, c, addDays(maturity, 1))
	if r := get(t, c, act); r.Status != receivable.StatusActive || receivable.EffectiveStatus(r, today(c)) != receivable.StatusOverdue {
		t.Fatalf("derived overdue %+v", r)
	}
	ov, _ := receivable.RegulatorOverview(c.View(), today(c))
	if !containsID(ov.Overdue, act) || !containsID(ov.Overdue, kids[1]) {
		t.Fatalf("overview overdue %+v", ov.Overdue)
	}
	do(t, c, core, "settle", settleOf(act, 30*wan), errcode.OK)
	if r := get(t, c, act); r.Status != receivable.StatusOverdue || r.SettledFen != 60*wan {
		t.Fatalf("stored overdue %+v", r)
	}
	refusals(t, c, "settle", []vcase{{"more than what is left", core, settleOf(act, 40*wan+1), ruleV}})
	do(t, c, core, "settle", settleOf(act, 40*wan), errcode.OK)
	if r := get(t, c, act); r.Status != receivable.StatusSettled || r.SettledFen != face {
		t.Fatalf("settled %+v", r)
	}
	refusals(t, c, "settle", []vcase{{"settled", core, settleOf(act, 1), conflict}})
	// The receiver of a pending part accepts after maturity; then it is paid.
	do(t, c, supC, "accept", idBody(kids[0]), errcode.OK)
	do(t, c, core, "settle", settleOf(kids[0], 10*wan), errcode.OK)
	ob, _ := receivable.ObligorOutstanding(c.View(), core, today(c))
	if ob.OutstandingFen != ob.OpenFen || len(ob.Overdue) == 0 {
		t.Fatalf("obligor %+v", ob)
	}
	checkInvariants(t, c)
}

func containsID(list []receivable.Holding, id string) bool {
	for _, h := range list {
		if h.ID == id {
			return true
		}
	}
	return false
}

func TestFreezeRules(t *testing.T) {
	f := newFx(t)
	c := f.c
	act := f.active(supA, 100*wan, 10)
	settled := f.active(supA, 100, 1)
	base := map[string]any{"id": act, "reason": "涉嫌重复融资"}
	refusals(t, c, "freeze", []vcase{
		{"id missing", reg, with(base, "id", nil), mal},
		{"reason missing", reg, with(base, "reason", nil), mal},
		{"reason blank", reg, with(base, "reason", "  "), mal},
		{"reason 501 characters", reg, with(base, "reason", strings.Repeat("冻", 501)), mal},
		{"unknown", reg, with(base, "id", bogusID), notFound},
		{"by a bank", bankA, base, unauth},
		{"by the obligor", core, base, unauth},
		{"by the holder", supA, base, unauth},
	})
	refusals(t, c, "unfreeze", []vcase{
		{"not frozen", reg, base, conflict},
		{"by a bank", bankA, base, unauth},
	})
	refusals(t, c, "unfreeze_by_decision", []vcase{
		{"proposal missing", supA, map[string]any{"id": act}, mal},
		{"proposal zero", supA, map[string]any{"id": act, "proposal_id": 0}, mal},
		{"proposal negative", supA, map[string]any{"id": act, "proposal_id": -1}, mal},
		{"not frozen", supA, map[string]any{"id": act, "proposal_id": 1}, conflict},
	})
	res := do(t, c, reg, "freeze", base, errcode.OK)
	frozenAt := c.Height
	if !testchain.HasEvent(res, "receivable.frozen", "id", act, "reason", "涉嫌重复融资") {
		t.Fatalf("no freeze event %v", res.Events)
	}
	refusals(t, c, "freeze", []vcase{
		{"twice", reg, base, conflict},
		{"by another regulator", reg2, base, conflict},
	})
	refusals(t, c, "unfreeze", []vcase{{"by another regulator", reg2, base, unauth}})
	if r := get(t, c, act); !r.Frozen || r.FrozenNodes != 1 || r.FrozenBy != reg || r.FrozenAt != frozenAt {
		t.Fatalf("frozen root %+v", r)
	}
	do(t, c, reg, "unfreeze", with(base, "reason", "解除"), errcode.OK)
	if r := get(t, c, act); r.Frozen || r.FrozenNodes != 0 || r.FreezeReason != "" {
		t.Fatalf("unfrozen root %+v", r)
	}
	// A freeze of a part is counted on its root; unfreezing an ancestor
	// does not lift a part's own freeze.
	kids := f.split(supA, act, part{supB, 10 * wan})
	f.freeze(kids[1])
	f.freeze(act)
	if r := get(t, c, act); r.FrozenNodes != 2 {
		t.Fatalf("root counts %d frozen nodes", r.FrozenNodes)
	}
	refusals(t, c, "unfreeze", []vcase{{"locked only by its parent", reg, map[string]any{"id": kids[0], "reason": "x"}, conflict}})
	do(t, c, reg, "unfreeze", map[string]any{"id": act, "reason": "x"}, errcode.OK)
	do(t, c, supA, "split_transfer", splitOf(kids[1], part{supC, 1}), conflict)
	do(t, c, supB, "accept", idBody(kids[0]), errcode.OK)
	// Settled receivables cannot be frozen.
	setDate(t, c, get(t, c, settled).MaturityDate)
	do(t, c, core, "settle", settleOf(settled, 100), errcode.OK)
	refusals(t, c, "freeze", []vcase{{"settled", reg, map[string]any{"id": settled, "reason": "x"}, conflict}})
	checkInvariants(t, c)
}
