package identity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// relayOrgs are four members whose first two run nodes with operator keys.
func relayOrgs() []testchain.Org {
	orgs := fourOrgs()
	orgs[0].Operator = true
	orgs[1].Operator = true
	return orgs
}

func validUSCC(t testing.TB, first17 string) string {
	t.Helper()
	c, err := identity.USCCCheck(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// application returns an application body for org with a fresh admin key
// that proves possession, and the key.
func application(t testing.TB, seed uint64, org, uscc string) (map[string]any, *tx.PrivateKey) {
	t.Helper()
	k := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(seed))
	sig, err := k.Sign(identity.ApplicationMessage(testchain.ChainID, org, uscc, k.Public()))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"org_id": org, "name": "砀山梨业合作社", "name_en": "Dangshan Pear Co-op", "uscc": uscc,
		"roles": []string{"producer"}, "admin_key": k.Public(), "possession": sig,
		"contact_digest": strings.Repeat("ab", 32)}, k
}

func TestApplyAdmitApprove(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: relayOrgs()})
	relay := c.Members["regulator"].Operator
	code := validUSCC(t, "91340000MA2T00001")
	body, admin := application(t, 1, "pearcoop", code)
	res := c.Do(relay, "identity", "apply", body)
	wantCode(t, "apply", res.Code, errcode.OK)
	ref := testchain.Result(t, res)["ref"].(string)
	if !identity.ValidRef(ref) {
		t.Fatalf("ref %q", ref)
	}
	a, err := identity.GetApplication(c.View(), ref)
	if err != nil || a.Status != identity.AppPending || a.Relayer != "regulator" || a.OrgID != "pearcoop" {
		t.Fatalf("application = %+v, %v", a, err)
	}
	// The applicant's key is not a member's yet.
	wantCode(t, "applicant acts before admission", c.Do(admin, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(50)).Public()}).Code, errcode.UnknownSigner)
	// A second application for the same code or id waits for the first.
	again, _ := application(t, 2, "pearcoop2", code)
	wantCode(t, "same code", c.Do(relay, "identity", "apply", again).Code, errcode.Conflict)
	again, _ = application(t, 3, "pearcoop", validUSCC(t, "91340000MA2T00002"))
	wantCode(t, "same org id", c.Do(relay, "identity", "apply", again).Code, errcode.Conflict)

	// The members admit it with one more role than it asked for.
	reg := c.Members["regulator"].Admin
	wantCode(t, "propose admit", c.Do(reg, "identity", "propose", map[string]any{"kind": "admit", "application": ref, "roles": []string{"producer", "logistics"}}).Code, errcode.OK)
	a, _ = identity.GetApplication(c.View(), ref)
	if a.Proposal != 1 || a.Status != identity.AppPending {
		t.Fatalf("application after the proposal = %+v", a)
	}
	wantCode(t, "a second admit proposal", c.Do(c.Members["coop"].Admin, "identity", "propose", map[string]any{"kind": "admit", "application": ref}).Code, errcode.Conflict)
	wantCode(t, "vote coop", c.Do(c.Members["coop"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}).Code, errcode.OK)
	wantCode(t, "vote bank", c.Do(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}).Code, errcode.OK)
	a, _ = identity.GetApplication(c.View(), ref)
	if a.Status != identity.AppApproved || len(a.Granted) != 2 || a.Closed != c.Height {
		t.Fatalf("application after admission = %+v", a)
	}
	org, err := identity.GetOrg(c.View(), "pearcoop")
	if err != nil || !org.Active || org.USCC != code || len(org.Roles) != 2 || org.Validator != nil {
		t.Fatalf("admitted org = %+v, %v", org, err)
	}
	// Its admin key from the application works at once.
	wantCode(t, "admitted org acts", c.Do(admin, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(51)).Public()}).Code, errcode.OK)
	wantCode(t, "admit again", c.Do(reg, "identity", "propose", map[string]any{"kind": "admit", "application": ref}).Code, errcode.Conflict)
	// The code now belongs to a member: no new application for it.
	again, _ = application(t, 4, "pearcoop3", code)
	wantCode(t, "code of a member", c.Do(relay, "identity", "apply", again).Code, errcode.Conflict)
}

func TestApplyRejectAndExpire(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: relayOrgs()})
	relay := c.Members["coop"].Operator
	body, _ := application(t, 1, "shady", validUSCC(t, "91340000MA2T00003"))
	ref := testchain.Result(t, c.Do(relay, "identity", "apply", body))["ref"].(string)
	wantCode(t, "propose", c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "admit", "application": ref}).Code, errcode.OK)
	wantCode(t, "against 1", c.Do(c.Members["bank"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": false}).Code, errcode.OK)
	wantCode(t, "against 2", c.Do(c.Members["court"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": false}).Code, errcode.OK)
	a, _ := identity.GetApplication(c.View(), ref)
	if a.Status != identity.AppRejected || !strings.Contains(a.Reason, "voted against") {
		t.Fatalf("rejected application = %+v", a)
	}
	if _, err := identity.GetOrg(c.View(), "shady"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("rejected applicant became a member: %v", err)
	}
	// After a rejection it may apply again (a new reference).
	body, _ = application(t, 2, "shady", validUSCC(t, "91340000MA2T00003"))
	res := c.Do(relay, "identity", "apply", body)
	wantCode(t, "apply again", res.Code, errcode.OK)
	ref2 := testchain.Result(t, res)["ref"].(string)
	if ref2 == ref {
		t.Fatal("same reference for a new application")
	}
	// Nobody admits it within the period: expired, and no longer admitted.
	c.Time = c.Time.Add(identity.DefaultApplicationPeriod + time.Hour)
	a, _ = identity.GetApplication(c.View(), ref2)
	if got := a.StatusAt(c.Time.Unix()); got != identity.AppExpired {
		t.Fatalf("status after the period = %s", got)
	}
	wantCode(t, "admit expired", c.Do(c.Members["regulator"].Admin, "identity", "propose", map[string]any{"kind": "admit", "application": ref2}).Code, errcode.Conflict)
	// An expired application frees its code and id.
	body, _ = application(t, 3, "shady", validUSCC(t, "91340000MA2T00003"))
	wantCode(t, "apply after expiry", c.Do(relay, "identity", "apply", body).Code, errcode.OK)
}

// TestApplyRefusals: every bad application is refused with its code and
// stores nothing.
func TestApplyRefusals(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: relayOrgs()})
	relay := c.Members["regulator"].Operator
	good := validUSCC(t, "91340000MA2T00004")
	other, _ := application(t, 9, "x", good)
	c.Block() // the genesis state committed
	cases := []struct {
		name   string
		mutate func(b map[string]any)
		signer *tx.PrivateKey
		want   errcode.Code
	}{
		{"admin key signs", nil, c.Members["regulator"].Admin, errcode.Unauthorized},
		{"member of another kind", nil, c.Members["bank"].Admin, errcode.Unauthorized},
		{"bad check character", func(b map[string]any) { b["uscc"] = good[:17] + "0" }, relay, errcode.MalformedBody},
		{"short code", func(b map[string]any) { b["uscc"] = "91340000MA2T0000" }, relay, errcode.MalformedBody},
		{"letter I in code", func(b map[string]any) { b["uscc"] = "9134000IMA2T00004" + "0" }, relay, errcode.MalformedBody},
		{"someone else's key", func(b map[string]any) { b["admin_key"] = other["admin_key"] }, relay, errcode.BadSignature},
		{"no proof", func(b map[string]any) { delete(b, "possession") }, relay, errcode.BadSignature},
		{"proof for another code", func(b map[string]any) { b["uscc"] = validUSCC(t, "91340000MA2T00005") }, relay, errcode.BadSignature},
		{"taken org id", func(b map[string]any) { b["org_id"] = "bank" }, relay, errcode.BadSignature},
		{"unknown role", func(b map[string]any) { b["roles"] = []string{"emperor"} }, relay, errcode.MalformedBody},
		{"no role", func(b map[string]any) { b["roles"] = []string{} }, relay, errcode.MalformedBody},
		{"bidi name", func(b map[string]any) { b["name"] = "砀山\u202E梨业" }, relay, errcode.MalformedBody},
		{"contact digest", func(b map[string]any) { b["contact_digest"] = "xyz" }, relay, errcode.MalformedBody},
		{"bad org id", func(b map[string]any) { b["org_id"] = "Pear Coop" }, relay, errcode.MalformedBody},
	}
	for _, tc := range cases {
		b, _ := application(t, 1, "pearcoop", good)
		if tc.mutate != nil {
			tc.mutate(b)
		}
		before := testchain.Snapshot(t, c, "identity/")
		res := c.Do(tc.signer, "identity", "apply", b)
		wantCode(t, tc.name, res.Code, tc.want)
		after := testchain.Snapshot(t, c, "identity/")
		testchain.SameState(t, tc.name, before, after)
	}
	// A member's id taken, with a proof for that id: a conflict.
	k := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(77))
	sig, _ := k.Sign(identity.ApplicationMessage(testchain.ChainID, "bank", good, k.Public()))
	b, _ := application(t, 1, "bank", good)
	b["admin_key"], b["possession"] = k.Public(), sig
	wantCode(t, "member's id", c.Do(relay, "identity", "apply", b).Code, errcode.Conflict)
	// A registered key cannot apply again.
	reg := c.Members["court"].Admin
	sig, _ = reg.Sign(identity.ApplicationMessage(testchain.ChainID, "newco", good, reg.Public()))
	b, _ = application(t, 1, "newco", good)
	b["admin_key"], b["possession"] = reg.Public(), sig
	wantCode(t, "registered key", c.Do(relay, "identity", "apply", b).Code, errcode.Conflict)
}

// TestApplyRateLimit: one node relays at most MaxApplicationsPerDay a day
// (China time); the next day it relays again.
func TestApplyRateLimit(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: relayOrgs()})
	relay := c.Members["regulator"].Operator
	var txs [][]byte
	for i := range identity.MaxApplicationsPerDay + 1 {
		b, _ := application(t, uint64(100+i), "org-"+strings.Repeat("a", 1)+string(rune('a'+i%26))+string(rune('a'+i/26)), validUSCC(t, "91340000MA2T1"+leftPad(i)))
		txs = append(txs, c.Sign(relay, "identity", "apply", b))
	}
	res, _ := c.Block(txs...)
	for i, r := range res {
		want := errcode.OK
		if i == identity.MaxApplicationsPerDay {
			want = errcode.RateLimited
		}
		wantCode(t, "application "+leftPad(i), r.Code, want)
	}
	b, _ := application(t, 99, "other-relay", validUSCC(t, "91340000MA2T29999"))
	wantCode(t, "another node relays", c.Do(c.Members["coop"].Operator, "identity", "apply", b).Code, errcode.OK)
	c.Time = c.Time.Add(24 * time.Hour)
	b, _ = application(t, 98, "next-day", validUSCC(t, "91340000MA2T29998"))
	wantCode(t, "next day", c.Do(relay, "identity", "apply", b).Code, errcode.OK)
}

func leftPad(i int) string {
	s := "0000" + string(rune('0'+i/1000%10)) + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
	return s[len(s)-4:]
}

var _ = role.Producer
