package evm

import (
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Code and its jump destination analysis are content-addressed: an entry
// keyed by the code's hash can never be stale, whichever state or height
// it was read from. The node keeps them in memory so that a contract
// called in every transaction is read from the trie and analysed once.

// codeCacheBytes bounds the code kept in memory.
const codeCacheBytes = 64 << 20

var codeCache = &byHash[[]byte]{max: codeCacheBytes, size: func(c []byte) int { return len(c) }}

// jumpDests is the shared cache of jump destination analyses
// (vm.JumpDestCache), a bit per code byte.
var jumpDests = &jumpDestCache{c: byHash[vm.BitVec]{max: codeCacheBytes / 8, size: func(v vm.BitVec) int { return len(v) }}}

// byHash is a bounded map of values by hash, emptied when full: with
// fewer hot contracts than it holds, as in a consortium, it never fills.
// Safe for concurrent use.
type byHash[V any] struct {
	max  int
	size func(V) int

	mu    sync.Mutex
	m     map[common.Hash]V
	bytes int
}

func (c *byHash[V]) get(h common.Hash) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[h]
	return v, ok
}

func (c *byHash[V]) put(h common.Hash, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.size(v) + 64
	if c.m == nil || c.bytes+n > c.max {
		c.m, c.bytes = make(map[common.Hash]V), 0
	}
	if _, ok := c.m[h]; !ok {
		c.m[h] = v
		c.bytes += n
	}
}

type jumpDestCache struct{ c byHash[vm.BitVec] }

var _ vm.JumpDestCache = (*jumpDestCache)(nil)

func (j *jumpDestCache) Load(h common.Hash) (vm.BitVec, bool) { return j.c.get(h) }
func (j *jumpDestCache) Store(h common.Hash, v vm.BitVec)     { j.c.put(h, v) }
