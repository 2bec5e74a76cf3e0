package module

import (
	"fmt"
	"regexp"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Governance decisions (ADR 0007). The consortium authorises one named
// action of a module on one subject with an identity proposal of kind
// authorize_action; once the proposal passes, any member organisation's
// admin key carries the decision out through the module's decision action
// (an action declared with ByDecision), naming the proposal. The module
// reads the proposal through Decision, the one place outside identity that
// spells identity's proposal key, and records under its own keys that the
// decision was carried out, so that it is carried out once.

// KindAuthorizeAction is the identity proposal kind that authorises one
// module action on one subject (identity.KindAuthorizeAction).
const KindAuthorizeAction = "authorize_action"

// The statuses of a proposal (identity.StatusVoting, ...).
const (
	ProposalVoting   = "voting"
	ProposalPassed   = "passed"
	ProposalRejected = "rejected"
)

// ActionRef names one action of a module and the subject it acts on (a
// record id): what an authorize_action proposal authorises.
type ActionRef struct {
	Module  string `json:"module" doc:"the module of the action, e.g. receivable"`
	Action  string `json:"action" doc:"the action the decision is carried out with, e.g. unfreeze_by_decision"`
	Subject string `json:"subject" doc:"the record the action acts on, e.g. a receivable id"`
}

func (a ActionRef) String() string { return fmt.Sprintf("%s/%s on %s", a.Module, a.Action, a.Subject) }

var (
	namePattern    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	subjectPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._:-]{0,127}$`)
)

// Check checks the reference's form: module and action names (lowercase
// letters, digits, '_') and a subject of 1 to 128 letters, digits, '.',
// '_', ':' or '-'.
func (a ActionRef) Check() error {
	switch {
	case !namePattern.MatchString(a.Module):
		return fmt.Errorf("action.module %q is not a module name like receivable", a.Module)
	case !namePattern.MatchString(a.Action):
		return fmt.Errorf("action.action %q is not an action name like unfreeze_by_decision", a.Action)
	case !subjectPattern.MatchString(a.Subject):
		return fmt.Errorf("action.subject %q must be 1 to 128 letters, digits, '.', '_', ':' or '-' (a record id)", a.Subject)
	}
	return nil
}

// ProposalKey returns the state key of governance proposal id,
// identity/prop/<16 hex digits>, which the identity module owns and
// writes (identity.ProposalStateKey).
func ProposalKey(id uint64) []byte { return []byte(fmt.Sprintf("identity/prop/%016x", id)) }

// DecisionView is the part of the identity module's proposal record
// (identity.Proposal) that other modules may read.
type DecisionView struct {
	ID      uint64     `json:"id"`
	Kind    string     `json:"kind"`
	Action  *ActionRef `json:"action,omitempty"`
	Reason  string     `json:"reason,omitempty"`
	Status  string     `json:"status"`
	Created int64      `json:"created_height"`
	Closed  int64      `json:"closed_height,omitempty"`
}

// Decision reads governance proposal id and requires it to be a passed
// authorize_action proposal for exactly want: errcode.NotFound when there
// is no such proposal, errcode.Conflict while it is still being voted on,
// errcode.Unauthorized when it was rejected or authorises something else.
func Decision(r Getter, id uint64, want ActionRef) (*DecisionView, error) {
	var d DecisionView
	ok, err := GetJSON(r, ProposalKey(id), &d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "proposal_id: no governance proposal %d; propose identity/propose kind %s naming %s, and carry it out once it passes",
			id, KindAuthorizeAction, want)
	}
	if d.Kind != KindAuthorizeAction || d.Action == nil {
		return nil, errcode.New(errcode.Unauthorized, "governance proposal %d is of kind %s; only a passed %s proposal naming %s authorises this",
			id, d.Kind, KindAuthorizeAction, want)
	}
	if *d.Action != want {
		return nil, errcode.New(errcode.Unauthorized, "governance proposal %d authorises %s, not %s", id, *d.Action, want)
	}
	switch d.Status {
	case ProposalPassed:
		return &d, nil
	case ProposalVoting:
		return nil, errcode.New(errcode.Conflict, "governance proposal %d is still being voted on; carry it out once more than two thirds of the organisations approve", id)
	default:
		return nil, errcode.New(errcode.Unauthorized, "governance proposal %d was %s; it authorises nothing", id, d.Status)
	}
}
