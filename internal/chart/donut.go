package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Donut shows how a whole splits into parts, with the total in its middle
// and a key beside it.
type Donut struct {
	Text
	Slices []Slice
	// TotalLabel names the number in the middle ("items").
	TotalLabel string
	// Head names the table's columns: the parts and their values.
	Head   [2]string
	Format Format
}

var _ Chart = (*Donut)(nil)

// The donut's ring.
const (
	ringX = 96
	ringY = height / 2
	ringR = 68
	ringW = 26
)

// SVG draws the ring.
func (c *Donut) SVG() template.HTML {
	var b strings.Builder
	open(&b, c.Text)
	f := format(c.Format)
	var total int64
	for _, s := range c.Slices {
		total += max(s.Value, 0)
	}
	circ := 2 * math.Pi * ringR
	fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="none" stroke="#eef1f4" stroke-width="%d"/>`, ringX, ringY, ringR, ringW)
	if total > 0 {
		// Slices run clockwise from twelve o'clock.
		fmt.Fprintf(&b, `<g class="slices" transform="rotate(-90 %d %d)" fill="none" stroke-width="%d">`, ringX, ringY, ringW)
		var done int64
		for i, s := range c.Slices {
			v := max(s.Value, 0)
			if v == 0 {
				continue
			}
			l := circ * float64(v) / float64(total)
			off := circ * float64(done) / float64(total)
			done += v
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" stroke="%s" stroke-dasharray="%s %s" stroke-dashoffset="%s"><title>%s</title></circle>`,
				ringX, ringY, ringR, colour(i), num(l), num(circ-l), num(-off), esc(s.Label+": "+f(v)+" ("+percent(v, total)+")"))
		}
		b.WriteString(`</g>`)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="24" fill="#1d2733">%s</text>`, ringX, ringY+6, esc(f(total)))
	if c.TotalLabel != "" {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#5b6b7b">%s</text>`, ringX, ringY+24, esc(c.TotalLabel))
	}
	b.WriteString(`<g class="legend" fill="#1d2733">`)
	y := ringY - 12*len(c.Slices) + 10
	for i, s := range c.Slices {
		fmt.Fprintf(&b, `<rect x="186" y="%d" width="12" height="12" fill="%s"/><text x="204" y="%d">%s: %s (%s)</text>`,
			y-10, colour(i), y, esc(clip(s.Label, 14)), esc(f(max(s.Value, 0))), percent(max(s.Value, 0), total))
		y += 24
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// percent is part of whole in %, to one decimal, without floats.
func percent(part, whole int64) string {
	if whole <= 0 {
		return "0%"
	}
	for part > math.MaxInt64/1000 || whole > math.MaxInt64/1000 {
		part, whole = part/1000, whole/1000
	}
	if whole == 0 {
		return "0%"
	}
	tenths := (part*1000 + whole/2) / whole
	if tenths%10 == 0 {
		return fmt.Sprintf("%d%%", tenths/10)
	}
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// Table lists the parts with their shares.
func (c *Donut) Table() Table {
	f := format(c.Format)
	var total int64
	for _, s := range c.Slices {
		total += max(s.Value, 0)
	}
	t := Table{Caption: c.Title, Head: []string{c.Head[0], c.Head[1], "%"}}
	for _, s := range c.Slices {
		t.Rows = append(t.Rows, []string{s.Label, f(s.Value), percent(max(s.Value, 0), total)})
	}
	return t
}
