package carbon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/retireproof"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/proof/prooftest"
)

// proveClosure signs a copy of the chain's carbon state with test
// validators and assembles the closure's bundle from proofs of it.
func proveClosure(t *testing.T, c *testchain.Chain, id string, edit func(records map[string][]byte)) ([]byte, proof.Trust) {
	t.Helper()
	records := map[string][]byte{}
	for k, v := range testchain.Snapshot(t, c, "carbon/") {
		records[k] = []byte(v)
	}
	keys, err := retireproof.Keys(c.View(), id)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(records)
	}
	pc, err := prooftest.New(prooftest.Config{ChainID: testchain.ChainID, Height: 7}, records)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	var proofs []retireproof.Proof
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
		proofs = append(proofs, retireproof.Proof{Key: string(k), Bundle: string(raw)})
	}
	raw, err := retireproof.Assemble(pc.ChainID, pc.Height, id, proofs)
	if err != nil {
		t.Fatal(err)
	}
	return raw, proof.Trust{SetHash: pc.SetHash(), Source: "the test validators"}
}

func TestRetirementBundle(t *testing.T) {
	c := newChain(t)
	_, bs := credits(t, c, "dev", 1_000, false)
	do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: bs[1], To: "food", Quantity: 200}, errcode.OK)
	rt := id(do(t, c, "food", "retire", carbonapi.RetireBody{Batch: bs[1], Quantity: 75, Beneficiary: "皖北食品集团有限公司", Purpose: "2026 年度产品碳足迹抵消", ClaimYear: 2026}, errcode.OK))

	raw, trust := proveClosure(t, c, rt, nil)
	rep, err := retireproof.Verify(raw, trust)
	if err != nil || !rep.OK || rep.Closure.Quantity != 75 || rep.Project == nil || rep.Verification == nil || rep.Closure.Beneficiary != "皖北食品集团有限公司" {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	// Re-encoded as an API answer re-encodes it, the bundle still
	// verifies: the inner bundles are strings, their bytes unchanged, and
	// the outer digest is over the content, not its white space.
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(v)
	if _, err := retireproof.Verify(compact, trust); err != nil {
		t.Fatalf("the compacted bundle: %v", err)
	}
	var b retireproof.Bundle
	if err := json.Unmarshal(compact, &b); err != nil {
		t.Fatal(err)
	}
	again, _ := b.Marshal()
	if string(again) != string(raw) {
		t.Fatal("a bundle decoded from a re-encoded answer does not give back its bytes")
	}

	// What must fail, and at which check.
	for _, tc := range []struct {
		name, check string
		raw         func() []byte
		trust       proof.Trust
	}{
		{"an edited beneficiary", "integrity", func() []byte { return []byte(strings.Replace(string(raw), `"closure": "RT`, `"closure": "CX`, 1)) }, trust},
		{"another validator set", "proof", func() []byte { return raw }, proof.Trust{SetHash: make([]byte, 32)}},
		{"a proof dropped", "batch", func() []byte {
			var b retireproof.Bundle
			if err := json.Unmarshal(raw, &b); err != nil {
				t.Fatal(err)
			}
			b.Proofs = b.Proofs[:1]
			out, _ := b.Marshal()
			return out
		}, trust},
		{"a closure naming serials beyond its batch", "serials", func() []byte {
			out, _ := proveClosure(t, c, rt, func(records map[string][]byte) {
				k := "carbon/closure/" + rt
				records[k] = []byte(strings.Replace(string(records[k]), `"to":75`, `"to":501`, 1))
			})
			return out
		}, proof.Trust{}},
		{"a verification by the developer", "verification", func() []byte {
			out, _ := proveClosure(t, c, rt, func(records map[string][]byte) {
				for k, v := range records {
					if strings.HasPrefix(k, "carbon/verif/") {
						records[k] = []byte(strings.Replace(string(v), `"org":"ver"`, `"org":"dev"`, 1))
					}
				}
			})
			return out
		}, proof.Trust{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.raw()
			tr := tc.trust
			if tr.SetHash == nil {
				// Bundles re-proven over edited records have their own
				// (test) validators: trust them, so that the record checks
				// are what fails.
				var b retireproof.Bundle
				if err := json.Unmarshal(raw, &b); err != nil {
					t.Fatal(err)
				}
				tr = trustOf(t, b)
			}
			rep, err := retireproof.Verify(raw, tr)
			if err == nil || rep.OK {
				t.Fatal("verified")
			}
			last := rep.Checks[len(rep.Checks)-1]
			if last.OK || last.Name != tc.check {
				t.Fatalf("failed at %+v, want %q (%v)", last, tc.check, err)
			}
		})
	}

	// A claim of green certificates proves its plant.
	do(t, c, "gec", "register_plant", carbonapi.PlantBody{Code: "AH-PV-0001", Name: "屋顶光伏", Technology: "solar", CapacityKW: 1_000, Province: "安徽省", Owner: "food"}, errcode.OK)
	g := batches(do(t, c, "gec", "issue_gec", carbonapi.GECBody{Plant: "AH-PV-0001", Month: "2026-01", Quantity: 100}, errcode.OK))[0]
	cl := id(do(t, c, "food", "claim_gec", carbonapi.ClaimBody{Batch: g, Quantity: 40, Year: 2026}, errcode.OK))
	raw, trust = proveClosure(t, c, cl, nil)
	if rep, err := retireproof.Verify(raw, trust); err != nil || rep.Plant == nil || rep.Closure.Kind != carbonapi.Claimed {
		t.Fatalf("claim: %v %+v", err, rep)
	}
}

// trustOf trusts the validators that signed a bundle's first proof.
func trustOf(t *testing.T, b retireproof.Bundle) proof.Trust {
	t.Helper()
	pb, err := proof.Parse([]byte(b.Proofs[0].Bundle))
	if err != nil {
		t.Fatal(err)
	}
	h, err := proof.SetHash(pb.Validators)
	if err != nil {
		t.Fatal(err)
	}
	return proof.Trust{SetHash: h, Source: "the bundle's own validators"}
}

// FuzzRetirementBundle feeds the verifier arbitrary bundles, starting from
// a good one: it never panics, and anything it accepts is a closure whose
// serials lie in its batch.
func FuzzRetirementBundle(f *testing.F) {
	f.Add([]byte(`{"format":"dengta-carbon-retirement/1","proofs":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		rep, err := retireproof.Verify(raw, proof.Trust{SetHash: make([]byte, 32)})
		if err == nil {
			if rep.Closure == nil || rep.Batch == nil || carbonapi.Total(rep.Closure.Ranges) != rep.Closure.Quantity {
				t.Fatalf("accepted %+v", rep)
			}
		}
	})
}
