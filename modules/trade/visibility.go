package trade

import (
	"encoding/json"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// Who may read what (ADR 0007). Bills of lading and credits are
// business-confidential: a member reads only the bills and credits it is
// party to; customs (the regulator role) and auditors
// (access.Caller.Oversees) read everything. Each rule is one function;
// the state and proof endpoints (CanRead), the explorer (CanReadTx), the
// module's read endpoints and its hall pages all decide with them, so
// they cannot disagree. keys.go says which rule guards which key.
//
// Rules are decided on the latest state: a bill's or credit's parties
// only grow (histories are append-only), so whoever may read it now may
// read any earlier height of it.

// Who may read, as refusals say it.
const (
	// ReadersEBL: an eBL, its history, surrender and amendments.
	ReadersEBL = "the parties to the bill (its carrier, shipper and consignee, every endorsee and controller in its history, the parties to a credit it is presented under) and customs or auditors"
	// ReadersCredit: a documentary credit, its history, amendments and
	// presentations.
	ReadersCredit = "the parties to the credit (applicant, beneficiary, issuing, advising, confirming and nominated banks) and customs or auditors"
	// ReadersOwn: an organisation's own lists.
	ReadersOwn = "that organisation itself and customs or auditors"
	// ReadersOverseers: every bill and credit at once.
	ReadersOverseers = "customs (regulators) and auditors"
)

// MayReadEBL reports whether c may read eBL ref, its history, surrender
// and amendments: c oversees, or c's organisation is one of EBLParties.
// A bill that does not exist is read by nobody but those who oversee, so
// that a refusal says nothing of whether it exists.
func MayReadEBL(r module.Reader, ref string, c access.Caller) (bool, error) {
	if c.Oversees() {
		return true, nil
	}
	if c.Public() {
		return false, nil
	}
	parties, err := EBLParties(r, ref)
	if err != nil {
		return false, err
	}
	return c.Is(parties...), nil
}

// EBLParties are the parties to eBL ref: its carrier, shipper, consignee,
// last named endorsee, controller and the organisation offered it; every
// organisation its history names (from, to, and who signed each step:
// every endorsee and controller, and the banks that held it under a
// credit); and, while a bank holds it under a presentation, the parties
// to that credit (the applicant examines the documents to waive
// discrepancies). The notify party is a name, not an organisation.
func EBLParties(r module.Reader, ref string) ([]string, error) {
	var e tradeapi.EBL
	ok, err := module.GetJSON(r, eblKey(ref), &e)
	if err != nil || !ok {
		return nil, err
	}
	out := []string{e.Carrier, e.Shipper, e.Consignee, e.Endorsee, e.Controller, e.PendingTo}
	err = module.EachJSON(r, []byte(eblLogPrefix+ref+"/"), func(_ []byte, s *tradeapi.Step) {
		out = append(out, s.From, s.To, s.By.Org)
	})
	if err != nil {
		return nil, err
	}
	if no, _, ok := ParsePresentationID(e.Presentation); ok {
		cp, err := CreditParties(r, no)
		if err != nil {
			return nil, err
		}
		out = append(out, cp...)
	}
	return compact(out), nil
}

// MayReadCredit reports whether c may read credit no, its history,
// amendments and presentations: c oversees, or c's organisation is one of
// CreditParties.
func MayReadCredit(r module.Reader, no string, c access.Caller) (bool, error) {
	if c.Oversees() {
		return true, nil
	}
	if c.Public() {
		return false, nil
	}
	parties, err := CreditParties(r, no)
	if err != nil {
		return false, err
	}
	return c.Is(parties...), nil
}

// CreditParties are the parties to credit no: its applicant, its
// beneficiary and its issuing, advising, confirming and nominated banks.
func CreditParties(r module.Reader, no string) ([]string, error) {
	var c tradeapi.Credit
	ok, err := module.GetJSON(r, lcKey(no), &c)
	if err != nil || !ok {
		return nil, err
	}
	return compact([]string{c.Applicant, c.Beneficiary, c.IssuingBank, c.AdvisingBank, c.ConfirmingBank, c.NominatedBank}), nil
}

// MayReadOwn reports whether c may read org's own lists: the bills it
// controls, is offered and issued (EBLsOf, EBLPage), the credits it is
// party to (CreditsOf, CreditPage). Every record they list is one org is
// party to.
func MayReadOwn(org string, c access.Caller) bool { return c.Oversees() || c.Is(org) }

// MayReadCustoms reports whether c may read every bill and credit at once
// (CustomsOverview).
func MayReadCustoms(c access.Caller) bool { return c.Oversees() }

// MayReadCalendar reports whether c may read a bank's calendar: banking
// days are what every party counts deadlines by, so every member may.
func MayReadCalendar(c access.Caller) bool { return !c.Public() }

// ScopeSSCC leaves out of v the bills c may not read.
func ScopeSSCC(r module.Reader, v *tradeapi.SSCCView, c access.Caller) error {
	if c.Oversees() {
		return nil
	}
	kept := []string{}
	for _, ref := range v.EBLs {
		ok, err := MayReadEBL(r, ref, c)
		if err != nil {
			return err
		}
		if ok {
			kept = append(kept, ref)
		}
	}
	v.EBLs = kept
	return nil
}

// compact drops empty names.
func compact(orgs []string) []string {
	out := orgs[:0]
	for _, o := range orgs {
		if o != "" {
			out = append(out, o)
		}
	}
	return out
}

var _ module.Visibility = Module{}

// CanRead implements module.Visibility: each key family as keys.go says.
// The public reads nothing; those who oversee read everything.
func (Module) CanRead(r module.Reader, key []byte, c access.Caller) bool {
	if c.Oversees() {
		return true
	}
	if c.Public() {
		return false
	}
	k := string(key)
	first := func(p string) string { s, _, _ := strings.Cut(strings.TrimPrefix(k, p), "/"); return s }
	last := func(p string) string {
		rest := strings.TrimPrefix(k, p)
		return rest[strings.IndexByte(rest, '/')+1:]
	}
	var ok bool
	var err error
	switch {
	case strings.HasPrefix(k, eblPrefix):
		ok, err = MayReadEBL(r, strings.TrimPrefix(k, eblPrefix), c)
	case strings.HasPrefix(k, eblLogPrefix):
		ok, err = MayReadEBL(r, first(eblLogPrefix), c)
	case strings.HasPrefix(k, surrenderPrefix):
		ok, err = MayReadEBL(r, strings.TrimPrefix(k, surrenderPrefix), c)
	case strings.HasPrefix(k, eblAmendPrefix):
		ok, err = MayReadEBL(r, first(eblAmendPrefix), c)
	case strings.HasPrefix(k, ssccPrefix):
		ok, err = MayReadEBL(r, last(ssccPrefix), c)
	case strings.HasPrefix(k, ctlPrefix):
		ok = MayReadOwn(first(ctlPrefix), c)
	case strings.HasPrefix(k, inboxPrefix):
		ok = MayReadOwn(first(inboxPrefix), c)
	case strings.HasPrefix(k, carrierPrefix):
		ok = MayReadOwn(first(carrierPrefix), c)
	case strings.HasPrefix(k, lcPartyPrefix):
		ok = MayReadOwn(first(lcPartyPrefix), c)
	case strings.HasPrefix(k, invoicePrefix):
		ok = MayReadOwn(first(invoicePrefix), c)
	case strings.HasPrefix(k, invFilePrefix):
		// The presentation the entry names decides: its credit's parties.
		var id []byte
		if id, err = r.Get(key); err == nil && id != nil {
			if no, _, isID := ParsePresentationID(string(id)); isID {
				ok, err = MayReadCredit(r, no, c)
			}
		}
	case strings.HasPrefix(k, calendarPrefix), k == string(rulesKey):
		ok = MayReadCalendar(c)
	case strings.HasPrefix(k, lcPrefix):
		ok, err = MayReadCredit(r, strings.TrimPrefix(k, lcPrefix), c)
	case strings.HasPrefix(k, lcLogPrefix):
		ok, err = MayReadCredit(r, first(lcLogPrefix), c)
	case strings.HasPrefix(k, lcAmendPrefix):
		ok, err = MayReadCredit(r, first(lcAmendPrefix), c)
	case strings.HasPrefix(k, presPrefix):
		ok, err = MayReadCredit(r, first(presPrefix), c)
	}
	return ok && err == nil
}

// txParties is what an action's body names, whatever the action.
type txParties struct {
	Ref           string `json:"ref"`
	To            string `json:"to"`
	Shipper       string `json:"shipper"`
	Consignee     string `json:"consignee"`
	No            string `json:"no"`
	ID            string `json:"id"`
	EBL           string `json:"ebl"`
	Applicant     string `json:"applicant"`
	Beneficiary   string `json:"beneficiary"`
	AdvisingBank  string `json:"advising_bank"`
	NominatedBank string `json:"nominated_bank"`
}

// CanReadTx implements module.Visibility: a transaction's body is read by
// the organisations it names (the shipper and consignee of an issue, the
// receiver of a transfer, the parties a credit's issue names) and by those
// who may read the bill or credit it acts on (MayReadEBL, MayReadCredit;
// a presentation's, as its credit). A calendar's is read by every member,
// as the calendar itself. Its signer's organisation and those who oversee
// always may (the app checks them first).
func (Module) CanReadTx(r module.Reader, action string, body []byte, c access.Caller) bool {
	if c.Oversees() {
		return true
	}
	if c.Public() {
		return false
	}
	if action == tradeapi.SetCalendar.Name {
		return MayReadCalendar(c)
	}
	var b txParties
	if err := json.Unmarshal(body, &b); err != nil {
		return false
	}
	if c.Is(compact([]string{b.To, b.Shipper, b.Consignee, b.Applicant, b.Beneficiary, b.AdvisingBank, b.NominatedBank})...) {
		return true
	}
	if b.ID != "" && b.No == "" {
		b.No, _, _ = ParsePresentationID(b.ID)
	}
	for _, ref := range []string{b.Ref, b.EBL} {
		if ref == "" {
			continue
		}
		if ok, err := MayReadEBL(r, ref, c); ok && err == nil {
			return true
		}
	}
	if b.No != "" {
		ok, err := MayReadCredit(r, b.No, c)
		return ok && err == nil
	}
	return false
}
