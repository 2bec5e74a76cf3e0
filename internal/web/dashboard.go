package web

import (
	"context"
	"fmt"
	"html/template"
	"time"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/pages"
)

// ActivityBackend is what a Backend offers when the node keeps an index
// of each organisation's transactions by day (app.App.Activity): the
// dashboard's activity panel.
type ActivityBackend interface {
	Activity(org string, last time.Time, days int) ([]int64, error)
}

// activityDays is how far back the activity panel looks.
const activityDays = 30

// dashTile is a panel as the dashboard template shows it.
type dashTile struct {
	pages.Tile
	SVG   template.HTML
	Table chart.Table
	// Failed is set when the module could not draw its panels.
	Failed bool
}

// dashboardData is the hall's first page.
type dashboardData struct {
	Tiles []dashTile
	// Upgrade is the software upgrade governance scheduled, if any.
	Upgrade *gateway.ScheduledUpgrade
}

func (s *Server) dashboard(p *pages.Page) error {
	p.Title = p.T("hall.title")
	tiles, err := s.dashboardTiles(p.R.Context(), p)
	if err != nil {
		return err
	}
	d := dashboardData{Tiles: tiles}
	if st := upgradeStatus(p, s.api()); st != nil {
		d.Upgrade = st.Scheduled
	}
	p.Data = d
	return s.render(p, "dashboard")
}

// dashboardTiles draws the panels of the signed-in user's dashboard: the
// organisation's activity, then every module's panels in the registry's
// order. A module that fails is shown as such, and logged; the other
// panels are drawn all the same.
func (s *Server) dashboardTiles(ctx context.Context, p *pages.Page) ([]dashTile, error) {
	if p.User == nil || p.User.OrgInfo == nil {
		return nil, errcode.New(errcode.Unauthorized, "%s", p.T("hall.signin"))
	}
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return nil, err
	}
	now, err := s.opts.Backend.BlockTime(ctx)
	if err != nil {
		return nil, err
	}
	b := &pages.Board{Lang: p.Lang, User: p.User, Org: p.User.OrgInfo, View: v, Now: now, T: p.T}
	var out []dashTile
	if t, err := s.activityTile(b); err != nil {
		s.log.Error("dashboard activity", "org", b.Org.ID, "err", err)
	} else if t != nil {
		out = append(out, show(*t))
	}
	for i, m := range s.opts.Modules {
		if m.Dashboard == nil {
			continue
		}
		mb := *b
		mb.Site = &site{s: s, prefix: fmt.Sprintf("%d/", i)}
		ts, err := m.Dashboard(ctx, &mb)
		if err != nil {
			s.log.Error("dashboard panels", "module", i, "org", b.Org.ID, "err", err)
			out = append(out, dashTile{Tile: pages.Tile{ID: fmt.Sprintf("module-%d", i), Title: p.T("dash.failed")}, Failed: true})
			continue
		}
		for _, t := range ts {
			out = append(out, show(t))
		}
	}
	return out, nil
}

// show draws a panel's chart.
func show(t pages.Tile) dashTile {
	d := dashTile{Tile: t}
	if t.Chart != nil && t.Empty == "" {
		d.SVG, d.Table = t.Chart.SVG(), t.Chart.Table()
	}
	return d
}

// activityTile is the organisation's transactions per day over the last
// activityDays days, from the node's index; nil when the node keeps none.
func (s *Server) activityTile(b *pages.Board) (*pages.Tile, error) {
	ab, ok := s.opts.Backend.(ActivityBackend)
	if !ok {
		return nil, nil
	}
	counts, err := ab.Activity(b.Org.ID, b.Now, activityDays)
	if err != nil {
		return nil, err
	}
	days := make([]string, len(counts))
	var total, peak int64
	peakDay := ""
	for i := range counts {
		day := b.Now.In(pages.ChinaTime).AddDate(0, 0, i-len(counts)+1)
		days[i] = day.Format("01-02")
		total += counts[i]
		if counts[i] > peak {
			peak, peakDay = counts[i], days[i]
		}
	}
	t := &pages.Tile{ID: "activity", Title: b.T("dash.activity"),
		Figures: []pages.Figure{{Label: b.T("dash.activity.total"), Value: chart.Int(total)}, {Label: b.T("dash.activity.today"), Value: chart.Int(counts[len(counts)-1])}},
		Links:   []pages.Link{{Path: "/explorer", Key: "dash.activity.explorer"}}}
	if total == 0 {
		t.Empty = b.T("dash.activity.empty")
		return t, nil
	}
	desc := s.tp(b.Lang, "dash.activity.desc", map[string]string{"total": chart.Int(total), "day": peakDay, "peak": chart.Int(peak)})
	t.Chart = &chart.Line{Area: true, Axes: chart.Axes{
		Text:   chart.Text{ID: "activity-chart", Title: b.T("dash.activity"), Desc: desc},
		XLabel: b.T("dash.day"), YLabel: b.T("dash.txs"),
		Categories: days,
		Series:     []chart.Series{{Name: b.T("dash.txs"), Values: counts}},
	}}
	return t, nil
}

func init() {
	for k, v := range dashMessages {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " twice")
		}
		messages[k] = v
	}
}

// dashMessages are the dashboard's texts.
var dashMessages = pages.Messages{
	"dash.title":             {"本机构概览", "Your organisation at a glance"},
	"dash.none":              {"本机构在链上还没有业务记录。从下面的业务场景开始办理第一笔业务吧。", "Your organisation has no business on the chain yet. Start with one of the scenarios below."},
	"dash.numbers":           {"查看数据表", "Show the numbers"},
	"dash.failed":            {"这一部分暂时无法显示，请稍后刷新；仍然出错请联系本节点运维人员。", "This part cannot be shown right now. Reload later, and tell the node's operator if it stays."},
	"dash.activity":          {"近 30 天上链业务", "Transactions in the last 30 days"},
	"dash.activity.total":    {"30 天合计", "30-day total"},
	"dash.activity.today":    {"今天", "Today"},
	"dash.activity.desc":     {"近 30 天本机构共有 {total} 笔业务上链，{day} 最多（{peak} 笔）。", "Your organisation committed {total} transactions in the last 30 days, most on {day} ({peak})."},
	"dash.activity.empty":    {"近 30 天本机构没有业务上链。从下面的业务场景开始办理第一笔业务。", "Your organisation committed no transactions in the last 30 days. Start with one of the scenarios below."},
	"dash.activity.explorer": {"在区块浏览器中查看", "See the blocks in the explorer"},
	"dash.day":               {"日期", "Day"},
	"dash.txs":               {"笔数", "Transactions"},
}
