package energyplug

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

// TestReadingSteps runs wenergy without a network, on the demo
// consortium: the zone opened and each lane's meters registered as Setup
// does, then steps of 250-reading batches by three lanes (one of them the
// operator's, posting for a prosumer's meters) through CheckTx and
// blocks, observed as the poller would; every transaction must succeed,
// Check must hold, and must fail once a batch is counted wrong.
func TestReadingSteps(t *testing.T) {
	c := benchtest.DemoChain(t, Module())
	sign := func(org, action string, body any) []byte {
		return c.Sign(c.Members[org].Admin, energyapi.Name, action, body)
	}
	w := newReadings(workload.Params{})
	w.s = workload.PlanSigners("coop", "market", "regulator")
	w.chain = testchain.ChainID
	testchain.MustBlock(t, c, sign("regulator", "open_zone", energyapi.ZoneBody{Zone: benchZone, Name: "bench", IntervalMinutes: benchMinutes, RetailFen: 60, FeedInFen: 39}))
	start, _ := energyapi.ParseInterval(energyapi.IntervalOf(c.Time, benchMinutes), benchMinutes)
	w.start = start.Add(-benchMinutes * time.Minute)
	w.plan(len(w.s.Orgs))
	var reg [][]byte
	for i, org := range w.s.Orgs {
		if org == "regulator" {
			org = "coop"
		}
		for m := range benchMeters {
			reg = append(reg, sign("regulator", "register_meter", energyapi.MeterBody{Meter: meterID(i, m), Zone: benchZone, Org: org, PublicKey: w.keys[i][m].Public(), CapacityW: benchCapacity}))
		}
	}
	benchtest.RunBlock(t, c, reg)
	lanes := len(w.s.Orgs)
	for _, n := range []int{6, 9} {
		var txs [][]byte
		for j := range n {
			i := j % lanes
			body, err := w.body(i, w.sent[i]+int64(j/lanes))
			if err != nil {
				t.Fatal(err)
			}
			raw := sign(w.s.Orgs[i], "post_readings", json.RawMessage(body))
			w.lanes[tx.Hash(raw)] = i
			txs = append(txs, raw)
		}
		w.Observe(benchtest.RunBlock(t, c, txs))
		for i := range w.sent {
			w.sent[i] += int64((n - i + lanes - 1) / lanes)
		}
	}
	meters := func(org string) ([]energyapi.Meter, error) {
		st, err := energy.StatementOf(c.View(), org, benchZone)
		if err != nil {
			return nil, err
		}
		return st.Meters, nil
	}
	if err := w.check(meters); err != nil {
		t.Fatal(err)
	}
	if w.committed[0] != 5 {
		t.Fatalf("lane 0 committed %d batches, want 5", w.committed[0])
	}
	w.committed[2]++
	if err := w.check(meters); err == nil {
		t.Fatal("the check accepts a batch that was not committed")
	}
}
