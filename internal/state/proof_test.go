package state

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
)

// proofStore builds a committed store with keys that give proofs of several
// shapes: long shared prefixes, keys that prefix other keys, small (embedded)
// and large values.
func proofStore(t testing.TB) (*Store, map[string]string) {
	t.Helper()
	s := openT(t, "")
	m := map[string]string{}
	put := func(k, v string) { mustSet(t, s, k, v); m[k] = v }
	for i := 0; i < 200; i++ {
		put(fmt.Sprintf("acct/%04d", i), fmt.Sprintf(`{"balance":%d,"pad":"%s"}`, i*7, bytes.Repeat([]byte{'p'}, i%50)))
	}
	put("a", "1")       // prefix of everything under "acct/"
	put("ab", "2")      // tiny value: embedded nodes
	put("zzz", "3")     // lonely branch
	put("zzz/sub", "4") // value at a branch node
	put(string(bytes.Repeat([]byte{0xff}, 40)), "max")
	mustCommit(t, s)
	return s, m
}

func proofKeys() (present, absent []string) {
	present = []string{"acct/0000", "acct/0123", "acct/0199", "a", "ab", "zzz", "zzz/sub", string(bytes.Repeat([]byte{0xff}, 40))}
	absent = []string{"acct/0200", "acct/01234", "acct/", "ac", "b", "zz", "zzz/", "zzz/sub/x", "\x00", string(bytes.Repeat([]byte{0xff}, 39))}
	return
}

func TestProofPresenceAndAbsence(t *testing.T) {
	s, m := proofStore(t)
	view := mustAt(t, s, 0)
	present, absent := proofKeys()
	for _, k := range append(present, absent...) {
		p, err := view.Prove([]byte(k))
		if err != nil {
			t.Fatalf("Prove(%q): %v", k, err)
		}
		want, ok := m[k]
		if ok != (p.Value != nil) || string(p.Value) != want {
			t.Fatalf("Prove(%q).Value = %q, want %q", k, p.Value, want)
		}
		if len(p.Nodes) == 0 {
			t.Fatalf("Prove(%q): no nodes", k)
		}
		got, err := VerifyProof(view.Root(), p)
		if err != nil {
			t.Fatalf("VerifyProof(%q): %v", k, err)
		}
		if ok != (got != nil) || string(got) != want {
			t.Fatalf("VerifyProof(%q) = %q, want %q", k, got, want)
		}
	}
}

func TestProofEmptyTrie(t *testing.T) {
	s := openT(t, "")
	view := mustAt(t, s, 0)
	if view.Version() != 0 || view.Root() != EmptyRoot {
		t.Fatalf("empty view: %d %s", view.Version(), view.Root())
	}
	p, err := view.Prove([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Nodes == nil || len(p.Nodes) != 0 || p.Value != nil {
		t.Fatalf("empty-trie proof %+v", p)
	}
	if v, err := VerifyProof(EmptyRoot, p); err != nil || v != nil {
		t.Fatalf("VerifyProof(empty) = %q, %v", v, err)
	}
	bad := *p
	bad.Value = []byte("x")
	if _, err := VerifyProof(EmptyRoot, &bad); !errors.Is(err, ErrProofInvalid) {
		t.Fatalf("value in the empty trie: %v", err)
	}
	bad = *p
	bad.Nodes = [][]byte{{0x80}}
	if _, err := VerifyProof(EmptyRoot, &bad); !errors.Is(err, ErrProofInvalid) {
		t.Fatalf("nodes for the empty root: %v", err)
	}
	// An empty node list for a non-empty root proves nothing.
	if _, err := VerifyProof(Hash{1}, p); !errors.Is(err, ErrProofInvalid) {
		t.Fatalf("no nodes for a non-empty root: %v", err)
	}
}

func clone(p *Proof) *Proof {
	q := &Proof{Key: bytes.Clone(p.Key), Value: bytes.Clone(p.Value)}
	for _, n := range p.Nodes {
		q.Nodes = append(q.Nodes, bytes.Clone(n))
	}
	return q
}

func expectInvalid(t *testing.T, what string, root Hash, p *Proof) {
	t.Helper()
	v, err := VerifyProof(root, p)
	if !errors.Is(err, ErrProofInvalid) {
		t.Fatalf("%s: VerifyProof = %q, %v; want ErrProofInvalid", what, v, err)
	}
	if v != nil {
		t.Fatalf("%s: value %q returned with error", what, v)
	}
}

func TestProofTampering(t *testing.T) {
	s, m := proofStore(t)
	view := mustAt(t, s, 0)
	root := view.Root()
	present, absent := proofKeys()

	// Another root: the previous version, which differs in one key.
	mustSet(t, s, "acct/0000", "changed")
	otherRoot := mustCommit(t, s)
	if otherRoot == root {
		t.Fatal("roots did not change")
	}

	for _, k := range append(present, absent...) {
		orig, err := view.Prove([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		_, isPresent := m[k]

		// Flip every bit pattern 0x01 and 0x80 of every byte of every node.
		for i := range orig.Nodes {
			for j := range orig.Nodes[i] {
				for _, mask := range []byte{0x01, 0x80} {
					p := clone(orig)
					p.Nodes[i][j] ^= mask
					expectInvalid(t, fmt.Sprintf("%q node %d byte %d ^%#x", k, i, j, mask), root, p)
				}
			}
			// Truncated and extended node.
			p := clone(orig)
			p.Nodes[i] = p.Nodes[i][:len(p.Nodes[i])-1]
			expectInvalid(t, fmt.Sprintf("%q node %d truncated", k, i), root, p)
			p = clone(orig)
			p.Nodes[i] = append(p.Nodes[i], 0)
			expectInvalid(t, fmt.Sprintf("%q node %d extended", k, i), root, p)
			// Dropped node.
			p = clone(orig)
			p.Nodes = append(p.Nodes[:i], p.Nodes[i+1:]...)
			expectInvalid(t, fmt.Sprintf("%q node %d dropped", k, i), root, p)
			// Duplicated node (extra, inconsistent with the path).
			p = clone(orig)
			p.Nodes = append(p.Nodes[:i+1], p.Nodes[i:]...)
			expectInvalid(t, fmt.Sprintf("%q node %d duplicated", k, i), root, p)
		}
		// Extra nodes at the end: a real node from another proof, and junk.
		other, _ := view.Prove([]byte("acct/0042"))
		for _, extra := range [][]byte{other.Nodes[len(other.Nodes)-1], {0xc0}, {}} {
			p := clone(orig)
			p.Nodes = append(p.Nodes, extra)
			expectInvalid(t, fmt.Sprintf("%q extra node %x", k, extra), root, p)
		}
		// Swapped nodes.
		if len(orig.Nodes) > 1 {
			p := clone(orig)
			p.Nodes[0], p.Nodes[1] = p.Nodes[1], p.Nodes[0]
			expectInvalid(t, fmt.Sprintf("%q swapped", k), root, p)
		}
		// Another root.
		expectInvalid(t, fmt.Sprintf("%q other root", k), otherRoot, clone(orig))
		expectInvalid(t, fmt.Sprintf("%q zero root", k), Hash{}, clone(orig))
		expectInvalid(t, fmt.Sprintf("%q empty root", k), EmptyRoot, clone(orig))

		if isPresent {
			// Changed value: altered, extended, removed (claims absence).
			p := clone(orig)
			p.Value[0] ^= 1
			expectInvalid(t, fmt.Sprintf("%q value altered", k), root, p)
			p = clone(orig)
			p.Value = append(p.Value, 'x')
			expectInvalid(t, fmt.Sprintf("%q value extended", k), root, p)
			p = clone(orig)
			p.Value = nil
			expectInvalid(t, fmt.Sprintf("%q value removed", k), root, p)
			// Changed key: every byte, plus longer and shorter keys.
			for j := range orig.Key {
				p := clone(orig)
				p.Key[j] ^= 1
				expectInvalid(t, fmt.Sprintf("%q key byte %d", k, j), root, p)
			}
			p = clone(orig)
			p.Key = append(p.Key, 'x')
			expectInvalid(t, fmt.Sprintf("%q key extended", k), root, p)
			if len(orig.Key) > 1 {
				p = clone(orig)
				p.Key = p.Key[:len(p.Key)-1]
				expectInvalid(t, fmt.Sprintf("%q key shortened", k), root, p)
			}
		} else {
			// An absence proof claiming a value.
			p := clone(orig)
			p.Value = []byte("forged")
			expectInvalid(t, fmt.Sprintf("%q absent with value", k), root, p)
			// An absence proof moved to present keys.
			for _, pk := range present {
				p := clone(orig)
				p.Key = []byte(pk)
				v, err := VerifyProof(root, p)
				if err == nil && v != nil {
					t.Fatalf("absence proof of %q verified value %q for %q", k, v, pk)
				}
				if err == nil {
					t.Fatalf("absence proof of %q verified absence of present key %q", k, pk)
				}
			}
		}
		// Invalid key.
		p := clone(orig)
		p.Key = nil
		expectInvalid(t, fmt.Sprintf("%q nil key", k), root, p)
	}
	expectInvalid(t, "nil proof", root, nil)
}

func TestProofOldVersion(t *testing.T) {
	s, _ := proofStore(t)
	v1 := mustAt(t, s, 1)
	mustSet(t, s, "acct/0001", "v2")
	mustDel(t, s, "ab")
	mustCommit(t, s)
	p1, err := v1.Prove([]byte("acct/0001"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyProof(v1.Root(), p1); err != nil {
		t.Fatalf("old proof against old root: %v", err)
	}
	expectInvalid(t, "old proof against new root", s.Root(), p1)
	p2, err := mustAt(t, s, 2).Prove([]byte("ab"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := VerifyProof(s.Root(), p2); err != nil || v != nil {
		t.Fatalf("absence of deleted key: %q, %v", v, err)
	}
}

func TestProofJSON(t *testing.T) {
	s, _ := proofStore(t)
	view := mustAt(t, s, 0)
	for _, k := range []string{"acct/0007", "nope"} {
		p, err := view.Prove([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		if _, ok := raw["nodes"]; !ok {
			t.Fatalf("no nodes field: %s", b)
		}
		if _, ok := raw["value"]; ok != (p.Value != nil) {
			t.Fatalf("value field presence wrong: %s", b)
		}
		var back Proof
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Key, p.Key) || !bytes.Equal(back.Value, p.Value) || len(back.Nodes) != len(p.Nodes) {
			t.Fatalf("round trip: %+v vs %+v", back, p)
		}
		for i := range p.Nodes {
			if !bytes.Equal(back.Nodes[i], p.Nodes[i]) {
				t.Fatalf("node %d differs after round trip", i)
			}
		}
		if _, err := VerifyProof(view.Root(), &back); err != nil {
			t.Fatalf("decoded proof: %v", err)
		}
	}
}

// encodeNodes packs nodes as (uint16 length, bytes)* for the fuzzer.
func encodeNodes(nodes [][]byte) []byte {
	var out []byte
	for _, n := range nodes {
		out = binary.BigEndian.AppendUint16(out, uint16(len(n)))
		out = append(out, n...)
	}
	return out
}

func decodeNodes(b []byte) [][]byte {
	var nodes [][]byte
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if n > len(b) {
			n = len(b)
		}
		nodes = append(nodes, b[:n])
		b = b[n:]
	}
	return nodes
}

// FuzzVerifyProof feeds arbitrary keys, values and nodes to the verifier
// against the root of a small real trie. It must never panic, and whenever
// it accepts a proof the accepted value must be the key's real value (nil
// for a key that is absent).
func FuzzVerifyProof(f *testing.F) {
	s, m := proofStore(f)
	view := mustAt(f, s, 0)
	root := view.Root()
	present, absent := proofKeys()
	for _, k := range append(present, absent...) {
		p, err := view.Prove([]byte(k))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.Key, p.Value, encodeNodes(p.Nodes))
		f.Add(p.Key, []byte("forged"), encodeNodes(p.Nodes))
	}
	f.Add([]byte("k"), []byte(nil), []byte{0, 1, 0x80})
	f.Fuzz(func(t *testing.T, key, value, nodeBytes []byte) {
		p := &Proof{Key: key, Value: value, Nodes: decodeNodes(nodeBytes)}
		got, err := VerifyProof(root, p)
		if err != nil && strings.Contains(err.Error(), "verifier panic") {
			t.Fatalf("the verifier panicked: %v", err)
		}
		if err != nil {
			if !errors.Is(err, ErrProofInvalid) {
				t.Fatalf("error does not wrap ErrProofInvalid: %v", err)
			}
			if got != nil {
				t.Fatalf("value returned with error")
			}
			return
		}
		want, ok := m[string(key)]
		if ok != (got != nil) || !bytes.Equal(got, []byte(want)) {
			t.Fatalf("accepted %q for key %q, real value %q (present %v)", got, key, want, ok)
		}
		if !bytes.Equal(got, value) && !(got == nil && len(value) == 0) {
			t.Fatalf("accepted a proof whose claimed value %q differs from the proven %q", value, got)
		}
	})
}

// TestEmptyRoot checks trieproof's constant against go-ethereum's.
func TestEmptyRoot(t *testing.T) {
	if EmptyRoot != Hash(types.EmptyRootHash) {
		t.Fatalf("EmptyRoot %s, go-ethereum says %x", EmptyRoot, types.EmptyRootHash)
	}
}
