package trace_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
)

func benchChain(b *testing.B) *testchain.Chain {
	c := testchain.New(b, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Dir: b.TempDir(), Time: genesis})
	setup(b, c)
	return c
}

// BenchmarkCapture measures events appended per second through the whole
// application (no consensus): blocks of 500 pre-signed capture
// transactions, each commissioning new items, executed with FinalizeBlock
// and committed to a disk store. The sub-benchmarks vary the identifiers
// per event.
func BenchmarkCapture(b *testing.B) {
	for _, perEvent := range []int{1, 100} {
		b.Run(fmt.Sprintf("epcs=%d", perEvent), func(b *testing.B) {
			c := benchChain(b)
			const perBlock = 500
			k := admin(c, coop)
			blocks := make([][][]byte, b.N)
			n := 0
			for i := range blocks {
				for range perBlock {
					epcs := make([]string, perEvent)
					for e := range epcs {
						n++
						epcs[e] = fmt.Sprintf("%s/21/B%09d", pearProd, n)
					}
					body := commission(c, pearLot, epcs...)
					body["event_time"] = genesis.Format(time.RFC3339)
					blocks[i] = append(blocks[i], c.Sign(k, "trace", "capture", body))
				}
			}
			testchain.RunBlocks(b, c, blocks, false)
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N*perBlock)/secs, "events/s")
			b.ReportMetric(float64(b.N*perBlock*perEvent)/secs, "epcs/s")
		})
	}
}

// scanBatchFitting is the largest record_scans batch of realistic scans
// (a GTIN item, an RFC 3339 time with offset, a city, a device hash) that
// fits in one transaction.
func scanBatchFitting(c *testchain.Chain, k *tx.PrivateKey, items int) int {
	small := scanBatch(c, 0, 1, items)
	overhead := len(c.SignNonce(k, 1<<40, "trace", "record_scans", small)) - len(testchain.Encode(small))
	for n := trace.MaxScansPerBatch; n > 0; n -= 10 {
		if len(testchain.Encode(scanBatch(c, 0, n, items)))+overhead <= tx.MaxTxBytes {
			return n
		}
	}
	return 1
}

func scanBatch(c *testchain.Chain, start, n, items int) map[string]any {
	ss := make([]map[string]any, n)
	t := c.Time.In(time.FixedZone("", 8*3600)).Format(time.RFC3339)
	for i := range ss {
		j := start + i
		ss[i] = map[string]any{"epc": fmt.Sprintf("%s/21/S%06d", pearProd, j%items), "time": t, "location": "上海", "device": device(j % 1000)}
	}
	return scans(ss...)
}

// BenchmarkScans measures public scans recorded per second: record_scans
// batches as large as fit in a transaction (500 do not: see the report),
// 10 per block, over 10,000 commissioned items.
func BenchmarkScans(b *testing.B) {
	c := benchChain(b)
	k := admin(c, coop)
	const items = 10_000
	for blk := 0; blk < items/1000; blk++ {
		var txs [][]byte
		for e := range 10 {
			epcs := make([]string, 100)
			for i := range epcs {
				epcs[i] = fmt.Sprintf("%s/21/S%06d", pearProd, blk*1000+e*100+i)
			}
			txs = append(txs, c.Sign(k, "trace", "capture", commission(c, pearLot, epcs...)))
		}
		testchain.MustBlock(b, c, txs...)
	}
	gw := admin(c, market)
	per := scanBatchFitting(c, gw, items)
	const perBlock = 10
	blocks := make([][][]byte, b.N)
	n := 0
	for i := range blocks {
		for range perBlock {
			blocks[i] = append(blocks[i], c.Sign(gw, "trace", "record_scans", scanBatch(c, n, per, items)))
			n += per
		}
	}
	testchain.RunBlocks(b, c, blocks, false)
	b.ReportMetric(float64(per), "scans/tx")
	b.ReportMetric(float64(b.N*perBlock*per)/b.Elapsed().Seconds(), "scans/s")
}
