package receivable

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
)

// quote computes the terms of financing r's whole face value on value
// date d (see Financing).
func quote(r *Receivable, bank, applicant string, rateBP int, feeFen int64, recourse bool, d string) (*Financing, error) {
	days, err := DaysBetween(d, r.MaturityDate)
	if err != nil {
		return nil, err
	}
	discount := Discount(r.FaceFen, rateBP, days)
	f := &Financing{
		Bank: bank, Applicant: applicant, AmountFen: r.FaceFen, RateBP: rateBP, FeeFen: feeFen, Recourse: recourse,
		ValueDate: d, MaturityDate: r.MaturityDate, Days: days, DiscountFen: discount,
		AdvanceFen: r.FaceFen - discount - feeFen,
	}
	if f.AdvanceFen <= 0 {
		return nil, rule("financing %s for %d days at %d bp with a fee of %s leaves no advance (discount %s)",
			yuan(r.FaceFen), days, rateBP, yuan(feeFen), yuan(discount))
	}
	return f, nil
}

func (Module) requestFinancing(ctx *module.Context, b *financingBody) error {
	r, err := loadValid(ctx, validateFinancing(b), b.ID)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	if err := heldBy(r, org, "finance"); err != nil {
		return err
	}
	if err := holdable(ctx, r, "financed"); err != nil {
		return err
	}
	if b.Bank == org {
		return rule("%s holds receivable %s and cannot finance it with itself", org, r.ID)
	}
	if err := counterparty(ctx.Store, "bank", b.Bank, bankRoles); err != nil {
		return err
	}
	f, err := quote(r, b.Bank, org, *b.RateBP, *b.FeeFen, *b.Recourse, today(ctx))
	if err != nil {
		return err
	}
	r.Status, r.FinancingBank = StatusFinancingPending, b.Bank
	if err := appendLog(ctx, r, &LogEntry{Kind: KindFinancingRequested, Financing: f}); err != nil {
		return err
	}
	r.FinancingSeq = r.LogLen
	if err := save(ctx, r); err != nil {
		return err
	}
	if err := ctx.Store.Set(finReqKey(b.Bank, r.ID), []byte(strconv.FormatUint(r.FinancingSeq, 10))); err != nil {
		return err
	}
	ctx.Emit("receivable.financing_requested", "id", r.ID, "holder", org, "bank", b.Bank, "amount_fen", fen(f.AmountFen),
		"rate_bp", strconv.Itoa(f.RateBP), "advance_fen", fen(f.AdvanceFen))
	return ctx.SetResult(financingResult{ID: r.ID, Status: r.Status, Seq: r.LogLen, Days: f.Days, DiscountFen: f.DiscountFen, FeeFen: f.FeeFen, AdvanceFen: f.AdvanceFen})
}

// pendingRequest loads a receivable waiting for the signer's decision on
// financing it, and the request.
func pendingRequest(ctx *module.Context, id, verb string) (*Receivable, *Financing, error) {
	r, err := load(ctx.Store, id)
	if err != nil {
		return nil, nil, err
	}
	if err := statusIs(r, verb, StatusFinancingPending); err != nil {
		return nil, nil, err
	}
	if r.FinancingBank != ctx.Signer.Org {
		return nil, nil, unauthorized("receivable %s asks %s for financing; only that bank may decide", r.ID, r.FinancingBank)
	}
	var e LogEntry
	ok, err := module.GetJSON(ctx.Store, logKey(r.ID, r.FinancingSeq), &e)
	if err != nil {
		return nil, nil, err
	}
	if !ok || e.Kind != KindFinancingRequested || e.Financing == nil {
		return nil, nil, fmt.Errorf("receivable %s: log entry %d is not its financing request", r.ID, r.FinancingSeq)
	}
	return r, e.Financing, nil
}

func (Module) approveFinancing(ctx *module.Context, b *idBody) error {
	if err := validateID(b); err != nil {
		return err
	}
	r, req, err := pendingRequest(ctx, b.ID, "financed")
	if err != nil {
		return err
	}
	if err := notFrozen(ctx.Store, r, "financed"); err != nil {
		return err
	}
	d := today(ctx)
	if d >= r.MaturityDate {
		return rule("receivable %s matures on %s; from that date (today is %s) it can no longer be financed", r.ID, r.MaturityDate, d)
	}
	// The value date is the approval's: the discount runs from today.
	f, err := quote(r, req.Bank, req.Applicant, req.RateBP, req.FeeFen, req.Recourse, d)
	if err != nil {
		return err
	}
	bank := ctx.Signer.Org
	if err := moveHolder(ctx, r, bank); err != nil {
		return err
	}
	r.Status, r.Financed = StatusActive, true
	if err := appendLog(ctx, r, &LogEntry{Kind: KindFinancingApproved, Financing: f}); err != nil {
		return err
	}
	r.FinancingSeq = r.LogLen
	if err := save(ctx, r); err != nil {
		return err
	}
	if err := ctx.Store.Delete(finReqKey(bank, r.ID)); err != nil {
		return err
	}
	if err := ctx.Store.Set(bookKey(bank, r.ID), []byte(strconv.FormatUint(r.FinancingSeq, 10))); err != nil {
		return err
	}
	ctx.Emit("receivable.financing_approved", "id", r.ID, "bank", bank, "applicant", f.Applicant, "amount_fen", fen(f.AmountFen),
		"discount_fen", fen(f.DiscountFen), "fee_fen", fen(f.FeeFen), "advance_fen", fen(f.AdvanceFen), "recourse", strconv.FormatBool(f.Recourse))
	return ctx.SetResult(financingResult{ID: r.ID, Status: r.Status, Seq: r.LogLen, Days: f.Days, DiscountFen: f.DiscountFen, FeeFen: f.FeeFen, AdvanceFen: f.AdvanceFen})
}

func (Module) declineFinancing(ctx *module.Context, b *idBody) error {
	if err := validateID(b); err != nil {
		return err
	}
	r, req, err := pendingRequest(ctx, b.ID, "declined")
	if err != nil {
		return err
	}
	bank := ctx.Signer.Org
	r.Status, r.FinancingBank, r.FinancingSeq = StatusActive, "", 0
	if err := appendLog(ctx, r, &LogEntry{Kind: KindFinancingDeclined, Financing: req}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	if err := ctx.Store.Delete(finReqKey(bank, r.ID)); err != nil {
		return err
	}
	ctx.Emit("receivable.financing_declined", "id", r.ID, "bank", bank, "holder", r.Holder)
	return ctx.SetResult(financingResult{ID: r.ID, Status: r.Status, Seq: r.LogLen})
}
