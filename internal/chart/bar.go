package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is a bar chart: a bar per category, the series stacked on it.
type Bar struct{ Axes }

var _ Chart = (*Bar)(nil)

// SVG draws the bars.
func (c *Bar) SVG() template.HTML {
	var b strings.Builder
	open(&b, c.Text)
	var peak int64
	for i := range c.Categories {
		var sum int64
		for s := range c.Series {
			sum += c.value(s, i)
		}
		peak = max(peak, sum)
	}
	ticks := Ticks(peak, 5)
	tmax := ticks[len(ticks)-1]
	c.frame(&b, ticks)
	f := format(c.Format)
	band := c.band()
	w := band * 0.6
	b.WriteString(`<g class="bars">`)
	for i, cat := range c.Categories {
		x := float64(left) + band*float64(i) + (band-w)/2
		var base int64
		for s := range c.Series {
			v := c.value(s, i)
			if v == 0 {
				continue
			}
			y0, y1 := scale(base, tmax), scale(base+v, tmax)
			base += v
			label := cat + ": " + f(v)
			if len(c.Series) > 1 {
				label = cat + " · " + c.Series[s].Name + ": " + f(v)
			}
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				num(x), num(y1), num(w), num(y0-y1), colour(s), esc(label))
		}
		if base > 0 && len(c.Categories) <= 8 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#1d2733">%s</text>`, num(x+w/2), num(scale(base, tmax)-4), esc(f(base)))
		}
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// Table lists the values.
func (c *Bar) Table() Table { return c.table() }
