package proof

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/batch"
)

// Inclusion is the batch inclusion of one item, carried by a bundle whose
// proven value is the batch record: the item's leaf data and its RFC 6962
// inclusion path to the record's merkle_root.
type Inclusion struct {
	// Leaf is the item's leaf data, batch.Item.Leaf: JSON, carried as JSON
	// (indented in the bundle; the leaf is its compact form).
	Leaf json.RawMessage `json:"leaf"`
	// Index is the item's position in the batch, Size the batch's size.
	Index uint64 `json:"index"`
	Size  uint64 `json:"size"`
	// Hashes is the inclusion path, bottom up.
	Hashes [][]byte `json:"hashes"`
}

// WithInclusion returns a copy of b, a bundle proving a batch record,
// carrying the batch inclusion of r's item, sealed. It checks first that r
// verifies and is a receipt for that record's batch (same merkle_root and
// size). b itself is not changed, so one bundle of a batch record serves
// every item of the batch. b should come from New or Parse, which put it
// in canonical form; the copy stays in it without another round trip.
func WithInclusion(b *Bundle, r *batch.Receipt) (*Bundle, error) {
	if b == nil || r == nil {
		return nil, errors.New("proof: WithInclusion needs a bundle and a receipt")
	}
	if err := r.Verify(); err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	if b.Value == nil {
		return nil, fmt.Errorf("proof: the bundle proves that %q is absent; a batch inclusion needs a bundle of the batch record", b.Key)
	}
	rec, err := parseBatchRecord(b.Value)
	if err != nil {
		return nil, fmt.Errorf("proof: the value of %q is not a batch record: %w", b.Key, err)
	}
	if r.Root != rec.root || r.Size != rec.size {
		return nil, fmt.Errorf("proof: the receipt is for the batch with root %s and %d items, the record %q has root %s and %d items", r.Root, r.Size, b.Key, rec.root, rec.size)
	}
	if rec.format != "" && rec.format != batch.ItemFormat {
		return nil, fmt.Errorf("proof: the record %q has items in format %q, receipts are for %q", b.Key, rec.format, batch.ItemFormat)
	}
	c := b.clone()
	c.Inclusion = &Inclusion{Leaf: r.Item.Leaf(), Index: r.Index, Size: r.Size}
	for _, h := range r.Hashes {
		c.Inclusion.Hashes = append(c.Inclusion.Hashes, bytes.Clone(h))
	}
	if _, err := c.encode(); err != nil {
		return nil, err
	}
	return c, nil
}

// clone is a deep copy of b.
func (b *Bundle) clone() *Bundle {
	c := *b
	c.Value = bytes.Clone(b.Value)
	c.Record = bytes.Clone(b.Record)
	c.Header = bytes.Clone(b.Header)
	c.Nodes = make([][]byte, len(b.Nodes))
	for i, n := range b.Nodes {
		c.Nodes[i] = bytes.Clone(n)
	}
	c.Validators = make([]Validator, len(b.Validators))
	for i, v := range b.Validators {
		v.PubKey = bytes.Clone(v.PubKey)
		c.Validators[i] = v
	}
	if b.Inclusion != nil {
		inc := *b.Inclusion
		inc.Leaf = bytes.Clone(inc.Leaf)
		inc.Hashes = make([][]byte, len(b.Inclusion.Hashes))
		for i, h := range b.Inclusion.Hashes {
			inc.Hashes[i] = bytes.Clone(h)
		}
		c.Inclusion = &inc
	}
	return &c
}

// checkInclusion is the "batch inclusion" check: the proven value is a
// batch record, and the item's leaf with its path leads to its root.
func checkInclusion(r *Report, inc *Inclusion, val []byte) error {
	const name = "batch inclusion"
	if val == nil {
		return r.Fail(name, "the bundle proves that %q is absent, so there is no batch record for the item to be in", r.Key)
	}
	rec, err := parseBatchRecord(val)
	if err != nil {
		return r.Fail(name, "the proven value of %q is not a batch record: %v", r.Key, err)
	}
	root := rec.root
	if inc.Size != rec.size {
		return r.Fail(name, "the inclusion is for a batch of %d items, but the batch record says %d", inc.Size, rec.size)
	}
	if rec.format != "" && rec.format != batch.ItemFormat {
		return r.Fail(name, "the batch record's items are in format %q; this verifier reads %q", rec.format, batch.ItemFormat)
	}
	var leaf bytes.Buffer
	if err := json.Compact(&leaf, inc.Leaf); err != nil {
		return r.Fail(name, "the item's leaf is not JSON: %v", err)
	}
	got, err := batch.RootFromPath(leaf.Bytes(), inc.Index, inc.Size, inc.Hashes)
	if err != nil {
		return r.Fail(name, "the item at index %d of %d: %v", inc.Index, inc.Size, err)
	}
	if hex.EncodeToString(got) != root {
		return r.Fail(name, "the leaf at index %d and its %d-hash path lead to root %x, but the batch record's merkle_root is %s: the item, its position or its path is not the batch's", inc.Index, len(inc.Hashes), got, root)
	}
	item, err := decodeItem(leaf.Bytes())
	if err != nil {
		return r.Fail(name, "the leaf is in the batch, but it is not a %s item: %v", batch.ItemFormat, err)
	}
	r.Batch = &BatchItem{Item: item, Index: inc.Index, Size: inc.Size, Root: root}
	r.Pass(name, "the item at index %d of %d (%s) leads through %d hashes to the batch record's merkle root %s", inc.Index, inc.Size, describeItem(item), len(inc.Hashes), root)
	return nil
}

// VerifyFile verifies a bundle as Verify does and then checks that file is
// the file it certifies ("file"): the file's SHA-256 and SM3 (computed
// while streaming it) must equal the digests of the subject, which is the
// batch item when the bundle carries an inclusion, else the proven record
// (its top-level "sha256" and "sm3"; a record with only one of them is
// checked on that one). A bundle proving absence certifies no file.
func VerifyFile(raw []byte, trust Trust, file io.Reader) (*Report, error) {
	r, err := verify(raw, trust)
	if err == nil {
		err = checkFile(r, file)
	}
	r.OK = err == nil
	return r, err
}

func checkFile(r *Report, file io.Reader) error {
	const name = "file"
	if file == nil {
		return r.Fail(name, "no file to check")
	}
	if !r.Exists {
		return r.Fail(name, "the bundle proves that %q is ABSENT from the state at height %d: an absence proof cannot certify a file", r.Key, r.Height)
	}
	var wantSHA, wantSM3, subject string
	var wantSize int64 // -1: no size to compare
	if r.Batch != nil {
		wantSHA, wantSM3, wantSize = r.Batch.Item.SHA256, r.Batch.Item.SM3, r.Batch.Item.Size
		if wantSize == 0 {
			wantSize = -1 // an item leaves an unknown size out
		}
		subject = fmt.Sprintf("batch item at index %d", r.Batch.Index)
	} else {
		subject = fmt.Sprintf("record %q", r.Key)
		var err error
		if wantSHA, wantSM3, wantSize, err = recordDigests(r.Value); err != nil {
			return r.Fail(name, "the %s cannot certify a file: %v", subject, err)
		}
	}
	sha, sm, n, err := batch.HashReader(file)
	if err != nil {
		return r.Fail(name, "could not hash the file: %v", err)
	}
	fc := &FileCheck{Size: n, SHA256: sha, SM3: sm, Subject: subject, Matched: []string{}}
	r.File = fc
	var bad, good []string
	for _, d := range []struct{ field, label, got, want string }{
		{"sha256", "SHA-256", sha, wantSHA},
		{"sm3", "SM3", sm, wantSM3},
	} {
		switch {
		case d.want == "":
			good = append(good, fmt.Sprintf("(the %s has no %s digest)", subject, d.label))
		case d.got == d.want:
			fc.Matched = append(fc.Matched, d.field)
			good = append(good, d.label+" "+d.got)
		default:
			bad = append(bad, fmt.Sprintf("its %s is %s, the %s says %s", d.label, d.got, subject, d.want))
		}
	}
	if len(bad) > 0 {
		return r.Fail(name, "the file (%d bytes) is not the one certified: %s", n, strings.Join(bad, "; "))
	}
	if wantSize >= 0 && n != wantSize {
		return r.Fail(name, "the file's digests match, but it has %d bytes and the %s says %d", n, subject, wantSize)
	}
	r.Pass(name, "the file (%d bytes) matches the %s: %s", n, subject, strings.Join(good, ", "))
	return nil
}

// batchRecord is what verification reads from a batch record.
type batchRecord struct {
	root   string // lowercase hex
	size   uint64
	format string // item format, "" if the record names none
}

// parseBatchRecord reads a batch record's "merkle_root", "size" and
// "item_format" (optional).
func parseBatchRecord(val []byte) (batchRecord, error) {
	var rec batchRecord
	m, err := objectMembers(val)
	if err != nil {
		return rec, err
	}
	rawRoot, ok := m["merkle_root"]
	if !ok {
		return rec, errors.New(`it has no "merkle_root"`)
	}
	if err := json.Unmarshal(rawRoot, &rec.root); err != nil || !isHex64(rec.root) {
		return rec, fmt.Errorf(`its "merkle_root" %s is not 64 lowercase hex digits`, rawRoot)
	}
	rawSize, ok := m["size"]
	if !ok {
		return rec, errors.New(`it has no "size"`)
	}
	rec.size, err = strconv.ParseUint(string(rawSize), 10, 64)
	if err != nil || rec.size == 0 {
		return rec, fmt.Errorf(`its "size" %s is not a positive whole number`, rawSize)
	}
	if raw, ok := m["item_format"]; ok {
		if err := json.Unmarshal(raw, &rec.format); err != nil {
			return rec, fmt.Errorf(`its "item_format" %s is not a string`, raw)
		}
	}
	return rec, nil
}

// recordDigests reads the top-level "sha256" and "sm3" of a record (at
// least one must be there) and its "size" in bytes when it has one (as
// evidence records do), -1 when not.
func recordDigests(val []byte) (sha, sm string, size int64, err error) {
	m, err := objectMembers(val)
	if err != nil {
		return "", "", -1, err
	}
	for _, d := range []struct {
		field string
		out   *string
	}{{"sha256", &sha}, {"sm3", &sm}} {
		raw, ok := m[d.field]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, d.out); err != nil || !isHex64(*d.out) {
			return "", "", -1, fmt.Errorf("its %q %s is not 64 lowercase hex digits", d.field, raw)
		}
	}
	if sha == "" && sm == "" {
		return "", "", -1, errors.New(`it has no "sha256" or "sm3" digest`)
	}
	size = -1
	if raw, ok := m["size"]; ok {
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || n < 0 {
			return "", "", -1, fmt.Errorf(`its "size" %s is not a file length`, raw)
		}
		size = n
	}
	return sha, sm, size, nil
}

// objectMembers returns the members of a JSON object. Duplicate names are
// refused: parsers disagree on which one counts.
func objectMembers(raw []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("it is not a JSON object")
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("it is not valid JSON: %v", err)
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("it is not valid JSON: %v", err)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("member %q appears twice", k)
		}
		m[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("it is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("it has data after the JSON object")
	}
	return m, nil
}

// decodeItem reads a leaf as a batch item: it must be exactly the item's
// canonical encoding.
func decodeItem(leaf []byte) (batch.Item, error) {
	dec := json.NewDecoder(bytes.NewReader(leaf))
	dec.DisallowUnknownFields()
	var it batch.Item
	if err := dec.Decode(&it); err != nil {
		return batch.Item{}, err
	}
	if err := it.Validate(); err != nil {
		return batch.Item{}, err
	}
	if !bytes.Equal(it.Leaf(), leaf) {
		return batch.Item{}, errors.New("it is not in the canonical item encoding")
	}
	return it, nil
}

func describeItem(it batch.Item) string {
	var parts []string
	if it.Name != "" {
		parts = append(parts, strconv.Quote(it.Name))
	}
	if it.Size > 0 {
		parts = append(parts, fmt.Sprintf("%d bytes", it.Size))
	}
	parts = append(parts, "SHA-256 "+it.SHA256[:16]+"…")
	return strings.Join(parts, ", ")
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
