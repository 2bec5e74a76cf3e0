package app_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

func orgs() []testchain.Org {
	return []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "coop", Roles: []role.Role{role.Producer}},
	}
}

// TestRejections runs every envelope rejection through CheckTx and through
// a block: each gets its code, and a block of only rejected transactions
// leaves the app hash and every nonce unchanged.
func TestRejections(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	admin := c.Members["coop"].Admin
	rnd := testchain.NewSeededRand(99)
	stranger := testchain.NewKey(t, tx.AlgoSM2, rnd)
	member := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	pub, _ := json.Marshal(map[string]any{"public_key": member.Public(), "admin": false})
	if res := c.Do(admin, "identity", "register_key", json.RawMessage(pub)); res.Code != 0 {
		t.Fatalf("register member: %s", res.Log)
	}
	validBody := func() []byte {
		k := testchain.NewKey(t, tx.AlgoEd25519, rnd)
		b, _ := json.Marshal(map[string]any{"public_key": k.Public()})
		return b
	}
	sign := func(k *tx.PrivateKey, chain string, nonce uint64, mod, action string, body []byte) []byte {
		tt := &tx.Tx{ChainID: chain, Nonce: nonce, Module: mod, Action: action, Body: body}
		if err := tt.Sign(k); err != nil {
			t.Fatal(err)
		}
		return tt.Encode()
	}
	badSig := sign(admin, testchain.ChainID, 2, "identity", "register_key", validBody())
	badSig[len(badSig)-5] ^= 0x01
	tooLarge := make([]byte, tx.MaxTxBytes+1)
	tooLarge[0] = 1

	tests := []struct {
		name string
		raw  []byte
		want errcode.Code
	}{
		{"garbage", []byte("hello"), errcode.Malformed},
		{"empty", []byte{}, errcode.Malformed},
		{"too large", tooLarge, errcode.TooLarge},
		{"wrong chain", sign(admin, "other-chain", 2, "identity", "register_key", validBody()), errcode.WrongChain},
		{"unknown signer", sign(stranger, testchain.ChainID, 1, "identity", "register_key", validBody()), errcode.UnknownSigner},
		{"bad signature", badSig, errcode.BadSignature},
		{"replayed nonce", sign(admin, testchain.ChainID, 1, "identity", "register_key", validBody()), errcode.NonceReplayed},
		{"nonce gap", sign(admin, testchain.ChainID, 5, "identity", "register_key", validBody()), errcode.NonceGap},
		{"not permitted", sign(member, testchain.ChainID, 1, "identity", "register_key", validBody()), errcode.Unauthorized},
		{"malformed body", sign(admin, testchain.ChainID, 2, "identity", "register_key", []byte(`{"public_key":1}`)), errcode.MalformedBody},
		{"unknown field", sign(admin, testchain.ChainID, 2, "identity", "register_key", []byte(`{"public_key":null,"x":1}`)), errcode.MalformedBody},
		{"unknown action", sign(admin, testchain.ChainID, 2, "identity", "launch", validBody()), errcode.UnknownAction},
		{"unknown module", sign(admin, testchain.ChainID, 2, "casino", "bet", validBody()), errcode.UnknownAction},
	}
	for _, tt := range tests {
		if res := c.Check(tt.raw); errcode.Code(res.Code) != tt.want || res.Log == "" {
			t.Errorf("%s: CheckTx code %s %q, want %s with a message", tt.name, errcode.Code(res.Code), res.Log, tt.want)
		}
	}
	// An unknown module is said to be one, not an unknown action of it.
	if res := c.Check(tests[len(tests)-1].raw); !strings.Contains(res.Log, `no module "casino"`) {
		t.Errorf("unknown module: %q", res.Log)
	}

	before := c.Store.Root()
	nonceBefore, _ := c.App.NextNonce(admin.ID())
	var raws [][]byte
	for _, tt := range tests {
		raws = append(raws, tt.raw)
	}
	results, hash := c.Block(raws...)
	for i, tt := range tests {
		want := tt.want
		if tt.name == "unknown field" {
			// The malformed body before it got past the envelope checks and
			// used nonce 2, so this second nonce-2 transaction is a replay.
			want = errcode.NonceReplayed
		}
		if errcode.Code(results[i].Code) != want {
			t.Errorf("%s: block code %s %q, want %s", tt.name, errcode.Code(results[i].Code), results[i].Log, want)
		}
	}
	_ = hash
	// State changes only by the nonce the malformed body used.
	nonceAfter, _ := c.App.NextNonce(admin.ID())
	if nonceAfter != nonceBefore+1 {
		t.Errorf("next nonce went from %d to %d, want +1 (only the malformed body's nonce)", nonceBefore, nonceAfter)
	}
	if c.Store.Root() == before {
		t.Errorf("app hash did not change although a nonce was consumed")
	}

	// A block of envelope rejections only changes nothing at all.
	before = c.Store.Root()
	var envelopeOnly [][]byte
	for _, tt := range tests {
		if tt.want != errcode.MalformedBody {
			envelopeOnly = append(envelopeOnly, tt.raw)
		}
	}
	c.Block(envelopeOnly...)
	if c.Store.Root() != before {
		t.Errorf("a block of rejected transactions changed the app hash")
	}
}

// TestCheckTxTracksPendingNonces: the mempool view accepts a signer's
// consecutive transactions before any is committed, and a failing action
// does not consume the nonce in that view.
func TestCheckTxTracksPendingNonces(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	admin := c.Members["coop"].Admin
	rnd := testchain.NewSeededRand(5)
	var pending [][]byte
	for range 5 {
		k := testchain.NewKey(t, tx.AlgoEd25519, rnd)
		raw := c.Sign(admin, "identity", "register_key", map[string]any{"public_key": k.Public()})
		if res := c.Check(raw); res.Code != 0 {
			t.Fatalf("check pending tx: %s", res.Log)
		}
		pending = append(pending, raw)
	}
	if n, _ := c.App.NextNonce(admin.ID()); n != 6 {
		t.Fatalf("next nonce with 5 pending = %d, want 6", n)
	}
	bad := c.SignNonce(admin, 6, "identity", "deactivate_key", map[string]any{"key_id": "00"})
	if res := c.Check(bad); res.Code == 0 {
		t.Fatal("bad body accepted")
	}
	if n, _ := c.App.NextNonce(admin.ID()); n != 6 {
		t.Fatalf("failed check consumed a nonce: next = %d", n)
	}
	results, _ := c.Block(pending...)
	for i, r := range results {
		if r.Code != 0 {
			t.Fatalf("pending tx %d: %s", i, r.Log)
		}
	}
	tries, hits := c.App.SignatureCacheStats()
	if hits < 5 {
		t.Errorf("signature cache: %d hits in %d lookups; the block should reuse the 5 checked signatures", hits, tries)
	}
}

func TestInfoAfterRestart(t *testing.T) {
	dir := t.TempDir()
	c := testchain.New(t, testchain.Options{Orgs: orgs(), Dir: dir})
	admin := c.Members["coop"].Admin
	k := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(1))
	c.Do(admin, "identity", "register_key", map[string]any{"public_key": k.Public()})
	_, hash := c.Block()
	c.Store.Close()

	c2 := testchain.Reopen(t, dir, c)
	info, err := c2.App.Info(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.LastBlockHeight != c.Height || !bytes.Equal(info.LastBlockAppHash, hash) {
		t.Fatalf("Info = height %d hash %X, want %d %X", info.LastBlockHeight, info.LastBlockAppHash, c.Height, hash)
	}
	if n, _ := c2.App.NextNonce(admin.ID()); n != 2 {
		t.Fatalf("next nonce after restart = %d, want 2", n)
	}
}

// TestNextNonceAcrossCommit: between a commit and the recheck that
// follows, the mempool's view does not hold the pending transactions, but
// NextNonce must still count them; a transaction the recheck drops lowers
// it again.
func TestNextNonceAcrossCommit(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	admin := c.Members["coop"].Admin
	rnd := testchain.NewSeededRand(8)
	var raws [][]byte
	for range 3 {
		k := testchain.NewKey(t, tx.AlgoEd25519, rnd)
		raw := c.Sign(admin, "identity", "register_key", map[string]any{"public_key": k.Public()})
		if res := c.Check(raw); res.Code != 0 {
			t.Fatal(res.Log)
		}
		raws = append(raws, raw)
	}
	c.Block(raws[0]) // only nonce 1 is committed
	if n, _ := c.App.NextNonce(admin.ID()); n != 4 {
		t.Fatalf("next nonce after the commit, before the recheck = %d, want 4", n)
	}
	recheck := func(raw []byte) uint32 {
		res, err := c.App.CheckTx(t.Context(), &abci.CheckTxRequest{Tx: raw, Type: abci.CHECK_TX_TYPE_RECHECK})
		if err != nil {
			t.Fatal(err)
		}
		return res.Code
	}
	if recheck(raws[1]) != 0 || recheck(raws[2]) != 0 {
		t.Fatal("recheck refused pending transactions")
	}
	if n, _ := c.App.NextNonce(admin.ID()); n != 4 {
		t.Fatalf("next nonce after the recheck = %d, want 4", n)
	}

	// Another transaction with nonce 2 is committed: the recheck drops the
	// pending nonce-2 and nonce-3 transactions, and the next nonce is 3.
	other := c.SignNonce(admin, 2, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()})
	c.Block(other)
	if recheck(raws[1]) == 0 {
		t.Fatal("recheck kept a replayed nonce")
	}
	if recheck(raws[2]) != 0 {
		t.Fatal("nonce 3 follows the committed nonce 2 and should stay")
	}
	if n, _ := c.App.NextNonce(admin.ID()); n != 4 {
		t.Fatalf("next nonce = %d, want 4 (nonce 3 still pending)", n)
	}
	// Once nonce 3 is committed, nothing is pending any more.
	c.Block(raws[2])
	if n, _ := c.App.NextNonce(admin.ID()); n != 4 {
		t.Fatalf("next nonce after committing nonce 3 = %d, want 4", n)
	}
}
