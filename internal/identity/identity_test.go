package identity_test

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

func fourOrgs() []testchain.Org {
	return []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "coop", Roles: []role.Role{role.Producer}, Validator: true},
		{ID: "bank", Roles: []role.Role{role.Bank}, Validator: true},
		{ID: "court", Roles: []role.Role{role.Inspector}, Validator: true},
	}
}

func wantCode(t *testing.T, what string, got uint32, want errcode.Code) {
	t.Helper()
	if errcode.Code(got) != want {
		t.Fatalf("%s: code %s (%d), want %s", what, errcode.Code(got), got, want)
	}
}

func pubJSON(k *tx.PrivateKey) tx.PublicKey { return k.Public() }

func TestRegisterDeactivateRotate(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	rnd := testchain.NewSeededRand(7)
	coop := c.Members["coop"].Admin
	clerk := testchain.NewKey(t, tx.AlgoSM2, rnd)

	res := c.Do(coop, "identity", "register_key", map[string]any{"public_key": pubJSON(clerk), "admin": false, "name": "clerk"})
	wantCode(t, "register", res.Code, errcode.OK)
	k, err := identity.GetKey(c.View(), clerk.ID())
	if err != nil || k.Org != "coop" || k.Admin || !k.Active || k.Name != "clerk" {
		t.Fatalf("registered key = %+v, %v", k, err)
	}

	// The same key again, by anyone, is a conflict.
	res = c.Do(c.Members["bank"].Admin, "identity", "register_key", map[string]any{"public_key": pubJSON(clerk), "admin": false})
	wantCode(t, "register twice", res.Code, errcode.Conflict)

	// A member key cannot manage keys.
	res = c.Do(clerk, "identity", "register_key", map[string]any{"public_key": pubJSON(testchain.NewKey(t, tx.AlgoEd25519, rnd)), "admin": false})
	wantCode(t, "member registers", res.Code, errcode.Unauthorized)

	// Another organisation's admin cannot deactivate coop's key.
	res = c.Do(c.Members["bank"].Admin, "identity", "deactivate_key", map[string]any{"key_id": clerk.ID()})
	wantCode(t, "foreign deactivate", res.Code, errcode.Unauthorized)

	// Signed by the clerk before rotation: must still verify afterwards.
	oldTx := c.Sign(clerk, "identity", "register_key", map[string]any{"public_key": pubJSON(testchain.NewKey(t, tx.AlgoEd25519, rnd))})
	c.ResetNonce(clerk.ID(), 1)

	clerk2 := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	res = c.Do(coop, "identity", "rotate_key", map[string]any{"key_id": clerk.ID(), "public_key": pubJSON(clerk2)})
	wantCode(t, "rotate", res.Code, errcode.OK)
	old, err := identity.GetKey(c.View(), clerk.ID())
	if err != nil || old.Active || old.ReplacedBy == nil || *old.ReplacedBy != clerk2.ID() || old.Deactivated != c.Height {
		t.Fatalf("rotated key = %+v, %v", old, err)
	}
	nk, err := identity.GetKey(c.View(), clerk2.ID())
	if err != nil || !nk.Active || nk.Org != "coop" || nk.Name != "clerk" {
		t.Fatalf("new key = %+v, %v", nk, err)
	}
	decoded, err := tx.Decode(oldTx)
	if err != nil {
		t.Fatal(err)
	}
	if err := decoded.VerifySignature(old.PublicKey); err != nil {
		t.Errorf("old signature no longer verifies against the key on record: %v", err)
	}
	// The rotated key can no longer sign.
	res = c.Do(clerk, "identity", "deactivate_key", map[string]any{"key_id": clerk2.ID()})
	wantCode(t, "old key signs", res.Code, errcode.KeyInactive)

	res = c.Do(coop, "identity", "deactivate_key", map[string]any{"key_id": clerk2.ID()})
	wantCode(t, "deactivate", res.Code, errcode.OK)
	res = c.Do(coop, "identity", "deactivate_key", map[string]any{"key_id": clerk2.ID()})
	wantCode(t, "deactivate twice", res.Code, errcode.Conflict)
}

func TestLastAdminCannotBeDeactivated(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	coop := c.Members["coop"].Admin
	res := c.Do(coop, "identity", "deactivate_key", map[string]any{"key_id": coop.ID()})
	wantCode(t, "deactivate last admin", res.Code, errcode.RuleViolation)

	second := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(3))
	wantCode(t, "add admin", c.Do(coop, "identity", "register_key", map[string]any{"public_key": pubJSON(second), "admin": true}).Code, errcode.OK)
	wantCode(t, "deactivate first admin", c.Do(second, "identity", "deactivate_key", map[string]any{"key_id": coop.ID()}).Code, errcode.OK)
	wantCode(t, "deactivate second admin", c.Do(second, "identity", "deactivate_key", map[string]any{"key_id": second.ID()}).Code, errcode.RuleViolation)
}

func newOrgSpec(t testing.TB, id string) (identity.OrgSpec, []byte) {
	t.Helper()
	k := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(11))
	c, _ := identity.USCCCheck("91340000MA9000099")
	priv := validatorKey(11)
	val := []byte(priv.Public().(ed25519.PublicKey))
	return identity.OrgSpec{ID: id, Name: "新成员", USCC: "91340000MA9000099" + string(c), Roles: []role.Role{role.Logistics},
		AdminKeys: []tx.PublicKey{k.Public()}, Validator: &identity.Validator{PubKey: val, Proof: identity.ProvePossession(testchain.ChainID, id, priv)}}, val
}

func TestGovernanceAddOrgNeedsMoreThanTwoThirds(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	spec, val := newOrgSpec(t, "market")
	res := c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "add_org", "org": spec, "reason": "new supermarket"})
	wantCode(t, "propose", res.Code, errcode.OK)
	p, err := identity.GetProposal(c.View(), 1)
	if err != nil || p.Status != identity.StatusVoting || len(p.Votes) != 1 {
		t.Fatalf("proposal = %+v, %v", p, err)
	}
	// 2 of 4 approve: not yet (needs more than 8/3, i.e. 3).
	wantCode(t, "vote coop", c.Do(c.Members["coop"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}).Code, errcode.OK)
	if _, err := identity.GetOrg(c.View(), "market"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("org added with 2 of 4 votes: %v", err)
	}
	wantCode(t, "vote coop again", c.Do(c.Members["coop"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}).Code, errcode.Conflict)

	// The third approval passes it and adds the validator in the same block.
	blockRes, _ := c.Block(c.Sign(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}))
	wantCode(t, "vote bank", blockRes[0].Code, errcode.OK)
	org, err := identity.GetOrg(c.View(), "market")
	if err != nil || !org.Active || org.Validator == nil {
		t.Fatalf("added org = %+v, %v", org, err)
	}
	p, _ = identity.GetProposal(c.View(), 1)
	if p.Status != identity.StatusPassed || p.Closed != c.Height {
		t.Fatalf("proposal after passing = %+v", p)
	}
	n, _ := identity.ActiveOrgs(c.View())
	if n != 5 {
		t.Fatalf("active orgs = %d, want 5", n)
	}
	// Its admin key works at once.
	mk := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(11))
	wantCode(t, "new org acts", c.Do(mk, "identity", "register_key", map[string]any{"public_key": pubJSON(testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(12)))}).Code, errcode.OK)
	_ = val
	wantCode(t, "vote closed", c.Do(c.Members["court"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}).Code, errcode.Conflict)
}

func TestGovernanceValidatorUpdates(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	spec, val := newOrgSpec(t, "market")
	c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "add_org", "org": spec})
	c.Do(c.Members["coop"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true})
	res, err := c.TryBlock(c.Sign(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ValidatorUpdates) != 1 || string(res.ValidatorUpdates[0].PubKeyBytes) != string(val) || res.ValidatorUpdates[0].Power != identity.DefaultValidatorPower {
		t.Fatalf("validator updates = %+v", res.ValidatorUpdates)
	}

	// Removing coop takes its validator out (power 0).
	c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "remove_org", "org_id": "coop"})
	c.Do(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 2, "approve": true})
	c.Do(c.Members["court"].Admin, "identity", "vote", map[string]any{"proposal_id": 2, "approve": true})
	// 3 of 5 is not more than 2/3; the market's vote makes 4 of 5.
	mk := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(11))
	res, err = c.TryBlock(c.Sign(mk, "identity", "vote", map[string]any{"proposal_id": 2, "approve": true}))
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "market vote", res.TxResults[0].Code, errcode.OK)
	coop, _ := identity.GetOrg(c.View(), "coop")
	if coop.Active || len(res.ValidatorUpdates) != 1 || res.ValidatorUpdates[0].Power != 0 {
		t.Fatalf("coop = %+v, updates = %+v", coop, res.ValidatorUpdates)
	}
	// Its keys can no longer sign.
	wantCode(t, "removed org signs", c.Do(c.Members["coop"].Admin, "identity", "propose", map[string]any{"kind": "remove_org", "org_id": "bank"}).Code, errcode.KeyInactive)
}

func TestGovernanceRejectAndSetRoles(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	reg := c.Members["regulator"].Admin
	wantCode(t, "propose", c.Do(reg, "identity", "propose", map[string]any{"kind": "set_roles", "org_id": "coop", "roles": []string{"producer", "supplier"}}).Code, errcode.OK)
	// Two against of four: approval can reach at most 2 of 4, so it is rejected.
	c.Do(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": false})
	if p, _ := identity.GetProposal(c.View(), 1); p.Status != identity.StatusVoting {
		t.Fatalf("rejected too early: %+v", p)
	}
	c.Do(c.Members["court"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": false})
	if p, _ := identity.GetProposal(c.View(), 1); p.Status != identity.StatusRejected {
		t.Fatalf("status = %s, want rejected", p.Status)
	}

	c.Do(reg, "identity", "propose", map[string]any{"kind": "set_roles", "org_id": "coop", "roles": []string{"supplier", "producer", "supplier"}})
	c.Do(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 2, "approve": true})
	c.Do(c.Members["court"].Admin, "identity", "vote", map[string]any{"proposal_id": 2, "approve": true})
	coop, _ := identity.GetOrg(c.View(), "coop")
	if got, _ := json.Marshal(coop.Roles); string(got) != `["producer","supplier"]` {
		t.Fatalf("roles = %s", got)
	}
}

func TestGovernanceDeadline(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "remove_org", "org_id": "court"})
	p, _ := identity.GetProposal(c.View(), 1)
	c.Time = c.Time.Add(8 * 24 * 3600 * 1e9) // past the default 7-day voting period
	if c.Time.Unix() <= p.Deadline {
		t.Fatal("test clock did not pass the deadline")
	}
	wantCode(t, "late vote", c.Do(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}).Code, errcode.RuleViolation)
}

func TestProposalValidation(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	reg := c.Members["regulator"].Admin
	spec, _ := newOrgSpec(t, "coop") // id taken
	dup, _ := newOrgSpec(t, "market")
	dup.USCC = "bad"
	tests := []struct {
		name string
		body any
		want errcode.Code
	}{
		{"unknown kind", map[string]any{"kind": "dissolve"}, errcode.MalformedBody},
		{"add without org", map[string]any{"kind": "add_org"}, errcode.MalformedBody},
		{"add taken id", map[string]any{"kind": "add_org", "org": spec}, errcode.Conflict},
		{"add bad uscc", map[string]any{"kind": "add_org", "org": dup}, errcode.MalformedBody},
		{"remove unknown", map[string]any{"kind": "remove_org", "org_id": "nobody"}, errcode.NotFound},
		{"set unknown role", map[string]any{"kind": "set_roles", "org_id": "coop", "roles": []string{"king"}}, errcode.MalformedBody},
		{"unknown field", map[string]any{"kind": "remove_org", "org_id": "coop", "extra": 1}, errcode.MalformedBody},
		{"authorize without action", map[string]any{"kind": "authorize_action", "reason": "x"}, errcode.MalformedBody},
		{"authorize with org_id", map[string]any{"kind": "authorize_action", "reason": "x", "org_id": "coop",
			"action": map[string]any{"module": "trace", "action": "x", "subject": "y"}}, errcode.MalformedBody},
		{"authorize a malformed action", map[string]any{"kind": "authorize_action", "reason": "x",
			"action": map[string]any{"module": "Trace", "action": "x", "subject": "y"}}, errcode.MalformedBody},
		// No module of this chain declares a decision action.
		{"authorize an action nobody declares", map[string]any{"kind": "authorize_action", "reason": "x",
			"action": map[string]any{"module": "trace", "action": "recall", "subject": "y"}}, errcode.RuleViolation},
		{"remove with an action", map[string]any{"kind": "remove_org", "org_id": "coop",
			"action": map[string]any{"module": "trace", "action": "recall", "subject": "y"}}, errcode.MalformedBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.name, c.Do(reg, "identity", "propose", tt.body).Code, tt.want)
		})
	}
	if _, err := identity.GetProposal(c.View(), 1); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("a rejected proposal was stored: %v", err)
	}
}

// opModule has one action only node operator keys sign.
type opModule struct{}

func (opModule) Name() string { return "optest" }
func (opModule) Actions() []module.Action {
	return []module.Action{{Name: "batch", OperatorOnly: true, Handle: func(ctx *module.Context, _ []byte) error {
		if !ctx.Signer.Operator {
			return errcode.New(errcode.Internal, "the handler saw a non-operator signer")
		}
		return nil
	}}}
}

// TestOperatorKeys: a node operator key comes with the genesis or is
// registered by an admin; it is never an admin key; only operator keys
// sign an operator-only action.
func TestOperatorKeys(t *testing.T) {
	orgs := fourOrgs()
	orgs[1].Operator = true
	c := testchain.New(t, testchain.Options{Orgs: orgs, Modules: []module.Module{opModule{}}})
	coop := c.Members["coop"]
	wantCode(t, "operator signs the batch", c.Do(coop.Operator, "optest", "batch", map[string]any{}).Code, errcode.OK)
	k, err := identity.GetKey(c.View(), coop.Operator.ID())
	if err != nil || !k.Operator || k.Admin || k.Org != "coop" || k.Name != "operator-1" {
		t.Fatalf("genesis operator key = %+v, %v", k, err)
	}
	wantCode(t, "admin signs the batch", c.Do(coop.Admin, "optest", "batch", map[string]any{}).Code, errcode.Unauthorized)
	wantCode(t, "operator manages keys", c.Do(coop.Operator, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(1)).Public()}).Code, errcode.Unauthorized)

	rnd := testchain.NewSeededRand(9)
	both := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	wantCode(t, "admin and operator", c.Do(c.Members["bank"].Admin, "identity", "register_key", map[string]any{"public_key": both.Public(), "admin": true, "operator": true}).Code, errcode.MalformedBody)
	op := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	wantCode(t, "register an operator key", c.Do(c.Members["bank"].Admin, "identity", "register_key", map[string]any{"public_key": op.Public(), "operator": true, "name": "node"}).Code, errcode.OK)
	wantCode(t, "registered operator signs", c.Do(op, "optest", "batch", map[string]any{}).Code, errcode.OK)
	// A rotated operator key stays an operator key.
	op2 := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	wantCode(t, "rotate", c.Do(c.Members["bank"].Admin, "identity", "rotate_key", map[string]any{"key_id": op.ID(), "public_key": op2.Public()}).Code, errcode.OK)
	wantCode(t, "rotated operator signs", c.Do(op2, "optest", "batch", map[string]any{}).Code, errcode.OK)
	member := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	wantCode(t, "register a member key", c.Do(c.Members["bank"].Admin, "identity", "register_key", map[string]any{"public_key": member.Public()}).Code, errcode.OK)
	wantCode(t, "member signs the batch", c.Do(member, "optest", "batch", map[string]any{}).Code, errcode.Unauthorized)
}

// TestNamesRefuseDisguises: organisation and key names with control or
// text-direction characters (which make "cooperative\u202Eknab" read as
// another name) are refused, and change nothing.
func TestNamesRefuseDisguises(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	reg := c.Members["regulator"].Admin
	for name, mutate := range map[string]func(*identity.OrgSpec){
		"bidi override in name":    func(s *identity.OrgSpec) { s.Name = "砀山果业\u202E行银" },
		"control character":        func(s *identity.OrgSpec) { s.Name = "砀山\x07果业" },
		"bidi isolate in English":  func(s *identity.OrgSpec) { s.NameEN = "Pear \u2066Bank\u2069" },
		"blank name":               func(s *identity.OrgSpec) { s.Name = "   " },
		"new line in English name": func(s *identity.OrgSpec) { s.NameEN = "Pear\nBank" },
	} {
		spec, _ := newOrgSpec(t, "market")
		mutate(&spec)
		wantCode(t, name, c.Do(reg, "identity", "propose", map[string]any{"kind": "add_org", "org": spec}).Code, errcode.MalformedBody)
	}
	for name, keyName := range map[string]string{
		"bidi override": "clerk\u202Egpj.exe",
		"zero width":    "cl\u200Ferk",
		"escape":        "clerk\x1b[31m",
	} {
		k := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(99))
		wantCode(t, name, c.Do(reg, "identity", "register_key", map[string]any{"public_key": k.Public(), "name": keyName}).Code, errcode.MalformedBody)
	}
	// A body that is not UTF-8 is refused, not repaired.
	res, _ := c.Block(c.Sign(reg, "identity", "register_key", []byte("{\"public_key\":{\"algo\":\"ed25519\",\"key\":\"00\"},\"name\":\"\xff\"}")))
	wantCode(t, "invalid UTF-8", res[0].Code, errcode.MalformedBody)
	if _, err := identity.GetProposal(c.View(), 1); errcode.Of(err) != errcode.NotFound {
		t.Fatal("a refused proposal was stored")
	}
}
