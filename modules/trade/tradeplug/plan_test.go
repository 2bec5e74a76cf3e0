package tradeplug

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// TestTransferPlan runs wtrade's steps without a network: each step tops
// up the lanes' bills, reads where the bills are, plans one move per bill
// (an accept of a bill offered in an earlier step, else an offer) and
// passes every transaction through CheckTx before its block, in one
// block per half step, as commits would fall while a step runs. Every
// bill ends with exactly one of the two traders.
func TestTransferPlan(t *testing.T) {
	c := benchtest.DemoChain(t, Module())
	w := &transfers{orgA: "coop", orgB: "foodgroup", carrier: "logistics", lanes: make([][]string, 3), tag: "TEST"}
	kinds := map[string]int{}
	for step, n := range []int{7, 12, 12, 9} {
		var txs [][]byte
		for i, q := range quotas(n, len(w.lanes)) {
			for len(w.lanes[i]) < q {
				ref := fmt.Sprintf("WB%s%08d", w.tag, w.issued)
				w.issued++
				w.lanes[i] = append(w.lanes[i], ref)
				txs = append(txs, c.Sign(c.Members["logistics"].Admin, tradeapi.Name, tradeapi.IssueEBL.Name, sampleEBL(ref, "coop", true, "", c.Time.In(workload.CST).Format("2006-01-02"))))
			}
		}
		if len(txs) > 0 {
			benchtest.RunBlock(t, c, txs)
		}
		states := map[string]laneState{}
		for _, org := range []string{w.orgA, w.orgB} {
			l, err := trade.EBLsOf(c.View(), org)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range l.Controlled {
				states[s.Ref] = laneState{ctl: s.Controller, pend: s.PendingTo}
			}
		}
		plan, err := w.plan(states, n)
		if err != nil {
			t.Fatal(err)
		}
		txs = txs[:0]
		for j, p := range plan {
			if p.lane != j%len(w.lanes) {
				t.Fatalf("step %d: transaction %d on lane %d", step, j, p.lane)
			}
			var body any = tradeapi.RefBody{Ref: p.ref}
			if p.action == tradeapi.TransferEBL.Name {
				body = tradeapi.TransferBody{Ref: p.ref, To: p.to, Endorsement: tradeapi.EndorseNamed}
			}
			kinds[p.action]++
			txs = append(txs, c.Sign(c.Members[p.org].Admin, tradeapi.Name, p.action, body))
		}
		benchtest.RunBlock(t, c, txs[:len(txs)/2])
		benchtest.RunBlock(t, c, txs[len(txs)/2:])
	}
	if kinds[tradeapi.TransferEBL.Name] == 0 || kinds[tradeapi.AcceptEBL.Name] == 0 {
		t.Fatalf("kinds %v", kinds)
	}
	for _, lane := range w.lanes {
		for _, ref := range lane {
			e, err := trade.GetEBL(c.View(), ref)
			if err != nil {
				t.Fatal(err)
			}
			if e.Controller != "coop" && e.Controller != "foodgroup" || e.Status != tradeapi.EBLIssued {
				t.Fatalf("eBL %s: %+v", ref, e)
			}
		}
	}
}
