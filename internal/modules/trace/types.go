package trace

import "github.com/dengta-chain/dengta/internal/module"

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

type productBody struct {
	GTIN        string `json:"gtin"`
	DrugCode    string `json:"drug_code"`
	Name        string `json:"name"`
	NameEN      string `json:"name_en"`
	Brand       string `json:"brand"`
	Category    string `json:"category"`
	Spec        string `json:"spec"`
	ImageSHA256 string `json:"image_sha256"`
}

type originBody struct {
	Region   string `json:"region"`
	Location string `json:"location"`
	Farm     string `json:"farm"`
}

type lotBody struct {
	LotID      string      `json:"lot_id"`
	Origin     *originBody `json:"origin"`
	ProducedOn string      `json:"produced_on"`
	ExpiresOn  string      `json:"expires_on"`
	Quantity   *int64      `json:"quantity"`
	Unit       string      `json:"unit"`
}

type locationBody struct {
	GLN     string `json:"gln"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Type    string `json:"type"`
}

type certifyBody struct {
	Subject           string `json:"subject"`
	Scheme            string `json:"scheme"`
	CertificateNo     string `json:"certificate_no"`
	CertificateSHA256 string `json:"certificate_sha256"`
	ValidFrom         string `json:"valid_from"`
	ValidUntil        string `json:"valid_until"`
}

type revokeBody struct {
	CertificationID string `json:"certification_id"`
	Reason          string `json:"reason"`
}

type scanInput struct {
	EPC      string `json:"epc"`
	Time     string `json:"time"`
	Location string `json:"location"`
	Device   string `json:"device"`
}

type scansBody struct {
	Scans []scanInput `json:"scans"`
}

// Action results (Context.SetResult).

type idResult struct {
	ID string `json:"id"`
}

type captureResult struct {
	EventID       string `json:"event_id"`
	ClientEventID string `json:"client_event_id,omitempty"`
}

type scansResult struct {
	Recorded int `json:"recorded"`
	Skipped  int `json:"skipped"`
}
