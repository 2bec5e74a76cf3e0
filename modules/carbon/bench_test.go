package carbon_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// BenchmarkTransfer measures credits transferred per second through the
// whole application (no consensus): blocks of 1,000 pre-signed
// carbon/transfer transactions of 10 credits each, by four accounts
// moving serial ranges to one another, executed with FinalizeBlock and
// committed to a disk store. Each transaction splits the sender's range
// and merges the receiver's. "checked" first runs each transaction
// through CheckTx, as a node does.
func BenchmarkTransfer(b *testing.B) {
	for _, by := range []string{"ranges", "quantity"} {
		b.Run(by, func(b *testing.B) {
			testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
				c := testchain.New(b, testchain.Options{Modules: []module.Module{carbon.Module{}}, Roles: role.MustSet(carbonapi.Roles...),
					Orgs: testOrgs, Time: start, Seed: 11, Dir: b.TempDir()})
				const perBlock, per = 1000, 10
				accounts := []string{"dev", "buyer", "food", "power"}
				span := int64(b.N*perBlock/len(accounts)+1) * per
				_, bs := credits(b, c, "dev", 2*span*int64(len(accounts)), false)
				batch := bs[1] // span * accounts serials
				for i, org := range accounts[1:] {
					from := int64(i+1)*span + 1
					do(b, c, "dev", "transfer", carbonapi.TransferBody{Batch: batch, To: org, Quantity: span, Ranges: []carbonapi.Range{{From: from, To: from + span - 1}}}, errcode.OK)
				}
				blocks := make([][][]byte, b.N)
				sent := make([]int64, len(accounts))
				for i := range blocks {
					for j := range perBlock {
						k := j % len(accounts)
						body := carbonapi.TransferBody{Batch: batch, To: accounts[(k+1)%len(accounts)], Quantity: per}
						if by == "ranges" {
							from := int64(k)*span + 1 + sent[k]*per
							body.Ranges = []carbonapi.Range{{From: from, To: from + per - 1}}
						}
						sent[k]++
						blocks[i] = append(blocks[i], c.Sign(c.Members[accounts[k]].Admin, carbon.Name, "transfer", body))
					}
				}
				testchain.RunBlocks(b, c, blocks, checked)
				b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "transfers/s")
				b.ReportMetric(float64(b.N*perBlock*per)/b.Elapsed().Seconds(), "credits/s")
			})
		})
	}
}
