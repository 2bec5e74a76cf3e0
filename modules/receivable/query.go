package receivable

import (
	"bytes"
	"fmt"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// Getter reads single state values (module.KV and state.View satisfy it).
type Getter = module.Getter

// Reader reads and lists state values; state.View satisfies it.
type Reader = module.Reader

// GetReceivable returns a receivable, or a NotFound error.
func GetReceivable(r Getter, id string) (*Receivable, error) {
	if !field.IsRecordID(receivableKind, id) {
		return nil, errcode.New(errcode.NotFound, "no receivable %q (receivable ids look like RC20260101-0123456789ABCDEF0123)", id)
	}
	var rc Receivable
	if err := module.GetRecord(r, rcKey(id), &rc, "no receivable %q", id); err != nil {
		return nil, err
	}
	return &rc, nil
}

// GetCreditLine returns an obligor's credit line, or a NotFound error.
func GetCreditLine(r Getter, obligor string) (*CreditLine, error) {
	if !field.IsOrgID(obligor) {
		return nil, errcode.New(errcode.NotFound, "no credit line for %q: not an organisation id", obligor)
	}
	var cl CreditLine
	if err := module.GetRecord(r, creditKey(obligor), &cl, "no credit line for %q", obligor); err != nil {
		return nil, err
	}
	return &cl, nil
}

// GetInvoice returns the invoice seller registered under number no, or a
// NotFound error.
func GetInvoice(r Getter, seller, no string) (*Invoice, error) {
	if !field.IsOrgID(seller) {
		return nil, errcode.New(errcode.NotFound, "no invoice of seller %q: not an organisation id", seller)
	}
	if !invoiceNoPattern.MatchString(no) {
		return nil, errcode.New(errcode.NotFound, "no invoice %q: not an invoice number", no)
	}
	var inv Invoice
	if err := module.GetRecord(r, invoiceKey(seller, no), &inv, "no invoice %q of seller %s is registered", no, seller); err != nil {
		return nil, err
	}
	return &inv, nil
}

// Log returns a receivable's log in order (seq 1, 2, ...).
func Log(r Reader, id string) ([]LogEntry, error) {
	if _, err := GetReceivable(r, id); err != nil {
		return nil, err
	}
	var out []LogEntry
	err := module.EachJSON(r, []byte(logPrefix+id+"/"), func(_ []byte, e *LogEntry) { out = append(out, *e) })
	return out, err
}

func queryDate(name, s string) error {
	if err := field.Date(name, s); err != nil {
		return errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
	}
	return nil
}

func queryOrg(name, s string) error {
	if !field.IsOrgID(s) {
		return errcode.New(errcode.BadRequest, "%s %q is not an organisation id", name, s)
	}
	return nil
}

func holding(r Getter, rc *Receivable, today string) (Holding, error) {
	by, err := frozenBy(r, rc)
	return Holding{Receivable: *rc, EffectiveStatus: EffectiveStatus(rc, today), LockedBy: by}, err
}

func holdings(r Reader, prefix []byte, today string) ([]Holding, error) {
	ids, err := module.List(r, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]Holding, 0, len(ids))
	for _, id := range ids {
		rc, err := GetReceivable(r, id)
		if err != nil {
			return nil, fmt.Errorf("indexed receivable %s: %w", id, err)
		}
		h, err := holding(r, rc, today)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// statusTotals sums by status, in the order of Statuses, omitting empty
// statuses.
func statusTotals(list []Holding) []StatusTotal {
	out := make([]StatusTotal, 0, len(Statuses))
	for _, s := range Statuses {
		t := StatusTotal{Status: s}
		for _, h := range list {
			if h.EffectiveStatus == s {
				t.Count++
				t.FaceFen += h.FaceFen
				t.SettledFen += h.SettledFen
			}
		}
		if t.Count > 0 {
			out = append(out, t)
		}
	}
	return out
}

// Portfolio lists what holder holds and is offered, on date today
// (YYYY-MM-DD, for overdue).
func Portfolio(r Reader, holder, today string) (*PortfolioView, error) {
	if err := queryOrg("holder", holder); err != nil {
		return nil, err
	}
	if err := queryDate("date", today); err != nil {
		return nil, err
	}
	leaves, err := holdings(r, []byte(holderPrefix+holder+"/"), today)
	if err != nil {
		return nil, err
	}
	in, err := holdings(r, []byte(pendingPrefix+holder+"/"), today)
	if err != nil {
		return nil, err
	}
	v := &PortfolioView{Holder: holder, Date: today, Leaves: leaves, Incoming: in, ByStatus: statusTotals(leaves)}
	for _, h := range leaves {
		v.FaceFen += h.FaceFen
		v.SettledFen += h.SettledFen
	}
	v.OpenFen = v.FaceFen - v.SettledFen
	for _, h := range in {
		v.IncomingFen += h.FaceFen
	}
	return v, nil
}

// Lineage returns the tree of the root of id (a root or any of its parts)
// on date today.
func Lineage(r Reader, id, today string) (*LineageView, error) {
	if err := queryDate("date", today); err != nil {
		return nil, err
	}
	start, err := GetReceivable(r, id)
	if err != nil {
		return nil, err
	}
	root := start
	if !start.IsRoot() {
		if root, err = GetReceivable(r, start.RootID); err != nil {
			return nil, fmt.Errorf("root of %s: %w", id, err)
		}
	}
	nodes := map[string]*Receivable{}
	if err := iterIndexed(r, []byte(rootPrefix+root.ID+"/"), func(rc *Receivable) { nodes[rc.ID] = rc }); err != nil {
		return nil, err
	}
	v := &LineageView{RootID: root.ID, Obligor: root.Obligor, ConfirmingBank: root.ConfirmingBank, IssueDate: root.IssueDate,
		MaturityDate: root.MaturityDate, Date: today}
	var walk func(id string, depth int, lockedBy string) error
	walk = func(id string, depth int, lockedBy string) error {
		rc, ok := nodes[id]
		if !ok {
			return fmt.Errorf("lineage of %s: node %s is not indexed under its root", root.ID, id)
		}
		delete(nodes, id)
		if lockedBy == "" && rc.Frozen {
			lockedBy = rc.ID
		}
		v.Nodes = append(v.Nodes, LineageNode{
			ID: rc.ID, ParentID: rc.ParentID, Children: rc.Children, Depth: depth, Holder: rc.Holder, PendingHolder: rc.PendingHolder,
			FaceFen: rc.FaceFen, SettledFen: rc.SettledFen, Status: EffectiveStatus(rc, today), Frozen: rc.Frozen, LockedBy: lockedBy,
			Financed: rc.Financed, FinancingBank: rc.FinancingBank,
		})
		if len(rc.Children) == 0 {
			v.Leaves++
			v.LeafFaceFen += rc.FaceFen
			v.SettledFen += rc.SettledFen
		}
		for _, c := range rc.Children {
			if err := walk(c, depth+1, lockedBy); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root.ID, 0, ""); err != nil {
		return nil, err
	}
	if len(nodes) != 0 {
		return nil, fmt.Errorf("lineage of %s: %d indexed nodes are not reachable from the root", root.ID, len(nodes))
	}
	return v, nil
}

// iterIndexed loads every receivable named by an index prefix, in id
// order.
func iterIndexed(r Reader, prefix []byte, fn func(*Receivable)) error {
	ids, err := module.List(r, prefix)
	if err != nil {
		return err
	}
	for _, id := range ids {
		rc, err := GetReceivable(r, id)
		if err != nil {
			return fmt.Errorf("indexed receivable %s: %w", id, err)
		}
		fn(rc)
	}
	return nil
}

func summarize(r Reader, root *Receivable, today string) (RootSummary, error) {
	term, err := DaysBetween(root.IssueDate, root.MaturityDate)
	if err != nil {
		return RootSummary{}, err
	}
	s := RootSummary{ID: root.ID, Obligor: root.Obligor, Status: EffectiveStatus(root, today), FaceFen: root.FaceFen,
		IssueDate: root.IssueDate, MaturityDate: root.MaturityDate, TermDays: term, ConfirmingBank: root.ConfirmingBank}
	if err := iterIndexed(r, []byte(rootPrefix+root.ID+"/"), func(rc *Receivable) {
		if len(rc.Children) == 0 {
			s.Leaves++
			s.SettledFen += rc.SettledFen
		}
	}); err != nil {
		return s, err
	}
	if root.Status != StatusCancelled && root.Status != StatusRejected {
		s.OpenFen = s.FaceFen - s.SettledFen
	}
	return s, nil
}

// ObligorOutstanding returns what org owes on date today.
func ObligorOutstanding(r Reader, org, today string) (*ObligorView, error) {
	if err := queryOrg("obligor", org); err != nil {
		return nil, err
	}
	if err := queryDate("date", today); err != nil {
		return nil, err
	}
	v := &ObligorView{Obligor: org, Date: today}
	cl, ok, err := getCredit(r, org)
	if err != nil {
		return nil, err
	}
	if ok {
		v.HasCreditLine, v.LimitFen, v.OutstandingFen, v.AvailableFen = true, cl.LimitFen, cl.OutstandingFen, cl.LimitFen-cl.OutstandingFen
	}
	var roots []*Receivable
	if err := iterIndexed(r, []byte(obligorPrefix+org+"/"), func(rc *Receivable) { roots = append(roots, rc) }); err != nil {
		return nil, err
	}
	v.Issued = len(roots)
	for _, root := range roots {
		s, err := summarize(r, root, today)
		if err != nil {
			return nil, err
		}
		if s.OpenFen == 0 {
			continue
		}
		v.Roots = append(v.Roots, s)
		v.OpenFen += s.OpenFen
		if today > root.MaturityDate {
			if err := iterIndexed(r, []byte(rootPrefix+root.ID+"/"), func(rc *Receivable) {
				if EffectiveStatus(rc, today) == StatusOverdue {
					v.Overdue = append(v.Overdue, Holding{Receivable: *rc, EffectiveStatus: StatusOverdue})
				}
			}); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// FinancedBook returns bank's financing book on date today.
func FinancedBook(r Reader, bank, today string) (*BookView, error) {
	if err := queryOrg("bank", bank); err != nil {
		return nil, err
	}
	if err := queryDate("date", today); err != nil {
		return nil, err
	}
	v := &BookView{Bank: bank, Date: today}
	var err error
	if v.Entries, err = bookEntries(r, []byte(bookPrefix+bank+"/"), today); err != nil {
		return nil, err
	}
	if v.Requests, err = bookEntries(r, []byte(finReqPrefix+bank+"/"), today); err != nil {
		return nil, err
	}
	for _, e := range v.Entries {
		f := e.Financing
		v.AmountFen += f.AmountFen
		v.AdvanceFen += f.AdvanceFen
		v.DiscountFen += f.DiscountFen
		v.FeeFen += f.FeeFen
		if f.Recourse {
			v.RecourseFen += f.AmountFen
		}
		v.SettledFen += e.SettledFen
	}
	return v, nil
}

func bookEntries(r Reader, prefix []byte, today string) ([]BookEntry, error) {
	type ref struct {
		id  string
		seq uint64
	}
	var refs []ref
	var parseErr error
	err := r.Iterate(prefix, nil, func(k, v []byte) bool {
		var seq uint64
		if _, parseErr = fmt.Sscanf(string(v), "%d", &seq); parseErr != nil {
			parseErr = fmt.Errorf("index %q = %q: %w", k, v, parseErr)
			return false
		}
		refs = append(refs, ref{string(bytes.TrimPrefix(k, prefix)), seq})
		return true
	})
	if err == nil {
		err = parseErr
	}
	if err != nil {
		return nil, err
	}
	out := make([]BookEntry, 0, len(refs))
	for _, x := range refs {
		rc, err := GetReceivable(r, x.id)
		if err != nil {
			return nil, fmt.Errorf("indexed receivable %s: %w", x.id, err)
		}
		var e LogEntry
		if ok, err := module.GetJSON(r, logKey(x.id, x.seq), &e); err != nil {
			return nil, err
		} else if !ok || e.Financing == nil {
			return nil, fmt.Errorf("receivable %s: log entry %d is not a financing", x.id, x.seq)
		}
		out = append(out, BookEntry{ReceivableID: rc.ID, RootID: rc.RootID, Obligor: rc.Obligor, ConfirmingBank: rc.ConfirmingBank,
			Seq: x.seq, Financing: *e.Financing, Status: EffectiveStatus(rc, today), SettledFen: rc.SettledFen})
	}
	return out, nil
}

// Confirmations lists the confirmation requests standing for bank, on
// date today.
func Confirmations(r Reader, bank, today string) (*ConfirmationsView, error) {
	if err := queryOrg("bank", bank); err != nil {
		return nil, err
	}
	if err := queryDate("date", today); err != nil {
		return nil, err
	}
	v := &ConfirmationsView{Bank: bank, Date: today, Requests: []ConfirmationEntry{}}
	prefix := []byte(confReqPrefix + bank + "/")
	ids, err := module.List(r, prefix)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rc, err := GetReceivable(r, id)
		if err != nil {
			return nil, fmt.Errorf("indexed receivable %s: %w", id, err)
		}
		var e LogEntry
		if ok, err := module.GetJSON(r, logKey(id, rc.ConfirmationSeq), &e); err != nil {
			return nil, err
		} else if !ok || e.Kind != KindConfirmationRequested || e.Bank != bank {
			return nil, fmt.Errorf("receivable %s: log entry %d is not a confirmation request to %s", id, rc.ConfirmationSeq, bank)
		}
		h, err := holding(r, rc, today)
		if err != nil {
			return nil, err
		}
		v.Requests = append(v.Requests, ConfirmationEntry{Holding: h, Seq: e.Seq, RequestedBy: e.By, RequestedAt: e.Time})
	}
	return v, nil
}

// RegulatorOverview scans every receivable on date today.
func RegulatorOverview(r Reader, today string) (*OverviewView, error) {
	if err := queryDate("date", today); err != nil {
		return nil, err
	}
	v := &OverviewView{Date: today}
	var all []Holding
	var roots []*Receivable
	err := module.EachJSON(r, []byte(rcPrefix), func(_ []byte, rc *Receivable) {
		h := Holding{Receivable: *rc, EffectiveStatus: EffectiveStatus(rc, today)}
		all = append(all, h)
		if rc.IsRoot() {
			roots = append(roots, rc)
		}
		if rc.Frozen {
			h.LockedBy = rc.ID
			v.Frozen = append(v.Frozen, h)
		}
		if h.EffectiveStatus == StatusOverdue {
			v.Overdue = append(v.Overdue, h)
		}
		if len(rc.Children) == 0 && rc.Status != StatusCancelled && rc.Status != StatusRejected {
			v.OpenFen += rc.FaceFen - rc.SettledFen
		}
	})
	if err != nil {
		return nil, err
	}
	v.Receivables, v.Roots, v.ByStatus = len(all), len(roots), statusTotals(all)
	for _, root := range roots {
		if root.Status == StatusCancelled || root.Status == StatusRejected {
			continue
		}
		term, err := DaysBetween(root.IssueDate, root.MaturityDate)
		if err != nil {
			return nil, err
		}
		if term > LongTermDays {
			s, err := summarize(r, root, today)
			if err != nil {
				return nil, err
			}
			v.LongTerm = append(v.LongTerm, s)
		}
	}
	return v, nil
}

// CreditLinesSetBy lists the credit lines (授信额度) bank set last, in
// obligor order.
func CreditLinesSetBy(r Reader, bank string) ([]CreditLine, error) {
	if err := queryOrg("bank", bank); err != nil {
		return nil, err
	}
	var out []CreditLine
	err := module.EachJSON(r, []byte(creditPrefix), func(_ []byte, cl *CreditLine) {
		if cl.SetBy.Org == bank {
			out = append(out, *cl)
		}
	})
	return out, err
}
