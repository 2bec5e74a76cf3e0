// Package carbonapi is the carbon module's wire (碳排放权与绿证): the roles
// it declares, its signed actions with their bodies and results, its
// records, and the answers of its read endpoints. The state machine, the
// API, the pages, the CLI, the bench, the retirement verifier and the SDK's
// callers all use these types.
package carbonapi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "carbon"

// The roles the module declares (verifiers hold the common role inspector,
// producers who publish footprints the common role producer). The strings
// are stored on chain: never rename.
const (
	// Registry is the registry authority (注册登记机构): it registers
	// projects, issues credits in vintage batches, opens compliance years
	// and allocates allowances, and may cancel units it finds invalid.
	Registry role.Role = "carbon_registry"
	// Developer is a project developer (项目业主): it submits projects and
	// their monitoring reports, and receives the credits issued for them.
	Developer role.Role = "project_developer"
	// Covered is a covered entity of the emissions trading scheme (重点排放
	// 单位): it files annual emission reports and surrenders allowances
	// or eligible credits.
	Covered role.Role = "covered_entity"
	// GECIssuer is the national green certificate system (绿证核发机构): it
	// registers renewable plants and records the certificates it issued.
	GECIssuer role.Role = "gec_issuer"
)

// Verifier is the common role inspector: third-party validation and
// verification bodies (审定与核查机构) that sign monitoring and emission
// verifications and footprint assurances.
const Verifier = role.Inspector

// Producer is the common role producer: who publishes product footprints.
const Producer = role.Producer

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Registry, ZH: "碳注册登记机构", EN: "Carbon registry authority"},
	{Role: Developer, ZH: "减排项目业主", EN: "Project developer"},
	{Role: Covered, ZH: "重点排放单位", EN: "Covered entity"},
	{Role: GECIssuer, ZH: "绿证核发机构", EN: "Green certificate issuer"},
}

// The actions of the module.
var (
	SubmitProject    = api.Action[ProjectBody, IDResult]{Module: Name, Name: "submit_project", Doc: "submit an emission-reduction project (methodology, location, crediting period) for registration"}
	RegisterProject  = api.Action[RegisterProjectBody, IDResult]{Module: Name, Name: "register_project", Doc: "register a submitted project in the registry, saying whether its credits may be surrendered for compliance"}
	SubmitMonitoring = api.Action[MonitoringBody, IDResult]{Module: Name, Name: "submit_monitoring", Doc: "submit a monitoring report of a registered project: the period, the reductions claimed and the report file's digest"}
	VerifyMonitoring = api.Action[VerifyBody, IDResult]{Module: Name, Name: "verify_monitoring", Doc: "sign the third-party verification of a monitoring report (核查): the reductions verified and the statement's digest"}
	IssueCredits     = api.Action[IssueBody, IssueResult]{Module: Name, Name: "issue_credits", Doc: "issue credits for a verified monitoring report in vintage batches, each with its serial numbers, to the project developer"}
	TransferUnits    = api.Action[TransferBody, MoveResult]{Module: Name, Name: "transfer", Doc: "transfer units of a batch (credits, allowances or green certificates) to another organisation; ranges are split as needed"}
	Retire           = api.Action[RetireBody, MoveResult]{Module: Name, Name: "retire", Doc: "retire credits for a beneficiary and purpose: irreversible, with a public retirement certificate"}
	Cancel           = api.Action[CancelBody, MoveResult]{Module: Name, Name: "cancel", Doc: "cancel units: the holder's own, or any holder's by the registry authority, with the reason"}
	OpenCompliance   = api.Action[ComplianceYearBody, IDResult]{Module: Name, Name: "open_compliance", Doc: "open a compliance year of the emissions trading scheme with its report and surrender deadlines and its offset limit"}
	Allocate         = api.Action[AllocateBody, IssueResult]{Module: Name, Name: "allocate", Doc: "allocate allowances of a compliance year to a covered entity, as a batch with serial numbers"}
	FileEmissions    = api.Action[EmissionsBody, IDResult]{Module: Name, Name: "file_emissions", Doc: "file the annual emission report of a covered entity (排放报告): tonnes of CO2e and the report's digest"}
	VerifyEmissions  = api.Action[VerifyEmissionsBody, IDResult]{Module: Name, Name: "verify_emissions", Doc: "sign the verification of a covered entity's annual emissions (核查): the tonnes verified"}
	Surrender        = api.Action[SurrenderBody, MoveResult]{Module: Name, Name: "surrender", Doc: "surrender allowances, or eligible credits within the offset limit, for a compliance year (清缴)"}
	RegisterPlant    = api.Action[PlantBody, IDResult]{Module: Name, Name: "register_plant", Doc: "register a renewable power plant with its national project code, technology and owner"}
	IssueGEC         = api.Action[GECBody, IssueResult]{Module: Name, Name: "issue_gec", Doc: "record the green certificates the national system issued for a plant's month of generation: one per MWh"}
	ClaimGEC         = api.Action[ClaimBody, MoveResult]{Module: Name, Name: "claim_gec", Doc: "claim green certificates for the holder's electricity consumption of a year (核销): never twice, never after expiry"}
	DeclareUse       = api.Action[ConsumptionBody, IDResult]{Module: Name, Name: "declare_consumption", Doc: "declare an organisation's electricity consumption of a year, the base of its green-electricity share"}
	PublishPCF       = api.Action[FootprintBody, FootprintResult]{Module: Name, Name: "publish_footprint", Doc: "publish a product carbon footprint (WBCSD PACT data) for a GS1 product or lot; a new version supersedes the last"}
	AssurePCF        = api.Action[AssureBody, IDResult]{Module: Name, Name: "assure_footprint", Doc: "record a third-party assurance of a product footprint version"}
)

// Unit kinds: what a batch holds.
const (
	KindCredit    = "credit"    // verified emission reductions, tCO2e (CCER and the like)
	KindAllowance = "allowance" // emission allowances of a compliance year, tCO2e (CEA)
	KindGEC       = "gec"       // green electricity certificates, MWh (绿证)
)

// UnitKinds lists the unit kinds.
var UnitKinds = []string{KindCredit, KindAllowance, KindGEC}

// The ends of a unit's life: every serial is active in one holder's
// account, or in one of these, for good.
const (
	Retired     = "retired"     // retired for a beneficiary and purpose
	Cancelled   = "cancelled"   // cancelled by its holder or the registry
	Claimed     = "claimed"     // a green certificate claimed for consumption
	Surrendered = "surrendered" // surrendered for compliance
	Active      = "active"      // held in an account (state of a serial, not of a closure)
)

// ClosureKinds lists the ends of a unit's life.
var ClosureKinds = []string{Retired, Cancelled, Claimed, Surrendered}

// Project and report statuses, opinions, assurance levels.
const (
	StatusSubmitted  = "submitted"
	StatusRegistered = "registered"
	StatusVerified   = "verified"
	StatusRejected   = "rejected"
	OpinionPositive  = "positive"
	OpinionNegative  = "negative"
	LevelLimited     = "limited"
	LevelReasonable  = "reasonable"
)

// Compliance statuses of a covered entity for a year, derived from the
// block date.
const (
	ComplianceAwaitingReport       = "awaiting_report"
	ComplianceReportOverdue        = "report_overdue"
	ComplianceAwaitingVerification = "awaiting_verification"
	ComplianceOpen                 = "open"
	ComplianceCompliant            = "compliant"
	ComplianceNonCompliant         = "non_compliant"
)

// Sectors of projects, technologies of plants, footprint vocabularies.
var (
	Sectors       = []string{"renewable_energy", "energy_efficiency", "forestry", "agriculture", "methane", "waste", "transport", "industry", "other"}
	Technologies  = []string{"wind", "solar", "hydro", "biomass", "geothermal", "other"}
	DeclaredUnits = []string{"kilogram", "liter", "piece", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter"}
	// Standards are the cross-sectoral standards a footprint may follow:
	// PACT's three and China's national standard (GB/T 24067-2024).
	Standards     = []string{"GHG Protocol Product standard", "ISO Standard 14067", "ISO Standard 14044", "GB/T 24067-2024"}
	Boundaries    = []string{"cradle_to_gate", "cradle_to_grave", "gate_to_gate"}
	CharFactors   = []string{"AR5", "AR6"}
	AssuranceLvls = []string{LevelLimited, LevelReasonable}
	Opinions      = []string{OpinionPositive, OpinionNegative}
)

// Limits.
const (
	// MaxQuantity bounds a batch: 10^12 units (tonnes or MWh).
	MaxQuantity int64 = 1_000_000_000_000
	// MaxBodyRanges is the most serial ranges one body names.
	MaxBodyRanges = 64
	// MaxHoldingRanges is the most separate ranges one account holds of a
	// batch; a transfer that would split it further is refused (the holder
	// consolidates by moving whole ranges).
	MaxHoldingRanges = 1000
	// MaxVintages is the most vintage batches one issuance makes.
	MaxVintages = 10
	// DefaultOffsetLimitBP is the share of verified emissions that eligible
	// credits may cover when surrendered: 5 %, China's rule for CCER.
	DefaultOffsetLimitBP = 500
	// GECValidityMonths is how long a green certificate is valid, from its
	// month of generation (included): two years (国能发新能规〔2024〕67号).
	GECValidityMonths = 24
	// MaxLotLen is the longest lot number (GS1 AI 10).
	MaxLotLen = 20
)

// Range is an inclusive range of serial numbers of a batch, from 1.
type Range struct {
	From int64 `json:"from" doc:"first serial, from 1"`
	To   int64 `json:"to" doc:"last serial, included"`
}

// Len is the number of serials in r.
func (r Range) Len() int64 { return r.To - r.From + 1 }

func (r Range) String() string {
	if r.From == r.To {
		return "#" + strconv.FormatInt(r.From, 10)
	}
	return "#" + strconv.FormatInt(r.From, 10) + "-" + strconv.FormatInt(r.To, 10)
}

// Serials writes a batch's ranges as people read them:
// "CCB-2025-000001 #1-500, #900-1000".
func Serials(batch string, rs []Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return batch + " " + strings.Join(parts, ", ")
}

// Total is the number of serials in rs.
func Total(rs []Range) int64 {
	var n int64
	for _, r := range rs {
		n += r.Len()
	}
	return n
}

// UnitOf names the unit of a batch kind: tCO2e or MWh.
func UnitOf(kind string) string {
	if kind == KindGEC {
		return "MWh"
	}
	return "tCO2e"
}

// GECExpiry is the first day on which certificates generated in month
// (YYYY-MM) are expired: the first day of the month GECValidityMonths
// later. Certificates of 2026-03 are valid through 2028-02 and expired from
// 2028-03-01 (China Standard Time).
func GECExpiry(month string) (string, error) {
	y, m, err := ParseMonth(month)
	if err != nil {
		return "", err
	}
	n := y*12 + (m - 1) + GECValidityMonths
	return fmt.Sprintf("%04d-%02d-01", n/12, n%12+1), nil
}

// ParseMonth parses YYYY-MM.
func ParseMonth(s string) (year, month int, err error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, 0, fmt.Errorf("month %q is not written YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 2000 || y > 2199 || m < 1 || m > 12 || s[0] == '+' || s[5] == '+' {
		return 0, 0, fmt.Errorf("month %q is not a month written YYYY-MM between 2000 and 2199", s)
	}
	return y, m, nil
}

// Read endpoints.
var (
	Projects        = api.Query[ProjectsParams, api.Page[Project]]{Path: "/v1/carbon/projects", Doc: "The project registry, by status and developer", Public: true}
	GetProject      = api.Query[IDParams, ProjectView]{Path: "/v1/carbon/projects/{id}", Doc: "A project with its monitoring reports, verifications and batches", Public: true}
	GetReport       = api.Query[IDParams, ReportView]{Path: "/v1/carbon/reports/{id}", Doc: "A monitoring report and its verification", Public: true}
	GetBatch        = api.Query[IDParams, BatchView]{Path: "/v1/carbon/batches/{id}", Doc: "A batch: what was issued, to whom, and how much of it is active, retired, cancelled, claimed or surrendered", Public: true}
	Batches         = api.Query[BatchesParams, api.Page[Batch]]{Path: "/v1/carbon/batches", Doc: "The batches issued, by kind", Public: true}
	GetClosure      = api.Query[ClosureParams, ClosureView]{Path: "/v1/carbon/retirements/{id}", Doc: "A retirement, cancellation or claim, with ?prove=true its offline proof bundle", Public: true}
	Closures        = api.Query[ClosuresParams, api.Page[Closure]]{Path: "/v1/carbon/retirements", Doc: "Retirements, cancellations and claims, newest first, by batch or organisation", Public: true}
	GetAccount      = api.Query[OrgParams, Account]{Path: "/v1/carbon/accounts/{org}", Doc: "An organisation's account: its holdings by batch with their serial ranges (for the holder, the registry and those who oversee)"}
	GetTransfer     = api.Query[IDParams, Transfer]{Path: "/v1/carbon/transfers/{id}", Doc: "A transfer (for its parties, the registry and those who oversee)"}
	GetCompliance   = api.Query[YearParams, ComplianceView]{Path: "/v1/carbon/compliance/{year}", Doc: "A compliance year: every covered entity's emissions, allowances, surrenders, shortfall and status (the registry and those who oversee; an entity sees its own)"}
	GetPlant        = api.Query[CodeParams, PlantView]{Path: "/v1/carbon/plants/{code}", Doc: "A renewable plant and its certificate batches", Public: true}
	GetGreen        = api.Query[GreenParams, GreenView]{Path: "/v1/carbon/green/{org}/{year}", Doc: "An organisation's green-electricity claim certificate for a year: its claims and share of its consumption", Public: true}
	GetFootprint    = api.Query[FootprintParams, FootprintView]{Path: "/v1/carbon/footprints/{gtin}", Doc: "The latest carbon footprint of a product (?lot= for a lot's own, falling back to the product's), with its versions, assurance and linked retirements", Public: true}
	GetFootprintPCF = api.Query[FootprintParams, PACTFootprint]{Path: "/v1/carbon/footprints/{gtin}/pact", Doc: "The latest footprint of a product or lot as a WBCSD PACT 2.x ProductFootprint", Public: true}
	GetRegistry     = api.Query[HeightParams, RegistryView]{Path: "/v1/carbon/registry", Doc: "The registry's totals by unit kind and its work queues: projects to register, reports to verify and issue", Public: true}
)
