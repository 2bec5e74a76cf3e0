package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/memorydb"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/ethereum/go-ethereum/trie/trienode"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/ethereum/go-ethereum/triedb/hashdb"

	"github.com/dengta-chain/dengta/internal/state/trieproof"
)

// MaxKeyLen is the longest state key accepted by Set, Delete and Get.
const MaxKeyLen = trieproof.MaxKeyLen

// The proof types and their verification live in trieproof, which offline
// verifiers import without the store.
type (
	// Hash is a 32-byte trie root or node hash (Keccak-256).
	Hash = trieproof.Hash
	// Proof is a Merkle proof of a key's value or absence.
	Proof = trieproof.Proof
)

// EmptyRoot is the root of the empty trie.
var EmptyRoot = trieproof.EmptyRoot

// ParseHash parses 64 hex digits, with an optional 0x prefix.
func ParseHash(s string) (Hash, error) { return trieproof.ParseHash(s) }

// VerifyProof checks p against root (see trieproof.VerifyProof).
func VerifyProof(root Hash, p *Proof) ([]byte, error) { return trieproof.VerifyProof(root, p) }

var (
	// ErrVersionNotFound: the requested version was never committed.
	ErrVersionNotFound = errors.New("state: version not found")
	// ErrProofInvalid: a proof does not verify against the given root.
	ErrProofInvalid = trieproof.ErrProofInvalid
	// ErrInvalidKey: a key is empty or longer than MaxKeyLen.
	ErrInvalidKey = errors.New("state: invalid key")
	// ErrEmptyValue: Set was given an empty value (use Delete).
	ErrEmptyValue = errors.New("state: empty value")
	// ErrWrongVersion: Commit was not given Version()+1.
	ErrWrongVersion = errors.New("state: wrong commit version")
	// ErrClosed: the Store has been closed.
	ErrClosed = errors.New("state: store closed")
)

// Store is the versioned Merkle state. See the package documentation for
// which methods may be called concurrently.
type Store struct {
	kv    kvStore
	tdb   *triedb.Database // hash-scheme node database over the node namespace
	nodes *cachedNodes     // node cache under tdb; nil for an in-memory store

	mu      sync.RWMutex // guards the committed head and the latest View
	closed  bool
	version int64
	root    Hash
	latest  *View // cached View of version, created on demand

	// Working set: owned by the single executing goroutine.
	work    *trie.Trie
	workErr error // set if the working trie could not be reopened

	localMu sync.Mutex
	locals  map[string][]byte // buffered SetLocal writes; nil value = delete

	// Checkpointed writes (checkpoint.go); unused on an archive store.
	opts              Options
	pending           []pendingVersion  // versions since the last checkpoint, oldest first; guarded by mu
	pendingLocals     map[string][]byte // their local records; guarded by localMu
	pendingLocalBytes int64             // guarded by localMu
	retiring          []Hash            // roots the last checkpoint dropped, dereferenced at the next Commit

	onWrite func(key []byte) // OnWrite's
}

// OnWrite makes the store tell fn every key the working set is asked to
// write or delete, before it does (a write that then fails is told too).
// Set it before the store is used; fn runs on the executing goroutine.
func (s *Store) OnWrite(fn func(key []byte)) { s.onWrite = fn }

// Open opens (creating if needed) the archive store in dir, or an
// in-memory store if dir is "". An existing store resumes at its last
// committed version.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith is Open with settings. An existing store resumes at its last
// version on disk: on a checkpointed store, its last checkpoint.
func OpenWith(dir string, opts Options) (*Store, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	s := &Store{root: EmptyRoot, locals: make(map[string][]byte), opts: opts, pendingLocals: make(map[string][]byte)}
	nodeKV := kvStore(nil)
	if dir == "" {
		s.kv = memKV{memorydb.New()}
		nodeKV = s.kv
	} else {
		p, err := openPebble(dir)
		if err != nil {
			return nil, err
		}
		s.kv, nodeKV = p, p
		if s.checkpointed() {
			nodeKV = unsyncedKV{p}
		}
	}
	// The trie database sees the node namespace with bare hash keys. hashdb's
	// own clean cache is off: cachedNodes (write-through) replaces it.
	var nodeDB ethdb.Database = rawdb.NewTable(rawdb.NewDatabase(nodeKV), string(nodePrefix))
	if dir != "" {
		s.nodes = newCachedNodes(nodeDB, nodeCacheBytes)
		nodeDB = s.nodes
	}
	s.tdb = triedb.NewDatabase(nodeDB, &triedb.Config{HashDB: &hashdb.Config{}})
	err := s.loadHead()
	if err == nil {
		err = s.resetWorking()
	}
	if err != nil {
		s.closeAll()
		return nil, err
	}
	return s, nil
}

// loadHead restores the last committed version and its root.
func (s *Store) loadHead() error {
	b, ok, err := s.kv.lookup(headVersionKey)
	if err != nil {
		return fmt.Errorf("state: read head version: %w", err)
	}
	if !ok {
		return nil // fresh store
	}
	if len(b) != 8 {
		return fmt.Errorf("state: corrupt head version record (%d bytes)", len(b))
	}
	v := int64(binary.BigEndian.Uint64(b))
	if v <= 0 {
		return fmt.Errorf("state: corrupt head version %d", v)
	}
	root, err := s.readRoot(v)
	if err != nil {
		return fmt.Errorf("state: head version %d: %w", v, err)
	}
	s.version, s.root = v, root
	return nil
}

// readRoot reads the root committed at version v >= 1.
func (s *Store) readRoot(v int64) (Hash, error) {
	b, ok, err := s.kv.lookup(versionRootKey(v))
	if err != nil {
		return Hash{}, err
	}
	if !ok {
		return Hash{}, fmt.Errorf("%w: %d", ErrVersionNotFound, v)
	}
	if len(b) != len(Hash{}) {
		return Hash{}, fmt.Errorf("state: corrupt root record for version %d (%d bytes)", v, len(b))
	}
	return Hash(b), nil
}

// resetWorking reopens the working trie at the committed root.
func (s *Store) resetWorking() error {
	t, err := trie.New(trie.TrieID(common.Hash(s.root)), s.tdb)
	if err != nil {
		s.work = nil
		s.workErr = fmt.Errorf("state: open trie at version %d root %s: %w", s.version, s.root, err)
		return s.workErr
	}
	s.work, s.workErr = t, nil
	return nil
}

// Close releases the store. Views obtained earlier fail after Close.
// Uncommitted working writes are lost. A checkpointed store first writes
// its last version as a checkpoint; if that fails, the store reopens at
// its previous checkpoint (and the node replays the blocks since).
func (s *Store) Close() error {
	var cerr error
	if s.checkpointed() && s.checkOpen() == nil {
		cerr = s.checkpoint()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.latest = nil
	if err := s.closeAll(); cerr == nil {
		cerr = err
	}
	return cerr
}

func (s *Store) closeAll() error {
	err := s.tdb.Close()
	if cerr := s.kv.Close(); err == nil {
		err = cerr
	}
	if s.nodes != nil {
		s.nodes.Close()
	}
	return err
}

// Version returns the last committed version (block height); 0 before the
// first Commit. Safe for concurrent use.
func (s *Store) Version() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

// Root returns the root at Version(); EmptyRoot at version 0. Safe for
// concurrent use.
func (s *Store) Root() Hash {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.root
}

func (s *Store) checkOpen() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

// checkWork reports whether the working set is usable.
func (s *Store) checkWork() error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	return s.workErr
}

func checkKey(key []byte) error {
	if len(key) == 0 || len(key) > MaxKeyLen {
		return fmt.Errorf("%w: length %d, want 1..%d", ErrInvalidKey, len(key), MaxKeyLen)
	}
	return nil
}

// Get returns the working-set value of key, including uncommitted writes;
// nil, nil when absent.
func (s *Store) Get(key []byte) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := s.checkWork(); err != nil {
		return nil, err
	}
	v, err := s.work.Get(key)
	if err != nil {
		return nil, fmt.Errorf("state: get: %w", err)
	}
	return bytes.Clone(v), nil
}

// Set writes key = value in the working set. The value must be non-empty
// (an empty value is how the trie represents absence; use Delete).
func (s *Store) Set(key, value []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if len(value) == 0 {
		return ErrEmptyValue
	}
	if err := s.checkWork(); err != nil {
		return err
	}
	if s.onWrite != nil {
		s.onWrite(key)
	}
	// The trie keeps the value slice; copy so the caller may reuse its buffer.
	if err := s.work.Update(key, bytes.Clone(value)); err != nil {
		return fmt.Errorf("state: set: %w", err)
	}
	return nil
}

// Delete removes key from the working set; deleting an absent key is a no-op.
func (s *Store) Delete(key []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.checkWork(); err != nil {
		return err
	}
	if s.onWrite != nil {
		s.onWrite(key)
	}
	if err := s.work.Delete(key); err != nil {
		return fmt.Errorf("state: delete: %w", err)
	}
	return nil
}

// WorkingRoot returns the root of the working set, uncommitted writes
// included. Hashing is incremental: only nodes dirtied since the last call
// are rehashed. It returns the zero Hash if the working set is unusable
// (store closed, or the committed root could not be reopened).
func (s *Store) WorkingRoot() Hash {
	if s.checkWork() != nil {
		return Hash{}
	}
	return Hash(s.work.Hash())
}

// Commit makes the working set version `version`, which must be Version()+1.
// The new trie nodes, the version -> root record, the head version and the
// buffered SetLocal writes go to disk in one atomic, synced batch; nothing
// is visible (Version, Root, At) before it is durable. The working set then
// continues from the new root. If the write fails the working set and the
// buffered local writes are discarded and the store stays at Version().
//
// A checkpointed store (Options.CheckpointInterval > 1) writes only its
// checkpoints to disk; its other versions are committed in memory, see
// checkpoint.go. If a checkpoint's write fails, Commit reports it but the
// version stays committed in memory.
func (s *Store) Commit(version int64) (Hash, error) {
	if err := s.checkWork(); err != nil {
		return Hash{}, err
	}
	// Only this goroutine changes version/root, so reading them unlocked
	// here is race-free.
	if version != s.version+1 {
		return Hash{}, fmt.Errorf("%w: got %d, want %d", ErrWrongVersion, version, s.version+1)
	}
	root, set := s.work.Commit(false) // the trie is unusable from here on
	if s.checkpointed() {
		return s.commitPending(version, Hash(root), set)
	}

	nodes := newNodes(set)
	batch := s.kv.NewBatch()
	defer batch.Close()
	err := func() error {
		for _, n := range nodes {
			if err := batch.Put(nodeKey(n.Hash), n.Blob); err != nil {
				return err
			}
		}
		// The buffer is cleared only after the write, so a concurrent
		// GetLocal sees each entry either buffered or on disk.
		s.localMu.Lock()
		defer s.localMu.Unlock()
		return putVersions(batch, []pendingVersion{{version, Hash(root)}}, s.locals)
	}()
	if err == nil {
		err = batch.Write() // atomic and synced
	}
	if err != nil {
		s.Discard()
		return Hash{}, fmt.Errorf("state: commit version %d: %w", version, err)
	}

	s.localMu.Lock()
	s.locals = make(map[string][]byte)
	s.localMu.Unlock()
	if s.nodes != nil {
		for _, n := range nodes {
			s.nodes.added(n.Hash[:], n.Blob)
		}
	}

	s.mu.Lock()
	s.version, s.root, s.latest = version, Hash(root), nil
	s.mu.Unlock()

	if err := s.resetWorking(); err != nil {
		return Hash{}, err
	}
	return Hash(root), nil
}

// DiskBytes returns the space the store takes on disk (0 for an in-memory
// store). Safe for concurrent use.
func (s *Store) DiskBytes() int64 {
	if p, ok := s.kv.(*pebbleKV); ok {
		return p.diskBytes()
	}
	return 0
}

// TableBytes returns the size of the store's live database tables (0 for
// an in-memory store): its data on disk once flushed and compacted,
// without the write-ahead log. Safe for concurrent use.
func (s *Store) TableBytes() int64 {
	if p, ok := s.kv.(*pebbleKV); ok {
		return p.tableBytes()
	}
	return 0
}

// Discard drops the uncommitted working writes and the buffered SetLocal
// writes: the working set is back at Root().
func (s *Store) Discard() {
	s.localMu.Lock()
	s.locals = make(map[string][]byte)
	s.localMu.Unlock()
	// On failure (database closed or damaged) workErr is set and every
	// working-set call reports it.
	_ = s.resetWorking()
}

// SetLocal buffers a node-local write (not part of the Merkle root); it is
// written atomically with the next Commit and dropped by Discard. An empty
// value deletes the key. Safe for concurrent use with GetLocal.
func (s *Store) SetLocal(key, value []byte) {
	var v []byte
	if len(value) > 0 {
		v = bytes.Clone(value)
	}
	s.localMu.Lock()
	s.locals[string(key)] = v
	s.localMu.Unlock()
}

// GetLocal reads node-local data, including writes buffered since the last
// Commit; nil, nil when absent. Safe for concurrent use.
func (s *Store) GetLocal(key []byte) ([]byte, error) {
	s.localMu.Lock()
	v, buffered := s.locals[string(key)]
	if !buffered {
		v, buffered = s.pendingLocals[string(key)] // committed, awaiting a checkpoint
	}
	s.localMu.Unlock()
	if buffered {
		return bytes.Clone(v), nil
	}
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	b, ok, err := s.kv.lookup(localKey(key))
	if err != nil {
		return nil, fmt.Errorf("state: get local: %w", err)
	}
	if !ok {
		return nil, nil
	}
	return b, nil
}

// putVersions puts the root record of each of versions, the head pointer
// at the last of them and the buffered local records (a nil value
// deletes): what makes those versions the store's once the batch is
// written.
func putVersions(batch ethdb.Batch, versions []pendingVersion, locals map[string][]byte) error {
	for _, p := range versions {
		if err := batch.Put(versionRootKey(p.version), p.root[:]); err != nil {
			return err
		}
	}
	if err := batch.Put(headVersionKey, encodeVersion(versions[len(versions)-1].version)); err != nil {
		return err
	}
	for k, v := range locals {
		var err error
		if v == nil {
			err = batch.Delete(localKey([]byte(k)))
		} else {
			err = batch.Put(localKey([]byte(k)), v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sortNodeWrites orders a block's new nodes by hash before they go into
// the batch: pebble inserts a batch into its memtable (a skiplist) one key
// after the other, reusing the position of the previous key, so keys in
// order are found near it instead of from the top of the list. A variable
// only so that the benchmark can compare both orders side by side.
var sortNodeWrites = true

// newNodes returns the nodes a commit adds (archive: deleted nodes stay
// for old versions), ordered by hash when sortNodeWrites is set.
func newNodes(set *trienode.NodeSet) []*trienode.Node {
	if set == nil {
		return nil
	}
	out := make([]*trienode.Node, 0, len(set.Nodes))
	for _, n := range set.Nodes {
		if !n.IsDeleted() {
			out = append(out, n)
		}
	}
	if sortNodeWrites {
		slices.SortFunc(out, func(a, b *trienode.Node) int { return bytes.Compare(a.Hash[:], b.Hash[:]) })
	}
	return out
}
