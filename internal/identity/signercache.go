package identity

import (
	"encoding/json"
	"fmt"
	"sync"
)

// decodedEntries bounds a decodeMemo. A full memo is emptied and refilled:
// with fewer active signers than this, as in every consortium we know of,
// it never fills.
const decodedEntries = 4096

// Every transaction looks up its signer (LookupSigner), and decoding the
// two records costs more than reading them: the key's public key is
// validated on decoding, an SM2 point checked on its curve. A signer's
// transactions decode the same bytes over and over, so the decoded records
// are remembered by their bytes. Keyed by the bytes themselves, an entry
// can never be stale, whichever state or version the bytes were read from:
// the reads still happen, only the decoding is saved.
var (
	decodedKeys decodeMemo[Key]
	decodedOrgs decodeMemo[Org]
)

// decodeMemo maps JSON bytes to the value they decode to. Safe for
// concurrent use; the zero value is ready.
type decodeMemo[T any] struct {
	mu sync.Mutex
	m  map[string]*T
}

// get reads stateKey from r and decodes it through the memo: as
// module.GetJSON, with the same errors, except that the value is shared
// (see decode).
func (d *decodeMemo[T]) get(r Reader, stateKey []byte) (*T, bool, error) {
	b, err := r.Get(stateKey)
	if err != nil {
		return nil, false, fmt.Errorf("read %q: %w", stateKey, err)
	}
	if b == nil {
		return nil, false, nil
	}
	v, err := d.decode(stateKey, b)
	return v, err == nil, err
}

// decode returns the value b decodes to, shared with other callers: they
// must not modify it. Errors are module.GetJSON's for stateKey, and are
// not remembered.
func (d *decodeMemo[T]) decode(stateKey, b []byte) (*T, error) {
	d.mu.Lock()
	v, ok := d.m[string(b)]
	d.mu.Unlock()
	if ok {
		return v, nil
	}
	v = new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("decode %q: %w", stateKey, err)
	}
	d.mu.Lock()
	if d.m == nil || len(d.m) >= decodedEntries {
		d.m = make(map[string]*T)
	}
	d.m[string(b)] = v
	d.mu.Unlock()
	return v, nil
}
