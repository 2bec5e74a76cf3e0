package energyplug

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

func intervalDur(minutes int) time.Duration { return time.Duration(minutes) * time.Minute }

// Chart draws a zone's intervals as an SVG: the cleared volume of each
// interval as a bar (with the bids' and asks' volumes as thin marks) and
// the clearing price as a line over them, scaled to the zone's price cap.
// It is drawn on the server, so the page needs no script.
func Chart(points []energyapi.MarketPoint, capFen int64, priceLabel, volumeLabel string) template.HTML {
	const w, h, left, right, top, bottom = 720, 240, 48, 48, 12, 36
	if len(points) == 0 {
		return ""
	}
	var maxWh int64 = 1
	for _, p := range points {
		maxWh = max(maxWh, p.VolumeWh, p.BidWh, p.AskWh)
	}
	if capFen <= 0 {
		capFen = energyapi.DefaultPriceCapFen
	}
	plotW, plotH := float64(w-left-right), float64(h-top-bottom)
	step := plotW / float64(len(points))
	y := func(v, of int64) float64 { return float64(top) + plotH - plotH*float64(v)/float64(of) }
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="energy-chart" id="market-chart" viewBox="0 0 %d %d" role="img" aria-label="%s / %s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(priceLabel), esc(volumeLabel))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%.1f" fill="none" stroke="#ccc"/>`, left, top, plotW, plotH)
	fmt.Fprintf(&b, `<text x="4" y="%d" font-size="11" fill="#2a6">%s</text>`, top+10, esc(volumeLabel))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#c50" text-anchor="end">%s</text>`, w-4, top+10, esc(priceLabel))
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10" text-anchor="end">%s</text>`, left-4, y(maxWh, maxWh)+10, esc(kwh(maxWh)))
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10">%d</text>`, w-right+4, y(capFen, capFen)+10, capFen)
	var line []string
	for i, p := range points {
		x := float64(left) + step*float64(i)
		bw := max(step*0.7, 1)
		fmt.Fprintf(&b, `<g class="iv" data-interval="%s" data-status="%s"><title>%s · %s kWh · %s %d</title>`, esc(p.Interval), esc(p.Status), esc(intervalText(p.Interval)), esc(kwh(p.VolumeWh)), esc(priceLabel), p.PriceFen)
		fmt.Fprintf(&b, `<rect class="volume" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#7c9"/>`, x+step*0.15, y(p.VolumeWh, maxWh), bw, plotH-(y(p.VolumeWh, maxWh)-float64(top)))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#369" stroke-width="2"/>`, x+step*0.15, x+step*0.5, y(p.BidWh, maxWh), y(p.BidWh, maxWh))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#a63" stroke-width="2"/>`, x+step*0.5, x+step*0.85, y(p.AskWh, maxWh), y(p.AskWh, maxWh))
		b.WriteString(`</g>`)
		if p.Status != energyapi.BookOpen && p.VolumeWh > 0 {
			line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, y(min(p.PriceFen, capFen), capFen)))
		}
		if len(points) <= 12 || i%(len(points)/8+1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%s</text>`, x+step/2, h-bottom+14, esc(intervalText(p.Interval)[11:]))
		}
	}
	if len(line) > 0 {
		fmt.Fprintf(&b, `<polyline class="price" points="%s" fill="none" stroke="#c50" stroke-width="2"/>`, strings.Join(line, " "))
		for _, pt := range line {
			xy := strings.SplitN(pt, ",", 2)
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="#c50"/>`, xy[0], xy[1])
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// DecodeReadings reads a file of signed readings: a JSON array of
// readings, or an object with a "readings" array (the body of
// post_readings), at most limit bytes. A file it cannot take is a
// *ReadingsError.
func DecodeReadings(r io.Reader, limit int64) ([]energyapi.Reading, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("readings file: %w", err)
	}
	if int64(len(raw)) > limit {
		return nil, &ReadingsError{Problem: ReadingsTooLarge, Limit: limit}
	}
	var rs []energyapi.Reading
	if err := json.Unmarshal(raw, &rs); err != nil {
		var body energyapi.ReadingsBody
		if err2 := json.Unmarshal(raw, &body); err2 != nil {
			return nil, &ReadingsError{Problem: ReadingsNotJSON, Detail: err.Error()}
		}
		rs = body.Readings
	}
	if len(rs) == 0 {
		return nil, &ReadingsError{Problem: ReadingsEmpty}
	}
	return rs, nil
}

// What is wrong with a readings file.
const (
	ReadingsTooLarge = "toolarge"
	ReadingsNotJSON  = "notjson"
	ReadingsEmpty    = "empty"
)

// ReadingsError is a readings file DecodeReadings cannot take. Its Error
// is English (commands, the API); the hall says it in its language
// (messages en.readings.<problem>).
type ReadingsError struct {
	Problem string
	Limit   int64  // the bound a file too large is over
	Detail  string // the JSON decoder's words, for a file that is not JSON
}

func (e *ReadingsError) Error() string { return e.Unwrap().Error() }

func (e *ReadingsError) message() string {
	switch e.Problem {
	case ReadingsTooLarge:
		return fmt.Sprintf("the readings file is over %d bytes; split it", e.Limit)
	case ReadingsNotJSON:
		return `the readings file is not a JSON array of readings nor {"readings": [...]}: ` + e.Detail
	}
	return "the readings file holds no reading"
}

// Unwrap gives the error its code (bad_request).
func (e *ReadingsError) Unwrap() error { return errcode.New(errcode.BadRequest, "%s", e.message()) }
