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
	// KeyLayout is the evidence key layout (keys.go, ADR 0024): 3, the
	// default, or 2 or 1, the layouts of chains created by earlier
	// releases (for tests that check them).
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
	case 0, layout3:
		return ctx.Store.Set(layoutKey, []byte("3"))
	case layout2:
		return ctx.Store.Set(layoutKey, []byte("2"))
	case layout1:
		return nil // layout 1 is the absence of the key
	}
	return fmt.Errorf("notary genesis: key_layout %d: want 1, 2 or 3", g.KeyLayout)
}
