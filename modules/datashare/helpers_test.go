package datashare_test

import (
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// The test consortium: three hospitals (the second with an emergency
// department), a factory, the machine maker that also maintains, an
// independent maintenance firm, the health regulator, and a member with
// no role of the module.
var testOrgs = []testchain.Org{
	{ID: "hospa", Roles: []role.Role{datashareapi.Hospital}, Validator: true},
	{ID: "hospb", Roles: []role.Role{datashareapi.Hospital, datashareapi.Emergency}},
	{ID: "hospc", Roles: []role.Role{datashareapi.Hospital}},
	{ID: "factory", Roles: []role.Role{datashareapi.Enterprise}},
	{ID: "maker", Roles: []role.Role{datashareapi.Enterprise, datashareapi.Maintainer}},
	{ID: "svc", Roles: []role.Role{datashareapi.Maintainer}},
	{ID: "reg", Roles: []role.Role{role.Regulator}},
	{ID: "plain", Roles: []role.Role{role.Producer}},
}

// start is the test chain's genesis time: 2026-03-01 08:00 CST.
var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// world is a test chain with the keys the tests hold: each
// organisation's exchange keys (an SM2 key registered for it, and its
// Ed25519 admin key) and the patients' and devices' keys.
type world struct {
	t        testing.TB
	c        *testchain.Chain
	exchange map[string][]*tx.PrivateKey
	subjects map[string]*tx.PrivateKey
	devices  map[string]*tx.PrivateKey
	dataKeys map[string]datakey.Key
	sealed   map[string]*datakey.Sealed
	rnd      testchain.SeededRand
	n        int
}

func newWorld(t testing.TB) *world {
	t.Helper()
	c := testchain.New(t, testchain.Options{Modules: []module.Module{datashare.Module{}}, Roles: role.MustSet(datashareapi.Roles...), Orgs: testOrgs, Time: start, Seed: 11})
	return &world{t: t, c: c, exchange: map[string][]*tx.PrivateKey{}, subjects: map[string]*tx.PrivateKey{}, devices: map[string]*tx.PrivateKey{},
		dataKeys: map[string]datakey.Key{}, sealed: map[string]*datakey.Sealed{}, rnd: testchain.NewSeededRand(5)}
}

// do runs an action and requires its code; it returns the result.
func (w *world) do(org, action string, body any, want errcode.Code) map[string]any {
	w.t.Helper()
	res := testchain.Do(w.t, w.c, org, datashare.Name, action, body, want)
	if want != errcode.OK {
		return nil
	}
	return testchain.Result(w.t, res)
}

// setExchange registers an SM2 member key for org and names it and the
// admin key (Ed25519) org's exchange keys.
func (w *world) setExchange(org string) {
	w.t.Helper()
	sm := testchain.NewKey(w.t, tx.AlgoSM2, w.rnd)
	res := testchain.Do(w.t, w.c, org, "identity", "register_key", map[string]any{"public_key": sm.Public(), "admin": false, "name": org + " exchange"}, errcode.OK)
	_ = res
	admin := w.c.Members[org].Admin
	w.exchange[org] = []*tx.PrivateKey{sm, admin}
	w.do(org, "set_exchange", datashareapi.ExchangeBody{Keys: []tx.KeyID{sm.ID(), admin.ID()}, Endpoint: "https://" + org + ".example.cn"}, errcode.OK)
}

// wrapFor wraps k to each of org's exchange keys.
func (w *world) wrapFor(org string, k datakey.Key) []datakey.Wrapped {
	w.t.Helper()
	var out []datakey.Wrapped
	for _, p := range w.exchange[org] {
		wr, err := datakey.Wrap(p.Public(), k)
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, wr)
	}
	return out
}

// subject registers a patient at hospital h and returns its pseudonym.
func (w *world) subject(h string) string {
	w.t.Helper()
	w.n++
	id := datashareapi.Pseudonym([]byte("secret of "+h), fmt.Sprintf("340102199001011%03d", w.n))
	k := testchain.NewKey(w.t, tx.AlgoSM2, w.rnd)
	w.subjects[id] = k
	w.do(h, "register_subject", datashareapi.SubjectBody{ID: id, PublicKey: k.Public()}, errcode.OK)
	return id
}

// seal seals content under a fresh key and returns a record body for it.
func (w *world) seal(owner, domain, typ, class, subject, device string, content string) (datashareapi.RecordBody, datakey.Key, *datakey.Sealed) {
	w.t.Helper()
	k, _ := datakey.NewKey()
	salt, _ := datakey.NewSalt()
	s, err := datakey.Seal(k, salt, datakey.Meta{Name: "r.txt"}, []byte(content))
	if err != nil {
		w.t.Fatal(err)
	}
	return datashareapi.RecordBody{Domain: domain, Type: typ, Class: class, Subject: subject, Device: device,
		Digest: hex.EncodeToString(s.Digest[:]), Blob: sha(s.Ciphertext), Size: int64(len(s.Ciphertext)), Keys: w.wrapFor(owner, k)}, k, s
}

// record registers a medical record of a patient at hospital h.
func (w *world) record(h, subject, typ, class string, tags ...string) string {
	w.t.Helper()
	b, k, s := w.seal(h, datashareapi.Medical, typ, class, subject, "", "病历内容 "+typ+" "+subject)
	b.Tags = tags
	res := w.do(h, "register_record", b, errcode.OK)
	id := res["id"].(string)
	w.dataKeys[id], w.sealed[id] = k, s
	return id
}

// grantKeys wraps each record's data key to the grantee's exchange keys.
func (w *world) grantKeys(grantee string, recs ...string) []datashareapi.RecordKey {
	w.t.Helper()
	var out []datashareapi.RecordKey
	for _, r := range recs {
		for _, wr := range w.wrapFor(grantee, w.dataKeys[r]) {
			out = append(out, datashareapi.RecordKey{Record: r, Wrapped: wr})
		}
	}
	return out
}

// in is a time d after the chain's time, RFC 3339.
func (w *world) in(d time.Duration) string { return w.c.Time.Add(d).Format(time.RFC3339) }

// act signs a patient's statement with the patient's key, at the
// chain's time.
func (w *world) act(subject, act, grant string) datashareapi.SubjectActBody {
	w.t.Helper()
	at := w.c.Time.Format(time.RFC3339)
	sig, err := w.subjects[subject].Sign(datashareapi.SubjectSignBytes(testchain.ChainID, act, grant, subject, at))
	if err != nil {
		w.t.Fatal(err)
	}
	return datashareapi.SubjectActBody{Act: act, Grant: grant, Subject: subject, Time: at, Signature: hex.EncodeToString(sig)}
}

// authorize asks the module as the owner's node would, at the chain's
// time.
func (w *world) authorize(org, rec, grant, btg string) *datashare.Decision {
	w.t.Helper()
	d, err := datashare.Authorize(w.c.View(), w.c.Time, org, rec, grant, btg)
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func (w *world) wantAllowed(org, rec, grant, btg string) {
	w.t.Helper()
	if d := w.authorize(org, rec, grant, btg); !d.Allow {
		w.t.Fatalf("%s fetching %s under %s%s: refused (%s), want served", org, rec, grant, btg, d.Reason)
	}
}

func (w *world) wantRefused(org, rec, grant, btg, reason string) {
	w.t.Helper()
	if d := w.authorize(org, rec, grant, btg); d.Allow || d.Reason != reason {
		w.t.Fatalf("%s fetching %s under %s%s: allowed %v reason %q, want refused for %s", org, rec, grant, btg, d.Allow, d.Reason, reason)
	}
}

// event makes an access event of record rec by org.
func event(n int, at time.Time, rec, org string, key tx.KeyID, outcome, reason, grant string) datashareapi.AuditEvent {
	digest := sm3hex(fmt.Sprintf("event %d %s %s", n, rec, org))
	return datashareapi.AuditEvent{ID: digest[:32], Digest: digest, Time: at.Format(time.RFC3339), Event: datashareapi.EventFetch, Outcome: outcome,
		Reason: reason, Record: rec, Grant: grant, Org: org, Key: key, Purpose: datashareapi.PurposeTreat}
}

func sm3hex(s string) string {
	d := datakey.Digest([datakey.SaltSize]byte{}, []byte(s))
	return hex.EncodeToString(d[:])
}
