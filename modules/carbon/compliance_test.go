package carbon_test

import (
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// TestCompliance runs a compliance year: allocation, reports,
// verification, surrenders of allowances and eligible credits within the
// offset limit, and the statuses the regulator sees before and after the
// deadline.
func TestCompliance(t *testing.T) {
	c := newChain(t)
	testchain.Refusals(t, c, carbon.Name, "reg", "open_compliance", []vcase{
		{"report due within the year", "", carbonapi.ComplianceYearBody{Year: 2025, ReportDue: "2025-12-31", SurrenderDue: "2026-12-31"}, errcode.MalformedBody},
		{"surrender before the report", "", carbonapi.ComplianceYearBody{Year: 2025, ReportDue: "2026-03-31", SurrenderDue: "2026-03-30"}, errcode.MalformedBody},
		{"already closed", "", carbonapi.ComplianceYearBody{Year: 2024, ReportDue: "2025-03-31", SurrenderDue: "2025-12-31"}, errcode.RuleViolation},
		{"limit over 100 %", "", carbonapi.ComplianceYearBody{Year: 2025, ReportDue: "2026-03-31", SurrenderDue: "2026-12-31", OffsetLimitBP: 10_001}, errcode.MalformedBody},
	})
	do(t, c, "reg", "open_compliance", carbonapi.ComplianceYearBody{Year: 2025, ReportDue: "2026-03-31", SurrenderDue: "2026-12-31"}, errcode.OK)
	do(t, c, "reg", "open_compliance", carbonapi.ComplianceYearBody{Year: 2025, ReportDue: "2026-03-31", SurrenderDue: "2026-12-31"}, errcode.Conflict)
	testchain.Refusals(t, c, carbon.Name, "reg", "allocate", []vcase{
		{"not a covered entity", "", carbonapi.AllocateBody{Year: 2025, Org: "buyer", Quantity: 100}, errcode.RuleViolation},
		{"a year not open", "", carbonapi.AllocateBody{Year: 2026, Org: "cement", Quantity: 100}, errcode.NotFound},
	})
	a1 := batches(do(t, c, "reg", "allocate", carbonapi.AllocateBody{Year: 2025, Org: "cement", Quantity: 90_000, Note: "预分配"}, errcode.OK))[0]
	do(t, c, "reg", "allocate", carbonapi.AllocateBody{Year: 2025, Org: "power", Quantity: 500_000}, errcode.OK)
	if a1 != "CEA-2025-000001" {
		t.Fatalf("allowance batch %s", a1)
	}
	// Eligible credits of dev2's project, bought by the cement plant, and
	// credits of a project that is not eligible.
	_, eligible := credits(t, c, "dev2", 10_000, true)
	_, plain := credits(t, c, "dev", 1_000, false)
	do(t, c, "dev2", "transfer", carbonapi.TransferBody{Batch: eligible[1], To: "cement", Quantity: 5_000}, errcode.OK)
	do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: plain[1], To: "cement", Quantity: 100}, errcode.OK)

	testchain.Refusals(t, c, carbon.Name, "cement", "surrender", []vcase{
		{"before verification", "", carbonapi.SurrenderBody{Year: 2025, Batch: a1, Quantity: 10}, errcode.Conflict},
	})
	testchain.Refusals(t, c, carbon.Name, "cement", "file_emissions", []vcase{
		{"a year not over", "", carbonapi.EmissionsBody{Year: 2026, EmissionsT: 1, ReportSHA256: sha("e")}, errcode.NotFound},
		{"not covered", "power", carbonapi.EmissionsBody{Year: 2024, EmissionsT: 1, ReportSHA256: sha("e")}, errcode.NotFound},
		{"negative", "", carbonapi.EmissionsBody{Year: 2025, EmissionsT: -1, ReportSHA256: sha("e")}, errcode.MalformedBody},
	})
	do(t, c, "cement", "file_emissions", carbonapi.EmissionsBody{Year: 2025, EmissionsT: 101_000, ReportSHA256: sha("cement 2025 v1")}, errcode.OK)
	do(t, c, "cement", "file_emissions", carbonapi.EmissionsBody{Year: 2025, EmissionsT: 100_500, ReportSHA256: sha("cement 2025 v2")}, errcode.OK)
	testchain.Refusals(t, c, carbon.Name, "ver", "verify_emissions", []vcase{
		{"no report filed", "", carbonapi.VerifyEmissionsBody{Year: 2025, Org: "power", VerifiedT: 1, StatementSHA256: sha("v")}, errcode.Conflict},
	})
	do(t, c, "ver", "verify_emissions", carbonapi.VerifyEmissionsBody{Year: 2025, Org: "cement", VerifiedT: 100_000, StatementSHA256: sha("cement verified")}, errcode.OK)
	do(t, c, "ver", "verify_emissions", carbonapi.VerifyEmissionsBody{Year: 2025, Org: "cement", VerifiedT: 1, StatementSHA256: sha("again")}, errcode.Conflict)
	do(t, c, "cement", "file_emissions", carbonapi.EmissionsBody{Year: 2025, EmissionsT: 1, ReportSHA256: sha("late revision")}, errcode.Conflict)

	sur := func(batch string, q int64) carbonapi.SurrenderBody {
		return carbonapi.SurrenderBody{Year: 2025, Batch: batch, Quantity: q}
	}
	testchain.Refusals(t, c, carbon.Name, "cement", "surrender", []vcase{
		{"credits of a project not eligible", "", sur(plain[1], 10), errcode.RuleViolation},
		{"credits beyond the 5 % limit", "", sur(eligible[1], 5_001), errcode.RuleViolation},
		{"more than owed", "", sur(a1, 90_001), errcode.RuleViolation},
		{"an entity not verified", "power", sur(a1, 1), errcode.Conflict},
	})
	do(t, c, "cement", "surrender", sur(eligible[1], 5_000), errcode.OK)
	do(t, c, "cement", "surrender", sur(eligible[1], 1), errcode.RuleViolation)
	do(t, c, "cement", "surrender", sur(a1, 90_000), errcode.OK)

	view := func(date string) *carbonapi.ComplianceView {
		cv, err := carbon.ComplianceOf(c.View(), 2025, date, "")
		if err != nil {
			t.Fatal(err)
		}
		return cv
	}
	cv := view("2026-03-15")
	byOrg := map[string]carbonapi.ComplianceLine{}
	for _, l := range cv.Entities {
		byOrg[l.Org] = l
	}
	if l := byOrg["cement"]; l.Status != carbonapi.ComplianceOpen || l.ShortfallT != 5_000 || l.CreditsT != 5_000 || l.AllowancesT != 90_000 || l.Reports != 2 || l.CreditRoomT != 0 {
		t.Fatalf("cement %+v", l)
	}
	if l := byOrg["power"]; l.Status != carbonapi.ComplianceAwaitingReport || l.HeldAllowancesT != 500_000 {
		t.Fatalf("power %+v", l)
	}
	if l := view("2026-04-01").Entities[1]; l.Status != carbonapi.ComplianceReportOverdue {
		t.Fatalf("power after the report deadline: %+v", l)
	}
	if l := view("2027-01-01").Entities[0]; l.Status != carbonapi.ComplianceNonCompliant || l.ShortfallT != 5_000 {
		t.Fatalf("cement after the deadline: %+v", l)
	}
	// The cement plant buys the rest from the power plant and complies.
	do(t, c, "power", "transfer", carbonapi.TransferBody{Batch: "CEA-2025-000002", To: "cement", Quantity: 5_000}, errcode.OK)
	do(t, c, "cement", "surrender", sur("CEA-2025-000002", 5_000), errcode.OK)
	if l := view("2027-01-01").Entities[0]; l.Status != carbonapi.ComplianceCompliant || l.ShortfallT != 0 || len(l.Surrenders) != 3 {
		t.Fatalf("cement after buying: %+v", l)
	}
	// After the deadline nothing more is surrendered.
	c.Time = time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC) // 2027-01-01 00:00 CST
	do(t, c, "ver", "verify_emissions", carbonapi.VerifyEmissionsBody{Year: 2025, Org: "power", VerifiedT: 1, StatementSHA256: sha("late")}, errcode.Conflict)
	do(t, c, "power", "surrender", carbonapi.SurrenderBody{Year: 2025, Batch: "CEA-2025-000002", Quantity: 1}, errcode.RuleViolation)
	// Surrenders are not in the public lists of retirements.
	page, err := carbon.ClosuresPage(c.View(), "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 {
		t.Fatalf("public closures %+v", page.Items)
	}
}

func TestCreditLimit(t *testing.T) {
	for _, tc := range []struct {
		verified int64
		bp       int
		want     int64
	}{{100_000, 500, 5_000}, {19, 500, 0}, {20, 500, 1}, {99_999, 500, 4_999}, {carbonapi.MaxQuantity, 10_000, carbonapi.MaxQuantity}, {7, 10_000, 7}, {12_345, 1, 1}} {
		if got := carbon.CreditLimit(tc.verified, tc.bp); got != tc.want {
			t.Errorf("CreditLimit(%d, %d) = %d, want %d", tc.verified, tc.bp, got, tc.want)
		}
	}
}
