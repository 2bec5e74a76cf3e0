// Package charityplug plugs the charity module into the node: its API
// endpoints (typed queries, the IATI export and the trail's proof bundle),
// the hall's pages for charities, payment channels, beneficiaries,
// suppliers, the civil-affairs regulator and auditors, the public project
// and donor pages, the `dengta charity` command, the SDK helpers that
// salt and hash a donor's identity, the wcharity and wcharityb benchmark
// workloads, the module's roles and demo story in the dev chain and its
// generator of random actions.
package charityplug

import (
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// Module returns the charity module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      charity.Module{},
		Roles:     charityapi.Roles,
		API:       apiModule(),
		Pages:     pagesModule(),
		CLI:       []cli.Command{{Name: "charity", Summary: "charity projects, donations and their trails (公益慈善)", Run: run}},
		Workloads: workloads(),
		Demo: plug.Demo{
			Roles: map[string][]role.Role{
				"regulator":  {charityapi.CivilAffairs},
				"bank":       {charityapi.Channel},
				"market":     {role.Supplier},
				"foundation": {charityapi.Charity},
				"charity":    {charityapi.Charity},
				"school":     {charityapi.Beneficiary},
			},
			Seed: seed,
		},
		Gen: newGen,
	}
}
