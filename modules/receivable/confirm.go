package receivable

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
)

// Confirmation (保兑): the holder or the obligor of an accepted root asks
// one bank to confirm it (request_confirmation); only that bank confirms
// it (confirm) or declines (decline_confirmation) while the request
// stands; its maker may withdraw it (withdraw_confirmation); a split of
// the root ends it (lapsed), since a confirmation is of a root that holds
// its whole value.

// confirmable refuses a root that cannot be confirmed now: a part, a root
// already confirmed, not active (pending, split, under financing review,
// settled...), or past its maturity date.
func confirmable(ctx *module.Context, r *Receivable, verb string) error {
	if !r.IsRoot() {
		return rule("receivable %s is a part of %s; a bank confirms the root, and its parts carry the confirmation", r.ID, r.RootID)
	}
	if r.ConfirmingBank != "" {
		return conflict("receivable %s was already confirmed by %s", r.ID, r.ConfirmingBank)
	}
	if err := statusIs(r, verb, StatusActive); err != nil {
		return err
	}
	if d := today(ctx); d > r.MaturityDate {
		return conflict("receivable %s is overdue (maturity %s, today %s) and cannot be %s", r.ID, r.MaturityDate, d, verb)
	}
	return nil
}

func (Module) requestConfirmation(ctx *module.Context, b *confirmBody) error {
	if err := validateConfirmation(b); err != nil {
		return err
	}
	r, err := load(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	if r.IsRoot() && org != r.Holder && org != r.Obligor {
		return unauthorized("receivable %s is held by %s and owed by %s; only they may ask a bank to confirm it", r.ID, r.Holder, r.Obligor)
	}
	if err := confirmable(ctx, r, "confirmed"); err != nil {
		return err
	}
	if r.ConfirmationBank != "" {
		return conflict("receivable %s already asks %s to confirm it (log entry %d); its maker withdraws that request first (withdraw_confirmation)", r.ID, r.ConfirmationBank, r.ConfirmationSeq)
	}
	if b.Bank == r.Holder || b.Bank == r.Obligor {
		return rule("bank: %s is a party to receivable %s (its holder or obligor); a confirming bank is a third party", b.Bank, r.ID)
	}
	if err := counterparty(ctx.Store, "bank", b.Bank, bankRoles); err != nil {
		return err
	}
	if err := appendLog(ctx, r, &LogEntry{Kind: KindConfirmationRequested, Bank: b.Bank}); err != nil {
		return err
	}
	r.ConfirmationBank, r.ConfirmationSeq = b.Bank, r.LogLen
	if err := save(ctx, r); err != nil {
		return err
	}
	if err := ctx.Store.Set(confReqKey(b.Bank, r.ID), []byte(strconv.FormatUint(r.ConfirmationSeq, 10))); err != nil {
		return err
	}
	ctx.Emit("receivable.confirmation_requested", "id", r.ID, "by", org, "bank", b.Bank)
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

// standingRequest loads a root with a standing confirmation request and
// the organisation that made it.
func standingRequest(ctx *module.Context, id, verb string) (*Receivable, string, error) {
	r, err := load(ctx.Store, id)
	if err != nil {
		return nil, "", err
	}
	if r.ConfirmationBank == "" {
		who := "its holder or obligor asks a bank first (request_confirmation)"
		if !r.IsRoot() {
			who = "a bank confirms the root, " + r.RootID
		}
		return nil, "", conflict("no confirmation request stands for receivable %s, so it cannot be %s: %s", r.ID, verb, who)
	}
	var e LogEntry
	ok, err := module.GetJSON(ctx.Store, logKey(r.ID, r.ConfirmationSeq), &e)
	if err != nil {
		return nil, "", err
	}
	if !ok || e.Kind != KindConfirmationRequested || e.Bank != r.ConfirmationBank {
		return nil, "", fmt.Errorf("receivable %s: log entry %d is not its confirmation request", r.ID, r.ConfirmationSeq)
	}
	return r, e.By.Org, nil
}

// endRequest closes r's standing confirmation request with a log entry
// of kind (the caller saves r).
func endRequest(ctx *module.Context, r *Receivable, kind, reason string) error {
	bank := r.ConfirmationBank
	if err := ctx.Store.Delete(confReqKey(bank, r.ID)); err != nil {
		return err
	}
	r.ConfirmationBank, r.ConfirmationSeq = "", 0
	if kind == KindConfirmed {
		r.ConfirmingBank = bank
	}
	if err := appendLog(ctx, r, &LogEntry{Kind: kind, Bank: bank, Reason: reason}); err != nil {
		return err
	}
	ctx.Emit("receivable."+kind, "id", r.ID, "bank", bank, "by", ctx.Signer.Org)
	return nil
}

func (Module) withdrawConfirmation(ctx *module.Context, b *idBody) error {
	if err := validateID(b); err != nil {
		return err
	}
	r, maker, err := standingRequest(ctx, b.ID, "withdrawn")
	if err != nil {
		return err
	}
	if maker != ctx.Signer.Org {
		return unauthorized("the confirmation request of receivable %s was made by %s; only it may withdraw it", r.ID, maker)
	}
	if err := endRequest(ctx, r, KindConfirmationWithdrawn, ""); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

func (Module) declineConfirmation(ctx *module.Context, b *reasonBody) error {
	if err := validateReason(b, false); err != nil {
		return err
	}
	r, _, err := standingRequest(ctx, b.ID, "declined")
	if err != nil {
		return err
	}
	if r.ConfirmationBank != ctx.Signer.Org {
		return unauthorized("receivable %s asks %s to confirm it; only that bank may decline", r.ID, r.ConfirmationBank)
	}
	if err := endRequest(ctx, r, KindConfirmationDeclined, b.Reason); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

func (Module) confirm(ctx *module.Context, b *idBody) error {
	if err := validateID(b); err != nil {
		return err
	}
	r, err := load(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if err := confirmable(ctx, r, "confirmed"); err != nil {
		return err
	}
	if r.ConfirmationBank == "" {
		return conflict("receivable %s has no standing confirmation request; its holder %s or obligor %s asks one bank first (request_confirmation), and only that bank confirms", r.ID, r.Holder, r.Obligor)
	}
	if r.ConfirmationBank != ctx.Signer.Org {
		return unauthorized("receivable %s asks %s to confirm it; only that bank may", r.ID, r.ConfirmationBank)
	}
	if err := endRequest(ctx, r, KindConfirmed, ""); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

// lapseRequest ends a root's standing confirmation request when it is
// split (the caller saves r).
func lapseRequest(ctx *module.Context, r *Receivable) error {
	if r.ConfirmationBank == "" {
		return nil
	}
	return endRequest(ctx, r, KindConfirmationLapsed, "split before the bank confirmed")
}
