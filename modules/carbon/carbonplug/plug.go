// Package carbonplug plugs the carbon module into the node: its API
// endpoints (typed queries, the retirement's proof bundle), the hall's
// pages for the registry authority, project developers, verifiers,
// covered entities, the green certificate issuer, producers and every
// account holder, the public registry, retirement certificate,
// verification, claim certificate and product footprint pages, the
// `dengta carbon` command, the SDK helpers, the wcarbon benchmark
// workload, the module's roles and demo story in the dev chain and its
// generator of random actions.
package carbonplug

import (
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// Module returns the carbon module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      carbon.Module{},
		Roles:     carbonapi.Roles,
		API:       apiModule(),
		Pages:     pagesModule(),
		CLI:       []cli.Command{{Name: "carbon", Summary: "carbon credits, allowances, green certificates and footprints (碳排放权与绿证)", Run: run}},
		Workloads: workloads(),
		Demo: plug.Demo{
			Roles: map[string][]role.Role{
				"regulator": {carbonapi.Registry, carbonapi.GECIssuer},
				"coop":      {carbonapi.Developer},
				"foodgroup": {carbonapi.Covered},
				"logistics": {carbonapi.Covered},
			},
			Seed: seed,
		},
		Gen: newGen,
	}
}
