package carbonplug

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/retireproof"
	"github.com/dengta-chain/dengta/proof"
)

//go:embed templates/*.html
var templates embed.FS

// maxUpload bounds the files a hall form uploads (reports, statements).
const maxUpload = 32 << 20

// maxBundle bounds a retirement bundle uploaded to the public verify page.
const maxBundle = 1 << 20

// cbPages are the module's pages.
type cbPages struct{ site pages.Site }

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	s := &cbPages{}
	return &pages.Module{
		Reasons:     reasons,
		ReasonWords: reasonWords,
		Templates:   sub,
		Messages:    pages.Merge(messages, dashMessages),
		Dashboard:   dashboard,
		Title:       title,
		Actions:     actionNames,
		Enums:       enums,
		Funcs: template.FuncMap{
			"cbnum":    formatInt,
			"cbpct":    func(bp int) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) },
			"cbdate":   func(s string) string { return strings.SplitN(s, "T", 2)[0] },
			"cbranges": func(rs []carbonapi.Range) string { return rangesText(rs) },
			"cbyuan":   func(fen int64) string { return fmt.Sprintf("%s.%02d", formatInt(fen/100), fen%100) },
		},
		// The footprint card of the product or lot another page shows
		// (the traceability scan page): {{panels "product" gtin lot}}.
		Panels: map[string]pages.Panel{"product": func(lang pages.Lang, args ...string) template.HTML {
			if len(args) < 2 {
				return ""
			}
			return s.footprintCard(lang, args[0], args[1])
		}},
		Hall:   []pages.Link{{Path: "/hall/carbon", Key: "cb.hall"}, {Path: "/hall/carbon/compliance", Key: "cb.compliance"}, {Path: "/hall/carbon/green", Key: "cb.green"}, {Path: "/hall/carbon/footprints", Key: "cb.footprints"}},
		Public: []pages.Link{{Path: "/carbon", Key: "cb.nav"}},
		Routes: func(site pages.Site, r pages.Router) {
			s.site = site
			r.Public("GET /carbon", s.registryPage)
			r.Public("GET /carbon/projects/{id}", s.projectPage)
			r.Public("GET /carbon/retirements/{id}", s.certificatePage)
			r.Public("GET /carbon/retirements/{id}/proof", s.certificateProof)
			r.Public("GET /carbon/verify", s.verifyPage)
			r.PublicUpload("POST /carbon/verify", maxBundle+1<<16, s.verifyUpload)
			r.Public("GET /carbon/green/{org}/{year}", s.greenPage)
			r.Public("GET /carbon/footprints/01/{gtin}", s.footprintPage)
			r.Public("GET /carbon/footprints/01/{gtin}/10/{lot}", s.footprintPage)
			r.SignedIn("GET /hall/carbon", s.hall)
			r.SignedInUpload("POST /hall/carbon", maxUpload, s.hallAct)
			r.SignedIn("GET /hall/carbon/compliance", s.compliance)
			r.SignedInUpload("POST /hall/carbon/compliance", maxUpload, s.complianceAct)
			r.SignedIn("GET /hall/carbon/green", s.green)
			r.SignedInUpload("POST /hall/carbon/green", maxUpload, s.greenAct)
			r.SignedIn("GET /hall/carbon/footprints", s.footprints)
			r.SignedInUpload("POST /hall/carbon/footprints", maxUpload, s.footprintsAct)
		},
	}
}

// formatInt writes n with thousands separators: 12,345.
func formatInt(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := strconv.FormatInt(n, 10)
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return sign + string(b)
}

func rangesText(rs []carbonapi.Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// names are the organisations' display names in the page's language.
type names map[string]string

func (s *cbPages) names(lang pages.Lang) names {
	out := names{}
	orgs, _ := s.site.Orgs()
	for _, o := range orgs {
		out[o.ID] = o.Name
		if lang == pages.EN && o.NameEN != "" {
			out[o.ID] = o.NameEN
		}
	}
	return out
}

// Of returns an organisation's name, or its id.
func (n names) Of(id string) string {
	if v, ok := n[id]; ok {
		return v
	}
	return id
}

func (s *cbPages) orgs() []identity.Org {
	orgs, _ := s.site.Orgs()
	return orgs
}

func (s *cbPages) orgsWith(roles ...role.Role) []identity.Org {
	var out []identity.Org
	for _, o := range s.orgs() {
		if role.Any(o.Roles, roles) {
			out = append(out, o)
		}
	}
	return out
}

func (s *cbPages) view() (module.Reader, error) { return s.site.View(0) }

func (s *cbPages) date(p *pages.Page) (string, error) { return chainDate(p.R.Context(), s.site) }

// Public pages.

type registryData struct {
	Registry *carbonapi.RegistryView
	Projects []carbonapi.Project
	Plants   []carbonapi.Plant
	Names    names
}

func (s *cbPages) registryPage(p *pages.Page) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	d := registryData{Names: s.names(p.Lang)}
	if d.Registry, err = carbon.RegistryOf(v); err != nil {
		return err
	}
	pg, err := carbon.ListProjects(v, carbonapi.StatusRegistered, "", "")
	if err != nil {
		return err
	}
	d.Projects = pg.Items
	if d.Plants, err = carbon.ListPlants(v); err != nil {
		return err
	}
	p.Title, p.Data = p.T("cb.registry"), d
	return s.site.Render(p, "registry")
}

type projectData struct {
	View  *carbonapi.ProjectView
	Names names
}

func (s *cbPages) projectPage(p *pages.Page) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	date, err := s.date(p)
	if err != nil {
		return err
	}
	pv, err := carbon.ProjectOf(v, p.R.PathValue("id"), date)
	if err != nil {
		return err
	}
	p.Title, p.Data = pv.Project.Name, projectData{View: pv, Names: s.names(p.Lang)}
	return s.site.Render(p, "project")
}

type certificateData struct {
	Closure  *carbonapi.Closure
	Batch    *carbonapi.Batch
	Names    names
	URL      string
	QR       template.HTML
	Report   *retireproof.Report
	Error    string
	ProofURL string
}

// certificatePage is a retirement's, cancellation's or claim's public
// certificate: what was retired for whom, the serials, a QR code of the
// page, and the node's own check of the offline bundle against the
// validators it trusts now.
func (s *cbPages) certificatePage(p *pages.Page) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	c, err := carbon.GetClosure(v, p.R.PathValue("id"))
	if err != nil {
		return err
	}
	if c.Kind == carbonapi.Surrendered {
		return errcode.New(errcode.NotFound, "%s", p.T("cb.nosurrender"))
	}
	b, err := carbon.GetBatch(v, c.Batch)
	if err != nil {
		return err
	}
	d := &certificateData{Closure: c, Batch: b, Names: s.names(p.Lang), URL: s.site.PublicURL(CertificatePath(c.ID)), ProofURL: CertificatePath(c.ID) + "/proof"}
	svg, err := qrcode.SVG(d.URL, 160)
	if err != nil {
		return err
	}
	d.QR = template.HTML(svg)
	views := func(h int64) (module.Reader, error) { return s.site.View(h) }
	raw, err := retireproof.Build(p.R.Context(), s.site.Prover(), views, s.site.ChainID(), c.ID)
	if err == nil {
		var trust proof.Trust
		if trust, err = s.site.Prover().Trust(p.R.Context()); err == nil {
			d.Report, err = retireproof.Verify(raw, trust)
		}
	}
	if err != nil {
		d.Error = p.APIError(err)
	}
	p.Title, p.Data = p.T("cb.cert."+c.Kind)+" "+c.ID, d
	return s.site.Render(p, "certificate")
}

// certificateProof answers the closure's proof bundle as a file.
func (s *cbPages) certificateProof(p *pages.Page) error {
	id := p.R.PathValue("id")
	views := func(h int64) (module.Reader, error) { return s.site.View(h) }
	raw, err := retireproof.Build(p.R.Context(), s.site.Prover(), views, s.site.ChainID(), id)
	if err != nil {
		return err
	}
	p.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.W.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "retirement-"+id+".json"))
	_, err = p.W.Write(raw)
	return err
}

type verifyData struct {
	ID     string
	Report *retireproof.Report
	Error  string
	Names  names
}

// verifyPage checks a retirement by its id (it shows its certificate), or
// asks for a bundle to check.
func (s *cbPages) verifyPage(p *pages.Page) error {
	if id := strings.TrimSpace(p.R.URL.Query().Get("id")); id != "" {
		http.Redirect(p.W, p.R, CertificatePath(url.PathEscape(strings.ToUpper(id))), http.StatusSeeOther)
		return nil
	}
	p.Title, p.Data = p.T("cb.verify"), &verifyData{Names: s.names(p.Lang)}
	return s.site.Render(p, "verify")
}

// verifyUpload checks an uploaded bundle against the validators this node
// trusts now, as `dengta carbon verify` does offline.
func (s *cbPages) verifyUpload(p *pages.Page) error {
	raw, err := httpapi.FormFile(p.R, "bundle", maxBundle)
	if err != nil || raw == nil {
		return errcode.New(errcode.BadRequest, "%s", p.T("cb.nobundle"))
	}
	trust, err := s.site.Prover().Trust(p.R.Context())
	if err != nil {
		return err
	}
	d := &verifyData{Names: s.names(p.Lang)}
	d.Report, err = retireproof.Verify(raw, trust)
	if err != nil {
		d.Error = p.T("cb.verifyfailed") + " " + pages.ChainWords(err.Error())
		p.Status = http.StatusUnprocessableEntity
	}
	p.Title, p.Data = p.T("cb.verify"), d
	return s.site.Render(p, "verify")
}

type greenData struct {
	View  *carbonapi.GreenView
	Org   string
	Names names
	URL   string
	QR    template.HTML
}

func (s *cbPages) greenPage(p *pages.Page) error {
	year, err := strconv.Atoi(p.R.PathValue("year"))
	if err != nil {
		return errcode.New(errcode.BadRequest, "%s", p.T("cb.badyear"))
	}
	v, err := s.view()
	if err != nil {
		return err
	}
	org := p.R.PathValue("org")
	gv, err := carbon.GreenOf(v, org, year)
	if err != nil {
		return err
	}
	d := greenData{View: gv, Org: org, Names: s.names(p.Lang), URL: s.site.PublicURL(fmt.Sprintf("/carbon/green/%s/%d", url.PathEscape(org), year))}
	svg, err := qrcode.SVG(d.URL, 140)
	if err != nil {
		return err
	}
	d.QR = template.HTML(svg)
	p.Title, p.Data = p.T("cb.greencert"), d
	return s.site.Render(p, "green")
}

type footprintData struct {
	View     *carbonapi.FootprintView
	Names    names
	Lot      string
	PACTURL  string
	ProofKey string
}

func (s *cbPages) footprintPage(p *pages.Page) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(p.R.URL.Query().Get("version"))
	gtin, lot := p.R.PathValue("gtin"), p.R.PathValue("lot")
	if _, err := carbon.ParseGTIN("gtin", gtin); err != nil {
		return errcode.New(errcode.BadRequest, "%s", badGTIN(p, gtin))
	}
	if lot != "" && carbon.CheckLot("lot", lot) != nil {
		return errcode.New(errcode.BadRequest, "%s", strings.ReplaceAll(p.T("cb.badlot"), "{lot}", pages.ChainWords(lot)))
	}
	fv, err := carbon.FootprintOf(v, gtin, lot, version)
	if err != nil {
		return err
	}
	f := fv.Footprint
	pact := "/v1/carbon/footprints/" + f.GTIN + "/pact"
	if lot != "" {
		pact += "?lot=" + url.QueryEscape(lot)
	}
	d := footprintData{View: fv, Names: s.names(p.Lang), Lot: lot, PACTURL: pact, ProofKey: string(carbon.FootprintKey(f.GTIN, f.Lot, f.Version))}
	p.Title, p.Data = f.ProductName+" · "+p.T("cb.footprint"), d
	return s.site.Render(p, "footprint")
}

// badGTIN says in the page's language why s, which carbon.ParseGTIN
// refused, is not a GTIN, and what a GTIN looks like.
func badGTIN(p *pages.Page, s string) string {
	key := "cb.badgtin.check"
	if strings.Trim(s, "0123456789") != "" || s == "" {
		key = "cb.badgtin.digits"
	} else if n := len(s); n != 8 && n != 12 && n != 13 && n != 14 {
		key = "cb.badgtin.length"
	}
	return strings.NewReplacer("{gtin}", pages.ChainWords(s), "{n}", strconv.Itoa(len(s)), "{example}", DemoGTIN).Replace(p.T(key))
}

// footprintCard renders the footprint card of a product or lot for
// another page, nothing when there is none (or the identifier is not a
// GTIN).
func (s *cbPages) footprintCard(lang pages.Lang, gtin, lot string) template.HTML {
	if s.site == nil {
		return ""
	}
	v, err := s.view()
	if err != nil {
		return ""
	}
	fv, err := carbon.FootprintOf(v, gtin, lot, 0)
	if err != nil {
		return ""
	}
	f := fv.Footprint
	t := func(key string) string {
		m := messages[key]
		if lang == pages.EN {
			return m[1]
		}
		return m[0]
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<section class="card" id="carbon-footprint"><h2>%s</h2><dl class="facts">`, esc(t("cb.footprint")))
	fmt.Fprintf(&b, `<dt>%s</dt><dd><strong>%s</strong> kg CO₂e / %s %s</dd>`, esc(t("cb.pcf")), esc(f.PCFExcludingBiogenic), esc(f.UnitaryAmount), esc(unitName(f.DeclaredUnit, lang)))
	fmt.Fprintf(&b, `<dt>%s</dt><dd>%s — %s · %s</dd>`, esc(t("cb.refperiod")), esc(f.PeriodStart), esc(f.PeriodEnd), esc(t("cbbound."+f.Boundary)))
	if fv.Assurance != nil {
		fmt.Fprintf(&b, `<dt>%s</dt><dd>%s</dd>`, esc(t("cb.assurance")), esc(t("cblevel."+fv.Assurance.Level)))
	}
	if fv.OffsetT > 0 {
		fmt.Fprintf(&b, `<dt>%s</dt><dd>%s t CO₂e</dd>`, esc(t("cb.offsets")), esc(formatInt(fv.OffsetT)))
	}
	fmt.Fprintf(&b, `</dl><p><a href="%s">%s</a></p></section>`, esc(FootprintPath(f.GTIN, lot)), esc(t("cb.footprintmore")))
	return template.HTML(b.String())
}

// The hall.

// parseForm reads a form, multipart or not.
func parseForm(p *pages.Page) {
	if p.R.MultipartForm != nil {
		return
	}
	_ = p.R.ParseForm()
}

// upload stores the file of a form field in the node's blob store and
// returns its SHA-256, "" when the field has no file.
func upload(ctx context.Context, api *client.Client, p *pages.Page, fieldName string) (string, string, error) {
	r := p.R
	if r.MultipartForm == nil || len(r.MultipartForm.File[fieldName]) == 0 {
		return "", "", nil
	}
	fh := r.MultipartForm.File[fieldName][0]
	f, err := fh.Open()
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	info, err := api.UploadBlob(ctx, f)
	if err != nil {
		return "", "", err
	}
	return info.SHA256, filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/")), nil
}

// act is what a hall POST needs: the user's key, the API as the user, a
// deadline, and the form's values.
type act struct {
	p      *pages.Page
	ctx    context.Context
	cancel context.CancelFunc
	key    *client.Key
	api    *client.Client
}

func (s *cbPages) begin(p *pages.Page) (*act, error) {
	parseForm(p)
	key, err := s.site.Signer(p)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(p.R.Context(), s.site.Timeout())
	return &act{p: p, ctx: ctx, cancel: cancel, key: key, api: s.site.API().As(key)}, nil
}

func (a *act) v(name string) string { return strings.TrimSpace(a.p.R.FormValue(name)) }

func (a *act) int64(name string) (int64, error) {
	s := strings.ReplaceAll(a.v(name), ",", "")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q %s", a.p.T("cb.field."+name), s, a.p.T("cb.notnumber"))
	}
	return n, nil
}

func (a *act) int(name string) (int, error) {
	n, err := a.int64(name)
	return int(n), err
}

// file uploads the form's file field and answers its digest; a hall form
// requires it.
func (a *act) file(name string) (string, error) {
	sum, _, err := upload(a.ctx, a.api, a.p, name)
	if err != nil {
		return "", err
	}
	if sum == "" {
		return "", fmt.Errorf("%s", a.p.T("cb.needfile"))
	}
	return sum, nil
}

// yuanToFen reads an optional amount in yuan with at most two decimals
// ("" is 0).
func yuanToFen(s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	return decimal.ParseYuan(s)
}

// unitName is a declared unit in lang (the unit as recorded when it is
// not one of the standard's).
func unitName(u string, lang pages.Lang) string {
	for _, e := range enums {
		if e.Name == "carbon.declared_unit" {
			if l, ok := e.Labels[u]; ok {
				if lang == pages.EN {
					return l[1]
				}
				return l[0]
			}
		}
	}
	return u
}
