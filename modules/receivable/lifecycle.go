package receivable

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
)

func (Module) setCreditLine(ctx *module.Context, b *creditBody) error {
	if err := validateCredit(b); err != nil {
		return err
	}
	if err := counterparty(ctx.Store, "obligor", b.Obligor, obligorRoles); err != nil {
		return err
	}
	cl, _, err := getCredit(ctx.Store, b.Obligor)
	if err != nil {
		return err
	}
	limit := *b.LimitFen
	if limit < cl.OutstandingFen {
		return rule("%s has %s outstanding; its credit line cannot be set below that (asked %s)", b.Obligor, yuan(cl.OutstandingFen), yuan(limit))
	}
	cl.Obligor, cl.LimitFen, cl.SetBy = b.Obligor, limit, ctx.Party()
	cl.Height, cl.Time, cl.TxHash = ctx.Height, field.BlockTime(ctx.Time), txHash(ctx)
	if err := module.PutJSON(ctx.Store, creditKey(b.Obligor), cl); err != nil {
		return err
	}
	ctx.Emit("receivable.credit_line_set", "obligor", b.Obligor, "bank", ctx.Signer.Org, "limit_fen", fen(limit))
	return ctx.SetResult(creditResult{Obligor: b.Obligor, LimitFen: limit, OutstandingFen: cl.OutstandingFen})
}

func (Module) issue(ctx *module.Context, b *issueBody) error {
	if err := validateIssue(b); err != nil {
		return err
	}
	obligor, d := ctx.Signer.Org, today(ctx)
	if b.To == obligor {
		return rule("%s cannot issue a receivable to itself", obligor)
	}
	if b.MaturityDate <= d {
		return rule("maturity_date %s must be after the issue date %s (China Standard Time)", b.MaturityDate, d)
	}
	latest, err := addYear(d)
	if err != nil {
		return err
	}
	if b.MaturityDate > latest {
		return rule("maturity_date %s is more than a year after the issue date %s; the latest is %s", b.MaturityDate, d, latest)
	}
	if err := counterparty(ctx.Store, "to", b.To, []role.Role{role.Supplier}); err != nil {
		return err
	}
	cl, ok, err := getCredit(ctx.Store, obligor)
	if err != nil {
		return err
	}
	if !ok {
		return rule("%s has no credit line; a bank sets one with set_credit_line before it can issue", obligor)
	}
	if cl.OutstandingFen+b.FaceFen > cl.LimitFen {
		return rule("issuing %s would bring %s's outstanding to %s, beyond its credit line of %s (available %s)",
			yuan(b.FaceFen), obligor, yuan(cl.OutstandingFen+b.FaceFen), yuan(cl.LimitFen), yuan(cl.LimitFen-cl.OutstandingFen))
	}
	// An invoice is registered under its seller (the receiver, who issued
	// it) and its number: numbers are unique per issuer, and another
	// seller's invoice of the same number is another invoice.
	t := b.Trade
	inv, known, err := getInvoice(ctx.Store, b.To, t.InvoiceNo)
	if err != nil {
		return err
	}
	if known {
		switch {
		case inv.Buyer != obligor && inv.SellerAccepted:
			return conflict("invoice %s of seller %s was registered with buyer %s, and %s accepted a receivable it backs; it cannot back a receivable from %s", t.InvoiceNo, b.To, inv.Buyer, b.To, obligor)
		case inv.Buyer != obligor:
			return conflict("invoice %s of seller %s is registered with buyer %s, and %s has not accepted a receivable it backs; the registration goes away once %s rejects the receivables pending with it",
				t.InvoiceNo, b.To, inv.Buyer, b.To, b.To)
		case inv.AmountFen != t.InvoiceAmountFen:
			return conflict("invoice %s of seller %s was registered for %s, not %s", t.InvoiceNo, b.To, yuan(inv.AmountFen), yuan(t.InvoiceAmountFen))
		case inv.SHA256 != t.InvoiceSHA256:
			return conflict("invoice %s of seller %s was registered with SHA-256 %s, not %s", t.InvoiceNo, b.To, inv.SHA256, t.InvoiceSHA256)
		}
	} else {
		inv = &Invoice{InvoiceNo: t.InvoiceNo, Seller: b.To, Buyer: obligor, AmountFen: t.InvoiceAmountFen, SHA256: t.InvoiceSHA256,
			Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	}
	if inv.UsedFen+b.FaceFen > inv.AmountFen {
		return rule("invoice %s of seller %s, for %s, already backs %s; it cannot back %s more", t.InvoiceNo, b.To, yuan(inv.AmountFen), yuan(inv.UsedFen), yuan(b.FaceFen))
	}
	id := ReceivableID(ctx.Time, obligor, ctx.TxHash, 0)
	if err := absent(ctx.Store, rcKey(id), "receivable "+id); err != nil {
		return err
	}

	// Every check passed: write.
	if !known {
		inv.FirstUse = id
	}
	inv.UsedFen += b.FaceFen
	cl.OutstandingFen += b.FaceFen
	r := &Receivable{
		ID: id, RootID: id, Obligor: obligor, Holder: obligor, PendingHolder: b.To, FaceFen: b.FaceFen,
		IssueDate: d, MaturityDate: b.MaturityDate, Status: StatusPendingAcceptance,
		Trade: &Trade{ContractNo: t.ContractNo, InvoiceSeller: b.To, InvoiceNo: t.InvoiceNo, InvoiceAmountFen: t.InvoiceAmountFen,
			InvoiceSHA256: t.InvoiceSHA256, DeliveryDocHashes: t.DeliveryDocHashes},
		CreatedBy: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx),
	}
	if err := appendLog(ctx, r, &LogEntry{Kind: KindIssued, Transfer: &Transfer{From: obligor, To: b.To, AmountFen: b.FaceFen}}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, invoiceKey(b.To, t.InvoiceNo), inv); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, creditKey(obligor), cl); err != nil {
		return err
	}
	for _, k := range [][]byte{rootIndexKey(id, id), holderIndexKey(obligor, id), pendingIndexKey(b.To, id), obligorIndexKey(obligor, id)} {
		if err := ctx.Store.Set(k, present); err != nil {
			return err
		}
	}
	ctx.Emit("receivable.issued", "id", id, "obligor", obligor, "to", b.To, "face_fen", fen(b.FaceFen), "maturity_date", b.MaturityDate, "invoice_seller", b.To, "invoice_no", t.InvoiceNo)
	return ctx.SetResult(statusResult{ID: id, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

func (Module) accept(ctx *module.Context, b *idBody) error {
	r, err := loadValid(ctx, validateID(b), b.ID)
	if err != nil {
		return err
	}
	if err := statusIs(r, "accepted", StatusPendingAcceptance); err != nil {
		return err
	}
	org := ctx.Signer.Org
	if r.PendingHolder != org {
		return unauthorized("receivable %s was sent to %s; only it may accept it", r.ID, r.PendingHolder)
	}
	if err := notFrozen(ctx.Store, r, "accepted"); err != nil {
		return err
	}
	if r.IsRoot() {
		// The seller's acceptance fixes the invoice's registration.
		if err := sellerAccepted(ctx, r); err != nil {
			return err
		}
	}
	from := r.Holder
	if err := ctx.Store.Delete(pendingIndexKey(org, r.ID)); err != nil {
		return err
	}
	if err := moveHolder(ctx, r, org); err != nil {
		return err
	}
	r.PendingHolder, r.Status = "", StatusActive
	if err := appendLog(ctx, r, &LogEntry{Kind: KindAccepted, Transfer: &Transfer{From: from, To: org, AmountFen: r.FaceFen}}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	ctx.Emit("receivable.accepted", "id", r.ID, "from", from, "holder", org, "face_fen", fen(r.FaceFen))
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

func (m Module) reject(ctx *module.Context, b *reasonBody) error {
	if err := validateReason(b, false); err != nil {
		return err
	}
	r, err := load(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if err := statusIs(r, "rejected", StatusPendingAcceptance); err != nil {
		return err
	}
	if r.PendingHolder != ctx.Signer.Org {
		return unauthorized("receivable %s was sent to %s; only it may reject it", r.ID, r.PendingHolder)
	}
	return withdraw(ctx, r, KindRejected, b.Reason)
}

func (m Module) cancel(ctx *module.Context, b *idBody) error {
	r, err := loadValid(ctx, validateID(b), b.ID)
	if err != nil {
		return err
	}
	if err := statusIs(r, "cancelled", StatusPendingAcceptance); err != nil {
		return err
	}
	// The sender of a pending receivable is its holder: the issuer of a
	// root, the splitter of a part.
	if r.Holder != ctx.Signer.Org {
		return unauthorized("receivable %s was sent by %s; only it may cancel it", r.ID, r.Holder)
	}
	return withdraw(ctx, r, KindCancelled, "")
}

// sellerAccepted marks the invoice of root r accepted by its seller.
func sellerAccepted(ctx *module.Context, r *Receivable) error {
	inv, ok, err := getInvoice(ctx.Store, r.Trade.InvoiceSeller, r.Trade.InvoiceNo)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("receivable %s: invoice %s of %s is not registered", r.ID, r.Trade.InvoiceNo, r.Trade.InvoiceSeller)
	}
	if inv.SellerAccepted {
		return nil
	}
	inv.SellerAccepted = true
	return module.PutJSON(ctx.Store, invoiceKey(inv.Seller, inv.InvoiceNo), inv)
}

// putInvoice writes an invoice after a root gave its share back; a
// registration its seller never accepted and that backs nothing is
// removed, so that the buyer that made it does not keep the seller's
// number.
func putInvoice(ctx *module.Context, inv *Invoice) error {
	if !inv.SellerAccepted && inv.UsedFen == 0 {
		return ctx.Store.Delete(invoiceKey(inv.Seller, inv.InvoiceNo))
	}
	return module.PutJSON(ctx.Store, invoiceKey(inv.Seller, inv.InvoiceNo), inv)
}

// withdraw undoes a pending transfer (reject or cancel). A root becomes
// rejected or cancelled and releases its obligor's credit line and its
// invoice; a part stays with its splitter, active.
func withdraw(ctx *module.Context, r *Receivable, kind, reason string) error {
	to := r.PendingHolder
	var cl *CreditLine
	var inv *Invoice
	if r.IsRoot() {
		var ok bool
		var err error
		if cl, ok, err = getCredit(ctx.Store, r.Obligor); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("receivable %s: obligor %s has no credit line record", r.ID, r.Obligor)
		}
		if inv, ok, err = getInvoice(ctx.Store, r.Trade.InvoiceSeller, r.Trade.InvoiceNo); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("receivable %s: invoice %s of %s is not registered", r.ID, r.Trade.InvoiceNo, r.Trade.InvoiceSeller)
		}
	}
	if err := ctx.Store.Delete(pendingIndexKey(to, r.ID)); err != nil {
		return err
	}
	r.PendingHolder = ""
	if r.IsRoot() {
		r.Status = StatusCancelled
		if kind == KindRejected {
			r.Status = StatusRejected
		}
		cl.OutstandingFen -= r.FaceFen
		inv.UsedFen -= r.FaceFen
		if err := module.PutJSON(ctx.Store, creditKey(r.Obligor), cl); err != nil {
			return err
		}
		if err := putInvoice(ctx, inv); err != nil {
			return err
		}
		if err := ctx.Store.Delete(holderIndexKey(r.Holder, r.ID)); err != nil {
			return err
		}
	} else {
		r.Status = StatusActive
	}
	if err := appendLog(ctx, r, &LogEntry{Kind: kind, Transfer: &Transfer{From: r.Holder, To: to, AmountFen: r.FaceFen}, Reason: reason}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	ctx.Emit("receivable."+kind, "id", r.ID, "from", r.Holder, "to", to, "by", ctx.Signer.Org, "status", r.Status)
	return ctx.SetResult(statusResult{ID: r.ID, Status: r.Status, Holder: r.Holder, Seq: r.LogLen})
}

func (Module) splitTransfer(ctx *module.Context, b *splitBody) error {
	r, err := loadValid(ctx, validateSplit(b), b.ID)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	if err := heldBy(r, org, "split"); err != nil {
		return err
	}
	if err := holdable(ctx, r, "split or transferred"); err != nil {
		return err
	}
	var sum int64
	for i, p := range b.Parts {
		name := "parts[" + strconv.Itoa(i) + "].to"
		if p.To == r.Obligor {
			return rule("%s: %s is the obligor of receivable %s and cannot hold it", name, p.To, r.ID)
		}
		if p.To != org {
			if err := counterparty(ctx.Store, name, p.To, receiverRoles); err != nil {
				return err
			}
		}
		sum += p.AmountFen // each at most MaxFen: no overflow for 50 parts
	}
	if sum > r.FaceFen {
		return rule("the parts add up to %s, more than the face value %s of receivable %s", yuan(sum), yuan(r.FaceFen), r.ID)
	}
	parts := make([]Part, 0, len(b.Parts)+1)
	for i, p := range b.Parts {
		parts = append(parts, Part{ID: ReceivableID(ctx.Time, org, ctx.TxHash, i+1), To: p.To, AmountFen: p.AmountFen})
	}
	if sum < r.FaceFen {
		parts = append(parts, Part{ID: ReceivableID(ctx.Time, org, ctx.TxHash, len(b.Parts)+1), To: org, AmountFen: r.FaceFen - sum, Remainder: true})
	}
	for _, p := range parts {
		if err := absent(ctx.Store, rcKey(p.ID), "receivable "+p.ID); err != nil {
			return err
		}
	}

	// Every check passed: write the children, then the parent.
	children := make([]string, len(parts))
	for i, p := range parts {
		children[i] = p.ID
		c := &Receivable{
			ID: p.ID, RootID: r.RootID, ParentID: r.ID, Obligor: r.Obligor, Holder: org, ConfirmingBank: r.ConfirmingBank,
			FaceFen: p.AmountFen, IssueDate: r.IssueDate, MaturityDate: r.MaturityDate, Status: StatusActive,
			CreatedBy: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx),
		}
		kind := KindKept
		if p.To != org {
			kind, c.Status, c.PendingHolder = KindOffered, StatusPendingAcceptance, p.To
			if err := ctx.Store.Set(pendingIndexKey(p.To, c.ID), present); err != nil {
				return err
			}
		}
		if err := appendLog(ctx, c, &LogEntry{Kind: kind, Transfer: &Transfer{From: org, To: p.To, AmountFen: p.AmountFen}}); err != nil {
			return err
		}
		if err := save(ctx, c); err != nil {
			return err
		}
		if err := ctx.Store.Set(rootIndexKey(r.RootID, c.ID), present); err != nil {
			return err
		}
		if err := ctx.Store.Set(holderIndexKey(org, c.ID), present); err != nil {
			return err
		}
		ctx.Emit("receivable.part_created", "id", c.ID, "parent", r.ID, "from", org, "to", p.To, "amount_fen", fen(p.AmountFen), "status", c.Status)
	}
	if err := ctx.Store.Delete(holderIndexKey(org, r.ID)); err != nil {
		return err
	}
	if err := lapseRequest(ctx, r); err != nil {
		return err
	}
	r.Status, r.Children = StatusSplit, children
	if err := appendLog(ctx, r, &LogEntry{Kind: KindSplit, Split: &Split{Parts: parts}}); err != nil {
		return err
	}
	if err := save(ctx, r); err != nil {
		return err
	}
	ctx.Emit("receivable.split", "id", r.ID, "holder", org, "parts", strconv.Itoa(len(parts)))
	return ctx.SetResult(splitResult{ID: r.ID, Children: children})
}
