// Package datashareapi is the wire of the data-sharing module (数据共享):
// the roles it declares, its signed actions with their bodies and
// results, its records, the answers of its read endpoints, and the byte
// strings that patients and devices sign. The state machine, the API, the
// pages, the CLI, the bench and the SDK's callers all use these types.
//
// The module has one primitive and two scenarios. The primitive: an
// owner registers a record (content digest, type and class, the
// ciphertext's hash in its node's blob store, its data key wrapped to its
// own exchange keys); grants it to another organisation for a purpose,
// a scope and a period, with the data key wrapped to the grantee's
// exchange keys (FHIR R5 Consent); revokes; the owner's node serves the
// ciphertext only while a grant is valid and records every access and
// refusal (FHIR AuditEvent); emergency access (break-glass) by a defined
// role, always audited and reviewed. The medical scenario adds patients
// under pseudonyms with keys of their own, whose signed consent makes a
// medical grant active and who revoke; the industrial scenario adds
// devices whose keys sign their telemetry, maintainers' records and the
// alerts of a predictive-maintenance model.
package datashareapi

import (
	"crypto/hmac"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "datashare"

// The roles the module declares. The strings are stored on chain: never
// rename.
const (
	// Hospital is a medical institution (医疗机构): it registers patients
	// under pseudonyms, registers their records and proposes grants on
	// the patients' consent.
	Hospital role.Role = "hospital"
	// Emergency may declare emergency access to a patient's records held
	// elsewhere (急诊救治, break-glass), always audited and reviewed.
	Emergency role.Role = "emergency_care"
	// Enterprise is an industrial enterprise that shares industrial data
	// (工业企业): it registers devices and their telemetry and grants them.
	Enterprise role.Role = "industrial"
	// Maintainer maintains equipment (设备维保) and signs maintenance
	// records.
	Maintainer role.Role = "maintainer"
)

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Hospital, ZH: "医疗机构", EN: "Hospital"},
	{Role: Emergency, ZH: "急诊救治", EN: "Emergency care"},
	{Role: Enterprise, ZH: "工业企业", EN: "Industrial enterprise"},
	{Role: Maintainer, ZH: "设备维保", EN: "Equipment maintainer"},
}

// The actions of the module.
var (
	SetExchange      = api.Action[ExchangeBody, ExchangeResult]{Module: Name, Name: "set_exchange", Doc: "name the organisation's exchange keys (data keys shared with it are wrapped to them) and its node's address for fetching shared records"}
	RegisterSubject  = api.Action[SubjectBody, IDResult]{Module: Name, Name: "register_subject", Doc: "register a patient under a pseudonymous id with the patient's public key (no name, ID number or diagnosis)"}
	RotateSubjectKey = api.Action[RotateBody, IDResult]{Module: Name, Name: "rotate_subject_key", Doc: "replace a patient's key (a lost card or app), with the reason; the patient's page lists every replacement"}
	RegisterRecord   = api.Action[RecordBody, RecordResult]{Module: Name, Name: "register_record", Doc: "register a record: its content digest, type and class, its ciphertext's hash in the owner's blob store and its data key wrapped to the owner's exchange keys"}
	Grant            = api.Action[GrantBody, GrantResult]{Module: Name, Name: "grant", Doc: "grant records to another organisation for a purpose and a period (FHIR R5 Consent), the data keys wrapped to its exchange keys; a patient's records wait for the patient's consent"}
	DeliverKeys      = api.Action[DeliverBody, CountResult]{Module: Name, Name: "deliver_keys", Doc: "add data keys wrapped to exchange keys named since (a grant's records, or the owner's own copies)"}
	Revoke           = api.Action[RevokeBody, IDResult]{Module: Name, Name: "revoke", Doc: "revoke a grant, as its owner or its grantee; the owner's node serves nothing more under it"}
	SubjectAct       = api.Action[SubjectActBody, IDResult]{Module: Name, Name: "subject_act", Doc: "relay a patient's signed consent, refusal or revocation of a grant"}
	Audit            = api.Action[AuditBody, AuditResult]{Module: Name, Name: "audit", Doc: "record a batch of access events at the owner's node (served and refused fetches), with the digests of their full records"}
	BreakGlass       = api.Action[BreakGlassBody, BreakGlassResult]{Module: Name, Name: "break_glass", Doc: "declare emergency access to a patient's records held by another hospital, for 24 hours, flagged for review"}
	ReviewBreakGlass = api.Action[ReviewBody, IDResult]{Module: Name, Name: "review_break_glass", Doc: "review an emergency access as the records' owner or an overseer: justified or not; access under it ends"}
	RegisterDevice   = api.Action[DeviceBody, IDResult]{Module: Name, Name: "register_device", Doc: "register a device with its maker and its key, which signs the digests of its telemetry"}
	Maintain         = api.Action[MaintenanceBody, IDResult]{Module: Name, Name: "record_maintenance", Doc: "record a maintenance of a device, signed by the maintainer; it may resolve the device's open alerts"}
	RaiseAlert       = api.Action[AlertBody, IDResult]{Module: Name, Name: "raise_alert", Doc: "anchor a predictive-maintenance alert of the owner's model with the digests of the telemetry it rests on"}
)

// Domains of records.
const (
	Medical    = "medical"
	Industrial = "industrial"
)

// Record types. Medical types map to LOINC document codes in the FHIR
// export.
const (
	TypeOutpatient  = "outpatient"   // 门诊病历, LOINC 34108-1 Outpatient Note
	TypeLab         = "lab"          // 检验报告, LOINC 11502-2 Laboratory report
	TypeImaging     = "imaging"      // 影像报告, LOINC 18748-4 Diagnostic imaging study
	TypeDischarge   = "discharge"    // 出院小结, LOINC 18842-5 Discharge summary
	TypeTelemetry   = "telemetry"    // 设备运行数据: a window of a device's readings
	TypeMaintReport = "maint_report" // 维保报告
	TypeInspection  = "inspection"   // 检测报告
)

// Confidentiality classes (HL7 v3 Confidentiality): N normal, R
// restricted, V very restricted. A grant shares records up to its class.
const (
	ClassNormal     = "N"
	ClassRestricted = "R"
	ClassVery       = "V"
)

// Purposes of use. Medical ones are HL7 v3 PurposeOfUse codes; the
// industrial ones are the module's own.
const (
	PurposeTreat     = "TREAT"   // treatment
	PurposeEmergency = "ETREAT"  // emergency treatment (break-glass)
	PurposePatient   = "PATRQT"  // at the patient's request
	PurposeResearch  = "HRESCH"  // research
	PurposePublic    = "PUBHLTH" // public health
	PurposeMaintain  = "MAINT"   // maintenance, predictive maintenance
	PurposeWarranty  = "WARRANTY"
	PurposeQuality   = "QUALITY"
)

// Grant statuses. A grant's state at a time also says whether it has
// started or expired (GrantState).
const (
	GrantProposed = "proposed" // waits for the patient's consent
	GrantActive   = "active"
	GrantRefused  = "refused" // the patient said no
	GrantRevoked  = "revoked"
	// Derived states, never stored.
	GrantPending = "not_started"
	GrantExpired = "expired"
)

// Subject acts: what a patient signs.
const (
	ActApprove = "approve"
	ActRefuse  = "refuse"
	ActRevoke  = "revoke"
)

// Audit vocabulary.
const (
	EventFetch    = "fetch" // the ciphertext of a record
	EventKey      = "key"   // a data key wrapped on the fly (emergency access)
	OutcomeServe  = "served"
	OutcomeRefuse = "refused"
)

// Reasons of refusals, as audit events record them.
const (
	ReasonNoGrant        = "no_grant"         // no such grant, or not for this record's owner
	ReasonNotGrantee     = "not_grantee"      // the grant is another organisation's
	ReasonNotActive      = "not_active"       // proposed (no consent yet) or refused
	ReasonRevoked        = "revoked"          // the grant was revoked
	ReasonNotStarted     = "not_started"      // before the grant's period
	ReasonExpired        = "expired"          // after the grant's period
	ReasonOutOfScope     = "out_of_scope"     // the grant does not cover the record
	ReasonClass          = "class_denied"     // the record's class is above the grant's
	ReasonTag            = "tag_denied"       // the record carries a tag the grant denies
	ReasonNoBreakGlass   = "no_break_glass"   // no such emergency access, or not for this record
	ReasonBreakGlassOver = "break_glass_over" // expired or reviewed
	ReasonNoCredential   = "no_credential"    // neither a grant nor an emergency access was named
	ReasonUnavailable    = "unavailable"      // the owner's node lacks the file
)

// Break-glass vocabulary.
const (
	BTGUnconscious = "unconscious"      // the patient cannot consent
	BTGLife        = "life_threatening" // no time to ask
	BTGNoContact   = "no_contact"       // the patient cannot be reached in time
	BTGOpen        = "open"
	BTGJustified   = "justified"
	BTGUnjustified = "unjustified"
)

// Industrial vocabulary.
const (
	MetricVibration   = "vibration"   // RMS velocity, µm/s
	MetricTemperature = "temperature" // bearing temperature, m°C
	RuleZScore        = "zscore"      // |z| against the EWMA baseline at or above the threshold
	RuleLimit         = "limit"       // an absolute limit exceeded
	SeverityWarning   = "warning"
	SeverityCritical  = "critical"
	AlertOpen         = "open"
	AlertResolved     = "resolved"
)

// The vocabularies, in the order forms show them.
var (
	Domains           = []string{Medical, Industrial}
	MedicalTypes      = []string{TypeOutpatient, TypeLab, TypeImaging, TypeDischarge}
	IndustrialTypes   = []string{TypeTelemetry, TypeMaintReport, TypeInspection}
	Classes           = []string{ClassNormal, ClassRestricted, ClassVery}
	MedicalTags       = []string{"PSY", "HIV", "SUD", "GDIS", "SDV", "STD"} // HL7 v3 ActCode sensitivity: psychiatry, HIV, substance use, genetic disease, sexual and domestic violence, sexually transmitted disease
	MedicalPurposes   = []string{PurposeTreat, PurposePatient, PurposeResearch, PurposePublic}
	IndustrialPurpose = []string{PurposeMaintain, PurposeWarranty, PurposeQuality}
	BTGReasons        = []string{BTGUnconscious, BTGLife, BTGNoContact}
	BTGFindings       = []string{BTGJustified, BTGUnjustified}
	MaintenanceKinds  = []string{"inspection", "lubrication", "calibration", "repair", "replacement", "overhaul"}
	Metrics           = []string{MetricVibration, MetricTemperature}
	AlertRules        = []string{RuleZScore, RuleLimit}
	Severities        = []string{SeverityWarning, SeverityCritical}
	Reasons           = []string{ReasonNoGrant, ReasonNotGrantee, ReasonNotActive, ReasonRevoked, ReasonNotStarted, ReasonExpired, ReasonOutOfScope, ReasonClass, ReasonTag, ReasonNoBreakGlass, ReasonBreakGlassOver, ReasonNoCredential, ReasonUnavailable}
)

// Limits.
const (
	MaxExchangeKeys = 4
	MaxGrantRecords = 100
	MaxTypes        = 8
	MaxAuditBatch   = 128
	// MaxGrantDays bounds a grant's period: five years.
	MaxGrantDays = 1827
	// BreakGlassHours is how long an emergency access lasts.
	BreakGlassHours = 24
	// StatementMaxAgeHours bounds how long a patient's signed statement
	// may wait before it is relayed.
	StatementMaxAgeHours = 7 * 24
	// AuditMaxAgeHours bounds how late an access event may reach the
	// chain (a node that was down submits its journal when it is back).
	AuditMaxAgeHours = 7 * 24
	// MaxRecordBytes bounds a record's ciphertext.
	MaxRecordBytes = 1 << 30
	// MaxPage is the most items a list answers at once.
	MaxPage = 50
)

// ClassRank orders the confidentiality classes: N < R < V; 0 for an
// unknown class.
func ClassRank(c string) int {
	switch c {
	case ClassNormal:
		return 1
	case ClassRestricted:
		return 2
	case ClassVery:
		return 3
	}
	return 0
}

// TypesOf returns the record types of a domain.
func TypesOf(domain string) []string {
	if domain == Medical {
		return MedicalTypes
	}
	return IndustrialTypes
}

// PurposesOf returns the purposes a grant of a domain may name.
func PurposesOf(domain string) []string {
	if domain == Medical {
		return MedicalPurposes
	}
	return IndustrialPurpose
}

// The domains of the byte strings patients and devices sign: each starts
// with one and a zero byte, then the chain id and a zero byte, so that no
// signature serves on another chain or for another purpose.
const (
	SubjectDomain   = "dengta/datashare/subject/v1"
	TelemetryDomain = "dengta/datashare/telemetry/v1"
	PseudonymDomain = "dengta/datashare/pseudonym/v1"
)

// SubjectSignBytes is what a patient signs to approve, refuse or revoke
// a grant:
//
//	"dengta/datashare/subject/v1" 0 chain-id 0 act 0 grant 0 subject 0 time
//
// time is when the patient signed (RFC 3339); the chain accepts it for
// StatementMaxAgeHours.
func SubjectSignBytes(chainID, act, grant, subject, time string) []byte {
	return joinZero(SubjectDomain, chainID, act, grant, subject, time)
}

// TelemetrySignBytes is what a device signs for a window of its
// readings:
//
//	"dengta/datashare/telemetry/v1" 0 chain-id 0 device 0 seq 0 digest
//
// seq is the window's number (decimal, increasing per device) and digest
// the window's content digest in lowercase hex (datakey.Digest: SM3 over
// a salt the device drew and the readings).
func TelemetrySignBytes(chainID, device string, seq uint64, digest string) []byte {
	return joinZero(TelemetryDomain, chainID, device, strconv.FormatUint(seq, 10), digest)
}

func joinZero(parts ...string) []byte {
	return []byte(strings.Join(parts, "\x00"))
}

// Pseudonym derives a patient's pseudonymous id at a hospital from the
// hospital's secret and its own identifier of the patient (an ID number,
// a medical record number):
//
//	"P" + upper hex of HMAC-SM3(secret, "dengta/datashare/pseudonym/v1" 0 local)[0:8]
//
// The same patient gets the same id at the same hospital, another at
// another hospital, and nobody without the secret links either to the
// person.
func Pseudonym(secret []byte, local string) string {
	m := hmac.New(sm3.New, secret)
	m.Write([]byte(PseudonymDomain))
	m.Write([]byte{0})
	m.Write([]byte(strings.ToUpper(strings.Join(strings.Fields(local), ""))))
	return "P" + strings.ToUpper(hex.EncodeToString(m.Sum(nil)[:8]))
}

// IsSubjectID reports whether s is a pseudonymous patient id: "P" and 16
// uppercase hex digits.
func IsSubjectID(s string) bool {
	if len(s) != 17 || s[0] != 'P' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// IsDeviceID reports whether s is a device id: 3 to 32 uppercase
// letters, digits or '-', starting with a letter or digit.
func IsDeviceID(s string) bool {
	if len(s) < 3 || len(s) > 32 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
