package energyplug

import (
	"context"
	"log/slog"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// Operator is a zone operator's clearing agent: it clears every interval
// of its zones once the gate has closed and settles it once delivered and
// metered, through its node's API with the operator's key. The chain
// decides nothing by the agent's clock: it only asks early, and the node
// refuses what is early.
type Operator struct {
	Client *client.Client // the node's API, signing as the operator
	Key    *client.Key
	Zones  []string
	Logger *slog.Logger
}

// Step looks at each zone once: it clears what can be cleared and settles
// what can be settled, and answers how many it did.
func (o *Operator) Step(ctx context.Context) (cleared, settled int, err error) {
	st, err := o.Client.Status(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, z := range o.Zones {
		zv, err := client.Read(ctx, o.Client, energyapi.GetZone, energyapi.ZoneParams{Zone: z})
		if err != nil {
			return cleared, settled, err
		}
		minutes := time.Duration(zv.Zone.IntervalMinutes) * time.Minute
		for _, b := range zv.Due {
			start, err := energyapi.ParseInterval(b.Interval, zv.Zone.IntervalMinutes)
			if err != nil {
				continue
			}
			body := energyapi.IntervalBody{Zone: z, Interval: b.Interval}
			switch {
			case b.Status == energyapi.BookOpen && !st.BlockTime.Before(start):
				res, _, err := client.Send(ctx, o.Client, o.Key, energyapi.ClearInt, body)
				if err != nil {
					o.log().Warn("clear", "zone", z, "interval", b.Interval, "err", err)
					continue
				}
				cleared++
				o.log().Info("cleared", "zone", z, "interval", b.Interval, "price_fen", res.PriceFen, "volume_wh", res.VolumeWh)
			case b.Status == energyapi.BookCleared && !st.BlockTime.Before(start.Add(minutes)):
				res, _, err := client.Send(ctx, o.Client, o.Key, energyapi.SettleInt, body)
				if client.IsCode(err, "rule_violation") {
					continue // readings still coming
				}
				if err != nil {
					o.log().Warn("settle", "zone", z, "interval", b.Interval, "err", err)
					continue
				}
				settled++
				o.log().Info("settled", "zone", z, "interval", b.Interval, "trade_fen", res.TradeFen, "grid_fen", res.GridFen, "missing", res.Missing)
			}
		}
	}
	return cleared, settled, nil
}

// Run steps every interval until ctx ends.
func (o *Operator) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := o.Step(ctx); err != nil && ctx.Err() == nil {
			o.log().Warn("operator step", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (o *Operator) log() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}
