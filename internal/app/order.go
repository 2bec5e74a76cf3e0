package app

import (
	"slices"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

// Nonce order in the mempool and in proposals.
//
// CometBFT's mempool admits a transaction in two steps: the application's
// CheckTx answers, then the mempool appends the transaction to its list.
// The mempool reactor checks what each peer gossips on that peer's own
// goroutine, and the RPC on the caller's, so two transactions of one key
// arriving at once through two peers can be answered in nonce order (n,
// then n+1) and appended in the other (n+1, then n). One node sees this
// only with several peers: the 4-validator benchmark found blocks where
// n+1 failed with nonce_gap ahead of n. Two places repair it:
//
//   - PrepareProposal puts each signer's transactions back into nonce
//     order, in the slots the signer had, and leaves out those that cannot
//     follow the committed nonce (a gap or a reused nonce), so a proposal
//     never carries a transaction that fails on its nonce alone;
//   - the recheck after a block, which walks the mempool in list order,
//     keeps a transaction whose nonce is ahead (deferred) and consumes it as
//     soon as its predecessor is rechecked. A deferred transaction still
//     waiting at the next block's recheck has lost its predecessor (another
//     recheck dropped it) and is dropped then.

// deferral is the recheck's memory of transactions kept with a nonce ahead
// of the mempool's view. Guarded by checkMu.
type deferral struct {
	// ahead holds, per key, the nonces kept ahead in this recheck round,
	// with their transaction hashes.
	ahead map[tx.KeyID]map[uint64][32]byte
	// stale holds the transactions still deferred when the block after
	// their round was committed.
	stale map[[32]byte]bool
}

// newRound starts the recheck round of a newly committed block.
func (d *deferral) newRound() {
	d.stale = make(map[[32]byte]bool)
	for _, byNonce := range d.ahead {
		for _, h := range byNonce {
			d.stale[h] = true
		}
	}
	d.ahead = make(map[tx.KeyID]map[uint64][32]byte)
}

// recheckNonce checks the nonce of a transaction CometBFT rechecks and
// consumes it in the mempool's view, then any deferred successors. A nonce
// ahead of the view is kept for its predecessor, once. Called with checkMu
// held.
func (a *App) recheckNonce(e *envelope) error {
	next, err := checkNonce(a.check, e)
	if err != nil {
		if errcode.Of(err) != errcode.NonceGap || a.deferred.stale[e.hash] {
			return err
		}
		byNonce := a.deferred.ahead[e.signerID]
		if byNonce == nil {
			byNonce = make(map[uint64][32]byte)
			a.deferred.ahead[e.signerID] = byNonce
		}
		byNonce[e.nonce] = e.hash
		return nil
	}
	byNonce := a.deferred.ahead[e.signerID]
	for {
		if err := putNonce(a.check, e.signerID, next); err != nil {
			return err
		}
		if _, ok := byNonce[next+1]; !ok {
			return nil
		}
		delete(byNonce, next+1)
		next++
	}
}

// orderByNonce returns txs with each signer's transactions sorted by nonce
// within the positions the signer's transactions occupy, leaving out those
// that cannot follow the signer's committed nonce in r: a nonce already used
// or given twice, and every nonce after a gap. Transactions that do not
// decode stay where they are; the block refuses them with their code.
// Both kinds of transaction (ADR 0014) share their key's sequence.
func (a *App) orderByNonce(r reader, txs [][]byte) ([][]byte, error) {
	type entry struct {
		pos   int
		nonce uint64
		raw   []byte
	}
	bySigner := make(map[tx.KeyID][]entry)
	var signers []tx.KeyID // first-appearance order, for determinism
	for i, raw := range txs {
		p, err := parse(raw)
		if err != nil {
			continue
		}
		id, nonce, ok := a.signerNonce(p, tx.Hash(raw))
		if !ok {
			continue
		}
		if _, seen := bySigner[id]; !seen {
			signers = append(signers, id)
		}
		bySigner[id] = append(bySigner[id], entry{pos: i, nonce: nonce, raw: raw})
	}
	out := slices.Clone(txs)
	drop := make([]bool, len(txs))
	for _, id := range signers {
		es := bySigner[id]
		last, err := getNonce(r, id)
		if err != nil {
			return nil, err
		}
		sorted := slices.Clone(es)
		slices.SortStableFunc(sorted, func(x, y entry) int {
			switch {
			case x.nonce < y.nonce:
				return -1
			case x.nonce > y.nonce:
				return 1
			}
			return 0
		})
		next := last + 1
		for k, e := range sorted {
			pos := es[k].pos
			out[pos] = e.raw
			if e.nonce != next {
				drop[pos] = true
				continue
			}
			next++
		}
	}
	kept := out[:0:0]
	for i, raw := range out {
		if !drop[i] {
			kept = append(kept, raw)
		}
	}
	return kept, nil
}
