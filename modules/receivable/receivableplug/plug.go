// Package receivableplug plugs the supply-chain finance module into the
// node: its API endpoints and their OpenAPI fragment, the hall's
// receivable pages, the w3 and w3hot benchmark workloads, the module's
// roles in the demo consortium and its generator of random actions.
package receivableplug

import (
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// Module returns the supply-chain finance module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      receivable.Module{},
		Roles:     receivableapi.Roles,
		Gen:       newGen,
		API:       apiModule(),
		Pages:     pagesModule(),
		Workloads: workloads(),
		Demo: plug.Demo{Roles: map[string][]role.Role{
			"foodgroup": {receivableapi.CoreEnterprise},
		}, Seed: seedDemo},
	}
}
