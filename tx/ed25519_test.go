package tx

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
)

// The node's Ed25519 verifier must accept exactly the signatures
// crypto/ed25519 accepts: the set of valid transactions is consensus.

type speccheckCase struct {
	Message   string `json:"message"`
	PublicKey string `json:"pub_key"`
	Signature string `json:"signature"`
}

// stdlibSpeccheck is crypto/ed25519's verdict on each case (cofactorless,
// small-order and non-canonical A accepted, non-canonical R and S refused).
var stdlibSpeccheck = []bool{true, true, true, true, false, false, false, false, false, false, false, true}

func TestEd25519SpeccheckSameAsStdlib(t *testing.T) {
	f, err := os.Open("testdata/speccheck_cases.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var cases []speccheckCase
	if err := json.NewDecoder(z).Decode(&cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != len(stdlibSpeccheck) {
		t.Fatalf("%d cases, want %d", len(cases), len(stdlibSpeccheck))
	}
	for i, c := range cases {
		msg, _ := hex.DecodeString(c.Message)
		pub, _ := hex.DecodeString(c.PublicKey)
		sig, _ := hex.DecodeString(c.Signature)
		std := ed25519.Verify(pub, msg, sig)
		if std != stdlibSpeccheck[i] {
			t.Errorf("case %d: crypto/ed25519 says %v, the table %v", i, std, stdlibSpeccheck[i])
		}
		// Twice: the second call takes the expanded key from the cache.
		for round := range 2 {
			if got := verifyEd25519(pub, msg, sig); got != std {
				t.Errorf("case %d round %d: verifier says %v, crypto/ed25519 %v", i, round, got, std)
			}
		}
	}
}

func TestEd25519CacheBounded(t *testing.T) {
	msg := []byte("bounded")
	for i := range ed25519CacheKeys + 10 {
		seed := make([]byte, ed25519.SeedSize)
		seed[0], seed[1] = byte(i), byte(i>>8)
		k := ed25519.NewKeyFromSeed(seed)
		if !verifyEd25519(k.Public().(ed25519.PublicKey), msg, ed25519.Sign(k, msg)) {
			t.Fatalf("key %d: valid signature refused", i)
		}
	}
	expanded.RLock()
	n := len(expanded.m)
	expanded.RUnlock()
	if n > ed25519CacheKeys {
		t.Fatalf("cache holds %d keys, bound %d", n, ed25519CacheKeys)
	}
}

// FuzzEd25519SameVerdict mutates valid signatures, keys and messages and
// feeds raw bytes; both verifiers must agree every time.
func FuzzEd25519SameVerdict(f *testing.F) {
	f.Add([]byte("seed"), []byte("message"), []byte{}, uint8(0))
	f.Add([]byte("seed"), []byte("message"), []byte{1}, uint8(63))
	f.Add([]byte("other"), []byte(""), []byte{0x80}, uint8(31))
	f.Add([]byte("k"), []byte("m"), bytes.Repeat([]byte{0xff}, 32), uint8(96))
	f.Fuzz(func(t *testing.T, seed, msg, flip []byte, at uint8) {
		s := make([]byte, ed25519.SeedSize)
		copy(s, seed)
		k := ed25519.NewKeyFromSeed(s)
		pub := bytes.Clone(k.Public().(ed25519.PublicKey))
		sig := ed25519.Sign(k, msg)
		// at < 64 flips bytes of the signature from there; 64..95 of the
		// key; above, the flip bytes replace the key (raw input).
		switch {
		case at < 64:
			for i, b := range flip {
				if int(at)+i < len(sig) {
					sig[int(at)+i] ^= b
				}
			}
		case at < 96:
			for i, b := range flip {
				if int(at)-64+i < len(pub) {
					pub[int(at)-64+i] ^= b
				}
			}
		default:
			if len(flip) == ed25519.PublicKeySize {
				pub = flip
			}
		}
		std := ed25519.Verify(pub, msg, sig)
		if got := verifyEd25519(pub, msg, sig); got != std {
			t.Fatalf("pub %x msg %x sig %x: verifier %v, crypto/ed25519 %v", pub, msg, sig, got, std)
		}
	})
}

// BenchmarkEd25519 compares crypto/ed25519 with the node's verifier on
// one key (the expanded form cached, as for a key that signs repeatedly).
func BenchmarkEd25519(b *testing.B) {
	k := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	pub := k.Public().(ed25519.PublicKey)
	msg := bytes.Repeat([]byte{7}, 400)
	sig := ed25519.Sign(k, msg)
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("expanded", func(b *testing.B) {
		for b.Loop() {
			if !verifyEd25519(pub, msg, sig) {
				b.Fatal("refused")
			}
		}
	})
}
