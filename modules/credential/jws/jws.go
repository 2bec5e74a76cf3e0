package jws

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"unicode/utf8"
)

// Header is a JWS protected header: the members this package writes and
// reads. Parsing keeps every other member in Extra.
type Header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	Cty string `json:"cty,omitempty"`
	Kid string `json:"kid,omitempty"`
	// Extra are the members besides these four, as they were.
	Extra map[string]json.RawMessage `json:"-"`
}

// MaxCompact bounds a compact JWS this package parses (1 MiB).
const MaxCompact = 1 << 20

// Sign signs payload with k under header h (whose Alg is set to the key's)
// and returns the compact serialisation.
func Sign(k *PrivateKey, h Header, payload []byte) (string, error) {
	if !k.Private() {
		return "", errors.New("jws: the key has no private part")
	}
	h.Alg = k.Alg
	hb, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	input := B64.EncodeToString(hb) + "." + B64.EncodeToString(payload)
	sig, err := k.Sign([]byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + B64.EncodeToString(sig), nil
}

// Sign signs msg as a JWS signature of the key's algorithm: r‖s for
// ES256 and SM2SM3, 64 bytes for EdDSA.
func (k *PrivateKey) Sign(msg []byte) ([]byte, error) {
	switch k.Alg {
	case ES256:
		sum := sha256.Sum256(msg)
		r, s, err := ecdsa.Sign(rand.Reader, k.ecPriv, sum[:])
		if err != nil {
			return nil, err
		}
		return append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...), nil
	case EdDSA:
		return ed25519.Sign(k.edPriv, msg), nil
	case SM2SM3:
		der, err := k.smPriv.Sign(msg)
		if err != nil {
			return nil, err
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &rs); err != nil {
			return nil, fmt.Errorf("jws: sm2 signature: %w", err)
		}
		return append(rs.R.FillBytes(make([]byte, 32)), rs.S.FillBytes(make([]byte, 32))...), nil
	}
	return nil, fmt.Errorf("jws: unknown algorithm %q", k.Alg)
}

// Verify checks a JWS signature of msg made with the key's algorithm. It
// never panics on malformed input.
func (k *PublicKey) Verify(msg, sig []byte) bool {
	switch k.Alg {
	case ES256:
		if len(sig) != 64 || k.ecPub == nil {
			return false
		}
		sum := sha256.Sum256(msg)
		return ecdsa.Verify(k.ecPub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	case EdDSA:
		return len(sig) == ed25519.SignatureSize && len(k.edPub) == ed25519.PublicKeySize && ed25519.Verify(k.edPub, msg, sig)
	case SM2SM3:
		if len(sig) != 64 {
			return false
		}
		der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
		return err == nil && k.smPub.Verify(msg, der)
	}
	return false
}

// JWS is a parsed compact JWS. Nothing in it is verified until Verify.
type JWS struct {
	Header  Header
	Payload []byte
	// Input is the signing input, "<header>.<payload>" as received.
	Input     string
	Signature []byte
}

// Parse decodes a compact JWS strictly: three base64url parts, a header
// that is a JSON object without repeated members, with "alg" of this
// package and no "crit".
func Parse(compact string) (*JWS, error) {
	if len(compact) > MaxCompact {
		return nil, fmt.Errorf("jws: %d bytes; at most %d", len(compact), MaxCompact)
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("jws: %d parts separated by '.', want 3", len(parts))
	}
	hb, err := B64.DecodeString(parts[0])
	if err != nil {
		return nil, errors.New("jws: the header is not base64url without padding")
	}
	payload, err := B64.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("jws: the payload is not base64url without padding")
	}
	sig, err := B64.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("jws: the signature is not base64url without padding")
	}
	members, err := Object(hb)
	if err != nil {
		return nil, fmt.Errorf("jws: header: %w", err)
	}
	j := &JWS{Payload: payload, Input: parts[0] + "." + parts[1], Signature: sig}
	for name, raw := range members {
		var dst *string
		switch name {
		case "alg":
			dst = &j.Header.Alg
		case "typ":
			dst = &j.Header.Typ
		case "cty":
			dst = &j.Header.Cty
		case "kid":
			dst = &j.Header.Kid
		case "crit":
			return nil, errors.New("jws: header parameter crit names extensions this verifier does not understand")
		default:
			if j.Header.Extra == nil {
				j.Header.Extra = map[string]json.RawMessage{}
			}
			j.Header.Extra[name] = raw
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return nil, fmt.Errorf("jws: header %s is not a string", name)
		}
	}
	switch j.Header.Alg {
	case ES256, EdDSA, SM2SM3:
	case "":
		return nil, errors.New("jws: the header has no alg")
	default:
		return nil, fmt.Errorf("jws: algorithm %q is not accepted (%v)", j.Header.Alg, Algorithms)
	}
	return j, nil
}

// Verify checks the signature with k, whose algorithm must be the
// header's.
func (j *JWS) Verify(k *PublicKey) error {
	if j.Header.Alg != k.Alg {
		return fmt.Errorf("jws: signed with %s, but the key is a %s key", j.Header.Alg, k.Alg)
	}
	if !k.Verify([]byte(j.Input), j.Signature) {
		return errors.New("jws: the signature does not verify with the key")
	}
	return nil
}

// MaxDepth bounds the nesting of JSON values this package decodes.
const MaxDepth = 32

// Object decodes a JSON object strictly: valid UTF-8, no member given
// twice at any depth, nesting at most MaxDepth, nothing after it. It
// returns the object's members.
func Object(b []byte) (map[string]json.RawMessage, error) {
	if err := CheckJSON(b); err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// CheckJSON checks that b is one JSON value, valid UTF-8, with no object
// member given twice at any depth and nesting at most MaxDepth.
func CheckJSON(b []byte) error {
	if !utf8.Valid(b) {
		return errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		object bool
		keys   map[string]bool
		name   bool // in an object, the next token is a member name
	}
	var stack []*frame
	values := 0
	for {
		t, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not valid JSON: %v", err)
		}
		if len(stack) == 0 {
			if values > 0 {
				return errors.New("data after the JSON value")
			}
			values++
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := t.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if s, ok := t.(string); ok && top != nil && top.object && top.name {
			if top.keys[s] {
				return fmt.Errorf("member %q is given twice", s)
			}
			top.keys[s] = true
			top.name = false
			continue
		}
		// A value: the next token of an enclosing object is a name.
		if top != nil && top.object {
			top.name = true
		}
		if d, ok := t.(json.Delim); ok && (d == '{' || d == '[') {
			if len(stack) >= MaxDepth {
				return fmt.Errorf("nested deeper than %d", MaxDepth)
			}
			stack = append(stack, &frame{object: d == '{', keys: map[string]bool{}, name: d == '{'})
		}
	}
	if len(stack) != 0 || values == 0 {
		return errors.New("not valid JSON: unexpected end")
	}
	return nil
}
