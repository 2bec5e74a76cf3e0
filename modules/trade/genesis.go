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

// Genesis is the trade section of a chain's genesis. Without one the
// chain runs the newest rules.
type Genesis struct {
	// Rules is the module's rule set: 2, the default, or 1, the rules of
	// chains created by earlier releases (for tests that check both).
	Rules int `json:"rules,omitempty"`
}

// InitGenesis implements module.Genesis: it records the chain's rule set.
func (Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	var g Genesis
	if _, err := module.DecodeGenesis(raw, &g); err != nil {
		return fmt.Errorf("trade genesis: %w", err)
	}
	switch g.Rules {
	case 0, rules2:
		return ctx.Store.Set(rulesKey, []byte("2"))
	case rules1:
		return nil // rules 1 is the absence of the key
	}
	return fmt.Errorf("trade genesis: rules %d: want 1 or 2", g.Rules)
}

// rulesOf returns the chain's trade rule set.
func rulesOf(r module.Getter) (int, error) {
	v, err := r.Get(rulesKey)
	switch {
	case err != nil:
		return 0, err
	case v == nil:
		return rules1, nil
	case string(v) == "2":
		return rules2, nil
	}
	return 0, fmt.Errorf("trade: unknown rule set %q", v)
}
