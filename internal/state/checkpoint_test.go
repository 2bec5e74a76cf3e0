package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// crash closes the store's database without a checkpoint, as a killed
// process would leave it.
func (s *Store) crash() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.closeAll()
}

func openOptsT(t testing.TB, dir string, o Options) *Store {
	t.Helper()
	s, err := OpenWith(dir, o)
	if err != nil {
		t.Fatalf("OpenWith(%q, %+v): %v", dir, o, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// blockOp is one write of a block in the checkpoint model.
type blockOp struct {
	key, value string // value "" deletes
	local      bool   // a SetLocal write; value "+" adds 1 to a counter
}

func applyBlock(t *testing.T, s *Store, ops []blockOp) {
	t.Helper()
	for _, op := range ops {
		switch {
		case op.local && op.value == "+":
			// A counter, like the application's activity index: replaying
			// a block after a crash must not count it twice.
			b, err := s.GetLocal([]byte(op.key))
			if err != nil {
				t.Fatal(err)
			}
			var n uint64
			if len(b) == 8 {
				n = binary.BigEndian.Uint64(b)
			}
			s.SetLocal([]byte(op.key), binary.BigEndian.AppendUint64(nil, n+1))
		case op.local:
			s.SetLocal([]byte(op.key), []byte(op.value))
		case op.value == "":
			mustDel(t, s, op.key)
		default:
			mustSet(t, s, op.key, op.value)
		}
	}
}

func randomBlock(r *rand.Rand) []blockOp {
	ops := make([]blockOp, r.IntN(40))
	for i := range ops {
		k := fmt.Sprintf("%c/%d", 'a'+r.IntN(3), r.IntN(200))
		switch x := r.IntN(10); {
		case x == 0:
			ops[i] = blockOp{key: k}
		case x == 1:
			ops[i] = blockOp{key: "count/" + k[:1], value: "+", local: true}
		case x == 2:
			ops[i] = blockOp{key: "rec/" + k, value: fmt.Sprint(r.Uint32()), local: true}
		case x == 3:
			ops[i] = blockOp{key: "rec/" + k, local: true}
		default:
			ops[i] = blockOp{key: k, value: strings.Repeat("v", 1+r.IntN(60)) + fmt.Sprint(r.Uint32())}
		}
	}
	return ops
}

func allLocals(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	if err := s.IterateLocal(func(k, v []byte) bool {
		fmt.Fprintf(&b, "%q=%x\n", k, v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	checkLocalRanges(t, s)
	return b.String()
}

// checkLocalRanges holds IterateLocalRange, for a few prefixes and starts
// (the records buffered for a checkpoint merged over the disk's), to the
// records of IterateLocal that have the prefix and do not sort before
// start, and checks that stopping early stops.
func checkLocalRanges(t *testing.T, s *Store) {
	t.Helper()
	type kv struct{ k, v string }
	var all []kv
	if err := s.IterateLocal(func(k, v []byte) bool {
		all = append(all, kv{string(k), string(v)})
		return true
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ prefix, start string }{
		{"", ""}, {"rec/", ""}, {"rec/b/", ""}, {"rec/b/", "rec/b/15"}, {"rec/", "rec/c"},
		{"rec/b/", "rec/a"}, {"rec/b/", "rec/c"}, {"count/", ""}, {"nothing/", ""},
	} {
		var want, got []kv
		for _, r := range all {
			if strings.HasPrefix(r.k, c.prefix) && r.k >= c.start {
				want = append(want, r)
			}
		}
		var start []byte
		if c.start != "" {
			start = []byte(c.start)
		}
		if err := s.IterateLocalRange([]byte(c.prefix), start, func(k, v []byte) bool {
			got = append(got, kv{string(k), string(v)})
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("IterateLocalRange(%q, %q) = %v, want %v", c.prefix, c.start, got, want)
		}
		n := 0
		if err := s.IterateLocalRange([]byte(c.prefix), start, func(k, v []byte) bool {
			n++
			return n < 2
		}); err != nil {
			t.Fatal(err)
		}
		if n != min(2, len(want)) {
			t.Fatalf("IterateLocalRange(%q, %q) went on for %d records after being told to stop at 2 (of %d)", c.prefix, c.start, n, len(want))
		}
	}
}

// TestCheckpointModel runs the same random blocks on an archive store and
// on checkpointed stores (on disk, small intervals, some with a memory
// bound that forces early checkpoints), with discarded blocks, clean
// reopens and crashes. After a crash the checkpointed store reopens at its
// last checkpoint and replays the lost blocks, as the node's consensus
// engine does. After every block: the same root, the same values and
// local records (iteration included), every version since the last
// checkpoint and every checkpoint readable with the archive's root and
// values, every other version ErrVersionPruned.
func TestCheckpointModel(t *testing.T) {
	for _, o := range []Options{
		{CheckpointInterval: 2},
		{CheckpointInterval: 5},
		{CheckpointInterval: 7, MaxPendingBytes: 6 << 10},
	} {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("interval%d-max%d-seed%d", o.CheckpointInterval, o.MaxPendingBytes, seed), func(t *testing.T) {
				runCheckpointModel(t, o, seed)
			})
		}
	}
}

func runCheckpointModel(t *testing.T, o Options, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	archive := openT(t, t.TempDir())
	dir := t.TempDir()
	s := openOptsT(t, dir, o)
	var blocks [][]blockOp
	checkpoints := map[int64]bool{}
	crashes, reopens := 0, 0
	for h := int64(1); h <= 60; h++ {
		ops := randomBlock(r)
		if r.IntN(8) == 0 {
			// A block executed and dropped (a failed round) first.
			applyBlock(t, s, randomBlock(r))
			s.Discard()
		}
		blocks = append(blocks, ops)
		applyBlock(t, archive, ops)
		applyBlock(t, s, ops)
		before := s.DurableVersion()
		want := mustCommit(t, archive)
		if got := mustCommit(t, s); got != want {
			t.Fatalf("version %d: root %s, archive %s", h, got, want)
		}
		if d := s.DurableVersion(); d > h-int64(len(s.pending)) || d < 0 {
			t.Fatalf("version %d: durable %d with %d pending", h, d, len(s.pending))
		}
		// The versions a checkpoint drops stay readable until the next
		// block.
		retiringFrom := h
		if len(s.pending) == 0 {
			checkpoints[h] = true
			retiringFrom = before + 1
		}
		switch r.IntN(12) {
		case 0: // a crash, then the replay of the lost blocks
			durable := s.DurableVersion()
			s.crash()
			crashes++
			s = openOptsT(t, dir, o)
			if s.Version() != durable {
				t.Fatalf("reopened after a crash at version %d, want the checkpoint %d", s.Version(), durable)
			}
			if want := mustAt(t, archive, durable).Root(); s.Root() != want && durable > 0 {
				t.Fatalf("reopened root %s, archive had %s at %d", s.Root(), want, durable)
			}
			retiringFrom = h
			for v := durable + 1; v <= h; v++ {
				applyBlock(t, s, blocks[v-1])
				if got, want := mustCommit(t, s), mustAt(t, archive, v).Root(); got != want {
					t.Fatalf("replayed version %d: root %s, archive %s", v, got, want)
				}
				if len(s.pending) == 0 {
					checkpoints[v] = true
					retiringFrom = v
					if v == h {
						retiringFrom = durable + 1
					}
				}
			}
		case 1: // a clean stop writes a checkpoint
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			checkpoints[h] = true
			retiringFrom = h
			reopens++
			s = openOptsT(t, dir, o)
			if s.Version() != h {
				t.Fatalf("reopened after Close at version %d, want %d", s.Version(), h)
			}
		}
		compareStores(t, archive, s, h, retiringFrom, checkpoints)
	}
	t.Logf("%d checkpoints, %d crashes, %d clean reopens", len(checkpoints), crashes, reopens)
}

func compareStores(t *testing.T, archive, s *Store, h, retiringFrom int64, checkpoints map[int64]bool) {
	t.Helper()
	if got, want := allLocals(t, s), allLocals(t, archive); got != want {
		t.Fatalf("version %d: local records\n%s\narchive\n%s", h, got, want)
	}
	for _, k := range []string{"count/a", "count/b", "rec/c/7", "missing"} {
		got, err := s.GetLocal([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := archive.GetLocal([]byte(k)); !bytes.Equal(got, want) {
			t.Fatalf("version %d: local %q = %x, archive %x", h, k, got, want)
		}
	}
	durable := s.DurableVersion()
	for v := int64(1); v <= h; v++ {
		want := mustAt(t, archive, v)
		view, err := s.At(v)
		readable := v >= durable || checkpoints[v]
		if err != nil {
			if readable || !errors.Is(err, ErrVersionPruned) {
				t.Fatalf("version %d at head %d (durable %d): At: %v", v, h, durable, err)
			}
			continue
		}
		// A dropped version may still read when its root is another
		// readable version's (an unchanged state) or the checkpoint of
		// this block dropped it.
		if view.Root() != want.Root() {
			t.Fatalf("version %d: root %s, archive %s", v, view.Root(), want.Root())
		}
		if v < retiringFrom && !readable && !rootReadable(t, archive, s, want.Root(), checkpoints, durable, h) {
			t.Fatalf("version %d at head %d (durable %d) is readable between checkpoints", v, h, durable)
		}
		got := iterateAll(t, view, nil, nil, 0)
		if exp := iterateAll(t, want, nil, nil, 0); fmt.Sprint(got) != fmt.Sprint(exp) {
			t.Fatalf("version %d: %d pairs, archive %d", v, len(got), len(exp))
		}
		p, err := view.Prove([]byte("a/1"))
		if err != nil {
			t.Fatalf("version %d: prove: %v", v, err)
		}
		if _, err := VerifyProof(want.Root(), p); err != nil {
			t.Fatalf("version %d: proof: %v", v, err)
		}
	}
}

// rootReadable reports whether root is the root of a version expected to
// be readable.
func rootReadable(t *testing.T, archive, s *Store, root Hash, checkpoints map[int64]bool, durable, h int64) bool {
	for v := int64(1); v <= h; v++ {
		if (v >= durable || checkpoints[v]) && mustAt(t, archive, v).Root() == root {
			return true
		}
	}
	return root == EmptyRoot
}

// TestCheckpointCrash: a store killed between checkpoints reopens at its
// last checkpoint with that checkpoint's local records; the checkpoints
// read, the versions between them do not, and committing again from
// there gives the same roots.
func TestCheckpointCrash(t *testing.T) {
	dir := t.TempDir()
	o := Options{CheckpointInterval: 4}
	s := openOptsT(t, dir, o)
	archive := openT(t, "")
	block := func(st *Store, v int64) Hash {
		for i := range 30 {
			mustSet(t, st, fmt.Sprintf("k/%d/%d", v, i), fmt.Sprint(v*int64(i)))
		}
		mustSet(t, st, "height", fmt.Sprint(v))
		st.SetLocal([]byte("last"), []byte(fmt.Sprint(v)))
		return mustCommit(t, st)
	}
	for v := int64(1); v <= 10; v++ {
		if got, want := block(s, v), block(archive, v); got != want {
			t.Fatalf("version %d: root %s, archive %s", v, got, want)
		}
	}
	if s.Version() != 10 || s.DurableVersion() != 8 {
		t.Fatalf("version %d durable %d, want 10 and 8", s.Version(), s.DurableVersion())
	}
	// Before the crash, the versions since the checkpoint read.
	for _, v := range []int64{8, 9, 10} {
		if got := getS(t, mustAt(t, s, v).Get, "height"); string(got) != fmt.Sprint(v) {
			t.Fatalf("At(%d) height %q", v, got)
		}
	}
	s.crash()

	s = openOptsT(t, dir, o)
	if s.Version() != 8 || s.Root() != mustAt(t, archive, 8).Root() {
		t.Fatalf("reopened at version %d root %s, want 8 %s", s.Version(), s.Root(), mustAt(t, archive, 8).Root())
	}
	if got, _ := s.GetLocal([]byte("last")); string(got) != "8" {
		t.Fatalf("local record after the crash: %q, want the checkpoint's 8", got)
	}
	for v := int64(1); v <= 8; v++ {
		view, err := s.At(v)
		if v == 4 || v == 8 {
			if err != nil {
				t.Fatalf("checkpoint %d: %v", v, err)
			}
			if got := getS(t, view.Get, "height"); string(got) != fmt.Sprint(v) {
				t.Fatalf("checkpoint %d: height %q", v, got)
			}
			continue
		}
		if !errors.Is(err, ErrVersionPruned) {
			t.Fatalf("At(%d) between checkpoints: %v, want ErrVersionPruned", v, err)
		}
		if !strings.Contains(err.Error(), "every 4-th version") {
			t.Fatalf("At(%d): %v does not say which versions the node keeps", v, err)
		}
	}
	for v := int64(9); v <= 10; v++ {
		if got, want := block(s, v), mustAt(t, archive, v).Root(); got != want {
			t.Fatalf("replayed version %d: root %s, archive %s", v, got, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openOptsT(t, dir, o)
	if s.Version() != 10 {
		t.Fatalf("after Close, reopened at %d, want 10", s.Version())
	}
	// An archive open of the same directory reads it too, and offline
	// pruning skips the versions that were never written.
	s.Close()
	a := openT(t, dir)
	st, err := a.Prune(3)
	if err != nil {
		t.Fatalf("Prune of a checkpointed store: %v", err)
	}
	if st.KeptFrom != 8 {
		t.Fatalf("prune kept from %d, want 8", st.KeptFrom)
	}
	for _, v := range []int64{8, 10} {
		if got := getS(t, mustAt(t, a, v).Get, "height"); string(got) != fmt.Sprint(v) {
			t.Fatalf("after prune, At(%d) height %q", v, got)
		}
	}
}

// TestCheckpointMemoryBound: with a small bound, checkpoints come before
// the interval, and the memory held stays near the bound.
func TestCheckpointMemoryBound(t *testing.T) {
	const bound = 64 << 10
	s := openOptsT(t, t.TempDir(), Options{CheckpointInterval: 1000, MaxPendingBytes: bound})
	for v := int64(1); v <= 50; v++ {
		for i := range 100 {
			mustSet(t, s, fmt.Sprintf("k/%d/%d", v, i), fmt.Sprintf("%d/%d/%s", v, i, strings.Repeat("x", 40)))
		}
		mustCommit(t, s)
		if p := s.pendingBytes(); p > 4*bound {
			t.Fatalf("version %d: %d bytes pending, bound %d", v, p, bound)
		}
	}
	if s.DurableVersion() == 0 {
		t.Fatalf("no checkpoint in 50 versions with a %d-byte bound", bound)
	}
}

func TestCheckpointOptionErrors(t *testing.T) {
	for _, o := range []Options{{CheckpointInterval: -1}, {MaxPendingBytes: -5}} {
		if _, err := OpenWith("", o); err == nil {
			t.Errorf("OpenWith(%+v) accepted", o)
		}
	}
}
