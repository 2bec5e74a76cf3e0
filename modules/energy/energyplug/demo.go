package energyplug

import (
	"context"
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// DemoZone is the dev chain's trading zone: the distribution area of
// Liangli town's 110 kV substation, with one-minute intervals so that a
// demonstration sees intervals open, clear and settle while it watches.
const DemoZone = "AH-DS-LL"

// demoMeter is a demo participant's smart meter and how it behaves: a
// rooftop solar plant that sells (its output follows a gentle curve), or
// a consumer that buys.
type demoMeter struct {
	meter, org string
	capacityW  int64
	sells      bool
}

var demoMeters = []demoMeter{
	{"3413210000000001", "coop", 60_000, true},        // the packing house's rooftop solar
	{"3413210000000002", "school", 30_000, true},      // the school's rooftop solar
	{"3413210000000003", "market", 80_000, false},     // the supermarket
	{"3413210000000004", "foodgroup", 120_000, false}, // the food group's cold store
}

// seed records the energy story of the dev chain: the grid company (the
// demo regulator stands in for it) opens the Liangli zone, registers the
// participants' meters with their keys, and the participants bid and ask
// for the next intervals; then, for as long as the dev chain runs, a
// simulated head-end system posts the meters' signed readings after each
// interval, the participants keep trading two intervals ahead, and the
// operator's agent clears and settles every interval.
func seed(ctx context.Context, d *plug.DemoEnv) error {
	keys := map[string]*client.Key{}
	for _, org := range []string{"regulator", "coop", "school", "market", "foodgroup"} {
		k, err := d.Admin(org)
		if err != nil {
			return err
		}
		keys[org] = k
	}
	c := d.Client
	if _, err := sendAct(ctx, c, keys["regulator"], energyapi.OpenZone, energyapi.ZoneBody{Zone: DemoZone, Name: "砀山良梨 110kV 片区（演示）", IntervalMinutes: 1,
		RetailFen: 62, FeedInFen: 39, WheelingFen: 5, PriceCapFen: 120}); err != nil {
		return fmt.Errorf("open the zone: %w", err)
	}
	for _, m := range demoMeters {
		if _, err := sendAct(ctx, c, keys["regulator"], energyapi.RegisterMtr, energyapi.MeterBody{Meter: m.meter, Zone: DemoZone, Org: m.org,
			PublicKey: DemoMeterKey(m.meter).Public(), CapacityW: m.capacityW}); err != nil {
			return fmt.Errorf("register meter %s: %w", m.meter, err)
		}
	}
	sim := &demoSim{c: c, keys: keys, ordered: map[string]bool{}, posted: map[string]bool{}}
	if err := sim.step(ctx); err != nil {
		return err
	}
	go sim.run(ctx, d)
	return nil
}

// demoSim keeps the demo market going.
type demoSim struct {
	c       *client.Client
	keys    map[string]*client.Key
	ordered map[string]bool // intervals ordered
	posted  map[string]bool // intervals read
}

func (s *demoSim) run(ctx context.Context, d *plug.DemoEnv) {
	op := &Operator{Client: s.c.As(s.keys["regulator"]), Key: s.keys["regulator"], Zones: []string{DemoZone}, Logger: d.Logger}
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.step(ctx); err != nil && ctx.Err() == nil && d.Logger != nil {
			d.Logger.Warn("energy demo", "err", err)
		}
		if _, _, err := op.Step(ctx); err != nil && ctx.Err() == nil && d.Logger != nil {
			d.Logger.Warn("energy demo operator", "err", err)
		}
	}
}

// step orders the intervals two and three minutes ahead and posts the readings of the
// intervals that ended.
func (s *demoSim) step(ctx context.Context) error {
	st, err := s.c.Status(ctx)
	if err != nil {
		return err
	}
	now := st.BlockTime
	start, _ := energyapi.ParseInterval(energyapi.IntervalOf(now, 1), 1)
	for ahead := 2; ahead <= 3; ahead++ {
		at := start.Add(time.Duration(ahead) * time.Minute)
		iv := energyapi.IntervalID(at)
		if s.ordered[iv] {
			continue
		}
		s.ordered[iv] = true
		for i, m := range demoMeters {
			side, price := energyapi.Buy, int64(48+(at.Minute()+i*5)%14)
			q := demoOutput(m, at) + 100
			if m.sells {
				side, price = energyapi.Sell, int64(40+(at.Minute()+i*3)%10)
			}
			if _, err := sendAct(ctx, s.c, s.keys[m.org], energyapi.PlaceOrder, energyapi.OrderBody{Zone: DemoZone, Interval: iv, Side: side, QuantityWh: q, PriceFen: price}); err != nil {
				return fmt.Errorf("order of %s for %s: %w", m.org, iv, err)
			}
		}
	}
	// Readings of the intervals ordered that have ended, signed by each
	// meter and posted by the operator's head-end system.
	var rs []energyapi.Reading
	for iv := range s.ordered {
		t, _ := energyapi.ParseInterval(iv, 1)
		if s.posted[iv] || now.Before(t.Add(time.Minute)) {
			continue
		}
		s.posted[iv] = true
		for i, m := range demoMeters {
			out := demoOutput(m, t) + int64((t.Minute()*7+i*11)%60) - 30
			imp, exp := max(out, 0), int64(0)
			if m.sells {
				imp, exp = 0, max(out, 0)
			}
			r, err := SignReading(DemoMeterKey(m.meter), st.ChainID, m.meter, iv, imp, exp)
			if err != nil {
				return err
			}
			rs = append(rs, r)
		}
	}
	if len(rs) > 0 {
		if _, err := PostReadings(ctx, s.c, s.keys["regulator"], rs); err != nil {
			return fmt.Errorf("post readings: %w", err)
		}
	}
	return nil
}

// demoOutput is what a demo meter moves in the one-minute interval
// starting at t, Wh: a share of its capacity that varies with the minute.
func demoOutput(m demoMeter, t time.Time) int64 {
	perMin := m.capacityW / 60
	share := int64(40 + (t.Minute()*13)%40) // 40% to 79%
	return perMin * share / 100 / 2
}

func sendAct[B, R any](ctx context.Context, c *client.Client, key *client.Key, a api.Action[B, R], b B) (*R, error) {
	res, _, err := client.Send(ctx, c, key, a, b)
	return res, err
}
