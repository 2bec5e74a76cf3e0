package datashare_test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/moduletest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestActionRoles checks the roles of each action against the design,
// written out by hand.
func TestActionRoles(t *testing.T) {
	owners := []role.Role{datashareapi.Hospital, datashareapi.Enterprise}
	moduletest.CheckRoles(t, datashare.Module{}, map[string][]role.Role{
		"set_exchange":       nil, // an admin key of any organisation, checked by the handler
		"register_subject":   {datashareapi.Hospital},
		"rotate_subject_key": {datashareapi.Hospital},
		"register_record":    owners,
		"grant":              owners,
		"deliver_keys":       owners,
		"revoke":             nil, // the grant's owner or grantee, checked by the handler
		"subject_act":        nil, // any member relays; the patient's signature counts
		"audit":              owners,
		"break_glass":        {datashareapi.Emergency},
		"review_break_glass": nil, // the owner or an overseer, checked by the handler
		"register_device":    {datashareapi.Enterprise},
		"record_maintenance": {datashareapi.Maintainer},
		"raise_alert":        {datashareapi.Enterprise},
	})
}

// TestReferral is the medical story: hospital A registers a patient and
// her records, proposes to share two of them with hospital B, which
// cannot fetch them until the patient approves; B then unwraps the data
// keys the chain holds for it and opens the records; a third hospital
// never can; the patient revokes and B is refused again; the owner's
// node's audit batches land once each; an emergency at B opens the
// patient's records for 24 hours until the review closes it.
func TestReferral(t *testing.T) {
	w := newWorld(t)
	for _, o := range []string{"hospa", "hospb", "hospc"} {
		w.setExchange(o)
	}
	p := w.subject("hospa")
	lab := w.record("hospa", p, datashareapi.TypeLab, datashareapi.ClassNormal)
	dis := w.record("hospa", p, datashareapi.TypeDischarge, datashareapi.ClassRestricted)
	psy := w.record("hospa", p, datashareapi.TypeOutpatient, datashareapi.ClassRestricted, "PSY")

	// The owner's own copies open with either exchange key.
	for _, k := range w.exchange["hospa"] {
		ws, err := datashare.WrappedFor(w.c.View(), lab, "")
		if err != nil || len(ws) != 2 {
			t.Fatalf("owner copies %v, %v", ws, err)
		}
		i := slices.IndexFunc(ws, func(x datakey.Wrapped) bool { return x.KeyID == k.ID() })
		dk, err := datakey.Unwrap(k, ws[i])
		if err != nil || dk != w.dataKeys[lab] {
			t.Fatalf("owner key %s: %v", k.ID(), err)
		}
	}

	res := w.do("hospa", "grant", datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: []string{lab, dis, psy},
		MaxClass: datashareapi.ClassRestricted, DenyTags: []string{"PSY"}, End: w.in(30 * 24 * time.Hour), Keys: w.grantKeys("hospb", lab, dis, psy)}, errcode.OK)
	g := res["id"].(string)
	if res["status"] != datashareapi.GrantProposed {
		t.Fatalf("a grant of a patient's records is %v before her consent", res["status"])
	}
	w.wantRefused("hospb", lab, g, "", datashareapi.ReasonNotActive)

	// Nobody but the patient approves: a statement signed by another
	// key, or about another grant, is refused.
	bad := w.act(p, datashareapi.ActApprove, g)
	bad.Signature = hex.EncodeToString(mustSign(t, w.exchange["hospa"][0], datashareapi.SubjectSignBytes(testchain.ChainID, "approve", g, p, bad.Time)))
	w.do("hospa", "subject_act", bad, errcode.Unauthorized)
	w.do("hospb", "subject_act", w.act(p, datashareapi.ActApprove, g), errcode.OK) // any member relays it

	w.wantAllowed("hospb", lab, g, "")
	w.wantAllowed("hospb", dis, g, "")
	w.wantRefused("hospb", psy, g, "", datashareapi.ReasonTag)
	w.wantRefused("hospc", lab, g, "", datashareapi.ReasonNotGrantee)
	w.wantRefused("hospc", lab, "", "", datashareapi.ReasonNoCredential)

	// B opens the records with the keys the chain holds for it.
	for _, rec := range []string{lab, dis} {
		ws, err := datashare.WrappedFor(w.c.View(), rec, g)
		if err != nil || len(ws) != 2 {
			t.Fatalf("grant keys of %s: %v %v", rec, ws, err)
		}
		for _, k := range w.exchange["hospb"] {
			i := slices.IndexFunc(ws, func(x datakey.Wrapped) bool { return x.KeyID == k.ID() })
			dk, err := datakey.Unwrap(k, ws[i])
			if err != nil {
				t.Fatal(err)
			}
			o, err := datakey.Open(dk, w.sealed[rec].Ciphertext)
			if err != nil || hex.EncodeToString(o.Digest[:]) != mustRecord(t, w, rec).Digest {
				t.Fatalf("B opens %s: %v", rec, err)
			}
		}
		// C holds no key that opens them.
		for _, k := range w.exchange["hospc"] {
			for _, x := range ws {
				if _, err := datakey.Unwrap(k, x); err == nil {
					t.Fatal("hospc unwrapped B's key")
				}
			}
		}
	}

	// The owner's node audits: two served, one refused; the same batch
	// again records nothing new.
	kb := w.c.Members["hospb"].Admin.ID()
	kc := w.c.Members["hospc"].Admin.ID()
	events := []datashareapi.AuditEvent{
		event(1, w.c.Time, lab, "hospb", kb, datashareapi.OutcomeServe, "", g),
		event(2, w.c.Time, dis, "hospb", kb, datashareapi.OutcomeServe, "", g),
		event(3, w.c.Time, lab, "hospc", kc, datashareapi.OutcomeRefuse, datashareapi.ReasonNotGrantee, g),
	}
	if r := w.do("hospa", "audit", datashareapi.AuditBody{Events: events}, errcode.OK); r["recorded"] != 3.0 || r["duplicates"] != 0.0 {
		t.Fatalf("audit %v", r)
	}
	if r := w.do("hospa", "audit", datashareapi.AuditBody{Events: events}, errcode.OK); r["recorded"] != 0.0 || r["duplicates"] != 3.0 {
		t.Fatalf("audit again %v", r)
	}
	w.do("hospb", "audit", datashareapi.AuditBody{Events: events[:1]}, errcode.Unauthorized) // B cannot write A's trail

	// The patient revokes: B is refused, the grant stays revoked.
	w.do("hospa", "subject_act", w.act(p, datashareapi.ActRevoke, g), errcode.OK)
	w.wantRefused("hospb", lab, g, "", datashareapi.ReasonRevoked)
	w.do("hospa", "subject_act", w.act(p, datashareapi.ActApprove, g), errcode.Conflict)
	w.do("hospa", "revoke", datashareapi.RevokeBody{Grant: g}, errcode.Conflict)

	// The patient's page shows the grant, revoked by her, and every
	// access.
	view := w.c.View()
	sv, err := datashare.SubjectOf(view, p, w.c.Time, access.Caller{Org: "hospa"})
	if err != nil || len(sv.Grants) != 1 || sv.Grants[0].State != datashareapi.GrantRevoked || sv.Grants[0].Revoked.By != "subject" || len(sv.Records) != 3 {
		t.Fatalf("patient view %+v, %v", sv, err)
	}
	trail, err := datashare.SubjectAudit(view, p, "")
	if err != nil || len(trail.Items) != 3 || trail.Items[2].Reason != datashareapi.ReasonNotGrantee || trail.Items[0].Seq != 1 {
		t.Fatalf("patient's audit trail %+v, %v", trail, err)
	}
	if _, err := datashare.SubjectOf(view, p, w.c.Time, access.Caller{Org: "hospb"}); errcode.Of(err) != errcode.Unauthorized {
		t.Fatalf("hospb read the patient's page: %v", err)
	}
	// A member that is no party learns nothing from a refusal: an id that
	// exists and one that does not get the same answer, naming no party
	// (ADR 0007). An overseer is told the absent one does not exist.
	outsider, overseer := access.Caller{Org: "hospc"}, access.Caller{Org: "reg", Roles: []role.Role{role.Regulator}}
	for _, c := range []struct {
		what             string
		existing, absent string
		read             func(id string, c access.Caller) error
	}{
		{"patient", p, "P0000000000000000", func(id string, c access.Caller) error {
			_, err := datashare.SubjectOf(view, id, w.c.Time, c)
			return err
		}},
		{"grant", g, "DG20260101-000000000000000000AA", func(id string, c access.Caller) error {
			_, err := datashare.GrantOf(view, id, w.c.Time, c)
			return err
		}},
		{"record", lab, "DR20260101-000000000000000000AA", func(id string, c access.Caller) error {
			_, err := datashare.RecordOf(view, id, c)
			return err
		}},
		{"a record's own keys", lab, "DR20260101-000000000000000000AA", func(id string, c access.Caller) error {
			_, err := datashare.KeysOf(view, id, "", c)
			return err
		}},
		{"a grant's keys", g, "DG20260101-000000000000000000AA", func(id string, c access.Caller) error {
			_, err := datashare.KeysOf(view, lab, id, c)
			return err
		}},
	} {
		e1, e2 := c.read(c.existing, outsider), c.read(c.absent, outsider)
		if errcode.Of(e1) != errcode.Unauthorized || errcode.Of(e2) != errcode.Unauthorized ||
			strings.ReplaceAll(e1.Error(), c.existing, "ID") != strings.ReplaceAll(e2.Error(), c.absent, "ID") || strings.Contains(e1.Error(), "hospa") {
			t.Errorf("%s: an outsider can tell an existing id (%v) from an absent one (%v)", c.what, e1, e2)
		}
		if err := c.read(c.absent, overseer); errcode.Of(err) != errcode.NotFound {
			t.Errorf("%s: an overseer reading an absent id: %v", c.what, err)
		}
	}

	// Emergency: B's emergency department declares it; A's node serves
	// B, C still nothing; once reviewed, the access ends.
	br := w.do("hospb", "break_glass", datashareapi.BreakGlassBody{Owner: "hospa", Subject: p, Reason: datashareapi.BTGUnconscious, Justification: "急诊昏迷，需既往病史"}, errcode.OK)
	bg := br["id"].(string)
	w.wantAllowed("hospb", psy, "", bg)
	w.wantRefused("hospc", psy, "", bg, datashareapi.ReasonNotGrantee)
	w.do("hospc", "break_glass", datashareapi.BreakGlassBody{Owner: "hospa", Subject: p, Reason: datashareapi.BTGLife, Justification: "x"}, errcode.Unauthorized)
	w.do("hospb", "review_break_glass", datashareapi.ReviewBody{ID: bg, Finding: datashareapi.BTGJustified}, errcode.Unauthorized)
	w.do("reg", "review_break_glass", datashareapi.ReviewBody{ID: bg, Finding: datashareapi.BTGJustified, Note: "急诊记录相符"}, errcode.OK)
	w.wantRefused("hospb", psy, "", bg, datashareapi.ReasonBreakGlassOver)
	w.do("hospa", "review_break_glass", datashareapi.ReviewBody{ID: bg, Finding: datashareapi.BTGUnjustified}, errcode.Conflict)
}

// TestGrantPeriod: a grant serves from its start to its end, not before,
// not after; the patient's approval after the end is refused.
func TestGrantPeriod(t *testing.T) {
	w := newWorld(t)
	w.setExchange("hospa")
	w.setExchange("hospb")
	p := w.subject("hospa")
	r := w.record("hospa", p, datashareapi.TypeImaging, datashareapi.ClassNormal)
	from, until := w.c.Time.Add(10*time.Second), w.c.Time.Add(20*time.Second)
	g := w.do("hospa", "grant", datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: []string{r}, MaxClass: datashareapi.ClassNormal,
		Start: from.Format(time.RFC3339), End: until.Format(time.RFC3339), Keys: w.grantKeys("hospb", r)}, errcode.OK)["id"].(string)
	w.do("hospa", "subject_act", w.act(p, datashareapi.ActApprove, g), errcode.OK)
	w.wantRefused("hospb", r, g, "", datashareapi.ReasonNotStarted)
	for w.c.Time.Before(from) {
		w.c.Block()
	}
	w.wantAllowed("hospb", r, g, "")
	for w.c.Time.Before(until) {
		w.c.Block()
	}
	w.wantRefused("hospb", r, g, "", datashareapi.ReasonExpired)
	if v, _ := datashare.GrantOf(w.c.View(), g, w.c.Time, access.Caller{Org: "hospb"}); v.State != datashareapi.GrantExpired {
		t.Fatalf("state %s after the end", v.State)
	}
	g2 := w.do("hospa", "grant", datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: []string{r}, MaxClass: datashareapi.ClassNormal,
		End: w.in(3 * time.Second), Keys: w.grantKeys("hospb", r)}, errcode.OK)["id"].(string)
	w.c.Block()
	w.c.Block()
	w.c.Block()
	w.do("hospa", "subject_act", w.act(p, datashareapi.ActApprove, g2), errcode.RuleViolation)
}

// TestEquipment is the industrial story: the factory registers a pump
// built by the maker, its windows signed by the pump's key; a standing
// maintenance grant to the maker covers the windows registered from its
// start and carries their keys; the factory's model anchors an alert; a
// maintenance by the maker resolves it; an independent firm may not
// record maintenance until the factory grants it.
func TestEquipment(t *testing.T) {
	w := newWorld(t)
	for _, o := range []string{"factory", "maker", "svc"} {
		w.setExchange(o)
	}
	pump := testchain.NewKey(t, tx.AlgoEd25519, w.rnd)
	w.do("factory", "register_device", datashareapi.DeviceBody{ID: "PUMP-01", Maker: "maker", Model: "JH-LB200 离心泵", Serial: "JH2026-0001", PublicKey: pump.Public()}, errcode.OK)
	w.do("factory", "register_device", datashareapi.DeviceBody{ID: "PUMP-01", Model: "x", Serial: "y", PublicKey: pump.Public()}, errcode.Conflict)

	window := func(seq uint64, signer *tx.PrivateKey) (datashareapi.RecordBody, datakey.Key) {
		b, k, _ := w.seal("factory", datashareapi.Industrial, datashareapi.TypeTelemetry, datashareapi.ClassNormal, "", "PUMP-01", "2026-03-01T08:00:00+08:00,4210,61300\n")
		b.Seq = seq
		sig := mustSign(t, signer, datashareapi.TelemetrySignBytes(testchain.ChainID, "PUMP-01", seq, b.Digest))
		b.DeviceSig = hex.EncodeToString(sig)
		return b, k
	}
	b1, _ := window(1, pump)
	w1 := w.do("factory", "register_record", b1, errcode.OK)["id"].(string)
	b1again, _ := window(1, pump)
	w.do("factory", "register_record", b1again, errcode.Conflict) // window numbers increase
	forged, _ := window(2, w.exchange["factory"][0])
	w.do("factory", "register_record", forged, errcode.Unauthorized) // not the pump's signature

	g := w.do("factory", "grant", datashareapi.GrantBody{Grantee: "maker", Purpose: datashareapi.PurposeMaintain, Device: "PUMP-01", Types: []string{datashareapi.TypeTelemetry},
		MaxClass: datashareapi.ClassRestricted, End: w.in(365 * 24 * time.Hour)}, errcode.OK)
	if g["status"] != datashareapi.GrantActive {
		t.Fatalf("an industrial grant is %v", g["status"])
	}
	gid := g["id"].(string)
	w.wantRefused("maker", w1, gid, "", datashareapi.ReasonOutOfScope) // registered before the grant

	b2, k2 := window(2, pump)
	for _, wr := range w.wrapFor("maker", k2) {
		b2.GrantKeys = append(b2.GrantKeys, datashareapi.GrantKey{Grant: gid, Wrapped: wr})
	}
	res := w.do("factory", "register_record", b2, errcode.OK)
	w2 := res["id"].(string)
	if cov, _ := res["covered"].([]any); len(cov) != 1 || cov[0] != gid {
		t.Fatalf("window 2 covered by %v", res["covered"])
	}
	w.wantAllowed("maker", w2, gid, "")
	w.wantRefused("svc", w2, gid, "", datashareapi.ReasonNotGrantee)
	ws, _ := datashare.WrappedFor(w.c.View(), w2, gid)
	if dk, err := datakey.Unwrap(w.exchange["maker"][1], ws[slices.IndexFunc(ws, func(x datakey.Wrapped) bool { return x.KeyID == w.exchange["maker"][1].ID() })]); err != nil || dk != k2 {
		t.Fatalf("maker unwraps window 2: %v", err)
	}

	alert := datashareapi.AlertBody{Device: "PUMP-01", Window: w2, Metric: datashareapi.MetricVibration, Rule: datashareapi.RuleZScore, Value: 9100, Mean: 4200, SD: 350,
		ZCenti: 1400, Threshold: 400, Severity: datashareapi.SeverityCritical, Model: "ewma-z/1 alpha=1/16 warmup=8", Digests: []string{mustRecord(t, w, w1).Digest, b2.Digest}}
	w.do("maker", "raise_alert", alert, errcode.Unauthorized) // the owner's model raises alerts
	wrong := alert
	wrong.Digests = []string{b2.Digest, mustRecord(t, w, w1).Digest}
	w.do("factory", "raise_alert", wrong, errcode.RuleViolation)
	al := w.do("factory", "raise_alert", alert, errcode.OK)["id"].(string)

	m := datashareapi.MaintenanceBody{Device: "PUMP-01", Kind: "replacement", Performed: w.in(0), Summary: "更换前端轴承，振动恢复正常", Parts: []string{"6308-2RS"}, Resolves: []string{al}}
	w.do("svc", "record_maintenance", m, errcode.Unauthorized)
	w.do("maker", "record_maintenance", m, errcode.OK)
	w.do("maker", "record_maintenance", m, errcode.Conflict) // resolved already
	dv, err := datashare.DeviceOf(w.c.View(), "PUMP-01", w.c.Time, access.Caller{Org: "maker"})
	if err != nil || dv.Device.OpenAlerts != 0 || len(dv.Alerts) != 1 || dv.Alerts[0].Status != datashareapi.AlertResolved || len(dv.Maintenance) != 1 || dv.Device.Windows != 2 {
		t.Fatalf("device view %+v, %v", dv, err)
	}
	if _, err := datashare.DeviceOf(w.c.View(), "PUMP-01", w.c.Time, access.Caller{Org: "svc"}); errcode.Of(err) != errcode.Unauthorized {
		t.Fatalf("svc read the pump: %v", err)
	}
	// A maintenance grant to the firm lets it record maintenance.
	w.do("factory", "grant", datashareapi.GrantBody{Grantee: "svc", Purpose: datashareapi.PurposeMaintain, Device: "PUMP-01", Types: []string{datashareapi.TypeTelemetry},
		MaxClass: datashareapi.ClassNormal, End: w.in(24 * time.Hour)}, errcode.OK)
	m.Resolves = nil
	m.Kind, m.Summary = "inspection", "例行巡检"
	w.do("svc", "record_maintenance", m, errcode.OK)
	wins, err := datashare.DeviceWindows(w.c.View(), "PUMP-01", 10)
	if err != nil || len(wins) != 2 || wins[0].Seq != 1 || wins[1].Seq != 2 {
		t.Fatalf("windows %+v %v", wins, err)
	}
}

func mustSign(t testing.TB, k *tx.PrivateKey, msg []byte) []byte {
	t.Helper()
	s, err := k.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustRecord(t testing.TB, w *world, id string) *datashareapi.Record {
	t.Helper()
	r, err := datashare.GetRecord(w.c.View(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
