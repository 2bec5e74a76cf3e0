package chart

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The plot area inside the drawing.
const (
	left   = 60
	right  = width - 8
	top    = 30
	bottom = height - 48
)

// Axes are what bars and lines share: categories along x, values up y.
type Axes struct {
	Text
	// XLabel and YLabel name the axes ("day", "transactions").
	XLabel string
	YLabel string
	// Categories are the x positions' names, in order.
	Categories []string
	// Series are the values; each has a value per category (missing
	// values count as 0; values below 0 are drawn as 0).
	Series []Series
	// Format spells values (Int when nil).
	Format Format
	// Tick spells the axis's ticks, where Format would be too long
	// (Format when nil).
	Tick Format
}

func (a *Axes) value(s, c int) int64 {
	if s >= len(a.Series) || c >= len(a.Series[s].Values) {
		return 0
	}
	return max(a.Series[s].Values[c], 0)
}

// scale maps a value to a y coordinate for ticks ending at top.
func scale(v, top int64) float64 {
	if top <= 0 {
		return bottom
	}
	return bottom - float64(v)*float64(bottom-topY)/float64(top)
}

const topY = top

// band is the width of one category.
func (a *Axes) band() float64 {
	n := max(len(a.Categories), 1)
	return float64(right-left) / float64(n)
}

// frame draws the grid, the ticks, the category labels, the axis labels
// and the legend.
func (a *Axes) frame(b *strings.Builder, ticks []int64) {
	f := format(a.Format)
	if a.Tick != nil {
		f = a.Tick
	}
	tmax := ticks[len(ticks)-1]
	b.WriteString(`<g class="grid" stroke="#d9e0e7" stroke-width="1">`)
	for _, t := range ticks {
		y := num(scale(t, tmax))
		fmt.Fprintf(b, `<line x1="%d" y1="%s" x2="%d" y2="%s"/>`, left, y, right, y)
	}
	b.WriteString(`</g><g class="ticks" fill="#5b6b7b" text-anchor="end">`)
	for _, t := range ticks {
		fmt.Fprintf(b, `<text x="%d" y="%s">%s</text>`, left-6, num(scale(t, tmax)+4), esc(f(t)))
	}
	b.WriteString(`</g><g class="categories" fill="#5b6b7b" text-anchor="middle">`)
	every := (len(a.Categories) + 7) / 8
	for i, c := range a.Categories {
		if i%max(every, 1) != 0 {
			continue
		}
		x := float64(left) + a.band()*(float64(i)+0.5)
		// Categories are data (a project's title, a city): marked so that
		// translators and the language checks leave them alone.
		fmt.Fprintf(b, `<text x="%s" y="%d" translate="no">%s</text>`, num(x), bottom+16, esc(clip(c, max(int(a.band()*float64(max(every, 1))/8), 4))))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#5b6b7b"/>`, left, bottom, right, bottom)
	if a.XLabel != "" {
		fmt.Fprintf(b, `<text class="xlabel" x="%d" y="%d" text-anchor="middle" fill="#1d2733">%s</text>`, (left+right)/2, height-8, esc(a.XLabel))
	}
	if a.YLabel != "" {
		fmt.Fprintf(b, `<text class="ylabel" transform="translate(14 %d) rotate(-90)" text-anchor="middle" fill="#1d2733">%s</text>`, (top+bottom)/2, esc(a.YLabel))
	}
	if len(a.Series) > 1 {
		names := make([]string, len(a.Series))
		for i, s := range a.Series {
			names[i] = s.Name
		}
		legend(b, names, left, 14)
	}
}

// legend draws a row of colour keys from x at y.
func legend(b *strings.Builder, names []string, x, y int) {
	b.WriteString(`<g class="legend" fill="#1d2733">`)
	for i, n := range names {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`, x, y-9, colour(i), x+14, y, esc(n))
		x += 14 + textWidth(n) + 16
	}
	b.WriteString(`</g>`)
}

// textWidth estimates the width of s at 12 units: wide for CJK, narrow
// for the rest.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x2e80 {
			w += 13
		} else {
			w += 8
		}
	}
	return w
}

// clip shortens s to n runes with an ellipsis (the table has it whole).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// table lists every category with each series' value.
func (a *Axes) table() Table {
	f := format(a.Format)
	t := Table{Caption: a.Title, Head: []string{a.XLabel}}
	for _, s := range a.Series {
		t.Head = append(t.Head, s.Name)
	}
	for c, name := range a.Categories {
		row := []string{name}
		for s := range a.Series {
			v := int64(0)
			if c < len(a.Series[s].Values) {
				v = a.Series[s].Values[c]
			}
			row = append(row, f(v))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
