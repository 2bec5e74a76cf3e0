package state

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/trie"
)

var (
	// ErrNotEmpty: a restore needs a store that has never committed.
	ErrNotEmpty = errors.New("state: store is not empty")
	// ErrRootMismatch: the restored key/value pairs do not hash to the
	// expected root.
	ErrRootMismatch = errors.New("state: restored state does not match the trusted root")
	// ErrKeyOrder: a restored key did not sort after the one before.
	ErrKeyOrder = errors.New("state: restored keys out of order")
)

// Restorer rebuilds the state of one version from all its key/value pairs
// in key order (what View.Iterate yields), into a store that has never
// committed: how a node joins from a snapshot. Nothing is visible until
// Finish has checked the root; a restore that is aborted or fails leaves
// the store empty. A Restorer is used by one goroutine.
type Restorer struct {
	s       *Store
	version int64
	t       *trie.Trie
	last    []byte
	keys    int64
	dirty   int // pairs added since the last flush
	done    bool
}

// Restore starts rebuilding version (>= 1) into s, which must never have
// committed. Whatever an earlier, unfinished restore left on disk is
// removed first.
func (s *Store) Restore(version int64) (*Restorer, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if version < 1 {
		return nil, fmt.Errorf("state: restore version %d, want 1 or more", version)
	}
	if s.Version() != 0 {
		return nil, fmt.Errorf("%w: it is at version %d", ErrNotEmpty, s.Version())
	}
	if err := s.clearNodes(); err != nil {
		return nil, err
	}
	t, err := trie.New(trie.TrieID(common.Hash(EmptyRoot)), s.tdb)
	if err != nil {
		return nil, fmt.Errorf("state: restore: %w", err)
	}
	return &Restorer{s: s, version: version, t: t}, nil
}

// clearNodes removes every trie node and local record of a store at
// version 0 (left by an aborted restore).
func (s *Store) clearNodes() error {
	for _, p := range [][]byte{nodePrefix, localPrefix} {
		if err := s.kv.DeleteRange(p, prefixUpperBound(p)); err != nil {
			return fmt.Errorf("state: clear %q records: %w", p, err)
		}
	}
	if s.nodes != nil {
		s.nodes.cache.Reset()
	}
	return nil
}

// restoreFlushPairs bounds the pairs held in memory between flushes.
var restoreFlushPairs = 50_000

// Add adds key = value; keys must come in strictly increasing byte order
// and values must not be empty.
func (r *Restorer) Add(key, value []byte) error {
	if r.done {
		return errors.New("state: restore already finished")
	}
	if err := checkKey(key); err != nil {
		return err
	}
	if len(value) == 0 {
		return ErrEmptyValue
	}
	if r.last != nil && bytes.Compare(key, r.last) <= 0 {
		return fmt.Errorf("%w: %q after %q", ErrKeyOrder, key, r.last)
	}
	if err := r.t.Update(bytes.Clone(key), bytes.Clone(value)); err != nil {
		return fmt.Errorf("state: restore: %w", err)
	}
	r.last = append(r.last[:0], key...)
	r.keys++
	r.dirty++
	if r.dirty >= restoreFlushPairs {
		return r.Flush()
	}
	return nil
}

// Keys returns how many pairs were added.
func (r *Restorer) Keys() int64 { return r.keys }

// Flush writes the trie nodes built so far to disk, not yet as a version,
// and frees their memory. Keys arrive in order, so only the nodes on the
// path of the last key are rewritten by later pairs.
func (r *Restorer) Flush() error {
	if r.done {
		return errors.New("state: restore already finished")
	}
	if r.dirty == 0 {
		return nil
	}
	root, err := r.commitNodes(nil)
	if err != nil {
		return err
	}
	r.t, err = trie.New(trie.TrieID(common.Hash(root)), r.s.tdb)
	if err != nil {
		return fmt.Errorf("state: restore: reopen at %s: %w", root, err)
	}
	r.dirty = 0
	return nil
}

// commitNodes commits the trie and writes its new nodes, and the records
// extra adds, in one batch (synced when extra is set: the last one).
func (r *Restorer) commitNodes(extra func(batch interface{ Put(k, v []byte) error }) error) (Hash, error) {
	root, set := r.t.Commit(false)
	nodes := newNodes(set)
	batch := r.s.kv.NewBatch()
	defer batch.Close()
	for _, n := range nodes {
		if err := batch.Put(nodeKey(n.Hash), n.Blob); err != nil {
			return Hash{}, fmt.Errorf("state: restore: %w", err)
		}
	}
	if extra != nil {
		if err := extra(batch); err != nil {
			return Hash{}, fmt.Errorf("state: restore: %w", err)
		}
	}
	if err := batch.Write(); err != nil {
		return Hash{}, fmt.Errorf("state: restore: write nodes: %w", err)
	}
	if r.s.nodes != nil {
		for _, n := range nodes {
			r.s.nodes.added(n.Hash[:], n.Blob)
		}
	}
	return Hash(root), nil
}

// Finish hashes the restored state and, if its root is want, makes it the
// store's version in one synced write, with the node-local records
// locals (key -> value, as SetLocal). A different root is
// ErrRootMismatch: nothing becomes visible and what was written is
// removed. Either way the Restorer is done.
func (r *Restorer) Finish(want Hash, locals map[string][]byte) error {
	if r.done {
		return errors.New("state: restore already finished")
	}
	r.done = true
	if got := Hash(r.t.Hash()); got != want {
		r.abort()
		return fmt.Errorf("%w: %d keys hash to %s, want %s", ErrRootMismatch, r.keys, got, want)
	}
	root, err := r.commitNodes(func(batch interface{ Put(k, v []byte) error }) error {
		if err := batch.Put(versionRootKey(r.version), want[:]); err != nil {
			return err
		}
		if err := batch.Put(headVersionKey, encodeVersion(r.version)); err != nil {
			return err
		}
		for k, v := range locals {
			if len(v) == 0 {
				continue
			}
			if err := batch.Put(localKey([]byte(k)), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		r.abort()
		return err
	}
	if root != want {
		return fmt.Errorf("state: restore: committed root %s differs from its hash %s", root, want)
	}
	s := r.s
	s.mu.Lock()
	s.version, s.root, s.latest = r.version, root, nil
	s.mu.Unlock()
	return s.resetWorking()
}

// Abort drops the restore and what it wrote; the store stays empty.
func (r *Restorer) Abort() error {
	if r.done {
		return nil
	}
	r.done = true
	return r.abort()
}

func (r *Restorer) abort() error {
	return r.s.clearNodes()
}
