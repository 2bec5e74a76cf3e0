package tx

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/emmansun/gmsm/ecdh"
	"github.com/emmansun/gmsm/sm2"
)

// Key sizes in bytes.
const (
	ed25519PublicKeySize = ed25519.PublicKeySize // 32
	ed25519SeedSize      = ed25519.SeedSize      // 32
	sm2PublicKeySize     = 65                    // 04 || X || Y
	sm2PrivateKeySize    = 32                    // scalar D, big-endian
)

// sm2SignerOpts selects GB/T 32918 signing: the message is hashed with SM3
// after the ZA digest of the default user id "1234567812345678".
var sm2SignerOpts = sm2.NewSM2SignerOption(true, nil)

// KeyID names a public key: the first 20 bytes of
// SHA-256(algo byte || public key bytes). Two keys with the same bytes but
// different algorithms have different ids.
type KeyID [20]byte

// String returns the id as 40 lowercase hex characters.
func (k KeyID) String() string { return hex.EncodeToString(k[:]) }

// IsZero reports whether k is the zero id, which no key has in practice and
// which marks an unset signer.
func (k KeyID) IsZero() bool { return k == KeyID{} }

// ParseKeyID parses 40 hex characters (either letter case).
func ParseKeyID(s string) (KeyID, error) {
	var k KeyID
	if len(s) != 2*len(k) {
		return k, fmt.Errorf("key id %q is %d characters; a key id is %d hex characters", clip(s), len(s), 2*len(k))
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return KeyID{}, fmt.Errorf("key id %q is not hex", clip(s))
	}
	return k, nil
}

// MarshalText encodes k as lowercase hex, so JSON shows a hex string.
func (k KeyID) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a hex key id, as ParseKeyID.
func (k *KeyID) UnmarshalText(b []byte) error {
	v, err := ParseKeyID(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// PublicKey is a public key with its algorithm. Key is 32 bytes for
// Ed25519 and the 65-byte uncompressed point 04||X||Y for SM2. Build one
// with NewPublicKey or ParsePublicKey so that it is validated.
type PublicKey struct {
	Algo Algo
	Key  []byte
}

// NewPublicKey checks the key's length for its algorithm and, for SM2,
// that it is an uncompressed point on the curve. It copies key.
func NewPublicKey(algo Algo, key []byte) (PublicKey, error) {
	switch algo {
	case AlgoEd25519:
		if len(key) != ed25519PublicKeySize {
			return PublicKey{}, fmt.Errorf("ed25519 public key is %d bytes; it must be %d", len(key), ed25519PublicKeySize)
		}
	case AlgoSM2:
		if len(key) != sm2PublicKeySize {
			return PublicKey{}, fmt.Errorf("sm2 public key is %d bytes; it must be %d (uncompressed point 04||X||Y)", len(key), sm2PublicKeySize)
		}
		if key[0] != 0x04 {
			return PublicKey{}, fmt.Errorf("sm2 public key starts with byte 0x%02x; it must be an uncompressed point starting with 0x04", key[0])
		}
		if _, err := ecdh.P256().NewPublicKey(key); err != nil {
			return PublicKey{}, errors.New("sm2 public key is not a point on the SM2 curve")
		}
	case AlgoSecp256k1:
		if err := checkSecp256k1PublicKey(key); err != nil {
			return PublicKey{}, err
		}
	default:
		return PublicKey{}, fmt.Errorf("unknown key algorithm %d (accepted: %s)", uint8(algo), acceptedAlgos)
	}
	return PublicKey{Algo: algo, Key: bytes.Clone(key)}, nil
}

// ID returns the key id of p: for a secp256k1 key its Ethereum address.
func (p PublicKey) ID() KeyID {
	if p.Algo == AlgoSecp256k1 && len(p.Key) == secp256k1PublicKeySize {
		return secp256k1ID(p.Key)
	}
	h := sha256.New()
	h.Write([]byte{byte(p.Algo)})
	h.Write(p.Key)
	var sum [sha256.Size]byte
	var id KeyID
	copy(id[:], h.Sum(sum[:0]))
	return id
}

// Equal reports whether p and o are the same key.
func (p PublicKey) Equal(o PublicKey) bool {
	return p.Algo == o.Algo && bytes.Equal(p.Key, o.Key)
}

// Verify reports whether sig is a valid signature of msg by p. Ed25519 is
// pure Ed25519 over msg; SM2 verifies an ASN.1 DER signature over
// SM3(ZA || msg), ZA computed with the default user id; secp256k1 a
// 64-byte R||S (low S) over Keccak-256(msg). A malformed key or signature
// verifies as false; Verify never panics.
func (p PublicKey) Verify(msg, sig []byte) bool {
	switch p.Algo {
	case AlgoEd25519:
		if len(p.Key) != ed25519PublicKeySize {
			return false
		}
		return verifyEd25519(p.Key, msg, sig)
	case AlgoSM2:
		pub, ok := sm2ECDSAPublicKey(p.Key)
		if !ok {
			return false
		}
		return sm2.VerifyASN1WithSM2(pub, nil, msg, sig)
	case AlgoSecp256k1:
		return verifySecp256k1(p.Key, msg, sig)
	default:
		return false
	}
}

// sm2ECDSAPublicKey converts 04||X||Y into the form gmsm verifies with. The
// point itself is checked by gmsm during verification.
func sm2ECDSAPublicKey(key []byte) (*ecdsa.PublicKey, bool) {
	if len(key) != sm2PublicKeySize || key[0] != 0x04 {
		return nil, false
	}
	return &ecdsa.PublicKey{
		Curve: sm2.P256(),
		X:     new(big.Int).SetBytes(key[1:33]),
		Y:     new(big.Int).SetBytes(key[33:65]),
	}, true
}

// String returns "<algo>:<lowercase hex key>", e.g. "ed25519:3b6a…".
func (p PublicKey) String() string {
	return p.Algo.String() + ":" + hex.EncodeToString(p.Key)
}

// ParsePublicKey parses the form String produces and validates the key as
// NewPublicKey does.
func ParsePublicKey(s string) (PublicKey, error) {
	name, hexKey, ok := strings.Cut(s, ":")
	if !ok {
		return PublicKey{}, fmt.Errorf("public key %q is not of the form <algo>:<hex> (algo one of %s)", clip(s), acceptedAlgos)
	}
	algo, err := ParseAlgo(name)
	if err != nil {
		return PublicKey{}, err
	}
	key, err := hex.DecodeString(hexKey)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%s public key is not hex", algo)
	}
	return NewPublicKey(algo, key)
}

type publicKeyJSON struct {
	Algo Algo   `json:"algo"`
	Key  string `json:"key"`
}

// MarshalJSON encodes p as {"algo":"sm2","key":"<hex>"}. The zero
// PublicKey encodes as null.
func (p PublicKey) MarshalJSON() ([]byte, error) {
	if p.Algo == 0 && len(p.Key) == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(publicKeyJSON{Algo: p.Algo, Key: hex.EncodeToString(p.Key)})
}

// UnmarshalJSON decodes {"algo":"sm2","key":"<hex>"} strictly (no other
// fields) and validates the key as NewPublicKey does. null leaves p
// unchanged.
func (p *PublicKey) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var j publicKeyJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("public key: %w", err)
	}
	if j.Algo == 0 {
		return fmt.Errorf("public key has no algo (accepted: %s)", acceptedAlgos)
	}
	key, err := hex.DecodeString(j.Key)
	if err != nil {
		return fmt.Errorf("%s public key is not hex", j.Algo)
	}
	v, err := NewPublicKey(j.Algo, key)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// PrivateKey is a private key of either algorithm. Its String and GoString
// methods print only the algorithm and key id, so logging one by mistake
// does not leak it.
type PrivateKey struct {
	algo Algo
	ed   ed25519.PrivateKey // AlgoEd25519
	sm   *sm2.PrivateKey    // AlgoSM2
	k1   *ecdsa.PrivateKey  // AlgoSecp256k1
	pub  PublicKey
}

// sm2N is the order of the SM2 curve's base point.
var sm2N = sm2.P256().Params().N

// sm2MaxD is n-2, the largest valid SM2 private scalar: signing divides by
// 1+D, which must not be 0 mod n.
var sm2MaxD = new(big.Int).Sub(sm2N, big.NewInt(2))

// GenerateKey creates a new private key, reading randomness from rand
// (crypto/rand.Reader in production; a fixed reader gives a fixed key).
func GenerateKey(algo Algo, rand io.Reader) (*PrivateKey, error) {
	switch algo {
	case AlgoEd25519:
		seed := make([]byte, ed25519SeedSize)
		if _, err := io.ReadFull(rand, seed); err != nil {
			return nil, fmt.Errorf("key randomness: %w", err)
		}
		return PrivateKeyFromBytes(AlgoEd25519, seed)
	case AlgoSM2:
		// Rejection sampling over [1, n-2]. n is within 2^-32 of 2^256,
		// so a retry essentially never happens; many in a row mean the
		// reader is broken (all zeros, say), not unlucky.
		b := make([]byte, sm2PrivateKeySize)
		for range 64 {
			if _, err := io.ReadFull(rand, b); err != nil {
				return nil, fmt.Errorf("key randomness: %w", err)
			}
			if k, err := PrivateKeyFromBytes(AlgoSM2, b); err == nil {
				return k, nil
			}
		}
		return nil, errors.New("key randomness: 64 candidates in a row were out of range; the random source is broken")
	case AlgoSecp256k1:
		b := make([]byte, secp256k1PrivateKeySize)
		for range 64 {
			if _, err := io.ReadFull(rand, b); err != nil {
				return nil, fmt.Errorf("key randomness: %w", err)
			}
			if k, err := secp256k1FromBytes(b); err == nil {
				return k, nil
			}
		}
		return nil, errors.New("key randomness: 64 candidates in a row were out of range; the random source is broken")
	default:
		return nil, fmt.Errorf("unknown key algorithm %d (accepted: %s)", uint8(algo), acceptedAlgos)
	}
}

// PrivateKeyFromBytes rebuilds a key from the bytes Bytes returns: the
// 32-byte seed for Ed25519, the 32-byte big-endian scalar D for SM2
// (1 <= D <= n-2) and for secp256k1 (1 <= D <= n-1).
func PrivateKeyFromBytes(algo Algo, b []byte) (*PrivateKey, error) {
	switch algo {
	case AlgoEd25519:
		if len(b) != ed25519SeedSize {
			return nil, fmt.Errorf("ed25519 private key is %d bytes; it must be the %d-byte seed", len(b), ed25519SeedSize)
		}
		ed := ed25519.NewKeyFromSeed(b)
		pub := PublicKey{Algo: AlgoEd25519, Key: bytes.Clone(ed.Public().(ed25519.PublicKey))}
		return &PrivateKey{algo: AlgoEd25519, ed: ed, pub: pub}, nil
	case AlgoSM2:
		if len(b) != sm2PrivateKeySize {
			return nil, fmt.Errorf("sm2 private key is %d bytes; it must be the %d-byte scalar", len(b), sm2PrivateKeySize)
		}
		d := new(big.Int).SetBytes(b)
		if d.Sign() == 0 || d.Cmp(sm2MaxD) > 0 {
			return nil, errors.New("sm2 private key is out of range (it must be between 1 and n-2)")
		}
		ek, err := ecdh.P256().NewPrivateKey(b)
		if err != nil {
			return nil, errors.New("sm2 private key is out of range (it must be between 1 and n-2)")
		}
		point := ek.PublicKey().Bytes()
		pub, ok := sm2ECDSAPublicKey(point)
		if !ok {
			return nil, errors.New("sm2 public key derivation gave an unexpected encoding")
		}
		sk := &sm2.PrivateKey{PrivateKey: ecdsa.PrivateKey{PublicKey: *pub, D: d}}
		return &PrivateKey{algo: AlgoSM2, sm: sk, pub: PublicKey{Algo: AlgoSM2, Key: bytes.Clone(point)}}, nil
	case AlgoSecp256k1:
		return secp256k1FromBytes(b)
	default:
		return nil, fmt.Errorf("unknown key algorithm %d (accepted: %s)", uint8(algo), acceptedAlgos)
	}
}

// Algo returns the key's algorithm.
func (k *PrivateKey) Algo() Algo { return k.algo }

// Public returns the matching public key. The caller may keep and modify
// the result; it is a copy.
func (k *PrivateKey) Public() PublicKey {
	return PublicKey{Algo: k.pub.Algo, Key: bytes.Clone(k.pub.Key)}
}

// ID returns the key id of the public key, the same as k.Public().ID().
func (k *PrivateKey) ID() KeyID { return k.pub.ID() }

// Sign signs msg. Ed25519 signatures are deterministic (64 bytes); SM2
// signatures are ASN.1 DER over SM3(ZA || msg) with the default user id,
// randomized with crypto/rand, so two signatures of the same message
// differ. secp256k1 signatures are the 64-byte R||S over Keccak-256(msg),
// deterministic (RFC 6979).
func (k *PrivateKey) Sign(msg []byte) ([]byte, error) {
	switch k.algo {
	case AlgoEd25519:
		return ed25519.Sign(k.ed, msg), nil
	case AlgoSM2:
		sig, err := sm2.SignASN1(rand.Reader, k.sm, msg, sm2SignerOpts)
		if err != nil {
			return nil, fmt.Errorf("sm2 signature: %w", err)
		}
		return sig, nil
	case AlgoSecp256k1:
		return signSecp256k1(k.k1, msg)
	default:
		return nil, fmt.Errorf("unknown key algorithm %d", uint8(k.algo))
	}
}

// Bytes returns the private key material: the 32-byte seed for Ed25519,
// the 32-byte big-endian scalar D for SM2 and secp256k1. Treat it as a
// secret.
func (k *PrivateKey) Bytes() []byte {
	switch k.algo {
	case AlgoEd25519:
		return bytes.Clone(k.ed.Seed())
	case AlgoSM2:
		b := make([]byte, sm2PrivateKeySize)
		k.sm.D.FillBytes(b)
		return b
	case AlgoSecp256k1:
		b := make([]byte, secp256k1PrivateKeySize)
		k.k1.D.FillBytes(b)
		return b
	default:
		return nil
	}
}

// String prints the algorithm and key id, never the secret.
func (k *PrivateKey) String() string {
	return k.algo.String() + " private key " + k.ID().String()
}

// GoString is String, so that %#v does not print the secret either.
func (k *PrivateKey) GoString() string { return k.String() }

// clip shortens untrusted text quoted in error messages.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// JSONSchema describes a key id in the API's JSON schemas.
func (KeyID) JSONSchema() map[string]any {
	return map[string]any{"type": "string", "pattern": "^[0-9a-f]{40}$", "description": "key id: 40 lowercase hex digits"}
}

// JSONSchema describes a public key in the API's JSON schemas.
func (PublicKey) JSONSchema() map[string]any {
	return map[string]any{
		"type": "object", "required": []any{"algo", "key"}, "additionalProperties": false,
		"properties": map[string]any{
			"algo": Algo(0).JSONSchema(),
			"key":  map[string]any{"type": "string", "pattern": "^[0-9a-fA-F]+$", "description": "hex: 32 bytes for ed25519, 65 (uncompressed) for sm2 and secp256k1"},
		},
	}
}
