package tx

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

// fixedReader returns an endless stream derived from seed, so tests get
// the same keys on every run.
type fixedReader struct {
	seed  byte
	block [32]byte
	n     uint64
	buf   []byte
}

func (r *fixedReader) Read(p []byte) (int, error) {
	for i := range p {
		if len(r.buf) == 0 {
			r.block = sha256.Sum256([]byte(fmt.Sprintf("dengta-test-%d-%d", r.seed, r.n)))
			r.n++
			r.buf = r.block[:]
		}
		p[i] = r.buf[0]
		r.buf = r.buf[1:]
	}
	return len(p), nil
}

// testKey returns a deterministic key for algo; different seeds give
// different keys.
func testKey(t testing.TB, algo Algo, seed byte) *PrivateKey {
	t.Helper()
	k, err := GenerateKey(algo, &fixedReader{seed: seed})
	if err != nil {
		t.Fatalf("GenerateKey(%s): %v", algo, err)
	}
	return k
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

var allAlgos = []Algo{AlgoEd25519, AlgoSM2}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseAlgo(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Algo
	}{
		{"ed25519", AlgoEd25519}, {"ED25519", AlgoEd25519}, {"Ed25519", AlgoEd25519},
		{"sm2", AlgoSM2}, {"SM2", AlgoSM2}, {"secp256k1", AlgoSecp256k1}, {"SECP256K1", AlgoSecp256k1},
	} {
		got, err := ParseAlgo(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseAlgo(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "rsa", "sm3", " sm2", "ed25519 ", "secp256r1", "k1"} {
		_, err := ParseAlgo(in)
		if err == nil {
			t.Errorf("ParseAlgo(%q) succeeded", in)
			continue
		}
		if !strings.Contains(err.Error(), "ed25519, sm2, secp256k1") {
			t.Errorf("ParseAlgo(%q) error %q does not list the accepted names", in, err)
		}
	}
}

func TestAlgoStringAndJSON(t *testing.T) {
	if AlgoEd25519.String() != "ed25519" || AlgoSM2.String() != "sm2" {
		t.Fatalf("String: %q %q", AlgoEd25519, AlgoSM2)
	}
	if got := Algo(9).String(); got != "algo(9)" {
		t.Errorf("Algo(9).String() = %q", got)
	}
	for _, a := range allAlgos {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"` + a.String() + `"`; string(b) != want {
			t.Errorf("json.Marshal(%v) = %s, want %s", a, b, want)
		}
		var back Algo
		if err := json.Unmarshal(b, &back); err != nil || back != a {
			t.Errorf("round trip %s: %v, %v", b, back, err)
		}
	}
	var a Algo
	if err := json.Unmarshal([]byte(`"SM2"`), &a); err != nil || a != AlgoSM2 {
		t.Errorf(`unmarshal "SM2": %v %v`, a, err)
	}
	for _, in := range []string{`"rsa"`, `2`, `""`} {
		if err := json.Unmarshal([]byte(in), &a); err == nil {
			t.Errorf("unmarshal %s succeeded", in)
		}
	}
	if _, err := json.Marshal(Algo(0)); err == nil {
		t.Error("marshal of Algo(0) succeeded")
	}
}

func TestKeyIDDerivation(t *testing.T) {
	for _, algo := range allAlgos {
		pub := testKey(t, algo, 1).Public()
		sum := sha256.Sum256(append([]byte{byte(algo)}, pub.Key...))
		var want KeyID
		copy(want[:], sum[:20])
		if got := pub.ID(); got != want {
			t.Errorf("%s: ID = %s, want %s", algo, got, want)
		}
	}
	// The same key bytes under another algorithm byte give another id.
	k := make([]byte, 32)
	if (PublicKey{Algo: AlgoEd25519, Key: k}).ID() == (PublicKey{Algo: AlgoSM2, Key: k}).ID() {
		t.Error("key id does not depend on the algorithm")
	}
}

func TestKeyIDTextAndJSON(t *testing.T) {
	id := testKey(t, AlgoSM2, 1).ID()
	s := id.String()
	if len(s) != 40 || strings.ToLower(s) != s {
		t.Fatalf("String = %q; want 40 lowercase hex chars", s)
	}
	for _, in := range []string{s, strings.ToUpper(s)} {
		got, err := ParseKeyID(in)
		if err != nil || got != id {
			t.Errorf("ParseKeyID(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", s[:39], s + "0", "zz" + s[2:], "0x" + s[2:]} {
		if _, err := ParseKeyID(in); err == nil {
			t.Errorf("ParseKeyID(%q) succeeded", in)
		}
	}
	b, err := json.Marshal(struct {
		ID KeyID `json:"id"`
	}{id})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"` + s + `"}`; string(b) != want {
		t.Fatalf("json = %s, want %s", b, want)
	}
	var back struct {
		ID KeyID `json:"id"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.ID != id {
		t.Fatalf("unmarshal: %v %v", back.ID, err)
	}
	if err := json.Unmarshal([]byte(`{"id":"abc"}`), &back); err == nil {
		t.Error("unmarshal of a short id succeeded")
	}
	if !(KeyID{}).IsZero() || id.IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestNewPublicKey(t *testing.T) {
	edPub := testKey(t, AlgoEd25519, 1).Public().Key
	smPub := testKey(t, AlgoSM2, 1).Public().Key
	offCurve := bytes.Clone(smPub)
	offCurve[64] ^= 1
	compressed := append([]byte{0x02 | smPub[64]&1}, smPub[1:33]...)
	for _, tc := range []struct {
		name string
		algo Algo
		key  []byte
		ok   bool
	}{
		{"ed25519", AlgoEd25519, edPub, true},
		{"sm2", AlgoSM2, smPub, true},
		{"ed25519 short", AlgoEd25519, edPub[:31], false},
		{"ed25519 long", AlgoEd25519, append(bytes.Clone(edPub), 0), false},
		{"ed25519 empty", AlgoEd25519, nil, false},
		{"sm2 short", AlgoSM2, smPub[:64], false},
		{"sm2 compressed", AlgoSM2, compressed, false},
		{"sm2 wrong prefix", AlgoSM2, append([]byte{0x06}, smPub[1:]...), false},
		{"sm2 off curve", AlgoSM2, offCurve, false},
		{"sm2 zero point", AlgoSM2, append([]byte{4}, make([]byte, 64)...), false},
		{"sm2 key as ed25519", AlgoEd25519, smPub, false},
		{"unknown algo", 0, edPub, false},
		{"algo 3", 3, edPub, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPublicKey(tc.algo, tc.key)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && (!bytes.Equal(p.Key, tc.key) || p.Algo != tc.algo) {
				t.Fatalf("got %v", p)
			}
			if tc.ok {
				tc.key[0] ^= 0xff // NewPublicKey must have copied
				defer func() { tc.key[0] ^= 0xff }()
				if bytes.Equal(p.Key, tc.key) {
					t.Fatal("NewPublicKey aliases its input")
				}
			}
		})
	}
}

func TestPublicKeyTextAndJSON(t *testing.T) {
	for _, algo := range allAlgos {
		pub := testKey(t, algo, 2).Public()
		s := pub.String()
		if want := algo.String() + ":" + hex.EncodeToString(pub.Key); s != want {
			t.Fatalf("String = %q, want %q", s, want)
		}
		back, err := ParsePublicKey(s)
		if err != nil || !back.Equal(pub) {
			t.Fatalf("ParsePublicKey(%q) = %v, %v", s, back, err)
		}
		if back, err := ParsePublicKey(strings.ToUpper(s)); err != nil || !back.Equal(pub) {
			t.Fatalf("ParsePublicKey(upper) = %v, %v", back, err)
		}

		b, err := json.Marshal(pub)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"algo":"` + algo.String() + `","key":"` + hex.EncodeToString(pub.Key) + `"}`; string(b) != want {
			t.Fatalf("json = %s, want %s", b, want)
		}
		var j PublicKey
		if err := json.Unmarshal(b, &j); err != nil || !j.Equal(pub) {
			t.Fatalf("unmarshal %s = %v, %v", b, j, err)
		}
	}
	for _, in := range []string{"", "sm2", "ed25519:", "rsa:00", "ed25519:zz", "ed25519:" + strings.Repeat("00", 31)} {
		if _, err := ParsePublicKey(in); err == nil {
			t.Errorf("ParsePublicKey(%q) succeeded", in)
		}
	}
	smPub := testKey(t, AlgoSM2, 2).Public().Key
	off := bytes.Clone(smPub)
	off[10] ^= 1
	for _, in := range []string{
		`{"algo":"sm2","key":"` + hex.EncodeToString(off) + `"}`, // off curve
		`{"algo":"sm2","key":"zz"}`,
		`{"key":"` + hex.EncodeToString(smPub) + `"}`,
		`{"algo":"rsa","key":"00"}`,
		`{"algo":"sm2","key":"` + hex.EncodeToString(smPub) + `","extra":1}`,
		`"sm2:` + hex.EncodeToString(smPub) + `"`,
	} {
		var p PublicKey
		if err := json.Unmarshal([]byte(in), &p); err == nil {
			t.Errorf("unmarshal %s succeeded", in)
		}
	}
	// Zero value <-> null, so optional fields work.
	if b, err := json.Marshal(PublicKey{}); err != nil || string(b) != "null" {
		t.Errorf("zero PublicKey marshals as %s, %v", b, err)
	}
	var p PublicKey
	if err := json.Unmarshal([]byte("null"), &p); err != nil || p.Algo != 0 {
		t.Errorf("null: %v %v", p, err)
	}
}

func TestPrivateKeyBytesRoundTrip(t *testing.T) {
	for _, algo := range allAlgos {
		k := testKey(t, algo, 3)
		if k.Algo() != algo {
			t.Fatalf("Algo = %v", k.Algo())
		}
		b := k.Bytes()
		if len(b) != 32 {
			t.Fatalf("%s: Bytes is %d bytes", algo, len(b))
		}
		k2, err := PrivateKeyFromBytes(algo, b)
		if err != nil {
			t.Fatal(err)
		}
		if !k2.Public().Equal(k.Public()) || !bytes.Equal(k2.Bytes(), b) {
			t.Fatalf("%s: round trip changed the key", algo)
		}
		// The same reader gives the same key; another gives another.
		if !testKey(t, algo, 3).Public().Equal(k.Public()) {
			t.Errorf("%s: GenerateKey is not deterministic for a fixed reader", algo)
		}
		if testKey(t, algo, 4).Public().Equal(k.Public()) {
			t.Errorf("%s: different randomness gave the same key", algo)
		}
		// Printing the key must not print the secret.
		for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k)} {
			if strings.Contains(s, hex.EncodeToString(b)) || !strings.Contains(s, k.ID().String()) {
				t.Errorf("%s: printed key %q", algo, s)
			}
		}
	}
	if k := testKey(t, AlgoEd25519, 3); !bytes.Equal(k.Public().Key, ed25519.NewKeyFromSeed(k.Bytes()).Public().(ed25519.PublicKey)) {
		t.Error("ed25519 Bytes is not the seed")
	}
	// Public returns a copy.
	k := testKey(t, AlgoSM2, 3)
	p := k.Public()
	p.Key[1] ^= 1
	if k.Public().Equal(p) {
		t.Error("Public returns a shared slice")
	}
}

func TestPrivateKeyFromBytesRejects(t *testing.T) {
	n := sm2.P256().Params().N
	scalar := func(v *big.Int) []byte { return v.FillBytes(make([]byte, 32)) }
	for _, tc := range []struct {
		name string
		algo Algo
		b    []byte
	}{
		{"ed25519 short", AlgoEd25519, make([]byte, 31)},
		{"ed25519 64-byte form", AlgoEd25519, make([]byte, 64)},
		{"sm2 short", AlgoSM2, make([]byte, 31)},
		{"sm2 zero", AlgoSM2, make([]byte, 32)},
		{"sm2 n-1", AlgoSM2, scalar(new(big.Int).Sub(n, big.NewInt(1)))},
		{"sm2 n", AlgoSM2, scalar(n)},
		{"sm2 all ff", AlgoSM2, bytes.Repeat([]byte{0xff}, 32)},
		{"unknown algo", 7, make([]byte, 32)},
	} {
		if _, err := PrivateKeyFromBytes(tc.algo, tc.b); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	for _, v := range []*big.Int{big.NewInt(1), new(big.Int).Sub(n, big.NewInt(2))} {
		k, err := PrivateKeyFromBytes(AlgoSM2, scalar(v))
		if err != nil {
			t.Fatalf("scalar %x: %v", v, err)
		}
		sig, err := k.Sign([]byte("edge"))
		if err != nil || !k.Public().Verify([]byte("edge"), sig) {
			t.Fatalf("scalar %x: sign/verify: %v", v, err)
		}
	}
	if _, err := GenerateKey(4, rand.Reader); err == nil {
		t.Error("GenerateKey(4) succeeded")
	}
	if _, err := GenerateKey(AlgoSM2, zeroReader{}); err == nil {
		t.Error("GenerateKey with an all-zero reader succeeded")
	}
	if _, err := GenerateKey(AlgoSM2, strings.NewReader("short")); err == nil {
		t.Error("GenerateKey with an exhausted reader succeeded")
	}
}

// RFC 8032 section 7.1, test 1: pins that Ed25519 keys are plain seeds and
// signatures plain Ed25519.
func TestEd25519RFC8032(t *testing.T) {
	k, err := PrivateKeyFromBytes(AlgoEd25519, mustHex(t, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(k.Public().Key), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"; got != want {
		t.Fatalf("public key %s, want %s", got, want)
	}
	sig, err := k.Sign(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
	if got := hex.EncodeToString(sig); got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestSignVerify(t *testing.T) {
	msg := []byte("dengta sign/verify")
	for _, algo := range allAlgos {
		t.Run(algo.String(), func(t *testing.T) {
			k := testKey(t, algo, 5)
			other := testKey(t, algo, 6)
			sig, err := k.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			if !k.Public().Verify(msg, sig) {
				t.Fatal("own signature does not verify")
			}
			if other.Public().Verify(msg, sig) {
				t.Fatal("signature verifies under another key")
			}
			if k.Public().Verify(append(bytes.Clone(msg), 0), sig) {
				t.Fatal("signature verifies for another message")
			}
			for i := range sig {
				bad := bytes.Clone(sig)
				bad[i] ^= 0x01
				if k.Public().Verify(msg, bad) {
					t.Fatalf("signature with byte %d flipped verifies", i)
				}
			}
			for _, bad := range [][]byte{nil, {}, sig[:len(sig)-1], append(bytes.Clone(sig), 0)} {
				if k.Public().Verify(msg, bad) {
					t.Fatalf("malformed signature %x verifies", bad)
				}
			}
		})
	}
	// A key of the other algorithm with the same-looking bytes never
	// verifies, and malformed keys do not panic.
	edSig, _ := testKey(t, AlgoEd25519, 5).Sign(msg)
	for _, p := range []PublicKey{
		{}, {Algo: AlgoEd25519}, {Algo: AlgoEd25519, Key: make([]byte, 31)},
		{Algo: AlgoSM2, Key: make([]byte, 65)}, {Algo: AlgoSM2, Key: []byte{4}},
		{Algo: 9, Key: make([]byte, 32)},
		{Algo: AlgoSM2, Key: testKey(t, AlgoEd25519, 5).Public().Key},
	} {
		if p.Verify(msg, edSig) {
			t.Errorf("malformed key %v verifies", p)
		}
	}
}

func TestSM2SignaturesAreRandomized(t *testing.T) {
	k := testKey(t, AlgoSM2, 7)
	a, _ := k.Sign([]byte("same"))
	b, _ := k.Sign([]byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two SM2 signatures of the same message are equal")
	}
	if !k.Public().Verify([]byte("same"), a) || !k.Public().Verify([]byte("same"), b) {
		t.Fatal("randomized signatures do not verify")
	}
}

// sm2PointBytes encodes a gmsm public key as 04||X||Y.
func sm2PointBytes(p *sm2.PrivateKey) []byte {
	b := make([]byte, 65)
	b[0] = 4
	p.PublicKey.X.FillBytes(b[1:33])
	p.PublicKey.Y.FillBytes(b[33:65])
	return b
}

// TestSM2Interop checks that our SM2 is GB/T 32918 with the default user id
// as gmsm implements it, in both directions.
func TestSM2Interop(t *testing.T) {
	msg := []byte("interop with gmsm")
	gk, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := NewPublicKey(AlgoSM2, sm2PointBytes(gk))
	if err != nil {
		t.Fatal(err)
	}

	// gmsm signs with the default uid (nil and explicit); we verify.
	for _, uid := range [][]byte{nil, []byte("1234567812345678")} {
		sig, err := sm2.SignASN1(rand.Reader, gk, msg, sm2.NewSM2SignerOption(true, uid))
		if err != nil {
			t.Fatal(err)
		}
		if !pub.Verify(msg, sig) {
			t.Fatalf("gmsm signature (uid %q) does not verify", uid)
		}
	}
	// Another user id gives another ZA digest, so it must not verify.
	sig, err := sm2.SignASN1(rand.Reader, gk, msg, sm2.NewSM2SignerOption(true, []byte("ALICE123@YAHOO.COM")))
	if err != nil {
		t.Fatal(err)
	}
	if pub.Verify(msg, sig) {
		t.Fatal("signature with a non-default uid verifies")
	}
	// A signature over the bare message (no ZA, no SM3) must not verify.
	sig, err = sm2.SignASN1(rand.Reader, gk, msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Verify(msg, sig) {
		t.Fatal("signature without ZA/SM3 verifies")
	}

	// Our key from gmsm's scalar has the same public key, and gmsm
	// verifies our signatures with the default uid.
	k, err := PrivateKeyFromBytes(AlgoSM2, gk.D.FillBytes(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if !k.Public().Equal(pub) {
		t.Fatal("PrivateKeyFromBytes derives another public key than gmsm")
	}
	ours, err := k.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	if !sm2.VerifyASN1WithSM2(&gk.PublicKey, nil, msg, ours) {
		t.Fatal("gmsm does not verify our signature")
	}
	if !sm2.VerifyASN1WithSM2(&gk.PublicKey, []byte("1234567812345678"), msg, ours) {
		t.Fatal("gmsm does not verify our signature with the explicit default uid")
	}
}
