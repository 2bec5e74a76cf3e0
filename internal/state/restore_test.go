package state

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// randomState builds a store with n random keys over a few blocks, with
// keys that are prefixes of others (values in branch nodes) and deletions.
func randomState(t *testing.T, dir string, n int, seed uint64) (*Store, map[string]string) {
	t.Helper()
	s := openT(t, dir)
	rng := rand.New(rand.NewPCG(seed, 1))
	m := map[string]string{}
	for block := range 5 {
		for range n / 5 {
			k := fmt.Sprintf("mod/%c/%d", 'a'+rng.IntN(4), rng.IntN(n))
			if rng.IntN(4) == 0 {
				k = k[:len(k)-1] // a prefix of another key, often
			}
			if rng.IntN(8) == 0 {
				mustDel(t, s, k)
				delete(m, k)
				continue
			}
			v := fmt.Sprintf("value %d of block %d: %x", rng.Uint64(), block, rng.Uint64())
			mustSet(t, s, k, v)
			m[k] = v
		}
		mustCommit(t, s)
	}
	return s, m
}

// export reads every pair of a view in key order.
func export(t *testing.T, v *View) [][2][]byte {
	t.Helper()
	var out [][2][]byte
	if err := v.Iterate(nil, nil, func(k, val []byte) bool {
		out = append(out, [2][]byte{k, val})
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRestore(t *testing.T) {
	old := restoreFlushPairs
	restoreFlushPairs = 97 // several flushes
	t.Cleanup(func() { restoreFlushPairs = old })
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprintf("disk=%v", disk), func(t *testing.T) {
			base := t.TempDir()
			dir := func(name string) string {
				if !disk {
					return ""
				}
				return filepath.Join(base, name)
			}
			src, m := randomState(t, dir("src"), 2000, 7)
			view := mustAt(t, src, 0)
			pairs := export(t, view)
			if len(pairs) != len(m) {
				t.Fatalf("exported %d pairs, the model has %d", len(pairs), len(m))
			}

			dst := openT(t, dir("dst"))
			// A wrong root: nothing becomes visible, the store stays empty.
			r, err := dst.Restore(view.Version())
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs {
				if err := r.Add(p[0], p[1]); err != nil {
					t.Fatal(err)
				}
			}
			wrong := view.Root()
			wrong[0] ^= 1
			if err := r.Finish(wrong, nil); !errors.Is(err, ErrRootMismatch) {
				t.Fatalf("finish with a wrong root: %v", err)
			}
			if dst.Version() != 0 || dst.Root() != EmptyRoot {
				t.Fatalf("after a failed restore: version %d root %s", dst.Version(), dst.Root())
			}
			// Out of order, then the real thing.
			r, err = dst.Restore(view.Version())
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Add(pairs[1][0], pairs[1][1]); err != nil {
				t.Fatal(err)
			}
			if err := r.Add(pairs[0][0], pairs[0][1]); !errors.Is(err, ErrKeyOrder) {
				t.Fatalf("keys out of order: %v", err)
			}
			if err := r.Abort(); err != nil {
				t.Fatal(err)
			}
			r, err = dst.Restore(view.Version())
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs {
				if err := r.Add(p[0], p[1]); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Finish(view.Root(), map[string][]byte{"meta": []byte("x")}); err != nil {
				t.Fatal(err)
			}
			if dst.Version() != view.Version() || dst.Root() != view.Root() {
				t.Fatalf("restored version %d root %s, want %d %s", dst.Version(), dst.Root(), view.Version(), view.Root())
			}
			if _, err := dst.Restore(9); !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("restore into a store with state: %v", err)
			}
			got := mustAt(t, dst, 0)
			for k, v := range m {
				if g := getS(t, got.Get, k); string(g) != v {
					t.Fatalf("%q restored as %q, want %q", k, g, v)
				}
			}
			if b, err := dst.GetLocal([]byte("meta")); err != nil || string(b) != "x" {
				t.Fatalf("local record: %q, %v", b, err)
			}
			// Both go on from there alike.
			for _, s := range []*Store{src, dst} {
				mustSet(t, s, "mod/a/new", "after the snapshot")
				mustDel(t, s, string(pairs[3][0]))
			}
			if a, b := mustCommit(t, src), mustCommit(t, dst); a != b {
				t.Fatalf("next block: roots %s and %s", a, b)
			}
			if disk {
				// Reopened, the restored store is where it was.
				v := dst.Version()
				if err := dst.Close(); err != nil {
					t.Fatal(err)
				}
				re := openT(t, dir("dst"))
				if re.Version() != v || re.Root() != src.Root() {
					t.Fatalf("reopened: version %d root %s", re.Version(), re.Root())
				}
			}
		})
	}
}

func TestRestoreEmpty(t *testing.T) {
	s := openT(t, "")
	r, err := s.Restore(3)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(EmptyRoot, nil); err != nil {
		t.Fatal(err)
	}
	if s.Version() != 3 || s.Root() != EmptyRoot {
		t.Fatalf("empty restore: %d %s", s.Version(), s.Root())
	}
}
