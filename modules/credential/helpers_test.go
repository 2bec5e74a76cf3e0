package credential_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// The test consortium: a real-estate registry, a university, a market
// regulator (which oversees), a bank that relies on certificates, and a
// court.
const (
	estate = "estate"
	univ   = "univ"
	reg    = "regulator"
	bank   = "bank"
	court  = "court"
)

func consortium() []testchain.Org {
	return []testchain.Org{
		{ID: reg, Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: estate},
		{ID: univ},
		{ID: bank, Roles: []role.Role{role.Bank}},
		{ID: court},
	}
}

var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: []module.Module{credential.Module{}}, Roles: role.MustSet(credentialapi.Roles...), Orgs: consortium(), Time: start})
}

// do runs one credential action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	return testchain.Do(t, c, org, credentialapi.Name, action, body, want)
}

// result decodes an action's result into v.
func result(t testing.TB, res *abci.ExecTxResult, v any) {
	t.Helper()
	if err := json.Unmarshal(res.Data, v); err != nil {
		t.Fatalf("result %s: %v", res.Data, err)
	}
}

// decide has the consortium pass an authorize_action proposal for a
// credential action on subject and returns its id.
func decide(t testing.TB, c *testchain.Chain, action, subject string) uint64 {
	t.Helper()
	body := map[string]any{"kind": "authorize_action", "reason": "联盟决议：" + action,
		"action": map[string]any{"module": credentialapi.Name, "action": action, "subject": subject}}
	testchain.WantCode(t, "propose", c.Do(c.Members[reg].Admin, "identity", "propose", body), errcode.OK)
	var id uint64
	for n := uint64(1); ; n++ {
		if _, err := identity.GetProposal(c.View(), n); err != nil {
			id = n - 1
			break
		}
	}
	for _, o := range slices.Sorted(maps.Keys(c.Members)) {
		if p, _ := identity.GetProposal(c.View(), id); p.Status != identity.StatusVoting {
			break
		}
		if o != reg {
			testchain.WantCode(t, "vote", c.Do(c.Members[o].Admin, "identity", "vote", map[string]any{"proposal_id": id, "approve": true}), errcode.OK)
		}
	}
	if p, _ := identity.GetProposal(c.View(), id); p.Status != identity.StatusPassed {
		t.Fatalf("proposal %d is %s", id, p.Status)
	}
	return id
}

// registerType submits a catalogue type and registers it by decision.
func registerType(t testing.TB, c *testchain.Chain, id string) credentialapi.TypeDef {
	t.Helper()
	d, ok := catalog.Get(id)
	if !ok {
		t.Fatalf("no catalogue type %s", id)
	}
	var tr credentialapi.TypeResult
	result(t, do(t, c, estate, "submit_type", credentialapi.SubmitTypeBody{Type: d}, errcode.OK), &tr)
	pid := decide(t, c, "register_type", tr.Subject)
	do(t, c, court, "register_type", credentialapi.RegisterTypeBody{ProposalID: pid, ID: id, Hash: tr.Hash}, errcode.OK)
	return d
}

// authorize authorises org to issue typ by decision.
func authorize(t testing.TB, c *testchain.Chain, typ, org string) {
	t.Helper()
	pid := decide(t, c, "authorize_issuer", credential.IssuerSubject(typ, org))
	do(t, c, bank, "authorize_issuer", credentialapi.IssuerBody{ProposalID: pid, Type: typ, Issuer: org}, errcode.OK)
}

// addKey publishes a new key of alg for org and returns it.
func addKey(t testing.TB, c *testchain.Chain, org, alg string) *jws.PrivateKey {
	t.Helper()
	k, err := jws.NewKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	proof, err := credential.KeyProof(k, testchain.ChainID, org)
	if err != nil {
		t.Fatal(err)
	}
	do(t, c, org, "add_key", credentialapi.AddKeyBody{JWK: credential.WireJWK(&k.PublicKey), Proof: proof, Name: "test key"}, errcode.OK)
	return k
}

// issuer is an organisation ready to anchor: authorised for the real
// estate type, with a key and a status list.
type issuer struct {
	org string
	key *jws.PrivateKey
	n   int // anchors made, for fresh hashes and entries
}

func newIssuer(t testing.TB, c *testchain.Chain) *issuer {
	t.Helper()
	registerType(t, c, catalog.RealEstate)
	authorize(t, c, catalog.RealEstate, estate)
	is := &issuer{org: estate, key: addKey(t, c, estate, jws.ES256)}
	do(t, c, estate, "open_list", credentialapi.OpenListBody{}, errcode.OK)
	return is
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// item is the anchor item of the issuer's next credential.
func (is *issuer) item() credentialapi.AnchorItem {
	is.n++
	return credentialapi.AnchorItem{Hash: hashOf(fmt.Sprintf("credential %d of %s", is.n, is.org)), Type: catalog.RealEstate, Kid: is.key.Thumbprint(), List: 1, Index: is.n * 7}
}

// anchor anchors the issuer's next credential and returns its item.
func (is *issuer) anchor(t testing.TB, c *testchain.Chain) credentialapi.AnchorItem {
	t.Helper()
	it := is.item()
	do(t, c, is.org, "anchor", credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{it}}, errcode.OK)
	return it
}

type vcase testchain.Case

const (
	mal      = errcode.MalformedBody
	notFound = errcode.NotFound
	unauth   = errcode.Unauthorized
	ruleV    = errcode.RuleViolation
	conflict = errcode.Conflict
)
