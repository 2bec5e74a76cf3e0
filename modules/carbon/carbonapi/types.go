package carbonapi

import (
	"github.com/dengta-chain/dengta/internal/module"
)

// Party is who signed an action: the organisation and its key.
type Party = module.Party

// Stamp is who wrote a record, at which height, block time and
// transaction.
type Stamp struct {
	By     Party  `json:"by"`
	Height int64  `json:"height"`
	Time   string `json:"time" doc:"block time, RFC 3339 in China Standard Time"`
	Tx     string `json:"tx" doc:"transaction hash"`
}

// Bodies of the actions.

// ProjectBody is the body of submit_project.
type ProjectBody struct {
	Name             string `json:"name" doc:"1 to 100 characters"`
	Methodology      string `json:"methodology" doc:"the methodology's code, e.g. CCER-14-001-V01 (afforestation) or VM0042: 2 to 40 letters, digits, ' ', '.', '_', '/' or '-'"`
	Sector           string `json:"sector" doc:"renewable_energy, energy_efficiency, forestry, agriculture, methane, waste, transport, industry or other"`
	Province         string `json:"province" doc:"the province, region or country the project is in, 1 to 40 characters"`
	Location         string `json:"location,omitempty" doc:"the site, e.g. 安徽省宿州市砀山县良梨镇, at most 100 characters"`
	Latitude         string `json:"latitude,omitempty" doc:"decimal degrees, -90 to 90, at most 6 decimals"`
	Longitude        string `json:"longitude,omitempty" doc:"decimal degrees, -180 to 180, at most 6 decimals"`
	Description      string `json:"description" doc:"what the project does and how it reduces or removes emissions, 1 to 1000 characters"`
	DesignSHA256     string `json:"design_sha256" doc:"SHA-256 of the project design document (项目设计文件), kept off chain"`
	CreditingStart   string `json:"crediting_start" doc:"first day of the crediting period, YYYY-MM-DD"`
	CreditingEnd     string `json:"crediting_end" doc:"last day of the crediting period, YYYY-MM-DD, within 60 years"`
	EstimatedAnnualT int64  `json:"estimated_annual_t,omitempty" doc:"estimated reductions a year, tCO2e"`
}

// RegisterProjectBody is the body of register_project.
type RegisterProjectBody struct {
	Project            string `json:"project"`
	RegistrationNo     string `json:"registration_no,omitempty" doc:"the registry's number for the project, 1 to 40 characters; the project id when absent"`
	ComplianceEligible bool   `json:"compliance_eligible,omitempty" doc:"its credits may be surrendered for compliance within the offset limit (CCER)"`
}

// MonitoringBody is the body of submit_monitoring.
type MonitoringBody struct {
	Project      string `json:"project"`
	PeriodFrom   string `json:"period_from" doc:"first day monitored, YYYY-MM-DD, within the crediting period"`
	PeriodTo     string `json:"period_to" doc:"last day monitored, YYYY-MM-DD, within the crediting period and not in the future"`
	ClaimedT     int64  `json:"claimed_t" doc:"reductions claimed, tCO2e, positive"`
	ReportSHA256 string `json:"report_sha256" doc:"SHA-256 of the monitoring report (监测报告), kept off chain"`
}

// VerifyBody is the body of verify_monitoring.
type VerifyBody struct {
	Report          string `json:"report"`
	Opinion         string `json:"opinion" doc:"positive or negative"`
	VerifiedT       int64  `json:"verified_t,omitempty" doc:"reductions verified, tCO2e, at most those claimed; 0 with a negative opinion"`
	StatementSHA256 string `json:"statement_sha256" doc:"SHA-256 of the verification statement (核查报告), kept off chain"`
	Note            string `json:"note,omitempty" doc:"at most 200 characters"`
}

// VintageBody is one vintage batch of an issuance.
type VintageBody struct {
	Year     int   `json:"year" doc:"the vintage: a year the monitoring period covers"`
	Quantity int64 `json:"quantity" doc:"tCO2e, positive"`
}

// IssueBody is the body of issue_credits.
type IssueBody struct {
	Report   string        `json:"report"`
	Vintages []VintageBody `json:"vintages" doc:"1 to 10 batches, one per vintage year; together at most what was verified and not yet issued"`
}

// TransferBody is the body of transfer.
type TransferBody struct {
	Batch    string  `json:"batch"`
	To       string  `json:"to" doc:"the receiving organisation"`
	Quantity int64   `json:"quantity" doc:"units to move; the lowest serials the sender holds when no ranges are given"`
	Ranges   []Range `json:"ranges,omitempty" doc:"the exact serials to move, at most 64 ranges adding up to quantity"`
	PriceFen int64   `json:"price_fen,omitempty" doc:"price per unit in fen, for the record"`
	Note     string  `json:"note,omitempty" doc:"at most 200 characters, e.g. the contract number"`
}

// RetireBody is the body of retire.
type RetireBody struct {
	Batch          string  `json:"batch"`
	Quantity       int64   `json:"quantity"`
	Ranges         []Range `json:"ranges,omitempty" doc:"the exact serials to retire; the lowest held when absent"`
	Beneficiary    string  `json:"beneficiary" doc:"on whose behalf: a company's or person's name as the certificate shows it, 1 to 100 characters"`
	BeneficiaryOrg string  `json:"beneficiary_org,omitempty" doc:"the beneficiary's organisation id, when it is a member"`
	Purpose        string  `json:"purpose" doc:"what the retirement is claimed for, 1 to 200 characters, e.g. 2026 年度产品碳足迹抵消"`
	ClaimYear      int     `json:"claim_year" doc:"the year whose emissions the retirement is claimed against"`
	GTIN           string  `json:"gtin,omitempty" doc:"the product (GTIN) whose footprint the retirement offsets"`
}

// CancelBody is the body of cancel.
type CancelBody struct {
	Batch    string  `json:"batch"`
	Holder   string  `json:"holder,omitempty" doc:"whose units; the signer's organisation when absent (only the registry authority cancels another's)"`
	Quantity int64   `json:"quantity"`
	Ranges   []Range `json:"ranges,omitempty"`
	Reason   string  `json:"reason" doc:"1 to 200 characters"`
}

// ComplianceYearBody is the body of open_compliance.
type ComplianceYearBody struct {
	Year          int    `json:"year" doc:"the year whose emissions are covered"`
	ReportDue     string `json:"report_due" doc:"last day to file the year's emission report, YYYY-MM-DD, after the year"`
	SurrenderDue  string `json:"surrender_due" doc:"last day to surrender, YYYY-MM-DD, not before report_due"`
	OffsetLimitBP int    `json:"offset_limit_bp,omitempty" doc:"share of verified emissions eligible credits may cover, basis points, 0 to 10000; 500 (5 %) when absent"`
}

// AllocateBody is the body of allocate.
type AllocateBody struct {
	Year     int    `json:"year"`
	Org      string `json:"org" doc:"the covered entity"`
	Quantity int64  `json:"quantity" doc:"allowances, tCO2e, positive"`
	Note     string `json:"note,omitempty" doc:"e.g. pre-allocation or final allocation, at most 200 characters"`
}

// EmissionsBody is the body of file_emissions.
type EmissionsBody struct {
	Year         int    `json:"year"`
	EmissionsT   int64  `json:"emissions_t" doc:"the year's emissions, tCO2e, 0 or more"`
	ReportSHA256 string `json:"report_sha256" doc:"SHA-256 of the emission report, kept off chain"`
}

// VerifyEmissionsBody is the body of verify_emissions.
type VerifyEmissionsBody struct {
	Year            int    `json:"year"`
	Org             string `json:"org"`
	VerifiedT       int64  `json:"verified_t" doc:"the year's emissions as verified, tCO2e, 0 or more"`
	StatementSHA256 string `json:"statement_sha256"`
}

// SurrenderBody is the body of surrender.
type SurrenderBody struct {
	Year     int     `json:"year"`
	Batch    string  `json:"batch" doc:"an allowance batch of the year or earlier, or a credit batch of an eligible project"`
	Quantity int64   `json:"quantity"`
	Ranges   []Range `json:"ranges,omitempty"`
}

// PlantBody is the body of register_plant.
type PlantBody struct {
	Code       string `json:"code" doc:"the plant's national project code, 4 to 32 letters, digits or '-'"`
	Name       string `json:"name" doc:"1 to 100 characters"`
	Technology string `json:"technology" doc:"wind, solar, hydro, biomass, geothermal or other"`
	CapacityKW int64  `json:"capacity_kw" doc:"installed capacity, kW, positive"`
	Province   string `json:"province" doc:"1 to 40 characters"`
	Owner      string `json:"owner" doc:"the organisation that receives the plant's certificates"`
}

// GECBody is the body of issue_gec.
type GECBody struct {
	Plant    string `json:"plant"`
	Month    string `json:"month" doc:"month of generation, YYYY-MM, not in the future and not expired"`
	Quantity int64  `json:"quantity" doc:"certificates: MWh generated, one certificate per MWh"`
}

// ClaimBody is the body of claim_gec.
type ClaimBody struct {
	Batch    string  `json:"batch"`
	Quantity int64   `json:"quantity"`
	Ranges   []Range `json:"ranges,omitempty"`
	Year     int     `json:"year" doc:"the year of consumption claimed: not before the month of generation, not in the future"`
	Note     string  `json:"note,omitempty"`
}

// ConsumptionBody is the body of declare_consumption.
type ConsumptionBody struct {
	Year           int    `json:"year"`
	ConsumptionKWh int64  `json:"consumption_kwh" doc:"electricity consumed in the year, kWh, positive"`
	EvidenceSHA256 string `json:"evidence_sha256" doc:"SHA-256 of the evidence (the grid company's statement), kept off chain"`
}

// FootprintBody is the body of publish_footprint: a product or lot and
// its footprint data.
type FootprintBody struct {
	GTIN string `json:"gtin" doc:"the product's GTIN-8, -12, -13 or -14 with its check digit"`
	Lot  string `json:"lot,omitempty" doc:"a lot (GS1 AI 10) for a lot's own footprint, at most 20 characters of GS1's set 82 without '/'"`
	PCFData
}

// PCFData is a product carbon footprint after WBCSD PACT's data model
// (2.x). Numbers are decimal strings, as PACT writes them; nothing on
// chain computes with them.
type PCFData struct {
	ProductName             string   `json:"product_name" doc:"1 to 100 characters"`
	ProductDescription      string   `json:"product_description,omitempty" doc:"at most 500 characters"`
	CPC                     string   `json:"cpc" doc:"the product's UN CPC 2.1 code, 1 to 5 digits, e.g. 01342 (pears)"`
	DeclaredUnit            string   `json:"declared_unit" doc:"kilogram, liter, piece, cubic meter, kilowatt hour, megajoule, ton kilometer or square meter"`
	UnitaryAmount           string   `json:"unitary_amount" doc:"amount of declared unit in one product, a positive decimal"`
	PCFExcludingBiogenic    string   `json:"pcf_excluding_biogenic" doc:"kgCO2e per declared unit, biogenic emissions and removals excluded: a decimal, 0 or more, at most 6 decimals"`
	PCFIncludingBiogenic    string   `json:"pcf_including_biogenic,omitempty" doc:"kgCO2e per declared unit with biogenic emissions and removals: a decimal, may be negative"`
	FossilGHG               string   `json:"fossil_ghg" doc:"fossil GHG emissions, kgCO2e per declared unit, a decimal 0 or more"`
	FossilCarbonContent     string   `json:"fossil_carbon_content" doc:"fossil carbon in the product, kgC per declared unit, a decimal 0 or more"`
	BiogenicCarbonContent   string   `json:"biogenic_carbon_content" doc:"biogenic carbon in the product, kgC per declared unit, a decimal 0 or more"`
	CharacterizationFactors string   `json:"characterization_factors" doc:"AR5 or AR6 (IPCC assessment report of the GWP factors)"`
	Standards               []string `json:"standards" doc:"1 to 4 of: GHG Protocol Product standard, ISO Standard 14067, ISO Standard 14044, GB/T 24067-2024"`
	Boundary                string   `json:"boundary" doc:"cradle_to_gate, cradle_to_grave or gate_to_gate"`
	BoundaryDescription     string   `json:"boundary_description" doc:"the processes included, 1 to 500 characters"`
	PeriodStart             string   `json:"period_start" doc:"first day of the reference period, YYYY-MM-DD"`
	PeriodEnd               string   `json:"period_end" doc:"last day of the reference period, YYYY-MM-DD"`
	Country                 string   `json:"country" doc:"ISO 3166-1 alpha-2 country of production, e.g. CN"`
	Region                  string   `json:"region,omitempty" doc:"ISO 3166-2 subdivision, e.g. CN-AH"`
	PrimaryDataShare        string   `json:"primary_data_share,omitempty" doc:"percent of primary data, a decimal 0 to 100"`
	ExemptedPercent         string   `json:"exempted_percent,omitempty" doc:"percent of emissions exempted, a decimal 0 to 5"`
	PackagingIncluded       bool     `json:"packaging_included,omitempty"`
	ReportSHA256            string   `json:"report_sha256,omitempty" doc:"SHA-256 of the LCA study, kept off chain"`
}

// AssureBody is the body of assure_footprint.
type AssureBody struct {
	GTIN            string `json:"gtin"`
	Lot             string `json:"lot,omitempty"`
	Version         int    `json:"version" doc:"the footprint version assured"`
	Level           string `json:"level" doc:"limited or reasonable"`
	StatementSHA256 string `json:"statement_sha256"`
	Note            string `json:"note,omitempty"`
}

// Results.

// IDResult answers the id of the record an action made or changed.
type IDResult struct {
	ID string `json:"id"`
}

// IssueResult answers the batches an issuance made.
type IssueResult struct {
	Batches []string `json:"batches"`
}

// MoveResult answers the record of a transfer or closure and the serials
// it moved.
type MoveResult struct {
	ID     string  `json:"id"`
	Batch  string  `json:"batch"`
	Ranges []Range `json:"ranges"`
}

// FootprintResult answers a published footprint's version and PACT id.
type FootprintResult struct {
	ID      string `json:"id" doc:"the footprint's PACT id (a UUID)"`
	Version int    `json:"version"`
}

// Records.

// Project is a registered or submitted project.
type Project struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Methodology        string `json:"methodology"`
	Sector             string `json:"sector"`
	Province           string `json:"province"`
	Location           string `json:"location,omitempty"`
	Latitude           string `json:"latitude,omitempty"`
	Longitude          string `json:"longitude,omitempty"`
	Description        string `json:"description"`
	DesignSHA256       string `json:"design_sha256"`
	CreditingStart     string `json:"crediting_start"`
	CreditingEnd       string `json:"crediting_end"`
	EstimatedAnnualT   int64  `json:"estimated_annual_t,omitempty"`
	Developer          string `json:"developer"`
	Status             string `json:"status"`
	RegistrationNo     string `json:"registration_no,omitempty"`
	ComplianceEligible bool   `json:"compliance_eligible"`
	Submitted          Stamp  `json:"submitted"`
	Registered         *Stamp `json:"registered,omitempty"`
	Reports            int    `json:"reports"`
	IssuedT            int64  `json:"issued_t"`
}

// Report is a monitoring report.
type Report struct {
	ID           string `json:"id"`
	Project      string `json:"project"`
	PeriodFrom   string `json:"period_from"`
	PeriodTo     string `json:"period_to"`
	ClaimedT     int64  `json:"claimed_t"`
	ReportSHA256 string `json:"report_sha256"`
	Status       string `json:"status" doc:"submitted, verified or rejected"`
	VerifiedT    int64  `json:"verified_t"`
	IssuedT      int64  `json:"issued_t"`
	Submitted    Stamp  `json:"submitted"`
}

// Verification is an inspector's signed verification of a monitoring
// report. It is never changed.
type Verification struct {
	Report          string `json:"report"`
	Project         string `json:"project"`
	Opinion         string `json:"opinion"`
	VerifiedT       int64  `json:"verified_t"`
	StatementSHA256 string `json:"statement_sha256"`
	Note            string `json:"note,omitempty"`
	Stamp
}

// Batch is what one issuance made: units with serial numbers 1 to
// Quantity. It is never changed.
type Batch struct {
	ID       string `json:"id"`
	Kind     string `json:"kind" doc:"credit, allowance or gec"`
	Unit     string `json:"unit" doc:"tCO2e or MWh"`
	Quantity int64  `json:"quantity"`
	IssuedTo string `json:"issued_to"`
	// A credit batch.
	Project     string `json:"project,omitempty"`
	Report      string `json:"report,omitempty"`
	Vintage     int    `json:"vintage,omitempty"`
	Methodology string `json:"methodology,omitempty"`
	// An allowance batch: the compliance year.
	Year int `json:"year,omitempty"`
	// A green certificate batch.
	Plant      string `json:"plant,omitempty"`
	Month      string `json:"month,omitempty" doc:"month of generation, YYYY-MM"`
	Technology string `json:"technology,omitempty"`
	ExpiresOn  string `json:"expires_on,omitempty" doc:"first day the certificates are expired, YYYY-MM-DD (China Standard Time)"`
	Issued     Stamp  `json:"issued"`
}

// BatchStats are a batch's serials by state: they always add up to its
// quantity.
type BatchStats struct {
	Batch       string `json:"batch"`
	Active      int64  `json:"active"`
	Retired     int64  `json:"retired"`
	Cancelled   int64  `json:"cancelled"`
	Claimed     int64  `json:"claimed"`
	Surrendered int64  `json:"surrendered"`
	Holders     int    `json:"holders"`
}

// Holding is an organisation's active units of one batch: disjoint,
// sorted serial ranges, adjacent ones merged.
type Holding struct {
	Org      string  `json:"org"`
	Batch    string  `json:"batch"`
	Quantity int64   `json:"quantity"`
	Ranges   []Range `json:"ranges"`
}

// Transfer moved units between accounts. It is never changed.
type Transfer struct {
	ID       string  `json:"id"`
	Batch    string  `json:"batch"`
	Kind     string  `json:"kind"`
	From     string  `json:"from"`
	To       string  `json:"to"`
	Quantity int64   `json:"quantity"`
	Ranges   []Range `json:"ranges"`
	PriceFen int64   `json:"price_fen,omitempty"`
	Note     string  `json:"note,omitempty"`
	Stamp
}

// Closure ends the life of units: a retirement, a cancellation, a claim
// of green certificates or a surrender. It is never changed, and the
// serials it names never move again. It carries what a certificate shows
// of the batch, so that its proof alone shows the claim.
type Closure struct {
	ID             string  `json:"id"`
	Kind           string  `json:"kind" doc:"retired, cancelled, claimed or surrendered"`
	Batch          string  `json:"batch"`
	BatchKind      string  `json:"batch_kind"`
	Unit           string  `json:"unit"`
	Holder         string  `json:"holder" doc:"the organisation whose units these were"`
	Quantity       int64   `json:"quantity"`
	Ranges         []Range `json:"ranges"`
	Beneficiary    string  `json:"beneficiary,omitempty"`
	BeneficiaryOrg string  `json:"beneficiary_org,omitempty"`
	Purpose        string  `json:"purpose,omitempty"`
	ClaimYear      int     `json:"claim_year,omitempty" doc:"a retirement: the year of emissions it is claimed against"`
	GTIN           string  `json:"gtin,omitempty"`
	Reason         string  `json:"reason,omitempty"`
	Year           int     `json:"year,omitempty" doc:"a surrender: the compliance year; a claim: the year of consumption"`
	// Of the batch.
	Project     string `json:"project,omitempty"`
	ProjectName string `json:"project_name,omitempty"`
	Methodology string `json:"methodology,omitempty"`
	Vintage     int    `json:"vintage,omitempty"`
	Plant       string `json:"plant,omitempty"`
	Month       string `json:"month,omitempty"`
	Technology  string `json:"technology,omitempty"`
	Stamp
}

// ComplianceYear is an opened compliance year.
type ComplianceYear struct {
	Year          int    `json:"year"`
	ReportDue     string `json:"report_due"`
	SurrenderDue  string `json:"surrender_due"`
	OffsetLimitBP int    `json:"offset_limit_bp"`
	Opened        Stamp  `json:"opened"`
}

// Compliance is a covered entity's position for a year.
type Compliance struct {
	Year            int      `json:"year"`
	Org             string   `json:"org"`
	AllocatedT      int64    `json:"allocated_t"`
	Batches         []string `json:"batches"`
	Reports         int      `json:"reports" doc:"emission reports filed (revisions)"`
	ReportedT       int64    `json:"reported_t"`
	ReportSHA256    string   `json:"report_sha256,omitempty"`
	ReportedAt      string   `json:"reported_at,omitempty"`
	LateReport      bool     `json:"late_report,omitempty"`
	Verified        bool     `json:"verified"`
	VerifiedT       int64    `json:"verified_t"`
	VerifiedBy      string   `json:"verified_by,omitempty"`
	VerifiedAt      string   `json:"verified_at,omitempty"`
	StatementSHA256 string   `json:"statement_sha256,omitempty"`
	AllowancesT     int64    `json:"surrendered_allowances_t"`
	CreditsT        int64    `json:"surrendered_credits_t"`
	Surrenders      []string `json:"surrenders"`
}

// EmissionReport is one filing of an annual emission report. It is never
// changed; a revision is a new one.
type EmissionReport struct {
	Year         int    `json:"year"`
	Org          string `json:"org"`
	Revision     int    `json:"revision"`
	EmissionsT   int64  `json:"emissions_t"`
	ReportSHA256 string `json:"report_sha256"`
	Stamp
}

// Plant is a registered renewable plant.
type Plant struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Technology string `json:"technology"`
	CapacityKW int64  `json:"capacity_kw"`
	Province   string `json:"province"`
	Owner      string `json:"owner"`
	IssuedMWh  int64  `json:"issued_mwh"`
	Registered Stamp  `json:"registered"`
}

// GreenYear is an organisation's green electricity for a year: the
// certificates it claimed and the consumption it declared.
type GreenYear struct {
	Org            string `json:"org"`
	Year           int    `json:"year"`
	ClaimedMWh     int64  `json:"claimed_mwh"`
	Claims         int    `json:"claims"`
	ConsumptionKWh int64  `json:"consumption_kwh"`
	EvidenceSHA256 string `json:"evidence_sha256,omitempty"`
	Declarations   int    `json:"declarations"`
	DeclaredAt     string `json:"declared_at,omitempty"`
}

// Consumption is one declaration of a year's consumption; never changed.
type Consumption struct {
	Org            string `json:"org"`
	Year           int    `json:"year"`
	Seq            int    `json:"seq"`
	ConsumptionKWh int64  `json:"consumption_kwh"`
	EvidenceSHA256 string `json:"evidence_sha256"`
	Stamp
}

// Footprint is one published version of a product's or lot's carbon
// footprint; never changed (a new version supersedes it).
type Footprint struct {
	ID      string `json:"id" doc:"PACT id, a UUID"`
	GTIN    string `json:"gtin" doc:"GTIN-14"`
	Lot     string `json:"lot,omitempty"`
	Version int    `json:"version"`
	// Preceding is the PACT id of the version this one supersedes.
	Preceding string `json:"preceding,omitempty"`
	Producer  string `json:"producer"`
	PCFData
	Stamp
}

// Assurance is a third party's assurance of a footprint version.
type Assurance struct {
	GTIN            string `json:"gtin"`
	Lot             string `json:"lot,omitempty"`
	Version         int    `json:"version"`
	Level           string `json:"level"`
	StatementSHA256 string `json:"statement_sha256"`
	Note            string `json:"note,omitempty"`
	Stamp
}
