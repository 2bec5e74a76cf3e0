package app_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// The two builds of an upgrade, in one process: the shipped release
// (version 1) and the next one (version 2 with the probe's migration and
// action).
var (
	oldRelease  = &app.Release{Version: 1}
	nextRelease = &app.Release{Version: 2, Migrations: []app.Migration{app.ProbeMigration}, Modules: []module.Module{app.ProbeModule{}}}
)

func upgradeOrgs() []testchain.Org {
	return []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "bank", Roles: []role.Role{role.Bank}, Validator: true},
	}
}

// schedule proposes and passes an upgrade to version 2 at height h.
func schedule(t *testing.T, c *testchain.Chain, name string, h int64) {
	t.Helper()
	testchain.Do(t, c, "regulator", "identity", "propose", map[string]any{"kind": "upgrade", "upgrade": map[string]any{"name": name, "version": 2, "height": h}}, 0)
	id := lastProposal(t, c)
	testchain.Do(t, c, "bank", "identity", "vote", map[string]any{"proposal_id": id, "approve": true}, 0)
	p, err := identity.GetProposal(c.View(), id)
	if err != nil || p.Status != identity.StatusPassed {
		t.Fatalf("upgrade proposal %d: %+v, %v", id, p, err)
	}
}

func lastProposal(t *testing.T, c *testchain.Chain) uint64 {
	t.Helper()
	for id := uint64(1); ; id++ {
		if _, err := identity.GetProposal(c.View(), id); err != nil {
			if id == 1 {
				t.Fatal("no proposal")
			}
			return id - 1
		}
	}
}

// TestUpgradeAtHeight runs two nodes' applications side by side: one
// with the old software until the upgrade height, then the new; one with
// the new software from the start. Before the height both behave the same
// (same app hashes, the new action refused); at the height the old
// software refuses to execute the block, and again after a restart; the
// new software records the new version, runs the migration, tells
// CometBFT the new app version, and the new action works; both end with
// the same app hash.
func TestUpgradeAtHeight(t *testing.T) {
	a := testchain.New(t, testchain.Options{Orgs: upgradeOrgs(), Dir: t.TempDir(), Release: oldRelease})
	b := testchain.New(t, testchain.Options{Orgs: upgradeOrgs(), Dir: t.TempDir(), Release: nextRelease})
	both := func(f func(c *testchain.Chain) []byte) {
		t.Helper()
		ha, hb := f(a), f(b)
		if !bytes.Equal(ha, hb) {
			t.Fatalf("height %d: app hash %X with the old software, %X with the new", a.Height, ha, hb)
		}
	}
	h := a.Height + identity.DefaultUpgradeMarginBlocks + 5
	both(func(c *testchain.Chain) []byte { schedule(t, c, "v2.0.0", h); return c.Store.Root().Bytes() })
	if p, err := a.App.ScheduledUpgrade(); err != nil || p == nil || p.Height != h || p.Version != 2 || p.Name != "v2.0.0" {
		t.Fatalf("scheduled upgrade: %+v, %v", p, err)
	}

	// Before the height the new software refuses the new action as the
	// chain's rules say (the old one does not know it).
	hello := func(c *testchain.Chain) *abci.ExecTxResult {
		res, _ := c.Block(c.SignUnconsumed(c.Members["bank"].Admin, app.ProbeName, "hello", struct{}{}))
		return res[0]
	}
	if res := hello(a); errcode.Code(res.Code) != errcode.UnknownAction {
		t.Fatalf("old software, probe/hello: %s %q", errcode.Code(res.Code), res.Log)
	}
	if res := hello(b); errcode.Code(res.Code) != errcode.RuleViolation || !strings.Contains(res.Log, "from application version 2") {
		t.Fatalf("new software before the upgrade, probe/hello: %s %q", errcode.Code(res.Code), res.Log)
	}
	if res := b.Check(b.SignUnconsumed(b.Members["bank"].Admin, app.ProbeName, "hello", struct{}{})); errcode.Code(res.Code) != errcode.RuleViolation {
		t.Fatalf("new software before the upgrade, CheckTx probe/hello: %d %q", res.Code, res.Log)
	}
	for a.Height < h-1 {
		both(func(c *testchain.Chain) []byte { _, root := c.Block(); return root })
	}
	if a.App.ChainAppVersion() != 1 || b.App.ChainAppVersion() != 1 {
		t.Fatalf("chain version before the height: %d, %d", a.App.ChainAppVersion(), b.App.ChainAppVersion())
	}

	// At the height: the old software stops before executing the block.
	tx := a.Sign(a.Members["regulator"].Admin, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(7)).Public(), "name": "at-upgrade"})
	before := a.Store.Root()
	_, err := a.TryBlock(tx)
	var need *app.UpgradeNeededError
	if !errors.As(err, &need) || need.Plan.Name != "v2.0.0" || need.Plan.Height != h || need.Software != 1 {
		t.Fatalf("old software at the upgrade height: %v", err)
	}
	if !strings.Contains(err.Error(), "install release v2.0.0") || a.App.UpgradeNeeded() == nil {
		t.Fatalf("the message does not name the release: %v", err)
	}
	if a.Store.Root() != before || a.Store.Version() != h-1 {
		t.Fatalf("the refused block changed the state")
	}
	// A restart with the old software: it knows before any block.
	if err := a.Restart(oldRelease); err != nil {
		t.Fatal(err)
	}
	if need, err := a.App.CheckUpgrade(); err != nil || need == nil || need.Plan.Version != 2 {
		t.Fatalf("restarted old software: check upgrade %v, %v", need, err)
	}
	if need, err := b.App.CheckUpgrade(); err != nil || need != nil {
		t.Fatalf("new software: check upgrade %v, %v", need, err)
	}
	if _, err := a.TryBlock(tx); !errors.As(err, &need) {
		t.Fatalf("restarted old software at the upgrade height: %v", err)
	}

	// The new software on a's state executes the same block as b's.
	if err := a.Restart(nextRelease); err != nil {
		t.Fatal(err)
	}
	if need, err := a.App.CheckUpgrade(); err != nil || need != nil {
		t.Fatalf("new software on the old node: check upgrade %v, %v", need, err)
	}
	ra, err := a.TryBlock(tx)
	if err != nil {
		t.Fatalf("new software at the upgrade height: %v", err)
	}
	rb, err := b.TryBlock(tx)
	if err != nil {
		t.Fatalf("new software at the upgrade height: %v", err)
	}
	if !bytes.Equal(ra.AppHash, rb.AppHash) || ra.TxResults[0].Code != 0 {
		t.Fatalf("upgrade block: app hashes %X and %X, tx code %d %q", ra.AppHash, rb.AppHash, ra.TxResults[0].Code, ra.TxResults[0].Log)
	}
	for _, r := range []*abci.FinalizeBlockResponse{ra, rb} {
		if r.ConsensusParamUpdates == nil || r.ConsensusParamUpdates.Version == nil || r.ConsensusParamUpdates.Version.App != 2 {
			t.Fatalf("upgrade block: consensus params %v, want app version 2", r.ConsensusParamUpdates)
		}
		if len(r.Events) == 0 || r.Events[0].Type != "app.upgraded" {
			t.Fatalf("upgrade block: events %v", r.Events)
		}
	}
	for _, c := range []*testchain.Chain{a, b} {
		if v := c.App.ChainAppVersion(); v != 2 {
			t.Fatalf("chain version after the upgrade: %d", v)
		}
		if got, _ := c.View().Get(app.ProbeMigratedKey); string(got) != strconv.FormatInt(h, 10) {
			t.Fatalf("migration record %q, want %d", got, h)
		}
		info, _ := c.App.Info(t.Context(), &abci.InfoRequest{})
		if info.AppVersion != 2 {
			t.Fatalf("Info app version %d", info.AppVersion)
		}
		ups, err := c.App.Upgrades()
		if err != nil || len(ups) != 1 || ups[0].Name != "v2.0.0" || ups[0].Height != h {
			t.Fatalf("upgrades %+v, %v", ups, err)
		}
		if p, err := c.App.ScheduledUpgrade(); err != nil || p != nil {
			t.Fatalf("scheduled after the upgrade: %+v, %v", p, err)
		}
		if res := hello(c); res.Code != 0 {
			t.Fatalf("probe/hello after the upgrade: %d %q", res.Code, res.Log)
		}
	}
	if !bytes.Equal(a.Store.Root().Bytes(), b.Store.Root().Bytes()) {
		t.Fatalf("after the new action: app hashes differ")
	}
	// The old software cannot open the upgraded chain.
	if err := a.Restart(oldRelease); err == nil || !strings.Contains(err.Error(), "install release v2.0.0") {
		t.Fatalf("old software on the upgraded chain: %v", err)
	}
}
