package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// MaxItems is the largest batch Build accepts.
const MaxItems = 10_000_000

// Tree is a built batch: its items and every node hash of its RFC 6962
// Merkle tree. Node hashes take about 64 bytes per item (the leaf level,
// then half as many at each level above); the tree also keeps its own copy
// of the item list, so receipts always match the root whatever happens to
// the caller's slice. A Tree is read-only and safe for concurrent use.
type Tree struct {
	items []Item
	// levels[k] holds, back to back, the hashes of the size>>k perfect
	// subtrees of 2^k leaves that start at multiples of 2^k: levels[0] are
	// the leaf hashes. These are all the non-ephemeral nodes of the tree,
	// which is every node an inclusion proof needs.
	levels [][]byte
	root   []byte
}

// Build validates items and builds their tree. It needs 1 to MaxItems
// items; an invalid item is reported with its index. Leaf encoding and
// hashing run on all CPUs.
func Build(items []Item) (*Tree, error) {
	n := len(items)
	if n == 0 {
		return nil, errors.New("batch: no items (a batch needs at least one)")
	}
	if n > MaxItems {
		return nil, fmt.Errorf("batch: %d items, at most %d per batch", n, MaxItems)
	}
	t := &Tree{items: append([]Item(nil), items...)}
	leaves := make([]byte, n*HashSize)
	if err := parallel(n, 4096, func(lo, hi int) error {
		lh := newLeafHasher()
		for i := lo; i < hi; i++ {
			it := &t.items[i]
			if err := it.Validate(); err != nil {
				return fmt.Errorf("batch: item %d: %w", i, err)
			}
			lh.sum(leaves[i*HashSize:i*HashSize], it.Leaf())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	t.grow(leaves)
	return t, nil
}

// grow computes every level above the leaf hashes, and the root.
func (t *Tree) grow(leaves []byte) {
	t.levels = append(t.levels[:0], leaves)
	for below := leaves; len(below) >= 2*HashSize; {
		m := len(below) / (2 * HashSize)
		level := make([]byte, m*HashSize)
		_ = parallel(m, 8192, func(lo, hi int) error {
			var buf [1 + 2*HashSize]byte
			buf[0] = nodePrefix
			for j := lo; j < hi; j++ {
				copy(buf[1:], below[2*j*HashSize:(2*j+2)*HashSize])
				s := sha256.Sum256(buf[:])
				copy(level[j*HashSize:], s[:])
			}
			return nil
		})
		t.levels = append(t.levels, level)
		below = level
	}
	t.root = t.rootHash()
}

// parallel runs f over [0, n) in chunks of at least minChunk, on up to
// GOMAXPROCS goroutines, and returns the error of the lowest failing chunk.
func parallel(n, minChunk int, f func(lo, hi int) error) error {
	workers := runtime.GOMAXPROCS(0)
	if n < 2*minChunk || workers == 1 {
		return f(0, n)
	}
	chunks := min(workers, n/minChunk)
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for c := range chunks {
		lo, hi := c*n/chunks, (c+1)*n/chunks
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[c] = f(lo, hi)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// node returns the hash of a non-ephemeral node.
func (t *Tree) node(id compact.NodeID) []byte {
	off := id.Index * HashSize
	return t.levels[id.Level][off : off+HashSize : off+HashSize]
}

// rootHash folds the perfect subtrees along the right border: the root of
// an RFC 6962 tree of any size.
func (t *Tree) rootHash() []byte {
	ids := compact.RangeNodes(0, t.Size(), nil)
	h := bytes.Clone(t.node(ids[len(ids)-1]))
	for i := len(ids) - 2; i >= 0; i-- {
		h = hashChildren(t.node(ids[i]), h)
	}
	return h
}

func hashChildren(l, r []byte) []byte {
	var buf [1 + 2*HashSize]byte
	buf[0] = nodePrefix
	copy(buf[1:], l)
	copy(buf[1+HashSize:], r)
	s := sha256.Sum256(buf[:])
	return s[:]
}

// Root returns the tree's root hash (32 bytes, a copy).
func (t *Tree) Root() []byte { return bytes.Clone(t.root) }

// Size returns the number of items.
func (t *Tree) Size() uint64 { return uint64(len(t.levels[0]) / HashSize) }

// Item returns item i as given to Build.
func (t *Tree) Item(i uint64) (Item, error) {
	if i >= t.Size() {
		return Item{}, fmt.Errorf("batch: item %d of a batch of %d", i, t.Size())
	}
	return t.items[i], nil
}

// Receipt returns item i's receipt: the item, its position, the tree size
// and root, and its inclusion path (the RFC 6962 audit path, bottom up).
func (t *Tree) Receipt(i uint64) (*Receipt, error) {
	if i >= t.Size() {
		return nil, fmt.Errorf("batch: receipt for item %d of a batch of %d", i, t.Size())
	}
	hashes, err := t.path(i)
	if err != nil {
		return nil, err
	}
	return &Receipt{
		Item:   t.items[i],
		Index:  i,
		Size:   t.Size(),
		Root:   hex.EncodeToString(t.root),
		Hashes: hashes,
	}, nil
}

// path returns the inclusion path of leaf i: proof.Inclusion names the
// nodes, all of them stored, and Rehash folds those that stand for the
// ephemeral node on the right border.
func (t *Tree) path(i uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(i, t.Size())
	if err != nil {
		return nil, fmt.Errorf("batch: inclusion path: %w", err)
	}
	hashes := make([][]byte, len(nodes.IDs))
	for k, id := range nodes.IDs {
		hashes[k] = bytes.Clone(t.node(id))
	}
	if hashes, err = nodes.Rehash(hashes, hashChildren); err != nil {
		return nil, fmt.Errorf("batch: inclusion path: %w", err)
	}
	return hashes, nil
}

// Receipt proves that one item is in a batch: with the item's leaf and the
// path, anyone recomputes the batch root. On its own it shows only that the
// item belongs to the tree with root Root; that the root was deposited on
// chain, and when, is shown by a proof bundle of the Batch record (package
// proof), into which a receipt can be folded.
type Receipt struct {
	Item   Item     `json:"item"`
	Index  uint64   `json:"index"`
	Size   uint64   `json:"size"`
	Root   string   `json:"merkle_root"` // 64 lowercase hex digits
	Hashes [][]byte `json:"hashes"`      // the inclusion path, bottom up
	// BatchID names the batch record on chain, when known.
	BatchID string `json:"batch_id,omitempty"`
}

// Verify recomputes the root from the item's leaf and the path and
// compares it with Root.
//
// RFC 6962 paths do not commit to the tree size: a path for index i can
// also be a valid path for i in some other sizes (whenever its siblings
// fall on the same sides), so Verify cannot catch every change of Size.
// The size that counts is the batch record's; proof bundles check that the
// two are equal.
func (r *Receipt) Verify() error {
	if err := r.Item.Validate(); err != nil {
		return fmt.Errorf("batch receipt: item: %w", err)
	}
	if err := checkHex64("merkle_root", r.Root); err != nil {
		return fmt.Errorf("batch receipt: %w", err)
	}
	want, _ := hex.DecodeString(r.Root)
	got, err := RootFromPath(r.Item.Leaf(), r.Index, r.Size, r.Hashes)
	if err != nil {
		return fmt.Errorf("batch receipt: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("batch receipt: the item and path lead to root %x, the receipt says %s", got, r.Root)
	}
	return nil
}

// RootFromPath computes the root of the tree of size leaves in which leaf
// data sits at index, given its inclusion path (RFC 6962 leaf hashing; the
// path's length must be exactly what index and size call for).
func RootFromPath(leaf []byte, index, size uint64, hashes [][]byte) ([]byte, error) {
	if size == 0 {
		return nil, errors.New("tree size 0: an empty tree includes nothing")
	}
	if index >= size {
		return nil, fmt.Errorf("index %d is outside a tree of size %d", index, size)
	}
	if want := pathLen(index, size); len(hashes) != want {
		return nil, fmt.Errorf("path has %d hashes, index %d in a tree of size %d needs %d", len(hashes), index, size, want)
	}
	for i, h := range hashes {
		if len(h) != HashSize {
			return nil, fmt.Errorf("path hash %d has %d bytes, want %d", i, len(h), HashSize)
		}
	}
	return proof.RootFromInclusionProof(rfc6962.DefaultHasher, index, size, HashLeaf(leaf), hashes)
}

// pathLen is the length of the inclusion path of index in a tree of size.
func pathLen(index, size uint64) int {
	inner := bits.Len64(index ^ (size - 1))
	return inner + bits.OnesCount64(index>>uint(inner))
}
