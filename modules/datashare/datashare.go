// Package datashare is the state machine of the data-sharing module
// (数据共享): private records shared between organisations on consent,
// for two scenarios, medical records across hospitals and industrial
// equipment data between enterprises (docs/adr/0016-data-sharing-on-consent.md).
//
// Nothing private goes on chain. A record's content stays, sealed under a
// fresh data key (package datakey), in its owner's blob store; the chain
// holds its salted content digest, its type and class, the ciphertext's
// hash, and the data key wrapped to the exchange keys of the owner and of
// each grantee. Grants follow FHIR R5 Consent: a permit for an
// organisation, a purpose and a period, over records or a patient's or
// device's records of some types, with nested denials by confidentiality
// class and sensitivity tag; a patient's records wait for the patient's
// signed consent; the owner, the grantee or the patient revokes. The
// owner's node serves a ciphertext only while Authorize allows it at the
// latest block, and every access it serves or refuses becomes an audit
// entry (the audit action, batched by the owner's node), which nobody can
// change or delete. Emergency access is declared on chain by a hospital
// holding the emergency_care role, lasts 24 hours, is audited like any
// access and waits for the owner's or an overseer's review.
//
// Patients are pseudonyms (datashareapi.Pseudonym) with a key of their
// own, held by the hospital's custody or the patient's app; devices have
// keys that sign their telemetry windows; maintainers sign maintenance
// records; the owner's predictive-maintenance model anchors its alerts
// with the digests of the windows they rest on.
package datashare

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// Name is the module name used in transactions.
const Name = datashareapi.Name

// Module is the data-sharing module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	ownerRoles   = []role.Role{datashareapi.Hospital, datashareapi.Enterprise}
	hospitalRole = []role.Role{datashareapi.Hospital}
	emergency    = []role.Role{datashareapi.Emergency}
	enterprise   = []role.Role{datashareapi.Enterprise}
	maintainer   = []role.Role{datashareapi.Maintainer}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(datashareapi.SetExchange, m.setExchange),
		module.Handle(datashareapi.RegisterSubject, m.registerSubject).For(hospitalRole...),
		module.Handle(datashareapi.RotateSubjectKey, m.rotateSubjectKey).For(hospitalRole...),
		module.Handle(datashareapi.RegisterRecord, m.registerRecord).For(ownerRoles...),
		module.Handle(datashareapi.Grant, m.grant).For(ownerRoles...),
		module.Handle(datashareapi.DeliverKeys, m.deliverKeys).For(ownerRoles...),
		module.Handle(datashareapi.Revoke, m.revoke),
		module.Handle(datashareapi.SubjectAct, m.subjectAct),
		module.Handle(datashareapi.Audit, m.audit).For(ownerRoles...),
		module.Handle(datashareapi.BreakGlass, m.breakGlass).For(emergency...),
		module.Handle(datashareapi.ReviewBreakGlass, m.reviewBreakGlass),
		module.Handle(datashareapi.RegisterDevice, m.registerDevice).For(enterprise...),
		module.Handle(datashareapi.Maintain, m.maintain).For(maintainer...),
		module.Handle(datashareapi.RaiseAlert, m.raiseAlert).For(enterprise...),
	}
}

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

func notFound(format string, args ...any) error {
	return errcode.New(errcode.NotFound, format, args...)
}

func conflict(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
}

func rule(format string, args ...any) error {
	return errcode.New(errcode.RuleViolation, format, args...)
}

func unauthorized(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}

func txHash(ctx *module.Context) string { return fmt.Sprintf("%X", ctx.TxHash) }

// recordID derives an id from the transaction and the item's index in it.
func recordID(ctx *module.Context, kind, domain string, index int) string {
	return field.RecordID(kind, "dengta/datashare/"+domain+"/v1", ctx.Time, txHash(ctx), strconv.Itoa(index))
}

// Id prefixes.
const (
	recordKind = "DR"
	grantKind  = "DG"
	btgKind    = "BG"
	maintKind  = "MT"
	alertKind  = "AL"
)

// ClockSkew is how far a client's or a node's clock (a patient's
// signature time, an access event's time, a maintenance time) may run
// ahead of the block time: a block's time is the median of the previous
// commit's votes and lags the wall clock on an idle chain.
const ClockSkew = 2 * time.Minute

// notAfterBlock checks a client time t against the block time: at most
// ClockSkew ahead, and at most maxAge behind when maxAge > 0.
func notAfterBlock(ctx *module.Context, name string, t time.Time, maxAge time.Duration) error {
	if t.After(ctx.Time.Add(ClockSkew)) {
		return rule("%s %s is after the block time %s", name, t.Format(time.RFC3339), field.BlockTime(ctx.Time))
	}
	if maxAge > 0 && t.Before(ctx.Time.Add(-maxAge)) {
		return rule("%s %s is more than %s before the block time %s", name, t.Format(time.RFC3339), maxAge, field.BlockTime(ctx.Time))
	}
	return nil
}

func absent(ctx *module.Context, key []byte, what string) error {
	v, err := ctx.Store.Get(key)
	if err != nil {
		return err
	}
	if v != nil {
		return conflict("%s already exists", what)
	}
	return nil
}

func has(r module.Getter, key []byte) (bool, error) {
	v, err := r.Get(key)
	return v != nil, err
}

// oversees reports whether the signer's organisation reads and reviews
// everything in its remit (regulators and auditors, ADR 0007).
func oversees(s module.Signer) bool {
	return role.Any(s.Roles, []role.Role{role.Regulator, role.Auditor})
}

func itoa(i int) string { return strconv.Itoa(i) }
