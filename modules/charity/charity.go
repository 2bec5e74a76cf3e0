package charity

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// Name is the module name used in transactions.
const Name = charityapi.Name

// Module is the charity module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	regulatorRoles = []role.Role{charityapi.CivilAffairs}
	charityRoles   = []role.Role{charityapi.Charity}
	recorderRoles  = []role.Role{charityapi.Charity, charityapi.Channel}
	signerRoles    = []role.Role{charityapi.Beneficiary}
	reporterRoles  = []role.Role{charityapi.Charity, charityapi.Auditor}
	// payeeRoles are the roles an organisation needs to be paid.
	payeeRoles = []role.Role{role.Supplier, charityapi.Beneficiary}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(charityapi.RegisterOrg, m.registerOrg).For(regulatorRoles...),
		module.Handle(charityapi.FileProject, m.fileProject).For(charityRoles...),
		module.Handle(charityapi.Approve, m.approveProject).For(regulatorRoles...),
		module.Handle(charityapi.Donate, m.donate).For(recorderRoles...),
		module.Handle(charityapi.DonateBatch, m.donateBatch).For(recorderRoles...),
		module.Handle(charityapi.DonateInKind, m.donateInKind).For(recorderRoles...),
		module.Handle(charityapi.Grant, m.grant).For(charityRoles...),
		module.Handle(charityapi.ConfirmGrant, m.confirmGrant).For(charityRoles...),
		module.Handle(charityapi.Disburse, m.disburse).For(charityRoles...),
		module.Handle(charityapi.Distribute, m.distribute).For(charityRoles...),
		module.Handle(charityapi.Accept, m.accept).For(signerRoles...),
		module.Handle(charityapi.Dispute, m.dispute).For(signerRoles...),
		module.Handle(charityapi.RefundDonation, m.refund).For(charityRoles...),
		module.Handle(charityapi.ReviseBudget, m.reviseBudget).For(charityRoles...),
		module.Handle(charityapi.FileReport, m.fileReport).For(reporterRoles...),
		module.Handle(charityapi.Close, m.closeProject).For(charityRoles...),
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

func today(ctx *module.Context) string { return field.BlockDate(ctx.Time) }

func fen(v int64) string { return strconv.FormatInt(v, 10) }

// yuan formats fen as yuan with thousands separators and two decimals,
// for messages: ¥12,345.67.
func yuan(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole := strconv.FormatInt(v/100, 10)
	var b []byte
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, whole[i])
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, b, v%100)
}

// recordID derives a record's id from the transaction and the record's
// index in it.
func recordID(ctx *module.Context, kind, domain string, index int) string {
	return field.RecordID(kind, "dengta/charity/"+domain+"/v1", ctx.Time, txHash(ctx), strconv.Itoa(index))
}

// stamp is the part of every record that says who wrote it, when.
type stamp struct {
	by     module.Party
	height int64
	time   string
	tx     string
}

func stampOf(ctx *module.Context) stamp {
	return stamp{by: ctx.Party(), height: ctx.Height, time: field.BlockTime(ctx.Time), tx: txHash(ctx)}
}

// absent refuses with conflict when key already holds a value: records
// are never overwritten.
func absent(kv module.Getter, key []byte, what string) error {
	b, err := kv.Get(key)
	if err != nil {
		return err
	}
	if b != nil {
		return conflict("%s already exists; records are never overwritten", what)
	}
	return nil
}

// GetOrg returns a registered charity, or a not_found error.
func GetOrg(r module.Getter, org string) (*charityapi.Org, error) {
	var o charityapi.Org
	if err := module.GetRecord(r, orgKey(org), &o, "organisation %q is not a registered charity; the civil-affairs regulator registers it first (register_org)", org); err != nil {
		return nil, err
	}
	return &o, nil
}

// GetProject returns a project or general fund, or a not_found error.
func GetProject(r module.Getter, id string) (*charityapi.Project, error) {
	var p charityapi.Project
	if err := module.GetRecord(r, projectKey(id), &p, "no project %q", id); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetDonation returns a donation by its receipt number, or a not_found
// error.
func GetDonation(r module.Getter, receipt string) (*charityapi.Donation, error) {
	var d charityapi.Donation
	if err := module.GetRecord(r, donationKey(receipt), &d, "no donation with receipt number %q", receipt); err != nil {
		return nil, err
	}
	return &d, nil
}

// GetTransfer returns a transfer, or a not_found error.
func GetTransfer(r module.Getter, id string) (*charityapi.Transfer, error) {
	var t charityapi.Transfer
	if err := module.GetRecord(r, transferKey(id), &t, "no transfer %q", id); err != nil {
		return nil, err
	}
	return &t, nil
}

// GetDisbursement returns a disbursement, or a not_found error.
func GetDisbursement(r module.Getter, id string) (*charityapi.Disbursement, error) {
	var d charityapi.Disbursement
	if err := module.GetRecord(r, disbKey(id), &d, "no disbursement %q", id); err != nil {
		return nil, err
	}
	return &d, nil
}

// GetRefund returns a refund, or a not_found error.
func GetRefund(r module.Getter, id string) (*charityapi.Refund, error) {
	var x charityapi.Refund
	if err := module.GetRecord(r, refundKey(id), &x, "no refund %q", id); err != nil {
		return nil, err
	}
	return &x, nil
}

// getAcceptance returns a disbursement's acceptance, nil when it has none.
func getAcceptance(r module.Getter, id string) (*charityapi.Acceptance, error) {
	var a charityapi.Acceptance
	ok, err := module.GetJSON(r, acceptKey(id), &a)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

// getConfirmation returns a transfer's confirmation, nil when it has none.
func getConfirmation(r module.Getter, id string) (*charityapi.Confirmation, error) {
	var c charityapi.Confirmation
	ok, err := module.GetJSON(r, confirmKey(id), &c)
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

// getQueue returns a queue; a queue nothing entered yet is empty.
func getQueue(r module.Getter, id string) (*charityapi.Queue, error) {
	q := charityapi.Queue{ID: id}
	if _, err := module.GetJSON(r, queueKey(id), &q); err != nil {
		return nil, err
	}
	return &q, nil
}

// member checks that organisation id, which a body names in field name, is
// an active member holding one of roles.
func member(kv module.Getter, name, id string, roles ...role.Role) (*module.OrgView, error) {
	o, err := module.ActiveOrg(kv, name, id)
	if err != nil {
		return nil, err
	}
	if !role.Any(o.Roles, roles) {
		return nil, rule("%s: organisation %s holds %v; it needs one of %v", name, id, o.Roles, roles)
	}
	return o, nil
}

// ownProject loads a project named in a body and requires the signer's
// organisation to own it.
func ownProject(ctx *module.Context, id, verb string) (*charityapi.Project, error) {
	p, err := GetProject(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if p.Owner != ctx.Signer.Org {
		return nil, unauthorized("project %s belongs to %s; only its charity may %s", p.ID, p.Owner, verb)
	}
	return p, nil
}

// putProject writes a project.
func putProject(ctx *module.Context, p *charityapi.Project) error {
	return module.PutJSON(ctx.Store, projectKey(p.ID), p)
}

// putQueue writes a queue.
func putQueue(ctx *module.Context, q *charityapi.Queue) error {
	return module.PutJSON(ctx.Store, queueKey(q.ID), q)
}

// spendable refuses a project its charity cannot spend from now.
func spendable(p *charityapi.Project, verb string) error {
	switch p.Status {
	case charityapi.StatusOpen:
		return nil
	case charityapi.StatusFiled:
		return conflict("project %s is waiting for the regulator's approval and holds no money yet", p.ID)
	default:
		return conflict("project %s was closed on %s; nothing more can be %s from it", p.ID, p.ClosedDate, verb)
	}
}

// receivable refuses a pool that cannot take money now: not open, or past
// its end date.
func receivable(p *charityapi.Project, date string) error {
	switch {
	case p.Status == charityapi.StatusFiled:
		return conflict("project %s is waiting for the regulator's approval (approve_project) and takes no money yet", p.ID)
	case p.Status == charityapi.StatusClosed:
		return conflict("project %s was closed on %s and takes no more money", p.ID, p.ClosedDate)
	case p.EndDate != "" && date > p.EndDate:
		return rule("project %s ended on %s (today is %s) and takes no more money", p.ID, p.EndDate, date)
	}
	return nil
}
