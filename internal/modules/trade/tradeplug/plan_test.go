package tradeplug

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/modules/trade"
	"github.com/dengta-chain/dengta/internal/modules/trade/tradeapi"
)

// TestTransferPlan runs wtrade's plans without a network: bills issued to
// the cooperative, then steps of transfers and acceptances planned from
// each bill's state on the chain (a step may end with a bill offered and
// not yet accepted), each passing CheckTx in lane order and then a block.
func TestTransferPlan(t *testing.T) {
	c := benchtest.DemoChain(t, Module())
	w := &transfers{orgA: "coop", orgB: "foodgroup", carrier: "logistics"}
	var txs [][]byte
	for i := range 5 {
		ref := fmt.Sprintf("WBTEST%06d", i)
		w.refs = append(w.refs, ref)
		txs = append(txs, c.Sign(c.Members["logistics"].Admin, tradeapi.Name, tradeapi.IssueEBL.Name, sampleEBL(ref, "coop", true, "", c.Time.In(cstZone).Format("2006-01-02"))))
	}
	benchtest.RunBlock(t, c, txs)
	kinds := map[string]int{}
	for _, n := range []int{7, 20, 13} {
		states := make([]laneState, len(w.refs))
		for i, ref := range w.refs {
			e, err := trade.GetEBL(c.View(), ref)
			if err != nil {
				t.Fatal(err)
			}
			states[i] = laneState{ctl: e.Controller, pend: e.PendingTo}
		}
		txs = txs[:0]
		for j, p := range w.plan(states, n) {
			if p.lane != j%len(w.refs) {
				t.Fatalf("transaction %d on lane %d", j, p.lane)
			}
			var body any = tradeapi.RefBody{Ref: w.refs[p.lane]}
			if p.action == tradeapi.TransferEBL.Name {
				body = tradeapi.TransferBody{Ref: w.refs[p.lane], To: p.to, Endorsement: tradeapi.EndorseNamed}
			}
			kinds[p.action]++
			txs = append(txs, c.Sign(c.Members[p.org].Admin, tradeapi.Name, p.action, body))
		}
		benchtest.RunBlock(t, c, txs)
	}
	if kinds[tradeapi.TransferEBL.Name] == 0 || kinds[tradeapi.AcceptEBL.Name] == 0 || kinds[tradeapi.TransferEBL.Name]+kinds[tradeapi.AcceptEBL.Name] != 40 {
		t.Fatalf("kinds %v", kinds)
	}
	steps := 0
	for _, ref := range w.refs {
		v, err := trade.EBLView(c.View(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if v.EBL.Controller != "coop" && v.EBL.Controller != "foodgroup" || v.EBL.Status != tradeapi.EBLIssued {
			b, _ := json.Marshal(v.EBL)
			t.Fatalf("eBL %s", b)
		}
		steps += len(v.Steps) - 1
	}
	if steps != 40 {
		t.Fatalf("%d history entries after the issues, 40 transactions", steps)
	}
}
