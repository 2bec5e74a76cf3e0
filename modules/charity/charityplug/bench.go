package charityplug

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/tx"
)

func workloads() []workload.Def {
	return []workload.Def{
		{Name: "wcharity", Doc: "charity/donate: one donation of 1-100 yuan per transaction, by payment channels and charities, to open projects (restricted to a line or not)",
			Rates: []float64{100, 200, 400}, New: func(p workload.Params) workload.Workload { return newDonations(p, false) }},
		{Name: "wcharityb", Doc: "charity/donate_batch: --batch-size donations of 1-100 yuan per transaction, at most 200 (the module's cap)", Batch: true,
			Rates: []float64{2, 4, 8}, New: func(p workload.Params) workload.Workload { return newDonations(p, true) }},
	}
}

// donations is wcharity and wcharityb. Setup registers every charity of
// the network, files a project for each and has the civil-affairs
// regulator approve them; each lane (a signer key of a charity or a
// payment channel) then records donations: a charity's lane to its own
// project, a channel's lanes to every project in turn, half of them
// restricted to the project's supplies line. Every donation appends a
// range to a queue and touches its project's record: many lanes write the
// same few projects, as a popular fundraising campaign does. Check
// requires each project to have received exactly the committed
// donations, and samples donors' trails.
type donations struct {
	p       workload.Params
	batched bool
	s       *workload.Signers
	targets [][]string // each lane's projects, in turn
	turn    []int
	txs     []workload.Tx
	batch   int

	mu        sync.Mutex
	planned   map[[32]byte]map[string]int64 // by tx hash: fen per project
	committed map[string]int64
	receipts  []string // a sample of the receipts committed
	projects  []string
}

func newDonations(p workload.Params, batched bool) *donations {
	b := 1
	if batched {
		b = p.BatchSize
		if b <= 0 {
			b = 100
		}
		b = min(b, charityapi.MaxBatch)
	}
	return &donations{p: p, batched: batched, batch: b, planned: map[[32]byte]map[string]int64{}, committed: map[string]int64{}}
}

func (w *donations) Name() string {
	if w.batched {
		return "wcharityb"
	}
	return "wcharity"
}

func (w *donations) Describe() string {
	if w.batched {
		return fmt.Sprintf("charity/donate_batch of %d donations of 1-100 yuan to open projects, %s", w.batch, w.p.SignedBy())
	}
	return "charity/donate of 1-100 yuan to open projects (half restricted to a line), " + w.p.SignedBy()
}

func (w *donations) Lanes() int { return len(w.s.Keys) }

// benchLines are the bench projects' lines: budgets no run exhausts.
func benchLines() []charityapi.LineBody {
	return []charityapi.LineBody{
		{Code: "supplies", Name: "文具与图书", Category: charityapi.CategoryProgram, BudgetFen: charityapi.MaxFen / 4},
		{Code: "admin", Name: "管理费用", Category: charityapi.CategoryManagement, BudgetFen: charityapi.MaxFen / 40},
	}
}

func (w *donations) Setup(ctx context.Context, net *workload.Network) error {
	action := charityapi.Donate.Name
	if w.batched {
		action = charityapi.DonateBatch.Name
	}
	charities, err := net.OrgsWith(ctx, charityapi.Name, charityapi.FileProject.Name, charityapi.Charity)
	if err != nil {
		return err
	}
	regulators, err := net.OrgsWith(ctx, charityapi.Name, charityapi.RegisterOrg.Name, charityapi.CivilAffairs)
	if err != nil {
		return err
	}
	gw := net.Nodes[0].Client()
	adm := workload.NewAdmins(net)
	// Register the charities the chain does not know yet.
	var hashes []string
	for _, org := range charities {
		if _, err := client.Read(ctx, gw, charityapi.GetOrg, charityapi.OrgParams{Org: org}); err == nil {
			continue
		} else if !client.IsCode(err, "not_found") {
			return err
		}
		no, err := usccOf(ctx, gw, org)
		if err != nil {
			return err
		}
		h, err := adm.Submit(ctx, regulators[0], charityapi.Name, charityapi.RegisterOrg.Name, charityapi.RegisterOrgBody{Org: org,
			Kind: charityapi.KindFoundation, RegistrationNo: no, PublicFundraising: true})
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("register charities: %w", err)
	}
	// A project each, approved.
	hashes = nil
	start := time.Now().In(time.FixedZone("CST", 8*3600))
	for _, org := range charities {
		h, err := adm.Submit(ctx, org, charityapi.Name, charityapi.FileProject.Name, charityapi.ProjectBody{Title: "基准测试募捐项目",
			Summary: "benchmark fundraising campaign", StartDate: start.Format(time.DateOnly), EndDate: start.AddDate(1, 0, 0).Format(time.DateOnly), Lines: benchLines()})
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	recs, err := adm.Commit(ctx, hashes)
	if err != nil {
		return fmt.Errorf("file projects: %w", err)
	}
	owner := map[string]string{}
	hashes = nil
	for i, rec := range recs {
		var res charityapi.IDResult
		if err := json.Unmarshal(rec.Result, &res); err != nil {
			return err
		}
		owner[res.ID] = charities[i]
		w.projects = append(w.projects, res.ID)
		h, err := adm.Submit(ctx, regulators[0], charityapi.Name, charityapi.Approve.Name, charityapi.ApproveBody{Project: res.ID, FilingNo: "BENCH-" + res.ID})
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("approve projects: %w", err)
	}
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), charityapi.Name, action)
	if err != nil {
		return err
	}
	w.s = s
	w.targets = make([][]string, len(s.Keys))
	w.turn = make([]int, len(s.Keys))
	for i, org := range s.Orgs {
		for _, p := range w.projects {
			if !slices.Contains(charities, org) || owner[p] == org {
				w.targets[i] = append(w.targets[i], p)
			}
		}
	}
	return nil
}

// body is donation j of a lane.
func (w *donations) body(lane, j int, rng *rand.Rand) charityapi.DonateBody {
	t := w.targets[lane]
	p := t[(w.turn[lane]+j)%len(t)]
	h := sha256.Sum256(fmt.Appendf(nil, "bench donor %d %d %d", lane, j, rng.Uint64()))
	b := charityapi.DonateBody{Project: p, AmountFen: 100 + rng.Int64N(9_901), Channel: "wechat_pay", DonorHash: hex.EncodeToString(h[:]),
		ChannelRef: fmt.Sprintf("BENCH-%x", h[:12])}
	if j%2 == 1 {
		b.Line = "supplies"
	}
	return b
}

// bodyOf is the body of a lane's j-th transaction, with the fen it gives
// each project.
func (w *donations) bodyOf(lane, j int, rng *rand.Rand) ([]byte, map[string]int64) {
	plan := map[string]int64{}
	if !w.batched {
		b := w.body(lane, j, rng)
		plan[b.Project] += b.AmountFen
		raw, _ := json.Marshal(b)
		return raw, plan
	}
	bs := make([]charityapi.DonateBody, w.batch)
	for k := range bs {
		bs[k] = w.body(lane, j*w.batch+k, rng)
		plan[bs[k].Project] += bs[k].AmountFen
	}
	raw, _ := json.Marshal(charityapi.DonateBatchBody{Donations: bs})
	return raw, plan
}

func (w *donations) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return err
	}
	action := charityapi.Donate.Name
	if w.batched {
		action = charityapi.DonateBatch.Name
	}
	var mu sync.Mutex
	plans := map[[32]byte]map[string]int64{}
	lanes := len(w.s.Keys)
	txs, err := w.s.SignAll(ctx, n, charityapi.Name, action, w.batch, func(j int, rng *rand.Rand) []byte {
		raw, plan := w.bodyOf(j%lanes, j, rng)
		mu.Lock()
		plans[sha256.Sum256(raw)] = plan
		mu.Unlock()
		return raw
	})
	if err != nil {
		return err
	}
	// Key the plans by the transactions' hashes, which the blocks show.
	w.mu.Lock()
	for _, t := range txs {
		dec, err := tx.Decode(t.Raw)
		if err != nil {
			w.mu.Unlock()
			return err
		}
		w.planned[tx.Hash(t.Raw)] = plans[sha256.Sum256(dec.Body)]
	}
	w.mu.Unlock()
	for i := range w.turn {
		w.turn[i] += n
	}
	w.txs = txs
	return nil
}

func (w *donations) Next(i int) workload.Tx { return w.txs[i] }

// Observe counts the money of the committed donations, by project.
func (w *donations) Observe(b *workload.Block) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, r := range b.Results {
		if r.Code != 0 || i >= len(b.Txs) {
			continue
		}
		h := tx.Hash(b.Txs[i])
		plan, ok := w.planned[h]
		if !ok {
			continue
		}
		delete(w.planned, h)
		for p, fen := range plan {
			w.committed[p] += fen
		}
		for _, e := range r.Events {
			if e.Type == "charity.donated" && len(w.receipts) < 20 {
				w.receipts = append(w.receipts, e.Attr("receipt"))
			}
		}
	}
}

// Check requires every project to hold exactly the donations committed to
// it, and the sampled donors' trails to show their money unspent in
// their project.
func (w *donations) Check(ctx context.Context, net *workload.Network) error {
	gw := net.Nodes[0].Client()
	return w.check(func(id string) (*charityapi.ProjectView, error) {
		return client.Read(ctx, gw, charityapi.GetProject, charityapi.IDParams{ID: id})
	}, func(receipt string) (*charityapi.Trail, error) {
		tr, err := client.Read(ctx, gw, charityapi.GetTrail, charityapi.TrailParams{Receipt: receipt})
		if err != nil {
			return nil, err
		}
		return &tr.Trail, nil
	})
}

func (w *donations) check(project func(string) (*charityapi.ProjectView, error), trail func(string) (*charityapi.Trail, error)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.projects {
		v, err := project(p)
		if err != nil {
			return err
		}
		if v.Project.DonatedFen != w.committed[p] || v.BalanceFen != w.committed[p] {
			return fmt.Errorf("project %s received %d fen and holds %d; the committed donations to it add up to %d", p, v.Project.DonatedFen, v.BalanceFen, w.committed[p])
		}
	}
	for _, r := range w.receipts {
		tr, err := trail(r)
		if err != nil {
			return err
		}
		if err := charity.CheckTrail(tr); err != nil {
			return fmt.Errorf("trail of %s: %w", r, err)
		}
		if len(tr.Steps) != 1 || tr.Steps[0].Kind != charityapi.StepUnspent || tr.UnspentFen != tr.Donation.AmountFen {
			return fmt.Errorf("trail of %s: %d steps, %d fen unspent of %d", r, len(tr.Steps), tr.UnspentFen, tr.Donation.AmountFen)
		}
	}
	return nil
}
