package credential_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/moduletest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// TestRoles is the design of who may do what: every member acts for
// itself, the registry changes by governance decisions.
func TestRoles(t *testing.T) {
	moduletest.CheckRoles(t, credential.Module{}, map[string][]role.Role{
		"submit_type":        nil,
		"register_type":      moduletest.ByDecision,
		"authorize_issuer":   moduletest.ByDecision,
		"withdraw_issuer":    moduletest.ByDecision,
		"add_key":            nil,
		"revoke_key":         nil,
		"open_list":          nil,
		"anchor":             nil,
		"set_status":         nil,
		"revoke_by_decision": moduletest.ByDecision,
		"recognize":          nil,
		"record_use":         nil,
	})
}

func TestCatalogueTypesAreValid(t *testing.T) {
	for _, d := range catalog.Types() {
		if err := credential.CheckTypeDef(&d); err != nil {
			t.Errorf("%s: %v", d.ID, err)
		}
	}
}

func TestSubmitTypeRefusals(t *testing.T) {
	c := newChain(t)
	good, _ := catalog.Get(catalog.Degree)
	with := func(f func(d *credentialapi.TypeDef)) credentialapi.SubmitTypeBody {
		d := good
		d.Claims = append([]credentialapi.Claim(nil), good.Claims...)
		f(&d)
		return credentialapi.SubmitTypeBody{Type: d}
	}
	do(t, c, univ, "submit_type", credentialapi.SubmitTypeBody{Type: good}, errcode.OK)
	testchain.Refusals(t, c, credentialapi.Name, univ, "submit_type", []vcase{
		{Name: "lowercase id", Body: with(func(d *credentialapi.TypeDef) { d.ID = "degree" }), Want: mal},
		{Name: "W3C type name", Body: with(func(d *credentialapi.TypeDef) { d.ID = "VerifiableCredential" }), Want: mal},
		{Name: "no name", Body: with(func(d *credentialapi.TypeDef) { d.Name = "" }), Want: mal},
		{Name: "no claims", Body: with(func(d *credentialapi.TypeDef) { d.Claims = nil }), Want: mal},
		{Name: "claim id", Body: with(func(d *credentialapi.TypeDef) { d.Claims[0].Name = "id" }), Want: mal},
		{Name: "claim twice", Body: with(func(d *credentialapi.TypeDef) { d.Claims[1].Name = d.Claims[0].Name }), Want: mal},
		{Name: "claim not in schema", Body: with(func(d *credentialapi.TypeDef) {
			d.Claims = append(d.Claims, credentialapi.Claim{Name: "extra", ZH: "额外", EN: "Extra"})
		}), Want: mal},
		{Name: "schema property not a claim", Body: with(func(d *credentialapi.TypeDef) { d.Claims = d.Claims[1:] }), Want: mal},
		{Name: "schema not JSON", Body: with(func(d *credentialapi.TypeDef) { d.Schema = "{" }), Want: mal},
		{Name: "schema of a string", Body: with(func(d *credentialapi.TypeDef) { d.Schema = `{"type":"string"}` }), Want: mal},
		{Name: "schema with an external ref", Body: with(func(d *credentialapi.TypeDef) {
			d.Schema = strings.Replace(d.Schema, `"type": "object"`, `"type": "object", "$ref": "https://example.com/x.json"`, 1)
		}), Want: mal},
		{Name: "schema with a file ref", Body: with(func(d *credentialapi.TypeDef) {
			d.Schema = strings.Replace(d.Schema, `"type": "object"`, `"type": "object", "$ref": "file:///etc/passwd"`, 1)
		}), Want: mal},
		{Name: "schema that does not compile", Body: with(func(d *credentialapi.TypeDef) {
			d.Schema = strings.Replace(d.Schema, `"type": "object"`, `"type": "object", "minProperties": "many"`, 1)
		}), Want: mal},
		{Name: "validity too long", Body: with(func(d *credentialapi.TypeDef) { d.ValidityDays = 40000 }), Want: mal},
		{Name: "same definition again", Body: credentialapi.SubmitTypeBody{Type: good}, Want: conflict},
	})
}

// TestRegistryByGovernance: a type and its issuers change only by passed
// governance decisions, each carried out once; a withdrawn issuer cannot
// anchor, and what it anchored before stays.
func TestRegistryByGovernance(t *testing.T) {
	c := newChain(t)
	d, _ := catalog.Get(catalog.RealEstate)
	var tr credentialapi.TypeResult
	result(t, do(t, c, estate, "submit_type", credentialapi.SubmitTypeBody{Type: d}, errcode.OK), &tr)
	if tr.Hash != credential.TypeHash(&d) || tr.Subject != catalog.RealEstate+":"+tr.Hash {
		t.Fatalf("submit result %+v", tr)
	}
	regBody := func(pid uint64) credentialapi.RegisterTypeBody {
		return credentialapi.RegisterTypeBody{ProposalID: pid, ID: catalog.RealEstate, Hash: tr.Hash}
	}
	do(t, c, bank, "register_type", regBody(1), notFound)
	// A decision naming another definition authorises nothing here.
	other := decide(t, c, "register_type", catalog.RealEstate+":"+strings.Repeat("0", 64))
	do(t, c, bank, "register_type", regBody(other), unauth)
	pid := decide(t, c, "register_type", tr.Subject)
	// A member key cannot carry a decision out; an admin key of any
	// organisation can, once.
	member := testchain.NewKey(t, 1, testchain.NewSeededRand(9))
	testchain.WantCode(t, "register", c.Do(c.Members[court].Admin, "identity", "register_key", map[string]any{"public_key": member.Public()}), errcode.OK)
	testchain.WantCode(t, "member key", c.Do(member, credentialapi.Name, "register_type", regBody(pid)), errcode.Unauthorized)
	do(t, c, court, "register_type", regBody(pid), errcode.OK)
	do(t, c, court, "register_type", regBody(pid), conflict)
	got, err := credential.GetType(c.View(), catalog.RealEstate)
	if err != nil || got.Hash != tr.Hash || got.ProposalID != pid || got.Name != "不动产权证书" {
		t.Fatalf("registered %+v, %v", got, err)
	}
	// A registered type is never redefined.
	d2 := d
	d2.Description = "另一版本"
	do(t, c, estate, "submit_type", credentialapi.SubmitTypeBody{Type: d2}, conflict)

	// Issuers.
	key := addKey(t, c, estate, jws.ES256)
	do(t, c, estate, "open_list", credentialapi.OpenListBody{}, errcode.OK)
	it := credentialapi.AnchorItem{Hash: hashOf("x"), Type: catalog.RealEstate, Kid: key.Thumbprint(), List: 1, Index: 5}
	do(t, c, estate, "anchor", credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{it}}, unauth)
	authorize(t, c, catalog.RealEstate, estate)
	pidAgain := decide(t, c, "authorize_issuer", credential.IssuerSubject(catalog.RealEstate, estate))
	do(t, c, bank, "authorize_issuer", credentialapi.IssuerBody{ProposalID: pidAgain, Type: catalog.RealEstate, Issuer: estate}, conflict)
	do(t, c, estate, "anchor", credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{it}}, errcode.OK)
	anchoredAt := c.Height
	w := decide(t, c, "withdraw_issuer", credential.IssuerSubject(catalog.RealEstate, estate))
	do(t, c, reg, "withdraw_issuer", credentialapi.IssuerBody{ProposalID: w, Type: catalog.RealEstate, Issuer: estate}, errcode.OK)
	it2 := it
	it2.Hash, it2.Index = hashOf("y"), 6
	do(t, c, estate, "anchor", credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{it2}}, unauth)
	a, ok, _ := credential.GetIssuer(c.View(), catalog.RealEstate, estate)
	if !ok || a.Active || len(a.Periods) != 1 || !a.Authorized(anchoredAt) || a.Authorized(c.Height) {
		t.Fatalf("authorisation %+v", a)
	}
	if _, err := credential.GetAnchor(c.View(), it.Hash); err != nil {
		t.Fatalf("the anchor made while authorised: %v", err)
	}
	// Authorised again: a second period.
	authorize(t, c, catalog.RealEstate, estate)
	a, _, _ = credential.GetIssuer(c.View(), catalog.RealEstate, estate)
	if !a.Active || len(a.Periods) != 2 {
		t.Fatalf("re-authorised %+v", a)
	}
	do(t, c, estate, "anchor", credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{it2}}, errcode.OK)
}

func TestKeys(t *testing.T) {
	c := newChain(t)
	for _, alg := range jws.Algorithms {
		addKey(t, c, univ, alg)
	}
	k, _ := jws.NewKey(jws.ES256)
	proofFor := func(chain, org string) string {
		p, err := credential.KeyProof(k, chain, org)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	other, _ := jws.NewKey(jws.ES256)
	otherProof, _ := credential.KeyProof(other, testchain.ChainID, univ)
	body := func(proof string) credentialapi.AddKeyBody {
		return credentialapi.AddKeyBody{JWK: credential.WireJWK(&k.PublicKey), Proof: proof}
	}
	testchain.Refusals(t, c, credentialapi.Name, univ, "add_key", []vcase{
		{Name: "proof for another organisation", Body: body(proofFor(testchain.ChainID, estate)), Want: mal},
		{Name: "proof for another chain", Body: body(proofFor("other-chain", univ)), Want: mal},
		{Name: "proof by another key", Body: body(otherProof), Want: mal},
		{Name: "no proof", Body: body(""), Want: mal},
		{Name: "off-curve key", Body: credentialapi.AddKeyBody{JWK: credentialapi.JWK{Kty: "EC", Crv: "P-256", X: k.JWK().X, Y: k.JWK().X}, Proof: proofFor(testchain.ChainID, univ)}, Want: mal},
		{Name: "a private key", Body: map[string]any{"jwk": k.PrivateJWK(), "proof": proofFor(testchain.ChainID, univ)}, Want: mal},
	})
	do(t, c, univ, "add_key", body(proofFor(testchain.ChainID, univ)), errcode.OK)
	do(t, c, univ, "add_key", body(proofFor(testchain.ChainID, univ)), conflict)
	do(t, c, estate, "revoke_key", credentialapi.RevokeKeyBody{Kid: k.Thumbprint()}, notFound)
	do(t, c, univ, "revoke_key", credentialapi.RevokeKeyBody{Kid: k.Thumbprint(), Reason: "轮换"}, errcode.OK)
	do(t, c, univ, "revoke_key", credentialapi.RevokeKeyBody{Kid: k.Thumbprint()}, conflict)
	do(t, c, univ, "add_key", body(proofFor(testchain.ChainID, univ)), conflict)
	keys, err := credential.Keys(c.View(), univ)
	if err != nil || len(keys) != 4 {
		t.Fatalf("%d keys, %v", len(keys), err)
	}
	v, err := credential.DIDView(c.View(), testchain.ChainID, univ)
	if err != nil {
		t.Fatal(err)
	}
	if v.DID != "did:dengta:dengta-test:univ" || strings.Count(string(v.Document), `"JsonWebKey"`) != 3 || strings.Contains(string(v.Document), k.Thumbprint()) {
		t.Fatalf("DID document %s", v.Document)
	}
}
