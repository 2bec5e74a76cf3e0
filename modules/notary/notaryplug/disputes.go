package notaryplug

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// disputeView is a copyright dispute as the hall shows it to the signed-in
// user: the two registrations, and what the user may do.
type disputeView struct {
	notary.Dispute
	Disputed, First *notary.Work
	// Judge: the user's organisation is a court and the dispute is open.
	Judge bool
	// Party: the user's organisation owns one of the registrations and the
	// dispute is open; Accept: the standing proposal is the other party's.
	Party, Accept bool
}

type hallDisputesData struct {
	Open, Resolved []disputeView
	Message, Error string
}

// hallDisputes lists the copyright disputes, the open ones with the
// forms of a court's judgment and of the parties' settlement.
func (s *notaryPages) hallDisputes(p *pages.Page) error {
	return s.renderDisputes(p, "", "")
}

func (s *notaryPages) renderDisputes(p *pages.Page, msg, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	all, err := notary.ListDisputes(v, "")
	if err != nil {
		return err
	}
	d := &hallDisputesData{Message: msg, Error: errMsg}
	org := p.User.Org
	for _, x := range all {
		dv := disputeView{Dispute: x}
		if dv.Disputed, err = notary.GetWork(v, x.WorkID); err != nil {
			return err
		}
		if dv.First, err = notary.GetWork(v, x.FirstWork); err != nil {
			return err
		}
		if x.Status != notary.DisputeOpen {
			d.Resolved = append(d.Resolved, dv)
			continue
		}
		dv.Judge = p.User.Has(string(notaryapi.Court))
		dv.Party = org == dv.Disputed.Owner || org == dv.First.Owner
		dv.Accept = dv.Party && x.Proposal != nil && x.Proposal.ProposedBy.Org != org
		d.Open = append(d.Open, dv)
	}
	p.Title = p.T("hd.title")
	p.Data = d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_disputes")
}

// hallDisputeAct signs a judgment, a settlement proposal or an acceptance
// from a form, through the API with the user's key.
func (s *notaryPages) hallDisputeAct(p *pages.Page) error {
	r := p.R
	id := strings.TrimSpace(r.FormValue("work_id"))
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	api := s.site.API()
	action := r.FormValue("action")
	switch action {
	case notaryapi.ResolveDispute.Name:
		_, _, err = client.Send(ctx, api, key, notaryapi.ResolveDispute, notaryapi.ResolveDisputeBody{WorkID: id, Prevailing: r.FormValue("prevailing"),
			Reference: strings.TrimSpace(r.FormValue("reference")), Note: strings.TrimSpace(r.FormValue("note"))})
	case notaryapi.ProposeSettlement.Name:
		_, _, err = client.Send(ctx, api, key, notaryapi.ProposeSettlement, notaryapi.SettlementBody{WorkID: id, Prevailing: r.FormValue("prevailing"),
			Terms: strings.TrimSpace(r.FormValue("terms"))})
	case notaryapi.AcceptSettlement.Name:
		seq, perr := strconv.ParseUint(r.FormValue("proposal_seq"), 10, 64)
		if perr != nil {
			return s.renderDisputes(p, "", p.T("hd.badseq"))
		}
		_, _, err = client.Send(ctx, api, key, notaryapi.AcceptSettlement, notaryapi.AcceptSettlementBody{WorkID: id, ProposalSeq: seq})
	default:
		return s.renderDisputes(p, "", fmt.Sprintf("%s %q", p.T("hd.unknownaction"), action))
	}
	if err != nil {
		return s.renderDisputes(p, "", p.APIError(err))
	}
	p.Done("/hall/notary/disputes", p.T("hd.done")+" "+p.T("hdaction."+action))
	return nil
}
