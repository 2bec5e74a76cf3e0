package energy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// Name is the module name used in transactions.
const Name = energyapi.Name

// Module is the energy module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	operatorRoles = []role.Role{energyapi.GridOperator}
	prosumerRoles = []role.Role{energyapi.Prosumer}
	readerRoles   = []role.Role{energyapi.GridOperator, energyapi.Prosumer}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(energyapi.OpenZone, m.openZone).For(operatorRoles...),
		module.Handle(energyapi.SetTariff, m.setTariff).For(operatorRoles...),
		module.Handle(energyapi.RegisterMtr, m.registerMeter).For(operatorRoles...),
		module.Handle(energyapi.RetireMtr, m.retireMeter).For(operatorRoles...),
		module.Handle(energyapi.PostReadings, m.postReadings).For(readerRoles...),
		module.Handle(energyapi.PlaceOrder, m.placeOrder).For(prosumerRoles...),
		module.Handle(energyapi.CancelOrder, m.cancelOrder).For(prosumerRoles...),
		module.Handle(energyapi.ClearInt, m.clear).For(operatorRoles...),
		module.Handle(energyapi.SettleInt, m.settle).For(operatorRoles...),
	}
}

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

func conflict(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
}
func rule(format string, args ...any) error {
	return errcode.New(errcode.RuleViolation, format, args...)
}
func unauthorized(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}

func stampOf(ctx *module.Context) energyapi.Stamp {
	return energyapi.Stamp{By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: fmt.Sprintf("%X", ctx.TxHash)}
}

// code checks an identifier: letters, digits and '-', min to max bytes,
// starting with a letter or digit.
func code(name, s string, minLen, maxLen int, example string) error {
	ok := len(s) >= minLen && len(s) <= maxLen
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || i > 0 && c == '-'
	}
	if !ok {
		if s == "" {
			return malformed("%s is required, e.g. %s", name, example)
		}
		return malformed("%s %q must be %d to %d letters, digits or '-', e.g. %s", name, clip(s), minLen, maxLen, example)
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func price(name string, v, limit int64) error {
	if v < 0 || v > limit {
		return malformed("%s must be 0 to %d fen per kWh, got %d", name, limit, v)
	}
	return nil
}

// GetZone returns a zone, or a not_found error.
func GetZone(r module.Getter, z string) (*energyapi.Zone, error) {
	var x energyapi.Zone
	if err := module.GetRecord(r, zoneKey(z), &x, "no trading zone %q; a grid operator opens it first (open_zone)", z); err != nil {
		return nil, err
	}
	return &x, nil
}

// GetMeter returns a meter, or a not_found error.
func GetMeter(r module.Getter, m string) (*energyapi.Meter, error) {
	var x energyapi.Meter
	if err := module.GetRecord(r, meterKey(m), &x, "no meter %q; the zone's grid operator registers it first (register_meter)", m); err != nil {
		return nil, err
	}
	return &x, nil
}

func getParticipant(r module.Getter, z, org string) (*energyapi.Participant, error) {
	p := energyapi.Participant{Org: org, Zone: z}
	_, err := module.GetJSON(r, pmetersKey(z, org), &p)
	return &p, err
}

// GetBook returns an interval's book; an empty open one when nobody
// ordered.
func GetBook(r module.Getter, z, iv string) (*energyapi.Book, error) {
	b := energyapi.Book{Zone: z, Interval: iv, Status: energyapi.BookOpen}
	_, err := module.GetJSON(r, bookKey(z, iv), &b)
	return &b, err
}

// ownZone loads a zone and requires the signer to be its operator.
func ownZone(ctx *module.Context, z, verb string) (*energyapi.Zone, error) {
	if err := code("zone", z, 2, 32, "AH-DS-LL"); err != nil {
		return nil, err
	}
	zn, err := GetZone(ctx.Store, z)
	if err != nil {
		return nil, err
	}
	if zn.Operator != ctx.Signer.Org {
		return nil, unauthorized("zone %s is operated by %s; only its operator may %s", z, zn.Operator, verb)
	}
	return zn, nil
}

// interval reads an interval id of a zone and answers its start and end.
func interval(zn *energyapi.Zone, id string) (time.Time, time.Time, error) {
	start, err := energyapi.ParseInterval(id, zn.IntervalMinutes)
	if err != nil {
		return time.Time{}, time.Time{}, malformed("interval: %v", err)
	}
	return start, start.Add(time.Duration(zn.IntervalMinutes) * time.Minute), nil
}

// intervalWh is the most energy a capacity of watts moves in one
// interval: W × minutes / 60.
func intervalWh(capacityW int64, minutes int) int64 { return capacityW * int64(minutes) / 60 }

func (Module) openZone(ctx *module.Context, b *energyapi.ZoneBody) error {
	if err := code("zone", b.Zone, 2, 32, "AH-DS-LL"); err != nil {
		return err
	}
	if err := field.Text("name", b.Name, 1, 60); err != nil {
		return err
	}
	minutes := b.IntervalMinutes
	if minutes == 0 {
		minutes = energyapi.DefaultIntervalMinutes
	}
	if !slices.Contains(energyapi.IntervalLengths, minutes) {
		return malformed("interval_minutes %d is not one of %v", minutes, energyapi.IntervalLengths)
	}
	priceCap := b.PriceCapFen
	if priceCap == 0 {
		priceCap = energyapi.DefaultPriceCapFen
	}
	if priceCap < 1 || priceCap > energyapi.MaxPriceFen {
		return malformed("price_cap_fen must be 1 to %d", energyapi.MaxPriceFen)
	}
	t := energyapi.Tariff{From: energyapi.IntervalOf(ctx.Time, minutes), RetailFen: b.RetailFen, FeedInFen: b.FeedInFen, WheelingFen: b.WheelingFen}
	if err := checkTariff(t); err != nil {
		return err
	}
	if v, err := ctx.Store.Get(zoneKey(b.Zone)); err != nil {
		return err
	} else if v != nil {
		return conflict("zone %s is open already", b.Zone)
	}
	zn := energyapi.Zone{Zone: b.Zone, Name: b.Name, Operator: ctx.Signer.Org, IntervalMinutes: minutes, PriceCapFen: priceCap,
		Tariffs: []energyapi.Tariff{t}, Opened: stampOf(ctx)}
	if err := module.PutJSON(ctx.Store, zoneKey(zn.Zone), &zn); err != nil {
		return err
	}
	ctx.Emit("energy.zone_opened", "zone", zn.Zone, "operator", zn.Operator)
	return ctx.SetResult(energyapi.IDResult{ID: zn.Zone})
}

func checkTariff(t energyapi.Tariff) error {
	for _, x := range []struct {
		name string
		v    int64
	}{{"retail_fen", t.RetailFen}, {"feed_in_fen", t.FeedInFen}, {"wheeling_fen", t.WheelingFen}} {
		if err := price(x.name, x.v, energyapi.MaxPriceFen); err != nil {
			return err
		}
	}
	if t.FeedInFen > t.RetailFen {
		return malformed("feed_in_fen %d is above retail_fen %d: a participant would be paid more for an imbalance than it costs", t.FeedInFen, t.RetailFen)
	}
	return nil
}

func (Module) setTariff(ctx *module.Context, b *energyapi.TariffBody) error {
	zn, err := ownZone(ctx, b.Zone, "set its tariffs")
	if err != nil {
		return err
	}
	start, _, err := interval(zn, b.From)
	if err != nil {
		return err
	}
	t := energyapi.Tariff{From: b.From, RetailFen: b.RetailFen, FeedInFen: b.FeedInFen, WheelingFen: b.WheelingFen}
	if err := checkTariff(t); err != nil {
		return err
	}
	if !ctx.Time.Before(start) {
		return rule("interval %s has begun; tariffs change only for intervals still open for trading", b.From)
	}
	if last := zn.Tariffs[len(zn.Tariffs)-1]; b.From <= last.From {
		return conflict("the tariffs already change at %s; a change starts after it", last.From)
	}
	if len(zn.Tariffs) >= energyapi.MaxTariffs {
		return rule("zone %s keeps %d tariffs at most", zn.Zone, energyapi.MaxTariffs)
	}
	zn.Tariffs = append(zn.Tariffs, t)
	if err := module.PutJSON(ctx.Store, zoneKey(zn.Zone), zn); err != nil {
		return err
	}
	return ctx.SetResult(energyapi.IDResult{ID: zn.Zone + ":" + b.From})
}

func (Module) registerMeter(ctx *module.Context, b *energyapi.MeterBody) error {
	if err := code("meter", b.Meter, 4, 32, "3401000012345678"); err != nil {
		return err
	}
	if b.PublicKey.Algo == 0 {
		return malformed("public_key is required: the meter's own Ed25519 or SM2 key")
	}
	if b.CapacityW < 1 || b.CapacityW > 1_000_000_000 {
		return malformed("capacity_w must be 1 to 1000000000 W")
	}
	if err := field.OrgID("org", b.Org); err != nil {
		return err
	}
	zn, err := ownZone(ctx, b.Zone, "register its meters")
	if err != nil {
		return err
	}
	o, err := module.ActiveOrg(ctx.Store, "org", b.Org)
	if err != nil {
		return err
	}
	if !role.Any(o.Roles, prosumerRoles) {
		return rule("org: %s holds %v; a meter measures a participant holding the role %s", b.Org, o.Roles, energyapi.Prosumer)
	}
	if v, err := ctx.Store.Get(meterKey(b.Meter)); err != nil {
		return err
	} else if v != nil {
		return conflict("meter %s is registered already", b.Meter)
	}
	kid := b.PublicKey.ID().String()
	if v, err := ctx.Store.Get(meterkeyKey(kid)); err != nil {
		return err
	} else if v != nil {
		return conflict("the key %s is meter %s's; every meter has its own key", kid, v)
	}
	m := energyapi.Meter{Meter: b.Meter, Zone: zn.Zone, Org: b.Org, PublicKey: b.PublicKey, CapacityW: b.CapacityW, Active: true, Registered: stampOf(ctx)}
	p, err := getParticipant(ctx.Store, zn.Zone, b.Org)
	if err != nil {
		return err
	}
	p.Meters++
	p.CapacityW += b.CapacityW
	zn.Meters++
	for _, w := range []struct {
		key []byte
		v   any
	}{{meterKey(m.Meter), &m}, {pmetersKey(zn.Zone, b.Org), p}, {zoneKey(zn.Zone), zn}} {
		if err := module.PutJSON(ctx.Store, w.key, w.v); err != nil {
			return err
		}
	}
	for _, k := range [][]byte{orgmeterKey(b.Org, m.Meter)} {
		if err := ctx.Store.Set(k, present); err != nil {
			return err
		}
	}
	if err := ctx.Store.Set(meterkeyKey(kid), []byte(m.Meter)); err != nil {
		return err
	}
	ctx.Emit("energy.meter_registered", "meter", m.Meter, "zone", zn.Zone, "org", b.Org)
	return ctx.SetResult(energyapi.IDResult{ID: m.Meter})
}

func (Module) retireMeter(ctx *module.Context, b *energyapi.RetireMeterBody) error {
	if err := code("meter", b.Meter, 4, 32, "3401000012345678"); err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	m, err := GetMeter(ctx.Store, b.Meter)
	if err != nil {
		return err
	}
	zn, err := ownZone(ctx, m.Zone, "retire its meters")
	if err != nil {
		return err
	}
	if !m.Active {
		return conflict("meter %s was retired: %s", m.Meter, m.Retired)
	}
	p, err := getParticipant(ctx.Store, zn.Zone, m.Org)
	if err != nil {
		return err
	}
	m.Active, m.Retired = false, b.Reason+" ("+field.BlockDate(ctx.Time)+")"
	p.Meters--
	p.CapacityW -= m.CapacityW
	zn.Meters--
	for _, w := range []struct {
		key []byte
		v   any
	}{{meterKey(m.Meter), m}, {pmetersKey(zn.Zone, m.Org), p}, {zoneKey(zn.Zone), zn}} {
		if err := module.PutJSON(ctx.Store, w.key, w.v); err != nil {
			return err
		}
	}
	return ctx.SetResult(energyapi.IDResult{ID: m.Meter})
}

// next increments counter name and returns its new value.
func next(ctx *module.Context, name string) (int64, error) {
	b, err := ctx.Store.Get(seqKey(name))
	if err != nil {
		return 0, err
	}
	var n int64
	if b != nil {
		if n, err = strconv.ParseInt(string(b), 10, 64); err != nil {
			return 0, err
		}
	}
	n++
	return n, ctx.Store.Set(seqKey(name), []byte(strconv.FormatInt(n, 10)))
}

// ParseOrderID splits an order id into its zone, interval and place in
// the book.
func ParseOrderID(id string) (zone, iv string, seq int, err error) {
	parts := strings.Split(id, ":")
	if len(parts) != 3 {
		return "", "", 0, malformed("id %q is not an order id zone:interval:seq", clip(id))
	}
	seq, err = strconv.Atoi(parts[2])
	if err != nil || seq < 1 || seq > energyapi.MaxBookOrders || strconv.Itoa(seq) != parts[2] {
		return "", "", 0, malformed("id %q is not an order id zone:interval:seq", clip(id))
	}
	return parts[0], parts[1], seq, nil
}
