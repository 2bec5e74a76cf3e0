package charityplug

import "testing"

func TestYuan(t *testing.T) {
	for in, want := range map[string]int64{"100": 10_000, "1,000.00": 100_000, "¥12.5": 1_250, "0.01": 1, " 3 ": 300, "￥1,234.56": 123_456} {
		if got, err := parseYuan(in); err != nil || got != want {
			t.Errorf("parseYuan(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.234", "1.", "-5", "1e3", "十", "9999999999999999999999"} {
		if got, err := parseYuan(in); err == nil {
			t.Errorf("parseYuan(%q) = %d, want an error", in, got)
		}
	}
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 123_456: "1,234.56", 100_000_000: "1,000,000.00", -5: "-0.05"} {
		if got := formatYuan(fen); got != want {
			t.Errorf("formatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

// FuzzParseYuan: what parses formats back to the same amount.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"100", "1,000.00", "¥12.5", "0.01", "abc", "1..2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := parseYuan(s)
		if err != nil {
			return
		}
		if fen < 0 {
			t.Fatalf("parseYuan(%q) = %d", s, fen)
		}
		back, err := parseYuan(formatYuan(fen))
		if err != nil || back != fen {
			t.Fatalf("parseYuan(formatYuan(%d)) = %d, %v", fen, back, err)
		}
	})
}
