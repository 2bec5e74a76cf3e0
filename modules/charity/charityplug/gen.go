package charityplug

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// gen makes random charity actions for the determinism tests: charities
// registered, projects filed and approved, donations of money (single and
// batched) and in kind, grants and their confirmations, disbursements,
// distributions, signatures, refunds, revisions, reports and closures;
// and refusals (amounts beyond what a project holds, actions by the wrong
// party, unknown records, malformed bodies).
type gen struct {
	n          int
	first      string
	registered map[string]bool
	filed      []genProject // waiting for approval
	projects   []genProject // approved
	receipts   []genDonation
	transfers  []genTransfer
	disbs      []genDisb
}

type genProject struct{ id, owner string }

type genDonation struct {
	receipt, owner string
	inKind         bool
}

type genTransfer struct{ id, to string }

type genDisb struct{ id, beneficiary string }

func newGen() plug.Gen { return &gen{registered: map[string]bool{}} }

func pick(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// genLines are the budget lines of generated projects.
func genLines() []charityapi.LineBody {
	return []charityapi.LineBody{
		{Code: "supplies", Name: "文具与图书", Category: charityapi.CategoryProgram, BudgetFen: 500_000},
		{Code: "grants", Name: "转赠", Category: charityapi.CategoryProgram, BudgetFen: 500_000},
		{Code: "admin", Name: "管理费用", Category: charityapi.CategoryManagement, BudgetFen: 50_000},
	}
}

// project returns an approved project, or before there is one a project
// the chain does not know (whose actions are refused), owned by the first
// charity.
func (g *gen) project(r *rand.Rand) genProject {
	if len(g.projects) == 0 {
		return genProject{id: "CP20260301-00000000000000000000", owner: g.first}
	}
	return g.projects[r.IntN(len(g.projects))]
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	g.n++
	regulators := w.With(charityapi.CivilAffairs)
	charities := w.With(charityapi.Charity)
	g.first = pick(r, charities[:min(1, len(charities))])
	channels := w.With(charityapi.Channel)
	schools := w.With(charityapi.Beneficiary)
	suppliers := w.With(role.Supplier)
	auditors := w.With(charityapi.Auditor)
	date := func(days int) string { return w.Time.AddDate(0, 0, days).In(field.CST).Format(time.DateOnly) }
	// Register every charity first.
	for _, c := range charities {
		if !g.registered[c] {
			g.registered[c] = true
			return plug.Action{Org: pick(r, regulators), Action: charityapi.RegisterOrg.Name, Valid: true, Tag: "register",
				Body: charityapi.RegisterOrgBody{Org: c, Kind: charityapi.KindFoundation, RegistrationNo: genUSCC(len(g.registered)), PublicFundraising: true}}
		}
	}
	owner := func(p genProject) string {
		if r.IntN(8) == 0 {
			return pick(r, charities) // sometimes another charity: refused
		}
		return p.owner
	}
	donor := digest(fmt.Sprint("donor", g.n))
	switch n := r.IntN(100); {
	case n < 8 || len(g.projects) == 0 && len(g.filed) == 0:
		org := pick(r, charities)
		return plug.Action{Org: org, Action: charityapi.FileProject.Name, Valid: true, Tag: "filed",
			Body: charityapi.ProjectBody{Title: fmt.Sprintf("乡村学校项目 %d", g.n), Summary: "为乡村小学购买文具", Sector: "11220",
				StartDate: date(0), EndDate: date(60 + r.IntN(300)), Lines: genLines()}}
	case n < 14 && len(g.filed) > 0:
		p := g.filed[0]
		return plug.Action{Org: pick(r, regulators), Action: charityapi.Approve.Name, Valid: true, Tag: "approved:" + p.id,
			Body: charityapi.ApproveBody{Project: p.id, FilingNo: fmt.Sprintf("备案-%d", g.n)}}
	case n < 34:
		p := g.project(r)
		by := pick(r, channels)
		if r.IntN(3) == 0 {
			by = p.owner
		}
		b := charityapi.DonateBody{Project: p.id, AmountFen: int64(1 + r.IntN(50_000)), Channel: "wechat_pay", DonorHash: donor, DonorName: "爱心人士"}
		if r.IntN(3) == 0 {
			b.Line = []string{"supplies", "grants", "admin", "travel"}[r.IntN(4)]
		}
		if r.IntN(10) == 0 {
			b.AmountFen = 0
			return plug.Action{Org: by, Action: charityapi.Donate.Name, Body: b}
		}
		return plug.Action{Org: by, Action: charityapi.Donate.Name, Valid: true, Tag: "don:" + p.owner, Body: b}
	case n < 38:
		var bs []charityapi.DonateBody
		for range 1 + r.IntN(4) {
			bs = append(bs, charityapi.DonateBody{Project: g.project(r).id, AmountFen: int64(1 + r.IntN(5_000)), Channel: "alipay", DonorHash: digest(fmt.Sprint(donor, len(bs)))})
		}
		return plug.Action{Org: pick(r, channels), Action: charityapi.DonateBatch.Name, Valid: true, Body: charityapi.DonateBatchBody{Donations: bs}}
	case n < 42:
		p := g.project(r)
		return plug.Action{Org: pick(r, channels), Action: charityapi.DonateInKind.Name, Valid: true, Tag: "ik:" + p.owner,
			Body: charityapi.InKindBody{Project: p.id, DonorHash: donor, Items: []charityapi.ItemBody{{Name: "图书", Quantity: int64(1 + r.IntN(50)), Unit: "册", ValueFen: int64(100 + r.IntN(10_000))}}}}
	case n < 52:
		from, to := g.project(r), g.project(r)
		return plug.Action{Org: owner(from), Action: charityapi.Grant.Name, Valid: true, Tag: "grant",
			Body: charityapi.GrantBody{From: from.id, Line: "grants", To: to.id, AmountFen: int64(1 + r.IntN(30_000)), Purpose: "转赠合作机构"}}
	case n < 56 && len(g.transfers) > 0:
		t := g.transfers[r.IntN(len(g.transfers))]
		return plug.Action{Org: t.to, Action: charityapi.ConfirmGrant.Name, Valid: true, Body: charityapi.IDBody{ID: t.id}}
	case n < 68:
		p := g.project(r)
		line := []string{"supplies", "admin"}[r.IntN(2)]
		b := charityapi.DisburseBody{Project: p.id, Line: line, AmountFen: int64(1 + r.IntN(20_000)), Payee: pick(r, suppliers),
			Purpose: "文具", InvoiceSHA256: digest(fmt.Sprint("invoice", g.n))}
		if line == "supplies" {
			b.Beneficiary = pick(r, schools)
		}
		return plug.Action{Org: owner(p), Action: charityapi.Disburse.Name, Valid: true, Tag: "disb", Body: b}
	case n < 72:
		for _, d := range g.receipts {
			if d.inKind && r.IntN(2) == 0 {
				return plug.Action{Org: d.owner, Action: charityapi.Distribute.Name, Valid: true, Tag: "disb",
					Body: charityapi.DistributeBody{Receipt: d.receipt, Quantity: 1, Beneficiary: pick(r, schools), Purpose: "发放"}}
			}
		}
	case n < 80 && len(g.disbs) > 0:
		i := r.IntN(len(g.disbs))
		d := g.disbs[i]
		g.disbs = append(g.disbs[:i], g.disbs[i+1:]...)
		if r.IntN(4) == 0 {
			return plug.Action{Org: d.beneficiary, Action: charityapi.Dispute.Name, Valid: true, Body: charityapi.DisputeBody{Disbursement: d.id, Reason: "数量不符"}}
		}
		return plug.Action{Org: d.beneficiary, Action: charityapi.Accept.Name, Valid: true, Body: charityapi.AcceptBody{Disbursement: d.id, DocSHA256: digest(d.id)}}
	case n < 86 && len(g.receipts) > 0:
		d := g.receipts[r.IntN(len(g.receipts))]
		return plug.Action{Org: d.owner, Action: charityapi.RefundDonation.Name, Valid: true,
			Body: charityapi.RefundBody{Receipt: d.receipt, AmountFen: int64(1 + r.IntN(5_000)), Reason: "捐赠人申请退款"}}
	case n < 89:
		p := g.project(r)
		ls := genLines()
		ls[0].BudgetFen += int64(r.IntN(100_000))
		return plug.Action{Org: owner(p), Action: charityapi.ReviseBudget.Name, Valid: true, Body: charityapi.ReviseBody{Project: p.id, Lines: ls, Reason: "调整"}}
	case n < 94:
		p := g.project(r)
		kind, by := charityapi.ReportProgress, p.owner
		if r.IntN(3) == 0 && len(auditors) > 0 {
			kind, by = charityapi.ReportAudit, pick(r, auditors)
		}
		return plug.Action{Org: by, Action: charityapi.FileReport.Name, Valid: true, Body: charityapi.ReportBody{Project: p.id, Kind: kind,
			PeriodFrom: date(-1), PeriodTo: date(0), Summary: "进展", Files: []charityapi.FileBody{{Name: "report.pdf", SHA256: digest(fmt.Sprint("r", g.n))}}}}
	case n < 96 && len(g.projects) > 2:
		i := r.IntN(len(g.projects))
		p, to := g.projects[i], g.projects[(i+1)%len(g.projects)]
		return plug.Action{Org: p.owner, Action: charityapi.Close.Name, Valid: true, Tag: "closed:" + p.id,
			Body: charityapi.CloseBody{Project: p.id, BalanceTo: to.id, Reason: "项目结束"}}
	case n < 98:
		return plug.Action{Org: pick(r, charities), Action: charityapi.Donate.Name, Body: []byte(`{"project":"CP","amount_fen":-1}`)}
	}
	p := g.project(r)
	return plug.Action{Org: pick(r, charities), Action: charityapi.Grant.Name, Valid: true, Tag: "grant",
		Body: charityapi.GrantBody{From: p.id, Line: "grants", To: charityapi.GeneralFund(pick(r, charities)), AmountFen: 1 << 40, Purpose: "超额"}}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	var res struct {
		ID      string `json:"id"`
		Receipt string `json:"receipt"`
	}
	_ = json.Unmarshal(result, &res)
	switch tag := a.Tag; {
	case tag == "filed":
		g.filed = append(g.filed, genProject{id: res.ID, owner: a.Org})
	case len(tag) > 9 && tag[:9] == "approved:":
		for i, p := range g.filed {
			if p.id == tag[9:] {
				g.projects = append(g.projects, p)
				g.filed = append(g.filed[:i], g.filed[i+1:]...)
				break
			}
		}
	case len(tag) > 7 && tag[:7] == "closed:":
		for i, p := range g.projects {
			if p.id == tag[7:] {
				g.projects = append(g.projects[:i], g.projects[i+1:]...)
				break
			}
		}
	case len(tag) > 4 && tag[:4] == "don:":
		g.receipts = append(g.receipts, genDonation{receipt: res.Receipt, owner: tag[4:]})
	case len(tag) > 3 && tag[:3] == "ik:":
		g.receipts = append(g.receipts, genDonation{receipt: res.Receipt, owner: tag[3:], inKind: true})
	case tag == "grant":
		if b, ok := a.Body.(charityapi.GrantBody); ok {
			for _, p := range g.projects {
				if p.id == b.To {
					g.transfers = append(g.transfers, genTransfer{id: res.ID, to: p.owner})
				}
			}
		}
	case tag == "disb":
		switch b := a.Body.(type) {
		case charityapi.DisburseBody:
			if b.Beneficiary != "" {
				g.disbs = append(g.disbs, genDisb{id: res.ID, beneficiary: b.Beneficiary})
			}
		case charityapi.DistributeBody:
			g.disbs = append(g.disbs, genDisb{id: res.ID, beneficiary: b.Beneficiary})
		}
	}
}

// genUSCC makes a valid unified social credit code of a social
// organisation.
func genUSCC(n int) string {
	first := fmt.Sprintf("53341321MJ%07d", n)
	c, err := identity.USCCCheck(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}
