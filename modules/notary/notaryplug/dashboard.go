package notaryplug

import (
	"context"
	"time"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// dashboardMonths is how far back the deposits panel looks.
const dashboardMonths = 12

// dashboardRecords bounds the records the panel reads (newest first).
const dashboardRecords = 5000

// dashboard is the organisation's evidence panel: its deposits per month
// over the last year (batch deposits count once per batch item). Only
// organisations that may deposit get it.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	if !b.Has(string(notaryapi.Depositor)) && !b.Has(string(notaryapi.Notary)) && !b.Has(string(notaryapi.Court)) {
		return nil, nil
	}
	now := b.Now.In(pages.ChinaTime)
	first := time.Date(now.Year(), now.Month()-dashboardMonths+1, 1, 0, 0, 0, 0, pages.ChinaTime)
	months := make([]string, dashboardMonths)
	counts := make([]int64, dashboardMonths)
	for i := range months {
		months[i] = first.AddDate(0, i, 0).Format("2006-01")
	}
	index := func(t time.Time) int {
		t = t.In(pages.ChinaTime)
		return (t.Year()-first.Year())*12 + int(t.Month()) - int(first.Month())
	}
	var total, recent int64
	after := ""
	for read := 0; read < dashboardRecords; {
		evs, next, err := notary.ByDepositor(b.View, b.Org.ID, after, 500)
		if err != nil {
			return nil, err
		}
		read += len(evs)
		for _, e := range evs {
			total++
			t, err := time.Parse(time.RFC3339Nano, e.Time)
			if err != nil {
				continue
			}
			if i := index(t); i >= 0 && i < dashboardMonths {
				counts[i]++
				recent++
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	batches, more, err := notary.BatchesOf(b.View, b.Org.ID, 1000)
	if err != nil {
		return nil, err
	}
	nb := chart.Int(int64(len(batches)))
	if more {
		nb += "+"
	}
	t := pages.Tile{ID: "notary-deposits", Title: b.T("dn.deposits"),
		Figures: []pages.Figure{{Label: b.T("dn.total"), Value: chart.Int(total)}, {Label: b.T("dn.year"), Value: chart.Int(recent)}, {Label: b.T("dn.batches"), Value: nb}},
		Links:   []pages.Link{{Path: "/hall/notary", Key: "dn.list"}}}
	if total == 0 {
		t.Empty = b.T("dn.empty")
		return []pages.Tile{t}, nil
	}
	t.Chart = &chart.Bar{Axes: chart.Axes{
		Text:   chart.Text{ID: "notary-deposits-chart", Title: b.T("dn.deposits"), Desc: b.Tp("dn.desc", "recent", chart.Int(recent), "month", months[dashboardMonths-1], "now", chart.Int(counts[dashboardMonths-1]))},
		XLabel: b.T("dn.month"), YLabel: b.T("dn.unit"),
		Categories: months, Series: []chart.Series{{Name: b.T("dn.unit"), Values: counts}},
	}}
	return []pages.Tile{t}, nil
}

var dashMessages = pages.Messages{
	"dn.deposits": {"每月存证数", "Evidence deposits per month"},
	"dn.desc":     {"近 12 个月共存证 {recent} 份，本月（{month}）{now} 份。", "{recent} deposits in the last 12 months, {now} this month ({month})."},
	"dn.total":    {"存证总数", "Deposits in all"},
	"dn.year":     {"近 12 个月", "Last 12 months"},
	"dn.batches":  {"批量存证", "Batch deposits"},
	"dn.list":     {"查看存证记录", "See the evidence records"},
	"dn.empty":    {"本机构还没有存证。在存证业务中上传合同、照片等文件，链上会保存它们的指纹和时间。", "Your organisation has preserved no evidence yet. Upload a contract, a photograph or another file in evidence; the chain keeps its fingerprint and time."},
	"dn.month":    {"月份", "Month"},
	"dn.unit":     {"存证份数", "Deposits"},
}
