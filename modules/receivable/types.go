package receivable

import "github.com/dengta-chain/dengta/modules/receivable/receivableapi"

// The module's records, bodies, results and answers are its wire types,
// defined once in receivableapi; the state machine uses them under these
// names.
type (
	Party             = receivableapi.Party
	Trade             = receivableapi.Trade
	Receivable        = receivableapi.Receivable
	CreditLine        = receivableapi.CreditLine
	Invoice           = receivableapi.Invoice
	Transfer          = receivableapi.Transfer
	Part              = receivableapi.Part
	Split             = receivableapi.Split
	Financing         = receivableapi.Financing
	Settlement        = receivableapi.Settlement
	LogEntry          = receivableapi.LogEntry
	creditBody        = receivableapi.CreditBody
	tradeBody         = receivableapi.TradeBody
	issueBody         = receivableapi.IssueBody
	idBody            = receivableapi.IDBody
	reasonBody        = receivableapi.ReasonBody
	partBody          = receivableapi.PartBody
	splitBody         = receivableapi.SplitBody
	financingBody     = receivableapi.FinancingBody
	settleBody        = receivableapi.SettleBody
	confirmBody       = receivableapi.ConfirmationBody
	decisionBody      = receivableapi.DecisionBody
	creditResult      = receivableapi.CreditResult
	statusResult      = receivableapi.StatusResult
	splitResult       = receivableapi.SplitResult
	financingResult   = receivableapi.FinancingResult
	settleResult      = receivableapi.SettleResult
	Holding           = receivableapi.Holding
	StatusTotal       = receivableapi.StatusTotal
	PortfolioView     = receivableapi.PortfolioView
	LineageNode       = receivableapi.LineageNode
	LineageView       = receivableapi.LineageView
	RootSummary       = receivableapi.RootSummary
	ObligorView       = receivableapi.ObligorView
	BookEntry         = receivableapi.BookEntry
	BookView          = receivableapi.BookView
	OverviewView      = receivableapi.OverviewView
	ConfirmationEntry = receivableapi.ConfirmationEntry
	ConfirmationsView = receivableapi.ConfirmationsView
)

// Wire constants.
const (
	MaxFen                    = receivableapi.MaxFen
	MaxRateBP                 = receivableapi.MaxRateBP
	MaxParts                  = receivableapi.MaxParts
	MaxDeliveryDocs           = receivableapi.MaxDeliveryDocs
	LongTermDays              = receivableapi.LongTermDays
	DayCountBasis             = receivableapi.DayCountBasis
	StatusPendingAcceptance   = receivableapi.StatusPendingAcceptance
	StatusActive              = receivableapi.StatusActive
	StatusFinancingPending    = receivableapi.StatusFinancingPending
	StatusSplit               = receivableapi.StatusSplit
	StatusSettled             = receivableapi.StatusSettled
	StatusOverdue             = receivableapi.StatusOverdue
	StatusCancelled           = receivableapi.StatusCancelled
	StatusRejected            = receivableapi.StatusRejected
	KindIssued                = receivableapi.KindIssued
	KindOffered               = receivableapi.KindOffered
	KindKept                  = receivableapi.KindKept
	KindAccepted              = receivableapi.KindAccepted
	KindRejected              = receivableapi.KindRejected
	KindCancelled             = receivableapi.KindCancelled
	KindConfirmed             = receivableapi.KindConfirmed
	KindSplit                 = receivableapi.KindSplit
	KindFinancingRequested    = receivableapi.KindFinancingRequested
	KindFinancingApproved     = receivableapi.KindFinancingApproved
	KindFinancingDeclined     = receivableapi.KindFinancingDeclined
	KindSettled               = receivableapi.KindSettled
	KindFrozen                = receivableapi.KindFrozen
	KindUnfrozen              = receivableapi.KindUnfrozen
	KindConfirmationRequested = receivableapi.KindConfirmationRequested
	KindConfirmationWithdrawn = receivableapi.KindConfirmationWithdrawn
	KindConfirmationDeclined  = receivableapi.KindConfirmationDeclined
	KindConfirmationLapsed    = receivableapi.KindConfirmationLapsed
)

// Wire vocabularies.
var (
	Statuses = receivableapi.Statuses
)
