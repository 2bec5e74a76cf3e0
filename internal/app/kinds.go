package app

import (
	"math"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/tx"
)

// The chain takes two kinds of transaction (ADR 0014): the Dengta
// envelope (version byte 0x01, ADR 0002) and an Ethereum transaction
// behind the kind byte ethtx.KindEthereum. Both go through the same
// checks: a registered, active signer key whose organisation is active,
// its signature, the action's roles, and the key's one sequence of nonces.
// An Ethereum transaction's signer is the secp256k1 member key whose id is
// the address its signature recovers; its nonce n is number n+1 of the
// key's sequence, so a key that sent k transactions of either kind has
// Ethereum nonce k and next envelope nonce k+1.

// parsed is a decoded transaction of either kind.
type parsed struct {
	tx  *tx.Tx    // a Dengta envelope
	eth *ethtx.Tx // an Ethereum transaction
}

// parse decodes raw by its first byte.
func parse(raw []byte) (parsed, error) {
	if ethtx.Is(raw) {
		t, err := ethtx.Decode(raw)
		return parsed{eth: t}, err
	}
	t, err := tx.Decode(raw)
	return parsed{tx: t}, err
}

// ok reports whether p holds a decoded transaction.
func (p parsed) ok() bool { return p.tx != nil || p.eth != nil }

// seqNonce is p's number in its signer key's sequence.
func (p parsed) seqNonce() (uint64, error) {
	if p.tx != nil {
		return p.tx.Nonce, nil
	}
	n := p.eth.Nonce()
	if n == math.MaxUint64 {
		// EIP-2681: no nonce may follow 2^64-1.
		return 0, errcode.New(errcode.Malformed, "nonce has max value: Ethereum nonce %d cannot be used", n)
	}
	return n + 1, nil
}

// ethSender returns the address that signed an Ethereum transaction,
// recovered once per transaction hash (the signature cache remembers it).
func (a *App) ethSender(hash [32]byte, t *ethtx.Tx) (tx.KeyID, error) {
	if id, ok := a.sigs.sender(hash); ok {
		return id, nil
	}
	id, err := t.Sender()
	if err != nil {
		return tx.KeyID{}, err
	}
	a.sigs.addSender(hash, id)
	return id, nil
}

// signerNonce returns the signer key and sequence number of a decoded
// transaction; ok is false when it has none (an Ethereum signature that
// recovers no key, a nonce out of range).
func (a *App) signerNonce(p parsed, hash [32]byte) (id tx.KeyID, nonce uint64, ok bool) {
	if !p.ok() {
		return id, 0, false
	}
	nonce, err := p.seqNonce()
	if err != nil {
		return id, 0, false
	}
	if p.tx != nil {
		return p.tx.Signer, nonce, true
	}
	id, err = a.ethSender(hash, p.eth)
	return id, nonce, err == nil
}

// nonceError is the refusal of a transaction whose nonce is not the next
// of its key, worded for its kind: Ethereum tools recognise geth's
// "nonce too low" and "nonce too high".
func (e *envelope) nonceError(last uint64) error {
	n := e.nonce
	if e.eth != nil {
		if n <= last {
			return errcode.New(errcode.NonceReplayed, "nonce too low: address 0x%s, tx: %d state: %d", e.signerID, n-1, last)
		}
		return errcode.New(errcode.NonceGap, "nonce too high: address 0x%s, tx: %d state: %d", e.signerID, n-1, last)
	}
	if n <= last {
		return errcode.New(errcode.NonceReplayed, "nonce %d of key %s was already used; the next nonce is %d", n, e.signerID, last+1)
	}
	return errcode.New(errcode.NonceGap, "nonce %d of key %s skips ahead; the next nonce is %d: send that one first (a transaction of this key that was refused left its nonce unused)", n, e.signerID, last+1)
}
