package batch

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestItemForContentKnownDigests(t *testing.T) {
	it := ItemForContent([]byte("abc"), "abc.txt", "text/plain", `{"case":"A-1"}`)
	// FIPS 180-2 and GB/T 32905-2016 example values for "abc".
	const (
		sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
		sm3 = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
	)
	if it.SHA256 != sha || it.SM3 != sm3 || it.Size != 3 {
		t.Fatalf("item %+v, want sha256 %s sm3 %s size 3", it, sha, sm3)
	}
	if it.Name != "abc.txt" || it.MediaType != "text/plain" || it.Meta != `{"case":"A-1"}` {
		t.Fatalf("descriptive fields lost: %+v", it)
	}
	if err := it.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestHashReaderStreams(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 256 << 10, 256<<10 + 1, 3<<20 + 7} {
		content := make([]byte, n)
		rand.Read(content)
		want := ItemForContent(content, "", "", "")
		var r io.Reader = bytes.NewReader(content)
		if n < 100 {
			r = iotest.OneByteReader(r)
		} else {
			r = iotest.HalfReader(r)
		}
		sha, sm, size, err := HashReader(r)
		if err != nil {
			t.Fatal(err)
		}
		if sha != want.SHA256 || sm != want.SM3 || size != int64(n) {
			t.Fatalf("%d bytes: HashReader = %s %s %d, want %s %s %d", n, sha, sm, size, want.SHA256, want.SM3, n)
		}
	}
	if _, _, _, err := HashReader(iotest.ErrReader(io.ErrUnexpectedEOF)); err == nil {
		t.Fatal("read error not reported")
	}
}

func goodItem() Item {
	return ItemForContent([]byte("contract scan"), "合同-2024-001.pdf", "application/pdf", `{"case":"A-1"}`)
}

func TestItemValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Item)
		want string // substring of the error, "" for valid
	}{
		{"good", func(*Item) {}, ""},
		{"only hashes", func(it *Item) { *it = Item{SHA256: it.SHA256, SM3: it.SM3} }, ""},
		{"max fields", func(it *Item) {
			it.Name, it.MediaType, it.Meta = strings.Repeat("n", MaxNameLen), strings.Repeat("m", MaxMediaTypeLen), strings.Repeat("x", MaxMetaLen)
		}, ""},
		{"upper hex", func(it *Item) { it.SHA256 = strings.ToUpper(it.SHA256) }, "sha256 must be 64 lowercase hex"},
		{"short sha", func(it *Item) { it.SHA256 = it.SHA256[:62] }, "got 62 characters"},
		{"missing sm3", func(it *Item) { it.SM3 = "" }, "sm3 must be"},
		{"non-hex sm3", func(it *Item) { it.SM3 = "g" + it.SM3[1:] }, `found 'g' at position 0`},
		{"negative size", func(it *Item) { it.Size = -1 }, "negative"},
		{"long name", func(it *Item) { it.Name = strings.Repeat("n", MaxNameLen+1) }, "name has 1025 bytes"},
		{"long media type", func(it *Item) { it.MediaType = strings.Repeat("m", MaxMediaTypeLen+1) }, "media_type has"},
		{"long meta", func(it *Item) { it.Meta = strings.Repeat("x", MaxMetaLen+1) }, "meta has"},
		{"bad utf-8", func(it *Item) { it.Name = "a\xffb" }, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := goodItem()
			tt.edit(&it)
			err := it.Validate()
			if tt.want == "" && err != nil {
				t.Fatalf("valid item refused: %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestLeafIsCanonical pins the leaf encoding: changing it would break every
// receipt ever issued.
func TestLeafIsCanonical(t *testing.T) {
	it := Item{
		SHA256:    strings.Repeat("ab", 32),
		SM3:       strings.Repeat("cd", 32),
		Name:      "证据 <1>.pdf",
		Size:      1234,
		MediaType: "application/pdf",
		Meta:      `{"k":"v"}`,
	}
	want := `{"sha256":"` + strings.Repeat("ab", 32) + `","sm3":"` + strings.Repeat("cd", 32) +
		`","name":"证据 \u003c1\u003e.pdf","size":1234,"media_type":"application/pdf","meta":"{\"k\":\"v\"}"}`
	if got := string(it.Leaf()); got != want {
		t.Fatalf("leaf\n%s\nwant\n%s", got, want)
	}
	bare := Item{SHA256: it.SHA256, SM3: it.SM3}
	if got, want := string(bare.Leaf()), `{"sha256":"`+it.SHA256+`","sm3":"`+it.SM3+`"}`; got != want {
		t.Fatalf("bare leaf %s, want %s", got, want)
	}
	// The leaf is compact JSON that decodes back to the same item, so a
	// leaf carried in JSON (receipts, bundles) is exactly reproducible.
	for _, x := range []Item{it, bare, goodItem()} {
		leaf := x.Leaf()
		var buf bytes.Buffer
		if err := json.Compact(&buf, leaf); err != nil || !bytes.Equal(buf.Bytes(), leaf) {
			t.Fatalf("leaf %s is not compact JSON", leaf)
		}
		var back Item
		if err := json.Unmarshal(leaf, &back); err != nil || back != x || !bytes.Equal(back.Leaf(), leaf) {
			t.Fatalf("leaf %s does not round-trip: %+v, %v", leaf, back, err)
		}
	}
}
