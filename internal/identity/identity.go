// Package identity is the Dengta module for the consortium itself: its
// organisations, their member keys and roles, and the governance proposals
// by which the organisations change the consortium (add or remove a member,
// change a member's roles or validator) or authorise one module action on
// one record (authorize_action, ADR 0010) with more than two thirds of them
// agreeing, within the validator set rules of validators.go (ADR 0006).
package identity

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Name is the module name used in transactions.
const Name = "identity"

// Module is the identity and governance module.
type Module struct {
	// Roles is the chain's role set, which genesis organisations and
	// set_roles proposals are checked against (nil: the common roles).
	Roles *role.Set
	// Decisions are the chain's decision actions ("module/action", those
	// declared with module.Action.ByDecision): the only actions an
	// authorize_action proposal may name.
	Decisions map[string]bool
}

// decisionList lists the decision actions, for messages.
func (m Module) decisionList() string {
	if len(m.Decisions) == 0 {
		return "none"
	}
	names := make([]string, 0, len(m.Decisions))
	for n := range m.Decisions {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// roles returns the role set, the common roles when none was given.
func (m Module) roles() *role.Set {
	if m.Roles == nil {
		return commonRoles
	}
	return m.Roles
}

var commonRoles = role.MustSet()

// The identity actions, for the SDK and the API documentation.
var (
	RegisterKey   = api.Action[RegisterKeyBody, api.None]{Module: Name, Name: "register_key", Doc: "register a new member or admin key for the signer's organisation"}
	DeactivateKey = api.Action[KeyRefBody, api.None]{Module: Name, Name: "deactivate_key", Doc: "deactivate one of the organisation's keys; it stays on record"}
	RotateKey     = api.Action[RotateKeyBody, api.None]{Module: Name, Name: "rotate_key", Doc: "replace one of the organisation's keys with a new public key"}
	Propose       = api.Action[ProposeBody, api.None]{Module: Name, Name: "propose", Doc: "propose adding or removing an organisation, admitting an applicant (admit), changing its roles or its validator, or authorising one module action on one record (authorize_action)"}
	CastVote      = api.Action[VoteBody, api.None]{Module: Name, Name: "vote", Doc: "vote for or against an open proposal, once per organisation"}
)

var (
	_ module.Module  = Module{}
	_ module.Genesis = Module{}
)

// Name implements module.Module.
func (Module) Name() string { return Name }

// Actions implements module.Module. Every identity action but apply is
// for an organisation's admin keys; any active organisation may take
// them. apply is for node operator keys: a member's node relays a
// non-member's application (ADR 0018).
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(RegisterKey, m.registerKey).Admin(),
		module.Handle(DeactivateKey, m.deactivateKey).Admin(),
		module.Handle(RotateKey, m.rotateKey).Admin(),
		module.Handle(Propose, m.propose).Admin(),
		module.Handle(CastVote, m.vote).Admin(),
		module.Handle(Apply, m.apply).Operator(),
	}
}

// Reader is the read access queries and signer lookups need.
type Reader interface {
	Get(key []byte) ([]byte, error)
}

// LookupSigner finds the key id's record and its organisation, and checks
// both are active. The records are decoded once per distinct content
// (signercache.go); the results are the caller's own copies.
func LookupSigner(r Reader, id tx.KeyID) (module.Signer, *Key, error) {
	shared, ok, err := decodedKeys.get(r, keyKey(id))
	if err != nil {
		return module.Signer{}, nil, err
	}
	if !ok {
		return module.Signer{}, nil, errcode.New(errcode.UnknownSigner, "no key %s is registered on this chain", id)
	}
	k := *shared // the public key's bytes stay shared: nothing writes into them
	org, ok, err := decodedOrgs.get(r, orgKey(k.Org))
	if err != nil {
		return module.Signer{}, nil, err
	}
	if !ok {
		return module.Signer{}, nil, errcode.New(errcode.NotFound, "no organisation %q", k.Org)
	}
	if !k.Active {
		return module.Signer{}, nil, errcode.New(errcode.KeyInactive, "key %s of %s was deactivated at height %d", id, k.Org, k.Deactivated)
	}
	if !org.Active {
		return module.Signer{}, nil, errcode.New(errcode.KeyInactive, "organisation %s was removed from the consortium at height %d", org.ID, org.Removed)
	}
	roles := slices.Clone(org.Roles) // the handler gets them in its Signer
	return module.Signer{KeyID: id, Org: k.Org, Admin: k.Admin, Operator: k.Operator, Roles: roles}, &k, nil
}

// GetOrg returns an organisation, or a NotFound error.
func GetOrg(r Reader, id string) (*Org, error) {
	var o Org
	ok, err := module.GetJSON(r, orgKey(id), &o)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "no organisation %q", id)
	}
	return &o, nil
}

// GetKey returns a key record, or a NotFound error.
func GetKey(r Reader, id tx.KeyID) (*Key, error) {
	var k Key
	ok, err := module.GetJSON(r, keyKey(id), &k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "no key %s", id)
	}
	return &k, nil
}

// GetParams returns the governance parameters.
func GetParams(r Reader) (Params, error) {
	p := DefaultParams()
	_, err := module.GetJSON(r, keyParams, &p)
	return p, err
}

func getCount(r Reader, key []byte) (int64, error) {
	b, err := r.Get(key)
	if err != nil || b == nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("counter %q: %w", key, err)
	}
	return n, nil
}

func addCount(kv module.KV, key []byte, delta int64) error {
	if delta == 0 {
		return nil
	}
	n, err := getCount(kv, key)
	if err != nil {
		return err
	}
	return kv.Set(key, []byte(strconv.FormatInt(n+delta, 10)))
}

// ActiveOrgs returns the number of active organisations.
func ActiveOrgs(r Reader) (int64, error) { return getCount(r, keyOrgCount) }

// RegisterKeyBody is the body of identity/register_key.
type RegisterKeyBody struct {
	PublicKey tx.PublicKey `json:"public_key"`
	Admin     bool         `json:"admin"`
	// Operator registers a node operator key (never an admin key).
	Operator bool   `json:"operator,omitempty"`
	Name     string `json:"name"`
}

func (Module) registerKey(ctx *module.Context, b *RegisterKeyBody) error {
	if err := field.Text("key name", b.Name, 0, 64); err != nil {
		return err
	}
	if _, err := tx.NewPublicKey(b.PublicKey.Algo, b.PublicKey.Key); err != nil {
		return errcode.New(errcode.MalformedBody, "public key: %v", err)
	}
	if b.Admin && b.Operator {
		return errcode.New(errcode.MalformedBody, "a key is an admin key or a node operator key, not both: an operator key sits on a server and signs on its own")
	}
	k, err := putNewKey(ctx, ctx.Signer.Org, b.PublicKey, keyKind{admin: b.Admin, operator: b.Operator}, b.Name)
	if err != nil {
		return err
	}
	attrs := []string{"org", k.Org, "key_id", k.ID.String(), "admin", strconv.FormatBool(k.Admin)}
	if k.Operator {
		attrs = append(attrs, "operator", "true")
	}
	ctx.Emit("identity.key_registered", attrs...)
	return nil
}

// keyKind is what a new key may do besides signing its organisation's
// transactions.
type keyKind struct{ admin, operator bool }

func putNewKey(ctx *module.Context, org string, pub tx.PublicKey, kind keyKind, name string) (*Key, error) {
	admin := kind.admin
	id := pub.ID()
	existing, err := ctx.Store.Get(keyKey(id))
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, errcode.New(errcode.Conflict, "key %s is already registered; a key belongs to one organisation for ever", id)
	}
	k := &Key{ID: id, Org: org, PublicKey: pub, Admin: admin, Operator: kind.operator, Name: name, Active: true, Registered: ctx.Height}
	if err := module.PutJSON(ctx.Store, keyKey(id), k); err != nil {
		return nil, err
	}
	if err := ctx.Store.Set(orgKeyIndex(org, id), []byte("1")); err != nil {
		return nil, err
	}
	if err := addCount(ctx.Store, adminCountKey(org), boolDelta(admin, 1)); err != nil {
		return nil, err
	}
	return k, nil
}

// KeyRefBody is the body of identity/deactivate_key.
type KeyRefBody struct {
	KeyID tx.KeyID `json:"key_id"`
}

// ownKey loads a key of the signer's own organisation.
func ownKey(ctx *module.Context, id tx.KeyID) (*Key, error) {
	k, err := GetKey(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if k.Org != ctx.Signer.Org {
		return nil, errcode.New(errcode.Unauthorized, "key %s belongs to %s; an admin can only manage keys of its own organisation", id, k.Org)
	}
	if !k.Active {
		return nil, errcode.New(errcode.Conflict, "key %s is already inactive (since height %d)", id, k.Deactivated)
	}
	return k, nil
}

// checkNotLastAdmin refuses to deactivate the organisation's last active
// admin key, which would lock the organisation out for good.
func checkNotLastAdmin(ctx *module.Context, k *Key) error {
	if !k.Admin {
		return nil
	}
	admins, err := activeAdmins(ctx.Store, k.Org)
	if err != nil {
		return err
	}
	if admins <= 1 {
		return errcode.New(errcode.RuleViolation, "key %s is the last active admin key of %s; register another admin key first", k.ID, k.Org)
	}
	return nil
}

func deactivate(ctx *module.Context, k *Key) error {
	k.Active = false
	k.Deactivated = ctx.Height
	if err := module.PutJSON(ctx.Store, keyKey(k.ID), k); err != nil {
		return err
	}
	return addCount(ctx.Store, adminCountKey(k.Org), boolDelta(k.Admin, -1))
}

func boolDelta(b bool, d int64) int64 {
	if b {
		return d
	}
	return 0
}

func (Module) deactivateKey(ctx *module.Context, b *KeyRefBody) error {
	k, err := ownKey(ctx, b.KeyID)
	if err != nil {
		return err
	}
	if err := checkNotLastAdmin(ctx, k); err != nil {
		return err
	}
	if err := deactivate(ctx, k); err != nil {
		return err
	}
	ctx.Emit("identity.key_deactivated", "org", k.Org, "key_id", k.ID.String())
	return nil
}

// RotateKeyBody is the body of identity/rotate_key.
type RotateKeyBody struct {
	KeyID     tx.KeyID     `json:"key_id"`
	PublicKey tx.PublicKey `json:"public_key"`
}

func (Module) rotateKey(ctx *module.Context, b *RotateKeyBody) error {
	if _, err := tx.NewPublicKey(b.PublicKey.Algo, b.PublicKey.Key); err != nil {
		return errcode.New(errcode.MalformedBody, "public key: %v", err)
	}
	old, err := ownKey(ctx, b.KeyID)
	if err != nil {
		return err
	}
	nk, err := putNewKey(ctx, old.Org, b.PublicKey, keyKind{admin: old.Admin, operator: old.Operator}, old.Name)
	if err != nil {
		return err
	}
	old.ReplacedBy = &nk.ID
	if err := deactivate(ctx, old); err != nil {
		return err
	}
	ctx.Emit("identity.key_rotated", "org", old.Org, "old_key_id", old.ID.String(), "new_key_id", nk.ID.String())
	return nil
}

// adminCountKey holds the number of active admin keys of an organisation:
//
//	identity/count/admins/<org id> -> decimal
func adminCountKey(org string) []byte { return []byte(prefix + "count/admins/" + org) }

func activeAdmins(r Reader, org string) (int64, error) { return getCount(r, adminCountKey(org)) }

// createOrg writes a new organisation with its admin keys, used by the
// genesis and by passed add_org proposals. Every conflict is checked before
// the first write, so a refusal leaves the state untouched. Its validator
// is recorded in the organisation; the caller enters it in the validator
// set (genesisValidators, validatorPlan).
func createOrg(ctx *module.Context, s *OrgSpec, roles *role.Set) error {
	if err := s.Validate(roles); err != nil {
		return errcode.New(errcode.MalformedBody, "%v", err)
	}
	// holder returns who already holds a unique key ("" when free).
	holder := func(key []byte) (string, error) {
		b, err := ctx.Store.Get(key)
		return string(b), err
	}
	if h, err := holder(orgKey(s.ID)); err != nil || h != "" {
		return orErr(err, errcode.New(errcode.Conflict, "organisation id %q is taken (organisation ids are never reused)", s.ID))
	}
	if h, err := holder(usccKey(s.USCC)); err != nil || h != "" {
		return orErr(err, errcode.New(errcode.Conflict, "unified social credit code %s already belongs to organisation %s", s.USCC, h))
	}
	for _, pk := range s.Keys() {
		if h, err := holder(keyKey(pk.ID())); err != nil || h != "" {
			return orErr(err, errcode.New(errcode.Conflict, "key %s is already registered", pk.ID()))
		}
	}

	org := &Org{ID: s.ID, Name: s.Name, NameEN: s.NameEN, USCC: s.USCC, Roles: s.Roles, Active: true, Joined: ctx.Height}
	if v := s.Validator; v != nil {
		org.Validator = &Validator{PubKey: v.PubKey, Power: v.Power}
	}
	if err := module.PutJSON(ctx.Store, orgKey(s.ID), org); err != nil {
		return err
	}
	if err := ctx.Store.Set(usccKey(s.USCC), []byte(s.ID)); err != nil {
		return err
	}
	for i, pk := range s.AdminKeys {
		if _, err := putNewKey(ctx, s.ID, pk, keyKind{admin: true}, fmt.Sprintf("admin-%d", i+1)); err != nil {
			return err
		}
	}
	for i, pk := range s.MemberKeys {
		if _, err := putNewKey(ctx, s.ID, pk, keyKind{}, fmt.Sprintf("member-%d", i+1)); err != nil {
			return err
		}
	}
	for i, pk := range s.OperatorKeys {
		if _, err := putNewKey(ctx, s.ID, pk, keyKind{operator: true}, fmt.Sprintf("operator-%d", i+1)); err != nil {
			return err
		}
	}
	return addCount(ctx.Store, keyOrgCount, 1)
}

// InitGenesis implements module.Genesis.
func (m Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	var g Genesis
	if err := json.Unmarshal(raw, &g); err != nil {
		return fmt.Errorf("identity genesis: %w", err)
	}
	if len(g.Orgs) == 0 {
		return fmt.Errorf("identity genesis: the consortium needs at least one organisation")
	}
	p := DefaultParams()
	if g.Params != nil {
		p = *g.Params
	}
	if p.VotingPeriodSeconds <= 0 {
		return fmt.Errorf("identity genesis: voting period must be positive")
	}
	if err := module.PutJSON(ctx.Store, keyParams, p); err != nil {
		return err
	}
	for i := range g.Orgs {
		if err := createOrg(ctx, &g.Orgs[i], m.roles()); err != nil {
			return fmt.Errorf("identity genesis: %s", errcode.Message(err))
		}
	}
	if err := genesisValidators(ctx, g.Orgs); err != nil {
		return fmt.Errorf("identity genesis: %s", errcode.Message(err))
	}
	return nil
}

// genesisValidators enters the genesis organisations' validators in the
// validator set. The genesis set is agreed outside the chain, so no step
// or possession rule applies; the concentration rule does.
func genesisValidators(ctx *module.Context, orgs []OrgSpec) error {
	set := &ValidatorSet{}
	for _, o := range orgs {
		v := o.Validator
		if v == nil {
			continue
		}
		if h, err := ctx.Store.Get(validatorKey(v.PubKey)); err != nil {
			return err
		} else if h != nil {
			return errcode.New(errcode.Conflict, "validator key of %s is already used by organisation %s", o.ID, h)
		}
		if err := ctx.Store.Set(validatorKey(v.PubKey), []byte(o.ID)); err != nil {
			return err
		}
		set = set.With(o.ID, v.Power)
	}
	if err := set.checkSpread(); err != nil {
		return err
	}
	return module.PutJSON(ctx.Store, keyValSet, set)
}

// GenesisValidators returns the validators the genesis organisations bring,
// in genesis order, to be checked against the consensus genesis.
func GenesisValidators(raw json.RawMessage) ([]Validator, error) {
	var g Genesis
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("identity genesis: %w", err)
	}
	var out []Validator
	for _, o := range g.Orgs {
		if o.Validator != nil {
			v := *o.Validator
			if v.Power == 0 {
				v.Power = DefaultValidatorPower
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// orErr returns err when it is set, else refusal.
func orErr(err error, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}
