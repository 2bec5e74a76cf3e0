package tradeplug

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/client"

	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// transfers is the wtrade workload: eBL transfers between two traders.
// Each lane is a pair of signer keys, one of each trader, and a stock of
// to-order bills that only that lane moves. In a step each bill of the
// lane takes one step of its transfer: a bill offered in an earlier step
// (so committed before this one) is accepted by its receiver
// (accept_ebl), any other is offered by its controller to the other
// trader with a named endorsement (transfer_ebl). No transaction of a step
// depends on another of the same step: a node admits each against the
// committed state, whatever blocks commit in between. One completed
// transfer is two transactions, in two steps. Bills are issued before a
// step (untimed) when a lane has fewer than the step needs.
type transfers struct {
	p       workload.Params
	a, b    *workload.Signers // the lanes' keys of the two traders
	orgA    string
	orgB    string
	carrier string
	lanes   [][]string // each lane's bills
	issued  int
	txs     []workload.Tx
	tag     string
	reader  *client.Key // reads the bills as an overseer (ADR 0007)
}

func newTransfers(p workload.Params) workload.Workload { return &transfers{p: p} }

func (w *transfers) Name() string { return "wtrade" }
func (w *transfers) Describe() string {
	return "eBL transfers between two traders (transfer_ebl with a named endorsement, accept_ebl by the receiver in a later step; one transfer is two transactions), " + w.p.SignedBy()
}
func (w *transfers) Lanes() int { return len(w.lanes) }

func (w *transfers) Setup(ctx context.Context, net *workload.Network) error {
	traders, err := net.OrgsWith(ctx, tradeapi.Name, tradeapi.TransferEBL.Name, tradeapi.Trader)
	if err != nil {
		return err
	}
	carriers, err := net.OrgsWith(ctx, tradeapi.Name, tradeapi.IssueEBL.Name, tradeapi.Carrier)
	if err != nil {
		return err
	}
	if len(traders) < 2 || len(carriers) == 0 {
		return fmt.Errorf("wtrade needs two traders and a carrier; the network has traders %v and carriers %v", traders, carriers)
	}
	w.orgA, w.orgB, w.carrier = traders[0], traders[1], carriers[0]
	if w.reader, err = net.Overseer(); err != nil {
		return err
	}
	n := max(w.p.Signers, 1)
	if w.a, err = workload.RegisterKeys(ctx, net, n, w.p.Algo(), []string{w.orgA}); err != nil {
		return err
	}
	if w.b, err = workload.RegisterKeys(ctx, net, n, w.p.Algo(), []string{w.orgB}); err != nil {
		return err
	}
	w.lanes = make([][]string, n)
	w.tag = fmt.Sprintf("%04X", rand.Uint32()&0xFFFF)
	return nil
}

// quotas returns how many of n transactions each of lanes lanes carries
// (transaction j is on lane j mod lanes).
func quotas(n, lanes int) []int {
	q := make([]int, lanes)
	for j := range n {
		q[j%lanes]++
	}
	return q
}

// stock issues bills to the first trader until every lane has as many as
// its quota, in batches through the carrier's admin key.
func (w *transfers) stock(ctx context.Context, net *workload.Network, q []int) error {
	const batch = 1000
	adm := workload.NewAdmins(net)
	var hashes []string
	shipped := time.Now().In(workload.CST).AddDate(0, 0, -1).Format(time.DateOnly)
	for i := range w.lanes {
		for len(w.lanes[i]) < q[i] {
			ref := fmt.Sprintf("WB%s%08d", w.tag, w.issued)
			h, err := adm.Submit(ctx, w.carrier, tradeapi.Name, tradeapi.IssueEBL.Name, sampleEBL(ref, w.orgA, true, "", shipped))
			if err != nil {
				return fmt.Errorf("issue eBL %s: %w", ref, err)
			}
			w.issued++
			w.lanes[i] = append(w.lanes[i], ref)
			if hashes = append(hashes, h); len(hashes) == batch {
				if _, err := adm.Commit(ctx, hashes); err != nil {
					return fmt.Errorf("issue eBLs: %w", err)
				}
				hashes = hashes[:0]
			}
		}
	}
	if len(hashes) > 0 {
		if _, err := adm.Commit(ctx, hashes); err != nil {
			return fmt.Errorf("issue eBLs: %w", err)
		}
	}
	return nil
}

// laneState is where a bill is: its controller and the party it is
// offered to.
type laneState struct{ ctl, pend string }

// controlled reads every bill org controls at one height, page by page.
func (w *transfers) controlled(ctx context.Context, nd *workload.Node, org string, height int64) ([]tradeapi.EBLSummary, error) {
	var out []tradeapi.EBLSummary
	p := tradeapi.EBLListParams{Org: org, In: trade.ListControlled, Height: height, Limit: trade.MaxPage}
	for {
		page, err := client.Read(ctx, nd.Client().As(w.reader), tradeapi.ListEBLs, p)
		if err != nil {
			return nil, fmt.Errorf("eBLs of %s on %s: %w", org, nd.Name, err)
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out, nil
		}
		p.After = page.Next
	}
}

// states reads where the two traders' bills are, at one height.
func (w *transfers) states(ctx context.Context, nd *workload.Node, height int64) (map[string]laneState, error) {
	out := map[string]laneState{}
	for _, org := range []string{w.orgA, w.orgB} {
		l, err := w.controlled(ctx, nd, org, height)
		if err != nil {
			return nil, err
		}
		for _, s := range l {
			out[s.Ref] = laneState{ctl: s.Controller, pend: s.PendingTo}
		}
	}
	return out, nil
}

type laneTx struct {
	lane        int
	ref         string
	org, action string
	to          string
}

// plan returns the step's n transactions: transaction j is on lane j mod
// lanes and moves the next bill of that lane one step.
func (w *transfers) plan(states map[string]laneState, n int) ([]laneTx, error) {
	out := make([]laneTx, n)
	next := make([]int, len(w.lanes))
	for j := range n {
		i := j % len(w.lanes)
		ref := w.lanes[i][next[i]]
		next[i]++
		s, ok := states[ref]
		if !ok {
			return nil, fmt.Errorf("eBL %s is controlled by neither %s nor %s", ref, w.orgA, w.orgB)
		}
		if s.pend != "" {
			out[j] = laneTx{lane: i, ref: ref, org: s.pend, action: tradeapi.AcceptEBL.Name}
			continue
		}
		other := w.orgA
		if s.ctl == w.orgA {
			other = w.orgB
		}
		out[j] = laneTx{lane: i, ref: ref, org: s.ctl, action: tradeapi.TransferEBL.Name, to: other}
	}
	return out, nil
}

func (w *transfers) Prepare(ctx context.Context, net *workload.Network, n int) error {
	q := quotas(n, len(w.lanes))
	if err := w.stock(ctx, net, q); err != nil {
		return err
	}
	if err := w.a.Resync(ctx, net); err != nil {
		return err
	}
	if err := w.b.Resync(ctx, net); err != nil {
		return err
	}
	h, err := settled(ctx, net)
	if err != nil {
		return err
	}
	states, err := w.states(ctx, net.Nodes[0], h)
	if err != nil {
		return err
	}
	plan, err := w.plan(states, n)
	if err != nil {
		return err
	}
	w.txs = make([]workload.Tx, n)
	for j, p := range plan {
		s := w.a
		if p.org == w.orgB {
			s = w.b
		}
		var body []byte
		if p.action == tradeapi.TransferEBL.Name {
			body, _ = json.Marshal(tradeapi.TransferBody{Ref: p.ref, To: p.to, Endorsement: tradeapi.EndorseNamed})
		} else {
			body, _ = json.Marshal(tradeapi.RefBody{Ref: p.ref})
		}
		raw, err := s.Sign(p.lane, tradeapi.Name, p.action, body)
		if err != nil {
			return err
		}
		w.txs[j] = workload.Tx{Node: w.a.Nodes[p.lane], Lane: p.lane, Raw: raw, Records: 1, Kind: p.action}
	}
	return nil
}

func (w *transfers) Next(i int) workload.Tx { return w.txs[i] }

// settled waits until every node has the first node's latest block and
// returns its height: a state every node can answer for.
func settled(ctx context.Context, net *workload.Network) (int64, error) {
	s, err := net.Nodes[0].RPCClient().Status(ctx)
	if err != nil {
		return 0, err
	}
	return s.Height, net.AwaitHeights(ctx, 60*time.Second)
}

// Check verifies singularity at one height: every bill the workload
// issued is controlled by exactly one of the two traders, still in
// circulation, and every node answers the same lists.
func (w *transfers) Check(ctx context.Context, net *workload.Network) error {
	h, err := settled(ctx, net)
	if err != nil {
		return err
	}
	var first map[string]laneState
	for i, nd := range net.Nodes {
		controlled := map[string]int{}
		states := map[string]laneState{}
		for _, org := range []string{w.orgA, w.orgB} {
			l, err := w.controlled(ctx, nd, org, h)
			if err != nil {
				return err
			}
			for _, s := range l {
				controlled[s.Ref]++
				if s.Controller != org || s.Status != tradeapi.EBLIssued {
					return fmt.Errorf("on %s at height %d: eBL %s listed for %s is %s, controlled by %s", nd.Name, h, s.Ref, org, s.Status, s.Controller)
				}
				states[s.Ref] = laneState{ctl: s.Controller, pend: s.PendingTo}
			}
		}
		for _, lane := range w.lanes {
			for _, ref := range lane {
				if controlled[ref] != 1 {
					return fmt.Errorf("on %s at height %d: eBL %s is listed for %d controllers", nd.Name, h, ref, controlled[ref])
				}
			}
		}
		if i == 0 {
			first = states
		} else if !mapsEqual(first, states) {
			return fmt.Errorf("%s and %s answer different controllers at height %d", net.Nodes[0].Name, nd.Name, h)
		}
	}
	return nil
}

func mapsEqual(a, b map[string]laneState) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if v, ok := b[k]; !ok || v != a[k] {
			return false
		}
	}
	return true
}

func workloads() []workload.Def {
	return []workload.Def{{
		Name: "wtrade", Doc: "eBL transfers between two traders (transfer_ebl with a named endorsement, then accept_ebl by the receiver in a later step); singularity checked after the run",
		Rates: []float64{250, 500, 1000, 2000}, New: newTransfers,
		Mix: &workload.MixPart{Label: "wtrade", Share: 0.1, MinSigners: 1, New: newTransfers},
	}}
}
