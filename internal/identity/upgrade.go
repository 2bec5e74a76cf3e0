package identity

import (
	"regexp"
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// Software upgrades decided by governance (ADR 0019). An upgrade proposal
// names a release, the application protocol version it brings (the
// chain's version + 1) and the height from which the chain runs it. Once
// it passes, the plan is kept under identity/upgrade; the application
// reads it at the start of every block. At the plan's height a node whose
// software does not run that version stops before executing the block; a
// node that runs it records the new version and carries on. A
// cancel_upgrade proposal that passes before the height takes the plan
// away.

// Upgrade proposal kinds.
const (
	KindUpgrade       = "upgrade"
	KindCancelUpgrade = "cancel_upgrade"
)

// DefaultUpgradeMarginBlocks is how many blocks ahead of its proposal an
// upgrade height must be when the parameters set no margin: time for the
// members to vote and for every operator to install the release.
const DefaultUpgradeMarginBlocks = 1000

// UpgradePlan is a software upgrade: from block Height on, the chain runs
// application protocol Version, which release Name brings.
type UpgradePlan struct {
	Name    string `json:"name" doc:"the release to install, as its operators know it (v1.4.0)"`
	Version uint64 `json:"version" doc:"the application protocol version the release runs: the chain's version + 1"`
	Height  int64  `json:"height" doc:"the first block the new version executes; nodes running older software stop before it"`
	Info    string `json:"info,omitempty" doc:"where operators get the release and how to check it (address, checksum)"`
	// Proposal is the proposal that scheduled the upgrade (set by the chain).
	Proposal uint64 `json:"proposal_id,omitempty"`
}

var releaseName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// check validates the plan's own fields.
func (p *UpgradePlan) check() error {
	if !releaseName.MatchString(p.Name) {
		return errcode.New(errcode.MalformedBody, "release name %q: use 1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit (v1.4.0) / 版本名称须为 1-64 个字母、数字或 . _ + -", p.Name)
	}
	if err := field.Text("upgrade info", p.Info, 0, 500); err != nil {
		return err
	}
	if p.Height <= 0 {
		return errcode.New(errcode.MalformedBody, "an upgrade needs a positive height / 升级高度须为正数")
	}
	return nil
}

// UpgradeMargin is the number of blocks an upgrade height must lie ahead
// of its proposal.
func (p Params) UpgradeMargin() int64 {
	if p.UpgradeMarginBlocks > 0 {
		return p.UpgradeMarginBlocks
	}
	return DefaultUpgradeMarginBlocks
}

// GetUpgradePlan returns the upgrade plan on record, nil when there is
// none. A plan whose version the chain already runs was carried out
// (compare with module.ChainVersion).
func GetUpgradePlan(r Reader) (*UpgradePlan, error) {
	var p UpgradePlan
	ok, err := module.GetJSON(r, keyUpgrade, &p)
	if err != nil || !ok {
		return nil, err
	}
	return &p, nil
}

// ScheduledUpgrade returns the upgrade plan the chain has not carried out
// yet, nil when there is none.
func ScheduledUpgrade(r Reader) (*UpgradePlan, error) {
	p, err := GetUpgradePlan(r)
	if err != nil || p == nil {
		return nil, err
	}
	v, err := module.ChainVersion(r)
	if err != nil {
		return nil, err
	}
	if p.Version <= v {
		return nil, nil
	}
	return p, nil
}

// proposeUpgrade checks an upgrade proposal's plan against the chain now.
func proposeUpgrade(ctx *module.Context, b *ProposeBody) (*UpgradePlan, error) {
	if b.Upgrade == nil || b.Org != nil || b.OrgID != "" || b.Roles != nil || b.Validator != nil || b.Action != nil {
		return nil, errcode.New(errcode.MalformedBody, "an upgrade proposal needs \"upgrade\" (name, version, height) and nothing else / 升级提案只需 upgrade（名称、版本、高度）")
	}
	plan := *b.Upgrade
	plan.Proposal = 0
	if err := plan.check(); err != nil {
		return nil, err
	}
	params, err := GetParams(ctx.Store)
	if err != nil {
		return nil, err
	}
	if min := ctx.Height + params.UpgradeMargin(); plan.Height < min {
		return nil, errcode.New(errcode.RuleViolation, "upgrade height %d is too close: it must be at least %d blocks ahead of this proposal, so height %d or later, to leave time for the vote and for every operator to install the release / 升级高度 %d 太近：须比提案所在区块至少晚 %d 个区块（即不低于 %d），以便投票并让各节点安装新版本",
			plan.Height, params.UpgradeMargin(), min, plan.Height, params.UpgradeMargin(), min)
	}
	if err := checkUpgradeNow(ctx, &plan); err != nil {
		return nil, err
	}
	return &plan, nil
}

// checkUpgradeNow checks what may have changed between a proposal and its
// passing: the version follows the chain's, the height is still ahead, and
// no other upgrade is scheduled.
func checkUpgradeNow(ctx *module.Context, plan *UpgradePlan) error {
	v, err := module.ChainVersion(ctx.Store)
	if err != nil {
		return err
	}
	if plan.Version != v+1 {
		return errcode.New(errcode.RuleViolation, "the chain runs application version %d; an upgrade brings version %d, not %d / 链当前运行应用版本 %d，升级只能到版本 %d",
			v, v+1, plan.Version, v, v+1)
	}
	if plan.Height <= ctx.Height {
		return errcode.New(errcode.RuleViolation, "upgrade height %d has been reached (this block is %d); propose a later height / 升级高度 %d 已到（当前区块 %d），请提议更晚的高度",
			plan.Height, ctx.Height, plan.Height, ctx.Height)
	}
	cur, err := ScheduledUpgrade(ctx.Store)
	if err != nil {
		return err
	}
	if cur != nil {
		return errcode.New(errcode.Conflict, "upgrade %s to version %d is already scheduled at height %d; cancel it first with a cancel_upgrade proposal / 已有升级 %s（版本 %d，高度 %d）待执行，请先以 cancel_upgrade 提案取消",
			cur.Name, cur.Version, cur.Height, cur.Name, cur.Version, cur.Height)
	}
	return nil
}

// proposeCancelUpgrade checks a cancel_upgrade proposal: an upgrade must be
// scheduled, and the proposal names it.
func proposeCancelUpgrade(ctx *module.Context, b *ProposeBody) (*UpgradePlan, error) {
	if b.Org != nil || b.OrgID != "" || b.Roles != nil || b.Validator != nil || b.Action != nil {
		return nil, errcode.New(errcode.MalformedBody, "a cancel_upgrade proposal takes only \"upgrade\" (the name of the scheduled release, optional) and a reason / 取消升级提案只需 upgrade 名称与理由")
	}
	cur, err := scheduledFor(ctx)
	if err != nil {
		return nil, err
	}
	if b.Upgrade != nil && b.Upgrade.Name != "" && b.Upgrade.Name != cur.Name {
		return nil, errcode.New(errcode.Conflict, "the scheduled upgrade is %s, not %s / 待执行的升级是 %s，不是 %s", cur.Name, b.Upgrade.Name, cur.Name, b.Upgrade.Name)
	}
	return &UpgradePlan{Name: cur.Name, Version: cur.Version, Height: cur.Height, Proposal: cur.Proposal}, nil
}

// scheduledFor returns the scheduled upgrade that may still be cancelled.
func scheduledFor(ctx *module.Context) (*UpgradePlan, error) {
	cur, err := ScheduledUpgrade(ctx.Store)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, errcode.New(errcode.Conflict, "no upgrade is scheduled / 当前没有待执行的升级")
	}
	if cur.Height <= ctx.Height {
		return nil, errcode.New(errcode.RuleViolation, "upgrade %s took effect at height %d / 升级 %s 已在高度 %d 生效", cur.Name, cur.Height, cur.Name, cur.Height)
	}
	return cur, nil
}

// executeUpgrade schedules a passed upgrade proposal's plan.
func executeUpgrade(ctx *module.Context, p *Proposal) error {
	plan := *p.Upgrade
	if err := checkUpgradeNow(ctx, &plan); err != nil {
		return err
	}
	plan.Proposal = p.ID
	if err := module.PutJSON(ctx.Store, keyUpgrade, &plan); err != nil {
		return err
	}
	ctx.Emit("identity.upgrade_scheduled", "proposal_id", strconv.FormatUint(p.ID, 10), "name", plan.Name,
		"version", strconv.FormatUint(plan.Version, 10), "height", strconv.FormatInt(plan.Height, 10))
	return nil
}

// executeCancelUpgrade takes away the plan a passed cancel_upgrade
// proposal names, if it is still the scheduled one.
func executeCancelUpgrade(ctx *module.Context, p *Proposal) error {
	cur, err := scheduledFor(ctx)
	if err != nil {
		return err
	}
	if cur.Proposal != p.Upgrade.Proposal {
		return errcode.New(errcode.Conflict, "the upgrade this proposal cancels (%s, proposal %d) is no longer the scheduled one / 该提案要取消的升级已不是待执行的升级", p.Upgrade.Name, p.Upgrade.Proposal)
	}
	if err := ctx.Store.Delete(keyUpgrade); err != nil {
		return err
	}
	ctx.Emit("identity.upgrade_cancelled", "proposal_id", strconv.FormatUint(p.ID, 10), "name", cur.Name,
		"height", strconv.FormatInt(cur.Height, 10))
	return nil
}
