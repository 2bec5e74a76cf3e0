package receivable_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/tx"
)

// TestStory runs the whole flow of a receivable: a core enterprise issues
// 1,000,000.00 yuan to supplier A, which accepts and asks a bank to
// confirm it, which it does; A
// pays 300,000.00 to supplier B, carves out 200,000.00 that bank A buys the
// same day, and keeps the rest; B pays part of its share on to supplier C;
// the regulator freezes B's branch for a while; at maturity the core
// enterprise pays every holder. The state's invariants are checked after
// every step.
func TestStory(t *testing.T) {
	c := newChain(t)
	step := func(what string) {
		t.Helper()
		checkInvariants(t, c)
		t.Logf("ok: %s", what)
	}

	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 5_000_000 * yuan}, errcode.OK)
	step("bank A grants the core enterprise a 5,000,000.00 yuan line")

	// Issue.
	const face = 1_000_000 * yuan
	maturity := "2026-07-01"
	trade := tradeOf("044001900111-12345678", 1_130_000*yuan)
	raw := c.Sign(admin(c, core), "receivable", "issue", issueOf(supA, face, maturity, trade))
	res, _ := c.Block(raw)
	testchain.WantCode(t, "issue", res[0], errcode.OK)
	root := expectedID(c.Time, core, raw, 0)
	if r := testchain.Result(t, res[0]); str(r, "id") != root || str(r, "status") != receivable.StatusPendingAcceptance {
		t.Fatalf("issue answered %v, want id %s", r, root)
	}
	if !testchain.HasEvent(res[0], "receivable.issued", "id", root, "obligor", core, "to", supA, "face_fen", "100000000", "maturity_date", maturity) {
		t.Fatalf("no issued event: %v", res[0].Events)
	}
	r := get(t, c, root)
	txh := tx.Hash(raw)
	if r.Holder != core || r.PendingHolder != supA || r.IssueDate != "2026-01-01" || r.MaturityDate != maturity || r.FaceFen != face ||
		r.TxHash != strings.ToUpper(strings.TrimSpace(hexUpper(txh[:]))) || r.Trade == nil || r.Trade.InvoiceNo != "044001900111-12345678" || r.Trade.InvoiceSeller != supA {
		t.Fatalf("issued record %+v", r)
	}
	if cl, _ := receivable.GetCreditLine(c.View(), core); cl.OutstandingFen != face {
		t.Fatalf("outstanding after issue: %+v", cl)
	}
	if inv, _ := receivable.GetInvoice(c.View(), supA, "044001900111-12345678"); inv.Seller != supA || inv.Buyer != core || inv.UsedFen != face || inv.FirstUse != root || inv.SellerAccepted {
		t.Fatalf("invoice %+v", inv)
	}
	step("issued " + root)

	do(t, c, supA, "accept", idBody(root), errcode.OK)
	if inv, _ := receivable.GetInvoice(c.View(), supA, "044001900111-12345678"); !inv.SellerAccepted {
		t.Fatalf("invoice after the seller accepted %+v", inv)
	}
	step("supplier A accepts")
	do(t, c, bankA, "confirm", idBody(root), errcode.Conflict)
	do(t, c, supA, "request_confirmation", map[string]any{"id": root, "bank": bankB}, errcode.OK)
	do(t, c, bankA, "confirm", idBody(root), errcode.Unauthorized)
	do(t, c, bankB, "confirm", idBody(root), errcode.OK)
	do(t, c, bankB, "confirm", idBody(root), errcode.Conflict)
	step("A asks bank B to confirm (保兑); bank B confirms, once")

	// Split: 300,000.00 to B, 200,000.00 kept to finance, the rest kept.
	raw = c.Sign(admin(c, supA), "receivable", "split_transfer", splitOf(root, part{supB, 300_000 * yuan}, part{supA, 200_000 * yuan}))
	res, _ = c.Block(raw)
	testchain.WantCode(t, "split", res[0], errcode.OK)
	kids := children(t, res[0])
	if len(kids) != 3 {
		t.Fatalf("split into %v", kids)
	}
	for i, id := range kids {
		if want := expectedID(c.Time, supA, raw, i+1); id != want {
			t.Fatalf("child %d id %s, want %s", i, id, want)
		}
	}
	toB, toFinance, restA := kids[0], kids[1], kids[2]
	if k := get(t, c, toB); k.Status != receivable.StatusPendingAcceptance || k.Holder != supA || k.PendingHolder != supB || k.ConfirmingBank != bankB || k.MaturityDate != maturity {
		t.Fatalf("part for B: %+v", k)
	}
	if k := get(t, c, toFinance); k.Status != receivable.StatusActive || k.Holder != supA || k.FaceFen != 200_000*yuan {
		t.Fatalf("kept part: %+v", k)
	}
	if k := get(t, c, restA); k.Status != receivable.StatusActive || k.Holder != supA || k.FaceFen != 500_000*yuan {
		t.Fatalf("remainder: %+v", k)
	}
	if p := get(t, c, root); p.Status != receivable.StatusSplit || len(p.Children) != 3 {
		t.Fatalf("parent after split: %+v", p)
	}
	do(t, c, supA, "split_transfer", splitOf(root, part{supC, 1}), errcode.Conflict)
	step("A splits: 300,000.00 to B, 200,000.00 kept, 500,000.00 remainder")

	do(t, c, supB, "accept", idBody(toB), errcode.OK)
	step("B accepts its 300,000.00")

	// Financing the same day: 3.65% a year for 181 days, 50.00 fee.
	res0 := do(t, c, supA, "request_financing", financeOf(toFinance, bankA, 365, 50*yuan, true), errcode.OK)
	// 20,000,000 * 365 * 181 / 3,600,000 = 367,027.77... -> 367,027 fen.
	const discount, fee, advance = 367_027, 5_000, 20_000_000 - 367_027 - 5_000
	if q := testchain.Result(t, res0); q["days"] != 181.0 || q["discount_fen"] != float64(discount) || q["advance_fen"] != float64(advance) {
		t.Fatalf("financing quote %v", q)
	}
	do(t, c, bankB, "approve_financing", idBody(toFinance), errcode.Unauthorized)
	res0 = do(t, c, bankA, "approve_financing", idBody(toFinance), errcode.OK)
	if q := testchain.Result(t, res0); q["discount_fen"] != float64(discount) || q["fee_fen"] != float64(fee) || q["advance_fen"] != 19_627_973.0 {
		t.Fatalf("financing approved %v", q)
	}
	if !testchain.HasEvent(res0, "receivable.financing_approved", "advance_fen", "19627973", "discount_fen", "367027", "recourse", "true") {
		t.Fatalf("no approval event: %v", res0.Events)
	}
	if k := get(t, c, toFinance); k.Holder != bankA || !k.Financed || k.Status != receivable.StatusActive {
		t.Fatalf("financed part: %+v", k)
	}
	book, err := receivable.FinancedBook(c.View(), bankA, today(c))
	if err != nil || len(book.Entries) != 1 || book.AdvanceFen != advance || book.DiscountFen != discount || book.FeeFen != fee ||
		book.RecourseFen != 200_000*yuan || book.Entries[0].Financing.ValueDate != "2026-01-01" {
		t.Fatalf("book %+v, %v", book, err)
	}
	do(t, c, bankA, "split_transfer", splitOf(toFinance, part{bankB, 1}), errcode.Conflict)
	do(t, c, bankA, "request_financing", financeOf(toFinance, bankB, 100, 0, false), errcode.Conflict)
	step("bank A finances 200,000.00: advance 196,279.73, discount 3,670.27, fee 50.00; the part is locked")

	// B pays 100,000.00 on to C.
	res0 = do(t, c, supB, "split_transfer", splitOf(toB, part{supC, 100_000 * yuan}), errcode.OK)
	bKids := children(t, res0)
	toC, restB := bKids[0], bKids[1]
	if k := get(t, c, restB); k.Holder != supB || k.FaceFen != 200_000*yuan || k.Status != receivable.StatusActive {
		t.Fatalf("B's remainder: %+v", k)
	}
	do(t, c, supC, "accept", idBody(toC), errcode.OK)
	step("B splits again: 100,000.00 to C, who accepts")

	// The regulator freezes B's branch: C's part is locked too.
	do(t, c, reg, "freeze", map[string]any{"id": toB, "reason": "涉嫌虚假贸易背景, 核查中"}, errcode.OK)
	res0 = do(t, c, supC, "split_transfer", splitOf(toC, part{supA, 1}), errcode.Conflict)
	if !strings.Contains(res0.Log, toB) {
		t.Fatalf("refusal does not name the frozen ancestor: %s", res0.Log)
	}
	do(t, c, supC, "request_financing", financeOf(toC, bankA, 300, 0, true), errcode.Conflict)
	do(t, c, supA, "split_transfer", splitOf(restA, part{supC, 1 * yuan}), errcode.OK) // A's branch is free
	lin, err := receivable.Lineage(c.View(), toC, today(c))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range lin.Nodes {
		underB := n.ID == toB || n.ParentID == toB
		if underB != (n.LockedBy == toB) {
			t.Fatalf("lineage node %s locked by %q", n.ID, n.LockedBy)
		}
	}
	ov, _ := receivable.RegulatorOverview(c.View(), today(c))
	if len(ov.Frozen) != 1 || ov.Frozen[0].ID != toB {
		t.Fatalf("overview frozen %+v", ov.Frozen)
	}
	do(t, c, reg, "unfreeze", map[string]any{"id": toB, "reason": "核查完毕"}, errcode.OK)
	step("freeze and unfreeze B's branch")

	// The 1.00 part to C that A just sent is rejected and comes back.
	restA2 := get(t, c, restA).Children
	do(t, c, supC, "reject", map[string]any{"id": restA2[0], "reason": "金额有误"}, errcode.OK)
	if k := get(t, c, restA2[0]); k.Holder != supA || k.Status != receivable.StatusActive {
		t.Fatalf("rejected part: %+v", k)
	}
	step("C rejects a 1.00 part; it goes back to A")

	// Maturity.
	setDate(t, c, "2026-06-30")
	do(t, c, core, "settle", settleOf(toC, 100_000*yuan), errcode.RuleViolation)
	setDate(t, c, maturity)
	do(t, c, supC, "split_transfer", splitOf(toC, part{supA, 1}), errcode.RuleViolation)
	do(t, c, reg, "freeze", map[string]any{"id": toC, "reason": "司法冻结"}, errcode.OK)
	do(t, c, core, "settle", settleOf(toC, 100_000*yuan), errcode.Conflict)
	do(t, c, reg, "unfreeze", map[string]any{"id": toC, "reason": "解除冻结"}, errcode.OK)
	step("nothing is paid before maturity or while frozen")

	lin, _ = receivable.Lineage(c.View(), root, today(c))
	var leaves []string
	for _, n := range lin.Nodes {
		if len(n.Children) == 0 {
			leaves = append(leaves, n.ID)
		}
	}
	if lin.Leaves != 5 || lin.LeafFaceFen != face || len(leaves) != 5 {
		t.Fatalf("lineage %+v", lin)
	}
	do(t, c, core, "settle", settleOf(root, face), errcode.Conflict) // the split parent
	for _, id := range leaves {
		k := get(t, c, id)
		if id == restA2[1] { // two payments
			half := k.FaceFen / 2
			res0 = do(t, c, core, "settle", settleOf(id, half), errcode.OK)
			if q := testchain.Result(t, res0); q["status"] != receivable.StatusActive || q["remaining_fen"] != float64(k.FaceFen-half) {
				t.Fatalf("partial settlement %v", q)
			}
			do(t, c, core, "settle", settleOf(id, k.FaceFen-half+1), errcode.RuleViolation)
			do(t, c, core, "settle", settleOf(id, k.FaceFen-half), errcode.OK)
		} else {
			do(t, c, core, "settle", settleOf(id, k.FaceFen), errcode.OK)
		}
		do(t, c, core, "settle", settleOf(id, 1), errcode.Conflict)
		step("settled " + id + " to " + k.Holder)
	}

	// Everything is paid, to the fen.
	v := c.View()
	lin, _ = receivable.Lineage(v, root, today(c))
	if lin.SettledFen != face {
		t.Fatalf("settled %d of %d", lin.SettledFen, face)
	}
	paid := map[string]int64{}
	for _, n := range lin.Nodes {
		if len(n.Children) == 0 {
			if n.Status != receivable.StatusSettled {
				t.Fatalf("leaf %s is %s", n.ID, n.Status)
			}
			paid[n.Holder] += n.SettledFen
		}
	}
	wantPaid := map[string]int64{supA: 500_000 * yuan, bankA: 200_000 * yuan, supB: 200_000 * yuan, supC: 100_000 * yuan}
	for org, want := range wantPaid {
		if paid[org] != want {
			t.Fatalf("%s was paid %d, want %d (all: %v)", org, paid[org], want, paid)
		}
		p, err := receivable.Portfolio(v, org, today(c))
		if err != nil || p.SettledFen != want || p.OpenFen != 0 {
			t.Fatalf("portfolio of %s: %+v %v", org, p, err)
		}
	}
	ob, err := receivable.ObligorOutstanding(v, core, today(c))
	if err != nil || ob.OutstandingFen != 0 || ob.OpenFen != 0 || len(ob.Roots) != 0 || ob.AvailableFen != 5_000_000*yuan || ob.Issued != 1 {
		t.Fatalf("obligor %+v %v", ob, err)
	}
	ov, _ = receivable.RegulatorOverview(v, addDays(maturity, 1))
	if ov.OpenFen != 0 || len(ov.Overdue) != 0 || len(ov.Frozen) != 0 || ov.Roots != 1 {
		t.Fatalf("overview %+v", ov)
	}
	book, _ = receivable.FinancedBook(v, bankA, today(c))
	if book.SettledFen != 200_000*yuan || book.Entries[0].Status != receivable.StatusSettled {
		t.Fatalf("book after settlement %+v", book)
	}
	// The whole log of the financed part.
	log, _ := receivable.Log(v, toFinance)
	var kinds []string
	for _, e := range log {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, ","); got != "kept,financing_requested,financing_approved,settled" {
		t.Fatalf("log of the financed part: %s", got)
	}
	b, _ := json.MarshalIndent(lin, "", "  ")
	t.Logf("lineage:\n%s", b)
}

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return string(out)
}
