// Package sdjwt implements Selective Disclosure for JSON Web Tokens (SD-JWT,
// RFC 9901): an issuer signs a JWT whose payload holds salted digests of
// the claims it makes selectively disclosable, and hands the holder the
// Disclosures (salt, name, value) beside it; the holder presents the JWT
// with the Disclosures it chooses, optionally bound to a verifier's nonce
// by a Key Binding JWT signed with the key the issuer confirmed (cnf); the
// verifier checks the signature, that every Disclosure is referenced once,
// rebuilds the payload and checks the key binding.
//
// The serialisation is the compact one, "<JWT>~<D1>~…~<Dn>~[<KB-JWT>]";
// the digest algorithm is SHA-256. Keys and signatures are package jws's.
// Nothing here reads a clock except through the times callers pass.
package sdjwt

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// Names of the format.
const (
	HashAlg  = "sha-256" // the only digest algorithm accepted ("_sd_alg")
	TypKB    = "kb+jwt"  // the Key Binding JWT's typ
	sdKey    = "_sd"
	sdAlgKey = "_sd_alg"
	ellipsis = "..."
)

// Errors callers tell apart (errors.Is): which part of an SD-JWT failed.
var (
	// ErrFormat: the serialisation, a JWT or a JSON value is malformed.
	ErrFormat = errors.New("sd-jwt format")
	// ErrSignature: the issuer's signature does not verify.
	ErrSignature = errors.New("issuer signature")
	// ErrDisclosure: a Disclosure is malformed, not referenced, referenced
	// twice, or conflicts with a claim.
	ErrDisclosure = errors.New("disclosure")
	// ErrKeyBinding: the Key Binding JWT is missing, malformed, signed by
	// another key, for another nonce or audience, stale, or for other
	// Disclosures.
	ErrKeyBinding = errors.New("key binding")
)

// Digest is the base64url SHA-256 digest of a Disclosure's encoded form,
// which is how the issuer-signed JWT refers to it.
func Digest(encoded string) string {
	sum := sha256.Sum256([]byte(encoded))
	return jws.B64.EncodeToString(sum[:])
}

// Disclosure is one salted claim: an object member (Name set) or an array
// element.
type Disclosure struct {
	Encoded string          // the base64url form, as issued
	Salt    string          // base64url of 128 random bits
	Name    string          // the member's name; empty for an array element
	Element bool            // an array element (two-element array)
	Value   json.RawMessage // the claim's value, which may hold further digests
}

// NewDisclosure encodes a Disclosure of salt, name (empty: an array
// element) and a value that encoding/json can encode.
func NewDisclosure(salt, name string, element bool, value any) (*Disclosure, error) {
	v, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("disclosure value: %w", err)
	}
	arr := []any{salt, name, json.RawMessage(v)}
	if element {
		arr = []any{salt, json.RawMessage(v)}
	}
	b, err := json.Marshal(arr)
	if err != nil {
		return nil, err
	}
	return &Disclosure{Encoded: jws.B64.EncodeToString(b), Salt: salt, Name: name, Element: element, Value: v}, nil
}

// ParseDisclosure decodes a Disclosure: base64url of a JSON array of a
// salt string and a value, with a member name between them for an object
// member. Names "_sd" and "..." are refused.
func ParseDisclosure(encoded string) (*Disclosure, error) {
	b, err := jws.B64.DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: a disclosure is not base64url without padding", ErrDisclosure)
	}
	if err := jws.CheckJSON(b); err != nil {
		return nil, fmt.Errorf("%w: a disclosure is not valid JSON: %v", ErrDisclosure, err)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil {
		return nil, fmt.Errorf("%w: a disclosure is not a JSON array", ErrDisclosure)
	}
	d := &Disclosure{Encoded: encoded}
	switch len(arr) {
	case 2:
		d.Element, d.Value = true, arr[1]
	case 3:
		if err := json.Unmarshal(arr[1], &d.Name); err != nil {
			return nil, fmt.Errorf("%w: a disclosure's claim name is not a string", ErrDisclosure)
		}
		if d.Name == sdKey || d.Name == ellipsis {
			return nil, fmt.Errorf("%w: a disclosure may not name the claim %q", ErrDisclosure, d.Name)
		}
		d.Value = arr[2]
	default:
		return nil, fmt.Errorf("%w: a disclosure has %d elements, want 2 or 3", ErrDisclosure, len(arr))
	}
	if err := json.Unmarshal(arr[0], &d.Salt); err != nil {
		return nil, fmt.Errorf("%w: a disclosure's salt is not a string", ErrDisclosure)
	}
	return d, nil
}

// Digest is the Disclosure's digest.
func (d *Disclosure) Digest() string { return Digest(d.Encoded) }

// SDJWT is a compact SD-JWT or SD-JWT+KB, split into its parts. Nothing in
// it is verified.
type SDJWT struct {
	JWT         string   // the issuer-signed JWT
	Disclosures []string // encoded Disclosures, in order
	KB          string   // the Key Binding JWT, or empty
}

// MaxLen bounds a serialisation this package parses (1 MiB).
const MaxLen = 1 << 20

// Parse splits a compact serialisation. It must end with "~" when it has
// no Key Binding JWT.
func Parse(s string) (*SDJWT, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxLen {
		return nil, fmt.Errorf("%w: %d bytes; at most %d", ErrFormat, len(s), MaxLen)
	}
	parts := strings.Split(s, "~")
	if len(parts) < 2 {
		return nil, fmt.Errorf("%w: no '~' after the issuer-signed JWT (an SD-JWT is <JWT>~<Disclosures>~)", ErrFormat)
	}
	out := &SDJWT{JWT: parts[0], KB: parts[len(parts)-1]}
	for _, d := range parts[1 : len(parts)-1] {
		if d == "" {
			return nil, fmt.Errorf("%w: an empty disclosure between '~~'", ErrFormat)
		}
		out.Disclosures = append(out.Disclosures, d)
	}
	if out.JWT == "" {
		return nil, fmt.Errorf("%w: no issuer-signed JWT", ErrFormat)
	}
	return out, nil
}

// WithoutKB is the serialisation without the Key Binding JWT, ending in
// "~": the string sd_hash is computed over.
func (s *SDJWT) WithoutKB() string {
	var b strings.Builder
	b.WriteString(s.JWT)
	b.WriteByte('~')
	for _, d := range s.Disclosures {
		b.WriteString(d)
		b.WriteByte('~')
	}
	return b.String()
}

// String is the compact serialisation.
func (s *SDJWT) String() string { return s.WithoutKB() + s.KB }

// SDHash is the sd_hash a Key Binding JWT carries for s.
func (s *SDJWT) SDHash() string { return Digest(s.WithoutKB()) }

// decodeJSON decodes a JSON value keeping numbers exact.
func decodeJSON(b []byte) (any, error) {
	if err := jws.CheckJSON(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Frame says which parts of a value are selectively disclosable: the
// value itself (SD, when it is an object member or an array element), and
// within it the members of an object or the elements of an array.
type Frame struct {
	SD       bool
	Members  map[string]*Frame
	Elements map[int]*Frame
	// Decoys adds this many decoy digests to the object's "_sd".
	Decoys int
}

// Issued is what Issue makes: the SD-JWT with every Disclosure, and the
// Disclosures decoded.
type Issued struct {
	SDJWT       *SDJWT
	Disclosures []*Disclosure
}

// Issue makes an SD-JWT: payload (a JSON object) is packed according to
// frame, "_sd_alg" is added, and the result is signed with key under
// header. Salts and decoys are drawn from rnd.
func Issue(key *jws.PrivateKey, header jws.Header, payload map[string]any, frame *Frame, rnd io.Reader) (*Issued, error) {
	p := &packer{rnd: rnd}
	packed, err := p.pack(payload, frame)
	if err != nil {
		return nil, err
	}
	obj := packed.(map[string]any)
	if len(p.out) > 0 || hasDecoys(frame) {
		obj[sdAlgKey] = HashAlg
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	jwt, err := jws.Sign(key, header, body)
	if err != nil {
		return nil, err
	}
	s := &SDJWT{JWT: jwt}
	for _, d := range p.out {
		s.Disclosures = append(s.Disclosures, d.Encoded)
	}
	return &Issued{SDJWT: s, Disclosures: p.out}, nil
}

func hasDecoys(f *Frame) bool {
	if f == nil {
		return false
	}
	if f.Decoys > 0 {
		return true
	}
	for _, m := range f.Members {
		if hasDecoys(m) {
			return true
		}
	}
	for _, e := range f.Elements {
		if hasDecoys(e) {
			return true
		}
	}
	return false
}

type packer struct {
	rnd io.Reader
	out []*Disclosure
}

func (p *packer) random() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(p.rnd, b); err != nil {
		return "", err
	}
	return jws.B64.EncodeToString(b), nil
}

// pack returns v with the parts frame marks replaced by digests, recording
// their Disclosures (inner ones first).
func (p *packer) pack(v any, f *Frame) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		var digests []string
		names := make([]string, 0, len(x))
		for n := range x {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if n == sdKey || n == ellipsis || n == sdAlgKey {
				return nil, fmt.Errorf("sd-jwt: the claim name %q is reserved", n)
			}
			var sub *Frame
			if f != nil {
				sub = f.Members[n]
			}
			val, err := p.pack(x[n], sub)
			if err != nil {
				return nil, err
			}
			if sub == nil || !sub.SD {
				out[n] = val
				continue
			}
			salt, err := p.random()
			if err != nil {
				return nil, err
			}
			d, err := NewDisclosure(salt, n, false, val)
			if err != nil {
				return nil, err
			}
			p.out = append(p.out, d)
			digests = append(digests, d.Digest())
		}
		if f != nil {
			for range f.Decoys {
				r, err := p.random()
				if err != nil {
					return nil, err
				}
				digests = append(digests, Digest(r))
			}
		}
		if len(digests) > 0 {
			sort.Strings(digests)
			out[sdKey] = digests
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var sub *Frame
			if f != nil {
				sub = f.Elements[i]
			}
			val, err := p.pack(e, sub)
			if err != nil {
				return nil, err
			}
			if sub == nil || !sub.SD {
				out[i] = val
				continue
			}
			salt, err := p.random()
			if err != nil {
				return nil, err
			}
			d, err := NewDisclosure(salt, "", true, val)
			if err != nil {
				return nil, err
			}
			p.out = append(p.out, d)
			out[i] = map[string]any{ellipsis: d.Digest()}
		}
		return out, nil
	default:
		return v, nil
	}
}

// KeyResolver returns the key that must have signed the issuer JWT, given
// its header and its payload as signed (before processing; nil when the
// payload is not a JSON object).
type KeyResolver func(h jws.Header, payload map[string]any) (*jws.PublicKey, error)

// Verified is the outcome of Verify.
type Verified struct {
	Header jws.Header
	// Signed is the issuer JWT's payload as signed, digests included.
	Signed map[string]any
	// Claims is the processed payload: disclosed claims in place, digests,
	// "_sd_alg" and undisclosed array elements removed.
	Claims map[string]any
	// Disclosed are the Disclosures, with the path of each in Claims.
	Disclosed []Item
	// KB is the Key Binding JWT's header and payload, when there is one.
	KB *KeyBinding
}

// Item is a Disclosure placed in the payload.
type Item struct {
	Path       string // e.g. credentialSubject.name, nationalities[1]
	Disclosure *Disclosure
}

// KeyBinding is a verified Key Binding JWT.
type KeyBinding struct {
	Header jws.Header
	Nonce  string
	Aud    string
	Iat    int64
	SDHash string
}

// Options are the verifier's expectations of the key binding.
type Options struct {
	// RequireKB refuses an SD-JWT without a Key Binding JWT.
	RequireKB bool
	// Nonce and Audience are what the KB-JWT must carry (checked when
	// not empty).
	Nonce, Audience string
	// Now and MaxAge bound the KB-JWT's iat: not more than MaxAge before
	// Now, nor more than Skew after it (zero MaxAge: no bound).
	Now          time.Time
	MaxAge, Skew time.Duration
}

// Verify checks an SD-JWT or SD-JWT+KB: the issuer signature with the key
// resolve returns, every Disclosure referenced exactly once, and the key
// binding as opts asks. The error wraps ErrFormat, ErrSignature,
// ErrDisclosure or ErrKeyBinding.
func Verify(s *SDJWT, resolve KeyResolver, opts Options) (*Verified, error) {
	j, err := jws.Parse(s.JWT)
	if err != nil {
		return nil, fmt.Errorf("%w: issuer-signed JWT: %v", ErrFormat, err)
	}
	// The signature first: it covers the payload's bytes, so an edited
	// payload is a bad signature whatever the edit did to its JSON. The
	// resolver sees the payload when it decodes.
	pv, perr := decodeJSON(j.Payload)
	signed, _ := pv.(map[string]any)
	key, err := resolve(j.Header, signed)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if err := j.Verify(key); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if perr != nil {
		return nil, fmt.Errorf("%w: the issuer-signed JWT's payload: %v", ErrFormat, perr)
	}
	if signed == nil {
		return nil, fmt.Errorf("%w: the issuer-signed JWT's payload is not a JSON object", ErrFormat)
	}
	// The signed payload again, so that processing cannot change it.
	pv2, _ := decodeJSON(j.Payload)
	claims, items, err := Process(pv2.(map[string]any), s.Disclosures)
	if err != nil {
		return nil, err
	}
	v := &Verified{Header: j.Header, Signed: signed, Claims: claims, Disclosed: items}
	if s.KB == "" {
		if opts.RequireKB {
			return nil, fmt.Errorf("%w: the presentation has no Key Binding JWT", ErrKeyBinding)
		}
		return v, nil
	}
	kb, err := VerifyKB(s, claims, opts)
	if err != nil {
		return nil, err
	}
	v.KB = kb
	return v, nil
}

// Process rebuilds the payload from the signed one and the Disclosures
// (RFC 9901 section 7.1, steps 3 to 5).
func Process(signed map[string]any, disclosures []string) (map[string]any, []Item, error) {
	if alg, ok := signed[sdAlgKey]; ok && alg != HashAlg {
		return nil, nil, fmt.Errorf("%w: _sd_alg %v; this verifier accepts %s", ErrFormat, alg, HashAlg)
	}
	byDigest := map[string]*Disclosure{}
	for _, e := range disclosures {
		d, err := ParseDisclosure(e)
		if err != nil {
			return nil, nil, err
		}
		dg := d.Digest()
		if byDigest[dg] != nil {
			return nil, nil, fmt.Errorf("%w: the same disclosure is given twice", ErrDisclosure)
		}
		byDigest[dg] = d
	}
	pr := &processor{byDigest: byDigest, seen: map[string]bool{}}
	out, err := pr.object(signed, "", 0)
	if err != nil {
		return nil, nil, err
	}
	for dg, d := range byDigest {
		if !pr.used[dg] {
			return nil, nil, fmt.Errorf("%w: disclosure of %q is not referenced by the issuer-signed JWT", ErrDisclosure, d.describe())
		}
	}
	delete(out, sdAlgKey)
	sort.Slice(pr.items, func(i, j int) bool { return pr.items[i].Path < pr.items[j].Path })
	return out, pr.items, nil
}

func (d *Disclosure) describe() string {
	if d.Element {
		return "an array element"
	}
	return d.Name
}

type processor struct {
	byDigest map[string]*Disclosure
	seen     map[string]bool // every digest met, disclosed or not
	used     map[string]bool
	items    []Item
}

func (p *processor) meet(dg string) error {
	if p.seen[dg] {
		return fmt.Errorf("%w: digest %s appears more than once in the issuer-signed JWT", ErrDisclosure, dg)
	}
	p.seen[dg] = true
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (p *processor) value(v any, path string, depth int) (any, error) {
	if depth > jws.MaxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrFormat, jws.MaxDepth)
	}
	switch x := v.(type) {
	case map[string]any:
		return p.object(x, path, depth+1)
	case []any:
		return p.array(x, path, depth+1)
	}
	return v, nil
}

func (p *processor) decode(d *Disclosure) (any, error) {
	v, err := decodeJSON(d.Value)
	if err != nil {
		return nil, fmt.Errorf("%w: a disclosure's value: %v", ErrDisclosure, err)
	}
	return v, nil
}

func (p *processor) object(obj map[string]any, path string, depth int) (map[string]any, error) {
	out := map[string]any{}
	names := make([]string, 0, len(obj))
	for n := range obj {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n == sdKey {
			continue
		}
		v, err := p.value(obj[n], join(path, n), depth)
		if err != nil {
			return nil, err
		}
		out[n] = v
	}
	raw, has := obj[sdKey]
	if !has {
		return out, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: _sd at %q is not an array", ErrFormat, path)
	}
	for _, e := range list {
		dg, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%w: _sd at %q holds a non-string", ErrFormat, path)
		}
		if err := p.meet(dg); err != nil {
			return nil, err
		}
		d := p.byDigest[dg]
		if d == nil {
			continue // undisclosed or a decoy
		}
		if d.Element {
			return nil, fmt.Errorf("%w: an array element's disclosure is referenced from an object at %q", ErrDisclosure, path)
		}
		if _, clash := out[d.Name]; clash {
			return nil, fmt.Errorf("%w: claim %q at %q is both in the clear and disclosed", ErrDisclosure, d.Name, path)
		}
		if d.Name == sdAlgKey && path == "" {
			return nil, fmt.Errorf("%w: a disclosure may not set _sd_alg", ErrDisclosure)
		}
		p.mark(dg)
		val, err := p.decode(d)
		if err != nil {
			return nil, err
		}
		at := join(path, d.Name)
		if val, err = p.value(val, at, depth); err != nil {
			return nil, err
		}
		out[d.Name] = val
		p.items = append(p.items, Item{Path: at, Disclosure: d})
	}
	return out, nil
}

func (p *processor) mark(dg string) {
	if p.used == nil {
		p.used = map[string]bool{}
	}
	p.used[dg] = true
}

func (p *processor) array(arr []any, path string, depth int) ([]any, error) {
	out := []any{}
	for i, e := range arr {
		at := fmt.Sprintf("%s[%d]", path, i)
		if m, ok := e.(map[string]any); ok && len(m) == 1 {
			if raw, ok := m[ellipsis]; ok {
				dg, ok := raw.(string)
				if !ok {
					return nil, fmt.Errorf("%w: an array element's digest at %q is not a string", ErrFormat, at)
				}
				if err := p.meet(dg); err != nil {
					return nil, err
				}
				d := p.byDigest[dg]
				if d == nil {
					continue // undisclosed: the element is left out
				}
				if !d.Element {
					return nil, fmt.Errorf("%w: an object member's disclosure is referenced from an array at %q", ErrDisclosure, at)
				}
				p.mark(dg)
				val, err := p.decode(d)
				if err != nil {
					return nil, err
				}
				if val, err = p.value(val, at, depth); err != nil {
					return nil, err
				}
				out = append(out, val)
				p.items = append(p.items, Item{Path: at, Disclosure: d})
				continue
			}
		}
		v, err := p.value(e, at, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// HolderKey returns the key the issuer confirmed for the holder, from the
// processed payload's cnf.jwk (RFC 7800).
func HolderKey(claims map[string]any) (*jws.PublicKey, error) {
	cnf, ok := claims["cnf"].(map[string]any)
	if !ok {
		return nil, errors.New("the credential confirms no holder key (no cnf)")
	}
	raw, ok := cnf["jwk"]
	if !ok {
		return nil, errors.New("the credential's cnf has no jwk")
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	k, err := jws.ParseJWK(b)
	if err != nil {
		return nil, fmt.Errorf("cnf.jwk: %v", err)
	}
	if k.Private() {
		return nil, errors.New("cnf.jwk holds a private key")
	}
	return &k.PublicKey, nil
}

// VerifyKB checks s's Key Binding JWT against the processed claims (whose
// cnf.jwk must have signed it) and opts; it is the last step of Verify,
// for callers that report it separately.
func VerifyKB(s *SDJWT, claims map[string]any, opts Options) (*KeyBinding, error) {
	if s.KB == "" {
		return nil, fmt.Errorf("%w: the presentation has no Key Binding JWT", ErrKeyBinding)
	}
	j, err := jws.Parse(s.KB)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyBinding, err)
	}
	if j.Header.Typ != TypKB {
		return nil, fmt.Errorf("%w: the Key Binding JWT's typ is %q, want %q", ErrKeyBinding, j.Header.Typ, TypKB)
	}
	hk, err := HolderKey(claims)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyBinding, err)
	}
	if err := j.Verify(hk); err != nil {
		return nil, fmt.Errorf("%w: not signed by the holder's key: %v", ErrKeyBinding, err)
	}
	if err := jws.CheckJSON(j.Payload); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrKeyBinding, err)
	}
	var p struct {
		Nonce  *string      `json:"nonce"`
		Aud    *string      `json:"aud"`
		Iat    *json.Number `json:"iat"`
		SDHash *string      `json:"sd_hash"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrKeyBinding, err)
	}
	if p.Nonce == nil || p.Aud == nil || p.Iat == nil || p.SDHash == nil {
		return nil, fmt.Errorf("%w: the Key Binding JWT needs nonce, aud, iat and sd_hash", ErrKeyBinding)
	}
	iat, err := p.Iat.Int64()
	if err != nil {
		return nil, fmt.Errorf("%w: iat %s is not a whole number of seconds", ErrKeyBinding, *p.Iat)
	}
	kb := &KeyBinding{Header: j.Header, Nonce: *p.Nonce, Aud: *p.Aud, Iat: iat, SDHash: *p.SDHash}
	if want := s.SDHash(); kb.SDHash != want {
		return nil, fmt.Errorf("%w: sd_hash %s is not the presented SD-JWT's %s (disclosures were added, removed or reordered)", ErrKeyBinding, kb.SDHash, want)
	}
	if opts.Nonce != "" && kb.Nonce != opts.Nonce {
		return nil, fmt.Errorf("%w: nonce %q is not the verifier's %q", ErrKeyBinding, kb.Nonce, opts.Nonce)
	}
	if opts.Audience != "" && kb.Aud != opts.Audience {
		return nil, fmt.Errorf("%w: audience %q is not %q", ErrKeyBinding, kb.Aud, opts.Audience)
	}
	if opts.MaxAge > 0 {
		t := time.Unix(iat, 0)
		if t.Before(opts.Now.Add(-opts.MaxAge)) || t.After(opts.Now.Add(opts.Skew)) {
			return nil, fmt.Errorf("%w: made at %s, outside %s before %s", ErrKeyBinding, t.UTC().Format(time.RFC3339), opts.MaxAge, opts.Now.UTC().Format(time.RFC3339))
		}
	}
	return kb, nil
}

// Present keeps the Disclosures of s that keep selects (by their path in
// the processed payload, as Verify reports them), adding the Disclosures
// that contain a kept one, and drops any Key Binding JWT. The issuer's
// signature is not checked.
func Present(s *SDJWT, keep func(path string, d *Disclosure) bool) (*SDJWT, error) {
	j, err := jws.Parse(s.JWT)
	if err != nil {
		return nil, fmt.Errorf("%w: issuer-signed JWT: %v", ErrFormat, err)
	}
	pv, err := decodeJSON(j.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrFormat, err)
	}
	obj, ok := pv.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the payload is not a JSON object", ErrFormat)
	}
	_, items, err := Process(obj, s.Disclosures)
	if err != nil {
		return nil, err
	}
	chosen := map[string]bool{}
	for _, it := range items {
		if !keep(it.Path, it.Disclosure) {
			continue
		}
		chosen[it.Path] = true
		// Every enclosing disclosed path goes too.
		for _, parent := range items {
			if strings.HasPrefix(it.Path, parent.Path+".") || strings.HasPrefix(it.Path, parent.Path+"[") {
				chosen[parent.Path] = true
			}
		}
	}
	out := &SDJWT{JWT: s.JWT}
	for _, e := range s.Disclosures {
		for _, it := range items {
			if it.Disclosure.Encoded == e && chosen[it.Path] {
				out.Disclosures = append(out.Disclosures, e)
				break
			}
		}
	}
	return out, nil
}

// Bind adds a Key Binding JWT to s (which must have none), signed by the
// holder's key, for audience aud and nonce at time iat.
func Bind(s *SDJWT, holder *jws.PrivateKey, aud, nonce string, iat time.Time) (*SDJWT, error) {
	if s.KB != "" {
		return nil, errors.New("sd-jwt: already key-bound")
	}
	payload, err := json.Marshal(struct {
		Nonce  string `json:"nonce"`
		Aud    string `json:"aud"`
		Iat    int64  `json:"iat"`
		SDHash string `json:"sd_hash"`
	}{nonce, aud, iat.Unix(), s.SDHash()})
	if err != nil {
		return nil, err
	}
	kb, err := jws.Sign(holder, jws.Header{Typ: TypKB}, payload)
	if err != nil {
		return nil, err
	}
	out := *s
	out.KB = kb
	return &out, nil
}
