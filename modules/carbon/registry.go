package carbon

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// The project registry: a developer submits a project, the registry
// authority registers it; the developer submits monitoring reports, an
// inspector verifies them, and the registry issues the verified
// reductions in vintage batches to the developer's account.

func (Module) submitProject(ctx *module.Context, b *carbonapi.ProjectBody) error {
	if err := checkProject(b); err != nil {
		return err
	}
	n, err := next(ctx, "project")
	if err != nil {
		return err
	}
	p := carbonapi.Project{ID: fmt.Sprintf("PRJ-%06d", n), Name: b.Name, Methodology: b.Methodology, Sector: b.Sector, Province: b.Province,
		Location: b.Location, Latitude: b.Latitude, Longitude: b.Longitude, Description: b.Description, DesignSHA256: b.DesignSHA256,
		CreditingStart: b.CreditingStart, CreditingEnd: b.CreditingEnd, EstimatedAnnualT: b.EstimatedAnnualT,
		Developer: ctx.Signer.Org, Status: carbonapi.StatusSubmitted, Submitted: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, projectKey(p.ID), &p); err != nil {
		return err
	}
	if err := ctx.Store.Set(queueKey(queueRegister, p.ID), present); err != nil {
		return err
	}
	ctx.Emit("carbon.project_submitted", "project", p.ID, "developer", p.Developer)
	return ctx.SetResult(carbonapi.IDResult{ID: p.ID})
}

func checkProject(b *carbonapi.ProjectBody) error {
	if err := text("name", b.Name, 1, 100); err != nil {
		return err
	}
	if err := code("methodology", b.Methodology, 2, 40, " ._/-", "CCER-14-001-V01"); err != nil {
		return err
	}
	if err := field.OneOf("sector", b.Sector, carbonapi.Sectors); err != nil {
		return err
	}
	if err := text("province", b.Province, 1, 40); err != nil {
		return err
	}
	if err := optText("location", b.Location, 100); err != nil {
		return err
	}
	if (b.Latitude == "") != (b.Longitude == "") {
		return malformed("latitude and longitude go together: give both or neither")
	}
	if b.Latitude != "" {
		if err := coordinate("latitude", b.Latitude, 90); err != nil {
			return err
		}
		if err := coordinate("longitude", b.Longitude, 180); err != nil {
			return err
		}
	}
	if err := text("description", b.Description, 1, 1000); err != nil {
		return err
	}
	if err := sha("design_sha256", b.DesignSHA256); err != nil {
		return err
	}
	if err := field.Date("crediting_start", b.CreditingStart); err != nil {
		return err
	}
	if err := field.Date("crediting_end", b.CreditingEnd); err != nil {
		return err
	}
	if b.CreditingEnd < b.CreditingStart {
		return malformed("crediting_end %s is before crediting_start %s", b.CreditingEnd, b.CreditingStart)
	}
	sy, _ := strconv.Atoi(b.CreditingStart[:4])
	ey, _ := strconv.Atoi(b.CreditingEnd[:4])
	if sy < minYear || ey-sy > 60 || ey > maxYear {
		return malformed("the crediting period %s to %s must lie between %d and %d and last at most 60 years", b.CreditingStart, b.CreditingEnd, minYear, maxYear)
	}
	if b.EstimatedAnnualT < 0 || b.EstimatedAnnualT > carbonapi.MaxQuantity {
		return malformed("estimated_annual_t must be 0 to %d", carbonapi.MaxQuantity)
	}
	return nil
}

func (Module) registerProject(ctx *module.Context, b *carbonapi.RegisterProjectBody) error {
	if err := recordID("project", b.Project); err != nil {
		return err
	}
	if b.RegistrationNo != "" {
		if err := text("registration_no", b.RegistrationNo, 1, 40); err != nil {
			return err
		}
	}
	p, err := GetProject(ctx.Store, b.Project)
	if err != nil {
		return err
	}
	if p.Status != carbonapi.StatusSubmitted {
		return conflict("project %s was registered on %s", p.ID, p.Registered.Time)
	}
	if p.Developer == ctx.Signer.Org {
		return unauthorized("project %s is %s's own; another registry authority registers it", p.ID, p.Developer)
	}
	st := stampOf(ctx)
	p.Status, p.Registered, p.ComplianceEligible = carbonapi.StatusRegistered, &st, b.ComplianceEligible
	p.RegistrationNo = b.RegistrationNo
	if p.RegistrationNo == "" {
		p.RegistrationNo = p.ID
	}
	if err := module.PutJSON(ctx.Store, projectKey(p.ID), p); err != nil {
		return err
	}
	if err := ctx.Store.Delete(queueKey(queueRegister, p.ID)); err != nil {
		return err
	}
	ctx.Emit("carbon.project_registered", "project", p.ID)
	return ctx.SetResult(carbonapi.IDResult{ID: p.ID})
}

func (Module) submitMonitoring(ctx *module.Context, b *carbonapi.MonitoringBody) error {
	if err := recordID("project", b.Project); err != nil {
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
	if err := checkQuantity("claimed_t", b.ClaimedT); err != nil {
		return err
	}
	if err := sha("report_sha256", b.ReportSHA256); err != nil {
		return err
	}
	p, err := GetProject(ctx.Store, b.Project)
	if err != nil {
		return err
	}
	if p.Developer != ctx.Signer.Org {
		return unauthorized("project %s is %s's; only its developer submits its monitoring reports", p.ID, p.Developer)
	}
	if p.Status != carbonapi.StatusRegistered {
		return conflict("project %s is not registered yet; the registry registers it first", p.ID)
	}
	if b.PeriodFrom < p.CreditingStart || b.PeriodTo > p.CreditingEnd {
		return rule("the period %s to %s is outside the crediting period %s to %s", b.PeriodFrom, b.PeriodTo, p.CreditingStart, p.CreditingEnd)
	}
	if d := today(ctx); b.PeriodTo >= d {
		return rule("the period ends on %s, not before today (%s): monitor a period that is over", b.PeriodTo, d)
	}
	n, err := next(ctx, "report")
	if err != nil {
		return err
	}
	r := carbonapi.Report{ID: fmt.Sprintf("MR-%06d", n), Project: p.ID, PeriodFrom: b.PeriodFrom, PeriodTo: b.PeriodTo, ClaimedT: b.ClaimedT,
		ReportSHA256: b.ReportSHA256, Status: carbonapi.StatusSubmitted, Submitted: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, reportKey(r.ID), &r); err != nil {
		return err
	}
	p.Reports++
	if err := module.PutJSON(ctx.Store, projectKey(p.ID), p); err != nil {
		return err
	}
	for _, k := range [][]byte{preportKey(p.ID, r.ID), queueKey(queueVerify, r.ID)} {
		if err := ctx.Store.Set(k, present); err != nil {
			return err
		}
	}
	ctx.Emit("carbon.monitoring_submitted", "report", r.ID, "project", p.ID)
	return ctx.SetResult(carbonapi.IDResult{ID: r.ID})
}

func (Module) verifyMonitoring(ctx *module.Context, b *carbonapi.VerifyBody) error {
	if err := recordID("report", b.Report); err != nil {
		return err
	}
	if err := field.OneOf("opinion", b.Opinion, carbonapi.Opinions); err != nil {
		return err
	}
	if err := sha("statement_sha256", b.StatementSHA256); err != nil {
		return err
	}
	if err := optText("note", b.Note, 200); err != nil {
		return err
	}
	switch {
	case b.Opinion == carbonapi.OpinionNegative && b.VerifiedT != 0:
		return malformed("verified_t must be 0 with a negative opinion")
	case b.Opinion == carbonapi.OpinionPositive:
		if err := checkQuantity("verified_t", b.VerifiedT); err != nil {
			return err
		}
	}
	r, err := GetReport(ctx.Store, b.Report)
	if err != nil {
		return err
	}
	if r.Status != carbonapi.StatusSubmitted {
		return conflict("report %s was already %s", r.ID, r.Status)
	}
	p, err := GetProject(ctx.Store, r.Project)
	if err != nil {
		return err
	}
	if p.Developer == ctx.Signer.Org {
		return unauthorized("report %s is of %s's own project; an independent verifier signs it", r.ID, p.Developer)
	}
	if b.VerifiedT > r.ClaimedT {
		return rule("verified_t %d is more than the %d tCO2e claimed", b.VerifiedT, r.ClaimedT)
	}
	v := carbonapi.Verification{Report: r.ID, Project: r.Project, Opinion: b.Opinion, VerifiedT: b.VerifiedT, StatementSHA256: b.StatementSHA256,
		Note: b.Note, Stamp: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, verifKey(r.ID), &v); err != nil {
		return err
	}
	r.Status, r.VerifiedT = carbonapi.StatusVerified, b.VerifiedT
	if b.Opinion == carbonapi.OpinionNegative {
		r.Status = carbonapi.StatusRejected
	}
	if err := module.PutJSON(ctx.Store, reportKey(r.ID), r); err != nil {
		return err
	}
	if err := ctx.Store.Delete(queueKey(queueVerify, r.ID)); err != nil {
		return err
	}
	if r.Status == carbonapi.StatusVerified {
		if err := ctx.Store.Set(queueKey(queueIssue, r.ID), present); err != nil {
			return err
		}
	}
	ctx.Emit("carbon.monitoring_verified", "report", r.ID, "opinion", b.Opinion, "verified_t", strconv.FormatInt(b.VerifiedT, 10))
	return ctx.SetResult(carbonapi.IDResult{ID: r.ID})
}

func (Module) issueCredits(ctx *module.Context, b *carbonapi.IssueBody) error {
	if err := recordID("report", b.Report); err != nil {
		return err
	}
	if len(b.Vintages) == 0 || len(b.Vintages) > carbonapi.MaxVintages {
		return malformed("vintages: give 1 to %d batches, one per vintage year", carbonapi.MaxVintages)
	}
	var sum int64
	seen := map[int]bool{}
	for i, v := range b.Vintages {
		if err := checkYear(fmt.Sprintf("vintages[%d].year", i), v.Year); err != nil {
			return err
		}
		if err := checkQuantity(fmt.Sprintf("vintages[%d].quantity", i), v.Quantity); err != nil {
			return err
		}
		if seen[v.Year] {
			return malformed("vintages: %d is given twice", v.Year)
		}
		seen[v.Year] = true
		sum += v.Quantity
	}
	r, err := GetReport(ctx.Store, b.Report)
	if err != nil {
		return err
	}
	if r.Status != carbonapi.StatusVerified {
		return conflict("report %s is %s; credits are issued only for a positively verified report", r.ID, r.Status)
	}
	if left := r.VerifiedT - r.IssuedT; sum > left {
		return rule("report %s has %d tCO2e verified and %d issued; %d more cannot be issued", r.ID, r.VerifiedT, r.IssuedT, sum)
	}
	from, _ := strconv.Atoi(r.PeriodFrom[:4])
	to, _ := strconv.Atoi(r.PeriodTo[:4])
	p, err := GetProject(ctx.Store, r.Project)
	if err != nil {
		return err
	}
	for _, v := range b.Vintages {
		if v.Year < from || v.Year > to {
			return rule("vintage %d is outside the monitoring period %s to %s", v.Year, r.PeriodFrom, r.PeriodTo)
		}
	}
	res := carbonapi.IssueResult{}
	for _, v := range b.Vintages {
		id, err := batchID(ctx, carbonapi.KindCredit, strconv.Itoa(v.Year))
		if err != nil {
			return err
		}
		bt := &carbonapi.Batch{ID: id, Kind: carbonapi.KindCredit, Quantity: v.Quantity, IssuedTo: p.Developer, Project: p.ID, Report: r.ID,
			Vintage: v.Year, Methodology: p.Methodology}
		if err := newBatch(ctx, bt); err != nil {
			return err
		}
		for _, k := range [][]byte{pbatchKey(p.ID, id), rbatchKey(r.ID, id)} {
			if err := ctx.Store.Set(k, present); err != nil {
				return err
			}
		}
		res.Batches = append(res.Batches, id)
	}
	r.IssuedT += sum
	p.IssuedT += sum
	if err := module.PutJSON(ctx.Store, reportKey(r.ID), r); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, projectKey(p.ID), p); err != nil {
		return err
	}
	if r.IssuedT == r.VerifiedT {
		if err := ctx.Store.Delete(queueKey(queueIssue, r.ID)); err != nil {
			return err
		}
	}
	return ctx.SetResult(res)
}
