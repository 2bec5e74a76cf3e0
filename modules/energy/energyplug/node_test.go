package energyplug_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/modules/energy/energyplug"
)

func loadKey(t *testing.T, home, org string) *client.Key {
	t.Helper()
	k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func send[B, R any](t *testing.T, c *client.Client, k *client.Key, a api.Action[B, R], b B) *R {
	t.Helper()
	res, _, err := client.Send(context.Background(), c, k, a, b)
	if err != nil {
		t.Fatalf("%s: %v", a.Route(), err)
	}
	return res
}

// TestDemoMarket runs the module's demo story on a dev chain through its
// API, as `dengta dev` does: the zone opened, the meters registered, the
// participants ordering ahead, the simulated head-end posting signed
// readings and the operator's agent clearing and settling. It waits for
// an interval to be settled and checks its lines and the grid's net add
// up to zero to the fen, and what each caller may read: a participant
// its own orders, line and statement, the operator and the regulator
// every one, another member none of a participant's data; a reading
// altered after its meter signed it is refused; then the CLI reads the
// market and the statement.
func TestDemoMarket(t *testing.T) {
	d, home := nodetest.Dev(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := client.New(d.GatewayURL)
	var logs bytes.Buffer
	env := &plug.DemoEnv{Client: c, PublicURL: d.GatewayURL, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Admin: func(org string) (*client.Key, error) {
			return client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
		}}
	if err := energyplug.Module().Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}
	grid, coop, market, bank := loadKey(t, home, "regulator"), loadKey(t, home, "coop"), loadKey(t, home, "market"), loadKey(t, home, "bank")

	// Wait for the first settled interval: the agent steps every 10 s.
	var settled string
	deadline := time.Now().Add(4 * time.Minute)
	for settled == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no interval settled in 4 minutes; the demo's log:\n%s", logs.String())
		}
		time.Sleep(2 * time.Second)
		m, err := client.Read(ctx, c.As(coop), energyapi.GetMarket, energyapi.MarketParams{Zone: energyplug.DemoZone})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m.Points {
			if p.Status == energyapi.BookSettled {
				settled = p.Interval
				if p.VolumeWh <= 0 || p.PriceFen <= 0 {
					t.Fatalf("settled interval %s traded %d Wh at %d fen", p.Interval, p.VolumeWh, p.PriceFen)
				}
				break
			}
		}
	}
	all, err := client.Read(ctx, c.As(grid), energyapi.GetInterval, energyapi.IntervalParams{Zone: energyplug.DemoZone, Interval: settled})
	if err != nil {
		t.Fatal(err)
	}
	if all.Settlement == nil || all.Clearing == nil || len(all.Lines) != all.Clearing.Participants || len(all.Lines) < 2 || len(all.Orders) != 4 {
		t.Fatalf("the operator sees settlement %v, %d lines, %d orders; want a line per filled participant and the 4 orders", all.Settlement, len(all.Lines), len(all.Orders))
	}
	sum := all.Settlement.GridFen
	var sold, bought int64
	for _, l := range all.Lines {
		sum += l.NetFen
		sold += l.SoldWh
		bought += l.BoughtWh
		if l.Readings != 1 || l.Missing {
			t.Errorf("%s: %d readings, missing %v; the head-end posted its meter's", l.Org, l.Readings, l.Missing)
		}
	}
	if sum != 0 || sold != bought || sold != all.Clearing.VolumeWh {
		t.Fatalf("settlement of %s: lines and grid sum to %d fen, sold %d, bought %d, cleared %d Wh", settled, sum, sold, bought, all.Clearing.VolumeWh)
	}
	own, err := client.Read(ctx, c.As(coop), energyapi.GetInterval, energyapi.IntervalParams{Zone: energyplug.DemoZone, Interval: settled})
	if err != nil {
		t.Fatal(err)
	}
	if len(own.Lines) > 1 || len(own.Lines) == 1 && own.Lines[0].Org != "coop" || len(own.Orders) != 1 || own.Orders[0].Org != "coop" || own.Clearing == nil {
		t.Fatalf("the cooperative sees %d lines, %d orders: want its own only, and the clearing", len(own.Lines), len(own.Orders))
	}
	if _, err := client.Read(ctx, c.As(market), energyapi.GetStmt, energyapi.OrgParams{Org: "coop"}); !client.IsCode(err, "unauthorized") {
		t.Fatalf("the supermarket read the cooperative's statement: %v", err)
	}
	if _, err := client.Read(ctx, c.As(bank), energyapi.GetReadings, energyapi.MeterParams{Meter: "3413210000000001"}); !client.IsCode(err, "unauthorized") {
		t.Fatalf("the bank read the cooperative's meter: %v", err)
	}
	if _, err := client.Read(ctx, c, energyapi.Zones, energyapi.HeightParams{}); !client.IsCode(err, "unauthenticated") {
		t.Fatalf("an anonymous caller listed the zones: %v", err)
	}
	st, err := client.Read(ctx, c.As(grid), energyapi.GetStmt, energyapi.OrgParams{Org: "coop"})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Meters) != 1 || st.Meters[0].Readings < 1 {
		t.Fatalf("the operator sees the cooperative's statement %+v", st)
	}
	rs, err := client.Read(ctx, c.As(coop), energyapi.GetReadings, energyapi.MeterParams{Meter: "3413210000000001"})
	if err != nil || len(rs.Items) < 1 {
		t.Fatalf("the cooperative's readings: %v, %v", rs, err)
	}

	// A reading altered after its meter signed it is refused, and one
	// posted twice.
	r := rs.Items[0].Reading
	r.ExportWh++
	if _, _, err := client.Send(ctx, c, grid, energyapi.PostReadings, energyapi.ReadingsBody{Readings: []energyapi.Reading{r}}); err == nil {
		t.Fatal("a reading altered after signing was recorded")
	}
	if _, _, err := client.Send(ctx, c, grid, energyapi.PostReadings, energyapi.ReadingsBody{Readings: []energyapi.Reading{rs.Items[0].Reading}}); err == nil {
		t.Fatal("a reading was recorded twice")
	}

	// The CLI, signing as the cooperative.
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		args = append(args, "--node", d.GatewayURL)
		if err := energyplug.Module().CLI[0].Run(ctx, args, &out, &errOut); err != nil {
			t.Fatalf("dengta energy %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
		}
		return out.String()
	}
	key := devnet.KeyFile(filepath.Join(home, "keys"), "coop")
	if out := run("market", energyplug.DemoZone, "--key", key); !strings.Contains(out, "settled") || !strings.Contains(out, "█") {
		t.Fatalf("dengta energy market:\n%s", out)
	}
	if out := run("statement", "--key", key); !strings.Contains(out, "statement of coop") || !strings.Contains(out, "meter 3413210000000001") {
		t.Fatalf("dengta energy statement:\n%s", out)
	}
	if out := run("zones", "--key", key); !strings.Contains(out, energyplug.DemoZone) {
		t.Fatalf("dengta energy zones:\n%s", out)
	}
	var errOut bytes.Buffer
	err = energyplug.Module().CLI[0].Run(ctx, []string{"statement", "--org", "market", "--key", key, "--node", d.GatewayURL}, &bytes.Buffer{}, &errOut)
	if err == nil {
		t.Fatal("the CLI showed another participant's statement")
	}
	_ = send[energyapi.IDBody, energyapi.IDResult]
}
