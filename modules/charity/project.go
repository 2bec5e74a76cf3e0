package charity

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// registerOrg records a charity's registration and opens its general
// fund.
func (Module) registerOrg(ctx *module.Context, b *charityapi.RegisterOrgBody) error {
	if err := checkRegistration(b); err != nil {
		return err
	}
	if _, err := member(ctx.Store, "org", b.Org, charityapi.Charity); err != nil {
		return err
	}
	if err := absent(ctx.Store, orgKey(b.Org), "the registration of "+b.Org); err != nil {
		return err
	}
	if prev, err := ctx.Store.Get(regNoKey(b.RegistrationNo)); err != nil {
		return err
	} else if prev != nil {
		return conflict("registration number %s is already registered to %s", b.RegistrationNo, prev)
	}
	st := stampOf(ctx)
	gf := charityapi.GeneralFund(b.Org)
	o := charityapi.Org{Org: b.Org, Kind: b.Kind, RegistrationNo: b.RegistrationNo, PublicFundraising: b.PublicFundraising,
		GeneralFund: gf, RegisteredBy: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	p := charityapi.Project{ID: gf, Kind: charityapi.ProjectKindGeneral, Owner: b.Org, Title: "General fund of " + b.Org,
		Lines: []charityapi.Line{}, Status: charityapi.StatusOpen, FiledBy: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	for _, w := range []struct {
		key []byte
		v   any
	}{{orgKey(b.Org), &o}, {projectKey(gf), &p}} {
		if err := module.PutJSON(ctx.Store, w.key, w.v); err != nil {
			return err
		}
	}
	for _, k := range [][]byte{regNoKey(b.RegistrationNo), ownerKey(b.Org, gf)} {
		v := present
		if string(k) == string(regNoKey(b.RegistrationNo)) {
			v = []byte(b.Org)
		}
		if err := ctx.Store.Set(k, v); err != nil {
			return err
		}
	}
	ctx.Emit("charity.registered", "org", b.Org, "registration_no", b.RegistrationNo)
	return ctx.SetResult(charityapi.OrgResult{Org: b.Org, GeneralFund: gf})
}

// fileProject records a project for the regulator's approval.
func (Module) fileProject(ctx *module.Context, b *charityapi.ProjectBody) error {
	total, err := checkProject(b)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	if _, err := GetOrg(ctx.Store, org); err != nil {
		return rule("%s files projects once the civil-affairs regulator has registered it as a charity (register_org)", org)
	}
	if d := today(ctx); b.EndDate < d {
		return rule("end_date %s is already past (today is %s)", b.EndDate, d)
	}
	goal := b.GoalFen
	if goal == 0 {
		goal = total
	}
	every := b.ReportEveryDays
	if every == 0 {
		every = charityapi.DefaultReportEveryDays
	}
	st := stampOf(ctx)
	id := field.RecordID("CP", "dengta/charity/project/v1", ctx.Time, org, st.tx)
	if err := absent(ctx.Store, projectKey(id), "project "+id); err != nil {
		return err
	}
	p := charityapi.Project{ID: id, Kind: charityapi.ProjectKindProject, Owner: org, Title: b.Title, Summary: b.Summary,
		Sector: b.Sector, Region: b.Region, GoalFen: goal, StartDate: b.StartDate, EndDate: b.EndDate, ReportEveryDays: every,
		Lines: linesOf(b.Lines), Status: charityapi.StatusFiled, FiledBy: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := putProject(ctx, &p); err != nil {
		return err
	}
	if err := ctx.Store.Set(ownerKey(org, id), present); err != nil {
		return err
	}
	ctx.Emit("charity.filed", "project", id, "org", org, "budget_fen", fen(total))
	return ctx.SetResult(charityapi.IDResult{ID: id})
}

func linesOf(in []charityapi.LineBody) []charityapi.Line {
	out := make([]charityapi.Line, len(in))
	for i, l := range in {
		out[i] = charityapi.Line{Code: l.Code, Name: l.Name, Category: l.Category, BudgetFen: l.BudgetFen}
	}
	return out
}

// approveProject opens a filed project under its filing number.
func (Module) approveProject(ctx *module.Context, b *charityapi.ApproveBody) error {
	if err := checkID("project", "CP", b.Project); err != nil {
		return err
	}
	if err := field.Text("filing_no", b.FilingNo, 1, 40); err != nil {
		return err
	}
	p, err := GetProject(ctx.Store, b.Project)
	if err != nil {
		return err
	}
	if p.Status != charityapi.StatusFiled {
		return conflict("project %s is %s, not waiting for approval", p.ID, p.Status)
	}
	if prev, err := ctx.Store.Get(filingKey(b.FilingNo)); err != nil {
		return err
	} else if prev != nil {
		return conflict("filing number %s was already given to project %s", b.FilingNo, prev)
	}
	p.Status, p.FilingNo, p.ApprovedBy, p.ApprovedDate = charityapi.StatusOpen, b.FilingNo, ctx.Signer.Org, today(ctx)
	if err := putProject(ctx, p); err != nil {
		return err
	}
	if err := ctx.Store.Set(filingKey(b.FilingNo), []byte(p.ID)); err != nil {
		return err
	}
	ctx.Emit("charity.approved", "project", p.ID, "filing_no", b.FilingNo)
	return ctx.SetResult(charityapi.IDResult{ID: p.ID})
}

// reviseBudget replaces a project's lines. A line that spent or holds
// restricted money stays, with its category, and never drops below what
// it spent.
func (Module) reviseBudget(ctx *module.Context, b *charityapi.ReviseBody) error {
	if err := checkID("project", "CP", b.Project); err != nil {
		return err
	}
	if _, err := checkLines(b.Lines); err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	p, err := ownProject(ctx, b.Project, "revise its budget")
	if err != nil {
		return err
	}
	if p.Status == charityapi.StatusClosed {
		return conflict("project %s was closed on %s; its budget is final", p.ID, p.ClosedDate)
	}
	next := linesOf(b.Lines)
	for _, old := range p.Lines {
		i := slices.IndexFunc(next, func(l charityapi.Line) bool { return l.Code == old.Code })
		used := old.SpentFen > 0 || old.RestrictedFen > 0
		if i < 0 {
			if used {
				return rule("line %s spent %s and was given %s restricted to it; it cannot be removed", old.Code, yuan(old.SpentFen), yuan(old.RestrictedFen))
			}
			continue
		}
		n := &next[i]
		n.SpentFen, n.RestrictedFen = old.SpentFen, old.RestrictedFen
		if used && n.Category != old.Category {
			return rule("line %s already spent or holds money as %s; its category cannot change to %s", old.Code, old.Category, n.Category)
		}
		if n.BudgetFen < old.SpentFen {
			return rule("line %s already spent %s; its budget cannot go down to %s", old.Code, yuan(old.SpentFen), yuan(n.BudgetFen))
		}
	}
	st := stampOf(ctx)
	p.Revisions++
	rev := charityapi.Revision{Project: p.ID, Seq: p.Revisions, Reason: b.Reason, Before: p.Lines, After: next,
		By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := absent(ctx.Store, revisionKey(p.ID, rev.Seq), fmt.Sprintf("revision %d of %s", rev.Seq, p.ID)); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, revisionKey(p.ID, rev.Seq), &rev); err != nil {
		return err
	}
	p.Lines = next
	if err := putProject(ctx, p); err != nil {
		return err
	}
	ctx.Emit("charity.budget_revised", "project", p.ID, "revision", fen(rev.Seq), "budget_fen", fen(p.BudgetFen()))
	return ctx.SetResult(charityapi.IDResult{ID: p.ID})
}

// fileReport records a report: progress and final ones by the project's
// charity, audit ones by an auditor that is not the charity.
func (Module) fileReport(ctx *module.Context, b *charityapi.ReportBody) error {
	if err := checkID("project", "CP", b.Project); err != nil {
		return err
	}
	if err := field.OneOf("kind", b.Kind, charityapi.ReportKinds); err != nil {
		return err
	}
	if err := field.Date("period_from", b.PeriodFrom); err != nil {
		return err
	}
	if err := field.Date("period_to", b.PeriodTo); err != nil {
		return err
	}
	if b.PeriodTo < b.PeriodFrom {
		return malformed("period_to %s is before period_from %s", b.PeriodTo, b.PeriodFrom)
	}
	if err := field.Text("summary", b.Summary, 1, 1000, field.Multiline); err != nil {
		return err
	}
	if len(b.Files) == 0 || len(b.Files) > charityapi.MaxDocs {
		return malformed("files must list 1 to %d files, got %d", charityapi.MaxDocs, len(b.Files))
	}
	files := make([]charityapi.File, len(b.Files))
	for i, f := range b.Files {
		if err := field.Text(fmt.Sprintf("files[%d].name", i), f.Name, 1, 80); err != nil {
			return err
		}
		if err := field.SHA256(fmt.Sprintf("files[%d].sha256", i), f.SHA256); err != nil {
			return err
		}
		files[i] = charityapi.File(f)
	}
	p, err := GetProject(ctx.Store, b.Project)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	if b.Kind == charityapi.ReportAudit {
		if !slices.Contains(ctx.Signer.Roles, charityapi.Auditor) {
			return unauthorized("audit reports are filed by an auditor; %s is not one", org)
		}
		if org == p.Owner {
			return unauthorized("%s runs project %s and cannot audit it", org, p.ID)
		}
	} else if org != p.Owner {
		return unauthorized("project %s belongs to %s; only its charity files %s reports", p.ID, p.Owner, b.Kind)
	}
	if p.Status == charityapi.StatusFiled {
		return conflict("project %s is waiting for approval; reports are on open and closed projects", p.ID)
	}
	d := today(ctx)
	if b.PeriodFrom > d {
		return rule("period_from %s is in the future (today is %s)", b.PeriodFrom, d)
	}
	st := stampOf(ctx)
	p.Reports++
	r := charityapi.Report{Project: p.ID, Seq: p.Reports, Kind: b.Kind, PeriodFrom: b.PeriodFrom, PeriodTo: b.PeriodTo,
		Summary: b.Summary, Files: files, Date: d, By: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := absent(ctx.Store, reportKey(p.ID, r.Seq), fmt.Sprintf("report %d of %s", r.Seq, p.ID)); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, reportKey(p.ID, r.Seq), &r); err != nil {
		return err
	}
	switch b.Kind {
	case charityapi.ReportProgress:
		p.LastReportDate = d
	case charityapi.ReportFinal:
		p.LastReportDate, p.FinalReportDate = d, d
	case charityapi.ReportAudit:
		p.AuditReportDate = d
	}
	if err := putProject(ctx, p); err != nil {
		return err
	}
	ctx.Emit("charity.reported", "project", p.ID, "kind", b.Kind, "seq", fen(r.Seq))
	return ctx.SetResult(charityapi.IDResult{ID: fmt.Sprintf("%s/%d", p.ID, r.Seq)})
}

// closeProject closes a project, passing its unspent balance on to another
// open project.
func (Module) closeProject(ctx *module.Context, b *charityapi.CloseBody) error {
	if err := checkID("project", "CP", b.Project); err != nil {
		return err
	}
	if b.BalanceTo != "" {
		if err := projectID("balance_to", b.BalanceTo); err != nil {
			return err
		}
	}
	if err := field.Text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	p, err := ownProject(ctx, b.Project, "close it")
	if err != nil {
		return err
	}
	if p.Status == charityapi.StatusClosed {
		return conflict("project %s was already closed on %s", p.ID, p.ClosedDate)
	}
	d := today(ctx)
	pl := newPools(ctx)
	pl.projects[p.ID] = p
	pl.order = append(pl.order, "p"+p.ID)
	if bal := p.BalanceFen(); bal > 0 {
		if b.BalanceTo == "" {
			return rule("project %s still holds %s; name the open project that receives it (balance_to), or refund its donors first", p.ID, yuan(bal))
		}
		if b.BalanceTo == p.ID {
			return malformed("balance_to is the project being closed")
		}
		to, err := pl.project(b.BalanceTo)
		if err != nil {
			return err
		}
		if err := receivable(to, d); err != nil {
			return err
		}
		if _, err := module.ActiveOrg(ctx.Store, "balance_to's charity", to.Owner); err != nil {
			return err
		}
		var ranges []charityapi.Range
		queues := []string{}
		for _, l := range p.Lines {
			queues = append(queues, charityapi.QueueID(p.ID, l.Code))
		}
		queues = append(queues, charityapi.QueueID(p.ID, charityapi.ProjectLevel))
		for _, id := range queues {
			q, err := pl.queue(id)
			if err != nil {
				return err
			}
			if n := q.AvailableFen(); n > 0 {
				ranges = append(ranges, take(q, n)...)
			}
		}
		t, err := transferTo(ctx, pl, transferSpec{kind: charityapi.TransferBalance, from: p, to: to, amount: bal, ranges: ranges,
			purpose: "balance of closed project " + p.ID + ": " + b.Reason, index: 0})
		if err != nil {
			return err
		}
		p.BalanceTo = t.ID
	}
	p.Status, p.ClosedDate, p.CloseReason = charityapi.StatusClosed, d, b.Reason
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.closed", "project", p.ID, "balance_to", p.BalanceTo)
	return ctx.SetResult(charityapi.IDResult{ID: p.ID})
}
