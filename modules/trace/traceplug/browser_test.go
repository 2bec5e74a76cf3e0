package traceplug_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/modules/trace/traceplug"
)

// recordEvent records one event on the hall's trace page.
func recordEvent(t *testing.T, ctx context.Context, base, step, epc, to string) {
	t.Helper()
	recordShipment(t, ctx, base, step, epc, to, "")
}

// recordShipment records an event with a receiver and a new owner.
func recordShipment(t *testing.T, ctx context.Context, base, step, epc, to, owner string) {
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
	if owner != "" {
		actions = append(actions, chromedp.SetValue("#e-owner", owner, chromedp.ByQuery))
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

	// The regulator records the cooperative's GS1 company prefix; only
	// then may the cooperative register products and places under it.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace"), chromedp.WaitVisible("#assign-prefix", chromedp.ByQuery),
		chromedp.SendKeys("#x-prefix", "6901234", chromedp.ByQuery),
		chromedp.SetValue("#x-org", "coop", chromedp.ByQuery),
		chromedp.Click("#assign-prefix", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "前缀登记")
	browsertest.SignOut(t, ctx)

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
	// The lot is picked by product name and lot number.
	var lotLabel string
	browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#c-lot option")].map(o => o.textContent).join("|")`, &lotLabel))
	if lotLabel != "砀山酥梨 5kg 礼盒 · L20260915" {
		t.Fatalf("the lots to commission: %q", lotLabel)
	}
	browsertest.Run(t, ctx, chromedp.SetValue("#c-lot", lot, chromedp.ByQuery),
		chromedp.SetValue("#c-count", "3", chromedp.ByQuery),
		chromedp.Click("#commission", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "赋码")
	browsertest.ExpectMessage(t, ctx, "序列号 SN0001 … SN0003")

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
	// A refused form keeps what the clerk typed.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace"), chromedp.WaitVisible("#c-lot", chromedp.ByQuery),
		chromedp.SetValue("#c-lot", lot, chromedp.ByQuery),
		chromedp.SetValue("#c-prefix", "B", chromedp.ByQuery),
		chromedp.SetValue("#c-digits", "x", chromedp.ByQuery),
		chromedp.Click("#commission", chromedp.ByQuery),
		chromedp.WaitVisible(".verdict.bad", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, ".verdict.bad"), "序号位数须为 0 到 12", "bad digits")
	var kept []string
	browsertest.Run(t, ctx, chromedp.Evaluate(`["#c-lot", "#c-prefix", "#c-digits"].map(s => document.querySelector(s).value)`, &kept))
	if strings.Join(kept, " ") != lot+" B x" {
		t.Fatalf("the refused form holds %q", kept)
	}
	// Without padding, the serials are what the clerk typed: B1, B2.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace"), chromedp.WaitVisible("#c-lot", chromedp.ByQuery),
		chromedp.SetValue("#c-lot", lot, chromedp.ByQuery),
		chromedp.SetValue("#c-prefix", "B", chromedp.ByQuery),
		chromedp.SetValue("#c-digits", "0", chromedp.ByQuery),
		chromedp.SetValue("#c-count", "2", chromedp.ByQuery),
		chromedp.Click("#commission", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "序列号 B1 … B2")
	if _, err := client.Read(context.Background(), client.New(base), traceapi.GetItem, traceapi.EPCParams{EPC: "/01/" + gtin + "/21/B1"}); err != nil {
		t.Fatalf("B1: %v", err)
	}

	// The clerk finds the product, its lot and its items from the hall.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace"), chromedp.Click("#my-products", chromedp.ByQuery),
		chromedp.WaitVisible("#products", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#products"), "砀山酥梨 5kg 礼盒", "products list")
	browsertest.Screenshot(t, ctx, "hall-products")
	browsertest.Run(t, ctx, chromedp.SendKeys("#q", "苹果", chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery),
		chromedp.WaitVisible("#no-products", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-products"), "没有找到符合条件的产品", "search without a match")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace/products?q=5kg"), chromedp.Click("#products a", chromedp.ByQuery),
		chromedp.WaitVisible("#lots", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "hall-product-lots")
	lots := browsertest.Text(t, ctx, "#lots")
	browsertest.Contains(t, lots, "L20260915", "the product's lots")
	var commissioned string
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelector("#lots tbody tr td:nth-child(6)").textContent`, &commissioned))
	if commissioned != "5" {
		t.Fatalf("the lot shows %q items commissioned, want 5", commissioned)
	}
	browsertest.Run(t, ctx, chromedp.Click("#lots a.print-labels", chromedp.ByQuery), chromedp.WaitVisible(".labels", chromedp.ByQuery))
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("figure.label svg").length`, &codes))
	if codes != 5 {
		t.Fatalf("%d labels from the product page, want 5", codes)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace/products?lang=en"), chromedp.WaitVisible("#products", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#products"), "Dangshan pears, 5 kg gift box", "products list in English")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trace/products?lang=zh"), chromedp.WaitVisible("#products", chromedp.ByQuery))

	// The journey: the cooperative ships to the carrier, which ships on to
	// the supermarket, which sells the box.
	// The cooperative sells the box to the supermarket and hands it to
	// the carrier.
	recordShipment(t, ctx, base, "shipping", epc, "logistics", "market")
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

	// A second phone in the same home scans the sold box: one network,
	// so no copied-code warning.
	other := browsertest.Browser(t)
	browsertest.Run(t, other, chromedp.Navigate(link), chromedp.WaitVisible("#risk", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, other, "#risk"), "正品", "verdict after a second scan from the same network")

	// The regulator recalls the lot: the page shows the recall banner.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	recordEvent(t, ctx, base, "recalling", lot, "")
	browsertest.Run(t, other, chromedp.Navigate(link), chromedp.WaitVisible("#recall", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, other, "#recall"), "召回", "recall banner")
}

// TestScanPages are the consumer's scan pages of the demo story in a
// browser: a cold-chain shipment's temperature chart with the breach
// flagged, a Chinese city recorded, a single item's recall, and a code
// never issued.
func TestScanPages(t *testing.T) {
	d, home := browsertest.Node(t)
	base := d.GatewayURL
	c := client.New(base)
	admin := func(org string) (*client.Key, error) {
		return client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
	}
	if err := traceplug.SeedStory(context.Background(), c, admin, time.Now()); err != nil {
		t.Fatal(err)
	}
	item := "/01/06901234567892/21/SN0001"
	phone := browsertest.Browser(t)

	// The temperature chart of the truck, the too-warm reading in red.
	browsertest.Run(t, phone, chromedp.Navigate(base+item), chromedp.WaitVisible("#sensors svg.chart", chromedp.ByQuery))
	var points, breaches int
	browsertest.Run(t, phone, chromedp.Evaluate(`document.querySelectorAll("#sensors circle.reading").length`, &points),
		chromedp.Evaluate(`document.querySelectorAll("#sensors circle.breach").length`, &breaches))
	if points != 6 || breaches != 1 {
		t.Fatalf("chart: %d readings, %d breaches; want 6 and 1", points, breaches)
	}
	browsertest.Contains(t, browsertest.Text(t, phone, "#sensors figcaption"), "超出", "breach caption")
	browsertest.Contains(t, browsertest.Text(t, phone, "#reasons"), "9.6", "the verdict names the breach")
	var badges int
	browsertest.Run(t, phone, chromedp.Evaluate(`document.querySelectorAll("#journey .breach").length`, &badges))
	if badges != 1 {
		t.Fatalf("%d journey steps flagged out of range, want 1", badges)
	}
	browsertest.Screenshot(t, phone, "scan-page-cold-chain")

	// The visitor gives a city in Chinese; the page and the chain keep it.
	browsertest.Run(t, phone, chromedp.SetValue("#city", "合肥市", chromedp.ByQuery), chromedp.Submit("#city", chromedp.ByQuery),
		chromedp.WaitVisible("#city-now", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, phone, "#city-now"), "合肥", "city recorded")
	var first *traceapi.ScanPoint
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		p, err := client.Read(context.Background(), c, traceapi.GetScanPage, traceapi.EPCParams{EPC: item})
		if err != nil {
			t.Fatal(err)
		}
		if first = p.Scans.First; first != nil && p.PendingScans == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no scan recorded")
		}
	}
	// The first view came before the city was set; the visit after it is
	// the same device in the same window, so the scan on chain may have
	// no city. A second device in Hefei records it.
	phone2 := browsertest.Browser(t)
	browsertest.Run(t, phone2, chromedp.Navigate(base+"/01/06901234567892/21/SN0002?city="+url.QueryEscape("合肥")), chromedp.WaitVisible("#city-now", chromedp.ByQuery))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		p, err := client.Read(context.Background(), c, traceapi.GetScanPage, traceapi.EPCParams{EPC: "/01/06901234567892/21/SN0002"})
		if err != nil {
			t.Fatal(err)
		}
		if f := p.Scans.First; f != nil && p.PendingScans == 0 {
			if f.City != "340100" {
				t.Fatalf("the scan was recorded in %q, want 340100 (合肥)", f.City)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no scan recorded")
		}
	}
	browsertest.Run(t, phone2, chromedp.Reload(), chromedp.WaitVisible("#first-scan", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, phone2, "#first-scan"), "合肥", "first scan's city")

	// The regulator recalls one box from the hall: its page warns, its
	// neighbour's does not.
	hall := browsertest.Browser(t)
	browsertest.SignIn(t, hall, base, "regulator-admin")
	recordEvent(t, hall, base, "recalling", "/01/06901234567892/21/SN0002", "")
	browsertest.Run(t, phone2, chromedp.Navigate(base+"/01/06901234567892/21/SN0002"), chromedp.WaitVisible("#recall", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, phone2, "#recall"), "本件商品已被召回", "single-item recall banner")
	browsertest.Contains(t, browsertest.Text(t, phone2, "#risk"), "警告", "verdict of a recalled item")
	browsertest.Screenshot(t, phone2, "scan-page-item-recall")
	var banner bool
	browsertest.Run(t, phone, chromedp.Navigate(base+item), chromedp.WaitVisible("#journey", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#recall") !== null`, &banner))
	if banner {
		t.Fatal("the recall shows on another item of the lot")
	}

	// The cooperative imports an EPCIS document in the hall: every event
	// captured; imported again, every event already on chain.
	doc := filepath.Join(t.TempDir(), "boxes.jsonld")
	if err := os.WriteFile(doc, epcisBenchDoc(2, 7, time.Now()), 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.SignOut(t, hall)
	browsertest.SignIn(t, hall, base, "coop-admin")
	for _, want := range []string{"已上链 8 · 原已在链上 0 · 未上链 0", "已上链 0 · 原已在链上 8 · 未上链 0"} {
		browsertest.Run(t, hall, chromedp.Navigate(base+"/hall/trace/import"), chromedp.WaitVisible("#i-doc", chromedp.ByQuery),
			chromedp.SetUploadFiles("#i-doc", []string{doc}, chromedp.ByQuery), chromedp.Click("#import", chromedp.ByQuery),
			chromedp.WaitVisible("#import-summary", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, hall, "#import-summary"), want, "import summary")
	}
	browsertest.Screenshot(t, hall, "hall-epcis-import")

	// A code nobody issued.
	browsertest.Run(t, phone, chromedp.Navigate(base+"/01/06901234567892/21/FAKE0001"), chromedp.WaitVisible("#never-issued", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, phone, "#never-issued"), "从未发放", "counterfeit page")
	browsertest.Contains(t, browsertest.Text(t, phone, "#brand-owner"), "梨都果品", "the brand the fake claims")
	browsertest.Screenshot(t, phone, "scan-page-never-issued")
}
