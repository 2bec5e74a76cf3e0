// Package credentialplug plugs the electronic certificates module into the
// node: its API (the registry, DID documents, anchors, status lists and
// their published credentials, offline evidence, signing with the keys
// the node keeps for its organisations, verification), the hall's pages
// for issuers (issue, revoke, suspend), for relying departments (verify
// against their recognition list, history) and for the registry, the
// public wallet and verifier pages, the `dengta credential` commands, the
// SDK's flows, a benchmark workload, the demo's types, issuers and
// recognition lists, and a generator of random actions.
package credentialplug

import (
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

// Module returns the credential module's plug.
func Module() plug.Module {
	n := newNode()
	return plug.Module{
		Core:      credential.Module{},
		Roles:     credentialapi.Roles,
		API:       n.apiModule(),
		Pages:     n.pagesModule(),
		CLI:       []cli.Command{{Name: "credential", Summary: "electronic certificates: issue, present, verify, revoke, suspend; keys, DID documents, evidence", Run: run}},
		Workloads: workloads(),
		Services:  n.services,
		Demo:      plug.Demo{Seed: seedDemo},
		Gen:       newGen,
	}
}
