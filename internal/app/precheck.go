package app

import (
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/tx"
)

// PreCheckTx verifies a new transaction's signature ahead of CheckTx. The
// node calls it on the goroutine that brings the transaction (an RPC
// request, a peer), outside the mempool connection's mutex
// (node.PreChecker): CometBFT runs CheckTx calls one at a time, and the
// signature is most of a check's work, so this lets transactions arriving
// together verify on several cores. Safe for concurrent use with every
// ABCI method.
//
// The key comes from the committed state, through the mempool view's memo;
// anything that does not decode, or whose key only the mempool knows or is
// inactive, is left to CheckTx. The result only fills the signature cache,
// so what CheckTx answers is unchanged: a cached hash means the signature
// is good for the key the transaction names (the hash covers the key id,
// and a key id is the hash of its public key), whichever state the key
// was read from.
func (a *App) PreCheckTx(raw []byte) {
	if len(raw) > tx.MaxTxBytes {
		return
	}
	hash := tx.Hash(raw)
	if a.sigs.verified(hash) {
		return
	}
	if ethtx.Is(raw) {
		// An Ethereum transaction names no key: recovering its sender
		// is the signature's work, and CheckTx finds the address.
		if t, err := ethtx.Decode(raw); err == nil {
			if id, err := t.Sender(); err == nil {
				a.sigs.addSender(hash, id)
			}
		}
		return
	}
	t, err := tx.Decode(raw)
	if err != nil || t.ChainID != a.chainID {
		return
	}
	_, key, err := a.checkMemo.Load().lookupSigner(t.Signer)
	if err != nil {
		return
	}
	if t.VerifySignature(key.PublicKey) == nil {
		a.sigs.add(hash)
	}
}
