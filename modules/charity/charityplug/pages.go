package charityplug

import (
	"context"
	"embed"
	"encoding/hex"
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
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
)

//go:embed templates/*.html templates/receipt.js
var templates embed.FS

// maxUpload bounds the files a hall form uploads (invoices, acceptance
// documents, reports) in all.
const maxUpload = 32 << 20

// chPages are the module's pages.
type chPages struct {
	site  pages.Site
	forms *donationForms
}

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
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
			"chyuan":     decimal.FormatYuan,
			"chpassedon": passedOnUnspent,
			"chdate":     func(s string) string { return strings.SplitN(s, "T", 2)[0] },
			"chpct":      func(bp int) float64 { return float64(bp) / 100 },
			"chstep": func(n *stepNode, names names, titles map[string]string) stepContext {
				return stepContext{n, names, titles}
			},
		},
		Hall:   []pages.Link{{Path: "/hall/charity", Key: "ch.hall"}},
		Public: []pages.Link{{Path: "/charity", Key: "ch.nav"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &chPages{site: site, forms: newDonationForms()}
			r.Public("GET /charity", s.projectsPage)
			r.Public("GET /charity/projects/{id}", s.projectPage)
			r.Public("GET /charity/receipts/{receipt}", s.receiptPage)
			r.Public("POST /charity/receipts/{receipt}", s.receiptCheck)
			r.Public("GET /charity/receipts/{receipt}/proof", s.receiptProof)
			r.Public("GET /charity/receipt.js", s.script)
			r.SignedIn("GET /hall/charity", s.hall)
			r.SignedInUpload("POST /hall/charity", maxUpload, s.hallAct)
			r.SignedIn("GET /hall/charity/projects/{id}", s.hallProject)
			r.SignedInUpload("POST /hall/charity/projects/{id}", maxUpload, s.hallProjectAct)
			r.SignedIn("GET /hall/charity/oversight", s.oversight)
		},
	}
}

// names are the organisations' display names in the page's language.
type names map[string]string

func (s *chPages) names(p *pages.Page) names {
	out := names{}
	orgs, _ := s.site.Orgs()
	for _, o := range orgs {
		out[o.ID] = o.Name
		if p.Lang == pages.EN && o.NameEN != "" {
			out[o.ID] = o.NameEN
		}
	}
	return out
}

// Of returns an organisation's name; a payee or beneficiary that is not
// a member shows as recorded, marked as data (not translated).
func (n names) Of(id string) template.HTML {
	if v, ok := n[id]; ok {
		return template.HTML(template.HTMLEscapeString(v))
	}
	return template.HTML(`<span translate="no">` + template.HTMLEscapeString(id) + `</span>`)
}

// projectTitle is how a page names a project: a charity's general fund
// by what it is, in the page's language (its record keeps the English
// title written when the charity was registered), another project by the
// title its charity gave it.
func projectTitle(t func(string) string, kind, title string) string {
	if kind == charityapi.ProjectKindGeneral {
		return t("ch.generalfund")
	}
	return title
}

// orgsWith lists the active organisations holding one of roles.
func (s *chPages) orgsWith(roles ...role.Role) []identity.Org {
	orgs, _ := s.site.Orgs()
	var out []identity.Org
	for _, o := range orgs {
		if role.Any(o.Roles, roles) {
			out = append(out, o)
		}
	}
	return out
}

// Public pages.

type projectsData struct {
	Projects []charityapi.ProjectSummary
	// After is the cursor the page shown starts after, Next that of the
	// page after it.
	After, Next string
	Names       names
}

// projectsWhere lists the projects with status ("" for any) that keep
// accepts (nil for all), in id order after the cursor after, up to limit
// of them (0 for all); next is the cursor of the rest, "" when there is
// none. Forms that pick a project use it to offer every open one, not
// the first page of them.
func projectsWhere(v module.Reader, status, after string, limit int, keep func(*charityapi.ProjectSummary) bool) (items []charityapi.ProjectSummary, next string, err error) {
	for {
		pg, err := charity.ListProjects(v, "", status, nil, after, charity.FindMaxPage)
		if err != nil {
			return nil, "", err
		}
		for _, x := range pg.Items {
			if keep != nil && !keep(&x) {
				continue
			}
			if limit > 0 && len(items) == limit {
				return items, items[len(items)-1].ID, nil
			}
			items = append(items, x)
		}
		if pg.Next == "" {
			return items, "", nil
		}
		after = pg.Next
	}
}

// projectsPage is the public list of fundraising projects, open and
// closed, a page at a time.
func (s *chPages) projectsPage(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	d := projectsData{Names: s.names(p), After: p.R.URL.Query().Get("after")}
	d.Projects, d.Next, err = projectsWhere(v, "", d.After, charity.PageSize, func(x *charityapi.ProjectSummary) bool {
		return x.Kind == charityapi.ProjectKindProject && (x.Status == charityapi.StatusOpen || x.Status == charityapi.StatusClosed)
	})
	if errcode.Of(err) == errcode.BadRequest {
		return errcode.New(errcode.BadRequest, "%s", p.T("ch.badcursor"))
	} else if err != nil {
		return err
	}
	p.Title, p.Data = p.T("ch.projects"), d
	return s.site.Render(p, "projects")
}

// LineName is the name of the project's budget line code, the code
// itself when the project has no such line.
func (d *projectData) LineName(code string) string {
	for _, l := range d.View.Project.Lines {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

type projectData struct {
	View          *charityapi.ProjectView
	Names         names
	Org           *charityapi.Org
	Chart         template.HTML
	Disbursements []charityapi.DisbursementView
	More          string
	Transfers     *charityapi.TransfersView
	Reports       *charityapi.ReportsView
	// Donations are a page of the project's donations, newest first:
	// those before the cursor DonationsBefore ("" for the newest), and
	// DonationsNext is the cursor of the page after it.
	Donations                      []charityapi.Donation
	DonationsBefore, DonationsNext string
	// Path is the page's own path, for the links that page its lists.
	Path  string
	Lines []lineView
}

type lineView struct {
	charityapi.Line
	Share int // spent, percent of its budget
}

func (s *chPages) loadProject(p *pages.Page, id string) (*projectData, error) {
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	date, err := chainDate(p.R.Context(), s.site)
	if err != nil {
		return nil, err
	}
	pv, err := charity.View(v, id, date)
	if err != nil {
		return nil, err
	}
	d := &projectData{View: pv, Names: s.names(p), Path: p.R.URL.Path}
	d.Org, _ = charity.GetOrg(v, pv.Project.Owner)
	disb, err := charity.DisbursementsPage(v, id, p.R.URL.Query().Get("after"))
	if err != nil {
		return nil, err
	}
	d.Disbursements, d.More = disb.Items, disb.Next
	if d.Transfers, err = charity.TransfersOf(v, id); err != nil {
		return nil, err
	}
	if d.Reports, err = charity.ReportsOf(v, id); err != nil {
		return nil, err
	}
	d.DonationsBefore = p.R.URL.Query().Get("donations_before")
	dons, err := charity.RecentDonations(v, id, d.DonationsBefore)
	if errcode.Of(err) == errcode.BadRequest {
		return nil, errcode.New(errcode.BadRequest, "%s", p.T("ch.badcursor"))
	} else if err != nil {
		return nil, err
	}
	d.Donations, d.DonationsNext = dons.Items, dons.Next
	for _, l := range pv.Project.Lines {
		lv := lineView{Line: l}
		if l.BudgetFen > 0 {
			lv.Share = int(l.SpentFen * 100 / l.BudgetFen)
		}
		d.Lines = append(d.Lines, lv)
	}
	d.Chart = chart(pv, p.T)
	return d, nil
}

func (s *chPages) projectPage(p *pages.Page) error {
	d, err := s.loadProject(p, p.R.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title, p.Data = projectTitle(p.T, d.View.Project.Kind, d.View.Project.Title), d
	return s.site.Render(p, "project")
}

// chart draws a project's money as bars: its budget, what it raised
// (money given less refunds, plus transfers in), what its lines spent,
// and what it holds; then each line's spending against its budget.
func chart(pv *charityapi.ProjectView, tr func(string) string) template.HTML {
	const w, label, barH, gap = 640, 150, 22, 10
	type bar struct {
		name        string
		value, full int64
		color       string
		data        bool // named by its owner, not by the page
	}
	top := max(pv.BudgetFen, pv.RaisedFen, pv.SpentFen, 1)
	bars := []bar{
		{tr("ch.budget"), pv.BudgetFen, 0, "#8fa8c8", false},
		{tr("ch.raised"), pv.RaisedFen, 0, "#1b7f3b", false},
		{tr("ch.spent"), pv.SpentFen, 0, "#b3261e", false},
		{tr("ch.balance"), pv.BalanceFen, 0, "#d9a400", false},
	}
	for _, l := range pv.Project.Lines {
		bars = append(bars, bar{l.Code + " " + l.Name, l.SpentFen, l.BudgetFen, "#14304f", true})
	}
	h := len(bars)*(barH+gap) + gap + 14
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="money-chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(tr("ch.chart")))
	scale := func(v int64) int64 { return v * (w - label - 110) / top }
	for i, x := range bars {
		y := gap + i*(barH+gap)
		if i == 4 {
			fmt.Fprintf(&b, `<line x1="0" x2="%d" y1="%d" y2="%d" stroke="#d9e0e7"/>`, w, y-gap/2, y-gap/2)
		}
		mark := ""
		if x.data {
			mark = ` translate="no"` // a budget line as its owner named it
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="12"%s>%s</text>`, y+15, mark, template.HTMLEscapeString(x.name))
		if x.full > 0 { // a line: its budget in light, its spending over it
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#e6ecf3"/>`, label, y, max(scale(x.full), 1), barH)
		}
		fmt.Fprintf(&b, `<rect class="bar" data-fen="%d" x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x.value, label, y, max(scale(x.value), 1), barH, x.color)
		text := "¥" + decimal.FormatYuan(x.value)
		if x.full > 0 {
			text += " / ¥" + decimal.FormatYuan(x.full)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12">%s</text>`, label+max(scale(max(x.value, x.full)), 1)+6, y+15, text)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// stepNode is a trail's step with the steps under it, for the nested
// list of the donor's page.
type stepNode struct {
	charityapi.Step
	Children []*stepNode
}

// stepContext is what the recursive step template sees.
type stepContext struct {
	Node   *stepNode
	Names  names
	Titles map[string]string
}

func tree(steps []charityapi.Step) []*stepNode {
	var roots []*stepNode
	var stack []*stepNode
	for _, s := range steps {
		n := &stepNode{Step: s}
		for len(stack) > s.Depth {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, n)
		} else {
			stack[len(stack)-1].Children = append(stack[len(stack)-1].Children, n)
		}
		stack = append(stack, n)
	}
	return roots
}

type receiptData struct {
	Trail    *charityapi.Trail
	Steps    []*stepNode
	Names    names
	Titles   map[string]string
	ProofURL string
	// Checked is set after the "is this my donation" form: Mine says how
	// it came out.
	Checked, Mine bool
	CheckError    string
}

func (s *chPages) loadReceipt(p *pages.Page) (*receiptData, error) {
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	receipt := p.R.PathValue("receipt")
	tr, err := charity.TrailOf(v, receipt)
	if err != nil {
		return nil, err
	}
	d := &receiptData{Trail: tr, Steps: tree(tr.Steps), Names: s.names(p), Titles: map[string]string{},
		ProofURL: "/charity/receipts/" + url.PathEscape(receipt) + "/proof"}
	for _, st := range tr.Steps {
		if _, ok := d.Titles[st.Project]; !ok {
			if pr, err := charity.GetProject(v, st.Project); err == nil {
				d.Titles[st.Project] = projectTitle(p.T, pr.Kind, pr.Title)
			}
		}
	}
	return d, nil
}

func (s *chPages) receiptPage(p *pages.Page) error {
	d, err := s.loadReceipt(p)
	if err != nil {
		return err
	}
	p.Title, p.Data = p.T("ch.receipttitle")+" "+d.Trail.Donation.Receipt, d
	return s.site.Render(p, "donation")
}

// receiptCheck answers "is this my donation": the identity and receipt
// key given hash to the donor hash on record, or not. Nothing is kept or
// logged.
func (s *chPages) receiptCheck(p *pages.Page) error {
	d, err := s.loadReceipt(p)
	if err != nil {
		return err
	}
	d.Checked = true
	key, err := hex.DecodeString(strings.TrimSpace(p.R.FormValue("key")))
	if err != nil || len(key) != charityapi.ReceiptKeyBytes {
		d.CheckError = p.T("ch.badkey")
	} else {
		d.Mine = charityapi.DonorHash(key, p.R.FormValue("identity")) == d.Trail.Donation.DonorHash
	}
	p.Title, p.Data = p.T("ch.receipttitle")+" "+d.Trail.Donation.Receipt, d
	return s.site.Render(p, "donation")
}

// receiptProof answers the trail's proof bundle as a file.
func (s *chPages) receiptProof(p *pages.Page) error {
	receipt := p.R.PathValue("receipt")
	views := func(h int64) (module.Reader, error) { return s.site.View(h) }
	raw, _, err := trailproof.Build(p.R.Context(), s.site.Prover(), views, s.site.ChainID(), receipt)
	if err != nil {
		return err
	}
	p.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.W.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "trail-"+receipt+".json"))
	_, err = p.W.Write(raw)
	return err
}

func (s *chPages) script(p *pages.Page) error {
	b, err := templates.ReadFile("templates/receipt.js")
	if err != nil {
		return err
	}
	p.W.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	p.W.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = p.W.Write(b)
	return err
}

// The hall.

type hallData struct {
	Org        string
	Registered *charityapi.Org
	Mine       []charityapi.ProjectSummary
	// Paid are the disbursements that paid the organisation, newest
	// first. MineQ and PaidQ are the searches of the two lists,
	// MineAfter and PaidAfter the cursors their pages start after, and
	// MineNext and PaidNext those of the pages after them.
	Paid                       []charityapi.DisbursementView
	MineQ, MineAfter, MineNext string
	PaidQ, PaidAfter, PaidNext string
	Open                       []charityapi.ProjectSummary
	Filed                      []charityapi.ProjectSummary
	Unreg                      []identity.Org
	Pending                    *charityapi.PendingView
	Names                      names
	Channels                   []string
	Kinds                      []string
	Categories                 []string
	Receipt                    *receiptView
	// FormToken names the donation forms of this page: sent twice, a
	// form records one donation.
	FormToken string
	Error     string
}

// receiptView is the receipt a recording party prints for the donor, once:
// the receipt key is kept nowhere else.
type receiptView struct {
	Receipt
	ProjectTitle string
	Org          string
	InKind       bool
	QR           template.HTML
}

// hall is the charity hall; after a donation is recorded it shows its
// receipt, once.
func (s *chPages) hall(p *pages.Page) error {
	if rc, inKind := s.forms.take(p.User.CSRF); rc != nil {
		rv, err := s.receiptView(p, rc, inKind)
		if err != nil {
			return err
		}
		return s.renderHall(p, "", rv)
	}
	return s.renderHall(p, "", nil)
}

func (s *chPages) renderHall(p *pages.Page, errMsg string, rc *receiptView) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	u := p.User
	q := p.R.URL.Query()
	d := &hallData{Org: u.Org, MineQ: strings.TrimSpace(q.Get("q")), MineAfter: q.Get("after"), PaidQ: strings.TrimSpace(q.Get("pq")), PaidAfter: q.Get("pafter"), Names: s.names(p), Channels: charityapi.Channels, Kinds: charityapi.OrgKinds, Categories: charityapi.Categories,
		Receipt: rc, Error: errMsg, FormToken: pages.RandomString()}
	if u.Has(string(charityapi.Charity)) {
		if d.Registered, err = charity.GetOrg(v, u.Org); err == nil {
			d.Mine, d.MineNext, err = charity.OwnProjects(v, u.Org, searchOf(v, d.MineQ), d.MineAfter, charity.FindPage)
			if errcode.Of(err) == errcode.BadRequest {
				return errcode.New(errcode.BadRequest, "%s", p.T("ch.badcursor"))
			} else if err != nil {
				return err
			}
		}
	}
	if u.Has(string(charityapi.Channel)) || u.Has(string(charityapi.Auditor)) || u.Has(string(charityapi.Charity)) {
		open, _, err := projectsWhere(v, charityapi.StatusOpen, "", 0, nil)
		if err != nil {
			return err
		}
		for _, x := range open {
			o, err := charity.GetOrg(v, x.Owner)
			if err != nil {
				continue
			}
			// A channel raises only for charities qualified for public
			// fundraising; auditors and charities see every open project.
			if !u.Has(string(charityapi.Channel)) || o.PublicFundraising || u.Has(string(charityapi.Auditor)) || x.Owner == u.Org {
				d.Open = append(d.Open, x)
			}
		}
	}
	if u.Has(string(charityapi.CivilAffairs)) {
		if d.Filed, _, err = projectsWhere(v, charityapi.StatusFiled, "", 0, nil); err != nil {
			return err
		}
		for _, o := range s.orgsWith(charityapi.Charity) {
			if _, err := charity.GetOrg(v, o.ID); errcode.Of(err) == errcode.NotFound {
				d.Unreg = append(d.Unreg, o)
			}
		}
	}
	if d.Pending, err = charity.PendingFor(v, u.Org); err != nil {
		return err
	}
	d.Paid, d.PaidNext, err = charity.PaidTo(v, u.Org, searchOf(v, d.PaidQ), d.PaidAfter, charity.FindPage)
	if errcode.Of(err) == errcode.BadRequest {
		return errcode.New(errcode.BadRequest, "%s", p.T("ch.badcursor"))
	} else if err != nil {
		return err
	}
	p.Title, p.Data = p.T("ch.hall"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_charity")
}

// parseForm reads a form, multipart or not.
func parseForm(p *pages.Page) error {
	r := p.R
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(p.W, r.Body, maxUpload+1<<20)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return errcode.New(errcode.TooLarge, "%s", p.T("ch.toolarge"))
		}
	}
	return nil
}

// upload stores the files of a form field in the node's blob store and
// returns their names and digests.
func (s *chPages) upload(ctx context.Context, api *client.Client, p *pages.Page, fieldName string) ([]charityapi.FileBody, error) {
	r := p.R
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []charityapi.FileBody
	for _, fh := range r.MultipartForm.File[fieldName] {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		info, err := api.UploadBlob(ctx, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, charityapi.FileBody{Name: filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/")), SHA256: info.SHA256})
	}
	return out, nil
}

func (s *chPages) hallAct(p *pages.Page) error {
	if err := parseForm(p); err != nil {
		return err
	}
	r := p.R
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	api := s.site.API().As(key) // blob uploads are for members
	action := r.FormValue("action")
	fail := func(err error) error { return s.renderHall(p, p.APIError(err), nil) }
	done := func() error {
		p.Done("/hall/charity", p.T("ch.done."+action))
		return nil
	}
	v := func(name string) string { return strings.TrimSpace(r.FormValue(name)) }
	switch action {
	case "register_org":
		_, _, err = client.Send(ctx, api, key, charityapi.RegisterOrg, charityapi.RegisterOrgBody{Org: v("org"), Kind: v("kind"),
			RegistrationNo: strings.ToUpper(v("registration_no")), PublicFundraising: r.FormValue("public_fundraising") == "on"})
	case "file_project":
		b := charityapi.ProjectBody{Title: v("title"), Summary: v("summary"), Sector: v("sector"), Region: v("region"), StartDate: v("start_date"), EndDate: v("end_date")}
		for i := range 6 {
			code := v(fmt.Sprintf("code%d", i))
			if code == "" {
				continue
			}
			fen, perr := decimal.ParseYuan(v(fmt.Sprintf("budget%d", i)))
			if perr != nil {
				return fail(fmt.Errorf("%s: %s", p.T("ch.budget"), p.T("ch.badamount")))
			}
			b.Lines = append(b.Lines, charityapi.LineBody{Code: code, Name: v(fmt.Sprintf("name%d", i)), Category: v(fmt.Sprintf("category%d", i)), BudgetFen: fen})
		}
		var res *charityapi.IDResult
		if res, _, err = client.Send(ctx, api, key, charityapi.FileProject, b); err == nil {
			p.Done("/hall/charity/projects/"+url.PathEscape(res.ID), p.T("ch.done.file_project"))
			return nil
		}
	case "approve_project":
		_, _, err = client.Send(ctx, api, key, charityapi.Approve, charityapi.ApproveBody{Project: v("project"), FilingNo: v("filing_no")})
	case "donate", "donate_in_kind":
		return s.donate(ctx, p, api, key, action)
	case "confirm_grant":
		_, _, err = client.Send(ctx, api, key, charityapi.ConfirmGrant, charityapi.IDBody{ID: v("id")})
	case "accept":
		files, uerr := s.upload(ctx, api, p, "doc")
		if uerr != nil {
			return fail(uerr)
		}
		if len(files) == 0 {
			return fail(fmt.Errorf("%s", p.T("ch.needdoc")))
		}
		_, _, err = client.Send(ctx, api, key, charityapi.Accept, charityapi.AcceptBody{Disbursement: v("id"), DocSHA256: files[0].SHA256, Note: v("note")})
	case "dispute":
		_, _, err = client.Send(ctx, api, key, charityapi.Dispute, charityapi.DisputeBody{Disbursement: v("id"), Reason: v("reason")})
	case "audit":
		files, uerr := s.upload(ctx, api, p, "files")
		if uerr != nil {
			return fail(uerr)
		}
		_, _, err = client.Send(ctx, api, key, charityapi.FileReport, charityapi.ReportBody{Project: v("project"), Kind: charityapi.ReportAudit,
			PeriodFrom: v("period_from"), PeriodTo: v("period_to"), Summary: v("summary"), Files: files})
	default:
		return fail(fmt.Errorf("%s", p.T("ch.unknownaction")))
	}
	if err != nil {
		return fail(err)
	}
	return done()
}

// donate records a donation of money or in kind from the hall's forms
// and sends the browser to the hall, which shows its receipt once. A form
// sent again records nothing.
func (s *chPages) donate(ctx context.Context, p *pages.Page, api *client.Client, key *client.Key, action string) error {
	r := p.R
	v := func(name string) string { return strings.TrimSpace(r.FormValue(name)) }
	fail := func(err error) error { return s.renderHall(p, p.APIError(err), nil) }
	first, end := s.forms.send(ctx, r.FormValue("form"))
	if !first {
		p.Done("/hall/charity#receipt", p.T("ch.sentbefore"))
		return nil
	}
	recorded := false
	defer func() { end(recorded) }()
	var rc *Receipt
	inKind := action == "donate_in_kind"
	if !inKind {
		fen, perr := decimal.ParseYuan(v("amount"))
		if perr != nil {
			return fail(fmt.Errorf("%s: %s", p.T("ch.amount"), p.T("ch.badamount")))
		}
		if strings.TrimSpace(r.FormValue("donor")) == "" {
			return fail(fmt.Errorf("%s", p.T("ch.needdonor")))
		}
		b := charityapi.DonateBody{Project: v("project"), Line: v("line"), AmountFen: fen, Channel: v("channel"), ChannelRef: v("channel_ref"),
			DonorName: v("donor_name"), Message: v("message")}
		if org, ok := strings.CutPrefix(b.Project, charityapi.GeneralFundPrefix); ok {
			b.Project, b.Org = "", org
		}
		var err error
		if rc, err = Donate(ctx, api, key, b, r.FormValue("donor"), s.site.PublicURL("")); err != nil {
			recorded = !nothingRecorded(err)
			return fail(err)
		}
		recorded = true
	} else {
		qty, qerr := strconv.ParseInt(v("quantity"), 10, 64)
		if qerr != nil {
			return fail(fmt.Errorf("%s", p.T("ch.badquantity")))
		}
		fen, perr := decimal.ParseYuan(v("value"))
		if perr != nil {
			return fail(fmt.Errorf("%s: %s", p.T("ch.value"), p.T("ch.badamount")))
		}
		if strings.TrimSpace(r.FormValue("donor")) == "" {
			return fail(fmt.Errorf("%s", p.T("ch.needdonor")))
		}
		salt, kerr := NewReceiptKey()
		if kerr != nil {
			return kerr
		}
		b := charityapi.InKindBody{Project: v("project"), DonorName: v("donor_name"), Message: v("message"), DonorHash: charityapi.DonorHash(salt, r.FormValue("donor")),
			Items: []charityapi.ItemBody{{Name: v("item"), Quantity: qty, Unit: v("unit"), ValueFen: fen}}}
		if org, ok := strings.CutPrefix(b.Project, charityapi.GeneralFundPrefix); ok {
			b.Project, b.Org = "", org
		}
		res, _, serr := client.Send(ctx, api, key, charityapi.DonateInKind, b)
		if serr != nil {
			recorded = !nothingRecorded(serr)
			return fail(serr)
		}
		recorded = true
		rc = &Receipt{Receipt: res.Receipt, Project: res.Project, AmountFen: fen, Key: hex.EncodeToString(salt),
			URL: ReceiptURL(s.site.PublicURL(""), res.Receipt, salt)}
	}
	if s.forms.hold(p.User.CSRF, rc, inKind) {
		p.Done("/hall/charity#receipt", p.T("ch.done."+action))
		return nil
	}
	// No room to hold the receipt for the next page: it is shown on this
	// answer, the only one that has its key.
	rv, err := s.receiptView(p, rc, inKind)
	if err != nil {
		return err
	}
	p.Notice = p.T("ch.done." + action)
	return s.renderHall(p, "", rv)
}

// receiptView is a new receipt as the hall prints it for the donor.
func (s *chPages) receiptView(p *pages.Page, rc *Receipt, inKind bool) (*receiptView, error) {
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	rv := &receiptView{Receipt: *rc, InKind: inKind}
	if pr, err := charity.GetProject(v, rc.Project); err == nil {
		rv.ProjectTitle, rv.Org = projectTitle(p.T, pr.Kind, pr.Title), pr.Owner
	}
	svg, err := qrcode.SVG(rc.URL, 180)
	if err != nil {
		return nil, err
	}
	rv.QR = template.HTML(svg)
	return rv, nil
}

type hallProjectData struct {
	*projectData
	Owner     bool
	Targets   []charityapi.ProjectSummary
	Suppliers []identity.Org
	Schools   []identity.Org
	// HandOn lists the items of the project's newest in-kind donations
	// that are not all handed on yet (handOnScan donations back).
	HandOn []handOnItem
	Kinds  []string
	Error  string
}

func (s *chPages) hallProject(p *pages.Page) error {
	return s.renderProject(p, p.R.PathValue("id"), "")
}

func (s *chPages) renderProject(p *pages.Page, id, errMsg string) error {
	pd, err := s.loadProject(p, id)
	if err != nil {
		return err
	}
	d := &hallProjectData{projectData: pd, Owner: pd.View.Project.Owner == p.User.Org, Suppliers: s.orgsWith(role.Supplier, charityapi.Beneficiary),
		Schools: s.orgsWith(charityapi.Beneficiary), Kinds: charityapi.ReportKinds[:2], Error: errMsg}
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	if d.Targets, _, err = projectsWhere(v, charityapi.StatusOpen, "", 0, func(x *charityapi.ProjectSummary) bool { return x.ID != id }); err != nil {
		return err
	}
	if d.HandOn, err = handOnItems(v, id); err != nil {
		return err
	}
	p.Title, p.Data = projectTitle(p.T, pd.View.Project.Kind, pd.View.Project.Title), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_project")
}

// handOnScan is how many of a project's newest donations the hand-on
// form looks through for in-kind items still to hand on; an older one is
// named by its receipt number in the form.
const handOnScan = 10 * charity.PageSize

// handOnItem is one item of an in-kind donation that is not all handed
// on: Value names the receipt and the item's index for the form.
type handOnItem struct {
	Value, Receipt, Name, Unit string
	Distributed, Quantity      int64
}

// handOnItems lists the items still to hand on of the project's newest
// in-kind donations, newest first.
func handOnItems(v module.Reader, project string) ([]handOnItem, error) {
	var out []handOnItem
	before := ""
	for seen := 0; seen < handOnScan; {
		pg, err := charity.RecentDonations(v, project, before)
		if err != nil {
			return nil, err
		}
		for _, dn := range pg.Items {
			if dn.Kind != charityapi.DonationInKind {
				continue
			}
			for i, it := range dn.Items {
				if it.Distributed < it.Quantity {
					out = append(out, handOnItem{Value: handOnValue(dn.Receipt, i), Receipt: dn.Receipt, Name: it.Name, Unit: it.Unit,
						Distributed: it.Distributed, Quantity: it.Quantity})
				}
			}
		}
		seen += len(pg.Items)
		if pg.Next == "" || len(pg.Items) == 0 {
			break
		}
		before = pg.Next
	}
	return out, nil
}

// handOnValue is a hand-on option's value: the receipt, a space and the
// item's index (receipt numbers hold no space).
func handOnValue(receipt string, item int) string { return receipt + " " + strconv.Itoa(item) }

// handOnTarget is the receipt and item index the hand-on form names: the
// receipt number typed in, with its item number (from 1), or else the
// item chosen in the list.
func handOnTarget(t func(string) string, chosen, typed, itemNo string) (string, int, error) {
	if typed = strings.TrimSpace(typed); typed != "" {
		n := 1
		if itemNo = strings.TrimSpace(itemNo); itemNo != "" {
			var err error
			if n, err = strconv.Atoi(itemNo); err != nil || n < 1 {
				return "", 0, fmt.Errorf("%s", t("ch.baditemno"))
			}
		}
		return typed, n - 1, nil
	}
	receipt, idx, ok := strings.Cut(chosen, " ")
	i, err := strconv.Atoi(idx)
	if !ok || receipt == "" || err != nil || i < 0 {
		return "", 0, fmt.Errorf("%s", t("ch.nohandon"))
	}
	return receipt, i, nil
}

func (s *chPages) hallProjectAct(p *pages.Page) error {
	if err := parseForm(p); err != nil {
		return err
	}
	r := p.R
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	id := r.PathValue("id")
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	api := s.site.API().As(key) // blob uploads are for members
	action := r.FormValue("action")
	v := func(name string) string { return strings.TrimSpace(r.FormValue(name)) }
	fail := func(err error) error { return s.renderProject(p, id, p.APIError(err)) }
	amount := func() (int64, error) {
		fen, err := decimal.ParseYuan(v("amount"))
		if err != nil {
			return 0, fmt.Errorf("%s: %s", p.T("ch.amount"), p.T("ch.badamount"))
		}
		return fen, nil
	}
	switch action {
	case "disburse":
		fen, aerr := amount()
		if aerr != nil {
			return fail(aerr)
		}
		inv, uerr := s.upload(ctx, api, p, "invoice")
		if uerr != nil {
			return fail(uerr)
		}
		if len(inv) == 0 {
			return fail(fmt.Errorf("%s", p.T("ch.needinvoice")))
		}
		docs, uerr := s.upload(ctx, api, p, "docs")
		if uerr != nil {
			return fail(uerr)
		}
		b := charityapi.DisburseBody{Project: id, Line: v("line"), AmountFen: fen, Payee: v("payee"), Beneficiary: v("beneficiary"),
			Purpose: v("purpose"), InvoiceSHA256: inv[0].SHA256}
		for _, d := range docs {
			b.DocHashes = append(b.DocHashes, d.SHA256)
		}
		_, _, err = client.Send(ctx, api, key, charityapi.Disburse, b)
	case "grant":
		fen, aerr := amount()
		if aerr != nil {
			return fail(aerr)
		}
		_, _, err = client.Send(ctx, api, key, charityapi.Grant, charityapi.GrantBody{From: id, Line: v("line"), To: v("to"), ToLine: v("to_line"),
			AmountFen: fen, Purpose: v("purpose")})
	case "distribute":
		qty, qerr := strconv.ParseInt(v("quantity"), 10, 64)
		if qerr != nil {
			return fail(fmt.Errorf("%s", p.T("ch.badquantity")))
		}
		receipt, item, terr := handOnTarget(p.T, v("receipt"), v("receipt_no"), v("item_no"))
		if terr != nil {
			return fail(terr)
		}
		_, _, err = client.Send(ctx, api, key, charityapi.Distribute, charityapi.DistributeBody{Receipt: receipt, Item: item, Quantity: qty,
			Beneficiary: v("beneficiary"), Purpose: v("purpose")})
	case "refund":
		fen, aerr := amount()
		if aerr != nil {
			return fail(aerr)
		}
		_, _, err = client.Send(ctx, api, key, charityapi.RefundDonation, charityapi.RefundBody{Receipt: v("receipt"), AmountFen: fen, Reason: v("reason")})
	case "file_report":
		files, uerr := s.upload(ctx, api, p, "files")
		if uerr != nil {
			return fail(uerr)
		}
		_, _, err = client.Send(ctx, api, key, charityapi.FileReport, charityapi.ReportBody{Project: id, Kind: v("kind"), PeriodFrom: v("period_from"),
			PeriodTo: v("period_to"), Summary: v("summary"), Files: files})
	case "close_project":
		_, _, err = client.Send(ctx, api, key, charityapi.Close, charityapi.CloseBody{Project: id, BalanceTo: v("balance_to"), Reason: v("reason")})
	default:
		return fail(fmt.Errorf("%s", p.T("ch.unknownaction")))
	}
	if err != nil {
		return fail(err)
	}
	p.Done("/hall/charity/projects/"+url.PathEscape(id), p.T("ch.done."+action))
	return nil
}

type oversightData struct {
	View  *charityapi.Oversight
	Names names
}

func (s *chPages) oversight(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	date, err := chainDate(p.R.Context(), s.site)
	if err != nil {
		return err
	}
	o, err := charity.Oversight(v, date)
	if err != nil {
		return err
	}
	p.Title, p.Data = p.T("ch.oversight"), oversightData{View: o, Names: s.names(p)}
	return s.site.Render(p, "oversight")
}
