// Package modules lists the scenario modules a Dengta node runs, in the
// order their genesis sections are applied. The daemon, the test chains and
// the authorization tests all take the list from here, so a module is
// registered in one place.
package modules

import (
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/modules/notary"
	"github.com/dengta-chain/dengta/internal/modules/receivable"
	"github.com/dengta-chain/dengta/internal/modules/trace"
)

// All returns the scenario modules (identity is built into the app).
func All() []module.Module {
	return []module.Module{
		notary.Module{},
		trace.Module{},
		receivable.Module{},
	}
}
