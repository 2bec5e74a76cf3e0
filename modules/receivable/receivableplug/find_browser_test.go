package receivableplug_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// TestReceivableFindBrowser: the food group issued 23 receivables (21 to
// the cooperative, 2 to the carrier); its clerk finds the carrier's by
// the carrier's name in Chinese and in English, pages through all of
// them, and is told when nothing matches.
func TestReceivableFindBrowser(t *testing.T) {
	d, home := browsertest.Node(t)
	base := d.GatewayURL
	keys := filepath.Join(home, "keys")
	key := func(org string) *client.Key {
		k, err := client.LoadKey(devnet.KeyFile(keys, org))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ctx0 := context.Background()
	bank, food := key("bank"), key("foodgroup")
	limit := int64(1_000_000_00)
	if _, _, err := client.Send(ctx0, client.New(base).As(bank), bank, receivableapi.SetCreditLine, receivableapi.CreditBody{Obligor: "foodgroup", LimitFen: &limit}); err != nil {
		t.Fatal(err)
	}
	maturity := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 3, 0).Format("2006-01-02")
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	issue := func(to string, n int) {
		no := fmt.Sprintf("PG-%02d", n)
		if _, _, err := client.Send(ctx0, client.New(base).As(food), food, receivableapi.Issue, receivableapi.IssueBody{To: to, FaceFen: int64(n) * 1000_00, MaturityDate: maturity,
			Trade: &receivableapi.TradeBody{ContractNo: "HT-" + no, InvoiceNo: no, InvoiceAmountFen: int64(n) * 1000_00, InvoiceSHA256: hash("invoice " + no), DeliveryDocHashes: []string{hash("delivery " + no)}}}); err != nil {
			t.Fatal(err)
		}
	}
	for n := 1; n <= 21; n++ {
		issue("coop", n)
	}
	issue("logistics", 22)
	issue("logistics", 23)

	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "foodgroup-admin")
	rows := func() []string {
		var ids []string
		browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#found tr.found-row td:first-child a")].map(a => a.textContent)`, &ids))
		return ids
	}
	// By the carrier's Chinese name, from the box on the receivables page.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables"), chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "皖运冷链", chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery),
		chromedp.WaitVisible("#found", chromedp.ByQuery))
	if got := rows(); len(got) != 2 {
		t.Fatalf("the carrier's Chinese name finds %v, want its 2 receivables", got)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#found"), "安徽皖运冷链物流有限公司", "found by the carrier's name")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#found"), "HT-PG-23", "contract number shown")
	browsertest.Screenshot(t, ctx, "hall-receivables-find")
	// Every receivable, page by page, each once, newest first.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find"), chromedp.WaitVisible("#found", chromedp.ByQuery))
	first := rows()
	if len(first) != 20 {
		t.Fatalf("the first page lists %d receivables, want 20", len(first))
	}
	browsertest.Run(t, ctx, chromedp.Click("#more", chromedp.ByQuery), chromedp.WaitVisible("#first", chromedp.ByQuery))
	second := rows()
	all := slices.Concat(first, second)
	if len(all) != 23 || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 23 {
		t.Fatalf("two pages list %d receivables (%v), want the 23 issued, each once", len(all), all)
	}
	if !slices.IsSortedFunc(all, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Fatalf("not newest first: %v", all)
	}
	var more int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#more").length`, &more))
	if more != 0 {
		t.Fatal("the last page links to a next page")
	}
	// Nothing matches: the page says so and offers to clear the search.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find?q=xyz"), chromedp.WaitVisible("#no-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-match"), "没有应收账款符合 “xyz”", "no match")
	browsertest.Run(t, ctx, chromedp.Click("#clear", chromedp.ByQuery), chromedp.WaitVisible("#found", chromedp.ByQuery))
	if n := len(rows()); n != 20 {
		t.Fatalf("after clearing the search the page lists %d, want 20", n)
	}
	// A page link that is not one is refused with a sentence, not a
	// server error.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find?after=garbage"), chromedp.WaitVisible("main", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "main"), "翻页参数无效", "a bad page link")

	// In English: the carrier's English name in lower case, and paging
	// keeps the search.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find?lang=en"), chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "wanyun cold-chain", chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("q=wanyun")`)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#found", chromedp.ByQuery))
	if got := rows(); len(got) != 2 {
		t.Fatalf("the carrier's English name finds %v, want its 2 receivables", got)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#found"), "Wanyun Cold-Chain Logistics Co., Ltd.", "found by the English name")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find?q=PG-&lang=en"), chromedp.WaitVisible("#more", chromedp.ByQuery),
		chromedp.Click("#more", chromedp.ByQuery), chromedp.WaitVisible("#first", chromedp.ByQuery))
	var q string
	browsertest.Run(t, ctx, chromedp.Value("#q", &q, chromedp.ByQuery))
	if q != "PG-" || len(rows()) != 3 {
		t.Fatalf("the next page of “PG-” keeps %q and lists %d, want PG- and 3", q, len(rows()))
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find?q=xyz&lang=en"), chromedp.WaitVisible("#no-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-match"), "No receivable matches “xyz”", "no match in English")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#clear"), "Clear the search", "clear link in English")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/receivables/find?lang=zh"), chromedp.WaitVisible("#found", chromedp.ByQuery))
}
