package keyfile

import "testing"

// BenchmarkDerive measures what opening one key file costs with each
// cost preset (one KDF run and the subkeys): the time is the delay a
// node start or a signing command adds per key file, B/op the memory an
// attacker must spend per guess as well. docs/benchmarks.md has the
// numbers.
func BenchmarkDerive(b *testing.B) {
	for _, bc := range []struct {
		name string
		cost Cost
	}{
		{"argon2id-default", Default},
		{"scrypt-default", DefaultScrypt},
		{"argon2id-dev", DevCost},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := Encrypt(testPub, make([]byte, 32), Protection{Passphrase: []byte("benchmark passphrase"), Cost: bc.cost})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.DecryptWith([]byte("benchmark passphrase")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
