package datashareapi

import (
	"encoding/json"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/tx"
)

// --- bodies and results ---

// ExchangeBody names an organisation's exchange keys and node address.
type ExchangeBody struct {
	Keys     []tx.KeyID `json:"keys,omitempty" doc:"1 to 4 active member keys of the organisation; data keys shared with it are wrapped to each; the signing key alone when absent"`
	Endpoint string     `json:"endpoint" doc:"the base URL of the node that holds the organisation's records and serves them to grantees (https://..., or http:// on a private network)"`
}

// ExchangeResult is what set_exchange answers: the exchange keys named.
type ExchangeResult struct {
	Org  string        `json:"org"`
	Keys []ExchangeKey `json:"keys"`
}

// SubjectBody registers a patient.
type SubjectBody struct {
	ID        string       `json:"id" doc:"the patient's pseudonym at the hospital: P and 16 uppercase hex digits (Pseudonym)"`
	PublicKey tx.PublicKey `json:"public_key" doc:"the patient's key, held by the hospital's custody or the patient's app; it signs the patient's consents"`
}

// RotateBody replaces a patient's key.
type RotateBody struct {
	ID        string       `json:"id"`
	PublicKey tx.PublicKey `json:"public_key"`
	Reason    string       `json:"reason" doc:"why, 1 to 100 characters (card lost, new phone)"`
}

// IDResult answers the id of a record an action wrote.
type IDResult struct {
	ID string `json:"id"`
}

// CountResult answers how many items an action wrote.
type CountResult struct {
	Count int `json:"count"`
}

// RecordKey is a data key wrapped for one record.
type RecordKey struct {
	Record  string          `json:"record"`
	Wrapped datakey.Wrapped `json:"wrapped"`
}

// GrantKey is a data key wrapped for one grant.
type GrantKey struct {
	Grant   string          `json:"grant"`
	Wrapped datakey.Wrapped `json:"wrapped"`
}

// RecordBody registers a record.
type RecordBody struct {
	Domain  string   `json:"domain" doc:"medical or industrial"`
	Type    string   `json:"type" doc:"medical: outpatient, lab, imaging, discharge; industrial: telemetry, maint_report, inspection"`
	Class   string   `json:"class" doc:"confidentiality: N (normal), R (restricted), V (very restricted)"`
	Tags    []string `json:"tags,omitempty" doc:"sensitivity tags of a medical record (PSY, HIV, SUD, GDIS, SDV, STD), which a grant may deny"`
	Subject string   `json:"subject,omitempty" doc:"the patient (medical records)"`
	Device  string   `json:"device,omitempty" doc:"the device (industrial records)"`
	Digest  string   `json:"digest" doc:"the content digest, SM3 over a salt and the content (datakey.Digest), 64 lowercase hex"`
	Blob    string   `json:"blob" doc:"SHA-256 of the ciphertext in the owner's blob store, 64 lowercase hex"`
	Size    int64    `json:"size" doc:"the ciphertext's size in bytes"`
	// Telemetry windows: the device's number of the window and its
	// signature (TelemetrySignBytes).
	Seq       uint64 `json:"seq,omitempty" doc:"telemetry: the window's number, above the device's last"`
	DeviceSig string `json:"device_sig,omitempty" doc:"telemetry: the device key's signature of TelemetrySignBytes, hex"`
	// Keys wraps the data key to each of the owner's exchange keys.
	Keys []datakey.Wrapped `json:"keys" doc:"the data key wrapped to each of the owner's exchange keys, one each"`
	// GrantKeys wraps it for grants that cover records of the subject or
	// device registered from their start.
	GrantKeys []GrantKey `json:"grant_keys,omitempty" doc:"the data key wrapped to the grantees' exchange keys of standing grants on the subject or device"`
}

// RecordResult is what register_record answers.
type RecordResult struct {
	ID string `json:"id"`
	// Covered are the standing grants the record falls under.
	Covered []string `json:"covered,omitempty"`
}

// GrantBody grants records to an organisation.
type GrantBody struct {
	Grantee string `json:"grantee" doc:"the organisation receiving access"`
	Purpose string `json:"purpose" doc:"medical: TREAT, PATRQT, HRESCH, PUBHLTH; industrial: MAINT, WARRANTY, QUALITY"`
	// Scope: either records, or a subject or device with types (a
	// standing grant on what is registered from its start).
	Records []string `json:"records,omitempty" doc:"the records granted (1 to 100, one owner, one patient or device)"`
	Subject string   `json:"subject,omitempty" doc:"a standing grant on this patient's records registered from the start"`
	Device  string   `json:"device,omitempty" doc:"a standing grant on this device's records registered from the start"`
	Types   []string `json:"types,omitempty" doc:"a standing grant's record types"`
	// Provisions (FHIR R5 Consent: a permit with nested denials).
	MaxClass string   `json:"max_class" doc:"the highest confidentiality class shared: N, R or V"`
	DenyTags []string `json:"deny_tags,omitempty" doc:"records with any of these sensitivity tags are not shared"`
	Start    string   `json:"start,omitempty" doc:"RFC 3339; the block time when absent"`
	End      string   `json:"end" doc:"RFC 3339; at most five years after the start"`
	// Keys wraps each record's data key to each of the grantee's
	// exchange keys.
	Keys []RecordKey `json:"keys,omitempty" doc:"each granted record's data key wrapped to each of the grantee's exchange keys"`
}

// GrantResult is what grant answers.
type GrantResult struct {
	ID     string `json:"id"`
	Status string `json:"status" doc:"active, or proposed until the patient consents"`
}

// DeliverBody adds wrapped data keys.
type DeliverBody struct {
	Grant string      `json:"grant,omitempty" doc:"the grant; absent for the owner's own copies"`
	Keys  []RecordKey `json:"keys"`
}

// RevokeBody revokes a grant.
type RevokeBody struct {
	Grant  string `json:"grant"`
	Reason string `json:"reason,omitempty" doc:"at most 100 characters, no personal data"`
}

// SubjectActBody relays what a patient signed.
type SubjectActBody struct {
	Act       string `json:"act" doc:"approve, refuse or revoke"`
	Grant     string `json:"grant"`
	Subject   string `json:"subject"`
	Time      string `json:"time" doc:"when the patient signed, RFC 3339"`
	Signature string `json:"signature" doc:"the patient key's signature of SubjectSignBytes, hex"`
}

// AuditEvent is one access as the owner's node saw it, as the chain keeps
// it. The node's journal keeps the full record (the signed request's
// headers, the client address); Digest is its SM3.
type AuditEvent struct {
	ID         string   `json:"id" doc:"the first 16 bytes of the digest, 32 lowercase hex"`
	Digest     string   `json:"digest" doc:"SM3 of the event's full record in the owner's journal, 64 lowercase hex"`
	Time       string   `json:"time" doc:"when the owner's node answered, RFC 3339"`
	Event      string   `json:"event" doc:"fetch (a record's ciphertext) or key (a data key wrapped for an emergency)"`
	Outcome    string   `json:"outcome" doc:"served or refused"`
	Reason     string   `json:"reason,omitempty" doc:"why it was refused"`
	Record     string   `json:"record"`
	Grant      string   `json:"grant,omitempty"`
	BreakGlass string   `json:"break_glass,omitempty"`
	Org        string   `json:"org" doc:"the requesting organisation"`
	Key        tx.KeyID `json:"key" doc:"the member key that signed the request"`
	Purpose    string   `json:"purpose,omitempty"`
}

// AuditBody records access events.
type AuditBody struct {
	Events []AuditEvent `json:"events" doc:"1 to 128 events of records the signer's organisation owns"`
}

// AuditResult is what audit answers.
type AuditResult struct {
	Recorded   int `json:"recorded"`
	Duplicates int `json:"duplicates" doc:"events already recorded (a batch submitted again), skipped"`
}

// BreakGlassBody declares emergency access.
type BreakGlassBody struct {
	Owner         string `json:"owner" doc:"the hospital holding the patient's records"`
	Subject       string `json:"subject" doc:"the patient's pseudonym at that hospital"`
	Reason        string `json:"reason" doc:"unconscious, life_threatening or no_contact"`
	Justification string `json:"justification" doc:"1 to 200 characters for the reviewer; no names or diagnoses"`
}

// BreakGlassResult is what break_glass answers.
type BreakGlassResult struct {
	ID      string `json:"id"`
	Expires string `json:"expires"`
}

// ReviewBody reviews an emergency access.
type ReviewBody struct {
	ID      string `json:"id"`
	Finding string `json:"finding" doc:"justified or unjustified"`
	Note    string `json:"note,omitempty" doc:"at most 200 characters"`
}

// DeviceBody registers a device.
type DeviceBody struct {
	ID        string       `json:"id" doc:"3 to 32 uppercase letters, digits or '-'"`
	Maker     string       `json:"maker,omitempty" doc:"the organisation that built it"`
	Model     string       `json:"model" doc:"1 to 60 characters"`
	Serial    string       `json:"serial" doc:"1 to 40 characters"`
	PublicKey tx.PublicKey `json:"public_key" doc:"the device's key, which signs its telemetry"`
}

// MaintenanceBody records a maintenance.
type MaintenanceBody struct {
	Device    string   `json:"device"`
	Kind      string   `json:"kind" doc:"inspection, lubrication, calibration, repair, replacement or overhaul"`
	Performed string   `json:"performed" doc:"when the work was done, RFC 3339"`
	Summary   string   `json:"summary" doc:"1 to 200 characters"`
	Parts     []string `json:"parts,omitempty" doc:"part numbers replaced, at most 20"`
	Report    string   `json:"report,omitempty" doc:"a shared record holding the full report"`
	NextDue   string   `json:"next_due,omitempty" doc:"the next maintenance's date, YYYY-MM-DD"`
	Resolves  []string `json:"resolves,omitempty" doc:"open alerts of the device this work resolves"`
}

// AlertBody anchors a model's alert.
type AlertBody struct {
	Device    string   `json:"device"`
	Window    string   `json:"window" doc:"the telemetry record that triggered it"`
	Metric    string   `json:"metric" doc:"vibration (µm/s) or temperature (m°C)"`
	Rule      string   `json:"rule" doc:"zscore or limit"`
	Value     int64    `json:"value" doc:"the window's value, in the metric's unit"`
	Mean      int64    `json:"mean" doc:"the baseline's EWMA mean"`
	SD        int64    `json:"sd" doc:"the baseline's EWMA standard deviation"`
	ZCenti    int64    `json:"z_centi" doc:"z-score times 100"`
	Threshold int64    `json:"threshold" doc:"the rule's threshold: z times 100, or the limit in the metric's unit"`
	Severity  string   `json:"severity" doc:"warning or critical"`
	Model     string   `json:"model" doc:"the model and its parameters, e.g. ewma-z/1 alpha=1/16 warmup=8"`
	Digests   []string `json:"digests" doc:"content digests of the telemetry windows the baseline and the value rest on, the triggering one last (at most 64)"`
}

// --- records ---

// Exchange is an organisation's exchange settings.
type Exchange struct {
	Org      string        `json:"org"`
	Keys     []ExchangeKey `json:"keys"`
	Endpoint string        `json:"endpoint"`
	By       module.Party  `json:"by"`
	Height   int64         `json:"height"`
	Time     string        `json:"time"`
}

// ExchangeKey is one exchange key with its public key, to wrap to.
type ExchangeKey struct {
	ID        tx.KeyID     `json:"id"`
	PublicKey tx.PublicKey `json:"public_key"`
}

// Subject is a patient at a hospital.
type Subject struct {
	ID        string       `json:"id"`
	Hospital  string       `json:"hospital"`
	PublicKey tx.PublicKey `json:"public_key"`
	KeyID     tx.KeyID     `json:"key_id"`
	Rotations []Rotation   `json:"rotations,omitempty"`
	By        module.Party `json:"by"`
	Height    int64        `json:"height"`
	Time      string       `json:"time"`
}

// Rotation is a replaced patient key.
type Rotation struct {
	Old    tx.KeyID     `json:"old"`
	New    tx.KeyID     `json:"new"`
	Reason string       `json:"reason"`
	By     module.Party `json:"by"`
	Height int64        `json:"height"`
	Time   string       `json:"time"`
}

// Record is a registered record.
type Record struct {
	ID        string       `json:"id"`
	Owner     string       `json:"owner"`
	Domain    string       `json:"domain"`
	Type      string       `json:"type"`
	Class     string       `json:"class"`
	Tags      []string     `json:"tags,omitempty"`
	Subject   string       `json:"subject,omitempty"`
	Device    string       `json:"device,omitempty"`
	Digest    string       `json:"digest"`
	Blob      string       `json:"blob"`
	Size      int64        `json:"size"`
	Seq       uint64       `json:"seq,omitempty"`
	DeviceSig string       `json:"device_sig,omitempty"`
	By        module.Party `json:"by"`
	Height    int64        `json:"height"`
	Time      string       `json:"time"`
	Tx        string       `json:"tx"`
}

// Consent is a patient's signed act on a grant.
type Consent struct {
	Act       string       `json:"act"`
	KeyID     tx.KeyID     `json:"key_id"`
	Signed    string       `json:"signed" doc:"when the patient signed"`
	Signature string       `json:"signature"`
	Relayed   module.Party `json:"relayed" doc:"the member that relayed it"`
	Height    int64        `json:"height"`
	Time      string       `json:"time"`
}

// Revocation says who ended a grant.
type Revocation struct {
	By     string       `json:"by" doc:"owner, grantee or subject"`
	Party  module.Party `json:"party" doc:"the signer, or the member that relayed the patient's revocation"`
	Reason string       `json:"reason,omitempty"`
	Height int64        `json:"height"`
	Time   string       `json:"time"`
}

// GrantRecord is a grant (a FHIR R5 Consent with a permit provision and
// its nested denials).
type GrantRecord struct {
	ID       string   `json:"id"`
	Owner    string   `json:"owner"`
	Grantee  string   `json:"grantee"`
	Domain   string   `json:"domain"`
	Purpose  string   `json:"purpose"`
	Records  []string `json:"records,omitempty"`
	Subject  string   `json:"subject,omitempty"`
	Device   string   `json:"device,omitempty"`
	Types    []string `json:"types,omitempty"`
	Standing bool     `json:"standing" doc:"covers the subject's or device's records registered from the start"`
	MaxClass string   `json:"max_class"`
	DenyTags []string `json:"deny_tags,omitempty"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Status   string   `json:"status"`
	// Consents are the patient's acts (approve, refuse, revoke).
	Consents []Consent    `json:"consents,omitempty"`
	Revoked  *Revocation  `json:"revoked,omitempty"`
	By       module.Party `json:"by"`
	Height   int64        `json:"height"`
	Time     string       `json:"time"`
	Tx       string       `json:"tx"`
}

// AuditEntry is an access event on chain.
type AuditEntry struct {
	AuditEvent
	Seq     uint64       `json:"seq"`
	Owner   string       `json:"owner"`
	Subject string       `json:"subject,omitempty"`
	Device  string       `json:"device,omitempty"`
	By      module.Party `json:"by"`
	Height  int64        `json:"height"`
	Tx      string       `json:"tx"`
}

// BreakGlassRecord is an emergency access.
type BreakGlassRecord struct {
	ID            string       `json:"id"`
	Requester     module.Party `json:"requester"`
	Owner         string       `json:"owner"`
	Subject       string       `json:"subject"`
	Reason        string       `json:"reason"`
	Justification string       `json:"justification"`
	Declared      string       `json:"declared"`
	Expires       string       `json:"expires"`
	Status        string       `json:"status" doc:"open until reviewed, then justified or unjustified"`
	Review        *Review      `json:"review,omitempty"`
	Height        int64        `json:"height"`
	Tx            string       `json:"tx"`
}

// Review is the finding on an emergency access.
type Review struct {
	Finding string       `json:"finding"`
	Note    string       `json:"note,omitempty"`
	By      module.Party `json:"by"`
	Height  int64        `json:"height"`
	Time    string       `json:"time"`
}

// Device is a registered device.
type Device struct {
	ID         string       `json:"id"`
	Owner      string       `json:"owner"`
	Maker      string       `json:"maker,omitempty"`
	Model      string       `json:"model"`
	Serial     string       `json:"serial"`
	PublicKey  tx.PublicKey `json:"public_key"`
	KeyID      tx.KeyID     `json:"key_id"`
	LastSeq    uint64       `json:"last_seq"`
	Windows    int64        `json:"windows" doc:"telemetry windows registered"`
	OpenAlerts int64        `json:"open_alerts"`
	By         module.Party `json:"by"`
	Height     int64        `json:"height"`
	Time       string       `json:"time"`
}

// Maintenance is a maintenance record.
type Maintenance struct {
	ID        string       `json:"id"`
	Device    string       `json:"device"`
	Kind      string       `json:"kind"`
	Performed string       `json:"performed"`
	Summary   string       `json:"summary"`
	Parts     []string     `json:"parts,omitempty"`
	Report    string       `json:"report,omitempty"`
	NextDue   string       `json:"next_due,omitempty"`
	Resolves  []string     `json:"resolves,omitempty"`
	By        module.Party `json:"by"`
	Height    int64        `json:"height"`
	Time      string       `json:"time"`
	Tx        string       `json:"tx"`
}

// Alert is an anchored alert of the predictive-maintenance model.
type Alert struct {
	ID     string `json:"id"`
	Owner  string `json:"owner"`
	Status string `json:"status" doc:"open, or resolved by a maintenance"`
	AlertBody
	ResolvedBy string       `json:"resolved_by,omitempty"`
	By         module.Party `json:"by"`
	Height     int64        `json:"height"`
	Time       string       `json:"time"`
	Tx         string       `json:"tx"`
}

// --- answers ---

// RecordView is a record with the grants that cover it (those the
// caller may see).
type RecordView struct {
	Record
	Covers []string `json:"covers,omitempty"`
}

// GrantView is a grant with its state at the latest block.
type GrantView struct {
	GrantRecord
	State string `json:"state" doc:"active, proposed, refused, revoked, not_started or expired at the latest block"`
	// Covered are the records a standing grant covers so far.
	Covered []string `json:"covered,omitempty"`
}

// SubjectView is a patient's page: the grants on the patient's records,
// emergency accesses and the recent accesses.
type SubjectView struct {
	Subject    Subject            `json:"subject"`
	Records    []Record           `json:"records"`
	Grants     []GrantView        `json:"grants"`
	BreakGlass []BreakGlassRecord `json:"break_glass"`
}

// WrappedKeys are a record's data key wrapped for a grant (or the owner).
type WrappedKeys struct {
	Record string            `json:"record"`
	Grant  string            `json:"grant,omitempty"`
	Keys   []datakey.Wrapped `json:"keys"`
}

// DeviceView is a device with its maintenance and alerts.
type DeviceView struct {
	Device      Device        `json:"device"`
	Maintenance []Maintenance `json:"maintenance"`
	Alerts      []Alert       `json:"alerts"`
	Grants      []GrantView   `json:"grants"`
}

// TelemetryUpload is a window of a device's readings, as the owner's
// edge system sends it to the owner's node.
type TelemetryUpload struct {
	Seq       uint64 `json:"seq" doc:"the window's number, above the device's last"`
	Salt      string `json:"salt" doc:"the 16-byte salt the device drew, hex"`
	Readings  string `json:"readings" doc:"the readings as CSV lines: time (RFC 3339), vibration (µm/s), temperature (m°C)"`
	Signature string `json:"signature" doc:"the device's signature of TelemetrySignBytes over the window's digest, hex"`
}

// TelemetryResult is what the owner's node answers an upload.
type TelemetryResult struct {
	Record string   `json:"record"`
	Digest string   `json:"digest"`
	Height int64    `json:"height"`
	Alerts []string `json:"alerts,omitempty" doc:"alerts the model raised on this window"`
}

// PatientBody admits a patient to the custody of the hospital's node,
// which registers the patient on chain under a pseudonym. The name and ID
// number stay in the hospital's node.
type PatientBody struct {
	Name       string `json:"name" doc:"the patient's name, for the hospital's staff; never on chain"`
	IDNumber   string `json:"id_number" doc:"the patient's ID or medical record number; the pseudonym derives from it with the hospital's secret; never on chain"`
	AccessCode string `json:"access_code,omitempty" doc:"the code that opens the patient's key (12 or more letters or digits); drawn when absent"`
}

// PatientResult is the patient's slip: the pseudonym and the access code,
// shown once.
type PatientResult struct {
	ID         string   `json:"id"`
	AccessCode string   `json:"access_code"`
	KeyID      tx.KeyID `json:"key_id"`
	Height     int64    `json:"height"`
}

// StatementResult is what the relay of a patient's statement answers.
type StatementResult struct {
	Grant  string `json:"grant"`
	Status string `json:"status"`
	Height int64  `json:"height"`
}

// EmergencyKeys are a record's data key wrapped on the fly to the
// requester's exchange keys under an emergency access.
type EmergencyKeys struct {
	Record     string            `json:"record"`
	BreakGlass string            `json:"break_glass"`
	Keys       []datakey.Wrapped `json:"keys"`
}

// --- read endpoints ---

// The module's read endpoints. None is public (ADR 0007): records'
// metadata, grants and audit trails are for the parties and overseers.
var (
	GetExchange   = api.Query[OrgParams, Exchange]{Path: "/v1/datashare/exchange/{org}", Doc: "An organisation's exchange keys and node address"}
	GetRecord     = api.Query[IDParams, RecordView]{Path: "/v1/datashare/records/{id}", Doc: "A shared record's metadata, for its owner, its grantees and overseers"}
	Records       = api.Query[RecordsParams, api.Page[Record]]{Path: "/v1/datashare/records", Doc: "Records of an owner, a patient or a device that the caller may read"}
	GetKeys       = api.Query[KeysParams, WrappedKeys]{Path: "/v1/datashare/records/{id}/keys", Doc: "A record's data key wrapped for a grant's grantee, or for the owner"}
	GetGrant      = api.Query[IDParams, GrantView]{Path: "/v1/datashare/grants/{id}", Doc: "A grant with its state, for its owner, its grantee and overseers"}
	Grants        = api.Query[GrantsParams, api.Page[GrantView]]{Path: "/v1/datashare/grants", Doc: "Grants given by or to an organisation, or on a patient or device"}
	GetSubject    = api.Query[IDParams, SubjectView]{Path: "/v1/datashare/subjects/{id}", Doc: "A patient's grants and emergency accesses, for the patient's hospital, the grantees and overseers"}
	AuditTrail    = api.Query[AuditParams, api.Page[AuditEntry]]{Path: "/v1/datashare/audit", Doc: "Access events of a record, a patient, a device, or by an organisation, oldest first"}
	GetBreakGlass = api.Query[IDParams, BreakGlassRecord]{Path: "/v1/datashare/break-glass/{id}", Doc: "An emergency access, for the requester, the owner and overseers"}
	BreakGlasses  = api.Query[BreakGlassParams, api.Page[BreakGlassRecord]]{Path: "/v1/datashare/break-glass", Doc: "Emergency accesses to an owner's records or by a requester; open ones wait for review"}
	GetDevice     = api.Query[IDParams, DeviceView]{Path: "/v1/datashare/devices/{id}", Doc: "A device with its maintenance history and alerts"}
	Devices       = api.Query[DevicesParams, api.Page[Device]]{Path: "/v1/datashare/devices", Doc: "Devices of an owner or a maker"}
	// Served by the records' owner's node, audited.
	Content          = api.Query[ContentParams, []byte]{Path: "/v1/datashare/records/{id}/content", Doc: "The record's ciphertext, served by the owner's node to a grantee under a valid grant or emergency access; every answer is audited"}
	GetEmergencyKeys = api.Query[EmergencyParams, EmergencyKeys]{Path: "/v1/datashare/records/{id}/emergency-keys", Doc: "The record's data key wrapped to the requester's exchange keys under an open emergency access, by the owner's node; audited"}
	PostTelemetry    = api.Query[DeviceIDParams, TelemetryResult]{Method: "POST", Path: "/v1/datashare/devices/{id}/telemetry", Doc: "A window of a device's readings, signed by the device, to its owner's node: sealed, stored, registered and scored"}
	PostStatement    = api.Query[api.None, StatementResult]{Method: "POST", Path: "/v1/datashare/subject-statements", Doc: "A patient's signed statement (approve, refuse, revoke), which the node of the patient's hospital relays; authenticated by the patient's signature", Public: true}
	GrantFHIR        = api.Query[IDParams, json.RawMessage]{Path: "/v1/datashare/grants/{id}/fhir", Doc: "A grant as a FHIR R5 Consent resource"}
	RegisterPatient  = api.Query[api.None, PatientResult]{Method: "POST", Path: "/v1/datashare/custody/patients", Doc: "Admit a patient to the custody of the hospital's node: a key under an access code, registered on chain under a pseudonym"}
)

// OrgParams name an organisation.
type OrgParams struct {
	Org    string `path:"org"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// IDParams name a record.
type IDParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// DeviceIDParams name a device.
type DeviceIDParams struct {
	ID string `path:"id"`
}

// RecordsParams filter records: exactly one of owner, subject, device.
type RecordsParams struct {
	Owner    string `query:"owner"`
	Subject  string `query:"subject"`
	Device   string `query:"device"`
	Readings bool   `query:"readings_out" doc:"leave out devices' telemetry windows (their periodic readings)"`
	Q        string `query:"q" doc:"only those whose id, patient, device, type, purpose, status or party (id, Chinese or English name) contains this text, ignoring the case of Latin letters"`
	Limit    int    `query:"limit" doc:"at most this many (1-50, default 50)"`
	After    string `query:"after" doc:"the next value of the previous page (a cursor of another list is a bad_request)"`
	Height   int64  `query:"height" doc:"state version; latest when absent"`
}

// KeysParams name a record and the grant whose keys to read.
type KeysParams struct {
	ID     string `path:"id"`
	Grant  string `query:"grant" doc:"the grant; the owner's own copies when absent"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// GrantsParams filter grants: exactly one of owner, grantee, subject,
// device.
type GrantsParams struct {
	Owner   string `query:"owner"`
	Grantee string `query:"grantee"`
	Subject string `query:"subject"`
	Device  string `query:"device"`
	Q       string `query:"q" doc:"only those whose id, patient, device, type, purpose, status or party (id, Chinese or English name) contains this text, ignoring the case of Latin letters"`
	Limit   int    `query:"limit" doc:"at most this many (1-50, default 50)"`
	After   string `query:"after" doc:"the next value of the previous page (a cursor of another list is a bad_request)"`
	Height  int64  `query:"height" doc:"state version; latest when absent"`
}

// AuditParams filter access events: exactly one of record, subject,
// device, org (the requester) or owner.
type AuditParams struct {
	Record  string `query:"record"`
	Subject string `query:"subject"`
	Device  string `query:"device"`
	Org     string `query:"org" doc:"the requesting organisation"`
	Owner   string `query:"owner" doc:"the records' owner"`
	After   string `query:"after" doc:"the next value of the previous page (a cursor of another list is a bad_request)"`
	Height  int64  `query:"height" doc:"state version; latest when absent"`
}

// BreakGlassParams filter emergency accesses: owner or requester.
type BreakGlassParams struct {
	Owner     string `query:"owner"`
	Requester string `query:"requester"`
	Open      bool   `query:"open" doc:"only those waiting for review"`
	After     string `query:"after" doc:"the next value of the previous page"`
	Height    int64  `query:"height" doc:"state version; latest when absent"`
}

// DevicesParams filter devices: owner or maker.
type DevicesParams struct {
	Owner  string `query:"owner"`
	Maker  string `query:"maker"`
	After  string `query:"after" doc:"the next value of the previous page"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// ContentParams name a record and the credential to fetch it under.
type ContentParams struct {
	ID         string `path:"id"`
	Grant      string `query:"grant" doc:"the grant to fetch under"`
	BreakGlass string `query:"break_glass" doc:"the emergency access to fetch under"`
}

// EmergencyParams name a record and an emergency access.
type EmergencyParams struct {
	ID         string `path:"id"`
	BreakGlass string `query:"break_glass"`
}
