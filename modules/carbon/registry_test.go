package carbon_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// TestProjectToCredits follows a project from submission to issuance and
// refuses what the registry must not accept on the way.
func TestProjectToCredits(t *testing.T) {
	c := newChain(t)
	bad := func(f func(b *carbonapi.ProjectBody)) carbonapi.ProjectBody {
		b := projectBody("x")
		f(&b)
		return b
	}
	testchain.Refusals(t, c, carbon.Name, "dev", "submit_project", []vcase{
		{"no name", "", bad(func(b *carbonapi.ProjectBody) { b.Name = "" }), errcode.MalformedBody},
		{"methodology with a space first", "", bad(func(b *carbonapi.ProjectBody) { b.Methodology = " VM0042" }), errcode.MalformedBody},
		{"unknown sector", "", bad(func(b *carbonapi.ProjectBody) { b.Sector = "mining" }), errcode.MalformedBody},
		{"latitude alone", "", bad(func(b *carbonapi.ProjectBody) { b.Longitude = "" }), errcode.MalformedBody},
		{"latitude beyond the pole", "", bad(func(b *carbonapi.ProjectBody) { b.Latitude = "90.5" }), errcode.MalformedBody},
		{"longitude with 7 decimals", "", bad(func(b *carbonapi.ProjectBody) { b.Longitude = "116.1234567" }), errcode.MalformedBody},
		{"design digest in capitals", "", bad(func(b *carbonapi.ProjectBody) { b.DesignSHA256 = "AB" + b.DesignSHA256[2:] }), errcode.MalformedBody},
		{"crediting ends before it starts", "", bad(func(b *carbonapi.ProjectBody) { b.CreditingEnd = "2023-12-31" }), errcode.MalformedBody},
		{"crediting for 80 years", "", bad(func(b *carbonapi.ProjectBody) { b.CreditingEnd = "2104-01-01" }), errcode.MalformedBody},
		{"by a verifier", "ver", projectBody("x"), errcode.Unauthorized},
	})
	p := id(do(t, c, "dev", "submit_project", projectBody("砀山梨园碳汇"), errcode.OK))
	if p != "PRJ-000001" {
		t.Fatalf("project id %s", p)
	}
	testchain.Refusals(t, c, carbon.Name, "dev", "submit_monitoring", []vcase{
		{"before registration", "", carbonapi.MonitoringBody{Project: p, PeriodFrom: "2024-01-01", PeriodTo: "2024-12-31", ClaimedT: 10, ReportSHA256: sha("r")}, errcode.Conflict},
	})
	testchain.Refusals(t, c, carbon.Name, "reg", "register_project", []vcase{
		{"unknown project", "", carbonapi.RegisterProjectBody{Project: "PRJ-000009"}, errcode.NotFound},
		{"by the developer", "dev", carbonapi.RegisterProjectBody{Project: p}, errcode.Unauthorized},
	})
	do(t, c, "reg", "register_project", carbonapi.RegisterProjectBody{Project: p, RegistrationNo: "CCER-14-2026-0001", ComplianceEligible: true}, errcode.OK)
	do(t, c, "reg", "register_project", carbonapi.RegisterProjectBody{Project: p}, errcode.Conflict)
	mon := func(from, to string, claimed int64) carbonapi.MonitoringBody {
		return carbonapi.MonitoringBody{Project: p, PeriodFrom: from, PeriodTo: to, ClaimedT: claimed, ReportSHA256: sha("report " + from)}
	}
	testchain.Refusals(t, c, carbon.Name, "dev", "submit_monitoring", []vcase{
		{"another developer's project", "dev2", mon("2024-01-01", "2025-12-31", 100), errcode.Unauthorized},
		{"before the crediting period", "", mon("2023-06-01", "2024-06-30", 100), errcode.RuleViolation},
		{"a period not over", "", mon("2025-01-01", "2026-03-01", 100), errcode.RuleViolation},
		{"nothing claimed", "", mon("2024-01-01", "2024-12-31", 0), errcode.MalformedBody},
		{"period backwards", "", mon("2024-12-31", "2024-01-01", 100), errcode.MalformedBody},
	})
	r := id(do(t, c, "dev", "submit_monitoring", mon("2024-01-01", "2025-12-31", 20_000), errcode.OK))
	verify := func(opinion string, t int64) carbonapi.VerifyBody {
		return carbonapi.VerifyBody{Report: r, Opinion: opinion, VerifiedT: t, StatementSHA256: sha("statement")}
	}
	testchain.Refusals(t, c, carbon.Name, "ver", "verify_monitoring", []vcase{
		{"more than claimed", "", verify(carbonapi.OpinionPositive, 20_001), errcode.RuleViolation},
		{"negative with tonnes", "", verify(carbonapi.OpinionNegative, 5), errcode.MalformedBody},
		{"positive without tonnes", "", verify(carbonapi.OpinionPositive, 0), errcode.MalformedBody},
		{"unknown opinion", "", verify("maybe", 5), errcode.MalformedBody},
		{"by the registry", "reg", verify(carbonapi.OpinionPositive, 5), errcode.Unauthorized},
	})
	testchain.Refusals(t, c, carbon.Name, "reg", "issue_credits", []vcase{
		{"before verification", "", carbonapi.IssueBody{Report: r, Vintages: []carbonapi.VintageBody{{Year: 2024, Quantity: 1}}}, errcode.Conflict},
	})
	do(t, c, "ver", "verify_monitoring", verify(carbonapi.OpinionPositive, 18_500), errcode.OK)
	do(t, c, "ver", "verify_monitoring", verify(carbonapi.OpinionPositive, 18_500), errcode.Conflict)
	issue := func(v ...carbonapi.VintageBody) carbonapi.IssueBody {
		return carbonapi.IssueBody{Report: r, Vintages: v}
	}
	testchain.Refusals(t, c, carbon.Name, "reg", "issue_credits", []vcase{
		{"more than verified", "", issue(carbonapi.VintageBody{Year: 2024, Quantity: 10_000}, carbonapi.VintageBody{Year: 2025, Quantity: 8_501}), errcode.RuleViolation},
		{"vintage outside the period", "", issue(carbonapi.VintageBody{Year: 2023, Quantity: 1}), errcode.RuleViolation},
		{"a vintage twice", "", issue(carbonapi.VintageBody{Year: 2024, Quantity: 1}, carbonapi.VintageBody{Year: 2024, Quantity: 1}), errcode.MalformedBody},
		{"no vintage", "", issue(), errcode.MalformedBody},
		{"by the developer", "dev", issue(carbonapi.VintageBody{Year: 2024, Quantity: 1}), errcode.Unauthorized},
	})
	bs := batches(do(t, c, "reg", "issue_credits", issue(carbonapi.VintageBody{Year: 2024, Quantity: 9_000}), errcode.OK))
	bs = append(bs, batches(do(t, c, "reg", "issue_credits", issue(carbonapi.VintageBody{Year: 2025, Quantity: 9_500}), errcode.OK))...)
	if bs[0] != "CCB-2024-000001" || bs[1] != "CCB-2025-000002" {
		t.Fatalf("batches %v", bs)
	}
	do(t, c, "reg", "issue_credits", issue(carbonapi.VintageBody{Year: 2025, Quantity: 1}), errcode.RuleViolation)
	h := holding(t, c, "dev", bs[1])
	if h.Quantity != 9_500 || len(h.Ranges) != 1 || h.Ranges[0] != (carbonapi.Range{From: 1, To: 9_500}) {
		t.Fatalf("holding %+v", h)
	}
	pv, err := carbon.ProjectOf(c.View(), p, "2026-03-01")
	if err != nil {
		t.Fatal(err)
	}
	if pv.Project.IssuedT != 18_500 || len(pv.Batches) != 2 || len(pv.Reports) != 1 || pv.Reports[0].Verification == nil || pv.Reports[0].Report.IssuedT != 18_500 {
		t.Fatalf("project view %+v", pv)
	}
	rv, err := carbon.RegistryOf(c.View())
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.ToIssue) != 0 || len(rv.ToVerify) != 0 || len(rv.ToRegister) != 0 || rv.Totals[0].Issued != 18_500 || rv.Totals[0].Batches != 2 {
		t.Fatalf("registry %+v", rv)
	}
	// A rejected report issues nothing.
	r2 := id(do(t, c, "dev", "submit_monitoring", carbonapi.MonitoringBody{Project: p, PeriodFrom: "2024-01-01", PeriodTo: "2024-06-30", ClaimedT: 5, ReportSHA256: sha("r2")}, errcode.OK))
	do(t, c, "ver", "verify_monitoring", carbonapi.VerifyBody{Report: r2, Opinion: carbonapi.OpinionNegative, StatementSHA256: sha("no")}, errcode.OK)
	do(t, c, "reg", "issue_credits", carbonapi.IssueBody{Report: r2, Vintages: []carbonapi.VintageBody{{Year: 2024, Quantity: 1}}}, errcode.Conflict)
}

// TestTransferRetireCancel splits ranges by transfers, retires and
// cancels, and refuses moving what an account does not hold.
func TestTransferRetireCancel(t *testing.T) {
	c := newChain(t)
	_, bs := credits(t, c, "dev", 1_000, false)
	b := bs[1] // vintage 2025, serials 1-500
	res := do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: b, To: "buyer", Quantity: 120, PriceFen: 6_000, Note: "合同 2026-017"}, errcode.OK)
	if id(res) != "TR-00000001" {
		t.Fatalf("transfer %v", res)
	}
	do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: b, To: "food", Quantity: 30, Ranges: []carbonapi.Range{{From: 301, To: 310}, {From: 200, To: 219}}}, errcode.OK)
	if h := holding(t, c, "dev", b); h.Quantity != 350 || len(h.Ranges) != 3 || h.Ranges[0].From != 121 || h.Ranges[1] != (carbonapi.Range{From: 220, To: 300}) {
		t.Fatalf("dev holds %+v", h)
	}
	if h := holding(t, c, "food", b); h.Quantity != 30 || len(h.Ranges) != 2 {
		t.Fatalf("food holds %+v", h)
	}
	tr := func(q int64, rs ...carbonapi.Range) carbonapi.TransferBody {
		return carbonapi.TransferBody{Batch: b, To: "buyer", Quantity: q, Ranges: rs}
	}
	testchain.Refusals(t, c, carbon.Name, "dev", "transfer", []vcase{
		{"more than held", "", tr(351), errcode.RuleViolation},
		{"serials given away", "", tr(10, carbonapi.Range{From: 200, To: 209}), errcode.RuleViolation},
		{"a range across a hole", "", tr(20, carbonapi.Range{From: 290, To: 309}), errcode.RuleViolation},
		{"ranges not adding up", "", tr(5, carbonapi.Range{From: 121, To: 124}), errcode.MalformedBody},
		{"overlapping ranges", "", tr(8, carbonapi.Range{From: 121, To: 124}, carbonapi.Range{From: 124, To: 127}), errcode.MalformedBody},
		{"beyond the batch", "", tr(1, carbonapi.Range{From: 501, To: 501}), errcode.MalformedBody},
		{"to itself", "", carbonapi.TransferBody{Batch: b, To: "dev", Quantity: 1}, errcode.MalformedBody},
		{"to a stranger", "", carbonapi.TransferBody{Batch: b, To: "nobody", Quantity: 1}, errcode.NotFound},
		{"unknown batch", "", carbonapi.TransferBody{Batch: "CCB-2025-000099", To: "buyer", Quantity: 1}, errcode.NotFound},
		{"nothing", "", tr(0), errcode.MalformedBody},
		{"by an empty account", "cement", tr(1), errcode.RuleViolation},
	})
	retire := func(q int64, year int) carbonapi.RetireBody {
		return carbonapi.RetireBody{Batch: b, Quantity: q, Beneficiary: "皖北食品集团有限公司", Purpose: "2026 年度产品碳足迹抵消", ClaimYear: year, GTIN: "6901234567892"}
	}
	testchain.Refusals(t, c, carbon.Name, "buyer", "retire", []vcase{
		{"for a year before the vintage", "", retire(10, 2024), errcode.RuleViolation},
		{"two years ahead", "", retire(10, 2028), errcode.RuleViolation},
		{"no beneficiary", "", carbonapi.RetireBody{Batch: b, Quantity: 1, Purpose: "x", ClaimYear: 2026}, errcode.MalformedBody},
		{"a GTIN with a wrong check digit", "", carbonapi.RetireBody{Batch: b, Quantity: 1, Beneficiary: "x", Purpose: "x", ClaimYear: 2026, GTIN: "6901234567893"}, errcode.MalformedBody},
	})
	res = do(t, c, "buyer", "retire", retire(50, 2026), errcode.OK)
	rt := id(res)
	cl, err := carbon.GetClosure(c.View(), rt)
	if err != nil {
		t.Fatal(err)
	}
	if rt != "RT-00000001" || cl.Kind != carbonapi.Retired || cl.Quantity != 50 || cl.Ranges[0] != (carbonapi.Range{From: 1, To: 50}) || cl.GTIN != "06901234567892" ||
		cl.ProjectName == "" || cl.Vintage != 2025 || cl.Methodology != "CCER-14-001-V01" || cl.Holder != "buyer" {
		t.Fatalf("closure %+v", cl)
	}
	// Retired serials never move again.
	do(t, c, "buyer", "transfer", carbonapi.TransferBody{Batch: b, To: "food", Quantity: 1, Ranges: []carbonapi.Range{{From: 50, To: 50}}}, errcode.RuleViolation)
	do(t, c, "buyer", "retire", carbonapi.RetireBody{Batch: b, Quantity: 1, Ranges: []carbonapi.Range{{From: 1, To: 1}}, Beneficiary: "x", Purpose: "x", ClaimYear: 2026}, errcode.RuleViolation)
	// Cancellations: the holder's own, the registry's of anyone's.
	testchain.Refusals(t, c, carbon.Name, "buyer", "cancel", []vcase{
		{"another's units", "", carbonapi.CancelBody{Batch: b, Holder: "dev", Quantity: 1, Reason: "x"}, errcode.Unauthorized},
		{"no reason", "", carbonapi.CancelBody{Batch: b, Quantity: 1}, errcode.MalformedBody},
	})
	do(t, c, "buyer", "cancel", carbonapi.CancelBody{Batch: b, Quantity: 20, Reason: "转出至境外登记系统"}, errcode.OK)
	do(t, c, "reg", "cancel", carbonapi.CancelBody{Batch: b, Holder: "dev", Quantity: 5, Ranges: []carbonapi.Range{{From: 400, To: 404}}, Reason: "核查发现重复计算，注销"}, errcode.OK)
	bv, err := carbon.BatchOf(c.View(), b, "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	if s := bv.Stats; s.Active != 425 || s.Retired != 50 || s.Cancelled != 25 || s.Holders != 3 {
		t.Fatalf("stats %+v", s)
	}
	acct, err := carbon.AccountOf(c.View(), "buyer", "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	if len(acct.Holdings) != 1 || acct.Holdings[0].Quantity != 50 || acct.Totals[carbonapi.KindCredit] != 50 || len(acct.Transfers) != 1 || len(acct.Closures) != 2 {
		t.Fatalf("account %+v", acct)
	}
	page, err := carbon.ClosuresPage(c.View(), "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 || page.Items[0].ID != "CX-00000003" || page.Items[2].ID != rt {
		t.Fatalf("closures newest first: %+v", page.Items)
	}
}
