package receivable

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
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

func (Module) freeze(ctx *module.Context, b *reasonBody) error {
	if err := validateReason(b, true); err != nil {
		return err
	}
	r, err := load(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	switch r.Status {
	case StatusSettled, StatusCancelled, StatusRejected:
		return conflict("receivable %s is %s; there is nothing left to freeze", r.ID, r.Status)
	}
	if r.Frozen {
		return conflict("receivable %s is already frozen by %s (%s)", r.ID, r.FrozenBy, r.FreezeReason)
	}
	r.Frozen, r.FreezeReason, r.FrozenBy, r.FrozenAt = true, b.Reason, ctx.Signer.Org, ctx.Height
	return setFrozen(ctx, r, &LogEntry{Kind: KindFrozen, Reason: b.Reason}, 1)
}

// unfreeze lifts a freeze the signer's organisation set: a regulator
// cannot undo another's freeze (a court may have ordered it). The
// consortium can, by a governance decision (unfreezeByDecision).
func (Module) unfreeze(ctx *module.Context, b *reasonBody) error {
	if err := validateReason(b, true); err != nil {
		return err
	}
	r, err := frozenItself(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if org := ctx.Signer.Org; r.FrozenBy != org {
		return unauthorized("receivable %s was frozen by %s; only %s lifts its own freeze, or the consortium by a decision: "+
			"a passed identity/propose of kind authorize_action naming receivable/unfreeze_by_decision and %s, carried out with unfreeze_by_decision",
			r.ID, r.FrozenBy, r.FrozenBy, r.ID)
	}
	return liftFreeze(ctx, r, &LogEntry{Kind: KindUnfrozen, Reason: b.Reason})
}

// unfreezeByDecision lifts a freeze as a passed governance proposal
// decided (ADR 0010), once; any member's admin key carries it out.
func (Module) unfreezeByDecision(ctx *module.Context, b *decisionBody) error {
	if err := validateDecision(b); err != nil {
		return err
	}
	r, err := frozenItself(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	d, err := module.Decision(ctx.Store, b.ProposalID, module.ActionRef{Module: Name, Action: receivableapi.UnfreezeByDecision.Name, Subject: r.ID})
	if err != nil {
		return err
	}
	if used, err := ctx.Store.Get(decisionKey(d.ID)); err != nil {
		return err
	} else if used != nil {
		return conflict("governance proposal %d was already carried out; a freeze set since needs a decision of its own", d.ID)
	}
	if d.Created < r.FrozenAt {
		return conflict("governance proposal %d was made at height %d, before %s's freeze of %s at height %d; it does not cover that freeze",
			d.ID, d.Created, r.FrozenBy, r.ID, r.FrozenAt)
	}
	if err := ctx.Store.Set(decisionKey(d.ID), []byte(r.ID)); err != nil {
		return err
	}
	reason := b.Reason
	if reason == "" {
		reason = d.Reason
	}
	return liftFreeze(ctx, r, &LogEntry{Kind: KindUnfrozen, Reason: reason, ProposalID: d.ID})
}

// frozenItself loads a receivable named in a body and requires its own
// freeze.
func frozenItself(kv Getter, id string) (*Receivable, error) {
	r, err := load(kv, id)
	if err != nil {
		return nil, err
	}
	if !r.Frozen {
		by, err := frozenBy(kv, r)
		if err != nil {
			return nil, err
		}
		if by == "" {
			return nil, conflict("receivable %s is not frozen: there is no freeze to lift", r.ID)
		}
		return nil, conflict("receivable %s is not frozen itself; a freeze of an ancestor is lifted on that ancestor", r.ID)
	}
	return r, nil
}

func liftFreeze(ctx *module.Context, r *Receivable, e *LogEntry) error {
	r.Frozen, r.FreezeReason, r.FrozenBy, r.FrozenAt = false, "", "", 0
	return setFrozen(ctx, r, e, -1)
}

// setFrozen records a freeze or its lifting (already set on r) in r's log
// and keeps its root's count of frozen nodes.
func setFrozen(ctx *module.Context, r *Receivable, e *LogEntry, delta int) error {
	root := r
	if !r.IsRoot() {
		var err error
		if root, err = GetReceivable(ctx.Store, r.RootID); err != nil {
			return fmt.Errorf("root of %s: %w", r.ID, err)
		}
	}
	root.FrozenNodes += delta
	if err := appendLog(ctx, r, e); err != nil {
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
	attrs := []string{"id", r.ID, "root", r.RootID, "by", ctx.Signer.Org, "reason", e.Reason}
	if e.ProposalID != 0 {
		attrs = append(attrs, "proposal_id", strconv.FormatUint(e.ProposalID, 10))
	}
	ctx.Emit("receivable."+e.Kind, attrs...)
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}
