package carbonplug_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/carbonplug"
	"github.com/dengta-chain/dengta/modules/carbon/retireproof"
	"github.com/dengta-chain/dengta/proof"
)

// TestCarbonFlow: the cooperative's project is registered and its
// monitoring report submitted; in the hall, the verification body signs
// the verification, the registry issues the credits, the cooperative
// sells 2,000 t to the food group, which retires 500 t for its footprint
// of the year; the public certificate shows the retirement, its QR code
// and the node's check of its proof bundle; the bundle downloaded from the
// page verifies offline, and on the public verify page.
func TestCarbonFlow(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	s := newStory(t, d, home)
	_, report := s.project(t, 12_000)
	y := year(t, s)
	dir := t.TempDir()
	statement := filepath.Join(dir, "核查报告.pdf")
	if err := os.WriteFile(statement, []byte("%PDF 核查报告：核证减排量 11,500 tCO2e"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The verification body signs the verification.
	browsertest.SignIn(t, ctx, base, "alliance-admin")
	form := "#verify-" + report
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon"),
		chromedp.WaitVisible(form, chromedp.ByQuery),
		chromedp.SetValue(form+" select[name=opinion]", "positive", chromedp.ByQuery),
		chromedp.SendKeys(form+" input[name=verified_t]", "11500", chromedp.ByQuery),
		chromedp.SetUploadFiles(form+" input.statement", []string{statement}, chromedp.ByQuery),
		chromedp.Click(form+" button.verify-report", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已签署核查结论")
	browsertest.Screenshot(t, ctx, "carbon-verify")
	browsertest.SignOut(t, ctx)

	// The registry issues the verified tonnes as vintage 2025.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	form = "#issue-" + report
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon"),
		chromedp.WaitVisible(form, chromedp.ByQuery),
		chromedp.SendKeys(form+" input[name=year0]", "2025", chromedp.ByQuery),
		chromedp.SendKeys(form+" input[name=quantity0]", "11500", chromedp.ByQuery),
		chromedp.Click(form+" button.issue-credits", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已签发")
	browsertest.SignOut(t, ctx)
	batch := "CCB-2025-000001"

	// The cooperative sells 2,000 t to the food group.
	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon"),
		chromedp.WaitVisible("#transfer", chromedp.ByQuery),
		chromedp.SetValue("#t-batch", batch, chromedp.ByQuery),
		chromedp.SetValue("#t-to", "foodgroup", chromedp.ByQuery),
		chromedp.SendKeys("#t-quantity", "2000", chromedp.ByQuery),
		chromedp.SendKeys("#t-price", "58.00", chromedp.ByQuery),
		chromedp.SendKeys("#t-note", "购销合同 WB-2026-017", chromedp.ByQuery),
		chromedp.Click("#transfer", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已转让")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#hold-"+batch), "9,500", "the cooperative's holding")
	browsertest.SignOut(t, ctx)

	// The food group retires 500 t for its footprint of the year.
	browsertest.SignIn(t, ctx, base, "foodgroup-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon"),
		chromedp.WaitVisible("#retire", chromedp.ByQuery),
		chromedp.SetValue("#r-batch", batch, chromedp.ByQuery),
		chromedp.SendKeys("#r-quantity", "500", chromedp.ByQuery),
		chromedp.SetValue("#r-year", fmt.Sprint(y), chromedp.ByQuery),
		chromedp.SendKeys("#r-purpose", fmt.Sprintf("%d 年度砀山酥梨礼盒产品碳足迹抵消", y), chromedp.ByQuery),
		chromedp.SendKeys("#r-gtin", "6901234567892", chromedp.ByQuery),
		chromedp.Click("#retire", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已注销")
	// The retirement answered with its public certificate.
	var url string
	browsertest.Run(t, ctx, chromedp.Location(&url))
	if !strings.Contains(url, "/carbon/retirements/RT-") {
		t.Fatalf("the retirement answered with %s", url)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon"), chromedp.WaitVisible("#logout", chromedp.ByQuery))
	browsertest.SignOut(t, ctx)

	// The public certificate, as anyone sees it.
	browsertest.Run(t, ctx, chromedp.Navigate(url), chromedp.WaitVisible("#verdict", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#verdict"), "已核验", "the certificate's verdict")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#cert-quantity"), "500", "the certificate's quantity")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#cert-beneficiary"), "皖北食品集团有限公司", "the beneficiary")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#cert-serials"), batch+" #1-500", "the serials")
	var qr int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#certificate .qr svg").length`, &qr))
	if qr != 1 {
		t.Fatalf("%d QR codes on the certificate", qr)
	}
	// The checks' technical details sit in closed <details>: read them all.
	var checks string
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelector("#verification").textContent`, &checks))
	for _, want := range []string{"来源", "verified by alliance", "序列号", "默克尔证明与签名", "carbon/verif/"} {
		browsertest.Contains(t, checks, want, "the certificate's checks")
	}
	browsertest.Screenshot(t, ctx, "carbon-retirement")

	// Its bundle, downloaded from the page, verifies offline.
	var proofURL string
	browsertest.Run(t, ctx, chromedp.AttributeValue("#proof", "href", &proofURL, nil, chromedp.ByQuery))
	resp, err := http.Get(base + proofURL)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := retireproof.Verify(raw, trust); err != nil || rep.Closure.Quantity != 500 {
		t.Fatalf("the downloaded bundle: %v", err)
	}
	// And on the public verify page.
	bundle := filepath.Join(dir, "retirement.json")
	if err := os.WriteFile(bundle, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/carbon/verify"),
		chromedp.WaitVisible("#bundle", chromedp.ByQuery),
		chromedp.SetUploadFiles("#bundle", []string{bundle}, chromedp.ByQuery),
		chromedp.Click("#check-bundle", chromedp.ByQuery),
		chromedp.WaitVisible("#verdict", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#verdict"), "已核验", "the verify page")

	// The public registry counts it.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/carbon"), chromedp.WaitVisible("#totals", chromedp.ByQuery))
	if got := strings.TrimSpace(browsertest.Text(t, ctx, "#total-credit .retired")); got != "500" {
		t.Fatalf("retired credits on the registry page: %q", got)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#recent"), "皖北食品集团有限公司", "the latest retirements")
	browsertest.Screenshot(t, ctx, "carbon-registry")

	// Two more sales of the cooperative's; its transfers page one by
	// one with the search kept, found by the buyer's name in Chinese and
	// in English, newest first.
	send(t, s, "coop", carbonapi.TransferUnits, carbonapi.TransferBody{Batch: batch, To: "market", Quantity: 100})
	send(t, s, "coop", carbonapi.TransferUnits, carbonapi.TransferBody{Batch: batch, To: "foodgroup", Quantity: 50})
	defer carbonplug.SetHallPage(1)()
	browsertest.SignIn(t, ctx, base, "coop-admin")
	for _, l := range []struct{ lang, buyer, nomatch string }{{"zh", "皖北食品集团", "没有符合条件的记录"}, {"en", "WANBEI food", "Nothing matches"}} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon?lang="+l.lang), chromedp.WaitVisible("#more-transfers", chromedp.ByQuery))
		all := browsertest.PageThrough(t, ctx, "#transfers li", "#more-transfers")
		if len(all) != 3 || !strings.Contains(all[0], "50") || !strings.Contains(all[2], "2,000") {
			t.Errorf("%s: the cooperative's transfers, page by page: %q", l.lang, all)
		}
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon"), chromedp.WaitVisible("#search-form", chromedp.ByQuery),
			chromedp.SendKeys("#q", l.buyer, chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery), chromedp.WaitVisible("#clear", chromedp.ByQuery))
		found := browsertest.PageThrough(t, ctx, "#transfers li", "#more-transfers")
		if len(found) != 2 || !strings.Contains(found[0], "50") || !strings.Contains(found[1], "2,000") {
			t.Errorf("%s: the transfers to the food group found by %q: %q", l.lang, l.buyer, found)
		}
		browsertest.Screenshot(t, ctx, "hall-carbon-search-"+l.lang)
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon?q=no-such-record"), chromedp.WaitVisible("#no-transfers", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, ctx, "#no-transfers"), l.nomatch, "a search that finds nothing")
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/carbon?lang=zh"))
	browsertest.SignOut(t, ctx)
}
