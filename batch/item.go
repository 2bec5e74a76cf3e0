// Package batch aggregates many evidence items into one RFC 6962 Merkle
// tree, so that a depositor can preserve (存证) any number of files with one
// transaction: only the tree's root and size go on chain (a module's batch
// record), and each item gets a Receipt carrying its inclusion path.
//
// The tree is the Certificate Transparency tree of RFC 6962 section 2.1 with
// SHA-256, exactly as github.com/transparency-dev/merkle computes it: a leaf
// hashes as SHA-256(0x00 || leaf data), an interior node as
// SHA-256(0x01 || left || right), and a tree of n leaves splits at the
// largest power of two below n. Anyone can therefore check a receipt with
// any RFC 6962 implementation, given the leaf data.
//
// The leaf data of an Item is its canonical encoding (Item.Leaf): the JSON
// of the Item struct, fields in their fixed order, empty optional fields
// left out. An Item names a file by both its SHA-256 and its SM3 digest
// (lowercase hex), so that a verifier can check the file with either
// algorithm; the file itself never leaves its owner.
//
// The chain of evidence for one file is: file → its digests → the Item's
// leaf → the inclusion path → the batch root → the Batch record on chain →
// the state proof → the app hash → the signed header → the trusted
// validator set. Package proof carries the last steps (proof bundles, with
// an optional batch inclusion) and checks all of them offline.
package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
)

// ItemFormat names the leaf encoding of Item (Item.Leaf), for records and
// receipts that need to say how their leaves are to be read.
const ItemFormat = "dengta-batch-item/1"

// Bounds on an Item's optional text fields, in bytes.
const (
	MaxNameLen      = 1024
	MaxMediaTypeLen = 255
	MaxMetaLen      = 4096
)

// Item describes one preserved file. The field order is part of the leaf
// encoding and must never change.
type Item struct {
	// SHA256 and SM3 are the file's digests, 64 lowercase hex digits each.
	SHA256 string `json:"sha256"`
	SM3    string `json:"sm3"`
	// Name is the file name or a reference chosen by the depositor.
	Name string `json:"name,omitempty"`
	// Size is the file's length in bytes (0 is left out of the leaf).
	Size int64 `json:"size,omitempty"`
	// MediaType is the file's MIME type, such as "application/pdf".
	MediaType string `json:"media_type,omitempty"`
	// Meta is free text (often JSON) the depositor wants bound to the file.
	Meta string `json:"meta,omitempty"`
}

// ItemForContent describes content held in memory, computing both digests.
func ItemForContent(content []byte, name, mediaType, meta string) Item {
	s := sha256.Sum256(content)
	m := sm3.Sum(content)
	return Item{
		SHA256:    hex.EncodeToString(s[:]),
		SM3:       hex.EncodeToString(m[:]),
		Name:      name,
		Size:      int64(len(content)),
		MediaType: mediaType,
		Meta:      meta,
	}
}

// HashReader reads r to its end and returns its SHA-256 and SM3 digests
// (lowercase hex) and its length, in one streaming pass: files of any size
// can be hashed in constant memory.
func HashReader(r io.Reader) (sha256hex, sm3hex string, size int64, err error) {
	s, m := sha256.New(), sm3.New()
	w := io.MultiWriter(s, m)
	buf := copyBuffers.Get().(*[]byte)
	size, err = io.CopyBuffer(w, r, *buf)
	copyBuffers.Put(buf)
	if err != nil {
		return "", "", size, fmt.Errorf("read: %w", err)
	}
	return hex.EncodeToString(s.Sum(nil)), hex.EncodeToString(m.Sum(nil)), size, nil
}

// copyBuffers holds HashReader's read buffers: big enough for few reads
// on large files, too big to allocate for every small one.
var copyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 256<<10)
	return &b
}}

// Validate checks that the item can be a leaf: both digests are 64
// lowercase hex digits, the size is not negative, and the text fields are
// valid UTF-8 within their bounds (so that their JSON decodes back to the
// same item, and the same leaf).
func (it Item) Validate() error {
	if err := checkHex64("sha256", it.SHA256); err != nil {
		return err
	}
	if err := checkHex64("sm3", it.SM3); err != nil {
		return err
	}
	if it.Size < 0 {
		return fmt.Errorf("size %d is negative", it.Size)
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"name", it.Name, MaxNameLen}, {"media_type", it.MediaType, MaxMediaTypeLen}, {"meta", it.Meta, MaxMetaLen}} {
		if len(f.v) > f.max {
			return fmt.Errorf("%s has %d bytes, at most %d allowed", f.name, len(f.v), f.max)
		}
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
	}
	return nil
}

// checkHex64 checks a 32-byte digest in lowercase hex.
func checkHex64(field, s string) error {
	if len(s) != 64 {
		return fmt.Errorf("%s must be 64 lowercase hex digits, got %d characters", field, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !lowerHex[s[i]] {
			return fmt.Errorf("%s must be 64 lowercase hex digits, found %q at position %d", field, s[i], i)
		}
	}
	return nil
}

var lowerHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdef" {
		t[c] = true
	}
	return t
}()

// Leaf returns the item's canonical leaf data: json.Marshal of the Item
// struct. The encoding is compact, keeps the fields in their declared
// order (sha256, sm3, name, size, media_type, meta) and leaves out empty
// optional fields, so the same item always gives the same bytes. Strings
// are escaped as Go's encoding/json escapes them, "<", ">" and "&" as
// \u003c, \u003e and \u0026 included: an encoder in another language must
// do the same to give the same leaf. Validate the item first: invalid
// UTF-8 would be replaced in the encoding.
func (it Item) Leaf() []byte {
	b, err := json.Marshal(it)
	if err != nil {
		// Strings and an integer always encode.
		panic(fmt.Sprintf("batch: encode item: %v", err))
	}
	return b
}

// leafHasher hashes leaves the RFC 6962 way, reusing its state.
type leafHasher struct{ h hash.Hash }

func newLeafHasher() *leafHasher { return &leafHasher{h: sha256.New()} }

// sum appends SHA-256(0x00 || data) to dst.
func (l *leafHasher) sum(dst, data []byte) []byte {
	l.h.Reset()
	l.h.Write([]byte{leafPrefix})
	l.h.Write(data)
	return l.h.Sum(dst)
}

// RFC 6962 domain separation.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// HashLeaf returns the RFC 6962 hash of leaf data: SHA-256(0x00 || leaf).
func HashLeaf(leaf []byte) []byte {
	return newLeafHasher().sum(make([]byte, 0, HashSize), leaf)
}

// HashSize is the length of every hash in the tree.
const HashSize = sha256.Size
