// Package statuslist is the W3C Bitstring Status List (v1.0): a list of
// status bits, one per credential, published as a status list credential
// whose encodedList is the multibase base64url (no padding) of the GZIP of
// the bitstring. Index 0 is the most significant bit of the first byte.
//
// Dengta keeps the bits in the chain's state in chunks of ChunkBytes, so
// that changing one entry rewrites one chunk, and anchors each list's
// SHA-256 (over the uncompressed bitstring, which every node computes the
// same way and any verifier recomputes from the published list) at every
// change.
package statuslist

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// Sizes.
const (
	// MinEntries is the specification's minimum list size (16 KiB of
	// bits), which gives each credential group privacy.
	MinEntries = 131072
	// MaxEntries bounds a list (128 KiB of bits).
	MaxEntries = 1 << 20
	// ChunkBytes is the size of a stored chunk: 8192 entries.
	ChunkBytes = 1024
	// ChunkEntries is the number of entries in a chunk.
	ChunkEntries = ChunkBytes * 8
)

// Purposes of a list (statusPurpose).
const (
	Revocation = "revocation"
	Suspension = "suspension"
)

// Purposes are the purposes a Dengta list has, each with its own bits.
var Purposes = []string{Revocation, Suspension}

// CheckSize reports whether n is a list size Dengta accepts: a multiple of
// ChunkEntries between MinEntries and MaxEntries.
func CheckSize(n int) error {
	if n < MinEntries || n > MaxEntries || n%ChunkEntries != 0 {
		return fmt.Errorf("a status list has %d to %d entries, a multiple of %d; got %d", MinEntries, MaxEntries, ChunkEntries, n)
	}
	return nil
}

// Get returns the bit at index of a bitstring.
func Get(bits []byte, index int) bool {
	return bits[index/8]&(0x80>>(index%8)) != 0
}

// Set sets or clears the bit at index of a bitstring.
func Set(bits []byte, index int, on bool) {
	if on {
		bits[index/8] |= 0x80 >> (index % 8)
	} else {
		bits[index/8] &^= 0x80 >> (index % 8)
	}
}

// Hash is the hex SHA-256 of a bitstring: what the chain anchors.
func Hash(bits []byte) string {
	sum := sha256.Sum256(bits)
	return hex.EncodeToString(sum[:])
}

// ZeroHash is the Hash of an empty list of n entries.
func ZeroHash(n int) string { return Hash(make([]byte, n/8)) }

// Encode returns the encodedList of a bitstring: "u" and the base64url
// (no padding) of its GZIP.
func Encode(bits []byte) (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode reads an encodedList into its bitstring, refusing a list larger
// than max bytes once decompressed (a GZIP bomb) and one that is not a
// whole number of bytes. The "u" multibase prefix is required; padding is
// tolerated, as some issuers write it.
func Decode(encoded string, max int) ([]byte, error) {
	if len(encoded) < 2 || encoded[0] != 'u' {
		return nil, errors.New("encodedList must be multibase base64url (starting with 'u')")
	}
	z, err := base64.RawURLEncoding.DecodeString(trimPad(encoded[1:]))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not base64url: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not GZIP: %v", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList does not decompress: %v", err)
	}
	if len(bits) > max {
		return nil, fmt.Errorf("encodedList decompresses to more than %d bytes", max)
	}
	return bits, nil
}

func trimPad(s string) string {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}
