// Package trade is the cross-border trade module: electronic bills of
// lading (eBLs) and the documentary credits (letters of credit) that pay
// for the goods they carry.
//
// An eBL is a document of title: exactly one organisation controls it at
// any height, control passes only when the receiver accepts it (by
// endorsement for a to-order bill), the carrier amends it only with the
// controller's consent, and it is surrendered once — for delivery of the
// goods or for a switch to paper — after which it is spent. Every step is
// a transaction signed by the party acting and is kept as a history
// entry whose proof bundle verifies offline (docs/adr/0009-trade-ebl-and-credits.md
// maps the MLETR requirements onto the chain's state and keys).
//
// A documentary credit follows UCP 600: the issuing bank issues it for the
// applicant to the beneficiary, an advising bank may advise and confirm
// it, amendments bind only with the beneficiary's consent, the beneficiary
// presents documents (the eBL passes to the nominated bank's control, the
// invoice and the other documents as file hashes) no later than its
// expiry, the bank examines within five banking days, honours a complying
// presentation, and the eBL passes to the applicant on reimbursement. No
// credit is ever drawn beyond its amount and tolerance.
//
// Bills and credits are business-confidential (ADR 0007): a member reads
// the bills and credits it is party to, and its own lists; customs (the
// regulator role) and auditors read everything; the public reads nothing
// of the module. visibility.go holds one function per rule, which the
// state and proof endpoints, the explorer, the read endpoints and the hall
// pages all apply; keys.go says which rule guards which key.
package trade

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// Module is the trade module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return tradeapi.Name }

var (
	carrierRoles = []role.Role{tradeapi.Carrier}
	holderRoles  = []role.Role{tradeapi.Trader, role.Bank}
	traderRoles  = []role.Role{tradeapi.Trader}
	bankRoles    = []role.Role{role.Bank}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(tradeapi.IssueEBL, m.issueEBL).For(carrierRoles...),
		module.Handle(tradeapi.TransferEBL, m.transferEBL).For(holderRoles...),
		module.Handle(tradeapi.AcceptEBL, m.acceptEBL).For(holderRoles...),
		module.Handle(tradeapi.RejectEBL, m.rejectEBL).For(holderRoles...),
		module.Handle(tradeapi.WithdrawTransfer, m.withdrawTransfer).For(holderRoles...),
		module.Handle(tradeapi.AmendEBL, m.amendEBL).For(carrierRoles...),
		module.Handle(tradeapi.AnswerAmendment, m.answerAmendment).For(holderRoles...),
		module.Handle(tradeapi.SurrenderEBL, m.surrenderEBL).For(holderRoles...),
		module.Handle(tradeapi.ReleaseGoods, m.releaseGoods).For(carrierRoles...),
		module.Handle(tradeapi.SwitchToPaper, m.switchToPaper).For(carrierRoles...),
		module.Handle(tradeapi.SetCalendar, m.setCalendar).For(bankRoles...),
		module.Handle(tradeapi.IssueCredit, m.issueCredit).For(bankRoles...),
		module.Handle(tradeapi.AdviseCredit, m.adviseCredit).For(bankRoles...),
		module.Handle(tradeapi.AmendCredit, m.amendCredit).For(bankRoles...),
		module.Handle(tradeapi.AnswerCredit, m.answerCredit).For(traderRoles...),
		module.Handle(tradeapi.Present, m.present).For(traderRoles...),
		module.Handle(tradeapi.Examine, m.examine).For(bankRoles...),
		module.Handle(tradeapi.Waive, m.waive).For(traderRoles...),
		module.Handle(tradeapi.ReturnDocs, m.returnDocs).For(bankRoles...),
		module.Handle(tradeapi.Honour, m.honour).For(bankRoles...),
		module.Handle(tradeapi.Reimburse, m.reimburse).For(bankRoles...),
		module.Handle(tradeapi.ReleaseDocs, m.releaseDocs).For(bankRoles...),
	}
}

func txHash(ctx *module.Context) string { return fmt.Sprintf("%X", ctx.TxHash) }

// today is the block's date in China Standard Time (the carrier's and the
// traders' dates; banks count days on their own calendars).
func today(ctx *module.Context) string { return field.BlockDate(ctx.Time) }

// absent refuses with conflict when key already holds a value.
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

// party checks that the organisation a body names in field is an active
// member holding one of roles.
func party(kv module.Getter, name, id string, roles ...role.Role) error {
	if err := field.OrgID(name, id); err != nil {
		return err
	}
	o, err := module.ActiveOrg(kv, name, id)
	if err != nil {
		return err
	}
	if !role.Any(o.Roles, roles) {
		return rule("%s: organisation %s holds %v; it needs one of %v", name, id, o.Roles, roles)
	}
	return nil
}

// docHash is the SHA-256 of an eBL's document fields: what the parties
// agreed the bill says, at its version.
func docHash(e *tradeapi.EBL) string {
	doc := struct {
		Ref             string               `json:"ref"`
		Version         int                  `json:"version"`
		Carrier         string               `json:"carrier"`
		BookingRef      string               `json:"booking_ref"`
		Shipper         string               `json:"shipper"`
		ToOrder         bool                 `json:"to_order"`
		Consignee       string               `json:"consignee"`
		NotifyParty     string               `json:"notify_party"`
		Vessel          string               `json:"vessel"`
		Voyage          string               `json:"voyage"`
		PlaceOfReceipt  *tradeapi.Location   `json:"place_of_receipt"`
		PortOfLoading   tradeapi.Location    `json:"port_of_loading"`
		PortOfDischarge tradeapi.Location    `json:"port_of_discharge"`
		PlaceOfDelivery *tradeapi.Location   `json:"place_of_delivery"`
		ShippedOnBoard  string               `json:"shipped_on_board"`
		Freight         string               `json:"freight"`
		Goods           []tradeapi.Item      `json:"goods"`
		Containers      []tradeapi.Container `json:"containers"`
	}{e.Ref, e.Version, e.Carrier, e.BookingRef, e.Shipper, e.ToOrder, e.Consignee, e.NotifyParty, e.Vessel, e.Voyage,
		e.PlaceOfReceipt, e.PortOfLoading, e.PortOfDischarge, e.PlaceOfDelivery, e.ShippedOnBoard, e.Freight, e.Goods, e.Containers}
	b, err := json.Marshal(doc)
	if err != nil {
		panic("trade: encode document: " + err.Error()) // fixed struct of strings, numbers and slices
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
