package app

import (
	"bytes"
	"sync"

	"github.com/dengta-chain/dengta/internal/state"
)

// memoMaxBytes bounds what a viewMemo holds (keys, values and a rough
// per-entry overhead). Past it the memo stops remembering and reads go to
// the view as they did without it. It lives one block, and a block's
// mempool checks read far less than this.
const memoMaxBytes = 32 << 20

// memoEntryOverhead is a rough count of what a map entry costs beyond its
// key and value bytes.
const memoEntryOverhead = 64

// viewMemo remembers the answers of a committed state view, absent keys
// included. The mempool's checks read the committed state through it: a
// read that misses the check cache would otherwise walk the trie every
// time (tens of microseconds on disk), and a signer's key, organisation
// and nonce are read for every one of its transactions. A view never
// changes, so an answer stays right for the memo's whole life; resetCheck
// replaces memo and view together at every commit. Safe for concurrent
// use.
type viewMemo struct {
	view     reader // a *state.View: immutable, safe for concurrent use
	maxBytes int

	mu    sync.Mutex
	vals  map[string][]byte // nil value: the key is absent
	bytes int
}

func newViewMemo(v *state.View) *viewMemo { return newMemo(v, memoMaxBytes) }

func newMemo(v reader, maxBytes int) *viewMemo {
	return &viewMemo{view: v, maxBytes: maxBytes, vals: make(map[string][]byte)}
}

// Get returns the view's value of key (nil when absent); the caller may
// keep and modify it.
func (m *viewMemo) Get(key []byte) ([]byte, error) {
	m.mu.Lock()
	v, ok := m.vals[string(key)]
	m.mu.Unlock()
	if ok {
		return bytes.Clone(v), nil
	}
	// Not under the lock: concurrent misses read the view at once (it is
	// safe for that), and at worst store the same answer twice.
	v, err := m.view.Get(key)
	if err != nil {
		return nil, err // not remembered: the next read tries again
	}
	m.mu.Lock()
	if _, ok := m.vals[string(key)]; !ok {
		if size := len(key) + len(v) + memoEntryOverhead; m.bytes+size <= m.maxBytes {
			m.vals[string(key)] = v
			m.bytes += size
		}
	}
	m.mu.Unlock()
	return bytes.Clone(v), nil
}
