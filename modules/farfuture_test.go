package modules_test

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// lastYear is the last year a module's date fields take, where it has
// one (docs/operations.md, "Lifetimes"): carbon's years and months are
// 2000-2199.
var lastYear = map[string]int{"carbon": 2199}

// TestFarFutureBlockTimes runs every module's generator of the
// determinism harness on chains whose block times start in 2026 (the
// reference), just before 2^31 seconds (2038-01-19, crossed during the
// run), in 2100 and in 2200. At every epoch every block commits, and
// every module's valid actions succeed about as often as in 2026: no
// rule of any module reads a date that makes the chain, or a module,
// stop working once it has passed (docs/operations.md, "Lifetimes").
func TestFarFutureBlockTimes(t *testing.T) {
	reg := modules.Registry()
	var orgs []testchain.Org
	for i, o := range devnet.Demo {
		orgs = append(orgs, testchain.Org{ID: o.ID, Roles: o.WithRoles(reg).Roles, Validator: i == 0})
	}
	epochs := []time.Time{
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1<<31-5*24*3600, 0).UTC(),
		time.Date(2100, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	const blocks = 150
	okAt := map[string][]int{} // module -> successes at each epoch
	for ei, start := range epochs {
		seed := uint64(20261206)
		c := testchain.New(t, testchain.Options{Registry: reg, Orgs: orgs, Seed: seed, Time: start})
		world := &plug.World{ChainID: testchain.ChainID}
		for _, o := range orgs {
			world.Orgs = append(world.Orgs, plug.WorldOrg{ID: o.ID, Roles: o.Roles})
		}
		type genOf struct {
			module string
			g      plug.Gen
			rng    *rand.Rand
		}
		var gens []genOf
		for _, m := range reg.Modules() {
			h := fnv.New64a()
			h.Write([]byte(m.Name()))
			gens = append(gens, genOf{m.Name(), m.Gen(), rand.New(rand.NewPCG(seed, h.Sum64()))})
		}
		rng := rand.New(rand.NewPCG(seed, seed>>1))
		nonces := map[tx.KeyID]uint64{}
		for h := 1; h <= blocks; h++ {
			world.Time = c.Time.Add(time.Second)
			if rng.IntN(10) == 0 {
				c.Time = c.Time.Add(36 * time.Hour)
				world.Time = c.Time.Add(time.Second)
			}
			var txs [][]byte
			var sent []genOf
			var acts []plug.Action
			var keys []tx.KeyID
			for _, g := range gens {
				for range 3 {
					act := g.g.Next(g.rng, world)
					k := c.Members[act.Org].Admin
					nonces[k.ID()]++
					txs = append(txs, c.SignNonce(k, nonces[k.ID()], g.module, act.Action, encode(t, g.module+"/"+act.Action, act.Body)))
					sent, acts, keys = append(sent, g), append(acts, act), append(keys, k.ID())
				}
			}
			res, err := c.TryBlock(txs...)
			if err != nil {
				t.Fatalf("block %d at %s: %v", c.Height, c.Time, err)
			}
			if len(res.AppHash) != 32 {
				t.Fatalf("block %d at %s: app hash %X", c.Height, c.Time, res.AppHash)
			}
			for i, r := range res.TxResults {
				sent[i].g.Observe(acts[i], r.Code, r.Data)
				if r.Code == 0 {
					if okAt[sent[i].module] == nil {
						okAt[sent[i].module] = make([]int, len(epochs))
					}
					okAt[sent[i].module][ei]++
				}
			}
			for _, k := range keys {
				n, err := c.App.NextNonce(k)
				if err != nil {
					t.Fatal(err)
				}
				nonces[k] = n - 1
			}
		}
		t.Logf("epoch %s: %d blocks committed, the last at %s", start.Format(time.DateOnly), blocks, c.Time.Format(time.RFC3339))
	}
	for _, m := range reg.Modules() {
		got := okAt[m.Name()]
		if got == nil || got[0] == 0 {
			t.Errorf("module %s: no action succeeded even in 2026", m.Name())
			continue
		}
		line := fmt.Sprintf("%-10s", m.Name())
		for ei := range epochs {
			line += fmt.Sprintf(" %s: %4d", epochs[ei].Format("2006"), got[ei])
			// Random draws depend on earlier outcomes, so the counts differ
			// a little from epoch to epoch; a rule that stops at a date
			// loses many of them. A module's documented last year
			// (lastYear, docs/operations.md) exempts the epochs after it.
			if y, ok := lastYear[m.Name()]; ok && epochs[ei].Year() > y {
				continue
			}
			if got[ei]*100 < got[0]*95 {
				t.Errorf("module %s: %d actions succeeded from %s, %d from 2026", m.Name(), got[ei], epochs[ei].Format(time.DateOnly), got[0])
			}
		}
		t.Log(line)
	}
}
