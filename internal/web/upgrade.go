package web

import (
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/pages"
)

// The hall's software upgrade page (ADR 0019): the application version
// the chain runs and this node's software runs, the upgrade governance
// scheduled (with whether this node is ready for it) and the upgrades
// carried out. The dashboard announces a scheduled upgrade.

// upgradeStatus asks the node for its upgrade status; nil when it does
// not answer (the page then says so).
func upgradeStatus(p *pages.Page, c *client.Client) *gateway.UpgradeStatus {
	var st gateway.UpgradeStatus
	if err := c.Get(p.R.Context(), "/v1/upgrade", &st); err != nil {
		return nil
	}
	return &st
}

func (s *Server) upgradePage(p *pages.Page) error {
	p.Title = p.T("upgrade.title")
	p.Data = upgradeStatus(p, s.apiFor(p.R))
	return s.render(p, "upgrade")
}
