package app

import (
	"context"
	"sync"
)

// waiters wakes callers waiting for a transaction to be committed.
type waiters struct {
	mu sync.Mutex
	m  map[[32]byte][]chan TxRecord
}

func (w *waiters) add(h [32]byte) chan TxRecord {
	ch := make(chan TxRecord, 1)
	w.mu.Lock()
	w.m[h] = append(w.m[h], ch)
	w.mu.Unlock()
	return ch
}

func (w *waiters) remove(h [32]byte, ch chan TxRecord) {
	w.mu.Lock()
	defer w.mu.Unlock()
	list := w.m[h]
	for i, c := range list {
		if c == ch {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(w.m, h)
	} else {
		w.m[h] = list
	}
}

func (w *waiters) notify(hashes [][32]byte, recs []TxRecord) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.m) == 0 {
		return
	}
	for i, h := range hashes {
		for _, ch := range w.m[h] {
			ch <- recs[i]
		}
		delete(w.m, h)
	}
}

// WaitTx blocks until the transaction with this hash is committed, or ctx
// ends. Register before submitting, or a fast commit can be missed: call
// WaitTx in a goroutine started before the submit, or use Watch. Safe for
// concurrent use.
func (a *App) WaitTx(ctx context.Context, hash [32]byte) (*TxRecord, error) {
	ch, cancel := a.Watch(hash)
	defer cancel()
	return Await(ctx, ch)
}

// Watch registers interest in a transaction before it is submitted. The
// channel receives the record once the transaction is committed. If it was
// already committed, the record is sent at once. cancel releases the watch.
func (a *App) Watch(hash [32]byte) (<-chan TxRecord, func()) {
	ch := a.waiters.add(hash)
	if r, err := a.LookupTx(hash); err == nil && r != nil && r.Height <= a.store.Version() {
		a.waiters.remove(hash, ch)
		done := make(chan TxRecord, 1)
		done <- *r
		return done, func() {}
	}
	return ch, func() { a.waiters.remove(hash, ch) }
}

// Await waits for a record from a Watch channel.
func Await(ctx context.Context, ch <-chan TxRecord) (*TxRecord, error) {
	select {
	case r := <-ch:
		return &r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
