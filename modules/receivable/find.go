package receivable

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// The lists Find pages through: what an organisation is party to now,
// by its own indexes.
const (
	InAll           = ""              // every list below, together
	InHeld          = "held"          // the leaves it holds (holder index)
	InIncoming      = "incoming"      // waiting for its acceptance (pending index)
	InIssued        = "issued"        // the roots it issued (obligor index)
	InFinancing     = "financing"     // a bank's financing requests and book (finreq and book indexes)
	InConfirmations = "confirmations" // confirmation requests standing for a bank (confreq index)
)

// FindLists are the values of Find's in, "" (every list) aside.
var FindLists = []string{InHeld, InIncoming, InIssued, InFinancing, InConfirmations}

// Find page sizes.
const (
	FindPage    = 20
	FindMaxPage = 100
)

// FindLimit checks a list's page size: FindPage when 0, at most
// FindMaxPage.
func FindLimit(limit int) (int, error) { return module.PageLimit(limit, FindPage, FindMaxPage) }

// Find pages through the receivables org is party to now, in list in
// (InAll: all its lists; see FindLists), newest first (receivable ids
// start with their issue date), on date today: at most limit of those
// after the cursor after (the next of the previous page, "" for the
// first) that search matches, and the cursor of the following page.
// With org "" it pages through every receivable (for those who
// oversee). Search matches the receivable's id and root id, its
// contract and invoice numbers, its organisations (obligor, holder,
// receiver, banks) by id or name, and its status.
//
// Only the named organisation's index keys are listed; receivables are
// read one by one until the page is full. A search in every list that is
// exactly a receivable's id and matches nothing in them finds the
// receivable for every organisation on its lineage (Parties): one that
// was party to it once and holds no part of it now.
func Find(r Reader, org, in string, search *module.Search, after string, limit int, today string) ([]Holding, string, error) {
	if err := queryDate("date", today); err != nil {
		return nil, "", err
	}
	if after != "" && !IsID(after) {
		return nil, "", errcode.New(errcode.BadRequest, "cursor %q is not a receivable id: use the next value of the previous page, or nothing for the first page", after)
	}
	if in != InAll && !slices.Contains(FindLists, in) {
		return nil, "", errcode.New(errcode.BadRequest, "list %q: give one of %s, or nothing for every list", in, strings.Join(FindLists, ", "))
	}
	var prefixes [][]byte
	if org == "" {
		if in != InAll {
			return nil, "", errcode.New(errcode.BadRequest, "list %q needs an organisation", in)
		}
		prefixes = [][]byte{[]byte(rcPrefix)}
	} else {
		if err := queryOrg("org", org); err != nil {
			return nil, "", err
		}
		lists := map[string][]string{
			InHeld: {holderPrefix}, InIncoming: {pendingPrefix}, InIssued: {obligorPrefix},
			InFinancing: {finReqPrefix, bookPrefix}, InConfirmations: {confReqPrefix},
		}
		for _, l := range FindLists {
			if in == InAll || in == l {
				for _, p := range lists[l] {
					prefixes = append(prefixes, []byte(p+org+"/"))
				}
			}
		}
	}
	ids, err := module.ListUnder(r, prefixes...)
	if err != nil {
		return nil, "", err
	}
	byID := map[string]Holding{}
	page, next, err := module.PageDesc(ids, after, limit, func(id string) (bool, error) {
		rc, err := GetReceivable(r, id)
		if err != nil {
			return false, fmt.Errorf("indexed receivable %s: %w", id, err)
		}
		status := EffectiveStatus(rc, today)
		if !matchReceivable(search, rc, status) {
			return false, nil
		}
		h, err := holding(r, rc, today)
		byID[id] = h
		return true, err
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]Holding, 0, len(page))
	// A receivable looked up by its id is found by every organisation on
	// its lineage, not only those party to it now: the creditor that
	// split it, passed it on or had it financed reads it (ADR 0007), though
	// its lists no longer hold it, nor any part of it.
	if id := strings.ToUpper(search.Query()); org != "" && in == InAll && after == "" && len(page) == 0 && IsID(id) {
		if ok, err := onLineage(r, id, org); err != nil {
			return nil, "", err
		} else if ok {
			rc, err := GetReceivable(r, id)
			if err != nil {
				return nil, "", err
			}
			h, err := holding(r, rc, today)
			if err != nil {
				return nil, "", err
			}
			out = append(out, h)
		}
	}
	for _, id := range page {
		out = append(out, byID[id])
	}
	return out, next, nil
}

func matchReceivable(s *module.Search, rc *Receivable, status string) bool {
	if s.Empty() {
		return true
	}
	texts := []string{rc.ID, rc.RootID}
	if t := rc.Trade; t != nil {
		texts = append(texts, t.ContractNo, t.InvoiceNo)
	}
	if s.Text(texts...) || s.Enum("receivable.status", status) {
		return true
	}
	if rc.Frozen && s.Enum("receivable.frozen", "frozen") {
		return true
	}
	return s.Org(rc.Obligor, rc.Holder, rc.PendingHolder, rc.FinancingBank, rc.ConfirmingBank, rc.ConfirmationBank)
}
