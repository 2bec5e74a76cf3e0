package identity

import (
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// ProposeBody is the body of identity/propose.
type ProposeBody struct {
	Kind  string      `json:"kind" doc:"add_org, remove_org, set_roles or authorize_action"`
	Org   *OrgSpec    `json:"org,omitempty"`
	OrgID string      `json:"org_id,omitempty"`
	Roles []role.Role `json:"roles,omitempty"`
	// Action is what an authorize_action proposal authorises: one module
	// action on one subject (ADR 0006).
	Action *module.ActionRef `json:"action,omitempty"`
	Reason string            `json:"reason,omitempty"`
}

func (m Module) propose(ctx *module.Context, b *ProposeBody) error {
	if len(b.Reason) > 1000 {
		return errcode.New(errcode.MalformedBody, "reason must have at most 1000 bytes")
	}
	p := &Proposal{Kind: b.Kind, Proposer: ctx.Signer.Org, Reason: b.Reason, Status: StatusVoting, Created: ctx.Height}
	switch b.Kind {
	case KindAddOrg:
		if b.Org == nil || b.OrgID != "" || b.Roles != nil || b.Action != nil {
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
		p.Org = b.Org
	case KindRemoveOrg, KindSetRoles:
		if b.Org != nil || b.OrgID == "" || b.Action != nil {
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
		if b.Kind == KindSetRoles {
			roles, err := m.roles().Normalize(b.Roles)
			if err != nil {
				return errcode.New(errcode.MalformedBody, "%v", err)
			}
			p.Roles = roles
		} else if b.Roles != nil {
			return errcode.New(errcode.MalformedBody, "a remove_org proposal takes no roles")
		}
	case KindAuthorizeAction:
		if b.Action == nil || b.Org != nil || b.OrgID != "" || b.Roles != nil {
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
	default:
		return errcode.New(errcode.MalformedBody, "proposal kind %q is not one of add_org, remove_org, set_roles, authorize_action", b.Kind)
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
		if err := createOrg(ctx, &spec, roles); err != nil {
			return err
		}
		if v := spec.Validator; v != nil {
			ctx.UpdateValidator(v.PubKey, v.Power)
		}
		ctx.Emit("identity.org_added", "org", spec.ID)
	case KindRemoveOrg:
		org, err := GetOrg(ctx.Store, p.OrgID)
		if err != nil {
			return err
		}
		if !org.Active {
			return errcode.New(errcode.Conflict, "organisation %s was already removed", org.ID)
		}
		n, err := ActiveOrgs(ctx.Store)
		if err != nil {
			return err
		}
		if n <= 1 {
			return errcode.New(errcode.RuleViolation, "the consortium's last organisation cannot be removed")
		}
		if org.Validator != nil {
			vals, err := getCount(ctx.Store, keyValCount)
			if err != nil {
				return err
			}
			if vals <= 1 {
				return errcode.New(errcode.RuleViolation, "organisation %s runs the last validator; add another validator first", org.ID)
			}
			if err := addCount(ctx.Store, keyValCount, -1); err != nil {
				return err
			}
			ctx.UpdateValidator(org.Validator.PubKey, 0)
		}
		org.Active = false
		org.Removed = ctx.Height
		if err := module.PutJSON(ctx.Store, orgKey(org.ID), org); err != nil {
			return err
		}
		if err := addCount(ctx.Store, keyOrgCount, -1); err != nil {
			return err
		}
		ctx.Emit("identity.org_removed", "org", org.ID)
	case KindSetRoles:
		org, err := GetOrg(ctx.Store, p.OrgID)
		if err != nil {
			return err
		}
		if !org.Active {
			return errcode.New(errcode.Conflict, "organisation %s was already removed", org.ID)
		}
		org.Roles = p.Roles
		if err := module.PutJSON(ctx.Store, orgKey(org.ID), org); err != nil {
			return err
		}
		ctx.Emit("identity.roles_changed", "org", org.ID)
	case KindAuthorizeAction:
		// Nothing changes here: the module's decision action carries the
		// decision out, naming this proposal (ADR 0006).
		ctx.Emit("identity.action_authorized", "proposal_id", strconv.FormatUint(p.ID, 10),
			"module", p.Action.Module, "action", p.Action.Action, "subject", p.Action.Subject)
	}
	return nil
}
