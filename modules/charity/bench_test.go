package charity_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// benchChain is a disk-backed chain of the test consortium with both
// charities registered (public fundraising) and a project each, open.
func benchChain(b *testing.B) (*testchain.Chain, []string) {
	c := testchain.New(b, testchain.Options{Modules: []module.Module{charity.Module{}}, Roles: role.MustSet(charityapi.Roles...),
		Orgs: testOrgs, Time: start, Seed: 7, Dir: b.TempDir()})
	register(b, c, "fdn", 1, true)
	register(b, c, "cty", 2, true)
	big := []charityapi.LineBody{{Code: "supplies", Name: "文具", Category: "program", BudgetFen: charityapi.MaxFen / 4}}
	var ps []string
	for _, org := range []string{"fdn", "cty"} {
		res := do(b, c, org, "file_project", charityapi.ProjectBody{Title: "基准", Summary: "s", StartDate: "2026-03-01", EndDate: "2030-12-31", Lines: big}, errcode.OK)
		do(b, c, "mca", "approve_project", charityapi.ApproveBody{Project: id(res), FilingNo: "B-" + org}, errcode.OK)
		ps = append(ps, id(res))
	}
	return c, ps
}

func donationOf(p string, n int) charityapi.DonateBody {
	b := charityapi.DonateBody{Project: p, AmountFen: int64(100 + n%9_900), Channel: "wechat_pay", DonorHash: sha(fmt.Sprint("donor ", n)),
		ChannelRef: fmt.Sprint("WX", n)}
	if n%2 == 1 {
		b.Line = "supplies"
	}
	return b
}

// BenchmarkDonate measures donations recorded per second through the
// whole application (no consensus): blocks of 1,000 pre-signed
// charity/donate transactions by the bank (a payment channel) and the two
// charities, half of them restricted to a line, executed with
// FinalizeBlock and committed to a disk store. "checked" first runs each
// transaction through CheckTx, as a node does.
func BenchmarkDonate(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		c, ps := benchChain(b)
		const perBlock = 1000
		signers := []string{"bank", "fdn", "cty"}
		blocks := make([][][]byte, b.N)
		n := 0
		for i := range blocks {
			for j := range perBlock {
				n++
				by := signers[j%len(signers)]
				p := ps[j%2]
				if by == "cty" {
					p = ps[1]
				} else if by == "fdn" {
					p = ps[0]
				}
				blocks[i] = append(blocks[i], c.Sign(c.Members[by].Admin, charity.Name, "donate", donationOf(p, n)))
			}
		}
		testchain.RunBlocks(b, c, blocks, checked)
		b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "donations/s")
	})
}

// BenchmarkDonateBatch is BenchmarkDonate with donate_batch: blocks of 20
// transactions of 100 donations each, by the bank.
func BenchmarkDonateBatch(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		c, ps := benchChain(b)
		const perBlock, perTx = 20, 100
		blocks := make([][][]byte, b.N)
		n := 0
		for i := range blocks {
			for range perBlock {
				var bs []charityapi.DonateBody
				for range perTx {
					n++
					bs = append(bs, donationOf(ps[n%2], n))
				}
				blocks[i] = append(blocks[i], c.Sign(c.Members["bank"].Admin, charity.Name, "donate_batch", charityapi.DonateBatchBody{Donations: bs}))
			}
		}
		testchain.RunBlocks(b, c, blocks, checked)
		b.ReportMetric(float64(b.N*perBlock*perTx)/b.Elapsed().Seconds(), "donations/s")
	})
}

// BenchmarkDisburseAcrossDonations times one disbursement that spends
// the money of many small donations (1 yuan each), for 10 to 10,000 of
// them: its cost must not grow with their number, since it writes one
// range whatever they are.
func BenchmarkDisburseAcrossDonations(b *testing.B) {
	for _, donations := range []int{10, 1_000, 10_000} {
		b.Run(fmt.Sprint(donations), func(b *testing.B) {
			c, ps := benchChain(b)
			var txs [][]byte
			for n := range donations {
				txs = append(txs, c.Sign(c.Members["bank"].Admin, charity.Name, "donate", charityapi.DonateBody{Project: ps[0], AmountFen: 100,
					Channel: "alipay", DonorHash: sha(fmt.Sprint("small donor ", n))}))
				if len(txs) == 1000 {
					testchain.MustBlock(b, c, txs...)
					txs = nil
				}
			}
			if len(txs) > 0 {
				testchain.MustBlock(b, c, txs...)
			}
			// b.N disbursements, each of 1/b.N of the money (at least 1 fen).
			each := max(int64(donations*100/b.N), 1)
			blocks := make([][][]byte, b.N)
			for i := range blocks {
				blocks[i] = [][]byte{c.Sign(c.Members["fdn"].Admin, charity.Name, "disburse", charityapi.DisburseBody{Project: ps[0], Line: "supplies",
					AmountFen: each, Payee: "school", Purpose: "助学金", InvoiceSHA256: sha(fmt.Sprint("invoice ", i))})}
			}
			if int64(b.N)*each > int64(donations*100) {
				b.Skipf("%d disbursements of %d fen exceed the %d fen given", b.N, each, donations*100)
			}
			t0 := time.Now()
			testchain.RunBlocks(b, c, blocks, false)
			b.ReportMetric(float64(time.Since(t0).Microseconds())/float64(b.N), "µs/disbursement")
			// Each disbursement spent the money of many donations with one
			// range.
			d, err := charity.DisbursementsPage(c.View(), ps[0], "")
			if err != nil || len(d.Items) == 0 || len(d.Items[0].Disbursement.Ranges) != 1 {
				b.Fatalf("disbursements %v %v", d, err)
			}
		})
	}
}
