package trade

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// Steps returns an eBL's history, in order.
func Steps(r module.Reader, ref string) ([]tradeapi.Step, error) {
	out := []tradeapi.Step{}
	err := module.EachJSON(r, []byte(eblLogPrefix+ref+"/"), func(_ []byte, s *tradeapi.Step) { out = append(out, *s) })
	return out, err
}

// EBLAmendments returns an eBL's amendments, in order.
func EBLAmendments(r module.Reader, ref string) ([]tradeapi.EBLAmendment, error) {
	var out []tradeapi.EBLAmendment
	err := module.EachJSON(r, []byte(eblAmendPrefix+ref+"/"), func(_ []byte, a *tradeapi.EBLAmendment) { out = append(out, *a) })
	return out, err
}

// EBLView reads an eBL with its history, surrender and amendments.
func EBLView(r module.Reader, ref string) (*tradeapi.EBLView, error) {
	e, err := GetEBL(r, ref)
	if err != nil {
		return nil, err
	}
	v := &tradeapi.EBLView{EBL: e}
	if v.Steps, err = Steps(r, ref); err != nil {
		return nil, err
	}
	if v.Surrender, err = GetSurrender(r, ref); err != nil {
		return nil, err
	}
	if v.Amendments, err = EBLAmendments(r, ref); err != nil {
		return nil, err
	}
	return v, nil
}

// ProofKeys are the state keys whose bundles prove an eBL offline: the
// eBL, every step of its history and its surrender.
func ProofKeys(v *tradeapi.EBLView) [][]byte {
	keys := [][]byte{eblKey(v.EBL.Ref)}
	for _, s := range v.Steps {
		keys = append(keys, eblLogKey(v.EBL.Ref, s.Seq))
	}
	if v.Surrender != nil {
		keys = append(keys, surrenderKey(v.EBL.Ref))
	}
	return keys
}

// Summary is the list line of an eBL.
func Summary(e *tradeapi.EBL) tradeapi.EBLSummary {
	s := tradeapi.EBLSummary{
		Ref: e.Ref, Carrier: e.Carrier, Shipper: e.Shipper, Consignee: e.Consignee, ToOrder: e.ToOrder,
		PortOfLoading: e.PortOfLoading.UNLocode, PortOfDischarge: e.PortOfDischarge.UNLocode, ShippedOnBoard: e.ShippedOnBoard,
		Status: e.Status, Controller: e.Controller, PendingTo: e.PendingTo, Presentation: e.Presentation, Containers: len(e.Containers),
		HSCodes: []string{},
	}
	for _, it := range e.Goods {
		if !slices.Contains(s.HSCodes, it.HSCode) {
			s.HSCodes = append(s.HSCodes, it.HSCode)
		}
	}
	return s
}

func summaries(r module.Reader, prefix string) ([]tradeapi.EBLSummary, error) {
	refs, err := module.List(r, []byte(prefix))
	if err != nil {
		return nil, err
	}
	out := []tradeapi.EBLSummary{}
	for _, ref := range refs {
		e, err := GetEBL(r, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, Summary(e))
	}
	return out, nil
}

// EBLsOf lists the eBLs org controls, is offered, and issued as carrier.
func EBLsOf(r module.Reader, org string) (*tradeapi.EBLList, error) {
	l := &tradeapi.EBLList{Org: org}
	var err error
	if l.Controlled, err = summaries(r, ctlPrefix+org+"/"); err != nil {
		return nil, err
	}
	if l.Offered, err = summaries(r, inboxPrefix+org+"/"); err != nil {
		return nil, err
	}
	if l.Issued, err = summaries(r, carrierPrefix+org+"/"); err != nil {
		return nil, err
	}
	return l, nil
}

// Presentations returns a credit's presentations, in order.
func Presentations(r module.Reader, no string) ([]tradeapi.Presentation, error) {
	out := []tradeapi.Presentation{}
	err := module.EachJSON(r, []byte(presPrefix+no+"/"), func(_ []byte, p *tradeapi.Presentation) { out = append(out, *p) })
	return out, err
}

// CreditView reads a credit with everything recorded about it, dated at
// time now (the latest block's time).
func CreditView(r module.Reader, no string, now time.Time) (*tradeapi.CreditView, error) {
	c, err := GetCredit(r, no)
	if err != nil {
		return nil, err
	}
	cal, err := GetCalendar(r, c.NominatedBank)
	if err != nil {
		return nil, err
	}
	v := &tradeapi.CreditView{Credit: c, Date: Day(cal, now), Expiry: EffectiveExpiry(cal, c.Terms.Expiry), Max: MaxDrawing(&c.Terms), Available: Available(c)}
	v.Status = CreditStatus(c, cal, v.Date)
	if v.Presentations, err = Presentations(r, no); err != nil {
		return nil, err
	}
	if err := module.EachJSON(r, []byte(lcAmendPrefix+no+"/"), func(_ []byte, a *tradeapi.CreditAmendment) { v.Amendments = append(v.Amendments, *a) }); err != nil {
		return nil, err
	}
	v.Steps = []tradeapi.CreditStep{}
	if err := module.EachJSON(r, []byte(lcLogPrefix+no+"/"), func(_ []byte, s *tradeapi.CreditStep) { v.Steps = append(v.Steps, *s) }); err != nil {
		return nil, err
	}
	return v, nil
}

// CreditProofKeys are the state keys whose bundles prove a credit: the
// credit and each presentation.
func CreditProofKeys(v *tradeapi.CreditView) [][]byte {
	keys := [][]byte{lcKey(v.Credit.No)}
	for _, p := range v.Presentations {
		keys = append(keys, presKey(p.No, p.N))
	}
	return keys
}

func creditSummary(r module.Reader, c *tradeapi.Credit, role string, now time.Time) (tradeapi.CreditSummary, error) {
	cal, err := GetCalendar(r, c.NominatedBank)
	if err != nil {
		return tradeapi.CreditSummary{}, err
	}
	ps, err := Presentations(r, c.No)
	if err != nil {
		return tradeapi.CreditSummary{}, err
	}
	open := 0
	for _, p := range ps {
		if p.Status != tradeapi.PresSettled && p.Status != tradeapi.PresReturned {
			open++
		}
	}
	if role == "" {
		role = "issuing"
	}
	if c.ConfirmingBank != "" && c.ConfirmingBank == c.AdvisingBank && role == "advising" {
		role = "confirming"
	}
	return tradeapi.CreditSummary{No: c.No, Role: role, IssuingBank: c.IssuingBank, Applicant: c.Applicant, Beneficiary: c.Beneficiary,
		Amount: c.Terms.Amount, Drawn: c.Drawn, Expiry: c.Terms.Expiry, Status: CreditStatus(c, cal, Day(cal, now)), Open: open}, nil
}

// CreditsOf lists the credits org is a party to.
func CreditsOf(r module.Reader, org string, now time.Time) (*tradeapi.CreditList, error) {
	l := &tradeapi.CreditList{Org: org, Date: Day(DefaultCalendar(org), now), Credits: []tradeapi.CreditSummary{}}
	var err error
	var walkErr error
	err = r.Iterate([]byte(lcPartyPrefix+org+"/"), nil, func(k, v []byte) bool {
		no := strings.TrimPrefix(string(k), lcPartyPrefix+org+"/")
		c, err := GetCredit(r, no)
		if err != nil {
			walkErr = err
			return false
		}
		s, err := creditSummary(r, c, string(v), now)
		if err != nil {
			walkErr = err
			return false
		}
		l.Credits = append(l.Credits, s)
		return true
	})
	if err == nil {
		err = walkErr
	}
	return l, err
}

// CustomsOverview is the regulator's view, one page of it: the eBLs
// loading or discharging at port (every eBL when port is ""), in
// reference order, that search matches (nil or empty: all), at most limit
// of those after the cursor after ("" for the first page; limit 0: every
// one), with the cursor of the following page.
// The totals cover more than the page: ByStatus counts every eBL the port
// keeps, whatever the search and the page; Credits sums every credit on
// the chain by currency. A cursor that is not a bill's reference is a
// bad_request error.
func CustomsOverview(r module.Reader, port string, search *module.Search, after string, limit int) (*tradeapi.CustomsView, error) {
	if after != "" && CheckRef("after", after) != nil {
		return nil, module.BadCursor(after)
	}
	v := &tradeapi.CustomsView{EBLs: []tradeapi.EBLSummary{}, ByStatus: map[string]int{}, Credits: []tradeapi.CurrencyTotal{}}
	err := module.EachJSON(r, []byte(eblPrefix), func(_ []byte, e *tradeapi.EBL) {
		if port != "" && e.PortOfLoading.UNLocode != port && e.PortOfDischarge.UNLocode != port {
			return
		}
		v.ByStatus[e.Status]++
		if v.Next != "" || after != "" && e.Ref <= after {
			return
		}
		s := Summary(e)
		if !MatchEBL(search, &s) {
			return
		}
		if limit > 0 && len(v.EBLs) == limit {
			v.Next = v.EBLs[limit-1].Ref
			return
		}
		v.EBLs = append(v.EBLs, s)
	})
	if err != nil {
		return nil, err
	}
	totals := map[string]*tradeapi.CurrencyTotal{}
	if err := module.EachJSON(r, []byte(lcPrefix), func(_ []byte, c *tradeapi.Credit) {
		t := totals[c.Terms.Amount.Currency]
		if t == nil {
			t = &tradeapi.CurrencyTotal{Currency: c.Terms.Amount.Currency}
			totals[t.Currency] = t
		}
		t.Credits++
		t.Amount += c.Terms.Amount.Minor
		t.Drawn += c.Drawn
	}); err != nil {
		return nil, err
	}
	for _, t := range totals {
		v.Credits = append(v.Credits, *t)
	}
	sort.Slice(v.Credits, func(i, j int) bool { return v.Credits[i].Currency < v.Credits[j].Currency })
	return v, nil
}

// EBLsBySSCC lists the eBLs whose containers carry a logistic unit.
func EBLsBySSCC(r module.Reader, sscc string) (*tradeapi.SSCCView, error) {
	refs, err := module.List(r, []byte(ssccPrefix+sscc+"/"))
	if err != nil {
		return nil, err
	}
	if refs == nil {
		refs = []string{}
	}
	return &tradeapi.SSCCView{SSCC: sscc, EBLs: refs}, nil
}

// The lists of an organisation's eBLs, by the index they come from.
const (
	ListAll        = ""           // every one of its lists, each bill once
	ListControlled = "controlled" // the eBLs it controls
	ListOffered    = "offered"    // offered to it, awaiting its acceptance
	ListIssued     = "issued"     // it issued as carrier
)

// EBLLists are the lists one may ask for by name.
var EBLLists = []string{ListControlled, ListOffered, ListIssued}

// The size of a page of a list read over the API.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// PageLimit checks a page size as a client gave it: DefaultPage when 0,
// otherwise 1 to MaxPage, or a bad_request error.
func PageLimit(limit int) (int, error) { return module.PageLimit(limit, DefaultPage, MaxPage) }

// EBLPage pages through one of an organisation's eBL lists (ListAll:
// all of them, each bill once) in reference order, keeping those search
// matches (MatchEBL; all when search is nil or empty): at most limit, and
// the cursor of the next page ("" on the last). A cursor that is not a
// bill's reference, or a list that is none of EBLLists, is a bad_request
// error.
func EBLPage(r module.Reader, org, list, after string, limit int, search *module.Search) ([]tradeapi.EBLSummary, string, error) {
	if list == ListAll {
		return eblPageAll(r, org, after, limit, search)
	}
	prefix := map[string]string{ListControlled: ctlPrefix, ListOffered: inboxPrefix, ListIssued: carrierPrefix}[list]
	if prefix == "" {
		return nil, "", errcode.New(errcode.BadRequest, "no eBL list %q: controlled, offered or issued (or none for all of them)", list)
	}
	items, next, err := module.Scan(r, []byte(prefix+org+"/"), after, limit, func(s string) bool { return CheckRef("after", s) == nil },
		func(ref string, _ []byte) (*tradeapi.EBLSummary, error) {
			e, err := GetEBL(r, ref)
			if err != nil {
				return nil, err
			}
			s := Summary(e)
			if !MatchEBL(search, &s) {
				return nil, nil
			}
			return &s, nil
		})
	if items == nil {
		items = []tradeapi.EBLSummary{}
	}
	return items, next, err
}

// eblPageAll merges a page of each list: the first limit bills after the
// cursor over all lists are among the first limit of each.
func eblPageAll(r module.Reader, org, after string, limit int, search *module.Search) ([]tradeapi.EBLSummary, string, error) {
	if limit <= 0 {
		limit = 1
	}
	var all []tradeapi.EBLSummary
	more := false
	for _, l := range EBLLists {
		items, next, err := EBLPage(r, org, l, after, limit, search)
		if err != nil {
			return nil, "", err
		}
		all = append(all, items...)
		more = more || next != ""
	}
	slices.SortStableFunc(all, func(a, b tradeapi.EBLSummary) int { return strings.Compare(a.Ref, b.Ref) })
	all = slices.CompactFunc(all, func(a, b tradeapi.EBLSummary) bool { return a.Ref == b.Ref })
	if more || len(all) > limit { // more: one list filled its page, so len(all) >= limit
		return all[:limit], all[limit-1].Ref, nil
	}
	if all == nil {
		all = []tradeapi.EBLSummary{}
	}
	return all, "", nil
}

// CreditPage pages through the credits an organisation is a party to in
// number order, dated at now, keeping those search matches (MatchCredit;
// all when search is nil or empty). A cursor that is not a credit's
// number is a bad_request error.
func CreditPage(r module.Reader, org string, now time.Time, after string, limit int, search *module.Search) ([]tradeapi.CreditSummary, string, error) {
	items, next, err := module.Scan(r, []byte(lcPartyPrefix+org+"/"), after, limit, func(s string) bool { return CheckCreditNo("after", s) == nil },
		func(no string, role []byte) (*tradeapi.CreditSummary, error) {
			c, err := GetCredit(r, no)
			if err != nil {
				return nil, err
			}
			s, err := creditSummary(r, c, string(role), now)
			if err != nil {
				return nil, err
			}
			if !MatchCredit(search, &s) {
				return nil, nil
			}
			return &s, nil
		})
	if items == nil {
		items = []tradeapi.CreditSummary{}
	}
	return items, next, err
}
