package tradeplug

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// gen makes random trade actions for the determinism tests (Valid marks a
// well-formed attempt by a party that may take the action; the state may
// still refuse it): eBLs issued,
// offered, accepted, refused, amended, surrendered and released; credits
// issued, presented under, examined, honoured and released; and refusals
// (the wrong party, a second surrender, malformed bodies).
type gen struct {
	n       int
	ebls    []*genEBL
	credits []*genCredit
	pres    []*genPres
}

type genEBL struct {
	ref, carrier, ctl, pend, status string
	toOrder, blank                  bool
}

type genCredit struct{ no, bank, applicant, beneficiary string }

type genPres struct{ id, status, bank, issuing, applicant string }

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

// sampleEBL is a shipment of Dangshan pears from Shanghai to Laem Chabang.
func sampleEBL(ref, shipper string, toOrder bool, consignee, shipped string) tradeapi.IssueEBLBody {
	return tradeapi.IssueEBLBody{
		Ref: ref, BookingRef: "BKG-" + ref, Shipper: shipper, ToOrder: toOrder, Consignee: consignee,
		NotifyParty: "Siam Fresh Fruit Co., Ltd.", Vessel: "WAN HAI 305", Voyage: "026S",
		PlaceOfReceipt: &tradeapi.Location{UNLocode: "CNDSH", Name: "Dangshan"},
		PortOfLoading:  tradeapi.Location{UNLocode: "CNSHA", Name: "Shanghai"}, PortOfDischarge: tradeapi.Location{UNLocode: "THLCH", Name: "Laem Chabang"},
		ShippedOnBoard: shipped, Freight: tradeapi.FreightPrepaid,
		Goods:      []tradeapi.Item{{Description: "Fresh Dangshan Su pears, 10 kg cartons", HSCode: "080830", Packages: 1800, PackageCode: "CT", GrossWeightG: 19_800_000}},
		Containers: []tradeapi.Container{{Number: "CSQU3054383", ISOType: "45R1", Seal: "CN2026031", SSCCs: []string{"106141411234567897"}}},
	}
}

func (g *gen) ebl(r *rand.Rand) *genEBL {
	if len(g.ebls) == 0 {
		return &genEBL{ref: "NOSUCHREF1", ctl: "nobody", status: tradeapi.EBLIssued}
	}
	return g.ebls[r.IntN(len(g.ebls))]
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	carriers := w.With(tradeapi.Carrier)
	traders := w.With(tradeapi.Trader)
	holders := w.With(tradeapi.Trader, role.Bank)
	banks := w.With(role.Bank)
	today := w.Time.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	switch k := r.IntN(24); {
	case k < 3 || len(g.ebls) == 0:
		g.n++
		ref := fmt.Sprintf("GEN%06d", g.n)
		toOrder := r.IntN(4) != 0
		shipper, consignee := pickOrg(r, traders), ""
		if !toOrder {
			consignee = pickOrg(r, holders)
		}
		return plug.Action{Org: pickOrg(r, carriers), Action: tradeapi.IssueEBL.Name, Valid: true, Tag: "issue",
			Body: sampleEBL(ref, shipper, toOrder, consignee, today)}
	case k < 8:
		e := g.ebl(r)
		to := pickOrg(r, holders)
		kind := tradeapi.EndorseNamed
		switch {
		case !e.toOrder || e.blank && r.IntN(2) == 0:
			kind = tradeapi.EndorseNone
		case r.IntN(3) == 0:
			kind = tradeapi.EndorseBlank
		}
		return plug.Action{Org: orWho(e.ctl, r, holders), Action: tradeapi.TransferEBL.Name, Valid: true, Tag: e.ref,
			Body: tradeapi.TransferBody{Ref: e.ref, To: to, Endorsement: kind}}
	case k < 11:
		e := g.ebl(r)
		act := tradeapi.AcceptEBL.Name
		if r.IntN(4) == 0 {
			return plug.Action{Org: orWho(e.pend, r, holders), Action: tradeapi.RejectEBL.Name, Valid: true, Tag: e.ref, Body: tradeapi.ReasonBody{Ref: e.ref, Reason: "wrong consignee"}}
		}
		return plug.Action{Org: orWho(e.pend, r, holders), Action: act, Valid: true, Tag: e.ref, Body: tradeapi.RefBody{Ref: e.ref}}
	case k < 12:
		e := g.ebl(r)
		return plug.Action{Org: orWho(e.carrier, r, carriers), Action: tradeapi.AmendEBL.Name, Valid: true, Tag: e.ref,
			Body: tradeapi.AmendEBLBody{Ref: e.ref, Changes: tradeapi.Amendment{Voyage: fmt.Sprintf("V%03d", r.IntN(1000))}, Reason: "schedule change"}}
	case k < 13:
		e := g.ebl(r)
		return plug.Action{Org: orWho(e.ctl, r, holders), Action: tradeapi.AnswerAmendment.Name, Valid: true, Tag: e.ref, Body: tradeapi.AnswerBody{Ref: e.ref, Consent: r.IntN(2) == 0}}
	case k < 15:
		e := g.ebl(r)
		purpose := tradeapi.SurrenderDelivery
		if r.IntN(4) == 0 {
			purpose = tradeapi.SurrenderPaper
		}
		return plug.Action{Org: orWho(e.ctl, r, holders), Action: tradeapi.SurrenderEBL.Name, Valid: true, Tag: e.ref,
			Body: tradeapi.SurrenderBody{Ref: e.ref, Purpose: purpose}}
	case k < 16:
		// An eBL waiting for its paper is rare among many; the carrier
		// switches it first, so that every run covers switch_to_paper.
		e := g.ebl(r)
		for _, p := range g.ebls {
			if p.status == tradeapi.EBLPendingPaper {
				e = p
				break
			}
		}
		if e.status == tradeapi.EBLPendingPaper {
			return plug.Action{Org: e.carrier, Action: tradeapi.SwitchToPaper.Name, Valid: true, Tag: e.ref, Body: tradeapi.PaperBody{Ref: e.ref, PaperNo: e.ref + "P"}}
		}
		return plug.Action{Org: orWho(e.carrier, r, carriers), Action: tradeapi.ReleaseGoods.Name, Valid: true, Tag: e.ref,
			Body: tradeapi.ReleaseBody{Ref: e.ref, DeliveryOrder: "DO-" + e.ref}}
	case k < 18:
		g.n++
		no := fmt.Sprintf("LC-GEN-%d", g.n)
		applicant, beneficiary := pickOrg(r, traders), pickOrg(r, traders)
		expiry := w.Time.AddDate(0, 0, 10+r.IntN(20)).Format(time.DateOnly)
		return plug.Action{Org: pickOrg(r, banks), Action: tradeapi.IssueCredit.Name, Valid: true, Tag: "credit",
			Body: tradeapi.IssueCreditBody{No: no, Applicant: applicant, Beneficiary: beneficiary, Availability: tradeapi.AvailSight,
				Terms: tradeapi.Terms{Amount: tradeapi.Money{Currency: "USD", Minor: int64(1+r.IntN(100)) * 100_000}, TolerancePct: r.IntN(11),
					Expiry: expiry, LatestShipment: expiry, PartialShipments: r.IntN(2) == 0, Goods: "Fresh pears",
					Documents: []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice}}}}
	case k < 20 && len(g.credits) > 0:
		c := g.credits[r.IntN(len(g.credits))]
		var mine []*genEBL
		for _, e := range g.ebls {
			if e.ctl == c.beneficiary && e.toOrder && e.status == tradeapi.EBLIssued && e.pend == "" {
				mine = append(mine, e)
			}
		}
		e := g.ebl(r)
		if len(mine) > 0 {
			e = mine[r.IntN(len(mine))]
		}
		// Each presentation its own invoice: one backs one drawing.
		g.n++
		inv := fmt.Sprintf("INV-%s-%d", e.ref, g.n)
		return plug.Action{Org: c.beneficiary, Action: tradeapi.Present.Name, Valid: true, Tag: c.no,
			Body: tradeapi.PresentBody{No: c.no, EBL: e.ref, Amount: int64(1+r.IntN(60)) * 100_000,
				Invoice: tradeapi.Doc{Type: tradeapi.DocInvoice, No: inv, SHA256: hash("invoice " + inv)}}}
	case k < 23 && len(g.pres) > 0:
		p := g.pres[r.IntN(len(g.pres))]
		switch p.status {
		case tradeapi.PresPresented:
			return plug.Action{Org: p.bank, Action: tradeapi.Examine.Name, Valid: true, Tag: p.id, Body: tradeapi.ExamineBody{ID: p.id, Complying: r.IntN(3) != 0}}
		case tradeapi.PresDiscrepant:
			if r.IntN(2) == 0 {
				return plug.Action{Org: p.applicant, Action: tradeapi.Waive.Name, Valid: true, Tag: p.id, Body: tradeapi.PresBody{ID: p.id}}
			}
			return plug.Action{Org: p.bank, Action: tradeapi.ReturnDocs.Name, Valid: true, Tag: p.id, Body: tradeapi.PresBody{ID: p.id}}
		case tradeapi.PresComplying, tradeapi.PresWaived:
			return plug.Action{Org: p.bank, Action: tradeapi.Honour.Name, Valid: true, Tag: p.id, Body: tradeapi.HonourBody{ID: p.id}}
		case tradeapi.PresHonoured:
			return plug.Action{Org: p.issuing, Action: tradeapi.ReleaseDocs.Name, Valid: true, Tag: p.id, Body: tradeapi.PresBody{ID: p.id}}
		}
		return plug.Action{Org: p.bank, Action: tradeapi.Honour.Name, Tag: p.id, Body: tradeapi.HonourBody{ID: p.id}}
	}
	switch k := r.IntN(8); {
	case k == 0:
		return plug.Action{Org: pickOrg(r, banks), Action: tradeapi.SetCalendar.Name, Valid: true,
			Body: tradeapi.CalendarBody{UTCOffsetMin: 480, Closed: []string{w.Time.AddDate(0, 0, 7-int(w.Time.Weekday())+1).Format(time.DateOnly)}}}
	case k == 1 && len(g.ebls) > 0:
		e := g.ebl(r)
		return plug.Action{Org: orWho(e.ctl, r, holders), Action: tradeapi.WithdrawTransfer.Name, Valid: true, Tag: e.ref, Body: tradeapi.RefBody{Ref: e.ref}}
	case k <= 5 && len(g.credits) > 0:
		c := g.credits[r.IntN(len(g.credits))]
		switch k {
		case 2:
			return plug.Action{Org: pickOrg(r, banks), Action: tradeapi.AdviseCredit.Name, Valid: true, Tag: c.no, Body: tradeapi.AdviseBody{No: c.no}}
		case 3:
			expiry := w.Time.AddDate(0, 0, 5+r.IntN(20)).Format(time.DateOnly)
			return plug.Action{Org: c.bank, Action: tradeapi.AmendCredit.Name, Valid: true, Tag: c.no,
				Body: tradeapi.AmendCreditBody{No: c.no, Note: "more pears", Terms: tradeapi.Terms{Amount: tradeapi.Money{Currency: "USD", Minor: int64(1+r.IntN(100)) * 100_000},
					Expiry: expiry, LatestShipment: expiry, Goods: "Fresh pears", Documents: []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice}}}}
		case 4:
			return plug.Action{Org: c.beneficiary, Action: tradeapi.AnswerCredit.Name, Valid: true, Tag: c.no, Body: tradeapi.AnswerCreditBody{No: c.no, Accept: r.IntN(3) != 0}}
		default:
			if len(g.pres) > 0 {
				p := g.pres[r.IntN(len(g.pres))]
				return plug.Action{Org: p.issuing, Action: tradeapi.Reimburse.Name, Valid: true, Tag: p.id, Body: tradeapi.PresBody{ID: p.id}}
			}
		}
	}
	// Malformed: a reference in lowercase, or not JSON.
	if r.IntN(2) == 0 {
		return plug.Action{Org: pickOrg(r, holders), Action: tradeapi.AcceptEBL.Name, Body: tradeapi.RefBody{Ref: "gen-lower"}}
	}
	return plug.Action{Org: pickOrg(r, carriers), Action: tradeapi.IssueEBL.Name, Body: []byte(`{"ref":`)}
}

// orWho is org, or now and then another of orgs (an action by the wrong
// party).
func orWho(org string, r *rand.Rand, orgs []string) string {
	if org == "" || org == "nobody" || r.IntN(8) == 0 {
		return pickOrg(r, orgs)
	}
	return org
}

func (g *gen) find(ref string) *genEBL {
	for _, e := range g.ebls {
		if e.ref == ref {
			return e
		}
	}
	return nil
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	switch a.Action {
	case tradeapi.IssueEBL.Name:
		b := a.Body.(tradeapi.IssueEBLBody)
		g.ebls = append(g.ebls, &genEBL{ref: b.Ref, carrier: a.Org, ctl: b.Shipper, status: tradeapi.EBLIssued, toOrder: b.ToOrder})
	case tradeapi.TransferEBL.Name:
		b := a.Body.(tradeapi.TransferBody)
		if e := g.find(b.Ref); e != nil {
			e.pend = b.To
			e.blank = e.blank && b.Endorsement == tradeapi.EndorseNone || b.Endorsement == tradeapi.EndorseBlank
		}
	case tradeapi.AcceptEBL.Name, tradeapi.RejectEBL.Name, tradeapi.SurrenderEBL.Name, tradeapi.ReleaseGoods.Name, tradeapi.SwitchToPaper.Name:
		var s tradeapi.StepResult
		if json.Unmarshal(result, &s) == nil {
			if e := g.find(s.Ref); e != nil {
				e.ctl, e.status, e.pend = s.Controller, s.Status, ""
			}
		}
	case tradeapi.IssueCredit.Name:
		b := a.Body.(tradeapi.IssueCreditBody)
		g.credits = append(g.credits, &genCredit{no: b.No, bank: a.Org, applicant: b.Applicant, beneficiary: b.Beneficiary})
	case tradeapi.Present.Name:
		var pr tradeapi.PresentResult
		b := a.Body.(tradeapi.PresentBody)
		if json.Unmarshal(result, &pr) == nil {
			var c *genCredit
			for _, x := range g.credits {
				if x.no == b.No {
					c = x
				}
			}
			if c != nil {
				g.pres = append(g.pres, &genPres{id: pr.ID, status: pr.Status, bank: c.bank, issuing: c.bank, applicant: c.applicant})
				if e := g.find(b.EBL); e != nil {
					e.ctl = c.bank
				}
			}
		}
	case tradeapi.Examine.Name, tradeapi.Waive.Name, tradeapi.ReturnDocs.Name, tradeapi.Honour.Name, tradeapi.ReleaseDocs.Name:
		var pr tradeapi.PresentResult
		if json.Unmarshal(result, &pr) == nil {
			for _, p := range g.pres {
				if p.id == pr.ID {
					p.status = pr.Status
				}
			}
		}
	}
}
