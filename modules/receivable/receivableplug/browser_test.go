package receivableplug_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/browsertest"

	"github.com/chromedp/chromedp"
)

// TestReceivableFlow: the bank grants the food group a credit line; the
// food group issues a receivable to the cooperative with its invoice and
// delivery note; the cooperative accepts it and asks the bank to confirm
// it, which the bank does from its list of requests; the cooperative
// splits off a part to pay the carrier and asks the bank to finance the
// rest; the carrier accepts; the bank pays out. The lineage tree is drawn
// at every step.
func TestReceivableFlow(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	dir := t.TempDir()
	invoice := filepath.Join(dir, "增值税专用发票.pdf")
	delivery := filepath.Join(dir, "送货单.pdf")
	os.WriteFile(invoice, []byte("%PDF invoice 3400123456 amount 1000000.00"), 0o644)
	os.WriteFile(delivery, []byte("%PDF delivery note: 100 t Dangshan pears"), 0o644)

	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
		chromedp.WaitVisible("#set-credit", chromedp.ByQuery),
		chromedp.SetValue("#obligor", "foodgroup", chromedp.ByQuery),
		chromedp.SendKeys("#limit", "5,000,000.00", chromedp.ByQuery),
		chromedp.Click("#set-credit", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "授信")
	lines := browsertest.Text(t, ctx, "#credit-lines")
	for _, want := range []string{"皖北食品集团有限公司", "5,000,000.00"} {
		browsertest.Contains(t, lines, want, "the bank's credit lines")
	}
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "foodgroup-admin")
	maturity := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 6, 0).Format("2006-01-02")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
		chromedp.WaitVisible("#issue", chromedp.ByQuery),
		chromedp.SetValue("#to", "coop", chromedp.ByQuery),
		chromedp.SendKeys("#face", "1,000,000.00", chromedp.ByQuery),
		chromedp.SetValue("#maturity", maturity, chromedp.ByQuery),
		chromedp.SendKeys("#contract_no", "WB-2026-0815", chromedp.ByQuery),
		chromedp.SendKeys("#invoice_no", "3400123456-00812345", chromedp.ByQuery),
		chromedp.SendKeys("#invoice_amount", "1,000,000.00", chromedp.ByQuery),
		chromedp.SetUploadFiles("#invoice_file", []string{invoice}, chromedp.ByQuery),
		chromedp.SetUploadFiles("#delivery_files", []string{delivery}, chromedp.ByQuery),
		chromedp.Click("#issue", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "开立")
	if got := browsertest.Text(t, ctx, "#available"); got != "4,000,000.00" {
		t.Fatalf("available credit after issuing 1,000,000.00 of 5,000,000.00: %q", got)
	}
	// The core enterprise finds what it issued.
	issued := browsertest.Text(t, ctx, "#issued")
	for _, want := range []string{"1,000,000.00", maturity, "待签收"} {
		browsertest.Contains(t, issued, want, "issued receivables")
	}
	// Only suppliers other than the issuer are offered as payees, and
	// only core enterprises as a credit line's obligor.
	var payees []string
	browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#to option")].map(o => o.value)`, &payees))
	if !slices.Contains(payees, "coop") || slices.Contains(payees, "foodgroup") || slices.Contains(payees, "school") {
		t.Errorf("payees offered: %v", payees)
	}
	browsertest.SignOut(t, ctx)

	// The cooperative accepts, then opens the receivable.
	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
		chromedp.WaitVisible("button.accept", chromedp.ByQuery),
		chromedp.Click("button.accept", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "签收")
	// Accepting leads to the receivable's own page.
	var loc string
	browsertest.Run(t, ctx, chromedp.Location(&loc))
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], base+"/hall/receivables/")
	// Ask the bank to confirm it (保兑).
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+id),
		chromedp.WaitVisible("#ask-confirm", chromedp.ByQuery),
		chromedp.SetValue("#confirm-bank", "bank", chromedp.ByQuery),
		chromedp.Click("#ask-confirm", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "申请保兑")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#confirmation-bank"), "江淮商业银行", "the bank asked")
	browsertest.SignOut(t, ctx)

	// The bank sees the request and confirms.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
		chromedp.WaitVisible("#confirmation-requests button.confirm", chromedp.ByQuery),
		chromedp.Click("#confirmation-requests button.confirm", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "保兑")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+id), chromedp.WaitVisible("#confirming-bank", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#confirming-bank"), "江淮商业银行", "confirming bank")
	browsertest.SignOut(t, ctx)

	// Before maturity the obligor is told when it can settle, not offered
	// a settlement the chain refuses.
	browsertest.SignIn(t, ctx, base, "foodgroup-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+id), chromedp.WaitVisible("#settle-from", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#settle-from"), maturity, "when it can be settled")
	var settleButtons int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#settle").length`, &settleButtons))
	if settleButtons != 0 {
		t.Error("a settle button before maturity")
	}
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+id),
		chromedp.WaitVisible("#split", chromedp.ByQuery),
		chromedp.SetValue("#to0", "logistics", chromedp.ByQuery),
		chromedp.SendKeys("#amount0", "300,000.00", chromedp.ByQuery),
		chromedp.SetValue("#to1", "coop", chromedp.ByQuery),
		chromedp.SendKeys("#amount1", "500,000.00", chromedp.ByQuery),
		chromedp.Click("#split", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "拆分")
	var boxes int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("svg.tree rect").length`, &boxes))
	if boxes != 4 { // the root, the carrier's part, the part kept to finance, the remainder
		t.Fatalf("the lineage tree has %d boxes, want 4", boxes)
	}
	browsertest.Screenshot(t, ctx, "receivable-lineage")
	// Finance the 500,000.00 part the cooperative kept.
	var part string
	browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("svg.tree a")].map(a => a.textContent).find(s => s.includes("500,000.00") && s.includes("梨都果品")).match(/RC[0-9A-F-]+/)[0]`, &part))
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+part),
		chromedp.WaitVisible("#finance", chromedp.ByQuery))
	// The bank to ask is chosen among banks, by name.
	var banks []string
	browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#bank option")].map(o => o.value + "=" + o.textContent)`, &banks))
	if len(banks) != 1 || banks[0] != "bank=江淮商业银行股份有限公司" {
		t.Fatalf("the financing bank list is %q, want the one bank by its name", banks)
	}
	browsertest.Run(t, ctx,
		chromedp.SetValue("#bank", "bank", chromedp.ByQuery),
		chromedp.Click("#finance", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "融资")
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "logistics-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"), chromedp.WaitVisible("button.accept", chromedp.ByQuery), chromedp.Click("button.accept", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "签收")
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"), chromedp.WaitVisible("button.approve", chromedp.ByQuery))
	// The bank sees who asks, at what rate, for how long, with recourse or not.
	var request string
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelector("button.approve").closest("tr").textContent`, &request))
	for _, want := range []string{"砀山县梨都果品专业合作社", "3.65%", "否"} {
		browsertest.Contains(t, request, want, "financing request")
	}
	browsertest.Run(t, ctx, chromedp.Click("button.approve", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "放款")
	// The book's totals add up: face value = advance + discount + fees.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"), chromedp.WaitVisible("#book-fee", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#book-fee"), "0.00", "the book's fees")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+part), chromedp.WaitVisible("#rc-status", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "dl.facts"), "江淮商业银行", "financed part's holder")
	// The terms stay on the part's page: rate, days, discount, fee,
	// advance, recourse.
	fin := browsertest.Text(t, ctx, "#financing")
	for _, want := range []string{"3.65%", "贴息", "手续费 ¥0.00", "放款 ¥", "无追索权"} {
		browsertest.Contains(t, fin, want, "the financing terms")
	}
	browsertest.Screenshot(t, ctx, "receivables")
}
