package notary

import (
	"regexp"
	"testing"
)

// mediaTypeOracle is the regular expression isMediaType stands for.
var mediaTypeOracle = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$`)

var mediaTypeSeeds = []string{
	"application/pdf", "image/jpeg", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"text/plain", "a/b", "0/9", "x-y/z+json", "a!#$&^_.+-/b!#$&^_.+-",
	"", "/", "a/", "/b", "a//b", "a/b/c", "-a/b", "a/-b", "A/b", "a/B", "a b/c", "a/b;charset=utf-8",
	"a/b\n", "\na/b", "a/b ", "应用/pdf", "a/\xff", "a\x00/b", "text/plain\u00a0",
}

func TestIsMediaType(t *testing.T) {
	for _, s := range mediaTypeSeeds {
		if got, want := isMediaType(s), mediaTypeOracle.MatchString(s); got != want {
			t.Errorf("isMediaType(%q) = %v, the regular expression says %v", s, got, want)
		}
	}
	if !isMediaType("application/pdf") || isMediaType("Application/PDF") {
		t.Error("isMediaType: the obvious cases are wrong")
	}
}

// FuzzIsMediaType holds isMediaType to the regular expression: it decides
// which deposits a block accepts, so any difference would be a change of
// the consensus rules.
func FuzzIsMediaType(f *testing.F) {
	for _, s := range mediaTypeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isMediaType(s), mediaTypeOracle.MatchString(s); got != want {
			t.Fatalf("isMediaType(%q) = %v, the regular expression says %v", s, got, want)
		}
	})
}

// BenchmarkMediaType compares isMediaType with the regular expression it
// replaced, on a common media type.
func BenchmarkMediaType(b *testing.B) {
	const s = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			mediaTypeOracle.MatchString(s)
		}
	})
	b.Run("isMediaType", func(b *testing.B) {
		for b.Loop() {
			isMediaType(s)
		}
	})
}
