package notary_test

import (
	"encoding/json"
	"testing"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// TestNotaryGenesis: a new chain takes key layout 3 (ADR 0028); a genesis
// may ask for 1, 2 or 3, and any other section is refused and writes
// nothing.
func TestNotaryGenesis(t *testing.T) {
	for g, want := range map[string]string{
		`null`: "3", `{}`: "3", `{"key_layout":3}`: "3", `{"key_layout":2}`: "2", `{"key_layout":1}`: "",
		`{"key_layout":4}`: "error", `{"key_layout":-1}`: "error", `{"layout":3}`: "error", `[]`: "error", `{"key_layout":"3"}`: "error",
	} {
		kv := testchain.MemKV{}
		err := (notary.Module{}).InitGenesis(&module.Context{Store: kv}, json.RawMessage(g))
		switch {
		case want == "error" && err == nil:
			t.Errorf("genesis %s accepted", g)
		case want != "error" && (err != nil || string(kv["notary/layout"]) != want):
			t.Errorf("genesis %s: %v, notary/layout %q, want %q", g, err, kv["notary/layout"], want)
		case want == "error" && len(kv) != 0:
			t.Errorf("refused genesis %s wrote %v", g, kv)
		}
	}
}
