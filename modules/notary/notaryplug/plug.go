// Package notaryplug plugs the notary module into the node: its API
// endpoints and their OpenAPI fragment, the public verify and certificate
// pages and the hall's evidence page, the `dengta notary` commands, the
// w1, w1b and w4 benchmark workloads, the module's roles in the demo
// consortium and its generator of random actions.
package notaryplug

import (
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// Module returns the notary module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      notary.Module{},
		Roles:     notaryapi.Roles,
		Gen:       newGen,
		API:       apiModule(),
		Pages:     pagesModule(),
		CLI:       commands(),
		Workloads: workloads(),
		Demo: plug.Demo{Roles: map[string][]role.Role{
			"coop": {notaryapi.Depositor}, "logistics": {notaryapi.Depositor}, "market": {notaryapi.Depositor},
			"foodgroup": {notaryapi.Depositor}, "bank": {notaryapi.Depositor}, "court": {notaryapi.Court},
			"notary": {notaryapi.Notary, notaryapi.Depositor}, "*": {notaryapi.Depositor},
		}, Seed: seedDemo},
	}
}
