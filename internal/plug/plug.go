// Package plug is the contract between a scenario module and the node that
// runs it. A module is one folder, modules/<name>/, whose adapter
// package returns a Module: its state machine, the roles it declares, its
// API endpoints with their OpenAPI fragment, its hall and public pages, its
// CLI commands, its benchmark workloads, its demo data, the services it
// runs inside the node and a generator of random actions for the
// determinism tests. The node, the gateway, the pages, the CLI and the
// bench take all of it from one Registry, built in modules by one
// line per module; nothing registers itself through init.
package plug

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/tx"
)

// Module is everything a scenario module brings. Only Core is required.
type Module struct {
	// Core is the state machine; its name is the module's name.
	Core module.Module
	// Roles are the roles the module declares (the common roles of
	// package role need no declaring).
	Roles []role.Spec
	// API are the module's endpoints and their OpenAPI fragment.
	API *httpapi.Module
	// Pages are the module's hall and public pages.
	Pages *pages.Module
	// CLI are the module's commands ("dengta notary ...").
	CLI []cli.Command
	// Workloads are the module's benchmark workloads (dengta bench
	// --workload).
	Workloads []workload.Def
	// Demo is what the module adds to the dev chain's demo consortium.
	Demo Demo
	// Services start what the module runs inside a node (a batcher, say).
	// They run until their context ends, after which they finish what
	// they hold.
	Services func(n *Node) ([]Service, error)
	// Gen returns a generator of random actions for the determinism tests.
	Gen func() Gen
}

// Name returns the module's name.
func (m Module) Name() string { return m.Core.Name() }

// Demo is a module's part of the dev chain's demo consortium.
type Demo struct {
	// Roles gives demo organisations (by id: regulator, coop, logistics,
	// market, foodgroup, bank, court, alliance, notary, foundation,
	// charity, school) the module's roles.
	Roles map[string][]role.Role
	// Seed, when set, records the module's demo story on a new dev chain.
	Seed func(ctx context.Context, d *DemoEnv) error
}

// DemoEnv is the running dev chain a demo seed writes to.
type DemoEnv struct {
	// Client is the dev node's API.
	Client *client.Client
	// Admin returns the admin key of a demo organisation.
	Admin func(org string) (*client.Key, error)
	// PublicURL is the node's public base URL.
	PublicURL string
	Logger    *slog.Logger
}

// Node is what a module's services get of the node they run in.
type Node struct {
	ChainID string
	// Org is the organisation running the node.
	Org string
	// OperatorKey is the node operator's signing key; nil when the node
	// has none.
	OperatorKey *tx.PrivateKey
	// HostedKeys are member keys of the organisations the node hosts
	// (settings hosted_keys): members without a node of their own. A
	// service acting for such an organisation signs with its key.
	HostedKeys []*tx.PrivateKey
	// Blobs is the node's store of off-chain files; nil when the node
	// keeps none.
	Blobs *blob.Store
	// DataDir is where modules' services keep their own off-chain files:
	// each in DataDir/<module name>, created by the service.
	DataDir string
	// NextNonce returns a key's next nonce, counting the mempool.
	NextNonce func(tx.KeyID) (uint64, error)
	// Broadcast hands a signed transaction to the mempool and returns
	// CheckTx's code and log.
	Broadcast func(ctx context.Context, raw []byte) (code uint32, log string, err error)
	// WaitTx waits until the transaction with this hash is committed or
	// ctx ends.
	WaitTx func(ctx context.Context, hash [32]byte)
	// Submit hands a signed transaction to the mempool and waits until it
	// is committed or ctx ends: the committed outcome, or the mempool's
	// refusal (a code and no height).
	Submit func(ctx context.Context, raw []byte) (*Outcome, error)
	// View opens the committed state at height (0: the latest).
	View   func(height int64) (*state.View, error)
	Logger *slog.Logger
	Now    func() time.Time
}

// Outcome is what became of a submitted transaction.
type Outcome struct {
	// Height is the block that committed it; 0 when the mempool refused it.
	Height int64
	Code   uint32
	Log    string
	// Result is what the action answered (module-defined JSON).
	Result []byte
}

// Service is something a module runs inside the node.
type Service interface {
	Run(ctx context.Context)
}

// ServiceFunc is a Service from a function.
type ServiceFunc func(ctx context.Context)

// Run implements Service.
func (f ServiceFunc) Run(ctx context.Context) { f(ctx) }

// Registry is the modules a node runs, in order.
type Registry struct {
	mods  []Module
	roles *role.Set
}

// NewRegistry checks the modules and returns their registry. A module
// registered twice, a role declared twice, two commands or workloads of the
// same name, or a demo role a module does not know panic: they are mistakes
// in the one registration list, found by every test.
func NewRegistry(mods ...Module) *Registry {
	r := &Registry{mods: mods}
	var specs []role.Spec
	names := map[string]bool{}
	cmds := map[string]string{}
	works := map[string]string{}
	for _, m := range mods {
		if m.Core == nil {
			panic("plug: a module without a state machine")
		}
		n := m.Name()
		if names[n] {
			panic(fmt.Sprintf("plug: module %s registered twice", n))
		}
		names[n] = true
		specs = append(specs, m.Roles...)
		for _, c := range m.CLI {
			if prev, dup := cmds[c.Name]; dup {
				panic(fmt.Sprintf("plug: command %q of %s is also %s's", c.Name, n, prev))
			}
			cmds[c.Name] = n
		}
		for _, w := range m.Workloads {
			if prev, dup := works[w.Name]; dup {
				panic(fmt.Sprintf("plug: workload %q of %s is also %s's", w.Name, n, prev))
			}
			works[w.Name] = n
		}
	}
	set, err := role.NewSet(specs...)
	if err != nil {
		panic("plug: " + err.Error())
	}
	r.roles = set
	for _, m := range mods {
		for org, rs := range m.Demo.Roles {
			for _, x := range rs {
				if !set.Valid(x) {
					panic(fmt.Sprintf("plug: %s gives demo organisation %s the unknown role %q", m.Name(), org, x))
				}
			}
		}
	}
	return r
}

// Modules returns the registered modules in order.
func (r *Registry) Modules() []Module { return slices.Clone(r.mods) }

// Core returns the state machines, in order.
func (r *Registry) Core() []module.Module {
	out := make([]module.Module, len(r.mods))
	for i, m := range r.mods {
		out[i] = m.Core
	}
	return out
}

// Roles returns the chain's role set: the common roles and every module's.
func (r *Registry) Roles() *role.Set { return r.roles }

// DemoRoles returns the roles the modules give a demo organisation.
func (r *Registry) DemoRoles(org string) []role.Role {
	var out []role.Role
	for _, m := range r.mods {
		out = append(out, m.Demo.Roles[org]...)
	}
	return out
}

// Commands returns every module's commands, in registration order.
func (r *Registry) Commands() []cli.Command {
	var out []cli.Command
	for _, m := range r.mods {
		out = append(out, m.CLI...)
	}
	return out
}

// Workloads returns every module's workloads, in registration order.
func (r *Registry) Workloads() []workload.Def {
	var out []workload.Def
	for _, m := range r.mods {
		out = append(out, m.Workloads...)
	}
	return out
}

// SeedDemo records every module's demo story on a new dev chain, in
// registration order; a story that fails does not stop the others.
func (r *Registry) SeedDemo(ctx context.Context, env *DemoEnv) error {
	var errs []error
	for _, m := range r.mods {
		if m.Demo.Seed == nil {
			continue
		}
		if err := m.Demo.Seed(ctx, env); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Name(), err))
		}
	}
	return errors.Join(errs...)
}
