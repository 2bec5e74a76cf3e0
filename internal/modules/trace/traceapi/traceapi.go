// Package traceapi is the traceability module's wire: the roles it
// declares, the vocabulary of EPCIS 2.0 and CBV it accepts, its signed
// actions with their bodies and results, its records, and the answers of
// its read endpoints. The state machine, the API, the pages, the CLI, the
// bench and the SDK's callers all use these types.
package traceapi

import (
	"time"

	"github.com/dengta-chain/dengta/internal/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "trace"

// The roles the traceability module declares (the common roles producer,
// logistics, supplier, regulator and inspector take part too). The strings
// are stored on chain: never rename.
const (
	Retailer role.Role = "retailer" // sells to consumers (a supermarket)
	Alliance role.Role = "alliance" // a quality alliance that certifies members
)

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Retailer, ZH: "零售商", EN: "Retailer"},
	{Role: Alliance, ZH: "质量联盟", EN: "Quality alliance"},
}

// The actions of the module.
var (
	RegisterProduct     = api.Action[ProductBody, IDResult]{Module: Name, Name: "register_product", Doc: "register a product by its GTIN or drug product code; the signer's organisation owns it"}
	RegisterLot         = api.Action[LotBody, IDResult]{Module: Name, Name: "register_lot", Doc: "register a lot (/01/<GTIN>/10/<lot>) of one of the organisation's products, with its origin"}
	RegisterLocation    = api.Action[LocationBody, IDResult]{Module: Name, Name: "register_location", Doc: "register a place by its GLN (/414/<GLN>): farm, factory, warehouse, store, hospital, pharmacy"}
	Capture             = api.Action[EventInput, CaptureResult]{Module: Name, Name: "capture", Doc: "record one EPCIS 2.0 event (ObjectEvent, AggregationEvent, TransformationEvent) or an error declaration"}
	Certify             = api.Action[CertifyBody, IDResult]{Module: Name, Name: "certify", Doc: "certify a lot or product under a scheme (origin, green food, ...) for a validity period"}
	RevokeCertification = api.Action[RevokeBody, IDResult]{Module: Name, Name: "revoke_certification", Doc: "revoke a certification the organisation issued"}
	RecordScans         = api.Action[ScansBody, ScansResult]{Module: Name, Name: "record_scans", Doc: "record up to 500 public scans of item codes; unknown codes are skipped and counted"}
)

// Event types (EPCIS 2.0).
const (
	ObjectEvent         = "ObjectEvent"
	AggregationEvent    = "AggregationEvent"
	TransformationEvent = "TransformationEvent"
)

// Event actions (EPCIS 2.0).
const (
	ActionAdd     = "ADD"
	ActionObserve = "OBSERVE"
	ActionDelete  = "DELETE"
)

// Business steps: the CBV 2.0 short names this module accepts.
const (
	StepCommissioning   = "commissioning"
	StepShipping        = "shipping"
	StepReceiving       = "receiving"
	StepRetailSelling   = "retail_selling"
	StepDispensing      = "dispensing"
	StepRecalling       = "recalling"
	StepDestroying      = "destroying"
	StepPacking         = "packing"
	StepUnpacking       = "unpacking"
	StepInspecting      = "inspecting"
	StepStoring         = "storing"
	StepTransforming    = "transforming"
	StepDecommissioning = "decommissioning"
)

// BizSteps lists the accepted business steps.
var BizSteps = []string{StepCommissioning, StepShipping, StepReceiving, StepRetailSelling, StepDispensing, StepRecalling,
	StepDestroying, StepPacking, StepUnpacking, StepInspecting, StepStoring, StepTransforming, StepDecommissioning}

// Dispositions lists the accepted CBV dispositions.
var Dispositions = []string{"active", "in_transit", "in_progress", "sellable_accessible", "retail_sold", "dispensed",
	"recalled", "destroyed", "inactive", "expired", "damaged"}

// Source and destination types (CBV).
const (
	SDOwningParty     = "owning_party"
	SDPossessingParty = "possessing_party"
	SDLocation        = "location"
)

// SourceDestTypes lists the accepted source and destination types.
var SourceDestTypes = []string{SDOwningParty, SDPossessingParty, SDLocation}

// Error declaration reasons (CBV).
var ErrorReasons = []string{"did_not_occur", "incorrect_data"}

// LocationTypes are the kinds of place register_location accepts.
var LocationTypes = []string{"farm", "factory", "warehouse", "store", "hospital", "pharmacy", "other"}

// End reasons of an object (Object.EndReason).
const (
	EndDestroyed      = "destroyed"      // a destroying event
	EndDecommissioned = "decommissioned" // a decommissioning event
	EndTransformed    = "transformed"    // consumed as the input of a transformation
)

// Certification statuses, computed at query time.
const (
	CertValid       = "valid"
	CertExpired     = "expired"
	CertRevoked     = "revoked"
	CertNotYetValid = "not_yet_valid"
)

// Limits.
const (
	MaxEPCsPerEvent    = 1000 // identifiers in one event, over all its lists
	MaxScansPerBatch   = 500  // scans in one record_scans
	MaxHashesPerEvent  = 32   // sensor_hashes, certificate_hashes
	MaxSourcesPerEvent = 8    // source_list, destination_list
	MaxClientIDLen     = 128  // event_id, corrective event ids
	MaxNesting         = 16   // containers within containers
	LastScansKept      = 20   // scans kept in a summary
	DistinctKept       = 16   // devices and locations kept in a summary's sets
)

// Party is who signed an action: the organisation and its key.
type Party = module.Party

// Stamp says who recorded a record and when.
type Stamp struct {
	By     Party  `json:"by"`
	Height int64  `json:"height"`
	Time   string `json:"time"` // block time, RFC 3339 in China Standard Time
	TxHash string `json:"tx_hash"`
}

// Product is a registered product (a GTIN or a drug's product code).
type Product struct {
	ID          string `json:"id"` // /01/<gtin14> or /drug/<7 digits>
	GTIN        string `json:"gtin,omitempty"`
	DrugCode    string `json:"drug_code,omitempty"` // the 7-digit 药品标识码
	Name        string `json:"name"`
	NameEN      string `json:"name_en,omitempty"`
	Brand       string `json:"brand,omitempty"`
	Category    string `json:"category,omitempty"`
	Spec        string `json:"spec,omitempty"`
	ImageSHA256 string `json:"image_sha256,omitempty"`
	Owner       string `json:"owner"` // the producing organisation
	Stamp
}

// Origin is where a lot was grown or made.
type Origin struct {
	Region   string `json:"region"`             // e.g. 安徽省宿州市砀山县
	Location string `json:"location,omitempty"` // a registered /414/<GLN>
	Farm     string `json:"farm,omitempty"`
}

// Recall marks a recalled lot.
type Recall struct {
	Event string `json:"event"` // the recalling event
	Org   string `json:"org"`
	Time  string `json:"time"` // the recalling event's event_time
}

// Lot is a registered batch of a product.
type Lot struct {
	ID         string  `json:"id"` // /01/<gtin14>/10/<lot> or /drug/<7>/10/<lot>
	Product    string  `json:"product"`
	LotNumber  string  `json:"lot_number"`
	Origin     Origin  `json:"origin"`
	ProducedOn string  `json:"produced_on"`          // YYYY-MM-DD
	ExpiresOn  string  `json:"expires_on,omitempty"` // YYYY-MM-DD, the last good day
	Quantity   int64   `json:"quantity,omitempty"`
	Unit       string  `json:"unit,omitempty"`
	Owner      string  `json:"owner"`
	Recall     *Recall `json:"recall,omitempty"` // set by the first recalling event on the lot
	Stamp
}

// Location is a registered place.
type Location struct {
	ID      string `json:"id"` // /414/<gln>
	GLN     string `json:"gln"`
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type"`
	Owner   string `json:"owner"`
	Stamp
}

// Shipment is a shipping event not yet matched by a receiving event.
type Shipment struct {
	Event string   `json:"event"`
	From  string   `json:"from"` // the shipping organisation
	To    []string `json:"to"`   // destination owning and possessing parties, sorted
}

// Object is the current state of a commissioned item, drug pack or
// container. It is rewritten by every event that touches it; the events
// themselves are never changed.
type Object struct {
	EPC     string `json:"epc"`
	Kind    string `json:"kind"`              // item, drug or container
	Product string `json:"product,omitempty"` // items and drug packs
	Lot     string `json:"lot,omitempty"`     // items and drug packs
	// Commissioned is the event that created the object: its
	// commissioning, the transformation that output it, or (containers)
	// the first aggregation that packed into it.
	Commissioned   string    `json:"commissioned"`
	CommissionedAt string    `json:"commissioned_at"` // that event's event_time
	CreatedBy      string    `json:"created_by"`      // organisation
	Parent         string    `json:"parent,omitempty"`
	Children       []string  `json:"children,omitempty"` // sorted
	Disposition    string    `json:"disposition,omitempty"`
	LastEvent      string    `json:"last_event"`
	Shipment       *Shipment `json:"shipment,omitempty"`
	Sold           bool      `json:"sold"`
	SaleEvent      string    `json:"sale_event,omitempty"` // retail_selling or dispensing
	Seller         string    `json:"seller,omitempty"`
	SoldAt         string    `json:"sold_at,omitempty"` // the sale's event_time
	Destroyed      bool      `json:"destroyed"`         // ended: no event may follow
	EndReason      string    `json:"end_reason,omitempty"`
	EndEvent       string    `json:"end_event,omitempty"`
	Events         int64     `json:"events"` // events that touched the object
}

// Source is an EPCIS source (sourceList entry).
type Source struct {
	Type   string `json:"type"`
	Source string `json:"source"`
}

// Destination is an EPCIS destination (destinationList entry).
type Destination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
}

// ErrorDeclarationInput declares an earlier event erroneous.
type ErrorDeclarationInput struct {
	Reason             string   `json:"reason"`
	Corrects           string   `json:"corrects"` // the event's chain id or client event_id
	CorrectiveEventIDs []string `json:"corrective_event_ids,omitempty"`
}

// EventInput is the body of capture: one EPCIS 2.0 event in this module's
// JSON form. ParseEPCIS returns values of this type.
type EventInput struct {
	Type              string                 `json:"type"`
	Action            string                 `json:"action,omitempty"`
	EPCList           []string               `json:"epc_list,omitempty"`
	ParentID          string                 `json:"parent_id,omitempty"`
	ChildEPCs         []string               `json:"child_epcs,omitempty"`
	InputEPCList      []string               `json:"input_epc_list,omitempty"`
	OutputEPCList     []string               `json:"output_epc_list,omitempty"`
	Lot               string                 `json:"lot,omitempty"` // commissioning and item outputs: the items' lot
	BizStep           string                 `json:"biz_step"`
	Disposition       string                 `json:"disposition,omitempty"`
	ReadPoint         string                 `json:"read_point,omitempty"`
	BizLocation       string                 `json:"biz_location,omitempty"`
	EventTime         string                 `json:"event_time"`
	SourceList        []Source               `json:"source_list,omitempty"`
	DestinationList   []Destination          `json:"destination_list,omitempty"`
	SensorHashes      []string               `json:"sensor_hashes,omitempty"`
	CertificateHashes []string               `json:"certificate_hashes,omitempty"`
	EventID           string                 `json:"event_id,omitempty"`
	ErrorDeclaration  *ErrorDeclarationInput `json:"error_declaration,omitempty"`
}

// Event is a captured event as recorded: the input in canonical form and
// where it was recorded. Events are never changed.
type Event struct {
	ID string `json:"id"` // record position: 16 hex digits of height, 8 of index in the block
	EventInput
	RecordTime string `json:"record_time"` // block time, RFC 3339 in China Standard Time
	Recorder   Party  `json:"recorder"`
	Height     int64  `json:"height"`
	TxHash     string `json:"tx_hash"`
}

// Certification is a quality or origin certificate of a lot or product.
type Certification struct {
	ID                string      `json:"id"`
	Subject           string      `json:"subject"` // a lot or product id
	Scheme            string      `json:"scheme"`
	CertificateNo     string      `json:"certificate_no"`
	CertificateSHA256 string      `json:"certificate_sha256,omitempty"`
	ValidFrom         string      `json:"valid_from"`  // RFC 3339
	ValidUntil        string      `json:"valid_until"` // RFC 3339
	Issuer            string      `json:"issuer"`      // organisation
	Revoked           *Revocation `json:"revoked,omitempty"`
	Stamp
}

// Revocation withdraws a certification.
type Revocation struct {
	Reason string `json:"reason"`
	Stamp
}

// Scan is one public scan of an item's code.
type Scan struct {
	Time     string `json:"time"`
	Location string `json:"location,omitempty"`
	Device   string `json:"device"`
}

// ScanPoint is when and where a code was scanned.
type ScanPoint struct {
	Time     string `json:"time"`
	Location string `json:"location,omitempty"`
}

// Move is the pair of scans in different places closest in time.
type Move struct {
	From    ScanPoint `json:"from"`
	To      ScanPoint `json:"to"`
	Seconds int64     `json:"seconds"`
}

// ScanSummary is the compact record of an item's public scans. Sets are
// bounded: beyond DistinctKept entries only "more" is recorded ("16+").
type ScanSummary struct {
	EPC              string     `json:"epc"`
	Count            int64      `json:"count"`
	First            *ScanPoint `json:"first,omitempty"` // the earliest scan by time
	Last             []Scan     `json:"last"`            // the latest LastScansKept scans, oldest first
	Devices          []string   `json:"devices"`         // sorted
	DevicesMore      bool       `json:"devices_more"`
	Locations        []string   `json:"locations"` // sorted, non-empty locations
	LocationsMore    bool       `json:"locations_more"`
	AfterSaleDevices []string   `json:"after_sale_devices,omitempty"` // devices that scanned at or after the sale's event time
	AfterSaleMore    bool       `json:"after_sale_more,omitempty"`
	ClosestMove      *Move      `json:"closest_move,omitempty"`
}

// DistinctDevices is the number of distinct devices, and whether there
// were more than could be kept ("16+").
func (s *ScanSummary) DistinctDevices() (int, bool) { return len(s.Devices), s.DevicesMore }

// DistinctLocations is the number of distinct non-empty locations, and
// whether there were more than could be kept.
func (s *ScanSummary) DistinctLocations() (int, bool) { return len(s.Locations), s.LocationsMore }

// Action bodies.

// ProductBody is the body of trace/register_product: a GTIN or a drug product code, and what the product is.
type ProductBody struct {
	GTIN        string `json:"gtin,omitempty"`
	DrugCode    string `json:"drug_code,omitempty"`
	Name        string `json:"name"`
	NameEN      string `json:"name_en,omitempty"`
	Brand       string `json:"brand,omitempty"`
	Category    string `json:"category,omitempty"`
	Spec        string `json:"spec,omitempty"`
	ImageSHA256 string `json:"image_sha256,omitempty"`
}

// OriginBody is where a lot was grown or made.
type OriginBody struct {
	Region   string `json:"region"`
	Location string `json:"location,omitempty"`
	Farm     string `json:"farm,omitempty"`
}

// LotBody is the body of trace/register_lot.
type LotBody struct {
	LotID      string      `json:"lot_id"`
	Origin     *OriginBody `json:"origin"`
	ProducedOn string      `json:"produced_on"`
	ExpiresOn  string      `json:"expires_on,omitempty"`
	Quantity   *int64      `json:"quantity,omitempty"`
	Unit       string      `json:"unit,omitempty"`
}

// LocationBody is the body of trace/register_location.
type LocationBody struct {
	GLN     string `json:"gln"`
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type"`
}

// CertifyBody is the body of trace/certify.
type CertifyBody struct {
	Subject           string `json:"subject"`
	Scheme            string `json:"scheme"`
	CertificateNo     string `json:"certificate_no"`
	CertificateSHA256 string `json:"certificate_sha256,omitempty"`
	ValidFrom         string `json:"valid_from"`
	ValidUntil        string `json:"valid_until"`
}

// RevokeBody is the body of trace/revoke_certification.
type RevokeBody struct {
	CertificationID string `json:"certification_id"`
	Reason          string `json:"reason"`
}

// ScanInput is one public scan in trace/record_scans.
type ScanInput struct {
	EPC      string `json:"epc"`
	Time     string `json:"time"`
	Location string `json:"location,omitempty"`
	Device   string `json:"device"`
}

// ScansBody is the body of trace/record_scans.
type ScansBody struct {
	Scans []ScanInput `json:"scans"`
}

// Action results (Context.SetResult).

// IDResult is what the registering actions answer: the new record's id.
type IDResult struct {
	ID string `json:"id"`
}

// CaptureResult is what trace/capture answers.
type CaptureResult struct {
	EventID       string `json:"event_id"`
	ClientEventID string `json:"client_event_id,omitempty"`
}

// ScansResult is what trace/record_scans answers.
type ScansResult struct {
	Recorded int `json:"recorded"`
	Skipped  int `json:"skipped"`
}

// Risk thresholds. A code scanned many times, in many places, by several
// devices after it was sold, or in two places too far apart for the time
// between the scans, is probably copied.
const (
	RiskManyScans        = 10            // more scans than this: warning
	RiskManyLocations    = 3             // at least this many distinct places: warning
	RiskAfterSaleDevices = 1             // more devices than this scanning after the sale: danger
	RiskFastMove         = 2 * time.Hour // two scans in different places closer in time than this: danger
)

// Verdict levels.
const (
	LevelOK      = "ok"
	LevelWarning = "warning"
	LevelDanger  = "danger"
)

// Reason codes of a verdict.
const (
	ReasonManyScans        = "many_scans"         // count, limit
	ReasonManyLocations    = "many_locations"     // count ("16+" beyond the kept set), limit
	ReasonScannedAfterSale = "scanned_after_sale" // devices, sold_at
	ReasonFastMove         = "fast_move"          // from, from_time, to, to_time, minutes, limit_minutes
	ReasonRecalled         = "recalled"           // lot, event, time
	ReasonExpired          = "expired"            // lot, expires_on
	ReasonEnded            = "ended"              // reason, event: the item was destroyed, decommissioned or consumed
)

// Reason is one finding of a verdict, with its parameters.
type Reason struct {
	Code   string            `json:"code"`
	Level  string            `json:"level"`
	Params map[string]string `json:"params"`
}

// Verdict is the risk assessment of an item's code.
type Verdict struct {
	Level   string   `json:"level"`
	Reasons []Reason `json:"reasons"`
}

// Step is one line of the journey a scan page shows.
type Step struct {
	EventID           string   `json:"event_id"`
	Time              string   `json:"time"` // event_time
	Type              string   `json:"type"`
	BizStep           string   `json:"biz_step"`
	Disposition       string   `json:"disposition,omitempty"`
	Org               *OrgInfo `json:"org"`
	Location          string   `json:"location,omitempty"` // biz_location, else read_point
	LocationName      string   `json:"location_name,omitempty"`
	Relation          string   `json:"relation"`
	Via               string   `json:"via,omitempty"`
	DeclaredErroneous bool     `json:"declared_erroneous"`
}

// ScanInfo is what a scan page says of the code's scans.
type ScanInfo struct {
	Count             int64      `json:"count"`
	First             *ScanPoint `json:"first,omitempty"`
	DistinctDevices   string     `json:"distinct_devices"`   // "16+" beyond the kept set
	DistinctLocations string     `json:"distinct_locations"` // likewise
}

// RecallStatus says whether the item is affected by a recall.
type RecallStatus struct {
	Recalled bool    `json:"recalled"`
	Lot      string  `json:"lot,omitempty"` // the recalled lot (the item's or one it was made from)
	Recall   *Recall `json:"recall,omitempty"`
}

// Page is everything the public scan page shows for a code, read from one
// state version.
type Page struct {
	EPC            string                `json:"epc"`
	Item           *Object               `json:"item"`
	Product        *Product              `json:"product"`
	Lot            *Lot                  `json:"lot,omitempty"`
	Origin         *Location             `json:"origin_location,omitempty"`
	Producer       *OrgInfo              `json:"producer"`
	Seller         *OrgInfo              `json:"seller,omitempty"`
	SoldAt         string                `json:"sold_at,omitempty"`
	Journey        []Step                `json:"journey"`
	Certifications []CertificationStatus `json:"certifications"` // the product's, then the lot's
	Scans          ScanInfo              `json:"scans"`
	Recall         RecallStatus          `json:"recall"`
	Risk           *Verdict              `json:"risk"`
}

// CertificationStatus is a certification with its status at a time.
type CertificationStatus struct {
	Certification
	Status string `json:"status"`
}

// OrgInfo is an organisation as a scan page shows it.
type OrgInfo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	Active bool   `json:"active"`
}

// Journey relations: how an event concerns the item whose journey it is.
const (
	RelSelf   = "self"   // the event names the item
	RelParent = "parent" // the event names a container the item was in at the time
	RelLot    = "lot"    // the event names the item's lot
	RelSource = "source" // the event is in the history of a lot or item the item was made from
)

// JourneyEvent is one event of an item's journey.
type JourneyEvent struct {
	Event
	Relation string `json:"relation"`
	// Via is the identifier whose history the event comes from, when it
	// is not the item itself.
	Via               string `json:"via,omitempty"`
	DeclaredErroneous bool   `json:"declared_erroneous"`
	DeclaredBy        string `json:"declared_by,omitempty"` // the error declaration
}

// Impact is what a recall of a lot reaches.
type Impact struct {
	Lot       string   `json:"lot"`
	Recall    *Recall  `json:"recall,omitempty"` // set when the lot is recalled
	Lots      []string `json:"lots"`             // lots derived from it through transformations, transitively
	Items     []string `json:"items"`            // items in the lot or those lots, or derived from them
	Truncated bool     `json:"truncated"`        // more than MaxImpact identifiers; the lists are partial
}

// ImportIssue says why one event of an EPCIS document was not converted.
type ImportIssue struct {
	Index   int    `json:"index"`              // position in epcisBody.eventList, from 0
	EventID string `json:"event_id,omitempty"` // the event's eventID, when it has one
	Message string `json:"message"`
}

// The read endpoints of the module.
var (
	GetProduct     = api.Query[IDParams, Product]{Path: "/v1/trace/product", Public: true}
	GetLot         = api.Query[IDParams, Lot]{Path: "/v1/trace/lot", Public: true}
	GetItem        = api.Query[EPCParams, Object]{Path: "/v1/trace/item", Public: true}
	GetJourney     = api.Query[EPCParams, JourneyResponse]{Path: "/v1/trace/journey", Public: true}
	GetScanPage    = api.Query[EPCParams, ScanPageResponse]{Path: "/v1/trace/scan-page", Public: true}
	GetRecall      = api.Query[LotParams, Impact]{Path: "/v1/trace/recall-impact"}
	Certifications = api.Query[SubjectParams, CertificationsResponse]{Path: "/v1/trace/certifications", Public: true}
	GetEvent       = api.Query[EventParams, Event]{Path: "/v1/trace/events/{id}", Public: true}
	QR             = api.Query[QRParams, []byte]{Path: "/v1/trace/qr", Public: true}
	PostScan       = api.Query[struct{}, ScanQueued]{Method: "POST", Path: "/v1/trace/scans", Public: true}
	ConvertEPCIS   = api.Query[struct{}, EPCISResult]{Method: "POST", Path: "/v1/trace/epcis"}
)

// IDParams name a product (a GTIN or /01/<GTIN>, or a drug product code)
// or a lot (/01/<GTIN>/10/<lot>) at a height (0: the latest).
type IDParams struct {
	ID     string `query:"id"`
	Height int64  `query:"height"`
}

// EPCParams name an item by its GS1 Digital Link path.
type EPCParams struct {
	EPC    string `query:"epc"`
	Height int64  `query:"height"`
}

// LotParams name a lot.
type LotParams struct {
	Lot    string `query:"lot"`
	Height int64  `query:"height"`
}

// SubjectParams name a certified lot or product.
type SubjectParams struct {
	Subject string `query:"subject"`
	Height  int64  `query:"height"`
}

// EventParams name a captured event by its record position.
type EventParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height"`
}

// QRParams ask for an item's QR label: PNG (scale: pixels per module) or
// SVG (size: pixels).
type QRParams struct {
	EPC    string `query:"epc"`
	Format string `query:"format"`
	Size   int    `query:"size"`
	Scale  int    `query:"scale"`
}

// JourneyResponse answers GET /v1/trace/journey.
type JourneyResponse struct {
	EPC    string         `json:"epc"`
	Events []JourneyEvent `json:"events"`
	Height int64          `json:"height"`
}

// ScanPageResponse answers GET /v1/trace/scan-page: what the public scan
// page shows, with scans not yet committed counted separately.
type ScanPageResponse struct {
	Height int64 `json:"height"`
	*Page
	PendingScans int `json:"pending_scans"`
}

// CertificationsResponse answers GET /v1/trace/certifications.
type CertificationsResponse struct {
	Height  int64                 `json:"height"`
	Items   []CertificationStatus `json:"items"`
	Subject string                `json:"subject"`
}

// ScanRequest is the body of POST /v1/trace/scans: one public scan.
type ScanRequest struct {
	EPC      string `json:"epc"`
	Location string `json:"location,omitempty"` // coarse: a city or region
	Device   string `json:"device"`             // hex SHA-256 of the device id, computed by the app
}

// ScanQueued answers POST /v1/trace/scans.
type ScanQueued struct {
	EPC     string `json:"epc"`
	Pending int    `json:"pending"`
	Queued  bool   `json:"queued"`
}

// EPCISResult answers POST /v1/trace/epcis: the document's events as
// capture bodies, and why the others could not be converted.
type EPCISResult struct {
	Events []EventInput  `json:"events"`
	Issues []ImportIssue `json:"issues"`
}
