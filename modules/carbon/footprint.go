package carbon

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// Product carbon footprints after WBCSD PACT: a producer publishes a
// footprint for a product (GTIN) or one of its lots; a new version
// supersedes the last (which PACT then calls Deprecated); an inspector may
// assure a version. The first producer to publish for a GTIN is its
// publisher for good: another member's footprint of the same GTIN is
// refused. Footprints are keyed by GS1 identifiers, so that the
// traceability module's scan page can show them by the code it scanned.

func (Module) publishFootprint(ctx *module.Context, b *carbonapi.FootprintBody) error {
	gtin, err := ParseGTIN("gtin", b.GTIN)
	if err != nil {
		return err
	}
	if b.Lot != "" {
		if err := CheckLot("lot", b.Lot); err != nil {
			return err
		}
	}
	if err := checkPCF(&b.PCFData); err != nil {
		return err
	}
	owner, err := ctx.Store.Get(pcfownerKey(gtin))
	if err != nil {
		return err
	}
	if owner != nil && string(owner) != ctx.Signer.Org {
		return unauthorized("the footprints of GTIN %s are published by %s; only it publishes new versions", gtin, owner)
	}
	latest, err := latestVersion(ctx.Store, gtin, b.Lot)
	if err != nil {
		return err
	}
	f := carbonapi.Footprint{GTIN: gtin, Lot: b.Lot, Version: latest + 1, Producer: ctx.Signer.Org, PCFData: b.PCFData, Stamp: stampOf(ctx)}
	f.Standards = slices.Clone(b.Standards)
	f.ID = pactID(ctx, gtin, b.Lot, f.Version)
	if latest > 0 {
		prev, err := GetFootprint(ctx.Store, gtin, b.Lot, latest)
		if err != nil {
			return err
		}
		f.Preceding = prev.ID
	}
	if err := module.PutJSON(ctx.Store, pcfKey(gtin, b.Lot, f.Version), &f); err != nil {
		return err
	}
	if err := ctx.Store.Set(pcflatestKey(gtin, b.Lot), []byte(strconv.Itoa(f.Version))); err != nil {
		return err
	}
	if owner == nil {
		if err := ctx.Store.Set(pcfownerKey(gtin), []byte(ctx.Signer.Org)); err != nil {
			return err
		}
	}
	if err := ctx.Store.Set(pcfbyKey(ctx.Signer.Org, gtin, b.Lot), present); err != nil {
		return err
	}
	ctx.Emit("carbon.footprint_published", "gtin", gtin, "lot", b.Lot, "version", strconv.Itoa(f.Version), "id", f.ID)
	return ctx.SetResult(carbonapi.FootprintResult{ID: f.ID, Version: f.Version})
}

// pactID derives a footprint's PACT id from the transaction: a UUID of
// version 8 (RFC 9562's custom version) over SHA-256, the same on every
// node.
func pactID(ctx *module.Context, gtin, lot string, version int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "dengta/carbon/pcf/v1\x00%X\x00%s\x00%s\x00%d", ctx.TxHash, gtin, lot, version))
	u := h[:16]
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func checkPCF(d *carbonapi.PCFData) error {
	if err := text("product_name", d.ProductName, 1, 100); err != nil {
		return err
	}
	if err := optText("product_description", d.ProductDescription, 500); err != nil {
		return err
	}
	if !allDigits(d.CPC) || len(d.CPC) > 5 {
		return malformed("cpc %q must be a UN CPC code of 1 to 5 digits, e.g. 01342", clip(d.CPC))
	}
	if err := field.OneOf("declared_unit", d.DeclaredUnit, carbonapi.DeclaredUnits); err != nil {
		return err
	}
	if v, err := decimal("unitary_amount", d.UnitaryAmount, false); err != nil {
		return err
	} else if v == 0 {
		return malformed("unitary_amount must be more than 0")
	}
	for _, x := range []struct{ name, v string }{{"pcf_excluding_biogenic", d.PCFExcludingBiogenic}, {"fossil_ghg", d.FossilGHG},
		{"fossil_carbon_content", d.FossilCarbonContent}, {"biogenic_carbon_content", d.BiogenicCarbonContent}} {
		if _, err := decimal(x.name, x.v, false); err != nil {
			return err
		}
	}
	if d.PCFIncludingBiogenic != "" {
		if _, err := decimal("pcf_including_biogenic", d.PCFIncludingBiogenic, true); err != nil {
			return err
		}
	}
	if err := field.OneOf("characterization_factors", d.CharacterizationFactors, carbonapi.CharFactors); err != nil {
		return err
	}
	if len(d.Standards) == 0 || len(d.Standards) > len(carbonapi.Standards) {
		return malformed("standards: name 1 to %d of %v", len(carbonapi.Standards), carbonapi.Standards)
	}
	for i, s := range d.Standards {
		if err := field.OneOf(fmt.Sprintf("standards[%d]", i), s, carbonapi.Standards); err != nil {
			return err
		}
		if slices.Index(d.Standards, s) != i {
			return malformed("standards: %q is given twice", s)
		}
	}
	if err := field.OneOf("boundary", d.Boundary, carbonapi.Boundaries); err != nil {
		return err
	}
	if err := text("boundary_description", d.BoundaryDescription, 1, 500); err != nil {
		return err
	}
	if err := field.Date("period_start", d.PeriodStart); err != nil {
		return err
	}
	if err := field.Date("period_end", d.PeriodEnd); err != nil {
		return err
	}
	if d.PeriodEnd < d.PeriodStart {
		return malformed("period_end %s is before period_start %s", d.PeriodEnd, d.PeriodStart)
	}
	if len(d.Country) != 2 || d.Country[0] < 'A' || d.Country[0] > 'Z' || d.Country[1] < 'A' || d.Country[1] > 'Z' {
		return malformed("country %q must be an ISO 3166-1 alpha-2 code in capitals, e.g. CN", clip(d.Country))
	}
	if d.Region != "" {
		if len(d.Region) < 4 || len(d.Region) > 6 || d.Region[:3] != d.Country+"-" {
			return malformed("region %q must be an ISO 3166-2 code of the country, e.g. %s-AH", clip(d.Region), d.Country)
		}
		if err := code("region", d.Region[3:], 1, 3, "", "AH"); err != nil {
			return err
		}
	}
	if d.PrimaryDataShare != "" {
		if err := rangedDecimal("primary_data_share", d.PrimaryDataShare, false, 0, 100_000_000, "a percent from 0 to 100"); err != nil {
			return err
		}
	}
	if d.ExemptedPercent != "" {
		if err := rangedDecimal("exempted_percent", d.ExemptedPercent, false, 0, 5_000_000, "a percent from 0 to 5"); err != nil {
			return err
		}
	}
	if d.ReportSHA256 != "" {
		if err := sha("report_sha256", d.ReportSHA256); err != nil {
			return err
		}
	}
	return nil
}

func latestVersion(r module.Getter, gtin, lot string) (int, error) {
	b, err := r.Get(pcflatestKey(gtin, lot))
	if err != nil || b == nil {
		return 0, err
	}
	return strconv.Atoi(string(b))
}

// GetFootprint returns a footprint version, or a not_found error.
func GetFootprint(r module.Getter, gtin, lot string, version int) (*carbonapi.Footprint, error) {
	var f carbonapi.Footprint
	what := "product " + gtin
	if lot != "" {
		what += " lot " + lot
	}
	if err := module.GetRecord(r, pcfKey(gtin, lot, version), &f, "no footprint version %d of %s", version, what); err != nil {
		return nil, err
	}
	return &f, nil
}

// GetAssurance returns a footprint version's assurance, nil when it has
// none.
func GetAssurance(r module.Getter, gtin, lot string, version int) (*carbonapi.Assurance, error) {
	var a carbonapi.Assurance
	ok, err := module.GetJSON(r, pcfassureKey(gtin, lot, version), &a)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

func (Module) assureFootprint(ctx *module.Context, b *carbonapi.AssureBody) error {
	gtin, err := ParseGTIN("gtin", b.GTIN)
	if err != nil {
		return err
	}
	if b.Lot != "" {
		if err := CheckLot("lot", b.Lot); err != nil {
			return err
		}
	}
	if err := field.OneOf("level", b.Level, carbonapi.AssuranceLvls); err != nil {
		return err
	}
	if err := sha("statement_sha256", b.StatementSHA256); err != nil {
		return err
	}
	if err := optText("note", b.Note, 200); err != nil {
		return err
	}
	if b.Version < 1 {
		return malformed("version must be 1 or more")
	}
	f, err := GetFootprint(ctx.Store, gtin, b.Lot, b.Version)
	if err != nil {
		return err
	}
	if f.Producer == ctx.Signer.Org {
		return unauthorized("%s published this footprint; an independent party assures it", f.Producer)
	}
	if err := absent(ctx.Store, pcfassureKey(gtin, b.Lot, b.Version), fmt.Sprintf("an assurance of version %d", b.Version)); err != nil {
		return err
	}
	a := carbonapi.Assurance{GTIN: gtin, Lot: b.Lot, Version: b.Version, Level: b.Level, StatementSHA256: b.StatementSHA256, Note: b.Note, Stamp: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, pcfassureKey(gtin, b.Lot, b.Version), &a); err != nil {
		return err
	}
	ctx.Emit("carbon.footprint_assured", "gtin", gtin, "version", strconv.Itoa(b.Version))
	return ctx.SetResult(carbonapi.IDResult{ID: f.ID})
}
