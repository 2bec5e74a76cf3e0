package carbonplug

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// gen makes random carbon actions for the determinism tests: projects
// submitted and registered, monitoring reports verified and issued in
// vintages, a compliance year with allocations, reports, verifications
// and surrenders, plants and green certificates claimed, footprints
// published and assured, and transfers, retirements and cancellations of
// what the accounts hold; and refusals (more than held, the wrong party,
// unknown records, malformed bodies).
type gen struct {
	n         int
	submitted []string // projects waiting for registration
	projects  []genProject
	reports   []string // waiting for verification
	verified  map[string]int64
	complied  bool
	allocated map[string]bool
	filed     map[string]bool
	checked   map[string]bool
	plants    []genPlant
	months    map[string]bool
	gtins     map[string]int              // published versions
	hold      map[string]map[string]int64 // org -> batch -> units
	kinds     map[string]string           // batch -> kind
	projDev   map[string]string           // project -> developer
	reportDev map[string]string           // report -> developer
}

type genProject struct{ id, developer string }

type genPlant struct{ code, owner string }

func newGen() plug.Gen {
	return &gen{verified: map[string]int64{}, allocated: map[string]bool{}, filed: map[string]bool{}, checked: map[string]bool{},
		months: map[string]bool{}, gtins: map[string]int{}, hold: map[string]map[string]int64{}, kinds: map[string]string{},
		projDev: map[string]string{}, reportDev: map[string]string{}}
}

func pick(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// genGTINs are products with valid check digits.
var genGTINs = []string{"6901234567892", "06901234567885", "4006381333931"}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	g.n++
	registries := w.With(carbonapi.Registry)
	developers := w.With(carbonapi.Developer)
	verifiers := w.With(carbonapi.Verifier)
	covered := w.With(carbonapi.Covered)
	issuers := w.With(carbonapi.GECIssuer)
	producers := w.With(carbonapi.Producer)
	var all []string
	for _, o := range w.Orgs {
		all = append(all, o.ID)
	}
	date := field.BlockDate(w.Time)
	year := w.Time.In(field.CST).Year()
	// An independent verifier: not the developer, not the entity.
	verifier := func(not string) string {
		var vs []string
		for _, v := range verifiers {
			if v != not {
				vs = append(vs, v)
			}
		}
		return pick(r, vs)
	}
	switch n := r.IntN(100); {
	case n < 6 || len(g.projects) == 0 && len(g.submitted) == 0:
		dev := pick(r, developers)
		b := carbonapi.ProjectBody{Name: fmt.Sprintf("梨园碳汇项目 %d", g.n), Methodology: "CCER-14-001-V01", Sector: "forestry", Province: "安徽省",
			Location: "宿州市砀山县", Latitude: "34.42", Longitude: "116.35", Description: "黄河故道沙荒地造林", DesignSHA256: digest(fmt.Sprint("pdd", g.n)),
			CreditingStart: "2024-01-01", CreditingEnd: "2043-12-31", EstimatedAnnualT: 5_000}
		if r.IntN(8) == 0 {
			b.Latitude = "91"
			return plug.Action{Org: dev, Action: carbonapi.SubmitProject.Name, Body: b}
		}
		return plug.Action{Org: dev, Action: carbonapi.SubmitProject.Name, Valid: true, Tag: "project:" + dev, Body: b}
	case n < 10 && len(g.submitted) > 0:
		p := g.submitted[0]
		return plug.Action{Org: pick(r, registries), Action: carbonapi.RegisterProject.Name, Valid: true, Tag: "registered:" + p,
			Body: carbonapi.RegisterProjectBody{Project: p, ComplianceEligible: r.IntN(2) == 0}}
	case n < 16 && len(g.projects) > 0:
		p := g.projects[r.IntN(len(g.projects))]
		from := fmt.Sprintf("2024-%02d-01", 1+r.IntN(12))
		b := carbonapi.MonitoringBody{Project: p.id, PeriodFrom: from, PeriodTo: "2025-12-31", ClaimedT: int64(100 + r.IntN(5_000)), ReportSHA256: digest(fmt.Sprint("mr", g.n))}
		if r.IntN(6) == 0 {
			return plug.Action{Org: pick(r, developers), Action: carbonapi.SubmitMonitoring.Name, Body: carbonapi.MonitoringBody{Project: p.id, PeriodFrom: "2024-01-01",
				PeriodTo: date, ClaimedT: 10, ReportSHA256: b.ReportSHA256}} // a period not over: refused
		}
		return plug.Action{Org: p.developer, Action: carbonapi.SubmitMonitoring.Name, Valid: true, Tag: "report", Body: b}
	case n < 22 && len(g.reports) > 0:
		rep := g.reports[0]
		return plug.Action{Org: verifier(""), Action: carbonapi.VerifyMonitoring.Name, Valid: true, Tag: "verified:" + rep,
			Body: carbonapi.VerifyBody{Report: rep, Opinion: carbonapi.OpinionPositive, VerifiedT: 100, StatementSHA256: digest(rep)}}
	case n < 28 && len(g.verified) > 0:
		var reps []string
		for k := range g.verified {
			reps = append(reps, k)
		}
		slices.Sort(reps)
		rep := reps[0]
		q := g.verified[rep]
		b := carbonapi.IssueBody{Report: rep, Vintages: []carbonapi.VintageBody{{Year: 2025, Quantity: q}}}
		if r.IntN(5) == 0 {
			b.Vintages[0].Quantity = q + 1 // more than verified: refused
			return plug.Action{Org: pick(r, registries), Action: carbonapi.IssueCredits.Name, Body: b}
		}
		return plug.Action{Org: pick(r, registries), Action: carbonapi.IssueCredits.Name, Valid: true, Tag: "issued:" + rep, Body: b}
	case n < 31 && !g.complied:
		return plug.Action{Org: pick(r, registries), Action: carbonapi.OpenCompliance.Name, Valid: true, Tag: "complied",
			Body: carbonapi.ComplianceYearBody{Year: year - 1, ReportDue: fmt.Sprintf("%d-03-31", year), SurrenderDue: fmt.Sprintf("%d-12-31", year+1)}}
	case n < 34 && g.complied:
		org := pick(r, covered)
		return plug.Action{Org: pick(r, registries), Action: carbonapi.Allocate.Name, Valid: true, Tag: "allocated:" + org,
			Body: carbonapi.AllocateBody{Year: year - 1, Org: org, Quantity: int64(50 + r.IntN(200))}}
	case n < 37 && len(g.allocated) > 0:
		org := pick(r, covered)
		return plug.Action{Org: org, Action: carbonapi.FileEmissions.Name, Valid: g.allocated[org], Tag: "filed:" + org,
			Body: carbonapi.EmissionsBody{Year: year - 1, EmissionsT: int64(100 + r.IntN(300)), ReportSHA256: digest(fmt.Sprint("er", g.n))}}
	case n < 40 && len(g.filed) > 0:
		org := pick(r, covered)
		return plug.Action{Org: verifier(org), Action: carbonapi.VerifyEmissions.Name, Valid: g.filed[org] && !g.checked[org], Tag: "checked:" + org,
			Body: carbonapi.VerifyEmissionsBody{Year: year - 1, Org: org, VerifiedT: int64(100 + r.IntN(300)), StatementSHA256: digest(fmt.Sprint("ev", g.n))}}
	case n < 44 && len(g.checked) > 0:
		org := pick(r, covered)
		b, q := g.held(r, org, carbonapi.KindAllowance)
		return plug.Action{Org: org, Action: carbonapi.Surrender.Name, Valid: q > 0, Tag: "moved:" + org + ":" + b,
			Body: carbonapi.SurrenderBody{Year: year - 1, Batch: b, Quantity: max(1, min(q, int64(1+r.IntN(20))))}}
	case n < 47:
		owner := pick(r, all)
		code := fmt.Sprintf("AH-PV-%04d", g.n)
		return plug.Action{Org: pick(r, issuers), Action: carbonapi.RegisterPlant.Name, Valid: true, Tag: "plant:" + code + ":" + owner,
			Body: carbonapi.PlantBody{Code: code, Name: "屋顶分布式光伏", Technology: "solar", CapacityKW: 1_000, Province: "安徽省", Owner: owner}}
	case n < 53 && len(g.plants) > 0:
		p := g.plants[r.IntN(len(g.plants))]
		month := fmt.Sprintf("%d-%02d", year-1, 1+r.IntN(12))
		return plug.Action{Org: pick(r, issuers), Action: carbonapi.IssueGEC.Name, Valid: !g.months[p.code+month], Tag: "gec:" + p.code + month,
			Body: carbonapi.GECBody{Plant: p.code, Month: month, Quantity: int64(10 + r.IntN(200))}}
	case n < 60:
		org, b, q := g.anyHeld(r, carbonapi.KindGEC)
		return plug.Action{Org: org, Action: carbonapi.ClaimGEC.Name, Valid: q > 0, Tag: "moved:" + org + ":" + b,
			Body: carbonapi.ClaimBody{Batch: b, Quantity: max(1, min(q, int64(1+r.IntN(30)))), Year: year}}
	case n < 63:
		return plug.Action{Org: pick(r, all), Action: carbonapi.DeclareUse.Name, Valid: true,
			Body: carbonapi.ConsumptionBody{Year: year, ConsumptionKWh: int64(10_000 + r.IntN(1_000_000)), EvidenceSHA256: digest(fmt.Sprint("bill", g.n))}}
	case n < 68:
		gtin := genGTINs[r.IntN(len(genGTINs))]
		b := carbonapi.FootprintBody{GTIN: gtin, PCFData: carbonapi.PCFData{ProductName: "砀山酥梨", CPC: "01342", DeclaredUnit: "kilogram", UnitaryAmount: "5",
			PCFExcludingBiogenic: fmt.Sprintf("0.%d", 10+r.IntN(80)), FossilGHG: "0.3", FossilCarbonContent: "0", BiogenicCarbonContent: "0.05",
			CharacterizationFactors: "AR6", Standards: []string{"ISO Standard 14067"}, Boundary: "cradle_to_gate", BoundaryDescription: "种植与包装",
			PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Country: "CN", Region: "CN-AH"}}
		if r.IntN(3) == 0 {
			b.Lot = fmt.Sprintf("L%d", r.IntN(3))
		}
		if r.IntN(7) == 0 {
			b.PCFExcludingBiogenic = "4.2e-1"
			return plug.Action{Org: pick(r, producers), Action: carbonapi.PublishPCF.Name, Body: b}
		}
		// The first producer publishes every product here; another one
		// is refused.
		return plug.Action{Org: pick(r, producers[:min(1, len(producers))]), Action: carbonapi.PublishPCF.Name, Valid: true, Tag: "pcf:" + gtin + ":" + b.Lot, Body: b}
	case n < 70 && len(g.gtins) > 0:
		var keys []string
		for k := range g.gtins {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		k := keys[r.IntN(len(keys))]
		gtin, lot := splitSubject(k)
		return plug.Action{Org: verifier(pick(r, producers[:min(1, len(producers))])), Action: carbonapi.AssurePCF.Name, Valid: true,
			Body: carbonapi.AssureBody{GTIN: gtin, Lot: lot, Version: 1 + r.IntN(g.gtins[k]), Level: carbonapi.LevelLimited, StatementSHA256: digest(k)}}
	case n < 85:
		org, b, q := g.anyHeld(r, "")
		to := pick(r, all)
		if to == org {
			to = pick(r, all)
		}
		qty := max(1, min(q, int64(1+r.IntN(40))))
		if r.IntN(8) == 0 {
			qty = q + 1 // more than held: refused
		}
		return plug.Action{Org: org, Action: carbonapi.TransferUnits.Name, Valid: q > 0 && qty <= q && to != org, Tag: fmt.Sprintf("moved:%s:%s:%s", org, b, to),
			Body: carbonapi.TransferBody{Batch: b, To: to, Quantity: qty, Note: "gen"}}
	case n < 93:
		org, b, q := g.anyHeld(r, carbonapi.KindCredit)
		return plug.Action{Org: org, Action: carbonapi.Retire.Name, Valid: q > 0, Tag: "moved:" + org + ":" + b,
			Body: carbonapi.RetireBody{Batch: b, Quantity: max(1, min(q, int64(1+r.IntN(20)))), Beneficiary: "皖北食品集团", Purpose: fmt.Sprintf("%d 年度碳中和", year), ClaimYear: year,
				GTIN: genGTINs[0]}}
	case n < 97:
		org, b, q := g.anyHeld(r, "")
		by := org
		if r.IntN(3) == 0 {
			by = pick(r, registries)
		}
		return plug.Action{Org: by, Action: carbonapi.Cancel.Name, Valid: q > 0, Tag: "moved:" + org + ":" + b,
			Body: carbonapi.CancelBody{Batch: b, Holder: org, Quantity: max(1, min(q, int64(1+r.IntN(10)))), Reason: "注销"}}
	default:
		// Malformed: a body that is not the action's.
		return plug.Action{Org: pick(r, all), Action: carbonapi.TransferUnits.Name, Body: []byte(`{"batch":1}`)}
	}
}

func splitSubject(k string) (gtin, lot string) {
	for i := 0; i < len(k); i++ {
		if k[i] == ':' {
			return k[:i], k[i+1:]
		}
	}
	return k, ""
}

// held picks one of org's batches of kind ("" any) and what it holds.
func (g *gen) held(r *rand.Rand, org, kind string) (string, int64) {
	var bs []string
	for b, q := range g.hold[org] {
		if q > 0 && (kind == "" || g.kinds[b] == kind) {
			bs = append(bs, b)
		}
	}
	if len(bs) == 0 {
		return "CCB-2025-999999", 0
	}
	slices.Sort(bs)
	b := bs[r.IntN(len(bs))]
	return b, g.hold[org][b]
}

// anyHeld picks an account holding a batch of kind ("" any).
func (g *gen) anyHeld(r *rand.Rand, kind string) (string, string, int64) {
	var orgs []string
	for org, bs := range g.hold {
		for b, q := range bs {
			if q > 0 && (kind == "" || g.kinds[b] == kind) {
				orgs = append(orgs, org)
				break
			}
		}
	}
	slices.Sort(orgs)
	if len(orgs) == 0 {
		return "regulator", "CCB-2025-999999", 0
	}
	org := orgs[r.IntN(len(orgs))]
	b, q := g.held(r, org, kind)
	return org, b, q
}

func (g *gen) credit(org, batch, kind string, q int64) {
	if g.hold[org] == nil {
		g.hold[org] = map[string]int64{}
	}
	g.hold[org][batch] += q
	if kind != "" {
		g.kinds[batch] = kind
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	var res struct {
		ID      string   `json:"id"`
		Batches []string `json:"batches"`
	}
	_ = json.Unmarshal(result, &res)
	kind, rest := splitSubject(a.Tag)
	switch kind {
	case "project":
		g.submitted = append(g.submitted, res.ID)
		g.projDev[res.ID] = a.Org
	case "registered":
		g.submitted = slices.DeleteFunc(g.submitted, func(s string) bool { return s == rest })
		g.projects = append(g.projects, genProject{id: rest, developer: g.projDev[rest]})
	case "report":
		g.reports = append(g.reports, res.ID)
		g.reportDev[res.ID] = a.Org
	case "verified":
		g.reports = slices.DeleteFunc(g.reports, func(s string) bool { return s == rest })
		g.verified[rest] = 100
	case "issued":
		delete(g.verified, rest)
		b := a.Body.(carbonapi.IssueBody)
		for i, id := range res.Batches {
			g.credit(g.reportDev[rest], id, carbonapi.KindCredit, b.Vintages[i].Quantity)
		}
	case "complied":
		g.complied = true
	case "allocated":
		g.allocated[rest] = true
		g.credit(rest, res.Batches[0], carbonapi.KindAllowance, a.Body.(carbonapi.AllocateBody).Quantity)
	case "filed":
		g.filed[rest] = true
	case "checked":
		g.checked[rest] = true
	case "plant":
		code, owner := splitSubject(rest)
		g.plants = append(g.plants, genPlant{code: code, owner: owner})
	case "gec":
		g.months[rest] = true
		b := a.Body.(carbonapi.GECBody)
		for _, p := range g.plants {
			if p.code == b.Plant {
				g.credit(p.owner, res.Batches[0], carbonapi.KindGEC, b.Quantity)
			}
		}
	case "pcf":
		g.gtins[rest]++
	case "moved":
		org, rest := splitSubject(rest)
		batch, to := splitSubject(rest)
		var q int64
		switch b := a.Body.(type) {
		case carbonapi.TransferBody:
			q = b.Quantity
		case carbonapi.RetireBody:
			q = b.Quantity
		case carbonapi.CancelBody:
			q = b.Quantity
		case carbonapi.ClaimBody:
			q = b.Quantity
		case carbonapi.SurrenderBody:
			q = b.Quantity
		}
		g.hold[org][batch] -= q
		if to != "" {
			g.credit(to, batch, "", q)
		}
	}
}
