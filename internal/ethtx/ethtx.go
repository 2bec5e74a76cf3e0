// Package ethtx is the second kind of transaction the chain takes besides
// the Dengta envelope (ADR 0014): an Ethereum transaction exactly as a
// wallet or a tool signed it (EIP-155 legacy, EIP-2930 access list or
// EIP-1559 dynamic fee, secp256k1), behind one kind byte, KindEthereum,
// that keeps it apart from the envelope's version byte (0x01) and from
// every Ethereum type byte and RLP prefix.
//
// The package decodes strictly (the bytes are the canonical encoding of
// what they decode to), recovers the sender, whose address is the key id
// of its secp256k1 member key, and wraps raw Ethereum bytes for CometBFT.
// It does no I/O and keeps no state.
package ethtx

import (
	"bytes"
	"crypto/sha256"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

// KindEthereum is the first byte of a chain transaction that carries an
// Ethereum transaction: CometBFT sees KindEthereum || raw, where raw is
// what eth_sendRawTransaction received.
const KindEthereum byte = 0xEE

// Is reports whether b is a transaction of the Ethereum kind (by its
// first byte only).
func Is(b []byte) bool { return len(b) > 0 && b[0] == KindEthereum }

// Wrap returns the chain transaction carrying the raw Ethereum
// transaction.
func Wrap(raw []byte) []byte {
	out := make([]byte, 0, len(raw)+1)
	return append(append(out, KindEthereum), raw...)
}

// Tx is a decoded Ethereum transaction.
type Tx struct {
	// Raw is the Ethereum transaction's bytes (without the kind byte).
	Raw []byte
	// T is the decoded transaction.
	T *types.Transaction
	// ChainID is the EIP-155 chain id it was signed for.
	ChainID uint64
}

// Hash is the Ethereum transaction hash, Keccak-256 of Raw: what tools
// know the transaction by. The chain's own hash of it (CometBFT's) is
// SHA-256 of the wrapped bytes, ChainHash.
func (t *Tx) Hash() common.Hash { return t.T.Hash() }

// ChainHash returns the SHA-256 of the wrapped bytes, the hash CometBFT
// and the Dengta API know the transaction by.
func (t *Tx) ChainHash() [32]byte {
	h := sha256.New()
	h.Write([]byte{KindEthereum})
	h.Write(t.Raw)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// Nonce is the transaction's Ethereum nonce: the number of transactions
// its sender sent before it. In the signer key's Dengta sequence it is
// number Nonce()+1.
func (t *Tx) Nonce() uint64 { return t.T.Nonce() }

// Decode parses a chain transaction of the Ethereum kind (KindEthereum
// followed by the raw transaction). It accepts EIP-155 legacy (replay
// protected), EIP-2930 and EIP-1559 transactions in their canonical
// encoding only, and refuses the rest with errcode.Malformed (TooLarge
// over tx.MaxTxBytes). The result does not alias b, and is shared: a node
// decodes a transaction when it arrives, checks it, proposes it and
// executes it, so the decoded transactions are remembered by their bytes
// (with the sender once recovered); callers must not modify it.
func Decode(b []byte) (*Tx, error) {
	if t := recent.get(b); t != nil {
		return t, nil
	}
	t, err := decode(b)
	if err == nil {
		recent.put(b, t)
	}
	return t, err
}

// recentEntries bounds the decoded transactions remembered: a few
// mempools' worth.
const recentEntries = 32 << 10

var recent decodeMemo

// decodeMemo maps a transaction's bytes to its decoding; keyed by the
// bytes themselves, an entry can never be stale. A full memo is emptied.
type decodeMemo struct {
	mu sync.Mutex
	m  map[string]*Tx
}

func (d *decodeMemo) get(b []byte) *Tx {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[string(b)]
}

func (d *decodeMemo) put(b []byte, t *Tx) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= recentEntries {
		d.m = make(map[string]*Tx, 1024)
	}
	d.m[string(b)] = t
}

func decode(b []byte) (*Tx, error) {
	if len(b) > tx.MaxTxBytes {
		return nil, errcode.New(errcode.TooLarge, "transaction is %d bytes; the limit is %d", len(b), tx.MaxTxBytes)
	}
	if !Is(b) {
		return nil, errcode.New(errcode.Malformed, "not an Ethereum transaction (the first byte is not 0x%02x)", KindEthereum)
	}
	raw := bytes.Clone(b[1:])
	if len(raw) == 0 {
		return nil, errcode.New(errcode.Malformed, "the Ethereum transaction is empty")
	}
	t := new(types.Transaction)
	if err := t.UnmarshalBinary(raw); err != nil {
		return nil, errcode.New(errcode.Malformed, "Ethereum transaction: %v", err)
	}
	switch t.Type() {
	case types.LegacyTxType:
		if !t.Protected() {
			return nil, errcode.New(errcode.Malformed, "Ethereum transaction is not replay-protected: sign it with the chain id (EIP-155)")
		}
	case types.AccessListTxType, types.DynamicFeeTxType:
	case types.BlobTxType:
		return nil, errcode.New(errcode.Malformed, "blob transactions (EIP-4844, type 3) are not accepted: this chain keeps no blobs")
	case types.SetCodeTxType:
		return nil, errcode.New(errcode.Malformed, "set-code transactions (EIP-7702, type 4) are not accepted: member accounts are keys registered on chain and cannot delegate to code")
	default:
		return nil, errcode.New(errcode.Malformed, "Ethereum transaction type %d is not accepted (accepted: legacy with EIP-155, 1 and 2)", t.Type())
	}
	// One encoding per transaction: its hash and signature must not have
	// twins.
	again, err := t.MarshalBinary()
	if err != nil || !bytes.Equal(again, raw) {
		return nil, errcode.New(errcode.Malformed, "Ethereum transaction is not in its canonical encoding")
	}
	id := t.ChainId()
	if id == nil || id.Sign() <= 0 || !id.IsUint64() {
		return nil, errcode.New(errcode.Malformed, "Ethereum transaction has chain id %v; it must be a positive 64-bit number", id)
	}
	return &Tx{Raw: raw, T: t, ChainID: id.Uint64()}, nil
}

// Sender recovers the address that signed t, which is the key id of a
// secp256k1 member key. A signature that recovers no key, or a high-S
// signature, is errcode.BadSignature.
func (t *Tx) Sender() (tx.KeyID, error) {
	signer := types.LatestSignerForChainID(new(big.Int).SetUint64(t.ChainID))
	from, err := types.Sender(signer, t.T)
	if err != nil {
		return tx.KeyID{}, errcode.New(errcode.BadSignature, "Ethereum transaction signature: %v", err)
	}
	return tx.KeyID(from), nil
}

// Sign signs an Ethereum transaction for chainID with a secp256k1 key and
// returns the raw bytes (for eth_sendRawTransaction; Wrap them for
// CometBFT).
func Sign(data types.TxData, chainID uint64, k *tx.PrivateKey) ([]byte, error) {
	if k.Algo() != tx.AlgoSecp256k1 {
		return nil, errcode.New(errcode.BadRequest, "an Ethereum transaction is signed with a secp256k1 key; this is a %s key", k.Algo())
	}
	signed, err := types.SignNewTx(k.ECDSA(), types.LatestSignerForChainID(new(big.Int).SetUint64(chainID)), data)
	if err != nil {
		return nil, err
	}
	return signed.MarshalBinary()
}

// DecodeRaw decodes a raw Ethereum transaction (without the kind byte), as
// Decode does.
func DecodeRaw(raw []byte) (*Tx, error) {
	b := make([]byte, 0, len(raw)+1)
	return Decode(append(append(b, KindEthereum), raw...))
}
