package datashareplug

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/pdm"
)

// Point is one telemetry window summed up, as the owner's node keeps it
// for the device's chart: the window's end and its mean vibration
// (µm/s) and temperature (m°C), with the window's record.
type Point struct {
	Time        time.Time `json:"time"`
	Vibration   int64     `json:"vibration"`
	Temperature int64     `json:"temperature"`
	Record      string    `json:"record"`
}

// maxPoints is how many windows a device's chart shows.
const maxPoints = 240

func (m *models) seriesPath(device string) string {
	return filepath.Join(m.dir, device+".series.json")
}

// series reads the windows a device's chart shows, oldest first.
func (m *models) series(device string) ([]Point, error) {
	if !datashareapi.IsDeviceID(device) {
		return nil, nil
	}
	b, err := os.ReadFile(m.seriesPath(device))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pts []Point
	if err := json.Unmarshal(b, &pts); err != nil {
		return nil, fmt.Errorf("telemetry series of %s: %w", device, err)
	}
	return pts, nil
}

// addPoint appends a window to a device's series (the caller holds m.mu).
func (m *models) addPoint(device string, w pdm.Window, record string) error {
	pts, err := m.series(device)
	if err != nil {
		return err
	}
	pts = append(pts, Point{Time: w.End.UTC(), Vibration: w.Vibration, Temperature: w.Temperature, Record: record})
	if len(pts) > maxPoints {
		pts = pts[len(pts)-maxPoints:]
	}
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		return err
	}
	b, _ := json.Marshal(pts)
	return keyfile.Replace(m.seriesPath(device), b)
}

// chart is a device's telemetry drawn as two SVG line charts, with the
// windows that raised alerts marked.
type chart struct {
	Vibration   template.HTML
	Temperature template.HTML
	Windows     int
	From, To    string
}

// drawChart draws the series; nil when there is nothing to draw.
func drawChart(pts []Point, alerts []datashareapi.Alert) *chart {
	if len(pts) == 0 {
		return nil
	}
	alerted := map[string]bool{}
	for _, a := range alerts {
		alerted[a.Window] = true
	}
	c := &chart{Windows: len(pts), From: pts[0].Time.In(pages.ChinaTime).Format("2006-01-02 15:04"), To: pts[len(pts)-1].Time.In(pages.ChinaTime).Format("2006-01-02 15:04")}
	c.Vibration = line("vibration", "mm/s", pts, func(p Point) int64 { return p.Vibration }, pdm.VibLimit, alerted)
	c.Temperature = line("temperature", "°C", pts, func(p Point) int64 { return p.Temperature }, pdm.TempLimit, alerted)
	return c
}

// line draws one metric (in thousandths of its unit) against the
// window's number, with the absolute limit as a dashed line when it is
// within reach of the data.
func line(id, unit string, pts []Point, val func(Point) int64, limit int64, alerted map[string]bool) template.HTML {
	const w, h, pad = 640, 180, 40
	lo, hi := val(pts[0]), val(pts[0])
	for _, p := range pts {
		lo, hi = min(lo, val(p)), max(hi, val(p))
	}
	showLimit := hi*2 >= limit
	if showLimit {
		hi = max(hi, limit)
	}
	if hi == lo {
		hi, lo = hi+500, lo-500
	}
	span := hi - lo
	x := func(i int) int {
		if len(pts) == 1 {
			return pad
		}
		return pad + i*(w-2*pad)/(len(pts)-1)
	}
	y := func(v int64) int64 { return int64(h-pad/2) - (v-lo)*int64(h-pad)/span }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="chart-%s" viewBox="0 0 %d %d" role="img" aria-label="%s">`, id, w, h, id)
	fmt.Fprintf(&b, `<text x="4" y="14" font-size="11">%s</text><text x="4" y="%d" font-size="11">%s</text>`, milli(hi, unit), h-pad/2, milli(lo, unit))
	if showLimit {
		fmt.Fprintf(&b, `<line class="limit" x1="%d" x2="%d" y1="%d" y2="%d" stroke="#c0392b" stroke-dasharray="4 3"/>`, pad, w-pad, y(limit), y(limit))
	}
	b.WriteString(`<polyline fill="none" stroke="#2c6fbb" stroke-width="1.5" points="`)
	for i, p := range pts {
		fmt.Fprintf(&b, "%d,%d ", x(i), y(val(p)))
	}
	b.WriteString(`"/>`)
	for i, p := range pts {
		if alerted[p.Record] {
			fmt.Fprintf(&b, `<circle class="alerted" cx="%d" cy="%d" r="4" fill="#c0392b"><title>%s %s</title></circle>`, x(i), y(val(p)), template.HTMLEscapeString(p.Record), milli(val(p), unit))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// milli shows thousandths of a unit with two decimals.
func milli(v int64, unit string) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	c := (v + 5) / 10
	return fmt.Sprintf("%s%d.%02d %s", sign, c/100, c%100, unit)
}
