package receivableplug

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

//go:embed templates/*.html
var templates embed.FS

// recvPages are the module's hall pages: the receivables an organisation
// holds, issues, finances or oversees, and each receivable with its
// lineage and the actions its viewer may take.
type recvPages struct{ site pages.Site }

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Templates:   sub,
		Messages:    pages.Merge(messages, dashMessages),
		Dashboard:   dashboard,
		Title:       title,
		Actions:     actionNames,
		Enums:       enums,
		Reasons:     reasons,
		ReasonWords: reasonWords,
		Funcs:       template.FuncMap{"yuan": decimal.FormatYuan, "percent": formatBP, "sub": func(a, b int64) int64 { return a - b }},
		Hall:        []pages.Link{{Path: "/hall/receivables", Key: "hr.title"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &recvPages{site: site}
			r.SignedIn("GET /hall/receivables", s.hallReceivables)
			r.SignedIn("GET /hall/receivables/find", s.hallFind)
			r.SignedIn("GET /hall/receivables/{id}", s.hallReceivable)
			r.SignedIn("GET /hall/receivables/{id}/certificate", s.hallCertificate)
			r.SignedInUpload("POST /hall/receivables/act", maxActUpload, s.hallReceivableAct)
		},
	}
}

type hallReceivablesData struct {
	Today     string
	Portfolio *receivable.PortfolioView
	// Held and Incoming are the first pages of the leaves the
	// organisation holds and of those waiting for its acceptance, newest
	// first; HeldNext and IncomingNext the cursors of the pages after.
	Held, Incoming         []receivable.Holding
	HeldNext, IncomingNext string
	Obligor                *receivable.ObligorView
	Book                   *receivable.BookView
	// Confirmations are the confirmation requests standing for a bank.
	Confirmations *receivable.ConfirmationsView
	Overview      *receivable.OverviewView
	// Lines are the credit lines a bank set.
	Lines []receivable.CreditLine
	Orgs  []identity.Org
	// Payees are the suppliers a receivable may be issued to (not the
	// viewer); Obligors the core enterprises a credit line may be for.
	Payees, Obligors []identity.Org
	Message          string
	Error            string
}

func (s *recvPages) hallReceivables(p *pages.Page) error {
	r := p.R
	return s.renderReceivables(p, r, "", "")
}

func (s *recvPages) renderReceivables(p *pages.Page, r *http.Request, msg, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	today, err := today(r.Context(), s.site)
	if err != nil {
		return err
	}
	d := &hallReceivablesData{Today: today, Message: msg, Error: errMsg}
	org := p.User.Org
	if d.Portfolio, err = receivable.Portfolio(v, org, today); err != nil {
		return err
	}
	if d.Held, d.HeldNext, err = receivable.Find(v, org, receivable.InHeld, nil, "", receivable.FindPage, today); err != nil {
		return err
	}
	if d.Incoming, d.IncomingNext, err = receivable.Find(v, org, receivable.InIncoming, nil, "", receivable.FindPage, today); err != nil {
		return err
	}
	if p.User.Has(string(receivableapi.CoreEnterprise)) {
		if d.Obligor, err = receivable.ObligorOutstanding(v, org, today); err != nil {
			return err
		}
	}
	if p.User.Has(string(role.Bank)) {
		if d.Book, err = receivable.FinancedBook(v, org, today); err != nil {
			return err
		}
		if d.Confirmations, err = receivable.Confirmations(v, org, today); err != nil {
			return err
		}
		if d.Lines, err = receivable.CreditLinesSetBy(v, org); err != nil {
			return err
		}
	}
	if receivable.MayReadOverview(p.User.Caller()) {
		if d.Overview, err = receivable.RegulatorOverview(v, today); err != nil {
			return err
		}
	}
	d.Orgs, _ = s.site.Orgs()
	for _, o := range d.Orgs {
		if slices.Contains(o.Roles, role.Supplier) && o.ID != org {
			d.Payees = append(d.Payees, o)
		}
		if slices.Contains(o.Roles, receivableapi.CoreEnterprise) {
			d.Obligors = append(d.Obligors, o)
		}
	}
	p.Title = p.T("hr.title")
	p.Data = d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_receivables")
}

type findData struct {
	Today  string
	Search string
	In     string
	After  string
	Lists  []string
	Items  []receivable.Holding
	Next   string
	All    bool // an overseer finds every receivable
}

// hallFind searches and pages through the receivables the organisation
// is party to (every receivable for those who oversee), newest first.
func (s *recvPages) hallFind(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	today, err := today(p.R.Context(), s.site)
	if err != nil {
		return err
	}
	q := p.R.URL.Query()
	d := &findData{Today: today, Search: strings.TrimSpace(q.Get("q")), In: q.Get("in"), Lists: receivable.FindLists}
	org := p.User.Org
	if p.User.Caller().Oversees() && d.In == "" {
		org, d.All = "", true
	}
	after := q.Get("after")
	d.After = after
	if after != "" && !receivable.IsID(after) {
		return errcode.New(errcode.BadRequest, "%s", p.T("hf.badcursor"))
	}
	if d.In != "" && !slices.Contains(receivable.FindLists, d.In) {
		d.In = ""
	}
	if d.Items, d.Next, err = receivable.Find(v, org, d.In, searchOf(v, d.Search), after, receivable.FindPage, today); err != nil {
		return err
	}
	p.Title, p.Data = p.T("hf.title"), d
	return s.site.Render(p, "hall_receivables_find")
}

type hallReceivableData struct {
	Today      string
	Receivable *receivable.Receivable
	// Invoice is the registration of a root's invoice, when the viewer
	// may read it.
	Invoice *receivable.Invoice
	Status  string
	Log     []receivable.LogEntry
	Lineage *receivable.LineageView
	Tree    template.HTML
	Orgs    []identity.Org
	// Banks are the organisations a confirmation may be asked of: banks
	// other than the receivable's holder and obligor.
	Banks []identity.Org
	// AskedBy is the organisation that made the standing confirmation
	// request, if any.
	AskedBy string
	// Financing is the terms of the pending request or approved
	// financing, from its log entry.
	Financing *receivableapi.Financing
	Message   string
	Error     string
}

func (s *recvPages) hallReceivable(p *pages.Page) error {
	r := p.R
	return s.renderReceivable(p, r, r.PathValue("id"), "", "")
}

func (s *recvPages) renderReceivable(p *pages.Page, r *http.Request, id, msg, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	today, err := today(r.Context(), s.site)
	if err != nil {
		return err
	}
	// Only the organisations on the receivable's lineage, and those who
	// oversee, see it (the rule the API and the state endpoints apply).
	if ok, err := receivable.MayReadReceivable(v, id, p.User.Caller()); err != nil {
		return err
	} else if !ok && receivable.IsID(id) {
		return errcode.New(errcode.Unauthorized, "%s", p.T("hr.notparty"))
	}
	rc, err := receivable.GetReceivable(v, id)
	if err != nil {
		return err
	}
	d := &hallReceivableData{Today: today, Receivable: rc, Status: receivable.EffectiveStatus(rc, today), Message: msg, Error: errMsg}
	if d.Log, err = receivable.Log(v, id); err != nil {
		return err
	}
	if d.Lineage, err = receivable.Lineage(v, id, today); err != nil {
		return err
	}
	names := map[string]string{}
	if orgs, err := s.site.Orgs(); err == nil {
		for _, o := range orgs {
			names[o.ID] = o.Name
			if p.Lang == pages.EN && o.NameEN != "" {
				names[o.ID] = o.NameEN
			}
		}
	}
	d.Tree = lineageSVG(d.Lineage, id, p.T, func(org string) string {
		if n, ok := names[org]; ok {
			return n
		}
		return org
	})
	if t := rc.Trade; t != nil {
		if ok, err := receivable.MayReadInvoice(v, t.InvoiceSeller, t.InvoiceNo, p.User.Caller()); err != nil {
			return err
		} else if ok {
			if d.Invoice, err = receivable.GetInvoice(v, t.InvoiceSeller, t.InvoiceNo); errcode.Of(err) == errcode.NotFound {
				d.Invoice = nil
			} else if err != nil {
				return err
			}
		}
	}
	orgs, _ := s.site.Orgs()
	for _, o := range orgs {
		// A part goes to a supplier or a bank (what the chain accepts).
		if slices.Contains(o.Roles, role.Supplier) || slices.Contains(o.Roles, role.Bank) {
			d.Orgs = append(d.Orgs, o)
		}
	}
	for _, o := range orgs {
		if slices.Contains(o.Roles, role.Bank) && o.ID != rc.Holder && o.ID != rc.Obligor {
			d.Banks = append(d.Banks, o)
		}
	}
	if rc.FinancingSeq > 0 && int(rc.FinancingSeq) <= len(d.Log) {
		d.Financing = d.Log[rc.FinancingSeq-1].Financing
	}
	if rc.ConfirmationBank != "" && int(rc.ConfirmationSeq) <= len(d.Log) {
		d.AskedBy = d.Log[rc.ConfirmationSeq-1].By.Org
	}
	p.Title = p.T("hr.receivable") + " " + id
	p.Data = d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_receivable")
}

// hallCertificate downloads the proof bundle of a receivable's record,
// the file `dengta verify --bundle` reads, for the organisations on its
// lineage and those who oversee.
func (s *recvPages) hallCertificate(p *pages.Page) error {
	id := p.R.PathValue("id")
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	if ok, err := receivable.MayReadReceivable(v, id, p.User.Caller()); err != nil {
		return err
	} else if !ok {
		if !receivable.IsID(id) {
			return errcode.New(errcode.NotFound, "no receivable %q", id)
		}
		return errcode.New(errcode.Unauthorized, "%s", p.T("hr.notparty"))
	}
	b, err := s.site.Prover().Bundle(p.R.Context(), receivable.ReceivableKey(id), 0)
	if err != nil {
		return err
	}
	if !b.Exists() {
		return errcode.New(errcode.NotFound, "no receivable %q", id)
	}
	raw, err := b.Marshal()
	if err != nil {
		return err
	}
	p.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.W.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "certificate-"+id+".json"))
	_, err = p.W.Write(raw)
	return err
}

// lineageSVG draws a receivable tree left to right: the root on the left,
// each split's parts to its right, leaves one per row.
func lineageSVG(lv *receivable.LineageView, current string, tr func(string) string, name func(org string) string) template.HTML {
	const colW, rowH, boxW, boxH = 230, 78, 210, 66
	children := map[string][]string{}
	byID := map[string]receivable.LineageNode{}
	root := ""
	for _, n := range lv.Nodes {
		byID[n.ID] = n
		if n.ParentID == "" {
			root = n.ID
		} else {
			children[n.ParentID] = append(children[n.ParentID], n.ID)
		}
	}
	// Children in the order the split made them.
	for id, n := range byID {
		if len(n.Children) > 0 {
			children[id] = n.Children
		}
	}
	y := map[string]float64{}
	row := 0
	var place func(id string) float64
	place = func(id string) float64 {
		kids := children[id]
		if len(kids) == 0 {
			y[id] = float64(row)
			row++
			return y[id]
		}
		sum := 0.0
		for _, k := range kids {
			sum += place(k)
		}
		y[id] = sum / float64(len(kids))
		return y[id]
	}
	if root == "" {
		return ""
	}
	place(root)
	maxDepth := 0
	for _, n := range lv.Nodes {
		maxDepth = max(maxDepth, n.Depth)
	}
	w, h := (maxDepth+1)*colW+10, row*rowH+10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="tree" viewBox="0 0 %d %d" width="%d" role="img" aria-label="%s">`, w, h, w, template.HTMLEscapeString(tr("hr.lineage")))
	for _, n := range lv.Nodes {
		if n.ParentID == "" {
			continue
		}
		p := byID[n.ParentID]
		fmt.Fprintf(&b, `<path d="M%d %.0f C%d %.0f %d %.0f %d %.0f" fill="none" stroke="#8899aa"/>`,
			p.Depth*colW+5+boxW, y[p.ID]*rowH+5+boxH/2, p.Depth*colW+5+boxW+10, y[p.ID]*rowH+5+boxH/2,
			n.Depth*colW-5, y[n.ID]*rowH+5+boxH/2, n.Depth*colW+5, y[n.ID]*rowH+5+boxH/2)
	}
	for _, n := range lv.Nodes {
		x, yy := n.Depth*colW+5, y[n.ID]*rowH+5
		fill, stroke := "#fff", "#14304f"
		switch {
		case n.Frozen || n.LockedBy != "":
			fill = "#e8eefc"
		case n.Status == "settled":
			fill = "#e6f4ea"
		case n.Status == "overdue":
			fill = "#fce8e6"
		case n.Status == "pending_acceptance":
			fill = "#fff8e1"
		}
		if n.ID == current {
			stroke = "#b3261e"
		}
		// The holder has the box's second line to itself; the whole
		// names are in the box's title (a tooltip, and what a screen
		// reader says).
		full, holder := name(n.Holder), shortName(name(n.Holder), holderWidth)
		if n.PendingHolder != "" {
			full += " → " + name(n.PendingHolder)
			holder = shortName(name(n.Holder), holderWidth/2-1) + " → " + shortName(name(n.PendingHolder), holderWidth/2-1)
		}
		status := tr("rcstatus." + n.Status)
		fmt.Fprintf(&b, `<a href="/hall/receivables/%s"><title>%s</title><rect x="%d" y="%.0f" width="%d" height="%d" rx="6" fill="%s" stroke="%s"/>`,
			url.PathEscape(n.ID), template.HTMLEscapeString(fmt.Sprintf("%s · ¥%s · %s · %s", n.ID, decimal.FormatYuan(n.FaceFen), full, status)), x, yy, boxW, boxH, fill, stroke)
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="12" font-weight="600">¥%s</text>`, x+8, yy+17, decimal.FormatYuan(n.FaceFen))
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="11">%s</text>`, x+8, yy+31, template.HTMLEscapeString(holder))
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="11" fill="#5b6b7b">%s</text>`, x+8, yy+45, template.HTMLEscapeString(shortName(status, holderWidth)))
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="10" fill="#5b6b7b">%s</text></a>`, x+8, yy+59, template.HTMLEscapeString(n.ID))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// maxActUpload bounds a receivable action's form: the invoice and the
// delivery documents.
const maxActUpload = 32 << 20

// hallReceivableAct signs one receivable action from a form and submits it
// through the API with the user's key.
func (s *recvPages) hallReceivableAct(p *pages.Page) error {
	r := p.R
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	action := r.FormValue("action")
	id := strings.TrimSpace(r.FormValue("id"))
	back := func(msg, errMsg string) error {
		if id != "" && action != "issue" {
			if errMsg != "" {
				return s.renderReceivable(p, r, id, "", errMsg)
			}
			p.Done("/hall/receivables/"+url.PathEscape(id), msg)
			return nil
		}
		if errMsg != "" {
			return s.renderReceivables(p, r, "", errMsg)
		}
		p.Done("/hall/receivables", msg)
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	body, err := s.receivableBody(ctx, p, r, action, id)
	if err != nil {
		return back("", err.Error())
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	rec, err := s.site.API().Do(ctx, key, receivableapi.Name, action, body)
	if err != nil {
		return back("", p.APIError(err))
	}
	if action == receivableapi.Issue.Name {
		// Show the new receivable's page.
		var res receivableapi.StatusResult
		if json.Unmarshal(rec.Result, &res) == nil && res.ID != "" {
			id = res.ID
		}
	}
	return back(p.T("hr.done")+" "+p.T("rcaction."+action), "")
}

// holderWidth is what a box of the lineage tree holds of a name on one
// line, in halves of a Chinese character (about the width of a Latin
// letter at the tree's size).
const holderWidth = 32

// shortName fits an organisation's name in width halves of a Chinese
// character (shortNameUnits), cut with "…" when it is longer.
func shortName(s string, width int) string {
	if shortNameUnits(s) <= width {
		return s
	}
	used := 0
	for i, r := range s {
		u := runeUnits(r)
		if used+u > width-1 {
			return s[:i] + "…"
		}
		used += u
	}
	return s
}

func shortNameUnits(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

// runeUnits: a wide (CJK) character takes two, any other one.
func runeUnits(r rune) int {
	if r >= 0x1100 && (r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF || r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F || r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6) {
		return 2
	}
	return 1
}

// receivableBody builds an action's body from the form; amounts are yuan.
func (s *recvPages) receivableBody(ctx context.Context, p *pages.Page, r *http.Request, action, id string) (any, error) {
	fen := func(field string) (int64, error) {
		v, err := decimal.ParseYuan(r.FormValue(field))
		if err != nil {
			return 0, fmt.Errorf("%s: %s", p.T("hr.amount"), p.T("hr.badamount"))
		}
		return v, nil
	}
	switch action {
	case "accept", "cancel", "confirm", "approve_financing", "decline_financing", "withdraw_confirmation":
		return receivableapi.IDBody{ID: id}, nil
	case "reject", "freeze", "unfreeze", "decline_confirmation":
		return receivableapi.ReasonBody{ID: id, Reason: strings.TrimSpace(r.FormValue("reason"))}, nil
	case "request_confirmation":
		return receivableapi.ConfirmationBody{ID: id, Bank: r.FormValue("bank")}, nil
	case "unfreeze_by_decision":
		pid, err := strconv.ParseUint(strings.TrimSpace(r.FormValue("proposal_id")), 10, 64)
		if err != nil || pid == 0 {
			return nil, fmt.Errorf("%s", p.T("hr.badproposal"))
		}
		return receivableapi.DecisionBody{ID: id, ProposalID: pid, Reason: strings.TrimSpace(r.FormValue("reason"))}, nil
	case "set_credit_line":
		limit, err := fen("limit")
		if err != nil {
			return nil, err
		}
		return receivableapi.CreditBody{Obligor: r.FormValue("obligor"), LimitFen: &limit}, nil
	case "settle":
		amount, err := fen("amount")
		if err != nil {
			return nil, err
		}
		return receivableapi.SettleBody{ID: id, AmountFen: amount}, nil
	case "split_transfer":
		var parts []receivableapi.PartBody
		for i := 0; i < 10; i++ {
			to := r.FormValue(fmt.Sprintf("to%d", i))
			if to == "" {
				continue
			}
			amount, err := fen(fmt.Sprintf("amount%d", i))
			if err != nil {
				return nil, err
			}
			parts = append(parts, receivableapi.PartBody{To: to, AmountFen: amount})
		}
		return receivableapi.SplitBody{ID: id, Parts: parts}, nil
	case "request_financing":
		rate, err := parsePercent(r.FormValue("rate"))
		if err != nil {
			return nil, fmt.Errorf("%s", p.T("hr.badrate"))
		}
		fee, err := fen("fee")
		if err != nil {
			return nil, err
		}
		recourse := r.FormValue("recourse") == "on"
		return receivableapi.FinancingBody{ID: id, Bank: r.FormValue("bank"), RateBP: &rate, FeeFen: &fee, Recourse: &recourse}, nil
	case "issue":
		face, err := fen("face")
		if err != nil {
			return nil, err
		}
		invAmount, err := fen("invoice_amount")
		if err != nil {
			return nil, err
		}
		// The invoice and delivery documents go to the node's blob store;
		// only their SHA-256 digests go on chain.
		invoice, err := httpapi.FormFile(r, "invoice_file", 16<<20)
		if err != nil || invoice == nil {
			return nil, fmt.Errorf("%s", p.T("hr.needinvoice"))
		}
		key, err := s.site.Signer(p)
		if err != nil {
			return nil, err
		}
		uploads := s.site.API().As(key) // blob uploads are for members
		info, err := uploads.UploadBlob(ctx, bytes.NewReader(invoice))
		if err != nil {
			return nil, err
		}
		docs := []string{}
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File["delivery_files"] {
				f, err := fh.Open()
				if err != nil {
					return nil, err
				}
				di, err := uploads.UploadBlob(ctx, f)
				f.Close()
				if err != nil {
					return nil, err
				}
				docs = append(docs, di.SHA256)
			}
		}
		if len(docs) == 0 {
			return nil, fmt.Errorf("%s", p.T("hr.needdelivery"))
		}
		return receivableapi.IssueBody{To: r.FormValue("to"), FaceFen: face, MaturityDate: r.FormValue("maturity"),
			Trade: &receivableapi.TradeBody{ContractNo: strings.TrimSpace(r.FormValue("contract_no")), InvoiceNo: strings.TrimSpace(r.FormValue("invoice_no")),
				InvoiceAmountFen: invAmount, InvoiceSHA256: info.SHA256, DeliveryDocHashes: docs}}, nil
	}
	return nil, fmt.Errorf("%s", p.T("hr.unknownaction"))
}

// formatBP shows basis points as a percentage: 365 is 3.65%.
func formatBP(bp int) string {
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// parsePercent reads a percentage with at most two decimals ("3.65",
// "3.65%", "4") as basis points, without floats.
func parsePercent(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (dot && frac == "") {
		return 0, fmt.Errorf("rate %q: a percentage with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || w > 100 {
		return 0, fmt.Errorf("rate %q: a percentage from 0 to 100", s)
	}
	f, err := strconv.Atoi(frac)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("rate %q: a percentage with at most two decimals", s)
	}
	return w*100 + f, nil
}
