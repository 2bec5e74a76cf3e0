package traceplug_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/browsertest"

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
	browsertest.Run(t, ctx, append(actions, chromedp.Click("#record-event", chromedp.ByQuery))...)
	browsertest.ExpectMessage(t, ctx, "事件记录")
}

// TestTraceFlow follows a box of Dangshan pears from the orchard to a
// consumer's phone.
func TestTraceFlow(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	gtin := "0690123400001"
	gtin += string(trace.GS1CheckDigit(gtin))
	gln := "690123400010"
	gln += string(trace.GS1CheckDigit(gln))

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace"), chromedp.WaitVisible("#register-product", chromedp.ByQuery),
		chromedp.SendKeys("#p-gtin", gtin, chromedp.ByQuery),
		chromedp.SendKeys("#p-name", "砀山酥梨 5kg 礼盒", chromedp.ByQuery),
		chromedp.SendKeys("#p-name-en", "Dangshan pears, 5 kg gift box", chromedp.ByQuery),
		chromedp.SendKeys("#p-brand", "梨都", chromedp.ByQuery),
		chromedp.Click("#register-product", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "产品登记")
	browsertest.Run(t, ctx, chromedp.SendKeys("#l-gln", gln, chromedp.ByQuery),
		chromedp.SendKeys("#l-name", "良梨镇果园", chromedp.ByQuery),
		chromedp.SetValue("#l-type", "farm", chromedp.ByQuery),
		chromedp.Click("#register-location", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "地点登记")
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	browsertest.Run(t, ctx, chromedp.SendKeys("#lot-gtin", gtin, chromedp.ByQuery),
		chromedp.SendKeys("#lot-no", "L20260915", chromedp.ByQuery),
		chromedp.SendKeys("#lot-region", "安徽省宿州市砀山县", chromedp.ByQuery),
		chromedp.SendKeys("#lot-farm", "良梨镇果园", chromedp.ByQuery),
		chromedp.SendKeys("#lot-gln", gln, chromedp.ByQuery),
		chromedp.SetValue("#lot-produced", today, chromedp.ByQuery),
		chromedp.Click("#register-lot", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "批次登记")
	lot := "/01/" + gtin + "/10/L20260915"
	browsertest.Run(t, ctx, chromedp.SendKeys("#c-lot", lot, chromedp.ByQuery),
		chromedp.SetValue("#c-count", "3", chromedp.ByQuery),
		chromedp.Click("#commission", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "赋码")

	// The labels: one QR code per item, each leading to its scan page.
	browsertest.Run(t, ctx, chromedp.Click("#labels", chromedp.ByQuery), chromedp.WaitVisible(".labels", chromedp.ByQuery))
	var codes int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("figure.label svg").length`, &codes))
	if codes != 3 {
		t.Fatalf("%d labels printed, want 3", codes)
	}
	var link string
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelector("figure.label a").href`, &link))
	epc := "/01/" + gtin + "/21/SN0001"
	if !strings.HasSuffix(link, epc) {
		t.Fatalf("label link %q does not end with %s", link, epc)
	}
	browsertest.Screenshot(t, ctx, "qr-labels")

	// The journey: the cooperative ships to the carrier, which ships on to
	// the supermarket, which sells the box.
	recordEvent(t, ctx, base, "shipping", epc, "logistics")
	browsertest.SignOut(t, ctx)
	browsertest.SignIn(t, ctx, base, "logistics-admin")
	recordEvent(t, ctx, base, "receiving", epc, "")
	recordEvent(t, ctx, base, "shipping", epc, "market")
	browsertest.SignOut(t, ctx)
	browsertest.SignIn(t, ctx, base, "market-admin")
	recordEvent(t, ctx, base, "receiving", epc, "")
	recordEvent(t, ctx, base, "retail_selling", epc, "")
	browsertest.SignOut(t, ctx)

	// A consumer scans the QR code.
	phone := browsertest.Browser(t)
	browsertest.Run(t, phone, chromedp.Navigate(link), chromedp.WaitVisible("#journey", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, phone, "h1"), "砀山酥梨", "scan page product")
	browsertest.Contains(t, browsertest.Text(t, phone, "#origin"), "砀山县", "scan page origin")
	browsertest.Contains(t, browsertest.Text(t, phone, "#seller"), "惠民超市", "scan page seller")
	browsertest.Contains(t, browsertest.Text(t, phone, "#risk"), "正品", "scan page verdict")
	var steps int
	browsertest.Run(t, phone, chromedp.Evaluate(`document.querySelectorAll("#journey li").length`, &steps))
	if steps < 6 {
		t.Fatalf("journey shows %d steps, want at least 6 (commissioning, 2 ships, 2 receipts, sale)", steps)
	}
	if got := browsertest.Text(t, phone, "#scan-count"); got != "1" {
		t.Fatalf("scan count %q on the first scan", got)
	}
	browsertest.Screenshot(t, phone, "scan-page")
	// On a phone-sized screen nothing overflows sideways.
	var overflow bool
	browsertest.Run(t, phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Reload(), chromedp.WaitVisible("#journey", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
	if overflow {
		t.Fatal("the scan page is wider than a phone's screen")
	}
	browsertest.Screenshot(t, phone, "scan-page-phone")

	// A second phone scans the sold box: a copied code? Once the scans are
	// on chain the verdict turns to danger.
	other := browsertest.Browser(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		browsertest.Run(t, other, chromedp.Navigate(link), chromedp.WaitVisible("#risk", chromedp.ByQuery))
		if strings.Contains(browsertest.Text(t, other, "#risk"), "警告") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the verdict stayed %q after two devices scanned the sold code", browsertest.Text(t, other, "#risk"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	browsertest.Screenshot(t, other, "scan-page-warning")

	// The regulator recalls the lot: the page shows the recall banner.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	recordEvent(t, ctx, base, "recalling", lot, "")
	browsertest.Run(t, other, chromedp.Navigate(link), chromedp.WaitVisible("#recall", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, other, "#recall"), "召回", "recall banner")
}
