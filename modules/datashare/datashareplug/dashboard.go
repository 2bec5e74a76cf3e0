package datashareplug

import (
	"context"
	"time"

	dchart "github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

const (
	// dashboardGrants bounds the grants counted on each side.
	dashboardGrants = 5000
	// dashboardAccesses is how many of the latest accesses to the
	// organisation's records the accesses panel reads.
	dashboardAccesses = 5000
	// dashboardMonths is how far back the accesses panel looks.
	dashboardMonths = 12
)

// grantStates are the states a grant shows, in the order of the dchart.
var grantStates = []string{datashareapi.GrantActive, datashareapi.GrantProposed, "not_started", datashareapi.GrantRefused, datashareapi.GrantRevoked, datashareapi.GrantExpired}

// dashboard is the organisation's data-sharing panels: the grants it
// gave and received by state, and the accesses to its records per month,
// served and refused. Hospitals, enterprises and maintainers get them,
// and any organisation with grants.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	org := b.Org.ID
	given, received, more, err := datashare.GrantStates(b.View, org, b.Now, dashboardGrants)
	if err != nil {
		return nil, err
	}
	var nGiven, nReceived int64
	for _, n := range given {
		nGiven += n
	}
	for _, n := range received {
		nReceived += n
	}
	party := b.Has(string(datashareapi.Hospital)) || b.Has(string(datashareapi.Enterprise)) || b.Has(string(datashareapi.Maintainer))
	if !party && nGiven+nReceived == 0 {
		return nil, nil
	}
	links := []pages.Link{{Path: "/hall/datashare", Key: "dds.list"}}
	count := func(n int64) string {
		s := dchart.Int(n)
		if more {
			s += "+"
		}
		return s
	}
	grants := pages.Tile{ID: "datashare-grants", Title: b.T("dds.grants"),
		Figures: []pages.Figure{{Label: b.T("dds.given"), Value: count(nGiven)}, {Label: b.T("dds.received"), Value: count(nReceived)},
			{Label: b.T("dds.active"), Value: dchart.Int(given[datashareapi.GrantActive] + received[datashareapi.GrantActive])}},
		Links: links}
	if nGiven+nReceived == 0 {
		grants.Empty = b.T("dds.grants.empty")
	} else {
		var cats []string
		var g, r []int64
		for _, s := range grantStates {
			if given[s]+received[s] == 0 {
				continue
			}
			cats = append(cats, b.T("dsg."+s))
			g, r = append(g, given[s]), append(r, received[s])
		}
		grants.Chart = &dchart.Bar{Axes: dchart.Axes{
			Text:   dchart.Text{ID: "datashare-grants-chart", Title: b.T("dds.grants"), Desc: b.Tp("dds.grants.desc", "given", dchart.Int(nGiven), "received", dchart.Int(nReceived))},
			XLabel: b.T("ds.state"), YLabel: b.T("dds.unit"),
			Categories: cats,
			Series:     []dchart.Series{{Name: b.T("dds.given"), Values: g}, {Name: b.T("dds.received"), Values: r}},
		}}
	}

	now := b.Now.In(pages.ChinaTime)
	first := time.Date(now.Year(), now.Month()-dashboardMonths+1, 1, 0, 0, 0, 0, pages.ChinaTime)
	months := make([]string, dashboardMonths)
	for i := range months {
		months[i] = first.AddDate(0, i, 0).Format("2006-01")
	}
	served, refused := make([]int64, dashboardMonths), make([]int64, dashboardMonths)
	var nServed, nRefused int64
	err = datashare.RecentAccesses(b.View, org, dashboardAccesses, func(e *datashareapi.AuditEntry) {
		t, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil {
			return
		}
		t = t.In(pages.ChinaTime)
		i := (t.Year()-first.Year())*12 + int(t.Month()) - int(first.Month())
		if i < 0 || i >= dashboardMonths {
			return
		}
		if e.Outcome == datashareapi.OutcomeServe {
			served[i]++
			nServed++
		} else {
			refused[i]++
			nRefused++
		}
	})
	if err != nil {
		return nil, err
	}
	acc := pages.Tile{ID: "datashare-accesses", Title: b.T("dds.accesses"),
		Figures: []pages.Figure{{Label: b.T("dds.served"), Value: dchart.Int(nServed)}, {Label: b.T("dds.refused"), Value: dchart.Int(nRefused)}},
		Links:   links}
	if nServed+nRefused == 0 {
		acc.Empty = b.T("dds.accesses.empty")
	} else {
		acc.Chart = &dchart.Bar{Axes: dchart.Axes{
			Text:   dchart.Text{ID: "datashare-accesses-chart", Title: b.T("dds.accesses"), Desc: b.Tp("dds.accesses.desc", "served", dchart.Int(nServed), "refused", dchart.Int(nRefused))},
			XLabel: b.T("dds.month"), YLabel: b.T("dds.times"),
			Categories: months,
			Series:     []dchart.Series{{Name: b.T("dds.served"), Values: served}, {Name: b.T("dds.refused"), Values: refused}},
		}}
	}
	return []pages.Tile{grants, acc}, nil
}

var dashMessages = pages.Messages{
	"dds.grants":         {"数据授权", "Data grants"},
	"dds.given":          {"本机构给出", "Given"},
	"dds.received":       {"本机构收到", "Received"},
	"dds.active":         {"生效中", "In force"},
	"dds.unit":           {"授权数", "Grants"},
	"dds.list":           {"查看记录与授权", "See the records and grants"},
	"dds.grants.desc":    {"本机构给出授权 {given} 项，收到授权 {received} 项，按状态分列。", "{given} grants given and {received} received, by state."},
	"dds.grants.empty":   {"本机构还没有给出或收到数据授权。在“数据共享”页面登记数据记录后，可把记录授权给其他机构。", "Your organisation has given and received no data grants yet. Register a record on the data sharing page, then grant another organisation access to it."},
	"dds.accesses":       {"本机构数据的访问", "Accesses to your data"},
	"dds.served":         {"已提供", "Served"},
	"dds.refused":        {"已拒绝", "Refused"},
	"dds.month":          {"月份", "Month"},
	"dds.times":          {"访问次数", "Accesses"},
	"dds.accesses.desc":  {"近 12 个月其他机构访问本机构数据 {served} 次获提供，{refused} 次被拒绝。", "In the last 12 months other organisations' requests for your data were served {served} times and refused {refused} times."},
	"dds.accesses.empty": {"近 12 个月没有机构访问本机构的数据。授权生效后，被授权机构读取记录时会在这里计数。", "No organisation accessed your data in the last 12 months. Once a grant is in force, each read by the grantee counts here."},
}
