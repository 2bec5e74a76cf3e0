package receivable_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// world is the whole receivable state, decoded.
type world struct {
	rc      map[string]*receivable.Receivable
	ids     []string // sorted
	logs    map[string][]receivable.LogEntry
	credit  map[string]receivable.CreditLine
	invoice map[string]receivable.Invoice // by seller/number
	// decisions are the governance decisions carried out: proposal id
	// (16 hex) -> receivable id.
	decisions map[string]string
	index     map[string]map[string]string // kind -> rest of key -> value
}

// decoded keeps decoded records between checks, so that a long run only
// decodes what changed.
type decoded map[string]struct {
	raw string
	v   any
}

func decodeCached[T any](cache decoded, k, raw string) (*T, error) {
	if e, ok := cache[k]; ok && e.raw == raw {
		x := *e.v.(*T) // a copy: checks may not change the cache
		return &x, nil
	}
	x := new(T)
	if err := json.Unmarshal([]byte(raw), x); err != nil {
		return nil, err
	}
	if cache != nil {
		cache[k] = struct {
			raw string
			v   any
		}{raw, x}
	}
	y := *x
	return &y, nil
}

// checkInvariants reads the whole receivable state after a block and
// checks every invariant of the module. It returns the decoded state.
func checkInvariants(t testing.TB, c *testchain.Chain) *world {
	t.Helper()
	return checkInvariantsCached(t, c, nil)
}

func checkInvariantsCached(t testing.TB, c *testchain.Chain, cache decoded) *world {
	t.Helper()
	blockDate := c.Time.In(cstZone).Format(time.DateOnly)
	st := testchain.Snapshot(t, c, "receivable/")
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("height %d: "+format, append([]any{c.Height}, args...)...)
	}
	w := &world{rc: map[string]*receivable.Receivable{}, logs: map[string][]receivable.LogEntry{},
		credit: map[string]receivable.CreditLine{}, invoice: map[string]receivable.Invoice{}, decisions: map[string]string{}, index: map[string]map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(st)) {
		v := []byte(st[k])
		rest := strings.TrimPrefix(k, "receivable/")
		kind, tail, _ := strings.Cut(rest, "/")
		switch kind {
		case "rc":
			r, err := decodeCached[receivable.Receivable](cache, k, st[k])
			if err != nil || r.ID != tail {
				fail("receivable %s = %s (%v)", k, v, err)
			}
			w.rc[r.ID] = r
			w.ids = append(w.ids, r.ID)
		case "log":
			id, seq, _ := strings.Cut(tail, "/")
			e, err := decodeCached[receivable.LogEntry](cache, k, st[k])
			if err != nil || e.ReceivableID != id || fmt.Sprintf("%016x", e.Seq) != seq {
				fail("log entry %s = %s (%v)", k, v, err)
			}
			w.logs[id] = append(w.logs[id], *e) // key order is seq order
		case "credit":
			var cl receivable.CreditLine
			if err := json.Unmarshal(v, &cl); err != nil || cl.Obligor != tail {
				fail("credit line %s = %s (%v)", k, v, err)
			}
			w.credit[tail] = cl
		case "invoice":
			var inv receivable.Invoice
			if err := json.Unmarshal(v, &inv); err != nil || inv.Seller+"/"+inv.InvoiceNo != tail {
				fail("invoice %s = %s (%v)", k, v, err)
			}
			w.invoice[tail] = inv
		case "decision":
			w.decisions[tail] = string(v)
		case "root", "holder", "pending", "obligor", "finreq", "book", "confreq":
			if w.index[kind] == nil {
				w.index[kind] = map[string]string{}
			}
			w.index[kind][tail] = string(v)
		default:
			fail("unknown key %s", k)
		}
	}
	idx := func(kind, a, b string) (string, bool) {
		v, ok := w.index[kind][a+"/"+b]
		return v, ok
	}
	live := func(r *receivable.Receivable) bool {
		return r.Status != receivable.StatusCancelled && r.Status != receivable.StatusRejected
	}

	want := map[string]int{}
	leafFace := map[string]int64{}    // root -> sum of its leaves' faces
	rootSettled := map[string]int64{} // root -> sum of its leaves' settlements
	frozenNodes := map[string]int{}
	for _, id := range w.ids {
		r := w.rc[id]
		root := w.rc[r.RootID]
		if root == nil {
			fail("%s: root %s does not exist", id, r.RootID)
		}
		// Shape of the tree.
		if r.IsRoot() {
			if r.RootID != r.ID || r.Trade == nil {
				fail("root %s: root_id %s, trade %v", id, r.RootID, r.Trade)
			}
			want["obligor"]++
			if _, ok := idx("obligor", r.Obligor, id); !ok {
				fail("root %s is not indexed under its obligor", id)
			}
		} else {
			p := w.rc[r.ParentID]
			if p == nil || p.Status != receivable.StatusSplit || !slices.Contains(p.Children, id) || r.Trade != nil {
				fail("part %s: parent %s does not list it or is not split", id, r.ParentID)
			}
		}
		// Parts keep the root's terms; maturity at most a year after issue.
		if r.Obligor != root.Obligor || r.MaturityDate != root.MaturityDate || r.IssueDate != root.IssueDate || r.ConfirmingBank != root.ConfirmingBank {
			fail("%s does not carry the terms of its root %s: %+v vs %+v", id, root.ID, r, root)
		}
		latest, _ := time.Parse(time.DateOnly, r.IssueDate)
		if !(r.MaturityDate > r.IssueDate) || r.MaturityDate > latest.AddDate(1, 0, 0).Format(time.DateOnly) {
			fail("%s: maturity %s, issued %s", id, r.MaturityDate, r.IssueDate)
		}
		if r.FaceFen <= 0 || r.FaceFen > receivable.MaxFen {
			fail("%s: face %d", id, r.FaceFen)
		}
		if _, ok := idx("root", r.RootID, id); !ok {
			fail("%s is not indexed under its root", id)
		}
		want["root"]++
		if r.Frozen {
			frozenNodes[r.RootID]++
			if r.FreezeReason == "" || r.FrozenBy == "" || r.FrozenAt <= 0 {
				fail("%s is frozen without a reason, regulator or height: %+v", id, r)
			}
		} else if r.FreezeReason != "" || r.FrozenBy != "" || r.FrozenAt != 0 {
			fail("%s is not frozen but has a freeze's reason, regulator or height", id)
		}
		// A standing confirmation request: a root not yet confirmed, its
		// request in its log and in the bank's index.
		if v, ok := idx("confreq", r.ConfirmationBank, id); ok != (r.ConfirmationBank != "") || (ok && v != strconv.FormatUint(r.ConfirmationSeq, 10)) {
			fail("%s: confreq index %q %v, bank %q seq %d", id, v, ok, r.ConfirmationBank, r.ConfirmationSeq)
		}
		if r.ConfirmationBank != "" {
			want["confreq"]++
			if !r.IsRoot() || r.ConfirmingBank != "" || r.ConfirmationSeq == 0 || r.ConfirmationSeq > uint64(len(w.logs[id])) {
				fail("%s: confirmation request to %s (seq %d) on a part or a confirmed root", id, r.ConfirmationBank, r.ConfirmationSeq)
			}
			if e := w.logs[id][r.ConfirmationSeq-1]; e.Kind != receivable.KindConfirmationRequested || e.Bank != r.ConfirmationBank {
				fail("%s: log entry %d is not its confirmation request: %+v", id, r.ConfirmationSeq, e)
			}
		} else if r.ConfirmationSeq != 0 {
			fail("%s: confirmation seq %d without a request", id, r.ConfirmationSeq)
		}
		if !r.IsRoot() && r.FrozenNodes != 0 {
			fail("part %s counts frozen nodes", id)
		}
		// Value conservation: children's faces sum to the parent's.
		if r.Status == receivable.StatusSplit {
			if len(r.Children) == 0 || r.SettledFen != 0 || r.PendingHolder != "" || r.Financed || r.FinancingBank != "" {
				fail("split %s: %+v", id, r)
			}
			var sum int64
			for _, ch := range r.Children {
				cr := w.rc[ch]
				if cr == nil || cr.ParentID != id {
					fail("split %s: child %s missing or not its child", id, ch)
				}
				sum += cr.FaceFen
			}
			if sum != r.FaceFen {
				fail("split %s: children sum to %d, face %d", id, sum, r.FaceFen)
			}
			if _, ok := idx("holder", r.Holder, id); ok {
				fail("split %s is still indexed under its holder", id)
			}
		} else {
			if len(r.Children) != 0 {
				fail("%s has children but status %s", id, r.Status)
			}
			leafFace[r.RootID] += r.FaceFen
			rootSettled[r.RootID] += r.SettledFen
			// Exactly one holder.
			if r.Holder == "" {
				fail("leaf %s has no holder", id)
			}
			_, indexed := idx("holder", r.Holder, id)
			if indexed != live(r) {
				fail("leaf %s (%s) holder index %v", id, r.Status, indexed)
			}
			if indexed {
				want["holder"]++
			}
		}
		// Settlement never exceeds face; settled means paid in full.
		if r.SettledFen < 0 || r.SettledFen > r.FaceFen || (r.SettledFen == r.FaceFen) != (r.Status == receivable.StatusSettled) {
			fail("%s: settled %d of %d, status %s", id, r.SettledFen, r.FaceFen, r.Status)
		}
		if r.SettledFen > 0 && !slices.Contains([]string{receivable.StatusActive, receivable.StatusOverdue, receivable.StatusSettled}, r.Status) {
			fail("%s: settled %d with status %s", id, r.SettledFen, r.Status)
		}
		// Statuses and their fields.
		switch r.Status {
		case receivable.StatusPendingAcceptance:
			if r.PendingHolder == "" || r.PendingHolder == r.Holder {
				fail("pending %s: holder %s pending %s", id, r.Holder, r.PendingHolder)
			}
			if _, ok := idx("pending", r.PendingHolder, id); !ok {
				fail("pending %s is not indexed under %s", id, r.PendingHolder)
			}
			want["pending"]++
		case receivable.StatusActive, receivable.StatusOverdue, receivable.StatusSettled, receivable.StatusSplit,
			receivable.StatusCancelled, receivable.StatusRejected, receivable.StatusFinancingPending:
			if r.PendingHolder != "" {
				fail("%s (%s) has pending holder %s", id, r.Status, r.PendingHolder)
			}
		default:
			fail("%s has status %q", id, r.Status)
		}
		if r.Status == receivable.StatusOverdue && !(blockDate > r.MaturityDate) {
			fail("%s is stored overdue before its maturity %s", id, r.MaturityDate)
		}
		if (r.Status == receivable.StatusCancelled || r.Status == receivable.StatusRejected) && (!r.IsRoot() || r.Holder != r.Obligor) {
			fail("%s is %s but not a root held by its obligor", id, r.Status)
		}
		// Financing: pending requests and the bank's book.
		pendingFin := r.Status == receivable.StatusFinancingPending
		if pendingFin && (r.Financed || r.FinancingBank == "") {
			fail("%s: financing pending without a bank", id)
		}
		if v, ok := idx("finreq", r.FinancingBank, id); ok != pendingFin || (ok && v != strconv.FormatUint(r.FinancingSeq, 10)) {
			fail("%s: finreq index %q %v, status %s seq %d", id, v, ok, r.Status, r.FinancingSeq)
		}
		if pendingFin {
			want["finreq"]++
		}
		if r.Financed {
			if r.Holder != r.FinancingBank || !slices.Contains([]string{receivable.StatusActive, receivable.StatusOverdue, receivable.StatusSettled}, r.Status) {
				fail("financed %s: holder %s bank %s status %s", id, r.Holder, r.FinancingBank, r.Status)
			}
			if v, ok := idx("book", r.FinancingBank, id); !ok || v != strconv.FormatUint(r.FinancingSeq, 10) {
				fail("financed %s is not in %s's book", id, r.FinancingBank)
			}
			want["book"]++
		} else if !pendingFin && (r.FinancingBank != "" || r.FinancingSeq != 0) {
			fail("%s: financing bank %s seq %d without financing", id, r.FinancingBank, r.FinancingSeq)
		}
		checkLog(t, fail, r, w.logs[id])
	}
	// Every index entry names a record it agrees with (counts match).
	for kind, n := range want {
		if len(w.index[kind]) != n {
			fail("%d %s index entries, %d expected", len(w.index[kind]), kind, n)
		}
	}
	for kind, entries := range w.index {
		if want[kind] != len(entries) {
			fail("%d %s index entries, %d expected", len(entries), kind, want[kind])
		}
	}
	for id := range w.logs {
		if w.rc[id] == nil {
			fail("log of unknown receivable %s", id)
		}
	}
	// Every unit of value has one holder: the leaves of a root add up to
	// its face; its frozen count is right.
	outstanding := map[string]int64{}
	used := map[string]int64{}    // seller/number -> face of the live roots it backs
	accepted := map[string]bool{} // seller/number -> a root it backs was accepted by the seller
	for _, id := range w.ids {
		r := w.rc[id]
		if !r.IsRoot() {
			continue
		}
		if leafFace[id] != r.FaceFen {
			fail("root %s: leaves sum to %d, face %d", id, leafFace[id], r.FaceFen)
		}
		if r.FrozenNodes != frozenNodes[id] {
			fail("root %s counts %d frozen nodes, its tree has %d", id, r.FrozenNodes, frozenNodes[id])
		}
		no := r.Trade.InvoiceSeller + "/" + r.Trade.InvoiceNo
		if r.Trade.InvoiceSeller != w.logs[id][0].Transfer.To {
			fail("root %s: invoice seller %s, issued to %s", id, r.Trade.InvoiceSeller, w.logs[id][0].Transfer.To)
		}
		for _, e := range w.logs[id] {
			if e.Kind == receivable.KindAccepted {
				accepted[no] = true
			}
		}
		if !live(r) {
			continue // its invoice may since be another buyer's
		}
		outstanding[r.Obligor] += r.FaceFen - rootSettled[id]
		used[no] += r.FaceFen
		inv, ok := w.invoice[no]
		if !ok || inv.Buyer != r.Obligor || inv.AmountFen != r.Trade.InvoiceAmountFen || inv.SHA256 != r.Trade.InvoiceSHA256 {
			fail("root %s: invoice %s = %+v", id, no, inv)
		}
	}
	// Outstanding never exceeds the credit line; an invoice never backs
	// more than its amount.
	for org, cl := range w.credit {
		if cl.OutstandingFen != outstanding[org] || cl.OutstandingFen < 0 || cl.OutstandingFen > cl.LimitFen {
			fail("credit line of %s: outstanding %d (leaves say %d), limit %d", org, cl.OutstandingFen, outstanding[org], cl.LimitFen)
		}
	}
	for org, v := range outstanding {
		if _, ok := w.credit[org]; !ok && v != 0 {
			fail("%s owes %d without a credit line", org, v)
		}
	}
	// An invoice's registration stands while it backs something or once
	// its seller accepted a receivable it backs.
	for no, inv := range w.invoice {
		if inv.UsedFen != used[no] || inv.UsedFen > inv.AmountFen {
			fail("invoice %s: used %d (roots say %d), amount %d", no, inv.UsedFen, used[no], inv.AmountFen)
		}
		if inv.SellerAccepted && !accepted[no] || !inv.SellerAccepted && inv.UsedFen == 0 {
			fail("invoice %s: seller_accepted %v, used %d, a root accepted: %v", no, inv.SellerAccepted, inv.UsedFen, accepted[no])
		}
	}
	// A governance decision is carried out once, on a receivable whose
	// log records it.
	for pid, id := range w.decisions {
		found := false
		for _, e := range w.logs[id] {
			found = found || e.Kind == receivable.KindUnfrozen && fmt.Sprintf("%016x", e.ProposalID) == pid
		}
		if !found {
			fail("decision %s carried out on %s, whose log does not record it", pid, id)
		}
	}
	return w
}

// checkLog replays a receivable's log: sequence numbers, who held it,
// what was paid, and that a financed part never moved again.
func checkLog(t testing.TB, fail func(string, ...any), r *receivable.Receivable, log []receivable.LogEntry) {
	t.Helper()
	if uint64(len(log)) != r.LogLen || len(log) == 0 {
		fail("%s: log_len %d, %d entries", r.ID, r.LogLen, len(log))
	}
	holder, pending := "", ""
	var settled int64
	financed := false
	frozenBy, asked, askedBy, confirmed := "", "", "", ""
	if !r.IsRoot() {
		confirmed = r.ConfirmingBank // carried from the root
	}
	for i, e := range log {
		if e.Seq != uint64(i+1) {
			fail("%s: entry %d has seq %d", r.ID, i+1, e.Seq)
		}
		if financed && !slices.Contains([]string{receivable.KindSettled, receivable.KindFrozen, receivable.KindUnfrozen, receivable.KindConfirmed,
			receivable.KindConfirmationRequested, receivable.KindConfirmationWithdrawn, receivable.KindConfirmationDeclined}, e.Kind) {
			fail("%s: %s after it was financed", r.ID, e.Kind)
		}
		tr := e.Transfer
		switch e.Kind {
		case receivable.KindIssued, receivable.KindOffered:
			if i != 0 || tr == nil || tr.AmountFen != r.FaceFen {
				fail("%s: %s entry %d", r.ID, e.Kind, i+1)
			}
			holder, pending = tr.From, tr.To
		case receivable.KindKept:
			if i != 0 || tr == nil || tr.From != tr.To {
				fail("%s: kept entry %d", r.ID, i+1)
			}
			holder = tr.From
		case receivable.KindAccepted:
			if tr == nil || tr.From != holder || tr.To != pending || e.By.Org != pending {
				fail("%s: accepted entry %d: %+v (holder %s pending %s)", r.ID, i+1, tr, holder, pending)
			}
			holder, pending = pending, ""
		case receivable.KindRejected, receivable.KindCancelled:
			if tr == nil || tr.From != holder || tr.To != pending {
				fail("%s: %s entry %d: %+v", r.ID, e.Kind, i+1, tr)
			}
			pending = ""
		case receivable.KindFinancingApproved:
			f := e.Financing
			if f == nil || f.Applicant != holder || e.By.Org != f.Bank || f.AmountFen != r.FaceFen ||
				f.DiscountFen != receivable.Discount(f.AmountFen, f.RateBP, f.Days) || f.AdvanceFen != f.AmountFen-f.DiscountFen-f.FeeFen || f.AdvanceFen <= 0 {
				fail("%s: financing entry %d: %+v", r.ID, i+1, f)
			}
			holder, financed = f.Bank, true
		case receivable.KindSettled:
			s := e.Settlement
			if s == nil || s.Payee != holder || s.Payer != r.Obligor || s.AmountFen <= 0 || s.Date < r.MaturityDate {
				fail("%s: settlement entry %d: %+v", r.ID, i+1, s)
			}
			settled += s.AmountFen
			if s.SettledFen != settled || s.RemainingFen != r.FaceFen-settled {
				fail("%s: settlement entry %d: %+v", r.ID, i+1, s)
			}
		case receivable.KindFrozen:
			frozenBy = e.By.Org
		case receivable.KindUnfrozen:
			if e.ProposalID == 0 && e.By.Org != frozenBy {
				fail("%s: unfrozen by %s, frozen by %s, without a decision", r.ID, e.By.Org, frozenBy)
			}
			frozenBy = ""
		case receivable.KindConfirmationRequested:
			if !r.IsRoot() || e.Bank == "" || asked != "" || confirmed != "" || (e.By.Org != holder && e.By.Org != r.Obligor) {
				fail("%s: confirmation request %d by %s to %s (holder %s, asked %q, confirmed %q)", r.ID, i+1, e.By.Org, e.Bank, holder, asked, confirmed)
			}
			asked, askedBy = e.Bank, e.By.Org
		case receivable.KindConfirmationWithdrawn, receivable.KindConfirmationDeclined, receivable.KindConfirmationLapsed, receivable.KindConfirmed:
			by := map[string]string{receivable.KindConfirmationWithdrawn: askedBy, receivable.KindConfirmationDeclined: asked,
				receivable.KindConfirmed: asked, receivable.KindConfirmationLapsed: holder}[e.Kind]
			if asked == "" || e.Bank != asked || e.By.Org != by {
				fail("%s: %s entry %d by %s for %s; asked %q by %q", r.ID, e.Kind, i+1, e.By.Org, e.Bank, asked, askedBy)
			}
			if e.Kind == receivable.KindConfirmed {
				confirmed = asked
			}
			asked, askedBy = "", ""
		case receivable.KindSplit, receivable.KindFinancingRequested, receivable.KindFinancingDeclined:
		default:
			fail("%s: entry %d of kind %q", r.ID, i+1, e.Kind)
		}
	}
	if frozenBy != r.FrozenBy || asked != r.ConfirmationBank || confirmed != r.ConfirmingBank {
		fail("%s: the log says frozen by %q, asked %q, confirmed by %q; the record %q %q %q", r.ID, frozenBy, asked, confirmed, r.FrozenBy, r.ConfirmationBank, r.ConfirmingBank)
	}
	if holder != r.Holder || pending != r.PendingHolder || settled != r.SettledFen || financed != r.Financed {
		fail("%s: the log says holder %s pending %s settled %d financed %v; the record %s %s %d %v",
			r.ID, holder, pending, settled, financed, r.Holder, r.PendingHolder, r.SettledFen, r.Financed)
	}
}
