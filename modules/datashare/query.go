package datashare

import (
	"bytes"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// Version is what a state view tells of itself.
type Version interface{ Version() int64 }

func heightOf(r module.Reader) int64 {
	if v, ok := r.(Version); ok {
		return v.Version()
	}
	return 0
}

func forbidden(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}

// refusal is the answer to a caller who may not read a record: the same
// whether the record exists or not (ADR 0007), and naming no party, so a
// member learns neither which patients, devices or grants there are nor
// whose they are. Overseers, who read every record, are told it does not
// exist.
func refusal(err error, c access.Caller, format string, args ...any) error {
	if err != nil && (errcode.Of(err) != errcode.NotFound || c.Oversees()) {
		return err
	}
	return forbidden(format, args...)
}

func badRequest(format string, args ...any) error {
	return errcode.New(errcode.BadRequest, format, args...)
}

// page walks the index under prefix from after (exclusive), calling fn
// with each entry's suffix and value; fn reports whether it kept the
// entry (appending it to the caller's page). It stops once fn has kept
// MaxPage+1 entries: the caller drops the last one (trim), and page
// answers the suffix of the MaxPage-th to continue from, "" when no
// further entry was kept, so that a next page is offered only when it
// has something in it.
func page(r module.Reader, prefix []byte, after string, fn func(suffix string, v []byte) (bool, error)) (string, error) {
	var start []byte
	if after != "" {
		start = append(append(slices.Clone(prefix), after...), 0)
	}
	kept, next, last := 0, "", ""
	var ferr error
	err := r.Iterate(prefix, start, func(k, v []byte) bool {
		s := string(bytes.TrimPrefix(k, prefix))
		ok, err := fn(s, v)
		if err != nil {
			ferr = err
			return false
		}
		if !ok {
			return true
		}
		if kept == datashareapi.MaxPage {
			next = last
			return false
		}
		kept++
		last = s
		return true
	})
	if err == nil {
		err = ferr
	}
	return next, err
}

// trim drops the entry page kept beyond MaxPage, if any.
func trim[T any](items []T) []T { return items[:min(len(items), datashareapi.MaxPage)] }

// oneOf requires exactly one of the named filters.
func oneOf(names []string, vals ...string) (int, error) {
	at := -1
	for i, v := range vals {
		if v == "" {
			continue
		}
		if at >= 0 {
			return 0, badRequest("give one of ?%s=, not two", joinNames(names))
		}
		at = i
	}
	if at < 0 {
		return 0, badRequest("give one of ?%s=", joinNames(names))
	}
	return at, nil
}

func joinNames(n []string) string {
	out := ""
	for i, s := range n {
		if i > 0 {
			out += "=, ?"
		}
		out += s
	}
	return out
}

// --- records ---

// RecordParties reports whether caller may read record rec's metadata:
// its owner, the grantees of grants covering it, the requesters of
// emergency accesses to its patient, and overseers.
func RecordParties(r module.Reader, rec *datashareapi.Record, c access.Caller) (bool, error) {
	if c.Public() {
		return false, nil
	}
	if c.Oversees() || c.Org == rec.Owner {
		return true, nil
	}
	ids, err := module.List(r, []byte(coverPrefix+rec.ID+"/"))
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		g, err := GetGrant(r, id)
		if err != nil {
			return false, err
		}
		if g.Grantee == c.Org {
			return true, nil
		}
	}
	if rec.Subject != "" {
		return btgRequester(r, rec.Subject, c.Org)
	}
	return false, nil
}

func btgRequester(r module.Reader, subject, org string) (bool, error) {
	ids, err := module.List(r, []byte(btgSubjPrefix+subject+"/"))
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		b, err := GetBreakGlass(r, id)
		if err != nil {
			return false, err
		}
		if b.Requester.Org == org {
			return true, nil
		}
	}
	return false, nil
}

// RecordOf returns a record with the grants covering it, for a caller
// who may read it (the grantee sees only its own grants).
func RecordOf(r module.Reader, id string, c access.Caller) (*datashareapi.RecordView, error) {
	const who = "record %s is for its owner, the organisations it is shared with and overseers"
	rec, err := GetRecord(r, id)
	if err != nil {
		return nil, refusal(err, c, who, id)
	}
	if ok, err := RecordParties(r, rec, c); err != nil {
		return nil, err
	} else if !ok {
		return nil, refusal(nil, c, who, id)
	}
	out := &datashareapi.RecordView{Record: *rec}
	ids, err := module.List(r, []byte(coverPrefix+rec.ID+"/"))
	if err != nil {
		return nil, err
	}
	for _, gid := range ids {
		g, err := GetGrant(r, gid)
		if err != nil {
			return nil, err
		}
		if c.Oversees() || c.Org == rec.Owner || c.Org == g.Grantee {
			out.Covers = append(out.Covers, gid)
		}
	}
	return out, nil
}

// ListRecords returns a page of the records of an owner, a patient or a
// device, for a caller entitled to the list: the owner (the patient's
// hospital, the device's owner), overseers, and for a patient the
// hospitals that declared emergency access to her records.
func ListRecords(r module.Reader, p datashareapi.RecordsParams, c access.Caller, s *module.Search) (*api.Page[datashareapi.Record], error) {
	which, err := oneOf([]string{"owner", "subject", "device"}, p.Owner, p.Subject, p.Device)
	if err != nil {
		return nil, err
	}
	var prefix []byte
	switch which {
	case 0:
		if !c.Oversees() && !c.Is(p.Owner) {
			return nil, forbidden("the records of %s are listed for %s and overseers", p.Owner, p.Owner)
		}
		prefix = []byte(recByPrefix + p.Owner + "/")
	case 1:
		s, err := GetSubject(r, p.Subject)
		if err != nil {
			return nil, err
		}
		if !c.Oversees() && !c.Is(s.Hospital) {
			// A hospital that declared emergency access to the patient
			// lists the records it may fetch under it.
			if ok, err := btgRequester(r, s.ID, c.Org); err != nil {
				return nil, err
			} else if !ok {
				return nil, forbidden("patient %s's records are listed for %s, the requesters of emergency access to them, and overseers; grantees read theirs by grant", p.Subject, s.Hospital)
			}
		}
		prefix = []byte(recSubjPrefix + p.Subject + "/")
	case 2:
		d, err := GetDevice(r, p.Device)
		if err != nil {
			return nil, err
		}
		if ok, err := DeviceParties(r, d, c); err != nil {
			return nil, err
		} else if !ok {
			return nil, forbidden("device %s's records are for its owner, its maker, its grantees and overseers", p.Device)
		}
		prefix = []byte(recDevPrefix + p.Device + "/")
	}
	out := &api.Page[datashareapi.Record]{Height: heightOf(r)}
	out.Items, out.Next, err = module.Scan(r, prefix, p.After, pageSize(p.Limit), isID(recordKind), func(id string, _ []byte) (*datashareapi.Record, error) {
		rec, err := GetRecord(r, id)
		if err != nil {
			return nil, err
		}
		if which == 2 {
			if ok, err := RecordParties(r, rec, c); err != nil || !ok {
				return nil, err
			}
		}
		if p.Readings && rec.Type == datashareapi.TypeTelemetry || !matchRecord(s, rec) {
			return nil, nil
		}
		return rec, nil
	})
	if out.Items == nil {
		out.Items = []datashareapi.Record{}
	}
	return out, err
}

// matchRecord reports whether a record matches a search: by its id, its
// patient or device, its type or class (by value or name), or its owner.
func matchRecord(s *module.Search, rec *datashareapi.Record) bool {
	return s.Text(rec.ID, rec.Subject, rec.Device, rec.Tx) || s.Enum("datashare.record_type", rec.Type) || s.Enum("datashare.class", rec.Class) || s.Org(rec.Owner)
}

// pageSize is a list's page size: limit, or MaxPage when it is not in
// 1..MaxPage.
func pageSize(limit int) int {
	if limit <= 0 || limit > datashareapi.MaxPage {
		return datashareapi.MaxPage
	}
	return limit
}

// isID accepts the record ids of a kind, the cursors of lists of them.
func isID(kind string) func(string) bool {
	return func(s string) bool { return field.IsRecordID(kind, s) }
}

// KeysOf returns a record's data key wrapped for grant (the owner's own
// copies when grant is ""), for the grant's parties.
//
// A member that is no party is told the same whether the record or the
// grant exists or not, naming no party (ADR 0016); so is a grant's party
// asking for a record its grant holds no key of, whether that record
// exists or not: it gets no key.
func KeysOf(r module.Reader, id, grant string, c access.Caller) (*datashareapi.WrappedKeys, error) {
	if grant == "" {
		rec, err := GetRecord(r, id)
		if err != nil || !c.Is(rec.Owner) && !c.Oversees() {
			return nil, refusal(err, c, "the owner's copies of record %s's key are for its owner and overseers", id)
		}
	} else {
		g, err := GetGrant(r, grant)
		if err != nil || !c.Is(g.Owner, g.Grantee) && !c.Oversees() {
			return nil, refusal(err, c, "grant %s's keys are for its two parties and overseers", grant)
		}
		if c.Oversees() {
			if _, err := GetRecord(r, id); err != nil {
				return nil, err
			}
		}
	}
	ws, err := WrappedFor(r, id, grant)
	if err != nil {
		return nil, err
	}
	return &datashareapi.WrappedKeys{Record: id, Grant: grant, Keys: ws}, nil
}

// --- grants ---

// GrantParties reports whether c may read grant g: its owner, its
// grantee, overseers.
func GrantParties(g *datashareapi.GrantRecord, c access.Caller) bool {
	return c.Oversees() || c.Is(g.Owner, g.Grantee)
}

// ViewGrant is a grant with its state at t and, for a standing grant,
// the records it covers so far (at most MaxPage, the latest last).
func ViewGrant(r module.Reader, g *datashareapi.GrantRecord, t time.Time) (datashareapi.GrantView, error) {
	v := datashareapi.GrantView{GrantRecord: *g, State: GrantState(g, t)}
	if g.Standing {
		ids, err := module.List(r, []byte(coveredPrefix+g.ID+"/"))
		if err != nil {
			return v, err
		}
		if len(ids) > datashareapi.MaxPage {
			ids = ids[len(ids)-datashareapi.MaxPage:]
		}
		v.Covered = ids
	}
	return v, nil
}

// GrantOf returns a grant for its parties.
func GrantOf(r module.Reader, id string, t time.Time, c access.Caller) (*datashareapi.GrantView, error) {
	const who = "grant %s is for its two parties and overseers"
	g, err := GetGrant(r, id)
	if err != nil {
		return nil, refusal(err, c, who, id)
	}
	if !GrantParties(g, c) {
		return nil, refusal(nil, c, who, id)
	}
	v, err := ViewGrant(r, g, t)
	return &v, err
}

// ListGrants returns a page of the grants given by or to an
// organisation, or on a patient's or device's records, that the caller
// may read.
func ListGrants(r module.Reader, p datashareapi.GrantsParams, t time.Time, c access.Caller, s *module.Search) (*api.Page[datashareapi.GrantView], error) {
	which, err := oneOf([]string{"owner", "grantee", "subject", "device"}, p.Owner, p.Grantee, p.Subject, p.Device)
	if err != nil {
		return nil, err
	}
	var prefix []byte
	switch which {
	case 0:
		prefix = []byte(grantByPrefix + p.Owner + "/")
	case 1:
		prefix = []byte(grantToPrefix + p.Grantee + "/")
	case 2:
		prefix = []byte(grantSubjPrefix + p.Subject + "/")
	case 3:
		prefix = []byte(grantDevPrefix + p.Device + "/")
	}
	if c.Public() {
		return nil, forbidden("grants are for their parties")
	}
	out := &api.Page[datashareapi.GrantView]{Height: heightOf(r)}
	out.Items, out.Next, err = module.Scan(r, prefix, p.After, pageSize(p.Limit), isID(grantKind), func(id string, _ []byte) (*datashareapi.GrantView, error) {
		g, err := GetGrant(r, id)
		if err != nil {
			return nil, err
		}
		if !GrantParties(g, c) {
			return nil, nil
		}
		v, err := ViewGrant(r, g, t)
		if err != nil {
			return nil, err
		}
		if !matchGrant(s, &v) {
			return nil, nil
		}
		return &v, nil
	})
	if out.Items == nil {
		out.Items = []datashareapi.GrantView{}
	}
	return out, err
}

// matchGrant reports whether a grant matches a search: by its id, its
// patient, device or records, its parties (by id or name), its purpose
// or its state (by value or name).
func matchGrant(s *module.Search, g *datashareapi.GrantView) bool {
	if s.Empty() {
		return true
	}
	return s.Text(append([]string{g.ID, g.Subject, g.Device, g.Tx}, g.Records...)...) || s.Org(g.Owner, g.Grantee) ||
		s.Enum("datashare.purpose", g.Purpose) || s.Enum("datashare.grant_status", g.State)
}

// --- patients ---

// SubjectOf is a patient's view for the patient's hospital and
// overseers: the patient, the records, every grant and emergency access.
// The patient's own page (served by the hospital's node) shows the same.
func SubjectOf(r module.Reader, id string, t time.Time, c access.Caller) (*datashareapi.SubjectView, error) {
	const who = "patient %s is for the patient's hospital and overseers"
	s, err := GetSubject(r, id)
	if err != nil {
		return nil, refusal(err, c, who, id)
	}
	if !c.Oversees() && !c.Is(s.Hospital) {
		return nil, refusal(nil, c, who, id)
	}
	return SubjectPage(r, s, t)
}

// SubjectPage gathers a patient's records, grants and emergency
// accesses, newest grants first.
func SubjectPage(r module.Reader, s *datashareapi.Subject, t time.Time) (*datashareapi.SubjectView, error) {
	out := &datashareapi.SubjectView{Subject: *s, Records: []datashareapi.Record{}, Grants: []datashareapi.GrantView{}, BreakGlass: []datashareapi.BreakGlassRecord{}}
	ids, err := module.List(r, []byte(recSubjPrefix+s.ID+"/"))
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rec, err := GetRecord(r, id)
		if err != nil {
			return nil, err
		}
		out.Records = append(out.Records, *rec)
	}
	if ids, err = module.List(r, []byte(grantSubjPrefix+s.ID+"/")); err != nil {
		return nil, err
	}
	for _, id := range ids {
		g, err := GetGrant(r, id)
		if err != nil {
			return nil, err
		}
		v, err := ViewGrant(r, g, t)
		if err != nil {
			return nil, err
		}
		out.Grants = append(out.Grants, v)
	}
	slices.SortStableFunc(out.Grants, func(a, b datashareapi.GrantView) int { return int(b.Height - a.Height) })
	if ids, err = module.List(r, []byte(btgSubjPrefix+s.ID+"/")); err != nil {
		return nil, err
	}
	for _, id := range ids {
		b, err := GetBreakGlass(r, id)
		if err != nil {
			return nil, err
		}
		out.BreakGlass = append(out.BreakGlass, *b)
	}
	return out, nil
}

// SubjectAudit returns a page of the accesses to a patient's records,
// oldest first: what the patient's page lists.
func SubjectAudit(r module.Reader, subject, after string) (*api.Page[datashareapi.AuditEntry], error) {
	return auditPage(r, []byte(auditSubjPrefix+subject+"/"), after, func(*datashareapi.AuditEntry) bool { return true })
}

// --- audit ---

// AuditOf returns a page of access events, oldest first, for a caller
// entitled to them: a record's, patient's or device's owner sees all of
// theirs, a requester its own, overseers everything.
func AuditOf(r module.Reader, p datashareapi.AuditParams, c access.Caller) (*api.Page[datashareapi.AuditEntry], error) {
	which, err := oneOf([]string{"record", "subject", "device", "org", "owner"}, p.Record, p.Subject, p.Device, p.Org, p.Owner)
	if err != nil {
		return nil, err
	}
	if c.Public() {
		return nil, forbidden("audit trails are for their parties")
	}
	all := c.Oversees()
	keep := func(e *datashareapi.AuditEntry) bool { return all || c.Is(e.Owner, e.Org) }
	var prefix []byte
	switch which {
	case 0:
		prefix = []byte(auditRecPrefix + p.Record + "/")
	case 1:
		prefix = []byte(auditSubjPrefix + p.Subject + "/")
	case 2:
		prefix = []byte(auditDevPrefix + p.Device + "/")
	case 3:
		if !all && !c.Is(p.Org) {
			return nil, forbidden("the accesses by %s are for %s and overseers; an owner reads those to its records with ?owner=", p.Org, p.Org)
		}
		prefix = []byte(auditOrgPrefix + p.Org + "/")
	case 4:
		if !all && !c.Is(p.Owner) {
			return nil, forbidden("the accesses to %s's records are for %s and overseers", p.Owner, p.Owner)
		}
		prefix = []byte(auditOwnPrefix + p.Owner + "/")
	}
	return auditPage(r, prefix, p.After, keep)
}

func auditPage(r module.Reader, prefix []byte, after string, keep func(*datashareapi.AuditEntry) bool) (*api.Page[datashareapi.AuditEntry], error) {
	out := &api.Page[datashareapi.AuditEntry]{Height: heightOf(r), Items: []datashareapi.AuditEntry{}}
	var err error
	out.Next, err = page(r, prefix, after, func(seq string, _ []byte) (bool, error) {
		var e datashareapi.AuditEntry
		if err := module.GetRecord(r, []byte(auditPrefix+seq), &e, "no audit entry %s", seq); err != nil {
			return false, err
		}
		if !keep(&e) {
			return false, nil
		}
		out.Items = append(out.Items, e)
		return true, nil
	})
	out.Items = trim(out.Items)
	return out, err
}

// --- emergency access ---

// BreakGlassOf returns an emergency access for the requester, the owner
// and overseers.
func BreakGlassOf(r module.Reader, id string, c access.Caller) (*datashareapi.BreakGlassRecord, error) {
	const who = "emergency access %s is for its requester, the hospital holding the records and overseers"
	b, err := GetBreakGlass(r, id)
	if err != nil {
		return nil, refusal(err, c, who, id)
	}
	if !c.Oversees() && !c.Is(b.Owner, b.Requester.Org) {
		return nil, refusal(nil, c, who, id)
	}
	return b, nil
}

// ListBreakGlass returns a page of the emergency accesses to an owner's
// records or by a requester, only the open ones when open is set.
func ListBreakGlass(r module.Reader, p datashareapi.BreakGlassParams, c access.Caller) (*api.Page[datashareapi.BreakGlassRecord], error) {
	which, err := oneOf([]string{"owner", "requester"}, p.Owner, p.Requester)
	if err != nil {
		return nil, err
	}
	org := []string{p.Owner, p.Requester}[which]
	if !c.Oversees() && !c.Is(org) {
		return nil, forbidden("these emergency accesses are for %s and overseers", org)
	}
	prefix := []byte(btgOwnPrefix + org + "/")
	switch {
	case which == 1:
		prefix = []byte(btgReqPrefix + org + "/")
	case p.Open:
		prefix = []byte(btgOpenPrefix + org + "/")
	}
	out := &api.Page[datashareapi.BreakGlassRecord]{Height: heightOf(r), Items: []datashareapi.BreakGlassRecord{}}
	out.Next, err = page(r, prefix, p.After, func(id string, _ []byte) (bool, error) {
		b, err := GetBreakGlass(r, id)
		if err != nil {
			return false, err
		}
		if p.Open && b.Status != datashareapi.BTGOpen {
			return false, nil
		}
		out.Items = append(out.Items, *b)
		return true, nil
	})
	out.Items = trim(out.Items)
	return out, err
}

// --- devices ---

// DeviceParties reports whether c may read device d and its records'
// metadata, maintenance and alerts: its owner, its maker, grantees of
// grants on it, overseers.
func DeviceParties(r module.Reader, d *datashareapi.Device, c access.Caller) (bool, error) {
	if c.Public() {
		return false, nil
	}
	if c.Oversees() || c.Is(d.Owner, d.Maker) {
		return true, nil
	}
	ids, err := module.List(r, []byte(grantDevPrefix+d.ID+"/"))
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		g, err := GetGrant(r, id)
		if err != nil {
			return false, err
		}
		if g.Grantee == c.Org {
			return true, nil
		}
	}
	return false, nil
}

// DeviceOf returns a device with its maintenance history and alerts
// (newest first, at most MaxPage each) and the grants on it the caller
// may read.
func DeviceOf(r module.Reader, id string, t time.Time, c access.Caller) (*datashareapi.DeviceView, error) {
	const who = "device %s is for its owner, its maker, the organisations it is shared with and overseers"
	d, err := GetDevice(r, id)
	if err != nil {
		return nil, refusal(err, c, who, id)
	}
	if ok, err := DeviceParties(r, d, c); err != nil {
		return nil, err
	} else if !ok {
		return nil, refusal(nil, c, who, id)
	}
	return DevicePage(r, d, t, c)
}

// DevicePage gathers a device's maintenance, alerts and the grants on it
// that c may read.
func DevicePage(r module.Reader, d *datashareapi.Device, t time.Time, c access.Caller) (*datashareapi.DeviceView, error) {
	out := &datashareapi.DeviceView{Device: *d, Maintenance: []datashareapi.Maintenance{}, Alerts: []datashareapi.Alert{}, Grants: []datashareapi.GrantView{}}
	if err := newestFirst(r, []byte(maintOfPrefix+d.ID+"/"), func(v []byte) error {
		m, err := getMaint(r, string(v))
		if err == nil {
			out.Maintenance = append(out.Maintenance, *m)
		}
		return err
	}); err != nil {
		return nil, err
	}
	if err := newestFirst(r, []byte(alertOfPrefix+d.ID+"/"), func(v []byte) error {
		a, err := GetAlert(r, string(v))
		if err == nil {
			out.Alerts = append(out.Alerts, *a)
		}
		return err
	}); err != nil {
		return nil, err
	}
	ids, err := module.List(r, []byte(grantDevPrefix+d.ID+"/"))
	if err != nil {
		return nil, err
	}
	for _, gid := range ids {
		g, err := GetGrant(r, gid)
		if err != nil {
			return nil, err
		}
		if !GrantParties(g, c) {
			continue
		}
		v, err := ViewGrant(r, g, t)
		if err != nil {
			return nil, err
		}
		out.Grants = append(out.Grants, v)
	}
	return out, nil
}

// newestFirst calls fn with the values of the last MaxPage entries under
// prefix, the last first.
func newestFirst(r module.Reader, prefix []byte, fn func(v []byte) error) error {
	var vals [][]byte
	if err := r.Iterate(prefix, nil, func(_, v []byte) bool {
		vals = append(vals, bytes.Clone(v))
		if len(vals) > datashareapi.MaxPage {
			vals = vals[1:]
		}
		return true
	}); err != nil {
		return err
	}
	for i := len(vals) - 1; i >= 0; i-- {
		if err := fn(vals[i]); err != nil {
			return err
		}
	}
	return nil
}

func getMaint(r module.Getter, id string) (*datashareapi.Maintenance, error) {
	var m datashareapi.Maintenance
	if err := module.GetRecord(r, maintKey(id), &m, "no maintenance %q", id); err != nil {
		return nil, err
	}
	return &m, nil
}

// ListDevices returns a page of the devices of an owner or a maker, for
// that organisation and overseers.
func ListDevices(r module.Reader, p datashareapi.DevicesParams, c access.Caller) (*api.Page[datashareapi.Device], error) {
	which, err := oneOf([]string{"owner", "maker"}, p.Owner, p.Maker)
	if err != nil {
		return nil, err
	}
	org := []string{p.Owner, p.Maker}[which]
	if !c.Oversees() && !c.Is(org) {
		return nil, forbidden("the devices of %s are listed for %s and overseers", org, org)
	}
	prefix := []byte(devByPrefix + org + "/")
	if which == 1 {
		prefix = []byte(devMakerPrefix + org + "/")
	}
	out := &api.Page[datashareapi.Device]{Height: heightOf(r), Items: []datashareapi.Device{}}
	out.Next, err = page(r, prefix, p.After, func(id string, _ []byte) (bool, error) {
		d, err := GetDevice(r, id)
		if err != nil {
			return false, err
		}
		out.Items = append(out.Items, *d)
		return true, nil
	})
	out.Items = trim(out.Items)
	return out, err
}

// DeviceWindows returns the last n telemetry windows of a device, oldest
// first.
func DeviceWindows(r module.Reader, device string, n int) ([]datashareapi.Record, error) {
	var ids []string
	if err := r.Iterate([]byte(windowPrefix+device+"/"), nil, func(_, v []byte) bool {
		ids = append(ids, string(v))
		if len(ids) > n {
			ids = ids[1:]
		}
		return true
	}); err != nil {
		return nil, err
	}
	out := make([]datashareapi.Record, 0, len(ids))
	for _, id := range ids {
		rec, err := GetRecord(r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *rec)
	}
	return out, nil
}

// GrantStates counts the grants an organisation gave and those it
// received by their state at t, reading its two grant indexes and at
// most most grants of each; more is set when it stopped there.
func GrantStates(r module.Reader, org string, t time.Time, most int) (given, received map[string]int64, more bool, err error) {
	given, received = map[string]int64{}, map[string]int64{}
	for _, side := range []struct {
		prefix string
		counts map[string]int64
	}{{grantByPrefix + org + "/", given}, {grantToPrefix + org + "/", received}} {
		n := 0
		var ferr error
		err = r.Iterate([]byte(side.prefix), nil, func(k, _ []byte) bool {
			if n == most {
				more = true
				return false
			}
			n++
			g, err := GetGrant(r, string(k[len(side.prefix):]))
			if err != nil {
				ferr = err
				return false
			}
			v, err := ViewGrant(r, g, t)
			if err != nil {
				ferr = err
				return false
			}
			side.counts[v.State]++
			return true
		})
		if err == nil {
			err = ferr
		}
		if err != nil {
			return nil, nil, false, err
		}
	}
	return given, received, more, nil
}

// RecentAccesses calls fn with the latest n recorded accesses to an
// owner's records, oldest first, reading the keys of its audit index and
// the n entries.
func RecentAccesses(r module.Reader, owner string, n int, fn func(e *datashareapi.AuditEntry)) error {
	prefix := []byte(auditOwnPrefix + owner + "/")
	var seqs []string
	if err := r.Iterate(prefix, nil, func(k, _ []byte) bool {
		seqs = append(seqs, string(k[len(prefix):]))
		if len(seqs) > n {
			seqs = seqs[1:]
		}
		return true
	}); err != nil {
		return err
	}
	for _, seq := range seqs {
		var e datashareapi.AuditEntry
		if err := module.GetRecord(r, []byte(auditPrefix+seq), &e, "no audit entry %s", seq); err != nil {
			return err
		}
		fn(&e)
	}
	return nil
}
