package app

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/tx"
)

type reader interface {
	Get(key []byte) ([]byte, error)
}

type writer interface {
	Set(key, value []byte) error
	Delete(key []byte) error
}

type readWriter interface {
	reader
	writer
}

// cache buffers writes over a parent store. Reads see the buffered writes
// first. flush applies them to a writer in sorted key order; dropping the
// cache discards them.
type cache struct {
	parent reader
	writes map[string][]byte // nil value: deleted
	// signers is set by a buffered write that can change what
	// identity.LookupSigner answers; until then lookupSigner asks the
	// parent.
	signers bool
}

var _ module.KV = (*cache)(nil)

func newCache(parent reader) *cache {
	return &cache{parent: parent, writes: make(map[string][]byte)}
}

func (c *cache) Get(key []byte) ([]byte, error) {
	if v, ok := c.writes[string(key)]; ok {
		return v, nil
	}
	return c.parent.Get(key)
}

func (c *cache) Set(key, value []byte) error {
	if len(key) == 0 {
		return fmt.Errorf("set: empty key")
	}
	if len(value) == 0 {
		return fmt.Errorf("set %q: empty value (use Delete)", key)
	}
	c.writes[string(key)] = bytes.Clone(value)
	c.signers = c.signers || identity.AffectsSigners(key)
	return nil
}

func (c *cache) Delete(key []byte) error {
	if len(key) == 0 {
		return fmt.Errorf("delete: empty key")
	}
	c.writes[string(key)] = nil
	c.signers = c.signers || identity.AffectsSigners(key)
	return nil
}

// flush writes the buffered changes to w, sorted by key, and empties the
// cache.
func (c *cache) flush(w writer) error {
	keys := make([]string, 0, len(c.writes))
	for k := range c.writes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var err error
		if v := c.writes[k]; v == nil {
			err = w.Delete([]byte(k))
		} else {
			err = w.Set([]byte(k), v)
		}
		if err != nil {
			return fmt.Errorf("flush %q: %w", k, err)
		}
	}
	clear(c.writes)
	c.signers = false
	return nil
}

// lookupSigner is identity.LookupSigner over the cache: the parent's
// lookup while nothing buffered here can change its answer.
func (c *cache) lookupSigner(id tx.KeyID) (module.Signer, *identity.Key, error) {
	if !c.signers {
		if l, ok := c.parent.(signerLookup); ok {
			return l.lookupSigner(id)
		}
	}
	return identity.LookupSigner(c, id)
}

// clone returns a cache with the same parent and a copy of the writes.
func (c *cache) clone() *cache {
	n := &cache{parent: c.parent, writes: make(map[string][]byte, len(c.writes)), signers: c.signers}
	for k, v := range c.writes {
		n.writes[k] = v
	}
	return n
}

// ownKeys is the store a handler writes through: it refuses, as a
// consensus rule, any write outside the module's own keys. A module reads
// what it likes (identity's organisations, for one) but writes only under
// its name, so one module can never corrupt another's records.
type ownKeys struct {
	*cache
	route route
}

func (o ownKeys) check(key []byte) error {
	if !bytes.HasPrefix(key, o.route.prefix) {
		return errcode.New(errcode.ForeignWrite, "module %s wrote key %q outside its own keys (%s…); the transaction is refused", o.route.module, key, o.route.prefix)
	}
	return nil
}

func (o ownKeys) Set(key, value []byte) error {
	if err := o.check(key); err != nil {
		return err
	}
	return o.cache.Set(key, value)
}

func (o ownKeys) Delete(key []byte) error {
	if err := o.check(key); err != nil {
		return err
	}
	return o.cache.Delete(key)
}
