package charityplug

import (
	"context"

	ch "github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// dashboardProjects bounds the projects the funds chart shows (the
// largest by money raised); the figures count them all.
const dashboardProjects = 8

// dashboard is the organisation's charity panels: for a registered
// charity, each project's money raised, spent and left; for a payee
// (a beneficiary or a supplier), what it was paid and what waits for its
// acceptance.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	var out []pages.Tile
	links := []pages.Link{{Path: "/hall/charity", Key: "dc.list"}}
	ov, err := charity.OrgProjects(b.View, b.Org.ID)
	switch {
	case errcode.Of(err) == errcode.NotFound:
		if b.Has(string(charityapi.Charity)) {
			out = append(out, pages.Tile{ID: "charity-funds", Title: b.T("dc.funds"), Empty: b.T("dc.unregistered"), Links: links})
		}
	case err != nil:
		return nil, err
	default:
		out = append(out, funds(b, ov.Projects, links))
	}
	pending, err := charity.PendingFor(b.View, b.Org.ID)
	if err != nil {
		return nil, err
	}
	if len(pending.Paid) > 0 || len(pending.Disbursements) > 0 || b.Has(string(charityapi.Beneficiary)) {
		var paid int64
		for _, d := range pending.Paid {
			paid += d.Disbursement.AmountFen
		}
		t := pages.Tile{ID: "charity-received", Title: b.T("dc.received"), Links: links,
			Figures: []pages.Figure{{Label: b.T("dc.paid"), Value: ch.Yuan(paid)}, {Label: b.T("dc.paid.count"), Value: ch.Int(int64(len(pending.Paid)))},
				{Label: b.T("dc.awaiting"), Value: ch.Int(int64(len(pending.Disbursements) + len(pending.Transfers)))}}}
		if len(pending.Paid) == 0 && len(pending.Disbursements) == 0 {
			t.Empty = b.T("dc.received.empty")
		}
		out = append(out, t)
	}
	return out, nil
}

// funds is a charity's money per project: spent and left of what was
// raised.
func funds(b *pages.Board, projects []charityapi.ProjectSummary, links []pages.Link) pages.Tile {
	var raised, spent, donations int64
	for _, p := range projects {
		raised += p.RaisedFen
		spent += p.SpentFen
		donations += p.Donations
	}
	t := pages.Tile{ID: "charity-funds", Title: b.T("dc.funds"), Links: links,
		Figures: []pages.Figure{{Label: b.T("dc.raised"), Value: ch.Yuan(raised)}, {Label: b.T("dc.spent"), Value: ch.Yuan(spent)},
			{Label: b.T("dc.donations"), Value: ch.Int(donations)}}}
	if len(projects) == 0 {
		t.Empty = b.T("dc.noprojects")
		return t
	}
	// The largest projects by money raised, ties in id order (the
	// projects come in id order and the sort is stable).
	top := append([]charityapi.ProjectSummary(nil), projects...)
	for i := 1; i < len(top); i++ {
		for j := i; j > 0 && top[j].RaisedFen > top[j-1].RaisedFen; j-- {
			top[j], top[j-1] = top[j-1], top[j]
		}
	}
	if len(top) > dashboardProjects {
		top = top[:dashboardProjects]
	}
	var names []string
	var spentV, leftV []int64
	for _, p := range top {
		names = append(names, projectTitle(b.T, p.Kind, p.Title))
		spentV = append(spentV, p.SpentFen)
		leftV = append(leftV, max(p.BalanceFen, 0))
	}
	t.Chart = &ch.Bar{Axes: ch.Axes{
		Text:   ch.Text{ID: "charity-funds-chart", Title: b.T("dc.funds"), Desc: b.Tp("dc.funds.desc", "raised", ch.Yuan(raised), "spent", ch.Yuan(spent), "n", ch.Int(int64(len(projects))))},
		XLabel: b.T("dc.project"), YLabel: b.T("dc.yuan"),
		Categories: names,
		Series:     []ch.Series{{Name: b.T("dc.spent"), Values: spentV}, {Name: b.T("dc.left"), Values: leftV}},
		Format:     ch.YuanShort(string(b.Lang)),
	}}
	return t
}

var dashMessages = pages.Messages{
	"dc.list":           {"进入公益慈善业务", "Go to charity"},
	"dc.funds":          {"各项目善款使用情况", "Donations per project: spent and left"},
	"dc.funds.desc":     {"{n} 个项目共募集 {raised} 元，已使用 {spent} 元。", "{n} projects raised {raised} yuan and spent {spent} yuan."},
	"dc.unregistered":   {"本机构还没有在链上登记为慈善组织。请民政部门登记后，再创建募捐项目。", "Your organisation is not registered as a charity on the chain yet. Once the civil-affairs office registers it, create a fundraising project."},
	"dc.noprojects":     {"本机构还没有项目。在公益慈善业务中创建项目并备案，即可接受捐赠。", "Your organisation has no project yet. Create and file a project in charity to take donations."},
	"dc.raised":         {"募集", "Raised"},
	"dc.spent":          {"已使用", "Spent"},
	"dc.left":           {"结余", "Left"},
	"dc.donations":      {"捐赠笔数", "Donations"},
	"dc.project":        {"项目", "Project"},
	"dc.yuan":           {"金额（元）", "Amount (yuan)"},
	"dc.received":       {"收到的善款与物资", "Donations received"},
	"dc.received.empty": {"本机构还没有收到拨付。慈善组织拨付后，请在公益慈善业务中签收。", "Nothing has been paid to you yet. When a charity pays you, confirm receipt in charity."},
	"dc.paid":           {"近期收到", "Recently received"},
	"dc.paid.count":     {"拨付笔数", "Payments"},
	"dc.awaiting":       {"待签收", "Waiting for you"},
}
