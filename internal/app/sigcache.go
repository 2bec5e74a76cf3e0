package app

import "github.com/dengta-chain/dengta/tx"

// sigCache remembers the hashes of transactions whose signatures this node
// has verified, so that a transaction checked for the mempool is not
// verified again when its block is executed. The hash covers the signer's
// key id, and a key id is the hash of its public key, so a hit means the
// signature is good for the key the transaction names. For an Ethereum
// transaction (ADR 0014), which names no key, the cache keeps the address
// its signature recovered (the zero id: a verified envelope). It holds at
// most capacity entries and forgets the oldest first.
type sigCache struct{ *byHash[tx.KeyID] }

func newSigCache(capacity int) sigCache { return sigCache{newByHash[tx.KeyID](capacity)} }

func (c sigCache) has(h [32]byte) bool {
	_, ok := c.get(h, true, false)
	return ok
}

func (c sigCache) add(h [32]byte) { c.put(h, tx.KeyID{}) }

// sender returns the address an Ethereum transaction's signature
// recovered, if the cache has it.
func (c sigCache) sender(h [32]byte) (tx.KeyID, bool) { return c.get(h, true, false) }

// addSender remembers the address an Ethereum transaction's signature
// recovered.
func (c sigCache) addSender(h [32]byte, id tx.KeyID) { c.put(h, id) }

// verified reports whether h is in the cache without counting a lookup:
// for PreCheckTx, whose lookups would otherwise count every transaction
// twice.
func (c sigCache) verified(h [32]byte) bool {
	_, ok := c.get(h, false, false)
	return ok
}
