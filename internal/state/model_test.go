package state

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/ethereum/go-ethereum/triedb"
)

type kv struct{ k, v string }

// sortedRange returns the model's pairs with prefix, from start, in byte order.
func sortedRange(m map[string]string, prefix, start string, hasStart bool) []kv {
	var out []kv
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if hasStart && k < start {
			continue
		}
		out = append(out, kv{k, m[k]})
	}
	return out
}

func iterateAll(t *testing.T, v *View, prefix, start []byte, limit int) []kv {
	t.Helper()
	var out []kv
	err := v.Iterate(prefix, start, func(k, val []byte) bool {
		out = append(out, kv{string(k), string(val)})
		return limit <= 0 || len(out) < limit
	})
	if err != nil {
		t.Fatalf("Iterate(%q, %q): %v", prefix, start, err)
	}
	return out
}

// referenceRoot builds a fresh trie from the model contents, inserted in
// sorted order, as an independent computation of the expected root.
func referenceRoot(m map[string]string) Hash {
	tr := trie.NewEmpty(triedb.NewDatabase(rawdb.NewMemoryDatabase(), triedb.HashDefaults))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tr.MustUpdate([]byte(k), []byte(m[k]))
	}
	return Hash(tr.Hash())
}

// TestModelRandom drives a Store with random Set/Delete/Commit/Discard and
// checks it against a map model after every step: working reads, committed
// reads, the root against an independently built trie, prefix iteration
// against the sorted model, and old versions against their snapshots.
func TestModelRandom(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dir   string
		steps int
		seed  uint64
	}{
		{"memory", "", 2500, 1},
		{"disk", t.TempDir(), 1500, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runModel(t, tc.dir, tc.steps, tc.seed)
		})
	}
}

func runModel(t *testing.T, dir string, steps int, seed uint64) {
	s := openT(t, dir)
	r := rand.New(rand.NewPCG(seed, 99))
	t.Logf("seed %d", seed)

	working := map[string]string{}
	committed := map[string]string{}
	snapshots := []map[string]string{{}} // snapshots[v] = contents at version v
	roots := []Hash{EmptyRoot}

	prefixes := []string{"", "a", "ab", "abc", "b", "b\x00", "c\xff", "\xff"}
	randKey := func() string {
		// Small alphabet and short keys: many shared prefixes, overwrites,
		// and keys that are prefixes of other keys.
		alpha := "abc\x00\xff"
		n := 1 + r.IntN(4)
		var sb strings.Builder
		for i := 0; i < n; i++ {
			sb.WriteByte(alpha[r.IntN(len(alpha))])
		}
		return sb.String()
	}
	checkKey := func(step int, k string) {
		got := getS(t, s.Get, k)
		want, ok := working[k]
		if ok != (got != nil) || string(got) != want {
			t.Fatalf("step %d: working Get(%q) = %q, model %q (present %v)", step, k, got, want, ok)
		}
	}
	checkView := func(step int, v *View, want map[string]string) {
		t.Helper()
		if got, exp := iterateAll(t, v, nil, nil, 0), sortedRange(want, "", "", false); !slices.Equal(got, exp) {
			t.Fatalf("step %d: version %d full iteration\n got %q\nwant %q", step, v.Version(), got, exp)
		}
		p := prefixes[r.IntN(len(prefixes))]
		var start []byte
		hasStart := r.IntN(2) == 0
		if hasStart {
			start = []byte(randKey())
		}
		got := iterateAll(t, v, []byte(p), start, 0)
		exp := sortedRange(want, p, string(start), hasStart)
		if !slices.Equal(got, exp) {
			t.Fatalf("step %d: version %d Iterate(%q, %q)\n got %q\nwant %q", step, v.Version(), p, start, got, exp)
		}
		// Early stop returns exactly the first n.
		if len(exp) > 1 {
			n := 1 + r.IntN(len(exp)-1)
			if got := iterateAll(t, v, []byte(p), start, n); !slices.Equal(got, exp[:n]) {
				t.Fatalf("step %d: early stop after %d: %q", step, n, got)
			}
		}
		k := randKey()
		val := getS(t, v.Get, k)
		if w, ok := want[k]; ok != (val != nil) || string(val) != w {
			t.Fatalf("step %d: version %d Get(%q) = %q, want %q", step, v.Version(), k, val, w)
		}
	}

	for step := 0; step < steps; step++ {
		switch x := r.IntN(100); {
		case x < 55:
			k, v := randKey(), strings.Repeat(string(rune('a'+r.IntN(26))), 1+r.IntN(40))
			mustSet(t, s, k, v)
			working[k] = v
			checkKey(step, k)
		case x < 80:
			k := randKey()
			mustDel(t, s, k)
			delete(working, k)
			checkKey(step, k)
		case x < 94:
			root := mustCommit(t, s)
			committed = maps.Clone(working)
			snapshots = append(snapshots, committed)
			roots = append(roots, root)
			if want := referenceRoot(committed); root != want {
				t.Fatalf("step %d: root %s, reference trie root %s", step, root, want)
			}
			if s.WorkingRoot() != root {
				t.Fatalf("step %d: working root %s after commit %s", step, s.WorkingRoot(), root)
			}
		default:
			s.Discard()
			working = maps.Clone(committed)
			if s.WorkingRoot() != s.Root() {
				t.Fatalf("step %d: working root after Discard %s != %s", step, s.WorkingRoot(), s.Root())
			}
		}
		// Every step: a random working read, the latest committed version and
		// a random old version.
		checkKey(step, randKey())
		if step%3 == 0 {
			if want := referenceRoot(working); s.WorkingRoot() != want {
				t.Fatalf("step %d: working root %s, reference %s", step, s.WorkingRoot(), want)
			}
		}
		latest := mustAt(t, s, 0)
		if latest.Version() != int64(len(snapshots)-1) || latest.Root() != roots[len(roots)-1] {
			t.Fatalf("step %d: At(0) = v%d %s", step, latest.Version(), latest.Root())
		}
		checkView(step, latest, committed)
		old := int64(r.IntN(len(snapshots)))
		if old > 0 {
			v := mustAt(t, s, old)
			if v.Root() != roots[old] {
				t.Fatalf("step %d: At(%d) root %s want %s", step, old, v.Root(), roots[old])
			}
			checkView(step, v, snapshots[old])
		}
	}
	if len(snapshots) < 20 {
		t.Fatalf("only %d commits; model test too weak", len(snapshots))
	}
	// Finally, every version once more, in full, including proofs.
	for v := int64(1); v < int64(len(snapshots)); v++ {
		view := mustAt(t, s, v)
		if got, exp := iterateAll(t, view, nil, nil, 0), sortedRange(snapshots[v], "", "", false); !slices.Equal(got, exp) {
			t.Fatalf("final: version %d iteration mismatch", v)
		}
		for i := 0; i < 5; i++ {
			k := randKey()
			p, err := view.Prove([]byte(k))
			if err != nil {
				t.Fatal(err)
			}
			val, err := VerifyProof(view.Root(), p)
			if err != nil {
				t.Fatalf("version %d proof of %q: %v", v, k, err)
			}
			if w, ok := snapshots[v][k]; ok != (val != nil) || !bytes.Equal(val, []byte(w)) {
				t.Fatalf("version %d proof of %q proves %q, want %q", v, k, val, w)
			}
		}
	}
}
