package chart_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/chart"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestTicks(t *testing.T) {
	for _, c := range []struct {
		max  int64
		n    int
		want []int64
	}{
		{0, 5, []int64{0, 1}},
		{-3, 5, []int64{0, 1}},
		{1, 5, []int64{0, 1}},
		{3, 5, []int64{0, 1, 2, 3}},
		{7, 5, []int64{0, 2, 4, 6, 8}},
		{10, 5, []int64{0, 2, 4, 6, 8, 10}},
		{11, 5, []int64{0, 5, 10, 15}},
		{99, 5, []int64{0, 20, 40, 60, 80, 100}},
		{101, 5, []int64{0, 50, 100, 150}},
		{1_234_567, 4, []int64{0, 500_000, 1_000_000, 1_500_000}},
		{5, 0, []int64{0, 5}},
	} {
		if got := chart.Ticks(c.max, c.n); !slices.Equal(got, c.want) {
			t.Errorf("Ticks(%d, %d) = %v, want %v", c.max, c.n, got, c.want)
		}
	}
}

// TestTicksCover: the ticks start at 0, rise by one step and end at or
// above the maximum, within one step of it.
func TestTicksCover(t *testing.T) {
	for max := int64(1); max < 5000; max += 7 {
		for n := 1; n <= 8; n++ {
			ts := chart.Ticks(max, n)
			step := ts[1] - ts[0]
			if ts[0] != 0 || ts[len(ts)-1] < max || ts[len(ts)-1]-step >= max {
				t.Fatalf("Ticks(%d, %d) = %v", max, n, ts)
			}
			for i := 1; i < len(ts); i++ {
				if ts[i]-ts[i-1] != step {
					t.Fatalf("Ticks(%d, %d) = %v: uneven", max, n, ts)
				}
			}
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct {
		f    chart.Format
		in   int64
		want string
	}{
		{chart.Int, 0, "0"},
		{chart.Int, 1234567, "1,234,567"},
		{chart.Int, -1234, "-1,234"},
		{chart.Yuan, 123450, "1,234.50"},
		{chart.Yuan, -5, "-0.05"},
		{chart.YuanShort("zh"), 100_000_000, "100万"},
		{chart.YuanShort("zh"), 150_000_000_00, "1.5亿"},
		{chart.YuanShort("zh"), 500_00, "500"},
		{chart.YuanShort("en"), 2_500_000_00, "2.5M"},
		{chart.YuanShort("en"), 500_000_00, "500k"},
		{chart.YuanShort("en"), 12_345, "123"},
	} {
		if got := c.f(c.in); got != c.want {
			t.Errorf("format(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func samples() map[string]chart.Chart {
	return map[string]chart.Chart{
		"bar": &chart.Bar{Axes: chart.Axes{
			Text:   chart.Text{ID: "scans", Title: "按城市统计的扫码次数", Desc: "上海扫码最多"},
			XLabel: "城市", YLabel: "次数",
			Categories: []string{"上海", "北京", "宿州", "Guangzhou <&>"},
			Series:     []chart.Series{{Name: "扫码", Values: []int64{12, 7, 3, 0}}},
		}},
		"stacked": &chart.Bar{Axes: chart.Axes{
			Text:   chart.Text{ID: "lines", Title: "Credit lines", Desc: "Used and available per obligor"},
			XLabel: "Obligor", YLabel: "Yuan",
			Categories: []string{"Food group", "Carrier"},
			Series:     []chart.Series{{Name: "Used", Values: []int64{30_000_000, 0}}, {Name: "Available", Values: []int64{70_000_000, 50_000_000}}},
			Format:     chart.YuanShort("en"),
		}},
		"line": &chart.Line{Area: true, Axes: chart.Axes{
			Text:   chart.Text{ID: "activity", Title: "Transactions per day", Desc: "Busiest on 12-03"},
			XLabel: "Day", YLabel: "Transactions",
			Categories: []string{"12-01", "12-02", "12-03", "12-04", "12-05"},
			Series:     []chart.Series{{Name: "Transactions", Values: []int64{0, 4, 9, 2, 5}}},
		}},
		"donut": &chart.Donut{
			Text:   chart.Text{ID: "items", Title: "商品状态", Desc: "大多数已售出"},
			Slices: []chart.Slice{{Label: "在库", Value: 3}, {Label: "已售", Value: 6}, {Label: "召回", Value: 1}},
			Head:   [2]string{"状态", "件数"}, TotalLabel: "件",
		},
		"empty": &chart.Bar{Axes: chart.Axes{Text: chart.Text{ID: "none", Title: "Nothing yet"}}},
	}
}

// TestGolden: each sample draws the bytes of its golden file
// (go test ./internal/chart -update rewrites them).
func TestGolden(t *testing.T) {
	for name, c := range samples() {
		got := []byte(c.SVG())
		path := filepath.Join("testdata", name+".svg")
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(append(got, '\n'), want) {
			t.Errorf("%s: the drawing changed:\n%s\nwant\n%s", name, got, want)
		}
		if again := []byte(c.SVG()); !bytes.Equal(again, got) {
			t.Errorf("%s: two drawings of the same data differ", name)
		}
	}
}

// TestWellFormed: every drawing is well-formed XML, an <svg> with a title
// and a description referenced by aria-labelledby, and every mark says
// its value.
func TestWellFormed(t *testing.T) {
	for name, c := range samples() {
		svg := string(c.SVG())
		dec := xml.NewDecoder(strings.NewReader(svg))
		var root string
		var titles, marks int
		ids := map[string]bool{}
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed: %v\n%s", name, err, svg)
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			if root == "" {
				root = se.Name.Local
				for _, a := range se.Attr {
					if a.Name.Local == "aria-labelledby" {
						for _, id := range strings.Fields(a.Value) {
							ids[id] = false
						}
					}
				}
			}
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					if _, ok := ids[a.Value]; ok {
						ids[a.Value] = true
					}
				}
			}
			switch se.Name.Local {
			case "title":
				titles++
			case "rect", "circle":
				marks++
			}
		}
		if root != "svg" {
			t.Errorf("%s: root element %q", name, root)
		}
		if len(ids) != 2 {
			t.Errorf("%s: aria-labelledby names %v", name, ids)
		}
		for id, found := range ids {
			if !found {
				t.Errorf("%s: aria-labelledby names %q, which is not in the drawing", name, id)
			}
		}
		if titles == 0 {
			t.Errorf("%s: no <title>", name)
		}
	}
}

func TestTables(t *testing.T) {
	s := samples()
	bar := s["stacked"].Table()
	if want := []string{"Obligor", "Used", "Available"}; !slices.Equal(bar.Head, want) {
		t.Errorf("stacked head %v, want %v", bar.Head, want)
	}
	if want := []string{"Food group", "300k", "700k"}; !slices.Equal(bar.Rows[0], want) {
		t.Errorf("stacked row %v, want %v", bar.Rows[0], want)
	}
	d := s["donut"].Table()
	if want := []string{"已售", "6", "60%"}; !slices.Equal(d.Rows[1], want) {
		t.Errorf("donut row %v, want %v", d.Rows[1], want)
	}
	if d.Caption != "商品状态" {
		t.Errorf("donut caption %q", d.Caption)
	}
}
