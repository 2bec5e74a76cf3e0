package tx

import (
	"crypto/ed25519"
	"sync"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// Ed25519 verification (ADR 0018). Every node verifies every transaction's
// signature once, so this is the largest single cost of a signed
// transaction. The standard library decompresses the signer's public key
// and builds its multiplication table on every call; a consortium's
// transactions come from a few thousand keys that sign again and again.
// verifyEd25519 keeps each key's expanded form (about 1.5 KiB) in a
// bounded cache and verifies with curve25519-voi under the acceptance
// rules of crypto/ed25519 (voi.VerifyOptionsStdLib: cofactorless, small
// order and non-canonical A accepted, non-canonical R and S refused), so
// the set of valid signatures, which is consensus, does not change. A test
// holds both implementations to the same verdict on the edge cases of
// "Taming the many EdDSAs" and on fuzzed inputs.

// voiStdLib selects crypto/ed25519's acceptance rules.
var voiStdLib = &voi.Options{Verify: voi.VerifyOptionsStdLib}

// ed25519CacheKeys bounds the expanded-key cache: 4,096 keys take about
// 6 MiB. Beyond it the cache starts again empty (keys that sign often are
// back after their next signature).
const ed25519CacheKeys = 4096

var expanded = struct {
	sync.RWMutex
	m map[[ed25519.PublicKeySize]byte]*voi.ExpandedPublicKey
}{m: make(map[[ed25519.PublicKeySize]byte]*voi.ExpandedPublicKey)}

// expandedKey returns pub's expanded form, from the cache or made now; nil
// when pub is not a point on the curve (no signature verifies then).
func expandedKey(pub []byte) *voi.ExpandedPublicKey {
	var k [ed25519.PublicKeySize]byte
	copy(k[:], pub)
	expanded.RLock()
	e, ok := expanded.m[k]
	expanded.RUnlock()
	if ok {
		return e
	}
	e, err := voi.NewExpandedPublicKey(voi.PublicKey(pub))
	if err != nil {
		e = nil
	}
	expanded.Lock()
	if len(expanded.m) >= ed25519CacheKeys {
		clear(expanded.m)
	}
	expanded.m[k] = e
	expanded.Unlock()
	return e
}

// verifyEd25519 reports whether sig is pub's pure Ed25519 signature of msg
// by crypto/ed25519's rules. pub must be 32 bytes.
func verifyEd25519(pub, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	e := expandedKey(pub)
	if e == nil {
		return false
	}
	return voi.VerifyExpandedWithOptions(e, msg, sig, voiStdLib)
}
