package carbonplug

import (
	"encoding/json"
	"testing"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/tx"
)

// TestTransferSteps runs wcarbon without a network, on the demo
// consortium: the batch issued and the lanes' regions handed out as Setup
// does, then steps of transfers by four lanes through CheckTx and blocks,
// observed as the poller would; every transaction must succeed, Check
// must hold, and must fail once a unit is counted wrong.
func TestTransferSteps(t *testing.T) {
	c := benchtest.DemoChain(t, Module())
	sign := func(org, action string, body any) []byte {
		return c.Sign(c.Members[org].Admin, carbonapi.Name, action, body)
	}
	w := newTransfers(workload.Params{})
	w.s = workload.PlanSigners("coop", "foodgroup", "market", "foodgroup")
	total := int64(len(w.s.Orgs)) * benchSpan
	res := testchain.MustBlock(t, c, sign("coop", "submit_project", carbonapi.ProjectBody{Name: "bench", Methodology: "VM0042", Sector: "forestry", Province: "安徽省",
		Description: "d", DesignSHA256: digest("pdd"), CreditingStart: "2020-01-01", CreditingEnd: "2059-12-31"}))
	var id carbonapi.IDResult
	json.Unmarshal(res[0].Data, &id)
	testchain.MustBlock(t, c, sign("regulator", "register_project", carbonapi.RegisterProjectBody{Project: id.ID}))
	res = testchain.MustBlock(t, c, sign("coop", "submit_monitoring", carbonapi.MonitoringBody{Project: id.ID, PeriodFrom: "2020-01-01", PeriodTo: "2020-12-31", ClaimedT: total, ReportSHA256: digest("m")}))
	json.Unmarshal(res[0].Data, &id)
	testchain.MustBlock(t, c, sign("alliance", "verify_monitoring", carbonapi.VerifyBody{Report: id.ID, Opinion: "positive", VerifiedT: total, StatementSHA256: digest("v")}))
	res = testchain.MustBlock(t, c, sign("regulator", "issue_credits", carbonapi.IssueBody{Report: id.ID, Vintages: []carbonapi.VintageBody{{Year: 2020, Quantity: total}}}))
	var iss carbonapi.IssueResult
	json.Unmarshal(res[0].Data, &iss)
	w.batch = iss.Batches[0]
	var give [][]byte
	for i, org := range w.s.Orgs {
		if org != "coop" {
			give = append(give, sign("coop", "transfer", carbonapi.TransferBody{Batch: w.batch, To: org, Quantity: benchSpan, Ranges: []carbonapi.Range{w.region(i)}}))
		}
	}
	benchtest.RunBlock(t, c, give)
	w.plan(w.s.Orgs)
	if w.to[0] != "foodgroup" || w.to[1] != "market" || w.to[2] != "coop" {
		t.Fatalf("receivers %v", w.to)
	}
	for _, n := range []int{12, 30} {
		var txs [][]byte
		lanes := len(w.s.Orgs)
		for j := range n {
			i := j % lanes
			raw := sign(w.s.Orgs[i], "transfer", json.RawMessage(w.body(i, w.sent[i]+int64(j/lanes))))
			w.lanes[tx.Hash(raw)] = i
			txs = append(txs, raw)
		}
		w.Observe(benchtest.RunBlock(t, c, txs))
		for i := range w.sent {
			w.sent[i] += int64((n - i + lanes - 1) / lanes)
		}
	}
	holding := func(org string) (*carbonapi.Holding, error) { return carbon.GetHolding(c.View(), org, w.batch) }
	batch := func() (*carbonapi.BatchView, error) { return carbon.BatchOf(c.View(), w.batch, "2026-01-01") }
	if err := w.check(holding, batch); err != nil {
		t.Fatal(err)
	}
	if h, _ := holding("foodgroup"); len(h.Ranges) > 4 {
		t.Fatalf("the receiver's ranges did not merge: %v", h.Ranges)
	}
	w.committed[1]++
	if err := w.check(holding, batch); err == nil {
		t.Fatal("the check accepts a transfer that was not committed")
	}
}
