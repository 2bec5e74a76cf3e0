// Package chart draws the hall's charts as SVG on the server: bars
// (stacked when there are several series), lines with an optional area,
// and donuts. There is no script and no front-end build: a chart is a
// fragment of markup that the page embeds.
//
// Every chart is accessible and deterministic: the SVG has a <title> and a
// <desc>, axis labels and a <title> on every mark (shown on hover and read
// by screen readers), and Table gives the same numbers as a table for the
// page to put next to the picture. The same data always gives the same
// bytes (coordinates are rounded to a tenth of a unit, series keep their
// order), so charts can be checked against golden files.
//
// Values are int64 in the data's own unit (fen, items, transactions);
// Format spells them for people (yuan, thousands separators).
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Chart is a drawing with its numbers.
type Chart interface {
	// SVG is the drawing, an <svg> element.
	SVG() template.HTML
	// Table is the drawing's numbers, for screen readers and for people
	// who would rather read.
	Table() Table
}

// Table is a chart's numbers: a caption, a header row and rows of cells.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// Format spells a value for people.
type Format func(int64) string

// Int spells n with thousands separators: 12,345.
func Int(n int64) string {
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign, u = "-", uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Yuan spells an amount in fen as yuan with two decimals: 1,234.50.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%s.%02d", sign, Int(fen/100), fen%100)
}

// YuanShort spells an amount in fen as whole yuan, in 万 (ten thousand)
// or 亿 (hundred million) for large amounts in Chinese and k/M/B in
// English: the axis ticks of money charts.
func YuanShort(lang string) Format {
	return func(fen int64) string {
		y := fen / 100
		neg := y < 0
		if neg {
			y = -y
		}
		var s string
		switch {
		case lang != "en" && y >= 100_000_000 && y%1_000_000 == 0:
			s = trimZeros(y, 100_000_000) + "亿"
		case lang != "en" && y >= 10_000 && y%100 == 0:
			s = trimZeros(y, 10_000) + "万"
		case lang == "en" && y >= 1_000_000_000 && y%10_000_000 == 0:
			s = trimZeros(y, 1_000_000_000) + "B"
		case lang == "en" && y >= 1_000_000 && y%10_000 == 0:
			s = trimZeros(y, 1_000_000) + "M"
		case lang == "en" && y >= 1_000 && y%10 == 0:
			s = trimZeros(y, 1_000) + "k"
		default:
			s = Int(y)
		}
		if neg {
			s = "-" + s
		}
		return s
	}
}

// trimZeros writes n/unit with up to two decimals, without trailing zeros.
func trimZeros(n, unit int64) string {
	whole, frac := n/unit, (n%unit)*100/unit
	s := Int(whole)
	if frac != 0 {
		d := fmt.Sprintf("%02d", frac)
		s += "." + strings.TrimRight(d, "0")
	}
	return s
}

// Ticks returns the axis ticks for values from 0 to max: 0 and multiples
// of a step of 1, 2 or 5 times a power of ten, about n of them, the last
// at or above max.
func Ticks(max int64, n int) []int64 {
	if n < 1 {
		n = 1
	}
	if max <= 0 {
		return []int64{0, 1}
	}
	step := niceStep(max, n)
	out := []int64{0}
	for v := int64(0); v < max; {
		v += step
		out = append(out, v)
	}
	return out
}

// niceStep is the smallest 1, 2 or 5 × 10^k at least max/n.
func niceStep(max int64, n int) int64 {
	raw := (max + int64(n) - 1) / int64(n)
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*p >= raw {
				return m * p
			}
		}
		if p > math.MaxInt64/100 {
			return raw
		}
	}
}

// Palette are the series' colours, in order; they differ in lightness as
// well as hue, so that they stay apart in grey.
var Palette = []string{"#2f6f9f", "#e07b39", "#4c9a5b", "#b84a62", "#7d5ba6", "#8c7a3f", "#3f8c8c", "#9a9a9a"}

func colour(i int) string { return Palette[i%len(Palette)] }

// Series is a named row of values, one per category.
type Series struct {
	Name   string
	Values []int64
}

// Slice is a part of a donut.
type Slice struct {
	Label string
	Value int64
}

// Text is what every chart says of itself.
type Text struct {
	// ID makes the chart's element ids unique on its page.
	ID string
	// Title and Desc are the SVG's <title> and <desc>: what is shown,
	// and the point a sighted reader takes from it.
	Title string
	Desc  string
}

// The drawing's size in user units; the page scales it to its width.
const (
	width  = 440
	height = 240
)

// num spells a coordinate with at most one decimal.
func num(x float64) string {
	s := strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// open writes the svg element with its title and description.
func open(b *strings.Builder, t Text) {
	id := esc(t.ID)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" font-size="13" font-family="sans-serif">`, width, height, id, id)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(t.Title), id, esc(t.Desc))
}

func format(f Format) Format {
	if f == nil {
		return Int
	}
	return f
}
