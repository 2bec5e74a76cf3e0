package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/trie"
)

// ErrVersionPruned: the requested version was committed but its trie has
// been pruned (Prune); an archive node still has it. It wraps
// ErrVersionNotFound, so callers that only know "not found" keep working.
var ErrVersionPruned = fmt.Errorf("%w (pruned on this node)", ErrVersionNotFound)

// MinKeep is the fewest recent versions Prune keeps: the head and the one
// before it, so that the node can still answer for the previous block.
const MinKeep = 2

// PruneStats is what a Prune did.
type PruneStats struct {
	// KeptFrom is the oldest version still readable after the prune.
	KeptFrom int64 `json:"kept_from"`
	// Head is the last committed version.
	Head int64 `json:"head"`
	// VersionsPruned counts the versions no longer readable (this prune's).
	VersionsPruned int64 `json:"versions_pruned"`
	// NodesKept and NodesDeleted count trie nodes.
	NodesKept    int64 `json:"nodes_kept"`
	NodesDeleted int64 `json:"nodes_deleted"`
	// BytesDeleted sums the keys and values of the deleted nodes.
	BytesDeleted int64 `json:"bytes_deleted"`
	// TablesBefore and TablesAfter are TableBytes around the prune, each
	// after a compaction of the whole database.
	TablesBefore int64 `json:"tables_before"`
	TablesAfter  int64 `json:"tables_after"`
}

// Prune makes every version older than the last keep (≥ MinKeep)
// unreadable and deletes the trie nodes that only those versions used. It
// is offline maintenance: it must not run while the store commits, so the
// node must be stopped (the database lock sees to it for another
// process). It marks every node reachable from the kept versions' roots
// (in memory: about 50 bytes per live node), deletes the root records of
// the older versions, records the new floor, deletes every unmarked node
// and compacts the database. A crash part way leaves a readable
// store: the floor is written before any node is deleted, and a node is
// deleted only when no kept version reaches it; running Prune again
// finishes the work.
func (s *Store) Prune(keep int64) (PruneStats, error) {
	if keep < MinKeep {
		return PruneStats{}, fmt.Errorf("state: prune: keep %d versions; at least %d", keep, MinKeep)
	}
	if err := s.checkOpen(); err != nil {
		return PruneStats{}, err
	}
	head := s.Version()
	if err := s.Compact(); err != nil {
		return PruneStats{}, fmt.Errorf("state: prune: %w", err)
	}
	st := PruneStats{Head: head, TablesBefore: s.TableBytes()}
	oldFloor, err := s.floor()
	if err != nil {
		return st, err
	}
	floor := max(head-keep+1, 1, oldFloor)
	st.KeptFrom = floor

	// Mark what the kept versions reach. Content addressing lets a node be
	// shared by many versions: a marked node's subtree is marked already.
	marked := make(map[common.Hash]struct{})
	for v := head; v >= floor && v >= 1; v-- {
		root, err := s.readRoot(v)
		if errors.Is(err, ErrVersionNotFound) && v < head {
			// A store rebuilt by state sync or a restore starts at its
			// snapshot's version: it has no older ones.
			continue
		}
		if err != nil {
			return st, fmt.Errorf("state: prune: kept version %d: %w", v, err)
		}
		if v < head && !s.hasRoot(root) {
			continue // between two checkpoints (checkpoint.go): never written
		}
		if err := s.mark(root, marked); err != nil {
			return st, fmt.Errorf("state: prune: mark version %d: %w", v, err)
		}
	}
	st.NodesKept = int64(len(marked))

	// The floor and the older roots go first: from here on no View of a
	// pruned version can be opened, before any of its nodes disappear.
	b := s.kv.NewBatch()
	defer b.Close()
	for v := max(oldFloor, 1); v < floor; v++ {
		if _, ok, err := s.kv.lookup(versionRootKey(v)); err != nil {
			return st, err
		} else if !ok {
			continue // below a restored store's first version
		}
		if err := b.Delete(versionRootKey(v)); err != nil {
			return st, err
		}
		st.VersionsPruned++
	}
	if err := b.Put(pruneFloorKey, encodeVersion(floor)); err != nil {
		return st, err
	}
	if err := b.Write(); err != nil {
		return st, fmt.Errorf("state: prune: write floor: %w", err)
	}
	s.mu.Lock()
	s.latest = nil
	s.mu.Unlock()

	// Sweep the node namespace.
	it := s.kv.NewIterator(nodePrefix, nil)
	defer it.Release()
	del := s.kv.NewBatch()
	defer del.Close()
	for it.Next() {
		k := it.Key()
		if len(k) != len(nodePrefix)+common.HashLength {
			return st, fmt.Errorf("state: prune: node key of %d bytes", len(k))
		}
		if _, ok := marked[common.BytesToHash(k[len(nodePrefix):])]; ok {
			continue
		}
		if err := del.Delete(bytes.Clone(k)); err != nil {
			return st, err
		}
		st.NodesDeleted++
		st.BytesDeleted += int64(len(k) + len(it.Value()))
		if del.ValueSize() >= 4<<20 {
			if err := del.Write(); err != nil {
				return st, fmt.Errorf("state: prune: delete nodes: %w", err)
			}
			del.Reset()
		}
	}
	if err := it.Error(); err != nil {
		return st, fmt.Errorf("state: prune: list nodes: %w", err)
	}
	if err := del.Write(); err != nil {
		return st, fmt.Errorf("state: prune: delete nodes: %w", err)
	}
	if err := s.Compact(); err != nil {
		return st, fmt.Errorf("state: prune: %w", err)
	}
	st.TablesAfter = s.TableBytes()
	return st, nil
}

// Compact compacts the whole database, so that deleted and overwritten
// entries stop taking disk space. It can take long on a large store.
func (s *Store) Compact() error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if err := s.kv.Compact(nil, nil); err != nil {
		return fmt.Errorf("state: compact: %w", err)
	}
	return nil
}

// mark adds every trie node reachable from root to marked, skipping the
// subtrees of nodes marked already.
func (s *Store) mark(root Hash, marked map[common.Hash]struct{}) error {
	if root == EmptyRoot {
		return nil
	}
	t, err := trie.New(trie.TrieID(common.Hash(root)), s.tdb)
	if err != nil {
		return err
	}
	it, err := t.NodeIterator(nil)
	if err != nil {
		return err
	}
	descend := true
	for it.Next(descend) {
		h := it.Hash()
		descend = true
		if h == (common.Hash{}) {
			continue // a node embedded in its parent, or a value
		}
		if _, ok := marked[h]; ok {
			descend = false
			continue
		}
		marked[h] = struct{}{}
	}
	return it.Error()
}

// floor returns the oldest version that may still be read: 1 unless the
// store was pruned.
func (s *Store) floor() (int64, error) {
	b, ok, err := s.kv.lookup(pruneFloorKey)
	if err != nil {
		return 0, fmt.Errorf("state: read prune floor: %w", err)
	}
	if !ok {
		return 1, nil
	}
	if len(b) != 8 {
		return 0, errors.New("state: corrupt prune floor record")
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// Floor returns the oldest version this store can read (1 on an archive
// store that was never pruned). Safe for concurrent use.
func (s *Store) Floor() (int64, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	return s.floor()
}
