// Package traceplug plugs the traceability module into the node: its API
// endpoints and their OpenAPI fragment, the public scan pages and the
// hall's traceability page, the scan batcher that records public scans on
// chain, the `dengta trace` commands, the w2 benchmark workload, the
// module's roles in the demo consortium and its generator of random
// actions.
package traceplug

import (
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// Module returns the traceability module's plug.
func Module() plug.Module {
	n := newNode()
	return plug.Module{
		Core:      trace.Module{},
		Roles:     traceapi.Roles,
		Gen:       newGen,
		API:       n.apiModule(),
		Pages:     n.pagesModule(),
		CLI:       commands(),
		Services:  n.services,
		Workloads: workloads(),
		Demo: plug.Demo{Roles: map[string][]role.Role{
			"market": {traceapi.Retailer}, "alliance": {traceapi.Alliance},
		}, Seed: seedDemo},
	}
}
