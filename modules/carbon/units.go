package carbon

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// MaxPriceFen bounds the price a transfer records per unit.
const MaxPriceFen int64 = 1_000_000_000_00

func (Module) transfer(ctx *module.Context, b *carbonapi.TransferBody) error {
	if err := needOrg("to", b.To); err != nil {
		return err
	}
	if b.PriceFen < 0 || b.PriceFen > MaxPriceFen {
		return malformed("price_fen must be 0 to %d", MaxPriceFen)
	}
	if err := optText("note", b.Note, 200); err != nil {
		return err
	}
	if b.To == ctx.Signer.Org {
		return malformed("to: %s is the sender's own account", b.To)
	}
	bt, err := movable(ctx, b.Batch, "transferred")
	if err != nil {
		return err
	}
	if _, err := member(ctx.Store, "to", b.To); err != nil {
		return err
	}
	taken, st, err := debit(ctx, ctx.Signer.Org, bt, b.Quantity, b.Ranges)
	if err != nil {
		return err
	}
	if err := credit(ctx, b.To, bt, taken, st); err != nil {
		return err
	}
	if err := putStats(ctx, st); err != nil {
		return err
	}
	n, err := next(ctx, "transfer")
	if err != nil {
		return err
	}
	t := carbonapi.Transfer{ID: fmt.Sprintf("TR-%08d", n), Batch: bt.ID, Kind: bt.Kind, From: ctx.Signer.Org, To: b.To, Quantity: b.Quantity,
		Ranges: taken, PriceFen: b.PriceFen, Note: b.Note, Stamp: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, xferKey(t.ID), &t); err != nil {
		return err
	}
	for _, org := range []string{t.From, t.To} {
		if err := ctx.Store.Set(xfersKey(org, n), []byte(t.ID)); err != nil {
			return err
		}
	}
	ctx.Emit("carbon.transferred", "id", t.ID, "batch", bt.ID, "from", t.From, "to", t.To, "quantity", strconv.FormatInt(t.Quantity, 10))
	return ctx.SetResult(carbonapi.MoveResult{ID: t.ID, Batch: bt.ID, Ranges: taken})
}

// needOrg checks a required organisation id.
func needOrg(name, org string) error {
	if org == "" {
		return malformed("%s is required: an organisation id", name)
	}
	return orgID(name, org)
}

func (Module) retire(ctx *module.Context, b *carbonapi.RetireBody) error {
	if err := text("beneficiary", b.Beneficiary, 1, 100); err != nil {
		return err
	}
	if err := text("purpose", b.Purpose, 1, 200); err != nil {
		return err
	}
	if err := checkYear("claim_year", b.ClaimYear); err != nil {
		return err
	}
	if y := ctx.Time.In(cst).Year(); b.ClaimYear > y+1 {
		return rule("claim_year %d is more than a year ahead of %d", b.ClaimYear, y)
	}
	gtin := ""
	if b.GTIN != "" {
		var err error
		if gtin, err = ParseGTIN("gtin", b.GTIN); err != nil {
			return err
		}
	}
	if b.BeneficiaryOrg != "" {
		if _, err := member(ctx.Store, "beneficiary_org", b.BeneficiaryOrg); err != nil {
			return err
		}
	}
	bt, err := movable(ctx, b.Batch, "retired")
	if err != nil {
		return err
	}
	switch {
	case bt.Kind == carbonapi.KindGEC:
		return rule("batch %s holds green certificates: claim them for consumption (claim_gec) instead", bt.ID)
	case bt.Kind == carbonapi.KindCredit && bt.Vintage > b.ClaimYear:
		return rule("batch %s is of vintage %d: it cannot offset the emissions of %d, an earlier year", bt.ID, bt.Vintage, b.ClaimYear)
	}
	taken, st, err := debit(ctx, ctx.Signer.Org, bt, b.Quantity, b.Ranges)
	if err != nil {
		return err
	}
	c := &carbonapi.Closure{Kind: carbonapi.Retired, Holder: ctx.Signer.Org, Quantity: b.Quantity, Beneficiary: b.Beneficiary,
		BeneficiaryOrg: b.BeneficiaryOrg, Purpose: b.Purpose, ClaimYear: b.ClaimYear, GTIN: gtin}
	return closeUnits(ctx, c, bt, taken, st)
}

func (Module) cancel(ctx *module.Context, b *carbonapi.CancelBody) error {
	holder := b.Holder
	if holder == "" {
		holder = ctx.Signer.Org
	}
	if err := orgID("holder", holder); err != nil {
		return err
	}
	if err := text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	if holder != ctx.Signer.Org && !slices.Contains(ctx.Signer.Roles, carbonapi.Registry) {
		return unauthorized("the units are %s's; only their holder or the registry authority cancels them", holder)
	}
	if err := recordID("batch", b.Batch); err != nil {
		return err
	}
	bt, err := GetBatch(ctx.Store, b.Batch)
	if err != nil {
		return err
	}
	taken, st, err := debit(ctx, holder, bt, b.Quantity, b.Ranges)
	if err != nil {
		return err
	}
	c := &carbonapi.Closure{Kind: carbonapi.Cancelled, Holder: holder, Quantity: b.Quantity, Reason: b.Reason}
	return closeUnits(ctx, c, bt, taken, st)
}
