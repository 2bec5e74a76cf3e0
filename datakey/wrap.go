package datakey

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dengta-chain/dengta/tx"
)

// The wrapping algorithms, as a wrapped key names them.
const (
	// AlgSM2 is SM2 public-key encryption (GB/T 32918.4-2016) of the data
	// key, in the ASN.1 form of GB/T 35276-2017:
	// SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING (32), ciphertext OCTET STRING (16) }.
	AlgSM2 = "sm2"
	// AlgX25519 is HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256),
	// HKDF-SHA256, ChaCha20-Poly1305, info HPKEInfo, to the X25519 form of
	// an Ed25519 key: the 32-byte encapsulated key then the 32-byte
	// sealed data key (16 bytes and the tag).
	AlgX25519 = "x25519-hpke"
)

// HPKEInfo is the HPKE info string of a wrapped data key.
const HPKEInfo = "dengta/datashare/wrap/v1"

// Wrapped is a data key wrapped to one member key. It is what the chain
// stores for each organisation a record is shared with.
type Wrapped struct {
	Alg   string   `json:"alg" doc:"sm2 (SM2 public-key encryption, GB/T 35276 ASN.1) or x25519-hpke (RFC 9180, for Ed25519 keys)"`
	KeyID tx.KeyID `json:"key_id" doc:"the member key the data key is wrapped to"`
	Data  string   `json:"data" doc:"the wrapped data key, lowercase hex"`
}

// Sizes of the wrapped forms.
const (
	x25519WrappedSize = 32 + KeySize + 16
	sm2MaxWrappedSize = 2 + 2*35 + 2 + 32 + 2 + KeySize // SEQUENCE of two integers (up to 33 bytes with their leading zero), C3 and C2
)

// AlgFor names the wrapping algorithm for a member key's algorithm.
func AlgFor(a tx.Algo) (string, error) {
	switch a {
	case tx.AlgoSM2:
		return AlgSM2, nil
	case tx.AlgoEd25519:
		return AlgX25519, nil
	}
	return "", fmt.Errorf("no key wrapping for key algorithm %s", a)
}

// Wrap wraps k to pub.
func Wrap(pub tx.PublicKey, k Key) (Wrapped, error) {
	w := Wrapped{KeyID: pub.ID()}
	switch pub.Algo {
	case tx.AlgoSM2:
		ek, err := sm2PublicKey(pub.Key)
		if err != nil {
			return Wrapped{}, err
		}
		ct, err := sm2.Encrypt(rand.Reader, ek, k[:], sm2.ASN1EncrypterOpts)
		if err != nil {
			return Wrapped{}, fmt.Errorf("wrap data key: %w", err)
		}
		w.Alg, w.Data = AlgSM2, hex.EncodeToString(ct)
	case tx.AlgoEd25519:
		u, err := X25519Public(pub.Key)
		if err != nil {
			return Wrapped{}, err
		}
		pk, err := hpke.NewDHKEMPublicKey(u)
		if err != nil {
			return Wrapped{}, fmt.Errorf("wrap data key: %w", err)
		}
		ct, err := hpke.Seal(pk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), []byte(HPKEInfo), k[:])
		if err != nil {
			return Wrapped{}, fmt.Errorf("wrap data key: %w", err)
		}
		w.Alg, w.Data = AlgX25519, hex.EncodeToString(ct)
	default:
		return Wrapped{}, fmt.Errorf("wrap data key: unknown key algorithm %d", uint8(pub.Algo))
	}
	return w, nil
}

// Unwrap recovers the data key with the private key w names. A wrapped key
// for another key, of another algorithm, altered or malformed, is an
// error; the bytes of a malformed one are never handed to the ciphers.
func Unwrap(priv *tx.PrivateKey, w Wrapped) (Key, error) {
	raw, err := w.decode()
	if err != nil {
		return Key{}, err
	}
	if w.KeyID != priv.ID() {
		return Key{}, fmt.Errorf("the data key is wrapped to key %s, not to %s", w.KeyID, priv.ID())
	}
	var out []byte
	switch w.Alg {
	case AlgSM2:
		if priv.Algo() != tx.AlgoSM2 {
			return Key{}, ErrOpen
		}
		pub, err := sm2PublicKey(priv.Public().Key)
		if err != nil {
			return Key{}, ErrOpen
		}
		d := priv.Bytes()
		sk := &sm2.PrivateKey{PrivateKey: ecdsa.PrivateKey{PublicKey: *pub, D: new(big.Int).SetBytes(d)}}
		clear(d)
		out, err = sm2.Decrypt(sk, raw)
		if err != nil {
			return Key{}, ErrOpen
		}
	case AlgX25519:
		if priv.Algo() != tx.AlgoEd25519 {
			return Key{}, ErrOpen
		}
		xk, err := X25519Private(priv.Bytes())
		if err != nil {
			return Key{}, ErrOpen
		}
		sk, err := hpke.NewDHKEMPrivateKey(xk)
		if err != nil {
			return Key{}, ErrOpen
		}
		out, err = hpke.Open(sk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), []byte(HPKEInfo), raw)
		if err != nil {
			return Key{}, ErrOpen
		}
	}
	if len(out) != KeySize {
		return Key{}, ErrOpen
	}
	var k Key
	copy(k[:], out)
	clear(out)
	return k, nil
}

// Check checks a wrapped key's form without any key: a known algorithm,
// lowercase hex, and for SM2 the strict GB/T 35276 structure with a
// 32-byte hash and a 16-byte ciphertext; for X25519 exactly 64 bytes. The
// chain checks every wrapped key it stores this way.
func (w Wrapped) Check() error {
	_, err := w.decode()
	return err
}

func (w Wrapped) decode() ([]byte, error) {
	if w.KeyID.IsZero() {
		return nil, fmt.Errorf("%w: the wrapped key names no key", ErrFormat)
	}
	if len(w.Data) > 2*sm2MaxWrappedSize {
		return nil, fmt.Errorf("%w: a wrapped key of %d hex digits is too long", ErrFormat, len(w.Data))
	}
	raw, err := hex.DecodeString(w.Data)
	if err != nil || hex.EncodeToString(raw) != w.Data {
		return nil, fmt.Errorf("%w: the wrapped key is not lowercase hex", ErrFormat)
	}
	switch w.Alg {
	case AlgSM2:
		if err := CheckSM2Ciphertext(raw); err != nil {
			return nil, err
		}
	case AlgX25519:
		if len(raw) != x25519WrappedSize {
			return nil, fmt.Errorf("%w: an x25519-hpke wrapped key is %d bytes, not %d", ErrFormat, len(raw), x25519WrappedSize)
		}
	default:
		return nil, fmt.Errorf("%w: wrapping algorithm %q is not %s or %s", ErrFormat, w.Alg, AlgSM2, AlgX25519)
	}
	return raw, nil
}

// sm2FieldP is the prime of the SM2 curve's field.
var sm2FieldP = sm2.P256().Params().P

// CheckSM2Ciphertext checks the GB/T 35276 ASN.1 form of an SM2
// ciphertext of a data key: one SEQUENCE with nothing after it, holding
// two non-negative minimal INTEGERs below the field prime (the point C1),
// a 32-byte OCTET STRING (C3, the SM3 hash) and a 16-byte OCTET STRING
// (C2), in that order, with nothing else.
func CheckSM2Ciphertext(b []byte) error {
	var inner, c3, c2 cryptobyte.String
	var x, y big.Int
	in := cryptobyte.String(b)
	if !in.ReadASN1(&inner, cbasn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(&x) || !inner.ReadASN1Integer(&y) ||
		!inner.ReadASN1(&c3, cbasn1.OCTET_STRING) || !inner.ReadASN1(&c2, cbasn1.OCTET_STRING) || !inner.Empty() {
		return fmt.Errorf("%w: not an SM2 ciphertext in the ASN.1 form of GB/T 35276", ErrFormat)
	}
	if x.Sign() < 0 || y.Sign() < 0 || x.Cmp(sm2FieldP) >= 0 || y.Cmp(sm2FieldP) >= 0 {
		return fmt.Errorf("%w: the SM2 ciphertext's point is out of range", ErrFormat)
	}
	if len(c3) != 32 || len(c2) != KeySize {
		return fmt.Errorf("%w: the SM2 ciphertext holds a %d-byte hash and %d bytes; a wrapped data key has 32 and %d", ErrFormat, len(c3), len(c2), KeySize)
	}
	return nil
}

func sm2PublicKey(key []byte) (*ecdsa.PublicKey, error) {
	pub, err := tx.NewPublicKey(tx.AlgoSM2, key)
	if err != nil {
		return nil, fmt.Errorf("wrap data key: %w", err)
	}
	return &ecdsa.PublicKey{Curve: sm2.P256(), X: new(big.Int).SetBytes(pub.Key[1:33]), Y: new(big.Int).SetBytes(pub.Key[33:65])}, nil
}

// x25519P is 2^255 - 19.
var x25519P = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// X25519Public maps an Ed25519 public key to the X25519 public key of the
// same secret: u = (1 + y) / (1 - y) mod p (RFC 7748 section 4.1), where
// y is the Edwards point's y-coordinate (the encoding less its sign bit).
// A y at or above p, or y = 1 (the neutral point, with no u), is refused.
func X25519Public(ed []byte) (*ecdh.PublicKey, error) {
	if len(ed) != 32 {
		return nil, fmt.Errorf("an ed25519 public key is 32 bytes, not %d", len(ed))
	}
	le := make([]byte, 32)
	for i := range 32 {
		le[i] = ed[31-i]
	}
	le[0] &= 0x7f // the sign of x
	y := new(big.Int).SetBytes(le)
	if y.Cmp(x25519P) >= 0 {
		return nil, fmt.Errorf("the ed25519 public key's y-coordinate is not reduced")
	}
	den := new(big.Int).Sub(big.NewInt(1), y)
	den.Mod(den, x25519P)
	if den.Sign() == 0 {
		return nil, fmt.Errorf("the ed25519 public key is the neutral point")
	}
	den.ModInverse(den, x25519P)
	u := new(big.Int).Add(big.NewInt(1), y)
	u.Mul(u, den).Mod(u, x25519P)
	be := u.FillBytes(make([]byte, 32))
	for i := range 16 {
		be[i], be[31-i] = be[31-i], be[i]
	}
	return ecdh.X25519().NewPublicKey(be)
}

// X25519Private derives the X25519 private key of an Ed25519 seed: the
// first half of SHA-512(seed), which X25519 clamps (RFC 8032 section
// 5.1.5 makes the Ed25519 secret scalar the same way).
func X25519Private(seed []byte) (*ecdh.PrivateKey, error) {
	if len(seed) != 32 {
		return nil, fmt.Errorf("an ed25519 seed is 32 bytes, not %d", len(seed))
	}
	h := sha512.Sum512(seed)
	defer clear(h[:])
	return ecdh.X25519().NewPrivateKey(h[:32])
}
