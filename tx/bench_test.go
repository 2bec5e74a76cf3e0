package tx

import "testing"

func benchVerify(b *testing.B, algo Algo) {
	tx, k := signedTx(b, algo)
	pub := k.Public()
	b.ReportAllocs()
	for b.Loop() {
		if err := tx.VerifySignature(pub); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSign(b *testing.B, algo Algo) {
	tx, k := signedTx(b, algo)
	msg := tx.SignBytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Sign(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyEd25519(b *testing.B) { benchVerify(b, AlgoEd25519) }
func BenchmarkVerifySM2(b *testing.B)     { benchVerify(b, AlgoSM2) }
func BenchmarkSignEd25519(b *testing.B)   { benchSign(b, AlgoEd25519) }
func BenchmarkSignSM2(b *testing.B)       { benchSign(b, AlgoSM2) }

func BenchmarkDecode(b *testing.B) {
	tx, _ := signedTx(b, AlgoSM2)
	enc := tx.Encode()
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}
