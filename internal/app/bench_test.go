package app_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// BenchmarkBlock measures the application alone (no consensus): blocks of
// 1,000 identity/register_key transactions from 8 signers executed with
// FinalizeBlock and committed to a disk store. "checked" first runs every
// transaction through CheckTx, as a node does for transactions it received,
// so the block reuses the cached signatures; "unchecked" makes the block
// verify every signature itself (in parallel).
func BenchmarkBlock(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		var orgs []testchain.Org
		for i := range 8 {
			orgs = append(orgs, testchain.Org{ID: "org-" + string(rune('a'+i)), Roles: []role.Role{role.Supplier}, Validator: i == 0})
		}
		c := testchain.New(b, testchain.Options{Orgs: orgs, Dir: b.TempDir()})
		rnd := testchain.NewSeededRand(1)
		const perBlock = 1000
		blocks := make([][][]byte, b.N)
		for i := range blocks {
			for j := range perBlock {
				admin := c.Members[orgs[j%len(orgs)].ID].Admin
				k := testchain.NewKey(b, tx.AlgoEd25519, rnd)
				blocks[i] = append(blocks[i], c.Sign(admin, "identity", "register_key", map[string]any{"public_key": k.Public()}))
			}
		}
		testchain.RunBlocks(b, c, blocks, checked)
		b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "tx/s")
	})
}
