package carbonplug

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// hallData is what the registry's hall page shows the signed-in user's
// organisation, by its roles.
type hallData struct {
	Org        string
	Names      names
	Registry   *carbonapi.RegistryView
	Mine       []carbonapi.Project
	Account    *carbonapi.Account
	Members    []identity.Org
	Sectors    []string
	ClaimYear  int
	Error      string
	Vintages   []int
	IsRegistry bool
	// Registered are the developer's registered projects, which the
	// monitoring form offers whatever the search.
	Registered []carbonapi.Project
	// Search is what the clerk looks for in the lists of projects,
	// transfers and closures, which page on their own.
	Search                          string
	Transfers                       []carbonapi.Transfer
	Closures                        []carbonapi.Closure
	ProjAfter, XferAfter, ClosAfter string
	ProjNext, XferNext, ClosNext    string
}

// hallPage is how many records a list of the hall shows at once.
var hallPage = 20

// label names a value of the module's sets in both languages.
var label = pages.Labels(enums)

func (s *cbPages) hall(p *pages.Page) error { return s.renderHall(p, "") }

func (s *cbPages) renderHall(p *pages.Page, errMsg string) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	date, err := s.date(p)
	if err != nil {
		return err
	}
	u := p.User
	d := &hallData{Org: u.Org, Names: s.names(p.Lang), Sectors: carbonapi.Sectors, Error: errMsg, IsRegistry: u.Has(string(carbonapi.Registry))}
	d.ClaimYear, _ = strconv.Atoi(date[:4])
	if d.Registry, err = carbon.RegistryOf(v); err != nil {
		return err
	}
	q := p.R.URL.Query()
	d.Search, d.ProjAfter, d.XferAfter, d.ClosAfter = strings.TrimSpace(q.Get("q")), q.Get("projects_after"), q.Get("transfers_after"), q.Get("closures_after")
	search := module.NewSearch(v, d.Search)
	search.Label = label
	if u.Has(string(carbonapi.Developer)) {
		if d.Mine, d.ProjNext, err = carbon.ProjectsPage(v, u.Org, search, d.ProjAfter, hallPage); err != nil {
			return err
		}
		pg, err := carbon.ListProjects(v, carbonapi.StatusRegistered, u.Org, "")
		if err != nil {
			return err
		}
		d.Registered = pg.Items
	}
	if d.Account, err = carbon.AccountOf(v, u.Org, date); err != nil {
		return err
	}
	if d.Transfers, d.XferNext, err = carbon.TransfersPage(v, u.Org, search, d.XferAfter, hallPage); err != nil {
		return err
	}
	if d.Closures, d.ClosNext, err = carbon.AccountClosures(v, u.Org, search, d.ClosAfter, hallPage); err != nil {
		return err
	}
	for _, o := range s.orgs() {
		if o.ID != u.Org {
			d.Members = append(d.Members, o)
		}
	}
	p.Title, p.Data = p.T("cb.hall"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_carbon")
}

func (s *cbPages) hallAct(p *pages.Page) error {
	a, err := s.begin(p)
	if err != nil {
		return err
	}
	defer a.cancel()
	action := a.v("action")
	err = s.doHall(a, action)
	switch {
	case errors.Is(err, errDone):
		return nil
	case err != nil:
		return s.renderHall(p, p.APIError(err))
	}
	p.Done("/hall/carbon", p.T("cb.done."+action))
	return nil
}

func (s *cbPages) doHall(a *act, action string) error {
	switch action {
	case "submit_project":
		design, err := a.file("design")
		if err != nil {
			return err
		}
		est, err := a.int64("estimated_annual_t")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.SubmitProject, carbonapi.ProjectBody{Name: a.v("name"), Methodology: a.v("methodology"),
			Sector: a.v("sector"), Province: a.v("province"), Location: a.v("location"), Latitude: a.v("latitude"), Longitude: a.v("longitude"),
			Description: a.v("description"), DesignSHA256: design, CreditingStart: a.v("crediting_start"), CreditingEnd: a.v("crediting_end"), EstimatedAnnualT: est})
		return err
	case "register_project":
		_, _, err := client.Send(a.ctx, a.api, a.key, carbonapi.RegisterProject, carbonapi.RegisterProjectBody{Project: a.v("project"),
			RegistrationNo: a.v("registration_no"), ComplianceEligible: a.v("eligible") == "on"})
		return err
	case "submit_monitoring":
		claimed, err := a.int64("claimed_t")
		if err != nil {
			return err
		}
		report, err := a.file("report")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.SubmitMonitoring, carbonapi.MonitoringBody{Project: a.v("project"), PeriodFrom: a.v("period_from"),
			PeriodTo: a.v("period_to"), ClaimedT: claimed, ReportSHA256: report})
		return err
	case "verify_monitoring":
		verified, err := a.int64("verified_t")
		if err != nil {
			return err
		}
		statement, err := a.file("statement")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.VerifyMonitoring, carbonapi.VerifyBody{Report: a.v("report"), Opinion: a.v("opinion"),
			VerifiedT: verified, StatementSHA256: statement, Note: a.v("note")})
		return err
	case "issue_credits":
		var vs []carbonapi.VintageBody
		for i := range 3 {
			y, err := a.int(fmt.Sprintf("year%d", i))
			if err != nil {
				return err
			}
			q, err := a.int64(fmt.Sprintf("quantity%d", i))
			if err != nil {
				return err
			}
			if y != 0 || q != 0 {
				vs = append(vs, carbonapi.VintageBody{Year: y, Quantity: q})
			}
		}
		_, _, err := client.Send(a.ctx, a.api, a.key, carbonapi.IssueCredits, carbonapi.IssueBody{Report: a.v("report"), Vintages: vs})
		return err
	case "transfer":
		q, rs, err := a.quantity()
		if err != nil {
			return err
		}
		price, err := yuanToFen(a.v("price"))
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.TransferUnits, carbonapi.TransferBody{Batch: a.v("batch"), To: a.v("to"), Quantity: q, Ranges: rs,
			PriceFen: price, Note: a.v("note")})
		return err
	case "retire":
		q, rs, err := a.quantity()
		if err != nil {
			return err
		}
		year, err := a.int("claim_year")
		if err != nil {
			return err
		}
		res, _, err := client.Send(a.ctx, a.api, a.key, carbonapi.Retire, carbonapi.RetireBody{Batch: a.v("batch"), Quantity: q, Ranges: rs,
			Beneficiary: a.v("beneficiary"), Purpose: a.v("purpose"), ClaimYear: year, GTIN: a.v("gtin")})
		if err != nil {
			return err
		}
		a.p.Done(CertificatePath(res.ID), a.p.T("cb.done.retire"))
		return errDone
	case "cancel":
		q, rs, err := a.quantity()
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.Cancel, carbonapi.CancelBody{Batch: a.v("batch"), Holder: a.v("holder"), Quantity: q, Ranges: rs, Reason: a.v("reason")})
		return err
	}
	return fmt.Errorf("%s", a.p.T("cb.unknownaction"))
}

// errDone ends an action that has answered already (redirected to the
// record it made).
var errDone = fmt.Errorf("done")

// quantity reads a move's quantity and ranges; the quantity is the
// ranges' total when only ranges are given.
func (a *act) quantity() (int64, []carbonapi.Range, error) {
	q, err := a.int64("quantity")
	if err != nil {
		return 0, nil, err
	}
	rs, err := ParseRanges(a.v("ranges"))
	if re := (*RangeError)(nil); errors.As(err, &re) {
		return 0, nil, errors.New(strings.ReplaceAll(a.p.T("cb.badranges"), "{part}", pages.ChainWords(re.Part)))
	}
	if q == 0 {
		q = carbonapi.Total(rs)
	}
	return q, rs, nil
}

// Compliance.

type complianceData struct {
	Org      string
	Names    names
	Years    []carbonapi.ComplianceYear
	Year     int
	View     *carbonapi.ComplianceView
	Own      *carbonapi.ComplianceLine
	Covered  []identity.Org
	Holdings []carbonapi.HoldingView
	Error    string
	// Sees says whether the user sees every entity.
	Sees bool
}

func (s *cbPages) compliance(p *pages.Page) error { return s.renderCompliance(p, "") }

func (s *cbPages) renderCompliance(p *pages.Page, errMsg string) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	date, err := s.date(p)
	if err != nil {
		return err
	}
	u := p.User
	d := &complianceData{Org: u.Org, Names: s.names(p.Lang), Error: errMsg, Covered: s.orgsWith(carbonapi.Covered)}
	d.Sees = u.Has(string(carbonapi.Registry)) || u.Has("regulator") || u.Has("auditor") || u.Has(string(carbonapi.Verifier))
	if d.Years, err = carbon.ComplianceYears(v); err != nil {
		return err
	}
	d.Year, _ = strconv.Atoi(p.R.URL.Query().Get("year"))
	if d.Year == 0 && len(d.Years) > 0 {
		d.Year = d.Years[0].Year
	}
	if d.Year != 0 && slices.ContainsFunc(d.Years, func(y carbonapi.ComplianceYear) bool { return y.Year == d.Year }) {
		only := ""
		if !d.Sees {
			only = u.Org
		}
		if d.View, err = carbon.ComplianceOf(v, d.Year, date, only); err != nil {
			return err
		}
		for i := range d.View.Entities {
			if d.View.Entities[i].Org == u.Org {
				d.Own = &d.View.Entities[i]
			}
		}
	}
	if u.Has(string(carbonapi.Covered)) {
		acct, err := carbon.AccountOf(v, u.Org, date)
		if err != nil {
			return err
		}
		for _, h := range acct.Holdings {
			if h.Kind != carbonapi.KindGEC {
				d.Holdings = append(d.Holdings, h)
			}
		}
	}
	p.Title, p.Data = p.T("cb.compliance"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_compliance")
}

func (s *cbPages) complianceAct(p *pages.Page) error {
	a, err := s.begin(p)
	if err != nil {
		return err
	}
	defer a.cancel()
	action := a.v("action")
	year, err := a.int("year")
	if err == nil {
		err = s.doCompliance(a, action, year)
	}
	if err != nil {
		return s.renderCompliance(p, p.APIError(err))
	}
	p.Done(fmt.Sprintf("/hall/carbon/compliance?year=%d", year), p.T("cb.done."+action))
	return nil
}

func (s *cbPages) doCompliance(a *act, action string, year int) error {
	switch action {
	case "open_compliance":
		bp, err := a.int("offset_limit_bp")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.OpenCompliance, carbonapi.ComplianceYearBody{Year: year, ReportDue: a.v("report_due"),
			SurrenderDue: a.v("surrender_due"), OffsetLimitBP: bp})
		return err
	case "allocate":
		q, err := a.int64("quantity")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.Allocate, carbonapi.AllocateBody{Year: year, Org: a.v("org"), Quantity: q, Note: a.v("note")})
		return err
	case "file_emissions":
		t, err := a.int64("emissions_t")
		if err != nil {
			return err
		}
		report, err := a.file("report")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.FileEmissions, carbonapi.EmissionsBody{Year: year, EmissionsT: t, ReportSHA256: report})
		return err
	case "verify_emissions":
		t, err := a.int64("verified_t")
		if err != nil {
			return err
		}
		statement, err := a.file("statement")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.VerifyEmissions, carbonapi.VerifyEmissionsBody{Year: year, Org: a.v("org"), VerifiedT: t, StatementSHA256: statement})
		return err
	case "surrender":
		q, rs, err := a.quantity()
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.Surrender, carbonapi.SurrenderBody{Year: year, Batch: a.v("batch"), Quantity: q, Ranges: rs})
		return err
	}
	return fmt.Errorf("%s", a.p.T("cb.unknownaction"))
}

// Green certificates.

type greenHallData struct {
	Org          string
	Names        names
	Plants       []carbonapi.Plant
	Holdings     []carbonapi.HoldingView
	Green        *carbonapi.GreenYear
	ShareBP      int
	Year         int
	LastMonth    string
	Technologies []string
	Members      []identity.Org
	Error        string
}

func (s *cbPages) green(p *pages.Page) error { return s.renderGreen(p, "") }

func (s *cbPages) renderGreen(p *pages.Page, errMsg string) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	date, err := s.date(p)
	if err != nil {
		return err
	}
	u := p.User
	d := &greenHallData{Org: u.Org, Names: s.names(p.Lang), Technologies: carbonapi.Technologies, Error: errMsg, Members: s.orgs()}
	d.Year, _ = strconv.Atoi(date[:4])
	t, _ := time.Parse(time.DateOnly, date)
	d.LastMonth = t.AddDate(0, -1, 0).Format("2006-01")
	if d.Plants, err = carbon.ListPlants(v); err != nil {
		return err
	}
	acct, err := carbon.AccountOf(v, u.Org, date)
	if err != nil {
		return err
	}
	for _, h := range acct.Holdings {
		if h.Kind == carbonapi.KindGEC {
			d.Holdings = append(d.Holdings, h)
		}
	}
	if d.Green, err = carbon.GetGreen(v, u.Org, d.Year); err != nil {
		return err
	}
	d.ShareBP = carbon.ShareBP(d.Green.ClaimedMWh, d.Green.ConsumptionKWh)
	p.Title, p.Data = p.T("cb.green"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_green")
}

func (s *cbPages) greenAct(p *pages.Page) error {
	a, err := s.begin(p)
	if err != nil {
		return err
	}
	defer a.cancel()
	action := a.v("action")
	if err := s.doGreen(a, action); err != nil {
		return s.renderGreen(p, p.APIError(err))
	}
	p.Done("/hall/carbon/green", p.T("cb.done."+action))
	return nil
}

func (s *cbPages) doGreen(a *act, action string) error {
	switch action {
	case "register_plant":
		kw, err := a.int64("capacity_kw")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.RegisterPlant, carbonapi.PlantBody{Code: a.v("code"), Name: a.v("name"), Technology: a.v("technology"),
			CapacityKW: kw, Province: a.v("province"), Owner: a.v("owner")})
		return err
	case "issue_gec":
		q, err := a.int64("quantity")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.IssueGEC, carbonapi.GECBody{Plant: a.v("plant"), Month: a.v("month"), Quantity: q})
		return err
	case "claim_gec":
		q, rs, err := a.quantity()
		if err != nil {
			return err
		}
		year, err := a.int("year")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.ClaimGEC, carbonapi.ClaimBody{Batch: a.v("batch"), Quantity: q, Ranges: rs, Year: year, Note: a.v("note")})
		return err
	case "declare_consumption":
		kwh, err := a.int64("consumption_kwh")
		if err != nil {
			return err
		}
		year, err := a.int("year")
		if err != nil {
			return err
		}
		evidence, err := a.file("evidence")
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.DeclareUse, carbonapi.ConsumptionBody{Year: year, ConsumptionKWh: kwh, EvidenceSHA256: evidence})
		return err
	case "transfer":
		q, rs, err := a.quantity()
		if err != nil {
			return err
		}
		_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.TransferUnits, carbonapi.TransferBody{Batch: a.v("batch"), To: a.v("to"), Quantity: q, Ranges: rs, Note: a.v("note")})
		return err
	}
	return fmt.Errorf("%s", a.p.T("cb.unknownaction"))
}

// Footprints.

type footprintsHallData struct {
	Org        string
	Names      names
	Mine       []carbonapi.FootprintView
	Units      []string
	Standards  []string
	Boundaries []string
	Error      string
}

func (s *cbPages) footprints(p *pages.Page) error { return s.renderFootprints(p, "") }

func (s *cbPages) renderFootprints(p *pages.Page, errMsg string) error {
	v, err := s.view()
	if err != nil {
		return err
	}
	u := p.User
	d := &footprintsHallData{Org: u.Org, Names: s.names(p.Lang), Units: carbonapi.DeclaredUnits, Standards: carbonapi.Standards, Boundaries: carbonapi.Boundaries, Error: errMsg}
	subjects, err := carbon.FootprintsBy(v, u.Org)
	if err != nil {
		return err
	}
	for _, sub := range subjects {
		if fv, err := carbon.FootprintOf(v, sub.GTIN, sub.Lot, 0); err == nil {
			d.Mine = append(d.Mine, *fv)
		}
	}
	p.Title, p.Data = p.T("cb.footprints"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_footprints")
}

func (s *cbPages) footprintsAct(p *pages.Page) error {
	a, err := s.begin(p)
	if err != nil {
		return err
	}
	defer a.cancel()
	action := a.v("action")
	var path string
	switch action {
	case "publish_footprint":
		var report string
		if report, _, err = upload(a.ctx, a.api, p, "report"); err == nil {
			b := carbonapi.FootprintBody{GTIN: a.v("gtin"), Lot: a.v("lot"), PCFData: carbonapi.PCFData{
				ProductName: a.v("product_name"), ProductDescription: a.v("product_description"), CPC: a.v("cpc"), DeclaredUnit: a.v("declared_unit"),
				UnitaryAmount: a.v("unitary_amount"), PCFExcludingBiogenic: a.v("pcf_excluding_biogenic"), PCFIncludingBiogenic: a.v("pcf_including_biogenic"),
				FossilGHG: a.v("fossil_ghg"), FossilCarbonContent: a.v("fossil_carbon_content"), BiogenicCarbonContent: a.v("biogenic_carbon_content"),
				CharacterizationFactors: a.v("characterization_factors"), Standards: p.R.Form["standards"], Boundary: a.v("boundary"),
				BoundaryDescription: a.v("boundary_description"), PeriodStart: a.v("period_start"), PeriodEnd: a.v("period_end"),
				Country: strings.ToUpper(a.v("country")), Region: strings.ToUpper(a.v("region")), PrimaryDataShare: a.v("primary_data_share"),
				ExemptedPercent: a.v("exempted_percent"), PackagingIncluded: a.v("packaging_included") == "on", ReportSHA256: report}}
			if _, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.PublishPCF, b); err == nil {
				if g, gerr := carbon.ParseGTIN("gtin", b.GTIN); gerr == nil {
					path = FootprintPath(g, b.Lot)
				}
			}
		}
	case "assure_footprint":
		var version int
		if version, err = a.int("version"); err == nil {
			var statement string
			if statement, err = a.file("statement"); err == nil {
				_, _, err = client.Send(a.ctx, a.api, a.key, carbonapi.AssurePCF, carbonapi.AssureBody{GTIN: a.v("gtin"), Lot: a.v("lot"), Version: version,
					Level: a.v("level"), StatementSHA256: statement, Note: a.v("note")})
			}
		}
	default:
		err = fmt.Errorf("%s", p.T("cb.unknownaction"))
	}
	if err != nil {
		return s.renderFootprints(p, p.APIError(err))
	}
	if path == "" {
		path = "/hall/carbon/footprints"
	}
	p.Done(path, p.T("cb.done."+action))
	return nil
}
