package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/state"
)

// source builds a committed state of n keys with values of varied sizes,
// some keys prefixes of others.
func source(t testing.TB, n int) *state.Store {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "src"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		k := fmt.Sprintf("notary/ev/%08d", rng.IntN(n*4))
		if i%7 == 0 {
			k = k[:len(k)-2]
		}
		v := bytes.Repeat([]byte{byte('a' + i%26)}, 20+rng.IntN(400))
		if err := s.Set([]byte(k), v); err != nil {
			t.Fatal(err)
		}
		if i%(n/4+1) == 0 {
			if _, err := s.Commit(s.Version() + 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.Commit(s.Version() + 1); err != nil {
		t.Fatal(err)
	}
	return s
}

func restoreInto(t *testing.T, sn *Snapshot, st *Store, trusted []byte) (*state.Store, error) {
	t.Helper()
	dst, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dst.Close() })
	m, err := ParseManifest(sn.Metadata, uint64(sn.Height), sn.Format, sn.Chunks, sn.Hash)
	if err != nil {
		return dst, err
	}
	x, err := StartRestore(dst, m, trusted)
	if err != nil {
		return dst, err
	}
	for i := range int(sn.Chunks) {
		c, err := st.Chunk(sn.Height, sn.Format, uint32(i))
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Apply(i, c); err != nil {
			x.Abort()
			return dst, err
		}
	}
	return dst, x.Finish(map[string][]byte{"app/block/time": []byte("t")})
}

func TestSnapshotRoundTrip(t *testing.T) {
	src := source(t, 30000) // about 7 MiB of pairs: two chunks
	view, err := src.At(0)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(filepath.Join(t.TempDir(), "snapshots"), 2)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := st.Create(view, Meta{ChainID: "c", AppVersion: 1, BlockTime: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if sn.Chunks < 2 || sn.Manifest.Keys == 0 {
		t.Fatalf("snapshot of %d chunks, %d keys", sn.Chunks, sn.Manifest.Keys)
	}
	root := view.Root()
	dst, err := restoreInto(t, sn, st, root[:])
	if err != nil {
		t.Fatal(err)
	}
	if dst.Version() != view.Version() || dst.Root() != root {
		t.Fatalf("restored %d %s, want %d %s", dst.Version(), dst.Root(), view.Version(), root)
	}

	// The listing gives it back, byte for byte.
	list, err := st.List()
	if err != nil || len(list) != 1 || !bytes.Equal(list[0].Hash, sn.Hash) || !bytes.Equal(list[0].Metadata, sn.Metadata) {
		t.Fatalf("list: %+v, %v", list, err)
	}

	t.Run("untrusted app hash", func(t *testing.T) {
		other := root
		other[5] ^= 1
		if _, err := restoreInto(t, sn, st, other[:]); !errors.Is(err, ErrBadManifest) {
			t.Fatalf("restore against another trusted hash: %v", err)
		}
	})
	t.Run("manifest lies about the state", func(t *testing.T) {
		// A manifest claiming the trusted root over other pairs: the
		// chunks match it, the root does not.
		var m Manifest
		json.Unmarshal(sn.Metadata, &m)
		other := root
		other[0] ^= 1
		m.AppHash = other.String()
		meta, _ := json.Marshal(m)
		lie := &Snapshot{Height: sn.Height, Format: Format, Chunks: sn.Chunks, Hash: Hash(meta), Metadata: meta}
		dst, err := restoreInto(t, lie, st, other[:])
		if !errors.Is(err, state.ErrRootMismatch) {
			t.Fatalf("restore of a lying manifest: %v", err)
		}
		if dst.Version() != 0 {
			t.Fatalf("after a refused snapshot the store is at %d", dst.Version())
		}
	})
	t.Run("metadata not matching the hash", func(t *testing.T) {
		if _, err := ParseManifest(sn.Metadata, uint64(sn.Height), sn.Format, sn.Chunks, make([]byte, 32)); !errors.Is(err, ErrBadManifest) {
			t.Fatalf("%v", err)
		}
		if _, err := ParseManifest(sn.Metadata, uint64(sn.Height+1), sn.Format, sn.Chunks, sn.Hash); !errors.Is(err, ErrBadManifest) {
			t.Fatalf("%v", err)
		}
		if _, err := ParseManifest(sn.Metadata, uint64(sn.Height), 2, sn.Chunks, sn.Hash); !errors.Is(err, ErrBadManifest) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("altered chunk", func(t *testing.T) {
		dst, _ := state.Open("")
		defer dst.Close()
		m, _ := ParseManifest(sn.Metadata, uint64(sn.Height), sn.Format, sn.Chunks, sn.Hash)
		x, err := StartRestore(dst, m, root[:])
		if err != nil {
			t.Fatal(err)
		}
		c, _ := st.Chunk(sn.Height, sn.Format, 0)
		bad := bytes.Clone(c)
		bad[len(bad)/2] ^= 1
		if err := x.Apply(0, bad); !IsSenderFault(err) {
			t.Fatalf("altered chunk: %v", err)
		}
		// The right bytes from another sender go on.
		if err := x.Apply(0, c); err != nil {
			t.Fatal(err)
		}
		if err := x.Apply(2, c); err == nil {
			t.Fatal("a chunk out of order was applied")
		}
		x.Abort()
	})

	// Pruning keeps the two newest, once the chunks served above are past
	// their hold (TestOfferedHeld).
	st.now = func() time.Time { return time.Now().Add(holdOffered) }
	for range 3 {
		if err := src.Set([]byte("notary/more"), []byte(fmt.Sprint(src.Version()))); err != nil {
			t.Fatal(err)
		}
		if _, err := src.Commit(src.Version() + 1); err != nil {
			t.Fatal(err)
		}
		v, _ := src.At(0)
		if _, err := st.Create(v, Meta{ChainID: "c", AppVersion: 1}); err != nil {
			t.Fatal(err)
		}
	}
	list, _ = st.List()
	if len(list) != 2 || list[0].Height != src.Version() || list[1].Height != src.Version()-1 {
		t.Fatalf("after pruning: %d snapshots", len(list))
	}
	if _, err := st.Chunk(sn.Height, Format, 0); err == nil {
		t.Fatal("a pruned snapshot's chunk is still served")
	}
}

func TestEmptySnapshot(t *testing.T) {
	src, _ := state.Open("")
	defer src.Close()
	if _, err := src.Commit(1); err != nil {
		t.Fatal(err)
	}
	v, _ := src.At(0)
	st, _ := Open(t.TempDir(), 0)
	sn, err := st.Create(v, Meta{ChainID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if sn.Chunks != 1 {
		t.Fatalf("%d chunks", sn.Chunks)
	}
	dst, err := restoreInto(t, sn, st, state.EmptyRoot[:])
	if err != nil || dst.Version() != 1 {
		t.Fatalf("restore: %v at %d", err, dst.Version())
	}
}

// FuzzDecodeChunk: no chunk makes the decoder panic or read past a
// record.
func FuzzDecodeChunk(f *testing.F) {
	var good []byte
	w := &chunkWriter{emit: func(data []byte, _ int64) error { good = data; return nil }}
	w.add([]byte("a"), []byte("b"))
	w.add([]byte("identity/org/x"), []byte(`{"id":"x"}`))
	w.flush()
	f.Add(good)
	f.Add(emptyChunk())
	f.Add([]byte{})
	f.Add([]byte{0x01, 0x02, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		var last []byte
		_, _ = decodeChunk(data, func(k, v []byte) error {
			if len(k) > len(data)*1100 || len(v) > MaxChunkRawBytes {
				t.Fatalf("record larger than its chunk could hold")
			}
			last = k
			return nil
		})
		_ = last
	})
}

// FuzzParseManifest: no metadata makes the parser panic; what it
// accepts has a valid root and chunk list.
func FuzzParseManifest(f *testing.F) {
	m := Manifest{Format: FormatName, ChainID: "c", Height: 5, AppHash: state.EmptyRoot.String(), Chunks: []Chunk{{SHA256: fmt.Sprintf("%064x", 1), Size: 3}}}
	good, _ := json.Marshal(m)
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"dengta-snapshot/1","height":5,"chunks":[]}`))
	f.Fuzz(func(t *testing.T, meta []byte) {
		got, err := ParseManifest(meta, 5, Format, 1, Hash(meta))
		if err != nil {
			return
		}
		if _, err := got.Root(); err != nil || len(got.Chunks) != 1 || got.Height != 5 {
			t.Fatalf("accepted %s", meta)
		}
	})
}

// TestOfferedHeld: a snapshot offered to a joining node outlives the keep
// newest for holdOffered after its last offer or chunk served (a node
// that chose it can fetch it), at most maxHeld of them; then it is pruned.
func TestOfferedHeld(t *testing.T) {
	src, _ := state.Open("")
	defer src.Close()
	st, err := Open(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1700000000, 0)
	st.now = func() time.Time { return clock }
	snap := func() int64 {
		t.Helper()
		if err := src.Set([]byte("notary/x"), []byte(fmt.Sprint(src.Version()))); err != nil {
			t.Fatal(err)
		}
		if _, err := src.Commit(src.Version() + 1); err != nil {
			t.Fatal(err)
		}
		v, _ := src.At(0)
		sn, err := st.Create(v, Meta{ChainID: "c", AppVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		return sn.Height
	}
	heights := func() []int64 {
		t.Helper()
		hs, err := st.heights()
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}
	a, b := snap(), snap()
	if _, err := st.Offer(); err != nil { // a joining node sees a and b
		t.Fatal(err)
	}
	c, d := snap(), snap()
	if hs := heights(); !slices.Equal(hs, []int64{d, c, b, a}) {
		t.Fatalf("offered snapshots pruned: %v", hs)
	}
	// It fetches b (a chunk served holds it on); a is not asked for.
	clock = clock.Add(3 * time.Minute)
	if _, err := st.Chunk(b, Format, 0); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(3 * time.Minute) // a's hold is over, b's is not
	e := snap()
	if hs := heights(); !slices.Equal(hs, []int64{e, d, b}) {
		t.Fatalf("after a's hold: %v, want %v", hs, []int64{e, d, b})
	}
	clock = clock.Add(holdOffered)
	f := snap()
	if hs := heights(); !slices.Equal(hs, []int64{f, e}) {
		t.Fatalf("after every hold: %v", hs)
	}
	// However often a node asks, at most maxHeld are held beyond the keep.
	for range maxHeld + 5 {
		snap()
		if _, err := st.Offer(); err != nil {
			t.Fatal(err)
		}
	}
	snap()
	if n := len(heights()); n != 2+maxHeld {
		t.Fatalf("%d snapshots kept, want %d", n, 2+maxHeld)
	}
}
