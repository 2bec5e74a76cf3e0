package module

import (
	"encoding/binary"
	"fmt"
)

// The application protocol version the chain runs is consensus state, kept
// by the application under its own key; governance changes it at an
// upgrade height (identity's upgrade proposals, ADR 0019). This is the one
// place outside the application that spells the key.

// VersionKey is the state key of the chain's application protocol
// version: 8 bytes big-endian, absent until the first upgrade (version 1).
var VersionKey = []byte("app/version")

// ChainVersion returns the application protocol version the chain runs.
func ChainVersion(r Getter) (uint64, error) {
	b, err := r.Get(VersionKey)
	if err != nil {
		return 0, err
	}
	if b == nil {
		return 1, nil
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("chain version: %d bytes, want 8", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// EncodeVersion encodes a version as VersionKey holds it.
func EncodeVersion(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
