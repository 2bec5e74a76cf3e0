package carbon_test

import (
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

func TestGECExpiry(t *testing.T) {
	for _, tc := range []struct{ month, want string }{
		{"2026-03", "2028-03-01"}, {"2025-12", "2027-12-01"}, {"2024-01", "2026-01-01"}, {"2099-11", "2101-11-01"},
	} {
		if got, err := carbonapi.GECExpiry(tc.month); err != nil || got != tc.want {
			t.Errorf("GECExpiry(%q) = %q, %v, want %q", tc.month, got, err, tc.want)
		}
	}
	for _, bad := range []string{"2026-13", "2026-00", "26-03", "2026/03", "2026-+3", "1999-12", ""} {
		if _, err := carbonapi.GECExpiry(bad); err == nil {
			t.Errorf("GECExpiry(%q) accepted", bad)
		}
	}
}

func TestShareBP(t *testing.T) {
	for _, tc := range []struct {
		mwh, kwh int64
		want     int
	}{{0, 100, 0}, {1, 0, 0}, {1, 1000, 10_000}, {1, 3000, 3_333}, {250, 1_000_000, 2_500}, {1, 1_000_000_000_000_000, 0}, {999_999_999_999, 1_000_000_000_000_000, 9_999}, {5, 1000, 10_000}} {
		if got := carbon.ShareBP(tc.mwh, tc.kwh); got != tc.want {
			t.Errorf("ShareBP(%d, %d) = %d, want %d", tc.mwh, tc.kwh, got, tc.want)
		}
	}
}

// TestGreenCertificates records a solar plant's certificates, moves and
// claims them, derives the consumer's share, and refuses claims twice,
// before generation and after expiry.
func TestGreenCertificates(t *testing.T) {
	c := newChain(t)
	plant := carbonapi.PlantBody{Code: "AH-PV-2025-0001", Name: "砀山县良梨镇屋顶分布式光伏", Technology: "solar", CapacityKW: 2_000, Province: "安徽省", Owner: "dev"}
	testchain.Refusals(t, c, carbon.Name, "gec", "register_plant", []vcase{
		{"no owner", "", carbonapi.PlantBody{Code: "AH-PV-1", Name: "x", Technology: "solar", CapacityKW: 1, Province: "x"}, errcode.MalformedBody},
		{"nuclear", "", carbonapi.PlantBody{Code: "AH-NU-0001", Name: "x", Technology: "nuclear", CapacityKW: 1, Province: "x", Owner: "dev"}, errcode.MalformedBody},
		{"by a developer", "dev", plant, errcode.Unauthorized},
	})
	do(t, c, "gec", "register_plant", plant, errcode.OK)
	do(t, c, "gec", "register_plant", plant, errcode.Conflict)
	gec := func(month string, q int64) carbonapi.GECBody {
		return carbonapi.GECBody{Plant: plant.Code, Month: month, Quantity: q}
	}
	testchain.Refusals(t, c, carbon.Name, "gec", "issue_gec", []vcase{
		{"the month under way", "", gec("2026-03", 10), errcode.RuleViolation},
		{"expired already", "", gec("2024-03", 10), errcode.RuleViolation},
		{"more than the plant can make", "", gec("2026-02", 2_000*28*24/1000+1), errcode.RuleViolation},
		{"a month written badly", "", gec("2026-2", 10), errcode.MalformedBody},
		{"an unknown plant", "", carbonapi.GECBody{Plant: "AH-PV-9999", Month: "2026-02", Quantity: 1}, errcode.NotFound},
	})
	feb := batches(do(t, c, "gec", "issue_gec", gec("2026-02", 210), errcode.OK))[0]
	do(t, c, "gec", "issue_gec", gec("2026-02", 1), errcode.Conflict)
	old := batches(do(t, c, "gec", "issue_gec", gec("2024-04", 180), errcode.OK))[0]
	if feb != "GEC-202602-000001" {
		t.Fatalf("batch %s", feb)
	}
	b, _ := carbon.GetBatch(c.View(), feb)
	if b.ExpiresOn != "2028-02-01" || b.Technology != "solar" || b.Unit != "MWh" || b.IssuedTo != "dev" {
		t.Fatalf("batch %+v", b)
	}
	do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: feb, To: "buyer", Quantity: 100}, errcode.OK)
	do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: old, To: "buyer", Quantity: 80}, errcode.OK)
	claim := func(batch string, q int64, year int) carbonapi.ClaimBody {
		return carbonapi.ClaimBody{Batch: batch, Quantity: q, Year: year, Note: "2026 年度绿色电力消费"}
	}
	testchain.Refusals(t, c, carbon.Name, "buyer", "claim_gec", []vcase{
		{"for a year before generation", "", claim(feb, 10, 2025), errcode.RuleViolation},
		{"for next year", "", claim(feb, 10, 2027), errcode.RuleViolation},
		{"credits", "", claim("CCB-2025-000001", 1, 2026), errcode.NotFound},
		{"more than held", "", claim(feb, 101, 2026), errcode.RuleViolation},
	})
	do(t, c, "buyer", "claim_gec", claim(feb, 60, 2026), errcode.OK)
	do(t, c, "buyer", "claim_gec", claim(old, 20, 2025), errcode.OK)
	// The same certificates twice: refused.
	do(t, c, "buyer", "claim_gec", carbonapi.ClaimBody{Batch: feb, Quantity: 1, Ranges: []carbonapi.Range{{From: 1, To: 1}}, Year: 2026}, errcode.RuleViolation)
	do(t, c, "buyer", "declare_consumption", carbonapi.ConsumptionBody{Year: 2026, ConsumptionKWh: 240_000, EvidenceSHA256: sha("bill")}, errcode.OK)
	gv, err := carbon.GreenOf(c.View(), "buyer", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if gv.Green.ClaimedMWh != 60 || gv.ShareBP != 2_500 || len(gv.Claims) != 1 || gv.Claims[0].Plant != plant.Code || gv.Claims[0].Month != "2026-02" {
		t.Fatalf("green view %+v", gv)
	}
	// Credits are not claimed, certificates not retired.
	do(t, c, "buyer", "retire", carbonapi.RetireBody{Batch: feb, Quantity: 1, Beneficiary: "x", Purpose: "x", ClaimYear: 2026}, errcode.RuleViolation)
	// The 2024-04 certificates expire on 2026-04-01 (CST).
	c.Time = time.Date(2026, 3, 31, 15, 59, 50, 0, time.UTC)
	do(t, c, "buyer", "claim_gec", claim(old, 1, 2026), errcode.OK) // 23:59:51 CST on the last valid day
	c.Time = time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)
	do(t, c, "buyer", "claim_gec", claim(old, 1, 2026), errcode.RuleViolation)
	do(t, c, "buyer", "transfer", carbonapi.TransferBody{Batch: old, To: "food", Quantity: 1}, errcode.RuleViolation)
	acct, err := carbon.AccountOf(c.View(), "buyer", "2026-04-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range acct.Holdings {
		if h.Batch == old && (!h.Expired || h.Quantity != 59) {
			t.Fatalf("the expired holding %+v", h)
		}
	}
	if acct.Totals[carbonapi.KindGEC] != 40 {
		t.Fatalf("totals %+v", acct.Totals)
	}
	// An expired batch's units may still be cancelled, to clean an account.
	do(t, c, "buyer", "cancel", carbonapi.CancelBody{Batch: old, Quantity: 59, Reason: "过期注销"}, errcode.OK)
}

func TestFootprints(t *testing.T) {
	c := newChain(t)
	pcf := carbonapi.PCFData{ProductName: "砀山酥梨 5kg 礼盒", CPC: "01342", DeclaredUnit: "kilogram", UnitaryAmount: "5", PCFExcludingBiogenic: "0.42",
		PCFIncludingBiogenic: "-0.05", FossilGHG: "0.41", FossilCarbonContent: "0", BiogenicCarbonContent: "0.06", CharacterizationFactors: "AR6",
		Standards: []string{"ISO Standard 14067", "GB/T 24067-2024"}, Boundary: "cradle_to_gate", BoundaryDescription: "种植、采收、分选、包装",
		PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Country: "CN", Region: "CN-AH", PrimaryDataShare: "62.5", ExemptedPercent: "0.8", PackagingIncluded: true,
		ReportSHA256: sha("lca")}
	body := func(gtin, lot string, f func(d *carbonapi.PCFData)) carbonapi.FootprintBody {
		d := pcf
		if f != nil {
			f(&d)
		}
		return carbonapi.FootprintBody{GTIN: gtin, Lot: lot, PCFData: d}
	}
	testchain.Refusals(t, c, carbon.Name, "food", "publish_footprint", []vcase{
		{"a GTIN with a wrong check digit", "", body("6901234567893", "", nil), errcode.MalformedBody},
		{"a lot with a slash", "", body("6901234567892", "L/1", nil), errcode.MalformedBody},
		{"a float in exponent form", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.PCFExcludingBiogenic = "4.2e-1" }), errcode.MalformedBody},
		{"negative fossil emissions", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.FossilGHG = "-1" }), errcode.MalformedBody},
		{"zero amount", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.UnitaryAmount = "0.0" }), errcode.MalformedBody},
		{"an unknown standard", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.Standards = []string{"PAS 2050"} }), errcode.MalformedBody},
		{"a standard twice", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.Standards = []string{"ISO Standard 14067", "ISO Standard 14067"} }), errcode.MalformedBody},
		{"a region of another country", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.Region = "US-CA" }), errcode.MalformedBody},
		{"exempting 6 %", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.ExemptedPercent = "6" }), errcode.MalformedBody},
		{"no CPC", "", body("6901234567892", "", func(d *carbonapi.PCFData) { d.CPC = "" }), errcode.MalformedBody},
		{"by a registry", "reg", body("6901234567892", "", nil), errcode.Unauthorized},
	})
	r1 := do(t, c, "food", "publish_footprint", body("6901234567892", "", nil), errcode.OK)
	r2 := do(t, c, "food", "publish_footprint", body("6901234567892", "", func(d *carbonapi.PCFData) { d.PCFExcludingBiogenic = "0.39" }), errcode.OK)
	do(t, c, "food", "publish_footprint", body("06901234567892", "2026-A1", func(d *carbonapi.PCFData) { d.PCFExcludingBiogenic = "0.37" }), errcode.OK)
	do(t, c, "food2", "publish_footprint", body("6901234567892", "", nil), errcode.Unauthorized)
	if r2["version"].(float64) != 2 || r1["id"] == r2["id"] {
		t.Fatalf("versions %v %v", r1, r2)
	}
	do(t, c, "ver", "assure_footprint", carbonapi.AssureBody{GTIN: "6901234567892", Version: 2, Level: carbonapi.LevelLimited, StatementSHA256: sha("assure")}, errcode.OK)
	do(t, c, "ver", "assure_footprint", carbonapi.AssureBody{GTIN: "6901234567892", Version: 2, Level: carbonapi.LevelLimited, StatementSHA256: sha("assure")}, errcode.Conflict)
	do(t, c, "ver", "assure_footprint", carbonapi.AssureBody{GTIN: "6901234567892", Version: 3, Level: carbonapi.LevelLimited, StatementSHA256: sha("assure")}, errcode.NotFound)
	v := c.View()
	fv, err := carbon.FootprintOf(v, "6901234567892", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if fv.Footprint.Version != 2 || fv.Status != "Active" || len(fv.Versions) != 2 || fv.Assurance == nil || fv.Footprint.Preceding != r1["id"] || fv.Footprint.GTIN != "06901234567892" {
		t.Fatalf("footprint %+v", fv)
	}
	if fv, _ := carbon.FootprintOf(v, "06901234567892", "", 1); fv.Status != "Deprecated" || fv.Assurance != nil {
		t.Fatalf("version 1 %+v", fv)
	}
	if fv, _ := carbon.FootprintOf(v, "6901234567892", "2026-A1", 0); fv.ProductLevel || fv.Footprint.PCFExcludingBiogenic != "0.37" || len(fv.Versions) != 1 {
		t.Fatalf("the lot's own %+v", fv)
	}
	if fv, _ := carbon.FootprintOf(v, "6901234567892", "2026-B7", 0); !fv.ProductLevel || fv.Footprint.Version != 2 {
		t.Fatalf("a lot without its own %+v", fv)
	}
	if _, err := carbon.FootprintOf(v, "4006381333931", "", 0); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("an unknown product: %v", err)
	}
	p := carbon.PACT(fv, "皖北食品集团有限公司")
	if p.SpecVersion != "2.2.0" || p.PCF.ReferencePeriodEnd != "2026-01-01T00:00:00Z" || p.ProductIDs[0] != "urn:gtin:06901234567892" ||
		len(p.PCF.CrossSectoralStandardsUsed) != 1 || p.PCF.Assurance == nil || p.PrecedingPfIDs[0] != r1["id"] {
		t.Fatalf("PACT %+v", p)
	}
}
