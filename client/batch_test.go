package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

func batchDeposit(i int, supplements string) map[string]any {
	data := []byte(fmt.Sprintf("batch file %d", i))
	a, b := sha256.Sum256(data), sm3.Sum(data)
	m := map[string]any{"sha256": hex.EncodeToString(a[:]), "sm3": hex.EncodeToString(b[:]),
		"file_name": fmt.Sprintf("invoice-%d.pdf", i), "size": 100 + i, "media_type": "application/pdf", "evidence_type": "contract"}
	if supplements != "" {
		m["supplements"] = supplements
	}
	return m
}

// TestSubmitBatch sends signed deposits of two keys in one request through
// a real node, mixed with transactions that must be refused or fail, and
// checks every transaction's outcome at its index, that refusals changed
// nothing and that the same bytes twice commit once.
func TestSubmitBatch(t *testing.T) {
	d, home := nodetest.Dev(t)
	ctx := context.Background()
	c := client.New(d.GatewayURL)
	signers := nodetest.NewSigners(t, d, home, tx.AlgoEd25519, []string{"logistics", "market"})
	a, b := signers[0], signers[1]

	var raws [][]byte
	want := map[int]string{}
	for i := range 120 {
		s := a
		if i%2 == 1 {
			s = b
		}
		raws = append(raws, s.Sign(t, d.ChainID, "notary", "deposit", batchDeposit(i, "")))
		want[len(raws)-1] = client.BatchCommitted
	}
	// The same bytes again: taken once, answered with the same record.
	raws = append(raws, raws[0])
	want[len(raws)-1] = client.BatchCommitted
	// A signature that does not verify: refused.
	bad := a.Sign(t, d.ChainID, "notary", "deposit", batchDeposit(1000, ""))
	bad[len(bad)-3] ^= 1
	raws = append(raws, bad)
	want[len(raws)-1] = client.BatchRefused
	// Garbage: refused, no hash.
	raws = append(raws, []byte("not a transaction"))
	want[len(raws)-1] = client.BatchRefused
	// Admitted on its body (ADR 0018), refused by state in its block: the
	// record it supplements does not exist.
	raws = append(raws, b.Sign(t, d.ChainID, "notary", "deposit", batchDeposit(1001, "EV20260101-0123456789ABCDEF0123")))
	want[len(raws)-1] = client.BatchFailed

	res, err := c.SubmitBatch(ctx, raws)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("tx %d: %s (%+v), want %s", i, r.Status, r.Err, want[i])
			continue
		}
		switch r.Status {
		case client.BatchCommitted:
			if r.Record == nil || r.Record.Code != 0 || r.Record.Height == 0 || r.Hash != r.Record.Hash {
				t.Errorf("tx %d: committed without its record: %+v", i, r)
			}
			if r.Record != nil {
				seen[r.Hash]++
			}
		case client.BatchRefused, client.BatchFailed:
			if r.Err == nil || r.Err.Message == "" || r.Err.Hint == "" {
				t.Errorf("tx %d: %s without an error and its hint: %+v", i, r.Status, r.Err)
			}
		}
	}
	if e := res[121].Err; e == nil || e.Name != "bad_signature" {
		t.Errorf("bad signature: %+v", e)
	}
	if e := res[122].Err; e == nil || e.Name != "malformed_tx" || res[122].Hash == "" {
		t.Errorf("garbage: %+v, hash %q (the hash of the bytes sent)", e, res[122].Hash)
	}
	if e := res[123].Err; e == nil || e.Name != "not_found" || res[123].Record == nil || res[123].Record.Height == 0 {
		t.Errorf("supplement of a missing record: %+v", res[123])
	}
	if r0, r1 := res[0].Record, res[120].Record; r0 == nil || r1 == nil || r0.Hash != r1.Hash || r0.Height != r1.Height || r0.Index != r1.Index {
		t.Errorf("the same bytes twice: records %+v and %+v", res[0].Record, res[120].Record)
	}

	// Each key's nonce moved by what it committed or failed, not by the
	// refused transactions.
	for _, k := range []struct {
		s    *nodetest.Signer
		want uint64
	}{{a, 60 + 1}, {b, 60 + 1 + 1}} {
		next, err := c.NextNonce(ctx, k.s.Key.ID().String())
		if err != nil {
			t.Fatal(err)
		}
		// +1: register_key was signed by the admin, so the new key starts
		// at 1; a's refused signature never consumed a nonce.
		if next != k.want {
			t.Errorf("key %s: next nonce %d, want %d", k.s.Key.ID(), next, k.want)
		}
	}

	// Answered after admission, then committed: looked up by hash.
	// (b: a's counter counted the refused signature, which the chain did not.)
	async := [][]byte{b.Sign(t, d.ChainID, "notary", "deposit", batchDeposit(2000, "")), b.Sign(t, d.ChainID, "notary", "deposit", batchDeposit(2001, ""))}
	ar, err := c.SubmitBatchAsync(ctx, async)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range ar {
		if r.Status != client.BatchAccepted || r.Record != nil {
			t.Fatalf("async tx %d: %+v, want accepted", i, r)
		}
		rec, err := c.Commit(ctx, async[i])
		if err != nil || rec.Hash != r.Hash {
			t.Fatalf("async tx %d: commit %+v, %v", i, rec, err)
		}
	}

	// Requests the node refuses as a whole.
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"txs":[]}`, http.StatusBadRequest},
		{`{"txs":["AA=="],"extra":1}`, http.StatusBadRequest},
		{`{"txs":[` + strings.Repeat(`"AA==",`, client.MaxBatch) + `"AA=="]}`, http.StatusRequestEntityTooLarge},
	} {
		resp, err := http.Post(d.GatewayURL+"/v1/txs/batch", "application/json", bytes.NewReader([]byte(tc.body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("body %.40s…: status %d, want %d", tc.body, resp.StatusCode, tc.status)
		}
	}
	if _, err := c.SubmitBatch(ctx, nil); err == nil {
		t.Error("SubmitBatch of nothing: no error")
	}
}

// TestSubmitBatchMempoolFull: a batch larger than the node's mempool is
// taken up to the mempool's size; the rest is refused with mempool_full
// and nothing of it happens, and sending the refused part again (in order)
// commits it. A batch that arrives while the mempool is still full (its
// last block's transactions answered, not yet cleared from it) is refused
// whole with mempool_full, and sent again. No transaction is lost or
// committed twice.
func TestSubmitBatchMempoolFull(t *testing.T) {
	d, home := nodetest.DevWith(t, modules.Registry(), func(c *cmtcfg.Config) { c.Mempool.Size = 40 })
	ctx := context.Background()
	c := client.New(d.GatewayURL)
	s := nodetest.NewSigners(t, d, home, tx.AlgoEd25519, []string{"logistics"})[0]
	var raws [][]byte
	for i := range 150 {
		raws = append(raws, s.Sign(t, d.ChainID, "notary", "deposit", batchDeposit(3000+i, "")))
	}
	committed := map[string]bool{}
	rest := raws
	full := 0 // batches refused whole
	for round := 0; len(rest) > 0; round++ {
		if round == 20 {
			t.Fatalf("%d transactions still refused after 20 rounds", len(rest))
		}
		res, err := c.SubmitBatch(ctx, rest)
		if client.IsCode(err, "mempool_full") && full < 100 {
			full++
			round--
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		first := -1
		for i, r := range res {
			switch r.Status {
			case client.BatchCommitted:
				if first >= 0 {
					t.Fatalf("round %d: tx %d committed after tx %d was refused", round, i, first)
				}
				if committed[r.Hash] {
					t.Fatalf("round %d: tx %s committed twice", round, r.Hash)
				}
				committed[r.Hash] = true
			case client.BatchRefused:
				if r.Err == nil || r.Err.Name != "mempool_full" {
					t.Fatalf("round %d: tx %d refused with %+v, want mempool_full", round, i, r.Err)
				}
				if first < 0 {
					first = i
				}
			default:
				t.Fatalf("round %d: tx %d %s (%+v)", round, i, r.Status, r.Err)
			}
		}
		if round == 0 && first < 0 {
			t.Fatal("the mempool of 40 took a batch of 150 whole")
		}
		if first < 0 {
			rest = nil
		} else {
			rest = rest[first:]
		}
	}
	if len(committed) != len(raws) {
		t.Fatalf("%d of %d committed", len(committed), len(raws))
	}
	next, err := c.NextNonce(ctx, s.Key.ID().String())
	if err != nil || next != uint64(len(raws))+1 {
		t.Fatalf("next nonce %d (%v), want %d", next, err, len(raws)+1)
	}
}
