package notary_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// disputed registers test file i first by first and then by second, and
// returns the two work ids.
func disputed(t *testing.T, c *testchain.Chain, i int, first, second string) (string, string) {
	t.Helper()
	f := str(testchain.Result(t, do(t, c, first, "register_work", workOf(i), errcode.OK)), "work_id")
	d := str(testchain.Result(t, do(t, c, second, "register_work", workOf(i), errcode.OK)), "work_id")
	return f, d
}

func licence(id, licensee string, exclusive bool) map[string]any {
	return map[string]any{"work_id": id, "licensee": licensee, "terms": "信息网络传播权", "from": "2026-03-01", "until": "2026-12-31", "exclusive": exclusive}
}

// TestDisputedWorkLocked: while a copyright dispute stands, neither the
// disputed registration nor the first one it conflicts with is
// transferred or licensed exclusively.
func TestDisputedWorkLocked(t *testing.T) {
	c := newChain(t)
	first, later := disputed(t, c, 1, "dep-a", "dep-b")
	before := testchain.Snapshot(t, c, "notary/")
	for _, tc := range []struct {
		org, action string
		body        map[string]any
	}{
		{"dep-a", "license_work", licence(first, "notary", true)},
		{"dep-a", "transfer_work", map[string]any{"work_id": first, "to": "notary"}},
		{"dep-b", "license_work", licence(later, "notary", true)},
		{"dep-b", "transfer_work", map[string]any{"work_id": later, "to": "notary"}},
	} {
		res := do(t, c, tc.org, tc.action, tc.body, errcode.Conflict)
		if !strings.Contains(res.Log, "resolve_dispute") || !strings.Contains(res.Log, "propose_settlement") {
			t.Errorf("%s of a disputed work: the message %q does not say how the dispute ends", tc.action, res.Log)
		}
	}
	testchain.SameState(t, "actions on disputed works", before, testchain.Snapshot(t, c, "notary/"))
	// A non-exclusive licence takes nothing from the other party.
	do(t, c, "dep-a", "license_work", licence(first, "notary", false), errcode.OK)
	for id, n := range map[string]int{first: 1, later: 1} {
		if w, _ := notary.GetWork(c.View(), id); w.OpenDisputes != n || w.LostTo != "" {
			t.Fatalf("work %s = %+v", id, w)
		}
	}
	if d, err := notary.GetDispute(c.View(), later); err != nil || d.Status != notary.DisputeOpen || d.FirstWork != first {
		t.Fatalf("dispute %+v, %v", d, err)
	}
}

// TestDisputeResolvedByCourt: a court's judgment names the prevailing
// registration; the winner is free again, the loser never acts again,
// and both logs record the judgment.
func TestDisputeResolvedByCourt(t *testing.T) {
	c := newChain(t)
	first, later := disputed(t, c, 1, "dep-a", "dep-b")
	third := str(testchain.Result(t, do(t, c, "notary", "register_work", workOf(1), errcode.OK)), "work_id")
	plain := str(testchain.Result(t, do(t, c, "dep-a", "register_work", workOf(2), errcode.OK)), "work_id")
	judgment := map[string]any{"work_id": later, "prevailing": later, "reference": "(2026)皖01民初123号", "note": "在后登记方提交了创作底稿"}
	refusals(t, c, "resolve_dispute", []vcase{
		{"not JSON", "court", []byte("judgment"), mal},
		{"work_id missing", "court", with(judgment, "work_id", nil), mal},
		{"prevailing missing", "court", with(judgment, "prevailing", nil), mal},
		{"prevailing not a work id", "court", with(judgment, "prevailing", "dep-b"), mal},
		{"reference missing", "court", with(judgment, "reference", nil), mal},
		{"reference blank", "court", with(judgment, "reference", " "), mal},
		{"reference 65 characters", "court", with(judgment, "reference", strings.Repeat("号", 65)), mal},
		{"unknown field", "court", with(judgment, "damages", 1), mal},
		{"work unknown", "court", with(judgment, "work_id", "WK20260101-0123456789ABCDEF0123"), notFound},
		{"the first registration named", "court", with(judgment, "work_id", first, "prevailing", first), rule},
		{"an undisputed work", "court", with(judgment, "work_id", plain, "prevailing", plain), rule},
		{"prevailing not a party", "court", with(judgment, "prevailing", third), rule},
		{"by a party", "dep-a", judgment, unauth},
		{"by the notary", "notary", judgment, unauth},
		{"by a bank", "bank", judgment, unauth},
	})
	res := do(t, c, "court", "resolve_dispute", judgment, errcode.OK)
	if r := testchain.Result(t, res); r["status"] != notary.DisputeResolved || r["prevailing"] != later {
		t.Fatalf("result %v", r)
	}
	if !testchain.HasEvent(res, "notary.dispute_resolved", "work_id", later, "first_work", first, "prevailing", later, "basis", "judgment", "by", "court") {
		t.Fatalf("event %v", res.Events)
	}
	do(t, c, "court", "resolve_dispute", with(judgment, "prevailing", first), errcode.Conflict)
	d, _ := notary.GetDispute(c.View(), later)
	if d.Status != notary.DisputeResolved || d.Resolution == nil || d.Resolution.Reference != "(2026)皖01民初123号" || d.Resolution.By.Org != "court" || d.Resolution.Prevailing != later {
		t.Fatalf("dispute %+v", d)
	}
	// The later registration prevailed: it is free; the first lost, but
	// stays party to the notary's dispute until that one is resolved too.
	lw, _ := notary.GetWork(c.View(), later)
	fw, _ := notary.GetWork(c.View(), first)
	if lw.OpenDisputes != 0 || lw.LostTo != "" || lw.Status != notary.StatusDisputed || fw.OpenDisputes != 1 || fw.LostTo != later || fw.Status != notary.StatusRegistered {
		t.Fatalf("after the judgment: later %+v, first %+v", lw, fw)
	}
	do(t, c, "dep-b", "license_work", licence(later, "notary", true), errcode.OK)
	do(t, c, "dep-b", "transfer_work", map[string]any{"work_id": later, "to": "notary"}, errcode.OK)
	do(t, c, "dep-a", "license_work", licence(first, "bank", false), errcode.Conflict)
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": first, "to": "bank"}, errcode.Conflict)
	for _, id := range []string{later, first} {
		log, _ := notary.WorkLog(c.View(), id)
		var found bool
		for _, e := range log {
			found = found || e.Kind == notary.KindDisputeResolved && e.Dispute.Prevailing == later && e.Dispute.Reference == "(2026)皖01民初123号" && e.By.Org == "court"
		}
		if !found {
			t.Fatalf("the log of %s does not record the judgment: %+v", id, log)
		}
	}
	// Resolving the other dispute in favour of the first registration
	// keeps it lost to the first judgment's winner.
	do(t, c, "court", "resolve_dispute", map[string]any{"work_id": third, "prevailing": first, "reference": "(2026)皖01民初124号"}, errcode.OK)
	if fw, _ := notary.GetWork(c.View(), first); fw.OpenDisputes != 0 || fw.LostTo != later {
		t.Fatalf("first after both judgments %+v", fw)
	}
	if tw, _ := notary.GetWork(c.View(), third); tw.LostTo != first {
		t.Fatalf("third %+v", tw)
	}
	open, _ := notary.ListDisputes(c.View(), notary.DisputeOpen)
	all, _ := notary.ListDisputes(c.View(), "")
	of, _ := notary.DisputesOf(c.View(), first)
	if len(open) != 0 || len(all) != 2 || len(of) != 2 {
		t.Fatalf("disputes: %d open, %d in all, %d of the first", len(open), len(all), len(of))
	}
}

// TestDisputeSettled: the owners settle: one proposes, the other accepts
// the standing proposal; a newer proposal replaces it.
func TestDisputeSettled(t *testing.T) {
	c := newChain(t)
	first, later := disputed(t, c, 1, "dep-a", "dep-b")
	propose := map[string]any{"work_id": later, "prevailing": later, "terms": "在后登记方取得著作权，向在先登记方支付补偿"}
	refusals(t, c, "propose_settlement", []vcase{
		{"terms missing", "dep-b", with(propose, "terms", nil), mal},
		{"terms 1001 characters", "dep-b", with(propose, "terms", strings.Repeat("款", 1001)), mal},
		{"prevailing missing", "dep-b", with(propose, "prevailing", nil), mal},
		{"the first registration named", "dep-b", with(propose, "work_id", first), rule},
		{"prevailing not a party", "dep-b", with(propose, "prevailing", "WK20260101-0123456789ABCDEF0123"), rule},
		{"by a third organisation", "notary", propose, unauth},
		{"by the court's role", "court", propose, unauth},
	})
	res := do(t, c, "dep-b", "propose_settlement", propose, errcode.OK)
	seq := testchain.Result(t, res)["seq"].(float64)
	accept := map[string]any{"work_id": later, "proposal_seq": seq}
	refusals(t, c, "accept_settlement", []vcase{
		{"proposal_seq missing", "dep-a", with(accept, "proposal_seq", nil), mal},
		{"proposal_seq zero", "dep-a", with(accept, "proposal_seq", 0), mal},
		{"by the proposer", "dep-b", accept, unauth},
		{"by a third organisation", "notary", accept, unauth},
		{"another proposal", "dep-a", with(accept, "proposal_seq", seq+1), conflict},
	})
	// dep-a answers with a proposal of its own, which replaces dep-b's.
	counter := do(t, c, "dep-a", "propose_settlement", with(propose, "prevailing", first, "terms", "在先登记方保留著作权，许可在后方使用"), errcode.OK)
	cseq := testchain.Result(t, counter)["seq"].(float64)
	do(t, c, "dep-a", "accept_settlement", with(accept, "proposal_seq", cseq), errcode.Unauthorized) // its own proposal
	do(t, c, "dep-b", "accept_settlement", accept, errcode.Conflict)                                 // dep-b's proposal was replaced
	res = do(t, c, "dep-b", "accept_settlement", with(accept, "proposal_seq", cseq), errcode.OK)
	if r := testchain.Result(t, res); r["prevailing"] != first || r["status"] != notary.DisputeResolved {
		t.Fatalf("result %v", r)
	}
	d, _ := notary.GetDispute(c.View(), later)
	if r := d.Resolution; d.Status != notary.DisputeResolved || d.Proposal != nil || r.Basis != notary.BasisSettlement || r.By.Org != "dep-b" ||
		r.ProposedBy == nil || r.ProposedBy.Org != "dep-a" || r.Prevailing != first {
		t.Fatalf("dispute %+v", d)
	}
	do(t, c, "dep-a", "propose_settlement", propose, errcode.Conflict)
	log, _ := notary.WorkLog(c.View(), later)
	kinds := []string{}
	for _, e := range log {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, " "); got != "settlement_proposed settlement_proposed dispute_resolved" {
		t.Fatalf("log of the disputed registration: %s", got)
	}
	// The first registration prevailed and is free; the later lost.
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": first, "to": "notary"}, errcode.OK)
	do(t, c, "dep-b", "license_work", licence(later, "bank", false), errcode.Conflict)
}
