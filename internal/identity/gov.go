package identity

import (
	"crypto/ed25519"
	"slices"
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// ProposeBody is the body of identity/propose.
type ProposeBody struct {
	Kind      string      `json:"kind" doc:"add_org, admit, remove_org, set_roles, set_validator, authorize_action, upgrade or cancel_upgrade"`
	Org       *OrgSpec    `json:"org,omitempty" doc:"add_org: the organisation; a validator in it needs its proof of possession"`
	OrgID     string      `json:"org_id,omitempty" doc:"remove_org, set_roles, set_validator: the organisation"`
	Roles     []role.Role `json:"roles,omitempty" doc:"set_roles: the organisation's new roles; admit: the roles granted (default: those asked for)"`
	Validator *Validator  `json:"validator,omitempty" doc:"set_validator: the organisation's validator key and power (power 0: out of the set); a new key needs its proof of possession"`
	// Action is what an authorize_action proposal authorises: one module
	// action on one subject (ADR 0010).
	Action *module.ActionRef `json:"action,omitempty" doc:"authorize_action: the module action and the record it acts on"`
	// Application is the reference number of the application an admit
	// proposal admits (ADR 0020).
	Application string `json:"application,omitempty" doc:"admit: the application's reference number"`
	// Upgrade is the software upgrade an upgrade proposal schedules, or
	// (name only, optional) the one a cancel_upgrade proposal cancels
	// (ADR 0019).
	Upgrade *UpgradePlan `json:"upgrade,omitempty" doc:"upgrade: the release name, the application version it brings (the chain's + 1) and the height it takes effect; cancel_upgrade: the scheduled release's name (optional)"`
	Reason  string       `json:"reason,omitempty"`
}

// CheckProposal runs propose as ctx's signer would, to tell whether the
// chain would take the proposal now (a preview's dry run: ctx.Store is a
// throwaway copy of the state, whose writes are dropped).
func (m Module) CheckProposal(ctx *module.Context, b *ProposeBody) error { return m.propose(ctx, b) }

func (m Module) propose(ctx *module.Context, b *ProposeBody) error {
	if len(b.Reason) > 1000 {
		return errcode.New(errcode.MalformedBody, "reason must have at most 1000 bytes")
	}
	p := &Proposal{Kind: b.Kind, Proposer: ctx.Signer.Org, Reason: b.Reason, Status: StatusVoting, Created: ctx.Height}
	if b.Upgrade != nil && b.Kind != KindUpgrade && b.Kind != KindCancelUpgrade {
		return errcode.New(errcode.MalformedBody, "a %s proposal takes no \"upgrade\"", b.Kind)
	}
	switch b.Kind {
	case KindAddOrg:
		if b.Org == nil || b.OrgID != "" || b.Roles != nil || b.Validator != nil || b.Action != nil || b.Application != "" {
			return errcode.New(errcode.MalformedBody, "an add_org proposal needs \"org\" and nothing else")
		}
		if err := b.Org.Validate(m.roles()); err != nil {
			return errcode.New(errcode.MalformedBody, "%v", err)
		}
		if o, err := ctx.Store.Get(orgKey(b.Org.ID)); err != nil {
			return err
		} else if o != nil {
			return errcode.New(errcode.Conflict, "organisation id %q is taken (organisation ids are never reused)", b.Org.ID)
		}
		if v := b.Org.Validator; v != nil {
			if err := checkPossession(ctx.ChainID, b.Org.ID, v); err != nil {
				return err
			}
			// Refused now if it would be refused today; checked again
			// when the proposal passes.
			if _, err := planValidator(atContext(ctx), b.Org.ID, nil, v); err != nil {
				return err
			}
		}
		p.Org = b.Org
	case KindAdmit:
		if err := m.proposeAdmit(ctx, b, p); err != nil {
			return err
		}
	case KindRemoveOrg, KindSetRoles, KindSetValidator:
		if b.Org != nil || b.OrgID == "" || b.Action != nil || b.Application != "" {
			return errcode.New(errcode.MalformedBody, "a %s proposal needs \"org_id\"", b.Kind)
		}
		org, err := GetOrg(ctx.Store, b.OrgID)
		if err != nil {
			return err
		}
		if !org.Active {
			return errcode.New(errcode.Conflict, "organisation %s was already removed", org.ID)
		}
		p.OrgID = b.OrgID
		if b.Kind != KindSetRoles && b.Roles != nil {
			return errcode.New(errcode.MalformedBody, "a %s proposal takes no roles", b.Kind)
		}
		if b.Kind != KindSetValidator && b.Validator != nil {
			return errcode.New(errcode.MalformedBody, "a %s proposal takes no validator", b.Kind)
		}
		switch b.Kind {
		case KindSetRoles:
			roles, err := m.roles().Normalize(b.Roles)
			if err != nil {
				return errcode.New(errcode.MalformedBody, "%v", err)
			}
			p.Roles = roles
		case KindSetValidator:
			v, err := checkSetValidator(atContext(ctx), org, b.Validator)
			if err != nil {
				return err
			}
			p.Validator = v
		case KindRemoveOrg:
			if _, err := planRemoval(atContext(ctx), org); err != nil {
				return err
			}
		}
	case KindAuthorizeAction:
		if b.Action == nil || b.Org != nil || b.OrgID != "" || b.Roles != nil || b.Validator != nil || b.Application != "" {
			return errcode.New(errcode.MalformedBody, "an authorize_action proposal needs \"action\" (module, action, subject) and nothing else")
		}
		if err := b.Action.Check(); err != nil {
			return errcode.New(errcode.MalformedBody, "%v", err)
		}
		if !m.Decisions[b.Action.Module+"/"+b.Action.Action] {
			return errcode.New(errcode.RuleViolation, "%s/%s does not carry out governance decisions; the chain's decision actions are %s",
				b.Action.Module, b.Action.Action, m.decisionList())
		}
		if b.Reason == "" {
			return errcode.New(errcode.MalformedBody, "an authorize_action proposal needs a reason: what the consortium decides and why")
		}
		a := *b.Action
		p.Action = &a
	case KindUpgrade:
		plan, err := proposeUpgrade(ctx, b)
		if err != nil {
			return err
		}
		p.Upgrade = plan
	case KindCancelUpgrade:
		plan, err := proposeCancelUpgrade(ctx, b)
		if err != nil {
			return err
		}
		p.Upgrade = plan
	default:
		return errcode.New(errcode.MalformedBody, "proposal kind %q is not one of add_org, admit, remove_org, set_roles, set_validator, authorize_action, upgrade, cancel_upgrade", b.Kind)
	}
	params, err := GetParams(ctx.Store)
	if err != nil {
		return err
	}
	p.Deadline = ctx.Time.Unix() + params.VotingPeriodSeconds
	next, err := getCount(ctx.Store, keyNextProp)
	if err != nil {
		return err
	}
	if next == 0 {
		next = 1
	}
	p.ID = uint64(next)
	if err := ctx.Store.Set(keyNextProp, []byte(strconv.FormatInt(next+1, 10))); err != nil {
		return err
	}
	ctx.Emit("identity.proposal_created", "proposal_id", strconv.FormatUint(p.ID, 10), "kind", p.Kind, "proposer", p.Proposer)
	if p.Kind == KindAdmit {
		if err := linkAdmit(ctx, p); err != nil {
			return err
		}
	}
	// The proposer votes for its own proposal.
	return m.castVote(ctx, p, true)
}

// VoteBody is the body of identity/vote.
type VoteBody struct {
	ProposalID uint64 `json:"proposal_id"`
	Approve    bool   `json:"approve"`
}

// GetProposal returns a proposal, or a NotFound error.
func GetProposal(r Reader, id uint64) (*Proposal, error) {
	var p Proposal
	ok, err := module.GetJSON(r, proposalKey(id), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "no proposal %d", id)
	}
	return &p, nil
}

func (m Module) vote(ctx *module.Context, b *VoteBody) error {
	p, err := GetProposal(ctx.Store, b.ProposalID)
	if err != nil {
		return err
	}
	if p.Status != StatusVoting {
		return errcode.New(errcode.Conflict, "proposal %d is closed (%s at height %d)", p.ID, p.Status, p.Closed)
	}
	if ctx.Time.Unix() > p.Deadline {
		return errcode.New(errcode.RuleViolation, "voting on proposal %d ended at unix time %d", p.ID, p.Deadline)
	}
	for _, v := range p.Votes {
		if v.Org == ctx.Signer.Org {
			return errcode.New(errcode.Conflict, "organisation %s already voted on proposal %d", v.Org, p.ID)
		}
	}
	return m.castVote(ctx, p, b.Approve)
}

// castVote records the signer organisation's vote, tallies, and carries out
// the proposal once more than two thirds of the active organisations approve.
// It is rejected once approval can no longer reach that bar.
func (m Module) castVote(ctx *module.Context, p *Proposal, approve bool) error {
	p.Votes = append(p.Votes, Vote{Org: ctx.Signer.Org, Approve: approve, Height: ctx.Height})
	ctx.Emit("identity.vote", "proposal_id", strconv.FormatUint(p.ID, 10), "org", ctx.Signer.Org, "approve", strconv.FormatBool(approve))
	yes, no, err := tally(ctx.Store, p)
	if err != nil {
		return err
	}
	n, err := ActiveOrgs(ctx.Store)
	if err != nil {
		return err
	}
	switch {
	case 3*yes > 2*n:
		p.Status = StatusPassed
		p.Closed = ctx.Height
		if err := execute(ctx, p, m.roles()); err != nil {
			if errcode.Of(err) == errcode.Internal {
				return err
			}
			// The vote stands but the change cannot be made (for example the
			// organisation id was taken by another proposal meanwhile).
			p.Status = StatusRejected
			p.Error = errcode.Message(err)
		}
	case 3*(n-no) <= 2*n:
		p.Status = StatusRejected
		p.Closed = ctx.Height
	}
	if p.Status != StatusVoting && p.Kind == KindAdmit {
		if err := closeApplication(ctx, p); err != nil {
			return err
		}
	}
	if p.Status != StatusVoting {
		ctx.Emit("identity.proposal_closed", "proposal_id", strconv.FormatUint(p.ID, 10), "status", p.Status)
	}
	return module.PutJSON(ctx.Store, proposalKey(p.ID), p)
}

// tally counts the votes of organisations that are still active.
func tally(r Reader, p *Proposal) (yes, no int64, err error) {
	for _, v := range p.Votes {
		o, err := GetOrg(r, v.Org)
		if err != nil {
			return 0, 0, err
		}
		if !o.Active {
			continue
		}
		if v.Approve {
			yes++
		} else {
			no++
		}
	}
	return yes, no, nil
}

func execute(ctx *module.Context, p *Proposal, roles *role.Set) error {
	switch p.Kind {
	case KindAddOrg:
		spec := *p.Org
		var plan *validatorPlan
		if v := spec.Validator; v != nil {
			if err := spec.Validate(roles); err != nil {
				return errcode.New(errcode.MalformedBody, "%v", err)
			}
			var err error
			if plan, err = planValidator(atContext(ctx), spec.ID, nil, v); err != nil {
				return err
			}
		}
		if err := createOrg(ctx, &spec, roles); err != nil {
			return err
		}
		if plan != nil {
			if err := plan.apply(ctx); err != nil {
				return err
			}
		}
		ctx.Emit("identity.org_added", "org", spec.ID)
	case KindAdmit:
		return executeAdmit(ctx, p, roles)
	case KindRemoveOrg:
		org, err := activeOrg(ctx, p.OrgID)
		if err != nil {
			return err
		}
		plan, err := planRemoval(atContext(ctx), org)
		if err != nil {
			return err
		}
		if plan != nil {
			if err := plan.apply(ctx); err != nil {
				return err
			}
		}
		org.Active = false
		org.Removed = ctx.Height
		org.Validator = nil
		if err := module.PutJSON(ctx.Store, orgKey(org.ID), org); err != nil {
			return err
		}
		if err := addCount(ctx.Store, keyOrgCount, -1); err != nil {
			return err
		}
		ctx.Emit("identity.org_removed", "org", org.ID)
	case KindSetRoles:
		org, err := activeOrg(ctx, p.OrgID)
		if err != nil {
			return err
		}
		org.Roles = p.Roles
		if err := module.PutJSON(ctx.Store, orgKey(org.ID), org); err != nil {
			return err
		}
		ctx.Emit("identity.roles_changed", "org", org.ID)
	case KindSetValidator:
		org, err := activeOrg(ctx, p.OrgID)
		if err != nil {
			return err
		}
		var v *Validator
		if p.Validator.Power != 0 {
			v = &Validator{PubKey: p.Validator.PubKey, Power: p.Validator.Power}
		}
		plan, err := planValidator(atContext(ctx), org.ID, org.Validator, v)
		if err != nil {
			return err
		}
		if err := plan.apply(ctx); err != nil {
			return err
		}
		org.Validator = v
		if err := module.PutJSON(ctx.Store, orgKey(org.ID), org); err != nil {
			return err
		}
		ctx.Emit("identity.validator_changed", "org", org.ID, "power", strconv.FormatInt(p.Validator.Power, 10))
	case KindUpgrade:
		return executeUpgrade(ctx, p)
	case KindCancelUpgrade:
		return executeCancelUpgrade(ctx, p)
	case KindAuthorizeAction:
		// Nothing changes here: the module's decision action carries the
		// decision out, naming this proposal (ADR 0010).
		ctx.Emit("identity.action_authorized", "proposal_id", strconv.FormatUint(p.ID, 10),
			"module", p.Action.Module, "action", p.Action.Action, "subject", p.Action.Subject)
	}
	return nil
}

// activeOrg returns an organisation that is still a member.
func activeOrg(ctx *module.Context, id string) (*Org, error) {
	org, err := GetOrg(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if !org.Active {
		return nil, errcode.New(errcode.Conflict, "organisation %s was already removed", org.ID)
	}
	return org, nil
}

// planRemoval checks that org may leave: it is not the last member, and
// its validator (if any) may leave the set. The plan is nil when it runs
// no validator.
func planRemoval(a at, org *Org) (*validatorPlan, error) {
	n, err := ActiveOrgs(a.r)
	if err != nil {
		return nil, err
	}
	if n <= 1 {
		return nil, errcode.New(errcode.RuleViolation, "the consortium's last organisation cannot be removed")
	}
	if org.Validator == nil {
		return nil, nil
	}
	plan, err := planValidator(a, org.ID, org.Validator, nil)
	if err != nil {
		return nil, errcode.New(errcode.RuleViolation, "organisation %s runs a validator that cannot leave the set in one step (%s); lower its power first with set_validator proposals", org.ID, errcode.Message(err))
	}
	return plan, nil
}

// checkSetValidator checks a set_validator proposal's validator for org
// and returns it as the proposal keeps it.
func checkSetValidator(a at, org *Org, v *Validator) (*Validator, error) {
	if v == nil {
		return nil, errcode.New(errcode.MalformedBody, "a set_validator proposal needs \"validator\": its key and power (power 0 takes the organisation's validator out)")
	}
	if v.Power < 0 || v.Power > MaxValidatorPower {
		return nil, errcode.New(errcode.MalformedBody, "validator power %d is outside 0..%d", v.Power, MaxValidatorPower)
	}
	var after *Validator
	if v.Power == 0 {
		if org.Validator == nil {
			return nil, errcode.New(errcode.Conflict, "organisation %s runs no validator", org.ID)
		}
		if len(v.PubKey) != 0 && !slices.Equal(v.PubKey, org.Validator.PubKey) {
			return nil, errcode.New(errcode.MalformedBody, "power 0 takes out the organisation's validator; leave the key out or give its current key")
		}
		v = &Validator{PubKey: org.Validator.PubKey}
	} else {
		if len(v.PubKey) == 0 && org.Validator != nil {
			v = &Validator{PubKey: org.Validator.PubKey, Power: v.Power} // a new power for the same key
		}
		if len(v.PubKey) != ed25519.PublicKeySize {
			return nil, errcode.New(errcode.MalformedBody, "the validator key must be a 32-byte Ed25519 key")
		}
		if org.Validator == nil || !slices.Equal(v.PubKey, org.Validator.PubKey) {
			if err := checkPossession(a.chainID, org.ID, v); err != nil {
				return nil, err
			}
		} else if v.Power == org.Validator.Power {
			return nil, errcode.New(errcode.Conflict, "organisation %s's validator already has power %d", org.ID, v.Power)
		}
		after = &Validator{PubKey: v.PubKey, Power: v.Power}
	}
	if _, err := planValidator(a, org.ID, org.Validator, after); err != nil {
		return nil, err
	}
	return v, nil
}
