package identity_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
)

func upgradeBody(name string, version uint64, height int64) map[string]any {
	return map[string]any{"kind": "upgrade", "upgrade": map[string]any{"name": name, "version": version, "height": height}}
}

// lastID is the number of the latest proposal.
func lastID(t *testing.T, c *testchain.Chain) uint64 {
	t.Helper()
	var id uint64
	for ; ; id++ {
		if _, err := identity.GetProposal(c.View(), id+1); err != nil {
			return id
		}
	}
}

// approveAll has every organisation but the proposer approve proposal id.
func approveAll(t *testing.T, c *testchain.Chain, id uint64, voters ...string) {
	t.Helper()
	for _, org := range voters {
		testchain.Do(t, c, org, "identity", "vote", map[string]any{"proposal_id": id, "approve": true}, errcode.OK)
	}
}

// TestUpgradeProposals: an upgrade proposal is refused unless its height
// leaves the margin and its version follows the chain's; passing it
// schedules the plan; a second plan waits for a cancel; a cancel takes the
// plan away; a plan that no longer holds when the vote completes is
// rejected with the reason.
func TestUpgradeProposals(t *testing.T) {
	// Software that runs version 2, so the chain upgrades at the height.
	c := testchain.New(t, testchain.Options{Orgs: fourOrgs(), Release: &app.Release{Version: 2}})
	c.Block() // the genesis state committed
	margin := int64(identity.DefaultUpgradeMarginBlocks)
	next := func() int64 { return c.Height + 1 } // the height of the proposal's block
	refusals := []struct {
		name string
		body map[string]any
		want errcode.Code
		says string
	}{
		{"too close", upgradeBody("v2.0.0", 2, next()+margin-1), errcode.RuleViolation, "too close"},
		{"version skips", upgradeBody("v3.0.0", 3, next()+margin+100), errcode.RuleViolation, "brings version 2, not 3"},
		{"same version", upgradeBody("v1.0.1", 1, next()+margin+100), errcode.RuleViolation, "brings version 2, not 1"},
		{"bad name", upgradeBody("v 2", 2, next()+margin+100), errcode.MalformedBody, "release name"},
		{"no plan", map[string]any{"kind": "upgrade"}, errcode.MalformedBody, "needs \"upgrade\""},
		{"plan and org", map[string]any{"kind": "upgrade", "org_id": "coop", "upgrade": map[string]any{"name": "v2", "version": 2, "height": next() + margin + 100}}, errcode.MalformedBody, "nothing else"},
		{"plan on another kind", map[string]any{"kind": "set_roles", "org_id": "coop", "roles": []string{"producer"}, "upgrade": map[string]any{"name": "v2"}}, errcode.MalformedBody, "takes no \"upgrade\""},
		{"cancel with nothing scheduled", map[string]any{"kind": "cancel_upgrade"}, errcode.Conflict, "no upgrade is scheduled"},
	}
	for _, tc := range refusals {
		before := testchain.Snapshot(t, c, "identity/")
		res := testchain.Do(t, c, "regulator", "identity", "propose", tc.body, tc.want)
		if !strings.Contains(res.Log, tc.says) {
			t.Errorf("%s: %q does not say %q", tc.name, res.Log, tc.says)
		}
		testchain.SameState(t, tc.name, before, testchain.Snapshot(t, c, "identity/"))
	}

	h := next() + margin
	testchain.Do(t, c, "regulator", "identity", "propose", upgradeBody("v2.0.0", 2, h), errcode.OK)
	first := lastID(t, c)
	if p, _ := identity.ScheduledUpgrade(c.View()); p != nil {
		t.Fatalf("scheduled before the vote: %+v", p)
	}
	approveAll(t, c, first, "coop", "bank")
	p, err := identity.ScheduledUpgrade(c.View())
	if err != nil || p == nil || p.Name != "v2.0.0" || p.Version != 2 || p.Height != h || p.Proposal != first {
		t.Fatalf("scheduled upgrade: %+v, %v", p, err)
	}

	// A second plan is refused while one is scheduled.
	res := testchain.Do(t, c, "coop", "identity", "propose", upgradeBody("v2.1.0", 2, next()+margin), errcode.Conflict)
	if !strings.Contains(res.Log, "cancel it first") {
		t.Errorf("second plan: %q", res.Log)
	}
	// A cancel naming another release is refused; the right one passes.
	testchain.Do(t, c, "coop", "identity", "propose", map[string]any{"kind": "cancel_upgrade", "upgrade": map[string]any{"name": "v9"}}, errcode.Conflict)
	testchain.Do(t, c, "coop", "identity", "propose", map[string]any{"kind": "cancel_upgrade", "upgrade": map[string]any{"name": "v2.0.0"}, "reason": "the release fails its checks"}, errcode.OK)
	cancel := lastID(t, c)
	// Meanwhile a second upgrade proposal may be made for after the cancel
	// (it is checked again when it passes).
	approveAll(t, c, cancel, "regulator", "bank")
	if p, _ := identity.ScheduledUpgrade(c.View()); p != nil {
		t.Fatalf("scheduled after the cancel: %+v", p)
	}
	if pr, _ := identity.GetProposal(c.View(), cancel); pr.Status != identity.StatusPassed || pr.Upgrade == nil || pr.Upgrade.Proposal != first {
		t.Fatalf("cancel proposal: %+v", pr)
	}

	// Two plans voted at once: the second to pass is rejected, with why.
	h2 := next() + margin
	testchain.Do(t, c, "regulator", "identity", "propose", upgradeBody("v2.0.1", 2, h2), errcode.OK)
	a := lastID(t, c)
	testchain.Do(t, c, "bank", "identity", "propose", upgradeBody("v2.0.2", 2, h2+1), errcode.OK)
	b := lastID(t, c)
	approveAll(t, c, a, "coop", "bank")
	approveAll(t, c, b, "coop", "regulator")
	pb, _ := identity.GetProposal(c.View(), b)
	if pb.Status != identity.StatusRejected || !strings.Contains(pb.Error, "already scheduled") {
		t.Fatalf("second plan passed while one was scheduled: %+v", pb)
	}
	if p, _ := identity.ScheduledUpgrade(c.View()); p == nil || p.Name != "v2.0.1" {
		t.Fatalf("scheduled: %+v", p)
	}

	// A cancel that completes after the height is rejected: the upgrade
	// happened.
	testchain.Do(t, c, "coop", "identity", "propose", map[string]any{"kind": "cancel_upgrade"}, errcode.OK)
	late := lastID(t, c)
	for c.Height < h2 {
		c.Block()
	}
	if v, _ := module.ChainVersion(c.View()); v != 2 {
		t.Fatalf("chain version %d after the height", v)
	}
	testchain.Do(t, c, "regulator", "identity", "vote", map[string]any{"proposal_id": late, "approve": true}, errcode.OK)
	testchain.Do(t, c, "bank", "identity", "vote", map[string]any{"proposal_id": late, "approve": true}, errcode.OK)
	pl, _ := identity.GetProposal(c.View(), late)
	if pl.Status != identity.StatusRejected || !strings.Contains(pl.Error, "no upgrade is scheduled") {
		t.Fatalf("late cancel: %+v", pl)
	}
}
