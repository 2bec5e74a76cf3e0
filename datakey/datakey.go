// Package datakey encrypts off-chain records for sharing on consent: each
// record is sealed under a fresh 128-bit data key with SM4-GCM, and only
// the data key, wrapped to a member key of each organisation entitled to
// read the record, goes on chain or through a node. Whoever holds the
// matching private key unwraps the data key and opens the record; nobody
// else, validators included, learns anything of its content.
//
// Three pieces, each with a fixed binary form (docs/adr/0016):
//
//   - The sealed record (Seal, Open): a 20-byte header ("DTDS", version 1,
//     suite 1 = SM4-GCM, 12-byte nonce) and the GCM ciphertext of the
//     record's inner form: a 16-byte salt, the length and JSON of its
//     metadata (file name, media type: they stay inside the ciphertext),
//     and the content. The header is the GCM additional data.
//   - The content digest (Digest): SM3 over a domain, the salt and the
//     content. It goes on chain as the record's commitment; since the salt
//     is inside the ciphertext, only a key holder can test a guessed
//     content against it, yet a key holder can check the content it
//     received against the chain.
//   - The wrapped key (Wrap, Unwrap): for an SM2 member key, SM2
//     public-key encryption (GB/T 32918.4) of the data key, encoded in
//     ASN.1 as GB/T 35276 specifies (C1 as two integers, then C3, then
//     C2); for an Ed25519 member key, HPKE (RFC 9180) base mode with
//     DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 to the
//     X25519 form of the Ed25519 key (the birational map of RFC 7748,
//     as age and libsodium do it).
//
// Every decoder here is strict and bounded; a wrong key, a swapped or
// altered wrapped key and an altered ciphertext all fail to open.
package datakey

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// KeySize is the size of a data key: an SM4 key.
const KeySize = 16

// SaltSize is the size of a record's salt.
const SaltSize = 16

// Key is a data key. Treat it as a secret.
type Key [KeySize]byte

// NewKey draws a fresh data key.
func NewKey() (Key, error) {
	var k Key
	if _, err := rand.Read(k[:]); err != nil {
		return Key{}, fmt.Errorf("data key: %w", err)
	}
	return k, nil
}

// NewSalt draws a fresh salt for a record's digest.
func NewSalt() ([SaltSize]byte, error) {
	var s [SaltSize]byte
	if _, err := rand.Read(s[:]); err != nil {
		return s, fmt.Errorf("salt: %w", err)
	}
	return s, nil
}

// The sealed record's header.
const (
	magic      = "DTDS"
	version    = 1
	suiteSM4   = 1 // SM4-GCM, 12-byte nonce, 16-byte tag
	nonceSize  = 12
	tagSize    = 16
	headerSize = 4 + 1 + 1 + 2 + nonceSize
	// Overhead is what sealing adds to the content and its metadata:
	// header, salt, metadata length and tag.
	Overhead = headerSize + SaltSize + 2 + tagSize
	// MaxMeta bounds the JSON of a record's metadata.
	MaxMeta = 4096
)

// Errors callers tell apart.
var (
	// ErrOpen is any failure to open a sealed record or a wrapped key:
	// wrong key, altered bytes or malformed input. It says no more, on
	// purpose.
	ErrOpen = errors.New("cannot open: wrong key, or the data was altered")
	// ErrFormat is a sealed record or wrapped key whose form is wrong
	// before any key is tried.
	ErrFormat = errors.New("not a sealed record")
)

// Meta is what a sealed record says of its content, inside the
// ciphertext: its file name and media type. Neither ever goes on chain.
type Meta struct {
	Name      string `json:"name,omitempty"`
	MediaType string `json:"media_type,omitempty"`
}

// Sealed is a record's content sealed under its data key.
type Sealed struct {
	// Ciphertext is what the owner's node stores and serves.
	Ciphertext []byte
	// Digest is the content digest, for the chain.
	Digest [sm3.Size]byte
}

// Seal seals content with its metadata under k, with salt (NewSalt; a
// device that signs its own digests chooses it). The nonce is random: a
// data key seals one record, so nonces never repeat under a key.
func Seal(k Key, salt [SaltSize]byte, meta Meta, content []byte) (*Sealed, error) {
	mj, err := encodeMeta(meta)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(k)
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, headerSize, headerSize+SaltSize+2+len(mj)+len(content)+tagSize)
	copy(hdr, magic)
	hdr[4], hdr[5] = version, suiteSM4
	if _, err := rand.Read(hdr[8:headerSize]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	inner := make([]byte, 0, SaltSize+2+len(mj)+len(content))
	inner = append(inner, salt[:]...)
	inner = binary.BigEndian.AppendUint16(inner, uint16(len(mj)))
	inner = append(inner, mj...)
	inner = append(inner, content...)
	out := aead.Seal(hdr, hdr[8:headerSize], inner, hdr[:headerSize])
	clear(inner)
	return &Sealed{Ciphertext: out, Digest: Digest(salt, content)}, nil
}

// Opened is a sealed record opened.
type Opened struct {
	Meta    Meta
	Salt    [SaltSize]byte
	Content []byte
	Digest  [sm3.Size]byte
}

// Open opens a sealed record with its data key. Any change to the
// ciphertext, or the wrong key, is ErrOpen; a malformed header is
// ErrFormat.
func Open(k Key, ciphertext []byte) (*Opened, error) {
	if err := CheckHeader(ciphertext); err != nil {
		return nil, err
	}
	aead, err := newAEAD(k)
	if err != nil {
		return nil, err
	}
	inner, err := aead.Open(nil, ciphertext[8:headerSize], ciphertext[headerSize:], ciphertext[:headerSize])
	if err != nil {
		return nil, ErrOpen
	}
	o, err := parseInner(inner)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// CheckHeader checks a sealed record's header and length, without a key.
func CheckHeader(ciphertext []byte) error {
	switch {
	case len(ciphertext) < Overhead:
		return fmt.Errorf("%w: %d bytes, fewer than the %d of an empty one", ErrFormat, len(ciphertext), Overhead)
	case string(ciphertext[:4]) != magic:
		return fmt.Errorf("%w: it does not start with %q", ErrFormat, magic)
	case ciphertext[4] != version:
		return fmt.Errorf("%w: version %d (this node reads version %d)", ErrFormat, ciphertext[4], version)
	case ciphertext[5] != suiteSM4:
		return fmt.Errorf("%w: cipher suite %d (this node reads %d, SM4-GCM)", ErrFormat, ciphertext[5], suiteSM4)
	case ciphertext[6] != 0 || ciphertext[7] != 0:
		return fmt.Errorf("%w: reserved header bytes are not zero", ErrFormat)
	}
	return nil
}

// parseInner decodes the plaintext inside a sealed record: salt, metadata
// length, metadata JSON, content.
func parseInner(inner []byte) (*Opened, error) {
	if len(inner) < SaltSize+2 {
		return nil, fmt.Errorf("%w: the sealed content is %d bytes, too short for its salt", ErrFormat, len(inner))
	}
	o := &Opened{}
	copy(o.Salt[:], inner)
	n := int(binary.BigEndian.Uint16(inner[SaltSize:]))
	rest := inner[SaltSize+2:]
	if n > MaxMeta || n > len(rest) {
		return nil, fmt.Errorf("%w: metadata of %d bytes (at most %d, and %d remain)", ErrFormat, n, MaxMeta, len(rest))
	}
	m, err := decodeMeta(rest[:n])
	if err != nil {
		return nil, err
	}
	o.Meta = m
	o.Content = rest[n:]
	o.Digest = Digest(o.Salt, o.Content)
	return o, nil
}

func encodeMeta(m Meta) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if m == (Meta{}) {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxMeta {
		return nil, fmt.Errorf("metadata: %d bytes of JSON, at most %d", len(b), MaxMeta)
	}
	return b, nil
}

// decodeMeta decodes metadata strictly: no unknown field, nothing after
// the object, the same checks as encoding.
func decodeMeta(b []byte) (Meta, error) {
	var m Meta
	if len(b) == 0 {
		return m, nil
	}
	if !utf8.Valid(b) {
		return Meta{}, fmt.Errorf("%w: metadata is not UTF-8", ErrFormat)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Meta{}, fmt.Errorf("%w: metadata: %v", ErrFormat, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Meta{}, fmt.Errorf("%w: metadata has data after its JSON object", ErrFormat)
	}
	if err := m.check(); err != nil {
		return Meta{}, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return m, nil
}

func (m Meta) check() error {
	if len(m.Name) > 255 || len(m.MediaType) > 127 {
		return fmt.Errorf("metadata: a name of at most 255 bytes and a media type of at most 127")
	}
	for _, s := range []string{m.Name, m.MediaType} {
		if !utf8.ValidString(s) {
			return fmt.Errorf("metadata: not UTF-8")
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return fmt.Errorf("metadata: control character U+%04X", r)
			}
		}
	}
	return nil
}

// DigestDomain separates content digests from every other SM3 of the
// chain.
const DigestDomain = "dengta/datashare/content/v1"

// Digest is a record's content digest:
//
//	SM3("dengta/datashare/content/v1" 0x00 salt content)
func Digest(salt [SaltSize]byte, content []byte) [sm3.Size]byte {
	h := sm3.New()
	h.Write([]byte(DigestDomain))
	h.Write([]byte{0})
	h.Write(salt[:])
	h.Write(content)
	var d [sm3.Size]byte
	h.Sum(d[:0])
	return d
}

// DigestHex is Digest in lowercase hex.
func DigestHex(salt [SaltSize]byte, content []byte) string {
	d := Digest(salt, content)
	return hex.EncodeToString(d[:])
}

func newAEAD(k Key) (cipher.AEAD, error) {
	b, err := sm4.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return cipher.NewGCM(b)
}
