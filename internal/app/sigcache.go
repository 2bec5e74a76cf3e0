package app

import (
	"sync"

	"github.com/dengta-chain/dengta/tx"
)

// sigCache remembers the hashes of transactions whose signatures this node
// has verified, so that a transaction checked for the mempool is not
// verified again when its block is executed. The hash covers the signer's
// key id, and a key id is the hash of its public key, so a hit means the
// signature is good for the key the transaction names. For an Ethereum
// transaction (ADR 0014), which names no key, the cache keeps the address
// its signature recovered. It holds at most capacity entries and forgets
// the oldest first.
type sigCache struct {
	mu    sync.Mutex
	seen  map[[32]byte]tx.KeyID // the zero id: a verified envelope
	ring  [][32]byte
	next  int
	full  bool
	hits  uint64
	tries uint64
}

func newSigCache(capacity int) *sigCache {
	return &sigCache{seen: make(map[[32]byte]tx.KeyID, capacity), ring: make([][32]byte, capacity)}
}

func (c *sigCache) has(h [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tries++
	_, ok := c.seen[h]
	if ok {
		c.hits++
	}
	return ok
}

func (c *sigCache) add(h [32]byte) { c.put(h, tx.KeyID{}) }

// sender returns the address an Ethereum transaction's signature
// recovered, if the cache has it.
func (c *sigCache) sender(h [32]byte) (tx.KeyID, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tries++
	id, ok := c.seen[h]
	if ok {
		c.hits++
	}
	return id, ok
}

// addSender remembers the address an Ethereum transaction's signature
// recovered.
func (c *sigCache) addSender(h [32]byte, id tx.KeyID) { c.put(h, id) }

func (c *sigCache) put(h [32]byte, id tx.KeyID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.seen[h]; ok {
		return
	}
	if c.full {
		delete(c.seen, c.ring[c.next])
	}
	c.ring[c.next] = h
	c.seen[h] = id
	c.next++
	if c.next == len(c.ring) {
		c.next = 0
		c.full = true
	}
}

// stats returns lookups and hits so far.
func (c *sigCache) stats() (tries, hits uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries, c.hits
}

// verified reports whether h is in the cache without counting a lookup:
// for PreCheckTx, whose lookups would otherwise count every transaction
// twice.
func (c *sigCache) verified(h [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.seen[h]
	return ok
}
