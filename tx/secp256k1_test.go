package tx

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"testing"
)

// A well-known Ethereum key: the first account of Hardhat's and Anvil's
// default mnemonic, whose address every Ethereum developer has seen.
const (
	hardhatKey0     = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
	hardhatAddress0 = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
)

func TestSecp256k1KeyIDIsEthereumAddress(t *testing.T) {
	b, _ := hex.DecodeString(hardhatKey0)
	k, err := PrivateKeyFromBytes(AlgoSecp256k1, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := k.ID().String(); got != hardhatAddress0 {
		t.Fatalf("key id = %s, want the address %s", got, hardhatAddress0)
	}
	pub := k.Public()
	if len(pub.Key) != 65 || pub.Key[0] != 0x04 {
		t.Fatalf("public key %x is not an uncompressed point", pub.Key)
	}
	if !bytes.Equal(k.Bytes(), b) {
		t.Fatal("Bytes does not give back the scalar")
	}
	parsed, err := ParsePublicKey(pub.String())
	if err != nil || !parsed.Equal(pub) || parsed.ID() != k.ID() {
		t.Fatalf("ParsePublicKey(%s) = %v, %v", pub, parsed, err)
	}
	if k.ECDSA() == nil {
		t.Fatal("ECDSA() is nil for a secp256k1 key")
	}
}

func TestSecp256k1SignVerify(t *testing.T) {
	k, err := GenerateKey(AlgoSecp256k1, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("dengta/tx/v1\x00 some envelope")
	sig, err := k.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 64 {
		t.Fatalf("signature is %d bytes, want 64 (R||S)", len(sig))
	}
	// RFC 6979: the same message signs the same.
	again, _ := k.Sign(msg)
	if !bytes.Equal(sig, again) {
		t.Error("two signatures of one message differ")
	}
	if !k.Public().Verify(msg, sig) {
		t.Fatal("signature does not verify")
	}
	if k.Public().Verify([]byte("other"), sig) {
		t.Error("signature verifies for another message")
	}
	// The high-S twin of a valid signature is refused: one form only.
	n, _ := new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	s := new(big.Int).SetBytes(sig[32:])
	high := append(bytes.Clone(sig[:32]), new(big.Int).Sub(n, s).FillBytes(make([]byte, 32))...)
	if k.Public().Verify(msg, high) {
		t.Error("the high-S form of a signature verifies")
	}
	for _, bad := range [][]byte{nil, sig[:63], append(bytes.Clone(sig), 0)} {
		if k.Public().Verify(msg, bad) {
			t.Errorf("a %d-byte signature verifies", len(bad))
		}
	}
	other, _ := GenerateKey(AlgoSecp256k1, rand.Reader)
	if other.Public().Verify(msg, sig) {
		t.Error("signature verifies for another key")
	}
}

func TestSecp256k1Rejects(t *testing.T) {
	n, _ := new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	for _, b := range [][]byte{make([]byte, 32), n.Bytes(), bytes.Repeat([]byte{0xff}, 32), make([]byte, 31)} {
		if _, err := PrivateKeyFromBytes(AlgoSecp256k1, b); err == nil {
			t.Errorf("PrivateKeyFromBytes(%x) accepted", b)
		}
	}
	k, _ := GenerateKey(AlgoSecp256k1, rand.Reader)
	good := k.Public().Key
	offCurve := bytes.Clone(good)
	offCurve[64] ^= 1
	compressed := append([]byte{0x02 | good[64]&1}, good[1:33]...)
	for name, key := range map[string][]byte{"off the curve": offCurve, "compressed": compressed, "no prefix": good[1:], "empty": nil} {
		if _, err := NewPublicKey(AlgoSecp256k1, key); err == nil {
			t.Errorf("NewPublicKey accepted a key %s", name)
		}
	}
}

func TestSecp256k1Envelope(t *testing.T) {
	k, _ := GenerateKey(AlgoSecp256k1, rand.Reader)
	tx := &Tx{ChainID: "dengta-test", Nonce: 1, Module: "evm", Action: "call", Body: []byte(`{"to":"0x00"}`)}
	if err := tx.Sign(k); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(tx.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := got.VerifySignature(k.Public()); err != nil {
		t.Fatal(err)
	}
	got.Nonce++
	if err := got.VerifySignature(k.Public()); err == nil {
		t.Fatal("a changed envelope verifies")
	}
}
