package energy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// Clearing and settlement of an interval, both by the zone's operator
// (its node's clearing agent, `dengta energy operate`): clearing once the
// gate has closed, settlement once the interval is over and its readings
// are in (or the grace period has passed).

// BookOrders reads an interval's orders, in book order.
func BookOrders(r module.Getter, z, iv string, n int) ([]energyapi.Order, error) {
	out := make([]energyapi.Order, 0, n)
	for seq := 1; seq <= n; seq++ {
		b, err := r.Get(orderKey(z, iv, seq))
		if err != nil {
			return nil, err
		}
		var o energyapi.Order
		if b == nil || json.Unmarshal(b, &o) != nil {
			return nil, fmt.Errorf("book %s/%s: order %d unreadable", z, iv, seq)
		}
		out = append(out, o)
	}
	return out, nil
}

func (Module) clear(ctx *module.Context, b *energyapi.IntervalBody) error {
	zn, err := ownZone(ctx, b.Zone, "clear its intervals")
	if err != nil {
		return err
	}
	start, _, err := interval(zn, b.Interval)
	if err != nil {
		return err
	}
	if ctx.Time.Before(start) {
		return rule("interval %s is open for trading until %s; it is cleared when its gate closes", b.Interval, start.In(energyapi.CST).Format("2006-01-02 15:04"))
	}
	book, err := GetBook(ctx.Store, zn.Zone, b.Interval)
	if err != nil {
		return err
	}
	switch {
	case book.Orders == 0:
		return rule("interval %s has no orders to clear", b.Interval)
	case book.Status != energyapi.BookOpen:
		return conflict("interval %s is %s already", b.Interval, book.Status)
	}
	orders, err := BookOrders(ctx.Store, zn.Zone, b.Interval, book.Orders)
	if err != nil {
		return err
	}
	bids := make([]Bid, len(orders))
	c := energyapi.Clearing{Zone: zn.Zone, Interval: b.Interval}
	for i, o := range orders {
		if o.Status != energyapi.OrderOpen {
			continue
		}
		bids[i] = Bid{Seq: o.Seq, Buy: o.Side == energyapi.Buy, Wh: o.QuantityWh, Price: o.PriceFen}
		if bids[i].Buy {
			c.Bids++
			c.BidWh += o.QuantityWh
		} else {
			c.Asks++
			c.AskWh += o.QuantityWh
		}
	}
	res := Clear(bids)
	c.PriceFen, c.VolumeWh, c.MarginalBidFen, c.MarginalAskFen = res.PriceFen, res.VolumeWh, res.MarginalBidFen, res.MarginalAskFen
	fills := map[string]*energyapi.Fill{}
	for i, o := range orders {
		if res.Filled[i] == 0 {
			continue
		}
		f, ok := fills[o.Org]
		if !ok {
			f = &energyapi.Fill{Org: o.Org, Side: o.Side}
			fills[o.Org] = f
		}
		f.FilledWh += res.Filled[i]
		f.Orders = append(f.Orders, energyapi.OrderFill{Order: o.ID, FilledWh: res.Filled[i]})
	}
	orgs := make([]string, 0, len(fills))
	for org := range fills {
		orgs = append(orgs, org)
	}
	slices.Sort(orgs)
	for n, org := range orgs {
		f := fills[org]
		var pos energyapi.Position
		if _, err := module.GetJSON(ctx.Store, posKey(zn.Zone, b.Interval, org), &pos); err != nil {
			return err
		}
		f.OrderedWh = pos.OrderedWh
		if err := module.PutJSON(ctx.Store, fillKey(zn.Zone, b.Interval, org), f); err != nil {
			return err
		}
		if err := ctx.Store.Set(partKey(zn.Zone, b.Interval, n+1), []byte(org)); err != nil {
			return err
		}
	}
	c.Participants = len(orgs)
	c.Stamp = stampOf(ctx)
	book.Status = energyapi.BookCleared
	if err := module.PutJSON(ctx.Store, clearKey(zn.Zone, b.Interval), &c); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, bookKey(zn.Zone, b.Interval), book); err != nil {
		return err
	}
	ctx.Emit("energy.cleared", "zone", zn.Zone, "interval", b.Interval, "price_fen", strconv.FormatInt(c.PriceFen, 10), "volume_wh", strconv.FormatInt(c.VolumeWh, 10))
	return ctx.SetResult(energyapi.ClearResult{PriceFen: c.PriceFen, VolumeWh: c.VolumeWh, Participants: c.Participants})
}

// GetClearing returns an interval's clearing, nil before it is cleared.
func GetClearing(r module.Getter, z, iv string) (*energyapi.Clearing, error) {
	var c energyapi.Clearing
	ok, err := module.GetJSON(r, clearKey(z, iv), &c)
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

// Settle computes an interval's lines from its clearing, the
// participants' fills, their metered delivery and the tariff, in fen. The
// buyers pay the sellers floor(volume × price / 1000) fen in all, shared
// by largest remainder on each side (Share), so that what buyers pay is
// exactly what sellers get; the network charge and the imbalances are
// each rounded half up per participant and owed to or by the grid, so
// that the lines and the grid's net add up to zero.
func Settle(c *energyapi.Clearing, t energyapi.Tariff, fills []energyapi.Fill, metered []energyapi.Metered, meters []int) ([]energyapi.Line, *energyapi.Settlement) {
	s := &energyapi.Settlement{Zone: c.Zone, Interval: c.Interval, PriceFen: c.PriceFen, Tariff: t, Participants: len(fills)}
	lines := make([]energyapi.Line, len(fills))
	var buyers, sellers []int
	var bm, sm []int64
	for i, f := range fills {
		l := &lines[i]
		l.Org, l.Meters = f.Org, meters[i]
		l.ImportWh, l.ExportWh, l.Readings = metered[i].ImportWh, metered[i].ExportWh, metered[i].Readings
		l.Missing = l.Readings < l.Meters
		if l.Missing {
			s.Missing++
		}
		if f.Side == energyapi.Buy {
			l.BoughtWh = f.FilledWh
			buyers = append(buyers, i)
			bm = append(bm, f.FilledWh*c.PriceFen)
		} else {
			l.SoldWh = f.FilledWh
			sellers = append(sellers, i)
			sm = append(sm, f.FilledWh*c.PriceFen)
		}
	}
	s.TradeFen = c.VolumeWh * c.PriceFen / 1000
	for k, v := range Share(s.TradeFen, bm) {
		lines[buyers[k]].TradeFen = -v
	}
	for k, v := range Share(s.TradeFen, sm) {
		lines[sellers[k]].TradeFen = v
	}
	for i := range lines {
		l := &lines[i]
		l.WheelingFen = -energyapi.AmountFen(l.BoughtWh, t.WheelingFen)
		s.WheelingFen -= l.WheelingFen
		l.ImbalanceWh = (l.ExportWh - l.ImportWh) - (l.SoldWh - l.BoughtWh)
		switch {
		case l.ImbalanceWh > 0:
			l.ImbalanceFen = energyapi.AmountFen(l.ImbalanceWh, t.FeedInFen)
			s.CreditsFen += l.ImbalanceFen
		case l.ImbalanceWh < 0:
			l.ImbalanceFen = -energyapi.AmountFen(-l.ImbalanceWh, t.RetailFen)
			s.ChargesFen -= l.ImbalanceFen
		}
		l.NetFen = l.TradeFen + l.WheelingFen + l.ImbalanceFen
	}
	s.GridFen = s.WheelingFen + s.ChargesFen - s.CreditsFen
	return lines, s
}

func (Module) settle(ctx *module.Context, b *energyapi.IntervalBody) error {
	zn, err := ownZone(ctx, b.Zone, "settle its intervals")
	if err != nil {
		return err
	}
	_, end, err := interval(zn, b.Interval)
	if err != nil {
		return err
	}
	book, err := GetBook(ctx.Store, zn.Zone, b.Interval)
	if err != nil {
		return err
	}
	switch book.Status {
	case energyapi.BookSettled:
		return conflict("interval %s is settled already", b.Interval)
	case energyapi.BookOpen:
		if book.Orders == 0 {
			return rule("interval %s had no orders; there is nothing to settle", b.Interval)
		}
		return conflict("interval %s is not cleared yet; clear it first", b.Interval)
	}
	if ctx.Time.Before(end) {
		return rule("interval %s is delivered until %s; it is settled after", b.Interval, end.In(energyapi.CST).Format("15:04"))
	}
	c, err := GetClearing(ctx.Store, zn.Zone, b.Interval)
	if err != nil || c == nil {
		return fmt.Errorf("interval %s: cleared without a clearing record: %v", b.Interval, err)
	}
	fills := make([]energyapi.Fill, c.Participants)
	metered := make([]energyapi.Metered, c.Participants)
	meters := make([]int, c.Participants)
	missing := 0
	for n := range c.Participants {
		org, err := ctx.Store.Get(partKey(zn.Zone, b.Interval, n+1))
		if err != nil || org == nil {
			return fmt.Errorf("interval %s: participant %d unreadable: %v", b.Interval, n+1, err)
		}
		if _, err := module.GetJSON(ctx.Store, fillKey(zn.Zone, b.Interval, string(org)), &fills[n]); err != nil {
			return err
		}
		metered[n].Org = string(org)
		if _, err := module.GetJSON(ctx.Store, meteredKey(zn.Zone, b.Interval, string(org)), &metered[n]); err != nil {
			return err
		}
		p, err := getParticipant(ctx.Store, zn.Zone, string(org))
		if err != nil {
			return err
		}
		meters[n] = p.Meters
		if metered[n].Readings < p.Meters {
			missing++
		}
	}
	if grace := end.Add(energyapi.SettleGraceMinutes * time.Minute); missing > 0 && ctx.Time.Before(grace) {
		return rule("%d participants' readings of %s are not all in; settlement waits for them until %s, then counts missing ones as zero", missing, b.Interval,
			grace.In(energyapi.CST).Format("2006-01-02 15:04"))
	}
	lines, s := Settle(c, zn.TariffAt(b.Interval), fills, metered, meters)
	for _, l := range lines {
		if err := module.PutJSON(ctx.Store, lineKey(zn.Zone, b.Interval, l.Org), &l); err != nil {
			return err
		}
		if err := ctx.Store.Set(orglineKey(l.Org, zn.Zone, b.Interval), present); err != nil {
			return err
		}
	}
	s.Stamp = stampOf(ctx)
	if err := module.PutJSON(ctx.Store, settleKey(zn.Zone, b.Interval), s); err != nil {
		return err
	}
	book.Status = energyapi.BookSettled
	if err := module.PutJSON(ctx.Store, bookKey(zn.Zone, b.Interval), book); err != nil {
		return err
	}
	if err := ctx.Store.Delete(dueKey(zn.Zone, b.Interval)); err != nil {
		return err
	}
	ctx.Emit("energy.settled", "zone", zn.Zone, "interval", b.Interval, "trade_fen", strconv.FormatInt(s.TradeFen, 10), "grid_fen", strconv.FormatInt(s.GridFen, 10))
	return ctx.SetResult(energyapi.SettleResult{TradeFen: s.TradeFen, GridFen: s.GridFen, Missing: s.Missing})
}
