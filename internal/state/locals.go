package state

import (
	"bytes"
	"fmt"
)

// IterateLocal calls fn with every committed node-local record (SetLocal
// writes of committed versions, on disk or, on a checkpointed store,
// buffered for the next checkpoint) in key order, until fn returns false:
// what a backup of the node copies beside its state.
func (s *Store) IterateLocal(fn func(key, value []byte) bool) error {
	return s.IterateLocalRange(nil, nil, fn)
}

// IterateLocalRange calls fn with the committed node-local records whose
// keys have the given prefix, in key order from start (inclusive; the
// first of them when start is nil or sorts before prefix), until fn
// returns false. Records buffered since the last Commit are not seen. fn
// gets copies it may keep.
func (s *Store) IterateLocalRange(prefix, start []byte, fn func(key, value []byte) bool) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	seek := prefix
	if start != nil && bytes.Compare(start, prefix) > 0 {
		if !bytes.HasPrefix(start, prefix) {
			return nil // start is past every key with this prefix
		}
		seek = start
	}
	// The buffered records, merged in order over the disk's.
	keys, values := s.pendingLocalsSorted(prefix, seek)
	i := 0
	more := true
	// emitBuffered sends the buffered records with keys before k (all of
	// them when k is nil) and reports whether k itself is buffered.
	emitBuffered := func(k []byte) (shadowed bool) {
		for more && i < len(keys) && (k == nil || keys[i] < string(k)) {
			if values[i] != nil {
				more = fn([]byte(keys[i]), values[i])
			}
			i++
		}
		return k != nil && i < len(keys) && keys[i] == string(k)
	}
	it := s.kv.NewIterator(localKey(prefix), seek[len(prefix):])
	defer it.Release()
	for more && it.Next() {
		k := bytes.Clone(bytes.TrimPrefix(it.Key(), localPrefix))
		if emitBuffered(k) {
			continue // the buffered record replaces it, sent next round
		}
		if more {
			more = fn(k, bytes.Clone(it.Value()))
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("state: iterate local records: %w", err)
	}
	emitBuffered(nil)
	return nil
}

// LocalWriter writes node-local records straight to disk, outside a
// Commit, in synced batches: how a restore puts back a node's own records
// (its transaction index) once the state is restored. It is used by one
// goroutine and must be closed.
type LocalWriter struct {
	s     *Store
	b     interface{ Put(k, v []byte) error }
	write func() error
	n     int
}

// localBatchRecords bounds the records of one LocalWriter batch.
const localBatchRecords = 10_000

// WriteLocals starts writing node-local records.
func (s *Store) WriteLocals() (*LocalWriter, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	w := &LocalWriter{s: s}
	w.reset()
	return w, nil
}

func (w *LocalWriter) reset() {
	b := w.s.kv.NewBatch()
	w.b, w.write, w.n = b, b.Write, 0
}

// Put adds key = value (a non-empty value).
func (w *LocalWriter) Put(key, value []byte) error {
	if len(value) == 0 {
		return ErrEmptyValue
	}
	if err := w.b.Put(localKey(key), value); err != nil {
		return fmt.Errorf("state: write local record: %w", err)
	}
	w.n++
	if w.n >= localBatchRecords {
		return w.flush()
	}
	return nil
}

func (w *LocalWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	if err := w.write(); err != nil {
		return fmt.Errorf("state: write local records: %w", err)
	}
	w.reset()
	return nil
}

// Close writes what is left.
func (w *LocalWriter) Close() error { return w.flush() }
