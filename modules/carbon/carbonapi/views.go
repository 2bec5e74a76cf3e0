package carbonapi

import "fmt"

// Parameters of the read endpoints.

// HeightParams name a state version.
type HeightParams struct {
	Height int64 `query:"height" doc:"state version; latest when absent"`
}

// IDParams name a record.
type IDParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// ProjectsParams filter the project registry.
type ProjectsParams struct {
	Status    string `query:"status" doc:"submitted or registered; every status when absent"`
	Developer string `query:"developer" doc:"a developer's organisation id"`
	After     string `query:"after" doc:"the next page's start, from a previous answer"`
	Height    int64  `query:"height"`
}

// BatchesParams filter the batches.
type BatchesParams struct {
	Kind   string `query:"kind" doc:"credit, allowance or gec; every kind when absent"`
	After  string `query:"after"`
	Height int64  `query:"height"`
}

// ClosureParams name a closure.
type ClosureParams struct {
	ID    string `path:"id"`
	Prove bool   `query:"prove" doc:"add the offline proof bundle (dengta-carbon-retirement/1)"`
}

// ClosuresParams filter closures.
type ClosuresParams struct {
	Batch  string `query:"batch"`
	Org    string `query:"org" doc:"the organisation whose units they were"`
	After  string `query:"after"`
	Height int64  `query:"height"`
}

// OrgParams name an organisation.
type OrgParams struct {
	Org    string `path:"org"`
	Height int64  `query:"height"`
}

// YearParams name a compliance year.
type YearParams struct {
	Year   int   `path:"year"`
	Height int64 `query:"height"`
}

// CodeParams name a plant.
type CodeParams struct {
	Code   string `path:"code"`
	Height int64  `query:"height"`
}

// GreenParams name an organisation's year.
type GreenParams struct {
	Org    string `path:"org"`
	Year   int    `path:"year"`
	Height int64  `query:"height"`
}

// FootprintParams name a product footprint.
type FootprintParams struct {
	GTIN    string `path:"gtin" doc:"GTIN-8, -12, -13 or -14"`
	Lot     string `query:"lot" doc:"a lot; its own footprint, else the product's"`
	Version int    `query:"version" doc:"a version; the latest when absent"`
	Height  int64  `query:"height"`
}

// Answers.

// ProjectView is a project with its reports and batches.
type ProjectView struct {
	Height  int64        `json:"height"`
	Project Project      `json:"project"`
	Reports []ReportView `json:"reports"`
	Batches []BatchView  `json:"batches"`
}

// ReportView is a monitoring report with its verification and batches.
type ReportView struct {
	Report       Report        `json:"report"`
	Verification *Verification `json:"verification,omitempty"`
	Batches      []string      `json:"batches"`
}

// BatchView is a batch with its serials by state.
type BatchView struct {
	Batch Batch      `json:"batch"`
	Stats BatchStats `json:"stats"`
	// Expired is set for a green certificate batch past its expiry: its
	// active certificates can no longer move or be claimed.
	Expired bool `json:"expired,omitempty"`
}

// ClosureView is a closure, with its proof bundle when asked.
type ClosureView struct {
	Height  int64   `json:"height"`
	Closure Closure `json:"closure"`
	// URL is the public certificate's address (its QR code's content).
	URL string `json:"url"`
	// Bundle is the offline proof bundle (dengta-carbon-retirement/1) as
	// its canonical bytes in a string: save it as it is and check it with
	// `dengta carbon verify`.
	Bundle string `json:"bundle,omitempty"`
}

// HoldingView is a holding with what its batch is.
type HoldingView struct {
	Holding
	Kind        string `json:"kind"`
	Unit        string `json:"unit"`
	Project     string `json:"project,omitempty"`
	ProjectName string `json:"project_name,omitempty"`
	Vintage     int    `json:"vintage,omitempty"`
	Year        int    `json:"year,omitempty"`
	Plant       string `json:"plant,omitempty"`
	Month       string `json:"month,omitempty"`
	ExpiresOn   string `json:"expires_on,omitempty"`
	Expired     bool   `json:"expired,omitempty"`
}

// Account is an organisation's account.
type Account struct {
	Height    int64         `json:"height"`
	Org       string        `json:"org"`
	Holdings  []HoldingView `json:"holdings"`
	Transfers []Transfer    `json:"transfers" doc:"the latest 50 transfers in and out, newest first"`
	Closures  []Closure     `json:"closures" doc:"the latest 50 closures of its units, newest first"`
	// Totals by unit kind of active units.
	Totals map[string]int64 `json:"totals"`
}

// ComplianceLine is a covered entity's position with its derived status.
type ComplianceLine struct {
	Compliance
	Status string `json:"status" doc:"awaiting_report, report_overdue, awaiting_verification, open, compliant or non_compliant"`
	// ShortfallT is what remains to surrender: verified emissions less
	// what was surrendered (reported emissions until verified).
	ShortfallT int64 `json:"shortfall_t"`
	// CreditRoomT is how many more eligible credits the offset limit
	// admits.
	CreditRoomT int64 `json:"credit_room_t"`
	// HeldAllowancesT are the entity's active allowances usable for the
	// year (of the year or before).
	HeldAllowancesT int64 `json:"held_allowances_t"`
}

// ComplianceView is a compliance year as the regulator sees it.
type ComplianceView struct {
	Height   int64            `json:"height"`
	Date     string           `json:"date" doc:"the block date the statuses are derived from"`
	Year     ComplianceYear   `json:"year"`
	Entities []ComplianceLine `json:"entities"`
	// Totals over the entities shown.
	AllocatedT   int64 `json:"allocated_t"`
	VerifiedT    int64 `json:"verified_t"`
	SurrenderedT int64 `json:"surrendered_t"`
	ShortfallT   int64 `json:"shortfall_t"`
}

// PlantView is a plant with its certificate batches.
type PlantView struct {
	Height  int64       `json:"height"`
	Plant   Plant       `json:"plant"`
	Batches []BatchView `json:"batches"`
}

// GreenView is an organisation's green-electricity claim certificate for
// a year.
type GreenView struct {
	Height int64     `json:"height"`
	Green  GreenYear `json:"green"`
	// ShareBP is the claimed green electricity as a share of the declared
	// consumption, in basis points (floor); 0 without a declaration.
	ShareBP int       `json:"share_bp"`
	Claims  []Closure `json:"claims"`
}

// FootprintVersion names one version of a footprint.
type FootprintVersion struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	Time    string `json:"time"`
}

// FootprintView is a footprint version with its history, assurance and
// the retirements that offset the product.
type FootprintView struct {
	Height    int64     `json:"height"`
	Footprint Footprint `json:"footprint"`
	// Status is Active for the latest version, Deprecated for earlier
	// ones (PACT's statuses).
	Status string `json:"status"`
	// ProductLevel is set when a lot was asked for and has no footprint
	// of its own: the product's is shown.
	ProductLevel bool               `json:"product_level,omitempty"`
	Versions     []FootprintVersion `json:"versions"`
	Assurance    *Assurance         `json:"assurance,omitempty"`
	Offsets      []Closure          `json:"offsets" doc:"retirements claimed against the product, newest first (at most 50)"`
	// OffsetT is the tonnes those retirements retired.
	OffsetT int64 `json:"offset_t"`
}

// KindTotals are the serials of a unit kind by state.
type KindTotals struct {
	Kind        string `json:"kind"`
	Unit        string `json:"unit"`
	Issued      int64  `json:"issued"`
	Active      int64  `json:"active"`
	Retired     int64  `json:"retired"`
	Cancelled   int64  `json:"cancelled"`
	Claimed     int64  `json:"claimed"`
	Surrendered int64  `json:"surrendered"`
	Batches     int    `json:"batches"`
}

// RegistryView is the registry's totals and work queues.
type RegistryView struct {
	Height     int64        `json:"height"`
	Totals     []KindTotals `json:"totals"`
	ToRegister []Project    `json:"to_register" doc:"submitted projects"`
	ToVerify   []Report     `json:"to_verify" doc:"monitoring reports waiting for verification"`
	ToIssue    []Report     `json:"to_issue" doc:"verified reports with credits not yet issued"`
	Recent     []Closure    `json:"recent" doc:"the latest retirements, newest first"`
}

// PACT 2.x ProductFootprint, as exported (camelCase as PACT spells it).

// PACTFootprint is a footprint in PACT's data model.
type PACTFootprint struct {
	ID                 string     `json:"id"`
	SpecVersion        string     `json:"specVersion"`
	PrecedingPfIDs     []string   `json:"precedingPfIds,omitempty"`
	Version            int        `json:"version"`
	Created            string     `json:"created"`
	Status             string     `json:"status"`
	CompanyName        string     `json:"companyName"`
	CompanyIDs         []string   `json:"companyIds"`
	ProductDescription string     `json:"productDescription"`
	ProductIDs         []string   `json:"productIds"`
	ProductCategoryCPC string     `json:"productCategoryCpc"`
	ProductNameCompany string     `json:"productNameCompany"`
	Comment            string     `json:"comment"`
	PCF                PACTCarbon `json:"pcf"`
}

// PACTCarbon is PACT's CarbonFootprint.
type PACTCarbon struct {
	DeclaredUnit                 string         `json:"declaredUnit"`
	UnitaryProductAmount         string         `json:"unitaryProductAmount"`
	PCfExcludingBiogenic         string         `json:"pCfExcludingBiogenic"`
	PCfIncludingBiogenic         string         `json:"pCfIncludingBiogenic,omitempty"`
	FossilGhgEmissions           string         `json:"fossilGhgEmissions"`
	FossilCarbonContent          string         `json:"fossilCarbonContent"`
	BiogenicCarbonContent        string         `json:"biogenicCarbonContent"`
	CharacterizationFactors      string         `json:"characterizationFactors"`
	IPCCSources                  []string       `json:"ipccCharacterizationFactorsSources"`
	CrossSectoralStandardsUsed   []string       `json:"crossSectoralStandardsUsed"`
	BoundaryProcessesDescription string         `json:"boundaryProcessesDescription"`
	ReferencePeriodStart         string         `json:"referencePeriodStart"`
	ReferencePeriodEnd           string         `json:"referencePeriodEnd"`
	GeographyCountry             string         `json:"geographyCountry"`
	GeographyCountrySubdivision  string         `json:"geographyCountrySubdivision,omitempty"`
	ExemptedEmissionsPercent     PACTNumber     `json:"exemptedEmissionsPercent"`
	ExemptedEmissionsDescription string         `json:"exemptedEmissionsDescription"`
	PackagingEmissionsIncluded   bool           `json:"packagingEmissionsIncluded"`
	PrimaryDataShare             PACTNumber     `json:"primaryDataShare,omitempty"`
	Assurance                    *PACTAssurance `json:"assurance,omitempty"`
}

// PACTAssurance is PACT's Assurance.
type PACTAssurance struct {
	Assurance    bool   `json:"assurance"`
	Level        string `json:"level,omitempty"`
	ProviderName string `json:"providerName"`
	CompletedAt  string `json:"completedAt,omitempty"`
}

// PACTNumber is a decimal PACT writes as a JSON number: the decimal
// string as it was published, never through a float.
type PACTNumber string

// MarshalJSON writes the decimal as a JSON number.
func (n PACTNumber) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-') {
			return nil, fmt.Errorf("PACT number %q is not a decimal", string(n))
		}
	}
	return []byte(n), nil
}

// JSONSchema describes the number in the API's schemas.
func (PACTNumber) JSONSchema() map[string]any { return map[string]any{"type": "number"} }

// UnmarshalJSON reads the JSON number as the decimal it writes.
func (n *PACTNumber) UnmarshalJSON(b []byte) error {
	s := string(b)
	if _, err := PACTNumber(s).MarshalJSON(); err != nil || s == "" {
		return fmt.Errorf("PACT number %q is not a decimal", s)
	}
	*n = PACTNumber(s)
	return nil
}
