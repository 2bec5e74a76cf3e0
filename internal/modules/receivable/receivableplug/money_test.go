package receivableplug

import "testing"

func TestYuan(t *testing.T) {
	for _, tt := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"1,000,000.00", 100000000, true}, {"12.5", 1250, true}, {"300", 30000, true}, {"¥0.01", 1, true},
		{"1.234", 0, false}, {"abc", 0, false}, {"", 0, false}, {"1.", 0, false}, {"-5", 0, false}, {"99999999999999999999", 0, false},
	} {
		got, err := parseYuan(tt.in)
		if (err == nil) != tt.ok || got != tt.fen {
			t.Errorf("parseYuan(%q) = %d, %v, want %d ok=%v", tt.in, got, err, tt.fen, tt.ok)
		}
	}
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 100000000: "1,000,000.00", 123456789: "1,234,567.89", -150: "-1.50"} {
		if got := formatFen(fen); got != want {
			t.Errorf("formatFen(%d) = %q, want %q", fen, got, want)
		}
	}
}
