// Package tradeapi is the cross-border trade module's wire: the roles it
// declares, its actions with their bodies and results, its records and
// its read endpoints. Electronic bills of lading (eBLs) follow the DCSA
// eBL 3.0 data model where it fits (transport document reference, to-order
// or straight, endorsement chain, surrender for delivery or for a switch
// to paper); documentary credits follow UCP 600 (issue, advice and
// confirmation, amendments with the beneficiary's consent, presentation,
// examination within five banking days, honour, reimbursement).
//
// Money is an int64 amount in the currency's minor units with its ISO 4217
// code; dates are YYYY-MM-DD.
//
// The eBL's fields and DCSA eBL 3.0 (Transport Document) names:
//
//	ref                  transportDocumentReference
//	booking_ref          carrierBookingReference
//	to_order             isToOrder
//	shipper, consignee   documentParties.shipper, documentParties.consignee (organisations of the consortium)
//	endorsee             documentParties.endorsee; blank_endorsed: a BLANK_ENDORSE in the endorsement chain
//	notify_party         documentParties.notifyParties (a name)
//	vessel, voyage       transports.vesselVoyages (vesselName, carrierExportVoyageNumber)
//	place_of_receipt     transports.placeOfReceipt (UN/LOCODE)
//	port_of_loading      transports.portOfLoading
//	port_of_discharge    transports.portOfDischarge
//	place_of_delivery    transports.placeOfDelivery
//	shipped_on_board     shippedOnBoardDate
//	freight              freightPaymentTermCode (PRE, COL)
//	goods                consignmentItems (descriptionOfGoods, HSCodes, outerPackaging, cargoGrossWeight in grams)
//	containers           utilizedTransportEquipments (equipmentReference, ISOEquipmentCode, seals)
//	status               transportDocumentStatus (ISSUED; SURRENDERED_FOR_DELIVERY; SURRENDERED_FOR_AMENDMENT for a switch to paper)
//	steps                the endorsement chain (actionCode ISSUE, ENDORSE, BLANK_ENDORSE, SURRENDER_FOR_DELIVERY, SURRENDER_FOR_AMENDMENT)
package tradeapi

import (
	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "trade"

// The roles the module declares. The strings are stored on chain: never
// rename. Banks hold the common role bank; customs read with the common
// role regulator.
const (
	// Carrier issues, amends and takes back eBLs and releases the goods.
	Carrier role.Role = "carrier"
	// Trader is a shipper, consignee or importer: it holds eBLs, applies
	// for and draws on documentary credits.
	Trader role.Role = "trader"
)

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Carrier, ZH: "承运人", EN: "Carrier"},
	{Role: Trader, ZH: "进出口商", EN: "Trader (shipper / importer)"},
}

// Party is who signed an action.
type Party = module.Party

// Limits.
const (
	MaxAmount     = int64(1) << 50 // minor units of any currency
	MaxItems      = 50             // goods lines of an eBL
	MaxContainers = 100
	MaxSSCCs      = 200 // SSCCs of one container
	MaxDocs       = 12  // documents of one presentation
	MaxNotes      = 20  // discrepancies noted by a bank
	MaxHolidays   = 120 // closed days of a bank's calendar per call
	// DefaultPresentationDays is UCP 600 article 14(c): 21 calendar days
	// after the date of shipment.
	DefaultPresentationDays = 21
	// ExaminationDays is UCP 600 article 14(b): five banking days following
	// the day of presentation.
	ExaminationDays = 5
)

// eBL statuses.
const (
	EBLIssued           = "issued"            // in circulation: one controller, transferable
	EBLSurrendered      = "surrendered"       // surrendered for delivery: spent, held by the carrier until it releases the goods
	EBLDelivered        = "delivered"         // the carrier released the goods against the surrender
	EBLPendingPaper     = "pending_paper"     // surrendered for a switch to paper, held by the carrier
	EBLSwitchedToPaper  = "switched_to_paper" // closed: a paper bill replaced it
	SurrenderDelivery   = "delivery"
	SurrenderPaper      = "switch_to_paper"
	EndorseNamed        = "named" // endorsed to the receiver by name (to-order bills)
	EndorseBlank        = "blank" // endorsed in blank: the bill passes by delivery afterwards
	EndorseNone         = "none"  // no endorsement: straight bills and blank-endorsed bills
	FreightPrepaid      = "prepaid"
	FreightCollect      = "collect"
	AmendmentPending    = "pending"
	AmendmentConsented  = "consented"
	AmendmentDeclined   = "declined"
	CreditIssued        = "issued"
	CreditExpired       = "expired" // after the expiry date, as seen at read time
	CreditExhausted     = "exhausted"
	PresPresented       = "presented"
	PresComplying       = "complying"
	PresDiscrepant      = "discrepant"
	PresWaived          = "waived"   // the applicant waived the discrepancies (UCP 600 16(b))
	PresHonoured        = "honoured" // paid at sight, or a deferred payment undertaken, or a draft accepted
	PresReimbursed      = "reimbursed"
	PresSettled         = "settled"  // the applicant reimbursed the issuing bank and holds the eBL
	PresReturned        = "returned" // documents returned to the beneficiary
	AvailSight          = "sight_payment"
	AvailDeferred       = "deferred_payment"
	AvailAcceptance     = "acceptance"
	AvailNegotiation    = "negotiation"
	DocBillOfLading     = "bill_of_lading"
	DocInvoice          = "commercial_invoice"
	DocOrigin           = "certificate_of_origin"
	DocPacking          = "packing_list"
	DocInsurance        = "insurance"
	DocPhytosanitary    = "phytosanitary_certificate"
	DocInspection       = "inspection_certificate"
	CreditAmendPending  = "pending"
	CreditAmendAccepted = "accepted"
	CreditAmendRejected = "rejected"
)

// Vocabularies.
var (
	EBLStatuses    = []string{EBLIssued, EBLSurrendered, EBLDelivered, EBLPendingPaper, EBLSwitchedToPaper}
	Endorsements   = []string{EndorseNamed, EndorseBlank, EndorseNone}
	Purposes       = []string{SurrenderDelivery, SurrenderPaper}
	Freights       = []string{FreightPrepaid, FreightCollect}
	Availabilities = []string{AvailSight, AvailDeferred, AvailAcceptance, AvailNegotiation}
	DocTypes       = []string{DocBillOfLading, DocInvoice, DocOrigin, DocPacking, DocInsurance, DocPhytosanitary, DocInspection}
	PresStatuses   = []string{PresPresented, PresComplying, PresDiscrepant, PresWaived, PresHonoured, PresReimbursed, PresSettled, PresReturned}
	CreditStatuses = []string{CreditIssued, CreditExpired, CreditExhausted}
	AmendStatuses  = []string{AmendmentPending, AmendmentConsented, AmendmentDeclined, CreditAmendAccepted, CreditAmendRejected}
	// EBLStepActions are what an eBL's history records (Step.Action).
	EBLStepActions = []string{"issue", "transfer_offered", "transfer_accepted", "transfer_rejected", "transfer_withdrawn",
		"amendment_proposed", "amendment_consented", "amendment_declined", "presented", "surrendered_for_" + SurrenderDelivery,
		"surrendered_for_" + SurrenderPaper, "goods_released", "switched_to_paper", "documents_returned",
		"forwarded_to_issuing_bank", "released_to_applicant"}
	// CreditStepActions are what a credit's history records
	// (CreditStep.Action).
	CreditStepActions = []string{"issued", "advised", "amendment_issued", "amendment_accepted", "amendment_rejected", "presented",
		"examined", "discrepancies_waived", "documents_returned", "honoured", "reimbursed", "documents_released"}
)

// The eBL actions.
var (
	IssueEBL         = api.Action[IssueEBLBody, RefResult]{Module: Name, Name: "issue_ebl", Doc: "the carrier issues an electronic bill of lading to the shipper, its first controller"}
	TransferEBL      = api.Action[TransferBody, StepResult]{Module: Name, Name: "transfer_ebl", Doc: "the controller offers control of an eBL to another party, endorsing it when it is a to-order bill"}
	AcceptEBL        = api.Action[RefBody, StepResult]{Module: Name, Name: "accept_ebl", Doc: "the receiver of a transfer accepts control of the eBL"}
	RejectEBL        = api.Action[ReasonBody, StepResult]{Module: Name, Name: "reject_ebl", Doc: "the receiver of a transfer refuses it; control stays with the controller"}
	WithdrawTransfer = api.Action[RefBody, StepResult]{Module: Name, Name: "withdraw_transfer", Doc: "the controller withdraws a transfer not yet accepted"}
	AmendEBL         = api.Action[AmendEBLBody, StepResult]{Module: Name, Name: "amend_ebl", Doc: "the carrier proposes an amendment of an eBL; it takes effect when the controller consents"}
	AnswerAmendment  = api.Action[AnswerBody, StepResult]{Module: Name, Name: "answer_ebl_amendment", Doc: "the controller consents to or declines the carrier's pending amendment"}
	SurrenderEBL     = api.Action[SurrenderBody, StepResult]{Module: Name, Name: "surrender_ebl", Doc: "the controller surrenders the eBL to the carrier, for delivery of the goods or for a switch to paper; an eBL is surrendered once"}
	ReleaseGoods     = api.Action[ReleaseBody, StepResult]{Module: Name, Name: "release_goods", Doc: "the carrier records the release of the goods against an eBL surrendered for delivery"}
	SwitchToPaper    = api.Action[PaperBody, StepResult]{Module: Name, Name: "switch_to_paper", Doc: "the carrier closes an eBL surrendered for a switch to paper, recording the paper bill's number"}
)

// The documentary credit actions.
var (
	SetCalendar  = api.Action[CalendarBody, CalendarResult]{Module: Name, Name: "set_calendar", Doc: "a bank publishes its place's time zone and the days it is closed, from which banking days are counted"}
	IssueCredit  = api.Action[IssueCreditBody, CreditResult]{Module: Name, Name: "issue_credit", Doc: "the issuing bank issues an irrevocable documentary credit (UCP 600) for the applicant to the beneficiary"}
	AdviseCredit = api.Action[AdviseBody, CreditResult]{Module: Name, Name: "advise_credit", Doc: "the advising bank advises the credit to the beneficiary and, when asked to, adds its confirmation"}
	AmendCredit  = api.Action[AmendCreditBody, CreditResult]{Module: Name, Name: "amend_credit", Doc: "the issuing bank amends the credit; the amendment binds only once the beneficiary accepts it"}
	AnswerCredit = api.Action[AnswerCreditBody, CreditResult]{Module: Name, Name: "answer_credit_amendment", Doc: "the beneficiary accepts or rejects the pending amendment of its credit (UCP 600 article 10)"}
	Present      = api.Action[PresentBody, PresentResult]{Module: Name, Name: "present_documents", Doc: "the beneficiary presents documents under a credit: the eBL passes to the nominated bank's control, the invoice and other documents as file hashes"}
	Examine      = api.Action[ExamineBody, PresentResult]{Module: Name, Name: "examine_documents", Doc: "the nominated bank records the presentation as complying or lists its discrepancies, within five banking days"}
	Waive        = api.Action[PresBody, PresentResult]{Module: Name, Name: "waive_discrepancies", Doc: "the applicant waives the discrepancies of a refused presentation"}
	ReturnDocs   = api.Action[PresBody, PresentResult]{Module: Name, Name: "return_documents", Doc: "the nominated bank returns a discrepant presentation: the eBL goes back to the beneficiary"}
	Honour       = api.Action[HonourBody, PresentResult]{Module: Name, Name: "honour", Doc: "the nominated bank pays at sight, undertakes a deferred payment or accepts a draft for a complying presentation"}
	Reimburse    = api.Action[PresBody, PresentResult]{Module: Name, Name: "reimburse", Doc: "the issuing bank reimburses the nominated bank that honoured; the eBL passes to the issuing bank"}
	ReleaseDocs  = api.Action[PresBody, PresentResult]{Module: Name, Name: "release_documents", Doc: "the issuing bank records the applicant's reimbursement and passes the eBL's control to the applicant"}
)

// Location is a port or place: a UN/LOCODE and a name.
type Location struct {
	UNLocode string `json:"un_locode" doc:"5 characters, country and place (CNSHA, THLCH)"`
	Name     string `json:"name,omitempty"`
}

// Item is a line of goods (DCSA consignment item).
type Item struct {
	Description  string `json:"description" doc:"description of the goods"`
	HSCode       string `json:"hs_code" doc:"6 to 10 digits of the Harmonized System"`
	Packages     int64  `json:"packages" doc:"number of packages"`
	PackageCode  string `json:"package_code,omitempty" doc:"UN/ECE Recommendation 21 code (CT carton, PK package)"`
	GrossWeightG int64  `json:"gross_weight_g" doc:"gross weight in grams"`
}

// Container is a piece of equipment with its seal and the SSCCs of the
// logistic units it carries (which link to the traceability module).
type Container struct {
	Number  string   `json:"number" doc:"ISO 6346 container number with its check digit (MSKU1234565)"`
	ISOType string   `json:"iso_type,omitempty" doc:"ISO 6346 size and type code (45R1 for a 40ft reefer)"`
	Seal    string   `json:"seal,omitempty" doc:"carrier seal number"`
	SSCCs   []string `json:"ssccs,omitempty" doc:"18-digit GS1 SSCCs of the pallets inside"`
}

// IssueEBLBody is the body of trade/issue_ebl.
type IssueEBLBody struct {
	Ref             string      `json:"ref" doc:"transport document reference: 6 to 20 of A-Z, 0-9 and '-'"`
	BookingRef      string      `json:"booking_ref,omitempty"`
	Shipper         string      `json:"shipper" doc:"organisation id; the eBL is issued to it"`
	ToOrder         bool        `json:"to_order,omitempty" doc:"a negotiable bill made out to order; false for a straight bill"`
	Consignee       string      `json:"consignee,omitempty" doc:"organisation id; required for a straight bill, optional (to order of) for a to-order bill"`
	NotifyParty     string      `json:"notify_party,omitempty" doc:"name of the party to notify on arrival"`
	Vessel          string      `json:"vessel"`
	Voyage          string      `json:"voyage"`
	PlaceOfReceipt  *Location   `json:"place_of_receipt,omitempty"`
	PortOfLoading   Location    `json:"port_of_loading"`
	PortOfDischarge Location    `json:"port_of_discharge"`
	PlaceOfDelivery *Location   `json:"place_of_delivery,omitempty"`
	ShippedOnBoard  string      `json:"shipped_on_board" doc:"date of shipment (YYYY-MM-DD), not after today"`
	Freight         string      `json:"freight" doc:"prepaid or collect"`
	Goods           []Item      `json:"goods"`
	Containers      []Container `json:"containers"`
}

// RefBody names an eBL.
type RefBody struct {
	Ref string `json:"ref"`
}

// ReasonBody names an eBL with an optional reason.
type ReasonBody struct {
	Ref    string `json:"ref"`
	Reason string `json:"reason,omitempty"`
}

// TransferBody is the body of trade/transfer_ebl.
type TransferBody struct {
	Ref         string `json:"ref"`
	To          string `json:"to" doc:"organisation id of the receiver"`
	Endorsement string `json:"endorsement" doc:"named, blank or none"`
}

// Amendment is what an amendment of an eBL changes; empty fields stay.
type Amendment struct {
	NotifyParty     string      `json:"notify_party,omitempty"`
	Vessel          string      `json:"vessel,omitempty"`
	Voyage          string      `json:"voyage,omitempty"`
	PortOfDischarge *Location   `json:"port_of_discharge,omitempty"`
	PlaceOfDelivery *Location   `json:"place_of_delivery,omitempty"`
	Goods           []Item      `json:"goods,omitempty"`
	Containers      []Container `json:"containers,omitempty"`
}

// AmendEBLBody is the body of trade/amend_ebl.
type AmendEBLBody struct {
	Ref     string    `json:"ref"`
	Changes Amendment `json:"changes"`
	Reason  string    `json:"reason"`
}

// AnswerBody consents to or declines an eBL amendment.
type AnswerBody struct {
	Ref     string `json:"ref"`
	Consent bool   `json:"consent"`
}

// SurrenderBody is the body of trade/surrender_ebl.
type SurrenderBody struct {
	Ref     string `json:"ref"`
	Purpose string `json:"purpose" doc:"delivery or switch_to_paper"`
}

// ReleaseBody is the body of trade/release_goods.
type ReleaseBody struct {
	Ref           string `json:"ref"`
	DeliveryOrder string `json:"delivery_order" doc:"the carrier's delivery order number"`
}

// PaperBody is the body of trade/switch_to_paper.
type PaperBody struct {
	Ref     string `json:"ref"`
	PaperNo string `json:"paper_no" doc:"number of the paper bill of lading issued in its place"`
}

// RefResult answers an eBL's reference.
type RefResult struct {
	Ref string `json:"ref"`
}

// StepResult answers the step recorded in an eBL's history.
type StepResult struct {
	Ref        string `json:"ref"`
	Seq        uint64 `json:"seq"`
	Controller string `json:"controller"`
	Status     string `json:"status"`
}

// EBL is an electronic bill of lading. Exactly one organisation controls
// it at any height; PendingTo is who was offered control and has not yet
// accepted.
type EBL struct {
	Ref             string      `json:"ref"`
	Version         int         `json:"version" doc:"1 at issue, +1 per consented amendment"`
	Carrier         string      `json:"carrier"`
	BookingRef      string      `json:"booking_ref,omitempty"`
	Shipper         string      `json:"shipper"`
	ToOrder         bool        `json:"to_order"`
	Consignee       string      `json:"consignee,omitempty"`
	NotifyParty     string      `json:"notify_party,omitempty"`
	Vessel          string      `json:"vessel"`
	Voyage          string      `json:"voyage"`
	PlaceOfReceipt  *Location   `json:"place_of_receipt,omitempty"`
	PortOfLoading   Location    `json:"port_of_loading"`
	PortOfDischarge Location    `json:"port_of_discharge"`
	PlaceOfDelivery *Location   `json:"place_of_delivery,omitempty"`
	ShippedOnBoard  string      `json:"shipped_on_board"`
	Freight         string      `json:"freight"`
	Goods           []Item      `json:"goods"`
	Containers      []Container `json:"containers"`
	Status          string      `json:"status"`
	Controller      string      `json:"controller" doc:"the one organisation in control"`
	// Endorsee is the last named endorsee of a to-order bill; Blank is set
	// while the bill is endorsed in blank (it then passes by delivery).
	Endorsee     string `json:"endorsee,omitempty"`
	Blank        bool   `json:"blank_endorsed,omitempty"`
	PendingTo    string `json:"pending_to,omitempty"`
	PendingEnd   string `json:"pending_endorsement,omitempty"`
	PendingSeq   uint64 `json:"pending_seq,omitempty"`
	Amendments   int    `json:"amendments,omitempty" doc:"amendments proposed so far"`
	AmendOpen    bool   `json:"amendment_pending,omitempty"`
	Presentation string `json:"presentation,omitempty" doc:"the credit presentation the eBL is held under, while a bank holds it"`
	Steps        uint64 `json:"steps" doc:"entries in the eBL's history"`
	IssuedAt     string `json:"issued_at"`
	PaperNo      string `json:"paper_no,omitempty"`
	// DocHash is the SHA-256 of the eBL's document fields at this version.
	DocHash string `json:"doc_hash"`
}

// Step is one entry of an eBL's history: who did what, signed and when.
type Step struct {
	Ref         string `json:"ref"`
	Seq         uint64 `json:"seq"`
	Action      string `json:"action"`
	From        string `json:"from,omitempty"`
	To          string `json:"to,omitempty"`
	Endorsement string `json:"endorsement,omitempty"`
	Note        string `json:"note,omitempty"`
	Version     int    `json:"version"`
	DocHash     string `json:"doc_hash"`
	By          Party  `json:"by"`
	Height      int64  `json:"height"`
	Time        string `json:"time"`
	TxHash      string `json:"tx_hash"`
}

// Surrender is the one surrender of an eBL.
type Surrender struct {
	Ref           string `json:"ref"`
	Purpose       string `json:"purpose"`
	By            string `json:"by" doc:"the controller that surrendered it"`
	Seq           uint64 `json:"seq"`
	Height        int64  `json:"height"`
	Time          string `json:"time"`
	DeliveryOrder string `json:"delivery_order,omitempty"`
	ReleasedAt    string `json:"released_at,omitempty"`
	PaperNo       string `json:"paper_no,omitempty"`
}

// EBLAmendment is a proposed amendment of an eBL.
type EBLAmendment struct {
	Ref      string    `json:"ref"`
	N        int       `json:"n"`
	Changes  Amendment `json:"changes"`
	Reason   string    `json:"reason"`
	Status   string    `json:"status"`
	AskedOf  string    `json:"asked_of" doc:"the controller whose consent is needed"`
	Proposed string    `json:"proposed"`
	Answered string    `json:"answered,omitempty"`
}

// Money is an amount in minor units of an ISO 4217 currency.
type Money struct {
	Currency string `json:"currency" doc:"ISO 4217 code"`
	Minor    int64  `json:"minor" doc:"amount in the currency's minor units (cents)"`
}

// CalendarBody is the body of trade/set_calendar.
type CalendarBody struct {
	UTCOffsetMin int      `json:"utc_offset_min" doc:"the bank's place, minutes east of UTC (480 for China)"`
	Closed       []string `json:"closed,omitempty" doc:"weekdays the bank is closed (holidays), YYYY-MM-DD"`
	Open         []string `json:"open,omitempty" doc:"weekend days the bank is open (adjusted working days), YYYY-MM-DD"`
}

// CalendarResult answers set_calendar.
type CalendarResult struct {
	Bank string `json:"bank"`
}

// Calendar is a bank's banking days: Monday to Friday in its time zone,
// less Closed, plus Open.
type Calendar struct {
	Bank         string   `json:"bank"`
	UTCOffsetMin int      `json:"utc_offset_min"`
	Closed       []string `json:"closed,omitempty"`
	Open         []string `json:"open,omitempty"`
	Updated      string   `json:"updated"`
}

// Terms are a credit's amendable terms.
type Terms struct {
	Amount           Money    `json:"amount"`
	TolerancePct     int      `json:"tolerance_pct,omitempty" doc:"0 to 10: the amount may be drawn up to this percentage more (UCP 600 article 30)"`
	Expiry           string   `json:"expiry" doc:"expiry date for presentation"`
	LatestShipment   string   `json:"latest_shipment"`
	PresentationDays int      `json:"presentation_days,omitempty" doc:"days after shipment to present; 21 when absent"`
	PartialShipments bool     `json:"partial_shipments,omitempty" doc:"partial drawings allowed"`
	PortOfLoading    string   `json:"port_of_loading,omitempty" doc:"UN/LOCODE the bill must show"`
	PortOfDischarge  string   `json:"port_of_discharge,omitempty" doc:"UN/LOCODE the bill must show"`
	Goods            string   `json:"goods" doc:"description of the goods"`
	Documents        []string `json:"documents" doc:"required documents: bill_of_lading, commercial_invoice, certificate_of_origin, ..."`
}

// IssueCreditBody is the body of trade/issue_credit.
type IssueCreditBody struct {
	No                string `json:"no" doc:"the credit's number: 4 to 24 of A-Z, 0-9 and '-'"`
	Applicant         string `json:"applicant"`
	Beneficiary       string `json:"beneficiary"`
	AdvisingBank      string `json:"advising_bank,omitempty"`
	ConfirmationAsked bool   `json:"confirmation_asked,omitempty" doc:"the advising bank is asked to add its confirmation"`
	NominatedBank     string `json:"nominated_bank,omitempty" doc:"the bank with which the credit is available; the issuing bank when absent"`
	Availability      string `json:"availability" doc:"sight_payment, deferred_payment, acceptance or negotiation"`
	TenorDays         int    `json:"tenor_days,omitempty" doc:"days after shipment for deferred payment or acceptance"`
	Terms             Terms  `json:"terms"`
}

// AdviseBody is the body of trade/advise_credit.
type AdviseBody struct {
	No      string `json:"no"`
	Confirm bool   `json:"confirm,omitempty"`
}

// AmendCreditBody is the body of trade/amend_credit: the terms as they
// would be after the amendment.
type AmendCreditBody struct {
	No    string `json:"no"`
	Terms Terms  `json:"terms"`
	Note  string `json:"note,omitempty"`
}

// AnswerCreditBody is the beneficiary's answer to an amendment.
type AnswerCreditBody struct {
	No     string `json:"no"`
	Accept bool   `json:"accept"`
}

// Doc is a presented document: its type, number and file hash.
type Doc struct {
	Type   string `json:"type"`
	No     string `json:"no"`
	SHA256 string `json:"sha256"`
}

// PresentBody is the body of trade/present_documents.
type PresentBody struct {
	No      string `json:"no" doc:"the credit"`
	EBL     string `json:"ebl" doc:"the eBL's reference; the beneficiary must control it"`
	Amount  int64  `json:"amount_minor" doc:"the amount claimed, the invoice's amount"`
	Invoice Doc    `json:"invoice"`
	Docs    []Doc  `json:"docs,omitempty"`
}

// PresBody names a presentation.
type PresBody struct {
	ID string `json:"id" doc:"presentation id, <credit>-P<n>"`
}

// ExamineBody is the body of trade/examine_documents.
type ExamineBody struct {
	ID            string   `json:"id"`
	Complying     bool     `json:"complying"`
	Discrepancies []string `json:"discrepancies,omitempty"`
}

// HonourBody is the body of trade/honour.
type HonourBody struct {
	ID string `json:"id"`
}

// CreditResult answers a credit action.
type CreditResult struct {
	No     string `json:"no"`
	Status string `json:"status"`
}

// PresentResult answers a presentation action.
type PresentResult struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// Deadline is the last day of examination (UCP 600 14(b)).
	Deadline string `json:"deadline,omitempty"`
}

// Credit is an irrevocable documentary credit.
type Credit struct {
	No                string `json:"no"`
	IssuingBank       string `json:"issuing_bank"`
	Applicant         string `json:"applicant"`
	Beneficiary       string `json:"beneficiary"`
	AdvisingBank      string `json:"advising_bank,omitempty"`
	ConfirmationAsked bool   `json:"confirmation_asked,omitempty"`
	ConfirmingBank    string `json:"confirming_bank,omitempty"`
	Advised           bool   `json:"advised,omitempty"`
	NominatedBank     string `json:"nominated_bank"`
	Availability      string `json:"availability"`
	TenorDays         int    `json:"tenor_days,omitempty"`
	Terms             Terms  `json:"terms"`
	// Drawn is what was honoured; Reserved what presentations not yet
	// decided claim. Drawn + Reserved never exceeds the amount plus its
	// tolerance.
	Drawn         int64  `json:"drawn_minor"`
	Reserved      int64  `json:"reserved_minor"`
	Presentations int    `json:"presentations"`
	Amendments    int    `json:"amendments"`
	AmendPending  bool   `json:"amendment_pending,omitempty"`
	Status        string `json:"status"`
	Issued        string `json:"issued"`
	Steps         uint64 `json:"steps"`
}

// CreditAmendment is an amendment of a credit.
type CreditAmendment struct {
	No       string `json:"no"`
	N        int    `json:"n"`
	Terms    Terms  `json:"terms"`
	Note     string `json:"note,omitempty"`
	Status   string `json:"status"`
	Proposed string `json:"proposed"`
	Answered string `json:"answered,omitempty"`
}

// Presentation is documents presented under a credit.
type Presentation struct {
	ID            string   `json:"id"`
	No            string   `json:"no"`
	N             int      `json:"n"`
	EBL           string   `json:"ebl"`
	Amount        int64    `json:"amount_minor"`
	Invoice       Doc      `json:"invoice"`
	Docs          []Doc    `json:"docs,omitempty"`
	Bank          string   `json:"bank" doc:"the nominated bank that examines"`
	PresentedAt   string   `json:"presented_at"`
	Day           string   `json:"day" doc:"the calendar day the documents arrived, at the bank's place"`
	Expiry        string   `json:"expiry" doc:"the credit's effective expiry that day"`
	PresentedOn   string   `json:"presented_on" doc:"the day of presentation: the arrival day, or the next banking day when the bank was closed"`
	Deadline      string   `json:"deadline" doc:"last banking day of examination"`
	Detected      []string `json:"detected,omitempty" doc:"discrepancies the chain detects from the records"`
	Discrepancies []string `json:"discrepancies,omitempty" doc:"discrepancies the bank noted"`
	Status        string   `json:"status"`
	Examined      string   `json:"examined,omitempty"`
	Honoured      string   `json:"honoured,omitempty"`
	Maturity      string   `json:"maturity,omitempty" doc:"due date of a deferred payment or accepted draft"`
	Reimbursed    string   `json:"reimbursed,omitempty"`
	Settled       string   `json:"settled,omitempty"`
}

// CreditStep is one entry of a credit's history.
type CreditStep struct {
	No     string `json:"no"`
	Seq    uint64 `json:"seq"`
	Action string `json:"action"`
	Ref    string `json:"ref,omitempty" doc:"the presentation or amendment concerned"`
	Note   string `json:"note,omitempty"`
	By     Party  `json:"by"`
	Height int64  `json:"height"`
	Time   string `json:"time"`
	TxHash string `json:"tx_hash"`
}

// The read endpoints.
var (
	GetEBL      = api.Query[EBLParams, EBLView]{Path: "/v1/trade/ebls/{ref}", Doc: "One eBL with its history, its surrender and its amendments; ?prove=true adds an offline proof bundle of each record"}
	ListEBLs    = api.Query[EBLListParams, api.Page[EBLSummary]]{Path: "/v1/trade/ebls", Doc: "A page of the eBLs the caller's organisation controls, is offered, or issued as carrier (one of those lists with ?in=), in reference order, with a search"}
	GetCredit   = api.Query[CreditParams, CreditView]{Path: "/v1/trade/credits/{no}", Doc: "One documentary credit with its presentations, amendments and history; ?prove=true adds proof bundles"}
	ListCredits = api.Query[CreditListParams, api.Page[CreditSummary]]{Path: "/v1/trade/credits", Doc: "A page of the credits the caller's organisation is a party to, in number order, with a search; each status is the one on the latest block's date at the nominated bank's place"}
	Customs     = api.Query[CustomsParams, CustomsView]{Path: "/v1/trade/customs", Doc: "The customs view, for regulators and auditors: a page of the eBLs in reference order with their ports, HS codes and status (optionally at one port, with a search); by_status counts every eBL the port keeps and credits totals every credit by currency, whatever the search and the page"}
	GetCalendar = api.Query[BankParams, Calendar]{Path: "/v1/trade/calendars/{bank}", Doc: "A bank's calendar of banking days"}
	BySSCC      = api.Query[SSCCParams, SSCCView]{Path: "/v1/trade/sscc/{sscc}", Doc: "The eBLs whose containers carry a logistic unit (SSCC), among those the caller may read"}
)

// EBLParams name an eBL.
type EBLParams struct {
	Ref    string `path:"ref" doc:"transport document reference"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
	Prove  bool   `query:"prove" doc:"add proof bundles of the eBL, its history and its surrender"`
}

// CreditParams name a credit.
type CreditParams struct {
	No     string `path:"no" doc:"the credit's number"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
	Prove  bool   `query:"prove" doc:"add proof bundles of the credit and its presentations"`
}

// EBLListParams search and page an organisation's eBLs: the caller's own
// when Org is absent. Only customs and auditors read another
// organisation's lists.
type EBLListParams struct {
	Org    string `query:"org" doc:"organisation id; the caller's own when absent (customs and auditors may name any)"`
	In     string `query:"in" doc:"one list only: controlled, offered (awaiting the organisation's acceptance) or issued (as carrier); every list, each bill once, when absent"`
	Q      string `query:"q" doc:"search text: part of a bill's reference, a port (UN/LOCODE), an HS code, a status (value, or its Chinese or English name), or a party's id or name (Chinese or English); case-insensitive"`
	After  string `query:"after" doc:"the next value of the previous page; the first page when absent"`
	Limit  int    `query:"limit" doc:"1 to 100; 20 when absent or 0"`
	Height int64  `query:"height" doc:"state version; latest when absent (keep the first page's height while paging)"`
}

// CreditListParams search and page the credits an organisation is a
// party to: the caller's own when Org is absent. Only customs and
// auditors read another organisation's lists.
type CreditListParams struct {
	Org    string `query:"org" doc:"organisation id; the caller's own when absent (customs and auditors may name any)"`
	Q      string `query:"q" doc:"search text: part of a credit's number, its currency, a status (value, or its Chinese or English name), or the issuing bank, applicant or beneficiary by id or name (Chinese or English); case-insensitive"`
	After  string `query:"after" doc:"the next value of the previous page; the first page when absent"`
	Limit  int    `query:"limit" doc:"1 to 100; 20 when absent or 0"`
	Height int64  `query:"height" doc:"state version; latest when absent (keep the first page's height while paging)"`
}

// CustomsParams search and page the customs view.
type CustomsParams struct {
	Height int64  `query:"height" doc:"state version; latest when absent (keep the first page's height while paging)"`
	Port   string `query:"port" doc:"only eBLs loading or discharging at this UN/LOCODE"`
	Q      string `query:"q" doc:"search text, as for /v1/trade/ebls: part of a reference, a port, an HS code, a status or its name, a party's id or name; narrows the page's eBLs, not the totals"`
	After  string `query:"after" doc:"the next value of the previous page; the first page when absent"`
	Limit  int    `query:"limit" doc:"1 to 100; 20 when absent or 0"`
}

// BankParams name a bank.
type BankParams struct {
	Bank   string `path:"bank" doc:"organisation id of the bank"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// SSCCParams name a logistic unit.
type SSCCParams struct {
	SSCC   string `path:"sscc" doc:"18-digit SSCC"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// EBLView is an eBL with everything recorded about it.
type EBLView struct {
	Height     int64          `json:"height"`
	EBL        *EBL           `json:"ebl"`
	Steps      []Step         `json:"steps"`
	Surrender  *Surrender     `json:"surrender,omitempty"`
	Amendments []EBLAmendment `json:"amendments,omitempty"`
	// Proofs are proof bundles by state key (with ?prove=true): the eBL,
	// each step and the surrender. Each is the text of a bundle file,
	// byte for byte as `dengta verify --bundle` reads it (a bundle is
	// checked in its canonical form, so it travels as a string).
	Proofs map[string]string `json:"proofs,omitempty" doc:"bundle files by state key"`
}

// EBLSummary is a line of a list of eBLs.
type EBLSummary struct {
	Ref             string   `json:"ref"`
	Carrier         string   `json:"carrier"`
	Shipper         string   `json:"shipper"`
	Consignee       string   `json:"consignee,omitempty"`
	ToOrder         bool     `json:"to_order"`
	PortOfLoading   string   `json:"port_of_loading"`
	PortOfDischarge string   `json:"port_of_discharge"`
	ShippedOnBoard  string   `json:"shipped_on_board"`
	Status          string   `json:"status"`
	Controller      string   `json:"controller"`
	PendingTo       string   `json:"pending_to,omitempty"`
	Presentation    string   `json:"presentation,omitempty"`
	Containers      int      `json:"containers"`
	HSCodes         []string `json:"hs_codes"`
}

// EBLList is an organisation's eBLs, each list whole (the hall's pages
// and dashboards read it in process; the API pages them).
type EBLList struct {
	Height     int64        `json:"height"`
	Org        string       `json:"org"`
	Controlled []EBLSummary `json:"controlled"`
	Offered    []EBLSummary `json:"offered"`
	Issued     []EBLSummary `json:"issued" doc:"as carrier"`
}

// CreditView is a credit with everything recorded about it.
type CreditView struct {
	Height        int64             `json:"height"`
	Date          string            `json:"date" doc:"today at the issuing bank's place"`
	Credit        *Credit           `json:"credit"`
	Status        string            `json:"status" doc:"the status on date: issued, expired or exhausted"`
	Expiry        string            `json:"effective_expiry" doc:"the expiry date, moved to the next banking day when the bank is closed (UCP 600 29(a))"`
	Max           int64             `json:"max_minor" doc:"the amount plus its tolerance"`
	Available     int64             `json:"available_minor"`
	Presentations []Presentation    `json:"presentations"`
	Amendments    []CreditAmendment `json:"amendments,omitempty"`
	Steps         []CreditStep      `json:"steps"`
	Proofs        map[string]string `json:"proofs,omitempty" doc:"bundle files by state key, each the text dengta verify reads"`
}

// CreditSummary is a line of a list of credits.
type CreditSummary struct {
	No          string `json:"no"`
	Role        string `json:"role" doc:"the organisation's part: applicant, beneficiary, issuing, advising, confirming or nominated"`
	IssuingBank string `json:"issuing_bank"`
	Applicant   string `json:"applicant"`
	Beneficiary string `json:"beneficiary"`
	Amount      Money  `json:"amount"`
	Drawn       int64  `json:"drawn_minor"`
	Expiry      string `json:"expiry"`
	Status      string `json:"status"`
	Open        int    `json:"open_presentations"`
}

// CreditList is an organisation's credits, whole (the hall's pages and
// dashboards read it in process; the API pages them).
type CreditList struct {
	Height  int64           `json:"height"`
	Org     string          `json:"org"`
	Date    string          `json:"date"`
	Credits []CreditSummary `json:"credits"`
}

// CurrencyTotal sums credits of one currency.
type CurrencyTotal struct {
	Currency string `json:"currency"`
	Credits  int    `json:"credits"`
	Amount   int64  `json:"amount_minor"`
	Drawn    int64  `json:"drawn_minor"`
}

// CustomsView is the regulator's read-only view: a page of the eBLs and
// totals over more than the page.
type CustomsView struct {
	Height   int64           `json:"height"`
	EBLs     []EBLSummary    `json:"ebls" doc:"a page of the eBLs the port and the search keep, in reference order"`
	Next     string          `json:"next,omitempty" doc:"when set, the ?after= value that fetches the next page"`
	ByStatus map[string]int  `json:"by_status" doc:"every eBL the port keeps (every eBL without ?port=) by status, whatever the search and the page"`
	Credits  []CurrencyTotal `json:"credits" doc:"every credit on the chain, totalled by currency"`
}

// SSCCView lists the eBLs carrying a logistic unit.
type SSCCView struct {
	Height int64    `json:"height"`
	SSCC   string   `json:"sscc"`
	EBLs   []string `json:"ebls"`
}
