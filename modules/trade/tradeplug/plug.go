// Package tradeplug plugs the cross-border trade module into the node:
// its API endpoints (with offline proof bundles of eBLs and credits), the
// hall's pages for carriers, shippers, importers, banks and customs, the
// `dengta trade` commands, the wtrade benchmark workload (eBL transfers),
// the module's roles in the demo consortium with its demo story (a
// Dangshan pear export paid by a documentary credit) and its generator
// of random actions.
package tradeplug

import (
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// Module returns the trade module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      trade.Module{},
		Roles:     tradeapi.Roles,
		Gen:       newGen,
		API:       apiModule(),
		Pages:     pagesModule(),
		CLI:       []cli.Command{{Name: "trade", Summary: "electronic bills of lading and documentary credits: show, prove, transfer, surrender", Run: run}},
		Workloads: workloads(),
		Demo: plug.Demo{
			// The cold-chain carrier issues the bills; the cooperative
			// exports; the food group imports (and the supermarket trades);
			// the bank issues the credit (the common role bank); customs is
			// the regulator (the common role regulator).
			Roles: map[string][]role.Role{
				"logistics": {tradeapi.Carrier}, "coop": {tradeapi.Trader}, "foodgroup": {tradeapi.Trader}, "market": {tradeapi.Trader},
				"*": {tradeapi.Trader},
			},
			Seed: seedDemo,
		},
	}
}
