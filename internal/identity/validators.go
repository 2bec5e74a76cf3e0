package identity

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// The rules that keep the validator set safe (ADR 0006). Every change to
// the set (a new organisation's validator, a set_validator proposal, a
// removed organisation) is checked against them when it is proposed and
// again when it is carried out; a change that breaks one is refused.
//
//   - Concentration: in a set of MinSpreadValidators or more validators,
//     no organisation holds a third of the voting power or more
//     (3 × power < total). Smaller sets, a one-validator dev chain
//     growing into a consortium, cannot spread power that way; they are
//     bound by the step rule alone, and the ADR describes how they grow.
//   - Step: the power added and removed within one block, summed, is at
//     most a third of the total at the start of that block
//     (3 × moved ≤ total). The validators of the block before then keep
//     more than two thirds of the new set: the chain keeps committing if
//     every newly added validator is offline, and a light client that
//     trusts one set can verify the next.
//   - Possession: a proposal that brings a validator key carries the key's
//     signature of PossessionMessage, so nobody can enrol a key whose
//     holder did not ask for it (or a key nobody holds).
//   - Power: every validator's power is within 1..MaxValidatorPower.
const (
	MinSpreadValidators = 4
	MaxValidatorPower   = 1000
)

// ValidatorSet is the validator index, identity/valset: every active
// validator's organisation and power, in organisation id order, and the
// power moved in the latest block that changed the set.
type ValidatorSet struct {
	Validators []SetMember `json:"validators"`
	// Height is the latest block that changed the set; BasePower the total
	// power at the start of that block and Moved the power added and
	// removed within it.
	Height    int64 `json:"height,omitempty"`
	BasePower int64 `json:"base_power,omitempty"`
	Moved     int64 `json:"moved,omitempty"`
}

// SetMember is one validator in the set's index.
type SetMember struct {
	Org   string `json:"org"`
	Power int64  `json:"power"`
}

// Total returns the set's voting power.
func (s *ValidatorSet) Total() int64 {
	var t int64
	for _, v := range s.Validators {
		t += v.Power
	}
	return t
}

// Power returns org's validator power, 0 when it runs none.
func (s *ValidatorSet) Power(org string) int64 {
	if i, ok := s.find(org); ok {
		return s.Validators[i].Power
	}
	return 0
}

func (s *ValidatorSet) find(org string) (int, bool) {
	return slices.BinarySearchFunc(s.Validators, org, func(m SetMember, id string) int { return strings.Compare(m.Org, id) })
}

// With returns a copy of the set where org's validator has power (0:
// none).
func (s *ValidatorSet) With(org string, power int64) *ValidatorSet {
	out := &ValidatorSet{Validators: slices.Clone(s.Validators), Height: s.Height, BasePower: s.BasePower, Moved: s.Moved}
	i, ok := out.find(org)
	switch {
	case ok && power == 0:
		out.Validators = slices.Delete(out.Validators, i, i+1)
	case ok:
		out.Validators[i].Power = power
	case power != 0:
		out.Validators = slices.Insert(out.Validators, i, SetMember{Org: org, Power: power})
	}
	return out
}

// ValidatorChange is one organisation's validator change: the power it
// has before and after (0: none), and whether the key changes (a new key
// moves the old power out and the new power in).
type ValidatorChange struct {
	Org      string
	Before   int64
	After    int64
	Replaced bool
}

// Moved is the power the change adds and removes.
func (c ValidatorChange) Moved() int64 {
	if c.Replaced {
		return c.Before + c.After
	}
	if c.After > c.Before {
		return c.After - c.Before
	}
	return c.Before - c.After
}

// CheckChange applies the concentration, step and power rules to one
// change of set at height. It returns the set after the change, with the
// block's moved power updated, or a rule_violation error that says what
// would be allowed.
func CheckChange(set *ValidatorSet, c ValidatorChange, height int64) (*ValidatorSet, error) {
	if c.After < 0 || c.After > MaxValidatorPower {
		return nil, errcode.New(errcode.RuleViolation, "validator power %d is outside 1..%d", c.After, MaxValidatorPower)
	}
	after := set.With(c.Org, c.After)
	if set.Height != height {
		after.Height, after.BasePower, after.Moved = height, set.Total(), 0
	}
	after.Moved += c.Moved()
	if len(after.Validators) == 0 {
		return nil, errcode.New(errcode.RuleViolation, "the change would leave the chain without a validator")
	}
	if 3*after.Moved > after.BasePower {
		left := after.BasePower/3 - (after.Moved - c.Moved())
		return nil, errcode.New(errcode.RuleViolation,
			"the change moves %d of the validators' power %d; one block may move at most a third (%d more in this block), so that the chain keeps committing if new validators are offline; change the power in steps, for example to %d",
			c.Moved(), after.BasePower, max(left, 0), stepToward(c, max(left, 0)))
	}
	if err := after.checkSpread(); err != nil {
		return nil, err
	}
	return after, nil
}

// checkSpread applies the concentration rule to the set.
func (s *ValidatorSet) checkSpread() error {
	if len(s.Validators) < MinSpreadValidators {
		return nil
	}
	total := s.Total()
	for _, v := range s.Validators {
		if 3*v.Power >= total {
			return errcode.New(errcode.RuleViolation,
				"organisation %s would hold %d of %d voting power, a third or more; with %d or more validators no organisation may, since a third can stop the chain",
				v.Org, v.Power, total, MinSpreadValidators)
		}
	}
	return nil
}

// stepToward is the power the change could go to within left moved power.
func stepToward(c ValidatorChange, left int64) int64 {
	if c.Replaced {
		return 0
	}
	if c.After > c.Before {
		return c.Before + left
	}
	return max(c.Before-left, 0)
}

// GetValidatorSet returns the validator index.
func GetValidatorSet(r Reader) (*ValidatorSet, error) {
	var s ValidatorSet
	if _, err := module.GetJSON(r, keyValSet, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// PossessionMessage is what a validator key signs to show that its holder
// asks to validate for org on the chain: the bytes of
// "dengta validator possession\nchain <id>\norg <id>\nkey <base64 key>".
func PossessionMessage(chainID, org string, pubKey []byte) []byte {
	return fmt.Appendf(nil, "dengta validator possession\nchain %s\norg %s\nkey %s", chainID, org, base64.StdEncoding.EncodeToString(pubKey))
}

// ProvePossession signs the possession message with a validator's
// private key.
func ProvePossession(chainID, org string, priv ed25519.PrivateKey) []byte {
	pub := priv.Public().(ed25519.PublicKey)
	return ed25519.Sign(priv, PossessionMessage(chainID, org, pub))
}

// checkPossession verifies v's proof of possession for org.
func checkPossession(chainID, org string, v *Validator) error {
	if len(v.Proof) == 0 {
		return errcode.New(errcode.MalformedBody, "the validator key of %s needs its proof of possession (\"proof\"): the key's signature of the possession message, made on the validator's node with `dengta gov possession`", org)
	}
	if len(v.PubKey) != ed25519.PublicKeySize || !ed25519.Verify(ed25519.PublicKey(v.PubKey), PossessionMessage(chainID, org, v.PubKey), v.Proof) {
		return errcode.New(errcode.RuleViolation, "the validator key's proof of possession does not verify for organisation %s on chain %s; make it again on the validator's node with `dengta gov possession`", org, chainID)
	}
	return nil
}

// at is where a governance check runs: the state it reads, the chain and
// the height of the block (the block being executed, or for a preview the
// next one).
type at struct {
	r       Reader
	chainID string
	height  int64
}

func atContext(ctx *module.Context) at {
	return at{r: ctx.Store, chainID: ctx.ChainID, height: ctx.Height}
}

// validatorPlan is a checked change of one organisation's validator,
// ready to be written.
type validatorPlan struct {
	org     string
	old, v  *Validator
	after   *ValidatorSet
	newKey  bool // v's key enters the set
	dropOld bool // old's key leaves it
}

// planValidator checks org's validator change from old to v (nil: none)
// against the rules and the keys in use, without writing anything.
func planValidator(a at, org string, old, v *Validator) (*validatorPlan, error) {
	set, err := GetValidatorSet(a.r)
	if err != nil {
		return nil, err
	}
	c := ValidatorChange{Org: org}
	if old != nil {
		c.Before = old.Power
	}
	if v != nil {
		c.After = v.Power
		c.Replaced = old != nil && !slices.Equal(old.PubKey, v.PubKey)
	}
	after, err := CheckChange(set, c, a.height)
	if err != nil {
		return nil, err
	}
	p := &validatorPlan{org: org, old: old, v: v, after: after,
		newKey:  v != nil && (old == nil || c.Replaced),
		dropOld: old != nil && (v == nil || c.Replaced)}
	if p.newKey {
		// Validator keys are never reused, not even after their
		// organisation left.
		if h, err := a.r.Get(validatorKey(v.PubKey)); err != nil {
			return nil, err
		} else if h != nil {
			return nil, errcode.New(errcode.Conflict, "validator key is already used by organisation %s", h)
		}
	}
	return p, nil
}

// apply records the change in the index and asks consensus for it.
func (p *validatorPlan) apply(ctx *module.Context) error {
	if p.newKey {
		if err := ctx.Store.Set(validatorKey(p.v.PubKey), []byte(p.org)); err != nil {
			return err
		}
	}
	if p.dropOld {
		ctx.UpdateValidator(p.old.PubKey, 0)
	}
	if p.v != nil {
		ctx.UpdateValidator(p.v.PubKey, p.v.Power)
	}
	return module.PutJSON(ctx.Store, keyValSet, p.after)
}

// PreviewValidators returns the validator set now and as it would be if
// the proposal b were carried out in the block at height, or the refusal
// its validator part would meet. Proposals that do not touch validators
// leave the set as it is.
func (m Module) PreviewValidators(r Reader, chainID string, height int64, b *ProposeBody) (before, after *ValidatorSet, err error) {
	before, err = GetValidatorSet(r)
	if err != nil {
		return nil, nil, err
	}
	a := at{r: r, chainID: chainID, height: height}
	var plan *validatorPlan
	switch b.Kind {
	case KindAddOrg:
		if b.Org == nil {
			return nil, nil, errcode.New(errcode.MalformedBody, "an add_org proposal needs \"org\"")
		}
		spec := *b.Org
		if spec.Validator != nil {
			v := *spec.Validator
			spec.Validator = &v
		}
		if err := spec.Validate(m.roles()); err != nil {
			return nil, nil, errcode.New(errcode.MalformedBody, "%v", err)
		}
		if v := spec.Validator; v != nil {
			if err := checkPossession(chainID, spec.ID, v); err != nil {
				return nil, nil, err
			}
			plan, err = planValidator(a, spec.ID, nil, v)
		}
	case KindRemoveOrg, KindSetValidator:
		var org *Org
		if org, err = GetOrg(r, b.OrgID); err != nil {
			return nil, nil, err
		}
		if !org.Active {
			return nil, nil, errcode.New(errcode.Conflict, "organisation %s was already removed", org.ID)
		}
		if b.Kind == KindRemoveOrg {
			plan, err = planRemoval(a, org)
			break
		}
		var v *Validator
		if v, err = checkSetValidator(a, org, b.Validator); err != nil {
			return nil, nil, err
		}
		var next *Validator
		if v.Power != 0 {
			next = &Validator{PubKey: v.PubKey, Power: v.Power}
		}
		plan, err = planValidator(a, org.ID, org.Validator, next)
	}
	if err != nil {
		return nil, nil, err
	}
	if plan == nil {
		return before, before, nil
	}
	return before, plan.after, nil
}
