package carbonplug

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/tx"
)

func workloads() []workload.Def {
	return []workload.Def{
		{Name: "wcarbon", Doc: "carbon/transfer: credits moved between accounts, each transaction naming its serial range (10 units), by every member's lanes",
			Rates: []float64{100, 200, 400}, New: func(p workload.Params) workload.Workload { return newTransfers(p) }},
	}
}

// Sizes of the wcarbon workload: each lane owns a region of span serials
// of one batch and moves per units at a time, from the start of its region
// on, always to the same receiver, so that the ranges of both accounts
// stay whole (a receiver's ranges from one lane merge).
const (
	benchSpan int64 = 10_000_000
	benchPer  int64 = 10
)

// transfers is wcarbon. Setup registers a project of a developer, has an
// inspector verify a monitoring report and the registry issue one batch
// with a region of serials per lane, and gives each lane's organisation
// its region. Each transaction moves the lane's next 10 serials to the
// lane's receiver (the next organisation with lanes). Check reads every
// account as an overseer: each holds exactly its regions less what its
// lanes sent, plus what lanes sent it; the batch's statistics still add
// up to its quantity.
type transfers struct {
	p     workload.Params
	s     *workload.Signers
	batch string
	to    []string // each lane's receiver
	sent  []int64  // transfers signed per lane
	txs   []workload.Tx

	mu        sync.Mutex
	lanes     map[[32]byte]int // tx hash -> lane
	committed []int64          // transfers committed per lane
}

func newTransfers(p workload.Params) *transfers { return &transfers{p: p, lanes: map[[32]byte]int{}} }

func (w *transfers) Name() string { return "wcarbon" }
func (w *transfers) Describe() string {
	return fmt.Sprintf("carbon/transfer of %d credits by serial range to a fixed receiver per lane, %s", benchPer, w.p.SignedBy())
}
func (w *transfers) Lanes() int { return len(w.s.Keys) }

func (w *transfers) Setup(ctx context.Context, net *workload.Network) error {
	registries, err := net.OrgsWith(ctx, carbonapi.Name, carbonapi.IssueCredits.Name, carbonapi.Registry)
	if err != nil {
		return err
	}
	developers, err := net.OrgsWith(ctx, carbonapi.Name, carbonapi.SubmitProject.Name, carbonapi.Developer)
	if err != nil {
		return err
	}
	verifiers, err := net.OrgsWith(ctx, carbonapi.Name, carbonapi.VerifyMonitoring.Name, carbonapi.Verifier)
	if err != nil {
		return err
	}
	dev := developers[0]
	verifiers = slices.DeleteFunc(verifiers, func(v string) bool { return v == dev })
	if len(verifiers) == 0 {
		return fmt.Errorf("no verifier independent of %s", dev)
	}
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), carbonapi.Name, carbonapi.TransferUnits.Name)
	if err != nil {
		return err
	}
	w.s = s
	total := int64(len(s.Keys)) * benchSpan
	adm := workload.NewAdmins(net)
	step := func(org string, a string, body any) (*client.TxRecord, error) {
		h, err := adm.Submit(ctx, org, carbonapi.Name, a, body)
		if err != nil {
			return nil, err
		}
		recs, err := adm.Commit(ctx, []string{h})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		return recs[0], nil
	}
	rec, err := step(dev, carbonapi.SubmitProject.Name, carbonapi.ProjectBody{Name: "基准测试造林碳汇", Methodology: "CCER-14-001-V01", Sector: "forestry",
		Province: "安徽省", Description: "benchmark project", DesignSHA256: digest("bench pdd"), CreditingStart: "2020-01-01", CreditingEnd: "2059-12-31"})
	if err != nil {
		return err
	}
	var id carbonapi.IDResult
	if err := json.Unmarshal(rec.Result, &id); err != nil {
		return err
	}
	if _, err := step(registries[0], carbonapi.RegisterProject.Name, carbonapi.RegisterProjectBody{Project: id.ID}); err != nil {
		return err
	}
	if rec, err = step(dev, carbonapi.SubmitMonitoring.Name, carbonapi.MonitoringBody{Project: id.ID, PeriodFrom: "2020-01-01", PeriodTo: "2020-12-31",
		ClaimedT: total, ReportSHA256: digest("bench monitoring")}); err != nil {
		return err
	}
	var rep carbonapi.IDResult
	if err := json.Unmarshal(rec.Result, &rep); err != nil {
		return err
	}
	if _, err := step(verifiers[0], carbonapi.VerifyMonitoring.Name, carbonapi.VerifyBody{Report: rep.ID, Opinion: carbonapi.OpinionPositive, VerifiedT: total,
		StatementSHA256: digest("bench verification")}); err != nil {
		return err
	}
	if rec, err = step(registries[0], carbonapi.IssueCredits.Name, carbonapi.IssueBody{Report: rep.ID, Vintages: []carbonapi.VintageBody{{Year: 2020, Quantity: total}}}); err != nil {
		return err
	}
	var iss carbonapi.IssueResult
	if err := json.Unmarshal(rec.Result, &iss); err != nil {
		return err
	}
	w.batch = iss.Batches[0]
	var hashes []string
	for i, org := range s.Orgs {
		if org == dev {
			continue
		}
		h, err := adm.Submit(ctx, dev, carbonapi.Name, carbonapi.TransferUnits.Name, carbonapi.TransferBody{Batch: w.batch, To: org, Quantity: benchSpan,
			Ranges: []carbonapi.Range{w.region(i)}})
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("give the lanes their regions: %w", err)
	}
	w.plan(s.Orgs)
	return nil
}

// plan gives each lane its receiver: the next organisation with lanes.
func (w *transfers) plan(orgs []string) {
	var distinct []string
	for _, o := range orgs {
		if !slices.Contains(distinct, o) {
			distinct = append(distinct, o)
		}
	}
	w.to = make([]string, len(orgs))
	for i, o := range orgs {
		k := slices.Index(distinct, o)
		w.to[i] = distinct[(k+1)%len(distinct)]
		if len(distinct) == 1 {
			w.to[i] = "" // nobody to send to
		}
	}
	w.sent = make([]int64, len(orgs))
	w.committed = make([]int64, len(orgs))
}

// region is lane i's serials.
func (w *transfers) region(i int) carbonapi.Range {
	from := 1 + int64(i)*benchSpan
	return carbonapi.Range{From: from, To: from + benchSpan - 1}
}

// body is lane i's k-th transfer.
func (w *transfers) body(i int, k int64) []byte {
	from := w.region(i).From + k*benchPer
	b, _ := json.Marshal(carbonapi.TransferBody{Batch: w.batch, To: w.to[i], Quantity: benchPer, Ranges: []carbonapi.Range{{From: from, To: from + benchPer - 1}}})
	return b
}

func (w *transfers) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return err
	}
	lanes := len(w.s.Keys)
	if int64(n/lanes+1)+w.sent[0] > benchSpan/benchPer {
		return fmt.Errorf("wcarbon: the lanes' regions are used up")
	}
	txs, err := w.s.SignAll(ctx, n, carbonapi.Name, carbonapi.TransferUnits.Name, 1, func(j int, _ *rand.Rand) []byte {
		i := j % lanes
		return w.body(i, w.sent[i]+int64(j/lanes))
	})
	if err != nil {
		return err
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

func (w *transfers) Next(i int) workload.Tx { return w.txs[i] }

// Observe counts the committed transfers of each lane.
func (w *transfers) Observe(b *workload.Block) {
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

func (w *transfers) Check(ctx context.Context, net *workload.Network) error {
	k, err := net.Overseer()
	if err != nil {
		return err
	}
	gw := net.Nodes[0].Client().As(k)
	return w.check(func(org string) (*carbonapi.Holding, error) {
		a, err := client.Read(ctx, gw, carbonapi.GetAccount, carbonapi.OrgParams{Org: org})
		if err != nil {
			return nil, err
		}
		for _, h := range a.Holdings {
			if h.Batch == w.batch {
				return &h.Holding, nil
			}
		}
		return &carbonapi.Holding{Org: org, Batch: w.batch}, nil
	}, func() (*carbonapi.BatchView, error) {
		return client.Read(ctx, gw, carbonapi.GetBatch, carbonapi.IDParams{ID: w.batch})
	})
}

// check compares every lane organisation's holding with what the
// committed transfers leave it.
func (w *transfers) check(holding func(org string) (*carbonapi.Holding, error), batch func() (*carbonapi.BatchView, error)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	want := map[string]int64{}
	for i, org := range w.s.Orgs {
		want[org] += benchSpan - w.committed[i]*benchPer
		if w.to[i] != "" {
			want[w.to[i]] += w.committed[i] * benchPer
		}
	}
	orgs := make([]string, 0, len(want))
	for o := range want {
		orgs = append(orgs, o)
	}
	slices.Sort(orgs)
	var sum int64
	for _, org := range orgs {
		h, err := holding(org)
		if err != nil {
			return err
		}
		if h.Quantity != want[org] || carbonapi.Total(h.Ranges) != h.Quantity {
			return fmt.Errorf("%s holds %d of %s in %d ranges; the committed transfers leave it %d", org, h.Quantity, w.batch, len(h.Ranges), want[org])
		}
		if len(h.Ranges) > 2*len(w.s.Keys) {
			return fmt.Errorf("%s's holding is split in %d ranges; moving whole ranges keeps it in at most %d", org, len(h.Ranges), 2*len(w.s.Keys))
		}
		sum += h.Quantity
	}
	bv, err := batch()
	if err != nil {
		return err
	}
	if st := bv.Stats; st.Active != bv.Batch.Quantity || sum != bv.Batch.Quantity {
		return fmt.Errorf("batch %s: %d active of %d, the accounts hold %d", w.batch, st.Active, bv.Batch.Quantity, sum)
	}
	return nil
}
