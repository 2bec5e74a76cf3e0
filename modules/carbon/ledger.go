package carbon

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// The ledger. Every batch numbers its units 1..quantity; each serial is
// active in exactly one account (a Holding: disjoint sorted ranges) or
// named by exactly one closure, for good. Issuing puts [1, quantity] in the
// receiver's account; a transfer takes ranges out of one account and puts
// them in another, splitting and merging ranges; a closure takes them out
// for good. The batch's statistics count the serials by state and always
// add up to its quantity; the registry's totals add the batches up by
// unit kind.

// takeRanges removes serials from the sorted ranges held: the explicit
// ones (sorted, each within one held range, since adjacent held ranges are
// merged), or the lowest qty serials. It returns what remains and what was
// taken.
func takeRanges(held []carbonapi.Range, qty int64, explicit []carbonapi.Range) (rest, taken []carbonapi.Range, err error) {
	if explicit == nil {
		rest = make([]carbonapi.Range, 0, len(held))
		left := qty
		for _, r := range held {
			switch {
			case left == 0:
				rest = append(rest, r)
			case r.Len() <= left:
				taken = append(taken, r)
				left -= r.Len()
			default:
				taken = append(taken, carbonapi.Range{From: r.From, To: r.From + left - 1})
				rest = append(rest, carbonapi.Range{From: r.From + left, To: r.To})
				left = 0
			}
		}
		if left > 0 {
			return nil, nil, rule("the account holds %d of the batch; %d asked", carbonapi.Total(held), qty)
		}
		return rest, taken, nil
	}
	rest = slices.Clone(held)
	for _, e := range explicit {
		i, found := slices.BinarySearchFunc(rest, e.From, func(r carbonapi.Range, from int64) int {
			switch {
			case r.To < from:
				return -1
			case r.From > from:
				return 1
			}
			return 0
		})
		if !found || rest[i].To < e.To {
			return nil, nil, rule("serials %s are not all held in the account", e)
		}
		r := rest[i]
		var parts []carbonapi.Range
		if r.From < e.From {
			parts = append(parts, carbonapi.Range{From: r.From, To: e.From - 1})
		}
		if e.To < r.To {
			parts = append(parts, carbonapi.Range{From: e.To + 1, To: r.To})
		}
		rest = slices.Replace(rest, i, i+1, parts...)
		taken = append(taken, e)
	}
	return rest, taken, nil
}

// addRanges merges ranges into the sorted ranges held. An overlap means
// the ledger is broken: some serial would be in two places.
func addRanges(held, add []carbonapi.Range) ([]carbonapi.Range, error) {
	out := slices.Concat(held, add)
	slices.SortFunc(out, func(a, b carbonapi.Range) int {
		switch {
		case a.From < b.From:
			return -1
		case a.From > b.From:
			return 1
		}
		return 0
	})
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 {
			last := &merged[n-1]
			if r.From <= last.To {
				return nil, fmt.Errorf("ledger: serials %s and %s overlap", *last, r)
			}
			if r.From == last.To+1 {
				last.To = r.To
				continue
			}
		}
		merged = append(merged, r)
	}
	return merged, nil
}

// putHolding writes a holding, or deletes it and its holder entry when
// empty; it keeps the batch's count of holders.
func putHolding(ctx *module.Context, h *carbonapi.Holding, wasEmpty bool, st *carbonapi.BatchStats) error {
	h.Quantity = carbonapi.Total(h.Ranges)
	if h.Quantity == 0 {
		if !wasEmpty {
			st.Holders--
		}
		if err := ctx.Store.Delete(holdKey(h.Org, h.Batch)); err != nil {
			return err
		}
		return ctx.Store.Delete(holderKey(h.Batch, h.Org))
	}
	if len(h.Ranges) > carbonapi.MaxHoldingRanges {
		return rule("the account of %s would hold %d separate ranges of batch %s; at most %d: move whole ranges (give ranges) so that they stay together",
			h.Org, len(h.Ranges), h.Batch, carbonapi.MaxHoldingRanges)
	}
	if wasEmpty {
		st.Holders++
		if err := ctx.Store.Set(holderKey(h.Batch, h.Org), present); err != nil {
			return err
		}
	}
	return module.PutJSON(ctx.Store, holdKey(h.Org, h.Batch), h)
}

func putStats(ctx *module.Context, st *carbonapi.BatchStats) error {
	return module.PutJSON(ctx.Store, bstatKey(st.Batch), st)
}

// count moves n serials of a batch from active to state in its
// statistics and the registry's totals (state "" issues n new serials).
func count(ctx *module.Context, b *carbonapi.Batch, st *carbonapi.BatchStats, state string, n int64) error {
	t, err := getTotals(ctx.Store, b.Kind)
	if err != nil {
		return err
	}
	switch state {
	case "":
		st.Active += n
		t.Issued += n
		t.Active += n
		t.Batches++
	case carbonapi.Retired:
		st.Active, st.Retired = st.Active-n, st.Retired+n
		t.Active, t.Retired = t.Active-n, t.Retired+n
	case carbonapi.Cancelled:
		st.Active, st.Cancelled = st.Active-n, st.Cancelled+n
		t.Active, t.Cancelled = t.Active-n, t.Cancelled+n
	case carbonapi.Claimed:
		st.Active, st.Claimed = st.Active-n, st.Claimed+n
		t.Active, t.Claimed = t.Active-n, t.Claimed+n
	case carbonapi.Surrendered:
		st.Active, st.Surrendered = st.Active-n, st.Surrendered+n
		t.Active, t.Surrendered = t.Active-n, t.Surrendered+n
	default:
		return fmt.Errorf("ledger: unknown state %q", state)
	}
	if st.Active < 0 || st.Active+st.Retired+st.Cancelled+st.Claimed+st.Surrendered != b.Quantity && state != "" {
		return fmt.Errorf("ledger: batch %s counts %+v against a quantity of %d", b.ID, *st, b.Quantity)
	}
	return module.PutJSON(ctx.Store, totalKey(b.Kind), t)
}

// newBatch writes a new batch of b.Quantity serials, all active in
// b.IssuedTo's account.
func newBatch(ctx *module.Context, b *carbonapi.Batch) error {
	if err := absent(ctx.Store, batchKey(b.ID), "batch "+b.ID); err != nil {
		return err
	}
	b.Unit = carbonapi.UnitOf(b.Kind)
	b.Issued = stampOf(ctx)
	if err := module.PutJSON(ctx.Store, batchKey(b.ID), b); err != nil {
		return err
	}
	if err := ctx.Store.Set(kindKey(b.Kind, b.ID), present); err != nil {
		return err
	}
	st := &carbonapi.BatchStats{Batch: b.ID}
	if err := count(ctx, b, st, "", b.Quantity); err != nil {
		return err
	}
	h := &carbonapi.Holding{Org: b.IssuedTo, Batch: b.ID, Ranges: []carbonapi.Range{{From: 1, To: b.Quantity}}}
	if err := putHolding(ctx, h, true, st); err != nil {
		return err
	}
	ctx.Emit("carbon.issued", "batch", b.ID, "kind", b.Kind, "to", b.IssuedTo, "quantity", fmt.Sprint(b.Quantity))
	return putStats(ctx, st)
}

// batchID makes a new batch's id: CCB-<vintage>, CEA-<year> or
// GEC-<YYYYMM>, then the registry's batch counter.
func batchID(ctx *module.Context, kind, period string) (string, error) {
	n, err := next(ctx, "batch")
	if err != nil {
		return "", err
	}
	p := map[string]string{carbonapi.KindCredit: "CCB", carbonapi.KindAllowance: "CEA", carbonapi.KindGEC: "GEC"}[kind]
	return fmt.Sprintf("%s-%s-%06d", p, period, n), nil
}

// movable loads a batch whose units are to move or end, and refuses
// green certificates past their expiry.
func movable(ctx *module.Context, id, verb string) (*carbonapi.Batch, error) {
	if err := recordID("batch", id); err != nil {
		return nil, err
	}
	b, err := GetBatch(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if b.Kind == carbonapi.KindGEC && today(ctx) >= b.ExpiresOn {
		return nil, rule("the green certificates of batch %s (generated %s) expired on %s and can no longer be %s", b.ID, b.Month, b.ExpiresOn, verb)
	}
	return b, nil
}

// debit takes qty serials (the explicit ranges, or the lowest held) out of
// org's account of batch b. It answers the serials taken and the batch's
// statistics, which the caller counts and writes.
func debit(ctx *module.Context, org string, b *carbonapi.Batch, qty int64, ranges []carbonapi.Range) ([]carbonapi.Range, *carbonapi.BatchStats, error) {
	if err := checkQuantity("quantity", qty); err != nil {
		return nil, nil, err
	}
	var explicit []carbonapi.Range
	if len(ranges) > 0 {
		var err error
		if explicit, err = normRanges(ranges, b.Quantity, qty); err != nil {
			return nil, nil, err
		}
	}
	h, err := GetHolding(ctx.Store, org, b.ID)
	if err != nil {
		return nil, nil, err
	}
	if h.Quantity == 0 {
		return nil, nil, rule("%s holds no units of batch %s", org, b.ID)
	}
	if explicit == nil && h.Quantity < qty {
		return nil, nil, rule("%s holds %d %s of batch %s; %d asked", org, h.Quantity, b.Unit, b.ID, qty)
	}
	rest, taken, err := takeRanges(h.Ranges, qty, explicit)
	if err != nil {
		return nil, nil, err
	}
	st, err := GetStats(ctx.Store, b.ID)
	if err != nil {
		return nil, nil, err
	}
	h.Ranges = rest
	if err := putHolding(ctx, h, false, st); err != nil {
		return nil, nil, err
	}
	return taken, st, nil
}

// credit puts serials into org's account of batch b.
func credit(ctx *module.Context, org string, b *carbonapi.Batch, rs []carbonapi.Range, st *carbonapi.BatchStats) error {
	h, err := GetHolding(ctx.Store, org, b.ID)
	if err != nil {
		return err
	}
	wasEmpty := h.Quantity == 0
	if h.Ranges, err = addRanges(h.Ranges, rs); err != nil {
		return err
	}
	return putHolding(ctx, h, wasEmpty, st)
}

// closeUnits ends the life of serials taken out of c.Holder's account:
// it counts them in their new state, writes the closure with its id and
// indexes it (surrenders only under their compliance position).
func closeUnits(ctx *module.Context, c *carbonapi.Closure, b *carbonapi.Batch, taken []carbonapi.Range, st *carbonapi.BatchStats) error {
	if err := count(ctx, b, st, c.Kind, c.Quantity); err != nil {
		return err
	}
	if err := putStats(ctx, st); err != nil {
		return err
	}
	n, err := next(ctx, "closure")
	if err != nil {
		return err
	}
	p := map[string]string{carbonapi.Retired: "RT", carbonapi.Cancelled: "CX", carbonapi.Claimed: "CL", carbonapi.Surrendered: "SR"}[c.Kind]
	c.ID = fmt.Sprintf("%s-%08d", p, n)
	c.Batch, c.BatchKind, c.Unit, c.Ranges = b.ID, b.Kind, b.Unit, taken
	c.Project, c.Methodology, c.Vintage = b.Project, b.Methodology, b.Vintage
	c.Plant, c.Month, c.Technology = b.Plant, b.Month, b.Technology
	if b.Project != "" {
		if p, err := GetProject(ctx.Store, b.Project); err == nil {
			c.ProjectName = p.Name
		}
	}
	c.Stamp = stampOf(ctx)
	if err := module.PutJSON(ctx.Store, closureKey(c.ID), c); err != nil {
		return err
	}
	if c.Kind != carbonapi.Surrendered {
		for _, k := range [][]byte{closuresKey(n), closedbyKey(c.Holder, n), bclosureKey(b.ID, n)} {
			if err := ctx.Store.Set(k, []byte(c.ID)); err != nil {
				return err
			}
		}
	}
	if c.GTIN != "" {
		if err := ctx.Store.Set(offsetKey(c.GTIN, n), []byte(c.ID)); err != nil {
			return err
		}
	}
	if c.Kind == carbonapi.Claimed {
		if err := ctx.Store.Set(gclaimKey(c.Holder, c.Year, n), []byte(c.ID)); err != nil {
			return err
		}
	}
	ctx.Emit("carbon."+c.Kind, "id", c.ID, "batch", b.ID, "holder", c.Holder, "quantity", fmt.Sprint(c.Quantity))
	return ctx.SetResult(carbonapi.MoveResult{ID: c.ID, Batch: b.ID, Ranges: taken})
}
