package trace

import (
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Genesis = Module{}

// The rule sets of the trace module, fixed by a chain's genesis (the key
// trace/rules, keys.go). A chain keeps the rules it was created with, so
// that its blocks decide the same on every release.
const (
	// rules1: the rules of chains created by earlier releases (no
	// trace/rules key): the event index trace/evidx is state.
	rules1 = 1
	// rules2: the event index is the node's local index (ADR 0028), and
	// each event record keeps the ids it is indexed under, from which a
	// node restored from a snapshot rebuilds the index.
	rules2 = 2
	// rules3: rule set 2, and an item or quantity is not brought into a
	// lot at an event time before the lot's production date (produced_on),
	// which the public pages would then show after it.
	rules3 = 3
	// newestRules is the rule set of a new chain.
	newestRules = rules3
)

// Genesis is the trace section of a chain's genesis: its rule set, 3
// (the default), 2 or 1, the rules of chains created by earlier releases
// (for tests that check them). Without one the chain runs the newest.
type Genesis = module.RulesGenesis

// InitGenesis implements module.Genesis: it records the chain's rule set.
func (Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	if err := module.InitRules(ctx, raw, rulesKey, newestRules); err != nil {
		return fmt.Errorf("trace genesis: %w", err)
	}
	return nil
}

// rulesOf returns the chain's trace rule set.
func rulesOf(r module.Getter) (int, error) {
	n, err := module.RulesOf(r, rulesKey, newestRules)
	if err != nil {
		return 0, fmt.Errorf("trace: %w", err)
	}
	return n, nil
}

// storedEvent is an event as rule set 2 records it: with the ids it is
// indexed under (Touched), which a container's move or unpacking does not
// name and a rebuild of the index cannot work out from the state after
// it. Rule set 1 records the Event alone, the same bytes as a storedEvent
// without Touched. Readers decode the Event and ignore the rest.
type storedEvent struct {
	Event
	Touched []string `json:"touched,omitempty"`
}

var _ module.Indexer = Module{}

// Reindex implements module.Indexer: on a rule-set-2 (or later) chain, the event
// index (trace/evidx…, ADR 0028) from the ids every event record keeps.
func (Module) Reindex(r module.Reader, put func(key, value []byte) error) error {
	rules, err := rulesOf(r)
	if err != nil || rules < rules2 {
		return err
	}
	return module.WalkJSON(r, []byte(eventPrefix), func(_ []byte, e *storedEvent) error {
		for _, id := range e.Touched {
			if err := put(evIdxKey(id, e.ID), present); err != nil {
				return err
			}
		}
		return nil
	})
}
