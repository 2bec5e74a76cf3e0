package statuslist_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

// The specification's example (Bitstring Status List v1.0, section 2.1):
// an encodedList of a 131,072-entry list with no bit set.
const specEmpty = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

func TestSpecExample(t *testing.T) {
	bits, err := statuslist.Decode(specEmpty, statuslist.MaxEntries/8)
	if err != nil {
		t.Fatal(err)
	}
	if len(bits) != statuslist.MinEntries/8 || !bytes.Equal(bits, make([]byte, len(bits))) {
		t.Fatalf("decoded %d bytes", len(bits))
	}
	if statuslist.Hash(bits) != statuslist.ZeroHash(statuslist.MinEntries) {
		t.Fatal("zero hash")
	}
}

func TestBitsAndRoundTrip(t *testing.T) {
	bits := make([]byte, statuslist.MinEntries/8)
	for _, i := range []int{0, 7, 8, 94567, statuslist.MinEntries - 1} {
		statuslist.Set(bits, i, true)
	}
	if bits[0] != 0x81 || bits[1] != 0x80 {
		t.Fatalf("index 0 is the leftmost bit: % x", bits[:2])
	}
	enc, err := statuslist.Encode(bits)
	if err != nil {
		t.Fatal(err)
	}
	got, err := statuslist.Decode(enc, len(bits))
	if err != nil || !bytes.Equal(got, bits) {
		t.Fatalf("round trip: %v", err)
	}
	for i := range statuslist.MinEntries {
		want := i == 0 || i == 7 || i == 8 || i == 94567 || i == statuslist.MinEntries-1
		if statuslist.Get(got, i) != want {
			t.Fatalf("bit %d = %v", i, !want)
		}
	}
	statuslist.Set(got, 94567, false)
	if statuslist.Get(got, 94567) || statuslist.Hash(got) == statuslist.Hash(bits) {
		t.Fatal("clearing a bit")
	}
}

func TestDecodeRefusals(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 1<<22))
	zw.Close()
	for in, want := range map[string]string{
		"H4sI":  "starting with 'u'",
		"u!!":   "not base64url",
		"uAAAA": "not GZIP",
		"u" + base64.RawURLEncoding.EncodeToString(bomb.Bytes()): "more than",
	} {
		if _, err := statuslist.Decode(in, statuslist.MaxEntries/8); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%.20q) = %v, want %q", in, err, want)
		}
	}
	for n, ok := range map[int]bool{131072: true, 139264: true, 1 << 20: true, 1000: false, 131073: false, 1<<20 + 8192: false} {
		if (statuslist.CheckSize(n) == nil) != ok {
			t.Errorf("CheckSize(%d) ok=%v", n, !ok)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(specEmpty)
	f.Add("u")
	f.Add("uH4sIAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		bits, err := statuslist.Decode(s, 4096)
		if err == nil && len(bits) > 4096 {
			t.Fatalf("%d bytes past the bound", len(bits))
		}
	})
}
