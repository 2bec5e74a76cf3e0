package tradeplug

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

//go:embed templates/*.html
var templates embed.FS

// tradePages are the module's hall pages: the desk of each party (the
// carrier's bills, the traders' bills and credits, the banks' credits and
// presentations), each eBL and credit with the actions its viewer may
// take, and the customs view.
type tradePages struct{ site pages.Site }

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Templates:   sub,
		Messages:    pages.Merge(messages, dashMessages, searchMessages),
		Dashboard:   dashboard,
		Title:       title,
		Actions:     actionNames,
		Enums:       enums,
		Reasons:     reasons,
		ReasonWords: reasonWords,
		Funcs: template.FuncMap{
			"money": trade.FormatMoney,
			// trList passes one of the desk's lists' search and pages to
			// its empty state and its next-page link.
			"trList": func(d *deskData, list string) map[string]string {
				return map[string]string{"List": list, "Search": d.Search, "After": d.After[list], "Next": d.Next[list]}
			},
			"kg": func(g int64) string { return fmt.Sprintf("%d.%03d", g/1000, g%1000) },
			// amountInput is an amount as a form field takes it back.
			"amountInput": func(cur string, minor int64) string {
				return strings.TrimPrefix(trade.FormatMoney(cur, minor), cur+" ")
			},
			"hasDoc": func(docs []string, d string) bool { return slices.Contains(docs, d) },
			// eblChange pairs an amendment's changes with the bill as it
			// is now (nil once the amendment is answered: then only the
			// new values are shown).
			"eblChange": func(now *tradeapi.EBL, to tradeapi.Amendment) eblChange { return eblChange{Now: now, To: to} },
			// sameDocs: two lists of document types call for the same
			// documents, in any order.
			"sameDocs": func(a, b []string) bool {
				return len(a) == len(b) && !slices.ContainsFunc(a, func(d string) bool { return !slices.Contains(b, d) })
			},
		},
		Hall: []pages.Link{{Path: "/hall/trade", Key: "tr.title"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &tradePages{site: site}
			r.SignedIn("GET /hall/trade", s.desk)
			r.SignedIn("GET /hall/trade/ebls/{ref}", s.eblPage)
			r.SignedIn("GET /hall/trade/credits/{no}", s.creditPage)
			r.SignedIn("GET /hall/trade/customs", s.customsPage)
			r.SignedIn("GET /hall/trade/ebls/{ref}/proof", s.eblProof)
			r.SignedIn("GET /hall/trade/credits/{no}/proof", s.creditProof)
			r.SignedInUpload("POST /hall/trade/act", maxActUpload, s.act)
		},
	}
}

type deskData struct {
	Today    string
	Calendar *tradeapi.Calendar
	EBLs     *tradeapi.EBLList
	Credits  *tradeapi.CreditList
	Orgs     []identity.Org
	Traders  []identity.Org
	Banks    []identity.Org
	Message  string
	Error    string
	// Search is what the clerk looks for; Found how many records the
	// pages shown list, FoundMore whether further pages follow.
	Search    string
	Found     int
	FoundMore bool
	// After are the pages shown of each list (offered, controlled,
	// issued, credits) and Next the cursors of the following ones.
	After, Next map[string]string
}

// deskPage is how many records a list of the trade desk shows at once.
var deskPage = 20

// deskLists are the desk's lists, by their cursor's name in the URL.
var deskLists = []string{trade.ListOffered, trade.ListControlled, trade.ListIssued, "credits"}

func orgsWith(orgs []identity.Org, roles ...role.Role) []identity.Org {
	var out []identity.Org
	for _, o := range orgs {
		if role.Any(o.Roles, roles) {
			out = append(out, o)
		}
	}
	return out
}

func (s *tradePages) desk(p *pages.Page) error {
	return s.renderDesk(p, "", "")
}

func (s *tradePages) renderDesk(p *pages.Page, msg, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	d := &deskData{Today: now.In(pages.ChinaTime).Format("2006-01-02"), Message: msg, Error: errMsg, After: map[string]string{}, Next: map[string]string{}}
	if d.Calendar, err = trade.GetCalendar(v, p.User.Org); err != nil {
		return err
	}
	d.Orgs, _ = s.site.Orgs()
	q := p.R.URL.Query()
	d.Search = strings.TrimSpace(q.Get("q"))
	for _, l := range deskLists {
		d.After[l] = q.Get(l + "_after")
	}
	search := newSearch(v, d.Search)
	org := p.User.Org
	d.EBLs = &tradeapi.EBLList{Org: org}
	for _, l := range []struct {
		name string
		to   *[]tradeapi.EBLSummary
	}{{trade.ListOffered, &d.EBLs.Offered}, {trade.ListControlled, &d.EBLs.Controlled}, {trade.ListIssued, &d.EBLs.Issued}} {
		if *l.to, d.Next[l.name], err = trade.EBLPage(v, org, l.name, d.After[l.name], deskPage, search); err != nil {
			return err
		}
	}
	d.Credits = &tradeapi.CreditList{Org: org, Date: trade.Day(trade.DefaultCalendar(org), now)}
	if d.Credits.Credits, d.Next["credits"], err = trade.CreditPage(v, org, now, d.After["credits"], deskPage, search); err != nil {
		return err
	}
	d.Found = len(d.EBLs.Offered) + len(d.EBLs.Controlled) + len(d.EBLs.Issued) + len(d.Credits.Credits)
	for _, n := range d.Next {
		d.FoundMore = d.FoundMore || n != ""
	}
	d.Traders = orgsWith(d.Orgs, tradeapi.Trader)
	d.Banks = orgsWith(d.Orgs, role.Bank)
	p.Title, p.Data = p.T("tr.title"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_trade")
}

type eblData struct {
	View    *tradeapi.EBLView
	Holders []identity.Org
	Message string
	Error   string
}

func (s *tradePages) eblPage(p *pages.Page) error {
	return s.renderEBL(p, p.R.PathValue("ref"), "", "")
}

func (s *tradePages) renderEBL(p *pages.Page, ref, msg, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	// Only the bill's parties, and customs and auditors, see it (the rule
	// the API and the state endpoints apply).
	if ok, err := trade.MayReadEBL(v, ref, p.User.Caller()); err != nil {
		return err
	} else if !ok {
		return errcode.New(errcode.Unauthorized, "%s", p.T("tr.notpartyebl"))
	}
	ev, err := trade.EBLView(v, ref)
	if err != nil {
		return err
	}
	ev.Height = v.Version()
	orgs, _ := s.site.Orgs()
	d := &eblData{View: ev, Holders: orgsWith(orgs, tradeapi.Trader, role.Bank), Message: msg, Error: errMsg}
	p.Title, p.Data = p.T("tr.ebl")+" "+ref, d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_trade_ebl")
}

type creditData struct {
	View    *tradeapi.CreditView
	Mine    []tradeapi.EBLSummary // the viewer's to-order eBLs it could present
	Message string
	Error   string
}

func (s *tradePages) creditPage(p *pages.Page) error {
	return s.renderCredit(p, p.R.PathValue("no"), "", "")
}

func (s *tradePages) renderCredit(p *pages.Page, no, msg, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	if ok, err := trade.MayReadCredit(v, no, p.User.Caller()); err != nil {
		return err
	} else if !ok {
		return errcode.New(errcode.Unauthorized, "%s", p.T("tr.notpartycredit"))
	}
	now, err := s.site.BlockTime(p.R.Context())
	if err != nil {
		return err
	}
	cv, err := trade.CreditView(v, no, now)
	if err != nil {
		return err
	}
	cv.Height = v.Version()
	localCreditView(p, cv)
	d := &creditData{View: cv, Message: msg, Error: errMsg}
	if cv.Credit.Beneficiary == p.User.Org {
		l, err := trade.EBLsOf(v, p.User.Org)
		if err != nil {
			return err
		}
		for _, e := range l.Controlled {
			if e.ToOrder && e.Status == tradeapi.EBLIssued && e.PendingTo == "" {
				d.Mine = append(d.Mine, e)
			}
		}
	}
	p.Title, p.Data = p.T("tr.credit")+" "+no, d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_trade_credit")
}

func (s *tradePages) customsPage(p *pages.Page) error {
	if !trade.MayReadCustoms(p.User.Caller()) {
		return errcode.New(errcode.Unauthorized, "%s", p.T("tr.customsonly"))
	}
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	q := p.R.URL.Query()
	d := &customsData{Port: strings.ToUpper(strings.TrimSpace(q.Get("port"))), Search: strings.TrimSpace(q.Get("q")), After: q.Get("after")}
	if d.CustomsView, err = trade.CustomsOverview(v, d.Port, newSearch(v, d.Search), d.After, deskPage); err != nil {
		return err
	}
	d.Height = v.Version()
	p.Title, p.Data = p.T("tr.customs"), d
	return s.site.Render(p, "hall_trade_customs")
}

// customsData is the customs view a page at a time: the bills at Port
// (every port when "") that Search matches, after the cursor After.
type customsData struct {
	*tradeapi.CustomsView
	Port, Search, After string
}

// eblProof downloads the proof bundle of an eBL's record, the file
// `dengta verify --bundle` reads, for the bill's parties (the API's
// ?prove=true answers, with every step's, are for signed requests).
func (s *tradePages) eblProof(p *pages.Page) error {
	ref := p.R.PathValue("ref")
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	if ok, err := trade.MayReadEBL(v, ref, p.User.Caller()); err != nil {
		return err
	} else if !ok {
		return errcode.New(errcode.Unauthorized, "%s", p.T("tr.notpartyebl"))
	}
	return s.writeBundle(p, trade.EBLKey(ref), "ebl-"+ref)
}

// creditProof downloads the proof bundle of a credit's record, for the
// credit's parties.
func (s *tradePages) creditProof(p *pages.Page) error {
	no := p.R.PathValue("no")
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	if ok, err := trade.MayReadCredit(v, no, p.User.Caller()); err != nil {
		return err
	} else if !ok {
		return errcode.New(errcode.Unauthorized, "%s", p.T("tr.notpartycredit"))
	}
	return s.writeBundle(p, trade.CreditKey(no), "credit-"+no)
}

// writeBundle answers the bundle of key at the newest provable height as
// a file download; an absent record is not found.
func (s *tradePages) writeBundle(p *pages.Page, key []byte, name string) error {
	b, err := s.site.Prover().Bundle(p.R.Context(), key, 0)
	if err != nil {
		return err
	}
	if !b.Exists() {
		return errcode.New(errcode.NotFound, "no record %s", name)
	}
	raw, err := b.Marshal()
	if err != nil {
		return err
	}
	p.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.W.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+"-proof.json"))
	_, err = p.W.Write(raw)
	return err
}

// parseAmount reads a positive decimal amount with at most digits decimals,
// typed in the field the page calls name, as an integer count of its
// smallest unit, exactly (no floating point); its errors are in the
// page's language.
func parseAmount(p *pages.Page, name, s string, digits int) (int64, error) {
	v, err := decimal.Parse(s, digits)
	if err != nil {
		return 0, fmt.Errorf("%s%s%s", name, p.T("tr.colon"), p.APIError(err))
	}
	if v <= 0 || v > tradeapi.MaxAmount {
		return 0, fmt.Errorf(p.T("tr.badamount"), name, pages.ChainWords(strings.TrimSpace(s)), decimal.Format(tradeapi.MaxAmount, digits))
	}
	return v, nil
}

// eblChange is an eBL amendment's changes, and the bill before them.
type eblChange struct {
	Now *tradeapi.EBL
	To  tradeapi.Amendment
}

// credit is the credit no as the latest state has it, for a form's action
// on it; a refusal is in the chain's words.
func (s *tradePages) credit(no string) (*tradeapi.Credit, error) {
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	c, err := trade.GetCredit(v, no)
	if err != nil {
		return nil, errors.New(pages.ChainWords(err.Error()))
	}
	return c, nil
}

// creditTerms are a credit's terms as the issue and amendment forms give
// them, in currency cur; the bill of lading and the invoice are always
// called for.
func creditTerms(p *pages.Page, cur string) (tradeapi.Terms, error) {
	f := func(k string) string { return strings.TrimSpace(p.R.FormValue(k)) }
	amount, err := parseMoney(p, p.T("tr.amount"), cur, f("amount"))
	if err != nil {
		return tradeapi.Terms{}, err
	}
	tol, _ := strconv.Atoi(f("tolerance"))
	docs := []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice}
	for _, d := range p.R.Form["docs"] {
		if !slices.Contains(docs, d) {
			docs = append(docs, d)
		}
	}
	return tradeapi.Terms{Amount: tradeapi.Money{Currency: cur, Minor: amount}, TolerancePct: tol, Expiry: f("expiry"), LatestShipment: f("latest_shipment"),
		PortOfLoading: strings.ToUpper(f("pol")), PortOfDischarge: strings.ToUpper(f("pod")), Goods: f("goods"), Documents: docs, PartialShipments: f("partial") != ""}, nil
}

// parseMoney reads an amount of currency cur typed in the field name.
func parseMoney(p *pages.Page, name, cur, s string) (int64, error) {
	digits, ok := trade.MinorUnits(cur)
	if !ok {
		return 0, fmt.Errorf(p.T("tr.badcurrency"), pages.ChainWords(cur))
	}
	return parseAmount(p, name, s, digits)
}

// fileHash is the SHA-256 of an uploaded file, which stays off chain.
func fileHash(p *pages.Page, field, name string) (string, error) {
	f, _, err := p.R.FormFile(field)
	if err != nil {
		return "", fmt.Errorf(p.T("tr.choosefile"), name)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// maxActUpload bounds a trade action's form: a presentation's documents.
const maxActUpload = 32 << 20

// act signs one trade action from a form and submits it through the API
// with the user's key, then shows the eBL, the credit or the desk.
func (s *tradePages) act(p *pages.Page) error {
	r := p.R
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return errcode.New(errcode.TooLarge, "%s", p.T("tr.toolarge"))
		}
		defer r.MultipartForm.RemoveAll()
	}
	action := r.FormValue("action")
	ref := strings.TrimSpace(r.FormValue("ref"))
	no := strings.TrimSpace(r.FormValue("no"))
	// An issue action's ref or no names the record it would create: a
	// refusal shows the desk with the form refilled and the reason, not a
	// record that does not exist yet (or one of that number that exists
	// already, which the issuer may not even be a party to).
	issuing := action == tradeapi.IssueEBL.Name || action == tradeapi.IssueCredit.Name
	back := func(msg, errMsg string) error {
		switch {
		case issuing && errMsg != "":
			return s.renderDesk(p, "", errMsg)
		case ref != "" && errMsg != "":
			return s.renderEBL(p, ref, "", errMsg)
		case ref != "":
			p.Done("/hall/trade/ebls/"+url.PathEscape(ref), msg)
		case no != "" && errMsg != "":
			return s.renderCredit(p, no, "", errMsg)
		case no != "":
			p.Done("/hall/trade/credits/"+url.PathEscape(no), msg)
		case errMsg != "":
			return s.renderDesk(p, "", errMsg)
		default:
			p.Done("/hall/trade", msg)
		}
		return nil
	}
	// The body's errors are the page's own sentences, in its language.
	body, err := s.body(p, action, ref, no)
	if err != nil {
		return back("", p.T("tr.refused")+err.Error())
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	rec, err := s.site.API().Do(ctx, key, tradeapi.Name, action, body)
	if err != nil {
		return back("", p.T("tr.refused")+p.APIError(err))
	}
	switch action {
	case tradeapi.IssueEBL.Name:
		ref = body.(tradeapi.IssueEBLBody).Ref
	case tradeapi.IssueCredit.Name:
		no = body.(tradeapi.IssueCreditBody).No
	}
	msg := p.T("tr.done") + " " + p.T("tra."+action)
	if action == tradeapi.Present.Name {
		var pr tradeapi.PresentResult
		if json.Unmarshal(rec.Result, &pr) == nil {
			msg += " " + pr.ID + " · " + p.T("tr.deadline") + " " + pr.Deadline
		}
	}
	return back(msg, "")
}

// body builds an action's body from the form.
func (s *tradePages) body(p *pages.Page, action, ref, no string) (any, error) {
	r := p.R
	f := func(name string) string { return strings.TrimSpace(r.FormValue(name)) }
	id := f("id")
	switch action {
	case tradeapi.IssueEBL.Name:
		pkgs, _ := strconv.ParseInt(f("packages"), 10, 64)
		grams, err := parseAmount(p, p.T("tr.weight"), f("weight_kg"), 3) // kilograms to grams
		if err != nil {
			return nil, err
		}
		ssccs := strings.FieldsFunc(f("ssccs"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' })
		b := tradeapi.IssueEBLBody{
			Ref: f("ref"), BookingRef: f("booking_ref"), Shipper: f("shipper"), ToOrder: f("consignee") == "", Consignee: f("consignee"),
			NotifyParty: f("notify_party"), Vessel: f("vessel"), Voyage: f("voyage"),
			PortOfLoading: tradeapi.Location{UNLocode: strings.ToUpper(f("pol"))}, PortOfDischarge: tradeapi.Location{UNLocode: strings.ToUpper(f("pod"))},
			ShippedOnBoard: f("shipped"), Freight: f("freight"),
			Goods:      []tradeapi.Item{{Description: f("goods"), HSCode: f("hs_code"), Packages: pkgs, PackageCode: "CT", GrossWeightG: grams}},
			Containers: []tradeapi.Container{{Number: strings.ToUpper(f("container")), ISOType: strings.ToUpper(f("iso_type")), Seal: strings.ToUpper(f("seal")), SSCCs: ssccs}},
		}
		return b, nil
	case tradeapi.SetCalendar.Name:
		off, err := strconv.Atoi(f("utc_offset"))
		if err != nil {
			return nil, fmt.Errorf("%s: %q", p.T("tr.utcoffset"), f("utc_offset"))
		}
		return tradeapi.CalendarBody{UTCOffsetMin: off, Closed: pages.Lines(r.FormValue("closed")), Open: pages.Lines(r.FormValue("open"))}, nil
	case tradeapi.TransferEBL.Name:
		return tradeapi.TransferBody{Ref: ref, To: f("to"), Endorsement: f("endorsement")}, nil
	case tradeapi.AcceptEBL.Name, tradeapi.WithdrawTransfer.Name:
		return tradeapi.RefBody{Ref: ref}, nil
	case tradeapi.RejectEBL.Name:
		return tradeapi.ReasonBody{Ref: ref, Reason: f("reason")}, nil
	case tradeapi.AmendEBL.Name:
		return tradeapi.AmendEBLBody{Ref: ref, Changes: tradeapi.Amendment{Vessel: f("vessel"), Voyage: f("voyage"), NotifyParty: f("notify_party")}, Reason: f("reason")}, nil
	case tradeapi.AnswerAmendment.Name:
		return tradeapi.AnswerBody{Ref: ref, Consent: f("consent") == "yes"}, nil
	case tradeapi.SurrenderEBL.Name:
		return tradeapi.SurrenderBody{Ref: ref, Purpose: f("purpose")}, nil
	case tradeapi.ReleaseGoods.Name:
		return tradeapi.ReleaseBody{Ref: ref, DeliveryOrder: f("delivery_order")}, nil
	case tradeapi.SwitchToPaper.Name:
		return tradeapi.PaperBody{Ref: ref, PaperNo: f("paper_no")}, nil
	case tradeapi.IssueCredit.Name:
		terms, err := creditTerms(p, strings.ToUpper(f("currency")))
		if err != nil {
			return nil, err
		}
		return tradeapi.IssueCreditBody{
			No: f("no"), Applicant: f("applicant"), Beneficiary: f("beneficiary"), AdvisingBank: f("advising_bank"),
			NominatedBank: f("advising_bank"), ConfirmationAsked: f("confirm") != "" && f("advising_bank") != "", Availability: tradeapi.AvailSight,
			Terms: terms,
		}, nil
	case tradeapi.AmendCredit.Name:
		c, err := s.credit(no)
		if err != nil {
			return nil, err
		}
		terms, err := creditTerms(p, c.Terms.Amount.Currency)
		if err != nil {
			return nil, err
		}
		terms.PresentationDays = c.Terms.PresentationDays // the form does not change it
		return tradeapi.AmendCreditBody{No: no, Terms: terms, Note: f("note")}, nil
	case tradeapi.AdviseCredit.Name:
		return tradeapi.AdviseBody{No: no, Confirm: f("confirm") != ""}, nil
	case tradeapi.AnswerCredit.Name:
		return tradeapi.AnswerCreditBody{No: no, Accept: f("accept") == "yes"}, nil
	case tradeapi.Present.Name:
		c, err := s.credit(no)
		if err != nil {
			return nil, err
		}
		amount, err := parseMoney(p, p.T("tr.amount"), c.Terms.Amount.Currency, f("amount"))
		if err != nil {
			return nil, err
		}
		inv, err := fileHash(p, "invoice_file", p.T("tr.invoicefile"))
		if err != nil {
			return nil, err
		}
		b := tradeapi.PresentBody{No: no, EBL: f("ebl"), Amount: amount, Invoice: tradeapi.Doc{Type: tradeapi.DocInvoice, No: f("invoice_no"), SHA256: inv}}
		// The other documents the credit calls for, each a number and a
		// file; one left out is the chain's discrepancy to record.
		for _, d := range c.Terms.Documents {
			if d == tradeapi.DocBillOfLading || d == tradeapi.DocInvoice {
				continue
			}
			name := (&notes{lang: p.Lang}).label("trade.doc_type", d)
			_, _, ferr := r.FormFile("file_" + d)
			if f("no_"+d) == "" {
				if ferr == nil {
					return nil, errors.New(strings.ReplaceAll(p.T("tr.filenono"), "{doc}", name))
				}
				continue
			}
			if ferr != nil {
				return nil, errors.New(strings.ReplaceAll(p.T("tr.docnofile"), "{doc}", name))
			}
			h, err := fileHash(p, "file_"+d, name)
			if err != nil {
				return nil, err
			}
			b.Docs = append(b.Docs, tradeapi.Doc{Type: d, No: f("no_" + d), SHA256: h})
		}
		return b, nil
	case tradeapi.Examine.Name:
		v, err := s.site.View(0)
		if err != nil {
			return nil, err
		}
		var detected []string
		if pr, err := trade.GetPresentation(v, id); err == nil {
			detected = pr.Detected
		}
		return tradeapi.ExamineBody{ID: id, Complying: f("complying") == "yes", Discrepancies: typedDiscrepancies(r.FormValue("discrepancies"), detected)}, nil
	case tradeapi.Honour.Name:
		return tradeapi.HonourBody{ID: id}, nil
	case tradeapi.Waive.Name, tradeapi.ReturnDocs.Name, tradeapi.Reimburse.Name, tradeapi.ReleaseDocs.Name:
		return tradeapi.PresBody{ID: id}, nil
	}
	return nil, fmt.Errorf("%s %s", p.T("tr.unknownaction"), pages.ChainWords(action))
}
