package app

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// countingReader is a fixed state that counts its reads and can fail.
type countingReader struct {
	mu    sync.Mutex
	vals  map[string][]byte
	reads map[string]int
	fail  error
}

func (r *countingReader) Get(key []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads[string(key)]++
	if r.fail != nil {
		return nil, r.fail
	}
	return bytes.Clone(r.vals[string(key)]), nil
}

func TestViewMemo(t *testing.T) {
	r := &countingReader{vals: map[string][]byte{"a": []byte("1")}, reads: map[string]int{}}
	m := newMemo(r, memoMaxBytes)
	for range 3 {
		if v, err := m.Get([]byte("a")); err != nil || string(v) != "1" {
			t.Fatalf("Get(a) = %q, %v", v, err)
		}
		if v, err := m.Get([]byte("absent")); err != nil || v != nil {
			t.Fatalf("Get(absent) = %q, %v; want nil, nil", v, err)
		}
	}
	if r.reads["a"] != 1 || r.reads["absent"] != 1 {
		t.Errorf("view reads %v, want one per key (absent keys included)", r.reads)
	}

	// The caller owns what it gets: changing it changes nothing remembered.
	v, _ := m.Get([]byte("a"))
	v[0] = 'x'
	if v, _ := m.Get([]byte("a")); string(v) != "1" {
		t.Errorf("memo changed through a returned slice: %q", v)
	}

	// Errors are passed on and not remembered.
	r.fail = errors.New("disk on fire")
	if _, err := m.Get([]byte("b")); err == nil {
		t.Fatal("error not passed on")
	}
	r.fail = nil
	if _, err := m.Get([]byte("b")); err != nil {
		t.Fatalf("error remembered: %v", err)
	}
	if r.reads["b"] != 2 {
		t.Errorf("b read %d times, want 2", r.reads["b"])
	}
}

// TestViewMemoBound: past its size bound the memo stops remembering but
// still answers right.
func TestViewMemoBound(t *testing.T) {
	r := &countingReader{vals: map[string][]byte{}, reads: map[string]int{}}
	for i := range 100 {
		r.vals[fmt.Sprint("k", i)] = bytes.Repeat([]byte{'v'}, 100)
	}
	m := newMemo(r, 10*(100+3+memoEntryOverhead)) // room for about 10 entries
	for range 2 {
		for i := range 100 {
			k := fmt.Sprint("k", i)
			if v, err := m.Get([]byte(k)); err != nil || !bytes.Equal(v, r.vals[k]) {
				t.Fatalf("Get(%s) = %q, %v", k, v, err)
			}
		}
	}
	if len(m.vals) > 10 || m.bytes > m.maxBytes {
		t.Errorf("memo holds %d entries, %d bytes; bound %d bytes", len(m.vals), m.bytes, m.maxBytes)
	}
	if r.reads["k0"] != 1 || r.reads["k99"] != 2 {
		t.Errorf("reads of k0 %d (remembered, want 1), of k99 %d (past the bound, want 2)", r.reads["k0"], r.reads["k99"])
	}
}
