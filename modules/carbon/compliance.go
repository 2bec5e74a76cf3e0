package carbon

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// Emissions compliance (全国碳排放权交易): the registry opens a compliance
// year with its deadlines and allocates allowances to covered entities;
// each files its emission report for the year, an inspector verifies it,
// and the entity surrenders allowances of the year or earlier, or credits
// of eligible projects within the offset limit, to cover its verified
// emissions by the surrender deadline.

func (Module) openCompliance(ctx *module.Context, b *carbonapi.ComplianceYearBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if err := field.Date("report_due", b.ReportDue); err != nil {
		return err
	}
	if err := field.Date("surrender_due", b.SurrenderDue); err != nil {
		return err
	}
	after := fmt.Sprintf("%04d-12-31", b.Year)
	if b.ReportDue <= after {
		return malformed("report_due %s must be after the year %d ends", b.ReportDue, b.Year)
	}
	if b.SurrenderDue < b.ReportDue {
		return malformed("surrender_due %s is before report_due %s", b.SurrenderDue, b.ReportDue)
	}
	limit := b.OffsetLimitBP
	if limit == 0 {
		limit = carbonapi.DefaultOffsetLimitBP
	}
	if limit < 0 || limit > 10_000 {
		return malformed("offset_limit_bp must be 0 to 10000 basis points")
	}
	if err := absent(ctx.Store, cyearKey(b.Year), fmt.Sprintf("compliance year %d", b.Year)); err != nil {
		return err
	}
	if d := today(ctx); b.SurrenderDue < d {
		return rule("surrender_due %s is already past (today is %s)", b.SurrenderDue, d)
	}
	y := carbonapi.ComplianceYear{Year: b.Year, ReportDue: b.ReportDue, SurrenderDue: b.SurrenderDue, OffsetLimitBP: limit, Opened: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, cyearKey(b.Year), &y); err != nil {
		return err
	}
	ctx.Emit("carbon.compliance_opened", "year", strconv.Itoa(b.Year))
	return ctx.SetResult(carbonapi.IDResult{ID: strconv.Itoa(b.Year)})
}

func (Module) allocate(ctx *module.Context, b *carbonapi.AllocateBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if err := checkQuantity("quantity", b.Quantity); err != nil {
		return err
	}
	if err := optText("note", b.Note, 200); err != nil {
		return err
	}
	if _, err := member(ctx.Store, "org", b.Org, carbonapi.Covered); err != nil {
		return err
	}
	y, err := GetComplianceYear(ctx.Store, b.Year)
	if err != nil {
		return err
	}
	if d := today(ctx); d > y.SurrenderDue {
		return rule("compliance year %d closed on %s; allowances of it are no longer allocated", b.Year, y.SurrenderDue)
	}
	c := carbonapi.Compliance{Year: b.Year, Org: b.Org, Batches: []string{}, Surrenders: []string{}}
	if _, err := module.GetJSON(ctx.Store, compKey(b.Year, b.Org), &c); err != nil {
		return err
	}
	id, err := batchID(ctx, carbonapi.KindAllowance, strconv.Itoa(b.Year))
	if err != nil {
		return err
	}
	if err := newBatch(ctx, &carbonapi.Batch{ID: id, Kind: carbonapi.KindAllowance, Quantity: b.Quantity, IssuedTo: b.Org, Year: b.Year}); err != nil {
		return err
	}
	c.AllocatedT += b.Quantity
	c.Batches = append(c.Batches, id)
	if err := module.PutJSON(ctx.Store, compKey(b.Year, b.Org), &c); err != nil {
		return err
	}
	return ctx.SetResult(carbonapi.IssueResult{Batches: []string{id}})
}

func (Module) fileEmissions(ctx *module.Context, b *carbonapi.EmissionsBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if b.EmissionsT < 0 || b.EmissionsT > carbonapi.MaxQuantity {
		return malformed("emissions_t must be 0 to %d", carbonapi.MaxQuantity)
	}
	if err := sha("report_sha256", b.ReportSHA256); err != nil {
		return err
	}
	y, err := GetComplianceYear(ctx.Store, b.Year)
	if err != nil {
		return err
	}
	c, err := GetCompliance(ctx.Store, b.Year, ctx.Signer.Org)
	if err != nil {
		return err
	}
	d := today(ctx)
	switch {
	case c.Verified:
		return conflict("the %d report of %s was verified on %s; a verified report is not refiled", b.Year, c.Org, c.VerifiedAt)
	case d <= fmt.Sprintf("%04d-12-31", b.Year):
		return rule("the year %d is not over (today is %s); its report is filed after it ends", b.Year, d)
	case d > y.SurrenderDue:
		return rule("compliance year %d closed on %s", b.Year, y.SurrenderDue)
	}
	c.Reports++
	rep := carbonapi.EmissionReport{Year: b.Year, Org: c.Org, Revision: c.Reports, EmissionsT: b.EmissionsT, ReportSHA256: b.ReportSHA256, Stamp: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, emrepKey(b.Year, c.Org, c.Reports), &rep); err != nil {
		return err
	}
	c.ReportedT, c.ReportSHA256, c.ReportedAt, c.LateReport = b.EmissionsT, b.ReportSHA256, rep.Time, d > y.ReportDue
	if err := module.PutJSON(ctx.Store, compKey(b.Year, c.Org), c); err != nil {
		return err
	}
	ctx.Emit("carbon.emissions_filed", "year", strconv.Itoa(b.Year), "org", c.Org, "revision", strconv.Itoa(c.Reports))
	return ctx.SetResult(carbonapi.IDResult{ID: fmt.Sprintf("%d/%s/%d", b.Year, c.Org, c.Reports)})
}

func (Module) verifyEmissions(ctx *module.Context, b *carbonapi.VerifyEmissionsBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if err := orgID("org", b.Org); err != nil {
		return err
	}
	if b.VerifiedT < 0 || b.VerifiedT > carbonapi.MaxQuantity {
		return malformed("verified_t must be 0 to %d", carbonapi.MaxQuantity)
	}
	if err := sha("statement_sha256", b.StatementSHA256); err != nil {
		return err
	}
	if b.Org == ctx.Signer.Org {
		return unauthorized("%s cannot verify its own emissions; an independent verifier signs them", b.Org)
	}
	c, err := GetCompliance(ctx.Store, b.Year, b.Org)
	if err != nil {
		return err
	}
	switch {
	case c.Verified:
		return conflict("the %d emissions of %s were verified on %s", b.Year, b.Org, c.VerifiedAt)
	case c.Reports == 0:
		return conflict("%s has filed no emission report for %d yet", b.Org, b.Year)
	}
	st := stampOf(ctx)
	c.Verified, c.VerifiedT, c.VerifiedBy, c.VerifiedAt, c.StatementSHA256 = true, b.VerifiedT, ctx.Signer.Org, st.Time, b.StatementSHA256
	if err := module.PutJSON(ctx.Store, compKey(b.Year, b.Org), c); err != nil {
		return err
	}
	ctx.Emit("carbon.emissions_verified", "year", strconv.Itoa(b.Year), "org", b.Org, "verified_t", strconv.FormatInt(b.VerifiedT, 10))
	return ctx.SetResult(carbonapi.IDResult{ID: fmt.Sprintf("%d/%s", b.Year, b.Org)})
}

// CreditLimit is how many eligible credits may be surrendered against
// verified emissions: floor(verified × limit / 10000).
func CreditLimit(verifiedT int64, limitBP int) int64 {
	return verifiedT/10_000*int64(limitBP) + verifiedT%10_000*int64(limitBP)/10_000
}

func (Module) surrender(ctx *module.Context, b *carbonapi.SurrenderBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if err := checkQuantity("quantity", b.Quantity); err != nil {
		return err
	}
	y, err := GetComplianceYear(ctx.Store, b.Year)
	if err != nil {
		return err
	}
	c, err := GetCompliance(ctx.Store, b.Year, ctx.Signer.Org)
	if err != nil {
		return err
	}
	if d := today(ctx); d > y.SurrenderDue {
		return rule("the surrender deadline of %d was %s (today is %s)", b.Year, y.SurrenderDue, d)
	}
	if !c.Verified {
		return conflict("the %d emissions of %s are not verified yet; surrender once they are", b.Year, c.Org)
	}
	if owed := c.VerifiedT - c.AllowancesT - c.CreditsT; b.Quantity > owed {
		return rule("%s owes %d tCO2e for %d; surrendering %d would be more", c.Org, owed, b.Year, b.Quantity)
	}
	bt, err := movable(ctx, b.Batch, "surrendered")
	if err != nil {
		return err
	}
	isCredit := false
	switch bt.Kind {
	case carbonapi.KindAllowance:
		if bt.Year > b.Year {
			return rule("batch %s holds allowances of %d; the %d obligation takes allowances of %d or earlier", bt.ID, bt.Year, b.Year, b.Year)
		}
	case carbonapi.KindCredit:
		p, err := GetProject(ctx.Store, bt.Project)
		if err != nil {
			return err
		}
		if !p.ComplianceEligible {
			return rule("batch %s is of project %s, which is not eligible for compliance", bt.ID, p.ID)
		}
		if bt.Vintage > b.Year {
			return rule("batch %s is of vintage %d, later than the compliance year %d", bt.ID, bt.Vintage, b.Year)
		}
		if limit := CreditLimit(c.VerifiedT, y.OffsetLimitBP); c.CreditsT+b.Quantity > limit {
			return rule("credits may cover %d tCO2e of %s's %d tCO2e (%d.%02d %%); %d are already surrendered", limit, c.Org, c.VerifiedT,
				y.OffsetLimitBP/100, y.OffsetLimitBP%100, c.CreditsT)
		}
		isCredit = true
	default:
		return rule("batch %s holds green certificates, which do not count for emissions compliance", bt.ID)
	}
	taken, st, err := debit(ctx, ctx.Signer.Org, bt, b.Quantity, b.Ranges)
	if err != nil {
		return err
	}
	cl := &carbonapi.Closure{Kind: carbonapi.Surrendered, Holder: c.Org, Quantity: b.Quantity, Year: b.Year}
	if err := closeUnits(ctx, cl, bt, taken, st); err != nil {
		return err
	}
	if isCredit {
		c.CreditsT += b.Quantity
	} else {
		c.AllowancesT += b.Quantity
	}
	c.Surrenders = append(c.Surrenders, cl.ID)
	return module.PutJSON(ctx.Store, compKey(b.Year, c.Org), c)
}

// Status derives a covered entity's compliance status on date.
func Status(y *carbonapi.ComplianceYear, c *carbonapi.Compliance, date string) string {
	switch {
	case c.Reports == 0 && date > y.ReportDue:
		return carbonapi.ComplianceReportOverdue
	case c.Reports == 0:
		return carbonapi.ComplianceAwaitingReport
	case !c.Verified && date > y.SurrenderDue:
		return carbonapi.ComplianceNonCompliant
	case !c.Verified:
		return carbonapi.ComplianceAwaitingVerification
	case c.AllowancesT+c.CreditsT >= c.VerifiedT:
		return carbonapi.ComplianceCompliant
	case date > y.SurrenderDue:
		return carbonapi.ComplianceNonCompliant
	}
	return carbonapi.ComplianceOpen
}
