package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/state"
)

// Store keeps a node's snapshots in a directory. It is safe for
// concurrent use: the ABCI snapshot connection lists and reads while a
// snapshot is being written.
type Store struct {
	dir  string
	keep int
	now  func() time.Time // the clock of the offers' hold (node-local)

	mu sync.Mutex // guards removal against reads, and offered
	// offered holds when each snapshot was last offered to a joining
	// node or served a chunk: pruning keeps it for holdOffered after
	// that, so that a node that chose it can fetch it.
	offered map[int64]time.Time
}

// A snapshot offered to a joining node stays holdOffered after its last
// offer or chunk served, beyond the keep newest, for at most maxHeld
// snapshots: a joining node (CometBFT's state sync) waits two minutes
// for a chunk before it gives a snapshot up, so a snapshot pruned
// between its offer and the first chunk request stalls the join.
const (
	holdOffered = 5 * time.Minute
	maxHeld     = 8
)

// DefaultKeep is how many snapshots a store keeps.
const DefaultKeep = 2

// Open opens (creating) the snapshot directory, keeping the keep newest
// snapshots (0: DefaultKeep), and removes what an interrupted write left.
func Open(dir string, keep int) (*Store, error) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return nil, fmt.Errorf("snapshots: remove unfinished %s: %w", e.Name(), err)
			}
		}
	}
	return &Store{dir: dir, keep: keep, now: time.Now, offered: map[int64]time.Time{}}, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// Meta is what a snapshot records beside the state.
type Meta struct {
	ChainID    string
	AppVersion uint64
	BlockTime  time.Time
}

// Snapshot is a stored snapshot as ABCI lists it.
type Snapshot struct {
	Height   int64
	Format   uint32
	Chunks   uint32
	Hash     []byte
	Metadata []byte // the manifest's JSON
	Manifest *Manifest
}

func heightDir(height int64) string { return fmt.Sprintf("%020d", height) }

func chunkFile(i int) string { return fmt.Sprintf("chunk-%06d", i) }

// Create writes a snapshot of view (a committed version) and prunes the
// older ones beyond the store's keep. A snapshot of that height that
// exists already is kept as is.
func (s *Store) Create(view *state.View, m Meta) (*Snapshot, error) {
	final := filepath.Join(s.dir, heightDir(view.Version()))
	if _, err := os.Stat(filepath.Join(final, "manifest.json")); err == nil {
		return s.load(view.Version())
	}
	tmp := final + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", view.Version(), err)
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", view.Version(), err)
	}
	fail := func(err error) (*Snapshot, error) {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("snapshot %d: %w", view.Version(), err)
	}
	root := view.Root()
	man := &Manifest{Format: FormatName, ChainID: m.ChainID, Height: view.Version(), AppHash: root.String(),
		AppVersion: m.AppVersion, BlockTime: m.BlockTime.UTC()}
	w := &chunkWriter{emit: func(data []byte, keys int64) error {
		sum := sha256.Sum256(data)
		if err := writeFileSync(filepath.Join(tmp, chunkFile(len(man.Chunks))), data); err != nil {
			return err
		}
		man.Chunks = append(man.Chunks, Chunk{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Keys: keys})
		return nil
	}}
	var werr error
	err := view.Iterate(nil, nil, func(k, v []byte) bool {
		man.Keys++
		man.RawBytes += int64(len(k) + len(v))
		werr = w.add(k, v)
		return werr == nil
	})
	if err == nil {
		err = werr
	}
	if err == nil {
		err = w.flush()
	}
	if err == nil && len(man.Chunks) == 0 {
		// An empty state still has one (empty) chunk: ABCI snapshots
		// have at least one.
		err = w.emit(emptyChunk(), 0)
	}
	if err != nil {
		return fail(err)
	}
	if len(man.Chunks) > MaxChunks {
		return fail(fmt.Errorf("%d chunks, over the limit of %d", len(man.Chunks), MaxChunks))
	}
	meta, err := json.Marshal(man)
	if err != nil {
		return fail(err)
	}
	if err := writeFileSync(filepath.Join(tmp, "manifest.json"), meta); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fail(err)
	}
	if err := syncDir(s.dir); err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", view.Version(), err)
	}
	if err := s.prune(); err != nil {
		return nil, err
	}
	return &Snapshot{Height: man.Height, Format: Format, Chunks: uint32(len(man.Chunks)), Hash: Hash(meta), Metadata: meta, Manifest: man}, nil
}

// emptyChunk is the compressed form of no records.
func emptyChunk() []byte {
	var out []byte
	w := &chunkWriter{emit: func(data []byte, _ int64) error { out = data; return nil }}
	w.keys = 1 // force a flush of the empty buffer
	_ = w.flush()
	return out
}

// heights lists the stored snapshots' heights, newest first.
func (s *Store) heights() ([]int64, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	var hs []int64
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		if h, err := strconv.ParseInt(e.Name(), 10, 64); err == nil && h > 0 {
			hs = append(hs, h)
		}
	}
	slices.Sort(hs)
	slices.Reverse(hs)
	return hs, nil
}

// prune removes all but the keep newest snapshots, and those offered to
// a joining node in the last holdOffered (the newest maxHeld of them).
func (s *Store) prune() error {
	hs, err := s.heights()
	if err != nil {
		return err
	}
	if len(hs) <= s.keep {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now, held := s.now(), 0
	for _, h := range hs[s.keep:] {
		if t, ok := s.offered[h]; ok && now.Sub(t) < holdOffered && held < maxHeld {
			held++
			continue
		}
		delete(s.offered, h)
		if err := os.RemoveAll(filepath.Join(s.dir, heightDir(h))); err != nil {
			return fmt.Errorf("snapshots: prune %d: %w", h, err)
		}
	}
	return nil
}

// Offer is List for a joining node: the snapshots it lists are held
// from pruning for a while (holdOffered), so that it can fetch the one
// it chooses.
func (s *Store) Offer() ([]*Snapshot, error) {
	list, err := s.List()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, sn := range list {
		s.offered[sn.Height] = now
	}
	return list, nil
}

// List returns the stored snapshots, newest first. A snapshot whose
// manifest cannot be read is left out.
func (s *Store) List() ([]*Snapshot, error) {
	hs, err := s.heights()
	if err != nil {
		return nil, err
	}
	var out []*Snapshot
	for _, h := range hs {
		if sn, err := s.load(h); err == nil {
			out = append(out, sn)
		}
	}
	return out, nil
}

func (s *Store) load(height int64) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	meta, err := os.ReadFile(filepath.Join(s.dir, heightDir(height), "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", height, err)
	}
	var m Manifest
	if err := json.Unmarshal(meta, &m); err != nil {
		return nil, fmt.Errorf("snapshot %d: manifest: %w", height, err)
	}
	return &Snapshot{Height: height, Format: Format, Chunks: uint32(len(m.Chunks)), Hash: Hash(meta), Metadata: meta, Manifest: &m}, nil
}

// Chunk returns one chunk of a stored snapshot.
func (s *Store) Chunk(height int64, format, index uint32) ([]byte, error) {
	if format != Format {
		return nil, fmt.Errorf("snapshot %d: format %d, this node writes %d", height, format, Format)
	}
	if index >= MaxChunks {
		return nil, fmt.Errorf("snapshot %d: no chunk %d", height, index)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := os.ReadFile(filepath.Join(s.dir, heightDir(height), chunkFile(int(index))))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("snapshot %d: no chunk %d", height, index)
	}
	if err == nil {
		s.offered[height] = s.now() // a node is fetching it: hold it on
	}
	return b, err
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
