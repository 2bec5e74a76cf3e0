package modules_test

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// TestAuthorizationMatrix tries every action of every registered module
// with an organisation of every role of the registry's role set, with an
// admin key and with a member key. Only the combinations the action
// declares may get past the role check; the others must be refused with
// errcode.Unauthorized before the module sees them. Each organisation
// tries with its admin key, a member key and its node operator key. A new module is covered
// by its registration line alone. (Each module checks its declarations
// against its own hand-written table in its folder.)
func TestAuthorizationMatrix(t *testing.T) {
	reg := modules.Registry()
	var orgs []testchain.Org
	for i, r := range reg.Roles().All() {
		orgs = append(orgs, testchain.Org{ID: fmt.Sprintf("org-%d", i), Roles: []role.Role{r}, Validator: i == 0, Operator: true})
	}
	c := testchain.New(t, testchain.Options{Registry: reg, Orgs: orgs})
	rnd := testchain.NewSeededRand(42)
	members := map[string]*tx.PrivateKey{}
	var regs [][]byte
	for _, o := range orgs {
		k := testchain.NewKey(t, tx.AlgoEd25519, rnd)
		members[o.ID] = k
		regs = append(regs, c.Sign(c.Members[o.ID].Admin, "identity", "register_key", map[string]any{"public_key": k.Public()}))
	}
	res, _ := c.Block(regs...)
	for i, r := range res {
		if r.Code != 0 {
			t.Fatalf("register member key %d: %s", i, r.Log)
		}
	}
	checked, actions := 0, 0
	for _, a := range c.App.Actions() {
		actions++
		name := a.Module + "/" + a.Action
		for _, o := range orgs {
			for _, kind := range []string{"admin", "member", "operator"} {
				key := map[string]*tx.PrivateKey{"admin": c.Members[o.ID].Admin, "member": members[o.ID], "operator": c.Members[o.ID].Operator}[kind]
				admin, operator := kind == "admin", kind == "operator"
				allowed := (len(a.Roles) == 0 || role.Any(o.Roles, a.Roles)) && (admin || !a.AdminOnly) && (operator || !a.OperatorOnly)
				n, err := c.App.NextNonce(key.ID())
				if err != nil {
					t.Fatal(err)
				}
				got := errcode.Code(c.Check(c.SignNonce(key, n, a.Module, a.Action, []byte(`{}`))).Code)
				if allowed && got == errcode.Unauthorized {
					t.Errorf("%s by %s (%s key): refused as unauthorized, the action allows it", name, o.Roles[0], kind)
				}
				if !allowed && got != errcode.Unauthorized {
					t.Errorf("%s by %s (%s key): code %s, want unauthorized", name, o.Roles[0], kind, got)
				}
				checked++
			}
		}
	}
	var want int
	for _, m := range reg.Modules() {
		want += len(m.Core.Actions())
	}
	if actions < want+5 { // identity's five besides the modules'
		t.Fatalf("the app routes %d actions, the registry declares %d besides identity's", actions, want)
	}
	if checked != actions*len(orgs)*3 {
		t.Fatalf("checked %d combinations, want %d", checked, actions*len(orgs)*3)
	}
}
