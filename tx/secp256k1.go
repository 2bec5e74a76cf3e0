package tx

import (
	"crypto/ecdsa"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"
)

// secp256k1 keys (AlgoSecp256k1) are Ethereum's: the public key is the
// 65-byte uncompressed point 04||X||Y, the key id is the Ethereum address
// (the last 20 bytes of Keccak-256(X||Y)), and an envelope or request
// signature is the 64-byte R||S of ECDSA over Keccak-256 of the message,
// with S in the lower half of the order (as Ethereum requires since
// Homestead), so that a signature has one form only.
const (
	secp256k1PublicKeySize  = 65
	secp256k1PrivateKeySize = 32
	secp256k1SignatureSize  = 64
)

// EthAddress is the Ethereum address of a secp256k1 public key, which is
// also its key id.
func secp256k1ID(key []byte) KeyID {
	var id KeyID
	copy(id[:], crypto.Keccak256(key[1:])[12:])
	return id
}

func checkSecp256k1PublicKey(key []byte) error {
	if len(key) != secp256k1PublicKeySize {
		return fmt.Errorf("secp256k1 public key is %d bytes; it must be %d (uncompressed point 04||X||Y)", len(key), secp256k1PublicKeySize)
	}
	if key[0] != 0x04 {
		return fmt.Errorf("secp256k1 public key starts with byte 0x%02x; it must be an uncompressed point starting with 0x04", key[0])
	}
	if _, err := crypto.UnmarshalPubkey(key); err != nil {
		return errors.New("secp256k1 public key is not a point on the secp256k1 curve")
	}
	return nil
}

func verifySecp256k1(key, msg, sig []byte) bool {
	if len(key) != secp256k1PublicKeySize || len(sig) != secp256k1SignatureSize {
		return false
	}
	return crypto.VerifySignature(key, crypto.Keccak256(msg), sig)
}

func secp256k1FromBytes(b []byte) (*PrivateKey, error) {
	if len(b) != secp256k1PrivateKeySize {
		return nil, fmt.Errorf("secp256k1 private key is %d bytes; it must be the %d-byte scalar", len(b), secp256k1PrivateKeySize)
	}
	k, err := crypto.ToECDSA(b)
	if err != nil {
		return nil, errors.New("secp256k1 private key is out of range (it must be between 1 and n-1)")
	}
	pub := PublicKey{Algo: AlgoSecp256k1, Key: crypto.FromECDSAPub(&k.PublicKey)}
	return &PrivateKey{algo: AlgoSecp256k1, k1: k, pub: pub}, nil
}

func signSecp256k1(k *ecdsa.PrivateKey, msg []byte) ([]byte, error) {
	sig, err := crypto.Sign(crypto.Keccak256(msg), k)
	if err != nil {
		return nil, fmt.Errorf("secp256k1 signature: %w", err)
	}
	return sig[:secp256k1SignatureSize], nil // R||S; crypto.Sign gives low S
}

// ECDSA returns a secp256k1 key as the standard library's ECDSA key, for
// signing Ethereum transactions; nil for the other algorithms.
func (k *PrivateKey) ECDSA() *ecdsa.PrivateKey {
	if k.algo != AlgoSecp256k1 {
		return nil
	}
	return k.k1
}
