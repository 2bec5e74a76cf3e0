package plug

import (
	"math/rand/v2"
	"time"

	"github.com/dengta-chain/dengta/internal/role"
)

// Gen generates random actions of one module for the determinism tests:
// valid ones, which move the module's state along, and invalid ones, which
// every node must refuse with the same code. Two independent applications
// execute the same blocks of generated actions and must agree on every
// result and app hash.
type Gen interface {
	// Next returns a random action given the consortium and the last
	// block's time.
	Next(r *rand.Rand, w *World) Action
	// Observe tells the generator how an action it made ended: its result
	// code and, on success, its result (for example the id assigned to a
	// new record, which later actions can refer to).
	Observe(a Action, code uint32, result []byte)
}

// World is what a generator knows of the chain.
type World struct {
	// ChainID is the chain's id, which signatures made by the generator
	// (a patient's, a device's) are bound to.
	ChainID string
	Orgs    []WorldOrg
	// Time is the time of the block being filled.
	Time time.Time
}

// WorldOrg is an organisation of the generated chain.
type WorldOrg struct {
	ID    string
	Roles []role.Role
}

// With returns the ids of the organisations holding any of roles.
func (w *World) With(roles ...role.Role) []string {
	var out []string
	for _, o := range w.Orgs {
		if role.Any(o.Roles, roles) {
			out = append(out, o.ID)
		}
	}
	return out
}

// Action is one generated action: who signs it, the action's name in the
// module and its body. A body that is a Go value (the wire struct) is
// encoded as the SDK encodes it, and the tests also check it against the
// action's published schema; a []byte body is sent as it is (to make
// malformed input).
type Action struct {
	Org    string
	Action string
	Body   any
	// Valid is the generator's expectation; the harness only counts it.
	Valid bool
	// Tag is the generator's own note, given back in Observe.
	Tag string
	// Operator signs the action with the organisation's node operator key
	// rather than its admin key (for actions only operator keys sign).
	Operator bool
}
