package tradeplug_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
)

// TestTradeFlow drives the hall from booking to the release of the goods:
// the bank publishes its calendar and opens two letters of credit for the
// food group in favour of the cooperative; the carrier issues two eBLs
// from its bookings; the cooperative presents one with its invoice and
// certificate of origin (the eBL passes to the bank); the bank finds the
// documents complying, pays and releases the eBL to the food group, which
// surrenders it; a second surrender, from a page loaded before the first,
// is refused; the carrier releases the goods; customs sees it all. Then
// the second credit expires and the cooperative's presentation under it
// is refused.
func TestTradeFlow(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	dir := t.TempDir()
	invoice := filepath.Join(dir, "commercial-invoice.pdf")
	origin := filepath.Join(dir, "certificate-of-origin.pdf")
	os.WriteFile(invoice, []byte("%PDF commercial invoice DSP-INV-2026-031 USD 97,200.00"), 0o644)
	os.WriteFile(origin, []byte("%PDF certificate of origin CCPIT-AH-2026-0311"), 0o644)

	// The bank's place is UTC-12 for now: the second credit expires at
	// the end of the bank's today. (A day cannot pass in a test; later the
	// bank corrects its time zone to UTC+14, which moves its date forward
	// by at least one day.)
	avoidDateChange(t, -12)
	bankToday := time.Now().UTC().Add(-12 * time.Hour).Format(time.DateOnly)
	later := time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
	// On a weekend the bank opens that day, or the expiry would move to
	// Monday (UCP 600 29(a)).
	open := ""
	if d, _ := time.Parse(time.DateOnly, bankToday); d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		open = bankToday
	}
	// chromedp's SetValue fails to set an empty value, and Clear an
	// empty textarea: a script run in the page empties the field.
	var setOpen chromedp.Action = chromedp.Evaluate(`document.querySelector("#open").value = ""`, nil)
	if open != "" {
		setOpen = chromedp.SetValue("#open", open, chromedp.ByQuery)
	}
	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade"),
		chromedp.WaitVisible("#set-calendar", chromedp.ByQuery),
		chromedp.SetValue("#utc_offset", "-720", chromedp.ByQuery),
		setOpen,
		chromedp.Click("#set-calendar", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "日历")
	for _, lc := range []struct{ no, expiry string }{{"LC-E2E-0001", later}, {"LC-E2E-0002", bankToday}} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade"),
			chromedp.WaitVisible("#issue-credit", chromedp.ByQuery),
			chromedp.SendKeys("#lc-no", lc.no, chromedp.ByQuery),
			chromedp.SetValue("#applicant", "foodgroup", chromedp.ByQuery),
			chromedp.SetValue("#beneficiary", "coop", chromedp.ByQuery),
			chromedp.SendKeys("#lc-amount", "98,000.00", chromedp.ByQuery),
			chromedp.SetValue("#tolerance", "5", chromedp.ByQuery),
			chromedp.SetValue("#expiry", lc.expiry, chromedp.ByQuery),
			chromedp.SetValue("#latest_shipment", lc.expiry, chromedp.ByQuery),
			chromedp.SendKeys("#lc-pol", "CNSHA", chromedp.ByQuery),
			chromedp.SendKeys("#lc-pod", "THLCH", chromedp.ByQuery),
			chromedp.SendKeys("#lc-goods", "Fresh Dangshan Su pears, CIF Laem Chabang", chromedp.ByQuery),
			chromedp.Click("#doc-certificate_of_origin", chromedp.ByQuery),
			chromedp.Click("#doc-packing_list", chromedp.ByQuery),
			chromedp.Click("#issue-credit", chromedp.ByQuery))
		browsertest.ExpectMessage(t, ctx, "开立")
		browsertest.Contains(t, browsertest.Text(t, ctx, "#lc-available"), "USD 102,900.00", "available with 5 % tolerance")
	}
	// The bank amends the second credit from its page: the form holds the
	// current terms; the amount rises, a phytosanitary certificate is
	// called for. The beneficiary accepts it below.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/credits/LC-E2E-0002"), chromedp.WaitVisible("#amend-credit", chromedp.ByQuery))
	var amountNow string
	browsertest.Run(t, ctx, chromedp.Value("#am-amount", &amountNow, chromedp.ByQuery))
	if amountNow != "98,000.00" {
		t.Errorf("the amendment form holds the amount %q", amountNow)
	}
	browsertest.Run(t, ctx,
		chromedp.SetValue("#am-amount", "99,000.00", chromedp.ByQuery),
		chromedp.Click("#am-doc-phytosanitary_certificate", chromedp.ByQuery),
		chromedp.SendKeys("#am-note", "增加数量", chromedp.ByQuery),
		chromedp.Click("#amend-credit", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "修改书已发出")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#lc-available"), "USD 102,900.00", "available before the beneficiary accepts")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#amend-waiting"), "待受益人答复", "the bank told its amendment waits")
	browsertest.SignOut(t, ctx)
	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/credits/LC-E2E-0002"), chromedp.WaitVisible("#accept-amendment", chromedp.ByQuery))
	// The beneficiary sees what the amendment changes before answering,
	// and only that.
	changes := browsertest.Text(t, ctx, "#amend-changes")
	for _, want := range []string{"USD 98,000.00", "USD 99,000.00", "植物检疫证书"} {
		browsertest.Contains(t, changes, want, "the amendment's changes")
	}
	if strings.Contains(changes, "CNSHA") {
		t.Errorf("the changes list a term the amendment keeps: %s", changes)
	}
	browsertest.Run(t, ctx, chromedp.Click("#accept-amendment", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已答复修改书")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#lc-available"), "USD 103,950.00", "available once the amendment is accepted")
	browsertest.Contains(t, browsertest.Text(t, ctx, "body"), "植物检疫证书", "the document the amendment calls for")
	browsertest.SignOut(t, ctx)

	// The carrier issues two bills from its bookings.
	browsertest.SignIn(t, ctx, base, "logistics-admin")
	for i, ref := range []string{"WYCL2026E2E001", "WYCL2026E2E002"} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade"),
			chromedp.WaitVisible("#issue-ebl", chromedp.ByQuery),
			chromedp.SendKeys("#ebl-ref", ref, chromedp.ByQuery),
			chromedp.SendKeys("#booking_ref", "BKG-"+ref, chromedp.ByQuery),
			chromedp.SetValue("#shipper", "coop", chromedp.ByQuery),
			chromedp.SendKeys("#notify_party", "Siam Fresh Fruit Co., Ltd.", chromedp.ByQuery),
			chromedp.SendKeys("#vessel", "WAN HAI 305", chromedp.ByQuery),
			chromedp.SendKeys("#voyage", "026S", chromedp.ByQuery),
			chromedp.SendKeys("#pod", "THLCH", chromedp.ByQuery),
			chromedp.SendKeys("#goods", "Fresh Dangshan Su pears, 10 kg cartons", chromedp.ByQuery),
			chromedp.SendKeys("#packages", "1800", chromedp.ByQuery),
			chromedp.SendKeys("#weight_kg", "19,800.5", chromedp.ByQuery),
			chromedp.SendKeys("#container", []string{"CSQU3054383", "MSKU1234565"}[i], chromedp.ByQuery),
			chromedp.SendKeys("#seal", "CN2026031", chromedp.ByQuery),
			chromedp.SendKeys("#ssccs", "106141411234567897", chromedp.ByQuery),
			chromedp.Click("#issue-ebl", chromedp.ByQuery))
		browsertest.ExpectMessage(t, ctx, "签发")
		browsertest.Contains(t, browsertest.Text(t, ctx, "#ebl-controller"), "梨都果品专业合作社", "first controller")
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "table.list"), "19800.500", "gross weight in kg")
	browsertest.SignOut(t, ctx)

	// The cooperative presents the first bill under the first credit.
	browsertest.SignIn(t, ctx, base, "coop-admin")
	// present fills the presentation form; the packing list's number or
	// file may be left out.
	present := func(packingNo, packingFile bool) {
		acts := []chromedp.Action{chromedp.Navigate(base + "/hall/trade/credits/LC-E2E-0001"),
			chromedp.WaitVisible("#present", chromedp.ByQuery),
			chromedp.SetValue("#ebl", "WYCL2026E2E001", chromedp.ByQuery),
			chromedp.SendKeys("#amount", "97,200.00", chromedp.ByQuery),
			chromedp.SendKeys("#invoice_no", "DSP-INV-2026-031", chromedp.ByQuery),
			chromedp.SetUploadFiles("#invoice_file", []string{invoice}, chromedp.ByQuery),
			chromedp.SendKeys("#no_certificate_of_origin", "CCPIT-AH-2026-0311", chromedp.ByQuery),
			chromedp.SetUploadFiles("#file_certificate_of_origin", []string{origin}, chromedp.ByQuery)}
		if packingNo {
			acts = append(acts, chromedp.SendKeys("#no_packing_list", "PL-2026-031", chromedp.ByQuery))
		}
		if packingFile {
			acts = append(acts, chromedp.SetUploadFiles("#file_packing_list", []string{origin}, chromedp.ByQuery))
		}
		browsertest.Run(t, ctx, append(acts, chromedp.Click("#present", chromedp.ByQuery))...)
	}
	// A document number without its file, or a file without its number,
	// is refused in the page's language, and nothing is presented.
	present(true, false)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#err", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#err"), "填写了装箱单编号，请同时选择装箱单文件", "a number without its file")
	present(false, true)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#err", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#err"), "选择了装箱单文件，请同时填写装箱单编号", "a file without its number")
	present(true, true)
	browsertest.ExpectMessage(t, ctx, "已交单")
	// Every document the credit calls for was presented: the chain found
	// no discrepancy.
	browsertest.Run(t, ctx, chromedp.WaitVisible("#pres-LC-E2E-0001-P1", chromedp.ByQuery))
	if pres := browsertest.Text(t, ctx, "#pres-LC-E2E-0001-P1"); strings.Contains(pres, "缺少单据") || !strings.Contains(pres, "PL-2026-031") {
		t.Error("a presentation with every document the credit calls for shows a missing document")
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#notice"), "LC-E2E-0001-P1", "presentation id")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/ebls/WYCL2026E2E001"), chromedp.WaitVisible("#ebl-controller", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#ebl-controller"), "江淮商业银行", "controller once presented")
	browsertest.SignOut(t, ctx)

	// The bank examines, pays and releases the eBL to the food group.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	for _, step := range []struct{ button, msg string }{{"button.examine-ok", "审单"}, {"button.honour", "付款"}, {"button.release-docs", "放单"}} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/credits/LC-E2E-0001"),
			chromedp.WaitVisible(step.button, chromedp.ByQuery), chromedp.Click(step.button, chromedp.ByQuery))
		browsertest.ExpectMessage(t, ctx, step.msg)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#lc-drawn"), "USD 97,200.00", "drawn")
	browsertest.Contains(t, browsertest.Text(t, ctx, ".pres-status"), "已结清", "presentation status")
	browsertest.Screenshot(t, ctx, "trade-credit")
	browsertest.SignOut(t, ctx)

	// The food group surrenders the bill; the same form sent again from
	// the page loaded before is refused.
	browsertest.SignIn(t, ctx, base, "foodgroup-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade"), chromedp.WaitVisible("#controlled", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#controlled"), "WYCL2026E2E001", "the food group's bills")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/ebls/WYCL2026E2E001"),
		chromedp.WaitVisible("#surrender", chromedp.ByQuery),
		// Keep the form as a second tab would show it.
		chromedp.Evaluate(`sessionStorage.setItem("stale", document.getElementById("surrender-form").outerHTML); true`, nil),
		chromedp.Click("#surrender", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "交回")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#ebl-status"), "已交回", "status after the surrender")
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelector("main, body").insertAdjacentHTML("beforeend", sessionStorage.getItem("stale")); true`, nil),
		chromedp.WaitVisible("#surrender", chromedp.ByQuery), chromedp.Click("#surrender", chromedp.ByQuery))
	expectRefusal(t, ctx, "电子提单只能交回一次")
	browsertest.SignOut(t, ctx)

	// The carrier releases the goods.
	browsertest.SignIn(t, ctx, base, "logistics-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/ebls/WYCL2026E2E001"),
		chromedp.WaitVisible("#release", chromedp.ByQuery),
		chromedp.SendKeys("#delivery_order", "DO-THLCH-2026-0007", chromedp.ByQuery),
		chromedp.Click("#release", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "放货")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#ebl-status"), "已放货", "status after release")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#history"), "已放货", "history")
	browsertest.Screenshot(t, ctx, "trade-ebl")
	browsertest.SignOut(t, ctx)

	// Customs sees both bills, read-only.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade"), chromedp.WaitVisible("#customs-link", chromedp.ByQuery), chromedp.Click("#customs-link", chromedp.ByQuery),
		chromedp.WaitVisible("#customs-ebls", chromedp.ByQuery))
	cu := browsertest.Text(t, ctx, "#customs-ebls")
	browsertest.Contains(t, cu, "WYCL2026E2E001", "customs view")
	browsertest.Contains(t, cu, "080830", "customs view")
	// A page at a time, the search kept from page to page.
	var whole []string
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/customs?q=e2e"), chromedp.WaitVisible("#customs-ebls", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("#customs-ebls tbody tr td:first-child")].map(e => e.textContent.trim())`, &whole))
	restore := tradeplug.SetDeskPage(1)
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/customs?q=e2e"), chromedp.WaitVisible("#more-customs", chromedp.ByQuery))
	paged := browsertest.PageThrough(t, ctx, "#customs-ebls tbody tr td:first-child", "#more-customs")
	restore()
	if len(whole) < 2 || strings.Join(paged, ",") != strings.Join(whole, ",") || !slices.Contains(whole, "WYCL2026E2E001") {
		t.Errorf("customs' bills matching “e2e”, a page at a time: %q; on one page: %q", paged, whole)
	}
	browsertest.SignOut(t, ctx)

	// The second credit expires: the bank's place moves to UTC+14.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade"),
		chromedp.WaitVisible("#set-calendar", chromedp.ByQuery),
		chromedp.SetValue("#utc_offset", "840", chromedp.ByQuery),
		chromedp.Click("#set-calendar", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "日历")
	browsertest.SignOut(t, ctx)
	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/credits/LC-E2E-0002"), chromedp.WaitVisible("#lc-status", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#lc-status"), "已过期", "the second credit's status")
	browsertest.Run(t, ctx, chromedp.WaitVisible("#present", chromedp.ByQuery),
		chromedp.SetValue("#ebl", "WYCL2026E2E002", chromedp.ByQuery),
		chromedp.SendKeys("#amount", "97,200.00", chromedp.ByQuery),
		chromedp.SendKeys("#invoice_no", "DSP-INV-2026-032", chromedp.ByQuery),
		chromedp.SetUploadFiles("#invoice_file", []string{invoice}, chromedp.ByQuery),
		chromedp.Click("#present", chromedp.ByQuery))
	expectRefusal(t, ctx, "已于 "+bankToday+" 到期")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade/ebls/WYCL2026E2E002"), chromedp.WaitVisible("#ebl-controller", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#ebl-controller"), "梨都果品专业合作社", "the refused presentation left the bill with the cooperative")

	// With one record a page, the cooperative's credits page one by one
	// with the search kept, found by the issuing bank's name and by
	// status in Chinese and in English.
	defer tradeplug.SetDeskPage(1)()
	for _, l := range []struct{ lang, bank, expired, nomatch string }{
		{"zh", "江淮商业银行", "已过期", "没有符合条件的记录"},
		{"en", "JIANGHUAI commercial", "EXPIRED", "Nothing matches"},
	} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade?lang="+l.lang), chromedp.WaitVisible("#trade-search", chromedp.ByQuery),
			chromedp.SendKeys("#q", l.bank, chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery), chromedp.WaitVisible("#found", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, ctx, "#found"), "1+", "the count of a first page with more")
		if got := browsertest.PageThrough(t, ctx, "#credits tbody tr td:first-child", "#more-credits"); strings.Join(got, ",") != "LC-E2E-0001,LC-E2E-0002" {
			t.Errorf("%s: the credits found by the bank's name, page by page: %q", l.lang, got)
		}
		browsertest.Screenshot(t, ctx, "hall-trade-paging-"+l.lang)
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade?q="+url.QueryEscape(l.expired)), chromedp.WaitVisible("#found", chromedp.ByQuery))
		if got := browsertest.PageThrough(t, ctx, "#credits tbody tr td:first-child", "#more-credits"); strings.Join(got, ",") != "LC-E2E-0002" {
			t.Errorf("%s: the credits found by status %q: %q", l.lang, l.expired, got)
		}
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade?q=no-such-record"), chromedp.WaitVisible("#offered .empty", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, ctx, "#offered .empty"), l.nomatch, "a search that finds nothing")
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade?lang=zh"))
	// Paging one list keeps the others on the pages shown: the next page
	// of the credits, with the controlled bills past every reference.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade?controlled_after=ZZZZZZ"), chromedp.WaitVisible("#more-credits", chromedp.ByQuery),
		chromedp.Click("#more-credits", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("credits_after=")`)
	var search string
	browsertest.Run(t, ctx, chromedp.Evaluate(`location.search`, &search))
	if !strings.Contains(search, "controlled_after=ZZZZZZ") {
		t.Errorf("the credits' next page %q drops the controlled bills' page", search)
	}
}

// expectRefusal waits for the page's error and checks it.
func expectRefusal(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	browsertest.Run(t, ctx, chromedp.WaitVisible("#err", chromedp.ByQuery))
	got := browsertest.Text(t, ctx, "#err")
	browsertest.Contains(t, got, "操作被拒绝", "refusal")
	browsertest.Contains(t, got, want, "refusal")
}

// avoidDateChange waits, if needed, until the date at UTC offset hours is
// not about to change, so that the test's idea of the bank's today is the
// chain's.
func avoidDateChange(t *testing.T, hours int) {
	t.Helper()
	now := time.Now().UTC().Add(time.Duration(hours) * time.Hour)
	if left := now.Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(now); left < 2*time.Minute {
		t.Logf("waiting %s for the date at UTC%+d to change", left, hours)
		time.Sleep(left + 5*time.Second)
	}
}
