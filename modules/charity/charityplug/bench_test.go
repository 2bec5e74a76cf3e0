package charityplug

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/tx"
)

// TestDonationSteps runs wcharity and wcharityb without a network, on the
// demo consortium: the charities registered, their projects filed and
// approved, then steps of the workload's transactions by the bank's and
// the charities' lanes through CheckTx and blocks, observed as the poller
// would; every transaction must succeed and Check must hold.
func TestDonationSteps(t *testing.T) {
	for _, batched := range []bool{false, true} {
		t.Run(map[bool]string{false: "wcharity", true: "wcharityb"}[batched], func(t *testing.T) {
			c := benchtest.DemoChain(t, Module())
			sign := func(org, action string, body any) []byte {
				return c.Sign(c.Members[org].Admin, charityapi.Name, action, body)
			}
			w := newDonations(workload.Params{BatchSize: 20}, batched)
			benchtest.RunBlock(t, c, [][]byte{
				sign("regulator", "register_org", charityapi.RegisterOrgBody{Org: "foundation", Kind: charityapi.KindFoundation, RegistrationNo: genUSCC(1), PublicFundraising: true}),
				sign("regulator", "register_org", charityapi.RegisterOrgBody{Org: "charity", Kind: charityapi.KindSocialOrg, RegistrationNo: genUSCC(2), PublicFundraising: true}),
			})
			owner := map[string]string{}
			for _, org := range []string{"foundation", "charity"} {
				date := c.Time.Format("2006-01-02")
				res := testchain.MustBlock(t, c, sign(org, "file_project", charityapi.ProjectBody{Title: "bench", Summary: "s", StartDate: date, EndDate: "2030-12-31", Lines: benchLines()}))
				var r charityapi.IDResult
				if err := json.Unmarshal(res[0].Data, &r); err != nil {
					t.Fatal(err)
				}
				owner[r.ID] = org
				w.projects = append(w.projects, r.ID)
				benchtest.RunBlock(t, c, [][]byte{sign("regulator", "approve_project", charityapi.ApproveBody{Project: r.ID, FilingNo: "F-" + org})})
			}
			w.s = workload.PlanSigners("bank", "foundation", "charity", "bank")
			w.targets = make([][]string, 4)
			w.turn = make([]int, 4)
			for i, org := range w.s.Orgs {
				for _, p := range w.projects {
					if org == "bank" || owner[p] == org {
						w.targets[i] = append(w.targets[i], p)
					}
				}
			}
			rng := rand.New(rand.NewChaCha8([32]byte{5}))
			for _, n := range []int{12, 30} {
				var txs [][]byte
				action := charityapi.Donate.Name
				if batched {
					action = charityapi.DonateBatch.Name
				}
				for j := range n {
					lane := j % 4
					raw, plan := w.bodyOf(lane, j, rng)
					t1 := sign(w.s.Orgs[lane], action, json.RawMessage(raw))
					w.planned[tx.Hash(t1)] = plan
					txs = append(txs, t1)
				}
				w.Observe(benchtest.RunBlock(t, c, txs))
				for i := range w.turn {
					w.turn[i] += n
				}
			}
			if len(w.planned) != 0 || len(w.committed) != 2 {
				t.Fatalf("%d transactions not observed, %d projects given to", len(w.planned), len(w.committed))
			}
			if !batched && len(w.receipts) == 0 {
				t.Fatal("no receipt sampled")
			}
			err := w.check(func(id string) (*charityapi.ProjectView, error) { return charity.View(c.View(), id, "2026-01-01") },
				func(r string) (*charityapi.Trail, error) { return charity.TrailOf(c.View(), r) })
			if err != nil {
				t.Fatal(err)
			}
			// The check bites: one fen more expected than given.
			w.committed[w.projects[0]]++
			if err := w.check(func(id string) (*charityapi.ProjectView, error) { return charity.View(c.View(), id, "2026-01-01") }, nil); err == nil {
				t.Fatal("the check accepts a project short of a fen")
			}
		})
	}
}
