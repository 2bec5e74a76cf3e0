package state

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/memorydb"
)

// kvStore is the raw key-value store under a Store: an ethdb.KeyValueStore
// (what triedb and rawdb need) plus an exact "absent" signal for the
// Store's own reads.
type kvStore interface {
	ethdb.KeyValueStore
	// lookup returns (nil, false, nil) when key is absent.
	lookup(key []byte) (value []byte, ok bool, err error)
}

// errKVClosed is returned by the pebble store after Close.
var errKVClosed = errors.New("state: database closed")

// memKV is the in-memory store used when Open is given "".
type memKV struct{ *memorydb.Database }

func (m memKV) lookup(key []byte) ([]byte, bool, error) {
	if v, err := m.Get(key); err == nil {
		return v, true, nil
	}
	// memorydb.Get fails only for "not found" and "closed"; Has tells them apart.
	if _, err := m.Has(key); err != nil {
		return nil, false, err
	}
	return nil, false, nil
}

// pebbleKV adapts a cockroachdb/pebble v1 database to ethdb.KeyValueStore.
//
// go-ethereum v1.17's own ethdb/pebble package imports pebble/v2, which is
// not in this module's go.sum (and no module may be added), so this small
// adapter over pebble v1 (already required via cometbft-db) is used instead.
// All writes are synchronous — Store.Commit must be durable when it
// returns — except the trie nodes of a checkpoint (unsyncedKV).
type pebbleKV struct {
	db *pebble.DB

	mu     sync.RWMutex // guards closed against concurrent reads
	closed bool
}

// quietLogger drops pebble's informational output; fatal errors panic.
type quietLogger struct{}

func (quietLogger) Infof(string, ...interface{})              {}
func (quietLogger) Errorf(string, ...interface{})             {}
func (quietLogger) Fatalf(format string, args ...interface{}) { panic(fmt.Sprintf(format, args...)) }

// The pebble settings of the state store (ADR 0026). A block writes a few
// thousand trie nodes under hash keys spread over the whole key space, and
// reads as many back from all over the tables: most of pebble's work is
// compaction, and most of a long-running chain's is reading trie nodes
// that the caches do not hold. A larger memtable flushes and compacts less
// often, and a larger block cache (with the larger node cache,
// nodecache.go) serves more of those reads: on a chain growing to 200,000
// records the application's CPU per deposit fell from 331-333 µs to
// 207-282 µs, measured side by side (docs/benchmarks.md). Each
// write-ahead log file is preallocated to 110 % of the memtable, so the
// state directory holds up to about 350 MiB of logs.
const (
	pebbleCacheBytes    = 128 << 20
	pebbleMemTableBytes = 64 << 20
	// pebbleL0Compaction is how many L0 files start a compaction;
	// writes stall at pebbleL0Stop.
	pebbleL0Compaction = 8
	pebbleL0Stop       = 24
	pebbleLBaseBytes   = 256 << 20
)

func openPebble(dir string) (*pebbleKV, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("state: create %s: %w", dir, err)
	}
	cache := pebble.NewCache(pebbleCacheBytes)
	defer cache.Unref()
	opts := &pebble.Options{
		Cache:                 cache,
		MemTableSize:          pebbleMemTableBytes,
		L0CompactionThreshold: pebbleL0Compaction,
		L0StopWritesThreshold: pebbleL0Stop,
		LBaseMaxBytes:         pebbleLBaseBytes,
		MaxOpenFiles:          256,
		FormatMajorVersion:    pebble.FormatNewest,
		Logger:                quietLogger{},
		Levels:                make([]pebble.LevelOptions, 7),
	}
	for i := range opts.Levels {
		opts.Levels[i] = pebble.LevelOptions{
			BlockSize:      4 << 10,
			FilterPolicy:   bloom.FilterPolicy(10),
			FilterType:     pebble.TableFilter,
			TargetFileSize: int64(2<<20) << i,
		}
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("state: open pebble at %s: %w", dir, err)
	}
	return &pebbleKV{db: db}, nil
}

func (p *pebbleKV) lookup(key []byte) ([]byte, bool, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return nil, false, errKVClosed
	}
	v, closer, err := p.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := bytes.Clone(v) // v is only valid until closer.Close
	if out == nil {
		out = []byte{}
	}
	closer.Close()
	return out, true, nil
}

func (p *pebbleKV) Has(key []byte) (bool, error) {
	_, ok, err := p.lookup(key)
	return ok, err
}

func (p *pebbleKV) Get(key []byte) ([]byte, error) {
	v, ok, err := p.lookup(key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, pebble.ErrNotFound
	}
	return v, nil
}

func (p *pebbleKV) write(f func() error) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return errKVClosed
	}
	return f()
}

func (p *pebbleKV) Put(key, value []byte) error {
	return p.write(func() error { return p.db.Set(key, value, pebble.Sync) })
}

func (p *pebbleKV) Delete(key []byte) error {
	return p.write(func() error { return p.db.Delete(key, pebble.Sync) })
}

func (p *pebbleKV) DeleteRange(start, end []byte) error {
	if end == nil {
		end = ethdb.MaximumKey
	}
	return p.write(func() error { return p.db.DeleteRange(start, end, pebble.Sync) })
}

func (p *pebbleKV) SyncKeyValue() error {
	return p.write(func() error { return p.db.LogData(nil, pebble.Sync) })
}

func (p *pebbleKV) Stat() (string, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return "", errKVClosed
	}
	return p.db.Metrics().String(), nil
}

func (p *pebbleKV) Compact(start, limit []byte) error {
	if start == nil {
		start = []byte{}
	}
	if limit == nil {
		limit = ethdb.MaximumKey
	}
	return p.write(func() error { return p.db.Compact(start, limit, true) })
}

func (p *pebbleKV) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	return p.db.Close()
}

// diskBytes is the space the database takes on disk (tables, WAL and
// manifests), 0 once closed.
func (p *pebbleKV) diskBytes() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return 0
	}
	return int64(p.db.Metrics().DiskSpaceUsage())
}

// tableBytes is the size of the database's live tables: its data, without
// the write-ahead log (bounded by the memtables) and without tables a
// compaction made obsolete and pebble has yet to delete.
func (p *pebbleKV) tableBytes() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return 0
	}
	return p.db.Metrics().Total().Size
}

func (p *pebbleKV) NewBatch() ethdb.Batch { return &pebbleBatch{kv: p, b: p.db.NewBatch()} }

func (p *pebbleKV) NewBatchWithSize(int) ethdb.Batch { return p.NewBatch() }

// unsyncedKV is the pebble store whose batches are written without waiting
// for the disk: how a checkpoint (checkpoint.go) writes trie nodes in many
// batches before the one synced batch that makes them a version. pebble's
// write-ahead log is sequential, so that sync makes the earlier batches
// durable too.
type unsyncedKV struct{ *pebbleKV }

func (u unsyncedKV) NewBatch() ethdb.Batch {
	return &pebbleBatch{kv: u.pebbleKV, b: u.db.NewBatch(), noSync: true}
}

func (u unsyncedKV) NewBatchWithSize(int) ethdb.Batch { return u.NewBatch() }

// pebbleBatch is an atomic write batch, synchronous unless noSync.
type pebbleBatch struct {
	kv     *pebbleKV
	b      *pebble.Batch
	size   int
	noSync bool
}

func (b *pebbleBatch) Put(key, value []byte) error {
	b.size += len(key) + len(value)
	return b.b.Set(key, value, nil)
}

func (b *pebbleBatch) Delete(key []byte) error {
	b.size += len(key)
	return b.b.Delete(key, nil)
}

func (b *pebbleBatch) DeleteRange(start, end []byte) error {
	if end == nil {
		end = ethdb.MaximumKey
	}
	b.size += len(start) + len(end)
	return b.b.DeleteRange(start, end, nil)
}

func (b *pebbleBatch) ValueSize() int { return b.size }

func (b *pebbleBatch) Write() error {
	opt := pebble.Sync
	if b.noSync {
		opt = pebble.NoSync
	}
	return b.kv.write(func() error { return b.b.Commit(opt) })
}

func (b *pebbleBatch) Reset() {
	b.b.Reset()
	b.size = 0
}

func (b *pebbleBatch) Replay(w ethdb.KeyValueWriter) error {
	r := b.b.Reader()
	for {
		kind, k, v, ok, err := r.Next()
		if !ok || err != nil {
			return err
		}
		switch kind {
		case pebble.InternalKeyKindSet:
			err = w.Put(k, v)
		case pebble.InternalKeyKindDelete:
			err = w.Delete(k)
		case pebble.InternalKeyKindRangeDelete:
			rd, ok := w.(ethdb.KeyValueRangeDeleter)
			if !ok {
				return errors.New("state: replay target cannot delete ranges")
			}
			err = rd.DeleteRange(k, v)
		default:
			err = fmt.Errorf("state: replay: unhandled batch record kind %v", kind)
		}
		if err != nil {
			return err
		}
	}
}

func (b *pebbleBatch) Close() { _ = b.b.Close() }

// NewIterator iterates keys with prefix, from prefix+start, in byte order.
func (p *pebbleKV) NewIterator(prefix, start []byte) ethdb.Iterator {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return &pebbleIter{err: errKVClosed}
	}
	lower := append(bytes.Clone(prefix), start...)
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixUpperBound(prefix)})
	if err != nil {
		return &pebbleIter{err: err}
	}
	return &pebbleIter{it: it}
}

type pebbleIter struct {
	it    *pebble.Iterator
	moved bool
	err   error
}

func (i *pebbleIter) Next() bool {
	if i.it == nil {
		return false
	}
	if !i.moved {
		i.moved = true
		return i.it.First()
	}
	return i.it.Next()
}

func (i *pebbleIter) Error() error {
	if i.err != nil {
		return i.err
	}
	if i.it == nil {
		return nil
	}
	return i.it.Error()
}

func (i *pebbleIter) Key() []byte {
	if i.it == nil || !i.it.Valid() {
		return nil
	}
	return i.it.Key()
}

func (i *pebbleIter) Value() []byte {
	if i.it == nil || !i.it.Valid() {
		return nil
	}
	return i.it.Value()
}

func (i *pebbleIter) Release() {
	if i.it != nil {
		_ = i.it.Close()
		i.it = nil
	}
}

// prefixUpperBound returns the smallest key greater than every key with the
// given prefix, or nil (no bound) if there is none.
func prefixUpperBound(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xff {
			ub := bytes.Clone(prefix[:i+1])
			ub[i]++
			return ub
		}
	}
	return nil
}
