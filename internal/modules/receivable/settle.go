package receivable

import (
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

func (Module) settle(ctx *module.Context, b *settleBody) error {
	r, err := loadValid(ctx, validateSettle(b), b.ID)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	if r.Obligor != org {
		return unauthorized("receivable %s is owed by %s; only its obligor settles it", r.ID, r.Obligor)
	}
	if err := statusIs(r, "settled", StatusActive, StatusOverdue); err != nil {
		return err
	}
	if err := notFrozen(ctx.Store, r, "settled"); err != nil {
		return err
	}
	d := today(ctx)
	if d < r.MaturityDate {
		return rule("receivable %s matures on %s; it cannot be settled before (today is %s)", r.ID, r.MaturityDate, d)
	}
	if left := r.FaceFen - r.SettledFen; b.AmountFen > left {
		return rule("receivable %s has %s left to pay; %s is too much", r.ID, yuan(left), yuan(b.AmountFen))
	}
	cl, ok, err := getCredit(ctx.Store, r.Obligor)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("receivable %s: obligor %s has no credit line record", r.ID, r.Obligor)
	}
	cl.OutstandingFen -= b.AmountFen
	if err := module.PutJSON(ctx.Store, creditKey(r.Obligor), cl); err != nil {
		return err
	}
	r.SettledFen += b.AmountFen
	if r.SettledFen == r.FaceFen {
		r.Status = StatusSettled
	}
	s := &Settlement{Payer: org, Payee: r.Holder, AmountFen: b.AmountFen, SettledFen: r.SettledFen, RemainingFen: r.FaceFen - r.SettledFen, Date: d}
	if err := appendLog(ctx, r, &LogEntry{Kind: KindSettled, Settlement: s}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	ctx.Emit("receivable.settled", "id", r.ID, "obligor", org, "holder", r.Holder, "amount_fen", fen(b.AmountFen),
		"settled_fen", fen(r.SettledFen), "status", r.Status)
	return ctx.SetResult(settleResult{ID: r.ID, Status: r.Status, Seq: r.LogLen, SettledFen: r.SettledFen, RemainingFen: s.RemainingFen})
}

func (m Module) freeze(ctx *module.Context, b *reasonBody) error { return m.setFrozen(ctx, b, true) }

func (m Module) unfreeze(ctx *module.Context, b *reasonBody) error {
	return m.setFrozen(ctx, b, false)
}

// setFrozen sets or lifts the regulator's freeze of a receivable and
// keeps its root's count of frozen nodes.
func (Module) setFrozen(ctx *module.Context, b *reasonBody, frozen bool) error {
	if err := validateReason(b, true); err != nil {
		return err
	}
	r, err := load(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	kind := KindFrozen
	if frozen {
		switch r.Status {
		case StatusSettled, StatusCancelled, StatusRejected:
			return conflict("receivable %s is %s; there is nothing left to freeze", r.ID, r.Status)
		}
		if r.Frozen {
			return conflict("receivable %s is already frozen (%s)", r.ID, r.FreezeReason)
		}
	} else {
		kind = KindUnfrozen
		if !r.Frozen {
			return conflict("receivable %s is not frozen itself; a freeze of an ancestor is lifted on that ancestor", r.ID)
		}
	}
	root := r
	if !r.IsRoot() {
		if root, err = GetReceivable(ctx.Store, r.RootID); err != nil {
			return fmt.Errorf("root of %s: %w", r.ID, err)
		}
	}
	delta := 1
	r.Frozen, r.FreezeReason = frozen, b.Reason
	if !frozen {
		delta, r.FreezeReason = -1, ""
	}
	root.FrozenNodes += delta
	if err := appendLog(ctx, r, &LogEntry{Kind: kind, Reason: b.Reason}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	if root != r {
		if err := save(ctx, root); err != nil {
			return err
		}
	}
	ctx.Emit("receivable."+kind, "id", r.ID, "root", r.RootID, "regulator", ctx.Signer.Org, "reason", b.Reason)
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}
