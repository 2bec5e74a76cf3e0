package charity_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// stepsOf writes a trail's steps compactly: depth, kind, fen, and the
// record (disbursement, transfer, refund) for the kinds that have one.
func stepsOf(tr *charityapi.Trail) []string {
	var out []string
	for _, s := range tr.Steps {
		rec := ""
		switch {
		case s.Disbursement != nil:
			rec = " " + s.Disbursement.ID
		case s.Transfer != nil:
			rec = " " + s.Transfer.ID
		case s.Refund != nil:
			rec = " " + s.Refund.ID
		default:
			rec = " @" + s.Project
		}
		out = append(out, fmt.Sprintf("%d %s %d%s", s.Depth, s.Kind, s.AmountFen, rec))
	}
	return out
}

func wantSteps(t *testing.T, what string, tr *charityapi.Trail, want ...string) {
	t.Helper()
	if got := stepsOf(tr); !slices.Equal(got, want) {
		t.Fatalf("%s: trail\n%q\nwant\n%q", what, got, want)
	}
}

// TestStory follows donations through a pass-through grant to a county
// charity, its purchase for a school and the school's acceptance, a
// refund, a closure that passes the balance back, and donations in kind,
// checking every trail to the fen.
func TestStory(t *testing.T) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	register(t, c, "cty", 2, false)
	p1 := project(t, c, "fdn", "皖民慈备 2026-001")
	p2 := project(t, c, "cty", "皖民慈备 2026-002")

	// The bank records two donations to the foundation's project, one for
	// its grants line; the foundation records one to its general fund.
	r1 := donate(t, c, "bank", p1, "", 10_000)
	r2 := donate(t, c, "bank", p1, "grants", 30_000)
	gf := do(t, c, "fdn", "donate", charityapi.DonateBody{Org: "fdn", AmountFen: 5_000, Channel: "cash", DonorHash: sha("walk-in")}, errcode.OK)
	if gf["project"] != "GF-fdn" {
		t.Fatalf("unrestricted donation went to %v", gf["project"])
	}
	// The county charity has no public fundraising qualification: the
	// bank cannot raise for it.
	do(t, c, "bank", "donate", charityapi.DonateBody{Project: p2, AmountFen: 100, Channel: "alipay", DonorHash: sha("x")}, errcode.RuleViolation)

	// ¥350 passes to the county charity's supplies line: the grants line's
	// ¥300 first (restricted money first), then ¥50 of the project's own.
	t1 := id(do(t, c, "fdn", "grant", charityapi.GrantBody{From: p1, Line: "grants", To: p2, ToLine: "supplies", AmountFen: 35_000, Purpose: "县级合作项目拨款"}, errcode.OK))
	tr, err := charity.GetTransfer(c.View(), t1)
	if err != nil {
		t.Fatal(err)
	}
	want := []charityapi.Range{{Queue: p1 + "/grants", Start: 0, End: 30_000}, {Queue: p1 + "/_", Start: 0, End: 5_000}}
	if !slices.Equal(tr.Ranges, want) || tr.ToQueue != p2+"/supplies" || tr.ToStart != 0 || tr.ToEnd != 35_000 {
		t.Fatalf("transfer %+v", tr)
	}
	do(t, c, "fdn", "confirm_grant", charityapi.IDBody{ID: t1}, errcode.Unauthorized)
	do(t, c, "cty", "confirm_grant", charityapi.IDBody{ID: t1}, errcode.OK)
	do(t, c, "cty", "confirm_grant", charityapi.IDBody{ID: t1}, errcode.Conflict)

	// The county charity buys ¥200 of school supplies from the shop for
	// the school, which signs for them.
	disb := func(org, p, line string, fen int64, payee, beneficiary string) charityapi.DisburseBody {
		return charityapi.DisburseBody{Project: p, Line: line, AmountFen: fen, Payee: payee, Beneficiary: beneficiary,
			Purpose: "文具 200 套", InvoiceSHA256: sha(fmt.Sprint("invoice", org, fen)), DocHashes: []string{sha("delivery note")}}
	}
	do(t, c, "cty", "disburse", disb("cty", p2, "supplies", 20_000, "shop", ""), errcode.MalformedBody) // a program line needs its beneficiary
	d1 := id(do(t, c, "cty", "disburse", disb("cty", p2, "supplies", 20_000, "shop", "school"), errcode.OK))
	do(t, c, "school2", "accept", charityapi.AcceptBody{Disbursement: d1, DocSHA256: sha("acceptance")}, errcode.Unauthorized)
	do(t, c, "school", "accept", charityapi.AcceptBody{Disbursement: d1, DocSHA256: sha("acceptance"), Note: "已清点入库"}, errcode.OK)
	do(t, c, "school", "dispute", charityapi.DisputeBody{Disbursement: d1, Reason: "again"}, errcode.Conflict)

	wantSteps(t, "r2 after the purchase", trail(t, c, r2),
		"0 transfer 30000 "+t1, "1 disbursement 20000 "+d1, "1 unspent 10000 @"+p2)
	wantSteps(t, "r1 after the purchase", trail(t, c, r1),
		"0 transfer 5000 "+t1, "1 unspent 5000 @"+p2, "0 unspent 5000 @"+p1)
	if a := trail(t, c, r2).Steps[1].Acceptance; a == nil || a.Status != charityapi.AcceptanceAccepted || a.By.Org != "school" {
		t.Fatalf("acceptance in the trail: %+v", a)
	}

	// A refund of ¥20 to r1's donor takes the tail of its range; a
	// disbursement then spends what is left of r1 and steps over it.
	do(t, c, "fdn", "refund", charityapi.RefundBody{Receipt: r1, AmountFen: 5_001, Reason: "捐赠人要求退款"}, errcode.RuleViolation)
	do(t, c, "cty", "refund", charityapi.RefundBody{Receipt: r1, AmountFen: 2_000, Reason: "捐赠人要求退款"}, errcode.Unauthorized)
	rf := id(do(t, c, "fdn", "refund", charityapi.RefundBody{Receipt: r1, AmountFen: 2_000, Reason: "捐赠人要求退款"}, errcode.OK))
	do(t, c, "fdn", "disburse", disb("fdn", p1, "supplies", 3_001, "shop", "school2"), errcode.RuleViolation)
	d2 := id(do(t, c, "fdn", "disburse", disb("fdn", p1, "supplies", 3_000, "shop", "school2"), errcode.OK))
	q, err := charity.StateRecords(c.View()).Get(charity.QueueKey(p1 + "/_"))
	if err != nil || string(q) != fmt.Sprintf(`{"id":"%s/_","total_fen":10000,"cursor_fen":10000,"hole_fen":0,"sources":1}`, p1) {
		t.Fatalf("queue after stepping over the refund: %s %v", q, err)
	}
	wantSteps(t, "r1 after the refund", trail(t, c, r1),
		"0 transfer 5000 "+t1, "1 unspent 5000 @"+p2, "0 disbursement 3000 "+d2, "0 refund 2000 "+rf)

	// The county charity closes its project and passes the ¥150 left back
	// to the foundation's project.
	do(t, c, "cty", "close_project", charityapi.CloseBody{Project: p2, Reason: "项目完成"}, errcode.RuleViolation)
	do(t, c, "cty", "close_project", charityapi.CloseBody{Project: p2, BalanceTo: p1, Reason: "项目完成"}, errcode.OK)
	p2r, _ := charity.GetProject(c.View(), p2)
	if p2r.Status != charityapi.StatusClosed || p2r.BalanceFen() != 0 || p2r.BalanceTo == "" {
		t.Fatalf("closed project %+v", p2r)
	}
	bt := p2r.BalanceTo
	do(t, c, "fdn", "confirm_grant", charityapi.IDBody{ID: bt}, errcode.OK)
	wantSteps(t, "r2 after the closure", trail(t, c, r2),
		"0 transfer 30000 "+t1, "1 disbursement 20000 "+d1, "1 transfer 10000 "+bt, "2 unspent 10000 @"+p1)
	wantSteps(t, "r1 after the closure", trail(t, c, r1),
		"0 transfer 5000 "+t1, "1 transfer 5000 "+bt, "2 unspent 5000 @"+p1, "0 disbursement 3000 "+d2, "0 refund 2000 "+rf)
	do(t, c, "cty", "disburse", disb("cty", p2, "supplies", 100, "shop", "school"), errcode.Conflict)
	do(t, c, "bank", "donate", charityapi.DonateBody{Project: p2, AmountFen: 100, Channel: "alipay", DonorHash: sha("x")}, errcode.Conflict)

	// Books in kind: 100 volumes valued ¥1,000; 30 go to the school, which
	// signs, then the other 70.
	ik := do(t, c, "bank", "donate_in_kind", charityapi.InKindBody{Project: p1, Items: []charityapi.ItemBody{
		{Name: "儿童图书", Quantity: 100, Unit: "册", ValueFen: 100_000}, {Name: "书包", Quantity: 3, Unit: "个", ValueFen: 1_000}},
		DonorHash: sha("publisher")}, errcode.OK)["receipt"].(string)
	dist := func(item int, n int64) charityapi.DistributeBody {
		return charityapi.DistributeBody{Receipt: ik, Item: item, Quantity: n, Beneficiary: "school", Purpose: "发放到班级"}
	}
	do(t, c, "fdn", "distribute", dist(0, 101), errcode.RuleViolation)
	x1 := id(do(t, c, "fdn", "distribute", dist(0, 30), errcode.OK))
	x2 := id(do(t, c, "fdn", "distribute", dist(1, 1), errcode.OK))
	do(t, c, "school", "accept", charityapi.AcceptBody{Disbursement: x1, DocSHA256: sha("books")}, errcode.OK)
	wantSteps(t, "books", trail(t, c, ik),
		"0 distribution 30000 "+x1, "0 distribution 333 "+x2, "0 undistributed 70000 @"+p1, "0 undistributed 667 @"+p1)
	x3 := id(do(t, c, "fdn", "distribute", dist(1, 2), errcode.OK))
	wantSteps(t, "books and bags", trail(t, c, ik),
		"0 distribution 30000 "+x1, "0 distribution 333 "+x2, "0 distribution 667 "+x3, "0 undistributed 70000 @"+p1)

	// The figures.
	v := c.View()
	pv, err := charity.View(v, p1, "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	// In: 10,000 + 30,000 donated, 15,000 back from the closed project;
	// out: 35,000 granted, 3,000 disbursed, 2,000 refunded.
	if pv.RaisedFen != 10_000+30_000-2_000+15_000 || pv.SpentFen != 35_000+3_000 || pv.BalanceFen != 15_000 || pv.BudgetFen != 10_500_000 {
		t.Fatalf("project view: raised %d spent %d balance %d budget %d", pv.RaisedFen, pv.SpentFen, pv.BalanceFen, pv.BudgetFen)
	}
	if pv.Project.InKindFen != 101_000 || pv.Project.InKindDistributedFen != 31_000 {
		t.Fatalf("in kind %d, handed on %d", pv.Project.InKindFen, pv.Project.InKindDistributedFen)
	}
	funders, err := charity.FundersPage(v, t1, "")
	if err != nil {
		t.Fatal(err)
	}
	var fs []string
	for _, f := range funders.Items {
		fs = append(fs, fmt.Sprintf("%s %d", f.ID, f.AmountFen))
	}
	if !slices.Equal(fs, []string{fmt.Sprintf("%s %d", r2, 30_000), fmt.Sprintf("%s %d", r1, 5_000)}) {
		t.Fatalf("funders of the grant: %v", fs)
	}

	// Oversight, a month and a half later: school2 has not signed for d2;
	// no report came; management spending is nil.
	alerts, err := charity.Alerts(v, "2026-04-15", "")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range alerts {
		codes = append(codes, a.Code+" "+a.Subject)
	}
	wantCodes := []string{"acceptance_overdue " + d2, "acceptance_overdue " + x2, "acceptance_overdue " + x3}
	slices.Sort(wantCodes) // by subject within a project and code
	if !slices.Equal(codes, wantCodes) {
		t.Fatalf("alerts on 2026-04-15: %q", codes)
	}
	alerts, _ = charity.Alerts(v, "2026-06-15", p1)
	codes = nil
	for _, a := range alerts {
		codes = append(codes, a.Code)
	}
	if !slices.Contains(codes, charityapi.AlertReportOverdue) {
		t.Fatalf("alerts of %s on 2026-06-15: %q, want a progress report overdue (due 2026-05-30)", p1, codes)
	}
	// p2 closed on 2026-03-01 without a final report: due 90 days later.
	alerts, _ = charity.Alerts(v, "2026-06-15", p2)
	if len(alerts) != 1 || alerts[0].Code != charityapi.AlertFinalReportOverdue || alerts[0].Since != "2026-05-31" {
		t.Fatalf("alerts of the closed %s: %+v", p2, alerts)
	}
}

// TestReportsAndBudget files reports by the charity and by an auditor and
// revises a budget within its rules.
func TestReportsAndBudget(t *testing.T) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	p := project(t, c, "fdn", "F-1")
	donate(t, c, "bank", p, "", 1_000_000)
	do(t, c, "fdn", "disburse", charityapi.DisburseBody{Project: p, Line: "admin", AmountFen: 200_000, Payee: "shop", Purpose: "办公租金",
		InvoiceSHA256: sha("rent")}, errcode.OK)
	do(t, c, "fdn", "disburse", charityapi.DisburseBody{Project: p, Line: "supplies", AmountFen: 300_000, Payee: "shop", Beneficiary: "school",
		Purpose: "文具", InvoiceSHA256: sha("pens")}, errcode.OK)
	// ¥2,000 of the ¥5,000 spent went to management: 40%, above 10%. (The
	// school's signature is not due yet.)
	pv, _ := charity.View(c.View(), p, "2026-03-02")
	codes := []string{}
	for _, a := range pv.Alerts {
		codes = append(codes, a.Code)
	}
	if pv.ManagementBP != 4000 || !slices.Equal(codes, []string{charityapi.AlertManagementShare}) {
		t.Fatalf("management share %d bp, alerts %v", pv.ManagementBP, codes)
	}
	report := charityapi.ReportBody{Project: p, Kind: "progress", PeriodFrom: "2026-03-01", PeriodTo: "2026-03-01", Summary: "首月进展",
		Files: []charityapi.FileBody{{Name: "进展报告.pdf", SHA256: sha("report")}}}
	do(t, c, "cty", "file_report", report, errcode.Unauthorized)
	do(t, c, "fdn", "file_report", report, errcode.OK)
	audit := testchain.With(map[string]any{"project": p, "kind": "audit", "period_from": "2026-03-01", "period_to": "2026-03-01",
		"summary": "专项审计", "files": []map[string]any{{"name": "审计报告.pdf", "sha256": sha("audit")}}})
	do(t, c, "fdn", "file_report", audit, errcode.Unauthorized)
	do(t, c, "audit", "file_report", audit, errcode.OK)
	pr, _ := charity.GetProject(c.View(), p)
	if pr.Reports != 2 || pr.LastReportDate != "2026-03-01" || pr.AuditReportDate != "2026-03-01" || pr.FinalReportDate != "" {
		t.Fatalf("project after reports: %+v", pr)
	}
	if due := charity.NextReportDue(pr); due != "2026-05-30" {
		t.Fatalf("next report due %s", due)
	}

	// The admin line spent ¥2,000: it cannot go below, nor change its
	// category, nor go away; an unused line can.
	revise := func(ls []charityapi.LineBody, want errcode.Code) {
		t.Helper()
		do(t, c, "fdn", "revise_budget", charityapi.ReviseBody{Project: p, Lines: ls, Reason: "调整预算"}, want)
	}
	ls := lines()
	ls[2].BudgetFen = 199_999
	revise(ls, errcode.RuleViolation)
	ls = lines()
	ls[2].Category = charityapi.CategoryProgram
	revise(ls, errcode.RuleViolation)
	revise(lines()[:2], errcode.RuleViolation)
	ls = append(lines()[:1], lines()[2], charityapi.LineBody{Code: "training", Name: "教师培训", Category: "program", BudgetFen: 100_000})
	revise(ls, errcode.OK) // "grants" had no money: it goes
	rv, _ := charity.ReportsOf(c.View(), p)
	if len(rv.Reports) != 2 || len(rv.Revisions) != 1 || len(rv.Revisions[0].Before) != 3 || len(rv.Revisions[0].After) != 3 {
		t.Fatalf("reports and revisions %+v", rv)
	}
	pr, _ = charity.GetProject(c.View(), p)
	if l := pr.Line("admin"); l == nil || l.SpentFen != 200_000 || pr.Line("grants") != nil || pr.Line("training") == nil {
		t.Fatalf("lines after revision %+v", pr.Lines)
	}
}
