package trade

import (
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The value sets a search matches by name (the plug names their values
// for people and sets module.Search.Label).
const (
	EnumEBLStatus    = "trade.ebl_status"
	EnumCreditStatus = "trade.credit_status"
)

// MatchEBL reports whether a bill matches what a clerk typed: its
// reference, ports, HS codes or presentation, its status by value or
// name, or one of its parties (carrier, shipper, consignee, controller,
// the party it is offered to) by id or by name in either language. Every
// bill matches an empty or nil search.
func MatchEBL(s *module.Search, e *tradeapi.EBLSummary) bool {
	if s.Empty() {
		return true
	}
	return s.Text(e.Ref, e.PortOfLoading, e.PortOfDischarge, e.Presentation) || s.Text(e.HSCodes...) ||
		s.Enum(EnumEBLStatus, e.Status) || s.Org(e.Carrier, e.Shipper, e.Consignee, e.Controller, e.PendingTo)
}

// MatchCredit reports whether a credit matches what a clerk typed: its
// number or currency, its status by value or name, or one of its parties
// (issuing bank, applicant, beneficiary) by id or by name in either
// language. Every credit matches an empty or nil search.
func MatchCredit(s *module.Search, c *tradeapi.CreditSummary) bool {
	if s.Empty() {
		return true
	}
	return s.Text(c.No, c.Amount.Currency) || s.Enum(EnumCreditStatus, c.Status) || s.Org(c.IssuingBank, c.Applicant, c.Beneficiary)
}
