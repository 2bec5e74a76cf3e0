package gateway

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/state"
)

// GovernancePreview answers POST /v1/governance/preview: what a proposal
// would do to the validator set if it passed in the next block, whether
// the chain's rules allow it, and this node's warnings about liveness,
// which depend on which validators are signing blocks now.
type GovernancePreview struct {
	Height     int64              `json:"height"`
	Allowed    bool               `json:"allowed"`
	Refusal    *ErrorBody         `json:"refusal,omitempty"`
	Before     []PreviewValidator `json:"before"`
	After      []PreviewValidator `json:"after,omitempty"`
	MovedPower int64              `json:"moved_power"`
	Warnings   []Warning          `json:"warnings"`
	// Roles is what a change of an organisation's roles, or its removal,
	// adds and takes away.
	Roles *RoleChange `json:"roles,omitempty"`
}

// RoleChange is what a proposal does to an organisation's roles.
type RoleChange struct {
	Org     string      `json:"org"`
	Added   []role.Role `json:"added"`
	Removed []role.Role `json:"removed"`
}

// PreviewValidator is one validator in a preview: its organisation,
// power, share of the total in thousandths, and whether it signed the
// latest commit (a validator new to the set has not).
type PreviewValidator struct {
	Org           string `json:"org"`
	Power         int64  `json:"power"`
	SharePermille int64  `json:"share_permille"`
	Signing       bool   `json:"signing"`
}

// Warning is a node's advice about a proposal: a stable code and a
// message for people.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// MessageZH is the message in Chinese, where the node has one.
	MessageZH string `json:"message_zh,omitempty"`
}

// The preview's warning codes.
const (
	// WarnHalt: the validators not signing now would hold a third of the
	// power or more after the change, so the chain would stop committing
	// until enough of them come online.
	WarnHalt = "halt_risk"
	// WarnNoFaultTolerance: the set would have fewer than four
	// validators, so one stopped validator stops the chain.
	WarnNoFaultTolerance = "no_fault_tolerance"
	// WarnRoleInUse: the organisation's open records need a role the
	// proposal takes away (module.RoleUse): an obligor could no longer
	// pay what it owes.
	WarnRoleInUse = "role_in_use"
)

// roleChange is what proposal b does to an organisation's roles in state
// v, with the modules' notices of what the roles it takes away are still
// needed for; nil for a proposal that changes no organisation's roles.
func (s *Server) roleChange(v module.Reader, b *identity.ProposeBody) (*RoleChange, []Warning, error) {
	var org string
	switch b.Kind {
	case identity.KindSetRoles, identity.KindRemoveOrg:
		org = b.OrgID
	default:
		return nil, nil, nil
	}
	o, err := identity.GetOrg(v, org)
	if err != nil {
		return nil, nil, nil // the refusal says so
	}
	var kept []role.Role
	if b.Kind == identity.KindSetRoles {
		kept = b.Roles
	}
	ch := &RoleChange{Org: org, Added: []role.Role{}, Removed: []role.Role{}}
	for _, r := range o.Roles {
		if !slices.Contains(kept, r) {
			ch.Removed = append(ch.Removed, r)
		}
	}
	for _, r := range kept {
		if !slices.Contains(o.Roles, r) {
			ch.Added = append(ch.Added, r)
		}
	}
	if len(ch.Removed) == 0 {
		return ch, nil, nil
	}
	notices, err := s.app.RoleUse(v, org, ch.Removed, kept)
	if err != nil {
		return nil, nil, err
	}
	var ws []Warning
	for _, n := range notices {
		ws = append(ws, Warning{Code: WarnRoleInUse, Message: n.EN, MessageZH: n.ZH})
	}
	return ch, ws, nil
}

func (s *Server) previewGovernance(w http.ResponseWriter, r *http.Request) error {
	var b identity.ProposeBody
	if err := httpapi.DecodeJSON(r, &b, 64<<10); err != nil {
		return err
	}
	res, err := s.chain.Block(r.Context(), nil)
	if err != nil {
		return errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	if res.Block == nil {
		return errcode.New(errcode.Unavailable, "the chain has no block yet; try again after the first block")
	}
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	signing := signers(res.Block.LastCommit)
	owners := map[string][]byte{}
	if err := eachValidatorOrg(v, func(o *identity.Org) { owners[o.ID] = o.Validator.PubKey }); err != nil {
		return err
	}
	signs := func(pk []byte) bool { return len(pk) != 0 && signing[string(ed25519.PubKey(pk).Address())] }
	online := func(org string) bool { return signs(owners[org]) }
	m := identity.Module{Roles: s.app.Roles()}
	out := GovernancePreview{Height: res.Block.Height + 1, Warnings: []Warning{}}
	if q := r.URL.Query().Get("proposal"); q != "" {
		// An open proposal, for a vote: the chain checked it when it was
		// proposed; only what passing it would do is shown.
		if b.Kind != "" {
			return errcode.New(errcode.BadRequest, "give a proposal body or ?proposal=N with the body {}, not both")
		}
		id, perr := strconv.ParseUint(q, 10, 64)
		if perr != nil || id == 0 {
			return errcode.New(errcode.BadRequest, "query parameter proposal must be a proposal number, got %q", q)
		}
		prop, perr := identity.GetProposal(v, id)
		if perr != nil {
			return perr
		}
		// A vote on a closed proposal, or after its deadline, is refused:
		// say so, as the vote would (identity's vote), through the
		// refusal below.
		switch {
		case prop.Status != identity.StatusVoting:
			err = errcode.New(errcode.Conflict, "proposal %d is closed (%s at height %d): there is nothing to vote on", prop.ID, prop.Status, prop.Closed)
		case res.Block.Time.Unix() > prop.Deadline:
			err = errcode.New(errcode.RuleViolation, "voting on proposal %d ended at unix time %d", prop.ID, prop.Deadline)
		default:
			b = identity.ProposeBody{Kind: prop.Kind, Org: prop.Org, OrgID: prop.OrgID, Roles: prop.Roles, Validator: prop.Validator, Action: prop.Action, Upgrade: prop.Upgrade, Application: prop.Application}
		}
	} else {
		// The whole proposal as the caller's organisation would send it,
		// on a throwaway copy of the state.
		err = s.dryPropose(r, m, v, res.Block.Time, out.Height, &b)
	}
	// What it does to an organisation's roles, and what they are still
	// needed for.
	roles, roleWarnings, rerr := s.roleChange(v, &b)
	if rerr != nil {
		return rerr
	}
	out.Roles = roles
	out.Warnings = append(out.Warnings, roleWarnings...)
	// Then what it does to the validators.
	var before, after *identity.ValidatorSet
	if err == nil {
		before, after, err = m.PreviewValidators(v, s.app.ChainID(), out.Height, &b)
	}
	if before == nil {
		var gerr error
		if before, gerr = identity.GetValidatorSet(v); gerr != nil {
			return gerr
		}
	}
	out.Before = previewSet(before, online)
	if err != nil {
		if errcode.Of(err) == errcode.Internal {
			return err
		}
		c := errcode.Of(err)
		out.Refusal = &ErrorBody{Code: uint32(c), Name: c.Name(), Message: errcode.Message(err)}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	out.Allowed = true
	out.After = previewSet(after, func(org string) bool {
		if pk, ok := proposedKey(b, org); ok {
			return signs(pk)
		}
		return online(org)
	})
	out.MovedPower = after.Moved
	if after.Height == before.Height {
		out.MovedPower -= before.Moved
	}
	var offline int64
	for _, x := range out.After {
		if !x.Signing {
			offline += x.Power
		}
	}
	if total := after.Total(); 3*offline >= total {
		out.Warnings = append(out.Warnings, Warning{Code: WarnHalt, Message: "validators that are not signing blocks now would hold a third of the voting power or more; the chain would stop until enough of them are online. Start the new validator's node and let it catch up before voting, or lower the power"})
	}
	if n := len(after.Validators); n < identity.MinSpreadValidators && n > 1 {
		out.Warnings = append(out.Warnings, Warning{Code: WarnNoFaultTolerance, Message: "with fewer than four validators one stopped validator stops the chain; grow the set to four or more"})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// proposedKey is the validator key proposal b gives org, if it names one.
func proposedKey(b identity.ProposeBody, org string) ([]byte, bool) {
	switch {
	case b.Kind == identity.KindAddOrg && b.Org != nil && b.Org.ID == org && b.Org.Validator != nil:
		return b.Org.Validator.PubKey, true
	case b.Kind == identity.KindSetValidator && b.OrgID == org && b.Validator != nil && len(b.Validator.PubKey) != 0:
		return b.Validator.PubKey, true
	}
	return nil, false
}

func previewSet(s *identity.ValidatorSet, online func(string) bool) []PreviewValidator {
	total := s.Total()
	out := make([]PreviewValidator, 0, len(s.Validators))
	for _, v := range s.Validators {
		out = append(out, PreviewValidator{Org: v.Org, Power: v.Power, SharePermille: v.Power * 1000 / max(total, 1), Signing: online(v.Org)})
	}
	return out
}

// signers returns the addresses of the validators that signed a commit.
func signers(c *types.Commit) map[string]bool {
	out := map[string]bool{}
	if c == nil {
		return out
	}
	for _, sig := range c.Signatures {
		if sig.BlockIDFlag == types.BlockIDFlagCommit {
			out[string(sig.ValidatorAddress)] = true
		}
	}
	return out
}

// eachValidatorOrg calls fn with every organisation that runs a
// validator, in id order.
func eachValidatorOrg(v *state.View, fn func(*identity.Org)) error {
	return module.EachJSON(v, identity.OrgPrefix(), func(_ []byte, o *identity.Org) {
		if o.Validator != nil {
			fn(o)
		}
	})
}

// dryPropose runs identity's propose for the caller's organisation (as
// one of its admins) at the next height, over a copy of the state whose
// writes are dropped.
func (s *Server) dryPropose(r *http.Request, m identity.Module, v *state.View, t time.Time, height int64, b *identity.ProposeBody) error {
	caller := httpapi.Caller(r.Context())
	version, err := module.ChainVersion(v)
	if err != nil {
		return err
	}
	ctx := &module.Context{ChainID: s.app.ChainID(), Height: height, Time: t, Version: version,
		Signer: module.Signer{KeyID: caller.Key, Org: caller.Org, Admin: true, Roles: caller.Roles},
		Store:  &scratch{view: v, writes: map[string][]byte{}}}
	return m.CheckProposal(ctx, b)
}

// scratch is a state view that keeps writes in memory, to be thrown away.
type scratch struct {
	view   *state.View
	writes map[string][]byte // nil value: deleted
}

func (s *scratch) Get(key []byte) ([]byte, error) {
	if v, ok := s.writes[string(key)]; ok {
		return bytes.Clone(v), nil
	}
	return s.view.Get(key)
}

func (s *scratch) Set(key, value []byte) error {
	s.writes[string(key)] = bytes.Clone(value)
	return nil
}

func (s *scratch) Delete(key []byte) error {
	s.writes[string(key)] = nil
	return nil
}
