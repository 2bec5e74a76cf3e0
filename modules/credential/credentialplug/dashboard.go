package credentialplug

import (
	"context"

	ch "github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/credential"
)

// dashboard is the organisation's credential panels: for an issuer (an
// organisation authorised for a type, or that issued any), its
// credentials by type and status; for a relying party (one that keeps a
// recognition list or recorded a verification), its verifications by
// type and result. Holders keep their credentials in their wallets: the
// chain records nothing of them to count.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	org := b.Org.ID
	types, err := credential.TypesOf(b.View, org)
	if err != nil {
		return nil, err
	}
	issued, uses, err := credential.Counts(b.View, org)
	if err != nil {
		return nil, err
	}
	rec, err := credential.Recognitions(b.View, org)
	if err != nil {
		return nil, err
	}
	name := func(id string) string {
		t, err := credential.GetType(b.View, id)
		switch {
		case err != nil:
			return id
		case b.Lang == pages.EN && t.NameEN != "":
			return t.NameEN
		}
		return t.Name
	}
	var out []pages.Tile
	if len(types) > 0 || len(issued) > 0 {
		var active, suspended, revoked int64
		var cats []string
		var av, sv, rv []int64
		for _, c := range issued {
			active, suspended, revoked = active+int64(c.Active), suspended+int64(c.Suspended), revoked+int64(c.Revoked)
			cats = append(cats, name(c.Type))
			av, sv, rv = append(av, int64(c.Active)), append(sv, int64(c.Suspended)), append(rv, int64(c.Revoked))
		}
		total := active + suspended + revoked
		t := pages.Tile{ID: "credential-issued", Title: b.T("dv.issued"), Links: []pages.Link{{Path: "/hall/credential#issued-list", Key: "dv.issued.list"}},
			Figures: []pages.Figure{{Label: b.T("dv.total"), Value: ch.Int(total)}, {Label: b.T("vc.st.active"), Value: ch.Int(active)},
				{Label: b.T("vc.st.suspended"), Value: ch.Int(suspended)}, {Label: b.T("vc.st.revoked"), Value: ch.Int(revoked)}}}
		if total == 0 {
			t.Empty = b.T("dv.issued.empty")
		} else {
			t.Chart = &ch.Bar{Axes: ch.Axes{
				Text:   ch.Text{ID: "credential-issued-chart", Title: b.T("dv.issued"), Desc: b.Tp("dv.issued.desc", "n", ch.Int(total), "types", ch.Int(int64(len(issued))), "active", ch.Int(active))},
				XLabel: b.T("vc.type"), YLabel: b.T("dv.count"), Categories: cats,
				Series: []ch.Series{{Name: b.T("vc.st.active"), Values: av}, {Name: b.T("vc.st.suspended"), Values: sv}, {Name: b.T("vc.st.revoked"), Values: rv}},
			}}
		}
		out = append(out, t)
	}
	if len(uses) > 0 || len(rec.Items) > 0 {
		var passed, failed int64
		var cats []string
		var pv, fv []int64
		for _, c := range uses {
			passed, failed = passed+int64(c.Passed), failed+int64(c.Failed)
			cats = append(cats, name(c.Type))
			pv, fv = append(pv, int64(c.Passed)), append(fv, int64(c.Failed))
		}
		total := passed + failed
		t := pages.Tile{ID: "credential-uses", Title: b.T("dv.uses"), Links: []pages.Link{{Path: "/hall/credential#uses-list", Key: "dv.uses.list"}, {Path: "/hall/credential/verify", Key: "vc.verify"}},
			Figures: []pages.Figure{{Label: b.T("dv.checks"), Value: ch.Int(total)}, {Label: b.T("dv.passed"), Value: ch.Int(passed)}, {Label: b.T("dv.failed"), Value: ch.Int(failed)}}}
		if total == 0 {
			t.Empty = b.T("dv.uses.empty")
		} else {
			t.Chart = &ch.Bar{Axes: ch.Axes{
				Text:   ch.Text{ID: "credential-uses-chart", Title: b.T("dv.uses"), Desc: b.Tp("dv.uses.desc", "n", ch.Int(total), "failed", ch.Int(failed))},
				XLabel: b.T("vc.type"), YLabel: b.T("dv.count"), Categories: cats,
				Series: []ch.Series{{Name: b.T("dv.passed"), Values: pv}, {Name: b.T("dv.failed"), Values: fv}},
			}}
		}
		out = append(out, t)
	}
	return out, nil
}

var dashMessages = pages.Messages{
	"dv.issued":       {"签发的证照", "Credentials issued"},
	"dv.issued.list":  {"查看已签发的证照", "See the credentials issued"},
	"dv.issued.desc":  {"共签发 {n} 张证照，{types} 个类型，其中 {active} 张有效。", "{n} credentials of {types} types issued; {active} valid."},
	"dv.issued.empty": {"本机构已获授权签发证照，但还没有签发。在电子证照业务中选择类型即可签发。", "Your organisation may issue credentials but has issued none yet. Choose a type under electronic certificates to issue one."},
	"dv.total":        {"签发总数", "Issued"},
	"dv.count":        {"张数", "Count"},
	"dv.uses":         {"证照核验", "Credentials verified"},
	"dv.uses.list":    {"查看用证记录", "See the verification history"},
	"dv.uses.desc":    {"共核验 {n} 次，{failed} 次未通过。", "{n} verifications, {failed} failed."},
	"dv.uses.empty":   {"本机构还没有核验记录。持证人出示证照后，在“核验证照”中核验，结果会记录在链上。", "Your organisation has verified no credential yet. When a holder presents one, check it under “Verify a credential”; the result is recorded on the chain."},
	"dv.checks":       {"核验次数", "Verifications"},
	"dv.passed":       {"通过", "Passed"},
	"dv.failed":       {"未通过", "Failed"},
}
