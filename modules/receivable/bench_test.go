package receivable_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
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

// BenchmarkMayReadReceivable measures the read-scope check of a
// receivable (ADR 0007) on a tree of 51 nodes (a root split into 49 parts
// for two suppliers, each accepted, and the remainder): for its obligor,
// found in the first record; and for a member not on the lineage, the
// worst case, which reads every record of the tree and every log entry.
// Every API read of a receivable, the state and proof endpoints and the
// explorer's body of each receivable transaction pay this check once.
func BenchmarkMayReadReceivable(b *testing.B) {
	c := newChain(b)
	do(b, c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 100 * wan}, errcode.OK)
	res := do(b, c, core, "issue", issueOf(supA, 100*wan, addDays(today(c), 30), tradeOf("B-1", 100*wan)), errcode.OK)
	root := str(testchain.Result(b, res), "id")
	do(b, c, supA, "accept", idBody(root), errcode.OK)
	var parts []part
	for i := range 49 {
		parts = append(parts, part{[]string{supB, supC}[i%2], wan})
	}
	kids := children(b, do(b, c, supA, "split_transfer", splitOf(root, parts...), errcode.OK))
	var txs [][]byte
	for i, id := range kids[:49] {
		txs = append(txs, c.Sign(admin(c, []string{supB, supC}[i%2]), "receivable", "accept", idBody(id)))
	}
	testchain.MustBlock(b, c, txs...)
	v := c.View()
	for _, r := range []struct {
		name string
		c    access.Caller
		want bool
	}{
		{"obligor", access.Caller{Org: core, Roles: []role.Role{receivableapi.CoreEnterprise}}, true},
		{"not a party", access.Caller{Org: core2, Roles: []role.Role{receivableapi.CoreEnterprise}}, false},
	} {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if ok, err := receivable.MayReadReceivable(v, kids[10], r.c); err != nil || ok != r.want {
					b.Fatalf("MayReadReceivable = %v, %v", ok, err)
				}
			}
		})
	}
}
