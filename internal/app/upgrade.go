package app

import (
	"fmt"
	"strconv"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
)

// Software upgrades (ADR 0019). Governance schedules an upgrade plan
// (identity/upgrade: release name, version = chain version + 1, height).
// At the start of the block at the plan's height, software that does not
// run the version refuses to execute the block (UpgradeNeededError): the
// node stops, and a start with the same software stops again before
// CometBFT runs. Software that runs it writes the new version (app/version)
// and the upgrade's record, runs the version's migration, tells CometBFT
// the new app version (a consensus-parameter update, so the headers from
// the next block on carry it), and executes the block under the new
// version. Until then a newer binary behaves as the old one: every new
// behaviour is gated on the chain's version, never on the software's.

// Release is what a build of the software brings.
type Release struct {
	// Version is the highest application protocol version it runs.
	Version uint64
	// Migrations change the state when the chain upgrades to their
	// version; at most one per version, each in 2..Version.
	Migrations []Migration
	// Modules are modules this build adds to the chain's: their actions
	// declare the version they start from (module.Action.Since).
	Modules []module.Module
}

// Migration is what the chain's state needs when it upgrades to Version:
// Migrate runs at the start of the upgrade height's block, before its
// transactions, with the whole state in ctx.Store (not one module's keys).
// It must be deterministic, as a block is; an error stops the node rather
// than run the block without it.
type Migration struct {
	Version uint64
	Doc     string
	Migrate func(ctx *module.Context) error
}

func (r Release) check() error {
	if r.Version < 1 {
		return fmt.Errorf("release version %d: versions start at 1", r.Version)
	}
	seen := map[uint64]bool{}
	for _, m := range r.Migrations {
		if m.Version < 2 || m.Version > r.Version || m.Migrate == nil {
			return fmt.Errorf("migration to version %d: outside 2..%d or without a function", m.Version, r.Version)
		}
		if seen[m.Version] {
			return fmt.Errorf("two migrations to version %d", m.Version)
		}
		seen[m.Version] = true
	}
	return nil
}

func (r Release) migration(v uint64) *Migration {
	for i := range r.Migrations {
		if r.Migrations[i].Version == v {
			return &r.Migrations[i]
		}
	}
	return nil
}

// upgradeKey is app/upgrade/<16 hex digits version> -> UpgradeRecord.
func upgradeKey(v uint64) []byte { return fmt.Appendf(nil, "%s%016x", upgradePrefix, v) }

// UpgradeNeededError is the refusal to execute the block at an upgrade
// height with software that does not run the upgrade's version.
type UpgradeNeededError struct {
	Plan     identity.UpgradePlan
	Software uint64 // the highest version this software runs
}

func (e *UpgradeNeededError) Error() string {
	return fmt.Sprintf("UPGRADE NEEDED at height %d: the consortium upgraded the chain to application version %d (proposal %d); this software runs up to version %d: install release %s and start the node again / 需要升级：链自高度 %d 起运行应用版本 %d，本软件最高支持版本 %d，请安装版本 %s 后重新启动节点",
		e.Plan.Height, e.Plan.Version, e.Plan.Proposal, e.Software, e.Plan.Name, e.Plan.Height, e.Plan.Version, e.Software, e.Plan.Name)
}

// UpgradeNeeded returns the upgrade this software could not carry out, nil
// while it runs normally. Safe for concurrent use.
func (a *App) UpgradeNeeded() *UpgradeNeededError { return a.upgradeNeeded.Load() }

// CheckUpgrade returns an UpgradeNeededError when the next block this node
// executes is at (or past) a scheduled upgrade's height and this software
// does not run its version: the node must not start. Safe for concurrent
// use.
func (a *App) CheckUpgrade() (*UpgradeNeededError, error) {
	v, err := a.store.At(0)
	if err != nil {
		return nil, fmt.Errorf("check upgrade: %w", err)
	}
	plan, err := identity.ScheduledUpgrade(v)
	if err != nil {
		return nil, fmt.Errorf("check upgrade: %w", err)
	}
	if plan == nil || plan.Version <= a.release.Version || plan.Height > v.Version()+1 {
		return nil, nil
	}
	return &UpgradeNeededError{Plan: *plan, Software: a.release.Version}, nil
}

// ScheduledUpgrade returns the upgrade governance scheduled and the chain
// has not carried out yet, as of the last committed height; nil when
// there is none. Safe for concurrent use.
func (a *App) ScheduledUpgrade() (*identity.UpgradePlan, error) {
	v, err := a.store.At(0)
	if err != nil {
		return nil, fmt.Errorf("scheduled upgrade: %w", err)
	}
	return identity.ScheduledUpgrade(v)
}

// beginBlock carries out a scheduled upgrade whose height is the block's,
// and returns the version the block runs and, on an upgrade, the
// consensus-parameter update and events for CometBFT.
func (a *App) beginBlock(height int64, t time.Time) (uint64, *cmtproto.ConsensusParams, []abci.Event, error) {
	version := a.version.Load()
	plan, err := identity.ScheduledUpgrade(a.store)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read upgrade plan: %w", err)
	}
	if plan == nil || plan.Height > height {
		return version, nil, nil, nil
	}
	if plan.Version > a.release.Version {
		e := &UpgradeNeededError{Plan: *plan, Software: a.release.Version}
		if a.upgradeNeeded.CompareAndSwap(nil, e) {
			a.log.Error(e.Error())
		}
		return 0, nil, nil, e
	}
	if plan.Version != version+1 {
		return 0, nil, nil, errInternal("upgrade plan to version %d, the chain runs %d", plan.Version, version)
	}
	if err := a.store.Set(module.VersionKey, module.EncodeVersion(plan.Version)); err != nil {
		return 0, nil, nil, err
	}
	rec := UpgradeRecord{Name: plan.Name, Version: plan.Version, Height: height, Proposal: plan.Proposal}
	if err := module.PutJSON(a.store, upgradeKey(plan.Version), rec); err != nil {
		return 0, nil, nil, err
	}
	ev := abci.Event{Type: "app.upgraded", Attributes: []abci.EventAttribute{
		{Key: "name", Value: plan.Name, Index: true},
		{Key: "version", Value: strconv.FormatUint(plan.Version, 10), Index: true},
		{Key: "proposal_id", Value: strconv.FormatUint(plan.Proposal, 10)},
	}}
	events := []abci.Event{ev}
	if m := a.release.migration(plan.Version); m != nil {
		c := newCache(a.store)
		ctx := &module.Context{ChainID: a.chainID, Height: height, Time: t, Store: c, Version: plan.Version}
		if err := m.Migrate(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("migration to application version %d: %w", plan.Version, err)
		}
		if err := c.flush(a.store); err != nil {
			return 0, nil, nil, err
		}
		for _, e := range ctx.Events() {
			ae := abci.Event{Type: e.Type}
			for _, at := range e.Attrs {
				ae.Attributes = append(ae.Attributes, abci.EventAttribute{Key: at.Key, Value: at.Value, Index: true})
			}
			events = append(events, ae)
		}
	}
	a.log.Info("upgraded", "name", plan.Name, "version", plan.Version, "height", height, "migration", a.release.migration(plan.Version) != nil)
	return plan.Version, &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: plan.Version}}, events, nil
}
