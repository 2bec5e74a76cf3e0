// Package pdm is the predictive-maintenance model an equipment owner's
// node runs over its devices' telemetry: small, explained, and in integer
// arithmetic so that anyone re-running it over the same windows gets the
// same alerts.
//
// A device sends windows of readings, one line a second: the time, the
// bearing's vibration velocity (RMS, µm/s) and its temperature (m°C).
// Each window is summed up as the mean of each metric. For each metric the model keeps an exponentially weighted
// moving average and variance (EWMA, alpha = 1/16, about the last 16
// windows) as the machine's normal; a window is scored by its z-score
// against that normal, before the window joins it:
//
//	z = (value - mean) / max(sd, floor)
//
// The floor (50 µm/s, 0.5 °C) is the sensors' resolution: a machine so
// steady that its windows barely differ is not alarming for a change it
// cannot measure.
// After a warm-up of 8 windows, |z| >= 4 is a warning and |z| >= 6
// critical; a window so far from normal does not join the baseline, so
// that a developing fault does not become the new normal. Independently
// of the baseline, absolute limits apply: vibration above 4.5 mm/s, the
// boundary of zone D of ISO 10816-3 for medium machines on rigid
// foundations ("damage may occur"), and a bearing above 90 °C are
// critical. Every finding carries the value, the baseline's mean and
// standard deviation, the score and the threshold, which is what the
// alert anchored on chain shows.
package pdm

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Name describes the model and its parameters, as alerts record it.
const Name = "ewma-z/1 alpha=1/16 warmup=8 warn|z|>=4 crit|z|>=6 sd>=50um/s,500mC limits vib>4500um/s temp>90000mC"

// Parameters of the model.
const (
	Warmup        = 8
	WarnZCenti    = 400
	CritZCenti    = 600
	VibLimit      = 4500   // µm/s: ISO 10816-3 zone C/D boundary, group 2, rigid
	TempLimit     = 90_000 // m°C
	VibFloor      = 50     // µm/s: the least standard deviation a score divides by
	TempFloor     = 500    // m°C
	alphaShift    = 4      // alpha = 1/16
	MaxReadings   = 3600
	maxVibration  = 1_000_000 // 1 m/s: no bearing survives it
	maxTempMilliC = 1_000_000
	// MaxDigests is how many windows' digests a model keeps, the
	// baseline's memory, which an alert anchors.
	MaxDigests = 16
)

// Reading is one line of a window.
type Reading struct {
	Time        time.Time
	Vibration   int64 // µm/s RMS
	Temperature int64 // m°C
}

// ParseReadings reads a window: lines "time,vibration,temperature", time
// in RFC 3339, not going backwards, the values integers within physical
// bounds (vibration 0 to 1 m/s, temperature -273.15 °C to 1000 °C); at
// least one line and at most MaxReadings.
func ParseReadings(s string) ([]Reading, error) {
	var out []Reading
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 256), 256)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" {
			continue
		}
		if len(out) == MaxReadings {
			return nil, fmt.Errorf("a window has at most %d readings", MaxReadings)
		}
		parts := strings.Split(line, ",")
		if len(parts) != 3 {
			return nil, fmt.Errorf("line %d: want time,vibration,temperature", n)
		}
		t, err := time.Parse(time.RFC3339, parts[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: time %q is not RFC 3339", n, parts[0])
		}
		v, err1 := strconv.ParseInt(parts[1], 10, 64)
		c, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil || v < 0 || v > maxVibration || c < -273_150 || c > maxTempMilliC {
			return nil, fmt.Errorf("line %d: vibration (µm/s, 0 to %d) and temperature (m°C, -273150 to %d) must be integers in range", n, maxVibration, maxTempMilliC)
		}
		if len(out) > 0 && t.Before(out[len(out)-1].Time) {
			return nil, fmt.Errorf("line %d: time goes backwards", n)
		}
		out = append(out, Reading{Time: t, Vibration: v, Temperature: c})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", n+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("a window has at least one reading")
	}
	return out, nil
}

// FormatReadings writes readings as ParseReadings reads them.
func FormatReadings(rs []Reading) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s,%d,%d\n", r.Time.Format(time.RFC3339), r.Vibration, r.Temperature)
	}
	return b.String()
}

// Window is a window summed up.
type Window struct {
	Start, End  time.Time
	Vibration   int64 // mean, µm/s
	Temperature int64 // mean, m°C
}

// Summarize sums up a window's readings.
func Summarize(rs []Reading) Window {
	w := Window{Start: rs[0].Time, End: rs[len(rs)-1].Time}
	var vib, temp int64
	for _, r := range rs {
		vib += r.Vibration
		temp += r.Temperature
	}
	w.Vibration = divRound(vib, int64(len(rs)))
	w.Temperature = divRound(temp, int64(len(rs)))
	return w
}

// Baseline is one metric's normal: its EWMA mean and variance over the
// windows that joined it.
type Baseline struct {
	N    int64 `json:"n"`
	Mean int64 `json:"mean"`
	Var  int64 `json:"var"`
}

// SD is the baseline's standard deviation.
func (b Baseline) SD() int64 { return isqrt(b.Var) }

// update joins x to the baseline: mean += (x - mean)/16, var = 15/16
// (var + (x - mean)²/16).
func (b *Baseline) update(x int64) {
	if b.N == 0 {
		b.N, b.Mean, b.Var = 1, x, 0
		return
	}
	d := x - b.Mean
	b.Mean += divRound(d, 1<<alphaShift)
	b.Var = divRound(15*(b.Var+divRound(d*d, 1<<alphaShift)), 1<<alphaShift)
	b.N++
}

// Finding is what the model found in a window.
type Finding struct {
	Metric    string `json:"metric"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Value     int64  `json:"value"`
	Mean      int64  `json:"mean"`
	SD        int64  `json:"sd"`
	ZCenti    int64  `json:"z_centi"`
	Threshold int64  `json:"threshold"`
}

// Model is one device's model.
type Model struct {
	Vibration   Baseline `json:"vibration"`
	Temperature Baseline `json:"temperature"`
	Windows     int64    `json:"windows"`
	// Digests are the content digests of the last windows, the newest
	// last: what the baseline rests on.
	Digests []string `json:"digests"`
}

// Observe scores a window whose content digest is digest, then lets it
// join the baselines unless it is far from them. It returns the
// findings, each metric's most severe.
func (m *Model) Observe(w Window, digest string) []Finding {
	m.Digests = append(m.Digests, digest)
	if len(m.Digests) > MaxDigests {
		m.Digests = m.Digests[len(m.Digests)-MaxDigests:]
	}
	m.Windows++
	var out []Finding
	for _, mt := range []struct {
		name         string
		b            *Baseline
		x            int64
		limit, floor int64
	}{{"vibration", &m.Vibration, w.Vibration, VibLimit, VibFloor}, {"temperature", &m.Temperature, w.Temperature, TempLimit, TempFloor}} {
		f := Finding{Metric: mt.name, Value: mt.x, Mean: mt.b.Mean, SD: mt.b.SD()}
		far := false
		if mt.b.N >= Warmup {
			f.ZCenti = divRound(100*(mt.x-mt.b.Mean), max(f.SD, mt.floor))
			az := abs(f.ZCenti)
			switch {
			case az >= CritZCenti:
				f.Rule, f.Severity, f.Threshold, far = "zscore", "critical", CritZCenti, true
			case az >= WarnZCenti:
				f.Rule, f.Severity, f.Threshold, far = "zscore", "warning", WarnZCenti, true
			}
		}
		if mt.x > mt.limit {
			f.Rule, f.Severity, f.Threshold = "limit", "critical", mt.limit
		}
		if f.Rule != "" {
			out = append(out, f)
		}
		if !far {
			mt.b.update(mt.x)
		}
	}
	return out
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// divRound divides rounding half away from zero.
func divRound(a, b int64) int64 {
	if b < 0 {
		a, b = -a, -b
	}
	if a >= 0 {
		return (a + b/2) / b
	}
	return -((-a + b/2) / b)
}

// isqrt is the integer square root (floor) of a non-negative x.
func isqrt(x int64) int64 {
	if x <= 0 {
		return 0
	}
	r := int64(1) << ((bitLen(uint64(x)) + 1) / 2)
	for {
		n := (r + x/r) / 2
		if n >= r {
			return r
		}
		r = n
	}
}

func bitLen(x uint64) int {
	n := 0
	for x != 0 {
		x >>= 1
		n++
	}
	return n
}
