package receivableplug

import "testing"

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		in   string
		bp   int
		fail bool
	}{
		{"3.65", 365, false}, {"3.65%", 365, false}, {" 4 ", 400, false}, {"4.5", 450, false}, {"0", 0, false}, {"100", 10000, false},
		{"0.05", 5, false}, {"3.655", 0, true}, {"3.", 0, true}, {".5", 0, true}, {"-1", 0, true}, {"101", 0, true},
		{"abc", 0, true}, {"", 0, true}, {"3,65", 0, true}, {"1e2", 0, true}, {"3.-5", 0, true},
	} {
		bp, err := parsePercent(c.in)
		if (err != nil) != c.fail || bp != c.bp {
			t.Errorf("parsePercent(%q) = %d, %v", c.in, bp, err)
		}
	}
	for bp, want := range map[int]string{365: "3.65%", 5: "0.05%", 10000: "100.00%", 450: "4.50%"} {
		if got := formatBP(bp); got != want {
			t.Errorf("formatBP(%d) = %q, want %q", bp, got, want)
		}
	}
}
