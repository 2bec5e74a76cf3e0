package app

import (
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

// AppVersion is the highest application protocol version this software
// runs. The chain's own version (ChainAppVersion) is consensus state: it
// starts at 1 and changes only at an upgrade height decided by governance
// (planned, ADR 0017), when the software must support the new version.
const AppVersion = 1

// ChainAppVersion returns the application protocol version the chain
// runs at the last committed height. Safe for concurrent use.
func (a *App) ChainAppVersion() uint64 { return a.version.Load() }

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
	if n > AppVersion {
		return fmt.Errorf("the chain runs application version %d; this software runs up to %d: install the release the consortium upgraded to", n, AppVersion)
	}
	a.version.Store(n)
	return nil
}
