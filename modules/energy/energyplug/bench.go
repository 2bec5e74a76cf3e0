package energyplug

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

func workloads() []workload.Def {
	return []workload.Def{
		{Name: "wenergy", Doc: "energy/post_readings: batches of 250 meter readings (10 meters × 25 intervals), each signed by its meter's Ed25519 key and checked on chain, by every member's lanes",
			Rates: []float64{10, 20, 40}, New: func(p workload.Params) workload.Workload { return newReadings(p) }},
	}
}

// Sizes of the wenergy workload: each lane has benchMeters meters of its
// own, and each transaction carries one reading of each for
// benchPerTx/benchMeters consecutive intervals, walking back in time from
// the setup's interval, so that no reading is ever posted twice.
const (
	benchZone     = "BENCH-ZONE"
	benchMeters   = 10
	benchPerTx    = energyapi.MaxReadings
	benchMinutes  = 15
	benchCapacity = 40_000 // W: 10 kWh in 15 minutes at most
)

// readings is wenergy. Setup opens a zone (15-minute intervals) as the
// grid operator and registers benchMeters meters of each lane's
// organisation (the first prosumer's when the lane's organisation is the
// operator). Each transaction posts 250 readings of the lane's meters.
// Check reads every lane meter's count of readings as an overseer: each
// is exactly what the committed transactions carried.
type readings struct {
	p     workload.Params
	s     *workload.Signers
	chain string
	start time.Time // the interval before the setup's: the lanes walk back from it
	keys  [][]*tx.PrivateKey
	sent  []int64 // transactions signed per lane
	txs   []workload.Tx

	mu        sync.Mutex
	lanes     map[[32]byte]int
	committed []int64
}

func newReadings(p workload.Params) *readings { return &readings{p: p, lanes: map[[32]byte]int{}} }

func (w *readings) Name() string { return "wenergy" }
func (w *readings) Describe() string {
	return fmt.Sprintf("energy/post_readings of %d readings (%d meters × %d intervals) signed by Ed25519 meter keys, %s", benchPerTx, benchMeters, benchPerTx/benchMeters, w.p.SignedBy())
}
func (w *readings) Lanes() int { return len(w.s.Keys) }

// meterID is lane i's m-th meter.
func meterID(i, m int) string { return fmt.Sprintf("BENCH-%04d-%02d", i, m) }

func (w *readings) Setup(ctx context.Context, net *workload.Network) error {
	ops, err := net.OrgsWith(ctx, energyapi.Name, energyapi.OpenZone.Name, energyapi.GridOperator)
	if err != nil {
		return err
	}
	prosumers, err := net.OrgsWith(ctx, energyapi.Name, energyapi.PlaceOrder.Name, energyapi.Prosumer)
	if err != nil {
		return err
	}
	op := ops[0]
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), energyapi.Name, energyapi.PostReadings.Name)
	if err != nil {
		return err
	}
	w.s = s
	st, err := net.Nodes[0].Client().Status(ctx)
	if err != nil {
		return err
	}
	w.chain = st.ChainID
	adm := workload.NewAdmins(net)
	h, err := adm.Submit(ctx, op, energyapi.Name, energyapi.OpenZone.Name, energyapi.ZoneBody{Zone: benchZone, Name: "基准测试片区", IntervalMinutes: benchMinutes, RetailFen: 60, FeedInFen: 39, WheelingFen: 5})
	if err != nil {
		return err
	}
	if _, err := adm.Commit(ctx, []string{h}); err != nil {
		return fmt.Errorf("open the zone: %w", err)
	}
	start, err := energyapi.ParseInterval(energyapi.IntervalOf(st.BlockTime, benchMinutes), benchMinutes)
	if err != nil {
		return err
	}
	w.start = start.Add(-benchMinutes * time.Minute)
	w.plan(len(s.Keys))
	var hashes []string
	for i, org := range s.Orgs {
		owner := org
		if !slices.Contains(prosumers, org) {
			owner = prosumers[0]
		}
		for m := range benchMeters {
			h, err := adm.Submit(ctx, op, energyapi.Name, energyapi.RegisterMtr.Name, energyapi.MeterBody{Meter: meterID(i, m), Zone: benchZone, Org: owner,
				PublicKey: w.keys[i][m].Public(), CapacityW: benchCapacity})
			if err != nil {
				return err
			}
			hashes = append(hashes, h)
		}
	}
	if _, err := adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("register the meters: %w", err)
	}
	return nil
}

// plan derives the lanes' meter keys (published seeds: a benchmark's
// meters, never real ones) and their counters.
func (w *readings) plan(lanes int) {
	w.keys = make([][]*tx.PrivateKey, lanes)
	for i := range lanes {
		for m := range benchMeters {
			w.keys[i] = append(w.keys[i], DemoMeterKey(meterID(i, m)))
		}
	}
	w.sent = make([]int64, lanes)
	w.committed = make([]int64, lanes)
}

// body is lane i's k-th transaction: its meters' readings of the k-th
// run of 25 intervals back from the start.
func (w *readings) body(i int, k int64) ([]byte, error) {
	per := benchPerTx / benchMeters
	rs := make([]energyapi.Reading, 0, benchPerTx)
	for j := range per {
		iv := energyapi.IntervalID(w.start.Add(-time.Duration(k*int64(per)+int64(j)) * benchMinutes * time.Minute))
		for m := range benchMeters {
			imp, exp := int64(100+(j*7+m*13)%900), int64((j*11+m*3)%1200)
			r, err := SignReading(w.keys[i][m], w.chain, meterID(i, m), iv, imp, exp)
			if err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
	}
	return json.Marshal(energyapi.ReadingsBody{Readings: rs})
}

func (w *readings) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return err
	}
	lanes := len(w.s.Keys)
	var signErr error
	var once sync.Once
	txs, err := w.s.SignAll(ctx, n, energyapi.Name, energyapi.PostReadings.Name, benchPerTx, func(j int, _ *rand.Rand) []byte {
		i := j % lanes
		b, err := w.body(i, w.sent[i]+int64(j/lanes))
		if err != nil {
			once.Do(func() { signErr = err })
		}
		return b
	})
	if err != nil {
		return err
	}
	if signErr != nil {
		return signErr
	}
	w.mu.Lock()
	for j, t := range txs {
		w.lanes[tx.Hash(t.Raw)] = j % lanes
	}
	w.mu.Unlock()
	for i := range w.sent {
		w.sent[i] += int64((n - i + lanes - 1) / lanes)
	}
	w.txs = txs
	return nil
}

func (w *readings) Next(i int) workload.Tx { return w.txs[i] }

// Observe counts the committed transactions of each lane.
func (w *readings) Observe(b *workload.Block) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, r := range b.Results {
		if r.Code != 0 || i >= len(b.Txs) {
			continue
		}
		h := tx.Hash(b.Txs[i])
		if lane, ok := w.lanes[h]; ok {
			w.committed[lane]++
			delete(w.lanes, h)
		}
	}
}

func (w *readings) Check(ctx context.Context, net *workload.Network) error {
	k, err := net.Overseer()
	if err != nil {
		return err
	}
	gw := net.Nodes[0].Client().As(k)
	return w.check(func(org string) ([]energyapi.Meter, error) {
		st, err := client.Read(ctx, gw, energyapi.GetStmt, energyapi.OrgParams{Org: org, Zone: benchZone})
		if err != nil {
			return nil, err
		}
		return st.Meters, nil
	})
}

// check compares each lane meter's count of readings with what the
// lane's committed transactions carried.
func (w *readings) check(meters func(org string) ([]energyapi.Meter, error)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	got := map[string]int64{}
	seen := map[string]bool{}
	for _, org := range w.s.Orgs {
		if seen[org] {
			continue
		}
		seen[org] = true
		ms, err := meters(org)
		if err != nil {
			return err
		}
		for _, m := range ms {
			got[m.Meter] = m.Readings
		}
	}
	if len(got) == 0 {
		return fmt.Errorf("no benchmark meter found")
	}
	for i := range w.s.Keys {
		want := w.committed[i] * int64(benchPerTx/benchMeters)
		for m := range benchMeters {
			id := meterID(i, m)
			n, ok := got[id]
			if !ok {
				// The meter is the first prosumer's (the lane's organisation
				// operates the zone): read it there.
				continue
			}
			if n != want {
				return fmt.Errorf("meter %s holds %d readings; lane %d's committed transactions carried %d", id, n, i, want)
			}
		}
	}
	return nil
}
