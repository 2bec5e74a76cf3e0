package tx

import (
	"fmt"
	"strings"
)

// Algo is a signature algorithm. Its numeric value is part of the key id
// derivation and must never change.
type Algo uint8

// The supported algorithms.
const (
	// AlgoEd25519 is pure Ed25519 (RFC 8032).
	AlgoEd25519 Algo = 1
	// AlgoSM2 is SM2 over the SM2 P-256 curve with SM3 and the GB/T 32918
	// default user id, signatures encoded in ASN.1 DER.
	AlgoSM2 Algo = 2
	// AlgoSecp256k1 is ECDSA over secp256k1 with Keccak-256, as Ethereum
	// signs: the key's id is its Ethereum address, and it signs Ethereum
	// transactions (ADR 0014) as well as Dengta envelopes (64-byte R||S
	// over Keccak-256 of the message, low S).
	AlgoSecp256k1 Algo = 3
)

// algoNames lists the accepted names in numeric order.
var algoNames = []struct {
	algo Algo
	name string
}{
	{AlgoEd25519, "ed25519"},
	{AlgoSM2, "sm2"},
	{AlgoSecp256k1, "secp256k1"},
}

// acceptedAlgos is the human-readable list used in error messages.
var acceptedAlgos = func() string {
	names := make([]string, len(algoNames))
	for i, a := range algoNames {
		names[i] = a.name
	}
	return strings.Join(names, ", ")
}()

// ParseAlgo returns the algorithm named s ("ed25519", "sm2" or
// "secp256k1", in any letter case).
func ParseAlgo(s string) (Algo, error) {
	for _, a := range algoNames {
		if strings.EqualFold(s, a.name) {
			return a.algo, nil
		}
	}
	return 0, fmt.Errorf("unknown key algorithm %q (accepted: %s)", s, acceptedAlgos)
}

// Valid reports whether a is one of the supported algorithms.
func (a Algo) Valid() bool {
	return a == AlgoEd25519 || a == AlgoSM2 || a == AlgoSecp256k1
}

// String returns "ed25519", "sm2" or "secp256k1"; an unsupported value prints as
// "algo(N)".
func (a Algo) String() string {
	for _, n := range algoNames {
		if n.algo == a {
			return n.name
		}
	}
	return fmt.Sprintf("algo(%d)", uint8(a))
}

// MarshalText encodes a as its name, so that JSON shows "ed25519" or "sm2".
// It refuses unsupported values rather than writing a name nobody can read
// back.
func (a Algo) MarshalText() ([]byte, error) {
	if !a.Valid() {
		return nil, fmt.Errorf("unknown key algorithm %d (accepted: %s)", uint8(a), acceptedAlgos)
	}
	return []byte(a.String()), nil
}

// UnmarshalText decodes an algorithm name, as ParseAlgo.
func (a *Algo) UnmarshalText(b []byte) error {
	v, err := ParseAlgo(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// JSONSchema describes an algorithm name in the API's JSON schemas.
func (Algo) JSONSchema() map[string]any {
	return map[string]any{"type": "string", "enum": []any{"ed25519", "sm2", "secp256k1"}}
}
