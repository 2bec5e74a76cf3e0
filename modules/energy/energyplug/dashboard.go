package energyplug

import (
	"context"
	"strconv"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// dashboardIntervals is how many settled intervals the panel draws.
const dashboardIntervals = 12

// dashboard is a participant's energy panel: the energy it sold and
// bought in its latest settled intervals, and the net of its settlements.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	st, err := energy.StatementOf(b.View, b.Org.ID, "")
	if err != nil {
		return nil, err
	}
	if len(st.Meters) == 0 && len(st.Lines) == 0 && !b.Has(string(energyapi.Prosumer)) {
		return nil, nil
	}
	t := pages.Tile{ID: "energy-trades", Title: b.T("de.trades"), Links: []pages.Link{{Path: "/hall/energy", Key: "de.list"}},
		Figures: []pages.Figure{{Label: b.T("de.meters"), Value: chart.Int(int64(len(st.Meters)))}, {Label: b.T("de.net"), Value: chart.Yuan(st.NetFen)}}}
	if len(st.Lines) == 0 {
		t.Empty = b.T("de.empty")
		if len(st.Meters) > 0 {
			t.Empty = b.T("de.empty.orders")
		}
		return []pages.Tile{t}, nil
	}
	// The lines come newest first; the chart runs oldest to newest.
	lines := st.Lines
	if len(lines) > dashboardIntervals {
		lines = lines[:dashboardIntervals]
	}
	n := len(lines)
	names := make([]string, n)
	sold, bought := make([]int64, n), make([]int64, n)
	var soldAll, boughtAll int64
	for i, l := range lines {
		j := n - 1 - i
		names[j] = intervalLabel(l.Interval)
		sold[j], bought[j] = l.SoldWh, l.BoughtWh
		soldAll += l.SoldWh
		boughtAll += l.BoughtWh
	}
	t.Chart = &chart.Line{Axes: chart.Axes{
		Text:   chart.Text{ID: "energy-trades-chart", Title: b.T("de.trades"), Desc: b.Tp("de.desc", "n", strconv.Itoa(n), "sold", kWh(soldAll), "bought", kWh(boughtAll))},
		XLabel: b.T("de.interval"), YLabel: "kWh",
		Categories: names,
		Series:     []chart.Series{{Name: b.T("de.sold"), Values: sold}, {Name: b.T("de.bought"), Values: bought}},
		Format:     kWh,
	}}
	return []pages.Tile{t}, nil
}

// intervalLabel shows an interval YYYYMMDDhhmm as "MM-DD hh:mm".
func intervalLabel(iv string) string {
	if len(iv) != 12 {
		return iv
	}
	return iv[4:6] + "-" + iv[6:8] + " " + iv[8:10] + ":" + iv[10:12]
}

// kWh spells watt-hours as kilowatt-hours, to a tenth.
func kWh(wh int64) string {
	s := chart.Int(wh / 1000)
	if d := (wh % 1000) / 100; d != 0 {
		if d < 0 {
			d = -d
		}
		s += "." + strconv.FormatInt(d, 10)
	}
	return s
}

var dashMessages = pages.Messages{
	"de.trades":       {"近期电力交易（千瓦时）", "Recent energy trades (kWh)"},
	"de.desc":         {"最近 {n} 个结算时段共售电 {sold} 千瓦时、购电 {bought} 千瓦时。", "In the latest {n} settled intervals you sold {sold} kWh and bought {bought} kWh."},
	"de.meters":       {"电表", "Meters"},
	"de.net":          {"结算净额（元）", "Net settled (yuan)"},
	"de.empty":        {"本机构还没有结算记录。先登记电表，再在交易时段内挂单买卖电力。", "No settlement for your organisation yet. Register a meter first, then place orders to buy or sell in a trading interval."},
	"de.empty.orders": {"本机构的电表已登记，还没有结算记录。在交易时段内挂单买卖电力，时段结算后这里会显示售电和购电量。", "Your meters are registered but nothing is settled yet. Place orders to buy or sell in a trading interval; once it is settled, what you sold and bought shows here."},
	"de.list":         {"进入分布式电力交易", "Go to energy trading"},
	"de.interval":     {"结算时段", "Interval"},
	"de.sold":         {"售电", "Sold"},
	"de.bought":       {"购电", "Bought"},
}
