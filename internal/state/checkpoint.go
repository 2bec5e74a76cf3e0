package state

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/trie/trienode"
)

// Checkpointed writes (ADR 0027). With Options.CheckpointInterval n > 1 a
// Store does not write every version to disk. Each Commit puts the
// block's new trie nodes in hashdb's reference-counted memory layer and
// its local records in a buffer; every n-th version (and earlier when
// that memory exceeds Options.MaxPendingBytes, and at Close) becomes a
// checkpoint: the nodes its trie reaches, the root records of every
// version since the last checkpoint, the head pointer and the buffered
// local records go to disk, and the versions before it leave memory. The
// upper trie levels, which every block rewrites, then reach the disk once
// per checkpoint instead of once per block, and nodes that only
// intermediate versions used never do.
//
// What stays readable: every checkpoint, the versions since the last one,
// and whatever was on disk before (an archive node switched to
// checkpoints keeps its history). Other versions are ErrVersionPruned. A
// version is readable exactly when its root node is in memory or on disk.
//
// A crash loses the versions since the last checkpoint: the store reopens
// at that checkpoint, and the node's consensus engine replays the later
// blocks from its block store (CometBFT's handshake), which rebuilds the
// same versions and local records.

// DefaultMaxPendingBytes is Options.MaxPendingBytes when it is 0.
const DefaultMaxPendingBytes = 32 << 20

// Options are a Store's settings; the zero value is an archive store.
type Options struct {
	// CheckpointInterval: 0 or 1 writes every version at its Commit
	// (archive); n > 1 writes every n-th version (see checkpoint.go).
	CheckpointInterval int64
	// MaxPendingBytes bounds the memory of the versions since the last
	// checkpoint (trie nodes and local records); reaching it makes the
	// next Commit a checkpoint. 0: DefaultMaxPendingBytes.
	MaxPendingBytes int64
}

func (o Options) check() error {
	if o.CheckpointInterval < 0 {
		return fmt.Errorf("state: checkpoint interval %d; want 0 (every version) or more", o.CheckpointInterval)
	}
	if o.MaxPendingBytes < 0 {
		return fmt.Errorf("state: max pending bytes %d; want 0 (default) or more", o.MaxPendingBytes)
	}
	return nil
}

// pendingVersion is a committed version not yet written to disk.
type pendingVersion struct {
	version int64
	root    Hash
}

// checkpointed reports whether the store writes checkpoints rather than
// every version.
func (s *Store) checkpointed() bool { return s.opts.CheckpointInterval > 1 }

// commitPending is Commit for a checkpointed store: the version's nodes go
// to memory, and to disk with the others when it is a checkpoint. Only
// the committing goroutine calls it.
func (s *Store) commitPending(version int64, root Hash, set *trienode.NodeSet) (Hash, error) {
	if set != nil {
		if err := s.tdb.Update(common.Hash(root), common.Hash(s.root), uint64(version), trienode.NewWithNodeSet(set), nil); err != nil {
			s.Discard()
			return Hash{}, fmt.Errorf("state: commit version %d: %w", version, err)
		}
	}
	// Each pending version holds one reference to its root, dropped when
	// the version leaves memory (a root on disk is not counted: no-op).
	if err := s.tdb.Reference(common.Hash(root), common.Hash{}); err != nil {
		return Hash{}, fmt.Errorf("state: commit version %d: %w", version, err)
	}
	// The versions the last checkpoint dropped leave memory one block
	// after it, so that a View of the then latest version, being read
	// while that checkpoint was written, can finish.
	for _, r := range s.retiring {
		if err := s.tdb.Dereference(common.Hash(r)); err != nil {
			return Hash{}, fmt.Errorf("state: commit version %d: %w", version, err)
		}
	}
	s.retiring = nil
	s.localMu.Lock()
	for k, v := range s.locals {
		if old, ok := s.pendingLocals[k]; ok {
			s.pendingLocalBytes -= int64(len(k) + len(old))
		}
		s.pendingLocals[k] = v
		s.pendingLocalBytes += int64(len(k) + len(v))
	}
	s.locals = make(map[string][]byte)
	s.localMu.Unlock()

	s.mu.Lock()
	s.pending = append(s.pending, pendingVersion{version, root})
	s.version, s.root, s.latest = version, root, nil
	s.mu.Unlock()

	if err := s.resetWorking(); err != nil {
		return Hash{}, err
	}
	if version%s.opts.CheckpointInterval == 0 || s.pendingBytes() >= s.maxPending() {
		// On failure the version stays committed in memory, and the next
		// checkpoint writes it again.
		if err := s.checkpoint(); err != nil {
			return Hash{}, err
		}
	}
	return root, nil
}

func (s *Store) maxPending() int64 {
	if s.opts.MaxPendingBytes > 0 {
		return s.opts.MaxPendingBytes
	}
	return DefaultMaxPendingBytes
}

// pendingBytes is the memory the versions since the last checkpoint hold.
func (s *Store) pendingBytes() int64 {
	_, nodes, _ := s.tdb.Size()
	s.localMu.Lock()
	defer s.localMu.Unlock()
	return int64(nodes) + s.pendingLocalBytes
}

// checkpoint writes the head version: its trie's nodes not yet on disk,
// then in one synced batch the root records of every pending version, the
// head pointer and the buffered local records. The pending versions
// before the head leave memory at the next Commit (ErrVersionPruned from
// then on). If a
// write fails, nothing is lost from memory and the store keeps its
// version; the next checkpoint writes again. Only the committing goroutine
// calls it (and Close).
func (s *Store) checkpoint() error {
	s.mu.RLock()
	pending := slices.Clone(s.pending)
	s.mu.RUnlock()
	if len(pending) == 0 {
		return nil
	}
	head := pending[len(pending)-1]
	// The nodes go in unsynced batches; the synced batch below makes them
	// durable with it (unsyncedKV).
	if err := s.tdb.Commit(common.Hash(head.root), false); err != nil {
		return fmt.Errorf("state: checkpoint at version %d: write trie nodes: %w", head.version, err)
	}
	batch := s.kv.NewBatch()
	defer batch.Close()
	err := func() error {
		s.localMu.Lock()
		defer s.localMu.Unlock()
		return putVersions(batch, pending, s.pendingLocals)
	}()
	if err == nil {
		err = batch.Write() // atomic and synced
	}
	if err != nil {
		return fmt.Errorf("state: checkpoint at version %d: %w", head.version, err)
	}
	// Written: the buffer may go (a concurrent GetLocal finds each record
	// buffered or on disk), and so may the versions before the head.
	s.localMu.Lock()
	s.pendingLocals = make(map[string][]byte)
	s.pendingLocalBytes = 0
	s.localMu.Unlock()
	s.mu.Lock()
	s.pending = s.pending[len(pending):]
	s.mu.Unlock()
	// The head's nodes left memory as they were written; the others'
	// unique nodes leave at the next Commit (or now, at Close).
	for _, p := range pending {
		s.retiring = append(s.retiring, p.root)
	}
	return nil
}

// pendingRoot returns the root of a version since the last checkpoint.
// The caller holds s.mu.
func (s *Store) pendingRoot(version int64) (Hash, bool) {
	for _, p := range s.pending {
		if p.version == version {
			return p.root, true
		}
	}
	return Hash{}, false
}

// hasRoot reports whether a version's root node is in memory or on disk.
func (s *Store) hasRoot(root Hash) bool {
	if root == EmptyRoot {
		return true
	}
	_, err := s.tdb.NodeReader(common.Hash(root))
	return err == nil
}

// pendingLocalsSorted returns the buffered local records with the given
// prefix, from start, in key order, a nil value marking a deletion.
func (s *Store) pendingLocalsSorted(prefix, start []byte) (keys []string, values [][]byte) {
	s.localMu.Lock()
	defer s.localMu.Unlock()
	p, from := string(prefix), string(start)
	for k := range s.pendingLocals {
		if strings.HasPrefix(k, p) && k >= from {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	values = make([][]byte, len(keys))
	for i, k := range keys {
		values[i] = bytes.Clone(s.pendingLocals[k])
	}
	return keys, values
}

// DurableVersion returns the last version written to disk: Version() on
// an archive store, the last checkpoint on a checkpointed one. Safe for
// concurrent use.
func (s *Store) DurableVersion() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version - int64(len(s.pending))
}
