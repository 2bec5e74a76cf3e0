package state

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// TestPruneModel commits random writes over many versions on a disk store,
// prunes to a random number of kept versions, and checks against a model
// of every version: kept versions read, iterate and prove exactly as
// before (and their roots are unchanged), pruned versions are refused with
// ErrVersionPruned, nodes were deleted, the chain goes on committing on
// top, a second prune finds its earlier work done, and all of it survives
// reopening the store.
func TestPruneModel(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { pruneModel(t, seed) })
	}
}

func pruneModel(t *testing.T, seed uint64) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	r := rand.New(rand.NewPCG(seed, 7))
	cur := map[string]string{}
	versions := []map[string]string{nil} // versions[v] = model after commit v
	roots := []Hash{EmptyRoot}
	commit := func(n int) {
		for range n {
			for range 1 + r.IntN(30) {
				k := fmt.Sprintf("m/%02x/%x", r.IntN(40), r.IntN(200))
				if r.IntN(6) == 0 {
					delete(cur, k)
					if err := s.Delete([]byte(k)); err != nil {
						t.Fatal(err)
					}
					continue
				}
				v := fmt.Sprintf("v%d", r.Uint32())
				cur[k] = v
				if err := s.Set([]byte(k), []byte(v)); err != nil {
					t.Fatal(err)
				}
			}
			root, err := s.Commit(s.Version() + 1)
			if err != nil {
				t.Fatal(err)
			}
			versions = append(versions, maps.Clone(cur))
			roots = append(roots, root)
		}
	}
	check := func(floor int64) {
		t.Helper()
		head := s.Version()
		for v := int64(1); v <= head; v++ {
			view, err := s.At(v)
			if v < floor {
				if !errors.Is(err, ErrVersionPruned) || !errors.Is(err, ErrVersionNotFound) {
					t.Fatalf("At(%d) below floor %d: %v", v, floor, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("At(%d), floor %d: %v", v, floor, err)
			}
			if view.Root() != roots[v] {
				t.Fatalf("version %d root %s, committed %s", v, view.Root(), roots[v])
			}
			got := iterateAll(t, view, []byte("m/"), nil, 0)
			want := sortedRange(versions[v], "m/", "", false)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("version %d reads\n%v\nwant\n%v", v, got, want)
			}
			for _, k := range []string{fmt.Sprintf("m/%02x/%x", r.IntN(40), r.IntN(200)), "m/zz/absent"} {
				p, err := view.Prove([]byte(k))
				if err != nil {
					t.Fatalf("prove %s at %d: %v", k, v, err)
				}
				val, err := VerifyProof(view.Root(), p)
				if err != nil || string(val) != versions[v][k] {
					t.Fatalf("proof of %s at %d: %q, %v; want %q", k, v, val, err, versions[v][k])
				}
			}
		}
	}

	commit(60)
	keep := int64(MinKeep + r.IntN(8))
	st, err := s.Prune(keep)
	if err != nil {
		t.Fatal(err)
	}
	floor := s.Version() - keep + 1
	t.Logf("keep %d: %+v", keep, st)
	if st.KeptFrom != floor || st.VersionsPruned != floor-1 || st.NodesDeleted == 0 || st.NodesKept == 0 || st.BytesDeleted == 0 {
		t.Fatalf("stats %+v, want floor %d", st, floor)
	}
	if f, err := s.Floor(); err != nil || f != floor {
		t.Fatalf("Floor %d, %v; want %d", f, err, floor)
	}
	check(floor)

	// The chain goes on on top of the pruned store.
	commit(15)
	check(floor)
	// A second prune keeping more than is left prunes nothing more.
	st, err = s.Prune(1000)
	if err != nil || st.KeptFrom != floor || st.VersionsPruned != 0 || st.NodesDeleted != 0 {
		t.Fatalf("second prune: %+v, %v", st, err)
	}
	// Reopened, the store has the same floor and versions.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	check(floor)
	st, err = s.Prune(MinKeep)
	if err != nil {
		t.Fatal(err)
	}
	floor = s.Version() - MinKeep + 1
	check(floor)
	commit(5)
	check(floor)
}

func TestPruneRefuses(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Prune(1); err == nil {
		t.Fatal("pruned keeping one version")
	}
	// An empty store prunes to nothing.
	st, err := s.Prune(MinKeep)
	if err != nil || st.NodesDeleted != 0 || st.VersionsPruned != 0 {
		t.Fatalf("empty store: %+v, %v", st, err)
	}
	s.Close()
	if _, err := s.Prune(MinKeep); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed store: %v", err)
	}
}

// A store rebuilt from a snapshot starts at the snapshot's version: it
// prunes from there, and keeps reading what it kept.
func TestPruneRestoredStore(t *testing.T) {
	src, _ := randomState(t, filepath.Join(t.TempDir(), "src"), 300, 5)
	view, err := src.At(0)
	if err != nil {
		t.Fatal(err)
	}
	want := export(t, view)
	dst := openT(t, filepath.Join(t.TempDir(), "dst"))
	r, err := dst.Restore(view.Version())
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range want {
		if err := r.Add(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Finish(view.Root(), nil); err != nil {
		t.Fatal(err)
	}
	restored := dst.Version()
	for i := range 3 {
		mustSet(t, dst, fmt.Sprintf("mod/new/%d", i), "after the restore")
		mustCommit(t, dst)
	}
	st, err := dst.Prune(10) // more than the store has
	if err != nil || st.VersionsPruned != 0 || st.NodesDeleted != 0 || st.KeptFrom != max(dst.Version()-9, 1) {
		t.Fatalf("prune keeping more than there is: %+v, %v", st, err)
	}
	st, err = dst.Prune(MinKeep)
	if err != nil || st.VersionsPruned != 2 || st.NodesDeleted == 0 {
		t.Fatalf("prune of a restored store: %+v, %v", st, err)
	}
	if _, err := dst.At(restored); !errors.Is(err, ErrVersionPruned) {
		t.Fatalf("At(%d) after the prune: %v", restored, err)
	}
	v, err := dst.At(dst.Version() - 1)
	if err != nil {
		t.Fatal(err)
	}
	got := export(t, v)
	if len(got) != len(want)+2 {
		t.Fatalf("kept version has %d pairs, want %d", len(got), len(want)+2)
	}
}
