package datashareplug

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

//go:embed templates/*.html
var templates embed.FS

// maxRecordFile bounds a record uploaded through the hall.
const maxRecordFile = 20 << 20

// patientCookie is the patient page's session cookie.
const patientCookie = "dengta_patient"

// dsPages are the module's pages: the hall's data-sharing page
// (hospitals: patients, records, referrals, shared records, the audit
// trail; enterprises: devices), a shared record opened, a device's page
// (telemetry chart, maintenance, alerts) and the patient's own page.
type dsPages struct {
	site     pages.Site
	n        *node
	sessions *patientSessions
	signIns  *ratelimit.Limiter // patients' sign-in attempts by client address
}

// patientSignIns bounds the patients' page's sign-in attempts from one
// address (a /64 for IPv6): each opens a key file with its KDF, and
// guesses at patient numbers and codes should be slow from anywhere, on
// top of the five-try lock of each patient.
var patientSignIns = ratelimit.Limit{Burst: 10, Every: 30 * time.Second}

func (n *node) pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Templates:   sub,
		Messages:    pages.Merge(messages, dashMessages),
		Title:       title,
		Actions:     actionNames,
		Enums:       enums,
		Reasons:     reasons,
		ReasonWords: reasonWords,
		Dashboard:   dashboard,
		Funcs: template.FuncMap{
			"dsTime": showTime,
			// dsEmpty passes a list's search and page to its empty state.
			"dsEmpty": func(search, after string) map[string]string {
				return map[string]string{"Search": search, "After": after}
			},
			"dsTags": func() []string { return datashareapi.MedicalTags },
		},
		Hall:   []pages.Link{{Path: "/hall/datashare", Key: "ds.title"}},
		Public: []pages.Link{{Path: "/patient", Key: "nav.patient"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &dsPages{site: site, n: n, sessions: &patientSessions{}, signIns: ratelimit.New(patientSignIns, ratelimit.Options{})}
			r.SignedIn("GET /hall/datashare", s.hall)
			r.SignedIn("POST /hall/datashare/exchange", s.hallExchange)
			r.SignedIn("POST /hall/datashare/patients", s.hallAdmit)
			r.SignedInUpload("POST /hall/datashare/records", maxRecordFile+(64<<10), s.hallRegister)
			r.SignedIn("POST /hall/datashare/share", s.hallShare)
			r.SignedIn("POST /hall/datashare/revoke", s.hallRevoke)
			r.SignedIn("POST /hall/datashare/breakglass", s.hallBreakGlass)
			r.SignedIn("POST /hall/datashare/review", s.hallReview)
			r.SignedIn("GET /hall/datashare/open", s.hallOpen)
			r.SignedIn("GET /hall/datashare/devices/{id}", s.hallDevice)
			r.Public("GET /patient", s.patientPage)
			r.Public("POST /patient/signin", s.patientSignIn)
			r.Public("POST /patient/act", s.patientAct)
			r.Public("POST /patient/signout", s.patientSignOut)
		},
	}
}

// showTime shows an RFC 3339 time in China time, to the minute.
func showTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(pages.ChinaTime).Format("2006-01-02 15:04")
}

// hallData is the hall's data-sharing page.
type hallData struct {
	Org        string
	Hospital   bool
	Enterprise bool
	Exchange   *datashareapi.Exchange
	Patients   []Patient
	Records    []datashareapi.Record
	// ShareRecords are the records the share form offers, whatever the
	// search.
	ShareRecords []datashareapi.Record
	Outgoing     []datashareapi.GrantView
	Incoming     []datashareapi.GrantView
	Audit        []datashareapi.AuditEntry
	Devices      []datashareapi.Device
	Grantees     []identity.Org
	Hospitals    []identity.Org // other hospitals, for emergency access
	Emergency    bool
	MyBTG        []btgView // emergency accesses we declared
	ToReview     []datashareapi.BreakGlassRecord
	Types        []string
	Purposes     []string
	End          string
	// Search is what the clerk looks for in the lists of records and
	// grants; the *After are the pages shown and the *Next the next.
	Search                      string
	RecAfter, OutAfter, InAfter string
	RecNext, OutNext, InNext    string
	// Error is why the form sent was refused, in the page's language.
	Error string
}

// hallPage is how many records or grants a list of the hall shows at once.
var hallPage = 20

func (s *dsPages) caller(p *pages.Page) access.Caller { return p.User.Caller() }

func (s *dsPages) hall(p *pages.Page) error { return s.renderHall(p, "", 0) }

// renderHall shows the hall's page, with the reason the form sent was
// refused and the HTTP status saying so (the host refills the form).
func (s *dsPages) renderHall(p *pages.Page, errMsg string, status int) error {
	c := s.caller(p)
	if c.Public() {
		return errcode.New(errcode.Unauthorized, "%s", p.T("ds.members"))
	}
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	d := hallData{Org: c.Org, Hospital: c.Has(datashareapi.Hospital), Enterprise: c.Has(datashareapi.Enterprise) || c.Has(datashareapi.Maintainer), Emergency: c.Has(datashareapi.Emergency),
		End: now.In(pages.ChinaTime).AddDate(0, 0, 30).Format("2006-01-02")}
	if ex, err := datashare.GetExchange(v, c.Org); err == nil {
		d.Exchange = ex
	} else if errcode.Of(err) != errcode.NotFound {
		return err
	}
	if d.Hospital {
		d.Types, d.Purposes = datashareapi.MedicalTypes, datashareapi.MedicalPurposes
		if _, err := s.n.running(); err == nil && s.n.hosts(c.Org) {
			if d.Patients, err = s.n.custody.Patients(c.Org); err != nil {
				return err
			}
		}
	} else {
		d.Types, d.Purposes = datashareapi.IndustrialTypes, datashareapi.IndustrialPurpose
	}
	q := p.R.URL.Query()
	d.Search, d.RecAfter, d.OutAfter, d.InAfter = strings.TrimSpace(q.Get("q")), q.Get("rec_after"), q.Get("out_after"), q.Get("in_after")
	search := newSearch(v, d.Search)
	recs, err := datashare.ListRecords(v, datashareapi.RecordsParams{Owner: c.Org, Readings: true, After: d.RecAfter, Limit: hallPage}, c, search)
	if err != nil {
		return err
	}
	d.Records, d.RecNext = recs.Items, recs.Next
	d.ShareRecords = d.Records
	if d.Search != "" || d.RecAfter != "" {
		all, err := datashare.ListRecords(v, datashareapi.RecordsParams{Owner: c.Org, Readings: true}, c, nil)
		if err != nil {
			return err
		}
		d.ShareRecords = all.Items
	}
	out, err := datashare.ListGrants(v, datashareapi.GrantsParams{Owner: c.Org, After: d.OutAfter, Limit: hallPage}, now, c, search)
	if err != nil {
		return err
	}
	d.Outgoing, d.OutNext = out.Items, out.Next
	in, err := datashare.ListGrants(v, datashareapi.GrantsParams{Grantee: c.Org, After: d.InAfter, Limit: hallPage}, now, c, search)
	if err != nil {
		return err
	}
	d.Incoming, d.InNext = in.Items, in.Next
	mine, err := datashare.AuditOf(v, datashareapi.AuditParams{Owner: c.Org}, c)
	if err != nil {
		return err
	}
	theirs, err := datashare.AuditOf(v, datashareapi.AuditParams{Org: c.Org}, c)
	if err != nil {
		return err
	}
	d.Audit = append(mine.Items, theirs.Items...)
	slices.SortStableFunc(d.Audit, func(a, b datashareapi.AuditEntry) int { return strings.Compare(b.Time, a.Time) })
	if len(d.Audit) > 50 {
		d.Audit = d.Audit[:50]
	}
	for _, q := range []datashareapi.DevicesParams{{Owner: c.Org}, {Maker: c.Org}} {
		ds, err := datashare.ListDevices(v, q, c)
		if err != nil {
			return err
		}
		for _, dv := range ds.Items {
			if !slices.ContainsFunc(d.Devices, func(x datashareapi.Device) bool { return x.ID == dv.ID }) {
				d.Devices = append(d.Devices, dv)
			}
		}
	}
	if d.Hospital {
		if err := s.breakGlasses(v, c, &d); err != nil {
			return err
		}
	}
	orgs, err := s.site.Orgs()
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.ID != c.Org && slices.Contains(o.Roles, datashareapi.Hospital) {
			d.Hospitals = append(d.Hospitals, o)
		}
	}
	want := datashareapi.Enterprise
	if d.Hospital {
		want = datashareapi.Hospital
	}
	for _, o := range orgs {
		if o.ID == c.Org || !slices.Contains(o.Roles, want) {
			continue
		}
		if _, err := datashare.GetExchange(v, o.ID); err == nil {
			d.Grantees = append(d.Grantees, o)
		}
	}
	p.Title = p.T("ds.title")
	d.Error, p.Status = errMsg, status
	p.Data = d
	return s.site.Render(p, "hall_datashare")
}

// hallExchange names the signed-in user's key and the keys this node
// holds for the organisation its exchange keys, and this node its
// endpoint.
func (s *dsPages) hallExchange(p *pages.Page) error {
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	id, err := tx.ParseKeyID(key.ID())
	if err != nil {
		return err
	}
	ids := []tx.KeyID{id}
	if held, err := s.n.keysOf(p.User.Org); err == nil {
		for _, k := range held {
			if !slices.Contains(ids, k.ID()) {
				ids = append(ids, k.ID())
			}
		}
	}
	if _, _, err := client.Send(p.R.Context(), s.site.API(), key, datashareapi.SetExchange, datashareapi.ExchangeBody{Keys: ids, Endpoint: strings.TrimRight(s.site.PublicURL(""), "/")}); err != nil {
		return err
	}
	p.Done("/hall/datashare", p.T("ds.exchangedone"))
	return nil
}

func (s *dsPages) hallAdmit(p *pages.Page) error {
	f := p.R.PostForm
	if _, err := s.n.running(); err != nil {
		return err
	}
	if !s.n.hosts(p.User.Org) {
		return s.renderHall(p, p.T("ds.nothosted"), http.StatusServiceUnavailable)
	}
	res, err := s.n.admit(p.R.Context(), p.User.Org, datashareapi.PatientBody{Name: strings.TrimSpace(f.Get("name")), IDNumber: f.Get("id_number")})
	var pe *patientError
	switch {
	case errors.As(err, &pe):
		status := http.StatusBadRequest
		if pe.Patient != "" {
			status = http.StatusConflict
		}
		return s.renderHall(p, patientMessage(p, pe), status)
	case err != nil && errcode.Of(err) != errcode.Internal:
		// The chain refused the patient's registration.
		code := errcode.Of(err)
		return s.renderHall(p, p.APIError(&client.Error{Code: uint32(code), Name: code.Name(), Message: errcode.Message(err)}), http.StatusBadRequest)
	case err != nil:
		return err
	}
	p.Done("/hall/datashare", fmt.Sprintf(p.T("ds.admitted"), res.ID, res.AccessCode))
	return nil
}

// refuse answers a hall form the chain or the page refused with the
// hall's page saying why in the page's language (a refusal of the chain
// with its own words), the form refilled; other errors go to the host's
// error page.
func (s *dsPages) refuse(p *pages.Page, err error) error {
	code := errcode.Of(err)
	msg := errcode.Message(err)
	var ce *client.Error
	if errors.As(err, &ce) {
		code, msg = errcode.Code(ce.Code), p.APIError(err)
	}
	status := http.StatusBadRequest
	switch code {
	case errcode.Internal:
		return err
	case errcode.Unauthorized:
		status = http.StatusForbidden
	case errcode.NotFound:
		status = http.StatusNotFound
	case errcode.Conflict:
		status = http.StatusConflict
	case errcode.TooLarge:
		status = http.StatusRequestEntityTooLarge
	}
	return s.renderHall(p, msg, status)
}

// patientMessage says why admit refused a patient, in the page's
// language, and what to do.
func patientMessage(p *pages.Page, e *patientError) string {
	key := "ds.admit.chars."
	switch {
	case e.Patient != "":
		return strings.ReplaceAll(p.T("ds.admit.known"), "{id}", pages.ChainWords(e.Patient))
	case e.Len == 0:
		key = "ds.admit.required."
	case e.Len < e.Min || e.Len > e.Max:
		key = "ds.admit.length."
	}
	return strings.NewReplacer("{min}", fmt.Sprint(e.Min), "{max}", fmt.Sprint(e.Max), "{n}", fmt.Sprint(e.Len)).Replace(p.T(key + e.Field))
}

// hallRegister seals an uploaded file under a fresh data key in this
// node and registers it, as the SDK does for any client.
func (s *dsPages) hallRegister(p *pages.Page) error {
	f := p.R.MultipartForm
	if f == nil || len(f.File["file"]) != 1 {
		return s.refuse(p, errcode.New(errcode.BadRequest, "%s", p.T("ds.nofile")))
	}
	fh := f.File["file"][0]
	if fh.Size > maxRecordFile {
		return s.refuse(p, errcode.New(errcode.TooLarge, "%s", p.T("ds.toolarge")))
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, maxRecordFile+1))
	if err != nil {
		return err
	}
	if len(content) == 0 {
		return s.refuse(p, errcode.New(errcode.BadRequest, "%s", p.T("ds.emptyfile")))
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	v := p.R.PostForm
	b := datashareapi.RecordBody{Type: v.Get("type"), Class: v.Get("class"), Subject: v.Get("subject"), Device: v.Get("device")}
	b.Domain = datashareapi.Industrial
	if b.Subject != "" {
		b.Domain = datashareapi.Medical
	}
	name := fh.Filename
	if !utf8.ValidString(name) || len(name) > 200 {
		name = "record"
	}
	mt := fh.Header.Get("Content-Type")
	if mt == "" || len(mt) > 100 {
		mt = "application/octet-stream"
	}
	res, err := Register(p.R.Context(), s.site.API(), key, b, datakey.Meta{Name: name, MediaType: mt}, content)
	if err != nil {
		return s.refuse(p, err)
	}
	p.Done("/hall/datashare", fmt.Sprintf(p.T("ds.registered"), res.ID))
	return nil
}

// hallShare grants records to another organisation: for a hospital, a
// referral of a patient's records, which waits for the patient's
// consent.
func (s *dsPages) hallShare(p *pages.Page) error {
	ctx := p.R.Context()
	f := p.R.PostForm
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	end, err := time.ParseInLocation("2006-01-02", f.Get("end"), pages.ChinaTime)
	if err != nil {
		return s.refuse(p, errcode.New(errcode.BadRequest, "%s", p.T("ds.baddate")))
	}
	b := datashareapi.GrantBody{Grantee: f.Get("grantee"), Purpose: f.Get("purpose"), MaxClass: f.Get("max_class"), DenyTags: f["deny_tags"],
		End: end.Add(24*time.Hour - time.Second).UTC().Format(time.RFC3339)}
	b.Records = f["records"]
	if subj := f.Get("subject"); subj != "" && len(b.Records) == 0 {
		v, err := s.site.View(0)
		if err != nil {
			return err
		}
		recs, err := datashare.ListRecords(v, datashareapi.RecordsParams{Subject: subj}, s.caller(p), nil)
		if err != nil {
			return err
		}
		for _, r := range recs.Items {
			b.Records = append(b.Records, r.ID)
		}
		if len(b.Records) == 0 {
			return s.refuse(p, errcode.New(errcode.BadRequest, "%s", p.T("ds.norecords")))
		}
	}
	res, err := Share(ctx, s.site.API(), key, s.opener(p, key), b)
	if err != nil {
		return s.refuse(p, err)
	}
	msg := p.T("ds.shared")
	if res.Status == datashareapi.GrantProposed {
		msg = p.T("ds.proposed")
	}
	p.Done("/hall/datashare", fmt.Sprintf(msg, res.ID))
	return nil
}

// opener opens data keys with the user's key or a key this node holds
// for the user's organisation.
func (s *dsPages) opener(p *pages.Page, key *client.Key) Unwrapper {
	os := []Unwrapper{key}
	if held, err := s.n.keysOf(p.User.Org); err == nil {
		for _, k := range held {
			os = append(os, client.KeyFrom(k))
		}
	}
	return multiOpener(os)
}

// multiOpener opens with whichever of its keys a data key is wrapped to.
type multiOpener []Unwrapper

func (m multiOpener) ID() string { return m[0].ID() }

func (m multiOpener) Unwrap(w datakey.Wrapped) (datakey.Key, error) {
	for _, o := range m {
		if o.ID() == w.KeyID.String() {
			return o.Unwrap(w)
		}
	}
	return datakey.Key{}, errors.New("the data key is wrapped to none of the keys at hand")
}

func (m multiOpener) list() []Unwrapper { return m }

func (s *dsPages) hallRevoke(p *pages.Page) error {
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	g := p.R.PostForm.Get("grant")
	if _, _, err := client.Send(p.R.Context(), s.site.API(), key, datashareapi.Revoke, datashareapi.RevokeBody{Grant: g, Reason: strings.TrimSpace(p.R.PostForm.Get("reason"))}); err != nil {
		return s.refuse(p, err)
	}
	p.Done("/hall/datashare", fmt.Sprintf(p.T("ds.revoked"), g))
	return nil
}

// openData is a shared record fetched from its owner's node and opened.
type openData struct {
	Record *datashareapi.Record
	Grant  string
	// BreakGlass is the emergency access the record is opened under,
	// when it is not a grant.
	BreakGlass string
	// Audited: the owner's node refused the fetch and audited it.
	Audited bool
	Name    string
	Media   string
	Text    string
	Size    int
	Error   string
}

// hallOpen fetches a record shared with the user's organisation from
// its owner's node, under the grant, and opens it in this node: text is
// shown, other content downloaded (?download=1).
func (s *dsPages) hallOpen(p *pages.Page) error {
	ctx, cancel := context.WithTimeout(p.R.Context(), s.site.Timeout())
	defer cancel()
	q := p.R.URL.Query()
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	d := openData{Grant: q.Get("grant"), BreakGlass: q.Get("break_glass")}
	op := s.opener(p, key).(multiOpener)
	got, err := Retrieve(ctx, s.site.API(), key, q.Get("record"), d.Grant, d.BreakGlass, op.list()...)
	p.Title = p.T("ds.open")
	if err != nil {
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Name == "internal" {
			return err
		}
		d.Error = refusalText(p, ce.Message)
		d.Audited = d.Error != ""
		switch {
		case d.Audited:
		case ce.Name == "unauthorized" || ce.Name == "not_found":
			// Refused before the owner's node was asked: the same for a
			// record that is another's and one that does not exist.
			d.Error = p.T("ds.notyours")
		default:
			d.Error = p.APIError(err)
		}
		p.Status = http.StatusForbidden
		p.Data = d
		return s.site.Render(p, "hall_datashare_open")
	}
	defer clear(got.Content)
	if q.Get("download") == "1" {
		p.W.Header().Set("Content-Type", "application/octet-stream")
		p.W.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(got.Meta.Name))
		p.W.Header().Set("Cache-Control", "no-store")
		_, err := p.W.Write(got.Content)
		return err
	}
	p.W.Header().Set("Cache-Control", "no-store")
	d.Record, d.Name, d.Media, d.Size = &got.Record, got.Meta.Name, got.Meta.MediaType, len(got.Content)
	if strings.HasPrefix(got.Meta.MediaType, "text/") && utf8.Valid(got.Content) {
		d.Text = string(got.Content)
	}
	p.Data = d
	return s.site.Render(p, "hall_datashare_open")
}

// deviceData is a device's page.
type deviceData struct {
	*datashareapi.DeviceView
	Chart *chart
}

func (s *dsPages) hallDevice(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	// Whether the device exists or is another's, a member that is no
	// party is told the same (ADR 0007).
	id := p.R.PathValue("id")
	notYours := errcode.New(errcode.Unauthorized, "%s", strings.ReplaceAll(p.T("ds.devicenotyours"), "{device}", pages.ChainWords(id)))
	dev, err := datashare.GetDevice(v, id)
	if err != nil {
		if errcode.Of(err) == errcode.NotFound && !s.caller(p).Oversees() {
			return notYours
		}
		return err
	}
	if ok, err := datashare.DeviceParties(v, dev, s.caller(p)); err != nil {
		return err
	} else if !ok {
		return notYours
	}
	dv, err := datashare.DevicePage(v, dev, now, s.caller(p))
	if err != nil {
		return err
	}
	d := deviceData{DeviceView: dv}
	if s.n.models != nil && s.n.hosts(dv.Device.Owner) && readsTelemetry(dv, s.caller(p)) {
		pts, err := s.n.models.series(dv.Device.ID)
		if err != nil {
			return err
		}
		d.Chart = drawChart(pts, dv.Alerts)
	}
	p.Title = p.T("ds.device") + " " + dv.Device.ID
	p.Data = d
	return s.site.Render(p, "hall_datashare_device")
}

// orgLabel is an organisation's name in the page's language, its id when
// the chain has none.
func orgLabel(v *state.View, id string, lang pages.Lang) string {
	o, err := identity.GetOrg(v, id)
	switch {
	case err != nil:
		return id
	case lang == pages.EN && o.NameEN != "":
		return o.NameEN
	}
	return o.Name
}

// --- the patient's page ---

// patientData is the patient's own page.
type patientData struct {
	Subject  string
	Name     string
	CSRF     string
	Error    string
	View     *datashareapi.SubjectView
	Audit    []datashareapi.AuditEntry
	Owner    string
	Pending  int
	ActiveNo int
}

func (s *dsPages) session(p *pages.Page) (string, *patientSession) {
	c, err := p.R.Cookie(patientCookie)
	if err != nil {
		return "", nil
	}
	now, _ := s.now()
	return c.Value, s.sessions.get(c.Value, now)
}

func (s *dsPages) now() (time.Time, error) {
	nd, err := s.n.running()
	if err != nil {
		return time.Time{}, err
	}
	return nd.Now(), nil
}

func (s *dsPages) patientPage(p *pages.Page) error {
	p.Title = p.T("pt.title")
	p.W.Header().Set("Cache-Control", "no-store")
	_, ps := s.session(p)
	if ps == nil {
		p.Data = patientData{}
		return s.site.Render(p, "patient")
	}
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	subj, err := datashare.GetSubject(v, ps.Subject)
	if err != nil {
		return err
	}
	view, err := datashare.SubjectPage(v, subj, now)
	if err != nil {
		return err
	}
	d := patientData{Subject: ps.Subject, CSRF: ps.CSRF, View: view, Owner: subj.Hospital}
	if pt, err := s.n.custody.Patient(ps.Subject); err == nil {
		d.Name = pt.Name
	}
	after := ""
	for range 20 {
		pg, err := datashare.SubjectAudit(v, ps.Subject, after)
		if err != nil {
			return err
		}
		d.Audit = append(d.Audit, pg.Items...)
		if pg.Next == "" {
			break
		}
		after = pg.Next
	}
	slices.Reverse(d.Audit)
	for _, g := range view.Grants {
		switch g.State {
		case datashareapi.GrantProposed:
			d.Pending++
		case datashareapi.GrantActive:
			d.ActiveNo++
		}
	}
	p.Data = d
	return s.site.Render(p, "patient")
}

func (s *dsPages) patientSignIn(p *pages.Page) error {
	p.Title = p.T("pt.title")
	now, err := s.now()
	if err != nil {
		return err
	}
	if ok, wait := s.signIns.Allow(ratelimit.Key(s.site.ClientIP(p.R))); !ok {
		p.Status = http.StatusTooManyRequests
		p.W.Header().Set("Retry-After", fmt.Sprint(int(wait/time.Second)+1))
		p.Data = patientData{Error: fmt.Sprintf(p.T("pt.slow"), int(wait/time.Second)+1)}
		return s.site.Render(p, "patient")
	}
	// Patient numbers are printed in capitals (P and hex digits); one
	// typed in small letters is the same number.
	id := strings.ToUpper(strings.TrimSpace(p.R.PostForm.Get("subject")))
	k, err := s.n.custody.Open(id, p.R.PostForm.Get("code"), now)
	if err != nil {
		var locked *ErrLocked
		msg := p.T("pt.badcode")
		if errors.As(err, &locked) {
			msg = fmt.Sprintf(p.T("pt.locked"), locked.Until.In(pages.ChinaTime).Format("15:04"))
		}
		p.Status = http.StatusUnauthorized
		p.Data = patientData{Error: msg}
		return s.site.Render(p, "patient")
	}
	token, ps := s.sessions.start(id, k, now)
	if ps == nil {
		return errcode.New(errcode.Unavailable, "%s", p.T("pt.busy"))
	}
	http.SetCookie(p.W, &http.Cookie{Name: patientCookie, Value: token, Path: "/patient", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: strings.HasPrefix(s.site.PublicURL(""), "https:"), MaxAge: int(PatientTTL / time.Second)})
	p.Done("/patient", p.T("pt.signedin"))
	return nil
}

// patientAct signs the patient's approval, refusal or revocation of a
// grant with the patient's key and relays it to the chain.
func (s *dsPages) patientAct(p *pages.Page) error {
	_, ps := s.session(p)
	if ps == nil {
		p.Done("/patient", p.T("pt.expired"))
		return nil
	}
	f := p.R.PostForm
	if f.Get("csrf") != ps.CSRF {
		return errcode.New(errcode.Unauthorized, "%s", p.T("pt.csrf"))
	}
	act := f.Get("act")
	if !slices.Contains([]string{datashareapi.ActApprove, datashareapi.ActRefuse, datashareapi.ActRevoke}, act) {
		return errcode.New(errcode.BadRequest, "%s", p.T("pt.badact"))
	}
	nd, err := s.n.running()
	if err != nil {
		return err
	}
	st, err := SignStatement(nd.ChainID, ps.Key, act, f.Get("grant"), ps.Subject, nd.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(p.R.Context(), s.site.Timeout())
	defer cancel()
	res, err := s.n.relay(ctx, s.site, st)
	if err != nil {
		return chainRefusal(p, err)
	}
	p.Done("/patient", fmt.Sprintf(p.T("pt.done."+act), res.Grant))
	return nil
}

// chainRefusal says the chain's refusal of what the page relayed in the
// page's language, as a refusal through the SDK is said (Page.APIError):
// what it means, then the chain's reason (in Chinese on a Chinese page).
func chainRefusal(p *pages.Page, err error) error {
	code := errcode.Of(err)
	if code == errcode.Internal {
		return err
	}
	return errcode.New(code, "%s", p.APIError(&client.Error{Code: uint32(code), Name: code.Name(), Message: errcode.Message(err)}))
}

func (s *dsPages) patientSignOut(p *pages.Page) error {
	token, ps := s.session(p)
	if ps != nil && p.R.PostForm.Get("csrf") == ps.CSRF {
		s.sessions.end(token)
	}
	http.SetCookie(p.W, &http.Cookie{Name: patientCookie, Value: "", Path: "/patient", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	p.Done("/patient", p.T("pt.signedout"))
	return nil
}

// readsTelemetry reports whether the caller may see a device's
// telemetry: its owner, or the grantee of an active grant on the device
// that covers telemetry. Its maker and overseers see the device, its
// alerts and its maintenance, not the readings.
func readsTelemetry(dv *datashareapi.DeviceView, c access.Caller) bool {
	if c.Is(dv.Device.Owner) {
		return true
	}
	for _, g := range dv.Grants {
		if c.Is(g.Grantee) && g.State == datashareapi.GrantActive && (len(g.Types) == 0 || slices.Contains(g.Types, datashareapi.TypeTelemetry)) {
			return true
		}
	}
	return false
}

// btgView is an emergency access we declared, with the patient's records
// it lets us fetch.
type btgView struct {
	datashareapi.BreakGlassRecord
	Records []datashareapi.Record
}

// breakGlasses gathers a hospital's emergency accesses: those it
// declared (with the records they reach while open) and those on its
// patients waiting for its review.
func (s *dsPages) breakGlasses(v *state.View, c access.Caller, d *hallData) error {
	mine, err := datashare.ListBreakGlass(v, datashareapi.BreakGlassParams{Requester: c.Org}, c)
	if err != nil {
		return err
	}
	for _, b := range mine.Items {
		bv := btgView{BreakGlassRecord: b}
		if b.Status == datashareapi.BTGOpen {
			recs, err := datashare.ListRecords(v, datashareapi.RecordsParams{Subject: b.Subject}, c, nil)
			if err != nil {
				return err
			}
			bv.Records = recs.Items
		}
		d.MyBTG = append(d.MyBTG, bv)
	}
	review, err := datashare.ListBreakGlass(v, datashareapi.BreakGlassParams{Owner: c.Org, Open: true}, c)
	if err != nil {
		return err
	}
	d.ToReview = review.Items
	return nil
}

// hallBreakGlass declares emergency access to a patient's records held by
// another hospital: 24 hours, audited, reviewed afterwards.
func (s *dsPages) hallBreakGlass(p *pages.Page) error {
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	f := p.R.PostForm
	res, _, err := client.Send(p.R.Context(), s.site.API(), key, datashareapi.BreakGlass, datashareapi.BreakGlassBody{Owner: f.Get("owner"),
		Subject: strings.TrimSpace(f.Get("subject")), Reason: f.Get("reason"), Justification: strings.TrimSpace(f.Get("justification"))})
	if err != nil {
		return s.refuse(p, err)
	}
	p.Done("/hall/datashare", fmt.Sprintf(p.T("ds.btgdone"), res.ID, showTime(res.Expires)))
	return nil
}

// hallReview records the owner's finding on an emergency access.
func (s *dsPages) hallReview(p *pages.Page) error {
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	f := p.R.PostForm
	if _, _, err := client.Send(p.R.Context(), s.site.API(), key, datashareapi.ReviewBreakGlass, datashareapi.ReviewBody{ID: f.Get("id"), Finding: f.Get("finding"),
		Note: strings.TrimSpace(f.Get("note"))}); err != nil {
		return s.refuse(p, err)
	}
	p.Done("/hall/datashare", fmt.Sprintf(p.T("ds.reviewed"), f.Get("id")))
	return nil
}

// refusedFor finds the reason and audit event in an owner node's refusal
// (serve.go's refusal).
var refusedFor = regexp.MustCompile(`refuses record \S+: ([a-z_]+) \(.*recorded in the owner's audit trail as event (\S+)`)

// refusalText says why the owner's node refused a record, in the page's
// language, as the patient's page names the reasons: a grant awaiting
// consent, revoked, out of scope. "" when msg is no such refusal (the
// generic message for its code then serves).
func refusalText(p *pages.Page, msg string) string {
	m := refusedFor.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	for _, e := range enums {
		if e.Name != "datashare.reason" {
			continue
		}
		l, ok := e.Labels[m[1]]
		if !ok {
			return ""
		}
		label := l[1]
		if p.Lang == pages.ZH {
			label = l[0]
		}
		return fmt.Sprintf(p.T("ds.refusedwhy"), label, m[2])
	}
	return ""
}
