package charity_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/proof/prooftest"
)

// provenTrail is a donation's trail bundle over a signed copy of a test
// chain's state: the records are the chain's, committed again in a
// prooftest state whose next header its validators sign.
type provenTrail struct {
	raw     []byte
	trust   proof.Trust
	receipt string
	salt    []byte
	pc      *prooftest.Chain
}

func proveTrail(t *testing.T, c *testchain.Chain, receipt string, height int64) *provenTrail {
	t.Helper()
	records := map[string][]byte{}
	for k, v := range testchain.Snapshot(t, c, "charity/") {
		records[k] = []byte(v)
	}
	pc, err := prooftest.New(prooftest.Config{ChainID: testchain.ChainID, Height: height}, records)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	tr, keys, err := charity.ComputeTrail(charity.StateRecords(c.View()), receipt)
	if err != nil {
		t.Fatal(err)
	}
	tr.Height = pc.Height
	var proofs [][]byte
	for _, k := range keys {
		p, err := pc.Prove(string(k))
		if err != nil {
			t.Fatal(err)
		}
		b, err := proof.New(pc.ChainID, pc.Height, p, pc.Header, pc.Set)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		proofs = append(proofs, raw)
	}
	raw, err := trailproof.Assemble(pc.ChainID, tr, proofs)
	if err != nil {
		t.Fatal(err)
	}
	return &provenTrail{raw: raw, trust: proof.Trust{SetHash: pc.SetHash(), Source: "the test validators"}, receipt: receipt, pc: pc}
}

// trailChain is the story of a ¥100 donation: granted on to a county
// charity, half spent on school supplies the school signed for, the rest
// unspent there.
func trailChain(t *testing.T) (*testchain.Chain, string, []byte) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	register(t, c, "cty", 2, false)
	p1 := project(t, c, "fdn", "T-1")
	p2 := project(t, c, "cty", "T-2")
	salt := []byte("0123456789abcdef")
	r := do(t, c, "bank", "donate", charityapi.DonateBody{Project: p1, Line: "grants", AmountFen: 10_000, Channel: "wechat_pay",
		DonorHash: charityapi.DonorHash(salt, "138 0013 8000")}, errcode.OK)["receipt"].(string)
	g := id(do(t, c, "fdn", "grant", charityapi.GrantBody{From: p1, Line: "grants", To: p2, AmountFen: 10_000, Purpose: "拨款"}, errcode.OK))
	do(t, c, "cty", "confirm_grant", charityapi.IDBody{ID: g}, errcode.OK)
	d := id(do(t, c, "cty", "disburse", charityapi.DisburseBody{Project: p2, Line: "supplies", AmountFen: 5_000, Payee: "shop", Beneficiary: "school",
		Purpose: "文具", InvoiceSHA256: sha("inv")}, errcode.OK))
	do(t, c, "school", "accept", charityapi.AcceptBody{Disbursement: d, DocSHA256: sha("ok")}, errcode.OK)
	do(t, c, "cty", "disburse", charityapi.DisburseBody{Project: p2, Line: "supplies", AmountFen: 1_000, Payee: "shop", Beneficiary: "school2",
		Purpose: "图书", InvoiceSHA256: sha("inv2")}, errcode.OK)
	return c, r, salt
}

func TestTrailBundle(t *testing.T) {
	c, r, salt := trailChain(t)
	pt := proveTrail(t, c, r, 7)
	rep, err := trailproof.Verify(pt.raw, pt.trust, nil)
	if err != nil {
		for _, ch := range rep.Checks {
			t.Log(ch.Name, ch.OK, ch.Detail)
		}
		t.Fatal(err)
	}
	tr := rep.Trail
	if len(tr.Steps) != 4 || tr.DeliveredFen != 6_000 || tr.UnspentFen != 4_000 || tr.Steps[1].Acceptance == nil || tr.Steps[2].Acceptance != nil {
		t.Fatalf("proven trail %q, delivered %d", stepsOf(tr), tr.DeliveredFen)
	}
	var names []string
	for _, ch := range rep.Checks {
		names = append(names, ch.Name)
	}
	if strings.Join(names, ",") != "bundle,proof,height,records,trail,sums" {
		t.Fatalf("checks %v", names)
	}
	// The donor, with the identity and the key of the receipt.
	hexKey := func(b []byte) string { return hexOf(b) }
	if rep, err := trailproof.Verify(pt.raw, pt.trust, &trailproof.Donor{Identity: "13800138000", Key: hexKey(salt)}); err != nil || !rep.Donor {
		t.Fatalf("the donor's claim: %v", err)
	}
	if _, err := trailproof.Verify(pt.raw, pt.trust, &trailproof.Donor{Identity: "13800138001", Key: hexKey(salt)}); err == nil || !strings.HasPrefix(err.Error(), "donor: ") {
		t.Fatalf("another identity's claim: %v", err)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return string(out)
}

// TestTrailBundleTampered changes a proven trail bundle, byte by byte and
// by edits whose outer digest is sealed again (what a forger would do),
// and requires the verifier to fail with the check that catches each.
func TestTrailBundleTampered(t *testing.T) {
	c, r, _ := trailChain(t)
	pt := proveTrail(t, c, r, 7)
	other := proveTrail(t, c, r, 8) // the same records, signed at another height
	decode := func() *trailproof.Bundle {
		var b trailproof.Bundle
		if err := json.Unmarshal(pt.raw, &b); err != nil {
			t.Fatal(err)
		}
		return &b
	}
	reseal := func(edit func(b *trailproof.Bundle)) []byte {
		b := decode()
		edit(b)
		raw, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	// proofIndex finds the proof of a key.
	proofIndex := func(b *trailproof.Bundle, prefix string) int {
		for i, p := range b.Proofs {
			if bytes.Contains(p, []byte(`"key": "`+prefix)) {
				return i
			}
		}
		t.Fatalf("no proof of %s", prefix)
		return -1
	}
	flip := func(at int) []byte {
		raw := bytes.Clone(pt.raw)
		raw[at] ^= 0x01
		return raw
	}
	for _, tc := range []struct {
		name  string
		raw   []byte
		trust proof.Trust
		check string
	}{
		{"a byte of the trail", flip(bytes.Index(pt.raw, []byte(`"amount_fen"`)) + 14), pt.trust, trailproof.CheckBundle},
		{"a byte of a proof", flip(bytes.Index(pt.raw, []byte(`"proof_nodes"`)) + 30), pt.trust, trailproof.CheckBundle},
		{"reformatted", bytes.ReplaceAll(pt.raw, []byte("\n  "), []byte("\n   ")), pt.trust, trailproof.CheckBundle},
		{"a step's amount, resealed", reseal(func(b *trailproof.Bundle) {
			b.Trail = bytes.Replace(b.Trail, []byte(`"amount_fen": 5000`), []byte(`"amount_fen": 5500`), 1)
		}), pt.trust, trailproof.CheckTrail},
		{"the disbursement's payee, resealed", reseal(func(b *trailproof.Bundle) {
			b.Trail = bytes.ReplaceAll(b.Trail, []byte(`"payee": "shop"`), []byte(`"payee": "plain"`))
		}), pt.trust, trailproof.CheckTrail},
		{"a proven record's value, resealed", reseal(func(b *trailproof.Bundle) {
			i := proofIndex(b, "charity/disb/")
			b.Proofs[i] = bytes.Replace(b.Proofs[i], []byte(`"payee": "shop"`), []byte(`"payee": "plain"`), 1)
		}), pt.trust, trailproof.CheckProof},
		{"the acceptance's proof dropped", reseal(func(b *trailproof.Bundle) {
			i := proofIndex(b, "charity/accept/")
			b.Proofs = append(b.Proofs[:i], b.Proofs[i+1:]...)
		}), pt.trust, trailproof.CheckRecords},
		{"a disbursement's proof dropped", reseal(func(b *trailproof.Bundle) {
			i := proofIndex(b, "charity/disb/")
			b.Proofs = append(b.Proofs[:i], b.Proofs[i+1:]...)
		}), pt.trust, trailproof.CheckRecords},
		{"a proof from another height", reseal(func(b *trailproof.Bundle) {
			var o trailproof.Bundle
			_ = json.Unmarshal(other.raw, &o)
			b.Proofs[0] = o.Proofs[0]
		}), pt.trust, trailproof.CheckHeight},
		{"another donation's receipt, resealed", reseal(func(b *trailproof.Bundle) { b.Receipt = "DN20260301-00000000000000000000" }), pt.trust, trailproof.CheckRecords},
		{"untrusted validators", pt.raw, proof.Trust{SetHash: bytes.Repeat([]byte{7}, 32), Source: "someone else"}, trailproof.CheckProof},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if bytes.Equal(tc.raw, pt.raw) && tc.trust.Source == pt.trust.Source {
				t.Fatal("the tampering changed nothing")
			}
			rep, err := trailproof.Verify(tc.raw, tc.trust, nil)
			if err == nil || rep.OK {
				t.Fatal("the tampered bundle verifies")
			}
			last := rep.Checks[len(rep.Checks)-1]
			if last.OK || last.Name != tc.check || !strings.HasPrefix(err.Error(), tc.check+": ") {
				t.Fatalf("failed at %q (%v), want the %q check", last.Name, err, tc.check)
			}
			t.Logf("%s: %s", last.Name, last.Detail)
		})
	}
}

// FuzzTrailBundle feeds the verifier random edits of a genuine bundle: it
// must never panic, and must accept only the bundle itself.
func FuzzTrailBundle(f *testing.F) {
	f.Add([]byte(`{}`), 0, byte(0))
	f.Add([]byte(`{"format":"dengta-charity-trail/1"}`), 10, byte(1))
	f.Add([]byte("not json"), 3, byte(0xff))
	var genuine []byte
	var trust proof.Trust
	f.Fuzz(func(t *testing.T, extra []byte, at int, x byte) {
		if genuine == nil {
			c, r, _ := trailChain(t)
			pt := proveTrail(t, c, r, 7)
			genuine, trust = pt.raw, pt.trust
		}
		for _, raw := range [][]byte{extra, edit(genuine, at, x)} {
			rep, err := trailproof.Verify(raw, trust, nil)
			if err == nil && !bytes.Equal(raw, genuine) {
				t.Fatalf("an edited bundle verifies (report %+v)", rep.Checks)
			}
		}
	})
}

// edit changes one byte of b (x = 0 deletes it).
func edit(b []byte, at int, x byte) []byte {
	if len(b) == 0 {
		return b
	}
	at = (at%len(b) + len(b)) % len(b)
	out := bytes.Clone(b)
	if x == 0 {
		return append(out[:at], out[at+1:]...)
	}
	out[at] ^= x
	return out
}
