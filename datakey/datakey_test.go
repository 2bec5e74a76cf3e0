package datakey

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/tx"
)

func newKey(t testing.TB) Key {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newSalt(t testing.TB) [SaltSize]byte {
	t.Helper()
	s, err := NewSalt()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpen(t *testing.T) {
	for _, tc := range []struct {
		name    string
		meta    Meta
		content []byte
	}{
		{"empty", Meta{}, nil},
		{"discharge summary", Meta{Name: "出院小结-2026-03.pdf", MediaType: "application/pdf"}, []byte("%PDF-1.7 出院诊断：……")},
		{"telemetry", Meta{MediaType: "text/csv"}, bytes.Repeat([]byte("2026-03-01T08:00:00+08:00,4.210,61.30\n"), 60)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, salt := newKey(t), newSalt(t)
			s, err := Seal(k, salt, tc.meta, tc.content)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Ciphertext) != Overhead+len(tc.content)+metaLen(t, tc.meta) {
				t.Fatalf("ciphertext is %d bytes for %d of content", len(s.Ciphertext), len(tc.content))
			}
			if len(tc.content) > 8 && bytes.Contains(s.Ciphertext, tc.content[:8]) {
				t.Fatal("the ciphertext shows the content")
			}
			if tc.meta.Name != "" && bytes.Contains(s.Ciphertext, []byte(tc.meta.Name)) {
				t.Fatal("the ciphertext shows the file name")
			}
			o, err := Open(k, s.Ciphertext)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(o.Content, tc.content) || o.Meta != tc.meta || o.Salt != salt || o.Digest != s.Digest {
				t.Fatalf("opened %+v, want content %q meta %+v", o, tc.content, tc.meta)
			}
			if s.Digest != Digest(salt, tc.content) {
				t.Fatal("the digest is not Digest(salt, content)")
			}
			if _, err := Open(newKey(t), s.Ciphertext); !errors.Is(err, ErrOpen) {
				t.Fatalf("opened with another key: %v", err)
			}
		})
	}
}

func metaLen(t *testing.T, m Meta) int {
	b, err := encodeMeta(m)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// TestSealedTamper flips every bit of a sealed record, and cuts and
// extends it: nothing opens.
func TestSealedTamper(t *testing.T) {
	k := newKey(t)
	s, err := Seal(k, newSalt(t), Meta{Name: "lab.txt"}, []byte("血常规 WBC 6.1"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Ciphertext {
		for bit := range 8 {
			c := bytes.Clone(s.Ciphertext)
			c[i] ^= 1 << bit
			if o, err := Open(k, c); err == nil {
				t.Fatalf("byte %d bit %d flipped: opened %q", i, bit, o.Content)
			}
		}
	}
	for _, c := range [][]byte{s.Ciphertext[:len(s.Ciphertext)-1], append(bytes.Clone(s.Ciphertext), 0), s.Ciphertext[:Overhead-1], nil} {
		if _, err := Open(k, c); err == nil {
			t.Fatalf("a ciphertext of %d bytes opened", len(c))
		}
	}
}

func TestMetaRefused(t *testing.T) {
	k, salt := newKey(t), newSalt(t)
	for _, m := range []Meta{{Name: "a\nb"}, {Name: strings.Repeat("x", 256)}, {MediaType: "text/\x00"}, {Name: "\u0085"}} {
		if _, err := Seal(k, salt, m, []byte("x")); err == nil {
			t.Errorf("Seal accepted metadata %+v", m)
		}
	}
}

func keyPair(t testing.TB, algo tx.Algo) *tx.PrivateKey {
	t.Helper()
	k, err := tx.GenerateKey(algo, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestWrapUnwrap(t *testing.T) {
	for _, algo := range []tx.Algo{tx.AlgoSM2, tx.AlgoEd25519} {
		t.Run(algo.String(), func(t *testing.T) {
			priv, other := keyPair(t, algo), keyPair(t, algo)
			k := newKey(t)
			w, err := Wrap(priv.Public(), k)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := AlgFor(algo); w.Alg != want || w.KeyID != priv.ID() {
				t.Fatalf("wrapped %+v", w)
			}
			if err := w.Check(); err != nil {
				t.Fatal(err)
			}
			got, err := Unwrap(priv, w)
			if err != nil || got != k {
				t.Fatalf("unwrapped %x, %v; want %x", got, err, k)
			}
			w2, _ := Wrap(priv.Public(), k)
			if w2.Data == w.Data {
				t.Fatal("two wraps of the same key are identical: the wrapping is not randomised")
			}
			if _, err := Unwrap(other, w); err == nil {
				t.Fatal("another key unwrapped it")
			}
			// Claiming the other key's id changes nothing: the bytes are
			// not for it.
			forged := w
			forged.KeyID = other.ID()
			if _, err := Unwrap(other, forged); !errors.Is(err, ErrOpen) {
				t.Fatalf("the other key opened a wrapped key relabelled for it: %v", err)
			}
		})
	}
}

// TestWrappedTamper flips every bit of each wrapped form: either its form
// is refused, or it fails to open; it never yields a key.
func TestWrappedTamper(t *testing.T) {
	for _, algo := range []tx.Algo{tx.AlgoSM2, tx.AlgoEd25519} {
		priv := keyPair(t, algo)
		k := newKey(t)
		w, err := Wrap(priv.Public(), k)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := hex.DecodeString(w.Data)
		for i := range raw {
			for bit := range 8 {
				c := bytes.Clone(raw)
				c[i] ^= 1 << bit
				tw := w
				tw.Data = hex.EncodeToString(c)
				if got, err := Unwrap(priv, tw); err == nil {
					t.Fatalf("%s: byte %d bit %d flipped: unwrapped %x (the key was %x)", algo, i, bit, got, k)
				}
			}
		}
		for _, d := range []string{"", w.Data[:len(w.Data)-2], w.Data + "00", strings.ToUpper(w.Data), w.Data[:len(w.Data)-1]} {
			tw := w
			tw.Data = d
			if err := tw.Check(); err == nil {
				t.Errorf("%s: wrapped data %q passes the form check", algo, d)
			}
		}
		tw := w
		tw.Alg = map[string]string{AlgSM2: AlgX25519, AlgX25519: AlgSM2}[w.Alg]
		if _, err := Unwrap(priv, tw); err == nil {
			t.Errorf("%s: unwrapped under the other algorithm's name", algo)
		}
	}
}

// TestSM2WrappedForm checks the GB/T 35276 structure with encoding/asn1,
// independently of the parser under test.
func TestSM2WrappedForm(t *testing.T) {
	priv := keyPair(t, tx.AlgoSM2)
	w, err := Wrap(priv.Public(), newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := hex.DecodeString(w.Data)
	var c struct {
		X, Y       *big.Int
		Hash, Data []byte
	}
	rest, err := asn1.Unmarshal(raw, &c)
	if err != nil || len(rest) != 0 {
		t.Fatalf("not one ASN.1 SEQUENCE: %v (%d bytes after)", err, len(rest))
	}
	if len(c.Hash) != 32 || len(c.Data) != KeySize || c.X.Sign() <= 0 || c.Y.Sign() <= 0 {
		t.Fatalf("C3 %d bytes, C2 %d bytes", len(c.Hash), len(c.Data))
	}
	// Re-encoded in the same order, it is the same bytes: nothing else
	// is in the structure.
	again, err := asn1.Marshal(c)
	if err != nil || !bytes.Equal(again, raw) {
		t.Fatalf("re-encoding differs: %v", err)
	}
	// A structure with C2 before C3 (the order of GM/T 0009-2012's
	// drafts) is refused.
	c.Hash, c.Data = c.Data, c.Hash
	swapped, _ := asn1.Marshal(c)
	if err := CheckSM2Ciphertext(swapped); err == nil {
		t.Fatal("C2 before C3 passes the check")
	}
}

// TestX25519FromEd25519 checks the key conversion against libsodium's
// vector (test/default/ed25519_convert.c) and, for random keys, that the
// converted public key is the public key of the converted private key.
func TestX25519FromEd25519(t *testing.T) {
	seed, _ := hex.DecodeString("421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee")
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	if got := hex.EncodeToString(pub); got != "b5076a8474a832daee4dd5b4040983b6623b5f344aca57d4d6ee4baf3f259e6e" {
		t.Fatalf("ed25519 public key %s", got)
	}
	xp, err := X25519Public(pub)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(xp.Bytes()); got != "f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50" {
		t.Fatalf("X25519 public key %s", got)
	}
	xs, err := X25519Private(seed)
	if err != nil {
		t.Fatal(err)
	}
	if !xs.PublicKey().Equal(xp) {
		t.Fatal("the converted private key's public key is not the converted public key")
	}
	for range 50 {
		k := keyPair(t, tx.AlgoEd25519)
		xp, err := X25519Public(k.Public().Key)
		if err != nil {
			t.Fatal(err)
		}
		xs, err := X25519Private(k.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !xs.PublicKey().Equal(xp) {
			t.Fatalf("key %s: conversions disagree", k.ID())
		}
	}
	neutral := make([]byte, 32)
	neutral[0] = 1 // y = 1
	if _, err := X25519Public(neutral); err == nil {
		t.Fatal("the neutral point converted")
	}
	unreduced := bytes.Repeat([]byte{0xff}, 32)
	unreduced[31] = 0x7f // y = 2^255 - 1 >= p
	if _, err := X25519Public(unreduced); err == nil {
		t.Fatal("an unreduced y converted")
	}
}

// TestSwappedRecordKey: the data key of one record does not open another.
func TestSwappedRecordKey(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	s1, _ := Seal(k1, newSalt(t), Meta{}, []byte("record one"))
	s2, _ := Seal(k2, newSalt(t), Meta{}, []byte("record two"))
	if _, err := Open(k1, s2.Ciphertext); !errors.Is(err, ErrOpen) {
		t.Fatalf("record two opened with record one's key: %v", err)
	}
	if _, err := Open(k2, s1.Ciphertext); !errors.Is(err, ErrOpen) {
		t.Fatalf("record one opened with record two's key: %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	k := Key{1, 2, 3}
	s, _ := Seal(k, [SaltSize]byte{9}, Meta{Name: "a.pdf", MediaType: "application/pdf"}, []byte("content"))
	f.Add(s.Ciphertext)
	f.Add([]byte(magic + "\x01\x01\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := Open(k, b)
		if err != nil {
			return
		}
		if o.Digest != Digest(o.Salt, o.Content) {
			t.Fatal("digest mismatch")
		}
	})
}

// FuzzInner fuzzes the decoder of the plaintext inside a sealed record,
// which Open reaches only with the right key.
func FuzzInner(f *testing.F) {
	f.Add(append(make([]byte, SaltSize), 0, 0))
	f.Add(append(append(make([]byte, SaltSize), 0, 13), []byte(`{"name":"a"}x`)...))
	f.Add(append(append(make([]byte, SaltSize), 0, 20), []byte(`{"name":"a","z":1}`)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := parseInner(b)
		if err != nil {
			return
		}
		if _, err := encodeMeta(o.Meta); err != nil {
			t.Fatalf("decoded metadata %+v that encoding refuses: %v", o.Meta, err)
		}
	})
}

func FuzzWrapped(f *testing.F) {
	sm := keyPair(f, tx.AlgoSM2)
	ed := keyPair(f, tx.AlgoEd25519)
	ws, _ := Wrap(sm.Public(), Key{7})
	we, _ := Wrap(ed.Public(), Key{7})
	f.Add(ws.Alg, ws.Data, true)
	f.Add(we.Alg, we.Data, false)
	f.Add("sm2", "3000", true)
	f.Fuzz(func(t *testing.T, alg, data string, useSM2 bool) {
		priv := ed
		if useSM2 {
			priv = sm
		}
		w := Wrapped{Alg: alg, KeyID: priv.ID(), Data: data}
		k, err := Unwrap(priv, w)
		if err != nil {
			return
		}
		if w.Check() != nil {
			t.Fatal("unwrapped a wrapped key that fails the form check")
		}
		if k != (Key{7}) && (data == ws.Data || data == we.Data) {
			t.Fatalf("unwrapped %x", k)
		}
	})
}

func FuzzSM2Ciphertext(f *testing.F) {
	priv := keyPair(f, tx.AlgoSM2)
	w, _ := Wrap(priv.Public(), Key{1})
	raw, _ := hex.DecodeString(w.Data)
	f.Add(raw)
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckSM2Ciphertext(b) != nil {
			return
		}
		var c struct {
			X, Y       *big.Int
			Hash, Data []byte
		}
		if rest, err := asn1.Unmarshal(b, &c); err != nil || len(rest) != 0 || len(c.Hash) != 32 || len(c.Data) != KeySize {
			t.Fatalf("accepted %x, which encoding/asn1 reads as %+v, %v", b, c, err)
		}
	})
}

func BenchmarkSeal1MB(b *testing.B) {
	content := make([]byte, 1<<20)
	rand.Read(content)
	k, salt := newKey(b), newSalt(b)
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if _, err := Seal(k, salt, Meta{Name: "ct.dcm"}, content); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1MB(b *testing.B) {
	content := make([]byte, 1<<20)
	rand.Read(content)
	k := newKey(b)
	s, _ := Seal(k, newSalt(b), Meta{}, content)
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if _, err := Open(k, s.Ciphertext); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrap(b *testing.B) {
	for _, algo := range []tx.Algo{tx.AlgoSM2, tx.AlgoEd25519} {
		priv := keyPair(b, algo)
		k := newKey(b)
		b.Run("wrap/"+algo.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Wrap(priv.Public(), k); err != nil {
					b.Fatal(err)
				}
			}
		})
		w, _ := Wrap(priv.Public(), k)
		b.Run("unwrap/"+algo.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Unwrap(priv, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSealAndWrap1MB is the owner's cost of registering a 1 MB record
// shared with two organisations: a fresh key, the seal, three wraps (the
// owner's own key and one per grantee), SM2 keys.
func BenchmarkSealAndWrap1MB(b *testing.B) {
	content := make([]byte, 1<<20)
	rand.Read(content)
	keys := []*tx.PrivateKey{keyPair(b, tx.AlgoSM2), keyPair(b, tx.AlgoSM2), keyPair(b, tx.AlgoSM2)}
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		k, _ := NewKey()
		salt, _ := NewSalt()
		if _, err := Seal(k, salt, Meta{Name: "ct.dcm"}, content); err != nil {
			b.Fatal(err)
		}
		for _, p := range keys {
			if _, err := Wrap(p.Public(), k); err != nil {
				b.Fatal(err)
			}
		}
	}
}
