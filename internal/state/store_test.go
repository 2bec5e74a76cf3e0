package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func openT(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustSet(t testing.TB, s *Store, k, v string) {
	t.Helper()
	if err := s.Set([]byte(k), []byte(v)); err != nil {
		t.Fatalf("Set(%q): %v", k, err)
	}
}

func mustDel(t testing.TB, s *Store, k string) {
	t.Helper()
	if err := s.Delete([]byte(k)); err != nil {
		t.Fatalf("Delete(%q): %v", k, err)
	}
}

func mustCommit(t testing.TB, s *Store) Hash {
	t.Helper()
	h, err := s.Commit(s.Version() + 1)
	if err != nil {
		t.Fatalf("Commit(%d): %v", s.Version()+1, err)
	}
	return h
}

func getS(t testing.TB, get func([]byte) ([]byte, error), k string) []byte {
	t.Helper()
	v, err := get([]byte(k))
	if err != nil {
		t.Fatalf("Get(%q): %v", k, err)
	}
	return v
}

func mustAt(t testing.TB, s *Store, v int64) *View {
	t.Helper()
	view, err := s.At(v)
	if err != nil {
		t.Fatalf("At(%d): %v", v, err)
	}
	return view
}

func TestHash(t *testing.T) {
	if got, want := EmptyRoot.String(), "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"; got != want {
		t.Fatalf("EmptyRoot = %s, want %s", got, want)
	}
	h, err := ParseHash("0x" + strings.ToUpper(EmptyRoot.String()))
	if err != nil || h != EmptyRoot {
		t.Fatalf("ParseHash(0x upper) = %v, %v", h, err)
	}
	b, err := json.Marshal(EmptyRoot)
	if err != nil || string(b) != `"`+EmptyRoot.String()+`"` {
		t.Fatalf("MarshalJSON = %s, %v", b, err)
	}
	var back Hash
	if err := json.Unmarshal(b, &back); err != nil || back != EmptyRoot {
		t.Fatalf("UnmarshalJSON = %v, %v", back, err)
	}
	m, err := json.Marshal(map[Hash]int{EmptyRoot: 1})
	if err != nil || !strings.Contains(string(m), EmptyRoot.String()) {
		t.Fatalf("map key JSON = %s, %v", m, err)
	}
	for _, bad := range []string{"", "00", strings.Repeat("g", 64), strings.Repeat("0", 63), strings.Repeat("0", 66)} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) succeeded", bad)
		}
	}
	if err := json.Unmarshal([]byte(`12`), &back); err == nil {
		t.Error("UnmarshalJSON(number) succeeded")
	}
}

// TestWorkingSetSemantics runs scripted operation sequences against a fresh
// store and checks the visible values after each script.
func TestWorkingSetSemantics(t *testing.T) {
	type op struct {
		kind string // set, del, commit, discard
		k, v string
	}
	set := func(k, v string) op { return op{"set", k, v} }
	del := func(k string) op { return op{"del", k, ""} }
	commit := op{kind: "commit"}
	discard := op{kind: "discard"}

	tests := []struct {
		name        string
		ops         []op
		working     map[string]string // expected Store.Get ("" = absent)
		committed   map[string]string // expected At(0).Get
		version     int64
		rootIsEmpty bool
	}{
		{
			name:        "empty",
			working:     map[string]string{"a": ""},
			committed:   map[string]string{"a": ""},
			rootIsEmpty: true,
		},
		{
			name:        "uncommitted set is visible to Get only",
			ops:         []op{set("a", "1")},
			working:     map[string]string{"a": "1"},
			committed:   map[string]string{"a": ""},
			rootIsEmpty: true,
		},
		{
			name:      "commit publishes",
			ops:       []op{set("a", "1"), commit},
			working:   map[string]string{"a": "1"},
			committed: map[string]string{"a": "1"},
			version:   1,
		},
		{
			name:      "overwrite",
			ops:       []op{set("a", "1"), commit, set("a", "2"), commit},
			working:   map[string]string{"a": "2"},
			committed: map[string]string{"a": "2"},
			version:   2,
		},
		{
			name:      "discard drops working writes",
			ops:       []op{set("a", "1"), commit, set("a", "2"), set("b", "3"), del("a"), discard},
			working:   map[string]string{"a": "1", "b": ""},
			committed: map[string]string{"a": "1", "b": ""},
			version:   1,
		},
		{
			name:      "discard then continue",
			ops:       []op{set("a", "1"), discard, set("b", "2"), commit},
			working:   map[string]string{"a": "", "b": "2"},
			committed: map[string]string{"a": "", "b": "2"},
			version:   1,
		},
		{
			name:        "delete everything gives the empty root",
			ops:         []op{set("a", "1"), set("ab", "2"), commit, del("a"), del("ab"), commit},
			working:     map[string]string{"a": "", "ab": ""},
			committed:   map[string]string{"a": "", "ab": ""},
			version:     2,
			rootIsEmpty: true,
		},
		{
			name:      "delete absent key is a no-op",
			ops:       []op{set("a", "1"), del("zz"), commit},
			working:   map[string]string{"a": "1", "zz": ""},
			committed: map[string]string{"a": "1", "zz": ""},
			version:   1,
		},
		{
			name:      "set then delete in one block",
			ops:       []op{set("a", "1"), del("a"), set("b", "2"), commit},
			working:   map[string]string{"a": "", "b": "2"},
			committed: map[string]string{"a": "", "b": "2"},
			version:   1,
		},
		{
			name:      "empty commit keeps root",
			ops:       []op{set("a", "1"), commit, commit, commit},
			working:   map[string]string{"a": "1"},
			committed: map[string]string{"a": "1"},
			version:   3,
		},
		{
			name:      "prefix keys coexist",
			ops:       []op{set("a", "1"), set("ab", "2"), set("abc", "3"), commit, del("ab"), commit},
			working:   map[string]string{"a": "1", "ab": "", "abc": "3"},
			committed: map[string]string{"a": "1", "ab": "", "abc": "3"},
			version:   2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openT(t, "")
			for _, o := range tc.ops {
				switch o.kind {
				case "set":
					mustSet(t, s, o.k, o.v)
				case "del":
					mustDel(t, s, o.k)
				case "commit":
					mustCommit(t, s)
				case "discard":
					s.Discard()
				}
			}
			if s.Version() != tc.version {
				t.Fatalf("Version = %d, want %d", s.Version(), tc.version)
			}
			view := mustAt(t, s, 0)
			if view.Version() != tc.version || view.Root() != s.Root() {
				t.Fatalf("At(0) = version %d root %s, want %d %s", view.Version(), view.Root(), tc.version, s.Root())
			}
			if got := s.Root() == EmptyRoot; got != tc.rootIsEmpty {
				t.Fatalf("Root()==EmptyRoot is %v, want %v (root %s)", got, tc.rootIsEmpty, s.Root())
			}
			for k, want := range tc.working {
				if got := getS(t, s.Get, k); string(got) != want || (want == "" && got != nil) {
					t.Errorf("working Get(%q) = %q, want %q", k, got, want)
				}
			}
			for k, want := range tc.committed {
				if got := getS(t, view.Get, k); string(got) != want || (want == "" && got != nil) {
					t.Errorf("committed Get(%q) = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestArgumentErrors(t *testing.T) {
	s := openT(t, "")
	long := bytes.Repeat([]byte{'k'}, MaxKeyLen+1)
	max := bytes.Repeat([]byte{'k'}, MaxKeyLen)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"Set empty key", s.Set(nil, []byte("v")), ErrInvalidKey},
		{"Set long key", s.Set(long, []byte("v")), ErrInvalidKey},
		{"Set empty value", s.Set([]byte("k"), nil), ErrEmptyValue},
		{"Set zero-length value", s.Set([]byte("k"), []byte{}), ErrEmptyValue},
		{"Delete empty key", s.Delete([]byte{}), ErrInvalidKey},
		{"Delete long key", s.Delete(long), ErrInvalidKey},
		{"Get empty key", second(s.Get(nil)), ErrInvalidKey},
		{"Get long key", second(s.Get(long)), ErrInvalidKey},
		{"Commit 0", second(s.Commit(0)), ErrWrongVersion},
		{"Commit 2", second(s.Commit(2)), ErrWrongVersion},
		{"Commit -1", second(s.Commit(-1)), ErrWrongVersion},
		{"At -1", second(s.At(-1)), ErrVersionNotFound},
		{"At 1 before commit", second(s.At(1)), ErrVersionNotFound},
		{"Set max key", s.Set(max, []byte("v")), nil},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) || (tc.want == nil) != (tc.err == nil) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	// Failed calls changed nothing but the one valid Set.
	if got := getS(t, s.Get, string(max)); string(got) != "v" {
		t.Fatalf("Get(max key) = %q", got)
	}
	if got := getS(t, s.Get, "k"); got != nil {
		t.Fatalf("Get(k) = %q after rejected Sets", got)
	}
	mustCommit(t, s)
	if _, err := s.At(2); !errors.Is(err, ErrVersionNotFound) {
		t.Fatalf("At(2) at version 1: %v", err)
	}
	view := mustAt(t, s, 1)
	if _, err := view.Get(nil); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("View.Get(nil): %v", err)
	}
	if _, err := view.Prove(long); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("View.Prove(long): %v", err)
	}
	// The caller's buffers are copied on Set and on Get.
	buf := []byte("abc")
	mustSet(t, s, "copy", "x")
	if err := s.Set([]byte("copy"), buf); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X'
	got := getS(t, s.Get, "copy")
	if string(got) != "abc" {
		t.Fatalf("Set did not copy the value: %q", got)
	}
	got[0] = 'Y'
	if got := getS(t, s.Get, "copy"); string(got) != "abc" {
		t.Fatalf("Get returned an alias: %q", got)
	}
}

func second[T any](_ T, err error) error { return err }

func TestClosed(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		mustSet(t, s, "a", "1")
		mustCommit(t, s)
		view := mustAt(t, s, 1)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if err := s.Set([]byte("a"), []byte("2")); !errors.Is(err, ErrClosed) {
			t.Errorf("Set after Close: %v", err)
		}
		if _, err := s.Get([]byte("a")); !errors.Is(err, ErrClosed) {
			t.Errorf("Get after Close: %v", err)
		}
		if _, err := s.Commit(2); !errors.Is(err, ErrClosed) {
			t.Errorf("Commit after Close: %v", err)
		}
		if _, err := s.At(0); !errors.Is(err, ErrClosed) {
			t.Errorf("At after Close: %v", err)
		}
		if _, err := s.GetLocal([]byte("x")); !errors.Is(err, ErrClosed) {
			t.Errorf("GetLocal after Close: %v", err)
		}
		// A View from before Close fails cleanly (no panic).
		if _, err := view.Get([]byte("zz")); err == nil {
			t.Errorf("View.Get after Close succeeded")
		}
	}
}

func TestLocal(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	mustSet(t, s, "a", "1")
	s.SetLocal([]byte("tx/1"), []byte("block 1"))
	s.SetLocal([]byte("meta"), []byte("m1"))
	if got, _ := s.GetLocal([]byte("tx/1")); string(got) != "block 1" {
		t.Fatalf("buffered GetLocal = %q", got)
	}
	rootBefore := s.WorkingRoot()
	s.SetLocal([]byte("n-looks-like-a-node-key-0123456789"), []byte("x"))
	if s.WorkingRoot() != rootBefore {
		t.Fatal("SetLocal changed the working root")
	}
	root1 := mustCommit(t, s)

	// Discard drops buffered local writes.
	s.SetLocal([]byte("tx/2"), []byte("block 2"))
	s.SetLocal([]byte("meta"), nil) // delete, but discarded
	s.Discard()
	if got, _ := s.GetLocal([]byte("tx/2")); got != nil {
		t.Fatalf("discarded local visible: %q", got)
	}
	if got, _ := s.GetLocal([]byte("meta")); string(got) != "m1" {
		t.Fatalf("meta after discard = %q", got)
	}
	// Empty value deletes, at the next commit.
	s.SetLocal([]byte("meta"), []byte{})
	if got, err := s.GetLocal([]byte("meta")); got != nil || err != nil {
		t.Fatalf("buffered delete: %q, %v", got, err)
	}
	s.SetLocal([]byte("tx/3"), []byte("block 2"))
	root2 := mustCommit(t, s)
	if root2 != root1 {
		t.Fatal("local writes changed the app hash")
	}
	s.Close()

	s = openT(t, dir)
	for k, want := range map[string]string{"tx/1": "block 1", "tx/3": "block 2", "meta": "", "tx/2": "", "n-looks-like-a-node-key-0123456789": "x"} {
		got, err := s.GetLocal([]byte(k))
		if err != nil || string(got) != want || (want == "" && got != nil) {
			t.Errorf("after reopen GetLocal(%q) = %q, %v; want %q", k, got, err, want)
		}
	}
	if got := getS(t, s.Get, "a"); string(got) != "1" {
		t.Fatalf("state after reopen: %q", got)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version() != 0 || s.Root() != EmptyRoot {
		t.Fatalf("fresh store: version %d root %s", s.Version(), s.Root())
	}
	roots := map[int64]Hash{}
	for v := int64(1); v <= 3; v++ {
		for i := 0; i < 50; i++ {
			mustSet(t, s, fmt.Sprintf("k/%02d", i), fmt.Sprintf("v%d-%d", v, i))
		}
		mustDel(t, s, fmt.Sprintf("k/%02d", v))
		roots[v] = mustCommit(t, s)
	}
	// The uncommitted block 4 is lost by a close without Commit (a crash).
	mustSet(t, s, "k/00", "uncommitted")
	mustSet(t, s, "new", "uncommitted")
	s.SetLocal([]byte("l"), []byte("uncommitted"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openT(t, dir)
	if s.Version() != 3 || s.Root() != roots[3] {
		t.Fatalf("reopened at version %d root %s, want 3 %s", s.Version(), s.Root(), roots[3])
	}
	if s.WorkingRoot() != roots[3] {
		t.Fatalf("working root after reopen %s", s.WorkingRoot())
	}
	for _, k := range []string{"new"} {
		if got := getS(t, s.Get, k); got != nil {
			t.Fatalf("uncommitted %q survived: %q", k, got)
		}
	}
	if got, _ := s.GetLocal([]byte("l")); got != nil {
		t.Fatalf("uncommitted local survived: %q", got)
	}
	if got := getS(t, s.Get, "k/00"); string(got) != "v3-0" {
		t.Fatalf("k/00 = %q", got)
	}
	for v := int64(1); v <= 3; v++ {
		view := mustAt(t, s, v)
		if view.Root() != roots[v] {
			t.Fatalf("At(%d).Root = %s, want %s", v, view.Root(), roots[v])
		}
		if got := getS(t, view.Get, "k/10"); string(got) != fmt.Sprintf("v%d-10", v) {
			t.Fatalf("At(%d) k/10 = %q", v, got)
		}
		if got := getS(t, view.Get, fmt.Sprintf("k/%02d", v)); got != nil {
			t.Fatalf("At(%d): deleted key present: %q", v, got)
		}
	}
	// Continue committing after reopen.
	mustSet(t, s, "k/00", "v4")
	if _, err := s.Commit(3); !errors.Is(err, ErrWrongVersion) {
		t.Fatalf("Commit(3) after reopen at 3: %v", err)
	}
	mustCommit(t, s)
	if s.Version() != 4 {
		t.Fatalf("version %d", s.Version())
	}
}

// applyOps replays a deterministic op script on a store, committing every
// `block` ops, and returns the root after each commit.
func applyOps(t testing.TB, s *Store, seed uint64, n, block int) []Hash {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	var roots []Hash
	for i := 1; i <= n; i++ {
		k := fmt.Sprintf("%c/%d", 'a'+r.IntN(4), r.IntN(300))
		if r.IntN(4) == 0 {
			mustDel(t, s, k)
		} else {
			mustSet(t, s, k, strings.Repeat("x", 1+r.IntN(80)))
		}
		if i%block == 0 {
			roots = append(roots, mustCommit(t, s))
		}
	}
	return roots
}

func TestDeterminismMemoryVsDisk(t *testing.T) {
	mem := openT(t, "")
	disk := openT(t, t.TempDir())
	a := applyOps(t, mem, 7, 3000, 150)
	b := applyOps(t, disk, 7, 3000, 150)
	if len(a) != 20 || len(a) != len(b) {
		t.Fatalf("commits: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("version %d: memory root %s, disk root %s", i+1, a[i], b[i])
		}
	}
	for v := int64(1); v <= int64(len(a)); v++ {
		if got := mustAt(t, disk, v).Root(); got != a[v-1] {
			t.Fatalf("disk At(%d) root %s want %s", v, got, a[v-1])
		}
	}
}

func TestRootIndependentOfWriteOrder(t *testing.T) {
	base := map[string]string{}
	for i := 0; i < 400; i++ {
		base[fmt.Sprintf("key/%03d", i)] = fmt.Sprintf("value-%d", i)
	}
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	var want Hash
	for trial := 0; trial < 5; trial++ {
		s := openT(t, "")
		// Same starting version.
		mustSet(t, s, "key/000", "old")
		mustSet(t, s, "gone", "soon")
		mustCommit(t, s)
		r := rand.New(rand.NewPCG(uint64(trial), 2))
		r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		// Write each key, with detours that are undone within the block.
		for _, k := range keys {
			if r.IntN(3) == 0 {
				mustSet(t, s, k, "temporary")
			}
			mustSet(t, s, k, base[k])
			if r.IntN(5) == 0 {
				mustSet(t, s, k+"/tmp", "x")
				mustDel(t, s, k+"/tmp")
			}
		}
		mustDel(t, s, "gone")
		got := mustCommit(t, s)
		if trial == 0 {
			want = got
		} else if got != want {
			t.Fatalf("trial %d: root %s, trial 0 root %s", trial, got, want)
		}
	}
}

// TestCommitWriteFailure: when the commit batch cannot be written, nothing
// is published and the working set reports the failure.
func TestCommitWriteFailure(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		s := openT(t, dir)
		mustSet(t, s, "a", "1")
		root1 := mustCommit(t, s)
		mustSet(t, s, "a", "2")
		s.SetLocal([]byte("l"), []byte("x"))
		s.kv.Close() // the disk goes away under the store
		if _, err := s.Commit(2); err == nil {
			t.Fatal("Commit succeeded with a closed database")
		}
		if s.Version() != 1 || s.Root() != root1 {
			t.Fatalf("failed commit published version %d root %s", s.Version(), s.Root())
		}
		// The working set was discarded back to version 1: it either serves
		// version 1 (from the node cache) or reports the failure.
		if v, err := s.Get([]byte("a")); err == nil && string(v) != "1" {
			t.Fatalf("working Get after failed commit = %q", v)
		}
		if v, _ := s.GetLocal([]byte("l")); v != nil {
			t.Fatalf("local write survived the failed commit: %q", v)
		}
		if _, err := s.Commit(2); err == nil {
			t.Fatal("second Commit succeeded")
		}
	}
}
