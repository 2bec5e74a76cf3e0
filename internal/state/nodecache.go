package state

import (
	"github.com/VictoriaMetrics/fastcache"
	"github.com/ethereum/go-ethereum/ethdb"
)

// nodeCacheBytes is the size of the trie-node cache of an on-disk Store.
// It fills as the trie is read (fastcache takes memory in 64 KiB chunks as
// it needs them), and holds the upper levels of a trie of several million
// keys: a node it misses costs a pebble read of tens of microseconds.
const nodeCacheBytes = 256 << 20

// cachedNodes is the node database handed to triedb: the node namespace of
// the store with a write-through, read-through cache in front of it.
//
// hashdb has a clean cache of its own, but it is only filled on reads and
// when hashdb itself commits. Store.Commit writes nodes directly (to keep one
// atomic batch per block), so without this layer the nodes of the last block
// — exactly the upper trie levels the next block walks again — would be read
// back from pebble every block. Trie nodes are content-addressed (the key is
// the Keccak-256 of the value) and never deleted, so a cached entry can never
// be stale.
type cachedNodes struct {
	ethdb.Database
	cache *fastcache.Cache
}

func newCachedNodes(db ethdb.Database, bytes int) *cachedNodes {
	return &cachedNodes{Database: db, cache: fastcache.New(bytes)}
}

// Get serves trie-node reads (rawdb.ReadLegacyTrieNode) from the cache.
func (c *cachedNodes) Get(key []byte) ([]byte, error) {
	if v, ok := c.cache.HasGet(nil, key); ok {
		return v, nil
	}
	v, err := c.Database.Get(key)
	if err == nil && len(v) > 0 {
		c.cache.Set(key, v) // entries over 64 KiB are silently not cached
	}
	return v, err
}

// Has reports whether a node is present.
func (c *cachedNodes) Has(key []byte) (bool, error) {
	if c.cache.Has(key) {
		return true, nil
	}
	return c.Database.Has(key)
}

// NewBatch returns a batch that also caches the nodes it writes: hashdb
// writes a checkpoint's nodes (checkpoint.go) through it.
func (c *cachedNodes) NewBatch() ethdb.Batch {
	return &cachingBatch{Batch: c.Database.NewBatch(), cache: c.cache}
}

// NewBatchWithSize is NewBatch.
func (c *cachedNodes) NewBatchWithSize(int) ethdb.Batch { return c.NewBatch() }

// cachingBatch caches each node as it is added. A node is the same
// whenever it is written (the key is its hash), so caching it before the
// batch reaches the disk cannot serve a wrong value.
type cachingBatch struct {
	ethdb.Batch
	cache *fastcache.Cache
}

func (b *cachingBatch) Put(key, value []byte) error {
	b.cache.Set(key, value)
	return b.Batch.Put(key, value)
}

// added records nodes that Commit has durably written.
func (c *cachedNodes) added(hash, blob []byte) { c.cache.Set(hash, blob) }

// Close releases the cache memory (the underlying store is closed by Store).
func (c *cachedNodes) Close() error {
	c.cache.Reset()
	return nil
}
