package energyplug

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

const usage = `zones --key K | market ZONE --key K [--count N] | interval ZONE YYYYMMDDhhmm --key K | statement --key K [--org ORG] [--zone Z]
       | readings METER --key K [--from IV] [--to IV] | order --key K --zone Z --interval IV|+N --side buy|sell --kwh Q --price FEN
       | cancel ORDER --key K | post-readings FILE --key K | operator --key K --zone Z [--every 10s] [--once]
       | do --key K --action NAME --body JSON|@FILE`

// run is `dengta energy ...`. Every read is for members: each subcommand
// signs its requests with --key.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "energy", usage, []cli.Sub{
		{Name: "zones", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy zones", "--key K", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of a member")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			c, _, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			pg, err := client.Read(ctx, c, energyapi.Zones, energyapi.HeightParams{})
			if err != nil {
				return err
			}
			for _, z := range pg.Items {
				t := z.Tariffs[len(z.Tariffs)-1]
				fmt.Fprintf(out, "%-16s %s · operator %s · %d min · %d meters · retail %d, feed-in %d, network %d fen/kWh\n", z.Zone, z.Name, z.Operator, z.IntervalMinutes, z.Meters, t.RetailFen, t.FeedInFen, t.WheelingFen)
			}
			return nil
		}},
		{Name: "market", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy market", "ZONE --key K [--count N]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of a member")
			count := fs.Int("count", 24, "how many intervals, at most 96")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			zone, err := cli.OneArg(pos, "zone", "dengta energy market AH-DS-LL --key k.json")
			if err != nil {
				return err
			}
			c, _, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			m, err := client.Read(ctx, c, energyapi.GetMarket, energyapi.MarketParams{Zone: zone, Count: *count})
			if err != nil {
				return err
			}
			var most int64 = 1
			for _, p := range m.Points {
				most = max(most, p.VolumeWh)
			}
			fmt.Fprintf(out, "%-16s %-8s %12s %12s %12s %6s\n", "interval", "status", "bids kWh", "asks kWh", "volume kWh", "fen")
			for _, p := range m.Points {
				bar := strings.Repeat("█", int(20*p.VolumeWh/most))
				fmt.Fprintf(out, "%-16s %-8s %12s %12s %12s %6d %s\n", intervalText(p.Interval), p.Status, kwh(p.BidWh), kwh(p.AskWh), kwh(p.VolumeWh), p.PriceFen, bar)
			}
			return nil
		}},
		{Name: "interval", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy interval", "ZONE YYYYMMDDhhmm --key K", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of a member: a participant sees its own orders and line, the operator and overseers all")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			if len(pos) != 2 {
				return cli.Fail("give the zone and the interval", "dengta energy interval AH-DS-LL 202603011015 --key k.json")
			}
			c, _, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			v, err := client.Read(ctx, c, energyapi.GetInterval, energyapi.IntervalParams{Zone: pos[0], Interval: pos[1]})
			if err != nil {
				return err
			}
			return cli.PrintJSON(out, v)
		}},
		{Name: "statement", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy statement", "--key K [--org ORG] [--zone Z]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of a member of the participant (or of its zone's operator or an overseer)")
			org := fs.String("org", "", "the participant; the key's own when absent")
			zone := fs.String("zone", "", "one zone only")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			c, key, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			if *org == "" {
				if *org, err = cli.OrgOf(ctx, c, key); err != nil {
					return err
				}
			}
			st, err := client.Read(ctx, c, energyapi.GetStmt, energyapi.OrgParams{Org: *org, Zone: *zone})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "statement of %s at height %d\n", st.Org, st.Height)
			for _, m := range st.Meters {
				fmt.Fprintf(out, "  meter %-20s %-12s %7d W, %d readings, latest %s\n", m.Meter, m.Zone, m.CapacityW, m.Readings, m.Last)
			}
			for _, l := range st.Lines {
				fmt.Fprintf(out, "  %s %s @%3d: sold %s bought %s kWh, exported %s imported %s kWh, trade %s imbalance %s net %s yuan\n", l.Zone, intervalText(l.Interval), l.PriceFen,
					kwh(l.SoldWh), kwh(l.BoughtWh), kwh(l.ExportWh), kwh(l.ImportWh), yuan(l.TradeFen), yuan(l.ImbalanceFen), yuan(l.NetFen))
			}
			fmt.Fprintf(out, "net %s yuan over %d settled intervals; %d recent orders\n", yuan(st.NetFen), len(st.Lines), len(st.Orders))
			return nil
		}},
		{Name: "readings", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy readings", "METER --key K [--from IV] [--to IV]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the meter's participant, its zone's operator or an overseer")
			from := fs.String("from", "", "first interval (YYYYMMDDhhmm)")
			to := fs.String("to", "", "last interval (YYYYMMDDhhmm)")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			meter, err := cli.OneArg(pos, "meter", "dengta energy readings 3413210000000001 --key k.json")
			if err != nil {
				return err
			}
			c, _, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			pg, err := client.Read(ctx, c, energyapi.GetReadings, energyapi.MeterParams{Meter: meter, From: *from, To: *to})
			if err != nil {
				return err
			}
			for _, r := range pg.Items {
				fmt.Fprintf(out, "%s import %s kWh export %s kWh (height %d)\n", intervalText(r.Interval), kwh(r.ImportWh), kwh(r.ExportWh), r.Height)
			}
			return nil
		}},
		{Name: "order", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy order", "--key K --zone Z --interval IV --side buy|sell --kwh Q --price FEN", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the participant's signer")
			zone := fs.String("zone", "", "the zone")
			iv := fs.String("interval", "", "the delivery interval, YYYYMMDDhhmm (China Standard Time), or +N: the N-th interval after the one under way")
			side := fs.String("side", "", "buy or sell")
			q := fs.String("kwh", "", "energy in kWh, up to three decimals")
			price := fs.Int64("price", 0, "limit price, fen per kWh")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			wh, err := ParseKWh(*q)
			if err != nil {
				return cli.Fail(err.Error(), "give --kwh like 12.5")
			}
			if n, ok := strings.CutPrefix(*iv, "+"); ok {
				ahead, err := strconv.Atoi(n)
				if err != nil || ahead < 1 {
					return cli.Fail(fmt.Sprintf("--interval %s is not +N", *iv), "give --interval +2 for the second interval after the one under way")
				}
				c, _, err := cli.Signer(*node, *keyFile)
				if err != nil {
					return err
				}
				zv, err := client.Read(ctx, c, energyapi.GetZone, energyapi.ZoneParams{Zone: *zone})
				if err != nil {
					return err
				}
				start, err := energyapi.ParseInterval(zv.Current, zv.Zone.IntervalMinutes)
				if err != nil {
					return err
				}
				*iv = energyapi.IntervalID(start.Add(time.Duration(ahead*zv.Zone.IntervalMinutes) * time.Minute))
				fmt.Fprintf(out, "interval %s\n", *iv)
			}
			return send(ctx, out, *node, *keyFile, energyapi.PlaceOrder.Name, energyapi.OrderBody{Zone: *zone, Interval: *iv, Side: *side, QuantityWh: wh, PriceFen: *price})
		}},
		{Name: "cancel", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy cancel", "ORDER --key K", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the participant's signer")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			id, err := cli.OneArg(pos, "order id", "dengta energy cancel AH-DS-LL:202603011015:3 --key k.json")
			if err != nil {
				return err
			}
			return send(ctx, out, *node, *keyFile, energyapi.CancelOrder.Name, energyapi.IDBody{ID: id})
		}},
		{Name: "post-readings", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy post-readings", "FILE --key K", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the zone operator's head-end system or of the participant")
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			name, err := cli.OneArg(pos, "readings file", "dengta energy post-readings readings.json --key k.json")
			if err != nil {
				return err
			}
			f, err := os.Open(name)
			if err != nil {
				return cli.Fail(fmt.Sprintf("open the readings: %v", err), "give a JSON file of signed readings")
			}
			defer f.Close()
			rs, err := DecodeReadings(f, 64<<20)
			if err != nil {
				return err
			}
			c, key, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			n, err := PostReadings(ctx, c, key, rs)
			fmt.Fprintf(out, "%d of %d readings recorded\n", n, len(rs))
			return err
		}},
		{Name: "operator", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("energy operator", "--key K --zone Z [--every 10s] [--once]", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the grid operator's signer")
			var zones cli.Multi
			fs.Var(&zones, "zone", "a zone the operator runs (repeat for more)")
			every := fs.Duration("every", 10*time.Second, "how often to look")
			once := fs.Bool("once", false, "look once and stop")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			if len(zones) == 0 {
				return cli.Fail("give the zones to run", "dengta energy operator --key grid.json --zone AH-DS-LL")
			}
			c, key, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			o := &Operator{Client: c, Key: key, Zones: zones}
			if *once {
				cleared, settled, err := o.Step(ctx)
				fmt.Fprintf(out, "cleared %d, settled %d\n", cleared, settled)
				return err
			}
			return o.Run(ctx, *every)
		}},
		cli.DoSub(energyapi.Name, "open_zone, set_tariff, register_meter, retire_meter, clear_interval, settle_interval, ...", `dengta energy do --key k.json --action clear_interval --body '{"zone":"AH-DS-LL","interval":"202603011015"}'`),
	}, args, out, errOut)
}

func send(ctx context.Context, out io.Writer, node, keyFile, action string, body any) error {
	return cli.Send(ctx, out, node, keyFile, energyapi.Name, action, body)
}
