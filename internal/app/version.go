package app

import (
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

// AppVersion (release.go) is the highest application protocol version
// this software runs. The chain's own version (ChainAppVersion) is
// consensus state: it starts at 1 and changes only at an upgrade height
// decided by governance (ADR 0019), when the software must run the new
// version.

// ChainAppVersion returns the application protocol version the chain
// runs at the last committed height. Safe for concurrent use.
func (a *App) ChainAppVersion() uint64 { return a.version.Load() }

// SoftwareAppVersion returns the highest application protocol version
// this software runs.
func (a *App) SoftwareAppVersion() uint64 { return a.release.Version }

// loadVersion reads the chain's version from the committed state.
func (a *App) loadVersion() error {
	v, err := a.store.At(0)
	if err != nil {
		return fmt.Errorf("read chain version: %w", err)
	}
	n, err := module.ChainVersion(v)
	if err != nil {
		return fmt.Errorf("read chain version: %w", err)
	}
	if n > a.release.Version {
		release := "the release the consortium upgraded to"
		var u UpgradeRecord
		if ok, err := module.GetJSON(v, upgradeKey(n), &u); err == nil && ok {
			release = "release " + u.Name
		}
		return fmt.Errorf("the chain runs application version %d; this software runs up to %d: install %s", n, a.release.Version, release)
	}
	a.version.Store(n)
	return nil
}

// UpgradeRecord is kept for every upgrade the chain carried out.
type UpgradeRecord struct {
	Name     string `json:"name"`
	Version  uint64 `json:"version"`
	Height   int64  `json:"height"`
	Proposal uint64 `json:"proposal_id"`
}

// Upgrades returns the upgrades the chain carried out, oldest first, as
// of the last committed height. Safe for concurrent use.
func (a *App) Upgrades() ([]UpgradeRecord, error) {
	v, err := a.store.At(0)
	if err != nil {
		return nil, fmt.Errorf("upgrades: %w", err)
	}
	var out []UpgradeRecord
	for n := uint64(2); n <= a.version.Load(); n++ {
		b, err := v.Get(upgradeKey(n))
		if err != nil {
			return nil, fmt.Errorf("upgrades: %w", err)
		}
		if b == nil {
			continue
		}
		var u UpgradeRecord
		if err := json.Unmarshal(b, &u); err != nil {
			return nil, fmt.Errorf("upgrades: %w", err)
		}
		out = append(out, u)
	}
	return out, nil
}
