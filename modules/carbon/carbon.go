package carbon

import (
	"fmt"
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// Name is the module name used in transactions.
const Name = carbonapi.Name

// Module is the carbon module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	registryRoles  = []role.Role{carbonapi.Registry}
	developerRoles = []role.Role{carbonapi.Developer}
	verifierRoles  = []role.Role{carbonapi.Verifier}
	coveredRoles   = []role.Role{carbonapi.Covered}
	issuerRoles    = []role.Role{carbonapi.GECIssuer}
	producerRoles  = []role.Role{carbonapi.Producer}
)

// Actions implements module.Module. Transfers, retirements, cancellations,
// claims and consumption declarations are open to every member: whoever
// holds units may move or end them, and the handler checks the account.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(carbonapi.SubmitProject, m.submitProject).For(developerRoles...),
		module.Handle(carbonapi.RegisterProject, m.registerProject).For(registryRoles...),
		module.Handle(carbonapi.SubmitMonitoring, m.submitMonitoring).For(developerRoles...),
		module.Handle(carbonapi.VerifyMonitoring, m.verifyMonitoring).For(verifierRoles...),
		module.Handle(carbonapi.IssueCredits, m.issueCredits).For(registryRoles...),
		module.Handle(carbonapi.TransferUnits, m.transfer),
		module.Handle(carbonapi.Retire, m.retire),
		module.Handle(carbonapi.Cancel, m.cancel),
		module.Handle(carbonapi.OpenCompliance, m.openCompliance).For(registryRoles...),
		module.Handle(carbonapi.Allocate, m.allocate).For(registryRoles...),
		module.Handle(carbonapi.FileEmissions, m.fileEmissions).For(coveredRoles...),
		module.Handle(carbonapi.VerifyEmissions, m.verifyEmissions).For(verifierRoles...),
		module.Handle(carbonapi.Surrender, m.surrender).For(coveredRoles...),
		module.Handle(carbonapi.RegisterPlant, m.registerPlant).For(issuerRoles...),
		module.Handle(carbonapi.IssueGEC, m.issueGEC).For(issuerRoles...),
		module.Handle(carbonapi.ClaimGEC, m.claimGEC),
		module.Handle(carbonapi.DeclareUse, m.declareConsumption),
		module.Handle(carbonapi.PublishPCF, m.publishFootprint).For(producerRoles...),
		module.Handle(carbonapi.AssurePCF, m.assureFootprint).For(verifierRoles...),
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

// today is the block's date in China Standard Time.
func today(ctx *module.Context) string { return field.BlockDate(ctx.Time) }

func stampOf(ctx *module.Context) carbonapi.Stamp {
	return carbonapi.Stamp{By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: txHash(ctx)}
}

// next increments counter name and returns its new value.
func next(ctx *module.Context, name string) (int64, error) {
	b, err := ctx.Store.Get(seqKey(name))
	if err != nil {
		return 0, err
	}
	var n int64
	if b != nil {
		if n, err = strconv.ParseInt(string(b), 10, 64); err != nil {
			return 0, fmt.Errorf("counter %s: %w", name, err)
		}
	}
	n++
	return n, ctx.Store.Set(seqKey(name), []byte(strconv.FormatInt(n, 10)))
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

// member checks that organisation id, which a body names in field name, is
// an active member, holding one of roles when any are given.
func member(kv module.Getter, name, id string, roles ...role.Role) (*module.OrgView, error) {
	if err := field.OrgID(name, id); err != nil {
		return nil, err
	}
	o, err := module.ActiveOrg(kv, name, id)
	if err != nil {
		return nil, err
	}
	if len(roles) > 0 && !role.Any(o.Roles, roles) {
		return nil, rule("%s: organisation %s holds %v; it needs one of %v", name, id, o.Roles, roles)
	}
	return o, nil
}

// GetProject returns a project, or a not_found error.
func GetProject(r module.Getter, id string) (*carbonapi.Project, error) {
	var p carbonapi.Project
	if err := module.GetRecord(r, projectKey(id), &p, "no project %q", id); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetReport returns a monitoring report, or a not_found error.
func GetReport(r module.Getter, id string) (*carbonapi.Report, error) {
	var x carbonapi.Report
	if err := module.GetRecord(r, reportKey(id), &x, "no monitoring report %q", id); err != nil {
		return nil, err
	}
	return &x, nil
}

// GetVerification returns a report's verification, nil when it has none.
func GetVerification(r module.Getter, report string) (*carbonapi.Verification, error) {
	var v carbonapi.Verification
	ok, err := module.GetJSON(r, verifKey(report), &v)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

// GetBatch returns a batch, or a not_found error.
func GetBatch(r module.Getter, id string) (*carbonapi.Batch, error) {
	var b carbonapi.Batch
	if err := module.GetRecord(r, batchKey(id), &b, "no batch %q", id); err != nil {
		return nil, err
	}
	return &b, nil
}

// GetStats returns a batch's statistics.
func GetStats(r module.Getter, id string) (*carbonapi.BatchStats, error) {
	s := carbonapi.BatchStats{Batch: id}
	if _, err := module.GetJSON(r, bstatKey(id), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// GetHolding returns an account's holding of a batch; an empty one when
// it holds none.
func GetHolding(r module.Getter, org, batch string) (*carbonapi.Holding, error) {
	h := carbonapi.Holding{Org: org, Batch: batch}
	if _, err := module.GetJSON(r, holdKey(org, batch), &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// GetClosure returns a closure, or a not_found error.
func GetClosure(r module.Getter, id string) (*carbonapi.Closure, error) {
	var c carbonapi.Closure
	if err := module.GetRecord(r, closureKey(id), &c, "no retirement, cancellation, claim or surrender %q", id); err != nil {
		return nil, err
	}
	return &c, nil
}

// GetTransfer returns a transfer, or a not_found error.
func GetTransfer(r module.Getter, id string) (*carbonapi.Transfer, error) {
	var t carbonapi.Transfer
	if err := module.GetRecord(r, xferKey(id), &t, "no transfer %q", id); err != nil {
		return nil, err
	}
	return &t, nil
}

// GetPlant returns a plant, or a not_found error.
func GetPlant(r module.Getter, code string) (*carbonapi.Plant, error) {
	var p carbonapi.Plant
	if err := module.GetRecord(r, plantKey(code), &p, "no plant %q; the green certificate issuer registers it first (register_plant)", code); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetComplianceYear returns an opened compliance year, or a not_found
// error.
func GetComplianceYear(r module.Getter, y int) (*carbonapi.ComplianceYear, error) {
	var c carbonapi.ComplianceYear
	if err := module.GetRecord(r, cyearKey(y), &c, "compliance year %d is not open; the registry opens it first (open_compliance)", y); err != nil {
		return nil, err
	}
	return &c, nil
}

// GetCompliance returns a covered entity's position for a year, or a
// not_found error when it has no allocation for it.
func GetCompliance(r module.Getter, y int, org string) (*carbonapi.Compliance, error) {
	var c carbonapi.Compliance
	if err := module.GetRecord(r, compKey(y, org), &c, "%s is not covered for %d: the registry allocates allowances to it first (allocate)", org, y); err != nil {
		return nil, err
	}
	return &c, nil
}

// GetGreen returns an organisation's green year; an empty one when it has
// none.
func GetGreen(r module.Getter, org string, y int) (*carbonapi.GreenYear, error) {
	g := carbonapi.GreenYear{Org: org, Year: y}
	if _, err := module.GetJSON(r, greenKey(org, y), &g); err != nil {
		return nil, err
	}
	return &g, nil
}

func getTotals(r module.Getter, kind string) (*carbonapi.KindTotals, error) {
	t := carbonapi.KindTotals{Kind: kind, Unit: carbonapi.UnitOf(kind)}
	if _, err := module.GetJSON(r, totalKey(kind), &t); err != nil {
		return nil, err
	}
	return &t, nil
}
