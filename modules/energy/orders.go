package energy

import (
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// MaxAhead is how far ahead an interval takes orders: two days, the
// day-ahead market's horizon with a day to spare.
const MaxAhead = 48 * time.Hour

func (Module) placeOrder(ctx *module.Context, b *energyapi.OrderBody) error {
	if err := code("zone", b.Zone, 2, 32, "AH-DS-LL"); err != nil {
		return err
	}
	if err := field.OneOf("side", b.Side, energyapi.Sides); err != nil {
		return err
	}
	if b.QuantityWh < 1 || b.QuantityWh > 1_000_000_000_000 {
		return malformed("quantity_wh must be 1 Wh to 1000000000000 Wh (1 TWh), got %d", b.QuantityWh)
	}
	zn, err := GetZone(ctx.Store, b.Zone)
	if err != nil {
		return err
	}
	if err := price("price_fen", b.PriceFen, zn.PriceCapFen); err != nil {
		return err
	}
	start, _, err := interval(zn, b.Interval)
	if err != nil {
		return err
	}
	if !ctx.Time.Before(start) {
		return rule("the gate of interval %s closed at its start, %s; order for a later interval", b.Interval, start.In(energyapi.CST).Format("2006-01-02 15:04"))
	}
	if start.Sub(ctx.Time) > MaxAhead {
		return rule("interval %s is more than %s ahead; orders open two days before delivery", b.Interval, MaxAhead)
	}
	p, err := getParticipant(ctx.Store, zn.Zone, ctx.Signer.Org)
	if err != nil {
		return err
	}
	if p.Meters == 0 {
		return rule("%s has no active meter in zone %s; the grid operator registers one first", ctx.Signer.Org, zn.Zone)
	}
	pos := energyapi.Position{Org: ctx.Signer.Org, Side: b.Side, Orders: []string{}}
	if _, err := module.GetJSON(ctx.Store, posKey(zn.Zone, b.Interval, ctx.Signer.Org), &pos); err != nil {
		return err
	}
	if pos.OrderedWh > 0 && pos.Side != b.Side {
		return conflict("%s has %s orders in interval %s; a participant takes one side of an interval", ctx.Signer.Org, pos.Side, b.Interval)
	}
	pos.Side = b.Side
	if limit := intervalWh(p.CapacityW, zn.IntervalMinutes); pos.OrderedWh+b.QuantityWh > limit {
		return rule("%s's meters (%d W) move at most %d Wh in %d minutes; %d Wh are ordered already", ctx.Signer.Org, p.CapacityW, limit, zn.IntervalMinutes, pos.OrderedWh)
	}
	book, err := GetBook(ctx.Store, zn.Zone, b.Interval)
	if err != nil {
		return err
	}
	if book.Orders >= energyapi.MaxBookOrders {
		return rule("the book of %s is full (%d orders)", b.Interval, energyapi.MaxBookOrders)
	}
	book.Orders++
	book.Open++
	if b.Side == energyapi.Buy {
		book.BuyWh += b.QuantityWh
	} else {
		book.SellWh += b.QuantityWh
	}
	o := energyapi.Order{ID: OrderID(zn.Zone, b.Interval, book.Orders), Zone: zn.Zone, Interval: b.Interval, Seq: book.Orders, Org: ctx.Signer.Org,
		Side: b.Side, QuantityWh: b.QuantityWh, PriceFen: b.PriceFen, Status: energyapi.OrderOpen, Placed: stampOf(ctx)}
	pos.OrderedWh += b.QuantityWh
	pos.Orders = append(pos.Orders, o.ID)
	n, err := next(ctx, "order")
	if err != nil {
		return err
	}
	for _, w := range []struct {
		key []byte
		v   any
	}{{orderKey(zn.Zone, b.Interval, o.Seq), &o}, {posKey(zn.Zone, b.Interval, o.Org), &pos}, {bookKey(zn.Zone, b.Interval), book}} {
		if err := module.PutJSON(ctx.Store, w.key, w.v); err != nil {
			return err
		}
	}
	if err := ctx.Store.Set(orgorderKey(o.Org, n), []byte(o.ID)); err != nil {
		return err
	}
	if book.Orders == 1 {
		if err := ctx.Store.Set(dueKey(zn.Zone, b.Interval), present); err != nil {
			return err
		}
	}
	return ctx.SetResult(energyapi.IDResult{ID: o.ID})
}

// GetOrder returns an order, or a not_found error.
func GetOrder(r module.Getter, id string) (*energyapi.Order, error) {
	z, iv, seq, err := ParseOrderID(id)
	if err != nil {
		return nil, err
	}
	var o energyapi.Order
	if err := module.GetRecord(r, orderKey(z, iv, seq), &o, "no order %q", id); err != nil {
		return nil, err
	}
	return &o, nil
}

func (Module) cancelOrder(ctx *module.Context, b *energyapi.IDBody) error {
	o, err := GetOrder(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if o.Org != ctx.Signer.Org {
		return unauthorized("order %s is %s's; only it withdraws it", o.ID, o.Org)
	}
	if o.Status != energyapi.OrderOpen {
		return conflict("order %s is %s", o.ID, o.Status)
	}
	zn, err := GetZone(ctx.Store, o.Zone)
	if err != nil {
		return err
	}
	start, _, err := interval(zn, o.Interval)
	if err != nil {
		return err
	}
	if !ctx.Time.Before(start) {
		return rule("the gate of interval %s closed; its orders stand", o.Interval)
	}
	book, err := GetBook(ctx.Store, o.Zone, o.Interval)
	if err != nil {
		return err
	}
	var pos energyapi.Position
	if _, err := module.GetJSON(ctx.Store, posKey(o.Zone, o.Interval, o.Org), &pos); err != nil {
		return err
	}
	o.Status = energyapi.OrderCancelled
	book.Open--
	if o.Side == energyapi.Buy {
		book.BuyWh -= o.QuantityWh
	} else {
		book.SellWh -= o.QuantityWh
	}
	pos.OrderedWh -= o.QuantityWh
	pos.Orders = slices.DeleteFunc(pos.Orders, func(id string) bool { return id == o.ID })
	if err := module.PutJSON(ctx.Store, orderKey(o.Zone, o.Interval, o.Seq), o); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, bookKey(o.Zone, o.Interval), book); err != nil {
		return err
	}
	if pos.OrderedWh == 0 {
		if err := ctx.Store.Delete(posKey(o.Zone, o.Interval, o.Org)); err != nil {
			return err
		}
	} else if err := module.PutJSON(ctx.Store, posKey(o.Zone, o.Interval, o.Org), &pos); err != nil {
		return err
	}
	return ctx.SetResult(energyapi.IDResult{ID: o.ID})
}
