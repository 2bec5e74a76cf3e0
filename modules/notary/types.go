package notary

import "github.com/dengta-chain/dengta/modules/notary/notaryapi"

// The module's records, bodies and results are its wire types, defined
// once in notaryapi.
type (
	Party    = notaryapi.Party
	Capture  = notaryapi.Capture
	Evidence = notaryapi.Evidence
	Batch    = notaryapi.Batch
	Work     = notaryapi.Work
	Transfer = notaryapi.Transfer
	License  = notaryapi.License
	LogEntry = notaryapi.LogEntry

	Dispute     = notaryapi.Dispute
	DisputeStep = notaryapi.DisputeStep
	Settlement  = notaryapi.Settlement
	Resolution  = notaryapi.Resolution

	depositBody  = notaryapi.DepositBody
	batchBody    = notaryapi.BatchBody
	registerBody = notaryapi.RegisterWorkBody
	transferBody = notaryapi.TransferWorkBody
	licenseBody  = notaryapi.LicenseWorkBody
	resolveBody  = notaryapi.ResolveDisputeBody
	settleBody   = notaryapi.SettlementBody
	acceptBody   = notaryapi.AcceptSettlementBody

	depositResult  = notaryapi.DepositResult
	batchResult    = notaryapi.BatchResult
	registerResult = notaryapi.RegisterResult
	logResult      = notaryapi.LogResult
	disputeResult  = notaryapi.DisputeResult
)

// Constants of the wire, used by the state machine.
const (
	ItemFormat       = notaryapi.ItemFormat
	MaxBatchSize     = notaryapi.MaxBatchSize
	StatusRegistered = notaryapi.StatusRegistered
	StatusDisputed   = notaryapi.StatusDisputed
	KindTransfer     = notaryapi.KindTransfer
	KindLicense      = notaryapi.KindLicense

	KindSettlementProposed = notaryapi.KindSettlementProposed
	KindDisputeResolved    = notaryapi.KindDisputeResolved
	DisputeOpen            = notaryapi.DisputeOpen
	DisputeResolved        = notaryapi.DisputeResolved
	BasisJudgment          = notaryapi.BasisJudgment
	BasisSettlement        = notaryapi.BasisSettlement
)

// EvidenceTypes are the kinds of evidence a deposit may declare.
var EvidenceTypes = notaryapi.EvidenceTypes

// WorkTypes are the kinds of work a copyright registration may declare.
var WorkTypes = notaryapi.WorkTypes
