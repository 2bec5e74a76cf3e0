package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Line is a line chart over categories in order (days, weeks); with Area
// the space under the first series is filled.
type Line struct {
	Axes
	Area bool
}

var _ Chart = (*Line)(nil)

// SVG draws the lines.
func (c *Line) SVG() template.HTML {
	var b strings.Builder
	open(&b, c.Text)
	var peak int64
	for s := range c.Series {
		for i := range c.Categories {
			peak = max(peak, c.value(s, i))
		}
	}
	ticks := Ticks(peak, 5)
	tmax := ticks[len(ticks)-1]
	c.frame(&b, ticks)
	f := format(c.Format)
	band := c.band()
	x := func(i int) string { return num(float64(left) + band*(float64(i)+0.5)) }
	for s, ser := range c.Series {
		if len(c.Categories) == 0 {
			break
		}
		var pts []string
		for i := range c.Categories {
			pts = append(pts, x(i)+","+num(scale(c.value(s, i), tmax)))
		}
		if c.Area && s == 0 {
			fmt.Fprintf(&b, `<path class="area" d="M%s,%d L%s L%s,%d Z" fill="%s" fill-opacity="0.18"/>`,
				x(0), bottom, strings.Join(pts, " L"), x(len(c.Categories)-1), bottom, colour(s))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colour(s))
		fmt.Fprintf(&b, `<g class="points" fill="%s">`, colour(s))
		for i, cat := range c.Categories {
			label := cat + ": " + f(c.value(s, i))
			if len(c.Series) > 1 {
				label = cat + " · " + ser.Name + ": " + f(c.value(s, i))
			}
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3"><title>%s</title></circle>`, x(i), num(scale(c.value(s, i), tmax)), esc(label))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Table lists the values.
func (c *Line) Table() Table { return c.table() }
