package app

import "sync"

// byHash maps transaction hashes to values, holding at most its capacity
// and forgetting the oldest first, and counts the lookups that ask to be
// counted and those that found a value. Safe for concurrent use.
type byHash[V any] struct {
	mu    sync.Mutex
	m     map[[32]byte]V
	ring  [][32]byte // the hashes in the order they were put
	next  int
	full  bool
	tries uint64
	hits  uint64
}

func newByHash[V any](capacity int) *byHash[V] {
	return &byHash[V]{m: make(map[[32]byte]V, capacity), ring: make([][32]byte, capacity)}
}

// get returns h's value. count counts the lookup; take forgets the value.
func (c *byHash[V]) get(h [32]byte, count, take bool) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[h]
	if count {
		c.tries++
		if ok {
			c.hits++
		}
	}
	if ok && take {
		delete(c.m, h)
	}
	return v, ok
}

// put gives h the value v unless it has one. The oldest hash's slot is
// reused: if that hash was taken and put again since, its newer value is
// forgotten early, which costs only the work the value saves.
func (c *byHash[V]) put(h [32]byte, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[h]; ok {
		return
	}
	if c.full {
		delete(c.m, c.ring[c.next])
	}
	c.ring[c.next] = h
	c.m[h] = v
	c.next++
	if c.next == len(c.ring) {
		c.next = 0
		c.full = true
	}
}

// stats returns the counted lookups so far and how many found a value.
func (c *byHash[V]) stats() (tries, hits uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries, c.hits
}
