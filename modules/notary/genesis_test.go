package notary_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// TestNotaryGenesis: a new chain takes key layout 3 (ADR 0028); a genesis
// may ask for 1, 2 or 3, and any other section is refused and writes
// nothing.
func TestNotaryGenesis(t *testing.T) {
	testchain.CheckGenesis(t, notary.Module{}, "notary/layout", map[string]string{
		`null`: "3", `{}`: "3", `{"key_layout":3}`: "3", `{"key_layout":2}`: "2", `{"key_layout":1}`: "",
		`{"key_layout":4}`: "error", `{"key_layout":-1}`: "error", `{"layout":3}`: "error", `[]`: "error", `{"key_layout":"3"}`: "error",
	})
}
