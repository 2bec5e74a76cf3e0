package trade_test

import (
	"testing"

	"github.com/dengta-chain/dengta/modules/trade"
)

func TestIdentifiers(t *testing.T) {
	containers := []struct {
		in string
		ok bool
	}{
		{"CSQU3054383", true}, {"MSKU1234565", true}, {"CSQU3054384", false}, {"CSQX3054383", false},
		{"csqu3054383", false}, {"CSQU305438", false}, {"CSQU30543833", false}, {"1SQU3054383", false},
	}
	for _, tt := range containers {
		if got := trade.ContainerNumber(tt.in); got != tt.ok {
			t.Errorf("ContainerNumber(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
	ssccs := []struct {
		in string
		ok bool
	}{
		{"106141411234567897", true}, {"106141411234567880", true}, {"106141411234567898", false},
		{"10614141123456789", false}, {"10614141123456789A", false},
	}
	for _, tt := range ssccs {
		if got := trade.SSCC(tt.in); got != tt.ok {
			t.Errorf("SSCC(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
	locodes := []struct {
		in string
		ok bool
	}{{"CNSHA", true}, {"THLCH", true}, {"CNDSH", true}, {"US2NY", true}, {"CNSH1", false}, {"cnsha", false}, {"CNSHAA", false}, {"C1SHA", false}}
	for _, tt := range locodes {
		if got := trade.UNLocode(tt.in); got != tt.ok {
			t.Errorf("UNLocode(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		cur   string
		minor int64
		want  string
	}{
		{"USD", 10_000_000, "USD 100,000.00"}, {"USD", 5, "USD 0.05"}, {"JPY", 1234567, "JPY 1,234,567"},
		{"KWD", 1234, "KWD 1.234"}, {"CNY", -12345, "CNY -123.45"}, {"EUR", 100, "EUR 1.00"},
	}
	for _, tt := range tests {
		if got := trade.FormatMoney(tt.cur, tt.minor); got != tt.want {
			t.Errorf("FormatMoney(%s, %d) = %q, want %q", tt.cur, tt.minor, got, tt.want)
		}
	}
}

func TestPresentationID(t *testing.T) {
	tests := []struct {
		in string
		no string
		n  int
		ok bool
	}{
		{"LC-1-P1", "LC-1", 1, true}, {"LC-P-P12", "LC-P", 12, true}, {"LC-1-P0", "", 0, false}, {"LC-1-P01", "", 0, false},
		{"-P1", "", 0, false}, {"LC1", "", 0, false}, {"LC-1-P", "", 0, false}, {"LC-1-P-1", "", 0, false},
	}
	for _, tt := range tests {
		no, n, ok := trade.ParsePresentationID(tt.in)
		if no != tt.no || n != tt.n || ok != tt.ok {
			t.Errorf("ParsePresentationID(%q) = %q, %d, %v, want %q, %d, %v", tt.in, no, n, ok, tt.no, tt.n, tt.ok)
		}
		if ok && trade.PresentationID(no, n) != tt.in {
			t.Errorf("PresentationID(%q, %d) = %q, want %q", no, n, trade.PresentationID(no, n), tt.in)
		}
	}
}

func FuzzParsePresentationID(f *testing.F) {
	for _, s := range []string{"LC-1-P1", "LC-JH-2026-0001-P12", "-P1", "P1", "LC-1-P01", "LC-1-P-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		no, n, ok := trade.ParsePresentationID(s)
		if ok && trade.PresentationID(no, n) != s {
			t.Fatalf("%q parses as %q, %d, which spells %q", s, no, n, trade.PresentationID(no, n))
		}
	})
}
