package charity

import (
	"fmt"
	"math/bits"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// transferSpec is a transfer whose money was already taken from the
// sender's queues.
type transferSpec struct {
	kind, purpose, agreement, line, toLine string
	from, to                               *charityapi.Project
	amount                                 int64
	ranges                                 []charityapi.Range
	index                                  int
}

// transferTo records a transfer: the record, its ranges in the sender's
// spend index, its source at the end of the receiver's queue, and both
// projects' totals (the caller flushes pl).
func transferTo(ctx *module.Context, pl *pools, s transferSpec) (*charityapi.Transfer, error) {
	var sum int64
	for _, r := range s.ranges {
		sum += r.Len()
	}
	if sum != s.amount {
		return nil, fmt.Errorf("charity: transfer of %d fen took %d", s.amount, sum)
	}
	q, err := pl.queue(charityapi.QueueID(s.to.ID, s.toLine))
	if err != nil {
		return nil, err
	}
	r, err := appendSource(q, s.amount)
	if err != nil {
		return nil, err
	}
	st := stampOf(ctx)
	id := recordID(ctx, "GT", "transfer", s.index)
	if err := absent(ctx.Store, transferKey(id), "transfer "+id); err != nil {
		return nil, err
	}
	t := charityapi.Transfer{ID: id, Kind: s.kind, From: s.from.ID, FromOrg: s.from.Owner, Line: s.line, To: s.to.ID, ToOrg: s.to.Owner,
		ToLine: s.toLine, AmountFen: s.amount, Purpose: s.purpose, AgreementSHA256: s.agreement, Ranges: s.ranges,
		ToQueue: q.ID, ToStart: r.Start, ToEnd: r.End, By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	s.from.TransferOutFen += s.amount
	s.from.TransfersOut++
	s.to.TransferInFen += s.amount
	s.to.TransfersIn++
	if s.toLine != "" {
		s.to.Line(s.toLine).RestrictedFen += s.amount
	}
	if err := module.PutJSON(ctx.Store, transferKey(id), &t); err != nil {
		return nil, err
	}
	if err := indexSpend(ctx, charityapi.SpendTransfer, id, s.ranges); err != nil {
		return nil, err
	}
	src := charityapi.Source{Kind: charityapi.SourceTransfer, ID: id, Start: r.Start, End: r.End}
	if err := module.PutJSON(ctx.Store, srcKey(q.ID, r.End), &src); err != nil {
		return nil, err
	}
	idx := [][]byte{toutKey(s.from.ID, s.from.TransfersOut), tinKey(s.to.ID, s.to.TransfersIn)}
	for _, k := range idx {
		if err := ctx.Store.Set(k, []byte(id)); err != nil {
			return nil, err
		}
	}
	if s.from.Owner != s.to.Owner {
		if err := ctx.Store.Set(unconfirmedKey(s.to.Owner, id), present); err != nil {
			return nil, err
		}
	}
	ctx.Emit("charity.transferred", "id", id, "kind", s.kind, "from", s.from.ID, "to", s.to.ID, "amount_fen", fen(s.amount))
	return &t, nil
}

// grant passes money from a project or general fund on to another project.
func (Module) grant(ctx *module.Context, b *charityapi.GrantBody) error {
	if err := projectID("from", b.From); err != nil {
		return err
	}
	if err := projectID("to", b.To); err != nil {
		return err
	}
	if b.Line != "" {
		if err := lineCode("line", b.Line); err != nil {
			return err
		}
	}
	if b.ToLine != "" {
		if err := lineCode("to_line", b.ToLine); err != nil {
			return err
		}
	}
	if err := amount("amount_fen", b.AmountFen); err != nil {
		return err
	}
	if err := field.Text("purpose", b.Purpose, 1, 200); err != nil {
		return err
	}
	if err := optionalSHA256("agreement_sha256", b.AgreementSHA256); err != nil {
		return err
	}
	if b.From == b.To {
		return malformed("from and to are the same project")
	}
	pl := newPools(ctx)
	from, err := pl.project(b.From)
	if err != nil {
		return err
	}
	if from.Owner != ctx.Signer.Org {
		return unauthorized("%s belongs to %s; only its charity may grant from it", from.ID, from.Owner)
	}
	if err := spendable(from, "granted"); err != nil {
		return err
	}
	line, err := spendLine(from, b.Line, b.AmountFen)
	if err != nil {
		return err
	}
	to, err := pl.project(b.To)
	if err != nil {
		return err
	}
	if err := receivable(to, today(ctx)); err != nil {
		return err
	}
	if _, err := module.ActiveOrg(ctx.Store, "to's charity", to.Owner); err != nil {
		return err
	}
	if b.ToLine != "" && to.Line(b.ToLine) == nil {
		return notFound("project %s has no budget line %q", to.ID, b.ToLine)
	}
	if err := enough(pl, from, b.Line, b.AmountFen); err != nil {
		return err
	}
	ranges, err := pl.spend(from, b.Line, b.AmountFen)
	if err != nil {
		return err
	}
	if line != nil {
		line.SpentFen += b.AmountFen
	}
	t, err := transferTo(ctx, pl, transferSpec{kind: charityapi.TransferGrant, from: from, to: to, line: b.Line, toLine: b.ToLine,
		amount: b.AmountFen, ranges: ranges, purpose: b.Purpose, agreement: b.AgreementSHA256})
	if err != nil {
		return err
	}
	if err := pl.flush(); err != nil {
		return err
	}
	return ctx.SetResult(charityapi.IDResult{ID: t.ID})
}

// spendLine checks the line a spending names: a project's spending names
// one of its lines and stays within its budget; a general fund's names
// none.
func spendLine(p *charityapi.Project, code string, amount int64) (*charityapi.Line, error) {
	if p.Kind == charityapi.ProjectKindGeneral {
		if code != "" {
			return nil, malformed("a general fund has no budget lines; leave line empty")
		}
		return nil, nil
	}
	if code == "" {
		return nil, malformed("line is required: the budget line of project %s the money is spent against", p.ID)
	}
	l := p.Line(code)
	if l == nil {
		return nil, notFound("project %s has no budget line %q", p.ID, code)
	}
	if l.SpentFen+amount > l.BudgetFen {
		return nil, rule("line %s of project %s has a budget of %s and spent %s; %s more would exceed it (revise the budget first)",
			code, p.ID, yuan(l.BudgetFen), yuan(l.SpentFen), yuan(amount))
	}
	return l, nil
}

// enough refuses a spending the queues cannot pay for.
func enough(pl *pools, p *charityapi.Project, line string, amount int64) error {
	n, err := pl.available(p, line)
	if err != nil {
		return err
	}
	if n < amount {
		what := "project " + p.ID
		if line != "" {
			what = fmt.Sprintf("line %s of project %s (its restricted money and the project's)", line, p.ID)
		}
		return rule("%s has %s unspent; it cannot spend %s", what, yuan(n), yuan(amount))
	}
	return nil
}

// confirmGrant records the receiving charity's confirmation of a
// transfer.
func (Module) confirmGrant(ctx *module.Context, b *charityapi.IDBody) error {
	if err := checkID("id", "GT", b.ID); err != nil {
		return err
	}
	t, err := GetTransfer(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if t.ToOrg != ctx.Signer.Org {
		return unauthorized("transfer %s went to %s; only it confirms receipt", t.ID, t.ToOrg)
	}
	if err := absent(ctx.Store, confirmKey(t.ID), "the confirmation of transfer "+t.ID); err != nil {
		return err
	}
	st := stampOf(ctx)
	c := charityapi.Confirmation{Transfer: t.ID, By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := module.PutJSON(ctx.Store, confirmKey(t.ID), &c); err != nil {
		return err
	}
	if err := ctx.Store.Delete(unconfirmedKey(t.ToOrg, t.ID)); err != nil {
		return err
	}
	ctx.Emit("charity.grant_confirmed", "id", t.ID, "org", t.ToOrg)
	return ctx.SetResult(charityapi.IDResult{ID: t.ID})
}

// disburse pays a supplier or beneficiary against a budget line.
func (Module) disburse(ctx *module.Context, b *charityapi.DisburseBody) error {
	if err := checkID("project", "CP", b.Project); err != nil {
		return err
	}
	if err := lineCode("line", b.Line); err != nil {
		return err
	}
	if err := amount("amount_fen", b.AmountFen); err != nil {
		return err
	}
	if err := field.OrgID("payee", b.Payee); err != nil {
		return err
	}
	if b.Beneficiary != "" {
		if err := field.OrgID("beneficiary", b.Beneficiary); err != nil {
			return err
		}
	}
	if err := field.Text("purpose", b.Purpose, 1, 200); err != nil {
		return err
	}
	if err := field.SHA256("invoice_sha256", b.InvoiceSHA256); err != nil {
		return err
	}
	if err := checkDocs("doc_hashes", b.DocHashes); err != nil {
		return err
	}
	pl := newPools(ctx)
	p, err := pl.project(b.Project)
	if err != nil {
		return err
	}
	if p.Owner != ctx.Signer.Org {
		return unauthorized("project %s belongs to %s; only its charity may disburse from it", p.ID, p.Owner)
	}
	if err := spendable(p, "disbursed"); err != nil {
		return err
	}
	line, err := spendLine(p, b.Line, b.AmountFen)
	if err != nil {
		return err
	}
	payee, err := member(ctx.Store, "payee", b.Payee, payeeRoles...)
	if err != nil {
		return err
	}
	beneficiary := b.Beneficiary
	switch {
	case beneficiary != "":
		if _, err := member(ctx.Store, "beneficiary", beneficiary, charityapi.Beneficiary); err != nil {
			return err
		}
	case role.Any(payee.Roles, []role.Role{charityapi.Beneficiary}):
		beneficiary = b.Payee
	case line.Category == charityapi.CategoryProgram:
		return malformed("beneficiary is required: line %s is a program line, so name the institution that receives what %s delivers and signs for it", line.Code, b.Payee)
	}
	if err := enough(pl, p, b.Line, b.AmountFen); err != nil {
		return err
	}
	ranges, err := pl.spend(p, b.Line, b.AmountFen)
	if err != nil {
		return err
	}
	line.SpentFen += b.AmountFen
	p.DisbursedFen += b.AmountFen
	p.Disbursements++
	st := stampOf(ctx)
	id := recordID(ctx, "DB", "disbursement", 0)
	d := charityapi.Disbursement{ID: id, Kind: charityapi.DisbursementMoney, Project: p.ID, Org: p.Owner, Line: line.Code,
		Category: line.Category, AmountFen: b.AmountFen, Payee: b.Payee, Beneficiary: beneficiary, Purpose: b.Purpose,
		InvoiceSHA256: b.InvoiceSHA256, DocHashes: b.DocHashes, Ranges: ranges, Seq: p.Disbursements,
		By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := writeDisbursement(ctx, &d); err != nil {
		return err
	}
	if err := indexSpend(ctx, charityapi.SpendDisbursement, id, ranges); err != nil {
		return err
	}
	if err := ctx.Store.Set(paidKey(b.Payee, id), present); err != nil {
		return err
	}
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.disbursed", "id", id, "project", p.ID, "line", line.Code, "payee", b.Payee, "beneficiary", beneficiary, "amount_fen", fen(b.AmountFen))
	return ctx.SetResult(charityapi.IDResult{ID: id})
}

// writeDisbursement writes a disbursement with its list entry and, when a
// beneficiary signs for it, its awaiting entry.
func writeDisbursement(ctx *module.Context, d *charityapi.Disbursement) error {
	if err := absent(ctx.Store, disbKey(d.ID), "disbursement "+d.ID); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, disbKey(d.ID), d); err != nil {
		return err
	}
	if err := ctx.Store.Set(disbsKey(d.Project, d.Seq), []byte(d.ID)); err != nil {
		return err
	}
	if d.Beneficiary != "" {
		return ctx.Store.Set(awaitingKey(d.Beneficiary, d.ID), present)
	}
	return nil
}

// share is the valuation of the first n of an item's quantity units:
// floor(value * n / quantity), so that the shares of all the units add up
// to the value exactly.
func share(value, n, quantity int64) int64 {
	hi, lo := bits.Mul64(uint64(value), uint64(n))
	q, _ := bits.Div64(hi, lo, uint64(quantity))
	return int64(q)
}

// distribute hands items of an in-kind donation to a beneficiary.
func (Module) distribute(ctx *module.Context, b *charityapi.DistributeBody) error {
	if err := checkID("receipt", "DN", b.Receipt); err != nil {
		return err
	}
	if b.Item < 0 || b.Item >= charityapi.MaxItems {
		return malformed("item must be an item's index, 0 to %d, got %d", charityapi.MaxItems-1, b.Item)
	}
	if b.Quantity <= 0 {
		return malformed("quantity must be positive, got %d", b.Quantity)
	}
	if err := field.OrgID("beneficiary", b.Beneficiary); err != nil {
		return err
	}
	if err := field.Text("purpose", b.Purpose, 1, 200); err != nil {
		return err
	}
	if err := optionalSHA256("doc_sha256", b.DocSHA256); err != nil {
		return err
	}
	d, err := GetDonation(ctx.Store, b.Receipt)
	if err != nil {
		return err
	}
	if d.Kind != charityapi.DonationInKind {
		return rule("donation %s is of money; disburse money against a budget line instead", d.Receipt)
	}
	pl := newPools(ctx)
	p, err := pl.project(d.Project)
	if err != nil {
		return err
	}
	if p.Owner != ctx.Signer.Org {
		return unauthorized("donation %s went to %s; only it hands the items on", d.Receipt, p.Owner)
	}
	if err := spendable(p, "handed on"); err != nil {
		return err
	}
	if b.Item >= len(d.Items) {
		return notFound("donation %s has %d items; there is no item %d", d.Receipt, len(d.Items), b.Item)
	}
	it := &d.Items[b.Item]
	if left := it.Quantity - it.Distributed; b.Quantity > left {
		return rule("only %d %s of %s are left of donation %s; %d cannot be handed on", left, it.Unit, it.Name, d.Receipt, b.Quantity)
	}
	if _, err := member(ctx.Store, "beneficiary", b.Beneficiary, charityapi.Beneficiary); err != nil {
		return err
	}
	value := share(it.ValueFen, it.Distributed+b.Quantity, it.Quantity) - share(it.ValueFen, it.Distributed, it.Quantity)
	it.Distributed += b.Quantity
	p.InKindDistributedFen += value
	p.Disbursements++
	st := stampOf(ctx)
	id := recordID(ctx, "DB", "disbursement", 0)
	var docs []string
	if b.DocSHA256 != "" {
		docs = []string{b.DocSHA256}
	}
	x := charityapi.Disbursement{ID: id, Kind: charityapi.DisbursementInKind, Project: p.ID, Org: p.Owner, AmountFen: value,
		Beneficiary: b.Beneficiary, Purpose: b.Purpose, DocHashes: docs, Receipt: d.Receipt, Item: b.Item, Quantity: b.Quantity,
		Seq: p.Disbursements, By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := writeDisbursement(ctx, &x); err != nil {
		return err
	}
	if err := ctx.Store.Set(ikdKey(d.Receipt, id), present); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, donationKey(d.Receipt), d); err != nil {
		return err
	}
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.distributed", "id", id, "receipt", d.Receipt, "beneficiary", b.Beneficiary, "quantity", fen(b.Quantity), "value_fen", fen(value))
	return ctx.SetResult(charityapi.IDResult{ID: id})
}

// accept and dispute record the beneficiary's signature.
func (Module) accept(ctx *module.Context, b *charityapi.AcceptBody) error {
	if err := checkID("disbursement", "DB", b.Disbursement); err != nil {
		return err
	}
	if err := field.SHA256("doc_sha256", b.DocSHA256); err != nil {
		return err
	}
	if err := field.Text("note", b.Note, 0, 200); err != nil {
		return err
	}
	return sign(ctx, b.Disbursement, charityapi.AcceptanceAccepted, b.DocSHA256, b.Note)
}

func (Module) dispute(ctx *module.Context, b *charityapi.DisputeBody) error {
	if err := checkID("disbursement", "DB", b.Disbursement); err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	if err := optionalSHA256("doc_sha256", b.DocSHA256); err != nil {
		return err
	}
	return sign(ctx, b.Disbursement, charityapi.AcceptanceDisputed, b.DocSHA256, b.Reason)
}

func sign(ctx *module.Context, id, status, doc, note string) error {
	d, err := GetDisbursement(ctx.Store, id)
	if err != nil {
		return err
	}
	if d.Beneficiary == "" {
		return conflict("disbursement %s paid %s for %s costs; no institution signs for it", d.ID, d.Payee, d.Category)
	}
	if d.Beneficiary != ctx.Signer.Org {
		return unauthorized("disbursement %s was delivered to %s; only it signs for it", d.ID, d.Beneficiary)
	}
	if prev, err := getAcceptance(ctx.Store, d.ID); err != nil {
		return err
	} else if prev != nil {
		return conflict("%s already signed for disbursement %s (%s on %s); a signature is final", prev.By.Org, d.ID, prev.Status, prev.Time)
	}
	st := stampOf(ctx)
	a := charityapi.Acceptance{Disbursement: d.ID, Status: status, DocSHA256: doc, Note: note, By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := module.PutJSON(ctx.Store, acceptKey(d.ID), &a); err != nil {
		return err
	}
	if err := ctx.Store.Delete(awaitingKey(d.Beneficiary, d.ID)); err != nil {
		return err
	}
	if status == charityapi.AcceptanceDisputed {
		if err := ctx.Store.Set(disputedKey(d.ID), present); err != nil {
			return err
		}
	}
	ctx.Emit("charity."+status, "disbursement", d.ID, "org", d.Beneficiary)
	return ctx.SetResult(charityapi.IDResult{ID: d.ID})
}

// refund returns unspent money of a donation to its donor: the last fen
// of the donation's unspent range.
func (Module) refund(ctx *module.Context, b *charityapi.RefundBody) error {
	if err := checkID("receipt", "DN", b.Receipt); err != nil {
		return err
	}
	if err := amount("amount_fen", b.AmountFen); err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	d, err := GetDonation(ctx.Store, b.Receipt)
	if err != nil {
		return err
	}
	if d.Kind != charityapi.DonationMoney {
		return rule("donation %s is in kind; items are not refunded", d.Receipt)
	}
	pl := newPools(ctx)
	p, err := pl.project(d.Project)
	if err != nil {
		return err
	}
	if p.Owner != ctx.Signer.Org {
		return unauthorized("donation %s went to %s; only it refunds it", d.Receipt, p.Owner)
	}
	if len(d.Refunds) >= charityapi.MaxRefunds {
		return rule("donation %s was already refunded %d times, the most a donation takes", d.Receipt, len(d.Refunds))
	}
	q, err := pl.queue(d.Queue)
	if err != nil {
		return err
	}
	if left := unspentOf(d, q); b.AmountFen > left {
		return rule("donation %s has %s unspent; %s cannot be refunded", d.Receipt, yuan(left), yuan(b.AmountFen))
	}
	end := d.End - d.RefundedFen
	hole := charityapi.Range{Queue: q.ID, Start: end - b.AmountFen, End: end}
	if err := addHole(q, hole); err != nil {
		return err
	}
	st := stampOf(ctx)
	id := recordID(ctx, "RF", "refund", 0)
	if err := absent(ctx.Store, refundKey(id), "refund "+id); err != nil {
		return err
	}
	x := charityapi.Refund{ID: id, Receipt: d.Receipt, AmountFen: b.AmountFen, Reason: b.Reason, Range: hole,
		By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	d.RefundedFen += b.AmountFen
	d.Refunds = append(d.Refunds, id)
	p.RefundedFen += b.AmountFen
	if d.Line != "" {
		if l := p.Line(d.Line); l != nil {
			l.RestrictedFen -= b.AmountFen
		}
	}
	if err := module.PutJSON(ctx.Store, refundKey(id), &x); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, donationKey(d.Receipt), d); err != nil {
		return err
	}
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.refunded", "id", id, "receipt", d.Receipt, "amount_fen", fen(b.AmountFen))
	return ctx.SetResult(charityapi.IDResult{ID: id})
}
