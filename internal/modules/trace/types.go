package trace

import "github.com/dengta-chain/dengta/internal/modules/trace/traceapi"

// The module's vocabulary, records, bodies, results and answers are its
// wire types, defined once in traceapi; the state machine uses them under
// these names.
type (
	Party                 = traceapi.Party
	Stamp                 = traceapi.Stamp
	Product               = traceapi.Product
	Origin                = traceapi.Origin
	Recall                = traceapi.Recall
	Lot                   = traceapi.Lot
	Location              = traceapi.Location
	Shipment              = traceapi.Shipment
	Object                = traceapi.Object
	Source                = traceapi.Source
	Destination           = traceapi.Destination
	ErrorDeclarationInput = traceapi.ErrorDeclarationInput
	EventInput            = traceapi.EventInput
	Event                 = traceapi.Event
	Certification         = traceapi.Certification
	Revocation            = traceapi.Revocation
	Scan                  = traceapi.Scan
	ScanPoint             = traceapi.ScanPoint
	Move                  = traceapi.Move
	ScanSummary           = traceapi.ScanSummary
	productBody           = traceapi.ProductBody
	originBody            = traceapi.OriginBody
	lotBody               = traceapi.LotBody
	locationBody          = traceapi.LocationBody
	certifyBody           = traceapi.CertifyBody
	revokeBody            = traceapi.RevokeBody
	scanInput             = traceapi.ScanInput
	scansBody             = traceapi.ScansBody
	idResult              = traceapi.IDResult
	captureResult         = traceapi.CaptureResult
	scansResult           = traceapi.ScansResult
	Reason                = traceapi.Reason
	Verdict               = traceapi.Verdict
	Step                  = traceapi.Step
	ScanInfo              = traceapi.ScanInfo
	RecallStatus          = traceapi.RecallStatus
	Page                  = traceapi.Page
	CertificationStatus   = traceapi.CertificationStatus
	OrgInfo               = traceapi.OrgInfo
	JourneyEvent          = traceapi.JourneyEvent
	Impact                = traceapi.Impact
	ImportIssue           = traceapi.ImportIssue
)

// Wire constants.
const (
	ObjectEvent            = traceapi.ObjectEvent
	AggregationEvent       = traceapi.AggregationEvent
	TransformationEvent    = traceapi.TransformationEvent
	ActionAdd              = traceapi.ActionAdd
	ActionObserve          = traceapi.ActionObserve
	ActionDelete           = traceapi.ActionDelete
	StepCommissioning      = traceapi.StepCommissioning
	StepShipping           = traceapi.StepShipping
	StepReceiving          = traceapi.StepReceiving
	StepRetailSelling      = traceapi.StepRetailSelling
	StepDispensing         = traceapi.StepDispensing
	StepRecalling          = traceapi.StepRecalling
	StepDestroying         = traceapi.StepDestroying
	StepPacking            = traceapi.StepPacking
	StepUnpacking          = traceapi.StepUnpacking
	StepInspecting         = traceapi.StepInspecting
	StepStoring            = traceapi.StepStoring
	StepTransforming       = traceapi.StepTransforming
	StepDecommissioning    = traceapi.StepDecommissioning
	SDOwningParty          = traceapi.SDOwningParty
	SDPossessingParty      = traceapi.SDPossessingParty
	SDLocation             = traceapi.SDLocation
	EndDestroyed           = traceapi.EndDestroyed
	EndDecommissioned      = traceapi.EndDecommissioned
	EndTransformed         = traceapi.EndTransformed
	CertValid              = traceapi.CertValid
	CertExpired            = traceapi.CertExpired
	CertRevoked            = traceapi.CertRevoked
	CertNotYetValid        = traceapi.CertNotYetValid
	MaxEPCsPerEvent        = traceapi.MaxEPCsPerEvent
	MaxScansPerBatch       = traceapi.MaxScansPerBatch
	MaxHashesPerEvent      = traceapi.MaxHashesPerEvent
	MaxSourcesPerEvent     = traceapi.MaxSourcesPerEvent
	MaxClientIDLen         = traceapi.MaxClientIDLen
	MaxNesting             = traceapi.MaxNesting
	LastScansKept          = traceapi.LastScansKept
	DistinctKept           = traceapi.DistinctKept
	RiskManyScans          = traceapi.RiskManyScans
	RiskManyLocations      = traceapi.RiskManyLocations
	RiskAfterSaleDevices   = traceapi.RiskAfterSaleDevices
	RiskFastMove           = traceapi.RiskFastMove
	LevelOK                = traceapi.LevelOK
	LevelWarning           = traceapi.LevelWarning
	LevelDanger            = traceapi.LevelDanger
	ReasonManyScans        = traceapi.ReasonManyScans
	ReasonManyLocations    = traceapi.ReasonManyLocations
	ReasonScannedAfterSale = traceapi.ReasonScannedAfterSale
	ReasonFastMove         = traceapi.ReasonFastMove
	ReasonRecalled         = traceapi.ReasonRecalled
	ReasonExpired          = traceapi.ReasonExpired
	ReasonEnded            = traceapi.ReasonEnded
	RelSelf                = traceapi.RelSelf
	RelParent              = traceapi.RelParent
	RelLot                 = traceapi.RelLot
	RelSource              = traceapi.RelSource
)

// Wire vocabularies.
var (
	BizSteps        = traceapi.BizSteps
	Dispositions    = traceapi.Dispositions
	SourceDestTypes = traceapi.SourceDestTypes
	ErrorReasons    = traceapi.ErrorReasons
	LocationTypes   = traceapi.LocationTypes
)
