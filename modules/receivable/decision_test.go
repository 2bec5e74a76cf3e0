package receivable_test

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/tx"
)

// governance proposes an authorize_action proposal with proposer's admin
// key and has the others vote until it passes (approve) or fails; it
// returns the proposal's id.
func governance(t *testing.T, c *testchain.Chain, proposer, action, subject string, approve bool) uint64 {
	t.Helper()
	body := map[string]any{"kind": "authorize_action", "reason": "联盟决议：解除冻结",
		"action": map[string]any{"module": "receivable", "action": action, "subject": subject}}
	testchain.WantCode(t, "propose", c.Do(admin(c, proposer), "identity", "propose", body), errcode.OK)
	var id uint64
	for n := uint64(1); ; n++ {
		if _, err := identity.GetProposal(c.View(), n); err != nil {
			id = n - 1
			break
		}
	}
	for _, o := range consortium() {
		p, _ := identity.GetProposal(c.View(), id)
		if p.Status != identity.StatusVoting {
			break
		}
		if o.ID != proposer {
			testchain.WantCode(t, "vote", c.Do(admin(c, o.ID), "identity", "vote", map[string]any{"proposal_id": id, "approve": approve}), errcode.OK)
		}
	}
	want := identity.StatusPassed
	if !approve {
		want = identity.StatusRejected
	}
	if p, _ := identity.GetProposal(c.View(), id); p.Status != want {
		t.Fatalf("proposal %d is %s, want %s", id, p.Status, want)
	}
	return id
}

// TestUnfreezeByDecision: the consortium lifts a regulator's freeze by a
// governance decision naming the action and the receivable; any member's
// admin key carries it out, once.
func TestUnfreezeByDecision(t *testing.T) {
	f := newFx(t)
	c := f.c
	id := f.active(supA, 100*wan, 30)
	other := f.active(supB, 100*wan, 30)
	do(t, c, reg, "freeze", map[string]any{"id": id, "reason": "核查"}, errcode.OK)
	lift := func(pid uint64) map[string]any {
		return map[string]any{"id": id, "proposal_id": pid, "reason": "依联盟决议"}
	}

	// What governance may authorise: decision actions only, with a reason.
	for _, tc := range []struct {
		name string
		body map[string]any
		want errcode.Code
	}{
		{"no action", map[string]any{"kind": "authorize_action", "reason": "x"}, errcode.MalformedBody},
		{"with an org", map[string]any{"kind": "authorize_action", "reason": "x", "org_id": supA, "action": map[string]any{"module": "receivable", "action": "unfreeze_by_decision", "subject": id}}, errcode.MalformedBody},
		{"no reason", map[string]any{"kind": "authorize_action", "action": map[string]any{"module": "receivable", "action": "unfreeze_by_decision", "subject": id}}, errcode.MalformedBody},
		{"subject with a slash", map[string]any{"kind": "authorize_action", "reason": "x", "action": map[string]any{"module": "receivable", "action": "unfreeze_by_decision", "subject": "a/b"}}, errcode.MalformedBody},
		{"not a decision action", map[string]any{"kind": "authorize_action", "reason": "x", "action": map[string]any{"module": "receivable", "action": "unfreeze", "subject": id}}, errcode.RuleViolation},
		{"unknown module", map[string]any{"kind": "authorize_action", "reason": "x", "action": map[string]any{"module": "nobody", "action": "unfreeze_by_decision", "subject": id}}, errcode.RuleViolation},
		{"action with another kind", map[string]any{"kind": "remove_org", "org_id": supC, "action": map[string]any{"module": "receivable", "action": "unfreeze_by_decision", "subject": id}}, errcode.MalformedBody},
	} {
		testchain.WantCode(t, tc.name, c.Do(admin(c, bankA), "identity", "propose", tc.body), tc.want)
	}

	do(t, c, supB, "unfreeze_by_decision", lift(1), errcode.NotFound)
	// A proposal of another kind authorises nothing here.
	testchain.WantCode(t, "propose", c.Do(admin(c, bankA), "identity", "propose", map[string]any{"kind": "remove_org", "org_id": supC}), errcode.OK)
	do(t, c, supB, "unfreeze_by_decision", lift(1), errcode.Unauthorized)
	wrong := governance(t, c, bankA, "unfreeze_by_decision", other, true)
	do(t, c, supB, "unfreeze_by_decision", lift(wrong), errcode.Unauthorized)
	no := governance(t, c, bankA, "unfreeze_by_decision", id, false)
	do(t, c, supB, "unfreeze_by_decision", lift(no), errcode.Unauthorized)
	// While the vote runs, nothing is decided.
	testchain.WantCode(t, "propose", c.Do(admin(c, bankB), "identity", "propose", map[string]any{"kind": "authorize_action", "reason": "x",
		"action": map[string]any{"module": "receivable", "action": "unfreeze_by_decision", "subject": id}}), errcode.OK)
	do(t, c, supB, "unfreeze_by_decision", lift(no+1), errcode.Conflict)

	yes := governance(t, c, bankA, "unfreeze_by_decision", id, true)
	// A member key cannot carry it out; any organisation's admin key can.
	member := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(3))
	testchain.WantCode(t, "register", c.Do(admin(c, supB), "identity", "register_key", map[string]any{"public_key": member.Public()}), errcode.OK)
	testchain.WantCode(t, "member key", c.Do(member, "receivable", "unfreeze_by_decision", lift(yes)), errcode.Unauthorized)
	res := do(t, c, supB, "unfreeze_by_decision", lift(yes), errcode.OK)
	if !testchain.HasEvent(res, "receivable.unfrozen", "id", id, "by", supB, "proposal_id", fmt.Sprint(yes)) {
		t.Fatalf("unfreeze event %v", res.Events)
	}
	r := get(t, c, id)
	log, _ := receivable.Log(c.View(), id)
	if e := log[len(log)-1]; r.Frozen || e.Kind != receivable.KindUnfrozen || e.ProposalID != yes || e.By.Org != supB || e.Reason != "依联盟决议" {
		t.Fatalf("after the decision: %+v, %+v", r, e)
	}
	// Once: a new freeze needs a decision of its own, and a decision made
	// before a freeze does not cover it.
	do(t, c, reg, "freeze", map[string]any{"id": id, "reason": "再次核查"}, errcode.OK)
	do(t, c, supC, "unfreeze_by_decision", lift(yes), errcode.Conflict)
	do(t, c, reg, "unfreeze", map[string]any{"id": id, "reason": "核查完毕"}, errcode.OK)
	early := governance(t, c, bankB, "unfreeze_by_decision", id, true)
	do(t, c, reg2, "freeze", map[string]any{"id": id, "reason": "另案冻结"}, errcode.OK)
	do(t, c, supC, "unfreeze_by_decision", lift(early), errcode.Conflict)
	later := governance(t, c, bankB, "unfreeze_by_decision", id, true)
	do(t, c, reg, "unfreeze", map[string]any{"id": id, "reason": "x"}, errcode.Unauthorized)
	do(t, c, core, "unfreeze_by_decision", map[string]any{"id": id, "proposal_id": later}, errcode.OK)
	if log, _ := receivable.Log(c.View(), id); log[len(log)-1].Reason != "联盟决议：解除冻结" {
		t.Fatalf("without a note, the entry gives the proposal's reason: %+v", log[len(log)-1])
	}
	checkInvariants(t, c)
}
