package app_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// rule says who may take an action: organisations holding one of roles
// (any active organisation when roles is nil), and only with an admin key
// when admin is set, or only with a node operator key when operator is set.
type rule struct {
	roles    []role.Role
	admin    bool
	operator bool
}

// rules is the identity module's authorization table, written out by hand
// from the design; each scenario module keeps its own table in its folder,
// and the registry's matrix test (modules) checks that the
// application enforces every module's declared roles.
var rules = map[string]rule{
	"identity/register_key":   {admin: true},
	"identity/deactivate_key": {admin: true},
	"identity/rotate_key":     {admin: true},
	"identity/propose":        {admin: true},
	"identity/vote":           {admin: true},
	"identity/apply":          {operator: true},
}

func TestActionsMatchRules(t *testing.T) {
	c := testchain.New(t, testchain.Options{Modules: []module.Module{}})
	seen := map[string]bool{}
	for _, a := range c.App.Actions() {
		name := a.Module + "/" + a.Action
		seen[name] = true
		r, ok := rules[name]
		if !ok {
			t.Errorf("action %s is not in the authorization table", name)
			continue
		}
		got := slices.Clone(a.Roles)
		slices.Sort(got)
		want := slices.Clone(r.roles)
		slices.Sort(want)
		if !slices.Equal(got, want) || a.AdminOnly != r.admin || a.OperatorOnly != r.operator {
			t.Errorf("action %s declares roles %v admin=%v operator=%v, the table says %v admin=%v operator=%v", name, a.Roles, a.AdminOnly, a.OperatorOnly, r.roles, r.admin, r.operator)
		}
	}
	for name := range rules {
		if !seen[name] {
			t.Errorf("table lists %s, which the application does not route", name)
		}
	}
}

// TestAuthorizationMatrix tries every action with an organisation of every
// role, with an admin key and with a member key. Only the combinations the
// table allows may get past the role check; the others must be refused
// with errcode.Unauthorized.
func TestAuthorizationMatrix(t *testing.T) {
	var orgs []testchain.Org
	for i, r := range role.MustSet().All() {
		orgs = append(orgs, testchain.Org{ID: fmt.Sprintf("org-%d", i), Roles: []role.Role{r}, Validator: i == 0})
	}
	c := testchain.New(t, testchain.Options{Orgs: orgs, Modules: []module.Module{}, Roles: role.MustSet()})
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

	checked := 0
	for _, a := range c.App.Actions() {
		name := a.Module + "/" + a.Action
		r := rules[name]
		for _, o := range orgs {
			for _, admin := range []bool{true, false} {
				key := members[o.ID]
				if admin {
					key = c.Members[o.ID].Admin
				}
				roleOK := r.roles == nil || slices.Contains(r.roles, o.Roles[0])
				// Neither key here is an operator key.
				allowed := roleOK && (admin || !r.admin) && !r.operator
				n, err := c.App.NextNonce(key.ID())
				if err != nil {
					t.Fatal(err)
				}
				raw := c.SignNonce(key, n, a.Module, a.Action, []byte(`{}`))
				got := errcode.Code(c.Check(raw).Code)
				if allowed && got == errcode.Unauthorized {
					t.Errorf("%s by %s (admin=%v): refused as unauthorized, the table allows it", name, o.Roles[0], admin)
				}
				if !allowed && got != errcode.Unauthorized {
					t.Errorf("%s by %s (admin=%v): code %s, want unauthorized", name, o.Roles[0], admin, got)
				}
				checked++
			}
		}
	}
	if want := len(rules) * len(orgs) * 2; checked != want {
		t.Fatalf("checked %d combinations, want %d", checked, want)
	}
}
