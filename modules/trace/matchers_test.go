package trace

import (
	"regexp"
	"testing"
)

// The regular expressions isPos and isUOM stand for.
var (
	posOracle = regexp.MustCompile(`^[0-9a-f]{24}$`)
	uomOracle = regexp.MustCompile(`^[A-Z0-9]{2,3}$`)
)

var matcherSeeds = []string{
	"", "0123456789abcdef01234567", "0123456789ABCDEF01234567", "0123456789abcdef0123456", "0123456789abcdef012345678",
	"0123456789abcdef0123456g", "0123456789abcdef0123456\n", "KGM", "H87", "C62", "kg", "K", "KGMS", "K G", "KG\n", "ＫＧ", "\xff\xfe",
}

func checkMatchers(t *testing.T, s string) {
	t.Helper()
	if got, want := isPos(s), posOracle.MatchString(s); got != want {
		t.Fatalf("isPos(%q) = %v, the regular expression says %v", s, got, want)
	}
	if got, want := isUOM(s), uomOracle.MatchString(s); got != want {
		t.Fatalf("isUOM(%q) = %v, the regular expression says %v", s, got, want)
	}
}

func TestMatchers(t *testing.T) {
	for _, s := range matcherSeeds {
		checkMatchers(t, s)
	}
	if !isUOM("KGM") || !isPos("0123456789abcdef01234567") {
		t.Error("the obvious cases are wrong")
	}
}

// FuzzMatchers holds isPos and isUOM to their regular expressions: they
// decide which events a block accepts, so any difference would be a change
// of the consensus rules.
func FuzzMatchers(f *testing.F) {
	for _, s := range matcherSeeds {
		f.Add(s)
	}
	f.Fuzz(checkMatchers)
}
