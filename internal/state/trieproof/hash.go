// Package trieproof holds the Merkle proofs of the state trie and their
// offline verification: the part of the state that a verifier needs, with
// no database, so that `dengta verify` and other offline checkers depend on
// nothing of the node.
package trieproof

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Hash is a 32-byte trie root or node hash (Keccak-256).
type Hash [32]byte

// EmptyRoot is the root of the empty trie (Keccak-256 of the RLP empty
// string), the root of every Store at version 0.
var EmptyRoot = Hash{
	0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
	0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
}

// String returns the hash as 64 lowercase hex digits, without a 0x prefix.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Bytes returns a copy of the hash as a byte slice.
func (h Hash) Bytes() []byte { return append([]byte(nil), h[:]...) }

// IsZero reports whether h is all zero bytes (not the same as EmptyRoot).
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash parses 64 hex digits, with an optional 0x prefix, in either case.
func ParseHash(s string) (Hash, error) {
	var h Hash
	t := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(t) != 2*len(h) {
		return Hash{}, fmt.Errorf("state: parse hash %q: want %d hex digits, got %d", s, 2*len(h), len(t))
	}
	if _, err := hex.Decode(h[:], []byte(t)); err != nil {
		return Hash{}, fmt.Errorf("state: parse hash %q: %w", s, err)
	}
	return h, nil
}

// MarshalText encodes the hash as lowercase hex (used for JSON map keys).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText accepts what ParseHash accepts.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// MarshalJSON encodes the hash as a JSON string of lowercase hex.
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// UnmarshalJSON decodes a JSON string accepted by ParseHash.
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("state: hash must be a JSON string: %w", err)
	}
	return h.UnmarshalText([]byte(s))
}
