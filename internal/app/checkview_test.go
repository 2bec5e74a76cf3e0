package app_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
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
