package notary_test

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// BenchmarkDeposit measures evidence records per second through the whole
// application (no consensus): blocks of 1,000 pre-signed notary/deposit
// transactions from 8 depositor organisations, each a new file, executed
// with FinalizeBlock and committed to a disk store. "unchecked" makes the
// block verify every signature itself (in parallel); "checked" first
// admits every transaction as a node admits those it receives (PreCheckTx,
// then CheckTx), and counts that time too. Each runs on a chain of each key
// layout (ADR 0024), side by side.
func BenchmarkDeposit(b *testing.B) {
	for _, layout := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("layout%d", layout), func(b *testing.B) {
			testchain.CheckedAndNot(b, func(b *testing.B, checked bool) { benchDeposit(b, layout, 8, 1000, checked) })
		})
	}
}

// BenchmarkDepositAsANode is BenchmarkDeposit/layout3/checked in the
// shape of dengta bench's w1 at 800 offered on one validator: 64 signers
// (one per organisation here), blocks of 200, every transaction admitted
// (PreCheckTx and CheckTx) before its block. The mempool's view is renewed
// at each commit, so each block's first transaction of a signer finds the
// view's memo empty, as on the node.
func BenchmarkDepositAsANode(b *testing.B) { benchDeposit(b, 3, 64, 200, true) }

func benchDeposit(b *testing.B, layout, signers, perBlock int, checked bool) {
	var orgs []testchain.Org
	for i := range signers {
		orgs = append(orgs, testchain.Org{ID: fmt.Sprintf("dep-%d", i), Roles: []role.Role{notaryapi.Depositor}, Validator: i == 0})
	}
	c := testchain.New(b, testchain.Options{Modules: own, Roles: ownRoles, Orgs: orgs, Dir: b.TempDir(),
		Genesis: map[string]any{"notary": notary.Genesis{KeyLayout: layout}}})
	blocks := make([][][]byte, b.N)
	n := 0
	for i := range blocks {
		for j := range perBlock {
			n++
			blocks[i] = append(blocks[i], c.Sign(c.Members[orgs[j%len(orgs)].ID].Admin, "notary", "deposit", depositOf(n)))
		}
	}
	tables0 := c.Store.TableBytes()
	testchain.RunBlocks(b, c, blocks, checked)
	b.StopTimer()
	// The state's tables, compacted, per deposit: on an archive node,
	// and on a node that keeps only recent versions ('dengta prune
	// --keep 2').
	if err := c.Store.Compact(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(c.Store.TableBytes()-tables0)/float64(b.N*perBlock), "archive-B/tx")
	if st, err := c.Store.Prune(2); err != nil {
		b.Fatal(err)
	} else {
		b.ReportMetric(float64(st.TablesAfter-tables0)/float64(b.N*perBlock), "pruned-B/tx")
	}
	b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "records/s")
}
