package carbonplug

import (
	"context"
	"strconv"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// dashboard is the organisation's carbon panels: what its account holds
// (credits and allowances in tCO2e, green certificates in MWh), and, for a
// covered entity, its position in the latest compliance year.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	today := b.Today()
	acct, err := carbon.AccountOf(b.View, b.Org.ID, today)
	if err != nil {
		return nil, err
	}
	covered := b.Has(string(carbonapi.Covered))
	if len(acct.Holdings) == 0 && !covered && !b.Has(string(carbonapi.Developer)) {
		return nil, nil
	}
	var out []pages.Tile
	hold := pages.Tile{ID: "carbon-account", Title: b.T("dcb.account"), Links: []pages.Link{{Path: "/hall/carbon", Key: "dcb.account.list"}},
		Figures: []pages.Figure{{Label: b.T("cbkind.gec"), Value: chart.Int(acct.Totals[carbonapi.KindGEC]) + " MWh"}}}
	credits, allowances := acct.Totals[carbonapi.KindCredit], acct.Totals[carbonapi.KindAllowance]
	if len(acct.Holdings) == 0 {
		hold.Empty = b.T("dcb.account.empty")
	} else {
		hold.Chart = &chart.Bar{Axes: chart.Axes{
			Text:   chart.Text{ID: "carbon-account-chart", Title: b.T("dcb.account"), Desc: b.Tp("dcb.account.desc", "credits", chart.Int(credits), "allowances", chart.Int(allowances))},
			XLabel: b.T("cb.kind"), YLabel: "tCO2e",
			Categories: []string{b.T("cbkind.credit"), b.T("cbkind.allowance")},
			Series:     []chart.Series{{Name: "tCO2e", Values: []int64{credits, allowances}}},
		}}
	}
	out = append(out, hold)
	if !covered {
		return out, nil
	}
	years, err := carbon.ComplianceYears(b.View)
	if err != nil {
		return nil, err
	}
	comp := pages.Tile{ID: "carbon-compliance", Title: b.T("dcb.compliance"), Links: []pages.Link{{Path: "/hall/carbon/compliance", Key: "dcb.compliance.list"}}}
	var line *carbonapi.ComplianceLine
	if len(years) > 0 {
		v, err := carbon.ComplianceOf(b.View, years[0].Year, today, b.Org.ID)
		if err != nil {
			return nil, err
		}
		for i := range v.Entities {
			if v.Entities[i].Org == b.Org.ID {
				line = &v.Entities[i]
			}
		}
	}
	if line == nil {
		comp.Empty = b.T("dcb.compliance.empty")
		return append(out, comp), nil
	}
	comp.Title = b.Tp("dcb.compliance.year", "year", strconv.Itoa(line.Year))
	emitted := line.ReportedT
	if line.Verified {
		emitted = line.VerifiedT
	}
	surrendered := line.AllowancesT + line.CreditsT
	comp.Figures = []pages.Figure{{Label: b.T("cb.status"), Value: b.T("cbcomp." + line.Status)}, {Label: b.T("dcb.shortfall"), Value: chart.Int(line.ShortfallT) + " t"}}
	comp.Chart = &chart.Bar{Axes: chart.Axes{
		Text: chart.Text{ID: "carbon-compliance-chart", Title: comp.Title,
			Desc: b.Tp("dcb.compliance.desc", "emitted", chart.Int(emitted), "surrendered", chart.Int(surrendered), "shortfall", chart.Int(line.ShortfallT))},
		XLabel: b.T("dcb.item"), YLabel: "tCO2e",
		Categories: []string{b.T("dcb.allocated"), b.T("dcb.emitted"), b.T("dcb.held"), b.T("dcb.surrendered")},
		Series:     []chart.Series{{Name: "tCO2e", Values: []int64{line.AllocatedT, emitted, line.HeldAllowancesT, surrendered}}},
	}}
	return append(out, comp), nil
}

var dashMessages = pages.Messages{
	"dcb.account":          {"碳账户持有", "Carbon account holdings"},
	"dcb.account.desc":     {"本机构持有核证减排量 {credits} 吨、碳排放配额 {allowances} 吨（二氧化碳当量）。", "You hold {credits} t of credits and {allowances} t of allowances (CO2e)."},
	"dcb.account.empty":    {"本机构账户中还没有碳信用、配额或绿证。项目经核查签发，或主管部门分配配额后，这里会显示持有量。", "Your account holds no credit, allowance or certificate yet. Once a project's reductions are issued, or the regulator allocates allowances, they show here."},
	"dcb.account.list":     {"查看账户、转让或注销", "See the account, transfer or retire"},
	"dcb.compliance":       {"履约情况", "Compliance"},
	"dcb.compliance.year":  {"{year} 年度履约情况", "Compliance in {year}"},
	"dcb.compliance.desc":  {"排放 {emitted} 吨，已清缴 {surrendered} 吨，缺口 {shortfall} 吨。", "{emitted} t emitted, {surrendered} t surrendered, {shortfall} t short."},
	"dcb.compliance.empty": {"本机构还没有履约年度记录。主管部门开启履约年度并分配配额后，请按期报告排放。", "No compliance year includes your organisation yet. Once the regulator opens one and allocates allowances, report your emissions on time."},
	"dcb.compliance.list":  {"报告排放、清缴配额", "Report emissions, surrender"},
	"dcb.shortfall":        {"清缴缺口", "Shortfall"},
	"dcb.item":             {"项目", "Item"},
	"dcb.allocated":        {"分配配额", "Allocated"},
	"dcb.emitted":          {"排放量", "Emitted"},
	"dcb.held":             {"持有可用配额", "Allowances held"},
	"dcb.surrendered":      {"已清缴", "Surrendered"},
}
