package bench

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {95, 95}, {99, 99}, {100, 100}, {0.1, 1}, {99.5, 100}} {
		if got := percentile(ds, c.p); got != c.want*time.Millisecond {
			t.Errorf("p%g of 1..100 ms = %s, want %s", c.p, got, c.want*time.Millisecond)
		}
	}
	ten := ds[:10]
	if got := percentile(ten, 95); got != 10*time.Millisecond {
		t.Errorf("p95 of 10 values = %s, want the 10th", got)
	}
	if got := percentile(ten, 50); got != 5*time.Millisecond {
		t.Errorf("p50 of 10 values = %s, want the 5th", got)
	}
	if got := percentile(ds[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one value = %s", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %s", got)
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 1000; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	rand.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	l := summarize(ds)
	want := Latency{Count: 1000, Mean: 500.5, P50: 500, P95: 950, P99: 990, Max: 1000}
	if l != want {
		t.Fatalf("summarize = %+v, want %+v", l, want)
	}
	if (summarize(nil) != Latency{}) {
		t.Fatal("summarize(nil) not zero")
	}
	if l := summarize([]time.Duration{1500 * time.Microsecond}); l.P50 != 1.5 || l.P99 != 1.5 || l.Mean != 1.5 {
		t.Fatalf("one value: %+v", l)
	}
}
