package receivable

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// Name is the module name used in transactions.
const Name = receivableapi.Name

// Module is the supply-chain finance module: digital receivables issued,
// split, transferred, financed and settled.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	bankRoles    = []role.Role{role.Bank}
	obligorRoles = []role.Role{receivableapi.CoreEnterprise}
	holderRoles  = []role.Role{role.Supplier, role.Bank}
	// senderRoles send receivables (the obligor its roots, holders their
	// parts); they are also the roles of a root's holder and obligor, who
	// may ask a bank to confirm it.
	senderRoles    = []role.Role{receivableapi.CoreEnterprise, role.Supplier, role.Bank}
	regulatorRoles = []role.Role{role.Regulator}
	// receiverRoles are the roles an organisation needs to be sent a part.
	receiverRoles = []role.Role{role.Supplier, role.Bank}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(receivableapi.SetCreditLine, m.setCreditLine).For(bankRoles...),
		module.Handle(receivableapi.Issue, m.issue).For(obligorRoles...),
		module.Handle(receivableapi.Accept, m.accept).For(holderRoles...),
		module.Handle(receivableapi.Reject, m.reject).For(holderRoles...),
		module.Handle(receivableapi.Cancel, m.cancel).For(senderRoles...),
		module.Handle(receivableapi.RequestConfirmation, m.requestConfirmation).For(senderRoles...),
		module.Handle(receivableapi.WithdrawConfirmation, m.withdrawConfirmation).For(senderRoles...),
		module.Handle(receivableapi.DeclineConfirmation, m.declineConfirmation).For(bankRoles...),
		module.Handle(receivableapi.Confirm, m.confirm).For(bankRoles...),
		module.Handle(receivableapi.SplitTransfer, m.splitTransfer).For(holderRoles...),
		module.Handle(receivableapi.RequestFinancing, m.requestFinancing).For(holderRoles...),
		module.Handle(receivableapi.ApproveFinancing, m.approveFinancing).For(bankRoles...),
		module.Handle(receivableapi.DeclineFinancing, m.declineFinancing).For(bankRoles...),
		module.Handle(receivableapi.Settle, m.settle).For(obligorRoles...),
		module.Handle(receivableapi.Freeze, m.freeze).For(regulatorRoles...),
		module.Handle(receivableapi.Unfreeze, m.unfreeze).For(regulatorRoles...),
		module.Handle(receivableapi.UnfreezeByDecision, m.unfreezeByDecision).ByDecision(),
	}
}

func txHash(ctx *module.Context) string { return fmt.Sprintf("%X", ctx.TxHash) }

func today(ctx *module.Context) string { return BlockDate(ctx.Time) }

func fen(v int64) string { return strconv.FormatInt(v, 10) }

// yuan formats fen as yuan with two decimals, for messages.
func yuan(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d yuan", sign, v/100, v%100)
}

// absent refuses with conflict when key already holds a value, so that no
// record is ever overwritten.
func absent(kv Getter, key []byte, what string) error {
	b, err := kv.Get(key)
	if err != nil {
		return err
	}
	if b != nil {
		return conflict("%s already exists; records are never overwritten", what)
	}
	return nil
}

// counterparty checks that organisation id, which a body names in its
// field name, is an active member holding one of roles.
func counterparty(kv Getter, name, id string, roles []role.Role) error {
	o, err := module.ActiveOrg(kv, name, id)
	if err != nil {
		return err
	}
	if !role.Any(o.Roles, roles) {
		return rule("%s: organisation %s holds %v, it needs one of %v", name, id, o.Roles, roles)
	}
	return nil
}

// load reads a receivable named in a body.
func load(kv Getter, id string) (*Receivable, error) { return GetReceivable(kv, id) }

// EffectiveStatus is a receivable's status on date today (YYYY-MM-DD): an
// active receivable after its maturity date is overdue, whether or not an
// action has stored that yet.
func EffectiveStatus(r *Receivable, today string) string {
	if r.Status == StatusActive && today > r.MaturityDate {
		return StatusOverdue
	}
	return r.Status
}

// save writes a receivable. Every write stores the effective status, so a
// receivable an action touches after its maturity is stored overdue.
func save(ctx *module.Context, r *Receivable) error {
	r.Status = EffectiveStatus(r, today(ctx))
	return module.PutJSON(ctx.Store, rcKey(r.ID), r)
}

// appendLog writes the next entry of r's log and counts it in r (the
// caller saves r).
func appendLog(ctx *module.Context, r *Receivable, e *LogEntry) error {
	e.ReceivableID = r.ID
	e.Seq = r.LogLen + 1
	e.By, e.Height, e.Time, e.TxHash = ctx.Party(), ctx.Height, field.BlockTime(ctx.Time), txHash(ctx)
	if err := absent(ctx.Store, logKey(r.ID, e.Seq), fmt.Sprintf("log entry %d of receivable %s", e.Seq, r.ID)); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, logKey(r.ID, e.Seq), e); err != nil {
		return err
	}
	r.LogLen = e.Seq
	return nil
}

// frozenBy returns the id of the receivable whose freeze locks r: r itself
// or an ancestor; "" when none does. A root whose tree has no frozen node
// answers in one read.
func frozenBy(kv Getter, r *Receivable) (string, error) {
	if r.Frozen {
		return r.ID, nil
	}
	if r.IsRoot() {
		return "", nil
	}
	root, err := GetReceivable(kv, r.RootID)
	if err != nil {
		return "", fmt.Errorf("root of %s: %w", r.ID, err)
	}
	if root.FrozenNodes == 0 {
		return "", nil
	}
	for id := r.ParentID; id != ""; {
		p, err := GetReceivable(kv, id)
		if err != nil {
			return "", fmt.Errorf("ancestor of %s: %w", r.ID, err)
		}
		if p.Frozen {
			return p.ID, nil
		}
		id = p.ParentID
	}
	return "", nil
}

// notFrozen refuses an action on a receivable locked by a freeze.
func notFrozen(kv Getter, r *Receivable, verb string) error {
	by, err := frozenBy(kv, r)
	if err != nil {
		return err
	}
	switch {
	case by == "":
		return nil
	case by == r.ID:
		return conflict("receivable %s is frozen by the regulator (%s) and cannot be %s", r.ID, r.FreezeReason, verb)
	default:
		return conflict("receivable %s is locked by the regulator's freeze of %s and cannot be %s", r.ID, by, verb)
	}
}

// heldBy refuses unless org holds r.
func heldBy(r *Receivable, org, verb string) error {
	if r.Holder != org {
		return unauthorized("receivable %s is held by %s; only its holder may %s it", r.ID, r.Holder, verb)
	}
	return nil
}

// holdable refuses a receivable its holder cannot split or finance now:
// not active, financed, frozen, or on or after its maturity date.
func holdable(ctx *module.Context, r *Receivable, verb string) error {
	if err := statusIs(r, verb, StatusActive, StatusOverdue); err != nil {
		return err
	}
	if r.Financed {
		return conflict("receivable %s was financed by %s and is locked: it cannot be %s", r.ID, r.FinancingBank, verb)
	}
	if err := notFrozen(ctx.Store, r, verb); err != nil {
		return err
	}
	if d := today(ctx); d >= r.MaturityDate {
		return rule("receivable %s matures on %s; from that date (today is %s) it can only be settled, not %s", r.ID, r.MaturityDate, d, verb)
	}
	return nil
}

// statusIs refuses with conflict unless r's stored status is one of want,
// explaining the status it has.
func statusIs(r *Receivable, verb string, want ...string) error {
	if slices.Contains(want, r.Status) {
		return nil
	}
	// One format per status, so that the pages can translate each.
	switch r.Status {
	case StatusPendingAcceptance:
		return conflict("receivable %s cannot be %s: it is waiting for %s to accept it", r.ID, verb, r.PendingHolder)
	case StatusActive:
		return conflict("receivable %s cannot be %s: it is active, held by %s", r.ID, verb, r.Holder)
	case StatusOverdue:
		return conflict("receivable %s cannot be %s: it is overdue, held by %s", r.ID, verb, r.Holder)
	case StatusFinancingPending:
		return conflict("receivable %s cannot be %s: it is waiting for %s to decide on financing it", r.ID, verb, r.FinancingBank)
	case StatusSplit:
		return conflict("receivable %s cannot be %s: it was split into parts; act on its parts instead", r.ID, verb)
	case StatusSettled:
		return conflict("receivable %s cannot be %s: it was settled in full", r.ID, verb)
	case StatusCancelled:
		return conflict("receivable %s cannot be %s: it was cancelled by its issuer", r.ID, verb)
	case StatusRejected:
		return conflict("receivable %s cannot be %s: it was rejected by its receiver", r.ID, verb)
	default:
		return conflict("receivable %s cannot be %s: its status is %s", r.ID, verb, r.Status)
	}
}

func getCredit(kv Getter, obligor string) (*CreditLine, bool, error) {
	var cl CreditLine
	ok, err := module.GetJSON(kv, creditKey(obligor), &cl)
	if err != nil {
		return nil, false, err
	}
	return &cl, ok, nil
}

func getInvoice(kv Getter, seller, no string) (*Invoice, bool, error) {
	var inv Invoice
	ok, err := module.GetJSON(kv, invoiceKey(seller, no), &inv)
	if err != nil {
		return nil, false, err
	}
	return &inv, ok, nil
}

// moveHolder moves r's holder index entry from its holder to org and makes
// org the holder.
func moveHolder(ctx *module.Context, r *Receivable, org string) error {
	if err := ctx.Store.Delete(holderIndexKey(r.Holder, r.ID)); err != nil {
		return err
	}
	if err := ctx.Store.Set(holderIndexKey(org, r.ID), present); err != nil {
		return err
	}
	r.Holder = org
	return nil
}
