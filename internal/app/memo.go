package app

import (
	"bytes"
	"slices"
	"sync"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
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

	// version is the view's; signerWrites is the app's count of signer
	// writes when the memo was made (inheritSigners).
	version      int64
	signerWrites uint64

	mu      sync.Mutex
	vals    map[string][]byte // nil value: the key is absent
	signers map[tx.KeyID]*signerEntry
	bytes   int
}

func newViewMemo(v *state.View) *viewMemo {
	m := newMemo(v, memoMaxBytes)
	m.version = v.Version()
	return m
}

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

// signerEntry is a signer as identity.LookupSigner found it in the memo's
// view.
type signerEntry struct {
	signer module.Signer
	key    identity.Key
}

// signerEntryBytes is roughly what a remembered signer costs the memo.
const signerEntryBytes = 512

// lookupSigner is identity.LookupSigner over the memo's view, remembered
// by key id: a signer's transactions come one after another, and finding
// its key and organisation again (two reads, two decodings by their bytes,
// the key id spelled in hex) costs more than the rest of an envelope's
// check bar the signature. The view never changes, so neither does the
// answer. Failures are not remembered.
func (m *viewMemo) lookupSigner(id tx.KeyID) (module.Signer, *identity.Key, error) {
	m.mu.Lock()
	s, ok := m.signers[id]
	m.mu.Unlock()
	if !ok {
		signer, key, err := identity.LookupSigner(m, id)
		if err != nil {
			return module.Signer{}, nil, err
		}
		s = &signerEntry{signer: signer, key: *key}
		m.mu.Lock()
		if m.bytes+signerEntryBytes <= m.maxBytes {
			if m.signers == nil {
				m.signers = make(map[tx.KeyID]*signerEntry)
			}
			m.signers[id] = s
			m.bytes += signerEntryBytes
		}
		m.mu.Unlock()
	}
	// The caller's own copies, as LookupSigner gives (the public key's
	// bytes stay shared: nothing writes into them).
	signer := s.signer
	signer.Roles = slices.Clone(signer.Roles)
	key := s.key
	return signer, &key, nil
}

// inheritSigners takes the signers prev remembered when they are still
// right for m's view: m's version follows prev's, and the block between
// them wrote nothing that can change a signer lookup. A memo lives one
// block, and a signer found again in every block's first check would
// otherwise cost two walks down the trie each time.
func (m *viewMemo) inheritSigners(prev *viewMemo) {
	if m.version != prev.version+1 || m.signerWrites != prev.signerWrites {
		return
	}
	prev.mu.Lock()
	defer prev.mu.Unlock()
	if len(prev.signers) == 0 {
		return
	}
	m.signers = make(map[tx.KeyID]*signerEntry, len(prev.signers))
	for id, s := range prev.signers {
		if m.bytes+signerEntryBytes > m.maxBytes {
			break
		}
		m.signers[id] = s // never modified: lookupSigner hands out copies
		m.bytes += signerEntryBytes
	}
}

// signerLookup is a reader that can answer identity.LookupSigner faster
// than by reading.
type signerLookup interface {
	lookupSigner(id tx.KeyID) (module.Signer, *identity.Key, error)
}

// lookupSigner is identity.LookupSigner over r, through r's own lookup
// when it has one.
func lookupSigner(r reader, id tx.KeyID) (module.Signer, *identity.Key, error) {
	if l, ok := r.(signerLookup); ok {
		return l.lookupSigner(id)
	}
	return identity.LookupSigner(r, id)
}

// blockReader is the working state as a block's envelopes read it: the
// store, with the mempool memo's signer lookup while that is right for the
// working state, that is while the memo is of the version the block builds
// on and nothing written since can change a signer lookup. The answer is
// the same either way (a consensus matter); only the reads are saved.
type blockReader struct {
	*state.Store
	a *App
}

func (b blockReader) lookupSigner(id tx.KeyID) (module.Signer, *identity.Key, error) {
	if m := b.a.checkMemo.Load(); m != nil && m.version == b.Version() && m.signerWrites == b.a.signerWrites.Load() {
		return m.lookupSigner(id)
	}
	return identity.LookupSigner(b.Store, id)
}
