package app_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// TestCheckViewAcrossCommits: the mempool's view reads the committed state
// through a memo that lives one block. What it remembered (a key absent,
// a key active, a nonce) must not outlive the commit that changes it, and
// the mempool's own writes must shadow it.
func TestCheckViewAcrossCommits(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	admin := c.Members["coop"].Admin
	rnd := testchain.NewSeededRand(11)
	newKey := func() map[string]any {
		return map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()}
	}
	check := func(what string, raw []byte, want errcode.Code) {
		t.Helper()
		if res := c.Check(raw); errcode.Code(res.Code) != want {
			t.Fatalf("%s: CheckTx %s %q, want %s", what, errcode.Code(res.Code), res.Log, want)
		}
	}

	// Absent, then registered by a block: the memo's "absent" goes with
	// the commit.
	second := testchain.NewKey(t, tx.AlgoSM2, rnd)
	check("unregistered key", c.SignNonce(second, 1, "identity", "register_key", newKey()), errcode.UnknownSigner)
	if res := c.Do(admin, "identity", "register_key", map[string]any{"public_key": second.Public(), "admin": true}); res.Code != 0 {
		t.Fatal(res.Log)
	}
	check("registered key", c.SignNonce(second, 1, "identity", "register_key", newKey()), errcode.OK)

	// The mempool's nonce shadows the memo's (absent) committed one.
	check("next nonce", c.SignNonce(second, 2, "identity", "register_key", newKey()), errcode.OK)
	check("nonce used in the mempool", c.SignNonce(second, 2, "identity", "register_key", newKey()), errcode.NonceReplayed)
	check("nonce gap", c.SignNonce(second, 4, "identity", "register_key", newKey()), errcode.NonceGap)

	// Blocks that write no identity key pass the signers the memo found to
	// the next block's memo (memo.go); one that does, does not.
	c.Block()
	c.Block()
	check("key after two blocks", c.SignNonce(second, 1, "identity", "register_key", newKey()), errcode.OK)

	// Active, then deactivated by a block: the mempool sees it at once.
	if res := c.Do(admin, "identity", "deactivate_key", map[string]any{"key_id": second.ID()}); res.Code != 0 {
		t.Fatal(res.Log)
	}
	check("deactivated key", c.SignNonce(second, 1, "identity", "register_key", newKey()), errcode.KeyInactive)

	// A committed nonce replaces the memo's.
	third := c.Sign(admin, "identity", "register_key", newKey())
	check("admin's next nonce", third, errcode.OK)
	c.Block(third)
	check("admin's nonce after its commit", c.SignNonce(admin, 3, "identity", "register_key", newKey()), errcode.NonceReplayed)
}

// TestPreCheckTx: a pre-check only fills the signature cache; CheckTx
// answers the same as without it.
func TestPreCheckTx(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs()})
	c.Block() // the genesis is committed: the mempool's view has the keys
	admin := c.Members["coop"].Admin
	rnd := testchain.NewSeededRand(12)
	body := func() map[string]any {
		return map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()}
	}

	good := c.Sign(admin, "identity", "register_key", body())
	c.App.PreCheckTx(good)
	tries, hits := c.App.SignatureCacheStats()
	if res := c.Check(good); res.Code != 0 {
		t.Fatalf("pre-checked tx: %s", res.Log)
	}
	if t2, h2 := c.App.SignatureCacheStats(); t2 != tries+1 || h2 != hits+1 {
		t.Errorf("CheckTx after a pre-check: %d lookups %d hits, want %d %d", t2, h2, tries+1, hits+1)
	}

	bad := c.Sign(admin, "identity", "register_key", body())
	bad[len(bad)-3] ^= 1
	c.App.PreCheckTx(bad)
	if res := c.Check(bad); errcode.Code(res.Code) != errcode.BadSignature {
		t.Errorf("pre-checked bad signature: CheckTx %s %q", errcode.Code(res.Code), res.Log)
	}
	stranger := testchain.NewKey(t, tx.AlgoSM2, rnd)
	unknown := c.SignNonce(stranger, 1, "identity", "register_key", body())
	c.App.PreCheckTx(unknown)
	if res := c.Check(unknown); errcode.Code(res.Code) != errcode.UnknownSigner {
		t.Errorf("pre-checked unknown signer: CheckTx %s %q", errcode.Code(res.Code), res.Log)
	}
	for _, raw := range [][]byte{nil, []byte("junk"), make([]byte, tx.MaxTxBytes+1)} {
		c.App.PreCheckTx(raw) // must not panic
	}
}

// TestCheckedDeterminism runs the random workload of TestDeterminism
// through the mempool path too: on one chain every transaction is first
// pre-checked (concurrently, as the node's RPC and peer goroutines do) and
// checked, on another only checked, and a third only executes blocks.
// CheckTx must answer the same with and without pre-checks, and the blocks
// must give the same results and app hashes on all three.
func TestCheckedDeterminism(t *testing.T) {
	orgs := []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "coop", Roles: []role.Role{role.Producer}, Validator: true},
		{ID: "bank", Roles: []role.Role{role.Bank}, Validator: true},
		{ID: "court", Roles: []role.Role{role.Inspector}, Validator: true},
		{ID: "market", Roles: []role.Role{role.Logistics}},
	}
	const seed = 7
	plain := testchain.New(t, testchain.Options{Orgs: orgs, Seed: seed})
	checked := testchain.New(t, testchain.Options{Orgs: orgs, Seed: seed, Dir: t.TempDir()})
	pre := testchain.New(t, testchain.Options{Orgs: orgs, Seed: seed, Dir: t.TempDir()})
	w := newWorkload(t, plain, seed)
	for h := 1; h <= 60; h++ {
		txs := w.block()
		var wg sync.WaitGroup
		for _, raw := range txs {
			wg.Go(func() { pre.App.PreCheckTx(raw) })
		}
		wg.Wait()
		for i, raw := range txs {
			rc, rp := checked.Check(raw), pre.Check(raw)
			if rc.Code != rp.Code || rc.Log != rp.Log {
				t.Fatalf("height %d tx %d: CheckTx %d %q, after a pre-check %d %q", h, i, rc.Code, rc.Log, rp.Code, rp.Log)
			}
		}
		r1, h1 := plain.Block(txs...)
		r2, h2 := checked.Block(txs...)
		r3, h3 := pre.Block(txs...)
		if !bytes.Equal(h1, h2) || !bytes.Equal(h1, h3) {
			t.Fatalf("height %d: app hashes differ: %X %X %X", h, h1, h2, h3)
		}
		for i := range r1 {
			if r1[i].Code != r2[i].Code || r1[i].Log != r2[i].Log || r1[i].Code != r3[i].Code || r1[i].Log != r3[i].Log {
				t.Fatalf("height %d tx %d: results differ: %d %q / %d %q / %d %q", h, i, r1[i].Code, r1[i].Log, r2[i].Code, r2[i].Log, r3[i].Code, r3[i].Log)
			}
		}
		w.resync()
	}
}
