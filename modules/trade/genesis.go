package trade

import (
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Genesis = Module{}

// The rule sets of the trade module, fixed by a chain's genesis (the key
// trade/rules, keys.go). A chain keeps the rules it was created with, so
// that its blocks decide the same on every release.
const (
	// rules1: the rules of chains created by earlier releases (no
	// trade/rules key).
	rules1 = 1
	// rules2: a commercial invoice backs one drawing. A presentation is
	// refused while its invoice (by the beneficiary's invoice number, or by
	// the file) is in another presentation that was not returned
	// (ADR 0009, amended).
	rules2 = 2
)

// Genesis is the trade section of a chain's genesis: its rule set, 2
// (the default) or 1, the rules of chains created by earlier releases
// (for tests that check both). Without one the chain runs the newest.
type Genesis = module.RulesGenesis

// InitGenesis implements module.Genesis: it records the chain's rule set.
func (Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	if err := module.InitRules(ctx, raw, rulesKey, rules2); err != nil {
		return fmt.Errorf("trade genesis: %w", err)
	}
	return nil
}

// rulesOf returns the chain's trade rule set.
func rulesOf(r module.Getter) (int, error) {
	n, err := module.RulesOf(r, rulesKey, rules2)
	if err != nil {
		return 0, fmt.Errorf("trade: %w", err)
	}
	return n, nil
}
