package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/modules/receivable"
	"github.com/dengta-chain/dengta/internal/role"
)

func init() {
	hallLinks = append(hallLinks, hallLink{"/hall/receivables", "hr.title"})
	funcs["yuan"] = formatFen
	funcs["hasRole"] = func(u *hallUser, r string) bool {
		return u != nil && u.OrgInfo != nil && role.Any(u.OrgInfo.Roles, []role.Role{role.Role(r)})
	}
}

func (s *Server) hallReceivableRoutes() {
	s.mux.HandleFunc("GET /hall/receivables", s.wrap(s.signedIn(s.hallReceivables)))
	s.mux.HandleFunc("GET /hall/receivables/{id}", s.wrap(s.signedIn(s.hallReceivable)))
	s.mux.HandleFunc("POST /hall/receivables/act", s.wrap(s.signedIn(s.hallReceivableAct)))
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// today is the date of the latest block, China Standard Time.
func (s *Server) today(r *http.Request) (string, error) {
	st, err := s.api().Status(r.Context())
	if err != nil {
		return "", err
	}
	return st.BlockTime.In(chinaTime).Format("2006-01-02"), nil
}

type hallReceivablesData struct {
	Today     string
	Portfolio *receivable.PortfolioView
	Obligor   *receivable.ObligorView
	Book      *receivable.BookView
	Overview  *receivable.OverviewView
	Orgs      []identity.Org
	Message   string
	Error     string
}

func (s *Server) hallReceivables(p *page, r *http.Request) error {
	return s.renderReceivables(p, r, r.URL.Query().Get("msg"), "")
}

func (s *Server) renderReceivables(p *page, r *http.Request, msg, errMsg string) error {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	today, err := s.today(r)
	if err != nil {
		return err
	}
	d := &hallReceivablesData{Today: today, Message: msg, Error: errMsg}
	org := p.User.Org
	if d.Portfolio, err = receivable.Portfolio(v, org, today); err != nil {
		return err
	}
	roles := []role.Role{}
	if p.User.OrgInfo != nil {
		roles = p.User.OrgInfo.Roles
	}
	if role.Any(roles, []role.Role{role.CoreEnterprise}) {
		if d.Obligor, err = receivable.ObligorOutstanding(v, org, today); err != nil {
			return err
		}
	}
	if role.Any(roles, []role.Role{role.Bank}) {
		if d.Book, err = receivable.FinancedBook(v, org, today); err != nil {
			return err
		}
	}
	if role.Any(roles, []role.Role{role.Regulator}) {
		if d.Overview, err = receivable.RegulatorOverview(v, today); err != nil {
			return err
		}
	}
	_ = v.Iterate(identity.OrgPrefix(), nil, func(_, val []byte) bool {
		var o identity.Org
		if jsonUnmarshal(val, &o) == nil && o.Active {
			d.Orgs = append(d.Orgs, o)
		}
		return true
	})
	p.Title = T(p.Lang, "hr.title")
	p.Data = d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.render(p, "hall_receivables")
}

type hallReceivableData struct {
	Today      string
	Receivable *receivable.Receivable
	Status     string
	Log        []receivable.LogEntry
	Lineage    *receivable.LineageView
	Tree       template.HTML
	Orgs       []identity.Org
	Message    string
	Error      string
}

func (s *Server) hallReceivable(p *page, r *http.Request) error {
	return s.renderReceivable(p, r, r.PathValue("id"), r.URL.Query().Get("msg"), "")
}

func (s *Server) renderReceivable(p *page, r *http.Request, id, msg, errMsg string) error {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	today, err := s.today(r)
	if err != nil {
		return err
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
	d.Tree = lineageSVG(d.Lineage, id, p.Lang)
	_ = v.Iterate(identity.OrgPrefix(), nil, func(_, val []byte) bool {
		var o identity.Org
		if jsonUnmarshal(val, &o) == nil && o.Active {
			d.Orgs = append(d.Orgs, o)
		}
		return true
	})
	p.Title = T(p.Lang, "hr.receivable") + " " + id
	p.Data = d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.render(p, "hall_receivable")
}

// lineageSVG draws a receivable tree left to right: the root on the left,
// each split's parts to its right, leaves one per row.
func lineageSVG(lv *receivable.LineageView, current string, lang Lang) template.HTML {
	const colW, rowH, boxW, boxH = 230, 64, 210, 52
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
	fmt.Fprintf(&b, `<svg class="tree" viewBox="0 0 %d %d" width="%d" role="img" aria-label="%s">`, w, h, w, template.HTMLEscapeString(T(lang, "hr.lineage")))
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
		holder := n.Holder
		if n.PendingHolder != "" {
			holder += " → " + n.PendingHolder
		}
		fmt.Fprintf(&b, `<a href="/hall/receivables/%s"><rect x="%d" y="%.0f" width="%d" height="%d" rx="6" fill="%s" stroke="%s"/>`,
			url.PathEscape(n.ID), x, yy, boxW, boxH, fill, stroke)
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="12" font-weight="600">¥%s</text>`, x+8, yy+18, formatFen(n.FaceFen))
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="11">%s · %s</text>`, x+8, yy+33, template.HTMLEscapeString(holder), template.HTMLEscapeString(T(lang, "rcstatus."+n.Status)))
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-size="10" fill="#5b6b7b">%s</text></a>`, x+8, yy+46, template.HTMLEscapeString(n.ID))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// hallReceivableAct signs one receivable action from a form and submits it
// through the API with the user's key.
func (s *Server) hallReceivableAct(p *page, r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(p.w, r.Body, 32<<20)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return errcode.New(errcode.TooLarge, "%s", T(p.Lang, "verify.toolarge"))
		}
		defer r.MultipartForm.RemoveAll()
	}
	action := r.FormValue("action")
	id := strings.TrimSpace(r.FormValue("id"))
	back := func(msg, errMsg string) error {
		if id != "" && action != "issue" {
			if errMsg != "" {
				return s.renderReceivable(p, r, id, "", errMsg)
			}
			http.Redirect(p.w, r, "/hall/receivables/"+url.PathEscape(id)+"?msg="+url.QueryEscape(msg), http.StatusSeeOther)
			return nil
		}
		if errMsg != "" {
			return s.renderReceivables(p, r, "", errMsg)
		}
		http.Redirect(p.w, r, "/hall/receivables?msg="+url.QueryEscape(msg), http.StatusSeeOther)
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	body, err := s.receivableBody(ctx, p, r, action, id)
	if err != nil {
		return back("", err.Error())
	}
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	rec, err := s.api().Do(ctx, key, "receivable", action, body)
	if err != nil {
		return back("", apiError(err))
	}
	if action == "issue" {
		// Show the new receivable's page.
		var res struct {
			ID string `json:"id"`
		}
		if jsonUnmarshal(rec.Result, &res) == nil && res.ID != "" {
			id = res.ID
		}
	}
	return back(T(p.Lang, "hr.done")+" "+T(p.Lang, "rcaction."+action), "")
}

// receivableBody builds an action's body from the form; amounts are yuan.
func (s *Server) receivableBody(ctx context.Context, p *page, r *http.Request, action, id string) (map[string]any, error) {
	fen := func(field string) (int64, error) {
		v, err := parseYuan(r.FormValue(field))
		if err != nil {
			return 0, fmt.Errorf("%s: %v", T(p.Lang, "hr.amount"), err)
		}
		return v, nil
	}
	switch action {
	case "accept", "cancel", "confirm", "approve_financing", "decline_financing":
		return map[string]any{"id": id}, nil
	case "reject", "freeze", "unfreeze":
		return map[string]any{"id": id, "reason": strings.TrimSpace(r.FormValue("reason"))}, nil
	case "set_credit_line":
		limit, err := fen("limit")
		if err != nil {
			return nil, err
		}
		return map[string]any{"obligor": r.FormValue("obligor"), "limit_fen": limit}, nil
	case "settle":
		amount, err := fen("amount")
		if err != nil {
			return nil, err
		}
		return map[string]any{"id": id, "amount_fen": amount}, nil
	case "split_transfer":
		var parts []map[string]any
		for i := 0; i < 10; i++ {
			to := r.FormValue(fmt.Sprintf("to%d", i))
			if to == "" {
				continue
			}
			amount, err := fen(fmt.Sprintf("amount%d", i))
			if err != nil {
				return nil, err
			}
			parts = append(parts, map[string]any{"to": to, "amount_fen": amount})
		}
		return map[string]any{"id": id, "parts": parts}, nil
	case "request_financing":
		rate, err := strconv.Atoi(strings.TrimSpace(r.FormValue("rate_bp")))
		if err != nil {
			return nil, fmt.Errorf("%s", T(p.Lang, "hr.badrate"))
		}
		fee, err := fen("fee")
		if err != nil {
			return nil, err
		}
		return map[string]any{"id": id, "bank": r.FormValue("bank"), "rate_bp": rate, "fee_fen": fee, "recourse": r.FormValue("recourse") == "on"}, nil
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
		invoice, err := formFile(r, "invoice_file", 16<<20)
		if err != nil || invoice == nil {
			return nil, fmt.Errorf("%s", T(p.Lang, "hr.needinvoice"))
		}
		info, err := s.api().UploadBlob(ctx, bytes.NewReader(invoice))
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
				di, err := s.api().UploadBlob(ctx, f)
				f.Close()
				if err != nil {
					return nil, err
				}
				docs = append(docs, di.SHA256)
			}
		}
		if len(docs) == 0 {
			return nil, fmt.Errorf("%s", T(p.Lang, "hr.needdelivery"))
		}
		return map[string]any{"to": r.FormValue("to"), "face_fen": face, "maturity_date": r.FormValue("maturity"),
			"trade": map[string]any{"contract_no": strings.TrimSpace(r.FormValue("contract_no")), "invoice_no": strings.TrimSpace(r.FormValue("invoice_no")),
				"invoice_amount_fen": invAmount, "invoice_sha256": info.SHA256, "delivery_doc_hashes": docs}}, nil
	}
	return nil, fmt.Errorf("%s", T(p.Lang, "hr.unknownaction"))
}
