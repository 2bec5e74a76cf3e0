package carbonplug

import (
	"context"
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// DemoGTIN is the demo's product: the food group's 5 kg box of Dangshan
// pears.
const DemoGTIN = "06901234567892"

// seed records the carbon story of the dev chain: the pear cooperative's
// afforestation project on the old Yellow River bed is registered, its
// 2024-2025 monitoring report verified by the quality alliance (a
// verification body here) and issued in two vintages; the food group buys
// 2,000 t and retires 500 t for its 2026 product footprint, which it
// publishes and the alliance assures; the previous year is a compliance
// year in which the food group and the cold-chain company are covered;
// the cooperative's rooftop solar plant has certificates for the last
// three months, of which the supermarket buys and claims some against its
// declared consumption.
func seed(ctx context.Context, d *plug.DemoEnv) error {
	keys := map[string]*client.Key{}
	for _, org := range []string{"regulator", "coop", "alliance", "foodgroup", "logistics", "market"} {
		k, err := d.Admin(org)
		if err != nil {
			return err
		}
		keys[org] = k
	}
	c := d.Client
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	now := st.BlockTime.In(time.FixedZone("CST", 8*3600))
	year := now.Year()
	docs, err := Upload(ctx, c.As(keys["coop"]), []byte("项目设计文件：砀山黄河故道梨园防护林碳汇项目（CCER-14-001-V01）"),
		[]byte("监测报告：2024-01-01 至 2025-12-31，监测面积 3,200 亩，减排量 12,000 tCO2e"))
	if err != nil {
		return err
	}
	p, err := sendAct(ctx, c, keys["coop"], carbonapi.SubmitProject, carbonapi.ProjectBody{Name: "砀山黄河故道梨园防护林碳汇项目", Methodology: "CCER-14-001-V01",
		Sector: "forestry", Province: "安徽省", Location: "宿州市砀山县良梨镇", Latitude: "34.42", Longitude: "116.35",
		Description: "在黄河故道沙荒地营造梨园防护林 3,200 亩，吸收二氧化碳并防风固沙。", DesignSHA256: docs[0],
		CreditingStart: "2024-01-01", CreditingEnd: "2043-12-31", EstimatedAnnualT: 6_000})
	if err != nil {
		return fmt.Errorf("submit the project: %w", err)
	}
	if _, err := sendAct(ctx, c, keys["regulator"], carbonapi.RegisterProject, carbonapi.RegisterProjectBody{Project: p.ID, RegistrationNo: "CCER-14-2026-0001", ComplianceEligible: true}); err != nil {
		return fmt.Errorf("register the project: %w", err)
	}
	rep, err := sendAct(ctx, c, keys["coop"], carbonapi.SubmitMonitoring, carbonapi.MonitoringBody{Project: p.ID, PeriodFrom: "2024-01-01", PeriodTo: "2025-12-31",
		ClaimedT: 12_000, ReportSHA256: docs[1]})
	if err != nil {
		return fmt.Errorf("submit the monitoring report: %w", err)
	}
	stmt, err := Upload(ctx, c.As(keys["alliance"]), []byte("核查报告：核证减排量 11,500 tCO2e，核查结论：通过"))
	if err != nil {
		return err
	}
	if _, err := sendAct(ctx, c, keys["alliance"], carbonapi.VerifyMonitoring, carbonapi.VerifyBody{Report: rep.ID, Opinion: carbonapi.OpinionPositive, VerifiedT: 11_500,
		StatementSHA256: stmt[0], Note: "现场核查 2026 年 1 月"}); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	iss, err := sendAct(ctx, c, keys["regulator"], carbonapi.IssueCredits, carbonapi.IssueBody{Report: rep.ID, Vintages: []carbonapi.VintageBody{{Year: 2024, Quantity: 5_500}, {Year: 2025, Quantity: 6_000}}})
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	v2025 := iss.Batches[1]
	if _, err := sendAct(ctx, c, keys["coop"], carbonapi.TransferUnits, carbonapi.TransferBody{Batch: v2025, To: "foodgroup", Quantity: 2_000, PriceFen: 5_800, Note: "购销合同 WB-2026-017"}); err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	rt, err := sendAct(ctx, c, keys["foodgroup"], carbonapi.Retire, carbonapi.RetireBody{Batch: v2025, Quantity: 500, Beneficiary: "皖北食品集团有限公司",
		Purpose: fmt.Sprintf("%d 年度砀山酥梨礼盒产品碳足迹抵消", year), ClaimYear: year, GTIN: DemoGTIN})
	if err != nil {
		return fmt.Errorf("retire: %w", err)
	}
	// The food group's footprint of its pear box, assured by the alliance.
	lca, err := Upload(ctx, c.As(keys["foodgroup"]), []byte("砀山酥梨 5kg 礼盒生命周期评价报告（GB/T 24067-2024）"))
	if err != nil {
		return err
	}
	if _, err := sendAct(ctx, c, keys["foodgroup"], carbonapi.PublishPCF, carbonapi.FootprintBody{GTIN: DemoGTIN, PCFData: carbonapi.PCFData{
		ProductName: "砀山酥梨 5kg 礼盒", ProductDescription: "砀山酥梨，5 千克纸箱礼盒装", CPC: "01342", DeclaredUnit: "kilogram", UnitaryAmount: "5",
		PCFExcludingBiogenic: "0.42", PCFIncludingBiogenic: "0.31", FossilGHG: "0.41", FossilCarbonContent: "0", BiogenicCarbonContent: "0.06",
		CharacterizationFactors: "AR6", Standards: []string{"ISO Standard 14067", "GB/T 24067-2024"}, Boundary: "cradle_to_gate",
		BoundaryDescription: "果园种植（化肥、灌溉）、采收、冷藏、分选、纸箱包装", PeriodStart: fmt.Sprintf("%d-01-01", year-1), PeriodEnd: fmt.Sprintf("%d-12-31", year-1),
		Country: "CN", Region: "CN-AH", PrimaryDataShare: "64", ExemptedPercent: "0.5", PackagingIncluded: true, ReportSHA256: lca[0]}}); err != nil {
		return fmt.Errorf("footprint: %w", err)
	}
	if _, err := sendAct(ctx, c, keys["alliance"], carbonapi.AssurePCF, carbonapi.AssureBody{GTIN: DemoGTIN, Version: 1, Level: carbonapi.LevelLimited, StatementSHA256: stmt[0]}); err != nil {
		return fmt.Errorf("assure: %w", err)
	}
	// The previous year's compliance.
	cy := year - 1
	reportDue := now.AddDate(0, 1, 0).Format(time.DateOnly)
	if min := fmt.Sprintf("%d-01-01", year); reportDue < min {
		reportDue = min
	}
	if _, err := sendAct(ctx, c, keys["regulator"], carbonapi.OpenCompliance, carbonapi.ComplianceYearBody{Year: cy, ReportDue: reportDue,
		SurrenderDue: now.AddDate(0, 6, 0).Format(time.DateOnly)}); err != nil {
		return fmt.Errorf("open compliance: %w", err)
	}
	alloc := map[string]string{}
	for org, q := range map[string]int64{"foodgroup": 8_000, "logistics": 12_000} {
		res, err := sendAct(ctx, c, keys["regulator"], carbonapi.Allocate, carbonapi.AllocateBody{Year: cy, Org: org, Quantity: q, Note: "免费分配"})
		if err != nil {
			return fmt.Errorf("allocate: %w", err)
		}
		alloc[org] = res.Batches[0]
	}
	er, err := Upload(ctx, c.As(keys["foodgroup"]), []byte(fmt.Sprintf("%d 年度温室气体排放报告：8,600 tCO2e", cy)))
	if err != nil {
		return err
	}
	if _, err := sendAct(ctx, c, keys["foodgroup"], carbonapi.FileEmissions, carbonapi.EmissionsBody{Year: cy, EmissionsT: 8_600, ReportSHA256: er[0]}); err != nil {
		return fmt.Errorf("file emissions: %w", err)
	}
	if _, err := sendAct(ctx, c, keys["alliance"], carbonapi.VerifyEmissions, carbonapi.VerifyEmissionsBody{Year: cy, Org: "foodgroup", VerifiedT: 8_500, StatementSHA256: stmt[0]}); err != nil {
		return fmt.Errorf("verify emissions: %w", err)
	}
	if _, err := sendAct(ctx, c, keys["foodgroup"], carbonapi.Surrender, carbonapi.SurrenderBody{Year: cy, Batch: alloc["foodgroup"], Quantity: 8_000}); err != nil {
		return fmt.Errorf("surrender allowances: %w", err)
	}
	if _, err := sendAct(ctx, c, keys["foodgroup"], carbonapi.Surrender, carbonapi.SurrenderBody{Year: cy, Batch: v2025, Quantity: 400}); err != nil {
		return fmt.Errorf("surrender credits: %w", err)
	}
	// Green certificates of the cooperative's rooftop solar plant.
	plant := "AH-PV-2025-0001"
	if _, err := sendAct(ctx, c, keys["regulator"], carbonapi.RegisterPlant, carbonapi.PlantBody{Code: plant, Name: "砀山县梨都合作社屋顶分布式光伏", Technology: "solar",
		CapacityKW: 3_000, Province: "安徽省", Owner: "coop"}); err != nil {
		return fmt.Errorf("register the plant: %w", err)
	}
	var gecs []string
	for i, mwh := range []int64{260, 300, 280} {
		month := now.AddDate(0, i-3, 0).Format("2006-01")
		res, err := sendAct(ctx, c, keys["regulator"], carbonapi.IssueGEC, carbonapi.GECBody{Plant: plant, Month: month, Quantity: mwh})
		if err != nil {
			return fmt.Errorf("issue certificates: %w", err)
		}
		gecs = append(gecs, res.Batches[0])
	}
	if _, err := sendAct(ctx, c, keys["coop"], carbonapi.TransferUnits, carbonapi.TransferBody{Batch: gecs[2], To: "market", Quantity: 280, PriceFen: 500}); err != nil {
		return fmt.Errorf("transfer certificates: %w", err)
	}
	if _, err := sendAct(ctx, c, keys["market"], carbonapi.ClaimGEC, carbonapi.ClaimBody{Batch: gecs[2], Quantity: 250, Year: year, Note: "门店年度绿色电力消费"}); err != nil {
		return fmt.Errorf("claim certificates: %w", err)
	}
	bill, err := Upload(ctx, c.As(keys["market"]), []byte(fmt.Sprintf("国网安徽省电力有限公司 %d 年度用电量证明：1,000,000 kWh", year)))
	if err != nil {
		return err
	}
	if _, err := sendAct(ctx, c, keys["market"], carbonapi.DeclareUse, carbonapi.ConsumptionBody{Year: year, ConsumptionKWh: 1_000_000, EvidenceSHA256: bill[0]}); err != nil {
		return fmt.Errorf("declare consumption: %w", err)
	}
	d.Logger.Info("carbon demo recorded", "project", p.ID, "retirement", d.PublicURL+CertificatePath(rt.ID), "footprint", d.PublicURL+FootprintPath(DemoGTIN, ""),
		"green", fmt.Sprintf("%s/carbon/green/market/%d", d.PublicURL, year))
	return nil
}

// sendAct is client.Send answering only the result.
func sendAct[B, R any](ctx context.Context, c *client.Client, key *client.Key, a api.Action[B, R], b B) (*R, error) {
	res, _, err := client.Send(ctx, c, key, a, b)
	return res, err
}
