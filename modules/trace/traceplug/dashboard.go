package traceplug

import (
	"context"
	"slices"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/trace"
)

// dashboardItems bounds the items a dashboard reads (a producer's first
// items by product): the panels say so when there are more.
const dashboardItems = 5000

// dashboard is the producer's traceability panels: its items by state
// (in circulation, sold, recalled) and consumers' scans of them by city.
// An organisation that owns no product and may register one gets a panel
// saying how to start; others get none.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	products, _, err := trace.ProductsOf(b.View, b.Org.ID, "", "", 500)
	if err != nil {
		return nil, err
	}
	if len(products) == 0 {
		if !b.Has("producer") {
			return nil, nil
		}
		return []pages.Tile{{ID: "trace-items", Title: b.T("dt.items"), Empty: b.T("dt.noproducts"),
			Links: []pages.Link{{Path: "/hall/trace", Key: "dt.start"}}}}, nil
	}
	var live, sold, recalled, ended, scans, placed int64
	byCity := map[string]int64{}
	read := 0
	more := false
	for _, p := range products {
		items, err := trace.ProductItems(b.View, p.ID)
		if err != nil {
			return nil, err
		}
		for _, epc := range items {
			if read == dashboardItems {
				more = true
				break
			}
			read++
			o, err := trace.Item(b.View, epc)
			if err != nil {
				return nil, err
			}
			switch {
			case o.Recall != nil || p.Recall != nil:
				recalled++
			case o.Sold:
				sold++
			case o.Destroyed:
				ended++
			default:
				live++
			}
			s, err := trace.ScanSummaryOf(b.View, epc)
			if err != nil || s == nil {
				continue
			}
			scans += s.Count
			for _, sc := range s.Last {
				if sc.City != "" {
					byCity[sc.City]++
					placed++
				}
			}
		}
	}
	items := pages.Tile{ID: "trace-items", Title: b.T("dt.items"),
		Figures: []pages.Figure{{Label: b.T("dt.products"), Value: chart.Int(int64(len(products)))}, {Label: b.T("dt.commissioned"), Value: chart.Int(int64(read))}},
		Links:   []pages.Link{{Path: "/hall/trace/products", Key: "dt.products.list"}}}
	if more {
		items.Figures[1].Value += "+"
	}
	if read == 0 {
		items.Empty = b.T("dt.noitems")
		items.Links = append(items.Links, pages.Link{Path: "/hall/trace", Key: "dt.commission"})
	} else {
		parts := []chart.Slice{{Label: b.T("dt.live"), Value: live}, {Label: b.T("dt.sold"), Value: sold}, {Label: b.T("dt.recalled"), Value: recalled}}
		if ended > 0 {
			parts = append(parts, chart.Slice{Label: b.T("dt.ended"), Value: ended})
		}
		items.Chart = &chart.Donut{Text: chart.Text{ID: "trace-items-chart", Title: b.T("dt.items"),
			Desc: b.Tp("dt.items.desc", "total", chart.Int(int64(read)), "sold", chart.Int(sold), "recalled", chart.Int(recalled))},
			Slices: parts, TotalLabel: b.T("dt.unit"), Head: [2]string{b.T("dt.state"), b.T("dt.count")}}
	}

	scansTile := pages.Tile{ID: "trace-scans", Title: b.T("dt.scans"),
		Figures: []pages.Figure{{Label: b.T("dt.scans.total"), Value: chart.Int(scans)}, {Label: b.T("dt.cities"), Value: chart.Int(int64(len(byCity)))}}}
	if scans == 0 {
		scansTile.Empty = b.T("dt.noscans")
		scansTile.Links = []pages.Link{{Path: "/hall/trace/products", Key: "dt.labels"}}
	} else {
		codes := make([]string, 0, len(byCity))
		for c := range byCity {
			codes = append(codes, c)
		}
		// Most scans first; ties by code, so the drawing is the same
		// every time.
		slices.SortFunc(codes, func(x, y string) int {
			if byCity[x] != byCity[y] {
				return int(byCity[y] - byCity[x])
			}
			return compare(x, y)
		})
		if len(codes) > 10 {
			codes = codes[:10]
		}
		var names []string
		var values []int64
		for _, c := range codes {
			names = append(names, trace.CityName(c, string(b.Lang)))
			values = append(values, byCity[c])
		}
		if rest := scans - placed; rest > 0 {
			names = append(names, b.T("dt.nocity"))
			values = append(values, rest)
		}
		top := b.T("dt.nocity")
		if len(codes) > 0 {
			top = names[0]
		}
		scansTile.Chart = &chart.Bar{Axes: chart.Axes{
			Text:   chart.Text{ID: "trace-scans-chart", Title: b.T("dt.scans"), Desc: b.Tp("dt.scans.desc", "total", chart.Int(scans), "city", top)},
			XLabel: b.T("dt.city"), YLabel: b.T("dt.scans.unit"),
			Categories: names, Series: []chart.Series{{Name: b.T("dt.scans.unit"), Values: values}},
		}}
	}
	return []pages.Tile{items, scansTile}, nil
}

func compare(x, y string) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

var dashMessages = pages.Messages{
	"dt.items":         {"溯源商品状态", "Traced items by state"},
	"dt.items.desc":    {"共赋码 {total} 件，已售出 {sold} 件，召回 {recalled} 件。", "{total} items commissioned, {sold} sold, {recalled} recalled."},
	"dt.noproducts":    {"本机构还没有登记产品。先在溯源业务中登记产品和批次，再为商品赋码。", "Your organisation has registered no product yet. Register a product and a lot in traceability first, then commission items."},
	"dt.noitems":       {"产品已登记，但还没有赋码的商品。在溯源业务中为批次赋码，打印二维码标签。", "Products are registered but no item is commissioned yet. Commission items of a lot in traceability and print their QR labels."},
	"dt.start":         {"开始办理溯源业务", "Start with traceability"},
	"dt.commission":    {"为商品赋码", "Commission items"},
	"dt.products":      {"产品", "Products"},
	"dt.products.list": {"查看产品、批次和标签", "See products, lots and labels"},
	"dt.commissioned":  {"已赋码商品", "Items commissioned"},
	"dt.live":          {"流通中", "In circulation"},
	"dt.sold":          {"已售出", "Sold"},
	"dt.recalled":      {"已召回", "Recalled"},
	"dt.ended":         {"已销毁", "Destroyed"},
	"dt.unit":          {"件商品", "items"},
	"dt.state":         {"状态", "State"},
	"dt.count":         {"件数", "Items"},
	"dt.scans":         {"消费者扫码城市分布", "Consumer scans by city"},
	"dt.scans.desc":    {"消费者共扫码 {total} 次，{city}最多。", "Consumers scanned {total} times, most in {city}."},
	"dt.scans.total":   {"扫码次数", "Scans"},
	"dt.scans.unit":    {"扫码次数", "Scans"},
	"dt.cities":        {"城市数", "Cities"},
	"dt.city":          {"城市", "City"},
	"dt.nocity":        {"未记录城市", "City not recorded"},
	"dt.noscans":       {"还没有消费者扫码。把二维码标签贴在商品上，消费者扫码后这里会显示来自哪些城市。", "No consumer has scanned yet. Put the QR labels on the items; once consumers scan them, their cities show here."},
	"dt.labels":        {"打印二维码标签", "Print QR labels"},
}
