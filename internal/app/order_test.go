package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// nonceOf decodes a transaction's signer and nonce.
func nonceOf(t *testing.T, raw []byte) (tx.KeyID, uint64) {
	t.Helper()
	d, err := tx.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return d.Signer, d.Nonce
}

// TestPrepareProposalNonceOrder gives PrepareProposal a mempool whose list
// order broke nonce order (as concurrent admission from several peers can)
// and checks the proposal: each signer's transactions in nonce order in the
// signer's slots, the other signer untouched, gaps and reused nonces left
// out, and the block then fails nothing.
func TestPrepareProposalNonceOrder(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	rnd := testchain.NewSeededRand(11)
	a := c.Members["coop"].Admin
	b := c.Members["regulator"].Admin
	reg := func(k *tx.PrivateKey, nonce uint64) []byte {
		return c.SignNonce(k, nonce, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()})
	}
	a1, a2, a3, a5 := reg(a, 1), reg(a, 2), reg(a, 3), reg(a, 5)
	a2bis := reg(a, 2) // a different transaction reusing nonce 2
	b1, b2 := reg(b, 1), reg(b, 2)

	cases := []struct {
		name string
		in   [][]byte
		want [][]byte
	}{
		{"in order", [][]byte{a1, b1, a2, b2}, [][]byte{a1, b1, a2, b2}},
		{"swapped within a signer", [][]byte{a2, b1, a1, b2, a3}, [][]byte{a1, b1, a2, b2, a3}},
		{"reversed", [][]byte{a3, a2, a1}, [][]byte{a1, a2, a3}},
		{"gap drops the rest", [][]byte{a1, a5, b1, a3}, [][]byte{a1, b1}},
		{"missing first nonce", [][]byte{a2, a3, b1}, [][]byte{b1}},
		{"reused nonce", [][]byte{a1, a2, a2bis, a3}, [][]byte{a1, a2, a3}},
		{"undecodable stays", [][]byte{[]byte("junk"), a2, a1}, [][]byte{[]byte("junk"), a1, a2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.App.PrepareProposal(t.Context(), &abci.PrepareProposalRequest{Txs: tc.in, MaxTxBytes: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Txs) != len(tc.want) {
				t.Fatalf("proposal has %d transactions, want %d", len(res.Txs), len(tc.want))
			}
			for i := range tc.want {
				if string(res.Txs[i]) != string(tc.want[i]) {
					gs, gn := nonceOf(t, res.Txs[i])
					t.Fatalf("proposal[%d] is %s nonce %d, want another", i, gs, gn)
				}
			}
		})
	}

	// The reordered proposal executes without a nonce failure.
	res, err := c.App.PrepareProposal(t.Context(), &abci.PrepareProposalRequest{Txs: [][]byte{a3, b2, a1, b1, a2}, MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	results, _ := c.Block(res.Txs...)
	for i, r := range results {
		if r.Code != 0 {
			t.Fatalf("tx %d failed in the block: %s", i, r.Log)
		}
	}
	// Now nonces 1-3 of a are committed: a proposal of a2 (reused) and a5
	// (gap after 3) is empty.
	res, err = c.App.PrepareProposal(t.Context(), &abci.PrepareProposalRequest{Txs: [][]byte{a2bis, a5}, MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Txs) != 0 {
		t.Fatalf("proposal kept %d transactions that cannot follow the committed nonce", len(res.Txs))
	}
}

// TestRecheckOutOfOrder rechecks a mempool whose list has a key's nonce
// n+1 before n: both stay, and the view then expects n+2. A transaction
// kept ahead whose predecessor never comes is dropped by the next block's
// recheck.
func TestRecheckOutOfOrder(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	rnd := testchain.NewSeededRand(12)
	admin := c.Members["coop"].Admin
	var raws [][]byte
	for range 4 {
		raw := c.Sign(admin, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()})
		if res := c.Check(raw); res.Code != 0 {
			t.Fatal(res.Log)
		}
		raws = append(raws, raw)
	}
	recheck := func(raw []byte) *abci.CheckTxResponse {
		t.Helper()
		res, err := c.App.CheckTx(t.Context(), &abci.CheckTxRequest{Tx: raw, Type: abci.CHECK_TX_TYPE_RECHECK})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	c.Block(raws[0]) // nonce 1 committed; 2, 3, 4 pending
	// List order after concurrent admission: 3, 4, 2.
	for _, raw := range [][]byte{raws[2], raws[3], raws[1]} {
		if res := recheck(raw); res.Code != 0 {
			_, n := nonceOf(t, raw)
			t.Fatalf("recheck of nonce %d refused: %s", n, res.Log)
		}
	}
	if n, _ := c.App.NextNonce(admin.ID()); n != 5 {
		t.Fatalf("next nonce after the recheck = %d, want 5", n)
	}
	// The view consumed all three: nonce 5 is admitted, 4 is a replay.
	next := c.SignNonce(admin, 5, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()})
	if res := c.Check(next); res.Code != 0 {
		t.Fatalf("nonce 5 after the recheck: %s", res.Log)
	}
	dup := c.SignNonce(admin, 4, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()})
	if res := c.Check(dup); errcode.Code(res.Code) != errcode.NonceReplayed {
		t.Fatalf("nonce 4 again: code %d (%s), want nonce_replayed", res.Code, res.Log)
	}

	// Nonces 2 and 3 committed; the recheck sees 5 but 4 was lost (the
	// mempool dropped it): 5 is kept once, then dropped.
	c.Block(raws[1], raws[2])
	if res := recheck(next); res.Code != 0 {
		t.Fatalf("first recheck of a nonce ahead: %s", res.Log)
	}
	c.Block()
	if res := recheck(next); errcode.Code(res.Code) != errcode.NonceGap {
		t.Fatalf("second recheck of a nonce whose predecessor is gone: code %d (%s), want nonce_gap", res.Code, res.Log)
	}
}
