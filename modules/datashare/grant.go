package datashare

import (
	"slices"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// startSlack is how far before the block time a grant's start may be
// given (a form filled in a few minutes ago).
const startSlack = 10 * time.Minute

// grant records a grant of the signer's records, over a list of records
// or, standing, over a patient's or device's records of some types
// registered from its start. A grant on a patient's records is proposed
// until the patient approves it (subject_act); an industrial grant is
// active at once.
func (Module) grant(ctx *module.Context, b *datashareapi.GrantBody) error {
	org := ctx.Signer.Org
	if err := field.OrgID("grantee", b.Grantee); err != nil {
		return err
	}
	if b.Grantee == org {
		return malformed("grantee: %s owns the records; grant them to another organisation", org)
	}
	if _, err := module.ActiveOrg(ctx.Store, "grantee", b.Grantee); err != nil {
		return err
	}
	g := datashareapi.GrantRecord{Owner: org, Grantee: b.Grantee, Purpose: b.Purpose, MaxClass: b.MaxClass, DenyTags: b.DenyTags,
		By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: txHash(ctx)}
	var recs []*datashareapi.Record
	switch {
	case len(b.Records) > 0:
		if b.Subject != "" || b.Device != "" || len(b.Types) > 0 {
			return malformed("a grant names either records, or a subject or device with types, not both")
		}
		if len(b.Records) > datashareapi.MaxGrantRecords {
			return malformed("records: at most %d, it names %d", datashareapi.MaxGrantRecords, len(b.Records))
		}
		for i, id := range b.Records {
			if slices.Contains(b.Records[:i], id) {
				return malformed("records[%d]: record %s is named twice", i, id)
			}
			rec, err := GetRecord(ctx.Store, id)
			if err != nil {
				return err
			}
			if rec.Owner != org {
				return unauthorized("records[%d]: record %s is %s's; an organisation grants its own records", i, id, rec.Owner)
			}
			if i == 0 {
				g.Domain, g.Subject = rec.Domain, rec.Subject
			} else if rec.Domain != g.Domain || rec.Subject != g.Subject {
				return rule("records[%d]: record %s is of another domain or patient; one grant covers one patient's records (a consent is the patient's)", i, id)
			}
			recs = append(recs, rec)
		}
		g.Records = b.Records
	case b.Subject != "" || b.Device != "":
		if b.Subject != "" && b.Device != "" {
			return malformed("a standing grant names a subject or a device, not both")
		}
		g.Standing = true
		if b.Subject != "" {
			s, err := GetSubject(ctx.Store, b.Subject)
			if err != nil {
				return err
			}
			if s.Hospital != org {
				return unauthorized("patient %s is %s's", b.Subject, s.Hospital)
			}
			g.Domain, g.Subject = datashareapi.Medical, b.Subject
		} else {
			d, err := GetDevice(ctx.Store, b.Device)
			if err != nil {
				return err
			}
			if d.Owner != org {
				return unauthorized("device %s is %s's", b.Device, d.Owner)
			}
			g.Domain, g.Device = datashareapi.Industrial, b.Device
		}
		if len(b.Types) == 0 || len(b.Types) > datashareapi.MaxTypes {
			return malformed("types: a standing grant names 1 to %d record types", datashareapi.MaxTypes)
		}
		for i, t := range b.Types {
			if err := field.OneOf("types["+itoa(i)+"]", t, datashareapi.TypesOf(g.Domain)); err != nil {
				return err
			}
			if slices.Contains(b.Types[:i], t) {
				return malformed("types[%d]: %s is named twice", i, t)
			}
		}
		g.Types = b.Types
		if len(b.Keys) > 0 {
			return malformed("keys: a standing grant covers records registered from its start, whose registrations carry their keys")
		}
	default:
		return malformed("a grant names records, or a subject or device with types")
	}
	if g.Domain == datashareapi.Medical && !role.Any(ctx.Signer.Roles, hospitalRole) {
		return unauthorized("medical records are granted by hospitals (role %s)", datashareapi.Hospital)
	}
	if g.Domain == datashareapi.Industrial && !role.Any(ctx.Signer.Roles, enterprise) {
		return unauthorized("industrial records are granted by enterprises (role %s)", datashareapi.Enterprise)
	}
	if err := field.OneOf("purpose", b.Purpose, datashareapi.PurposesOf(g.Domain)); err != nil {
		return err
	}
	if err := field.OneOf("max_class", b.MaxClass, datashareapi.Classes); err != nil {
		return err
	}
	if err := checkTags("deny_tags", g.Domain, b.DenyTags); err != nil {
		return err
	}
	start := ctx.Time
	if b.Start != "" {
		t, err := field.Time("start", b.Start)
		if err != nil {
			return err
		}
		if t.Before(ctx.Time.Add(-startSlack)) {
			return rule("start %s is before the block time %s; a grant starts now or later", b.Start, field.BlockTime(ctx.Time))
		}
		start = t
	}
	end, err := field.Time("end", b.End)
	if err != nil {
		return err
	}
	if !end.After(start) || !end.After(ctx.Time) {
		return rule("end %s must be after the start and the block time", b.End)
	}
	if end.Sub(start) > datashareapi.MaxGrantDays*24*time.Hour {
		return rule("the period from %s to %s is longer than %d days", field.BlockTime(start), b.End, datashareapi.MaxGrantDays)
	}
	g.Start, g.End = field.BlockTime(start), field.BlockTime(end)
	ex, err := GetExchange(ctx.Store, b.Grantee)
	if err != nil {
		return rule("grantee: %v", err)
	}
	if !g.Standing {
		// Every record's data key, wrapped to every exchange key of the
		// grantee: the grant is useless otherwise.
		for _, rec := range recs {
			var ws []datakey.Wrapped
			for _, rk := range b.Keys {
				if rk.Record == rec.ID {
					ws = append(ws, rk.Wrapped)
				}
			}
			if err := checkWrapped(ex, ws, "keys of "+rec.ID); err != nil {
				return err
			}
		}
		for i, rk := range b.Keys {
			if !slices.Contains(b.Records, rk.Record) {
				return malformed("keys[%d]: record %s is not granted", i, rk.Record)
			}
		}
	}
	g.ID = recordID(ctx, grantKind, "grant", 0)
	if err := absent(ctx, grantKey(g.ID), "grant "+g.ID); err != nil {
		return err
	}
	g.Status = datashareapi.GrantActive
	if g.Subject != "" {
		g.Status = datashareapi.GrantProposed
	}
	if err := module.PutJSON(ctx.Store, grantKey(g.ID), &g); err != nil {
		return err
	}
	for _, k := range [][]byte{grantByKey(org, g.ID), grantToKey(b.Grantee, g.ID)} {
		if err := ctx.Store.Set(k, present); err != nil {
			return err
		}
	}
	if g.Subject != "" {
		if err := ctx.Store.Set(grantSubjKey(g.Subject, g.ID), present); err != nil {
			return err
		}
	}
	if g.Device != "" {
		if err := ctx.Store.Set(grantDevKey(g.Device, g.ID), present); err != nil {
			return err
		}
	}
	if g.Standing {
		if err := addStanding(ctx, g.Subject+g.Device, g.ID); err != nil {
			return err
		}
	}
	for _, rec := range recs {
		if err := cover(ctx, rec.ID, g.ID); err != nil {
			return err
		}
	}
	for _, rk := range b.Keys {
		if err := putWrapped(ctx, rk.Record, g.ID, []datakey.Wrapped{rk.Wrapped}); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.grant", "id", g.ID, "owner", org, "grantee", b.Grantee, "status", g.Status)
	return ctx.SetResult(datashareapi.GrantResult{ID: g.ID, Status: g.Status})
}

// revoke ends a grant at its owner's or its grantee's request.
func (Module) revoke(ctx *module.Context, b *datashareapi.RevokeBody) error {
	if err := field.Text("reason", b.Reason, 0, 100); err != nil {
		return err
	}
	g, err := GetGrant(ctx.Store, b.Grant)
	if err != nil {
		return err
	}
	by := ""
	switch ctx.Signer.Org {
	case g.Owner:
		by = "owner"
	case g.Grantee:
		by = "grantee"
	default:
		// Naming no party (ADR 0016): the refusal's words are not part of
		// the block's results, its code is.
		return unauthorized("grant %s is revoked by its owner, its grantee or the patient; it is none of yours", g.ID)
	}
	if g.Status != datashareapi.GrantActive && g.Status != datashareapi.GrantProposed {
		return conflict("grant %s is %s; only a proposed or active grant is revoked", g.ID, g.Status)
	}
	g.Status = datashareapi.GrantRevoked
	g.Revoked = &datashareapi.Revocation{By: by, Party: ctx.Party(), Reason: b.Reason, Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, grantKey(g.ID), g); err != nil {
		return err
	}
	ctx.Emit("datashare.revoke", "grant", g.ID, "by", by)
	return ctx.SetResult(datashareapi.IDResult{ID: g.ID})
}

// GetGrant returns a grant, or a not_found error.
func GetGrant(r module.Getter, id string) (*datashareapi.GrantRecord, error) {
	var g datashareapi.GrantRecord
	if err := module.GetRecord(r, grantKey(id), &g, "no grant %q", id); err != nil {
		return nil, err
	}
	return &g, nil
}

// GrantState is a grant's state at time t: its status, or for an active
// one not_started before its period and expired after it.
func GrantState(g *datashareapi.GrantRecord, t time.Time) string {
	if g.Status != datashareapi.GrantActive && g.Status != datashareapi.GrantProposed {
		return g.Status
	}
	if !t.Before(mustTime(g.End)) {
		return datashareapi.GrantExpired
	}
	if g.Status == datashareapi.GrantActive && t.Before(mustTime(g.Start)) {
		return datashareapi.GrantPending
	}
	return g.Status
}

// Decision is what the owner's node decides on a fetch: serve, or refuse
// for a reason, which the audit entry records either way.
type Decision struct {
	Allow      bool
	Reason     string // a datashareapi.Reason* code when refused
	Record     *datashareapi.Record
	Grant      *datashareapi.GrantRecord
	BreakGlass *datashareapi.BreakGlassRecord
	Purpose    string
}

// Authorize decides whether organisation org may fetch record recID under
// grant grantID or emergency access btgID (one of them) at time t, the
// latest block's time, in state r. A record that does not exist is a
// not_found error; every other refusal is a Decision with its reason.
// The owner's node calls it for every request it answers.
func Authorize(r module.Getter, t time.Time, org, recID, grantID, btgID string) (*Decision, error) {
	rec, err := GetRecord(r, recID)
	if err != nil {
		return nil, err
	}
	d := &Decision{Record: rec}
	refuse := func(reason string) (*Decision, error) { d.Reason = reason; return d, nil }
	switch {
	case grantID != "":
		var g datashareapi.GrantRecord
		ok, err := module.GetJSON(r, grantKey(grantID), &g)
		if err != nil {
			return nil, err
		}
		if !ok || g.Owner != rec.Owner {
			return refuse(datashareapi.ReasonNoGrant)
		}
		d.Grant, d.Purpose = &g, g.Purpose
		if g.Grantee != org {
			return refuse(datashareapi.ReasonNotGrantee)
		}
		switch GrantState(&g, t) {
		case datashareapi.GrantActive:
		case datashareapi.GrantRevoked:
			return refuse(datashareapi.ReasonRevoked)
		case datashareapi.GrantExpired:
			return refuse(datashareapi.ReasonExpired)
		case datashareapi.GrantPending:
			return refuse(datashareapi.ReasonNotStarted)
		default: // proposed, refused
			return refuse(datashareapi.ReasonNotActive)
		}
		if ok, err := has(r, coverKey(rec.ID, g.ID)); err != nil {
			return nil, err
		} else if !ok {
			return refuse(datashareapi.ReasonOutOfScope)
		}
		if datashareapi.ClassRank(rec.Class) > datashareapi.ClassRank(g.MaxClass) {
			return refuse(datashareapi.ReasonClass)
		}
		for _, tag := range rec.Tags {
			if slices.Contains(g.DenyTags, tag) {
				return refuse(datashareapi.ReasonTag)
			}
		}
	case btgID != "":
		var b datashareapi.BreakGlassRecord
		ok, err := module.GetJSON(r, btgKey(btgID), &b)
		if err != nil {
			return nil, err
		}
		if !ok || b.Owner != rec.Owner || b.Subject == "" || b.Subject != rec.Subject {
			return refuse(datashareapi.ReasonNoBreakGlass)
		}
		d.BreakGlass, d.Purpose = &b, datashareapi.PurposeEmergency
		if b.Requester.Org != org {
			return refuse(datashareapi.ReasonNotGrantee)
		}
		if b.Status != datashareapi.BTGOpen || !t.Before(mustTime(b.Expires)) {
			return refuse(datashareapi.ReasonBreakGlassOver)
		}
	default:
		return refuse(datashareapi.ReasonNoCredential)
	}
	d.Allow = true
	return d, nil
}
