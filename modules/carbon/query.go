package carbon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// PageSize is the most items one page of a list answers.
const PageSize = 50

// Version is a state view that knows its height.
type Version interface{ Version() int64 }

func heightOf(r module.Reader) int64 {
	if v, ok := r.(Version); ok {
		return v.Version()
	}
	return 0
}

// page lists what follows prefix from after (exclusive), decoding each
// entry with f (which may skip it, answering nil), at most PageSize items.
// Next is the last key shown (its part after prefix) when more follow.
func page[T any](r module.Reader, prefix, after string, f func(k, v []byte) (*T, error)) (*api.Page[T], error) {
	out := &api.Page[T]{Height: heightOf(r), Items: []T{}}
	var start []byte
	if after != "" {
		start = append([]byte(prefix+after), 0)
	}
	var ferr error
	last := ""
	err := r.Iterate([]byte(prefix), start, func(k, v []byte) bool {
		if len(out.Items) == PageSize {
			out.Next = last
			return false
		}
		x, e := f(k, v)
		if e != nil {
			ferr = e
			return false
		}
		if x != nil {
			out.Items = append(out.Items, *x)
			last = string(k[len(prefix):])
		}
		return true
	})
	if err == nil {
		err = ferr
	}
	return out, err
}

// ListProjects lists projects in id order, by status and developer.
func ListProjects(r module.Reader, status, developer, after string) (*api.Page[carbonapi.Project], error) {
	if status != "" && status != carbonapi.StatusSubmitted && status != carbonapi.StatusRegistered {
		return nil, errcode.New(errcode.BadRequest, "status %q: give %s or %s, or leave it out for every project", status, carbonapi.StatusSubmitted, carbonapi.StatusRegistered)
	}
	return page(r, projectPrefix, after, func(_, v []byte) (*carbonapi.Project, error) {
		var p carbonapi.Project
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, err
		}
		if status != "" && p.Status != status || developer != "" && p.Developer != developer {
			return nil, nil
		}
		return &p, nil
	})
}

// ProjectOf returns a project with its reports and batches.
func ProjectOf(r module.Reader, id, date string) (*carbonapi.ProjectView, error) {
	p, err := GetProject(r, id)
	if err != nil {
		return nil, err
	}
	pv := &carbonapi.ProjectView{Height: heightOf(r), Project: *p, Reports: []carbonapi.ReportView{}, Batches: []carbonapi.BatchView{}}
	reports, err := module.List(r, []byte(preportPrefix+id+"/"))
	if err != nil {
		return nil, err
	}
	for _, rid := range reports {
		rv, err := ReportOf(r, rid)
		if err != nil {
			return nil, err
		}
		pv.Reports = append(pv.Reports, *rv)
	}
	batches, err := module.List(r, []byte(pbatchPrefix+id+"/"))
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		bv, err := BatchOf(r, b, date)
		if err != nil {
			return nil, err
		}
		pv.Batches = append(pv.Batches, *bv)
	}
	return pv, nil
}

// ReportOf returns a monitoring report with its verification and batches.
func ReportOf(r module.Reader, id string) (*carbonapi.ReportView, error) {
	rep, err := GetReport(r, id)
	if err != nil {
		return nil, err
	}
	rv := &carbonapi.ReportView{Report: *rep}
	if rv.Verification, err = GetVerification(r, id); err != nil {
		return nil, err
	}
	if rv.Batches, err = module.List(r, []byte(rbatchPrefix+id+"/")); err != nil {
		return nil, err
	}
	if rv.Batches == nil {
		rv.Batches = []string{}
	}
	return rv, nil
}

// BatchOf returns a batch with its statistics; date decides whether green
// certificates are expired.
func BatchOf(r module.Getter, id, date string) (*carbonapi.BatchView, error) {
	b, err := GetBatch(r, id)
	if err != nil {
		return nil, err
	}
	st, err := GetStats(r, id)
	if err != nil {
		return nil, err
	}
	return &carbonapi.BatchView{Batch: *b, Stats: *st, Expired: b.Kind == carbonapi.KindGEC && date >= b.ExpiresOn}, nil
}

// ListBatches lists batches of a kind (every kind when "") in id order
// within each kind.
func ListBatches(r module.Reader, kind, after string) (*api.Page[carbonapi.Batch], error) {
	prefix := kindPrefix
	if kind != "" {
		prefix += kind + "/"
	}
	return page(r, prefix, after, func(k, _ []byte) (*carbonapi.Batch, error) {
		id := string(k[bytes.LastIndexByte(k, '/')+1:])
		return GetBatch(r, id)
	})
}

// ClosuresPage lists retirements, cancellations and claims, newest first:
// of a batch, of an organisation's units, or all (surrenders are listed
// under their compliance positions).
func ClosuresPage(r module.Reader, batch, org, after string) (*api.Page[carbonapi.Closure], error) {
	prefix := closuresPrefix
	switch {
	case batch != "":
		prefix = bclosurePrefix + batch + "/"
	case org != "":
		prefix = closedbyPrefix + org + "/"
	}
	return page(r, prefix, after, func(_, v []byte) (*carbonapi.Closure, error) { return GetClosure(r, string(v)) })
}

// latest reads the first n ids of an index (newest first) and loads each.
func latest[T any](r module.Reader, prefix string, n int, get func(id string) (*T, error)) ([]T, error) {
	out := []T{}
	var ids []string
	if err := r.Iterate([]byte(prefix), nil, func(_, v []byte) bool {
		ids = append(ids, string(v))
		return len(ids) < n
	}); err != nil {
		return nil, err
	}
	for _, id := range ids {
		x, err := get(id)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, nil
}

// AccountOf returns an organisation's account on date.
func AccountOf(r module.Reader, org, date string) (*carbonapi.Account, error) {
	a := &carbonapi.Account{Height: heightOf(r), Org: org, Holdings: []carbonapi.HoldingView{}, Totals: map[string]int64{}}
	err := module.EachJSON(r, []byte(holdPrefix+org+"/"), func(_ []byte, h *carbonapi.Holding) {
		a.Holdings = append(a.Holdings, carbonapi.HoldingView{Holding: *h})
	})
	if err != nil {
		return nil, err
	}
	projects := map[string]string{}
	for i := range a.Holdings {
		hv := &a.Holdings[i]
		b, err := GetBatch(r, hv.Batch)
		if err != nil {
			return nil, err
		}
		hv.Kind, hv.Unit, hv.Project, hv.Vintage, hv.Year, hv.Plant, hv.Month, hv.ExpiresOn = b.Kind, b.Unit, b.Project, b.Vintage, b.Year, b.Plant, b.Month, b.ExpiresOn
		hv.Expired = b.Kind == carbonapi.KindGEC && date >= b.ExpiresOn
		if b.Project != "" {
			if _, ok := projects[b.Project]; !ok {
				if p, err := GetProject(r, b.Project); err == nil {
					projects[b.Project] = p.Name
				}
			}
			hv.ProjectName = projects[b.Project]
		}
		if !hv.Expired {
			a.Totals[b.Kind] += hv.Quantity
		}
	}
	if a.Transfers, err = latest(r, xfersPrefix+org+"/", 50, func(id string) (*carbonapi.Transfer, error) { return GetTransfer(r, id) }); err != nil {
		return nil, err
	}
	if a.Closures, err = latest(r, closedbyPrefix+org+"/", 50, func(id string) (*carbonapi.Closure, error) { return GetClosure(r, id) }); err != nil {
		return nil, err
	}
	return a, nil
}

// ComplianceOf returns a compliance year's positions on date; only org's
// when org is not "".
func ComplianceOf(r module.Reader, year int, date, org string) (*carbonapi.ComplianceView, error) {
	y, err := GetComplianceYear(r, year)
	if err != nil {
		return nil, err
	}
	cv := &carbonapi.ComplianceView{Height: heightOf(r), Date: date, Year: *y, Entities: []carbonapi.ComplianceLine{}}
	prefix := compPrefix + year4(year) + "/"
	var decodeErr error
	err = module.EachJSON(r, []byte(prefix), func(_ []byte, c *carbonapi.Compliance) {
		if org != "" && c.Org != org || decodeErr != nil {
			return
		}
		l := carbonapi.ComplianceLine{Compliance: *c, Status: Status(y, c, date)}
		owed := c.ReportedT
		if c.Verified {
			owed = c.VerifiedT
			l.CreditRoomT = max(0, CreditLimit(c.VerifiedT, y.OffsetLimitBP)-c.CreditsT)
		}
		l.ShortfallT = max(0, owed-c.AllowancesT-c.CreditsT)
		acct, err := AccountOf(r, c.Org, date)
		if err != nil {
			decodeErr = err
			return
		}
		for _, h := range acct.Holdings {
			if h.Kind == carbonapi.KindAllowance && h.Year <= year {
				l.HeldAllowancesT += h.Quantity
			}
		}
		cv.Entities = append(cv.Entities, l)
		cv.AllocatedT += c.AllocatedT
		cv.VerifiedT += c.VerifiedT
		cv.SurrenderedT += c.AllowancesT + c.CreditsT
		cv.ShortfallT += l.ShortfallT
	})
	if err == nil {
		err = decodeErr
	}
	return cv, err
}

// ComplianceYears lists the opened compliance years, latest first.
func ComplianceYears(r module.Reader) ([]carbonapi.ComplianceYear, error) {
	var out []carbonapi.ComplianceYear
	err := module.EachJSON(r, []byte(cyearPrefix), func(_ []byte, y *carbonapi.ComplianceYear) { out = append([]carbonapi.ComplianceYear{*y}, out...) })
	return out, err
}

// PlantOf returns a plant with its batches on date.
func PlantOf(r module.Reader, code, date string) (*carbonapi.PlantView, error) {
	p, err := GetPlant(r, code)
	if err != nil {
		return nil, err
	}
	pv := &carbonapi.PlantView{Height: heightOf(r), Plant: *p, Batches: []carbonapi.BatchView{}}
	ids, err := module.List(r, []byte(plantbatchPrefix+code+"/"))
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		bv, err := BatchOf(r, id, date)
		if err != nil {
			return nil, err
		}
		pv.Batches = append(pv.Batches, *bv)
	}
	return pv, nil
}

// ListPlants lists the registered plants.
func ListPlants(r module.Reader) ([]carbonapi.Plant, error) {
	out := []carbonapi.Plant{}
	err := module.EachJSON(r, []byte(plantPrefix), func(_ []byte, p *carbonapi.Plant) { out = append(out, *p) })
	return out, err
}

// GreenOf returns an organisation's claim certificate for a year.
func GreenOf(r module.Reader, org string, year int) (*carbonapi.GreenView, error) {
	g, err := GetGreen(r, org, year)
	if err != nil {
		return nil, err
	}
	if g.Claims == 0 && g.Declarations == 0 {
		return nil, errcode.New(errcode.NotFound, "%s claimed no green certificates and declared no consumption for %d", org, year)
	}
	gv := &carbonapi.GreenView{Height: heightOf(r), Green: *g, ShareBP: ShareBP(g.ClaimedMWh, g.ConsumptionKWh)}
	gv.Claims, err = latest(r, gclaimPrefix+org+"/"+year4(year)+"/", 1000, func(id string) (*carbonapi.Closure, error) { return GetClosure(r, id) })
	return gv, err
}

// FootprintOf returns a product's or lot's footprint: the given version,
// or the latest; a lot without its own falls back to the product's.
func FootprintOf(r module.Reader, gtinIn, lot string, version int) (*carbonapi.FootprintView, error) {
	gtin, err := ParseGTIN("gtin", gtinIn)
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
	}
	if lot != "" {
		if err := CheckLot("lot", lot); err != nil {
			return nil, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
		}
	}
	fv := &carbonapi.FootprintView{Height: heightOf(r), Versions: []carbonapi.FootprintVersion{}, Offsets: []carbonapi.Closure{}}
	latestV, err := latestVersion(r, gtin, lot)
	if err != nil {
		return nil, err
	}
	if latestV == 0 && lot != "" {
		lot, fv.ProductLevel = "", true
		if latestV, err = latestVersion(r, gtin, ""); err != nil {
			return nil, err
		}
	}
	if latestV == 0 {
		return nil, errcode.New(errcode.NotFound, "no carbon footprint is published for GTIN %s", gtin)
	}
	if version == 0 {
		version = latestV
	}
	f, err := GetFootprint(r, gtin, lot, version)
	if err != nil {
		return nil, err
	}
	fv.Footprint = *f
	fv.Status = "Active"
	if version != latestV {
		fv.Status = "Deprecated"
	}
	err = module.EachJSON(r, []byte(fmt.Sprintf("%s%s/%s/", pcfPrefix, gtin, subject(lot))), func(k []byte, x *carbonapi.Footprint) {
		if bytes.Count(k[len(pcfPrefix)+len(gtin)+1:], []byte("/")) == strings.Count(subject(lot), "/")+1 {
			fv.Versions = append(fv.Versions, carbonapi.FootprintVersion{Version: x.Version, ID: x.ID, Time: x.Time})
		}
	})
	if err != nil {
		return nil, err
	}
	if fv.Assurance, err = GetAssurance(r, gtin, lot, version); err != nil {
		return nil, err
	}
	if fv.Offsets, err = latest(r, offsetPrefix+gtin+"/", 50, func(id string) (*carbonapi.Closure, error) { return GetClosure(r, id) }); err != nil {
		return nil, err
	}
	for _, c := range fv.Offsets {
		fv.OffsetT += c.Quantity
	}
	return fv, nil
}

// PACT returns a footprint in WBCSD PACT 2.x's data model; company is the
// producer's name.
func PACT(fv *carbonapi.FootprintView, company string) *carbonapi.PACTFootprint {
	f := fv.Footprint
	desc := f.ProductDescription
	if desc == "" {
		desc = f.ProductName
	}
	ids := []string{"urn:gtin:" + f.GTIN}
	if f.Lot != "" {
		ids = append(ids, "urn:dengta:lot:"+f.GTIN+":"+f.Lot)
	}
	var pactStd []string
	for _, s := range f.Standards {
		if s != "GB/T 24067-2024" {
			pactStd = append(pactStd, s)
		}
	}
	if pactStd == nil {
		pactStd = []string{}
	}
	comment := "Published on the Dengta consortium chain, transaction " + f.Tx + ", height " + strconv.FormatInt(f.Height, 10) + "; boundary " + f.Boundary + "."
	if len(pactStd) != len(f.Standards) {
		comment += " Also follows GB/T 24067-2024."
	}
	p := &carbonapi.PACTFootprint{
		ID: f.ID, SpecVersion: "2.2.0", Version: f.Version, Created: pactTime(f.Time), Status: fv.Status, CompanyName: company,
		CompanyIDs: []string{"urn:dengta:org:" + f.Producer}, ProductDescription: desc, ProductIDs: ids, ProductCategoryCPC: f.CPC,
		ProductNameCompany: f.ProductName, Comment: comment,
		PCF: carbonapi.PACTCarbon{
			DeclaredUnit: f.DeclaredUnit, UnitaryProductAmount: f.UnitaryAmount, PCfExcludingBiogenic: f.PCFExcludingBiogenic,
			PCfIncludingBiogenic: f.PCFIncludingBiogenic, FossilGhgEmissions: f.FossilGHG, FossilCarbonContent: f.FossilCarbonContent,
			BiogenicCarbonContent: f.BiogenicCarbonContent, CharacterizationFactors: f.CharacterizationFactors,
			IPCCSources: []string{f.CharacterizationFactors}, CrossSectoralStandardsUsed: pactStd,
			BoundaryProcessesDescription: f.BoundaryDescription, ReferencePeriodStart: f.PeriodStart + "T00:00:00Z",
			ReferencePeriodEnd: dayAfter(f.PeriodEnd) + "T00:00:00Z", GeographyCountry: f.Country, GeographyCountrySubdivision: f.Region,
			ExemptedEmissionsPercent: carbonapi.PACTNumber(f.ExemptedPercent), PackagingEmissionsIncluded: f.PackagingIncluded,
			PrimaryDataShare: carbonapi.PACTNumber(f.PrimaryDataShare),
		},
	}
	if f.Preceding != "" {
		p.PrecedingPfIDs = []string{f.Preceding}
	}
	if a := fv.Assurance; a != nil {
		p.PCF.Assurance = &carbonapi.PACTAssurance{Assurance: true, Level: a.Level, ProviderName: "urn:dengta:org:" + a.By.Org, CompletedAt: pactTime(a.Time)}
	}
	return p
}

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// dayAfter is the date after a YYYY-MM-DD date (PACT's reference period
// ends at the start of the day after its last day).
func dayAfter(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// pactTime writes a block time in UTC, as PACT's examples do.
func pactTime(s string) string {
	t, err := parseTime(s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// RegistryOf returns the registry's totals and work queues.
func RegistryOf(r module.Reader) (*carbonapi.RegistryView, error) {
	rv := &carbonapi.RegistryView{Height: heightOf(r), ToRegister: []carbonapi.Project{}, ToVerify: []carbonapi.Report{}, ToIssue: []carbonapi.Report{}}
	for _, k := range carbonapi.UnitKinds {
		t, err := getTotals(r, k)
		if err != nil {
			return nil, err
		}
		rv.Totals = append(rv.Totals, *t)
	}
	ids, err := module.List(r, queueKey(queueRegister, ""))
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		p, err := GetProject(r, id)
		if err != nil {
			return nil, err
		}
		rv.ToRegister = append(rv.ToRegister, *p)
	}
	for _, q := range []struct {
		name string
		out  *[]carbonapi.Report
	}{{queueVerify, &rv.ToVerify}, {queueIssue, &rv.ToIssue}} {
		ids, err := module.List(r, queueKey(q.name, ""))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			rep, err := GetReport(r, id)
			if err != nil {
				return nil, err
			}
			*q.out = append(*q.out, *rep)
		}
	}
	if rv.Recent, err = latest(r, closuresPrefix, 20, func(id string) (*carbonapi.Closure, error) { return GetClosure(r, id) }); err != nil {
		return nil, err
	}
	return rv, nil
}

// Subject names a product (Lot "") or lot.
type Subject struct {
	GTIN string `json:"gtin"`
	Lot  string `json:"lot,omitempty"`
}

// FootprintsBy lists the products and lots whose footprints org
// published.
func FootprintsBy(r module.Reader, org string) ([]Subject, error) {
	keys, err := module.List(r, []byte(pcfbyPrefix+org+"/"))
	if err != nil {
		return nil, err
	}
	var out []Subject
	for _, k := range keys {
		gtin, rest, _ := strings.Cut(k, "/")
		s := Subject{GTIN: gtin}
		if lot, ok := strings.CutPrefix(rest, "l/"); ok {
			s.Lot = lot
		}
		out = append(out, s)
	}
	return out, nil
}

// isInvSeq accepts the 20-digit inverted sequence numbers that key the
// lists read newest first.
func isInvSeq(s string) bool {
	if len(s) != 20 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ProjectsPage pages through a developer's projects in id order, keeping
// those that match the search: by id, name, registration number,
// province, sector or status (value or name). The module keeps no index
// of projects by developer: it reads the project records, which the
// registry holds few of.
func ProjectsPage(r module.Reader, developer string, s *module.Search, after string, limit int) ([]carbonapi.Project, string, error) {
	items, next, err := module.Scan(r, []byte(projectPrefix), after, limit, func(c string) bool { return !strings.Contains(c, "/") },
		func(_ string, v []byte) (*carbonapi.Project, error) {
			var p carbonapi.Project
			if err := json.Unmarshal(v, &p); err != nil {
				return nil, err
			}
			if p.Developer != developer || !s.Empty() && !s.Text(p.ID, p.Name, p.RegistrationNo, p.Province, p.Methodology) &&
				!s.Enum("carbon.project_status", p.Status) && !s.Enum("carbon.sector", p.Sector) {
				return nil, nil
			}
			return &p, nil
		})
	if items == nil {
		items = []carbonapi.Project{}
	}
	return items, next, err
}

// TransfersPage pages through the transfers into and out of an
// account, newest first (its index), keeping those that match the
// search: by id, batch, note, unit kind (value or name) or the other
// party (id or name).
func TransfersPage(r module.Reader, org string, s *module.Search, after string, limit int) ([]carbonapi.Transfer, string, error) {
	items, next, err := module.Scan(r, []byte(xfersPrefix+org+"/"), after, limit, isInvSeq, func(_ string, id []byte) (*carbonapi.Transfer, error) {
		t, err := GetTransfer(r, string(id))
		if err != nil {
			return nil, err
		}
		if !s.Empty() && !s.Text(t.ID, t.Batch, t.Note) && !s.Enum("carbon.unit_kind", t.Kind) && !s.Org(t.From, t.To) {
			return nil, nil
		}
		return t, nil
	})
	if items == nil {
		items = []carbonapi.Transfer{}
	}
	return items, next, err
}

// AccountClosures pages through an account's retirements, cancellations,
// claims and surrenders, newest first (its index), keeping those that
// match the search: by id, batch, project, purpose, reason, beneficiary,
// product, kind (value or name) or the beneficiary organisation (id or
// name).
func AccountClosures(r module.Reader, org string, s *module.Search, after string, limit int) ([]carbonapi.Closure, string, error) {
	items, next, err := module.Scan(r, []byte(closedbyPrefix+org+"/"), after, limit, isInvSeq, func(_ string, id []byte) (*carbonapi.Closure, error) {
		c, err := GetClosure(r, string(id))
		if err != nil {
			return nil, err
		}
		if !s.Empty() && !s.Text(c.ID, c.Batch, c.Project, c.ProjectName, c.Purpose, c.Reason, c.Beneficiary, c.GTIN) &&
			!s.Enum("carbon.state", c.Kind) && !s.Enum("carbon.unit_kind", c.BatchKind) && !s.Org(c.BeneficiaryOrg) {
			return nil, nil
		}
		return c, nil
	})
	if items == nil {
		items = []carbonapi.Closure{}
	}
	return items, next, err
}
