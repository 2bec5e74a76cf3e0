package traceplug

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/trace"
)

// The sensor chart of a scan page: one series of readings along the
// item's journey (a cold chain's temperatures), drawn as SVG on the server
// (the pages run no script), with the product's storage bounds as dashed
// lines and every reading outside them marked red. Interval reports (a
// minimum and maximum over a period) are drawn as bars.

// units are the symbols of the UN/CEFACT units readings usually come in.
var units = map[string]string{"CEL": "°C", "FAH": "°F", "KEL": "K", "P1": "%", "A93": "g/m³", "KGM": "kg", "KMH": "km/h", "LUX": "lx"}

func unitSymbol(uom string) string {
	if s, ok := units[uom]; ok {
		return s
	}
	return uom
}

// measurementNames name the common measurement types in Chinese.
var measurementNames = map[string]string{"Temperature": "温度", "RelativeHumidity": "相对湿度", "AbsoluteHumidity": "绝对湿度",
	"Illuminance": "照度", "Speed": "速度", "Mass": "质量", "Pressure": "压力"}

// measurementWord names a measurement type inside a sentence: in
// English the type's words in lower case ("a relative humidity reading"),
// in Chinese its name.
func measurementWord(typ, lang string) string {
	if strings.HasPrefix(lang, "zh") {
		return measurementName(typ, lang)
	}
	var b strings.Builder
	for i, r := range typ {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte(' ')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func measurementName(typ, lang string) string {
	if strings.HasPrefix(lang, "zh") {
		if n, ok := measurementNames[typ]; ok {
			return n
		}
	}
	return typ
}

const (
	chartW, chartH             = 640, 240
	padL, padR, padT, padB     = 56, 16, 28, 40
	plotW, plotH               = chartW - padL - padR, chartH - padT - padB
	breachColour, normalColour = "#b3261e", "#14304f"
)

type point struct {
	t, end    time.Time
	v, lo, hi float64
	interval  bool
	breach    bool
	label     string
}

// chartSVG draws a series (nil when it has no numeric reading).
func chartSVG(s trace.Series, lang pages.Lang) template.HTML {
	var pts []point
	for _, r := range s.Readings {
		t, err := time.Parse(time.RFC3339Nano, r.Time)
		if err != nil {
			continue
		}
		p := point{t: t, breach: r.Breach}
		if r.End != "" {
			if e, err := time.Parse(time.RFC3339Nano, r.End); err == nil {
				p.end = e
			}
		}
		switch {
		case r.Value != "":
			v, err := strconv.ParseFloat(r.Value, 64)
			if err != nil {
				continue
			}
			p.v, p.lo, p.hi = v, v, v
			p.label = r.Value
		case r.Min != "" || r.Max != "":
			lo, err1 := strconv.ParseFloat(cmpOr(r.Min, r.Max), 64)
			hi, err2 := strconv.ParseFloat(cmpOr(r.Max, r.Min), 64)
			if err1 != nil || err2 != nil {
				continue
			}
			p.lo, p.hi, p.v, p.interval = lo, hi, (lo+hi)/2, true
			p.label = cmpOr(r.Min, "?") + "–" + cmpOr(r.Max, "?")
		default:
			continue
		}
		pts = append(pts, p)
	}
	if len(pts) == 0 {
		return ""
	}
	// Scales: the readings and the bounds, padded.
	t0, t1 := pts[0].t, pts[0].t
	lo, hi := pts[0].lo, pts[0].hi
	for _, p := range pts {
		if p.t.Before(t0) {
			t0 = p.t
		}
		end := p.t
		if !p.end.IsZero() {
			end = p.end
		}
		if end.After(t1) {
			t1 = end
		}
		lo, hi = math.Min(lo, p.lo), math.Max(hi, p.hi)
	}
	var bmin, bmax *float64
	if b := s.Bounds; b != nil {
		if v, err := strconv.ParseFloat(string(b.Min), 64); err == nil && b.Min != "" {
			bmin = &v
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if v, err := strconv.ParseFloat(string(b.Max), 64); err == nil && b.Max != "" {
			bmax = &v
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	lo, hi = lo-span*0.1, hi+span*0.1
	dt := t1.Sub(t0)
	if dt <= 0 {
		dt = time.Minute
		t0 = t0.Add(-dt / 2)
	}
	x := func(t time.Time) float64 { return padL + float64(t.Sub(t0))/float64(dt)*plotW }
	y := func(v float64) float64 { return padT + (hi-v)/(hi-lo)*plotH }
	var b strings.Builder
	title := measurementName(s.Type, string(lang))
	if u := unitSymbol(s.UOM); u != "" {
		title += " (" + u + ")"
	}
	fmt.Fprintf(&b, `<svg class="chart sensor" viewBox="0 0 %d %d" role="img" aria-label="%s" data-breaches="%d">`, chartW, chartH, html.EscapeString(title), s.Breaches)
	fmt.Fprintf(&b, `<text x="%d" y="16" font-size="13" fill="#1d2733">%s</text>`, padL, html.EscapeString(title))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#fafbfc" stroke="#d9e0e7"/>`, padL, padT, plotW, plotH)
	// The y axis: five ticks.
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#5b6b7b">%s</text>`, padL-6, y(v)+4, strconv.FormatFloat(v, 'f', 1, 64))
	}
	// The x axis: the first and last times.
	cst := pages.ChinaTime
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#5b6b7b">%s</text>`, padL, chartH-12, t0.In(cst).Format("01-02 15:04"))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#5b6b7b">%s</text>`, chartW-padR, chartH-12, t1.In(cst).Format("01-02 15:04"))
	// The storage bounds.
	for _, bound := range []*float64{bmin, bmax} {
		if bound != nil {
			fmt.Fprintf(&b, `<line class="bound" x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#1b7f3b" stroke-dasharray="6 4"/>`, padL, padL+plotW, y(*bound), y(*bound))
		}
	}
	// The readings: a line through the points, bars for intervals.
	var line []string
	for _, p := range pts {
		if !p.interval {
			line = append(line, fmt.Sprintf("%.1f,%.1f", x(p.t), y(p.v)))
		}
	}
	if len(line) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`, strings.Join(line, " "), normalColour)
	}
	for _, p := range pts {
		colour, class := normalColour, "reading"
		if p.breach {
			colour, class = breachColour, "reading breach"
		}
		tip := html.EscapeString(p.t.In(cst).Format("2006-01-02 15:04") + " " + p.label + " " + unitSymbol(s.UOM))
		if p.interval {
			x1, x2 := x(p.t), x(p.t)+2
			if !p.end.IsZero() {
				x2 = math.Max(x(p.end), x1+2)
			}
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.5"><title>%s</title></rect>`,
				class, x1, y(p.hi), x2-x1, math.Max(y(p.lo)-y(p.hi), 2), colour, tip)
			continue
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="%d" fill="%s"><title>%s</title></circle>`, class, x(p.t), y(p.v), map[bool]int{true: 5, false: 3}[p.breach], colour, tip)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
