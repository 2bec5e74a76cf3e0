package credential_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

func TestAnchorRefusals(t *testing.T) {
	c := newChain(t)
	is := newIssuer(t, c)
	first := is.anchor(t, c)
	old := addKey(t, c, estate, jws.EdDSA)
	do(t, c, estate, "revoke_key", credentialapi.RevokeKeyBody{Kid: old.Thumbprint()}, errcode.OK)
	one := func(f func(it *credentialapi.AnchorItem)) credentialapi.AnchorBody {
		it := is.item()
		f(&it)
		return credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{it}}
	}
	twice := is.item()
	testchain.Refusals(t, c, credentialapi.Name, estate, "anchor", []vcase{
		{Name: "nothing", Body: credentialapi.AnchorBody{}, Want: mal},
		{Name: "uppercase hash", Body: one(func(it *credentialapi.AnchorItem) { it.Hash = strings.ToUpper(it.Hash) }), Want: mal},
		{Name: "hash twice", Body: credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{twice, twice}}, Want: mal},
		{Name: "bad kid", Body: one(func(it *credentialapi.AnchorItem) { it.Kid = "k1" }), Want: mal},
		{Name: "list 0", Body: one(func(it *credentialapi.AnchorItem) { it.List = 0 }), Want: mal},
		{Name: "unregistered type", Body: one(func(it *credentialapi.AnchorItem) { it.Type = catalog.Degree }), Want: notFound},
		{Name: "not the issuer's type", Org: univ, Body: one(func(*credentialapi.AnchorItem) {}), Want: unauth},
		{Name: "unknown key", Body: one(func(it *credentialapi.AnchorItem) { it.Kid = jws.Thumbprint(jws.JWK{Kty: "EC"}) }), Want: notFound},
		{Name: "revoked key", Body: one(func(it *credentialapi.AnchorItem) { it.Kid = old.Thumbprint() }), Want: ruleV},
		{Name: "no such list", Body: one(func(it *credentialapi.AnchorItem) { it.List = 2 }), Want: notFound},
		{Name: "past the list's end", Body: one(func(it *credentialapi.AnchorItem) { it.Index = statuslist.MinEntries }), Want: mal},
		{Name: "anchored already", Body: one(func(it *credentialapi.AnchorItem) { it.Hash = first.Hash }), Want: conflict},
		{Name: "entry taken", Body: one(func(it *credentialapi.AnchorItem) { it.Index = first.Index }), Want: conflict},
		{Name: "one bad item spoils the batch", Body: credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{is.item(), func() credentialapi.AnchorItem {
			it := is.item()
			it.Index = first.Index
			return it
		}()}}, Want: conflict},
	})
	l, _ := credential.GetList(c.View(), estate, 1)
	if l.Used != 1 {
		t.Fatalf("used %d after one anchor and refusals", l.Used)
	}
}

// TestStatusChanges walks a credential through suspension, reinstatement
// and revocation: each change sets or clears its bit, anchors the list's
// new hash (the SHA-256 of the bits) with a change record, and logs it;
// revocation is final.
func TestStatusChanges(t *testing.T) {
	c := newChain(t)
	is := newIssuer(t, c)
	it := is.anchor(t, c)
	bystander := is.anchor(t, c)
	st := func(status string, want errcode.Code) credentialapi.StatusResult {
		var r credentialapi.StatusResult
		res := do(t, c, estate, "set_status", credentialapi.StatusBody{Hash: it.Hash, Status: status, Reason: "测试"}, want)
		if want == errcode.OK {
			result(t, res, &r)
		}
		return r
	}
	check := func(revoked, suspended bool) {
		t.Helper()
		l, _ := credential.GetList(c.View(), estate, 1)
		for _, p := range []struct {
			purpose string
			on      bool
			state   credentialapi.ListState
		}{{statuslist.Revocation, revoked, l.Revocation}, {statuslist.Suspension, suspended, l.Suspension}} {
			bits, err := credential.Bits(c.View(), l, p.purpose)
			if err != nil {
				t.Fatal(err)
			}
			if statuslist.Get(bits, it.Index) != p.on || statuslist.Get(bits, bystander.Index) {
				t.Fatalf("%s bit of %d is %v, want %v", p.purpose, it.Index, !p.on, p.on)
			}
			if p.state.Hash != statuslist.Hash(bits) {
				t.Fatalf("%s: anchored hash %s, bits hash %s", p.purpose, p.state.Hash, statuslist.Hash(bits))
			}
		}
	}
	do(t, c, univ, "set_status", credentialapi.StatusBody{Hash: it.Hash, Status: credentialapi.StatusRevoked}, unauth)
	do(t, c, estate, "set_status", credentialapi.StatusBody{Hash: hashOf("nothing"), Status: credentialapi.StatusRevoked}, notFound)
	st(credentialapi.StatusActive, conflict)
	st("frozen", mal)
	r := st(credentialapi.StatusSuspended, errcode.OK)
	check(false, true)
	if r.Suspension == statuslist.ZeroHash(statuslist.MinEntries) || r.Revocation != statuslist.ZeroHash(statuslist.MinEntries) {
		t.Fatalf("after suspension %+v", r)
	}
	st(credentialapi.StatusSuspended, conflict)
	r = st(credentialapi.StatusActive, errcode.OK)
	check(false, false)
	if r.Suspension != statuslist.ZeroHash(statuslist.MinEntries) {
		t.Fatalf("reinstated: the suspension list is empty again, hash %s", r.Suspension)
	}
	st(credentialapi.StatusSuspended, errcode.OK)
	st(credentialapi.StatusRevoked, errcode.OK)
	check(true, false)
	st(credentialapi.StatusActive, conflict)
	v, err := credential.AnchorView(c.View(), it.Hash)
	if err != nil || v.Anchor.Status != credentialapi.StatusRevoked || len(v.Log) != 4 || v.Log[3].Status != credentialapi.StatusRevoked || v.Log[3].Reason != "测试" {
		t.Fatalf("anchor view %+v, %v", v, err)
	}
	lv, err := credential.ListView(c.View(), estate, 1)
	if err != nil {
		t.Fatal(err)
	}
	if lv.List.Suspension.Version != 4 || lv.List.Revocation.Version != 1 || len(lv.Changes) != 5 || lv.Changes[0].Purpose != statuslist.Suspension || lv.Changes[0].Set {
		t.Fatalf("list %+v, changes %+v", lv.List, lv.Changes)
	}
	bits, err := statuslist.Decode(lv.Revocation, statuslist.MaxEntries/8)
	if err != nil || statuslist.Hash(bits) != lv.List.Revocation.Hash {
		t.Fatalf("published revocation list: %v", err)
	}
}

func TestRevokeByDecision(t *testing.T) {
	c := newChain(t)
	is := newIssuer(t, c)
	it := is.anchor(t, c)
	do(t, c, court, "revoke_by_decision", credentialapi.DecisionRevokeBody{ProposalID: 1, Hash: it.Hash}, unauth) // proposal 1 registered the type
	pid := decide(t, c, "revoke_by_decision", it.Hash)
	res := do(t, c, court, "revoke_by_decision", credentialapi.DecisionRevokeBody{ProposalID: pid, Hash: it.Hash}, errcode.OK)
	if !testchain.HasEvent(res, "credential.status_changed", "hash", it.Hash, "status", credentialapi.StatusRevoked, "by", court) {
		t.Fatalf("events %v", res.Events)
	}
	log, _ := credential.StatusLog(c.View(), it.Hash)
	if len(log) != 1 || log[0].ProposalID != pid || !strings.HasPrefix(log[0].Reason, "联盟决议") {
		t.Fatalf("log %+v", log)
	}
	do(t, c, estate, "set_status", credentialapi.StatusBody{Hash: it.Hash, Status: credentialapi.StatusSuspended}, conflict)
}

func TestRecognitionAndUses(t *testing.T) {
	c := newChain(t)
	registerType(t, c, catalog.RealEstate)
	testchain.Refusals(t, c, credentialapi.Name, bank, "recognize", []vcase{
		{Name: "unregistered type", Body: credentialapi.RecognizeBody{Type: catalog.Degree}, Want: notFound},
		{Name: "unknown issuer", Body: credentialapi.RecognizeBody{Type: catalog.RealEstate, Issuers: []string{"nobody"}}, Want: notFound},
		{Name: "issuer twice", Body: credentialapi.RecognizeBody{Type: catalog.RealEstate, Issuers: []string{estate, estate}}, Want: mal},
		{Name: "remove what is not there", Body: credentialapi.RecognizeBody{Type: catalog.RealEstate, Remove: true}, Want: notFound},
	})
	do(t, c, bank, "recognize", credentialapi.RecognizeBody{Type: catalog.RealEstate, Issuers: []string{univ, estate}}, errcode.OK)
	rec, err := credential.GetRecognition(c.View(), bank, catalog.RealEstate)
	if err != nil || len(rec.Issuers) != 2 || rec.Issuers[0] != estate || !credential.Recognizes(rec, estate) || credential.Recognizes(rec, court) {
		t.Fatalf("recognition %+v, %v", rec, err)
	}
	do(t, c, bank, "recognize", credentialapi.RecognizeBody{Type: catalog.RealEstate}, errcode.OK)
	rec, _ = credential.GetRecognition(c.View(), bank, catalog.RealEstate)
	if !credential.Recognizes(rec, court) {
		t.Fatalf("an empty list recognises every authorised issuer: %+v", rec)
	}
	do(t, c, bank, "recognize", credentialapi.RecognizeBody{Type: catalog.RealEstate, Remove: true}, errcode.OK)
	if l, _ := credential.Recognitions(c.View(), bank); len(l.Items) != 0 {
		t.Fatalf("after removal %+v", l)
	}

	use := credentialapi.UseBody{Ref: hashOf("nonce+hash"), Type: catalog.RealEstate, Issuer: estate, OK: true, Purpose: "抵押贷款"}
	testchain.Refusals(t, c, credentialapi.Name, bank, "record_use", []vcase{
		{Name: "ok with a failed check", Body: func() credentialapi.UseBody { u := use; u.Failed = "status"; return u }(), Want: mal},
		{Name: "failed without a check", Body: func() credentialapi.UseBody { u := use; u.OK = false; return u }(), Want: mal},
		{Name: "unknown check", Body: func() credentialapi.UseBody { u := use; u.OK, u.Failed = false, "colour"; return u }(), Want: mal},
	})
	do(t, c, bank, "record_use", use, errcode.OK)
	fail := use
	fail.OK, fail.Failed = false, credentialapi.CheckStatus
	do(t, c, bank, "record_use", fail, errcode.OK)
	p, err := credential.Uses(c.View(), bank, nil, "", 1)
	if err != nil || len(p.Items) != 1 || p.Items[0].Seq != 2 || p.Next == "" {
		t.Fatalf("first page %+v, %v", p, err)
	}
	p, err = credential.Uses(c.View(), bank, nil, p.Next, 1)
	if err != nil || len(p.Items) != 1 || p.Items[0].Seq != 1 || p.Next != "" {
		t.Fatalf("second page %+v, %v", p, err)
	}
}
