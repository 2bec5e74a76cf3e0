package app_test

import (
	"bytes"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// FuzzPrepareProposal gives PrepareProposal any mempool list drawn from a
// pool of signed transactions (two signers, nonces 1 to 6, a second
// transaction reusing nonce 2) and undecodable bytes, and checks the
// proposal: only transactions of the list, every undecodable one kept in
// its order, each signer's transactions exactly its nonces 1..k in order
// with k the longest run the list holds, within the byte limit, and the
// same proposal every time.
func FuzzPrepareProposal(f *testing.F) {
	c := testchain.New(f, testchain.Options{Orgs: orgs()})
	rnd := testchain.NewSeededRand(21)
	signers := []*tx.PrivateKey{c.Members["coop"].Admin, c.Members["regulator"].Admin}
	var pool [][]byte
	for _, k := range signers {
		for n := uint64(1); n <= 6; n++ {
			pool = append(pool, c.SignNonce(k, n, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(f, tx.AlgoEd25519, rnd).Public()}))
		}
		pool = append(pool, c.SignNonce(k, 2, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(f, tx.AlgoEd25519, rnd).Public()}))
	}
	pool = append(pool, []byte("junk"), []byte{0x01, 0x02})
	f.Add([]byte{0, 1, 2, 3}, uint16(0))
	f.Add([]byte{3, 2, 1, 0, 13, 9, 8, 7}, uint16(0))
	f.Add([]byte{0, 6, 1, 14, 2, 15, 12, 11}, uint16(900))
	f.Fuzz(func(t *testing.T, picks []byte, limit uint16) {
		if len(picks) > 64 {
			picks = picks[:64]
		}
		in := make([][]byte, len(picks))
		for i, p := range picks {
			in[i] = pool[int(p)%len(pool)]
		}
		req := &abci.PrepareProposalRequest{Txs: in, MaxTxBytes: int64(limit)}
		res, err := c.App.PrepareProposal(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := c.App.PrepareProposal(t.Context(), req)
		if !slices.EqualFunc(res.Txs, again.Txs, bytes.Equal) {
			t.Fatal("two proposals from one list differ")
		}
		var total int64
		left := slices.Clone(in)
		for _, out := range res.Txs {
			total += int64(len(out))
			i := slices.IndexFunc(left, func(b []byte) bool { return bytes.Equal(b, out) })
			if i < 0 {
				t.Fatalf("the proposal has a transaction the list does not (or has it more often)")
			}
			left = slices.Delete(left, i, i+1)
		}
		if limit > 0 && total > int64(limit) {
			t.Fatalf("the proposal has %d bytes, over the limit %d", total, limit)
		}
		if limit > 0 {
			return // the byte limit cuts the proposal anywhere: the rest is for unlimited proposals
		}
		var junkIn, junkOut [][]byte
		for _, b := range in {
			if _, err := tx.Decode(b); err != nil {
				junkIn = append(junkIn, b)
			}
		}
		perSigner := map[tx.KeyID][]uint64{}
		for _, b := range res.Txs {
			d, err := tx.Decode(b)
			if err != nil {
				junkOut = append(junkOut, b)
				continue
			}
			perSigner[d.Signer] = append(perSigner[d.Signer], d.Nonce)
		}
		if !slices.EqualFunc(junkIn, junkOut, bytes.Equal) {
			t.Fatalf("undecodable transactions moved or went: %d in, %d out", len(junkIn), len(junkOut))
		}
		for _, k := range signers {
			have := map[uint64]bool{}
			for _, b := range in {
				if d, err := tx.Decode(b); err == nil && d.Signer == k.ID() {
					have[d.Nonce] = true
				}
			}
			run := uint64(0)
			for have[run+1] {
				run++
			}
			got := perSigner[k.ID()]
			if uint64(len(got)) != run {
				t.Fatalf("signer %s: %d transactions kept (%v), the list holds the run 1..%d", k.ID(), len(got), got, run)
			}
			for i, n := range got {
				if n != uint64(i+1) {
					t.Fatalf("signer %s: nonces %v, want 1..%d in order", k.ID(), got, run)
				}
			}
		}
	})
}
