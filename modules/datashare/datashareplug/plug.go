// Package datashareplug plugs the data-sharing module into the node: its
// API endpoints (typed queries; the owner node's audited serving of
// ciphertexts and emergency keys; telemetry ingest with the
// predictive-maintenance model; the relay of patients' signed statements;
// patients' custody; FHIR R5 Consent export), the audit journal and its
// batcher, the hall's pages for hospitals, enterprises, maintainers and
// overseers, the patients' own page, the `dengta datashare` command, the
// SDK (sealing and registering, sharing, fetching and opening, signing
// patients' statements and devices' windows), the benchmark workloads,
// the demo story and the generator of random actions.
package datashareplug

import (
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// Module returns the data-sharing module's plug.
func Module() plug.Module {
	n := &node{}
	return plug.Module{
		Core:      datashare.Module{},
		Roles:     datashareapi.Roles,
		API:       n.apiModule(),
		Pages:     n.pagesModule(),
		CLI:       commands(),
		Workloads: workloads(),
		Services:  n.services,
		Gen:       newGen,
		Demo: plug.Demo{Roles: map[string][]role.Role{
			"hospa":     {datashareapi.Hospital},
			"hospb":     {datashareapi.Hospital, datashareapi.Emergency},
			"machinery": {datashareapi.Enterprise, datashareapi.Maintainer},
			"juicery":   {datashareapi.Enterprise},
		}, Seed: n.seedDemo},
	}
}
