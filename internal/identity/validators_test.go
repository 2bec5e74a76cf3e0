package identity_test

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// validatorKey is a deterministic Ed25519 validator key.
func validatorKey(seed byte) ed25519.PrivateKey {
	s := make([]byte, ed25519.SeedSize)
	s[0], s[31] = seed, 0x5a
	return ed25519.NewKeyFromSeed(s)
}

func validatorSpec(org string, seed byte, power int64) *identity.Validator {
	priv := validatorKey(seed)
	return &identity.Validator{PubKey: []byte(priv.Public().(ed25519.PublicKey)), Power: power, Proof: identity.ProvePossession(testchain.ChainID, org, priv)}
}

func set(powers ...int64) *identity.ValidatorSet {
	s := &identity.ValidatorSet{}
	for i, p := range powers {
		s = s.With(fmt.Sprintf("org-%c", 'a'+i), p)
	}
	return s
}

// TestCheckChange is the table of the validator set rules (ADR 0006).
func TestCheckChange(t *testing.T) {
	tests := []struct {
		name string
		set  *identity.ValidatorSet
		c    identity.ValidatorChange
		ok   bool
		msg  string
	}{
		{"add a fifth equal validator", set(10, 10, 10, 10), identity.ValidatorChange{Org: "new", After: 10}, true, ""},
		{"add one at power 1000 to four at 10 (halted a chain)", set(10, 10, 10, 10), identity.ValidatorChange{Org: "new", After: 1000}, false, "at most a third"},
		{"add at exactly a third of the total", set(10, 10, 10), identity.ValidatorChange{Org: "new", After: 10}, true, ""},
		{"add more than a third of the total", set(10, 10, 10), identity.ValidatorChange{Org: "new", After: 11}, false, "at most a third"},
		{"grow a one-validator chain by a small step", set(10), identity.ValidatorChange{Org: "new", After: 3}, true, ""},
		{"grow a one-validator chain to two equal validators at once", set(10), identity.ValidatorChange{Org: "new", After: 10}, false, "to 3"},
		{"concentration in a set of four", set(10, 10, 10, 5), identity.ValidatorChange{Org: "org-d", Before: 5, After: 15}, false, "a third or more"},
		{"raise within both rules", set(10, 10, 10, 5), identity.ValidatorChange{Org: "org-d", Before: 5, After: 10}, true, ""},
		{"small sets are not bound by concentration", set(10, 4), identity.ValidatorChange{Org: "org-b", Before: 4, After: 8}, true, ""},
		{"remove the last validator", set(10), identity.ValidatorChange{Org: "org-a", Before: 10}, false, "without a validator"},
		{"remove one of five", set(10, 10, 10, 10, 10), identity.ValidatorChange{Org: "org-e", Before: 10}, true, ""},
		{"remove one of two equal validators", set(10, 10), identity.ValidatorChange{Org: "org-b", Before: 10}, false, "at most a third"},
		{"replace a key moves both powers", set(10, 10, 10, 10, 10, 10), identity.ValidatorChange{Org: "org-a", Before: 10, After: 10, Replaced: true}, true, ""},
		{"replace a key in a small set", set(10, 10, 10, 10), identity.ValidatorChange{Org: "org-a", Before: 10, After: 10, Replaced: true}, false, "at most a third"},
		{"power above the maximum", set(1000, 1000, 1000, 1000, 1000), identity.ValidatorChange{Org: "new", After: 1001}, false, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after, err := identity.CheckChange(tt.set, tt.c, 7)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if errcode.Of(err) != errcode.RuleViolation || !strings.Contains(errcode.Message(err), tt.msg) {
					t.Fatalf("err = %v, want a rule violation saying %q", err, tt.msg)
				}
				return
			}
			if got := after.Power(tt.c.Org); got != tt.c.After {
				t.Fatalf("power after = %d, want %d", got, tt.c.After)
			}
			if after.Height != 7 || after.BasePower != tt.set.Total() || after.Moved != tt.c.Moved() {
				t.Fatalf("block accounting = %d/%d/%d", after.Height, after.BasePower, after.Moved)
			}
		})
	}
}

// TestCheckChangeAccumulatesWithinABlock: two changes in one block share
// one third; the next block starts afresh.
func TestCheckChangeAccumulatesWithinABlock(t *testing.T) {
	s := set(10, 10, 10, 10, 10, 10) // total 60: 20 may move per block
	s, err := identity.CheckChange(s, identity.ValidatorChange{Org: "x", After: 10}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := identity.CheckChange(s, identity.ValidatorChange{Org: "y", After: 11}, 5); err == nil {
		t.Fatal("a second change in the same block moved 21 of 60")
	}
	if _, err := identity.CheckChange(s, identity.ValidatorChange{Org: "y", After: 10}, 5); err != nil {
		t.Fatalf("10 more in the same block: %v", err)
	}
	if _, err := identity.CheckChange(s, identity.ValidatorChange{Org: "y", After: 23}, 6); err != nil {
		t.Fatalf("the next block may move a third of 70: %v", err)
	}
}

// TestGovernanceRefusesHaltingValidator is the finding: one proposal gave a
// new organisation's validator power 1000 beside four at 10, more than
// two thirds of the power, and the chain stopped for good.
func TestGovernanceRefusesHaltingValidator(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	spec, _ := newOrgSpec(t, "market")
	spec.Validator = validatorSpec("market", 11, 1000)
	res := c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "add_org", "org": spec})
	wantCode(t, "propose power 1000", res.Code, errcode.RuleViolation)
	if !strings.Contains(res.Log, "at most a third") {
		t.Fatalf("refusal does not say the rule: %s", res.Log)
	}
	if _, err := identity.GetProposal(c.View(), 1); errcode.Of(err) != errcode.NotFound {
		t.Fatal("the refused proposal was stored")
	}
}

func TestGovernanceValidatorPossession(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs()})
	reg := c.Members["regulator"].Admin
	good := validatorSpec("market", 11, 10)
	tests := []struct {
		name   string
		mutate func(v *identity.Validator)
		want   errcode.Code
	}{
		{"no proof", func(v *identity.Validator) { v.Proof = nil }, errcode.MalformedBody},
		{"proof for another organisation", func(v *identity.Validator) { *v = *validatorSpec("bank", 11, 10) }, errcode.RuleViolation},
		{"proof by another key", func(v *identity.Validator) { v.Proof = validatorSpec("market", 12, 10).Proof }, errcode.RuleViolation},
		{"proof with a flipped bit", func(v *identity.Validator) { v.Proof[3] ^= 1 }, errcode.RuleViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, _ := newOrgSpec(t, "market")
			v := *good
			v.Proof = slices.Clone(good.Proof)
			tt.mutate(&v)
			spec.Validator = &v
			wantCode(t, tt.name, c.Do(reg, "identity", "propose", map[string]any{"kind": "add_org", "org": spec}).Code, tt.want)
		})
	}
	spec, _ := newOrgSpec(t, "market")
	spec.Validator = good
	wantCode(t, "valid proof", c.Do(reg, "identity", "propose", map[string]any{"kind": "add_org", "org": spec}).Code, errcode.OK)
}

// pass proposes body as the regulator and has every other organisation in
// orgs approve it, each vote in its own block.
func pass(t *testing.T, c *testchain.Chain, body map[string]any, voters ...string) uint64 {
	t.Helper()
	res := c.Do(c.Members["regulator"].Admin, "identity", "propose", body)
	if res.Code != 0 {
		t.Fatalf("propose %v: %s", body, res.Log)
	}
	id := lastProposal(t, c)
	for _, o := range voters {
		p, _ := identity.GetProposal(c.View(), id)
		if p.Status != identity.StatusVoting {
			break
		}
		wantCode(t, "vote "+o, c.Do(c.Members[o].Admin, "identity", "vote", map[string]any{"proposal_id": id, "approve": true}).Code, errcode.OK)
	}
	return id
}

func lastProposal(t *testing.T, c *testchain.Chain) uint64 {
	t.Helper()
	var id uint64
	for i := uint64(1); ; i++ {
		if _, err := identity.GetProposal(c.View(), i); err != nil {
			return id
		}
		id = i
	}
}

// TestGovernanceGrowsAOneValidatorChain walks the documented path from a
// one-validator chain to four equal validators, in steps each within the
// rules, and checks the consensus updates of each.
func TestGovernanceGrowsAOneValidatorChain(t *testing.T) {
	orgs := []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "coop", Roles: []role.Role{role.Producer}},
		{ID: "bank", Roles: []role.Role{role.Bank}},
		{ID: "court", Roles: []role.Role{role.Inspector}},
	}
	c := testchain.New(t, testchain.Options{Orgs: orgs})
	seeds := map[string]byte{"coop": 21, "bank": 22, "court": 23}
	steps := []struct {
		org   string
		power int64
	}{
		// Three validators first, brought to equal power; the fourth then
		// joins at the others' power (a third of 30), which keeps every
		// organisation under a third of 40.
		{"coop", 3}, {"coop", 7}, {"bank", 5}, {"coop", 10}, {"bank", 10}, {"court", 10},
	}
	voters := []string{"coop", "bank", "court"}
	for i, st := range steps {
		v := validatorSpec(st.org, seeds[st.org], st.power)
		id := pass(t, c, map[string]any{"kind": "set_validator", "org_id": st.org, "validator": v}, voters...)
		p, _ := identity.GetProposal(c.View(), id)
		if p.Status != identity.StatusPassed {
			t.Fatalf("step %d (%s to %d): proposal %+v", i, st.org, st.power, p)
		}
		o, _ := identity.GetOrg(c.View(), st.org)
		if o.Validator == nil || o.Validator.Power != st.power || o.Validator.Proof != nil {
			t.Fatalf("step %d: %s's validator = %+v", i, st.org, o.Validator)
		}
	}
	s, _ := identity.GetValidatorSet(c.View())
	if s.Total() != 40 || len(s.Validators) != 4 {
		t.Fatalf("set = %+v", s)
	}
	// A key another organisation uses is taken, whatever the proof says.
	wantCode(t, "coop's key for market", c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "set_validator", "org_id": "court", "validator": validatorSpec("court", 21, 3)}).Code, errcode.Conflict)
	// Straight to power 10 from nothing would have been refused at the
	// start; now a fifth organisation's validator at 10 is fine, but at 14
	// it is not (3 × 14 ≥ 54).
	spec, _ := newOrgSpec(t, "market")
	spec.Validator = validatorSpec("market", 11, 14)
	wantCode(t, "market at 14", c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "add_org", "org": spec}).Code, errcode.RuleViolation)
}

// TestGovernanceRemoveLargeValidatorNeedsSteps: an organisation whose
// validator holds more than a third cannot be removed in one step.
func TestGovernanceRemoveLargeValidatorNeedsSteps(t *testing.T) {
	orgs := []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "coop", Roles: []role.Role{role.Producer}, Validator: true},
	}
	c := testchain.New(t, testchain.Options{Orgs: orgs})
	res := c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "remove_org", "org_id": "coop"})
	wantCode(t, "remove half the power", res.Code, errcode.RuleViolation)
	if !strings.Contains(res.Log, "lower its power first") {
		t.Fatalf("refusal gives no way forward: %s", res.Log)
	}
	// Lower it, then remove it.
	pass(t, c, map[string]any{"kind": "set_validator", "org_id": "coop", "validator": map[string]any{"power": 4}}, "coop")
	if o, _ := identity.GetOrg(c.View(), "coop"); o.Validator.Power != 4 {
		t.Fatalf("coop's power = %d", o.Validator.Power)
	}
	pass(t, c, map[string]any{"kind": "remove_org", "org_id": "coop"}, "coop")
	if o, _ := identity.GetOrg(c.View(), "coop"); o.Active || o.Validator != nil {
		t.Fatalf("coop after removal = %+v", o)
	}
	if s, _ := identity.GetValidatorSet(c.View()); len(s.Validators) != 1 || s.Total() != 10 {
		t.Fatalf("set = %+v", s)
	}
}

// TestValidatorSetModel runs random governance sequences on a test chain
// and checks after every block that the validator index agrees with the
// organisations, that consensus was asked for exactly the index's changes,
// and that the rules hold.
func TestValidatorSetModel(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { validatorModel(t, seed) })
	}
}

func validatorModel(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	orgs := fourOrgs()
	orgs = append(orgs, testchain.Org{ID: "market", Roles: []role.Role{role.Logistics}}, testchain.Org{ID: "port", Roles: []role.Role{role.Logistics}})
	c := testchain.New(t, testchain.Options{Orgs: orgs})
	c.Block() // the genesis state is readable from the first block on
	ids := []string{"regulator", "coop", "bank", "court", "market", "port"}
	// consensus is the validator set as consensus knows it, by key.
	consensus := map[string]int64{}
	for _, o := range ids {
		org, err := identity.GetOrg(c.View(), o)
		if err != nil {
			t.Fatal(err)
		}
		if org.Validator != nil {
			consensus[string(org.Validator.PubKey)] = org.Validator.Power
		}
	}
	nextSeed := byte(40)
	passed, refused := 0, 0
	for step := 0; step < 40; step++ {
		org := ids[rng.IntN(len(ids))]
		body := map[string]any{"kind": "set_validator", "org_id": org}
		power := int64(rng.IntN(16))
		cur, _ := identity.GetOrg(c.View(), org)
		switch {
		case power == 0:
			body["validator"] = map[string]any{"power": 0}
		case cur.Validator != nil && rng.IntN(3) > 0:
			body["validator"] = map[string]any{"pub_key": cur.Validator.PubKey, "power": power}
		default:
			nextSeed++
			body["validator"] = validatorSpec(org, nextSeed, power)
		}
		prop := c.Sign(c.Members["regulator"].Admin, "identity", "propose", body)
		res, err := c.TryBlock(prop)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, consensus, res.ValidatorUpdates)
		if res.TxResults[0].Code != 0 {
			resync(t, c, c.Members["regulator"].Admin.ID())
			refused++
			checkValidatorModel(t, c, ids, consensus)
			continue
		}
		id := lastProposal(t, c)
		// Every other member votes yes, in one block: the proposal passes
		// with the third vote and the later votes find it closed.
		var votes [][]byte
		for _, o := range ids[1:] {
			votes = append(votes, c.Sign(c.Members[o].Admin, "identity", "vote", map[string]any{"proposal_id": id, "approve": true}))
		}
		res, err = c.TryBlock(votes...)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, consensus, res.ValidatorUpdates)
		if p, _ := identity.GetProposal(c.View(), id); p.Status == identity.StatusPassed {
			passed++
		}
		for _, o := range ids {
			resync(t, c, c.Members[o].Admin.ID())
		}
		checkValidatorModel(t, c, ids, consensus)
	}
	if passed == 0 || refused == 0 {
		t.Fatalf("the sequence never passed (%d) or never refused (%d) a change", passed, refused)
	}
}

func apply(t *testing.T, consensus map[string]int64, ups []abci.ValidatorUpdate) {
	t.Helper()
	for _, u := range ups {
		if u.Power == 0 {
			if _, ok := consensus[string(u.PubKeyBytes)]; !ok {
				t.Fatalf("consensus asked to remove an unknown validator")
			}
			delete(consensus, string(u.PubKeyBytes))
		} else {
			consensus[string(u.PubKeyBytes)] = u.Power
		}
	}
}

func checkValidatorModel(t *testing.T, c *testchain.Chain, ids []string, consensus map[string]int64) {
	t.Helper()
	s, err := identity.GetValidatorSet(c.View())
	if err != nil {
		t.Fatal(err)
	}
	fromOrgs := map[string]int64{}
	var members []identity.SetMember
	for _, o := range ids {
		org, _ := identity.GetOrg(c.View(), o)
		if org.Validator != nil {
			fromOrgs[string(org.Validator.PubKey)] = org.Validator.Power
			members = append(members, identity.SetMember{Org: o, Power: org.Validator.Power})
		}
	}
	slices.SortFunc(members, func(a, b identity.SetMember) int { return strings.Compare(a.Org, b.Org) })
	if !slices.Equal(members, s.Validators) {
		t.Fatalf("index %+v, organisations %+v", s.Validators, members)
	}
	if fmt.Sprint(fromOrgs) != fmt.Sprint(consensus) {
		t.Fatalf("consensus %v, organisations %v", consensus, fromOrgs)
	}
	if len(s.Validators) >= identity.MinSpreadValidators {
		for _, v := range s.Validators {
			if 3*v.Power >= s.Total() {
				t.Fatalf("%s holds %d of %d", v.Org, v.Power, s.Total())
			}
		}
	}
	if 3*s.Moved > s.BasePower {
		t.Fatalf("block %d moved %d of %d", s.Height, s.Moved, s.BasePower)
	}
}

// resync makes the test chain's nonce count for id agree with the state.
func resync(t *testing.T, c *testchain.Chain, id tx.KeyID) {
	t.Helper()
	n, err := c.App.NextNonce(id)
	if err != nil {
		t.Fatal(err)
	}
	c.ResetNonce(id, n-1)
}
