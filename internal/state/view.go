package state

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/ethereum/go-ethereum/triedb"
)

// viewTrieBudget bounds how many Get/Prove calls a View serves from one
// cached trie. A trie keeps every node it resolves (plus a copy of its blob
// for its change tracer), so a long-lived View of the latest version would
// otherwise grow towards the whole state when no block commits for a while.
const viewTrieBudget = 8192

// View is a read-only snapshot of one committed version. It is safe for
// concurrent use, and reads never race with the working set or Commit:
// committed trie nodes are immutable, and deleted only by Prune, offline,
// when no kept version reaches them, or, on a checkpointed store, when a
// checkpoint drops the versions before it (checkpoint.go).
type View struct {
	s       *Store // for the node-local records (IterateLocal)
	version int64
	root    Hash
	tdb     *triedb.Database
	// checkpointed: the store drops versions between checkpoints
	// (checkpoint.go), so a node missing under this View means its version
	// was dropped while it was read.
	checkpointed bool

	mu   sync.Mutex // guards t and uses: trie.Trie caches resolved nodes on Get
	t    *trie.Trie
	uses int
}

// At returns a View of a committed version; 0 means the latest (at version
// 0, the empty state). An unknown version is an error wrapping
// ErrVersionNotFound. The View of the latest version is cached and shared.
func (s *Store) At(version int64) (*View, error) {
	s.mu.RLock()
	closed, cur, root, latest := s.closed, s.version, s.root, s.latest
	s.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	if version < 0 || version > cur {
		return nil, fmt.Errorf("%w: %d (latest is %d)", ErrVersionNotFound, version, cur)
	}
	if version == 0 || version == cur {
		if latest != nil {
			return latest, nil
		}
		v := &View{s: s, version: cur, root: root, tdb: s.tdb, checkpointed: s.checkpointed()}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.version == cur { // no Commit in between
			if s.latest == nil {
				s.latest = v
			}
			return s.latest, nil
		}
		return v, nil
	}
	s.mu.RLock()
	root, pending := s.pendingRoot(version)
	s.mu.RUnlock()
	if pending {
		return &View{s: s, version: version, root: root, tdb: s.tdb, checkpointed: s.checkpointed()}, nil
	}
	root, err := s.readRoot(version)
	if errors.Is(err, ErrVersionNotFound) {
		if floor, ferr := s.floor(); ferr == nil && version < floor {
			return nil, fmt.Errorf("%w: %d (this node keeps versions %d to %d)", ErrVersionPruned, version, floor, cur)
		}
	}
	if err != nil {
		return nil, err
	}
	if !s.hasRoot(root) {
		// Between two checkpoints of a checkpointed store (checkpoint.go).
		return nil, fmt.Errorf("%w: %d (this node keeps every %d-th version and those since the last one; latest is %d)",
			ErrVersionPruned, version, s.opts.CheckpointInterval, cur)
	}
	return &View{s: s, version: version, root: root, tdb: s.tdb, checkpointed: s.checkpointed()}, nil
}

// Version returns the version this View reads.
func (v *View) Version() int64 { return v.version }

// Root returns the trie root (app hash) of this View's version.
func (v *View) Root() Hash { return v.root }

// openTrie opens a fresh read-only trie at the View's root.
func (v *View) openTrie() (*trie.Trie, error) {
	t, err := trie.New(trie.TrieID(common.Hash(v.root)), v.tdb)
	if err != nil {
		return nil, v.fail("open", err)
	}
	return t, nil
}

// fail wraps an error of a read at this View's version.
func (v *View) fail(op string, err error) error {
	var missing *trie.MissingNodeError
	if v.checkpointed && errors.As(err, &missing) {
		return fmt.Errorf("%w: %d (dropped from memory at a checkpoint while being read; read the latest version)", ErrVersionPruned, v.version)
	}
	return fmt.Errorf("state: %s at version %d: %w", op, v.version, err)
}

// sharedTrie returns the cached trie; v.mu must be held.
func (v *View) sharedTrie() (*trie.Trie, error) {
	if v.t == nil || v.uses >= viewTrieBudget {
		t, err := v.openTrie()
		if err != nil {
			return nil, err
		}
		v.t, v.uses = t, 0
	}
	v.uses++
	return v.t, nil
}

// Get returns the value of key at this version; nil, nil when absent.
func (v *View) Get(key []byte) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	t, err := v.sharedTrie()
	if err != nil {
		return nil, err
	}
	val, err := t.Get(key)
	if err != nil {
		return nil, v.fail("get", err)
	}
	return bytes.Clone(val), nil
}

// Iterate calls fn for each key with the given prefix, in byte order,
// starting at start (inclusive) or at prefix if start is nil or sorts before
// prefix, until fn returns false. An empty prefix means all keys. fn gets
// copies it may keep. Iterate walks its own trie and holds no lock while
// fn runs, so fn may call other View and Store read methods, and Commits
// proceed meanwhile (the iterated version is immutable).
func (v *View) Iterate(prefix, start []byte, fn func(key, value []byte) (more bool)) error {
	seek := prefix
	if start != nil && bytes.Compare(start, prefix) > 0 {
		if !bytes.HasPrefix(start, prefix) {
			return nil // start is past every key with this prefix
		}
		seek = start
	}
	t, err := v.openTrie()
	if err != nil {
		return err
	}
	nit, err := t.NodeIterator(seek)
	if err != nil {
		return v.fail("iterate", err)
	}
	it := trie.NewIterator(nit)
	for it.Next() {
		if !bytes.HasPrefix(it.Key, prefix) {
			break
		}
		if bytes.Compare(it.Key, seek) < 0 {
			continue // defensive: the node iterator may start just before seek
		}
		if !fn(bytes.Clone(it.Key), bytes.Clone(it.Value)) {
			return nil
		}
	}
	if it.Err != nil {
		return v.fail("iterate", it.Err)
	}
	return nil
}

// IterateLocal calls fn for each committed node-local record with the
// given prefix, as Store.IterateLocalRange does. Node-local records are
// not versioned: it reads the latest committed ones, whatever version the
// View reads, so a caller that lists a version's records through them
// checks each against the View.
func (v *View) IterateLocal(prefix, start []byte, fn func(key, value []byte) (more bool)) error {
	return v.s.IterateLocalRange(prefix, start, fn)
}

// Prove returns a proof of the value of key at this version, or of its
// absence (Value nil).
func (v *View) Prove(key []byte) (*Proof, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	t, err := v.sharedTrie()
	if err != nil {
		return nil, err
	}
	val, err := t.Get(key)
	if err != nil {
		return nil, v.fail("prove", err)
	}
	var nodes proofCollector
	if err := t.Prove(key, &nodes); err != nil {
		return nil, v.fail("prove", err)
	}
	if nodes == nil {
		nodes = proofCollector{} // empty trie: no nodes, JSON [] rather than null
	}
	return &Proof{Key: bytes.Clone(key), Value: bytes.Clone(val), Nodes: nodes}, nil
}

// proofCollector receives trie.Prove's nodes in path order (root first).
type proofCollector [][]byte

func (c *proofCollector) Put(_ []byte, value []byte) error {
	*c = append(*c, bytes.Clone(value))
	return nil
}

func (c *proofCollector) Delete([]byte) error { return nil }
