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

// TestShortName: a name fits its box by width, a Chinese character
// counting as two Latin letters, and is cut with "…" only when it must be.
func TestShortName(t *testing.T) {
	for _, c := range []struct {
		name  string
		width int
		want  string
	}{
		{"Dangshan Pear Growers Cooperative", holderWidth, "Dangshan Pear Growers Cooperati…"},
		{"Wanyun Cold-Chain Logistics", holderWidth, "Wanyun Cold-Chain Logistics"},
		{"砀山县梨都果品专业合作社", holderWidth, "砀山县梨都果品专业合作社"},
		{"安徽皖运冷链物流有限公司安徽皖运冷链物流有限公司", holderWidth, "安徽皖运冷链物流有限公司安徽皖…"},
		{"砀山县梨都果品专业合作社", 15, "砀山县梨都果品…"},
		{"", holderWidth, ""},
	} {
		got := shortName(c.name, c.width)
		if got != c.want || shortNameUnits(got) > c.width {
			t.Errorf("shortName(%q, %d) = %q (%d wide), want %q", c.name, c.width, got, shortNameUnits(got), c.want)
		}
	}
}
