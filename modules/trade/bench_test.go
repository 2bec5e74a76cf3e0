package trade_test

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// BenchmarkTransfers measures eBL transfers per second through the whole
// application (no consensus), committed to a disk store. A transfer is
// the controller's transfer_ebl (a named endorsement) in one block and
// the receiver's accept_ebl in the next. 512 to-order bills pass around
// a ring of 8 traders, one transfer each per round; each round is two
// blocks of 512 pre-signed transactions (signing is not timed).
func BenchmarkTransfers(b *testing.B) {
	const traders, bills = 8, 512
	orgs := []testchain.Org{{ID: carrier, Roles: []role.Role{tradeapi.Carrier}, Validator: true}}
	for i := range traders {
		orgs = append(orgs, testchain.Org{ID: fmt.Sprintf("trader-%d", i), Roles: []role.Role{tradeapi.Trader}})
	}
	c := testchain.New(b, testchain.Options{Modules: own, Roles: ownRoles, Orgs: orgs, Dir: b.TempDir(), Time: start})
	trader := func(i int) string { return fmt.Sprintf("trader-%d", i%traders) }
	sign := func(org, action string, body any) []byte {
		return c.Sign(c.Members[org].Admin, tradeapi.Name, action, body)
	}
	var txs [][]byte
	for i := range bills {
		body := eblBody(fmt.Sprintf("BENCH%06d", i), true, "")
		body.Shipper = trader(i)
		txs = append(txs, sign(carrier, "issue_ebl", body))
	}
	testchain.MustBlock(b, c, txs...)
	holder := make([]int, bills)
	for i := range holder {
		holder[i] = i
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		txs = txs[:0]
		for i := range bills {
			txs = append(txs, sign(trader(holder[i]), "transfer_ebl", transfer(fmt.Sprintf("BENCH%06d", i), trader(holder[i]+1), tradeapi.EndorseNamed)))
		}
		b.StartTimer()
		testchain.MustBlock(b, c, txs...)
		b.StopTimer()
		txs = txs[:0]
		for i := range bills {
			holder[i]++
			txs = append(txs, sign(trader(holder[i]), "accept_ebl", ref(fmt.Sprintf("BENCH%06d", i))))
		}
		b.StartTimer()
		testchain.MustBlock(b, c, txs...)
	}
	b.ReportMetric(float64(b.N*bills)/b.Elapsed().Seconds(), "transfers/s")
	b.StopTimer()
	checkInvariants(b, c)
}
