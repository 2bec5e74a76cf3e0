package charity_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// vcase is a row of the refusal tables: each is refused with Want and
// changes nothing of the module's state.
type vcase testchain.Case

// refusalFixture is a chain with a registered foundation (public
// fundraising) and county charity (none), an open project each, a filed
// one, a closed one, and money, a grant, a disbursement and gifts in kind.
type refusalFixture struct {
	c                     *testchain.Chain
	p1, p2, filed, closed string
	r1, ik, t1, d1, mgmt  string
	donation              charityapi.DonateBody
	grant                 charityapi.GrantBody
	disburse              charityapi.DisburseBody
	report                charityapi.ReportBody
}

func newRefusalFixture(t *testing.T) *refusalFixture {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	register(t, c, "cty", 2, false)
	f := &refusalFixture{c: c}
	f.p1 = project(t, c, "fdn", "R-1")
	f.p2 = project(t, c, "cty", "R-2")
	f.closed = project(t, c, "fdn", "R-3")
	do(t, c, "fdn", "close_project", charityapi.CloseBody{Project: f.closed, Reason: "未启动"}, errcode.OK)
	f.filed = id(do(t, c, "fdn", "file_project", charityapi.ProjectBody{Title: "待批项目", Summary: "s", StartDate: "2026-03-01", EndDate: "2026-12-31", Lines: lines()}, errcode.OK))
	f.r1 = donate(t, c, "bank", f.p1, "", 100_000)
	f.t1 = id(do(t, c, "fdn", "grant", charityapi.GrantBody{From: f.p1, Line: "grants", To: f.p2, AmountFen: 10_000, Purpose: "拨款"}, errcode.OK))
	f.d1 = id(do(t, c, "fdn", "disburse", charityapi.DisburseBody{Project: f.p1, Line: "supplies", AmountFen: 10_000, Payee: "shop", Beneficiary: "school",
		Purpose: "文具", InvoiceSHA256: sha("inv")}, errcode.OK))
	f.mgmt = id(do(t, c, "fdn", "disburse", charityapi.DisburseBody{Project: f.p1, Line: "admin", AmountFen: 1_000, Payee: "shop",
		Purpose: "房租", InvoiceSHA256: sha("rent")}, errcode.OK))
	f.ik = do(t, c, "fdn", "donate_in_kind", charityapi.InKindBody{Project: f.p1, Items: []charityapi.ItemBody{{Name: "图书", Quantity: 10, Unit: "册", ValueFen: 1_000}},
		DonorHash: sha("books")}, errcode.OK)["receipt"].(string)
	f.donation = charityapi.DonateBody{Project: f.p1, AmountFen: 100, Channel: "alipay", DonorHash: sha("d")}
	f.grant = charityapi.GrantBody{From: f.p1, Line: "grants", To: f.p2, AmountFen: 100, Purpose: "拨款"}
	f.disburse = charityapi.DisburseBody{Project: f.p1, Line: "supplies", AmountFen: 100, Payee: "shop", Beneficiary: "school", Purpose: "文具", InvoiceSHA256: sha("i")}
	f.report = charityapi.ReportBody{Project: f.p1, Kind: "progress", PeriodFrom: "2026-03-01", PeriodTo: "2026-03-01", Summary: "进展",
		Files: []charityapi.FileBody{{Name: "r.pdf", SHA256: sha("r")}}}
	return f
}

func TestRefusals(t *testing.T) {
	f := newRefusalFixture(t)
	c := f.c
	unknownCP := "CP20260301-00000000000000000000"
	refuse := func(action, org string, cases []vcase) {
		t.Run(action, func(t *testing.T) { testchain.Refusals(t, c, charity.Name, org, action, cases) })
	}

	reg := func(org, kind, no string) charityapi.RegisterOrgBody {
		return charityapi.RegisterOrgBody{Org: org, Kind: kind, RegistrationNo: no}
	}
	refuse("register_org", "mca", []vcase{
		{"empty", "", []byte(`{}`), errcode.MalformedBody},
		{"bad kind", "", reg("plain", "company", uscc(9)), errcode.MalformedBody},
		{"bad code", "", reg("plain", charityapi.KindFoundation, "53341321MJ00000099"), errcode.MalformedBody},
		{"unknown member", "", reg("nobody", charityapi.KindFoundation, uscc(9)), errcode.NotFound},
		{"not a charity", "", reg("shop", charityapi.KindFoundation, uscc(9)), errcode.RuleViolation},
		{"twice", "", reg("fdn", charityapi.KindFoundation, uscc(9)), errcode.Conflict},
		{"by a charity", "fdn", reg("cty", charityapi.KindFoundation, uscc(9)), errcode.Unauthorized},
	})

	pb := func(mut func(*charityapi.ProjectBody)) charityapi.ProjectBody {
		b := charityapi.ProjectBody{Title: "项目", Summary: "目标", StartDate: "2026-03-01", EndDate: "2026-12-31", Lines: lines()}
		mut(&b)
		return b
	}
	refuse("file_project", "fdn", []vcase{
		{"no lines", "", pb(func(b *charityapi.ProjectBody) { b.Lines = nil }), errcode.MalformedBody},
		{"line twice", "", pb(func(b *charityapi.ProjectBody) { b.Lines = append(b.Lines, b.Lines[0]) }), errcode.MalformedBody},
		{"bad category", "", pb(func(b *charityapi.ProjectBody) { b.Lines[0].Category = "salary" }), errcode.MalformedBody},
		{"zero budget", "", pb(func(b *charityapi.ProjectBody) { b.Lines[0].BudgetFen = 0 }), errcode.MalformedBody},
		{"bad code", "", pb(func(b *charityapi.ProjectBody) { b.Lines[0].Code = "Books" }), errcode.MalformedBody},
		{"end before start", "", pb(func(b *charityapi.ProjectBody) { b.EndDate = "2026-02-01" }), errcode.MalformedBody},
		{"six years", "", pb(func(b *charityapi.ProjectBody) { b.EndDate = "2032-03-02" }), errcode.MalformedBody},
		{"already ended", "", pb(func(b *charityapi.ProjectBody) { b.StartDate, b.EndDate = "2025-01-01", "2025-12-31" }), errcode.RuleViolation},
		{"report interval", "", pb(func(b *charityapi.ProjectBody) { b.ReportEveryDays = 7 }), errcode.MalformedBody},
		{"bad sector", "", pb(func(b *charityapi.ProjectBody) { b.Sector = "1122" }), errcode.MalformedBody},
		{"blank title", "", pb(func(b *charityapi.ProjectBody) { b.Title = "  " }), errcode.MalformedBody},
		{"not registered", "", pb(func(*charityapi.ProjectBody) {}), errcode.RuleViolation},
	}[:11])
	// A charity the regulator never registered.
	t.Run("file_project unregistered", func(t *testing.T) {
		c2 := newChain(t)
		do(t, c2, "fdn", "file_project", pb(func(*charityapi.ProjectBody) {}), errcode.RuleViolation)
	})

	refuse("approve_project", "mca", []vcase{
		{"no filing number", "", charityapi.ApproveBody{Project: f.filed}, errcode.MalformedBody},
		{"unknown", "", charityapi.ApproveBody{Project: unknownCP, FilingNo: "X"}, errcode.NotFound},
		{"already open", "", charityapi.ApproveBody{Project: f.p1, FilingNo: "X"}, errcode.Conflict},
		{"filing number taken", "", charityapi.ApproveBody{Project: f.filed, FilingNo: "R-1"}, errcode.Conflict},
		{"by the charity", "fdn", charityapi.ApproveBody{Project: f.filed, FilingNo: "X"}, errcode.Unauthorized},
	})

	dn := func(mut func(*charityapi.DonateBody)) charityapi.DonateBody {
		b := f.donation
		mut(&b)
		return b
	}
	refuse("donate", "bank", []vcase{
		{"zero", "", dn(func(b *charityapi.DonateBody) { b.AmountFen = 0 }), errcode.MalformedBody},
		{"too much", "", dn(func(b *charityapi.DonateBody) { b.AmountFen = charityapi.MaxFen + 1 }), errcode.MalformedBody},
		{"bad channel", "", dn(func(b *charityapi.DonateBody) { b.Channel = "bitcoin" }), errcode.MalformedBody},
		{"donor in clear", "", dn(func(b *charityapi.DonateBody) { b.DonorHash = "13800138000" }), errcode.MalformedBody},
		{"line without project", "", dn(func(b *charityapi.DonateBody) { b.Project, b.Org, b.Line = "", "fdn", "supplies" }), errcode.MalformedBody},
		{"nowhere", "", dn(func(b *charityapi.DonateBody) { b.Project = "" }), errcode.MalformedBody},
		{"unknown project", "", dn(func(b *charityapi.DonateBody) { b.Project = unknownCP }), errcode.NotFound},
		{"unregistered charity", "", dn(func(b *charityapi.DonateBody) { b.Project, b.Org = "", "shop" }), errcode.NotFound},
		{"org mismatch", "", dn(func(b *charityapi.DonateBody) { b.Org = "cty" }), errcode.MalformedBody},
		{"unknown line", "", dn(func(b *charityapi.DonateBody) { b.Line = "travel" }), errcode.NotFound},
		{"filed project", "", dn(func(b *charityapi.DonateBody) { b.Project = f.filed }), errcode.Conflict},
		{"closed project", "", dn(func(b *charityapi.DonateBody) { b.Project = f.closed }), errcode.Conflict},
		{"no public fundraising", "", dn(func(b *charityapi.DonateBody) { b.Project = f.p2 }), errcode.RuleViolation},
		{"for another charity", "cty", dn(func(*charityapi.DonateBody) {}), errcode.Unauthorized},
		{"by a supplier", "shop", dn(func(*charityapi.DonateBody) {}), errcode.Unauthorized},
	})
	// The same channel reference is never recorded twice by the same
	// organisation, in a transaction or a batch.
	do(t, c, "bank", "donate", dn(func(b *charityapi.DonateBody) { b.ChannelRef = "WX-1" }), errcode.OK)
	refuse("donate_batch", "bank", []vcase{
		{"empty", "", charityapi.DonateBatchBody{}, errcode.MalformedBody},
		{"too many", "", charityapi.DonateBatchBody{Donations: make([]charityapi.DonateBody, charityapi.MaxBatch+1)}, errcode.MalformedBody},
		{"reference again", "", charityapi.DonateBatchBody{Donations: []charityapi.DonateBody{dn(func(b *charityapi.DonateBody) { b.ChannelRef = "WX-1" })}}, errcode.Conflict},
		{"reference twice", "", charityapi.DonateBatchBody{Donations: []charityapi.DonateBody{
			dn(func(b *charityapi.DonateBody) { b.ChannelRef = "WX-2" }), dn(func(b *charityapi.DonateBody) { b.ChannelRef = "WX-2" })}}, errcode.Conflict},
		{"one bad of two", "", charityapi.DonateBatchBody{Donations: []charityapi.DonateBody{dn(func(*charityapi.DonateBody) {}), dn(func(b *charityapi.DonateBody) { b.Project = f.closed })}}, errcode.Conflict},
	})
	refuse("donate_in_kind", "bank", []vcase{
		{"no items", "", charityapi.InKindBody{Project: f.p1, DonorHash: sha("x")}, errcode.MalformedBody},
		{"zero quantity", "", charityapi.InKindBody{Project: f.p1, DonorHash: sha("x"), Items: []charityapi.ItemBody{{Name: "书", Unit: "册", ValueFen: 1}}}, errcode.MalformedBody},
		{"closed", "", charityapi.InKindBody{Project: f.closed, DonorHash: sha("x"), Items: []charityapi.ItemBody{{Name: "书", Quantity: 1, Unit: "册", ValueFen: 1}}}, errcode.Conflict},
	})

	gr := func(mut func(*charityapi.GrantBody)) charityapi.GrantBody {
		b := f.grant
		mut(&b)
		return b
	}
	refuse("grant", "fdn", []vcase{
		{"to itself", "", gr(func(b *charityapi.GrantBody) { b.To = f.p1 }), errcode.MalformedBody},
		{"no purpose", "", gr(func(b *charityapi.GrantBody) { b.Purpose = "" }), errcode.MalformedBody},
		{"unknown from", "", gr(func(b *charityapi.GrantBody) { b.From = unknownCP }), errcode.NotFound},
		{"not its project", "cty", gr(func(*charityapi.GrantBody) {}), errcode.Unauthorized},
		{"no line", "", gr(func(b *charityapi.GrantBody) { b.Line = "" }), errcode.MalformedBody},
		{"general fund with a line", "", gr(func(b *charityapi.GrantBody) { b.From = "GF-fdn" }), errcode.MalformedBody},
		{"unknown line", "", gr(func(b *charityapi.GrantBody) { b.Line = "travel" }), errcode.NotFound},
		{"over budget", "", gr(func(b *charityapi.GrantBody) { b.AmountFen = 5_000_000 - 10_000 + 1 }), errcode.RuleViolation},
		{"from closed", "", gr(func(b *charityapi.GrantBody) { b.From = f.closed }), errcode.Conflict},
		{"to filed", "", gr(func(b *charityapi.GrantBody) { b.To = f.filed }), errcode.Conflict},
		{"to unknown line", "", gr(func(b *charityapi.GrantBody) { b.ToLine = "travel" }), errcode.NotFound},
		{"more than it has", "", gr(func(b *charityapi.GrantBody) { b.AmountFen = 79_101 }), errcode.RuleViolation}, // 79,000 of r1 and 100 given since
		{"empty general fund", "", gr(func(b *charityapi.GrantBody) { b.From, b.Line = "GF-fdn", "" }), errcode.RuleViolation},
	})
	refuse("confirm_grant", "cty", []vcase{
		{"bad id", "", charityapi.IDBody{ID: "T1"}, errcode.MalformedBody},
		{"unknown", "", charityapi.IDBody{ID: "GT20260301-00000000000000000000"}, errcode.NotFound},
		{"by the granter", "fdn", charityapi.IDBody{ID: f.t1}, errcode.Unauthorized},
	})

	db := func(mut func(*charityapi.DisburseBody)) charityapi.DisburseBody {
		b := f.disburse
		mut(&b)
		return b
	}
	refuse("disburse", "fdn", []vcase{
		{"no invoice", "", db(func(b *charityapi.DisburseBody) { b.InvoiceSHA256 = "" }), errcode.MalformedBody},
		{"too many documents", "", db(func(b *charityapi.DisburseBody) {
			b.DocHashes = strings.Split(strings.Repeat(sha("d")+",", 11)[:65*11-1], ",")
		}), errcode.MalformedBody},
		{"not its project", "cty", db(func(*charityapi.DisburseBody) {}), errcode.Unauthorized},
		{"closed", "", db(func(b *charityapi.DisburseBody) { b.Project = f.closed }), errcode.Conflict},
		{"filed", "", db(func(b *charityapi.DisburseBody) { b.Project = f.filed }), errcode.Conflict},
		{"unknown line", "", db(func(b *charityapi.DisburseBody) { b.Line = "travel" }), errcode.NotFound},
		{"payee without a role", "", db(func(b *charityapi.DisburseBody) { b.Payee = "plain" }), errcode.RuleViolation},
		{"payee unknown", "", db(func(b *charityapi.DisburseBody) { b.Payee = "nobody" }), errcode.NotFound},
		{"beneficiary is a shop", "", db(func(b *charityapi.DisburseBody) { b.Beneficiary = "shop" }), errcode.RuleViolation},
		{"program line without beneficiary", "", db(func(b *charityapi.DisburseBody) { b.Beneficiary = "" }), errcode.MalformedBody},
		{"over budget", "", db(func(b *charityapi.DisburseBody) { b.AmountFen = 4_990_001 }), errcode.RuleViolation},
		{"more than it has", "", db(func(b *charityapi.DisburseBody) { b.AmountFen = 79_101 }), errcode.RuleViolation},
	})
	refuse("distribute", "fdn", []vcase{
		{"no quantity", "", charityapi.DistributeBody{Receipt: f.ik, Beneficiary: "school", Purpose: "p"}, errcode.MalformedBody},
		{"money donation", "", charityapi.DistributeBody{Receipt: f.r1, Quantity: 1, Beneficiary: "school", Purpose: "p"}, errcode.RuleViolation},
		{"not its donation", "cty", charityapi.DistributeBody{Receipt: f.ik, Quantity: 1, Beneficiary: "school", Purpose: "p"}, errcode.Unauthorized},
		{"no such item", "", charityapi.DistributeBody{Receipt: f.ik, Item: 1, Quantity: 1, Beneficiary: "school", Purpose: "p"}, errcode.NotFound},
		{"more than there is", "", charityapi.DistributeBody{Receipt: f.ik, Quantity: 11, Beneficiary: "school", Purpose: "p"}, errcode.RuleViolation},
		{"to a shop", "", charityapi.DistributeBody{Receipt: f.ik, Quantity: 1, Beneficiary: "shop", Purpose: "p"}, errcode.RuleViolation},
	})
	refuse("accept", "school", []vcase{
		{"no document", "", charityapi.AcceptBody{Disbursement: f.d1}, errcode.MalformedBody},
		{"unknown", "", charityapi.AcceptBody{Disbursement: "DB20260301-00000000000000000000", DocSHA256: sha("a")}, errcode.NotFound},
		{"not delivered to it", "school2", charityapi.AcceptBody{Disbursement: f.d1, DocSHA256: sha("a")}, errcode.Unauthorized},
		{"management cost", "", charityapi.AcceptBody{Disbursement: f.mgmt, DocSHA256: sha("a")}, errcode.Conflict},
	})
	refuse("dispute", "school", []vcase{
		{"no reason", "", charityapi.DisputeBody{Disbursement: f.d1}, errcode.MalformedBody},
		{"not delivered to it", "school2", charityapi.DisputeBody{Disbursement: f.d1, Reason: "r"}, errcode.Unauthorized},
	})
	refuse("refund", "fdn", []vcase{
		{"no reason", "", charityapi.RefundBody{Receipt: f.r1, AmountFen: 1}, errcode.MalformedBody},
		{"unknown", "", charityapi.RefundBody{Receipt: "DN20260301-00000000000000000000", AmountFen: 1, Reason: "r"}, errcode.NotFound},
		{"in kind", "", charityapi.RefundBody{Receipt: f.ik, AmountFen: 1, Reason: "r"}, errcode.RuleViolation},
		{"not its donation", "cty", charityapi.RefundBody{Receipt: f.r1, AmountFen: 1, Reason: "r"}, errcode.Unauthorized},
		// r1's 100,000 fen: 10,000 granted, 10,000 and 1,000 disbursed.
		{"more than unspent", "", charityapi.RefundBody{Receipt: f.r1, AmountFen: 79_001, Reason: "r"}, errcode.RuleViolation},
	})
	rv := func(mut func([]charityapi.LineBody) []charityapi.LineBody) charityapi.ReviseBody {
		return charityapi.ReviseBody{Project: f.p1, Lines: mut(lines()), Reason: "调整"}
	}
	refuse("revise_budget", "fdn", []vcase{
		{"no reason", "", charityapi.ReviseBody{Project: f.p1, Lines: lines()}, errcode.MalformedBody},
		{"not its project", "cty", rv(func(l []charityapi.LineBody) []charityapi.LineBody { return l }), errcode.Unauthorized},
		{"below spent", "", rv(func(l []charityapi.LineBody) []charityapi.LineBody { l[0].BudgetFen = 9_999; return l }), errcode.RuleViolation},
		{"drop a used line", "", rv(func(l []charityapi.LineBody) []charityapi.LineBody { return l[1:] }), errcode.RuleViolation},
		{"closed", "", charityapi.ReviseBody{Project: f.closed, Lines: lines(), Reason: "r"}, errcode.Conflict},
	})
	rp := func(mut func(*charityapi.ReportBody)) charityapi.ReportBody {
		b := f.report
		mut(&b)
		return b
	}
	refuse("file_report", "fdn", []vcase{
		{"no files", "", rp(func(b *charityapi.ReportBody) { b.Files = nil }), errcode.MalformedBody},
		{"period backwards", "", rp(func(b *charityapi.ReportBody) { b.PeriodTo = "2026-02-01" }), errcode.MalformedBody},
		{"bad kind", "", rp(func(b *charityapi.ReportBody) { b.Kind = "annual" }), errcode.MalformedBody},
		{"future period", "", rp(func(b *charityapi.ReportBody) { b.PeriodFrom, b.PeriodTo = "2026-09-01", "2026-09-30" }), errcode.RuleViolation},
		{"another's project", "cty", rp(func(*charityapi.ReportBody) {}), errcode.Unauthorized},
		{"own audit", "", rp(func(b *charityapi.ReportBody) { b.Kind = "audit" }), errcode.Unauthorized},
		{"auditor's progress report", "audit", rp(func(*charityapi.ReportBody) {}), errcode.Unauthorized},
		{"filed project", "", rp(func(b *charityapi.ReportBody) { b.Project = f.filed }), errcode.Conflict},
	})
	refuse("close_project", "fdn", []vcase{
		{"no reason", "", charityapi.CloseBody{Project: f.p1}, errcode.MalformedBody},
		{"not its project", "cty", charityapi.CloseBody{Project: f.p1, BalanceTo: f.p2, Reason: "r"}, errcode.Unauthorized},
		{"balance nowhere", "", charityapi.CloseBody{Project: f.p1, Reason: "r"}, errcode.RuleViolation},
		{"balance to itself", "", charityapi.CloseBody{Project: f.p1, BalanceTo: f.p1, Reason: "r"}, errcode.MalformedBody},
		{"balance to a closed one", "", charityapi.CloseBody{Project: f.p1, BalanceTo: f.closed, Reason: "r"}, errcode.Conflict},
		{"twice", "", charityapi.CloseBody{Project: f.closed, Reason: "r"}, errcode.Conflict},
	})
}

// TestPastEnd: a project past its end date takes no more money but may
// still spend and close.
func TestPastEnd(t *testing.T) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	p := id(do(t, c, "fdn", "file_project", charityapi.ProjectBody{Title: "短期项目", Summary: "s", StartDate: "2026-03-01", EndDate: "2026-03-02", Lines: lines()}, errcode.OK))
	do(t, c, "mca", "approve_project", charityapi.ApproveBody{Project: p, FilingNo: "S-1"}, errcode.OK)
	r := donate(t, c, "bank", p, "supplies", 1_000)
	c.Time = c.Time.AddDate(0, 0, 3)
	do(t, c, "bank", "donate", charityapi.DonateBody{Project: p, AmountFen: 1, Channel: "cash", DonorHash: sha("late")}, errcode.RuleViolation)
	do(t, c, "fdn", "disburse", charityapi.DisburseBody{Project: p, Line: "supplies", AmountFen: 600, Payee: "school", Purpose: "助学金", InvoiceSHA256: sha("x")}, errcode.OK)
	do(t, c, "fdn", "refund", charityapi.RefundBody{Receipt: r, AmountFen: 400, Reason: "项目结束退款"}, errcode.OK)
	do(t, c, "fdn", "close_project", charityapi.CloseBody{Project: p, Reason: "期满"}, errcode.OK)
	tr := trail(t, c, r)
	if got := stepsOf(tr); len(got) != 2 || tr.DeliveredFen != 600 || tr.RefundedFen != 400 || tr.Steps[0].Disbursement.Beneficiary != "school" {
		t.Fatalf("trail %q", got)
	}
}
