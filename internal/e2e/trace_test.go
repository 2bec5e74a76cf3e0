package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/modules/trace"
)

// recordEvent records one event on the hall's trace page.
func recordEvent(t *testing.T, ctx context.Context, base, step, epc, to string) {
	t.Helper()
	actions := []chromedp.Action{
		chromedp.Navigate(base + "/hall/trace"),
		chromedp.WaitVisible("#record-event", chromedp.ByQuery),
		chromedp.SetValue("#e-step", step, chromedp.ByQuery),
		chromedp.SendKeys("#e-epcs", epc, chromedp.ByQuery),
	}
	if to != "" {
		actions = append(actions, chromedp.SetValue("#e-to", to, chromedp.ByQuery))
	}
	run(t, ctx, append(actions, chromedp.Click("#record-event", chromedp.ByQuery))...)
	expectMessage(t, ctx, "事件记录")
}

// TestTraceFlow follows a box of Dangshan pears from the orchard to a
// consumer's phone.
func TestTraceFlow(t *testing.T) {
	d, _ := startNode(t)
	ctx := browser(t)
	base := d.GatewayURL
	gtin := "0690123400001"
	gtin += string(trace.GS1CheckDigit(gtin))
	gln := "690123400010"
	gln += string(trace.GS1CheckDigit(gln))

	signIn(t, ctx, base, "coop-admin")
	run(t, ctx, chromedp.Navigate(base+"/hall/trace"), chromedp.WaitVisible("#register-product", chromedp.ByQuery),
		chromedp.SendKeys("#p-gtin", gtin, chromedp.ByQuery),
		chromedp.SendKeys("#p-name", "砀山酥梨 5kg 礼盒", chromedp.ByQuery),
		chromedp.SendKeys("#p-name-en", "Dangshan pears, 5 kg gift box", chromedp.ByQuery),
		chromedp.SendKeys("#p-brand", "梨都", chromedp.ByQuery),
		chromedp.Click("#register-product", chromedp.ByQuery))
	expectMessage(t, ctx, "产品登记")
	run(t, ctx, chromedp.SendKeys("#l-gln", gln, chromedp.ByQuery),
		chromedp.SendKeys("#l-name", "良梨镇果园", chromedp.ByQuery),
		chromedp.SetValue("#l-type", "farm", chromedp.ByQuery),
		chromedp.Click("#register-location", chromedp.ByQuery))
	expectMessage(t, ctx, "地点登记")
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	run(t, ctx, chromedp.SendKeys("#lot-gtin", gtin, chromedp.ByQuery),
		chromedp.SendKeys("#lot-no", "L20260915", chromedp.ByQuery),
		chromedp.SendKeys("#lot-region", "安徽省宿州市砀山县", chromedp.ByQuery),
		chromedp.SendKeys("#lot-farm", "良梨镇果园", chromedp.ByQuery),
		chromedp.SendKeys("#lot-gln", gln, chromedp.ByQuery),
		chromedp.SetValue("#lot-produced", today, chromedp.ByQuery),
		chromedp.Click("#register-lot", chromedp.ByQuery))
	expectMessage(t, ctx, "批次登记")
	lot := "/01/" + gtin + "/10/L20260915"
	run(t, ctx, chromedp.SendKeys("#c-lot", lot, chromedp.ByQuery),
		chromedp.SetValue("#c-count", "3", chromedp.ByQuery),
		chromedp.Click("#commission", chromedp.ByQuery))
	expectMessage(t, ctx, "赋码")

	// The labels: one QR code per item, each leading to its scan page.
	run(t, ctx, chromedp.Click("#labels", chromedp.ByQuery), chromedp.WaitVisible(".labels", chromedp.ByQuery))
	var codes int
	run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("figure.label svg").length`, &codes))
	if codes != 3 {
		t.Fatalf("%d labels printed, want 3", codes)
	}
	var link string
	run(t, ctx, chromedp.Evaluate(`document.querySelector("figure.label a").href`, &link))
	epc := "/01/" + gtin + "/21/SN0001"
	if !strings.HasSuffix(link, epc) {
		t.Fatalf("label link %q does not end with %s", link, epc)
	}
	screenshot(t, ctx, "qr-labels")

	// The journey: the cooperative ships to the carrier, which ships on to
	// the supermarket, which sells the box.
	recordEvent(t, ctx, base, "shipping", epc, "logistics")
	signOut(t, ctx)
	signIn(t, ctx, base, "logistics-admin")
	recordEvent(t, ctx, base, "receiving", epc, "")
	recordEvent(t, ctx, base, "shipping", epc, "market")
	signOut(t, ctx)
	signIn(t, ctx, base, "market-admin")
	recordEvent(t, ctx, base, "receiving", epc, "")
	recordEvent(t, ctx, base, "retail_selling", epc, "")
	signOut(t, ctx)

	// A consumer scans the QR code.
	phone := browser(t)
	run(t, phone, chromedp.Navigate(link), chromedp.WaitVisible("#journey", chromedp.ByQuery))
	contains(t, text(t, phone, "h1"), "砀山酥梨", "scan page product")
	contains(t, text(t, phone, "#origin"), "砀山县", "scan page origin")
	contains(t, text(t, phone, "#seller"), "惠民超市", "scan page seller")
	contains(t, text(t, phone, "#risk"), "正品", "scan page verdict")
	var steps int
	run(t, phone, chromedp.Evaluate(`document.querySelectorAll("#journey li").length`, &steps))
	if steps < 6 {
		t.Fatalf("journey shows %d steps, want at least 6 (commissioning, 2 ships, 2 receipts, sale)", steps)
	}
	if got := text(t, phone, "#scan-count"); got != "1" {
		t.Fatalf("scan count %q on the first scan", got)
	}
	screenshot(t, phone, "scan-page")
	// On a phone-sized screen nothing overflows sideways.
	var overflow bool
	run(t, phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Reload(), chromedp.WaitVisible("#journey", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
	if overflow {
		t.Fatal("the scan page is wider than a phone's screen")
	}
	screenshot(t, phone, "scan-page-phone")

	// A second phone scans the sold box: a copied code? Once the scans are
	// on chain the verdict turns to danger.
	other := browser(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		run(t, other, chromedp.Navigate(link), chromedp.WaitVisible("#risk", chromedp.ByQuery))
		if strings.Contains(text(t, other, "#risk"), "警告") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the verdict stayed %q after two devices scanned the sold code", text(t, other, "#risk"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	screenshot(t, other, "scan-page-warning")

	// The regulator recalls the lot: the page shows the recall banner.
	signIn(t, ctx, base, "regulator-admin")
	recordEvent(t, ctx, base, "recalling", lot, "")
	run(t, other, chromedp.Navigate(link), chromedp.WaitVisible("#recall", chromedp.ByQuery))
	contains(t, text(t, other, "#recall"), "召回", "recall banner")
}
