package app

import "sync"

// bodyMemoSize bounds the decoded bodies kept: four times the mempool's
// default size (ADR 0004), a few MB of deposits.
const bodyMemoSize = 20_000

// bodyMemo keeps, by transaction hash, the bodies the mempool's Precheck
// decoded (ADR 0018), so that the block's handler takes the value instead
// of decoding the same bytes again. A body is taken once: a transaction
// that runs again (a replay in a later block) decodes afresh. It holds at
// most capacity bodies and forgets the oldest first; a body forgotten or
// never admitted here only costs the decoding.
type bodyMemo struct {
	mu     sync.Mutex
	bodies map[[32]byte]any
	ring   [][32]byte
	next   int
	hits   uint64
	tries  uint64
}

func newBodyMemo(capacity int) *bodyMemo {
	return &bodyMemo{bodies: make(map[[32]byte]any), ring: make([][32]byte, capacity)}
}

// put remembers the decoded body of the transaction with hash h.
func (m *bodyMemo) put(h [32]byte, body any) {
	if body == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.bodies[h]; ok {
		return
	}
	// The slot's earlier hash may have been taken already, or be held
	// again under a later slot: then deleting it only costs a decoding.
	delete(m.bodies, m.ring[m.next])
	m.ring[m.next] = h
	m.bodies[h] = body
	m.next = (m.next + 1) % len(m.ring)
}

// take returns and forgets the body remembered for h, or nil.
func (m *bodyMemo) take(h [32]byte) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tries++
	b, ok := m.bodies[h]
	if ok {
		m.hits++
		delete(m.bodies, h)
	}
	return b
}

// stats returns the block's lookups so far and how many found a body.
func (m *bodyMemo) stats() (tries, hits uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tries, m.hits
}
