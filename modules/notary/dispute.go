package notary

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// Copyright disputes (权属争议). A registration of a file another
// organisation registered first opens a dispute between the two
// registrations. While it stands, neither is transferred or licensed
// exclusively; non-exclusive licences remain possible. A court resolves it
// (resolve_dispute), or the owners of the two registrations settle: one
// proposes (propose_settlement, which replaces any earlier proposal), the
// other accepts that very proposal (accept_settlement). Either way the
// resolution names the prevailing registration; the other lost and is
// never transferred or licensed again. Nothing is deleted: the dispute
// record turns resolved, and both works' logs record the resolution.

func conflictf(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
}

// notLost refuses a registration that lost a dispute.
func notLost(w *Work, verb string) error {
	if w.LostTo != "" {
		return conflictf("work %s lost its copyright dispute to %s and cannot be %s (see GET /v1/notary/works/%s)", w.ID, w.LostTo, verb, w.ID)
	}
	return nil
}

// undisputed refuses a registration that lost a dispute or is party to
// one that stands.
func undisputed(w *Work, verb string) error {
	if err := notLost(w, verb); err != nil {
		return err
	}
	if w.OpenDisputes == 0 {
		return nil
	}
	with := w.ConflictsWith
	if w.Status != StatusDisputed {
		with = "a later registration of the same file"
		if w.OpenDisputes > 1 {
			with = fmt.Sprintf("%d later registrations of the same file", w.OpenDisputes)
		}
	}
	return conflictf("work %s is in a copyright dispute with %s and cannot be %s until a court resolves it (resolve_dispute) or the parties settle (propose_settlement, accept_settlement)",
		w.ID, with, verb)
}

// openDispute loads the open dispute a disputed registration opened, with
// both registrations.
func openDispute(kv Getter, id string) (*Dispute, *Work, *Work, error) {
	dw, err := GetWork(kv, id)
	if err != nil {
		return nil, nil, nil, err
	}
	var d Dispute
	ok, err := module.GetJSON(kv, disputeKey(id), &d)
	if err != nil {
		return nil, nil, nil, err
	}
	if !ok {
		return nil, nil, nil, errcode.New(errcode.RuleViolation, "work %s is a first registration, not a disputed one; a dispute is named by the later registration, whose conflicts_with is %s", id, id)
	}
	if d.Status != DisputeOpen {
		r := d.Resolution
		return nil, nil, nil, conflictf("the dispute of work %s was resolved at height %d by %s's %s: %s prevails", id, r.Height, r.By.Org, r.Basis, r.Prevailing)
	}
	fw, err := GetWork(kv, d.FirstWork)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("first registration of %s: %w", id, err)
	}
	return &d, dw, fw, nil
}

// prevailing checks that a body names one of the dispute's registrations.
func prevailing(d *Dispute, id string) error {
	if id != d.WorkID && id != d.FirstWork {
		return errcode.New(errcode.RuleViolation, "prevailing: %s is not party to the dispute of %s; name %s (the later registration) or %s (the first)", id, d.WorkID, d.WorkID, d.FirstWork)
	}
	return nil
}

// parties refuses an organisation that owns neither registration.
func parties(ctx *module.Context, dw, fw *Work, verb string) error {
	if org := ctx.Signer.Org; org != dw.Owner && org != fw.Owner {
		return errcode.New(errcode.Unauthorized, "only the owners of the disputed registrations, %s (%s) and %s (%s), may %s; otherwise a court resolves it (resolve_dispute)",
			dw.Owner, dw.ID, fw.Owner, fw.ID, verb)
	}
	return nil
}

func (Module) resolveDispute(ctx *module.Context, b *resolveBody) error {
	if err := validateResolve(b); err != nil {
		return err
	}
	d, dw, fw, err := openDispute(ctx.Store, b.WorkID)
	if err != nil {
		return err
	}
	if err := prevailing(d, b.Prevailing); err != nil {
		return err
	}
	return resolve(ctx, d, dw, fw, &Resolution{DisputeStep: DisputeStep{Prevailing: b.Prevailing, Basis: BasisJudgment, Reference: b.Reference, Terms: b.Note}})
}

func (Module) proposeSettlement(ctx *module.Context, b *settleBody) error {
	if err := validateSettlement(b); err != nil {
		return err
	}
	d, dw, fw, err := openDispute(ctx.Store, b.WorkID)
	if err != nil {
		return err
	}
	if err := parties(ctx, dw, fw, "propose a settlement"); err != nil {
		return err
	}
	if err := prevailing(d, b.Prevailing); err != nil {
		return err
	}
	e := &LogEntry{WorkID: dw.ID, Kind: KindSettlementProposed, Dispute: &DisputeStep{DisputedWork: dw.ID, FirstWork: fw.ID,
		Prevailing: b.Prevailing, Basis: BasisSettlement, Terms: b.Terms}}
	if err := appendLog(ctx, e); err != nil {
		return err
	}
	d.Proposal = &Settlement{Prevailing: b.Prevailing, Terms: b.Terms, ProposedBy: ctx.Party(), Seq: e.Seq}
	if err := module.PutJSON(ctx.Store, disputeKey(d.WorkID), d); err != nil {
		return err
	}
	ctx.Emit("notary.settlement_proposed", "work_id", dw.ID, "first_work", fw.ID, "by", ctx.Signer.Org, "prevailing", b.Prevailing,
		"seq", strconv.FormatUint(e.Seq, 10))
	return ctx.SetResult(disputeResult{WorkID: dw.ID, Status: d.Status, Prevailing: b.Prevailing, Seq: e.Seq})
}

func (Module) acceptSettlement(ctx *module.Context, b *acceptBody) error {
	if err := validateAccept(b); err != nil {
		return err
	}
	d, dw, fw, err := openDispute(ctx.Store, b.WorkID)
	if err != nil {
		return err
	}
	if err := parties(ctx, dw, fw, "accept a settlement"); err != nil {
		return err
	}
	p := d.Proposal
	switch {
	case p == nil:
		return conflictf("no settlement of the dispute of work %s is proposed; one party proposes (propose_settlement), the other accepts", d.WorkID)
	case p.Seq != b.ProposalSeq:
		return conflictf("proposal_seq %d is not the standing proposal of the dispute of work %s, which is entry %d by %s; read it again before accepting",
			b.ProposalSeq, d.WorkID, p.Seq, p.ProposedBy.Org)
	case p.ProposedBy.Org == ctx.Signer.Org:
		return errcode.New(errcode.Unauthorized, "%s proposed this settlement itself; the other party accepts it", ctx.Signer.Org)
	}
	proposer := p.ProposedBy
	return resolve(ctx, d, dw, fw, &Resolution{DisputeStep: DisputeStep{Prevailing: p.Prevailing, Basis: BasisSettlement, Terms: p.Terms}, ProposedBy: &proposer})
}

// resolve ends an open dispute: the resolution in the dispute and in both
// registrations' logs, their open disputes counted down, the loser marked.
func resolve(ctx *module.Context, d *Dispute, dw, fw *Work, res *Resolution) error {
	res.DisputedWork, res.FirstWork = dw.ID, fw.ID
	res.By, res.Height, res.Time, res.TxHash = ctx.Party(), ctx.Height, field.BlockTime(ctx.Time), txHash(ctx)
	step := res.DisputeStep
	e := &LogEntry{WorkID: dw.ID, Kind: KindDisputeResolved, Dispute: &step}
	if err := appendLog(ctx, e); err != nil {
		return err
	}
	res.Seq = e.Seq
	fstep := step
	if err := appendLog(ctx, &LogEntry{WorkID: fw.ID, Kind: KindDisputeResolved, Dispute: &fstep}); err != nil {
		return err
	}
	d.Status, d.Proposal, d.Resolution = DisputeResolved, nil, res
	dw.OpenDisputes--
	fw.OpenDisputes--
	loser, winner := dw, fw
	if res.Prevailing == dw.ID {
		loser, winner = fw, dw
	}
	if loser.LostTo == "" {
		loser.LostTo = winner.ID
	}
	for _, w := range []*Work{dw, fw} {
		if err := module.PutJSON(ctx.Store, workKey(w.ID), w); err != nil {
			return err
		}
	}
	if err := module.PutJSON(ctx.Store, disputeKey(d.WorkID), d); err != nil {
		return err
	}
	ctx.Emit("notary.dispute_resolved", "work_id", dw.ID, "first_work", fw.ID, "prevailing", res.Prevailing, "basis", res.Basis,
		"by", ctx.Signer.Org, "seq", strconv.FormatUint(res.Seq, 10))
	return ctx.SetResult(disputeResult{WorkID: dw.ID, Status: d.Status, Prevailing: res.Prevailing, Seq: res.Seq})
}
