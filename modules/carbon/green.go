package carbon

import (
	"fmt"
	"math/bits"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// Green electricity certificates (绿证), after 国能发新能规〔2024〕67号: the
// national system issues one certificate per MWh of a renewable plant's
// month of generation; certificates move between accounts and are claimed
// (核销) for a consumer's consumption of a year, once; they are valid for
// two years from their month of generation, after which they can neither
// move nor be claimed. The chain records the national system's issuance
// (an issuer member, role gec_issuer, holds the national system's keys)
// and refuses a second issuance for the same plant and month.

func (Module) registerPlant(ctx *module.Context, b *carbonapi.PlantBody) error {
	if err := code("code", b.Code, 4, 32, "-", "GEC-AH-2025-0001"); err != nil {
		return err
	}
	if err := text("name", b.Name, 1, 100); err != nil {
		return err
	}
	if err := field.OneOf("technology", b.Technology, carbonapi.Technologies); err != nil {
		return err
	}
	if b.CapacityKW < 1 || b.CapacityKW > 100_000_000 {
		return malformed("capacity_kw must be 1 to 100000000 kW")
	}
	if err := text("province", b.Province, 1, 40); err != nil {
		return err
	}
	if _, err := member(ctx.Store, "owner", b.Owner); err != nil {
		return err
	}
	if err := absent(ctx.Store, plantKey(b.Code), "plant "+b.Code); err != nil {
		return err
	}
	p := carbonapi.Plant{Code: b.Code, Name: b.Name, Technology: b.Technology, CapacityKW: b.CapacityKW, Province: b.Province, Owner: b.Owner, Registered: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, plantKey(p.Code), &p); err != nil {
		return err
	}
	ctx.Emit("carbon.plant_registered", "plant", p.Code, "owner", p.Owner)
	return ctx.SetResult(carbonapi.IDResult{ID: p.Code})
}

// monthHours is the hours in a month, the bound of what a plant generates:
// capacity × hours.
func monthHours(y, m int) int64 {
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return int64(days) * 24
}

func (Module) issueGEC(ctx *module.Context, b *carbonapi.GECBody) error {
	if err := code("plant", b.Plant, 4, 32, "-", "GEC-AH-2025-0001"); err != nil {
		return err
	}
	y, m, err := carbonapi.ParseMonth(b.Month)
	if err != nil {
		return malformed("month: %v", err)
	}
	if err := checkQuantity("quantity", b.Quantity); err != nil {
		return err
	}
	p, err := GetPlant(ctx.Store, b.Plant)
	if err != nil {
		return err
	}
	d := today(ctx)
	if b.Month >= d[:7] {
		return rule("month %s is not over (today is %s): certificates are issued for a month of generation that is", b.Month, d)
	}
	expires, _ := carbonapi.GECExpiry(b.Month)
	if d >= expires {
		return rule("certificates of %s expired on %s; they are no longer issued", b.Month, expires)
	}
	// A plant cannot generate more than its capacity all month long.
	if limit := p.CapacityKW * monthHours(y, m) / 1000; b.Quantity > limit {
		return rule("plant %s (%d kW) generates at most %d MWh in %s; %d certificates is more", p.Code, p.CapacityKW, limit, b.Month, b.Quantity)
	}
	if err := absent(ctx.Store, gecmonthKey(p.Code, b.Month), fmt.Sprintf("the certificates of plant %s for %s", p.Code, b.Month)); err != nil {
		return err
	}
	id, err := batchID(ctx, carbonapi.KindGEC, fmt.Sprintf("%04d%02d", y, m))
	if err != nil {
		return err
	}
	bt := &carbonapi.Batch{ID: id, Kind: carbonapi.KindGEC, Quantity: b.Quantity, IssuedTo: p.Owner, Plant: p.Code, Month: b.Month, Technology: p.Technology, ExpiresOn: expires}
	if err := newBatch(ctx, bt); err != nil {
		return err
	}
	if err := ctx.Store.Set(gecmonthKey(p.Code, b.Month), []byte(id)); err != nil {
		return err
	}
	if err := ctx.Store.Set(plantbatchKey(p.Code, id), present); err != nil {
		return err
	}
	p.IssuedMWh += b.Quantity
	if err := module.PutJSON(ctx.Store, plantKey(p.Code), p); err != nil {
		return err
	}
	return ctx.SetResult(carbonapi.IssueResult{Batches: []string{id}})
}

func (Module) claimGEC(ctx *module.Context, b *carbonapi.ClaimBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if err := optText("note", b.Note, 200); err != nil {
		return err
	}
	if cy := ctx.Time.In(cst).Year(); b.Year > cy {
		return rule("year %d is in the future (it is %d): consumption is claimed for a year that has begun", b.Year, cy)
	}
	bt, err := movable(ctx, b.Batch, "claimed")
	if err != nil {
		return err
	}
	if bt.Kind != carbonapi.KindGEC {
		return rule("batch %s holds %s units, not green certificates", bt.ID, bt.Kind)
	}
	if gy, _ := strconv.Atoi(bt.Month[:4]); b.Year < gy {
		return rule("certificates generated in %s cannot be claimed for the consumption of %d, an earlier year", bt.Month, b.Year)
	}
	taken, st, err := debit(ctx, ctx.Signer.Org, bt, b.Quantity, b.Ranges)
	if err != nil {
		return err
	}
	c := &carbonapi.Closure{Kind: carbonapi.Claimed, Holder: ctx.Signer.Org, Quantity: b.Quantity, Year: b.Year, Purpose: b.Note}
	if err := closeUnits(ctx, c, bt, taken, st); err != nil {
		return err
	}
	g, err := GetGreen(ctx.Store, ctx.Signer.Org, b.Year)
	if err != nil {
		return err
	}
	g.ClaimedMWh += b.Quantity
	g.Claims++
	return module.PutJSON(ctx.Store, greenKey(g.Org, g.Year), g)
}

func (Module) declareConsumption(ctx *module.Context, b *carbonapi.ConsumptionBody) error {
	if err := checkYear("year", b.Year); err != nil {
		return err
	}
	if b.ConsumptionKWh < 1 || b.ConsumptionKWh > 1_000_000_000_000_000 {
		return malformed("consumption_kwh must be 1 to 10^15 kWh")
	}
	if err := sha("evidence_sha256", b.EvidenceSHA256); err != nil {
		return err
	}
	if cy := ctx.Time.In(cst).Year(); b.Year > cy {
		return rule("year %d is in the future (it is %d)", b.Year, cy)
	}
	g, err := GetGreen(ctx.Store, ctx.Signer.Org, b.Year)
	if err != nil {
		return err
	}
	g.Declarations++
	c := carbonapi.Consumption{Org: g.Org, Year: b.Year, Seq: g.Declarations, ConsumptionKWh: b.ConsumptionKWh, EvidenceSHA256: b.EvidenceSHA256, Stamp: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, gconsKey(g.Org, b.Year, c.Seq), &c); err != nil {
		return err
	}
	g.ConsumptionKWh, g.EvidenceSHA256, g.DeclaredAt = b.ConsumptionKWh, b.EvidenceSHA256, c.Time
	if err := module.PutJSON(ctx.Store, greenKey(g.Org, g.Year), g); err != nil {
		return err
	}
	return ctx.SetResult(carbonapi.IDResult{ID: fmt.Sprintf("%s/%d/%d", g.Org, b.Year, c.Seq)})
}

// ShareBP is claimed MWh as a share of consumed kWh, in basis points
// (floor), 10000 at most; 0 without a consumption.
func ShareBP(claimedMWh, consumptionKWh int64) int {
	if consumptionKWh <= 0 || claimedMWh <= 0 {
		return 0
	}
	if claimedMWh >= consumptionKWh/1000+1 || claimedMWh*1000 >= consumptionKWh {
		return 10_000
	}
	// claimed kWh < consumption <= 10^15: the product needs 128 bits.
	hi, lo := bits.Mul64(uint64(claimedMWh*1000), 10_000)
	q, _ := bits.Div64(hi, lo, uint64(consumptionKWh))
	return int(q)
}
