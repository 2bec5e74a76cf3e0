package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// signOut ends the hall session of the current browser.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Click("#logout", chromedp.ByQuery), chromedp.WaitVisible("a[href='/login']", chromedp.ByQuery))
}

// expectMessage waits until the page shows a status or alert message
// containing want (a form post answers with a new page, so the old one's
// message must not count), and fails if it is an alert.
func expectMessage(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector("[role=status], [role=alert]"); return !!e && e.textContent.includes(%q) && document.readyState === "complete"; })()`, want)
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithDeadline(ctx, deadline)
		err := chromedp.Run(pctx, chromedp.Poll(js, nil, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			break
		}
		// The form's answer replaces the page while we poll: poll the new one.
		// (Chrome reports that as a -32000 "navigated" or "cannot find context" error.)
		if strings.Contains(err.Error(), "-32000") && time.Now().Before(deadline) {
			continue
		}
		var msg string
		chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector("[role=status], [role=alert]") || {textContent: "(no message)"}).textContent`, &msg))
		t.Fatalf("waiting for a message with %q: %v; the page says %q", want, err, msg)
	}
	var alert int
	run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("[role=alert]").length`, &alert))
	if alert != 0 {
		t.Fatalf("the page shows an error: %s", text(t, ctx, "[role=alert]"))
	}
}

// TestReceivableFlow: the bank grants the food group a credit line; the
// food group issues a receivable to the cooperative with its invoice and
// delivery note; the cooperative accepts it, splits off a part to pay the
// carrier and asks the bank to finance the rest; the carrier accepts; the
// bank pays out. The lineage tree is drawn at every step.
func TestReceivableFlow(t *testing.T) {
	d, _ := startNode(t)
	ctx := browser(t)
	base := d.GatewayURL
	dir := t.TempDir()
	invoice := filepath.Join(dir, "增值税专用发票.pdf")
	delivery := filepath.Join(dir, "送货单.pdf")
	os.WriteFile(invoice, []byte("%PDF invoice 3400123456 amount 1000000.00"), 0o644)
	os.WriteFile(delivery, []byte("%PDF delivery note: 100 t Dangshan pears"), 0o644)

	signIn(t, ctx, base, "bank-admin")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
		chromedp.WaitVisible("#set-credit", chromedp.ByQuery),
		chromedp.SetValue("#obligor", "foodgroup", chromedp.ByQuery),
		chromedp.SendKeys("#limit", "5,000,000.00", chromedp.ByQuery),
		chromedp.Click("#set-credit", chromedp.ByQuery))
	expectMessage(t, ctx, "授信")
	signOut(t, ctx)

	signIn(t, ctx, base, "foodgroup-admin")
	maturity := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 6, 0).Format("2006-01-02")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
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
	expectMessage(t, ctx, "开立")
	if got := text(t, ctx, "#available"); got != "4,000,000.00" {
		t.Fatalf("available credit after issuing 1,000,000.00 of 5,000,000.00: %q", got)
	}
	signOut(t, ctx)

	// The cooperative accepts, then opens the receivable.
	signIn(t, ctx, base, "coop-admin")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables"),
		chromedp.WaitVisible("button.accept", chromedp.ByQuery),
		chromedp.Click("button.accept", chromedp.ByQuery))
	expectMessage(t, ctx, "签收")
	// Accepting leads to the receivable's own page.
	var loc string
	run(t, ctx, chromedp.Location(&loc))
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], base+"/hall/receivables/")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+id),
		chromedp.WaitVisible("#split", chromedp.ByQuery),
		chromedp.SetValue("#to0", "logistics", chromedp.ByQuery),
		chromedp.SendKeys("#amount0", "300,000.00", chromedp.ByQuery),
		chromedp.SetValue("#to1", "coop", chromedp.ByQuery),
		chromedp.SendKeys("#amount1", "500,000.00", chromedp.ByQuery),
		chromedp.Click("#split", chromedp.ByQuery))
	expectMessage(t, ctx, "拆分")
	var boxes int
	run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("svg.tree rect").length`, &boxes))
	if boxes != 4 { // the root, the carrier's part, the part kept to finance, the remainder
		t.Fatalf("the lineage tree has %d boxes, want 4", boxes)
	}
	screenshot(t, ctx, "receivable-lineage")
	// Finance the 500,000.00 part the cooperative kept.
	var part string
	run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("svg.tree a")].map(a => a.textContent).find(s => s.includes("500,000.00") && s.includes("coop")).match(/RC[0-9A-F-]+/)[0]`, &part))
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+part),
		chromedp.WaitVisible("#finance", chromedp.ByQuery),
		chromedp.SetValue("#bank", "bank", chromedp.ByQuery),
		chromedp.Click("#finance", chromedp.ByQuery))
	expectMessage(t, ctx, "融资")
	signOut(t, ctx)

	signIn(t, ctx, base, "logistics-admin")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables"), chromedp.WaitVisible("button.accept", chromedp.ByQuery), chromedp.Click("button.accept", chromedp.ByQuery))
	expectMessage(t, ctx, "签收")
	signOut(t, ctx)

	signIn(t, ctx, base, "bank-admin")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables"), chromedp.WaitVisible("button.approve", chromedp.ByQuery), chromedp.Click("button.approve", chromedp.ByQuery))
	expectMessage(t, ctx, "放款")
	run(t, ctx, chromedp.Navigate(base+"/hall/receivables/"+part), chromedp.WaitVisible("#rc-status", chromedp.ByQuery))
	contains(t, text(t, ctx, "dl.facts"), "bank", "financed part's holder")
	screenshot(t, ctx, "receivables")
}
