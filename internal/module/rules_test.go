package module_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// TestRules: a module's rule set as InitRules records it and RulesOf reads
// it back; a value no release wrote is an error, not a rule set.
func TestRules(t *testing.T) {
	key := []byte("m/rules")
	for _, c := range []struct {
		genesis string
		want    int
	}{{`null`, 3}, {`{}`, 3}, {`{"rules":1}`, 1}, {`{"rules":2}`, 2}, {`{"rules":3}`, 3}} {
		kv := testchain.MemKV{}
		if err := module.InitRules(&module.Context{Store: kv}, []byte(c.genesis), key, 3); err != nil {
			t.Fatalf("%s: %v", c.genesis, err)
		}
		if got, err := module.RulesOf(kv, key, 3); err != nil || got != c.want {
			t.Errorf("%s: rule set %d (%v), want %d", c.genesis, got, err, c.want)
		}
	}
	for _, bad := range []string{`{"rules":4}`, `{"rules":-1}`, `{"rule":2}`, `[]`, `{"rules":"2"}`, `{"rules":2} {}`} {
		kv := testchain.MemKV{}
		if err := module.InitRules(&module.Context{Store: kv}, []byte(bad), key, 3); err == nil || len(kv) != 0 {
			t.Errorf("%s: %v, wrote %v", bad, err, kv)
		}
	}
	for _, v := range []string{"1", "4", "02", "2 ", "x", "-2"} {
		if got, err := module.RulesOf(testchain.MemKV{string(key): []byte(v)}, key, 3); err == nil {
			t.Errorf("rules key %q read as rule set %d", v, got)
		}
	}
}
