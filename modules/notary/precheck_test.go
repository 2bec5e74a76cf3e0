package notary_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/notary"
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

// TestDecodedBodyFromTheMempool: a node that admitted a deposit hands the
// body its mempool check decoded to the block's handler (ADR 0018); a node
// that never saw the deposit decodes the bytes in the block. Both must
// end the same: the check leaves the body as decoded, and the two chains
// give the same results, events and app hash.
func TestDecodedBodyFromTheMempool(t *testing.T) {
	checked, fresh := newChain(t), newChain(t)
	k := admin(checked, "dep-a")
	capture := map[string]any{"source_url": "https://weibo.com/1/2", "tool": "取证工具 2.1", "captured_at": "2026-01-01T07:30:00+08:00"}
	bodies := []map[string]any{
		depositOf(1),
		with(depositOf(2), "capture", capture, "description", "网页截图\n第二行"),
		depositOf(1), // the same file again: answers the first record
		with(depositOf(3), "supplements", "EV20260101-0123456789ABCDEF0123"), // refused in the block
		with(depositOf(4), "evidence_type", "image", "media_type", "image/png", "size", 0),
	}
	var deposit module.Action
	for _, a := range (notary.Module{}).Actions() {
		if a.Name == "deposit" {
			deposit = a
		}
	}
	if deposit.Precheck == nil {
		t.Fatal("notary/deposit has no Precheck")
	}
	var txs [][]byte
	for i, b := range bodies {
		raw := checked.Sign(k, "notary", "deposit", b)
		fresh.Sign(k, "notary", "deposit", b)
		if res := checked.Check(raw); res.Code != 0 {
			t.Fatalf("body %d: CheckTx %s %q", i, errcode.Code(res.Code), res.Log)
		}
		// What the check decoded is what the bytes decode to afresh.
		body, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := deposit.Precheck(body)
		if err != nil {
			t.Fatalf("body %d: Precheck: %v", i, err)
		}
		again := reflect.New(deposit.Body)
		if err := module.DecodeBody(body, again.Interface()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(decoded, again.Interface()) {
			t.Fatalf("body %d: the check changed the body it decoded:\n%#v\nafresh:\n%#v", i, decoded, again.Interface())
		}
		txs = append(txs, raw)
	}
	_, hits0 := checked.App.DecodedBodyStats()
	got, gotHash := checked.Block(txs...)
	want, wantHash := fresh.Block(txs...)
	if _, hits := checked.App.DecodedBodyStats(); hits-hits0 != uint64(len(txs)) {
		t.Fatalf("the checked chain's block took %d decoded bodies, want %d", hits-hits0, len(txs))
	}
	if _, hits := fresh.App.DecodedBodyStats(); hits != 0 {
		t.Fatalf("a chain that checked nothing took %d decoded bodies", hits)
	}
	for i := range txs {
		g, w := got[i], want[i]
		if g.Code != w.Code || g.Log != w.Log || !bytes.Equal(g.Data, w.Data) || !reflect.DeepEqual(g.Events, w.Events) {
			t.Errorf("tx %d: with the decoded body %d %q %s, afresh %d %q %s", i, g.Code, g.Log, g.Data, w.Code, w.Log, w.Data)
		}
	}
	if errcode.Code(got[3].Code) != errcode.NotFound || got[0].Code != 0 || got[4].Code != 0 {
		t.Fatalf("codes %d %d %d, want ok, not_found, ok", got[0].Code, got[3].Code, got[4].Code)
	}
	if !bytes.Equal(gotHash, wantHash) {
		t.Fatalf("app hash %X with the decoded bodies, %X afresh", gotHash, wantHash)
	}
	// A replay of committed bytes finds no body and fails as a replay on
	// both chains.
	r1, h1 := checked.Block(txs[0])
	r2, h2 := fresh.Block(txs[0])
	if r1[0].Code == 0 || r1[0].Code != r2[0].Code || !bytes.Equal(h1, h2) {
		t.Fatalf("replay: %d %q against %d %q", r1[0].Code, r1[0].Log, r2[0].Code, r2[0].Log)
	}
}
