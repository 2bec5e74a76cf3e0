package state

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentViews runs readers on Views (latest and old versions: Get,
// Iterate, Prove+VerifyProof, GetLocal) while the writer executes and
// commits blocks. Run with -race. Each block h writes blk/<h>/<i>, bumps
// "height" to h and records a local tx index entry, so a reader can check
// every View against the version it claims to be.
func TestConcurrentViews(t *testing.T) {
	for _, tc := range []struct {
		name, dir string
		opts      Options
	}{
		{"memory", "", Options{}},
		{"disk", t.TempDir(), Options{}},
		{"checkpointed", t.TempDir(), Options{CheckpointInterval: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) { runConcurrent(t, tc.dir, tc.opts) })
	}
}

func runConcurrent(t *testing.T, dir string, opts Options) {
	const (
		blocks   = 40
		perBlock = 60
		readers  = 4
	)
	s := openOptsT(t, dir, opts)
	// On a checkpointed store a version between checkpoints is dropped
	// (ErrVersionPruned), possibly while a reader holds its View.
	var dropped atomic.Int64
	dropOK := func(err error) bool {
		if opts.CheckpointInterval > 1 && errors.Is(err, ErrVersionPruned) {
			dropped.Add(1)
			return true
		}
		return false
	}
	blkKey := func(h int64, i int) []byte { return []byte(fmt.Sprintf("blk/%04d/%03d", h, i)) }
	blkVal := func(h int64, i int) []byte { return []byte(fmt.Sprintf("value-%d-%d", h, i)) }

	var (
		done  atomic.Bool
		reads atomic.Int64
		wg    sync.WaitGroup
		errMu sync.Mutex
		fail  error
	)
	report := func(err error) {
		errMu.Lock()
		if fail == nil {
			fail = err
		}
		errMu.Unlock()
		done.Store(true)
	}
	check := func(v *View, n int) error {
		h := v.Version()
		height, err := v.Get([]byte("height"))
		if err != nil {
			return err
		}
		if h == 0 {
			if height != nil {
				return fmt.Errorf("version 0 has height %q", height)
			}
			return nil
		}
		if string(height) != strconv.FormatInt(h, 10) {
			return fmt.Errorf("version %d: height %q", h, height)
		}
		i := n % perBlock
		if got, err := v.Get(blkKey(h, i)); err != nil || !bytes.Equal(got, blkVal(h, i)) {
			return fmt.Errorf("version %d: %s = %q, %w", h, blkKey(h, i), got, err)
		}
		if got, err := v.Get(blkKey(h+1, 0)); err != nil || got != nil {
			return fmt.Errorf("version %d sees the future: %q, %w", h, got, err)
		}
		switch n % 3 {
		case 0:
			count := 0
			err := v.Iterate([]byte(fmt.Sprintf("blk/%04d/", h)), nil, func(k, val []byte) bool {
				count++
				return true
			})
			if err != nil || count != perBlock {
				return fmt.Errorf("version %d: iterated %d keys, %w", h, count, err)
			}
		case 1:
			p, err := v.Prove(blkKey(h, i))
			if err != nil {
				return err
			}
			if got, err := VerifyProof(v.Root(), p); err != nil || !bytes.Equal(got, blkVal(h, i)) {
				return fmt.Errorf("version %d: proof %q, %w", h, got, err)
			}
		case 2:
			if got, err := s.GetLocal([]byte(fmt.Sprintf("tx/%d", h))); err != nil || string(got) != strconv.FormatInt(h, 10) {
				return fmt.Errorf("local tx/%d = %q, %v", h, got, err)
			}
		}
		return nil
	}

	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for n := r; !done.Load(); n++ {
				latest := s.Version()
				version := int64(0) // latest (shared, cached View)
				if n%2 == 1 && latest > 0 {
					version = 1 + int64(n)%latest
				}
				v, err := s.At(version)
				if err != nil {
					if version != 0 && dropOK(err) {
						continue
					}
					report(err)
					return
				}
				if (version == 0 && v.Version() < latest) || (version != 0 && v.Version() != version) {
					report(fmt.Errorf("At(%d) gave version %d, latest was %d", version, v.Version(), latest))
					return
				}
				if err := check(v, n); err != nil && !dropOK(err) {
					report(err)
					return
				}
				reads.Add(1)
			}
		}(r)
	}

	retried := map[int64]bool{}
	for h := int64(1); h <= blocks && !done.Load(); h++ {
		for i := 0; i < perBlock; i++ {
			if err := s.Set(blkKey(h, i), blkVal(h, i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Set([]byte("height"), []byte(strconv.FormatInt(h, 10))); err != nil {
			t.Fatal(err)
		}
		s.SetLocal([]byte(fmt.Sprintf("tx/%d", h)), []byte(strconv.FormatInt(h, 10)))
		_ = s.WorkingRoot()
		if h%7 == 0 && !retried[h] {
			// Every 7th block is executed twice: the first attempt is
			// discarded (e.g. a failed proposal), the second committed.
			retried[h] = true
			s.Discard()
			h--
			continue
		}
		if _, err := s.Commit(h); err != nil {
			t.Fatal(err)
		}
		// Let the readers make progress on this version before the next
		// block (progress, not time: no sleeping).
		for target := reads.Load() + readers; reads.Load() < target && !done.Load(); {
			runtime.Gosched()
		}
	}
	done.Store(true)
	wg.Wait()
	if fail != nil {
		t.Fatal(fail)
	}
	if reads.Load() == 0 {
		t.Fatalf("readers did no work")
	}
	if s.Version() != blocks {
		t.Fatalf("version %d", s.Version())
	}
	if opts.CheckpointInterval > 1 && dropped.Load() == 0 {
		t.Errorf("no read of a dropped version in %d reads of random versions", reads.Load())
	}
	t.Logf("%d concurrent view reads over %d blocks (%d of dropped versions)", reads.Load(), blocks, dropped.Load())
}
