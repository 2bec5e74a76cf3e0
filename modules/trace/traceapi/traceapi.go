// Package traceapi is the traceability module's wire: the roles it
// declares, the vocabulary of EPCIS 2.0 and CBV 2.0 it accepts, its signed
// actions with their bodies and results, its records, and the answers of
// its read endpoints. The state machine, the API, the pages, the CLI, the
// bench and the SDK's callers all use these types.
package traceapi

import (
	"encoding/json"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "trace"

// The roles the traceability module declares (the common roles producer,
// logistics, supplier, regulator and inspector take part too). The strings
// are stored on chain: never rename.
const (
	Retailer role.Role = "retailer" // sells to consumers (a supermarket, a pharmacy)
	Alliance role.Role = "alliance" // a quality alliance that certifies members
)

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Retailer, ZH: "零售商", EN: "Retailer"},
	{Role: Alliance, ZH: "质量联盟", EN: "Quality alliance"},
}

// The actions of the module.
var (
	AssignPrefix        = api.Action[PrefixBody, IDResult]{Module: Name, Name: "assign_prefix", Doc: "record that a GS1 company prefix (or a drug code prefix) belongs to an organisation; only its owner registers products, places and parties under it"}
	RegisterProduct     = api.Action[ProductBody, IDResult]{Module: Name, Name: "register_product", Doc: "register a product by its GTIN or drug product code, under a prefix the organisation owns"}
	RegisterLot         = api.Action[LotBody, IDResult]{Module: Name, Name: "register_lot", Doc: "register a lot (/01/<GTIN>/10/<lot>) of one of the organisation's products, with its origin"}
	RegisterLocation    = api.Action[LocationBody, IDResult]{Module: Name, Name: "register_location", Doc: "register a place by its GLN (/414/<GLN>, with /254/<extension> for a sub-location) under a prefix the organisation owns"}
	RegisterParty       = api.Action[PartyBody, IDResult]{Module: Name, Name: "register_party", Doc: "register a party GLN (/417/<GLN>) as the organisation's, so that EPCIS parties given by GLN map to it"}
	Capture             = api.Action[EventInput, CaptureResult]{Module: Name, Name: "capture", Doc: "record one EPCIS 2.0 event (ObjectEvent, AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent) or an error declaration"}
	Certify             = api.Action[CertifyBody, IDResult]{Module: Name, Name: "certify", Doc: "certify a lot or product under a scheme (origin, green food, ...) for a validity period"}
	RevokeCertification = api.Action[RevokeBody, IDResult]{Module: Name, Name: "revoke_certification", Doc: "revoke a certification the organisation issued"}
	RecordScans         = api.Action[ScansBody, ScansResult]{Module: Name, Name: "record_scans", Doc: "record up to 500 public scans of item codes, signed by a node operator key; unknown codes and scans out of their time window are skipped and counted"}
	RecordMemberScans   = api.Action[MemberScansBody, MemberScansResult]{Module: Name, Name: "record_member_scans", Doc: "record up to 200 scans by the organisation's own devices (a till, a logistics scanner), signed with its key"}
)

// Event types (EPCIS 2.0).
const (
	ObjectEvent         = "ObjectEvent"
	AggregationEvent    = "AggregationEvent"
	TransformationEvent = "TransformationEvent"
	AssociationEvent    = "AssociationEvent"
	TransactionEvent    = "TransactionEvent"
)

// EventTypes lists the event types.
var EventTypes = []string{ObjectEvent, AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent}

// Event actions (EPCIS 2.0).
const (
	ActionAdd     = "ADD"
	ActionObserve = "OBSERVE"
	ActionDelete  = "DELETE"
)

// Business steps: the CBV 2.0 names, and one the module keeps for the
// events it recorded before (transforming).
const (
	StepAccepting             = "accepting"
	StepArriving              = "arriving"
	StepAssembling            = "assembling"
	StepCollecting            = "collecting"
	StepCommissioning         = "commissioning"
	StepConsigning            = "consigning"
	StepCreatingClassInstance = "creating_class_instance"
	StepCycleCounting         = "cycle_counting"
	StepDecommissioning       = "decommissioning"
	StepDeparting             = "departing"
	StepDestroying            = "destroying"
	StepDisassembling         = "disassembling"
	StepDispensing            = "dispensing"
	StepEncoding              = "encoding"
	StepEnteringExiting       = "entering_exiting"
	StepHolding               = "holding"
	StepInspecting            = "inspecting"
	StepInstalling            = "installing"
	StepKilling               = "killing"
	StepLoading               = "loading"
	StepOther                 = "other"
	StepPacking               = "packing"
	StepPicking               = "picking"
	StepReceiving             = "receiving"
	StepRemoving              = "removing"
	StepRepackaging           = "repackaging"
	StepRepairing             = "repairing"
	StepReplacing             = "replacing"
	StepReserving             = "reserving"
	StepRetailSelling         = "retail_selling"
	StepSampling              = "sampling"
	StepSensorReporting       = "sensor_reporting"
	StepShipping              = "shipping"
	StepStagingOutbound       = "staging_outbound"
	StepStockTaking           = "stock_taking"
	StepStocking              = "stocking"
	StepStoring               = "storing"
	StepTransporting          = "transporting"
	StepUnloading             = "unloading"
	StepUnpacking             = "unpacking"
	StepVoidShipping          = "void_shipping"
	// StepRecalling is not a CBV business step: a recall is recorded with
	// it (and the disposition recalled) so that the chain can act on it.
	StepRecalling = "recalling"
	// StepTransforming is this module's step for transformations recorded
	// before it took every CBV step; exported as "other".
	StepTransforming = "transforming"
)

// BizSteps lists the business steps, CBV 2.0's and the module's own.
var BizSteps = []string{StepAccepting, StepArriving, StepAssembling, StepCollecting, StepCommissioning, StepConsigning,
	StepCreatingClassInstance, StepCycleCounting, StepDecommissioning, StepDeparting, StepDestroying, StepDisassembling,
	StepDispensing, StepEncoding, StepEnteringExiting, StepHolding, StepInspecting, StepInstalling, StepKilling, StepLoading,
	StepOther, StepPacking, StepPicking, StepReceiving, StepRemoving, StepRepackaging, StepRepairing, StepReplacing,
	StepReserving, StepRetailSelling, StepSampling, StepSensorReporting, StepShipping, StepStagingOutbound, StepStockTaking,
	StepStocking, StepStoring, StepTransporting, StepUnloading, StepUnpacking, StepVoidShipping, StepRecalling, StepTransforming}

// Dispositions lists the CBV 2.0 dispositions.
var Dispositions = []string{"active", "available", "completeness_inferred", "completeness_verified", "conformant",
	"container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired",
	"in_progress", "in_transit", "inactive", "mismatch_class", "mismatch_instance", "mismatch_quantity",
	"needs_replacement", "no_pedigree_match", "non_conformant", "non_sellable_other", "partially_dispensed",
	"recalled", "reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
	"unavailable", "unknown"}

// Source and destination types (CBV).
const (
	SDOwningParty     = "owning_party"
	SDPossessingParty = "possessing_party"
	SDLocation        = "location"
)

// SourceDestTypes lists the CBV source and destination types.
var SourceDestTypes = []string{SDOwningParty, SDPossessingParty, SDLocation}

// Error declaration reasons (CBV).
var ErrorReasons = []string{"did_not_occur", "incorrect_data"}

// LocationTypes are the kinds of place register_location accepts.
var LocationTypes = []string{"farm", "factory", "warehouse", "store", "hospital", "pharmacy", "dock", "vehicle", "other"}

// Prefix schemes.
const (
	PrefixGS1  = "gs1"  // a GS1 company prefix: GTINs, GLNs, SSCCs, GRAIs, GIAIs... under it
	PrefixDrug = "drug" // the leading digits of 药品标识码 (drug product codes)
)

// End reasons of an object (Object.EndReason).
const (
	EndDestroyed      = "destroyed"      // a destroying event
	EndDecommissioned = "decommissioned" // a decommissioning event, or any ObjectEvent DELETE
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
	MaxEPCsPerEvent     = 1000 // identifiers in one event, over all its lists (quantities included)
	MaxScansPerBatch    = 500  // scans in one record_scans
	MaxMemberScans      = 200  // scans in one record_member_scans
	MaxHashesPerEvent   = 32   // sensor_hashes, certificate_hashes, certification_info, biz_transaction_list
	MaxSourcesPerEvent  = 8    // source_list, destination_list
	MaxSensorElements   = 64   // sensor elements in one event
	MaxSensorReports    = 1000 // sensor reports in one event, over its elements
	MaxClientIDLen      = 256  // event_id, corrective event ids
	MaxNesting          = 16   // containers within containers
	MaxOpenTransits     = 64   // open shipments of one class-level quantity at a time
	MaxRecallDescendant = 5000 // objects a recall of a container reaches inside it
	LastScansKept       = 20   // scans kept in a summary
	MemberScansKept     = 5    // member scans kept in a summary
	DistinctKept        = 16   // devices, cities and networks kept in a summary's sets
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

// Decimal is an exact decimal number written as a string ("200.5",
// "-18", "1.25E3" is not accepted: plain digits, a sign and a point). The
// chain never turns it into a float.
type Decimal string

// JSONSchema describes a decimal.
func (Decimal) JSONSchema() map[string]any {
	return map[string]any{"type": "string", "pattern": `^-?[0-9]{1,12}(\.[0-9]{1,6})?$`, "description": "an exact decimal number as a string, at most 12 digits before the point and 6 after"}
}

// Prefix is a GS1 company prefix (or drug code prefix) and its owner.
type Prefix struct {
	Scheme string `json:"scheme"`
	Prefix string `json:"prefix"`
	Org    string `json:"org"`
	Note   string `json:"note,omitempty"` // the assignment's reference (certificate of the coding authority)
	Stamp
}

// Conditions are the storage conditions a product needs (a cold chain):
// a measurement type of EPCIS sensor reports, and its bounds in a unit.
// Readings outside the bounds are flagged on the journey and scan page.
type Conditions struct {
	Type string  `json:"type" doc:"EPCIS measurement type, e.g. Temperature"`
	Min  Decimal `json:"min,omitempty"`
	Max  Decimal `json:"max,omitempty"`
	UOM  string  `json:"uom" doc:"UN/CEFACT unit code, e.g. CEL"`
}

// Product is a registered product (a GTIN or a drug's product code).
type Product struct {
	ID          string      `json:"id"` // /01/<gtin14> or /drug/<7 digits>
	GTIN        string      `json:"gtin,omitempty"`
	DrugCode    string      `json:"drug_code,omitempty"` // the 7-digit 药品标识码
	Name        string      `json:"name"`
	NameEN      string      `json:"name_en,omitempty"`
	Brand       string      `json:"brand,omitempty"`
	Category    string      `json:"category,omitempty"`
	Spec        string      `json:"spec,omitempty"`
	ImageSHA256 string      `json:"image_sha256,omitempty"`
	Conditions  *Conditions `json:"conditions,omitempty"`
	Owner       string      `json:"owner"`            // the producing organisation
	Recall      *Recall     `json:"recall,omitempty"` // set by the first recall of the whole product
	Stamp
}

// Origin is where a lot was grown or made.
type Origin struct {
	Region   string `json:"region"`             // e.g. 安徽省宿州市砀山县
	Location string `json:"location,omitempty"` // a registered /414/<GLN>
	Farm     string `json:"farm,omitempty"`
}

// Recall marks what a recalling event reached: a product, a lot, an item
// or a container (and what was in it).
type Recall struct {
	Event string `json:"event"` // the recalling event
	Org   string `json:"org"`
	Time  string `json:"time"` // the recalling event's event_time
	// Subject is what was recalled, when the mark sits on something else
	// (an item in a recalled container).
	Subject string `json:"subject,omitempty"`
}

// Lot is a registered batch of a product. A lot is registered by its
// producer (register_lot) or comes into being with the first event that
// commissions items or a quantity into it.
type Lot struct {
	ID         string  `json:"id"` // /01/<gtin14>/10/<lot> or /drug/<7>/10/<lot>
	Product    string  `json:"product"`
	LotNumber  string  `json:"lot_number"`
	Origin     Origin  `json:"origin"`
	ProducedOn string  `json:"produced_on,omitempty"` // YYYY-MM-DD
	ExpiresOn  string  `json:"expires_on,omitempty"`  // YYYY-MM-DD, the last good day
	Quantity   int64   `json:"quantity,omitempty"`
	Unit       string  `json:"unit,omitempty"`
	Owner      string  `json:"owner"`
	Recall     *Recall `json:"recall,omitempty"` // set by the first recalling event on the lot
	// FromEvent is the event that brought the lot into being when it was
	// not registered first.
	FromEvent string `json:"from_event,omitempty"`
	Stamp
}

// Location is a registered place.
type Location struct {
	ID      string `json:"id"` // /414/<gln>[/254/<extension>]
	GLN     string `json:"gln"`
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type"`
	Owner   string `json:"owner"`
	Stamp
}

// PartyGLN is a registered party GLN and the organisation it names.
type PartyGLN struct {
	ID    string `json:"id"` // /417/<gln>
	GLN   string `json:"gln"`
	Name  string `json:"name,omitempty"`
	Owner string `json:"owner"`
	Stamp
}

// Shipment is a shipping event not yet received, voided or returned.
type Shipment struct {
	Event string `json:"event"`
	From  string `json:"from"` // the shipping organisation (the custodian until receipt)
	To    string `json:"to"`   // the organisation that will take possession
	// NewOwner is the organisation ownership passes to on receipt, when
	// the shipment names one (a destination owning_party).
	NewOwner string `json:"new_owner,omitempty"`
}

// Line is a class-level quantity: so much of a class (a lot, a product, a
// returnable asset type) in a unit ("" counts instances).
type Line struct {
	Class  string  `json:"class"`
	UOM    string  `json:"uom,omitempty"`
	Amount Decimal `json:"amount"`
}

// Object is the current state of an item, drug pack, container or asset.
// It is rewritten by every event that touches it; the events themselves
// are never changed.
type Object struct {
	EPC     string `json:"epc"`
	Kind    string `json:"kind"`              // item, drug, container or asset
	Product string `json:"product,omitempty"` // items and drug packs
	Lot     string `json:"lot,omitempty"`     // items and drug packs commissioned into a lot
	// Commissioned is the event that created the object: its
	// commissioning (any ObjectEvent ADD), the transformation that output
	// it, or (containers and assets) the first event that named it.
	Commissioned   string `json:"commissioned"`
	CommissionedAt string `json:"commissioned_at"` // that event's event_time
	CreatedBy      string `json:"created_by"`      // organisation
	// Custodian is the organisation that holds the object; Owner the one
	// that owns it. While the object is packed in a container both are
	// the outermost container's; once sold both are "" (a consumer).
	Custodian   string    `json:"custodian"`
	Owner       string    `json:"owner"`
	Parent      string    `json:"parent,omitempty"`
	Children    []string  `json:"children,omitempty"`    // sorted
	Associated  []string  `json:"associated,omitempty"`  // AssociationEvent children, sorted
	Contents    []Line    `json:"contents,omitempty"`    // class-level quantities packed in a container, sorted
	Disposition string    `json:"disposition,omitempty"` // the last disposition its custodian, owner or a regulator gave
	Persistent  []string  `json:"persistent,omitempty"`  // persistent dispositions, sorted
	LastEvent   string    `json:"last_event"`
	Shipment    *Shipment `json:"shipment,omitempty"`
	Sold        bool      `json:"sold"`
	SaleEvent   string    `json:"sale_event,omitempty"` // retail_selling or dispensing
	Seller      string    `json:"seller,omitempty"`
	SoldAt      string    `json:"sold_at,omitempty"` // the sale's event_time
	Destroyed   bool      `json:"destroyed"`         // ended: no event may follow
	EndReason   string    `json:"end_reason,omitempty"`
	EndEvent    string    `json:"end_event,omitempty"`
	Recall      *Recall   `json:"recall,omitempty"` // the first recall that reached the object itself
	Events      int64     `json:"events"`           // events that touched the object
}

// Holding is how much of a class an organisation holds.
type Holding struct {
	Class  string  `json:"class"`
	UOM    string  `json:"uom,omitempty"`
	Org    string  `json:"org"`
	Amount Decimal `json:"amount"`
}

// Transit is a class-level quantity shipped and not yet received.
type Transit struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	NewOwner string  `json:"new_owner,omitempty"`
	Amount   Decimal `json:"amount"`
	Event    string  `json:"event"` // the first shipping of the line
}

// Transits are the open shipments of one class in one unit, sorted by
// sender and receiver.
type Transits struct {
	Class string    `json:"class"`
	UOM   string    `json:"uom,omitempty"`
	Lines []Transit `json:"lines"`
}

// QuantityElement is an EPCIS quantity: a class, and how much of it
// (absent: an unknown amount, which no custody rule can count).
type QuantityElement struct {
	EPCClass string  `json:"epc_class"`
	Quantity Decimal `json:"quantity,omitempty"`
	UOM      string  `json:"uom,omitempty"`
}

// PersistentDisposition sets and unsets dispositions that stay until
// unset (EPCIS 2.0).
type PersistentDisposition struct {
	Set   []string `json:"set,omitempty"`
	Unset []string `json:"unset,omitempty"`
}

// BizTransaction is a business transaction an event belongs to (a
// purchase order, a despatch advice).
type BizTransaction struct {
	Type           string `json:"type,omitempty"`
	BizTransaction string `json:"biz_transaction"`
}

// Source is an EPCIS source (sourceList entry). A party is an
// organisation id, a party GLN (/417/) or a location GLN (/414/); Org is
// the organisation the chain resolved it to (never given by the client).
type Source struct {
	Type   string `json:"type"`
	Source string `json:"source"`
	Org    string `json:"org,omitempty"`
}

// Destination is an EPCIS destination (destinationList entry).
type Destination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
	Org         string `json:"org,omitempty"`
}

// SensorMetadata describes how a sensor element's reports were taken.
type SensorMetadata struct {
	Time                 string                     `json:"time,omitempty"`
	StartTime            string                     `json:"start_time,omitempty"`
	EndTime              string                     `json:"end_time,omitempty"`
	DeviceID             string                     `json:"device_id,omitempty"`
	DeviceMetadata       string                     `json:"device_metadata,omitempty"`
	RawData              string                     `json:"raw_data,omitempty"`
	DataProcessingMethod string                     `json:"data_processing_method,omitempty"`
	BizRules             string                     `json:"biz_rules,omitempty"`
	Extensions           map[string]json.RawMessage `json:"extensions,omitempty"`
}

// SensorReport is one EPCIS sensor report: a measurement (or a value of
// another kind) with its unit, time and device.
type SensorReport struct {
	Type                      string                     `json:"type,omitempty"`
	Exception                 string                     `json:"exception,omitempty"`
	DeviceID                  string                     `json:"device_id,omitempty"`
	DeviceMetadata            string                     `json:"device_metadata,omitempty"`
	RawData                   string                     `json:"raw_data,omitempty"`
	DataProcessingMethod      string                     `json:"data_processing_method,omitempty"`
	BizRules                  string                     `json:"biz_rules,omitempty"`
	Time                      string                     `json:"time,omitempty"`
	Microorganism             string                     `json:"microorganism,omitempty"`
	ChemicalSubstance         string                     `json:"chemical_substance,omitempty"`
	CoordinateReferenceSystem string                     `json:"coordinate_reference_system,omitempty"`
	Component                 string                     `json:"component,omitempty"`
	Value                     Decimal                    `json:"value,omitempty"`
	MinValue                  Decimal                    `json:"min_value,omitempty"`
	MaxValue                  Decimal                    `json:"max_value,omitempty"`
	MeanValue                 Decimal                    `json:"mean_value,omitempty"`
	SDev                      Decimal                    `json:"s_dev,omitempty"`
	PercRank                  Decimal                    `json:"perc_rank,omitempty"`
	PercValue                 Decimal                    `json:"perc_value,omitempty"`
	UOM                       string                     `json:"uom,omitempty"`
	StringValue               string                     `json:"string_value,omitempty"`
	BooleanValue              *bool                      `json:"boolean_value,omitempty"`
	HexBinaryValue            string                     `json:"hex_binary_value,omitempty"`
	URIValue                  string                     `json:"uri_value,omitempty"`
	Extensions                map[string]json.RawMessage `json:"extensions,omitempty"`
}

// SensorElement is one EPCIS sensor element: the reports of one device or
// one interval, with their metadata.
type SensorElement struct {
	Metadata   *SensorMetadata            `json:"metadata,omitempty"`
	Reports    []SensorReport             `json:"reports"`
	Extensions map[string]json.RawMessage `json:"extensions,omitempty"`
}

// ILMD is the instance/lot master data an event that creates objects
// gives them (CBV master data attributes), with any other attributes kept
// as they came.
type ILMD struct {
	LotNumber          string                     `json:"lot_number,omitempty"`
	ItemExpirationDate string                     `json:"item_expiration_date,omitempty"` // YYYY-MM-DD
	BestBeforeDate     string                     `json:"best_before_date,omitempty"`
	SellByDate         string                     `json:"sell_by_date,omitempty"`
	ProductionDate     string                     `json:"production_date,omitempty"`
	Extensions         map[string]json.RawMessage `json:"extensions,omitempty"`
}

// ErrorDeclarationInput declares an earlier event erroneous.
type ErrorDeclarationInput struct {
	Reason             string   `json:"reason"`
	Corrects           string   `json:"corrects"` // the event's chain id or client event_id
	CorrectiveEventIDs []string `json:"corrective_event_ids,omitempty"`
	DeclarationTime    string   `json:"declaration_time,omitempty"`
}

// EventInput is the body of capture: one EPCIS 2.0 event in this module's
// JSON form. ParseEPCIS returns values of this type. Identifiers are
// canonical paths (see ParseID); vocabulary is CBV short names or, for
// business steps and dispositions of other vocabularies, their URIs.
type EventInput struct {
	Type                  string                     `json:"type"`
	Action                string                     `json:"action,omitempty"`
	EPCList               []string                   `json:"epc_list,omitempty"`
	QuantityList          []QuantityElement          `json:"quantity_list,omitempty"`
	ParentID              string                     `json:"parent_id,omitempty"`
	ChildEPCs             []string                   `json:"child_epcs,omitempty"`
	ChildQuantityList     []QuantityElement          `json:"child_quantity_list,omitempty"`
	InputEPCList          []string                   `json:"input_epc_list,omitempty"`
	InputQuantityList     []QuantityElement          `json:"input_quantity_list,omitempty"`
	OutputEPCList         []string                   `json:"output_epc_list,omitempty"`
	OutputQuantityList    []QuantityElement          `json:"output_quantity_list,omitempty"`
	TransformationID      string                     `json:"transformation_id,omitempty"`
	Lot                   string                     `json:"lot,omitempty"` // the lot of the items the event creates
	BizStep               string                     `json:"biz_step,omitempty"`
	Disposition           string                     `json:"disposition,omitempty"`
	PersistentDisposition *PersistentDisposition     `json:"persistent_disposition,omitempty"`
	ReadPoint             string                     `json:"read_point,omitempty"`
	BizLocation           string                     `json:"biz_location,omitempty"`
	EventTime             string                     `json:"event_time"`
	BizTransactionList    []BizTransaction           `json:"biz_transaction_list,omitempty"`
	SourceList            []Source                   `json:"source_list,omitempty"`
	DestinationList       []Destination              `json:"destination_list,omitempty"`
	Sensors               []SensorElement            `json:"sensors,omitempty"`
	ILMD                  *ILMD                      `json:"ilmd,omitempty"`
	CertificationInfo     []string                   `json:"certification_info,omitempty"`
	SensorHashes          []string                   `json:"sensor_hashes,omitempty"`
	CertificateHashes     []string                   `json:"certificate_hashes,omitempty"`
	EventID               string                     `json:"event_id,omitempty"`
	ErrorDeclaration      *ErrorDeclarationInput     `json:"error_declaration,omitempty"`
	Extensions            map[string]json.RawMessage `json:"extensions,omitempty" doc:"vendor extension fields of the EPCIS event, kept as they came"`
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
	// Late says the event happened more than LateAfter before it was
	// recorded: the record time says when the chain learnt of it; the
	// event time is what its recorder claims.
	Late bool `json:"late,omitempty"`
	// Digest is the SHA-256 of the event's canonical input without its
	// event_id: the same event recorded again by the same organisation
	// is recognised by it.
	Digest string `json:"digest"`
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

// Scan is one public scan of an item's code, as a summary keeps it.
type Scan struct {
	Time   string `json:"time"`
	City   string `json:"city,omitempty"` // GB/T 2260 code of the city the visitor chose
	Device string `json:"device"`
	Net    string `json:"net,omitempty"` // the client network's keyed hash
}

// MemberScan is one scan by a member's device, as a summary keeps it.
type MemberScan struct {
	Time      string `json:"time"`
	Org       string `json:"org"`
	ReadPoint string `json:"read_point,omitempty"`
	City      string `json:"city,omitempty"`
	// Custodian is the object's custodian (or the receiver of its pending
	// shipment) when the member scanned it.
	Custodian string `json:"custodian,omitempty"`
}

// ScanPoint is when and where a code was scanned.
type ScanPoint struct {
	Time string `json:"time"`
	City string `json:"city,omitempty"`
}

// Move is the pair of scans in different cities, by different devices on
// different networks, closest in time.
type Move struct {
	From    ScanPoint `json:"from"`
	To      ScanPoint `json:"to"`
	Seconds int64     `json:"seconds"`
}

// ScanSummary is the compact record of an item's scans. Sets are bounded:
// beyond DistinctKept entries only "more" is recorded ("16+").
type ScanSummary struct {
	EPC         string     `json:"epc"`
	Count       int64      `json:"count"`
	First       *ScanPoint `json:"first,omitempty"` // the earliest public scan by time
	Last        []Scan     `json:"last"`            // the latest LastScansKept public scans, oldest first
	Devices     []string   `json:"devices"`         // sorted
	DevicesMore bool       `json:"devices_more"`
	// Cities are the distinct cities of public scans, each counted only
	// when a network that had given no city before gave it: one visitor
	// changing its city does not make "many places".
	Cities       []string `json:"cities"` // sorted
	CitiesMore   bool     `json:"cities_more"`
	CityNets     []string `json:"city_nets,omitempty"` // the networks that gave a city, sorted
	CityNetsMore bool     `json:"city_nets_more,omitempty"`
	// AfterSaleNets are the networks that scanned at or after the sale's
	// event time: phones in one home share one.
	AfterSaleNets []string     `json:"after_sale_nets,omitempty"`
	AfterSaleMore bool         `json:"after_sale_more,omitempty"`
	ClosestMove   *Move        `json:"closest_move,omitempty"`
	MemberCount   int64        `json:"member_count,omitempty"`
	MemberLast    []MemberScan `json:"member_last,omitempty"` // the latest MemberScansKept, oldest first
	// Mismatch is the latest member scan by an organisation that neither
	// held the object nor was receiving it.
	Mismatch *MemberScan `json:"mismatch,omitempty"`
}

// DistinctDevices is the number of distinct devices, and whether there
// were more than could be kept ("16+").
func (s *ScanSummary) DistinctDevices() (int, bool) { return len(s.Devices), s.DevicesMore }

// DistinctCities is the number of distinct cities (counted as Cities
// says), and whether there were more than could be kept.
func (s *ScanSummary) DistinctCities() (int, bool) { return len(s.Cities), s.CitiesMore }

// Action bodies.

// PrefixBody is the body of trace/assign_prefix.
type PrefixBody struct {
	Scheme string `json:"scheme,omitempty" doc:"gs1 (default) or drug"`
	Prefix string `json:"prefix" doc:"the GS1 company prefix (4 to 12 digits) or drug code prefix (1 to 7 digits)"`
	Org    string `json:"org"`
	Note   string `json:"note,omitempty"`
}

// ProductBody is the body of trace/register_product: a GTIN or a drug product code, and what the product is.
type ProductBody struct {
	GTIN        string      `json:"gtin,omitempty"`
	DrugCode    string      `json:"drug_code,omitempty"`
	Name        string      `json:"name"`
	NameEN      string      `json:"name_en,omitempty"`
	Brand       string      `json:"brand,omitempty"`
	Category    string      `json:"category,omitempty"`
	Spec        string      `json:"spec,omitempty"`
	ImageSHA256 string      `json:"image_sha256,omitempty"`
	Conditions  *Conditions `json:"conditions,omitempty"`
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

// PartyBody is the body of trace/register_party.
type PartyBody struct {
	GLN  string `json:"gln" doc:"/417/<GLN> or the 13 digits"`
	Name string `json:"name,omitempty"`
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
	EPC    string `json:"epc"`
	Time   string `json:"time"`
	City   string `json:"city,omitempty" doc:"6-digit GB/T 2260 code of a city of the built-in list"`
	Device string `json:"device" doc:"hex SHA-256 of the device cookie"`
	Net    string `json:"net,omitempty" doc:"16 hex digits: the node's keyed hash of the client's network"`
}

// ScansBody is the body of trace/record_scans.
type ScansBody struct {
	Scans []ScanInput `json:"scans"`
}

// MemberScanInput is one scan in trace/record_member_scans.
type MemberScanInput struct {
	EPC       string `json:"epc"`
	Time      string `json:"time"`
	ReadPoint string `json:"read_point,omitempty" doc:"where the device scanned: /414/<GLN>"`
	City      string `json:"city,omitempty" doc:"6-digit GB/T 2260 code of a city of the built-in list"`
}

// MemberScansBody is the body of trace/record_member_scans.
type MemberScansBody struct {
	Scans []MemberScanInput `json:"scans"`
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
	Late          bool   `json:"late,omitempty"`
}

// ScansResult is what trace/record_scans answers: scans recorded, scans
// of codes never commissioned (or scanned before their commissioning),
// scans refused one by one (out of their time window, malformed), and
// repeated scans.
type ScansResult struct {
	Recorded int `json:"recorded"`
	Skipped  int `json:"skipped"`
	Invalid  int `json:"invalid,omitempty"`
	// Repeated are scans of a code by a device that had scanned it within
	// ScanWindow: a device counts once per window.
	Repeated int `json:"repeated,omitempty"`
}

// MemberScansResult is what trace/record_member_scans answers: the scans
// recorded, and the codes never commissioned on this chain (which a till
// should treat as possibly counterfeit).
type MemberScansResult struct {
	Recorded int      `json:"recorded"`
	Unknown  []string `json:"unknown"`
}

// Risk thresholds. A code scanned many times, in many places, from
// several networks after it was sold, or in two places too far apart for
// the time between the scans, is probably copied.
const (
	RiskManyScans     = 10            // more scans than this: warning
	RiskManyLocations = 3             // at least this many distinct cities: warning
	RiskAfterSaleNets = 1             // more networks than this scanning after the sale: danger
	RiskFastMove      = 2 * time.Hour // two scans in different cities closer in time than this: danger
	LateAfter         = 24 * time.Hour
	ScanWindow        = 30 * time.Minute // a device's scans of one code count once per window
	ScanMaxAge        = 15 * time.Minute // record_scans skips public scans older than this
	MemberScanMaxAge  = 24 * time.Hour   // member devices may upload a day's scans
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
	ReasonScannedAfterSale = "scanned_after_sale" // networks, sold_at
	ReasonFastMove         = "fast_move"          // from, from_time, to, to_time, minutes, limit_minutes
	ReasonRecalled         = "recalled"           // scope, subject, event, time
	ReasonExpired          = "expired"            // lot, expires_on
	ReasonEnded            = "ended"              // reason, event: the item was destroyed, decommissioned or consumed
	ReasonColdChain        = "cold_chain_breach"  // type, value, uom, min, max, time
	ReasonCustodyMismatch  = "custody_mismatch"   // org, custodian, time
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

// Reading is one sensor value on an item's journey: a point (Value), or
// an interval's range (Min, Max), with whether it breaks the product's
// storage conditions.
type Reading struct {
	Time    string `json:"time"`
	End     string `json:"end,omitempty"` // an interval's end
	Event   string `json:"event"`
	Value   string `json:"value,omitempty"`
	Min     string `json:"min,omitempty"`
	Max     string `json:"max,omitempty"`
	UOM     string `json:"uom,omitempty"`
	Breach  bool   `json:"breach"`
	Alarm   bool   `json:"alarm,omitempty"` // the report carries an exception
	Context string `json:"context,omitempty"`
}

// Series is the readings of one measurement type along a journey.
type Series struct {
	Type     string    `json:"type"`
	UOM      string    `json:"uom,omitempty"`
	Readings []Reading `json:"readings"`
	Breaches int       `json:"breaches"`
	// Bounds are the product's conditions for this type, if any.
	Bounds *Conditions `json:"bounds,omitempty"`
}

// Step is one line of the journey a scan page shows.
type Step struct {
	EventID           string   `json:"event_id"`
	Time              string   `json:"time"` // event_time
	RecordTime        string   `json:"record_time"`
	Late              bool     `json:"late,omitempty"`
	Type              string   `json:"type"`
	BizStep           string   `json:"biz_step,omitempty"`
	Disposition       string   `json:"disposition,omitempty"`
	Org               *OrgInfo `json:"org"`
	Location          string   `json:"location,omitempty"` // biz_location, else read_point
	LocationName      string   `json:"location_name,omitempty"`
	Relation          string   `json:"relation"`
	Via               string   `json:"via,omitempty"`
	DeclaredErroneous bool     `json:"declared_erroneous"`
	Readings          int      `json:"readings,omitempty"`
	Breaches          int      `json:"breaches,omitempty"`
}

// ScanInfo is what a scan page says of the code's scans.
type ScanInfo struct {
	Count             int64      `json:"count"`
	First             *ScanPoint `json:"first,omitempty"`
	DistinctDevices   string     `json:"distinct_devices"`   // "16+" beyond the kept set
	DistinctLocations string     `json:"distinct_locations"` // likewise
	MemberCount       int64      `json:"member_count"`
}

// Recall scopes: what a recall that reaches an item was recorded on.
const (
	ScopeItem      = "item"      // the item itself
	ScopeContainer = "container" // a container it was in when the container was recalled
	ScopeLot       = "lot"       // its lot
	ScopeProduct   = "product"   // its product
	ScopeSource    = "source"    // a lot, item or product it was made from
)

// RecallStatus says whether the item is affected by a recall.
type RecallStatus struct {
	Recalled bool    `json:"recalled"`
	Scope    string  `json:"scope,omitempty"`
	Subject  string  `json:"subject,omitempty"` // what was recalled (the item, a container, a lot, a product)
	Lot      string  `json:"lot,omitempty"`     // the recalled lot, when a lot was
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
	Custodian      *OrgInfo              `json:"custodian,omitempty"`
	Seller         *OrgInfo              `json:"seller,omitempty"`
	SoldAt         string                `json:"sold_at,omitempty"`
	Journey        []Step                `json:"journey"`
	Sensors        []Series              `json:"sensors"`
	Certifications []CertificationStatus `json:"certifications"` // the product's, then the lot's
	Scans          ScanInfo              `json:"scans"`
	Recall         RecallStatus          `json:"recall"`
	Risk           *Verdict              `json:"risk"`
	LateEvents     int                   `json:"late_events"`
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

// HolderCount is how many affected objects an organisation holds.
type HolderCount struct {
	Org   string `json:"org"` // "" for objects sold to consumers
	Items int    `json:"items"`
}

// Impact is what a recall of an item, container, lot or product reaches:
// following aggregation (what was inside a container, and the containers
// items are in now) and transformation (what was made from it).
type Impact struct {
	Subject    string        `json:"subject"`
	Kind       string        `json:"kind"`
	Recall     *Recall       `json:"recall,omitempty"` // set when the subject is recalled
	Lots       []string      `json:"lots"`             // lots derived from it through transformations, transitively
	Items      []string      `json:"items"`            // items and drug packs reached
	Containers []string      `json:"containers"`       // containers reached, and those the reached items are packed in now
	Holders    []HolderCount `json:"holders"`          // who holds the reached items now
	Truncated  bool          `json:"truncated"`        // more than MaxImpact identifiers; the lists are partial
}

// Import statuses of an EPCIS document's events.
const (
	ImportReady      = "ready"            // converted; the chain would accept it now
	ImportAccepted   = "accepted"         // captured
	ImportRecorded   = "already_recorded" // on chain already (same event_id or the same content by the same organisation)
	ImportRefused    = "refused"          // refused: see the code, reason and message
	ImportUnreadable = "not_converted"    // the event is not a valid EPCIS event
)

// ImportIssue says how one event of an EPCIS document fares.
type ImportIssue struct {
	Index   int    `json:"index"`              // position in the document's event list, from 0
	EventID string `json:"event_id,omitempty"` // the event's eventID, when it has one
	Status  string `json:"status"`
	Code    string `json:"code,omitempty"`   // the result code's name, for a refusal
	Reason  string `json:"reason,omitempty"` // the refusal's stable reason
	// Path is where in the document the refusal points: a JSON path like
	// epcisBody.eventList[3].epcList[0].
	Path    string `json:"path,omitempty"`
	Message string `json:"message,omitempty"` // in the language asked for
	// Event is the recorded event's chain id (already recorded, accepted).
	Event string `json:"event,omitempty"`
}

// The read endpoints of the module.
var (
	// Public reads: what the consumer who scans a code, and anyone
	// checking a brand's prefix, may see (ADR 0007). Recall impact and
	// holdings say who holds how much: for members.
	GetProduct     = api.Query[IDParams, Product]{Path: "/v1/trace/product", Public: true}
	GetLot         = api.Query[IDParams, Lot]{Path: "/v1/trace/lot", Public: true}
	GetItem        = api.Query[EPCParams, Object]{Path: "/v1/trace/item", Public: true}
	GetJourney     = api.Query[EPCParams, JourneyResponse]{Path: "/v1/trace/journey", Public: true}
	GetScanPage    = api.Query[EPCParams, ScanPageResponse]{Path: "/v1/trace/scan-page", Public: true}
	GetRecall      = api.Query[RecallParams, Impact]{Path: "/v1/trace/recall-impact"}
	Certifications = api.Query[SubjectParams, CertificationsResponse]{Path: "/v1/trace/certifications", Public: true}
	GetEvent       = api.Query[EventParams, Event]{Path: "/v1/trace/events/{id}", Public: true}
	GetOwner       = api.Query[OwnerParams, OwnerResponse]{Path: "/v1/trace/owner", Public: true}
	GetHoldings    = api.Query[ClassParams, HoldingsResponse]{Path: "/v1/trace/holdings"}
	Cities         = api.Query[struct{}, CitiesResponse]{Path: "/v1/trace/cities", Public: true}
	QR             = api.Query[QRParams, []byte]{Path: "/v1/trace/qr", Public: true}
	ConvertEPCIS   = api.Query[ConvertParams, EPCISResult]{Method: "POST", Path: "/v1/trace/epcis"}
	ExportEPCIS    = api.Query[ExportParams, json.RawMessage]{Path: "/v1/trace/epcis/export", Public: true}
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

// RecallParams name what a recall reaches from: an item, a container, a
// lot or a product (lot is the older name of the parameter).
type RecallParams struct {
	ID     string `query:"id"`
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

// OwnerParams name an identifier whose GS1 prefix owner is asked for (a
// GTIN, GLN, SSCC... in any form), or a prefix.
type OwnerParams struct {
	ID     string `query:"id"`
	Height int64  `query:"height"`
}

// OwnerResponse answers GET /v1/trace/owner: the prefix the identifier is
// under and its owner, and the registered party or location it names.
type OwnerResponse struct {
	Height   int64     `json:"height"`
	ID       string    `json:"id"`
	Prefix   *Prefix   `json:"prefix"`
	Party    *PartyGLN `json:"party,omitempty"`
	Location *Location `json:"location,omitempty"`
}

// ClassParams name a class (a lot, a product, a returnable asset type).
type ClassParams struct {
	Class  string `query:"class"`
	Height int64  `query:"height"`
}

// HoldingsResponse answers GET /v1/trace/holdings: who holds how much of
// a class, and what is in transit.
type HoldingsResponse struct {
	Height   int64      `json:"height"`
	Class    string     `json:"class"`
	Holdings []Holding  `json:"holdings"`
	Transits []Transits `json:"transits"`
}

// City is a city of the built-in list scans record places with.
type City struct {
	Code     string `json:"code"` // GB/T 2260
	Name     string `json:"name"`
	NameEN   string `json:"name_en"`
	Province string `json:"province"`
}

// CitiesResponse answers GET /v1/trace/cities.
type CitiesResponse struct {
	Cities []City `json:"cities"`
}

// QRParams ask for an item's QR label: PNG (scale: pixels per module) or
// SVG (size: pixels).
type QRParams struct {
	EPC    string `query:"epc"`
	Format string `query:"format"`
	Size   int    `query:"size"`
	Scale  int    `query:"scale"`
}

// ConvertParams ask POST /v1/trace/epcis to check the events as an
// organisation would capture them (org), in a language (lang: zh or en;
// Accept-Language when absent).
type ConvertParams struct {
	Org  string `query:"org"`
	Lang string `query:"lang"`
}

// ExportParams name the item (epc) or lot (lot) whose events an EPCIS
// document gives.
type ExportParams struct {
	EPC    string `query:"epc"`
	Lot    string `query:"lot"`
	Height int64  `query:"height"`
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

// EPCISResult answers POST /v1/trace/epcis: the document's events as
// capture bodies (one per event the node could convert, in document
// order), and how every event fares: converted and ready, already on
// chain, or refused with its reason in the language asked for. With org,
// the events are checked in order against the latest state as that
// organisation would capture them.
type EPCISResult struct {
	Events []EventInput  `json:"events"`
	Issues []ImportIssue `json:"issues"`
	// Index maps Events to document positions: Events[i] is event
	// Index[i] of the document.
	Index []int `json:"index"`
}
