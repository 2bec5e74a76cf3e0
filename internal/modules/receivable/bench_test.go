package receivable_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/modules/receivable/receivableapi"

	"github.com/dengta-chain/dengta/internal/modules/receivable"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// BenchmarkTransfers measures transfers per second through the whole
// application (no consensus), committed to a disk store: a transfer is a
// split_transfer (a 1.00 yuan part to another supplier, the remainder
// kept) in one block and the receiver's accept in the next. 512 chains of
// receivables held by 8 suppliers advance together, one transfer each per
// round; each round is two blocks of 512 pre-signed transactions (signing
// is not timed). The trees deepen by one level a round.
func BenchmarkTransfers(b *testing.B) {
	const sups, chains = 8, 512
	orgs := []testchain.Org{{ID: core, Roles: []role.Role{receivableapi.CoreEnterprise}, Validator: true}, {ID: bankA, Roles: []role.Role{role.Bank}}}
	for i := range sups {
		orgs = append(orgs, testchain.Org{ID: fmt.Sprintf("sup-%d", i), Roles: []role.Role{role.Supplier}})
	}
	c := testchain.New(b, testchain.Options{Modules: own, Roles: ownRoles, Orgs: orgs, Dir: b.TempDir()})
	sup := func(i int) string { return fmt.Sprintf("sup-%d", i%sups) }
	block := func(txs [][]byte) [][]byte {
		b.Helper()
		var data [][]byte
		for _, r := range testchain.MustBlock(b, c, txs...) {
			data = append(data, r.Data)
		}
		return data
	}
	sign := func(org, action string, body any) []byte {
		return c.Sign(admin(c, org), "receivable", action, body)
	}
	block([][]byte{sign(bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": receivable.MaxFen})})
	var txs [][]byte
	for i := range chains {
		no := fmt.Sprintf("B-%d", i)
		txs = append(txs, sign(core, "issue", issueOf(sup(i), 1_000_000*yuan, addDays(today(c), 180), tradeOf(no, 1_000_000*yuan))))
	}
	cur := make([]string, chains) // each chain's current leaf
	holder := make([]int, chains)
	for i, d := range block(txs) {
		var r struct{ ID string }
		json.Unmarshal(d, &r)
		cur[i], holder[i] = r.ID, i
	}
	txs = nil
	for i := range chains {
		txs = append(txs, sign(sup(holder[i]), "accept", idBody(cur[i])))
	}
	block(txs)

	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		txs = txs[:0]
		for i := range chains {
			txs = append(txs, sign(sup(holder[i]), "split_transfer", splitOf(cur[i], part{sup(holder[i] + 1), 100})))
		}
		b.StartTimer()
		data := block(txs)
		b.StopTimer()
		txs = txs[:0]
		for i, d := range data {
			var r struct{ Children []string }
			json.Unmarshal(d, &r)
			txs = append(txs, sign(sup(holder[i]+1), "accept", idBody(r.Children[0])))
			cur[i] = r.Children[1] // the remainder stays with the holder
		}
		b.StartTimer()
		block(txs)
	}
	b.ReportMetric(float64(b.N*chains)/b.Elapsed().Seconds(), "transfers/s")
}
