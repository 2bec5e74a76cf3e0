package accounts

import (
	"strings"
	"testing"
)

// TestParsePHC: good hashes round-trip; bad ones are refused with a
// reason, above all parameters that would make a sign-in allocate or
// spin without bound (the parser used to accept any m and t a stored hash
// carried, and any base64 padding).
func TestParsePHC(t *testing.T) {
	good, err := hashPassword("pear-orchard-2026")
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParsePHC(good)
	if err != nil || h.String() != good {
		t.Fatalf("ParsePHC(%q) = %v, %v", good, h, err)
	}
	if _, err := ParsePHC(dummyHash); err != nil {
		t.Fatalf("the hash unknown users are checked against does not parse: %v", err)
	}
	const salt, hash = "c2FsdHNhbHRzYWx0c2FsdA", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	for _, tc := range []struct{ phc, errHas string }{
		{"", "not a $argon2id$"},
		{"$argon2i$v=19$m=65536,t=2,p=2$" + salt + "$" + hash, "not a $argon2id$"},
		{"$argon2id$v=16$m=65536,t=2,p=2$" + salt + "$" + hash, "version"},
		{"$argon2id$v=19$m=4294967295,t=2,p=2$" + salt + "$" + hash, "m=4294967295"},
		{"$argon2id$v=19$m=65536,t=4294967295,p=2$" + salt + "$" + hash, "t=4294967295"},
		{"$argon2id$v=19$m=65536,t=2,p=0$" + salt + "$" + hash, "p=0"},
		{"$argon2id$v=19$m=65536,t=2,p=300$" + salt + "$" + hash, "p=300"},
		{"$argon2id$v=19$m=8,t=2,p=2$" + salt + "$" + hash, "m=8"},
		{"$argon2id$v=19$t=2,m=65536,p=2$" + salt + "$" + hash, "is not m="},
		{"$argon2id$v=19$m=065536,t=2,p=2$" + salt + "$" + hash, "not a number"},
		{"$argon2id$v=19$m=+65536,t=2,p=2$" + salt + "$" + hash, "not a number"},
		{"$argon2id$v=19$m=65536,t=2$" + salt + "$" + hash, "m=,t=,p="},
		{"$argon2id$v=19$m=65536,t=2,p=2$" + salt + "==$" + hash, "salt"},
		{"$argon2id$v=19$m=65536,t=2,p=2$c2Fs$" + hash, "salt"},
		{"$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$aGFzaA", "hash"},
		{"$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$" + hash + "$", "not a $argon2id$"},
		{"x$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$" + hash, "not a $argon2id$"},
	} {
		_, err := ParsePHC(tc.phc)
		if err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("ParsePHC(%q) = %v, want an error with %q", tc.phc, err, tc.errHas)
		}
		if checkPassword(tc.phc, "pear-orchard-2026") {
			t.Errorf("checkPassword(%q) matched", tc.phc)
		}
	}
}

// FuzzParsePHC: the password-hash parser never panics, what it accepts is
// within bounds and encodes back to the same string.
func FuzzParsePHC(f *testing.F) {
	good, _ := hashPassword("pear-orchard-2026")
	f.Add(good)
	f.Add(dummyHash)
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=65536,t=2,p=2$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, phc string) {
		h, err := ParsePHC(phc)
		if err != nil {
			return
		}
		if h.Memory > maxArgonMemory || h.Time > maxArgonTime || h.Threads == 0 || h.Threads > maxArgonThreads || h.Memory < 8*uint32(h.Threads) {
			t.Fatalf("accepted out-of-bounds parameters %+v", h)
		}
		if h.String() != phc {
			t.Fatalf("ParsePHC(%q).String() = %q", phc, h.String())
		}
		if h.Memory <= 64 && h.Time <= 2 {
			checkPassword(phc, "x") // cheap enough to run
		}
	})
}
