package tradeplug

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"

	"github.com/dengta-chain/dengta/internal/modules/trade/tradeapi"
	"github.com/dengta-chain/dengta/internal/workload"
)

// transfers is the wtrade workload: eBL transfers. Each lane is one eBL
// passed back and forth between two traders with named endorsements: the
// controller offers it (transfer_ebl), the receiver accepts it
// (accept_ebl), and so on. A lane carries the transactions of two signer
// keys, one of each trader, in the order the bill's rules need them; each
// key signs only in its lane, so its nonces arrive in order. One
// completed transfer is two transactions.
type transfers struct {
	p       workload.Params
	a, b    *workload.Signers // the lanes' keys of the two traders
	orgA    string
	orgB    string
	carrier string
	refs    []string
	txs     []workload.Tx
	tag     string
}

func newTransfers(p workload.Params) workload.Workload { return &transfers{p: p} }

func (w *transfers) Name() string { return "wtrade" }
func (w *transfers) Describe() string {
	return "eBL transfers (transfer_ebl with a named endorsement, then accept_ebl by the receiver; one transfer is two transactions), " + w.p.SignedBy()
}
func (w *transfers) Lanes() int { return len(w.refs) }

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
	lanes := max(w.p.Signers, 1)
	if w.a, err = workload.RegisterKeys(ctx, net, lanes, w.p.Algo(), []string{w.orgA}); err != nil {
		return err
	}
	if w.b, err = workload.RegisterKeys(ctx, net, lanes, w.p.Algo(), []string{w.orgB}); err != nil {
		return err
	}
	w.tag = fmt.Sprintf("%04X", rand.Uint32()&0xFFFF)
	adm := workload.NewAdmins(net)
	var hashes []string
	for i := range lanes {
		ref := fmt.Sprintf("WB%s%06d", w.tag, i)
		h, err := adm.Submit(ctx, w.carrier, tradeapi.Name, tradeapi.IssueEBL.Name, sampleEBL(ref, w.orgA, true, "", time.Now().In(cstZone).AddDate(0, 0, -1).Format(time.DateOnly)))
		if err != nil {
			return fmt.Errorf("issue eBL %s: %w", ref, err)
		}
		hashes = append(hashes, h)
		w.refs = append(w.refs, ref)
	}
	if _, err := adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("issue eBLs: %w", err)
	}
	return net.AwaitHeights(ctx, 60*time.Second)
}

var cstZone = workload.CST

// settled waits until every node has the first node's latest block and
// returns its height: a state every node can answer for.
func settled(ctx context.Context, net *workload.Network) (int64, error) {
	s, err := net.Nodes[0].RPCClient().Status(ctx)
	if err != nil {
		return 0, err
	}
	return s.Height, net.AwaitHeights(ctx, 60*time.Second)
}

// laneState is where a lane's eBL is: its controller and the party it is
// offered to.
type laneState struct{ ctl, pend string }

// plan returns the n transactions' lanes, actions and signers given the
// lanes' states: transaction j is on lane j mod lanes.
func (w *transfers) plan(states []laneState, n int) []laneTx {
	out := make([]laneTx, n)
	st := append([]laneState(nil), states...)
	for j := range n {
		i := j % len(st)
		s := &st[i]
		other := w.orgA
		if s.ctl == w.orgA {
			other = w.orgB
		}
		if s.pend == "" {
			out[j] = laneTx{lane: i, org: s.ctl, action: tradeapi.TransferEBL.Name, to: other}
			s.pend = other
		} else {
			out[j] = laneTx{lane: i, org: s.pend, action: tradeapi.AcceptEBL.Name}
			s.ctl, s.pend = s.pend, ""
		}
	}
	return out
}

type laneTx struct {
	lane        int
	org, action string
	to          string
}

// states reads each lane's eBL from the first node.
func (w *transfers) states(ctx context.Context, net *workload.Network) ([]laneState, error) {
	out := make([]laneState, len(w.refs))
	for i, ref := range w.refs {
		var v tradeapi.EBLView
		if err := net.Nodes[0].Client().Get(ctx, "/v1/trade/ebls/"+ref, &v); err != nil {
			return nil, fmt.Errorf("eBL %s: %w", ref, err)
		}
		out[i] = laneState{ctl: v.EBL.Controller, pend: v.EBL.PendingTo}
	}
	return out, nil
}

func (w *transfers) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.a.Resync(ctx, net); err != nil {
		return err
	}
	if err := w.b.Resync(ctx, net); err != nil {
		return err
	}
	if _, err := settled(ctx, net); err != nil {
		return err
	}
	states, err := w.states(ctx, net)
	if err != nil {
		return err
	}
	plan := w.plan(states, n)
	w.txs = make([]workload.Tx, n)
	for j, p := range plan {
		s := w.a
		if p.org == w.orgB {
			s = w.b
		}
		var body []byte
		if p.action == tradeapi.TransferEBL.Name {
			body, _ = json.Marshal(tradeapi.TransferBody{Ref: w.refs[p.lane], To: p.to, Endorsement: tradeapi.EndorseNamed})
		} else {
			body, _ = json.Marshal(tradeapi.RefBody{Ref: w.refs[p.lane]})
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

// Check verifies that every lane's eBL has exactly one controller, one of
// the two traders, and that every node answers the same eBL at one height.
func (w *transfers) Check(ctx context.Context, net *workload.Network) error {
	h, err := settled(ctx, net)
	if err != nil {
		return err
	}
	for _, ref := range w.refs {
		var first tradeapi.EBLView
		for i, nd := range net.Nodes {
			var v tradeapi.EBLView
			if err := nd.Client().Get(ctx, fmt.Sprintf("/v1/trade/ebls/%s?height=%d", ref, h), &v); err != nil {
				return fmt.Errorf("eBL %s on %s: %w", ref, nd.Name, err)
			}
			e := v.EBL
			if e.Controller != w.orgA && e.Controller != w.orgB || e.Status != tradeapi.EBLIssued || uint64(len(v.Steps)) != e.Steps {
				return fmt.Errorf("eBL %s on %s at height %d: controller %q, status %s, %d steps of %d", ref, nd.Name, h, e.Controller, e.Status, len(v.Steps), e.Steps)
			}
			if i == 0 {
				first = v
			} else if !reflect.DeepEqual(first.EBL, v.EBL) {
				return fmt.Errorf("eBL %s: %s and %s answer different records at height %d", ref, net.Nodes[0].Name, nd.Name, h)
			}
		}
		var l tradeapi.EBLList
		if err := net.Nodes[0].Client().Get(ctx, fmt.Sprintf("/v1/trade/ebls?org=%s&height=%d", first.EBL.Controller, h), &l); err != nil {
			return err
		}
		found := 0
		for _, s := range l.Controlled {
			if s.Ref == ref {
				found++
			}
		}
		if found != 1 {
			return errors.New("eBL " + ref + " is not listed once among its controller's eBLs")
		}
	}
	return nil
}

func workloads() []workload.Def {
	return []workload.Def{{
		Name: "wtrade", Doc: "eBL transfers: each lane passes one to-order eBL between two traders (transfer_ebl with a named endorsement, accept_ebl by the receiver); singularity checked after the run",
		Rates: []float64{250, 500, 1000, 2000}, New: newTransfers,
		Mix: &workload.MixPart{Label: "wtrade", Share: 0.1, MinSigners: 1, New: newTransfers},
	}}
}
