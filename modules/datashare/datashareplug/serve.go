package datashareplug

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/auditlog"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// Headers of a served record.
const (
	HeaderRecord = "Dengta-Record"
	HeaderEvent  = "Dengta-Audit-Event"
)

// signedCaller requires a request signed with a member key: the audit
// trail names the key that asked, and the signature proves it did.
func signedCaller(ctx context.Context) (access.Caller, error) {
	c := httpapi.Caller(ctx)
	if c.Key.IsZero() {
		return c, errcode.New(errcode.Unauthenticated, "a shared record is fetched with a request signed by a member key of the grantee (Dengta-Signature headers; the SDK's Client.As), so that the owner's audit trail names the key")
	}
	return c, nil
}

// fullEvent starts an access's full record from the request.
func fullEvent(r *http.Request, node, owner, event string, c access.Caller, d *datashare.Decision, grant, btg string, now time.Time) auditlog.Full {
	f := auditlog.Full{Node: node, Owner: owner, Time: now.Format(time.RFC3339), Event: event, Record: d.Record.ID, Org: c.Org, Key: c.Key, Purpose: d.Purpose,
		Request: auditlog.Request{Method: r.Method, Path: r.URL.RequestURI(), RemoteAddr: r.RemoteAddr, Key: r.Header.Get(tx.HeaderKey), Time: r.Header.Get(tx.HeaderTime),
			Content: r.Header.Get(tx.HeaderContentSHA256), Signature: r.Header.Get(tx.HeaderSignature), UserAgent: clip(r.UserAgent(), 200)}}
	// Only ids of the right form reach the chain; a made-up one is
	// recorded as none (the refusal says no_grant or no_break_glass).
	if field.IsRecordID("DG", grant) {
		f.Grant = grant
	}
	if field.IsRecordID("BG", btg) {
		f.BreakGlass = btg
	}
	if d.Allow {
		f.Outcome = datashareapi.OutcomeServe
	} else {
		f.Outcome, f.Reason = datashareapi.OutcomeRefuse, d.Reason
	}
	return f
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// decide authorizes a request for a record at the latest block and checks
// that this node answers for the record's owner. A record the chain does
// not have, or of an owner this node does not serve, is answered without
// an audit entry: no owner's trail is concerned.
func (n *node) decide(ctx context.Context, env httpapi.Env, c access.Caller, id, grant, btg string) (*datashare.Decision, error) {
	if !field.IsRecordID("DR", id) {
		return nil, errcode.New(errcode.NotFound, "no record %q", id)
	}
	v, err := env.View(0)
	if err != nil {
		return nil, err
	}
	t, err := env.BlockTime(ctx)
	if err != nil {
		return nil, err
	}
	d, err := datashare.Authorize(v, t, c.Org, id, grant, btg)
	if err != nil {
		if errcode.Of(err) == errcode.NotFound && !c.Oversees() {
			return nil, errNoAccess(id)
		}
		return nil, err
	}
	if !n.hosts(d.Record.Owner) {
		if outsider(d, c) {
			return nil, errNoAccess(id)
		}
		return nil, errNotHosted(d.Record.Owner)
	}
	return d, nil
}

// outsider reports whether c, refused by d, showed no grant or emergency
// access of its own to the record: it is then told what a member asking
// for a record that does not exist is told (errNoAccess), naming no party
// (ADR 0016). The owner's node still records the attempt in the owner's
// audit trail.
func outsider(d *datashare.Decision, c access.Caller) bool {
	if d.Allow || c.Oversees() || c.Is(d.Record.Owner) {
		return false
	}
	switch d.Reason {
	case datashareapi.ReasonNoGrant, datashareapi.ReasonNotGrantee, datashareapi.ReasonNoCredential, datashareapi.ReasonNoBreakGlass:
		return true
	}
	return false
}

// errNoAccess is the answer to a member that is no party of record id,
// whether the record exists or not.
func errNoAccess(id string) error {
	return errcode.New(errcode.Unauthorized, "record %s is served to the grantees of its grants (?grant=), to the requesters of its emergency accesses (?break_glass=) and to overseers; name one of your own", id)
}

// refusal is the error a refused request answers, after its audit entry
// is in the journal.
func refusal(d *datashare.Decision, ev datashareapi.AuditEvent) error {
	return errcode.New(errcode.Unauthorized, "%s refuses record %s: %s (%s); this refusal is recorded in the owner's audit trail as event %s",
		d.Record.Owner, d.Record.ID, d.Reason, reasonText[d.Reason], ev.ID)
}

// reasonText says what each refusal means.
var reasonText = map[string]string{
	datashareapi.ReasonNoGrant:        "no such grant of the record's owner",
	datashareapi.ReasonNotGrantee:     "the grant or emergency access is another organisation's",
	datashareapi.ReasonNotActive:      "the grant waits for the patient's consent, or the patient refused it",
	datashareapi.ReasonRevoked:        "the grant was revoked",
	datashareapi.ReasonNotStarted:     "the grant's period has not begun",
	datashareapi.ReasonExpired:        "the grant's period is over",
	datashareapi.ReasonOutOfScope:     "the grant does not cover this record",
	datashareapi.ReasonClass:          "the record is more confidential than the grant allows",
	datashareapi.ReasonTag:            "the grant excludes records with one of this record's sensitivity tags",
	datashareapi.ReasonNoBreakGlass:   "no such emergency access to this record's patient",
	datashareapi.ReasonBreakGlassOver: "the emergency access ended (24 hours, or reviewed)",
	datashareapi.ReasonNoCredential:   "name a grant (?grant=) or an emergency access (?break_glass=)",
	datashareapi.ReasonUnavailable:    "the owner's node does not have the file",
}

// serveContent answers a record's ciphertext to a grantee. The audit
// entry of the answer, served or refused, is synced to the journal
// before the answer leaves.
func (n *node) serveContent(env httpapi.Env) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := signedCaller(r.Context())
		if err != nil {
			return err
		}
		var p datashareapi.ContentParams
		if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
			return err
		}
		d, err := n.decide(r.Context(), env, c, p.ID, p.Grant, p.BreakGlass)
		if err != nil {
			return err
		}
		nd, err := n.running()
		if err != nil {
			return err
		}
		blobs, err := n.blobs()
		if err != nil {
			return err
		}
		var rc io.ReadCloser
		var info blob.Info
		if d.Allow {
			rc, info, err = blobs.Open(d.Record.Blob)
			if errors.Is(err, blob.ErrNotFound) {
				d.Allow, d.Reason = false, datashareapi.ReasonUnavailable
			} else if err != nil {
				return err
			}
		}
		if rc != nil {
			defer rc.Close()
		}
		f := fullEvent(r, nd.Org, d.Record.Owner, datashareapi.EventFetch, c, d, p.Grant, p.BreakGlass, nd.Now())
		if d.Allow {
			f.Blob, f.Bytes = info.SHA256, info.Size
		}
		ev, err := n.journal.Append(f)
		if err != nil {
			n.log.Error("audit journal: refusing to answer", "record", d.Record.ID, "err", err)
			return errcode.New(errcode.Unavailable, "the owner's node cannot record this access now, so it does not answer; try again later")
		}
		if outsider(d, c) {
			return errNoAccess(d.Record.ID)
		}
		if !d.Allow {
			return refusal(d, ev)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(info.Size, 10))
		w.Header().Set(HeaderRecord, d.Record.ID)
		w.Header().Set(HeaderEvent, ev.ID)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, err = io.Copy(w, rc)
		return err
	}
}

// serveEmergencyKeys wraps a record's data key to the requester's
// exchange keys under an open emergency access: the owner's node opens
// its own copy with an exchange key of the owner it holds.
func (n *node) serveEmergencyKeys(env httpapi.Env) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := signedCaller(r.Context())
		if err != nil {
			return err
		}
		var p datashareapi.EmergencyParams
		if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
			return err
		}
		if p.BreakGlass == "" {
			return errcode.New(errcode.BadRequest, "give ?break_glass=, the emergency access's id")
		}
		d, err := n.decide(r.Context(), env, c, p.ID, "", p.BreakGlass)
		if err != nil {
			return err
		}
		nd, err := n.running()
		if err != nil {
			return err
		}
		v, err := env.View(0)
		if err != nil {
			return err
		}
		var out []datakey.Wrapped
		if d.Allow {
			if out, err = n.rewrap(v, d.Record, c.Org); err != nil {
				return err
			}
		}
		f := fullEvent(r, nd.Org, d.Record.Owner, datashareapi.EventKey, c, d, "", p.BreakGlass, nd.Now())
		ev, err := n.journal.Append(f)
		if err != nil {
			n.log.Error("audit journal: refusing to answer", "record", d.Record.ID, "err", err)
			return errcode.New(errcode.Unavailable, "the owner's node cannot record this access now, so it does not answer; try again later")
		}
		if outsider(d, c) {
			return errNoAccess(d.Record.ID)
		}
		if !d.Allow {
			return refusal(d, ev)
		}
		w.Header().Set(HeaderEvent, ev.ID)
		w.Header().Set("Cache-Control", "no-store")
		httpapi.WriteJSON(w, http.StatusOK, datashareapi.EmergencyKeys{Record: d.Record.ID, BreakGlass: p.BreakGlass, Keys: out})
		return nil
	}
}

// rewrap opens a record's data key with a held exchange key of its owner
// and wraps it to org's exchange keys.
func (n *node) rewrap(v module.Reader, rec *datashareapi.Record, org string) ([]datakey.Wrapped, error) {
	own, err := datashare.GetExchange(v, rec.Owner)
	if err != nil {
		return nil, err
	}
	k := n.opener(rec.Owner, own)
	if k == nil {
		return nil, errcode.New(errcode.Unavailable, "this node holds none of %s's exchange keys, so it cannot open record %s's key for an emergency; %s's admin names a key this node holds (its operator key) among its exchange keys", rec.Owner, rec.ID, rec.Owner)
	}
	ws, err := datashare.WrappedFor(v, rec.ID, "")
	if err != nil {
		return nil, err
	}
	var dk datakey.Key
	found := false
	for _, w := range ws {
		if w.KeyID == k.ID() {
			if dk, err = datakey.Unwrap(k, w); err != nil {
				return nil, errcode.New(errcode.Internal, "record %s: the owner's own copy of its key does not open: %v", rec.ID, err)
			}
			found = true
		}
	}
	if !found {
		return nil, errcode.New(errcode.Unavailable, "record %s's key is not wrapped to %s's exchange key %s (named after the record); deliver_keys adds it", rec.ID, rec.Owner, k.ID())
	}
	defer clear(dk[:])
	to, err := datashare.GetExchange(v, org)
	if err != nil {
		return nil, err
	}
	var out []datakey.Wrapped
	for _, e := range to.Keys {
		w, err := datakey.Wrap(e.PublicKey, dk)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}
