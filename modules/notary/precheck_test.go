package notary_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// TestDepositPrecheck: the mempool checks a deposit's body alone (ADR
// 0018). A body the action refuses never reaches a block and leaves the
// mempool's nonce where it was; a deposit refused by state (it supplements
// a record that does not exist) is admitted, fails in its block with the
// code the full check would have given, and consumes its nonce there.
func TestDepositPrecheck(t *testing.T) {
	c := newChain(t)
	k := admin(c, "dep-a")
	next := func() uint64 {
		n, err := c.App.NextNonce(k.ID())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	bad := depositOf(1)
	bad["sha256"] = "not hex"
	n0 := next()
	if res := c.Check(c.SignUnconsumed(k, "notary", "deposit", bad)); errcode.Code(res.Code) != errcode.MalformedBody || res.Log == "" {
		t.Fatalf("bad digest: CheckTx code %s %q, want malformed_body with a message", errcode.Code(res.Code), res.Log)
	}
	if n := next(); n != n0 {
		t.Fatalf("a refused body moved the mempool's next nonce from %d to %d", n0, n)
	}

	orphan := depositOf(2)
	orphan["supplements"] = "EV20260101-0123456789ABCDEF0123"
	raw := c.Sign(k, "notary", "deposit", orphan)
	if res := c.Check(raw); res.Code != 0 {
		t.Fatalf("supplement of a missing record: CheckTx code %s %q, want admitted (decided in the block)", errcode.Code(res.Code), res.Log)
	}
	if n := next(); n != n0+1 {
		t.Fatalf("admitted deposit: next nonce %d, want %d", n, n0+1)
	}
	results, _ := c.Block(raw)
	if errcode.Code(results[0].Code) != errcode.NotFound {
		t.Fatalf("in the block: code %s %q, want not_found", errcode.Code(results[0].Code), results[0].Log)
	}
	committed, err := c.App.CommittedNonce(k.ID())
	if err != nil {
		t.Fatal(err)
	}
	if committed != n0 {
		t.Fatalf("the failed deposit left the committed nonce at %d, want %d (consumed)", committed, n0)
	}

	// The same deposit without the supplement commits.
	if res := c.Do(k, "notary", "deposit", depositOf(2)); res.Code != 0 {
		t.Fatalf("deposit: %s", res.Log)
	}
}
