package bench

import (
	"context"
	"math"
	"time"
)

// pacer releases n items open-loop at a fixed rate: item i is due at
// start + i/rate, whatever happened to the items released before it. It
// never waits for a completion; release must not block.
type pacer struct {
	rate float64 // items per second, > 0
	n    int
}

// at is when item i is due, relative to the start.
func (p pacer) at(i int) time.Duration {
	return time.Duration(float64(i) / p.rate * float64(time.Second))
}

// due is how many items are due once elapsed has passed since the start:
// item 0 at once, then one more every 1/rate, at most n.
func (p pacer) due(elapsed time.Duration) int {
	if elapsed < 0 {
		return 0
	}
	k := int(math.Floor(elapsed.Seconds()*p.rate)) + 1
	// Guard against rounding: item k is due only if at(k) has passed.
	for k > 0 && p.at(k-1) > elapsed {
		k--
	}
	for k < p.n && p.at(k) <= elapsed {
		k++
	}
	return min(k, p.n)
}

// clock is the time source of a pacer (a fake one in tests).
type clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends.
	Sleep(ctx context.Context, d time.Duration)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// run releases the n items in order, each once it is due, calling release
// with the item and the time it was due. When the caller falls behind (a
// stalled process, a slow release), every overdue item is released at once.
// It returns the number of items released (n unless ctx ended first) and
// the largest lateness of a release.
func (p pacer) run(ctx context.Context, start time.Time, c clock, release func(i int, due time.Time)) (int, time.Duration) {
	var lag time.Duration
	released := 0
	for released < p.n {
		if ctx.Err() != nil {
			break
		}
		now := c.Now()
		for d := p.due(now.Sub(start)); released < d; released++ {
			due := start.Add(p.at(released))
			lag = max(lag, now.Sub(due))
			release(released, due)
		}
		if released == p.n {
			break
		}
		c.Sleep(ctx, start.Add(p.at(released)).Sub(now))
	}
	return released, lag
}
