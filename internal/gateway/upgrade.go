package gateway

import (
	"net/http"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/identity"
)

// UpgradeStatus answers GET /v1/upgrade: the application version the
// chain runs and this node's software runs, the upgrade governance
// scheduled (ADR 0019) and the upgrades carried out.
type UpgradeStatus struct {
	ChainAppVersion    uint64 `json:"chain_app_version"`
	SoftwareAppVersion uint64 `json:"software_app_version"`
	// Height is the last height the application committed.
	Height    int64               `json:"height"`
	Scheduled *ScheduledUpgrade   `json:"scheduled,omitempty"`
	Done      []app.UpgradeRecord `json:"done"`
}

// ScheduledUpgrade is an upgrade the chain has not carried out yet, with
// what it means for this node.
type ScheduledUpgrade struct {
	identity.UpgradePlan
	// BlocksLeft is the number of blocks before the upgrade height.
	BlocksLeft int64 `json:"blocks_left"`
	// SoftwareReady: this node's software runs the upgrade's version, so
	// it carries on at the height; otherwise it stops there.
	SoftwareReady bool `json:"software_ready"`
}

// upgradeStatus returns what /v1/upgrade answers.
func (s *Server) upgradeStatus() (*UpgradeStatus, error) {
	out := &UpgradeStatus{ChainAppVersion: s.app.ChainAppVersion(), SoftwareAppVersion: s.app.SoftwareAppVersion(), Height: s.app.Store().Version(), Done: []app.UpgradeRecord{}}
	plan, err := s.app.ScheduledUpgrade()
	if err != nil {
		return nil, err
	}
	if plan != nil {
		out.Scheduled = &ScheduledUpgrade{UpgradePlan: *plan, BlocksLeft: max(plan.Height-out.Height-1, 0), SoftwareReady: plan.Version <= out.SoftwareAppVersion}
	}
	done, err := s.app.Upgrades()
	if err != nil {
		return nil, err
	}
	if done != nil {
		out.Done = done
	}
	return out, nil
}

func (s *Server) getUpgrade(w http.ResponseWriter, _ *http.Request) error {
	st, err := s.upgradeStatus()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
