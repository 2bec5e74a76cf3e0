package notary

import (
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Genesis = Module{}

// Genesis is the notary section of a chain's genesis. Without one the
// chain uses the newest key layout.
type Genesis struct {
	// KeyLayout is the evidence key layout (keys.go, ADR 0024): 2, the
	// default, or 1, the layout of chains created by earlier releases
	// (for tests that check both).
	KeyLayout int `json:"key_layout,omitempty"`
}

// InitGenesis implements module.Genesis: it records the chain's key
// layout.
func (Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	var g Genesis
	if _, err := module.DecodeGenesis(raw, &g); err != nil {
		return fmt.Errorf("notary genesis: %w", err)
	}
	switch g.KeyLayout {
	case 0, layout2:
		return ctx.Store.Set(layoutKey, []byte("2"))
	case layout1:
		return nil // layout 1 is the absence of the key
	}
	return fmt.Errorf("notary genesis: key_layout %d: want 1 or 2", g.KeyLayout)
}
