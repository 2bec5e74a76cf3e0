package web

import (
	"net/url"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/api"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
)

// governanceData is the hall's governance page: the software upgrade
// scheduled or carried out (ADR 0018) and the consortium's proposals,
// newest first.
type governanceData struct {
	Upgrade   *gateway.UpgradeStatus
	Proposals []identity.Proposal
}

// upgradeStatus asks the node for its upgrade status; nil when it does
// not answer (the page then shows the rest).
func upgradeStatus(p *pages.Page, c *client.Client) *gateway.UpgradeStatus {
	var st gateway.UpgradeStatus
	if err := c.Get(p.R.Context(), "/v1/upgrade", &st); err != nil {
		return nil
	}
	return &st
}

func (s *Server) governancePage(p *pages.Page) error {
	c := s.apiFor(p.R)
	d := governanceData{Upgrade: upgradeStatus(p, c)}
	after := ""
	for {
		var page api.Page[identity.Proposal]
		path := "/v1/proposals?limit=1000"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		if err := c.Get(p.R.Context(), path, &page); err != nil {
			return err
		}
		d.Proposals = append(d.Proposals, page.Items...)
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	for i, j := 0, len(d.Proposals)-1; i < j; i, j = i+1, j-1 {
		d.Proposals[i], d.Proposals[j] = d.Proposals[j], d.Proposals[i]
	}
	p.Title = p.T("gov.title")
	p.Data = d
	return s.render(p, "governance")
}
