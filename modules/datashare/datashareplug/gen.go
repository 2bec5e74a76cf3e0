package datashareplug

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// gen makes random actions of the module for the determinism harness:
// exchanges, patients with keys it holds (so that their consents carry
// real signatures), records with well-formed wrapped keys, grants and
// the patients' acts on them, audit batches, emergency accesses and
// their reviews, devices with keys it holds and their signed windows,
// alerts and maintenance; and refusals of each kind.
type gen struct {
	// grantEnd is when valid grants end: four years after the world's
	// time (a fixed date would stop every grant once it passed).
	grantEnd string
	exchange map[string][]datashareapi.ExchangeKey
	subjects map[string]*genSubject
	records  []genRecord
	grants   []genGrant
	btgs     []genBTG
	devices  map[string]*genDevice
	alerts   []genAlert
	n        int
}

type genSubject struct {
	hospital string
	key      *tx.PrivateKey
}

type genRecord struct {
	id, owner, subject, device, typ, digest string
}

type genGrant struct {
	id, owner, grantee, subject string
	records                     []string
}

type genBTG struct{ id, owner string }

type genDevice struct {
	owner, maker string
	key          *tx.PrivateKey
	seq          uint64
}

type genAlert struct{ id, device string }

func newGen() plug.Gen {
	return &gen{exchange: map[string][]datashareapi.ExchangeKey{}, subjects: map[string]*genSubject{}, devices: map[string]*genDevice{}}
}

// randReader reads bytes from the harness's seeded generator, so that
// keys are the same on every run.
type randReader struct{ r *rand.Rand }

func (rr randReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(rr.r.Uint32())
	}
	return len(p), nil
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// wrapped makes well-formed wrapped keys for an exchange's keys: random
// bytes of the right shape (the chain checks forms, not contents).
func (g *gen) wrapped(r *rand.Rand, ex []datashareapi.ExchangeKey) []datakey.Wrapped {
	var out []datakey.Wrapped
	for _, k := range ex {
		if k.PublicKey.Algo == tx.AlgoSM2 {
			w, _ := datakey.Wrap(k.PublicKey, datakey.Key{byte(r.Uint32())})
			out = append(out, w)
			continue
		}
		b := make([]byte, 64)
		randReader{r}.Read(b)
		out = append(out, datakey.Wrapped{Alg: datakey.AlgX25519, KeyID: k.ID, Data: hex.EncodeToString(b)})
	}
	return out
}

func (g *gen) digest(r *rand.Rand) string {
	b := make([]byte, 32)
	randReader{r}.Read(b)
	return hex.EncodeToString(b)
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	g.n++
	g.grantEnd = w.Time.In(time.FixedZone("CST", 8*3600)).AddDate(4, 0, 0).Truncate(24 * time.Hour).Format(time.RFC3339)
	hospitals := w.With(datashareapi.Hospital)
	enterprises := w.With(datashareapi.Enterprise)
	if len(hospitals) == 0 || len(enterprises) == 0 {
		return plug.Action{Org: w.Orgs[0].ID, Action: datashareapi.SetExchange.Name, Body: []byte(`{"keys":"x"}`)}
	}
	for _, o := range append(slices.Clone(hospitals), enterprises...) {
		if _, ok := g.exchange[o]; !ok {
			return plug.Action{Org: o, Action: datashareapi.SetExchange.Name, Valid: true, Tag: o, Body: datashareapi.ExchangeBody{Endpoint: "https://" + o + ".example.cn"}}
		}
	}
	switch k := r.IntN(20); {
	case k == 0:
		return g.refusal(r, w)
	case k <= 2 || len(g.subjects) == 0:
		h := pick(r, hospitals)
		key, _ := tx.GenerateKey(tx.AlgoEd25519, randReader{r})
		id := datashareapi.Pseudonym([]byte("gen"), fmt.Sprintf("%d-%d", g.n, r.Uint32()))
		g.subjects[id] = &genSubject{hospital: h, key: key}
		return plug.Action{Org: h, Action: datashareapi.RegisterSubject.Name, Valid: true, Body: datashareapi.SubjectBody{ID: id, PublicKey: key.Public()}}
	case k <= 5:
		id := pick(r, sortedKeys(g.subjects))
		s := g.subjects[id]
		typ := pick(r, datashareapi.MedicalTypes)
		b := datashareapi.RecordBody{Domain: datashareapi.Medical, Type: typ, Class: pick(r, datashareapi.Classes), Subject: id, Digest: g.digest(r), Blob: g.digest(r),
			Size: int64(100 + r.IntN(1<<20)), Keys: g.wrapped(r, g.exchange[s.hospital])}
		if r.IntN(4) == 0 {
			b.Tags = []string{pick(r, datashareapi.MedicalTags)}
		}
		return plug.Action{Org: s.hospital, Action: datashareapi.RegisterRecord.Name, Valid: true, Tag: s.hospital + "|" + id + "||" + typ + "|" + b.Digest, Body: b}
	case k <= 7:
		return g.grantAction(r, hospitals)
	case k <= 9 && len(g.grants) > 0:
		gr := pick(r, g.grants)
		if gr.subject == "" || r.IntN(4) == 0 {
			return plug.Action{Org: pick(r, []string{gr.owner, gr.grantee}), Action: datashareapi.Revoke.Name, Body: datashareapi.RevokeBody{Grant: gr.id, Reason: "合作结束"}, Valid: true}
		}
		act := pick(r, []string{datashareapi.ActApprove, datashareapi.ActApprove, datashareapi.ActRefuse, datashareapi.ActRevoke})
		s := g.subjects[gr.subject]
		body, _ := SignStatement(w.ChainID, s.key, act, gr.id, gr.subject, w.Time.Add(-time.Second))
		return plug.Action{Org: pick(r, w.Orgs).ID, Action: datashareapi.SubjectAct.Name, Body: body, Valid: act == datashareapi.ActApprove}
	case k == 10 && len(g.records) > 0:
		rec := pick(r, g.records)
		var events []datashareapi.AuditEvent
		for i := range 1 + r.IntN(5) {
			d := g.digest(r)
			e := datashareapi.AuditEvent{ID: d[:32], Digest: d, Time: w.Time.Add(-time.Duration(i) * time.Second).Format(time.RFC3339), Event: datashareapi.EventFetch,
				Outcome: datashareapi.OutcomeRefuse, Reason: pick(r, datashareapi.Reasons), Record: rec.id, Org: pick(r, w.Orgs).ID, Key: tx.KeyID{byte(i + 1)}}
			if len(g.grants) > 0 && r.IntN(2) == 0 {
				e.Outcome, e.Reason, e.Grant, e.Purpose = datashareapi.OutcomeServe, "", pick(r, g.grants).id, datashareapi.PurposeTreat
			}
			events = append(events, e)
		}
		return plug.Action{Org: rec.owner, Action: datashareapi.Audit.Name, Valid: true, Body: datashareapi.AuditBody{Events: events}}
	case k == 11 && len(g.subjects) > 0:
		em := w.With(datashareapi.Emergency)
		if len(em) == 0 {
			break
		}
		id := pick(r, sortedKeys(g.subjects))
		s := g.subjects[id]
		return plug.Action{Org: pick(r, em), Action: datashareapi.BreakGlass.Name, Tag: s.hospital, Valid: !slices.Contains(em, s.hospital),
			Body: datashareapi.BreakGlassBody{Owner: s.hospital, Subject: id, Reason: pick(r, datashareapi.BTGReasons), Justification: "急诊抢救"}}
	case k == 12 && len(g.btgs) > 0:
		b := pick(r, g.btgs)
		org := b.owner
		if regs := w.With(role.Regulator); len(regs) > 0 && r.IntN(2) == 0 {
			org = pick(r, regs)
		}
		return plug.Action{Org: org, Action: datashareapi.ReviewBreakGlass.Name, Valid: true, Body: datashareapi.ReviewBody{ID: b.id, Finding: pick(r, datashareapi.BTGFindings)}}
	case k <= 14:
		o := pick(r, enterprises)
		key, _ := tx.GenerateKey(tx.AlgoEd25519, randReader{r})
		id := fmt.Sprintf("PUMP-%04d", g.n)
		maker := ""
		if ms := w.With(datashareapi.Maintainer); len(ms) > 0 {
			maker = pick(r, ms)
		}
		g.devices[id] = &genDevice{owner: o, maker: maker, key: key}
		return plug.Action{Org: o, Action: datashareapi.RegisterDevice.Name, Valid: true, Body: datashareapi.DeviceBody{ID: id, Maker: maker, Model: "离心泵", Serial: "S" + id, PublicKey: key.Public()}}
	case k <= 16 && len(g.devices) > 0:
		id := pick(r, sortedKeys(g.devices))
		d := g.devices[id]
		d.seq++
		b := datashareapi.RecordBody{Domain: datashareapi.Industrial, Type: datashareapi.TypeTelemetry, Class: datashareapi.ClassNormal, Device: id, Digest: g.digest(r), Blob: g.digest(r),
			Size: 4096, Seq: d.seq, Keys: g.wrapped(r, g.exchange[d.owner])}
		sig, _ := d.key.Sign(datashareapi.TelemetrySignBytes(w.ChainID, id, d.seq, b.Digest))
		b.DeviceSig = hex.EncodeToString(sig)
		return plug.Action{Org: d.owner, Action: datashareapi.RegisterRecord.Name, Valid: true, Tag: d.owner + "||" + id + "|" + datashareapi.TypeTelemetry + "|" + b.Digest, Body: b}
	case k == 17:
		var windows []genRecord
		for _, rec := range g.records {
			if rec.typ == datashareapi.TypeTelemetry {
				windows = append(windows, rec)
			}
		}
		if len(windows) == 0 {
			break
		}
		rec := pick(r, windows)
		return plug.Action{Org: rec.owner, Action: datashareapi.RaiseAlert.Name, Valid: true, Tag: rec.device, Body: datashareapi.AlertBody{Device: rec.device, Window: rec.id,
			Metric: pick(r, datashareapi.Metrics), Rule: datashareapi.RuleZScore, Value: 9000, Mean: 4000, SD: 400, ZCenti: 1250, Threshold: 400,
			Severity: pick(r, datashareapi.Severities), Model: "ewma-z/1", Digests: []string{g.digest(r), rec.digest}}}
	case k == 18 && len(g.devices) > 0:
		id := pick(r, sortedKeys(g.devices))
		d := g.devices[id]
		if d.maker == "" {
			break
		}
		var resolves []string
		for _, a := range g.alerts {
			if a.device == id {
				resolves = append(resolves, a.id)
				break
			}
		}
		return plug.Action{Org: d.maker, Action: datashareapi.Maintain.Name, Valid: len(resolves) == 0, Tag: "maint|" + id, Body: datashareapi.MaintenanceBody{Device: id, Kind: pick(r, datashareapi.MaintenanceKinds),
			Performed: w.Time.Add(-time.Hour).Format(time.RFC3339), Summary: "更换轴承", Parts: []string{"6308-2RS"}, NextDue: "2027-01-01", Resolves: resolves}}
	case k == 19 && len(g.grants) > 0 && len(g.records) > 0 && r.IntN(2) == 0:
		// Keys for a grant's grantee: a window registered under a
		// standing grant without them, say (refused when they are there).
		gr := pick(r, g.grants)
		rec := pick(r, g.records)
		var keys []datashareapi.RecordKey
		for _, w := range g.wrapped(r, g.exchange[gr.grantee]) {
			keys = append(keys, datashareapi.RecordKey{Record: rec.id, Wrapped: w})
		}
		return plug.Action{Org: gr.owner, Action: datashareapi.DeliverKeys.Name, Valid: true, Body: datashareapi.DeliverBody{Grant: gr.id, Keys: keys}}
	case k == 19 && len(g.subjects) > 0:
		id := pick(r, sortedKeys(g.subjects))
		s := g.subjects[id]
		key, _ := tx.GenerateKey(tx.AlgoEd25519, randReader{r})
		g.subjects[id] = &genSubject{hospital: s.hospital, key: key}
		return plug.Action{Org: s.hospital, Action: datashareapi.RotateSubjectKey.Name, Valid: true, Body: datashareapi.RotateBody{ID: id, PublicKey: key.Public(), Reason: "就诊卡遗失"}}
	}
	return g.grantAction(r, hospitals)
}

// grantAction proposes a referral of a patient's records to another
// hospital, or a standing maintenance grant of a device to its maker, or
// delivers keys.
func (g *gen) grantAction(r *rand.Rand, hospitals []string) plug.Action {
	if r.IntN(3) == 0 && len(g.devices) > 0 {
		id := pick(r, sortedKeys(g.devices))
		d := g.devices[id]
		if d.maker != "" && d.maker != d.owner {
			return plug.Action{Org: d.owner, Action: datashareapi.Grant.Name, Valid: true, Tag: d.owner + "|" + d.maker + "|",
				Body: datashareapi.GrantBody{Grantee: d.maker, Purpose: datashareapi.PurposeMaintain, Device: id, Types: []string{datashareapi.TypeTelemetry}, MaxClass: datashareapi.ClassRestricted, End: g.grantEnd}}
		}
	}
	var bySubject = map[string][]genRecord{}
	for _, rec := range g.records {
		if rec.subject != "" {
			bySubject[rec.subject] = append(bySubject[rec.subject], rec)
		}
	}
	if len(bySubject) == 0 {
		return plug.Action{Org: pick(r, hospitals), Action: datashareapi.Grant.Name, Body: datashareapi.GrantBody{Grantee: "nobody", Purpose: "TREAT", Records: []string{"DR20260101-00000000000000000000"}, MaxClass: "N", End: "2030-01-01T00:00:00Z"}}
	}
	subj := pick(r, sortedKeys(bySubject))
	recs := bySubject[subj]
	owner := g.subjects[subj].hospital
	var others []string
	for _, h := range hospitals {
		if h != owner {
			others = append(others, h)
		}
	}
	if len(others) == 0 {
		return plug.Action{Org: owner, Action: datashareapi.Grant.Name, Body: datashareapi.GrantBody{Grantee: owner, Purpose: "TREAT", Records: []string{recs[0].id}, MaxClass: "N", End: "2030-01-01T00:00:00Z"}}
	}
	to := pick(r, others)
	b := datashareapi.GrantBody{Grantee: to, Purpose: pick(r, datashareapi.MedicalPurposes), MaxClass: pick(r, datashareapi.Classes), End: g.grantEnd}
	if r.IntN(4) == 0 {
		b.Subject, b.Types = subj, []string{pick(r, datashareapi.MedicalTypes)}
		b.DenyTags = []string{"PSY"}
	} else {
		n := 1 + r.IntN(min(3, len(recs)))
		for _, rec := range recs[:n] {
			b.Records = append(b.Records, rec.id)
			for _, w := range g.wrapped(r, g.exchange[to]) {
				b.Keys = append(b.Keys, datashareapi.RecordKey{Record: rec.id, Wrapped: w})
			}
		}
	}
	return plug.Action{Org: owner, Action: datashareapi.Grant.Name, Valid: true, Tag: owner + "|" + to + "|" + subj, Body: b}
}

// refusal makes an action every node must refuse alike.
func (g *gen) refusal(r *rand.Rand, w *plug.World) plug.Action {
	o := pick(r, w.Orgs).ID
	switch r.IntN(6) {
	case 0:
		return plug.Action{Org: o, Action: datashareapi.RegisterRecord.Name, Body: []byte(`{"domain":"medical","type":"lab"`)}
	case 1:
		return plug.Action{Org: o, Action: datashareapi.Grant.Name, Body: datashareapi.GrantBody{Grantee: o, Purpose: "TREAT", Records: []string{"DR20260101-00000000000000000000"}, MaxClass: "N", End: "2030-01-01T00:00:00Z"}}
	case 2:
		return plug.Action{Org: o, Action: datashareapi.SubjectAct.Name, Body: datashareapi.SubjectActBody{Act: "approve", Grant: "DG20260101-00000000000000000000", Subject: "P0000000000000000", Time: w.Time.Format(time.RFC3339), Signature: "00"}}
	case 3:
		return plug.Action{Org: o, Action: datashareapi.Audit.Name, Body: datashareapi.AuditBody{}}
	case 4:
		return plug.Action{Org: o, Action: datashareapi.BreakGlass.Name, Body: datashareapi.BreakGlassBody{Owner: o, Subject: "P0000000000000000", Reason: "bored", Justification: "x"}}
	}
	return plug.Action{Org: o, Action: datashareapi.RegisterDevice.Name, Body: datashareapi.DeviceBody{ID: "bad id", Model: "m", Serial: "s"}}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		if a.Action == datashareapi.RegisterRecord.Name && a.Tag != "" {
			// A window refused keeps its device's number unused: the next
			// one may take it.
			if b, ok := a.Body.(datashareapi.RecordBody); ok && b.Device != "" {
				if d := g.devices[b.Device]; d != nil && d.seq == b.Seq {
					d.seq--
				}
			}
		}
		if a.Action == datashareapi.RegisterDevice.Name {
			if b, ok := a.Body.(datashareapi.DeviceBody); ok {
				delete(g.devices, b.ID)
			}
		}
		if a.Action == datashareapi.RegisterSubject.Name {
			if b, ok := a.Body.(datashareapi.SubjectBody); ok {
				delete(g.subjects, b.ID)
			}
		}
		return
	}
	var res struct {
		ID   string                     `json:"id"`
		Org  string                     `json:"org"`
		Keys []datashareapi.ExchangeKey `json:"keys"`
	}
	_ = json.Unmarshal(result, &res)
	switch a.Action {
	case datashareapi.SetExchange.Name:
		g.exchange[res.Org] = res.Keys
	case datashareapi.RegisterRecord.Name:
		var p [5]string
		copy(p[:], splitTag(a.Tag))
		g.records = append(g.records, genRecord{id: res.ID, owner: p[0], subject: p[1], device: p[2], typ: p[3], digest: p[4]})
	case datashareapi.Grant.Name:
		p := splitTag(a.Tag)
		gr := genGrant{id: res.ID, owner: p[0], grantee: p[1]}
		if len(p) > 2 {
			gr.subject = p[2]
		}
		g.grants = append(g.grants, gr)
	case datashareapi.BreakGlass.Name:
		g.btgs = append(g.btgs, genBTG{id: res.ID, owner: a.Tag})
	case datashareapi.RaiseAlert.Name:
		g.alerts = append(g.alerts, genAlert{id: res.ID, device: a.Tag})
	case datashareapi.Maintain.Name:
		if b, ok := a.Body.(datashareapi.MaintenanceBody); ok && len(b.Resolves) > 0 {
			g.alerts = slices.DeleteFunc(g.alerts, func(x genAlert) bool { return slices.Contains(b.Resolves, x.id) })
		}
	}
}

func splitTag(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
