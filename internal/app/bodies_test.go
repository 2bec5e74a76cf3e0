package app_test

import (
	"testing"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
)

type noteBody struct {
	N int `json:"n"`
}

// noteModule has one action with a stateless check; it remembers the
// bodies its check decoded and the one its handler got.
type noteModule struct {
	checked map[int]*noteBody
	handled *noteBody
}

func (*noteModule) Name() string { return "bodytest" }
func (m *noteModule) Actions() []module.Action {
	h := module.Handle(api.Action[noteBody, struct{}]{Module: "bodytest", Name: "note"}, func(_ *module.Context, b *noteBody) error {
		m.handled = b
		return nil
	})
	return []module.Action{module.Stateless(h, func(b *noteBody) error {
		m.checked[b.N] = b
		return nil
	})}
}

// TestBlockTakesTheCheckedBody: the handler of a transaction this node
// admitted gets the very body its mempool check decoded; one the node
// never checked decodes its own.
func TestBlockTakesTheCheckedBody(t *testing.T) {
	m := &noteModule{checked: map[int]*noteBody{}}
	c := testchain.New(t, testchain.Options{Orgs: orgs(), Modules: []module.Module{m}})
	c.Block()
	admin := c.Members["coop"].Admin

	raw := c.Sign(admin, "bodytest", "note", map[string]int{"n": 1})
	if res := c.Check(raw); res.Code != 0 {
		t.Fatalf("check: %s", res.Log)
	}
	if res, _ := c.Block(raw); res[0].Code != 0 {
		t.Fatalf("block: %s", res[0].Log)
	}
	if m.checked[1] == nil || m.handled != m.checked[1] {
		t.Fatalf("the handler got %p, the check decoded %p", m.handled, m.checked[1])
	}

	raw = c.Sign(admin, "bodytest", "note", map[string]int{"n": 2})
	if res, _ := c.Block(raw); res[0].Code != 0 {
		t.Fatalf("block: %s", res[0].Log)
	}
	if m.checked[2] != nil || m.handled == nil || m.handled == m.checked[1] || m.handled.N != 2 {
		t.Fatalf("an unchecked transaction's handler got %+v (checked: %v)", m.handled, m.checked)
	}
}
