package tradeplug_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
	"github.com/dengta-chain/dengta/proof"
)

// The demo story's numbers.
const (
	demoCredit = "LC-JH-2026-0001"
	demoEBL    = "WYCL2026000001"
	demoEBL2   = "WYCL2026000002"
)

// demoNode runs a dev node and records the demo story on it.
func demoNode(t *testing.T) (*client.Client, string) {
	t.Helper()
	c, home, _ := demoNodeURL(t)
	return c, home
}

// demoNodeURL is demoNode with the gateway URL.
func demoNodeURL(t *testing.T) (*client.Client, string, string) {
	t.Helper()
	d, home := nodetest.Dev(t)
	c := client.New(d.GatewayURL)
	env := &plug.DemoEnv{Client: c, PublicURL: d.GatewayURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admin: func(org string) (*client.Key, error) { return client.KeyFrom(nodetest.AdminKey(t, home, org)), nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tradeplug.Module().Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}
	// Reads as customs (the regulator), which oversees every bill.
	return c.As(client.KeyFrom(nodetest.AdminKey(t, home, "regulator"))), home, d.GatewayURL
}

// TestDemoStoryAndProofs records the demo story on a real node, reads it
// back through the API, checks every proof bundle of the eBL offline
// against the genesis validators, and surrenders the bill once.
func TestDemoStoryAndProofs(t *testing.T) {
	c, home := demoNode(t)
	ctx := context.Background()
	v, err := client.Read(ctx, c, tradeapi.GetEBL, tradeapi.EBLParams{Ref: demoEBL, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.EBL.Controller != "foodgroup" || v.EBL.Endorsee != "foodgroup" || v.EBL.Presentation != "" || len(v.Steps) != 3 {
		t.Fatalf("demo eBL = %+v, %d steps", v.EBL, len(v.Steps))
	}
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Proofs) != 1+len(v.Steps) {
		t.Fatalf("%d proofs for the eBL and %d steps", len(v.Proofs), len(v.Steps))
	}
	for key, raw := range v.Proofs {
		r, err := proof.Verify([]byte(raw), trust)
		if err != nil {
			t.Fatalf("bundle of %s: %v", key, err)
		}
		if r.Key != key || !r.Exists {
			t.Fatalf("bundle of %s proves %q (exists %v)", key, r.Key, r.Exists)
		}
	}
	// The proven record says who controls the bill.
	var rec tradeapi.EBL
	if err := json.Unmarshal(mustVerify(t, []byte(v.Proofs[string(trade.EBLKey(demoEBL))]), trust).Value, &rec); err != nil || rec.Controller != "foodgroup" {
		t.Fatalf("proven eBL: %+v, %v", rec, err)
	}

	cv, err := client.Read(ctx, c, tradeapi.GetCredit, tradeapi.CreditParams{No: demoCredit, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	if cv.Credit.Drawn != 9_720_000 || cv.Available != 9_800_000+490_000-9_720_000 || len(cv.Presentations) != 1 || cv.Presentations[0].Status != tradeapi.PresSettled || len(cv.Proofs) != 2 {
		t.Fatalf("demo credit: drawn %d available %d presentations %+v, %d proofs", cv.Credit.Drawn, cv.Available, cv.Presentations, len(cv.Proofs))
	}
	for key, raw := range cv.Proofs {
		if _, err := proof.Verify([]byte(raw), trust); err != nil {
			t.Fatalf("bundle of %s: %v", key, err)
		}
	}

	// The food group surrenders the bill; a second surrender is refused.
	key := client.KeyFrom(nodetest.AdminKey(t, home, "foodgroup"))
	res, _, err := client.Send(ctx, c, key, tradeapi.SurrenderEBL, tradeapi.SurrenderBody{Ref: demoEBL, Purpose: tradeapi.SurrenderDelivery})
	if err != nil || res.Status != tradeapi.EBLSurrendered || res.Controller != "logistics" {
		t.Fatalf("surrender: %+v, %v", res, err)
	}
	_, _, err = client.Send(ctx, c, key, tradeapi.SurrenderEBL, tradeapi.SurrenderBody{Ref: demoEBL, Purpose: tradeapi.SurrenderDelivery})
	if !client.IsCode(err, "conflict") || !strings.Contains(err.Error(), "surrendered once") {
		t.Fatalf("second surrender: %v", err)
	}
	v, err = client.Read(ctx, c, tradeapi.GetEBL, tradeapi.EBLParams{Ref: demoEBL, Prove: true})
	if err != nil || v.Surrender == nil || v.Surrender.By != "foodgroup" {
		t.Fatalf("after surrender: %+v, %v", v, err)
	}
	if _, ok := v.Proofs[string(trade.SurrenderKey(demoEBL))]; !ok {
		t.Fatal("no proof bundle of the surrender")
	}

	// The other views.
	l, err := client.Read(ctx, c, tradeapi.ListEBLs, tradeapi.EBLListParams{Org: "market", In: trade.ListOffered})
	if err != nil || len(l.Items) != 1 || l.Items[0].Ref != demoEBL2 || l.Items[0].PendingTo != "market" || l.Next != "" {
		t.Fatalf("market's eBLs: %+v, %v", l, err)
	}
	cu, err := client.Read(ctx, c, tradeapi.Customs, tradeapi.CustomsParams{Port: "THLCH"})
	if err != nil || len(cu.EBLs) != 2 || cu.ByStatus[tradeapi.EBLSurrendered] != 1 || len(cu.Credits) != 1 || cu.Credits[0].Drawn != 9_720_000 {
		t.Fatalf("customs view: %+v, %v", cu, err)
	}
	sv, err := client.Read(ctx, c, tradeapi.BySSCC, tradeapi.SSCCParams{SSCC: "106141411234567897"})
	if err != nil || len(sv.EBLs) != 1 || sv.EBLs[0] != demoEBL {
		t.Fatalf("by SSCC: %+v, %v", sv, err)
	}
	cl, err := client.Read(ctx, c, tradeapi.ListCredits, tradeapi.CreditListParams{Org: "coop"})
	if err != nil || len(cl.Items) != 1 || cl.Items[0].Role != "beneficiary" || cl.Next != "" {
		t.Fatalf("coop's credits: %+v, %v", cl, err)
	}
}

func mustVerify(t *testing.T, raw []byte, trust proof.Trust) *proof.Report {
	t.Helper()
	r, err := proof.Verify(raw, trust)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTamperedEBLBundle changes an eBL's offline proof bundle in the ways
// a forger would, and the verifier names the check that fails each time.
func TestTamperedEBLBundle(t *testing.T) {
	c, home := demoNode(t)
	v, err := client.Read(context.Background(), c, tradeapi.GetEBL, tradeapi.EBLParams{Ref: demoEBL, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	genuine := []byte(v.Proofs[string(trade.EBLKey(demoEBL))])
	step1 := []byte(v.Proofs[string(trade.StepKey(demoEBL, 1))])
	mustVerify(t, genuine, trust)
	// reseal applies f to the parsed bundle and seals it again, as a
	// forger recomputing the integrity digest would.
	reseal := func(raw []byte, f func(b *proof.Bundle)) []byte {
		b, err := proof.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		f(b)
		if err := b.Seal(); err != nil {
			t.Fatal(err)
		}
		out, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	otherController := func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"controller":"foodgroup"`), []byte(`"controller":"market"`), 1)
	}
	tests := []struct {
		name  string
		raw   []byte
		trust proof.Trust
		check string
	}{
		{"controller edited in the file", bytes.Replace(genuine, []byte(`"controller": "foodgroup"`), []byte(`"controller": "market"`), 1), trust, "bundle"},
		{"one byte flipped", func() []byte { b := bytes.Clone(genuine); b[len(b)/2] ^= 1; return b }(), trust, "bundle"},
		{"controller edited and resealed", reseal(genuine, func(b *proof.Bundle) { b.Value, b.Record = otherController(b.Value), nil }), trust, "merkle proof"},
		{"readable record edited", reseal(genuine, func(b *proof.Bundle) {
			b.Record = json.RawMessage(bytes.Replace(b.Record, []byte(`"controller": "foodgroup"`), []byte(`"controller": "market"`), 1))
		}), trust, "record"},
		{"another key's proof", reseal(step1, func(b *proof.Bundle) { b.Key = string(trade.EBLKey(demoEBL)) }), trust, "merkle proof"},
		{"proof node changed", reseal(genuine, func(b *proof.Bundle) { b.Nodes[0][len(b.Nodes[0])-1] ^= 1 }), trust, "merkle proof"},
		{"untrusted validators", genuine, proof.Trust{SetHash: bytes.Repeat([]byte{1}, 32), Source: "another chain"}, "trusted validator set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Equal(tt.raw, genuine) && tt.check != "trusted validator set" {
				t.Fatal("the tampering changed nothing")
			}
			r, err := proof.Verify(tt.raw, tt.trust)
			if err == nil || r.OK {
				t.Fatal("the tampered bundle verifies")
			}
			last := r.Checks[len(r.Checks)-1]
			if last.OK || last.Name != tt.check {
				t.Fatalf("failed check %q (%s), want %q", last.Name, last.Detail, tt.check)
			}
		})
	}
}
