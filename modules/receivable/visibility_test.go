package receivable_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// scopeReaders are the callers of the visibility tables: each test
// organisation with its roles, an auditor and the public.
func scopeReaders() map[string]access.Caller {
	out := map[string]access.Caller{"": {}, "auditor": {Org: "auditor", Roles: []role.Role{role.Auditor}}}
	for _, o := range consortium() {
		out[o.ID] = access.Caller{Org: o.ID, Roles: o.Roles}
	}
	return out
}

// TestVisibility reads every key family and every kind of transaction
// body as each reader: only the organisations each rule names, and the
// regulators and the auditor, may; the public never.
//
// The state: a root of core held by sup-a, split into a part offered to
// sup-b (which rejected it: sup-b stays on the lineage by its log), a
// part sup-a kept and asked bank-a to finance, and a remainder; a second
// root sup-c asked bank-b to confirm; a third root waiting for sup-c.
func TestVisibility(t *testing.T) {
	f := newFx(t)
	root := f.active(supA, 100*wan, 30)
	parts := f.split(supA, root, part{supB, 40 * wan}, part{supA, 30 * wan})
	offered, kept := parts[0], parts[1]
	do(t, f.c, supB, "reject", map[string]any{"id": offered, "reason": "数量不符"}, errcode.OK)
	f.requested(supA, kept, bankA)
	confirming := f.confirmationAsked(supC, bankB)
	waiting := f.issue(supC, 10*wan, 30)
	v := f.c.View()

	lineage := []string{core, supA, supB, bankA}
	credit := []string{core, bankA, bankB}
	keys := []struct {
		key     string
		readers []string // besides regulators and auditors
	}{
		{string(receivable.ReceivableKey(root)), lineage},
		{string(receivable.ReceivableKey(offered)), lineage},
		{string(receivable.LogKey(kept, 2)), lineage},
		{"receivable/root/" + root + "/" + kept, lineage},
		{string(receivable.ReceivableKey(confirming)), []string{core, supC, bankB}},
		{string(receivable.ReceivableKey(waiting)), []string{core, supC}},
		{"receivable/holder/" + supA + "/" + kept, []string{supA}},
		{"receivable/pending/" + supC + "/" + waiting, []string{supC}},
		{"receivable/finreq/" + bankA + "/" + kept, []string{bankA}},
		{"receivable/book/" + bankA + "/" + kept, []string{bankA}},
		{"receivable/confreq/" + bankB + "/" + confirming, []string{bankB}},
		{"receivable/obligor/" + core + "/" + root, credit},
		{string(receivable.CreditLineKey(core)), credit},
		{string(receivable.CreditLineKey(core2)), []string{core2, bankA, bankB}},
		{string(receivable.InvoiceKey(supA, "FX-1")), lineage},
		{string(receivable.InvoiceKey(supC, "FX-3")), []string{supC, core}},
		{string(receivable.InvoiceKey(supB, "FX-1")), []string{supB}}, // not registered: only its seller
		{"receivable/decision/0000000000000001", []string{core, core2, supA, supB, supC, bankA, bankB}},
		{string(receivable.ReceivableKey(bogusID)), nil},
		{"receivable/rc/not-an-id", nil},
		{"receivable/unknown/x", nil},
	}
	m := receivable.Module{}
	for _, k := range keys {
		for name, c := range scopeReaders() {
			want := slices.Contains(k.readers, name) || c.Oversees()
			if got := m.CanRead(v, []byte(k.key), c); got != want {
				t.Errorf("CanRead(%q, %q) = %v, want %v", k.key, name, got, want)
			}
		}
	}

	txs := []struct {
		action  string
		body    any
		readers []string // besides the signer, regulators and auditors
	}{
		{"issue", issueOf(supC, wan, "2027-01-01", tradeOf("X-1", wan)), []string{supC}},
		{"accept", idBody(waiting), []string{core, supC}},
		{"split_transfer", splitOf(root, part{supC, wan}), append([]string{supC}, lineage...)},
		{"request_financing", financeOf(kept, bankB, 400, 0, true), append([]string{bankB}, lineage...)},
		{"request_confirmation", map[string]any{"id": confirming, "bank": bankA}, []string{core, supC, bankA, bankB}},
		{"set_credit_line", map[string]any{"obligor": core2, "limit_fen": wan}, []string{core2, bankA, bankB}},
		{"freeze", map[string]any{"id": kept, "reason": "核查"}, lineage},
		{"settle", settleOf(bogusID, wan), nil},
		{"accept", "not an object", nil},
	}
	for _, tc := range txs {
		body, _ := json.Marshal(tc.body)
		for name, c := range scopeReaders() {
			want := slices.Contains(tc.readers, name) || c.Oversees()
			if got := m.CanReadTx(v, tc.action, body, c); got != want {
				t.Errorf("CanReadTx(%s %s, %q) = %v, want %v", tc.action, body, name, got, want)
			}
		}
	}

	// The parties of a tree, as the rule names them.
	got, err := receivable.Parties(v, offered)
	if err != nil || !slices.Equal(got, []string{bankA, core, supA, supB}) {
		t.Errorf("Parties(%s) = %v, %v", offered, got, err)
	}
}

// TestScopeObligor: a bank that is not party to a tree sees the
// obligor's totals but not its overdue parts; the obligor and a party
// bank see them. (The part under financing review is not overdue; the
// remainder is.)
func TestScopeObligor(t *testing.T) {
	f := newFx(t)
	root := f.active(supA, 100*wan, 5)
	kept := f.split(supA, root, part{supA, 30 * wan})[0]
	f.requested(supA, kept, bankA)
	date := addDays(today(f.c), 10)
	setDate(t, f.c, date)
	v := f.c.View()
	for name, want := range map[string]int{core: 1, bankA: 1, bankB: 0, reg: 1} {
		ov, err := receivable.ObligorOutstanding(v, core, date)
		if err != nil || len(ov.Overdue) != 1 {
			t.Fatalf("overdue of %s on %s: %+v, %v", core, date, ov, err)
		}
		if err := receivable.ScopeObligor(v, ov, scopeReaders()[name]); err != nil || len(ov.Overdue) != want || ov.OpenFen != 100*wan {
			t.Errorf("%s reads %d overdue parts (open %d), want %d: %v", name, len(ov.Overdue), ov.OpenFen, want, err)
		}
	}
}
