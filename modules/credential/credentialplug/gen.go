package credentialplug

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// gen makes random credential actions for the determinism harness. The
// harness takes no governance decisions, so the registry's decision
// actions, anchors, status changes and recognitions are refused (with
// well-formed bodies); type submissions, keys, lists and uses go through.
type gen struct {
	keys map[string][]string // kids each organisation added
	n    int
}

func newGen() plug.Gen { return &gen{keys: map[string][]string{}} }

func hexOf(r *rand.Rand) string {
	var b strings.Builder
	for range 4 {
		fmt.Fprintf(&b, "%016x", r.Uint64())
	}
	return b.String()
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	org := w.Orgs[r.IntN(len(w.Orgs))].ID
	types := catalog.Types()
	t := types[r.IntN(len(types))]
	kid := jws.Thumbprint(jws.JWK{Kty: "OKP", Crv: "Ed25519", X: hexOf(r)[:43]})
	switch r.IntN(13) {
	case 0:
		g.n++
		t.ID = fmt.Sprintf("%s%d", t.ID, g.n)
		if r.IntN(4) == 0 {
			t.Schema = `{"type":"string"}`
			return plug.Action{Org: org, Action: credentialapi.SubmitType.Name, Body: credentialapi.SubmitTypeBody{Type: t}}
		}
		return plug.Action{Org: org, Action: credentialapi.SubmitType.Name, Valid: true, Body: credentialapi.SubmitTypeBody{Type: t}}
	case 1:
		return plug.Action{Org: org, Action: credentialapi.RegisterType.Name, Valid: true,
			Body: credentialapi.RegisterTypeBody{ProposalID: 1 + r.Uint64N(5), ID: t.ID, Hash: credential.TypeHash(&t)}}
	case 2:
		return plug.Action{Org: org, Action: credentialapi.AuthorizeIssuer.Name, Valid: true,
			Body: credentialapi.IssuerBody{ProposalID: 1 + r.Uint64N(5), Type: t.ID, Issuer: w.Orgs[r.IntN(len(w.Orgs))].ID}}
	case 3:
		return plug.Action{Org: org, Action: credentialapi.WithdrawIssuer.Name, Valid: true,
			Body: credentialapi.IssuerBody{ProposalID: 1 + r.Uint64N(5), Type: t.ID, Issuer: org}}
	case 4:
		seed := make([]byte, 48)
		for i := range seed {
			seed[i] = byte(r.Uint32())
		}
		k, _ := jws.DeriveKey(jws.EdDSA, seed) // deterministic signatures: the harness signs once
		proof, _ := credential.KeyProof(k, "dengta-test", org)
		if r.IntN(5) == 0 {
			proof, _ = credential.KeyProof(k, "dengta-test", "someone-else")
		}
		return plug.Action{Org: org, Action: credentialapi.AddKey.Name, Valid: true, Tag: "key",
			Body: credentialapi.AddKeyBody{JWK: credential.WireJWK(&k.PublicKey), Proof: proof, Name: "generated"}}
	case 5:
		if ks := g.keys[org]; len(ks) > 0 {
			kid = ks[r.IntN(len(ks))]
		}
		return plug.Action{Org: org, Action: credentialapi.RevokeKey.Name, Valid: true, Body: credentialapi.RevokeKeyBody{Kid: kid, Reason: "轮换"}}
	case 6:
		size := 0
		if r.IntN(3) == 0 {
			size = 131072 + 8192
		}
		if r.IntN(6) == 0 {
			size = 1000
		}
		return plug.Action{Org: org, Action: credentialapi.OpenList.Name, Valid: true, Body: credentialapi.OpenListBody{Size: size}}
	case 7:
		return plug.Action{Org: org, Action: credentialapi.AnchorIssued.Name, Valid: true,
			Body: credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{{Hash: hexOf(r), Type: t.ID, Kid: kid, List: 1, Index: r.IntN(1000)}}}}
	case 8:
		return plug.Action{Org: org, Action: credentialapi.SetStatus.Name, Valid: true,
			Body: credentialapi.StatusBody{Hash: hexOf(r), Status: credentialapi.Statuses[r.IntN(3)]}}
	case 9:
		return plug.Action{Org: org, Action: credentialapi.RevokeByDecision.Name, Valid: true,
			Body: credentialapi.DecisionRevokeBody{ProposalID: 1 + r.Uint64N(5), Hash: hexOf(r)}}
	case 10:
		return plug.Action{Org: org, Action: credentialapi.Recognize.Name, Valid: true,
			Body: credentialapi.RecognizeBody{Type: t.ID, Issuers: []string{w.Orgs[r.IntN(len(w.Orgs))].ID}}}
	case 11:
		if r.IntN(6) == 0 {
			return plug.Action{Org: org, Action: credentialapi.RecordUse.Name, Body: []byte(`{"ref":"x","type":"T","issuer":"o","ok":true}`)}
		}
		u := credentialapi.UseBody{Ref: hexOf(r), Type: t.ID, Issuer: w.Orgs[r.IntN(len(w.Orgs))].ID, OK: r.IntN(2) == 0, Purpose: "抵押贷款"}
		if !u.OK {
			u.Failed = credentialapi.Checks[r.IntN(len(credentialapi.Checks))]
		}
		return plug.Action{Org: org, Action: credentialapi.RecordUse.Name, Valid: true, Body: u}
	default:
		return plug.Action{Org: org, Action: credentialapi.AnchorIssued.Name, Body: []byte(`{"credentials":[]}`)}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if a.Tag != "key" || code != 0 {
		return
	}
	var res credentialapi.KeyResult
	if json.Unmarshal(result, &res) == nil {
		g.keys[a.Org] = append(g.keys[a.Org], res.Kid)
	}
}
