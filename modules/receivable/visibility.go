package receivable

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
)

// Who may read what (ADR 0007). Receivables are business-confidential: a
// member reads only what it is party to, and regulators and auditors
// (access.Caller.Oversees) read everything. Each rule below is one
// function; the state and proof endpoints (CanRead), the explorer
// (CanReadTx), the module's read endpoints and its hall pages all decide
// with them, so they cannot disagree. keys.go says which rule guards
// which key.
//
// Every rule is decided on the latest state: the parties of a tree only
// grow (logs are append-only), so whoever may read it now may read any
// earlier height of it.

// Who may read, as refusals say it (ReadersX are the rules' names).
const (
	// ReadersLineage: a receivable, its log and its tree.
	ReadersLineage = "the organisations on the receivable's lineage (its obligor, every holder and receiver of its parts, the banks that financed them or were asked to, its confirming bank) and regulators or auditors"
	// ReadersOwn: an organisation's own holdings, book and requests.
	ReadersOwn = "that organisation itself and regulators or auditors"
	// ReadersCredit: an obligor's credit line and debt.
	ReadersCredit = "the obligor itself, banks (which assess its credit) and regulators or auditors"
	// ReadersInvoice: a registered invoice.
	ReadersInvoice = "its seller, its buyer, the organisations on the lineage of a receivable it backs, and regulators or auditors"
	// ReadersOverseers: every receivable at once.
	ReadersOverseers = "regulators and auditors"
)

// IsID reports whether id has the form of a receivable id. Reads of an id
// that has not are not_found whoever asks (the form says nothing of any
// record), and the rules decide only for ids of the right form.
func IsID(id string) bool { return field.IsRecordID(receivableKind, id) }

// MayReadReceivable reports whether c may read receivable id, its log and
// its lineage: c oversees, or c's organisation is on the lineage of id's
// root (Parties). A receivable that does not exist is read by nobody but
// those who oversee, so that a refusal says nothing of whether it exists.
func MayReadReceivable(r Reader, id string, c access.Caller) (bool, error) {
	if c.Oversees() {
		return true, nil
	}
	if c.Public() {
		return false, nil
	}
	return onLineage(r, id, c.Org)
}

// MayReadOwn reports whether c may read what an index or view of org
// holds: org's holdings and incoming receivables (Portfolio), a bank's
// financing book and requests (FinancedBook) and the confirmation
// requests standing for it (Confirmations). Every receivable these list
// is on a lineage org is party to.
func MayReadOwn(org string, c access.Caller) bool {
	return c.Oversees() || c.Is(org)
}

// MayReadCredit reports whether c may read obligor's credit line and what
// it owes (ObligorOutstanding: its open roots' totals): the obligor,
// any bank, since banks set credit lines and assess the obligor's
// credit, and those who oversee. The receivables themselves stay with
// their lineage: the debt view shows a bank only the overdue parts of
// trees it is party to (ScopeObligor).
func MayReadCredit(obligor string, c access.Caller) bool {
	return c.Oversees() || c.Is(obligor) || c.Has(role.Bank)
}

// MayReadOverview reports whether c may read every receivable at once
// (RegulatorOverview).
func MayReadOverview(c access.Caller) bool { return c.Oversees() }

// MayReadInvoice reports whether c may read the invoice seller registered
// under number no: its seller, its buyer (the obligor), the organisations
// on the lineage of any root it backs, and those who oversee.
func MayReadInvoice(r Reader, seller, no string, c access.Caller) (bool, error) {
	if c.Oversees() || c.Is(seller) {
		return true, nil
	}
	if c.Public() || !field.IsOrgID(seller) || !invoiceNoPattern.MatchString(no) {
		return false, nil
	}
	var inv Invoice
	ok, err := module.GetJSON(r, invoiceKey(seller, no), &inv)
	if err != nil || !ok {
		return false, err
	}
	if c.Is(inv.Buyer) {
		return true, nil
	}
	roots, err := module.List(r, []byte(obligorPrefix+inv.Buyer+"/"))
	if err != nil {
		return false, err
	}
	for _, id := range roots {
		root, err := GetReceivable(r, id)
		if err != nil {
			return false, err
		}
		if root.Trade == nil || root.Trade.InvoiceSeller != seller || root.Trade.InvoiceNo != no {
			continue
		}
		if ok, err := onLineage(r, id, c.Org); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// ScopeObligor leaves out of an obligor's debt view what c may not read:
// the overdue parts of trees c is not party to. The totals and the open
// roots' summaries are credit information (MayReadCredit).
func ScopeObligor(r Reader, v *ObligorView, c access.Caller) error {
	if c.Oversees() || c.Is(v.Obligor) {
		return nil
	}
	kept := v.Overdue[:0]
	for _, h := range v.Overdue {
		ok, err := MayReadReceivable(r, h.ID, c)
		if err != nil {
			return err
		}
		if ok {
			kept = append(kept, h)
		}
	}
	v.Overdue = kept
	return nil
}

// Parties returns the organisations on the lineage of id's root, in id
// order: its obligor, and everyone any receivable of the tree names, now
// or in its log: holders and receivers (offered, accepted, rejected,
// cancelled), the splitters' parts' receivers, the banks that financed a
// part or were asked to and the holders that asked, the banks asked to
// confirm the root and its confirming bank, and the holders paid. The
// signers of freezes, unfreezes and governance decisions are not parties
// by signing: regulators oversee, and the organisation that carries out a
// decision reads it on the proposal.
func Parties(r Reader, id string) ([]string, error) {
	set := map[string]bool{}
	err := eachParty(r, id, func(org string) bool { set[org] = true; return true })
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for org := range set {
		out = append(out, org)
	}
	slices.Sort(out)
	return out, nil
}

// onLineage reports whether org is among Parties(id), stopping at the
// first sighting.
func onLineage(r Reader, id, org string) (bool, error) {
	found := false
	err := eachParty(r, id, func(o string) bool {
		found = o == org
		return !found
	})
	return found, err
}

// eachParty calls fn with each party of id's tree (possibly more than
// once) until fn returns false: first the fields of id's own record and
// of its root, which name most readers, then every other record of the
// tree, then their logs. A receivable that does not exist has no
// parties.
func eachParty(r Reader, id string, fn func(org string) bool) error {
	if !IsID(id) {
		return nil
	}
	fields := func(rc *Receivable) bool {
		for _, o := range []string{rc.Obligor, rc.Holder, rc.PendingHolder, rc.FinancingBank, rc.ConfirmingBank, rc.ConfirmationBank} {
			if o != "" && !fn(o) {
				return false
			}
		}
		return true
	}
	var start Receivable
	ok, err := module.GetJSON(r, rcKey(id), &start)
	if err != nil || !ok || !fields(&start) {
		return err
	}
	logLen := map[string]uint64{id: start.LogLen}
	if start.RootID != id {
		var root Receivable
		ok, err := module.GetJSON(r, rcKey(start.RootID), &root)
		if err != nil || !ok || !fields(&root) {
			return err
		}
		logLen[root.ID] = root.LogLen
	}
	ids, err := module.List(r, []byte(rootPrefix+start.RootID+"/"))
	if err != nil {
		return err
	}
	for _, n := range ids {
		if _, seen := logLen[n]; seen {
			continue
		}
		var rc Receivable
		if ok, err := module.GetJSON(r, rcKey(n), &rc); err != nil {
			return err
		} else if ok && !fields(&rc) {
			return nil
		}
		logLen[n] = rc.LogLen
	}
	// Log entries are read by key (seq 1 to LogLen): many point reads
	// cost less than an iterator per record.
	for _, n := range ids {
		for seq := uint64(1); seq <= logLen[n]; seq++ {
			var e LogEntry
			if ok, err := module.GetJSON(r, logKey(n, seq), &e); err != nil {
				return err
			} else if !ok {
				continue
			}
			for _, o := range entryParties(&e) {
				if o != "" && !fn(o) {
					return nil
				}
			}
		}
	}
	return nil
}

// entryParties are the organisations a log entry names.
func entryParties(e *LogEntry) []string {
	var out []string
	if t := e.Transfer; t != nil {
		out = append(out, t.From, t.To)
	}
	if s := e.Split; s != nil {
		for _, p := range s.Parts {
			out = append(out, p.To)
		}
	}
	if f := e.Financing; f != nil {
		out = append(out, f.Bank, f.Applicant)
	}
	if s := e.Settlement; s != nil {
		out = append(out, s.Payer, s.Payee)
	}
	return append(out, e.Bank)
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
	var ok bool
	var err error
	switch {
	case strings.HasPrefix(k, rcPrefix):
		ok, err = MayReadReceivable(r, strings.TrimPrefix(k, rcPrefix), c)
	case strings.HasPrefix(k, logPrefix):
		ok, err = MayReadReceivable(r, first(logPrefix), c)
	case strings.HasPrefix(k, rootPrefix):
		ok, err = MayReadReceivable(r, first(rootPrefix), c)
	case strings.HasPrefix(k, holderPrefix):
		ok = MayReadOwn(first(holderPrefix), c)
	case strings.HasPrefix(k, pendingPrefix):
		ok = MayReadOwn(first(pendingPrefix), c)
	case strings.HasPrefix(k, finReqPrefix):
		ok = MayReadOwn(first(finReqPrefix), c)
	case strings.HasPrefix(k, bookPrefix):
		ok = MayReadOwn(first(bookPrefix), c)
	case strings.HasPrefix(k, confReqPrefix):
		ok = MayReadOwn(first(confReqPrefix), c)
	case strings.HasPrefix(k, obligorPrefix):
		ok = MayReadCredit(first(obligorPrefix), c)
	case strings.HasPrefix(k, creditPrefix):
		ok = MayReadCredit(strings.TrimPrefix(k, creditPrefix), c)
	case strings.HasPrefix(k, invoicePrefix):
		seller, no, _ := strings.Cut(strings.TrimPrefix(k, invoicePrefix), "/")
		ok, err = MayReadInvoice(r, seller, no, c)
	case strings.HasPrefix(k, decisionPref):
		// The decision a proposal led to: every member reads the
		// proposal, which names the receivable.
		ok = true
	}
	return ok && err == nil
}

// txParties is what an action's body names, whatever the action.
type txParties struct {
	ID      string `json:"id"`
	To      string `json:"to"`
	Bank    string `json:"bank"`
	Obligor string `json:"obligor"`
	Parts   []struct {
		To string `json:"to"`
	} `json:"parts"`
}

// CanReadTx implements module.Visibility: a transaction's body is read by
// the organisations it names (the receiver of an issue or a part, the
// bank asked to finance or confirm) and by those who may read the
// receivable it acts on (MayReadReceivable). A credit line's is read as
// the line itself (MayReadCredit). Its signer's organisation and those
// who oversee always may (the app checks them first).
func (Module) CanReadTx(r module.Reader, action string, body []byte, c access.Caller) bool {
	if c.Oversees() {
		return true
	}
	if c.Public() {
		return false
	}
	var b txParties
	if err := json.Unmarshal(body, &b); err != nil {
		return false
	}
	if b.Obligor != "" && MayReadCredit(b.Obligor, c) {
		return true
	}
	named := []string{b.To, b.Bank}
	for _, p := range b.Parts {
		named = append(named, p.To)
	}
	if c.Is(named...) {
		return true
	}
	if b.ID == "" {
		return false
	}
	ok, err := MayReadReceivable(r, b.ID, c)
	return ok && err == nil
}
