package app

import "testing"

// TestByHash: a bounded map by hash forgets the oldest first, keeps a
// hash's first value, forgets a taken value, and counts only the lookups
// that ask to be counted.
func TestByHash(t *testing.T) {
	h := func(b byte) [32]byte { return [32]byte{b} }
	c := newByHash[int](2)
	c.put(h(1), 1)
	c.put(h(2), 2)
	c.put(h(2), 20) // kept: 2
	c.put(h(3), 3)  // forgets 1
	if _, ok := c.get(h(1), false, false); ok {
		t.Error("the oldest hash is still held past the capacity")
	}
	if v, ok := c.get(h(2), true, false); !ok || v != 2 {
		t.Errorf("h(2) = %d, %v; want its first value 2", v, ok)
	}
	if v, ok := c.get(h(3), true, true); !ok || v != 3 {
		t.Errorf("take h(3) = %d, %v; want 3", v, ok)
	}
	if _, ok := c.get(h(3), true, false); ok {
		t.Error("a taken value is still held")
	}
	if tries, hits := c.stats(); tries != 3 || hits != 2 {
		t.Errorf("stats %d lookups %d hits, want 3 and 2 (the uncounted lookup left out)", tries, hits)
	}
	// A taken hash put again is held again.
	c.put(h(3), 30)
	if v, ok := c.get(h(3), false, false); !ok || v != 30 {
		t.Errorf("h(3) put again = %d, %v; want 30", v, ok)
	}
}
