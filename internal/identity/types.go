package identity

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// DefaultValidatorPower is the voting power of each organisation's
// validator: one organisation, one equal vote.
const DefaultValidatorPower = 10

// Org is a consortium member organisation.
type Org struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	NameEN    string      `json:"name_en,omitempty"`
	USCC      string      `json:"uscc"`
	Roles     []role.Role `json:"roles"`
	Active    bool        `json:"active"`
	Validator *Validator  `json:"validator,omitempty"`
	Joined    int64       `json:"joined_height"`
	Removed   int64       `json:"removed_height,omitempty"`
}

// Validator is an organisation's consensus validator.
type Validator struct {
	PubKey Ed25519Key `json:"pub_key"`
	Power  int64      `json:"power"`
	// Proof is the validator key's signature of PossessionMessage, which
	// a proposal bringing a new validator key must carry; organisation
	// records do not keep it.
	Proof []byte `json:"proof,omitempty" doc:"the validator key's Ed25519 signature of the possession message, standard base64 (dengta gov possession)"`
}

// Ed25519Key is a 32-byte Ed25519 public key, JSON-encoded in base64 as in
// CometBFT's genesis and key files.
type Ed25519Key []byte

func (k Ed25519Key) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.StdEncoding.EncodeToString(k))
}

// JSONSchema describes the key in the API's JSON schemas.
func (Ed25519Key) JSONSchema() map[string]any {
	return map[string]any{"type": "string", "contentEncoding": "base64", "description": "a 32-byte Ed25519 public key in standard base64"}
}

func (k *Ed25519Key) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("validator key: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("validator key: not base64: %w", err)
	}
	if len(raw) != 32 {
		return fmt.Errorf("validator key: %d bytes, an Ed25519 key has 32", len(raw))
	}
	*k = raw
	return nil
}

// Key is a member key registered to an organisation. Keys are never deleted:
// a deactivated or rotated key stays on record so its old signatures still
// verify.
type Key struct {
	ID        tx.KeyID     `json:"id"`
	Org       string       `json:"org"`
	PublicKey tx.PublicKey `json:"public_key"`
	Admin     bool         `json:"admin"`
	// Operator marks a node operator key: the key a member's node signs
	// with on its own (public scan batches, say). It is never an admin
	// key, and actions restricted to operator keys take no other.
	Operator    bool      `json:"operator,omitempty"`
	Name        string    `json:"name,omitempty"`
	Active      bool      `json:"active"`
	Registered  int64     `json:"registered_height"`
	Deactivated int64     `json:"deactivated_height,omitempty"`
	ReplacedBy  *tx.KeyID `json:"replaced_by,omitempty"`
}

// Params are the consortium's governance parameters.
type Params struct {
	// VotingPeriodSeconds is how long a proposal stays open, in block time.
	VotingPeriodSeconds int64 `json:"voting_period_seconds"`
	// ApplicationPeriodSeconds is how long an application to join waits
	// for its admit proposal to pass, in block time (0: 30 days).
	ApplicationPeriodSeconds int64 `json:"application_period_seconds,omitempty"`
	// UpgradeMarginBlocks is how many blocks ahead of its proposal an
	// upgrade height must be (0: DefaultUpgradeMarginBlocks).
	UpgradeMarginBlocks int64 `json:"upgrade_margin_blocks,omitempty"`
}

// ApplicationPeriod returns the application period in seconds.
func (p Params) ApplicationPeriod() int64 {
	if p.ApplicationPeriodSeconds > 0 {
		return p.ApplicationPeriodSeconds
	}
	return int64(DefaultApplicationPeriod / time.Second)
}

// DefaultParams returns the parameters used when the genesis sets none.
func DefaultParams() Params { return Params{VotingPeriodSeconds: 7 * 24 * 3600} }

// OrgSpec describes an organisation to create, in the genesis or in an
// add-organisation proposal.
type OrgSpec struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	NameEN    string         `json:"name_en,omitempty"`
	USCC      string         `json:"uscc"`
	Roles     []role.Role    `json:"roles"`
	AdminKeys []tx.PublicKey `json:"admin_keys"`
	// MemberKeys are member (non-admin) keys registered with the
	// organisation, such as the operator key its node signs with.
	MemberKeys []tx.PublicKey `json:"member_keys,omitempty"`
	// OperatorKeys are the organisation's node operator keys (member keys
	// marked Operator): what its node signs batches of public scans with.
	OperatorKeys []tx.PublicKey `json:"operator_keys,omitempty"`
	Validator    *Validator     `json:"validator,omitempty"`
}

var orgIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)

// Validate checks the spec on its own, without looking at state; its roles
// must be in the chain's role set.
func (s *OrgSpec) Validate(set *role.Set) error {
	if !orgIDPattern.MatchString(s.ID) {
		return fmt.Errorf("organisation id %q: use 2-32 lowercase letters, digits or '-', starting with a letter or digit", s.ID)
	}
	if err := field.Text("name", s.Name, 1, 100); err != nil {
		return fmt.Errorf("organisation %s: %s", s.ID, errcode.Message(err))
	}
	if err := field.Text("English name", s.NameEN, 0, 100); err != nil {
		return fmt.Errorf("organisation %s: %s", s.ID, errcode.Message(err))
	}
	if err := ValidUSCC(s.USCC); err != nil {
		return fmt.Errorf("organisation %s: %w", s.ID, err)
	}
	roles, err := set.Normalize(s.Roles)
	if err != nil {
		return fmt.Errorf("organisation %s: %w", s.ID, err)
	}
	s.Roles = roles
	if len(s.AdminKeys) == 0 {
		return fmt.Errorf("organisation %s: needs at least one admin key", s.ID)
	}
	if len(s.AdminKeys) > 16 {
		return fmt.Errorf("organisation %s: at most 16 admin keys", s.ID)
	}
	if len(s.MemberKeys)+len(s.OperatorKeys) > 64 {
		return fmt.Errorf("organisation %s: at most 64 member and operator keys", s.ID)
	}
	seen := map[tx.KeyID]bool{}
	for _, k := range s.Keys() {
		if _, err := tx.NewPublicKey(k.Algo, k.Key); err != nil {
			return fmt.Errorf("organisation %s: key: %w", s.ID, err)
		}
		if seen[k.ID()] {
			return fmt.Errorf("organisation %s: key %s listed twice", s.ID, k.ID())
		}
		seen[k.ID()] = true
	}
	if v := s.Validator; v != nil {
		if len(v.PubKey) != 32 {
			return fmt.Errorf("organisation %s: validator key must be a 32-byte Ed25519 key", s.ID)
		}
		if v.Power == 0 {
			v.Power = DefaultValidatorPower
		}
		if v.Power < 0 || v.Power > MaxValidatorPower {
			return fmt.Errorf("organisation %s: validator power %d is outside 1..%d", s.ID, v.Power, MaxValidatorPower)
		}
	}
	return nil
}

// Keys returns every key of the spec: admin, member and operator keys.
func (s *OrgSpec) Keys() []tx.PublicKey {
	return slices.Concat(s.AdminKeys, s.MemberKeys, s.OperatorKeys)
}

// Proposal kinds.
const (
	KindAddOrg    = "add_org"
	KindRemoveOrg = "remove_org"
	KindSetRoles  = "set_roles"
	// KindSetValidator gives an organisation a validator, changes its
	// power or key, or (power 0) takes it out of the set.
	KindSetValidator = "set_validator"
	// KindAuthorizeAction authorises one module action on one subject
	// (ADR 0010); passing it changes nothing until a member carries the
	// decision out with the module's decision action.
	KindAuthorizeAction = module.KindAuthorizeAction
)

// Proposal statuses.
const (
	StatusVoting   = module.ProposalVoting
	StatusPassed   = module.ProposalPassed
	StatusRejected = module.ProposalRejected
)

// Proposal is a governance proposal. Votes are kept in the order cast.
type Proposal struct {
	ID        uint64      `json:"id"`
	Kind      string      `json:"kind"`
	Proposer  string      `json:"proposer"`
	Org       *OrgSpec    `json:"org,omitempty"`       // add_org
	OrgID     string      `json:"org_id,omitempty"`    // remove_org, set_roles, set_validator
	Roles     []role.Role `json:"roles,omitempty"`     // set_roles
	Validator *Validator  `json:"validator,omitempty"` // set_validator
	// Action is what an authorize_action proposal authorises.
	Action *module.ActionRef `json:"action,omitempty"`
	// Application is the application an admit proposal admits (Org is
	// the organisation it creates).
	Application string `json:"application,omitempty"`
	// Upgrade is the plan an upgrade proposal schedules, or the one a
	// cancel_upgrade proposal cancels.
	Upgrade  *UpgradePlan `json:"upgrade,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Status   string       `json:"status"`
	Votes    []Vote       `json:"votes"`
	Created  int64        `json:"created_height"`
	Deadline int64        `json:"deadline_unix"` // block time after which votes are refused
	Closed   int64        `json:"closed_height,omitempty"`
	// Error is set when a passed proposal could not be carried out.
	Error string `json:"error,omitempty"`
}

// Vote is one organisation's vote on a proposal.
type Vote struct {
	Org     string `json:"org"`
	Approve bool   `json:"approve"`
	Height  int64  `json:"height"`
}

// Genesis is the identity section of the app genesis.
type Genesis struct {
	Orgs   []OrgSpec `json:"orgs"`
	Params *Params   `json:"params,omitempty"`
}
