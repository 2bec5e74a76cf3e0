package decimal

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in       string
		decimals int
		want     int64
	}{
		{"0", 2, 0},
		{"12", 2, 1200},
		{"12.5", 2, 1250},
		{"12.05", 2, 1205},
		{" 1,000.00 ", 2, 100000},
		{"¥300", 2, 30000},
		{"￥0.01", 2, 1},
		{"0.125", 3, 125},
		{"7", 0, 7},
		{"92233720368547758.07", 2, math.MaxInt64},
		{"9,223,372,036,854,775,807", 0, math.MaxInt64},
	} {
		got, err := Parse(c.in, c.decimals)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q, %d) = %d, %v; want %d", c.in, c.decimals, got, err, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		in       string
		decimals int
		reason   Reason
	}{
		{"", 2, NotNumber},
		{"  ", 2, NotNumber},
		{"-5", 2, NotNumber},
		{"+5", 2, NotNumber},
		{"1.-5", 2, NotNumber},
		{"1.+5", 2, NotNumber},
		{"1e3", 2, NotNumber},
		{"1 000", 2, NotNumber},
		{"1.", 2, NotNumber},
		{".5", 2, NotNumber},
		{"1.2.3", 2, NotNumber},
		{"１２", 2, NotNumber},
		{"abc", 2, NotNumber},
		{"1.5", 0, NotNumber},
		{"1.234", 2, TooManyDecimals},
		{"0.0001", 3, TooManyDecimals},
		{"184467440737095517", 2, TooLarge},
		{"92233720368547758.08", 2, TooLarge},
		{"9223372036854775808", 0, TooLarge},
		{"99999999999999999999999", 0, TooLarge},
	} {
		got, err := Parse(c.in, c.decimals)
		var de *Error
		if !errors.As(err, &de) || de.Reason != c.reason {
			t.Errorf("Parse(%q, %d) = %d, %v; want reason %d", c.in, c.decimals, got, err, c.reason)
			continue
		}
		if got != 0 {
			t.Errorf("Parse(%q, %d) = %d with an error", c.in, c.decimals, got)
		}
		if de.Message("zh") == de.Message("en") || !strings.Contains(de.Message("zh"), strings.TrimSpace(c.in)) {
			t.Errorf("Parse(%q): messages %q / %q", c.in, de.Message("zh"), de.Message("en"))
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		v        int64
		decimals int
		want     string
	}{
		{0, 2, "0.00"},
		{5, 2, "0.05"},
		{-5, 2, "-0.05"},
		{123456, 2, "1,234.56"},
		{100000000, 2, "1,000,000.00"},
		{1250, 3, "1.250"},
		{1234567, 0, "1,234,567"},
		{math.MaxInt64, 2, "92,233,720,368,547,758.07"},
		{math.MinInt64, 2, "-92,233,720,368,547,758.08"},
	} {
		if got := Format(c.v, c.decimals); got != c.want {
			t.Errorf("Format(%d, %d) = %q, want %q", c.v, c.decimals, got, c.want)
		}
	}
}

// FuzzParse holds Parse to its contract: a value is non-negative, comes
// back from Format unchanged, and has no more decimals than allowed; a
// refusal returns 0.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "12.5", "1,000.00", "¥3", "-1", "1e3", "1.", "184467440737095517", "0.125"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, d uint8) {
		decimals := int(d % 7)
		v, err := Parse(s, decimals)
		if err != nil {
			if v != 0 {
				t.Fatalf("Parse(%q) = %d with %v", s, v, err)
			}
			return
		}
		if v < 0 {
			t.Fatalf("Parse(%q) = %d", s, v)
		}
		back, err := Parse(Format(v, decimals), decimals)
		if err != nil || back != v {
			t.Fatalf("Parse(Format(%d)) = %d, %v", v, back, err)
		}
	})
}
