package datashareplug_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
	"github.com/dengta-chain/dengta/tx"
)

// devStory is a dev node with the data-sharing organisations' keys: each
// one's admin key (a hall user's custodial key in the dev chain) and the
// key the node holds for it, both named its exchange keys.
type devStory struct {
	t      *testing.T
	ctx    context.Context
	d      *daemon.Daemon
	home   string
	c      *client.Client
	admin  map[string]*client.Key
	hosted map[string]*client.Key
}

func newDevStory(t *testing.T) *devStory {
	t.Helper()
	d, home := nodetest.Dev(t)
	s := &devStory{t: t, ctx: context.Background(), d: d, home: home, c: client.New(d.GatewayURL), admin: map[string]*client.Key{}, hosted: map[string]*client.Key{}}
	for _, org := range []string{"hospa", "hospb", "machinery", "juicery", "coop", "regulator"} {
		k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
		if err != nil {
			t.Fatal(err)
		}
		s.admin[org] = k
		if org == "regulator" {
			continue
		}
		h, err := client.OpenKey(node.HostedKeyFile(home, org), []byte(keyfile.DevPassphrase))
		if err != nil {
			t.Fatal(err)
		}
		s.hosted[org] = h
	}
	for _, org := range []string{"hospa", "hospb", "machinery", "juicery"} {
		s.exchange(org)
	}
	return s
}

func (s *devStory) exchange(org string) {
	s.t.Helper()
	ids := []tx.KeyID{mustKeyID(s.t, s.hosted[org].ID()), mustKeyID(s.t, s.admin[org].ID())}
	if _, _, err := client.Send(s.ctx, s.c, s.admin[org], datashareapi.SetExchange, datashareapi.ExchangeBody{Keys: ids, Endpoint: s.d.GatewayURL}); err != nil {
		s.t.Fatal(err)
	}
}

func mustKeyID(t testing.TB, s string) tx.KeyID {
	id, err := tx.ParseKeyID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// admit admits a patient to hospa's custody through the API.
func (s *devStory) admit(name, idNumber, code string) *datashareapi.PatientResult {
	s.t.Helper()
	b, _ := jsonBytes(datashareapi.PatientBody{Name: name, IDNumber: idNumber, AccessCode: code})
	res, err := client.Post(s.ctx, s.c.As(s.admin["hospa"]), datashareapi.RegisterPatient, api.None{}, bytes.NewReader(b), "application/json")
	if err != nil {
		s.t.Fatal(err)
	}
	return res
}

// patientKey opens a patient's key from the node's custody with the
// access code, as the patient's page does.
func (s *devStory) patientKey(id, code string) *tx.PrivateKey {
	s.t.Helper()
	path := filepath.Join(node.ModulesDir(s.home), datashareapi.Name, "patients", id+".key.json")
	k, _, err := tx.OpenKeyFile(path, keyfile.Fixed(strings.ReplaceAll(code, "-", "")))
	if err != nil {
		s.t.Fatal(err)
	}
	return k
}

// TestReferralThroughANode: hospa admits a patient and registers her
// records through the SDK, proposes a referral to hospb, the patient
// approves through her app's relay; hospb retrieves and opens the
// records from hospa's endpoint; another member cannot; the accesses
// reach the chain's audit trail through the node's journal; after the
// patient revokes, hospb is refused and the refusal is audited.
func TestReferralThroughANode(t *testing.T) {
	s := newDevStory(t)
	ctx := s.ctx
	p := s.admit("李秀英", "340102199003071234", "TEST-CODE-2026-A1")
	if !datashareapi.IsSubjectID(p.ID) || p.Height == 0 {
		t.Fatalf("admitted %+v", p)
	}
	lab := []byte("血常规 2026-03-01：WBC 6.1，HGB 128，PLT 210。")
	rec, err := datashareplug.Register(ctx, s.c, s.admin["hospa"], datashareapi.RecordBody{Domain: datashareapi.Medical, Type: datashareapi.TypeLab, Class: datashareapi.ClassNormal, Subject: p.ID},
		datakey.Meta{Name: "血常规.txt", MediaType: "text/plain"}, lab)
	must(t, err)
	g, err := datashareplug.Share(ctx, s.c, s.admin["hospa"], s.admin["hospa"], datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: []string{rec.ID},
		MaxClass: datashareapi.ClassRestricted, End: time.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)})
	must(t, err)
	if g.Status != datashareapi.GrantProposed {
		t.Fatalf("grant %+v", g)
	}
	// Before the patient's consent, hospb is refused.
	if _, err := datashareplug.Retrieve(ctx, s.c, s.admin["hospb"], rec.ID, g.ID, "", s.admin["hospb"]); !client.IsCode(err, "unauthorized") {
		t.Fatalf("retrieve before consent: %v", err)
	}
	st, err := client.New(s.d.GatewayURL).ChainID(ctx)
	must(t, err)
	approve, err := datashareplug.SignStatement(st, s.patientKey(p.ID, p.AccessCode), datashareapi.ActApprove, g.ID, p.ID, time.Now())
	must(t, err)
	// A statement missing its fields is bad input (400), not an unknown
	// patient (404).
	for _, bad := range []datashareapi.SubjectActBody{{}, {Act: approve.Act, Grant: approve.Grant, Subject: approve.Subject, Time: approve.Time}} {
		var ce *client.Error
		if _, err := datashareplug.RelayStatement(ctx, client.New(s.d.GatewayURL), bad); !errors.As(err, &ce) || ce.Status != http.StatusBadRequest || !strings.Contains(ce.Message, "missing") {
			t.Fatalf("statement %+v: %v", bad, err)
		}
	}
	sr, err := datashareplug.RelayStatement(ctx, client.New(s.d.GatewayURL), approve) // the public relay: no member credential
	must(t, err)
	if sr.Status != datashareapi.GrantActive {
		t.Fatalf("after approval: %+v", sr)
	}
	// hospb opens it with its admin key, and with the key the node holds.
	for _, opener := range []*client.Key{s.admin["hospb"], s.hosted["hospb"]} {
		got, err := datashareplug.Retrieve(ctx, s.c, s.admin["hospb"], rec.ID, g.ID, "", opener)
		must(t, err)
		if !bytes.Equal(got.Content, lab) || got.Meta.Name != "血常规.txt" {
			t.Fatalf("retrieved %q %+v", got.Content, got.Meta)
		}
	}
	// The grant as a FHIR Consent, through the typed SDK call.
	fhir, err := client.Read(ctx, s.c.As(s.admin["hospb"]), datashareapi.GrantFHIR, datashareapi.IDParams{ID: g.ID})
	must(t, err)
	if !bytes.Contains(*fhir, []byte(`"resourceType": "Consent"`)) && !bytes.Contains(*fhir, []byte(`"resourceType":"Consent"`)) {
		t.Fatalf("the grant as FHIR:\n%s", *fhir)
	}
	// Another member cannot even read the record's metadata, and its
	// node refuses it the ciphertext, even naming hospb's grant.
	if _, err := datashareplug.Retrieve(ctx, s.c, s.admin["coop"], rec.ID, g.ID, "", s.admin["coop"]); !client.IsCode(err, "unauthorized") {
		t.Fatalf("coop retrieving: %v", err)
	}
	// Its refusal names no party and is the one for a record that does
	// not exist (ADR 0016); the owner's trail still records the attempt.
	const ghost = "DR20260101-000000000000000000AA"
	var coopErr, ghostErr error
	{
		rv, gv := datashareapi.Record{ID: rec.ID}, datashareapi.Record{ID: ghost}
		coop := client.New(s.d.GatewayURL).As(s.admin["coop"])
		_, coopErr = datashareplug.Fetch(ctx, coop, &rv, g.ID, "")
		_, ghostErr = datashareplug.Fetch(ctx, coop, &gv, g.ID, "")
	}
	if !client.IsCode(coopErr, "unauthorized") || !client.IsCode(ghostErr, "unauthorized") || strings.Contains(coopErr.Error(), "hosp") ||
		strings.ReplaceAll(coopErr.Error(), rec.ID, "ID") != strings.ReplaceAll(ghostErr.Error(), ghost, "ID") {
		t.Fatalf("coop fetching an existing record (%v) and one that does not exist (%v)", coopErr, ghostErr)
	}
	// The patient revokes; hospb is refused.
	revoke, err := datashareplug.SignStatement(st, s.patientKey(p.ID, p.AccessCode), datashareapi.ActRevoke, g.ID, p.ID, time.Now())
	must(t, err)
	_, err = datashareplug.RelayStatement(ctx, s.c, revoke)
	must(t, err)
	_, err = datashareplug.Retrieve(ctx, s.c, s.admin["hospb"], rec.ID, g.ID, "", s.admin["hospb"])
	if !client.IsCode(err, "unauthorized") || !strings.Contains(err.Error(), datashareapi.ReasonRevoked) {
		t.Fatalf("retrieve after revocation: %v", err)
	}
	// Every access to the owner's node reaches the chain: the refusal
	// before consent, two served, coop's refusal, the refusal after
	// revocation.
	trail := s.waitAudit(p.ID, 5)
	var got []string
	for _, e := range trail {
		got = append(got, e.Org+":"+e.Outcome+":"+e.Reason)
	}
	want := []string{"hospb:refused:not_active", "hospb:served:", "hospb:served:", "coop:refused:not_grantee", "hospb:refused:revoked"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("audit trail %v, want %v", got, want)
	}
	for _, e := range trail {
		if e.Owner != "hospa" || e.By.Org != "hospa" || e.Subject != p.ID || e.Key.IsZero() {
			t.Fatalf("entry %+v", e)
		}
	}
}

// waitAudit polls the patient's audit trail, read by hospa, until it
// holds n entries.
func (s *devStory) waitAudit(subject string, n int) []datashareapi.AuditEntry {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		page, err := client.Read(s.ctx, s.c.As(s.admin["hospa"]), datashareapi.AuditTrail, datashareapi.AuditParams{Subject: subject})
		must(s.t, err)
		if len(page.Items) >= n {
			return page.Items
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("audit trail has %d entries after 30 s, want %d", len(page.Items), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }
