package receivableplug

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// gen makes random receivable actions for the determinism tests: credit
// lines, receivables issued with short terms (so that they mature within
// a run), accepted, asked to be confirmed and confirmed, split, financed,
// frozen and settled, and refusals (unknown receivables, amounts beyond
// the face, actions by the wrong party, freezes lifted by another
// regulator or by a decision nobody took, malformed bodies).
type gen struct {
	recs    []genRec // receivables the chain assigned, as last seen
	invoice int
}

type genRec struct {
	id, holder, pending, obligor string
	face                         int64
	frozenBy                     string
	asked, askedBy               string // the bank asked to confirm it, and who asked
	root                         bool
}

func newGen() plug.Gen { return &gen{} }

func pickOrg(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func (g *gen) rec(r *rand.Rand) genRec {
	if len(g.recs) == 0 {
		return genRec{id: fmt.Sprintf("RC20260101-%020X", r.Uint64())}
	}
	return g.recs[r.IntN(len(g.recs))]
}

// recWhere picks a receivable satisfying ok, or any.
func (g *gen) recWhere(r *rand.Rand, ok func(genRec) bool) genRec {
	var list []genRec
	for _, rc := range g.recs {
		if ok(rc) {
			list = append(list, rc)
		}
	}
	if len(list) == 0 {
		return g.rec(r)
	}
	return list[r.IntN(len(list))]
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	banks := w.With(role.Bank)
	obligors := w.With(receivableapi.CoreEnterprise)
	holders := w.With(role.Supplier, role.Bank)
	regulators := w.With(role.Regulator)
	date := func(days int) string { return w.Time.AddDate(0, 0, days).In(chinaTime).Format(time.DateOnly) }
	// or is the organisation a receivable names, or a random one of orgs
	// (for a receivable the chain never assigned).
	or := func(org string, orgs []string) string {
		if org == "" {
			return pickOrg(r, orgs)
		}
		return org
	}
	switch n := r.IntN(30); {
	case n < 2:
		limit := int64(r.IntN(10)) * 100_000_000
		return plug.Action{Org: pickOrg(r, banks), Action: receivableapi.SetCreditLine.Name, Valid: true,
			Body: receivableapi.CreditBody{Obligor: pickOrg(r, obligors), LimitFen: &limit}}
	case n < 6:
		g.invoice++
		face := int64(1+r.IntN(100)) * 100_000
		no := fmt.Sprintf("INV-%05d", g.invoice)
		return plug.Action{Org: pickOrg(r, obligors), Action: receivableapi.Issue.Name, Valid: true, Tag: "new",
			Body: receivableapi.IssueBody{To: pickOrg(r, holders), FaceFen: face, MaturityDate: date(1 + r.IntN(6)),
				Trade: &receivableapi.TradeBody{ContractNo: "HT-" + no, InvoiceNo: no, InvoiceAmountFen: face + int64(r.IntN(3))*1000,
					InvoiceSHA256: hash(no), DeliveryDocHashes: []string{hash(no + "/delivery")}}}}
	case n < 9:
		rc := g.rec(r)
		by := rc.pending
		if by == "" {
			by = pickOrg(r, holders)
		}
		return plug.Action{Org: by, Action: receivableapi.Accept.Name, Valid: true, Tag: "accept", Body: receivableapi.IDBody{ID: rc.id}}
	case n < 10:
		rc := g.rec(r)
		return plug.Action{Org: pickOrg(r, holders), Action: receivableapi.Reject.Name, Valid: true, Body: receivableapi.ReasonBody{ID: rc.id, Reason: "单据不符"}}
	case n < 11:
		rc := g.rec(r)
		return plug.Action{Org: or(rc.obligor, obligors), Action: receivableapi.Cancel.Name, Valid: true, Body: receivableapi.IDBody{ID: rc.id}}
	case n < 12:
		// Mostly an accepted root, asked about by its holder or obligor.
		rc := g.recWhere(r, func(x genRec) bool { return x.root && x.pending == "" && x.holder != x.obligor && x.asked == "" })
		by := or(rc.holder, holders)
		if r.IntN(3) == 0 {
			by = or(rc.obligor, obligors)
		}
		return plug.Action{Org: by, Action: receivableapi.RequestConfirmation.Name, Valid: true, Tag: "ask",
			Body: receivableapi.ConfirmationBody{ID: rc.id, Bank: pickOrg(r, banks)}}
	case n >= 26 && n < 28:
		rc := g.recWhere(r, func(x genRec) bool { return x.asked != "" })
		act := receivableapi.Confirm.Name
		if n == 27 {
			act = receivableapi.DeclineConfirmation.Name
		}
		bank := or(rc.asked, banks)
		if r.IntN(4) == 0 {
			bank = pickOrg(r, banks) // perhaps a bank nobody asked
		}
		var body any = receivableapi.IDBody{ID: rc.id}
		if n == 27 {
			body = receivableapi.ReasonBody{ID: rc.id, Reason: "授信不足"}
		}
		return plug.Action{Org: bank, Action: act, Valid: true, Tag: "answer", Body: body}
	case n == 28:
		rc := g.recWhere(r, func(x genRec) bool { return x.asked != "" })
		return plug.Action{Org: or(rc.askedBy, holders), Action: receivableapi.WithdrawConfirmation.Name, Valid: true, Tag: "answer",
			Body: receivableapi.IDBody{ID: rc.id}}
	case n == 29:
		// A decision nobody took: no such proposal, or one of another kind.
		rc := g.rec(r)
		return plug.Action{Org: pickOrg(r, slices.Concat(holders, regulators)), Action: receivableapi.UnfreezeByDecision.Name, Valid: true,
			Body: receivableapi.DecisionBody{ID: rc.id, ProposalID: uint64(1 + r.IntN(3)), Reason: "联盟决议"}}
	case n < 16:
		rc := g.rec(r)
		part := max(1, rc.face/int64(2+r.IntN(4)))
		return plug.Action{Org: or(rc.holder, holders), Action: receivableapi.SplitTransfer.Name, Valid: true, Tag: "split",
			Body: receivableapi.SplitBody{ID: rc.id, Parts: []receivableapi.PartBody{{To: pickOrg(r, holders), AmountFen: part}}}}
	case n < 18:
		rc := g.rec(r)
		rate, fee, recourse := 300+r.IntN(400), int64(r.IntN(10))*100, r.IntN(2) == 0
		return plug.Action{Org: or(rc.holder, holders), Action: receivableapi.RequestFinancing.Name, Valid: true,
			Body: receivableapi.FinancingBody{ID: rc.id, Bank: pickOrg(r, banks), RateBP: &rate, FeeFen: &fee, Recourse: &recourse}}
	case n < 19:
		rc := g.rec(r)
		return plug.Action{Org: pickOrg(r, banks), Action: receivableapi.ApproveFinancing.Name, Valid: true, Tag: "financed", Body: receivableapi.IDBody{ID: rc.id}}
	case n < 20:
		rc := g.rec(r)
		return plug.Action{Org: pickOrg(r, banks), Action: receivableapi.DeclineFinancing.Name, Valid: true, Body: receivableapi.IDBody{ID: rc.id}}
	case n < 22:
		rc := g.rec(r)
		amount := max(1, rc.face/int64(1+r.IntN(2)))
		return plug.Action{Org: or(rc.obligor, obligors), Action: receivableapi.Settle.Name, Valid: true, Body: receivableapi.SettleBody{ID: rc.id, AmountFen: amount}}
	case n < 23:
		rc := g.rec(r)
		return plug.Action{Org: pickOrg(r, regulators), Action: receivableapi.Freeze.Name, Valid: true, Tag: "freeze", Body: receivableapi.ReasonBody{ID: rc.id, Reason: "核查"}}
	case n < 24:
		rc := g.rec(r)
		by := or(rc.frozenBy, regulators)
		if r.IntN(4) == 0 {
			by = pickOrg(r, regulators) // perhaps another regulator than the one that froze it
		}
		return plug.Action{Org: by, Action: receivableapi.Unfreeze.Name, Valid: true, Tag: "unfreeze", Body: receivableapi.ReasonBody{ID: rc.id, Reason: "核查完毕"}}
	default:
		bodies := [][]byte{[]byte(`{"id":"RC-nope"}`), []byte(`{"to":"coop","face_fen":-1}`), []byte(`{"id":"RC20260101-00000000000000000000","parts":[]}`)}
		acts := []string{receivableapi.Accept.Name, receivableapi.Issue.Name, receivableapi.SplitTransfer.Name}
		k := r.IntN(len(bodies))
		return plug.Action{Org: pickOrg(r, append(holders, obligors...)), Action: acts[k], Body: bodies[k]}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	at := func(id string, f func(*genRec)) {
		for i := range g.recs {
			if g.recs[i].id == id {
				f(&g.recs[i])
			}
		}
	}
	switch a.Tag {
	case "ask":
		b := a.Body.(receivableapi.ConfirmationBody)
		at(b.ID, func(rc *genRec) { rc.asked, rc.askedBy = b.Bank, a.Org })
	case "answer":
		id := ""
		switch b := a.Body.(type) {
		case receivableapi.IDBody:
			id = b.ID
		case receivableapi.ReasonBody:
			id = b.ID
		}
		at(id, func(rc *genRec) { rc.asked, rc.askedBy = "", "" })
	case "freeze":
		at(a.Body.(receivableapi.ReasonBody).ID, func(rc *genRec) { rc.frozenBy = a.Org })
	case "unfreeze":
		at(a.Body.(receivableapi.ReasonBody).ID, func(rc *genRec) { rc.frozenBy = "" })
	case "new":
		b := a.Body.(receivableapi.IssueBody)
		var res receivableapi.StatusResult
		if json.Unmarshal(result, &res) == nil && res.ID != "" {
			g.recs = append(g.recs, genRec{id: res.ID, holder: a.Org, pending: b.To, obligor: a.Org, face: b.FaceFen, root: true})
		}
	case "accept":
		id := a.Body.(receivableapi.IDBody).ID
		for i := range g.recs {
			if g.recs[i].id == id {
				g.recs[i].holder, g.recs[i].pending = a.Org, ""
			}
		}
	case "financed":
		id := a.Body.(receivableapi.IDBody).ID
		for i := range g.recs {
			if g.recs[i].id == id {
				g.recs[i].holder = a.Org
			}
		}
	case "split":
		b := a.Body.(receivableapi.SplitBody)
		var res receivableapi.SplitResult
		if json.Unmarshal(result, &res) != nil {
			return
		}
		var parent genRec
		for _, rc := range g.recs {
			if rc.id == b.ID {
				parent = rc
			}
		}
		for i, id := range res.Children {
			kid := genRec{id: id, holder: a.Org, obligor: parent.obligor}
			if i < len(b.Parts) {
				kid.face = b.Parts[i].AmountFen
				if b.Parts[i].To != a.Org {
					kid.pending = b.Parts[i].To
				}
			} else {
				kid.face = parent.face
				for _, p := range b.Parts {
					kid.face -= p.AmountFen
				}
			}
			g.recs = append(g.recs, kid)
		}
	}
}
