package proof

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/proof/prooftest"
)

// The bundles in testdata were fetched from a dev chain with
// `dengta query proof`; genesis.json is that chain's genesis.

func load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func genesisTrust(t testing.TB) Trust {
	t.Helper()
	tr, err := ParseTrust("testdata/genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestVerifyGoodBundles(t *testing.T) {
	tr := genesisTrust(t)
	for _, tt := range []struct {
		file   string
		exists bool
	}{{"present.json", true}, {"absent.json", false}} {
		r, err := Verify(load(t, tt.file), tr)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if !r.OK || r.Exists != tt.exists {
			t.Fatalf("%s: ok=%v exists=%v, want exists=%v", tt.file, r.OK, r.Exists, tt.exists)
		}
		for _, c := range r.Checks {
			if !c.OK {
				t.Errorf("%s: check %s failed in a passing report", tt.file, c.Name)
			}
		}
		if tt.exists && !bytes.Contains(r.Value, []byte(`"id":"coop"`)) {
			t.Errorf("%s: value %s is not coop's record", tt.file, r.Value)
		}
	}
	// Trusting the set's hash directly works too.
	hashTrust, err := ParseTrust(strings.ToLower(hexUpper(tr.SetHash)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(load(t, "present.json"), hashTrust); err != nil {
		t.Fatalf("verify with hash trust: %v", err)
	}
}

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestEveryByteMatters flips each byte of a bundle in turn; every flip must
// make verification fail.
func TestEveryByteMatters(t *testing.T) {
	tr := genesisTrust(t)
	for _, name := range []string{"present.json", "absent.json"} {
		raw := load(t, name)
		for i := range raw {
			for _, x := range []byte{0x01, 0x20, 0x80} {
				mut := bytes.Clone(raw)
				mut[i] ^= x
				if _, err := Verify(mut, tr); err == nil {
					t.Fatalf("%s: flipping byte %d (%q) with %#x still verifies", name, i, raw[i], x)
				}
			}
		}
	}
}

// tamper decodes a bundle, lets f change it, and re-encodes it canonically
// with a fresh digest, so that only the proof and signature checks can
// catch the change.
func tamper(t *testing.T, raw []byte, f func(b *Bundle, sh *types.SignedHeader)) []byte {
	t.Helper()
	b, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := b.signedHeader()
	if err != nil {
		t.Fatal(err)
	}
	f(b, sh)
	if b.Header, err = cmtjson.Marshal(sh); err != nil {
		t.Fatal(err)
	}
	// Recompute the digest, as a forger would.
	if err := b.Seal(); err != nil {
		t.Fatal(err)
	}
	out, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTamperedPartsFailTheRightCheck(t *testing.T) {
	tr := genesisTrust(t)
	present := load(t, "present.json")
	tests := []struct {
		name  string
		raw   []byte
		trust Trust
		check string
	}{
		{"value", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) {
			b.Value = bytes.Replace(b.Value, []byte("coop"), []byte("co0p"), 1)
			b.Record = nil
		}), tr, "merkle proof"},
		{"record", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) {
			b.Record = json.RawMessage(bytes.Replace(b.Record, []byte("coop"), []byte("co0p"), 1))
		}), tr, "record"},
		{"proof node", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Nodes[len(b.Nodes)/2][5] ^= 1 }), tr, "merkle proof"},
		{"dropped node", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Nodes = b.Nodes[:len(b.Nodes)-1] }), tr, "merkle proof"},
		{"key", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Key = "identity/org/bank" }), tr, "merkle proof"},
		{"app hash", tamper(t, present, func(_ *Bundle, sh *types.SignedHeader) { sh.AppHash[0] ^= 1 }), tr, "header"},
		{"header time", tamper(t, present, func(_ *Bundle, sh *types.SignedHeader) { sh.Time = sh.Time.Add(1) }), tr, "header"},
		{"height", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Height-- }), tr, "header"},
		{"chain id", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.ChainID = "other" }), tr, "trusted validator set"},
		{"chain id, trusting a set hash", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.ChainID = "other" }), Trust{SetHash: tr.SetHash, Source: "a hash"}, "header"},
		{"another chain's genesis", present, Trust{SetHash: tr.SetHash, Source: "genesis of a staging chain", ChainID: "staging"}, "trusted validator set"},
		{"validator twice", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Validators = append(b.Validators, b.Validators[0]) }), tr, "validator set"},
		{"validator power past the bound", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Validators[0].Power = types.MaxTotalVotingPower + 1 }), tr, "validator set"},
		{"signature", tamper(t, present, func(_ *Bundle, sh *types.SignedHeader) { sh.Commit.Signatures[0].Signature[3] ^= 1 }), tr, "signatures"},
		{"commit block id", tamper(t, present, func(_ *Bundle, sh *types.SignedHeader) { sh.Commit.BlockID.Hash[0] ^= 1 }), tr, "header"},
		{"validator power", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Validators[0].Power++ }), tr, "trusted validator set"},
		{"validator key", tamper(t, present, func(b *Bundle, _ *types.SignedHeader) { b.Validators[0].PubKey[0] ^= 1; b.Validators[0].Address = "" }), tr, "trusted validator set"},
		{"other trust", present, Trust{SetHash: bytes.Repeat([]byte{7}, 32), Source: "a wrong hash"}, "trusted validator set"},
		{"no trust", present, Trust{}, "trusted validator set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(tt.raw, tt.trust)
			if err == nil {
				t.Fatal("tampered bundle verifies")
			}
			last := r.Checks[len(r.Checks)-1]
			if last.OK || last.Name != tt.check {
				t.Fatalf("failed check %q (%s), want %q", last.Name, last.Detail, tt.check)
			}
			if r.OK {
				t.Fatal("report says OK")
			}
		})
	}
}

func TestNonCanonicalBundleFails(t *testing.T) {
	raw := load(t, "present.json")
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(v)
	if _, err := Verify(compact, genesisTrust(t)); err == nil || !strings.Contains(err.Error(), "canonical") {
		t.Fatalf("re-formatted bundle: err = %v, want a canonical-form error", err)
	}
}

func FuzzVerify(f *testing.F) {
	present, absent := load(f, "present.json"), load(f, "absent.json")
	// A batch item's certificate, from a test chain.
	c := newCerts(f, 5, prooftest.Config{Validators: 1})
	item := c.item(f, 2)
	f.Add(present)
	f.Add(absent)
	f.Add(item)
	f.Add([]byte(`{}`))
	tr := genesisTrust(f)
	genuine := map[string]bool{string(present): true, string(absent): true, string(item): true}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, trust := range []Trust{tr, c.trust} {
			r, err := Verify(raw, trust)
			if err == nil && !genuine[string(raw)] {
				t.Fatalf("a bundle other than the genuine ones verifies: %q", r.Key)
			}
			if err != nil && (r == nil || r.OK) {
				t.Fatal("failed verification without a failing report")
			}
		}
		r, err := VerifyFile(raw, c.trust, bytes.NewReader(c.files[2]))
		if err == nil && !bytes.Equal(raw, item) {
			t.Fatalf("a certificate other than the genuine one certifies the file: %q", r.Key)
		}
		if err != nil && (r == nil || r.OK) {
			t.Fatal("failed file verification without a failing report")
		}
	})
}
