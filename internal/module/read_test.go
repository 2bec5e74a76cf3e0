package module_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// OrgKey spells identity's key, and OrgView reads identity's record.
func TestOrgReadsIdentity(t *testing.T) {
	if got, want := module.OrgKey("coop"), identity.OrgStateKey("coop"); !bytes.Equal(got, want) {
		t.Fatalf("OrgKey = %s, identity's key is %s", got, want)
	}
	rec := identity.Org{ID: "coop", Name: "合作社", NameEN: "Coop", USCC: "x", Roles: []role.Role{role.Producer}, Active: true, Joined: 1}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	kv := memKV{string(module.OrgKey("coop")): b, string(module.OrgKey("gone")): []byte(`{"id":"gone","active":false}`)}
	o, ok, err := module.Org(kv, "coop")
	if err != nil || !ok || o.ID != "coop" || o.Name != rec.Name || o.NameEN != rec.NameEN || !slices.Equal(o.Roles, rec.Roles) || !o.Active {
		t.Fatalf("Org = %+v %v %v", o, ok, err)
	}
	if o, ok, err := module.Org(kv, "none"); o != nil || ok || err != nil {
		t.Fatalf("Org of an unknown id = %+v %v %v", o, ok, err)
	}
	for id, want := range map[string]errcode.Code{"coop": errcode.OK, "none": errcode.NotFound, "gone": errcode.RuleViolation} {
		if _, err := module.ActiveOrg(kv, "to", id); errcode.Of(err) != want {
			t.Errorf("ActiveOrg(%s) = %v, want %s", id, err, want)
		}
	}
}

// The view reads an organisation of a real genesis (identity stores its
// roles sorted).
func TestOrgOnChain(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: []testchain.Org{{ID: "org-a", Roles: []role.Role{role.Regulator, role.Bank}, Validator: true}}})
	c.Block() // genesis state is committed with the first block
	o, err := module.ActiveOrg(c.View(), "org", "org-a")
	if err != nil || o.ID != "org-a" || !slices.Equal(o.Roles, []role.Role{role.Bank, role.Regulator}) || o.Name == "" {
		t.Fatalf("ActiveOrg = %+v, %v", o, err)
	}
}

func TestListAndRecords(t *testing.T) {
	c := testchain.New(t, testchain.Options{})
	c.Block()
	// identity/orgkey/<org>/<key id> is an index with one entry.
	ids, err := module.List(c.View(), identity.OrgKeysPrefix("org-a"))
	if err != nil || len(ids) != 1 || ids[0] != c.Members["org-a"].Admin.ID().String() {
		t.Fatalf("List = %v, %v", ids, err)
	}
	var orgs []string
	if err := module.EachJSON(c.View(), identity.OrgPrefix(), func(_ []byte, o *module.OrgView) { orgs = append(orgs, o.ID) }); err != nil || !slices.Equal(orgs, []string{"org-a"}) {
		t.Fatalf("EachJSON = %v, %v", orgs, err)
	}
	// WalkJSON stops at its fn's first error and returns it.
	stop := errors.New("stop")
	calls := 0
	if err := module.WalkJSON(c.View(), []byte("identity/"), func(_ []byte, _ *json.RawMessage) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("WalkJSON with a failing fn: %v after %d calls", err, calls)
	}
	var o module.OrgView
	if err := module.GetRecord(c.View(), module.OrgKey("org-b"), &o, "no organisation %q", "org-b"); errcode.Of(err) != errcode.NotFound || errcode.Message(err) != `no organisation "org-b"` {
		t.Fatalf("GetRecord of a missing key: %v", err)
	}
	if err := module.GetRecord(c.View(), module.OrgKey("org-a"), &o, "no organisation"); err != nil || o.ID != "org-a" {
		t.Fatalf("GetRecord = %+v, %v", o, err)
	}
}

type memKV map[string][]byte

func (m memKV) Get(k []byte) ([]byte, error) { return m[string(k)], nil }
