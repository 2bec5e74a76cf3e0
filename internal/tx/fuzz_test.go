package tx

import (
	"bytes"
	"crypto/sha256"
	"testing"
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
