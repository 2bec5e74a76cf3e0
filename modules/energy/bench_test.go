package energy_test

import (
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

func benchChain(b *testing.B) *testchain.Chain {
	c := testchain.New(b, testchain.Options{Modules: []module.Module{energy.Module{}}, Roles: role.MustSet(energyapi.Roles...),
		Orgs: testOrgs, Time: start, Seed: 5, Dir: b.TempDir()})
	do(b, c, "grid", "open_zone", energyapi.ZoneBody{Zone: zone, Name: "基准片区", RetailFen: 60, FeedInFen: 39, WheelingFen: 5}, errcode.OK)
	return c
}

// BenchmarkReadings measures signed meter readings recorded per second
// through the whole application (no consensus): each block carries 4
// post_readings transactions of 250 readings, one per meter of 1,000
// meters, for one 15-minute interval, each signature checked against the
// meter's registered key. "checked" first runs each transaction through
// CheckTx, as a node does (which checks the readings' signatures too).
func BenchmarkReadings(b *testing.B) {
	for _, algo := range []tx.Algo{tx.AlgoEd25519, tx.AlgoSM2} {
		b.Run(algo.String(), func(b *testing.B) {
			testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
				c := benchChain(b)
				const meters, perTx = 1_000, energyapi.MaxReadings
				rnd := testchain.NewSeededRand(7)
				keys := make([]*tx.PrivateKey, meters)
				ids := make([]string, meters)
				var regs [][]byte
				for i := range meters {
					keys[i] = testchain.NewKey(b, algo, rnd)
					ids[i] = fmt.Sprintf("M-%06d", i)
					regs = append(regs, c.Sign(c.Members["grid"].Admin, energy.Name, "register_meter", energyapi.MeterBody{Meter: ids[i], Zone: zone,
						Org: prosumers[i%len(prosumers)], PublicKey: keys[i].Public(), CapacityW: 20_000}))
				}
				testchain.MustBlock(b, c, regs...)
				// Readings of past intervals, one interval a block.
				c.Time = c.Time.Add(60 * 24 * time.Hour)
				first := cst(0, 0).Add(24 * time.Hour)
				blocks := make([][][]byte, b.N)
				for n := range blocks {
					iv := energyapi.IntervalID(first.Add(time.Duration(n) * 15 * time.Minute))
					for t0 := 0; t0 < meters; t0 += perTx {
						var rs []energyapi.Reading
						for i := t0; i < t0+perTx; i++ {
							imp, exp := int64(i%500), int64((i*7)%900)
							sig, err := keys[i].Sign(energyapi.ReadingMessage(testchain.ChainID, ids[i], iv, imp, exp))
							if err != nil {
								b.Fatal(err)
							}
							rs = append(rs, energyapi.Reading{Meter: ids[i], Interval: iv, ImportWh: imp, ExportWh: exp, Sig: hex.EncodeToString(sig)})
						}
						blocks[n] = append(blocks[n], c.Sign(c.Members["grid"].Admin, energy.Name, "post_readings", energyapi.ReadingsBody{Readings: rs}))
					}
				}
				testchain.RunBlocks(b, c, blocks, checked)
				b.ReportMetric(float64(b.N*meters)/b.Elapsed().Seconds(), "readings/s")
			})
		})
	}
}

// BenchmarkClearInterval measures clear_interval through the whole
// application on books of 10,000 orders (two sellers and two buyers,
// 2,500 orders each, 0.1-5 kWh at 0.30-0.60 yuan per kWh): reading the
// book, the auction, and writing the fills. One block, one clearing.
func BenchmarkClearInterval(b *testing.B) {
	c := benchChain(b)
	rnd := testchain.NewSeededRand(8)
	for i, org := range prosumers {
		k := testchain.NewKey(b, tx.AlgoEd25519, rnd)
		do(b, c, "grid", "register_meter", energyapi.MeterBody{Meter: fmt.Sprintf("M-BIG-%d", i), Zone: zone, Org: org, PublicKey: k.Public(), CapacityW: 1_000_000_000}, errcode.OK)
	}
	const orders = 10_000
	ivs := make([]string, b.N)
	for n := range b.N {
		ivs[n] = energyapi.IntervalID(cst(9, 0).Add(time.Duration(n) * 15 * time.Minute))
		var txs [][]byte
		for i := range orders {
			org := prosumers[i%len(prosumers)]
			side := energyapi.Sell
			if org == "shop" || org == "home" {
				side = energyapi.Buy
			}
			txs = append(txs, c.Sign(c.Members[org].Admin, energy.Name, "place_order", energyapi.OrderBody{Zone: zone, Interval: ivs[n], Side: side,
				QuantityWh: int64(100 + (i*7919)%4_900), PriceFen: int64(30 + (i*31)%31)}))
			if len(txs) == 2_000 {
				testchain.MustBlock(b, c, txs...)
				txs = nil
			}
		}
	}
	c.Time = cst(9, 0).Add(time.Duration(b.N) * 15 * time.Minute)
	blocks := make([][][]byte, b.N)
	for n := range blocks {
		blocks[n] = [][]byte{c.Sign(c.Members["grid"].Admin, energy.Name, "clear_interval", energyapi.IntervalBody{Zone: zone, Interval: ivs[n]})}
	}
	testchain.RunBlocks(b, c, blocks, false)
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/clearing")
	v, err := energy.IntervalView(c.View(), zone, ivs[0], callerOf("grid"))
	if err != nil || v.Clearing == nil || v.Clearing.VolumeWh == 0 || v.Clearing.Bids+v.Clearing.Asks != orders {
		b.Fatalf("the clearing %v %+v", err, v.Clearing)
	}
}
