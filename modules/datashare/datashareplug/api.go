package datashareplug

import (
	"context"
	_ "embed"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

//go:embed openapi.json
var openAPI []byte

func (n *node) apiModule() *httpapi.Module {
	return &httpapi.Module{OpenAPI: openAPI, Routes: n.routes}
}

func (n *node) routes(env httpapi.Env, r httpapi.Router) {
	view := func(h int64) (module.Reader, error) { return env.View(h) }
	httpapi.Query(r, datashareapi.GetExchange, func(ctx context.Context, p datashareapi.OrgParams) (*datashareapi.Exchange, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.GetExchange(v, p.Org)
	})
	httpapi.Query(r, datashareapi.GetRecord, func(ctx context.Context, p datashareapi.IDParams) (*datashareapi.RecordView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.RecordOf(v, p.ID, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.Records, func(ctx context.Context, p datashareapi.RecordsParams) (*api.Page[datashareapi.Record], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.ListRecords(v, p, httpapi.Caller(ctx), newSearch(v, p.Q))
	})
	httpapi.Query(r, datashareapi.GetKeys, func(ctx context.Context, p datashareapi.KeysParams) (*datashareapi.WrappedKeys, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.KeysOf(v, p.ID, p.Grant, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.GetGrant, func(ctx context.Context, p datashareapi.IDParams) (*datashareapi.GrantView, error) {
		v, t, err := viewAt(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.GrantOf(v, p.ID, t, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.Grants, func(ctx context.Context, p datashareapi.GrantsParams) (*api.Page[datashareapi.GrantView], error) {
		v, t, err := viewAt(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.ListGrants(v, p, t, httpapi.Caller(ctx), newSearch(v, p.Q))
	})
	httpapi.Query(r, datashareapi.GetSubject, func(ctx context.Context, p datashareapi.IDParams) (*datashareapi.SubjectView, error) {
		v, t, err := viewAt(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.SubjectOf(v, p.ID, t, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.AuditTrail, func(ctx context.Context, p datashareapi.AuditParams) (*api.Page[datashareapi.AuditEntry], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.AuditOf(v, p, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.GetBreakGlass, func(ctx context.Context, p datashareapi.IDParams) (*datashareapi.BreakGlassRecord, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.BreakGlassOf(v, p.ID, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.BreakGlasses, func(ctx context.Context, p datashareapi.BreakGlassParams) (*api.Page[datashareapi.BreakGlassRecord], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.ListBreakGlass(v, p, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.GetDevice, func(ctx context.Context, p datashareapi.IDParams) (*datashareapi.DeviceView, error) {
		v, t, err := viewAt(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.DeviceOf(v, p.ID, t, httpapi.Caller(ctx))
	})
	httpapi.Query(r, datashareapi.Devices, func(ctx context.Context, p datashareapi.DevicesParams) (*api.Page[datashareapi.Device], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return datashare.ListDevices(v, p, httpapi.Caller(ctx))
	})
	httpapi.Raw(r, datashareapi.Content, n.serveContent(env))
	httpapi.Raw(r, datashareapi.GetEmergencyKeys, n.serveEmergencyKeys(env))
	httpapi.Raw(r, datashareapi.PostTelemetry, n.ingest(env), httpapi.MaxBody(MaxTelemetryBody))
	httpapi.Raw(r, datashareapi.PostStatement, n.relayStatement(env))
	httpapi.Raw(r, datashareapi.RegisterPatient, n.admitPatient(env))
	httpapi.Raw(r, datashareapi.GrantFHIR, func(w http.ResponseWriter, req *http.Request) error {
		var p datashareapi.IDParams
		if err := api.DecodeParams(&p, req.PathValue, req.URL.Query()); err != nil {
			return err
		}
		v, t, err := viewAt(req.Context(), env, p.Height)
		if err != nil {
			return err
		}
		g, err := datashare.GrantOf(v, p.ID, t, httpapi.Caller(req.Context()))
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
		httpapi.WriteJSON(w, http.StatusOK, ConsentResource(g, env.PublicURL("")))
		w.Header().Set("Content-Type", "application/fhir+json")
		return nil
	})
}

// viewAt opens the state at height with the time of the latest block,
// the "now" of grants' states.
func viewAt(ctx context.Context, env httpapi.Env, h int64) (module.Reader, time.Time, error) {
	v, err := env.View(h)
	if err != nil {
		return nil, time.Time{}, err
	}
	t, err := env.BlockTime(ctx)
	return v, t, err
}

// relayStatement relays a patient's signed statement, from the patient's
// app, to the chain with the key of the patient's hospital this node
// holds. The patient's signature is the statement's authority: the node
// checks it before relaying, and the chain again.
func (n *node) relayStatement(env httpapi.Env) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b datashareapi.SubjectActBody
		if err := httpapi.DecodeJSON(r, &b, 4<<10); err != nil {
			return err
		}
		var missing []string
		for _, f := range []struct{ name, v string }{{"act", b.Act}, {"grant", b.Grant}, {"subject", b.Subject}, {"time", b.Time}, {"signature", b.Signature}} {
			if f.v == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			return errcode.New(errcode.BadRequest, "a patient's statement needs act, grant, subject, time and signature; missing: %s", strings.Join(missing, ", "))
		}
		res, err := n.relay(r.Context(), env, b)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, res)
		return nil
	}
}

// chainViewer is what relaying a statement reads of the node: the chain's
// id and its committed state.
type chainViewer interface {
	ChainID() string
	View(height int64) (*state.View, error)
}

func (n *node) relay(ctx context.Context, env chainViewer, b datashareapi.SubjectActBody) (*datashareapi.StatementResult, error) {
	v, err := env.View(0)
	if err != nil {
		return nil, err
	}
	if !datashareapi.IsSubjectID(b.Subject) {
		return nil, errcode.New(errcode.BadRequest, "subject: a patient number is P and 16 hex digits")
	}
	// Anyone may send a statement: a patient that does not exist is
	// answered as a signature that is not the patient's, so that the
	// endpoint says nothing about which patients exist (ADR 0007).
	s, err := datashare.GetSubject(v, b.Subject)
	if errcode.Of(err) == errcode.NotFound {
		return nil, errcode.New(errcode.Unauthorized, "the signature is not patient %s's over this statement", b.Subject)
	}
	if err != nil {
		return nil, err
	}
	if !n.hosts(s.Hospital) {
		return nil, errNotHosted(s.Hospital)
	}
	sig, err := hexBytes(b.Signature)
	if err != nil || !s.PublicKey.Verify(datashareapi.SubjectSignBytes(env.ChainID(), b.Act, b.Grant, b.Subject, b.Time), sig) {
		return nil, errcode.New(errcode.Unauthorized, "the signature is not patient %s's over this statement", b.Subject)
	}
	out, err := n.sendOK(ctx, s.Hospital, datashareapi.SubjectAct.Name, b)
	if err != nil {
		return nil, err
	}
	v, err = env.View(out.Height)
	if err != nil {
		return nil, err
	}
	g, err := datashare.GetGrant(v, b.Grant)
	if err != nil {
		return nil, err
	}
	return &datashareapi.StatementResult{Grant: g.ID, Status: g.Status, Height: out.Height}, nil
}

// admitPatient admits a patient of the caller's hospital to this node's
// custody and registers the patient on chain.
func (n *node) admitPatient(env httpapi.Env) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b datashareapi.PatientBody
		if err := httpapi.DecodeJSON(r, &b, 4<<10); err != nil {
			return err
		}
		res, err := n.admit(r.Context(), httpapi.Caller(r.Context()).Org, b)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, res)
		return nil
	}
}

func (n *node) admit(ctx context.Context, hospital string, b datashareapi.PatientBody) (*datashareapi.PatientResult, error) {
	if err := field.Text("name", b.Name, 1, 40); err != nil {
		return nil, &patientError{err: errcode.New(errcode.BadRequest, "%s", errcode.Message(err)), Field: "name", Len: utf8.RuneCountInString(b.Name), Min: 1, Max: 40}
	}
	idn := strings.ToUpper(strings.Join(strings.Fields(b.IDNumber), ""))
	if err := field.Text("id_number", idn, 4, 32); err != nil {
		return nil, &patientError{err: errcode.New(errcode.BadRequest, "%s", errcode.Message(err)), Field: "id_number", Len: utf8.RuneCountInString(idn), Min: 4, Max: 32}
	}
	if _, err := n.running(); err != nil {
		return nil, err
	}
	if !n.hosts(hospital) {
		return nil, errNotHosted(hospital)
	}
	id, err := n.custody.Pseudonym(hospital, idn)
	if err != nil {
		return nil, err
	}
	code := b.AccessCode
	if code == "" {
		if code, err = NewAccessCode(); err != nil {
			return nil, err
		}
	}
	nd, _ := n.running()
	k, err := n.custody.Create(Patient{ID: id, Hospital: hospital, Name: b.Name, IDMasked: mask(idn), Created: nd.Now().Format(time.RFC3339)}, code)
	if ce := (*errcode.Error)(nil); errors.As(err, &ce) && ce.Code == errcode.Conflict {
		return nil, &patientError{err: ce, Patient: id}
	}
	if err != nil {
		return nil, err
	}
	out, err := n.sendOK(ctx, hospital, datashareapi.RegisterSubject.Name, datashareapi.SubjectBody{ID: id, PublicKey: k.Public()})
	if err != nil {
		n.custody.Remove(id)
		return nil, err
	}
	return &datashareapi.PatientResult{ID: id, AccessCode: code, KeyID: k.ID(), Height: out.Height}, nil
}

// patientError is a patient that admit refuses before anything is
// recorded: a detail that is not valid, or a patient already in the
// hospital's custody. Its Error is the API's (English); the hall says it
// in the page's language.
type patientError struct {
	err *errcode.Error
	// Field is the detail refused ("name", "id_number"), with its length
	// in characters and the lengths admitted; "" for a patient in custody.
	Field         string
	Len, Min, Max int
	// Patient is the patient's number when the patient is in custody.
	Patient string
}

func (e *patientError) Error() string { return e.err.Error() }
func (e *patientError) Unwrap() error { return e.err }

// mask keeps the first three and last four characters of an ID number.
func mask(s string) string {
	if len(s) <= 7 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}
