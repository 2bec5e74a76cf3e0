package receivableplug

import (
	"context"
	"time"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// The ageing buckets: not yet due, then days past maturity.
var ageBuckets = []string{"dr.age.notdue", "dr.age.30", "dr.age.90", "dr.age.more"}

// bucket is the ageing bucket of an open amount maturing on maturity, on
// today (both YYYY-MM-DD).
func bucket(maturity, today string) int {
	m, err1 := time.Parse(time.DateOnly, maturity)
	d, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil || !d.After(m) {
		return 0
	}
	switch days := int(d.Sub(m).Hours() / 24); {
	case days <= 30:
		return 1
	case days <= 90:
		return 2
	default:
		return 3
	}
}

// open reports whether a held receivable still waits for its payment.
func open(h receivable.Holding) bool {
	switch h.EffectiveStatus {
	case receivableapi.StatusCancelled, receivableapi.StatusRejected, receivableapi.StatusSplit:
		return false
	}
	return h.FaceFen > h.SettledFen
}

// dashboard is the organisation's receivables panels: the ageing of what
// it holds (what others owe it), of what it issued (what it owes), and,
// for a bank, the use of the credit lines it granted.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	today := b.Today()
	var out []pages.Tile
	pf, err := receivable.Portfolio(b.View, b.Org.ID, today)
	if err != nil {
		return nil, err
	}
	var held []receivable.Holding
	for _, h := range pf.Leaves {
		if open(h) {
			held = append(held, h)
		}
	}
	isBank := b.Has(string(role.Bank))
	isCore := b.Has(string(receivableapi.CoreEnterprise))
	if len(held) > 0 || len(pf.Leaves) > 0 || b.Has(string(role.Supplier)) {
		t := ageing(b, "receivable-held", "dr.held", "dr.held.desc", held, today)
		// The open amount as the API and the receivables page count it.
		t.Figures[0].Value = chart.Yuan(pf.OpenFen)
		t.Figures = append(t.Figures, pages.Figure{Label: b.T("dr.incoming"), Value: chart.Yuan(pf.IncomingFen)})
		if len(pf.Leaves) == 0 {
			t.Empty = b.T("dr.held.empty")
		}
		out = append(out, t)
	}
	if isCore {
		ov, err := receivable.ObligorOutstanding(b.View, b.Org.ID, today)
		if err != nil {
			return nil, err
		}
		var owed []receivable.Holding
		for _, root := range ov.Roots {
			owed = append(owed, receivable.Holding{Receivable: receivable.Receivable{MaturityDate: root.MaturityDate, FaceFen: root.OpenFen}, EffectiveStatus: receivableapi.StatusActive})
		}
		t := ageing(b, "receivable-issued", "dr.issued", "dr.issued.desc", owed, today)
		if ov.HasCreditLine {
			t.Figures = append(t.Figures, pages.Figure{Label: b.T("dr.line.available"), Value: chart.Yuan(ov.AvailableFen)})
		}
		if ov.Issued == 0 {
			t.Empty = b.T("dr.issued.empty")
		}
		out = append(out, t)
	}
	if isBank {
		lines, err := receivable.CreditLinesSetBy(b.View, b.Org.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, creditLines(b, lines))
	}
	return out, nil
}

// ageing is a panel of open amounts by ageing bucket.
func ageing(b *pages.Board, id, title, desc string, list []receivable.Holding, today string) pages.Tile {
	sums := make([]int64, len(ageBuckets))
	var total, overdue int64
	for _, h := range list {
		open := h.FaceFen - h.SettledFen
		i := bucket(h.MaturityDate, today)
		sums[i] += open
		total += open
		if i > 0 {
			overdue += open
		}
	}
	t := pages.Tile{ID: id, Title: b.T(title),
		Figures: []pages.Figure{{Label: b.T("dr.open"), Value: chart.Yuan(total)}, {Label: b.T("dr.overdue"), Value: chart.Yuan(overdue)}},
		Links:   []pages.Link{{Path: "/hall/receivables", Key: "dr.list"}}}
	if total == 0 {
		t.Empty = b.T("dr.none")
		return t
	}
	names := make([]string, len(ageBuckets))
	for i, k := range ageBuckets {
		names[i] = b.T(k)
	}
	t.Chart = &chart.Bar{Axes: chart.Axes{
		Text:   chart.Text{ID: id + "-chart", Title: b.T(title), Desc: b.Tp(desc, "total", chart.Yuan(total), "overdue", chart.Yuan(overdue))},
		XLabel: b.T("dr.age"), YLabel: b.T("dr.yuan"),
		Categories: names, Series: []chart.Series{{Name: b.T("dr.amount"), Values: sums}},
		Format: chart.YuanShort(string(b.Lang)),
	}}
	return t
}

// creditLines is a bank's panel of the lines it granted: used and
// available per obligor.
func creditLines(b *pages.Board, lines []receivable.CreditLine) pages.Tile {
	var granted, used int64
	var names []string
	var usedV, freeV []int64
	for _, l := range lines {
		granted += l.LimitFen
		used += l.OutstandingFen
		names = append(names, b.OrgName(l.Obligor))
		usedV = append(usedV, l.OutstandingFen)
		freeV = append(freeV, max(l.LimitFen-l.OutstandingFen, 0))
	}
	t := pages.Tile{ID: "receivable-lines", Title: b.T("dr.lines"),
		Figures: []pages.Figure{{Label: b.T("dr.granted"), Value: chart.Yuan(granted)}, {Label: b.T("dr.used"), Value: chart.Yuan(used)},
			{Label: b.T("dr.use"), Value: percent(used, granted)}},
		Links: []pages.Link{{Path: "/hall/receivables", Key: "dr.lines.list"}}}
	if len(lines) == 0 {
		t.Empty = b.T("dr.lines.empty")
		return t
	}
	t.Chart = &chart.Bar{Axes: chart.Axes{
		Text:   chart.Text{ID: "receivable-lines-chart", Title: b.T("dr.lines"), Desc: b.Tp("dr.lines.desc", "granted", chart.Yuan(granted), "used", chart.Yuan(used), "use", percent(used, granted))},
		XLabel: b.T("dr.obligor"), YLabel: b.T("dr.yuan"),
		Categories: names,
		Series:     []chart.Series{{Name: b.T("dr.used"), Values: usedV}, {Name: b.T("dr.available"), Values: freeV}},
		Format:     chart.YuanShort(string(b.Lang)),
	}}
	return t
}

// percent is part of whole in %, to one decimal, without floats.
func percent(part, whole int64) string {
	if whole <= 0 {
		return "0%"
	}
	tenths := (part*1000 + whole/2) / whole
	if tenths%10 == 0 {
		return chart.Int(tenths/10) + "%"
	}
	return chart.Int(tenths/10) + "." + string(rune('0'+tenths%10)) + "%"
}

var dashMessages = pages.Messages{
	"dr.held":           {"应收账款账龄（他人欠本机构）", "Receivables owed to you, by age"},
	"dr.held.desc":      {"本机构持有未结清应收账款 {total} 元，其中逾期 {overdue} 元。", "You hold {total} yuan of open receivables, {overdue} yuan of them overdue."},
	"dr.held.empty":     {"本机构目前没有持有应收账款。核心企业向本机构签发应收账款并经本机构签收后，这里会按到期情况显示。", "You hold no receivable now. Once a core enterprise issues one to you and you accept it, it shows here by age."},
	"dr.issued":         {"已签发应付款账龄（本机构欠他人）", "What you issued and owe, by age"},
	"dr.issued.desc":    {"本机构签发且未付清的应收账款 {total} 元，其中逾期 {overdue} 元。", "You owe {total} yuan on receivables you issued, {overdue} yuan of it overdue."},
	"dr.issued.empty":   {"本机构还没有签发应收账款。先请银行核定授信额度，再向供应商签发应收账款。", "You have issued no receivable yet. Have a bank set your credit line, then issue a receivable to a supplier."},
	"dr.incoming":       {"待签收", "Waiting for your acceptance"},
	"dr.open":           {"未结清", "Open"},
	"dr.overdue":        {"已逾期", "Overdue"},
	"dr.none":           {"目前没有未结清的款项。", "Nothing is open now."},
	"dr.list":           {"查看应收账款", "See the receivables"},
	"dr.age":            {"账龄", "Age"},
	"dr.age.notdue":     {"未到期", "Not due"},
	"dr.age.30":         {"逾期 1–30 天", "1–30 days overdue"},
	"dr.age.90":         {"逾期 31–90 天", "31–90 days overdue"},
	"dr.age.more":       {"逾期 90 天以上", "Over 90 days overdue"},
	"dr.yuan":           {"金额（元）", "Amount (yuan)"},
	"dr.amount":         {"金额", "Amount"},
	"dr.lines":          {"授信额度使用情况", "Credit lines: granted and used"},
	"dr.lines.desc":     {"本行共授信 {granted} 元，已使用 {used} 元（{use}）。", "You granted {granted} yuan of credit, {used} yuan ({use}) in use."},
	"dr.lines.empty":    {"本行还没有核定授信额度。在应收账款业务中为核心企业核定授信额度，核心企业才能签发应收账款。", "You have set no credit line yet. Set a core enterprise's credit line in receivables, so that it can issue receivables."},
	"dr.lines.list":     {"查看和调整授信额度", "See and change the credit lines"},
	"dr.granted":        {"授信总额", "Granted"},
	"dr.used":           {"已使用", "Used"},
	"dr.available":      {"可用", "Available"},
	"dr.line.available": {"可用授信", "Credit available"},
	"dr.use":            {"使用率", "In use"},
	"dr.obligor":        {"核心企业", "Core enterprise"},
}
