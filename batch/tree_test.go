package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

// rawTree builds a tree over arbitrary leaf data, bypassing items, for the
// published vectors.
func rawTree(leaves [][]byte) *Tree {
	hs := make([]byte, 0, len(leaves)*HashSize)
	for _, l := range leaves {
		hs = append(hs, HashLeaf(l)...)
	}
	t := &Tree{}
	t.grow(hs)
	return t
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestRFC6962Vectors checks roots and paths against the published vectors
// (transparency-dev/merkle's testonly constants, which are the CT test
// vectors) and against that library's own tree.
func TestRFC6962Vectors(t *testing.T) {
	if got := sha256.Sum256(nil); !bytes.Equal(got[:], testonly.EmptyRootHash()) {
		t.Fatalf("empty root %x", got)
	}
	if _, err := Build(nil); err == nil || !strings.Contains(err.Error(), "no items") {
		t.Fatalf("Build(nil): %v, want a no-items error (an empty batch has nothing to prove)", err)
	}
	leaves, roots := testonly.LeafInputs(), testonly.RootHashes()
	for i, l := range leaves {
		if got, want := HashLeaf(l), testonly.NodeHashes()[0][i]; !bytes.Equal(got, want) {
			t.Fatalf("leaf %d hash %x, want %x", i, got, want)
		}
	}
	for n := 1; n <= len(leaves); n++ {
		tr := rawTree(leaves[:n])
		if !bytes.Equal(tr.Root(), roots[n]) {
			t.Errorf("size %d: root %x, want %x", n, tr.Root(), roots[n])
		}
		ref := testonly.New(rfc6962.DefaultHasher)
		ref.AppendData(leaves[:n]...)
		for i := range uint64(n) {
			got, err := tr.path(i)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ref.InclusionProof(i, uint64(n))
			if !equalPaths(got, want) {
				t.Errorf("size %d leaf %d: path %x, want %x", n, i, got, want)
			}
		}
	}
	// Inclusion vectors of transparency-dev/merkle (proof/verify_test.go);
	// leaf numbers there are 1-based.
	for _, v := range []struct {
		leaf, size uint64
		path       []string
	}{
		{1, 1, nil},
		{1, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{6, 8, []string{"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{3, 3, []string{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
		{2, 5, []string{"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	} {
		tr := rawTree(leaves[:v.size])
		got, err := tr.path(v.leaf - 1)
		if err != nil {
			t.Fatal(err)
		}
		var want [][]byte
		for _, h := range v.path {
			want = append(want, unhex(h))
		}
		if !equalPaths(got, want) {
			t.Errorf("leaf %d of %d: path %x, want %x", v.leaf, v.size, got, want)
		}
		root, err := RootFromPath(leaves[v.leaf-1], v.leaf-1, v.size, want)
		if err != nil || !bytes.Equal(root, roots[v.size]) {
			t.Errorf("leaf %d of %d: RootFromPath = %x, %v; want %x", v.leaf, v.size, root, err, roots[v.size])
		}
	}
}

func equalPaths(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// ref is a naive RFC 6962 (section 2.1) implementation, straight from the
// definitions of MTH and PATH, memoised per subtree so that big trees stay
// affordable.
type ref struct {
	leaves [][]byte
	memo   map[[2]int][]byte
}

func newRef(leaves [][]byte) *ref { return &ref{leaves: leaves, memo: map[[2]int][]byte{}} }

// split is the largest power of two smaller than n (n > 1).
func split(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

// mth is MTH(D[lo:lo+n]).
func (r *ref) mth(lo, n int) []byte {
	if h, ok := r.memo[[2]int{lo, n}]; ok {
		return h
	}
	var h []byte
	switch n {
	case 0:
		s := sha256.Sum256(nil)
		h = s[:]
	case 1:
		s := sha256.Sum256(append([]byte{0}, r.leaves[lo]...))
		h = s[:]
	default:
		k := split(n)
		s := sha256.Sum256(append(append([]byte{1}, r.mth(lo, k)...), r.mth(lo+k, n-k)...))
		h = s[:]
	}
	r.memo[[2]int{lo, n}] = h
	return h
}

// path is PATH(m, D[lo:lo+n]).
func (r *ref) path(m, lo, n int) [][]byte {
	if n == 1 {
		return nil
	}
	k := split(n)
	if m < k {
		return append(r.path(m, lo, k), r.mth(lo+k, n-k))
	}
	return append(r.path(m-k, lo+k, n-k), r.mth(lo, k))
}

// dirs is the side of each sibling on the path of leaf m in a tree of n,
// bottom up: what a verifier's computation depends on, besides the hashes.
func dirs(m, n int) string {
	if n == 1 {
		return ""
	}
	k := split(n)
	if m < k {
		return dirs(m, k) + "R"
	}
	return dirs(m-k, n-k) + "L"
}

func randomItems(rng *rand.Rand, n int) []Item {
	items := make([]Item, n)
	var content [16]byte
	for i := range items {
		for j := range content {
			content[j] = byte(rng.Uint32())
		}
		items[i] = ItemForContent(content[:], fmt.Sprintf("file-%d.bin", i), "application/octet-stream", "")
		if i%3 == 0 {
			items[i].Name, items[i].MediaType = "", ""
		}
	}
	return items
}

func leavesOf(items []Item) [][]byte {
	out := make([][]byte, len(items))
	for i, it := range items {
		out[i] = it.Leaf()
	}
	return out
}

// TestModel compares Build's roots and receipts with the naive
// implementation, on every size up to 300 and on sizes that use the
// parallel paths.
func TestModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{}
	for n := 1; n <= 300; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 1023, 1024, 1025, 8191, 8192, 8193, 20_001)
	for _, n := range sizes {
		items := randomItems(rng, n)
		tr, err := Build(items)
		if err != nil {
			t.Fatal(err)
		}
		model := newRef(leavesOf(items))
		if want := model.mth(0, n); !bytes.Equal(tr.Root(), want) {
			t.Fatalf("size %d: root %x, model %x", n, tr.Root(), want)
		}
		if tr.Size() != uint64(n) {
			t.Fatalf("size %d: Size() = %d", n, tr.Size())
		}
		idx := []int{0, n - 1, n / 2, rng.IntN(n)}
		if n <= 300 {
			idx = idx[:0]
			for i := range n {
				idx = append(idx, i)
			}
		}
		for _, i := range idx {
			r, err := tr.Receipt(uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			if want := model.path(i, 0, n); !equalPaths(r.Hashes, want) {
				t.Fatalf("size %d leaf %d: path %x, model %x", n, i, r.Hashes, want)
			}
			if r.Item != items[i] || r.Index != uint64(i) || r.Size != uint64(n) || r.Root != hex.EncodeToString(tr.Root()) {
				t.Fatalf("size %d leaf %d: receipt %+v", n, i, r)
			}
		}
	}
}

// TestReceiptsVerifyAndTamper: every receipt of trees of sizes 1..300
// verifies, and stops verifying when its item, index, size, root or any
// byte of its path changes. Every receipt gets one change of each kind
// (drawn at random); trees up to 64 items get every kind of change on every
// receipt, and one receipt per tree gets every path byte flipped.
func TestReceiptsVerifyAndTamper(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sameShape := 0
	for n := 1; n <= 300; n++ {
		items := randomItems(rng, n)
		tr, err := Build(items)
		if err != nil {
			t.Fatal(err)
		}
		everyByte := rng.IntN(n)
		for i := range n {
			r, err := tr.Receipt(uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Verify(); err != nil {
				t.Fatalf("size %d leaf %d: %v", n, i, err)
			}
			type change struct {
				what string
				edit func(r *Receipt)
			}
			kinds := [][]change{
				{ // the item
					{"another name", func(r *Receipt) { r.Item.Name += "x" }},
					{"another file size", func(r *Receipt) { r.Item.Size++ }},
					{"another sha256", func(r *Receipt) { r.Item.SHA256 = flipHex(r.Item.SHA256, rng.IntN(64)) }},
					{"another sm3", func(r *Receipt) { r.Item.SM3 = flipHex(r.Item.SM3, rng.IntN(64)) }},
					{"another meta", func(r *Receipt) { r.Item.Meta = "x" }},
				},
				{ // the root
					{"another root", func(r *Receipt) { r.Root = flipHex(r.Root, rng.IntN(64)) }},
				},
				{ // the index
					{"index out of range", func(r *Receipt) { r.Index = r.Size }},
					{"index+1", func(r *Receipt) { r.Index = uint64((i + 1) % n) }},
					{"index-1", func(r *Receipt) { r.Index = uint64((i + n - 1) % n) }},
				},
				{ // the size, where it shows (see below)
					{"size 0", func(r *Receipt) { r.Size = 0 }},
				},
				{ // the path
					{"an extra hash", func(r *Receipt) { r.Hashes = append(r.Hashes, make([]byte, 32)) }},
				},
			}
			if n > 1 {
				kinds[4] = append(kinds[4],
					change{"a dropped hash", func(r *Receipt) { r.Hashes = r.Hashes[:len(r.Hashes)-1] }},
					change{"a short hash", func(r *Receipt) { r.Hashes[0] = r.Hashes[0][:31] }},
					change{"a flipped path byte", func(r *Receipt) { r.Hashes[rng.IntN(len(r.Hashes))][rng.IntN(32)] ^= 1 << rng.IntN(8) }},
				)
			}
			if n == 1 {
				kinds[2] = kinds[2][:1] // the only index
			}
			for _, kind := range kinds {
				changes := kind
				if n > 64 {
					k := rng.IntN(len(kind))
					changes = kind[k : k+1]
				}
				for _, c := range changes {
					tampered := cloneReceipt(r)
					c.edit(tampered)
					if err := tampered.Verify(); err == nil {
						t.Fatalf("size %d leaf %d: receipt with %s verifies", n, i, c.what)
					}
				}
			}
			// RFC 6962 paths do not commit to the tree size: the same path
			// proves leaf i in another size whenever its siblings fall on
			// the same sides. Receipt.Verify catches every other size; the
			// size itself is checked against the batch record (proof
			// bundles do that).
			sizes := []int{n - 1, n + 1, 2 * n}
			if n > 64 {
				sizes = sizes[rng.IntN(3):][:1]
			}
			for _, m := range sizes {
				tampered := cloneReceipt(r)
				tampered.Size = uint64(m)
				err := tampered.Verify()
				switch {
				case m > i && dirs(i, n) == dirs(i, m):
					sameShape++
					if err != nil {
						t.Fatalf("size %d leaf %d: the same-shaped path in size %d fails: %v", n, i, m, err)
					}
				case err == nil:
					t.Fatalf("size %d leaf %d: receipt with size %d verifies", n, i, m)
				}
			}
			if i == everyByte {
				for k := range r.Hashes {
					for b := range 32 {
						tampered := cloneReceipt(r)
						tampered.Hashes[k][b] ^= 0x80
						if tampered.Verify() == nil {
							t.Fatalf("size %d leaf %d: flipping byte %d of hash %d still verifies", n, i, b, k)
						}
					}
				}
			}
		}
	}
	t.Logf("%d size changes keep the path's shape: only the batch record's size catches them", sameShape)
}

func cloneReceipt(r *Receipt) *Receipt {
	c := *r
	c.Hashes = make([][]byte, len(r.Hashes))
	for i, h := range r.Hashes {
		c.Hashes[i] = bytes.Clone(h)
	}
	return &c
}

// flipHex changes hex digit i to another lowercase hex digit.
func flipHex(s string, i int) string {
	b := []byte(s)
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

// TestTenThousandItems: every one of 10,000 receipts verifies, also after a
// JSON round trip, and against the transparency-dev verifier.
func TestTenThousandItems(t *testing.T) {
	const n = 10_000
	items := randomItems(rand.New(rand.NewPCG(5, 6)), n)
	tr, err := Build(items)
	if err != nil {
		t.Fatal(err)
	}
	for i := range uint64(n) {
		r, err := tr.Receipt(i)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Verify(); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, n, rfc6962.DefaultHasher.HashLeaf(items[i].Leaf()), r.Hashes, tr.Root()); err != nil {
			t.Fatalf("item %d: transparency-dev verifier: %v", i, err)
		}
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Receipt
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if err := back.Verify(); err != nil {
			t.Fatalf("item %d after JSON: %v", i, err)
		}
	}
}

func TestReceiptJSON(t *testing.T) {
	tr, err := Build([]Item{goodItem(), ItemForContent([]byte("b"), "", "", "")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := tr.Receipt(1)
	if err != nil {
		t.Fatal(err)
	}
	r.BatchID = "b-1"
	raw, _ := json.Marshal(r)
	for _, field := range []string{`"item":{"sha256":`, `"index":1`, `"size":2`, `"merkle_root":"` + hex.EncodeToString(tr.Root()) + `"`, `"hashes":["`, `"batch_id":"b-1"`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("receipt JSON %s lacks %s", raw, field)
		}
	}
	if _, err := tr.Receipt(2); err == nil {
		t.Fatal("receipt past the end")
	}
	if it, err := tr.Item(0); err != nil || it != goodItem() {
		t.Fatalf("Item(0) = %+v, %v", it, err)
	}
}

func TestBuildErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	// Invalid items are reported by index, the first one when several are
	// bad (in parallel chunks too).
	for _, n := range []int{5, 20_000} {
		items := randomItems(rng, n)
		bad := []int{n - 2, n - 1}
		if n > 10 {
			bad = []int{12_345, 19_000}
		}
		items[bad[0]].SHA256 = "nothex"
		items[bad[1]].SM3 = ""
		_, err := Build(items)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("item %d: sha256", bad[0])) {
			t.Fatalf("%d items: err = %v, want item %d's sha256 named", n, err, bad[0])
		}
	}
	// The tree keeps its own copy of the items.
	items := randomItems(rng, 4)
	tr, err := Build(items)
	if err != nil {
		t.Fatal(err)
	}
	items[2].Name = "changed"
	r, _ := tr.Receipt(2)
	if err := r.Verify(); err != nil || r.Item.Name == "changed" {
		t.Fatalf("changing the caller's slice reached the tree: %+v %v", r.Item, err)
	}
	// The tree size bound (a 10,000,001-item slice is too big to build here).
	if MaxItems != 10_000_000 {
		t.Fatalf("MaxItems = %d", MaxItems)
	}
	for _, tt := range []struct {
		leaf        []byte
		index, size uint64
		hashes      [][]byte
		want        string
	}{
		{nil, 0, 0, nil, "tree size 0"},
		{nil, 3, 3, nil, "index 3 is outside"},
		{nil, 0, 2, nil, "path has 0 hashes"},
		{nil, 0, 2, [][]byte{make([]byte, 33)}, "has 33 bytes"},
	} {
		if _, err := RootFromPath(tt.leaf, tt.index, tt.size, tt.hashes); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("RootFromPath(%d, %d): %v, want %q", tt.index, tt.size, err, tt.want)
		}
	}
}

// TestBuildLargeTree builds 200,000 items (the target is well under a
// second) and logs the time; it does not fail on time, the machine is
// shared.
func TestBuildLargeTree(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	items := randomItems(rand.New(rand.NewPCG(9, 10)), 200_000)
	start := time.Now()
	tr, err := Build(items)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d items in %v", tr.Size(), time.Since(start))
	r, _ := tr.Receipt(123_456)
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
}

func benchItems(n int) []Item {
	return randomItems(rand.New(rand.NewPCG(11, 12)), n)
}

func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{100_000, 200_000} {
		items := benchItems(n)
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(items); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

func BenchmarkReceiptVerify(b *testing.B) {
	const n = 100_000
	tr, err := Build(benchItems(n))
	if err != nil {
		b.Fatal(err)
	}
	receipts := make([]*Receipt, 1024)
	for i := range receipts {
		if receipts[i], err = tr.Receipt(uint64(i * 97)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := receipts[i%len(receipts)].Verify(); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkReceipt(b *testing.B) {
	const n = 100_000
	tr, err := Build(benchItems(n))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := uint64(0)
	for b.Loop() {
		if _, err := tr.Receipt(i % n); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}
