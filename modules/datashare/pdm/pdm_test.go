package pdm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestIsqrt(t *testing.T) {
	for _, x := range []int64{0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 1 << 40, 1<<62 - 1} {
		r := isqrt(x)
		if r*r > x || (r+1)*(r+1) <= x {
			t.Errorf("isqrt(%d) = %d", x, r)
		}
	}
}

func TestDivRound(t *testing.T) {
	for _, c := range []struct{ a, b, want int64 }{{7, 2, 4}, {-7, 2, -4}, {5, 3, 2}, {-5, 3, -2}, {1, 16, 0}, {8, 16, 1}, {-8, 16, -1}} {
		if got := divRound(c.a, c.b); got != c.want {
			t.Errorf("divRound(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestBaselineTracksFloat checks the integer EWMA against the same
// recurrence in floating point, over noisy data.
func TestBaselineTracksFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b Baseline
	var mean, variance float64
	for i := range 400 {
		x := int64(2000 + r.NormFloat64()*120)
		if i == 0 {
			mean = float64(x)
		} else {
			d := float64(x) - mean
			mean += d / 16
			variance = 15.0 / 16 * (variance + d*d/16)
		}
		b.update(x)
	}
	if math.Abs(float64(b.Mean)-mean) > 3 || math.Abs(float64(b.SD())-math.Sqrt(variance)) > 5 {
		t.Fatalf("integer baseline mean %d sd %d, float %.1f %.1f", b.Mean, b.SD(), mean, math.Sqrt(variance))
	}
	if b.SD() < 60 || b.SD() > 200 {
		t.Fatalf("sd %d of noise with sd 120", b.SD())
	}
}

// TestBearingFault runs a pump's healthy windows, then a bearing that
// starts to fail: nothing is raised during the warm-up or on healthy
// windows; the fault raises a warning then critical findings; the
// baseline does not learn the fault.
func TestBearingFault(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var m Model
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	window := func(i int, vib, temp float64) Window {
		var rs []Reading
		for s := range 60 {
			rs = append(rs, Reading{Time: t0.Add(time.Duration(i*60+s) * time.Second), Vibration: int64(vib + r.NormFloat64()*vib*0.05), Temperature: int64(temp + r.NormFloat64()*300)})
		}
		return Summarize(rs)
	}
	for i := range 40 {
		if f := m.Observe(window(i, 2100, 61_000), fmt.Sprintf("%064x", i)); len(f) != 0 {
			t.Fatalf("healthy window %d: %+v", i, f)
		}
	}
	base := m.Vibration
	var sev []string
	for i, v := range []float64{2200, 2900, 3600, 4800} {
		for _, f := range m.Observe(window(40+i, v, 62_000), fmt.Sprintf("%064x", 40+i)) {
			if f.Metric == "vibration" {
				sev = append(sev, f.Severity+"/"+f.Rule)
			}
		}
	}
	if len(sev) < 3 || sev[len(sev)-1] != "critical/limit" {
		t.Fatalf("findings on the fault: %v", sev)
	}
	if m.Vibration.Mean > base.Mean+200 {
		t.Fatalf("the baseline learnt the fault: mean %d, was %d", m.Vibration.Mean, base.Mean)
	}
	if len(m.Digests) != MaxDigests || m.Digests[MaxDigests-1] != fmt.Sprintf("%064x", 43) {
		t.Fatalf("digests %v", m.Digests)
	}
}

func TestParseReadings(t *testing.T) {
	ok := "2026-03-01T08:00:00+08:00,4210,61300\n2026-03-01T08:00:01+08:00,4190,61310\n"
	rs, err := ParseReadings(ok)
	if err != nil || len(rs) != 2 || FormatReadings(rs) != ok {
		t.Fatalf("%v %v", rs, err)
	}
	for _, bad := range []string{"", "x,1,2", "2026-03-01T08:00:00+08:00,1", "2026-03-01T08:00:00+08:00,-1,2", "2026-03-01T08:00:01+08:00,1,2\n2026-03-01T08:00:00+08:00,1,2",
		"2026-03-01T08:00:00+08:00,1,2000000", "2026-03-01T08:00:00+08:00,1.5,2"} {
		if _, err := ParseReadings(bad); err == nil {
			t.Errorf("ParseReadings(%q) accepted", bad)
		}
	}
}

func FuzzParseReadings(f *testing.F) {
	f.Add("2026-03-01T08:00:00+08:00,4210,61300\n")
	f.Add("2026-03-01T08:00:00Z,0,-273150\n2026-03-01T08:00:00Z,1000000,1000000")
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseReadings(s)
		if err != nil {
			return
		}
		again, err := ParseReadings(FormatReadings(rs))
		if err != nil || len(again) != len(rs) {
			t.Fatalf("reformatted readings do not parse: %v", err)
		}
		w := Summarize(rs)
		var m Model
		for range Warmup + 1 {
			m.Observe(w, "d")
		}
	})
}
