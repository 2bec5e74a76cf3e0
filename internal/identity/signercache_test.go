package identity

import (
	"crypto/rand"
	"encoding/json"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

type memReader map[string][]byte

func (m memReader) Get(k []byte) ([]byte, error) { return m[string(k)], nil }

// TestLookupSignerDecodeMemo: LookupSigner decodes each distinct record
// once, yet answers what the bytes it reads say, and hands out copies.
func TestLookupSignerDecodeMemo(t *testing.T) {
	priv, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kv := memReader{}
	put := func(key []byte, v any) {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		kv[string(key)] = b
	}
	k := Key{ID: priv.ID(), Org: "coop", PublicKey: priv.Public(), Admin: true, Active: true, Registered: 1}
	org := Org{ID: "coop", Name: "合作社", USCC: "x", Roles: []role.Role{role.Producer}, Active: true, Joined: 1}
	put(keyKey(k.ID), k)
	put(orgKey(org.ID), org)

	for range 2 {
		s, key, err := LookupSigner(kv, k.ID)
		if err != nil || s.Org != "coop" || !s.Admin || len(s.Roles) != 1 || s.Roles[0] != role.Producer || !key.PublicKey.Equal(k.PublicKey) {
			t.Fatalf("LookupSigner = %+v, %+v, %v", s, key, err)
		}
		// The caller's copies: changing them changes nothing remembered.
		s.Roles[0] = role.Bank
		key.Org, key.Active = "other", false
	}

	// New bytes under the same key are decoded anew.
	k.Active, k.Deactivated = false, 5
	put(keyKey(k.ID), k)
	if _, _, err := LookupSigner(kv, k.ID); errcode.Of(err) != errcode.KeyInactive {
		t.Fatalf("deactivated key: %v", err)
	}
	k.Active = true
	put(keyKey(k.ID), k)
	org.Active, org.Removed = false, 9
	put(orgKey(org.ID), org)
	if _, _, err := LookupSigner(kv, k.ID); errcode.Of(err) != errcode.KeyInactive {
		t.Fatalf("removed organisation: %v", err)
	}

	// Records that do not decode fail as module.GetJSON fails, every time.
	kv[string(orgKey(org.ID))] = []byte(`{"roles":7}`)
	for range 2 {
		_, _, err := LookupSigner(kv, k.ID)
		if err == nil || err.Error() != `decode "identity/org/coop": json: cannot unmarshal number into Go struct field Org.roles of type []role.Role` {
			t.Fatalf("undecodable organisation: %v", err)
		}
	}
	delete(kv, string(orgKey(org.ID)))
	if _, _, err := LookupSigner(kv, k.ID); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("missing organisation: %v", err)
	}
	delete(kv, string(keyKey(k.ID)))
	if _, _, err := LookupSigner(kv, k.ID); errcode.Of(err) != errcode.UnknownSigner {
		t.Fatalf("missing key: %v", err)
	}
}
