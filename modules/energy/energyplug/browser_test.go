package energyplug_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/modules/energy/energyplug"
)

// TestMarketFlow: the grid company has opened a zone of 15-minute
// intervals and registered the cooperative's solar meter and the
// supermarket's; in the hall the cooperative asks to sell 5.5 kWh in an
// interval ahead, the supermarket bids (through the SDK); the operator's
// hall lists the interval as due, and clearing it before its gate closes
// is refused with the reason; the zone's market view draws the interval
// in its chart and table; the interval's page shows the operator every
// order and the cooperative only its own.
func TestMarketFlow(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	c := client.New(base)
	grid, market := loadKey(t, home, "regulator"), loadKey(t, home, "market")
	send(t, c, grid, energyapi.OpenZone, energyapi.ZoneBody{Zone: "AH-DS-LL", Name: "砀山良梨 110kV 片区", RetailFen: 62, FeedInFen: 39, WheelingFen: 5})
	for i, org := range []string{"coop", "market"} {
		m := fmt.Sprintf("341321000000000%d", i+1)
		send(t, c, grid, energyapi.RegisterMtr, energyapi.MeterBody{Meter: m, Zone: "AH-DS-LL", Org: org, PublicKey: energyplug.DemoMeterKey(m).Public(), CapacityW: 60_000})
	}
	st, err := c.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	start, _ := energyapi.ParseInterval(energyapi.IntervalOf(st.BlockTime, 15), 15)
	iv := energyapi.IntervalID(start.Add(30 * time.Minute))

	// The cooperative asks to sell in the hall.
	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/energy"),
		chromedp.WaitVisible("#place-order", chromedp.ByQuery),
		chromedp.SetValue("#place-order input[name=interval]", iv, chromedp.ByQuery),
		chromedp.SetValue("#place-order select[name=side]", "sell", chromedp.ByQuery),
		chromedp.SendKeys("#place-order input[name=quantity_kwh]", "5.5", chromedp.ByQuery),
		chromedp.SendKeys("#place-order input[name=price_fen]", "45", chromedp.ByQuery),
		chromedp.Click("#submit-order", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "申报已提交")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#my-orders"), "5.500", "the cooperative's orders")
	send(t, c, market, energyapi.PlaceOrder, energyapi.OrderBody{Zone: "AH-DS-LL", Interval: iv, Side: energyapi.Buy, QuantityWh: 8_000, PriceFen: 55})
	browsertest.Run(t, ctx, chromedp.Navigate(base+energyplug.IntervalPath("AH-DS-LL", iv)), chromedp.WaitVisible("#orders", chromedp.ByQuery))
	if got := browsertest.Text(t, ctx, "#orders"); strings.Contains(got, "8.000") || !strings.Contains(got, "5.500") {
		t.Fatalf("the cooperative sees the orders %q: want its own only", got)
	}
	browsertest.SignOut(t, ctx)

	// The operator: the interval is due, and cannot be cleared before
	// its gate closes.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/energy"),
		chromedp.WaitVisible("#operate-AH-DS-LL .due", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#operate-AH-DS-LL .due"), "8.000", "the operator's due intervals")
	browsertest.Run(t, ctx, chromedp.Click("#operate-AH-DS-LL button.clear-interval", chromedp.ByQuery),
		chromedp.WaitVisible(".verdict.bad", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, ".verdict.bad"), "闸门关闭后方可出清", "the refusal to clear early")

	// The market view draws the interval.
	browsertest.Run(t, ctx, chromedp.Navigate(base+energyplug.MarketPath("AH-DS-LL")),
		chromedp.WaitVisible("#market-chart", chromedp.ByQuery))
	var bars int
	browsertest.Run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll('#market-chart g.iv[data-interval="%s"] rect.volume').length`, iv), &bars))
	if bars != 1 {
		t.Fatalf("the chart draws %d bars of interval %s", bars, iv)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#intervals"), "8.000", "the market's intervals")
	browsertest.Screenshot(t, ctx, "energy-market")
	browsertest.Run(t, ctx, chromedp.Navigate(base+energyplug.IntervalPath("AH-DS-LL", iv)), chromedp.WaitVisible("#orders", chromedp.ByQuery))
	if got := browsertest.Text(t, ctx, "#orders"); !strings.Contains(got, "8.000") || !strings.Contains(got, "5.500") {
		t.Fatalf("the operator sees the orders %q: want both", got)
	}
	browsertest.SignOut(t, ctx)

	// Two more orders of the cooperative's; its orders page one by one
	// with the search kept, found by side, zone name and interval in
	// Chinese and in English.
	coop := loadKey(t, home, "coop")
	later := energyapi.IntervalID(start.Add(45 * time.Minute))
	send(t, c, coop, energyapi.PlaceOrder, energyapi.OrderBody{Zone: "AH-DS-LL", Interval: later, Side: energyapi.Buy, QuantityWh: 1_000, PriceFen: 50})
	send(t, c, coop, energyapi.PlaceOrder, energyapi.OrderBody{Zone: "AH-DS-LL", Interval: energyapi.IntervalID(start.Add(60 * time.Minute)), Side: energyapi.Sell, QuantityWh: 2_000, PriceFen: 44})
	defer energyplug.SetHallPage(1)()
	browsertest.SignIn(t, ctx, base, "coop-admin")
	laterText := later[0:4] + "-" + later[4:6] + "-" + later[6:8] + " " + later[8:10] + ":" + later[10:12]
	for _, l := range []struct{ lang, buy, nomatch string }{{"zh", "买入", "没有符合条件的条目"}, {"en", "BUY", "Nothing matches"}} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/energy?lang="+l.lang), chromedp.WaitVisible("#search-form", chromedp.ByQuery),
			chromedp.SendKeys("#q", "砀山良梨", chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery), chromedp.WaitVisible("#clear", chromedp.ByQuery))
		rows := browsertest.PageThrough(t, ctx, "#my-orders tbody tr td:first-child", "#more-orders")
		if len(rows) != 3 || rows[0] == rows[1] || rows[1] == rows[2] || rows[0] == rows[2] {
			t.Errorf("%s: the cooperative's orders in the zone, page by page: %q", l.lang, rows)
		}
		browsertest.Screenshot(t, ctx, "hall-energy-search-"+l.lang)
		for _, q := range []string{l.buy, laterText} {
			browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/energy?q="+url.QueryEscape(q)), chromedp.WaitVisible("#clear", chromedp.ByQuery))
			if rows := browsertest.PageThrough(t, ctx, "#my-orders tbody tr td:first-child", "#more-orders"); len(rows) != 1 || rows[0] != laterText {
				t.Errorf("%s: the orders found by %q: %q, want the one in %s", l.lang, q, rows, laterText)
			}
		}
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/energy?q=no-such-order"), chromedp.WaitVisible("#no-orders", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, ctx, "#no-orders"), l.nomatch, "a search that finds nothing")
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/energy?lang=zh"))
	browsertest.SignOut(t, ctx)
}
