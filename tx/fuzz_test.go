package tx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// FuzzDecode checks that Decode never panics and that every accepted input
// is canonical: it re-encodes to the same bytes and passes Validate.
func FuzzDecode(f *testing.F) {
	for _, algo := range allAlgos {
		tx, _ := signedTx(f, algo)
		f.Add(tx.Encode())
		tx.Body = nil
		f.Add(tx.Encode())
	}
	f.Add((&Tx{ChainID: "x", Nonce: 1, Module: "m", Action: "a", Signature: []byte{1}}).Encode())
	f.Add([]byte{})
	f.Add([]byte{Version})
	f.Add([]byte{Version, 0xff, 0xff})

	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := Decode(b)
		if err != nil {
			if tx != nil {
				t.Fatal("Decode returned a tx and an error")
			}
			return
		}
		enc := tx.Encode()
		if !bytes.Equal(enc, b) {
			t.Fatalf("Encode(Decode(b)) != b\n b   %x\n enc %x", b, enc)
		}
		if err := tx.Validate(); err != nil {
			t.Fatalf("Decode accepted a tx that Validate rejects: %v", err)
		}
		if tx.EncodedLen() != len(b) {
			t.Fatalf("EncodedLen %d != %d", tx.EncodedLen(), len(b))
		}
		if tx.Hash() != sha256.Sum256(b) {
			t.Fatal("Hash is not SHA-256 of the bytes")
		}
		again, err := Decode(enc)
		if err != nil || !equalTx(again, tx) {
			t.Fatalf("Decode(Encode(tx)) = %+v, %v", again, err)
		}
	})
}

// fuzzPass opens the seeds of FuzzKeyFile.
var fuzzPass = keyfile.Fixed("fuzz passphrase")

// FuzzKeyFile parses key files, encrypted and legacy: never a panic, and
// a file that opens yields a key matching its public fields. Decryption
// is tried only for cheap KDF parameters (the parser caps them at 1 GiB,
// which a fuzzer should not spend).
func FuzzKeyFile(f *testing.F) {
	for i, algo := range allAlgos {
		k := testKey(f, algo, byte(40+i))
		for _, p := range []keyfile.Protection{{Passphrase: fuzzPass, Cost: keyfile.DevCost}, {Passphrase: fuzzPass, Cost: keyfile.Cost{KDF: keyfile.Scrypt, N: 16, R: 1, P: 1}, Cipher: keyfile.AES256GCM}, keyfile.DevProtection()} {
			kf, err := EncryptKey(k, "seed", p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(kf.Marshal())
		}
		legacy, _ := json.Marshal(KeyFile{Algo: algo, KeyID: k.ID(), PublicKey: hex.EncodeToString(k.Public().Key), PrivateKey: hex.EncodeToString(k.Bytes())})
		f.Add(legacy)
	}
	f.Add([]byte(`{"format":"dengta-key/1"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if kf, err := keyfile.Parse(data); err == nil {
			c := kf.Sealed.KDF.Cost
			if c.M > 1024 || c.T > 2 || c.N > 1024 || c.R > 8 || c.P > 2 {
				return
			}
		}
		k, info, err := ParseKeyFile(data, fuzzPass, "fuzz.json")
		if err != nil {
			if k != nil || info != nil {
				t.Fatal("a key and an error")
			}
			return
		}
		if info.File != nil && (info.File.KeyID != k.ID().String() || !bytes.Equal(info.File.PublicKey, k.Public().Key) || info.File.Algo != k.Algo().String()) {
			t.Fatalf("opened a file whose public fields do not match its key: %s", data)
		}
	})
}

// FuzzParsePublicKey: never a panic; an accepted key prints back to the
// same text (modulo hex case), and its JSON round-trips.
func FuzzParsePublicKey(f *testing.F) {
	for i, algo := range allAlgos {
		f.Add(testKey(f, algo, byte(50+i)).Public().String())
	}
	f.Add("sm2:04")
	f.Add("ed25519:")
	f.Add("rsa:00")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePublicKey(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(p.String(), s) {
			t.Fatalf("ParsePublicKey(%q).String() = %q", s, p.String())
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q PublicKey
		if err := json.Unmarshal(b, &q); err != nil || !q.Equal(p) {
			t.Fatalf("JSON round trip of %s: %v, %v", b, q, err)
		}
	})
}

// FuzzPublicKeyJSON: the strict JSON decoder never panics, and what it
// accepts is a valid key that re-encodes and decodes to itself.
func FuzzPublicKeyJSON(f *testing.F) {
	for i, algo := range allAlgos {
		b, _ := json.Marshal(testKey(f, algo, byte(60+i)).Public())
		f.Add(b)
	}
	f.Add([]byte(`{"algo":"sm2","key":"04"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p PublicKey
		if err := json.Unmarshal(b, &p); err != nil || (p.Algo == 0 && p.Key == nil) {
			return
		}
		if _, err := NewPublicKey(p.Algo, p.Key); err != nil {
			t.Fatalf("accepted an invalid key %v: %v", p, err)
		}
		again, _ := json.Marshal(p)
		var q PublicKey
		if err := json.Unmarshal(again, &q); err != nil || !q.Equal(p) {
			t.Fatalf("re-decoding %s: %v, %v", again, q, err)
		}
	})
}

// FuzzPrivateKeyFromBytes: never a panic; an accepted key gives back its
// bytes, and signs what its public key verifies.
func FuzzPrivateKeyFromBytes(f *testing.F) {
	for i, algo := range allAlgos {
		f.Add(byte(algo), testKey(f, algo, byte(70+i)).Bytes())
	}
	f.Add(byte(AlgoSM2), make([]byte, 32))
	f.Add(byte(AlgoSM2), bytes.Repeat([]byte{0xff}, 32))
	f.Add(byte(9), []byte{1})
	f.Fuzz(func(t *testing.T, algo byte, b []byte) {
		k, err := PrivateKeyFromBytes(Algo(algo), b)
		if err != nil {
			return
		}
		if !bytes.Equal(k.Bytes(), b) {
			t.Fatalf("Bytes() = %x, want %x", k.Bytes(), b)
		}
		sig, err := k.Sign([]byte("msg"))
		if err != nil || !k.Public().Verify([]byte("msg"), sig) {
			t.Fatalf("sign/verify: %v", err)
		}
	})
}

// FuzzParseKeyID: never a panic; accepted ids print back as lowercase.
func FuzzParseKeyID(f *testing.F) {
	f.Add(testKey(f, AlgoSM2, 80).ID().String())
	f.Add("00")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseKeyID(s)
		if err != nil {
			return
		}
		if id.String() != strings.ToLower(s) {
			t.Fatalf("ParseKeyID(%q) = %s", s, id)
		}
	})
}
