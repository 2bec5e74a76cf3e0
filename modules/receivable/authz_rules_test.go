package receivable_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// Who may undo or claim what others did: a freeze, a confirmation, an
// invoice number.

// TestFreezeLiftedOnlyByItsSetter: a freeze (a court may have ordered it)
// is lifted by the regulator that set it, never by another.
func TestFreezeLiftedOnlyByItsSetter(t *testing.T) {
	f := newFx(t)
	c := f.c
	id := f.active(supA, 100*wan, 30)
	do(t, c, reg, "freeze", map[string]any{"id": id, "reason": "协助法院冻结"}, errcode.OK)
	before := testchain.Snapshot(t, c, "receivable/")
	res := do(t, c, reg2, "unfreeze", map[string]any{"id": id, "reason": "解除"}, errcode.Unauthorized)
	testchain.SameState(t, "another regulator's unfreeze", before, testchain.Snapshot(t, c, "receivable/"))
	logContains(t, res, reg, "unfreeze_by_decision")
	if r := get(t, c, id); !r.Frozen || r.FrozenBy != reg {
		t.Fatalf("after another regulator's attempt: %+v", r)
	}
	do(t, c, reg2, "freeze", map[string]any{"id": id, "reason": "x"}, errcode.Conflict)
	do(t, c, reg, "unfreeze", map[string]any{"id": id, "reason": "法院解除冻结"}, errcode.OK)
	if r := get(t, c, id); r.Frozen || r.FrozenBy != "" || r.FrozenAt != 0 {
		t.Fatalf("after its setter lifted it: %+v", r)
	}
	// Nothing is frozen now: lifting again says so, not that an ancestor
	// holds the freeze.
	res = do(t, c, reg, "unfreeze", map[string]any{"id": id, "reason": "再次解除"}, errcode.Conflict)
	logContains(t, res, "there is no freeze to lift")
	checkInvariants(t, c)
}

// TestConfirmationNeedsRequest: a bank confirms (保兑) only a root its
// holder or obligor asked it to confirm; no bank takes over another's.
func TestConfirmationNeedsRequest(t *testing.T) {
	f := newFx(t)
	c := f.c
	id := f.active(supA, 100*wan, 30)
	before := testchain.Snapshot(t, c, "receivable/")
	do(t, c, bankB, "confirm", idBody(id), errcode.Conflict)
	testchain.SameState(t, "unasked confirmation", before, testchain.Snapshot(t, c, "receivable/"))
	do(t, c, supA, "request_confirmation", map[string]any{"id": id, "bank": bankA}, errcode.OK)
	do(t, c, bankB, "confirm", idBody(id), errcode.Unauthorized)
	do(t, c, bankA, "confirm", idBody(id), errcode.OK)
	if r := get(t, c, id); r.ConfirmingBank != bankA || r.ConfirmationBank != "" {
		t.Fatalf("confirmed %+v", r)
	}
	checkInvariants(t, c)
}

// TestInvoiceNumbersScopedBySeller: invoice numbers are unique per issuer
// (the seller), so one organisation's use of a number does not block
// another seller's invoice of the same number, and a buyer cannot keep a
// seller's number its seller refused.
func TestInvoiceNumbersScopedBySeller(t *testing.T) {
	f := newFx(t)
	c := f.c
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core2, "limit_fen": fxLine}, errcode.OK)
	d := addDays(today(c), 30)
	do(t, c, core2, "issue", issueOf(supB, 100*wan, d, tradeOf("00000001", 100*wan)), errcode.OK)
	do(t, c, core, "issue", issueOf(supA, 100*wan, d, tradeOf("00000001", 100*wan)), errcode.OK)
	a, errA := receivable.GetInvoice(c.View(), supA, "00000001")
	b, errB := receivable.GetInvoice(c.View(), supB, "00000001")
	if errA != nil || errB != nil || a.Buyer != core || b.Buyer != core2 {
		t.Fatalf("invoices %+v (%v), %+v (%v)", a, errA, b, errB)
	}
	// core-2 names sup-c's invoice 00000002 first; sup-c refuses it, and
	// the number is free for the buyer it really belongs to.
	squat := str(testchain.Result(t, do(t, c, core2, "issue", issueOf(supC, 5*wan, d, tradeOf("00000002", 5*wan)), errcode.OK)), "id")
	do(t, c, core, "issue", issueOf(supC, 5*wan, d, tradeOf("00000002", 5*wan)), errcode.Conflict)
	do(t, c, supC, "reject", map[string]any{"id": squat, "reason": "不是我方开给贵司的发票"}, errcode.OK)
	if _, err := receivable.GetInvoice(c.View(), supC, "00000002"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("a refused registration stays: %v", err)
	}
	real := str(testchain.Result(t, do(t, c, core, "issue", issueOf(supC, 5*wan, d, tradeOf("00000002", 5*wan)), errcode.OK)), "id")
	do(t, c, supC, "accept", idBody(real), errcode.OK)
	// Once the seller accepted, the registration is fixed.
	do(t, c, core2, "issue", issueOf(supC, 1, d, tradeOf("00000002", 5*wan)), errcode.Conflict)
	if inv, _ := receivable.GetInvoice(c.View(), supC, "00000002"); !inv.SellerAccepted || inv.Buyer != core {
		t.Fatalf("accepted invoice %+v", inv)
	}
	checkInvariants(t, c)
}
