// Package modules is the registry of the scenario modules a Dengta node
// runs: one line per module, in the order their genesis sections are
// applied. The daemon, the CLI, the bench, the test chains and the
// registry-wide tests all take the modules from here; a module is one
// folder, modules/<name>/, plus its line below.
package modules

import (
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/carbon/carbonplug"
	"github.com/dengta-chain/dengta/modules/charity/charityplug"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
	"github.com/dengta-chain/dengta/modules/energy/energyplug"
	"github.com/dengta-chain/dengta/modules/evm/evmplug"
	"github.com/dengta-chain/dengta/modules/notary/notaryplug"
	"github.com/dengta-chain/dengta/modules/receivable/receivableplug"
	"github.com/dengta-chain/dengta/modules/trace/traceplug"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
)

// All returns the registered modules, freshly made: a node's modules may
// hold per-node state (a service and the endpoints that use it).
func All() []plug.Module {
	return []plug.Module{
		notaryplug.Module(),
		traceplug.Module(),
		receivableplug.Module(),
		tradeplug.Module(),
		charityplug.Module(),
		carbonplug.Module(),
		energyplug.Module(),
		credentialplug.Module(),
		evmplug.Module(),
		datashareplug.Module(),
	}
}

// Registry returns the registry of the modules.
func Registry() *plug.Registry { return plug.NewRegistry(All()...) }
