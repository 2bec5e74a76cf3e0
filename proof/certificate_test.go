package proof

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/proof/prooftest"
)

// certs is a chain holding a batch record, an evidence record and some
// unrelated records, with everything needed to make certificates.
type certs struct {
	chain    *prooftest.Chain
	trust    Trust
	files    [][]byte // the batch's files
	tree     *batch.Tree
	base     *Bundle // bundle of the batch record, no inclusion
	evidence []byte  // the file of the evidence record
}

const (
	batchKey    = "rec/batch/b-0001"
	evidenceKey = "rec/evidence/e-0001"
	absentKey   = "rec/evidence/e-9999"
)

func batchFile(i int) []byte {
	return fmt.Appendf(nil, "scanned page %d of contract HT-2024-%04d\n%s", i, i%97, strings.Repeat("梨", i%50))
}

func newCerts(t testing.TB, nItems int, cfg prooftest.Config) *certs {
	t.Helper()
	c := &certs{evidence: []byte("%PDF-1.7 the signed purchase agreement")}
	items := make([]batch.Item, nItems)
	for i := range items {
		c.files = append(c.files, batchFile(i))
		items[i] = batch.ItemForContent(c.files[i], fmt.Sprintf("page-%d.png", i), "image/png", "")
	}
	var err error
	if c.tree, err = batch.Build(items); err != nil {
		t.Fatal(err)
	}
	ev := batch.ItemForContent(c.evidence, "采购合同.pdf", "application/pdf", "")
	records := map[string][]byte{
		batchKey: mustJSON(t, map[string]any{
			"id": "b-0001", "depositor": "coop", "merkle_root": hex.EncodeToString(c.tree.Root()),
			"size": c.tree.Size(), "item_format": batch.ItemFormat,
		}),
		evidenceKey: mustJSON(t, map[string]any{"id": "e-0001", "depositor": "coop", "sha256": ev.SHA256, "sm3": ev.SM3, "name": ev.Name}),
	}
	for i := range 40 {
		records[fmt.Sprintf("rec/evidence/e-%04d", 100+i)] = fmt.Appendf(nil, `{"id":"e-%04d"}`, 100+i)
	}
	if c.chain, err = prooftest.New(cfg, records); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.chain.Close() })
	c.trust = Trust{SetHash: c.chain.SetHash(), Source: "the test chain's validator set"}
	c.base = c.bundle(t, batchKey)
	return c
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *certs) bundle(t testing.TB, key string) *Bundle {
	t.Helper()
	p, err := c.chain.Prove(key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(c.chain.ChainID, c.chain.Height, p, c.chain.Header, c.chain.Set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *certs) raw(t testing.TB, key string) []byte {
	t.Helper()
	return marshal(t, c.bundle(t, key))
}

func marshal(t testing.TB, b *Bundle) []byte {
	t.Helper()
	raw, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// item returns the certificate of batch item i.
func (c *certs) item(t testing.TB, i uint64) []byte {
	t.Helper()
	r, err := c.tree.Receipt(i)
	if err != nil {
		t.Fatal(err)
	}
	b, err := WithInclusion(c.base, r)
	if err != nil {
		t.Fatal(err)
	}
	return marshal(t, b)
}

func TestBatchItemCertificate(t *testing.T) {
	c := newCerts(t, 37, prooftest.Config{})
	raw := c.item(t, 3)
	if c.base.Inclusion != nil {
		t.Fatal("WithInclusion changed the bundle it was given")
	}
	r, err := Verify(raw, c.trust)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, ch := range r.Checks {
		names = append(names, ch.Name)
	}
	if got := strings.Join(names, ","); got != "bundle,trusted validator set,header,signatures,merkle proof,record,batch inclusion" {
		t.Fatalf("checks %s", got)
	}
	if r.Batch == nil || r.Batch.Index != 3 || r.Batch.Size != 37 || r.Batch.Item.Name != "page-3.png" || r.Batch.Root != hex.EncodeToString(c.tree.Root()) {
		t.Fatalf("batch report %+v", r.Batch)
	}
	if r.File != nil {
		t.Fatal("Verify reports a file check")
	}
	// With the file, in small reads.
	r, err = VerifyFile(raw, c.trust, iotest.HalfReader(bytes.NewReader(c.files[3])))
	if err != nil {
		t.Fatal(err)
	}
	last := r.Checks[len(r.Checks)-1]
	if !r.OK || last.Name != "file" || !last.OK || !strings.Contains(last.Detail, "matches the batch item at index 3: SHA-256 ") || !strings.Contains(last.Detail, "SM3 ") {
		t.Fatalf("file check %+v", last)
	}
	if f := r.File; f == nil || strings.Join(f.Matched, ",") != "sha256,sm3" || f.Size != int64(len(c.files[3])) || f.Subject != "batch item at index 3" {
		t.Fatalf("file report %+v", r.File)
	}
	out, _ := json.Marshal(r)
	for _, s := range []string{`"batch":{"item":{"sha256":`, `"file":{"size":`, `"matched":["sha256","sm3"]`} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("report JSON %s lacks %s", out, s)
		}
	}
	// Every item of the batch, first and last included.
	for _, i := range []uint64{0, 36, 20} {
		if _, err := VerifyFile(c.item(t, i), c.trust, bytes.NewReader(c.files[i])); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	// The batch record's own bundle verifies, but certifies no file.
	if _, err := Verify(marshal(t, c.base), c.trust); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyFile(marshal(t, c.base), c.trust, bytes.NewReader(c.files[3])); err == nil || !strings.Contains(err.Error(), `no "sha256" or "sm3"`) {
		t.Fatalf("batch record as a file certificate: %v", err)
	}
}

func TestEvidenceCertificate(t *testing.T) {
	c := newCerts(t, 3, prooftest.Config{Validators: 1})
	raw := c.raw(t, evidenceKey)
	r, err := VerifyFile(raw, c.trust, bytes.NewReader(c.evidence))
	if err != nil {
		t.Fatal(err)
	}
	if r.File == nil || strings.Join(r.File.Matched, ",") != "sha256,sm3" || r.File.Subject != `record "rec/evidence/e-0001"` || r.Batch != nil {
		t.Fatalf("report %+v %+v", r.File, r.Batch)
	}
	r, err = VerifyFile(raw, c.trust, bytes.NewReader(append(bytes.Clone(c.evidence), ' ')))
	if err == nil || r.OK || !strings.HasPrefix(err.Error(), "file: the file (39 bytes) is not the one certified: its SHA-256 is ") || !strings.Contains(err.Error(), "; its SM3 is ") {
		t.Fatalf("wrong file: %v", err)
	}
	if r.File == nil || len(r.File.Matched) != 0 {
		t.Fatalf("wrong file report %+v", r.File)
	}
	if _, err := VerifyFile(raw, c.trust, iotest.ErrReader(fmt.Errorf("disk on fire"))); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("read error: %v", err)
	}
	if _, err := VerifyFile(raw, c.trust, nil); err == nil || !strings.Contains(err.Error(), "no file") {
		t.Fatalf("nil file: %v", err)
	}
}

// TestRecordDigests: what a record must hold to certify a file.
func TestRecordDigests(t *testing.T) {
	content := []byte("the file")
	it := batch.ItemForContent(content, "", "", "")
	records := map[string][]byte{
		"r/both":      mustJSON(t, map[string]string{"sha256": it.SHA256, "sm3": it.SM3}),
		"r/sha-only":  mustJSON(t, map[string]string{"sha256": it.SHA256}),
		"r/sm3-only":  mustJSON(t, map[string]string{"sm3": it.SM3}),
		"r/none":      []byte(`{"name":"x"}`),
		"r/upper":     mustJSON(t, map[string]string{"sha256": strings.ToUpper(it.SHA256)}),
		"r/number":    []byte(`{"sha256":12}`),
		"r/duplicate": []byte(`{"sha256":"` + it.SHA256 + `","sha256":"` + strings.Repeat("0", 64) + `"}`),
		"r/array":     []byte(`["` + it.SHA256 + `"]`),
		"r/binary":    {0, 0, 0, 1},
		"r/other-sm3": mustJSON(t, map[string]string{"sha256": it.SHA256, "sm3": strings.Repeat("0", 64)}),
		"r/size":      []byte(`{"sha256":"` + it.SHA256 + `","sm3":"` + it.SM3 + `","size":8}`),
		"r/bad-size":  []byte(`{"sha256":"` + it.SHA256 + `","sm3":"` + it.SM3 + `","size":9}`),
		"r/text-size": []byte(`{"sha256":"` + it.SHA256 + `","sm3":"` + it.SM3 + `","size":"8"}`),
	}
	chain, err := prooftest.New(prooftest.Config{Validators: 1}, records)
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	trust := Trust{SetHash: chain.SetHash(), Source: "test"}
	for _, tt := range []struct {
		key, matched, err string
	}{
		{"r/both", "sha256,sm3", ""},
		{"r/sha-only", "sha256", ""},
		{"r/sm3-only", "sm3", ""},
		{"r/none", "", `no "sha256" or "sm3" digest`},
		{"r/upper", "", "not 64 lowercase hex digits"},
		{"r/number", "", "not 64 lowercase hex digits"},
		{"r/duplicate", "", `member "sha256" appears twice`},
		{"r/array", "", "not a JSON object"},
		{"r/binary", "", "not a JSON object"},
		{"r/other-sm3", "", "its SM3 is"},
		{"r/size", "sha256,sm3", ""},
		{"r/bad-size", "", "it has 8 bytes and the record \"r/bad-size\" says 9"},
		{"r/text-size", "", "not a file length"},
	} {
		p, err := chain.Prove(tt.key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(chain.ChainID, chain.Height, p, chain.Header, chain.Set)
		if err != nil {
			t.Fatal(err)
		}
		r, err := VerifyFile(marshal(t, b), trust, bytes.NewReader(content))
		if tt.err == "" {
			if err != nil || strings.Join(r.File.Matched, ",") != tt.matched {
				t.Errorf("%s: %v, file %+v", tt.key, err, r.File)
			}
			if tt.matched != "sha256,sm3" && !strings.Contains(r.Checks[len(r.Checks)-1].Detail, "has no") {
				t.Errorf("%s: the detail does not say which digest is missing: %s", tt.key, r.Checks[len(r.Checks)-1].Detail)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), "file: ") || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want a file failure with %q", tt.key, err, tt.err)
		}
	}
}

func TestWithInclusionRefusesMismatches(t *testing.T) {
	c := newCerts(t, 5, prooftest.Config{Validators: 1})
	other, err := batch.Build([]batch.Item{batch.ItemForContent([]byte("x"), "", "", "")})
	if err != nil {
		t.Fatal(err)
	}
	foreign, _ := other.Receipt(0)
	good, _ := c.tree.Receipt(1)
	forged := *good
	forged.Item.Name = "forged"
	resized := *good
	resized.Size = 6
	for _, tt := range []struct {
		name string
		b    *Bundle
		r    *batch.Receipt
		want string
	}{
		{"another batch", c.base, foreign, "the receipt is for the batch with root"},
		{"forged receipt", c.base, &forged, "lead to root"},
		{"resized receipt", c.base, &resized, "the receipt is for the batch with root"},
		{"evidence record", c.bundle(t, evidenceKey), good, `no "merkle_root"`},
		{"absent record", c.bundle(t, absentKey), good, "absent"},
		{"nil receipt", c.base, nil, "needs a bundle and a receipt"},
	} {
		if _, err := WithInclusion(tt.b, tt.r); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestTamperedCertificateFailsTheRightCheck changes one part of a
// certificate at a time (re-sealing the bundle, as a forger would) and
// requires the failure to name the part's check.
func TestTamperedCertificateFailsTheRightCheck(t *testing.T) {
	c := newCerts(t, 37, prooftest.Config{})
	const idx = 5
	item := c.item(t, idx)
	file := c.files[idx]
	evidence := c.raw(t, evidenceKey)
	absent := c.raw(t, absentKey)
	otherLeaf := func() json.RawMessage {
		it, _ := c.tree.Item(idx + 1)
		return it.Leaf()
	}
	renamed := func() json.RawMessage {
		it, _ := c.tree.Item(idx)
		it.Name = "page-6.png"
		return it.Leaf()
	}
	resigned := func(appHash []byte) func(*Bundle, *types.SignedHeader) {
		return func(_ *Bundle, sh *types.SignedHeader) {
			s, err := c.chain.SignHeader(c.chain.NextHeader(appHash), nil)
			if err != nil {
				t.Fatal(err)
			}
			*sh = *s
		}
	}
	goodInclusion := func(b *Bundle, _ *types.SignedHeader) {
		r, _ := c.tree.Receipt(idx)
		b.Inclusion = &Inclusion{Leaf: r.Item.Leaf(), Index: r.Index, Size: r.Size, Hashes: r.Hashes}
	}
	tests := []struct {
		name  string
		raw   []byte
		trust Trust
		file  []byte
		check string
	}{
		// The file.
		{"file byte", item, c.trust, append([]byte{file[0] ^ 1}, file[1:]...), "file"},
		{"file truncated", item, c.trust, file[:len(file)-1], "file"},
		{"file extended", item, c.trust, append(bytes.Clone(file), 0), "file"},
		{"another item's file", item, c.trust, c.files[idx+1], "file"},
		{"evidence file", evidence, c.trust, file, "file"},
		{"absence proof", absent, c.trust, file, "file"},
		// The batch inclusion.
		{"batch path byte", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Hashes[2][17] ^= 0x40 }), c.trust, file, "batch inclusion"},
		{"batch path dropped", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Hashes = b.Inclusion.Hashes[1:] }), c.trust, file, "batch inclusion"},
		{"batch path swapped", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) {
			h := b.Inclusion.Hashes
			h[0], h[1] = h[1], h[0]
		}), c.trust, file, "batch inclusion"},
		{"batch leaf renamed", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Leaf = renamed() }), c.trust, file, "batch inclusion"},
		{"batch leaf of another item", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Leaf = otherLeaf() }), c.trust, c.files[idx+1], "batch inclusion"},
		{"batch leaf escaped", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) {
			b.Inclusion.Leaf = bytes.Replace(b.Inclusion.Leaf, []byte(`"sm3":`), []byte(`"s\u006d3":`), 1)
		}), c.trust, file, "batch inclusion"},
		{"batch index", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Index++ }), c.trust, file, "batch inclusion"},
		{"batch index out of range", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Index = 37 }), c.trust, file, "batch inclusion"},
		{"batch size", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Size++ }), c.trust, file, "batch inclusion"},
		{"batch size down", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Inclusion.Size-- }), c.trust, file, "batch inclusion"},
		{"inclusion on an absence proof", tamper(t, absent, goodInclusion), c.trust, file, "batch inclusion"},
		{"inclusion on an evidence record", tamper(t, evidence, goodInclusion), c.trust, file, "batch inclusion"},
		// The state proof.
		{"batch record root", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) {
			root := hex.EncodeToString(c.tree.Root())
			other := strings.Repeat("0", 64)
			b.Value = bytes.Replace(b.Value, []byte(root), []byte(other), 1)
			b.Record = nil
		}), c.trust, file, "merkle proof"},
		{"batch record size", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) {
			b.Value = bytes.Replace(b.Value, []byte(`"size":37`), []byte(`"size":38`), 1)
			b.Record = nil
		}), c.trust, file, "merkle proof"},
		{"state proof node", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Nodes[0][9] ^= 1 }), c.trust, file, "merkle proof"},
		{"state proof dropped node", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Nodes = b.Nodes[:len(b.Nodes)-1] }), c.trust, file, "merkle proof"},
		{"evidence record", tamper(t, evidence, func(b *Bundle, _ *types.SignedHeader) {
			b.Value = bytes.Replace(b.Value, []byte(`"sha256":"`), []byte(`"sha256":"0`), 1)
			b.Record = nil
		}), c.trust, c.evidence, "merkle proof"},
		{"header signed for another state", tamper(t, item, resigned(bytes.Repeat([]byte{0xab}, 32))), c.trust, file, "merkle proof"},
		// The header.
		{"header app hash", tamper(t, item, func(_ *Bundle, sh *types.SignedHeader) { sh.AppHash[3] ^= 1 }), c.trust, file, "header"},
		{"header time", tamper(t, item, func(_ *Bundle, sh *types.SignedHeader) { sh.Time = sh.Time.Add(1) }), c.trust, file, "header"},
		{"header chain", tamper(t, item, func(_ *Bundle, sh *types.SignedHeader) { sh.Header.ChainID = "other" }), c.trust, file, "header"},
		{"header height", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Height++ }), c.trust, file, "header"},
		// The signatures.
		{"signature byte", tamper(t, item, func(_ *Bundle, sh *types.SignedHeader) { sh.Commit.Signatures[2].Signature[7] ^= 1 }), c.trust, file, "signatures"},
		{"signature timestamp", tamper(t, item, func(_ *Bundle, sh *types.SignedHeader) {
			sh.Commit.Signatures[1].Timestamp = sh.Commit.Signatures[1].Timestamp.Add(1)
		}), c.trust, file, "signatures"},
		{"too few signers", tamper(t, item, func(_ *Bundle, sh *types.SignedHeader) {
			s, err := c.chain.SignHeader(c.chain.NextHeader(sh.AppHash), []int{0, 1})
			if err != nil {
				t.Fatal(err)
			}
			*sh = *s
		}), c.trust, file, "signatures"},
		// The validator set.
		{"validator power", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) { b.Validators[1].Power++ }), c.trust, file, "trusted validator set"},
		{"validator key", tamper(t, item, func(b *Bundle, _ *types.SignedHeader) {
			b.Validators[0].PubKey[0] ^= 1
			b.Validators[0].Address = ""
		}), c.trust, file, "trusted validator set"},
		{"untrusted set", item, Trust{SetHash: bytes.Repeat([]byte{1}, 32), Source: "another chain"}, file, "trusted validator set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := VerifyFile(tt.raw, tt.trust, bytes.NewReader(tt.file))
			if err == nil {
				t.Fatal("tampered certificate verifies")
			}
			last := r.Checks[len(r.Checks)-1]
			if last.OK || last.Name != tt.check || r.OK {
				t.Fatalf("failed check %q (%s), want %q", last.Name, last.Detail, tt.check)
			}
			if !strings.HasPrefix(err.Error(), tt.check+": ") {
				t.Fatalf("error %q does not name the check", err)
			}
			t.Log(err)
		})
	}
}

// TestEveryInclusionByteMatters flips each byte of a certificate's
// batch_inclusion section (the rest is covered by TestEveryByteMatters).
func TestEveryInclusionByteMatters(t *testing.T) {
	c := newCerts(t, 11, prooftest.Config{Validators: 1})
	raw := c.item(t, 9)
	start := bytes.Index(raw, []byte(`  "batch_inclusion": {`))
	end := bytes.Index(raw, []byte(`  "digest": `))
	if start < 0 || end < start {
		t.Fatalf("no inclusion section in\n%s", raw)
	}
	for i := start; i < end; i++ {
		for _, x := range []byte{0x01, 0x20, 0x80} {
			mut := bytes.Clone(raw)
			mut[i] ^= x
			if _, err := VerifyFile(mut, c.trust, bytes.NewReader(c.files[9])); err == nil {
				t.Fatalf("flipping byte %d (%q) with %#x still verifies", i, raw[i], x)
			}
		}
	}
}

// TestTenThousandBatchCertificates: one state proof, 10,000 inclusions;
// every item's certificate verifies with its file, end to end.
func TestTenThousandBatchCertificates(t *testing.T) {
	const n = 10_000
	c := newCerts(t, n, prooftest.Config{Validators: 1})
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				r, err := c.tree.Receipt(uint64(i))
				if err == nil {
					var b *Bundle
					if b, err = WithInclusion(c.base, r); err == nil {
						var raw []byte
						if raw, err = b.Marshal(); err == nil {
							var rep *Report
							rep, err = VerifyFile(raw, c.trust, bytes.NewReader(c.files[i]))
							if err == nil && (rep.Batch.Index != uint64(i) || rep.File.Size != int64(len(c.files[i]))) {
								err = fmt.Errorf("report %+v %+v", rep.Batch, rep.File)
							}
						}
					}
				}
				if err != nil {
					errs[w] = fmt.Errorf("item %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestBatchRecordShapes: what the proven value must be for a batch
// inclusion to hold, and the item's recorded file size.
func TestBatchRecordShapes(t *testing.T) {
	files := [][]byte{[]byte("one"), []byte("two"), []byte("three")}
	var items []batch.Item
	for i, f := range files {
		items = append(items, batch.ItemForContent(f, fmt.Sprintf("f%d", i), "", ""))
	}
	items[2].Size = 999 // recorded wrong by the depositor
	tree, err := batch.Build(items)
	if err != nil {
		t.Fatal(err)
	}
	root := hex.EncodeToString(tree.Root())
	records := map[string][]byte{
		"b/good":        []byte(`{"merkle_root":"` + root + `","size":3,"item_format":"dengta-batch-item/1"}`),
		"b/no-format":   []byte(`{"merkle_root":"` + root + `","size":3}`),
		"b/format":      []byte(`{"merkle_root":"` + root + `","size":3,"item_format":"other/2"}`),
		"b/no-root":     []byte(`{"size":3}`),
		"b/upper-root":  []byte(`{"merkle_root":"` + strings.ToUpper(root) + `","size":3}`),
		"b/no-size":     []byte(`{"merkle_root":"` + root + `"}`),
		"b/size-zero":   []byte(`{"merkle_root":"` + root + `","size":0}`),
		"b/size-float":  []byte(`{"merkle_root":"` + root + `","size":3.0}`),
		"b/size-string": []byte(`{"merkle_root":"` + root + `","size":"3"}`),
		"b/dup-root":    []byte(`{"merkle_root":"` + root + `","merkle_root":"` + strings.Repeat("0", 64) + `","size":3}`),
		"b/not-json":    []byte("merkle_root"),
	}
	chain, err := prooftest.New(prooftest.Config{Validators: 1}, records)
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	trust := Trust{SetHash: chain.SetHash(), Source: "test"}
	receipt, _ := tree.Receipt(1)
	for _, tt := range []struct{ key, err string }{
		{"b/good", ""},
		{"b/no-format", ""},
		{"b/format", `items are in format "other/2"`},
		{"b/no-root", `no "merkle_root"`},
		{"b/upper-root", "not 64 lowercase hex digits"},
		{"b/no-size", `no "size"`},
		{"b/size-zero", "not a positive whole number"},
		{"b/size-float", "not a positive whole number"},
		{"b/size-string", "not a positive whole number"},
		{"b/dup-root", `member "merkle_root" appears twice`},
		{"b/not-json", "not a JSON object"},
	} {
		p, err := chain.Prove(tt.key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(chain.ChainID, chain.Height, p, chain.Header, chain.Set)
		if err != nil {
			t.Fatal(err)
		}
		_, werr := WithInclusion(b, receipt)
		// Attach the inclusion regardless, as a forger could.
		raw := tamper(t, marshal(t, b), func(b *Bundle, _ *types.SignedHeader) {
			b.Inclusion = &Inclusion{Leaf: receipt.Item.Leaf(), Index: receipt.Index, Size: receipt.Size, Hashes: receipt.Hashes}
		})
		_, err = VerifyFile(raw, trust, bytes.NewReader(files[1]))
		if tt.err == "" {
			if err != nil || werr != nil {
				t.Errorf("%s: %v / WithInclusion: %v", tt.key, err, werr)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), "batch inclusion: ") || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want a batch inclusion failure with %q", tt.key, err, tt.err)
		}
		if werr == nil {
			t.Errorf("%s: WithInclusion accepts the record", tt.key)
		}
	}
	// Item 2's digests are right but its recorded size is not.
	p, _ := chain.Prove("b/good")
	b, _ := New(chain.ChainID, chain.Height, p, chain.Header, chain.Set)
	r2, _ := tree.Receipt(2)
	b, err = WithInclusion(b, r2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyFile(marshal(t, b), trust, bytes.NewReader(files[2])); err == nil || !strings.Contains(err.Error(), "file: the file's digests match, but it has 5 bytes and the batch item at index 2 says 999") {
		t.Fatalf("wrong recorded size: %v", err)
	}
}

// BenchmarkVerifyItemCertificate: the offline verification of one batch
// item's certificate with its file (4 validators).
func BenchmarkVerifyItemCertificate(b *testing.B) {
	c := newCerts(b, 1000, prooftest.Config{})
	raw := c.item(b, 500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyFile(raw, c.trust, bytes.NewReader(c.files[500])); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWithInclusion: making one item's certificate from the batch
// record's bundle.
func BenchmarkWithInclusion(b *testing.B) {
	c := newCerts(b, 1000, prooftest.Config{})
	r, _ := c.tree.Receipt(500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WithInclusion(c.base, r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDigestShortcut: the digest form derived from the canonical encoding
// (formOf, sealed) is exactly the bundle encoded with an empty digest.
func TestDigestShortcut(t *testing.T) {
	c := newCerts(t, 4, prooftest.Config{Validators: 2})
	for _, raw := range [][]byte{load(t, "present.json"), load(t, "absent.json"), c.item(t, 1), c.raw(t, evidenceKey)} {
		b, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		want, err := b.digestForm()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := formOf(raw, b.Digest)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("formOf differs from the digest form:\n%s\n---\n%s", got, want)
		}
		back, d, err := sealed(want)
		if err != nil || d != b.Digest || !bytes.Equal(back, raw) {
			t.Fatalf("sealed: %v, digest %s want %s", err, d, b.Digest)
		}
	}
	if _, ok := formOf([]byte(`{"digest": "x"}`), "x"); ok {
		t.Fatal("formOf accepts a malformed digest")
	}
}
