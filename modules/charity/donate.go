package charity

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// donate records one donation of money.
func (Module) donate(ctx *module.Context, b *charityapi.DonateBody) error {
	if err := checkDonation("", b); err != nil {
		return err
	}
	pl := newPools(ctx)
	refs := map[string]bool{}
	d, err := recordDonation(ctx, pl, b, 0, "", refs)
	if err != nil {
		return err
	}
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.donated", "receipt", d.Receipt, "project", d.Project, "amount_fen", fen(d.AmountFen), "recorded_by", ctx.Signer.Org)
	return ctx.SetResult(charityapi.DonateResult{Receipt: d.Receipt, Project: d.Project})
}

// donateBatch records many donations of money; it is refused as a whole
// when any of them is.
func (Module) donateBatch(ctx *module.Context, b *charityapi.DonateBatchBody) error {
	if len(b.Donations) == 0 || len(b.Donations) > charityapi.MaxBatch {
		return malformed("donations must list 1 to %d donations, got %d", charityapi.MaxBatch, len(b.Donations))
	}
	for i := range b.Donations {
		if err := checkDonation(fmt.Sprintf("donations[%d].", i), &b.Donations[i]); err != nil {
			return err
		}
	}
	pl := newPools(ctx)
	refs := map[string]bool{}
	out := charityapi.BatchResult{Receipts: make([]string, len(b.Donations))}
	var total int64
	for i := range b.Donations {
		d, err := recordDonation(ctx, pl, &b.Donations[i], i, fmt.Sprintf("donations[%d]: ", i), refs)
		if err != nil {
			return err
		}
		out.Receipts[i] = d.Receipt
		total += d.AmountFen
	}
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.donated_batch", "count", fen(int64(len(out.Receipts))), "amount_fen", fen(total), "recorded_by", ctx.Signer.Org)
	return ctx.SetResult(out)
}

// pool resolves where a donation goes: the named project, or the named
// charity's general fund. It checks the pool takes money today and that
// the signer may record donations for it.
func pool(ctx *module.Context, pl *pools, at, project, org string) (*charityapi.Project, *charityapi.Org, error) {
	id := project
	if id == "" {
		id = charityapi.GeneralFund(org)
	}
	p, err := pl.project(id)
	if err != nil {
		if project == "" {
			if _, oerr := GetOrg(ctx.Store, org); oerr != nil {
				return nil, nil, oerr
			}
		}
		return nil, nil, err
	}
	if org != "" && org != p.Owner {
		return nil, nil, malformed("%sorg %s does not run project %s (%s does)", at, org, p.ID, p.Owner)
	}
	o, err := GetOrg(ctx.Store, p.Owner)
	if err != nil {
		return nil, nil, err
	}
	if err := receivable(p, today(ctx)); err != nil {
		return nil, nil, err
	}
	if _, err := module.ActiveOrg(ctx.Store, at+"the receiving charity", p.Owner); err != nil {
		return nil, nil, err
	}
	signer := ctx.Signer.Org
	if signer != p.Owner {
		if !slices.Contains(ctx.Signer.Roles, charityapi.Channel) {
			return nil, nil, unauthorized("%s records donations only for itself; a payment channel records them for other charities", signer)
		}
		if !o.PublicFundraising {
			return nil, nil, rule("%s has no public fundraising qualification (公开募捐资格); a payment channel cannot raise funds for it", p.Owner)
		}
	}
	return p, o, nil
}

// recordDonation records one donation of money: the receipt, its range at
// the end of its queue, and the project's totals.
func recordDonation(ctx *module.Context, pl *pools, b *charityapi.DonateBody, index int, at string, refs map[string]bool) (*charityapi.Donation, error) {
	p, _, err := pool(ctx, pl, at, b.Project, b.Org)
	if err != nil {
		return nil, err
	}
	var line *charityapi.Line
	if b.Line != "" {
		if line = p.Line(b.Line); line == nil {
			return nil, notFound("%sproject %s has no budget line %q", at, p.ID, b.Line)
		}
	}
	var refHash string
	if b.ChannelRef != "" {
		sum := sha256.Sum256([]byte(b.ChannelRef))
		refHash = hex.EncodeToString(sum[:])
		prev, err := ctx.Store.Get(chrefKey(ctx.Signer.Org, refHash))
		if err != nil {
			return nil, err
		}
		if prev != nil {
			return nil, conflict("%schannel_ref %q was already recorded by %s as receipt %s", at, b.ChannelRef, ctx.Signer.Org, prev)
		}
		if refs[refHash] {
			return nil, conflict("%schannel_ref %q appears twice in the batch", at, b.ChannelRef)
		}
		refs[refHash] = true
	}
	q, err := pl.queue(charityapi.QueueID(p.ID, b.Line))
	if err != nil {
		return nil, err
	}
	r, err := appendSource(q, b.AmountFen)
	if err != nil {
		return nil, err
	}
	st := stampOf(ctx)
	// The receipt number hashes the transaction (which its nonce makes
	// unique) and the donation's place in it: no record has it yet, and
	// the hot path spares the read that would check it.
	receipt := recordID(ctx, "DN", "donation", index)
	p.DonatedFen += b.AmountFen
	p.Donations++
	if line != nil {
		line.RestrictedFen += b.AmountFen
	}
	d := charityapi.Donation{Receipt: receipt, Kind: charityapi.DonationMoney, Org: p.Owner, Project: p.ID, Line: b.Line,
		AmountFen: b.AmountFen, Channel: b.Channel, ChannelRefSHA256: refHash, DonorHash: b.DonorHash, DonorName: b.DonorName,
		Message: b.Message, Queue: q.ID, Start: r.Start, End: r.End, Seq: p.Donations,
		RecordedBy: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := module.PutJSON(ctx.Store, donationKey(receipt), &d); err != nil {
		return nil, err
	}
	src := charityapi.Source{Kind: charityapi.SourceDonation, ID: receipt, Start: r.Start, End: r.End}
	if err := module.PutJSON(ctx.Store, srcKey(q.ID, r.End), &src); err != nil {
		return nil, err
	}
	if err := ctx.Store.Set(donsKey(p.ID, d.Seq), []byte(receipt)); err != nil {
		return nil, err
	}
	if refHash != "" {
		if err := ctx.Store.Set(chrefKey(ctx.Signer.Org, refHash), []byte(receipt)); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// donateInKind records a donation of items.
func (Module) donateInKind(ctx *module.Context, b *charityapi.InKindBody) error {
	if b.Project != "" {
		if err := projectID("project", b.Project); err != nil {
			return err
		}
	} else if b.Org == "" {
		return malformed("name the project given to, or the charity (org) whose general fund receives the donation")
	}
	if b.Org != "" {
		if err := field.OrgID("org", b.Org); err != nil {
			return err
		}
	}
	total, err := checkItems(b.Items)
	if err != nil {
		return err
	}
	if err := checkDonor("", b.DonorHash, b.DonorName, b.Message); err != nil {
		return err
	}
	pl := newPools(ctx)
	p, _, err := pool(ctx, pl, "", b.Project, b.Org)
	if err != nil {
		return err
	}
	st := stampOf(ctx)
	receipt := recordID(ctx, "DN", "donation", 0)
	if err := absent(ctx.Store, donationKey(receipt), "donation "+receipt); err != nil {
		return err
	}
	items := make([]charityapi.Item, len(b.Items))
	for i, it := range b.Items {
		items[i] = charityapi.Item{Name: it.Name, Quantity: it.Quantity, Unit: it.Unit, ValueFen: it.ValueFen}
	}
	p.InKindFen += total
	p.Donations++
	d := charityapi.Donation{Receipt: receipt, Kind: charityapi.DonationInKind, Org: p.Owner, Project: p.ID, AmountFen: total,
		Channel: charityapi.DonationInKind, DonorHash: b.DonorHash, DonorName: b.DonorName, Message: b.Message, Items: items,
		Seq: p.Donations, RecordedBy: st.by, Height: st.height, Time: st.time, TxHash: st.tx}
	if err := module.PutJSON(ctx.Store, donationKey(receipt), &d); err != nil {
		return err
	}
	if err := ctx.Store.Set(donsKey(p.ID, d.Seq), []byte(receipt)); err != nil {
		return err
	}
	if err := pl.flush(); err != nil {
		return err
	}
	ctx.Emit("charity.donated_in_kind", "receipt", receipt, "project", p.ID, "value_fen", fen(total), "recorded_by", ctx.Signer.Org)
	return ctx.SetResult(charityapi.DonateResult{Receipt: receipt, Project: p.ID})
}
