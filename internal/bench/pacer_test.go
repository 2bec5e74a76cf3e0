package bench

import (
	"context"
	"testing"
	"time"
)

func TestPacerDue(t *testing.T) {
	p := pacer{rate: 1000, n: 100}
	for _, c := range []struct {
		elapsed time.Duration
		want    int
	}{
		{-time.Millisecond, 0},
		{0, 1},
		{999 * time.Microsecond, 1},
		{time.Millisecond, 2},
		{10*time.Millisecond + 1, 11},
		{99 * time.Millisecond, 100},
		{time.Hour, 100},
	} {
		if got := p.due(c.elapsed); got != c.want {
			t.Errorf("due(%s) = %d, want %d", c.elapsed, got, c.want)
		}
	}
	// A rate that does not divide a second: item i is due at i/rate.
	p = pacer{rate: 3, n: 10}
	for i := range 10 {
		at := p.at(i)
		if p.due(at) != i+1 || (at > 0 && p.due(at-1) != i) {
			t.Fatalf("rate 3: item %d due at %s, but due(at) = %d, due(at-1ns) = %d", i, at, p.due(at), p.due(at-1))
		}
	}
}

// fakeClock advances only when the pacer sleeps, by the time asked plus
// an optional stall.
type fakeClock struct {
	now    time.Time
	sleeps int
	stall  func(n int) time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(_ context.Context, d time.Duration) {
	c.sleeps++
	if c.stall != nil {
		d += c.stall(c.sleeps)
	}
	c.now = c.now.Add(max(d, 0))
}

func TestPacerReleasesOnSchedule(t *testing.T) {
	start := time.Unix(1000, 0)
	c := &fakeClock{now: start}
	p := pacer{rate: 500, n: 50}
	var got []int
	released, lag := p.run(context.Background(), start, c, func(i int, due time.Time) {
		if want := start.Add(time.Duration(i) * 2 * time.Millisecond); !due.Equal(want) {
			t.Errorf("item %d due at %s, want %s", i, due.Sub(start), want.Sub(start))
		}
		if c.now.Before(due) {
			t.Errorf("item %d released at %s, before it was due (%s)", i, c.now.Sub(start), due.Sub(start))
		}
		got = append(got, i)
	})
	if released != 50 || len(got) != 50 || lag != 0 {
		t.Fatalf("released %d (%d calls), lag %s; want 50, 0", released, len(got), lag)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("release order %v", got)
		}
	}
}

// TestPacerIsOpenLoop: after a stall the pacer releases everything that
// fell due at once, without waiting for anything, and reports the lag.
func TestPacerIsOpenLoop(t *testing.T) {
	start := time.Unix(1000, 0)
	c := &fakeClock{now: start, stall: func(n int) time.Duration {
		if n == 3 {
			return 50 * time.Millisecond
		}
		return 0
	}}
	p := pacer{rate: 1000, n: 200}
	var batches []int // items released per wake-up
	last := -1
	wake := time.Time{}
	released, lag := p.run(context.Background(), start, c, func(i int, due time.Time) {
		if i != last+1 {
			t.Fatalf("item %d after %d", i, last)
		}
		last = i
		if !c.now.Equal(wake) || len(batches) == 0 {
			batches = append(batches, 0)
			wake = c.now
		}
		batches[len(batches)-1]++
	})
	if released != 200 {
		t.Fatalf("released %d, want 200", released)
	}
	if lag < 50*time.Millisecond || lag > 51*time.Millisecond {
		t.Errorf("lag %s, want about 50ms", lag)
	}
	big := 0
	for _, b := range batches {
		big = max(big, b)
	}
	if big < 50 {
		t.Errorf("largest release burst %d, want the ~50 items that fell due during the stall at once (bursts %v)", big, batches)
	}
}

func TestPacerStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Unix(1000, 0)
	c := &fakeClock{now: start}
	p := pacer{rate: 100, n: 1000}
	released, _ := p.run(ctx, start, c, func(i int, _ time.Time) {
		if i == 9 {
			cancel()
		}
	})
	if released != 10 {
		t.Fatalf("released %d after cancel at item 9, want 10", released)
	}
}

func TestPacerRealClock(t *testing.T) {
	// Only that it terminates and releases everything in order; no timing.
	p := pacer{rate: 20000, n: 100}
	next := 0
	released, _ := p.run(context.Background(), time.Now(), realClock{}, func(i int, _ time.Time) {
		if i != next {
			t.Fatalf("item %d, want %d", i, next)
		}
		next++
	})
	if released != 100 {
		t.Fatalf("released %d", released)
	}
}
