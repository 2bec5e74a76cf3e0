package charityplug_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
	"github.com/dengta-chain/dengta/proof"
)

// TestCharityFlow: the regulator approves two filed projects; a donor
// gives ¥100 through the bank, which prints the receipt; the foundation
// passes it to the county charity association, which confirms it and buys
// school supplies from the supermarket for the primary school; the school
// signs for them; the donor, opening the receipt's QR address, sees the
// whole trail and checks the donation is theirs; the proof bundle
// downloaded from the page verifies offline; the regulator sees the
// projects' numbers.
func TestCharityFlow(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	s := newStory(t, d, home)
	// Two more projects, which the regulator approves in the browser.
	start := today(t, s)
	fund, _, err := client.Send(s.ctx, s.c, s.keys["foundation"], charityapi.FileProject, charityapi.ProjectBody{Title: "皖北乡村学校图书文具计划", Summary: "为乡村小学配备图书文具",
		StartDate: start, EndDate: "2030-12-31", Lines: []charityapi.LineBody{
			{Code: "grants", Name: "资助县级项目", Category: "program", BudgetFen: 10_000_000},
			{Code: "admin", Name: "管理费用", Category: "management", BudgetFen: 1_000_000}}})
	must(t, err)
	county, _, err := client.Send(s.ctx, s.c, s.keys["charity"], charityapi.FileProject, charityapi.ProjectBody{Title: "良梨镇中心小学文具套装", Summary: "为 400 名学生采购文具",
		StartDate: start, EndDate: "2030-12-31", Lines: []charityapi.LineBody{{Code: "supplies", Name: "文具套装", Category: "program", BudgetFen: 5_000_000}}})
	must(t, err)

	browsertest.SignIn(t, ctx, base, "regulator-admin")
	for _, p := range []string{fund.ID, county.ID} {
		sel := `form:has(input[name=project][value="` + p + `"])`
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"),
			chromedp.WaitVisible(sel, chromedp.ByQuery),
			chromedp.SendKeys(sel+` input[name=filing_no]`, "皖民慈备〔2026〕"+p[len(p)-3:]+"号", chromedp.ByQuery),
			chromedp.Click(sel+` button.approve`, chromedp.ByQuery))
		browsertest.ExpectMessage(t, ctx, "已批准")
	}
	browsertest.SignOut(t, ctx)

	// The bank records ¥100 from a donor, restricted to the grants line.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"),
		chromedp.WaitVisible("#donate", chromedp.ByQuery),
		chromedp.SetValue("#project", fund.ID, chromedp.ByQuery),
		chromedp.SendKeys("#line", "grants", chromedp.ByQuery),
		chromedp.SendKeys("#amount", "100.00", chromedp.ByQuery),
		chromedp.SetValue("#channel", "wechat_pay", chromedp.ByQuery),
		chromedp.SendKeys("#channel_ref", "4200002026120600001", chromedp.ByQuery),
		chromedp.SendKeys("#donor", "138 0013 8000", chromedp.ByQuery),
		chromedp.SendKeys("#donor_name", "王女士", chromedp.ByQuery),
		chromedp.Click("#donate", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已登记捐赠")
	receipt := browsertest.Text(t, ctx, "#new-receipt")
	key := browsertest.Text(t, ctx, "#receipt-key")
	var receiptURL string
	var qr int
	browsertest.Run(t, ctx, chromedp.AttributeValue("#receipt-url", "href", &receiptURL, nil, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#receipt .qr svg").length`, &qr))
	if !strings.HasPrefix(receipt, "DN") || len(key) != 32 || !strings.HasSuffix(receiptURL, "/charity/receipts/"+receipt+"#k="+key) || qr != 1 {
		t.Fatalf("receipt %q key %q url %q qr %d", receipt, key, receiptURL, qr)
	}
	browsertest.Screenshot(t, ctx, "charity-receipt")
	browsertest.SignOut(t, ctx)

	// The foundation passes it on to the county project's supplies line.
	browsertest.SignIn(t, ctx, base, "foundation-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity/projects/"+fund.ID),
		chromedp.WaitVisible("#grant", chromedp.ByQuery),
		chromedp.SetValue("#g-line", "grants", chromedp.ByQuery),
		chromedp.SetValue("#g-to", county.ID, chromedp.ByQuery),
		chromedp.SendKeys("#g-to-line", "supplies", chromedp.ByQuery),
		chromedp.SendKeys("#g-amount", "100.00", chromedp.ByQuery),
		chromedp.SendKeys("#g-purpose", "资助良梨镇中心小学文具套装", chromedp.ByQuery),
		chromedp.Click("#grant", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已资助")
	browsertest.SignOut(t, ctx)

	// The county charity association confirms it, then buys the supplies.
	dir := t.TempDir()
	invoice, delivery, acceptance := filepath.Join(dir, "发票.pdf"), filepath.Join(dir, "送货单.pdf"), filepath.Join(dir, "验收单.pdf")
	os.WriteFile(invoice, []byte("%PDF 增值税普通发票 合肥惠民超市 文具套装 5 套 ¥100.00"), 0o644)
	os.WriteFile(delivery, []byte("%PDF 送货单 文具套装 5 套"), 0o644)
	os.WriteFile(acceptance, []byte("%PDF 验收单 文具套装 5 套 数量质量无误 良梨镇中心小学"), 0o644)
	browsertest.SignIn(t, ctx, base, "charity-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"),
		chromedp.WaitVisible("button.confirm", chromedp.ByQuery), chromedp.Click("button.confirm", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已确认到账")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity/projects/"+county.ID),
		chromedp.WaitVisible("#disburse", chromedp.ByQuery),
		chromedp.SetValue("#d-line", "supplies", chromedp.ByQuery),
		chromedp.SendKeys("#d-amount", "100.00", chromedp.ByQuery),
		chromedp.SetValue("#d-payee", "market", chromedp.ByQuery),
		chromedp.SetValue("#d-beneficiary", "school", chromedp.ByQuery),
		chromedp.SendKeys("#d-purpose", "文具套装 5 套", chromedp.ByQuery),
		chromedp.SetUploadFiles("#d-invoice", []string{invoice}, chromedp.ByQuery),
		chromedp.SetUploadFiles("#d-docs", []string{delivery}, chromedp.ByQuery),
		chromedp.Click("#disburse", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已支出")
	browsertest.SignOut(t, ctx)

	// The school signs for them with its acceptance document.
	browsertest.SignIn(t, ctx, base, "school-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity"),
		chromedp.WaitVisible("button.accept", chromedp.ByQuery),
		chromedp.SetUploadFiles("input.accept-doc", []string{acceptance}, chromedp.ByQuery),
		chromedp.Click("button.accept", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已签收")
	browsertest.SignOut(t, ctx)

	// The donor scans the receipt's QR code: the whole trail, the key in
	// the check form filled from the address's fragment.
	browsertest.Run(t, ctx, chromedp.Navigate(receiptURL), chromedp.WaitVisible("#trail", chromedp.ByQuery))
	trail := browsertest.Text(t, ctx, "#trail")
	for _, want := range []string{"¥100.00", "资助转给", "砀山县慈善协会", "支付给", "合肥惠民超市有限公司", "文具套装 5 套", "砀山县良梨镇中心小学", "已签收", "对方已确认到账"} {
		browsertest.Contains(t, trail, want, "the donor's trail")
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#summary"), "已拨付或发放 ¥100.00", "the trail's summary")
	var filled string
	browsertest.Run(t, ctx, chromedp.Value("#key", &filled, chromedp.ByQuery))
	if filled != key {
		t.Fatalf("the receipt key in the form is %q, want %q (from the QR address)", filled, key)
	}
	browsertest.Screenshot(t, ctx, "charity-donor-trail")
	browsertest.Run(t, ctx, chromedp.SendKeys("#identity", "13800138000", chromedp.ByQuery), chromedp.Click("#check", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "这笔捐赠是您的")

	// The page's proof bundle verifies offline against the genesis.
	var proofURL string
	browsertest.Run(t, ctx, chromedp.AttributeValue("#proof", "href", &proofURL, nil, chromedp.ByQuery))
	resp, err := http.Get(base + proofURL)
	must(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	must(t, err)
	rep, err := trailproof.Verify(raw, trust, &trailproof.Donor{Identity: "13800138000", Key: key})
	if err != nil || rep.Trail.DeliveredFen != 10_000 {
		t.Fatalf("the downloaded bundle: %v", err)
	}

	// The public project page: the chart and every payment.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/charity/projects/"+county.ID), chromedp.WaitVisible("#money-chart", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#disbursements"), "已签收", "the project's payments")
	browsertest.Screenshot(t, ctx, "charity-project")

	// The regulator's numbers.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/charity/oversight"), chromedp.WaitVisible("#figures", chromedp.ByQuery))
	for id, want := range map[string]string{"#total-donated": "¥100.00", "#total-disbursed": "¥100.00",
		"#fig-" + county.ID + " .raised": "¥100.00", "#fig-" + county.ID + " .spent": "¥100.00", "#fig-" + fund.ID + " .spent": "¥100.00"} {
		if got := browsertest.Text(t, ctx, id); strings.TrimSpace(got) != want {
			t.Errorf("oversight %s = %q, want %q", id, got, want)
		}
	}
	browsertest.Screenshot(t, ctx, "charity-oversight")
}
