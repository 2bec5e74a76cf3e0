package charityplug_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/charityplug"
)

// TestCharityListsBrowser: the foundation filed 21 more projects; its
// clerk pages through its projects and finds those awaiting approval, in
// Chinese and in English. The supermarket finds the payments the county
// charity made it by the charity's name in either language.
func TestCharityListsBrowser(t *testing.T) {
	d, home := browsertest.Node(t)
	base := d.GatewayURL
	s := newStory(t, d, home)
	start := today(t, s)
	for i := range 21 {
		_, _, err := client.Send(s.ctx, s.c, s.keys["foundation"], charityapi.FileProject, charityapi.ProjectBody{Title: fmt.Sprintf("翻页测试项目%02d", i), Summary: "测试",
			StartDate: start, EndDate: "2030-12-31", Lines: []charityapi.LineBody{{Code: "admin", Name: "管理费用", Category: "management", BudgetFen: 100_000}}})
		must(t, err)
	}
	var mine []string
	for after := ""; ; {
		pg, err := client.Read(s.ctx, s.c, charityapi.Projects, charityapi.ProjectsParams{Owner: "foundation", After: after})
		must(t, err)
		for _, p := range pg.Items {
			mine = append(mine, p.ID)
		}
		if after = pg.Next; after == "" {
			break
		}
	}
	if len(mine) < 22 {
		t.Fatalf("the API lists %d projects of the foundation, want at least 22", len(mine))
	}
	_, err := charityplug.Donate(s.ctx, s.c, s.keys["bank"], charityapi.DonateBody{Project: s.fund, Line: "grants", AmountFen: 100_000, Channel: "wechat_pay"}, "138 0013 8000", base)
	must(t, err)
	g, _, err := client.Send(s.ctx, s.c, s.keys["foundation"], charityapi.Grant, charityapi.GrantBody{From: s.fund, Line: "grants", To: s.county, ToLine: "supplies", AmountFen: 100_000, Purpose: "资助"})
	must(t, err)
	_, _, err = client.Send(s.ctx, s.c, s.keys["charity"], charityapi.ConfirmGrant, charityapi.IDBody{ID: g.ID})
	must(t, err)
	for i := range 2 {
		docs, err := charityplug.Upload(s.ctx, s.c.As(s.keys["charity"]), fmt.Appendf(nil, "发票 %d", i))
		must(t, err)
		_, _, err = client.Send(s.ctx, s.c, s.keys["charity"], charityapi.Disburse, charityapi.DisburseBody{Project: s.county, Line: "supplies", AmountFen: int64(10_000 + i),
			Payee: "market", Beneficiary: "school", Purpose: fmt.Sprintf("文具套装第%d批", i+1), InvoiceSHA256: docs[0]})
		must(t, err)
	}

	ctx := browsertest.Browser(t)
	rows := func(sel string) []string {
		var out []string
		browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("`+sel+`")].map(r => r.textContent)`, &out))
		return out
	}
	ids := func() []string {
		var out []string
		browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#my-projects tr.project-row td:first-child a")].map(a => a.pathname.split("/").pop())`, &out))
		return out
	}
	browsertest.SignIn(t, ctx, base, "foundation-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"), chromedp.WaitVisible("#my-projects", chromedp.ByQuery))
	var seen []string
	for page := 1; ; page++ {
		got := ids()
		if len(got) == 0 || len(got) > 20 {
			t.Fatalf("page %d lists %d projects", page, len(got))
		}
		seen = append(seen, got...)
		var more int
		browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#more-projects").length`, &more))
		if more == 0 {
			break
		}
		browsertest.Run(t, ctx, chromedp.Click("#more-projects", chromedp.ByQuery))
		browsertest.AwaitPage(t, ctx, fmt.Sprintf(`location.search.includes("after=") && document.querySelectorAll("#first-projects").length == 1 && !%q.includes(document.querySelector("#my-projects tr.project-row td a").pathname.split("/").pop())`, strings.Join(seen, " ")))
	}
	if !slices.Equal(slices.Sorted(slices.Values(seen)), slices.Sorted(slices.Values(mine))) {
		t.Fatalf("the hall's pages list %v, the API %v", seen, mine)
	}
	// Paging the projects keeps the payments' search, and the reverse.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?pq=xyz"), chromedp.WaitVisible("#more-projects", chromedp.ByQuery),
		chromedp.Click("#more-projects", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("after=")`)
	var search string
	browsertest.Run(t, ctx, chromedp.Evaluate(`location.search`, &search))
	if !strings.Contains(search, "pq=xyz") {
		t.Errorf("the projects' next page %q drops the payments' search", search)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"), chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "待批准", chromedp.ByQuery), chromedp.Click("#search-projects", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("q=")`)
	if n := len(ids()); n != 20 {
		t.Fatalf("“待批准” lists %d on its first page, want 20 of the 21 filed", n)
	}
	browsertest.Screenshot(t, ctx, "hall-charity-find")
	browsertest.Run(t, ctx, chromedp.Click("#more-projects", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("after=")`)
	var q string
	browsertest.Run(t, ctx, chromedp.Value("#q", &q, chromedp.ByQuery))
	if n := len(ids()); q != "待批准" || n != 1 {
		t.Fatalf("the next page of “待批准” keeps %q and lists %d, want 1", q, n)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?q=翻页测试项目07"), chromedp.WaitVisible("#my-projects", chromedp.ByQuery))
	browsertest.Contains(t, strings.Join(rows("#my-projects tr.project-row"), "\n"), "翻页测试项目07", "found by title")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?q=xyz"), chromedp.WaitVisible("#no-project-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-project-match"), "没有项目符合 “xyz”", "no match")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?after=garbage"), chromedp.WaitVisible("main", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "main"), "翻页参数无效", "a bad page link")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/charity?after=garbage"), chromedp.WaitVisible("main", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "main"), "翻页参数无效", "a bad page link on the public list")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?q=AWAITING+approval&lang=en"), chromedp.WaitVisible("#more-projects", chromedp.ByQuery))
	if n := len(ids()); n != 20 {
		t.Fatalf("“AWAITING approval” lists %d on its first page, want 20", n)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?q=xyz"), chromedp.WaitVisible("#no-project-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-project-match"), "No project matches “xyz”", "no match in English")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?lang=zh"), chromedp.WaitVisible("#q", chromedp.ByQuery))
	browsertest.SignOut(t, ctx)

	// The supermarket's payments, by the paying charity's name.
	browsertest.SignIn(t, ctx, base, "market-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"), chromedp.WaitVisible("#pq", chromedp.ByQuery),
		chromedp.SendKeys("#pq", "慈善协会", chromedp.ByQuery), chromedp.Click("#search-paid", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("pq=")`)
	if got := strings.Join(rows("#paid tr.paid-row"), "\n"); strings.Count(got, "砀山县慈善协会") != 2 || !strings.Contains(got, "文具套装第1批") || !strings.Contains(got, "文具套装第2批") {
		t.Fatalf("the county charity's Chinese name finds %v, want its 2 payments", got)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?pq=dangshan+COUNTY+charity&lang=en"), chromedp.WaitVisible("#paid", chromedp.ByQuery))
	if got := rows("#paid tr.paid-row"); len(got) != 2 {
		t.Fatalf("the county charity's English name finds %v", got)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?pq=xyz"), chromedp.WaitVisible("#no-paid-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-paid-match"), "No payment matches “xyz”", "no payment matches in English")
	browsertest.Run(t, ctx, chromedp.Click("#clear-paid", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `!location.search.includes("pq=")`)
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity?lang=zh"), chromedp.WaitVisible("#pq", chromedp.ByQuery))
}
