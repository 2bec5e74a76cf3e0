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
	if r, err := a.CommittedTx(hash); err == nil && r != nil {
		a.waiters.remove(hash, ch)
		done := make(chan TxRecord, 1)
		done <- *r
		return done, func() {}
	}
	return ch, func() { a.waiters.remove(hash, ch) }
}

// Expect registers interest in a transaction that is about to be
// submitted, like Watch, but without looking for an earlier commit: the
// channel receives the record of the next commit of these bytes. It costs
// no read of the store, for a submitter that reads the record itself only
// when the mempool does not take the transaction as new (CommittedTx).
// cancel releases the watch.
func (a *App) Expect(hash [32]byte) (<-chan TxRecord, func()) {
	ch := a.waiters.add(hash)
	return ch, func() { a.waiters.remove(hash, ch) }
}

// CommittedTx returns the record of a transaction committed at or below
// the state's version, or nil: a record of the block being committed now
// is not returned (its waiters are told at its commit).
func (a *App) CommittedTx(hash [32]byte) (*TxRecord, error) {
	r, err := a.LookupTx(hash)
	if err != nil || r == nil || r.Height > a.store.Version() {
		return nil, err
	}
	return r, nil
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
