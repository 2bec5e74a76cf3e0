package tradeplug

import (
	"context"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// dashboard is the organisation's trade panels: its electronic bills of
// lading by status, and its letters of credit, drawn and undrawn.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	ebls, err := trade.EBLsOf(b.View, b.Org.ID)
	if err != nil {
		return nil, err
	}
	credits, err := trade.CreditsOf(b.View, b.Org.ID, b.Now)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	byStatus := map[string]int64{}
	for _, list := range [][]tradeapi.EBLSummary{ebls.Controlled, ebls.Offered, ebls.Issued} {
		for _, e := range list {
			if !seen[e.Ref] {
				seen[e.Ref] = true
				byStatus[e.Status]++
			}
		}
	}
	trader := b.Has(string(tradeapi.Trader)) || b.Has(string(tradeapi.Carrier)) || b.Has(string(role.Bank))
	if len(seen) == 0 && len(credits.Credits) == 0 && !trader {
		return nil, nil
	}
	links := []pages.Link{{Path: "/hall/trade", Key: "dtr.list"}}
	bills := pages.Tile{ID: "trade-ebls", Title: b.T("dtr.ebls"), Figures: []pages.Figure{{Label: b.T("dtr.ebls.total"), Value: chart.Int(int64(len(seen)))}}, Links: links}
	if len(seen) == 0 {
		bills.Empty = b.T("dtr.ebls.empty")
	} else {
		var parts []chart.Slice
		for _, s := range tradeapi.EBLStatuses {
			if n := byStatus[s]; n > 0 {
				parts = append(parts, chart.Slice{Label: b.T("trs." + s), Value: n})
			}
		}
		bills.Chart = &chart.Donut{Text: chart.Text{ID: "trade-ebls-chart", Title: b.T("dtr.ebls"), Desc: b.Tp("dtr.ebls.desc", "n", chart.Int(int64(len(seen))), "live", chart.Int(byStatus[tradeapi.EBLIssued]))},
			Slices: parts, TotalLabel: b.T("dtr.ebls.unit"), Head: [2]string{b.T("tr.status"), b.T("dtr.ebls.unit")}}
	}
	lcs := pages.Tile{ID: "trade-credits", Title: b.T("dtr.credits"), Figures: []pages.Figure{{Label: b.T("dtr.credits.total"), Value: chart.Int(int64(len(credits.Credits)))}}, Links: links}
	if len(credits.Credits) == 0 {
		lcs.Empty = b.T("dtr.credits.empty")
		return []pages.Tile{bills, lcs}, nil
	}
	// The chart shows the credits of the currency most of them are in
	// (amounts in different currencies do not add up); the figures name
	// every currency's totals.
	count := map[string]int{}
	amount, drawn := map[string]int64{}, map[string]int64{}
	var currencies []string
	for _, c := range credits.Credits {
		cur := c.Amount.Currency
		if count[cur] == 0 {
			currencies = append(currencies, cur)
		}
		count[cur]++
		amount[cur] += c.Amount.Minor
		drawn[cur] += c.Drawn
	}
	slices.Sort(currencies)
	main := currencies[0]
	for _, cur := range currencies {
		if count[cur] > count[main] {
			main = cur
		}
		lcs.Figures = append(lcs.Figures, pages.Figure{Label: b.Tp("dtr.drawn.of", "cur", cur), Value: trade.FormatMoney(cur, drawn[cur]) + " / " + trade.FormatMoney(cur, amount[cur])})
	}
	var names []string
	var drawnV, restV []int64
	for _, c := range credits.Credits {
		if c.Amount.Currency != main {
			continue
		}
		names = append(names, c.No)
		drawnV = append(drawnV, c.Drawn)
		restV = append(restV, max(c.Amount.Minor-c.Drawn, 0))
	}
	money := func(minor int64) string { return trade.FormatMoney(main, minor) }
	lcs.Chart = &chart.Bar{Axes: chart.Axes{
		Text:   chart.Text{ID: "trade-credits-chart", Title: b.T("dtr.credits"), Desc: b.Tp("dtr.credits.desc", "cur", main, "drawn", money(drawn[main]), "amount", money(amount[main]))},
		XLabel: b.T("dtr.credit"), YLabel: b.Tp("dtr.amount", "cur", main),
		Categories: names,
		Series:     []chart.Series{{Name: b.T("dtr.drawn"), Values: drawnV}, {Name: b.T("dtr.undrawn"), Values: restV}},
		Format:     money,
		Tick: func(minor int64) string {
			// The amount without its currency (named on the axis) and
			// without its minor units.
			s := money(minor)
			s = s[strings.LastIndexByte(s, ' ')+1:]
			whole, _, _ := strings.Cut(s, ".")
			return whole
		},
	}}
	return []pages.Tile{bills, lcs}, nil
}

var dashMessages = pages.Messages{
	"dtr.list":          {"进入国际贸易业务", "Go to trade"},
	"dtr.ebls":          {"电子提单状态", "Electronic bills of lading by status"},
	"dtr.ebls.desc":     {"本机构涉及电子提单 {n} 份，其中 {live} 份流通中。", "Your organisation is party to {n} bills, {live} of them in circulation."},
	"dtr.ebls.total":    {"涉及提单", "Bills"},
	"dtr.ebls.unit":     {"份提单", "bills"},
	"dtr.ebls.empty":    {"本机构还没有电子提单。承运人装船后签发电子提单，托运人即可转让或交单。", "Your organisation has no bill of lading yet. Once goods are on board, the carrier issues an electronic bill that the shipper can transfer or present."},
	"dtr.credits":       {"信用证支用情况", "Letters of credit: drawn and undrawn"},
	"dtr.credits.desc":  {"{cur} 信用证已支用 {drawn}，金额合计 {amount}。", "{drawn} drawn of {amount} on the {cur} credits."},
	"dtr.credits.total": {"信用证", "Credits"},
	"dtr.credits.empty": {"本机构还没有信用证。进口商申请、开证行开立信用证后，这里会显示支用情况。", "Your organisation has no letter of credit yet. Once an importer applies and a bank issues one, its drawings show here."},
	"dtr.drawn.of":      {"{cur} 已支用 / 金额", "{cur} drawn / amount"},
	"dtr.credit":        {"信用证编号", "Credit"},
	"dtr.amount":        {"金额（{cur}）", "Amount ({cur})"},
	"dtr.drawn":         {"已支用", "Drawn"},
	"dtr.undrawn":       {"未支用", "Undrawn"},
}
