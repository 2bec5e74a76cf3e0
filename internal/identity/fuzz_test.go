package identity_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// memKV is a state for handlers alone.
type memKV map[string][]byte

func (m memKV) Get(k []byte) ([]byte, error) { return m[string(k)], nil }
func (m memKV) Set(k, v []byte) error        { m[string(k)] = slices.Clone(v); return nil }
func (m memKV) Delete(k []byte) error        { delete(m, string(k)); return nil }

// FuzzActions sends any body to every identity action, as an admin of a
// member of a four-validator consortium: whatever it is, the action
// either succeeds or refuses with a coded error that says why, and a
// refusal writes nothing.
func FuzzActions(f *testing.F) {
	spec, _ := newOrgSpec(f, "market")
	k := testchain.NewKey(f, tx.AlgoEd25519, testchain.NewSeededRand(5))
	for _, b := range []any{
		map[string]any{"public_key": k.Public(), "admin": false, "name": "clerk"},
		map[string]any{"key_id": k.ID()},
		map[string]any{"key_id": k.ID(), "public_key": k.Public()},
		map[string]any{"kind": "add_org", "org": spec, "reason": "a new member"},
		map[string]any{"kind": "remove_org", "org_id": "court"},
		map[string]any{"kind": "set_roles", "org_id": "coop", "roles": []string{"producer", "supplier"}},
		map[string]any{"kind": "set_validator", "org_id": "coop", "validator": map[string]any{"power": 4}},
		map[string]any{"kind": "set_validator", "org_id": "court", "validator": validatorSpec("court", 44, 3)},
		map[string]any{"proposal_id": 1, "approve": true},
		map[string]any{"kind": "admit", "application": "SQ0123456789", "roles": []string{"producer"}},
		map[string]any{"kind": "upgrade", "upgrade": map[string]any{"name": "v1.4.0", "version": 2, "height": 5000, "info": "https://example.org"}, "reason": "r"},
		map[string]any{"kind": "upgrade", "upgrade": map[string]any{"name": "v1.4.0", "version": 2, "height": 9223372036854775807}},
		map[string]any{"kind": "cancel_upgrade", "upgrade": map[string]any{"name": "v1.4.0"}},
	} {
		raw, _ := json.Marshal(b)
		f.Add(raw)
	}
	apply, _ := application(f, 3, "pearcoop", validUSCC(f, "91340000MA2T00001"))
	raw, _ := json.Marshal(apply)
	f.Add(raw)
	f.Add([]byte(`{"kind":"add_org","org":{"id":"x"}}`))
	f.Add([]byte(`{"proposal_id":18446744073709551615,"approve":false}`))
	g, members, _, err := testchain.GenesisFor(fourOrgs(), testchain.NewSeededRand(1))
	if err != nil {
		f.Fatal(err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(g, &sections); err != nil {
		f.Fatal(err)
	}
	m := identity.Module{}
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	genesis := memKV{}
	if err := m.InitGenesis(&module.Context{ChainID: testchain.ChainID, Height: 1, Time: t0, Store: genesis}, sections[identity.Name]); err != nil {
		f.Fatal(err)
	}
	admin := members["coop"].Admin
	signer, _, err := identity.LookupSigner(genesis, admin.ID())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, a := range m.Actions() {
			kv := maps.Clone(genesis)
			ctx := &module.Context{ChainID: testchain.ChainID, Height: 2, Time: t0.Add(time.Second), Signer: signer, Store: kv}
			err := a.Handle(ctx, body)
			if err == nil {
				continue
			}
			var e *errcode.Error
			if !errors.As(err, &e) || e.Code == errcode.Internal || e.Msg == "" {
				t.Fatalf("%s: uncoded refusal %v", a.Name, err)
			}
			if !maps.EqualFunc(genesis, kv, slices.Equal) {
				t.Fatalf("%s: a refusal wrote", a.Name)
			}
			if len(ctx.ValidatorUpdates()) != 0 {
				t.Fatalf("%s: a refusal asked consensus for validator updates", a.Name)
			}
		}
	})
}
