package app

import (
	"crypto/rand"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// TestSignerMemo: the check path's signer lookups (the view memo's,
// remembered by key id, and the check cache's, which asks the memo while
// it buffers no identity write) answer what identity.LookupSigner answers
// over the same reader, before and after writes that change the answer,
// and hand out copies.
func TestSignerMemo(t *testing.T) {
	put := func(vals map[string][]byte, key []byte, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		vals[string(key)] = b
	}
	newKey := func() tx.PublicKey {
		k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k.Public()
	}
	pub := newKey()
	id := pub.ID()
	other := newKey().ID()
	org := identity.Org{ID: "org-a", Name: "A", USCC: "x", Roles: []role.Role{role.Supplier}, Active: true}
	key := identity.Key{ID: id, Org: "org-a", PublicKey: pub, Admin: true, Active: true}
	vals := map[string][]byte{}
	put(vals, identity.OrgStateKey("org-a"), org)
	put(vals, identity.KeyStateKey(id), key)
	r := &countingReader{vals: vals, reads: map[string]int{}}
	m := newMemo(r, memoMaxBytes)

	same := func(what string, rd reader, l signerLookup, id tx.KeyID) {
		t.Helper()
		ws, wk, werr := identity.LookupSigner(rd, id)
		gs, gk, gerr := l.lookupSigner(id)
		if errcode.Of(werr) != errcode.Of(gerr) || (werr == nil) != (gerr == nil) {
			t.Fatalf("%s: error %v, want %v", what, gerr, werr)
		}
		if !reflect.DeepEqual(ws, gs) || !reflect.DeepEqual(wk, gk) {
			t.Fatalf("%s: %+v %+v, want %+v %+v", what, gs, gk, ws, wk)
		}
	}
	for range 3 {
		same("memo", m, m, id)
		same("memo, unknown key", m, m, other)
	}
	if n := r.reads[string(identity.KeyStateKey(id))]; n != 1 {
		t.Errorf("key record read %d times from the view, want 1", n)
	}
	if len(m.signers) != 1 {
		t.Errorf("memo remembers %d signers, want 1 (failures are not remembered)", len(m.signers))
	}

	// Copies: changing what one lookup returned changes nothing after.
	s, k, _ := m.lookupSigner(id)
	s.Roles[0] = role.Regulator
	k.Admin = false
	if s, k, _ := m.lookupSigner(id); s.Roles[0] != role.Supplier || !k.Admin {
		t.Fatalf("memo changed through a returned value: %+v %+v", s, k)
	}

	// The next version's memo takes the signers over only when it follows
	// with no signer write between.
	for _, tc := range []struct {
		name          string
		version       int64
		writes        uint64
		wantInherited bool
	}{
		{"next version, no signer write", m.version + 1, m.signerWrites, true},
		{"next version after a signer write", m.version + 1, m.signerWrites + 1, false},
		{"a version further", m.version + 2, m.signerWrites, false},
		{"the same version", m.version, m.signerWrites, false},
	} {
		next := newMemo(r, memoMaxBytes)
		next.version, next.signerWrites = tc.version, tc.writes
		next.inheritSigners(m)
		if got := len(next.signers) == 1; got != tc.wantInherited {
			t.Errorf("%s: inherited %d signers", tc.name, len(next.signers))
		}
	}

	// A check cache over the memo asks it until it buffers an identity
	// write; then it reads through its writes.
	c := newCache(m)
	scratch := newCache(c)
	same("cache", c, c, id)
	if err := c.Set([]byte("notary/x"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if c.signers {
		t.Fatal("a notary write marked the cache's signers")
	}
	off := key
	off.Active, off.Deactivated = false, 9
	b, _ := json.Marshal(off)
	if err := scratch.Set(identity.KeyStateKey(id), b); err != nil {
		t.Fatal(err)
	}
	same("scratch with a deactivation", scratch, scratch, id)
	if _, _, err := scratch.lookupSigner(id); errcode.Of(err) != errcode.KeyInactive {
		t.Fatalf("scratch lookup after deactivating: %v, want key_inactive", err)
	}
	same("cache under the scratch", c, c, id)
	if err := scratch.flush(c); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.lookupSigner(id); errcode.Of(err) != errcode.KeyInactive {
		t.Fatalf("cache lookup after the flush: %v, want key_inactive", err)
	}
	if _, _, err := c.clone().lookupSigner(id); errcode.Of(err) != errcode.KeyInactive {
		t.Fatalf("cloned cache lookup: %v, want key_inactive", err)
	}
	// The memo itself still answers its view.
	same("memo after the cache's writes", m, m, id)

	// Removing the organisation is seen the same way.
	c2 := newCache(m)
	gone := org
	gone.Active, gone.Removed = false, 5
	b, _ = json.Marshal(gone)
	if err := c2.Set(identity.OrgStateKey("org-a"), b); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c2.lookupSigner(id); errcode.Of(err) != errcode.KeyInactive {
		t.Fatalf("lookup after removing the organisation: %v, want key_inactive", err)
	}
	// A flushed cache has nothing buffered and asks its parent again.
	if err := c2.flush(newCache(nil)); err != nil {
		t.Fatal(err)
	}
	if c2.signers {
		t.Fatal("a flushed cache still marks its signers")
	}
}
