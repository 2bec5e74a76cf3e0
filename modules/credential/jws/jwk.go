// Package jws is the small part of JOSE that electronic certificates need:
// JSON Web Keys (RFC 7517) for EC P-256, Ed25519 and SM2 keys, their
// thumbprints (RFC 7638), and JWS compact serialisation (RFC 7515) signed
// with ES256, EdDSA or SM2SM3.
//
// ES256 (ECDSA P-256 with SHA-256) and EdDSA (Ed25519, RFC 8037) are the
// registered algorithms other SD-JWT and W3C VC implementations verify.
// SM2SM3 is Dengta's name for an SM2 signature (GB/T 32918) over the SM3
// digest with the default user id, for issuers bound to the national
// algorithms: it has no IANA registration, so outside Dengta only verifiers
// that adopt the same name can check it. Its keys are written
// {"kty":"EC","crv":"SM2","x":…,"y":…} and its signatures as r‖s, 64 bytes,
// like ES256's.
//
// Decoding is strict: base64url without padding only, no "none" algorithm,
// no "crit" header, a key's algorithm must be the header's. Nothing here
// reads a clock or the network.
package jws

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/dengta-chain/dengta/tx"
)

// Algorithms.
const (
	ES256  = "ES256"  // ECDSA P-256 with SHA-256 (RFC 7518)
	EdDSA  = "EdDSA"  // Ed25519 (RFC 8037)
	SM2SM3 = "SM2SM3" // SM2 with SM3 and the default user id (GB/T 32918); Dengta-specific
)

// Algorithms lists the algorithms this package signs and verifies.
var Algorithms = []string{ES256, EdDSA, SM2SM3}

// B64 is the base64url encoding without padding that JOSE uses, decoding
// strictly (no padding, no stray bits).
var B64 = base64.RawURLEncoding.Strict()

// JWK is a JSON Web Key as stored and exchanged: the public members of an
// EC, OKP or SM2 key, and D for a private key.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y,omitempty"`
	D   string `json:"d,omitempty"`
}

// PublicKey is a verification key with its algorithm.
type PublicKey struct {
	Alg   string
	jwk   JWK
	ecPub *ecdsa.PublicKey
	edPub ed25519.PublicKey
	smPub tx.PublicKey
}

// PrivateKey is a signing key with its algorithm.
type PrivateKey struct {
	PublicKey
	ecPriv *ecdsa.PrivateKey
	edPriv ed25519.PrivateKey
	smPriv *tx.PrivateKey
	d      []byte
}

// coordinate decodes a base64url coordinate or scalar of exactly n bytes.
func coordinate(name, s string, n int) ([]byte, error) {
	b, err := B64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("jwk %s is not base64url without padding", name)
	}
	if len(b) != n {
		return nil, fmt.Errorf("jwk %s is %d bytes, want %d", name, len(b), n)
	}
	return b, nil
}

// ParseJWK decodes a JWK (public or private) and checks that it is a key of
// one of the algorithms, on its curve. Members other than kty, crv, x, y
// and d (use, key_ops, alg, kid…) are ignored.
func ParseJWK(b []byte) (*PrivateKey, error) {
	var j JWK
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("jwk: %w", err)
	}
	return FromJWK(j)
}

// FromJWK checks j and returns the key it holds. When j has no D the
// result can only verify (Private reports false).
func FromJWK(j JWK) (*PrivateKey, error) {
	k := &PrivateKey{}
	switch {
	case j.Kty == "EC" && j.Crv == "P-256":
		x, err := coordinate("x", j.X, 32)
		if err != nil {
			return nil, err
		}
		y, err := coordinate("y", j.Y, 32)
		if err != nil {
			return nil, err
		}
		point := append(append([]byte{4}, x...), y...)
		if _, err := ecdh.P256().NewPublicKey(point); err != nil {
			return nil, errors.New("jwk: the point is not on P-256")
		}
		k.Alg = ES256
		k.ecPub = &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
		if j.D != "" {
			d, err := coordinate("d", j.D, 32)
			if err != nil {
				return nil, err
			}
			ek, err := ecdh.P256().NewPrivateKey(d)
			if err != nil || string(ek.PublicKey().Bytes()) != string(point) {
				return nil, errors.New("jwk: d does not match x and y")
			}
			k.ecPriv = &ecdsa.PrivateKey{PublicKey: *k.ecPub, D: new(big.Int).SetBytes(d)}
			k.d = d
		}
	case j.Kty == "OKP" && j.Crv == "Ed25519":
		if j.Y != "" {
			return nil, errors.New("jwk: an Ed25519 key has no y")
		}
		x, err := coordinate("x", j.X, ed25519.PublicKeySize)
		if err != nil {
			return nil, err
		}
		k.Alg = EdDSA
		k.edPub = ed25519.PublicKey(x)
		if j.D != "" {
			d, err := coordinate("d", j.D, ed25519.SeedSize)
			if err != nil {
				return nil, err
			}
			k.edPriv = ed25519.NewKeyFromSeed(d)
			if string(k.edPriv.Public().(ed25519.PublicKey)) != string(x) {
				return nil, errors.New("jwk: d does not match x")
			}
			k.d = d
		}
	case j.Kty == "EC" && j.Crv == "SM2":
		x, err := coordinate("x", j.X, 32)
		if err != nil {
			return nil, err
		}
		y, err := coordinate("y", j.Y, 32)
		if err != nil {
			return nil, err
		}
		pub, err := tx.NewPublicKey(tx.AlgoSM2, append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("jwk: %w", err)
		}
		k.Alg = SM2SM3
		k.smPub = pub
		if j.D != "" {
			d, err := coordinate("d", j.D, 32)
			if err != nil {
				return nil, err
			}
			sk, err := tx.PrivateKeyFromBytes(tx.AlgoSM2, d)
			if err != nil {
				return nil, fmt.Errorf("jwk: %w", err)
			}
			if !sk.Public().Equal(pub) {
				return nil, errors.New("jwk: d does not match x and y")
			}
			k.smPriv = sk
			k.d = d
		}
	default:
		return nil, fmt.Errorf("jwk: kty %q crv %q is not a key this verifier accepts (EC P-256, OKP Ed25519, EC SM2)", j.Kty, j.Crv)
	}
	k.PublicKey.jwk = JWK{Kty: j.Kty, Crv: j.Crv, X: j.X, Y: j.Y}
	return k, nil
}

// Private reports whether k can sign.
func (k *PrivateKey) Private() bool { return k.d != nil }

// JWK returns the key's public members only.
func (k *PublicKey) JWK() JWK { return k.jwk }

// PrivateJWK returns the key with its private member d.
func (k *PrivateKey) PrivateJWK() JWK {
	j := k.jwk
	j.D = B64.EncodeToString(k.d)
	return j
}

// Thumbprint is the key's RFC 7638 thumbprint with SHA-256, base64url: the
// hash of its required members in lexicographic order.
func (k *PublicKey) Thumbprint() string { return Thumbprint(k.jwk) }

// Thumbprint computes the RFC 7638 SHA-256 thumbprint of a public JWK.
func Thumbprint(j JWK) string {
	var canon []byte
	if j.Kty == "OKP" {
		canon, _ = json.Marshal(struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
		}{j.Crv, j.Kty, j.X})
	} else {
		canon, _ = json.Marshal(struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{j.Crv, j.Kty, j.X, j.Y})
	}
	sum := sha256.Sum256(canon)
	return B64.EncodeToString(sum[:])
}

// GenerateKey makes a new key of alg from rand.
func GenerateKey(alg string, rand io.Reader) (*PrivateKey, error) {
	seed := make([]byte, 48)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return nil, err
	}
	return DeriveKey(alg, seed)
}

// NewKey makes a new key of alg from the system's randomness.
func NewKey(alg string) (*PrivateKey, error) { return GenerateKey(alg, rand.Reader) }

// DeriveKey makes the key of alg that seed (at least 32 bytes of secret,
// uniformly random material) determines: the same seed gives the same key.
// Ed25519 takes the first 32 bytes as its seed; the curves take
// 1 + (seed mod (n-1)), with 48 bytes or more making the bias negligible.
func DeriveKey(alg string, seed []byte) (*PrivateKey, error) {
	if len(seed) < 32 {
		return nil, errors.New("jws: a key seed needs 32 bytes or more")
	}
	scalar := func(n *big.Int) []byte {
		nm1 := new(big.Int).Sub(n, big.NewInt(1))
		d := new(big.Int).Mod(new(big.Int).SetBytes(seed), nm1)
		d.Add(d, big.NewInt(1))
		return d.FillBytes(make([]byte, 32))
	}
	var j JWK
	switch alg {
	case ES256:
		d := scalar(elliptic.P256().Params().N)
		ek, err := ecdh.P256().NewPrivateKey(d)
		if err != nil {
			return nil, err
		}
		pt := ek.PublicKey().Bytes()
		j = JWK{Kty: "EC", Crv: "P-256", X: B64.EncodeToString(pt[1:33]), Y: B64.EncodeToString(pt[33:65]), D: B64.EncodeToString(d)}
	case EdDSA:
		ed := ed25519.NewKeyFromSeed(seed[:32])
		j = JWK{Kty: "OKP", Crv: "Ed25519", X: B64.EncodeToString(ed.Public().(ed25519.PublicKey)), D: B64.EncodeToString(seed[:32])}
	case SM2SM3:
		n := new(big.Int).Sub(smN, big.NewInt(1)) // SM2 scalars stop at n-2
		d := scalar(n)
		sk, err := tx.PrivateKeyFromBytes(tx.AlgoSM2, d)
		if err != nil {
			return nil, err
		}
		pt := sk.Public().Key
		j = JWK{Kty: "EC", Crv: "SM2", X: B64.EncodeToString(pt[1:33]), Y: B64.EncodeToString(pt[33:65]), D: B64.EncodeToString(d)}
	default:
		return nil, fmt.Errorf("jws: unknown algorithm %q (use one of %v)", alg, Algorithms)
	}
	return FromJWK(j)
}

// smN is the order of the SM2 curve (GB/T 32918.5).
var smN, _ = new(big.Int).SetString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
