// Package energyplug plugs the energy module into the node: its API
// endpoints (typed queries narrowed to their parties), the hall's pages
// for grid operators and prosumers (zones, meters, tariffs, the order
// form, the market view with its interval chart, an interval's book,
// clearing and settlement, a participant's statement), the `dengta
// energy` command, the SDK helpers (a meter's signature over its reading,
// batched posting, the operator's clearing agent), the wenergy and
// wenergyo benchmark workloads, the module's roles and demo story in the
// dev chain and its generator of random actions.
package energyplug

import (
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// Module returns the energy module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      energy.Module{},
		Roles:     energyapi.Roles,
		API:       apiModule(),
		Pages:     pagesModule(),
		CLI:       []cli.Command{{Name: "energy", Summary: "peer-to-peer energy trading: zones, meters, readings, orders, clearing and settlement (分布式电力交易)", Run: run}},
		Workloads: workloads(),
		Demo: plug.Demo{
			Roles: map[string][]role.Role{
				"regulator": {energyapi.GridOperator},
				"coop":      {energyapi.Prosumer},
				"market":    {energyapi.Prosumer},
				"foodgroup": {energyapi.Prosumer},
				"logistics": {energyapi.Prosumer},
				"school":    {energyapi.Prosumer},
				"*":         {energyapi.Prosumer}, // every organisation generated past the demo list (devnet.GeneratedMember)
			},
			Seed: seed,
		},
		Gen: newGen,
	}
}
