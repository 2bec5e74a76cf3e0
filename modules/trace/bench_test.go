package trace_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/tx"
)

func benchChain(b *testing.B) *testchain.Chain { return benchChainRules(b, 0) }

// benchChainRules is benchChain on a chain of the given rule set (0: the
// newest).
func benchChainRules(b *testing.B, rules int) *testchain.Chain {
	c := testchain.New(b, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Dir: b.TempDir(), Time: genesis,
		Genesis: map[string]any{"trace": trace.Genesis{Rules: rules}}})
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

// BenchmarkCustody measures custody-changing events: a box shipped,
// received by the carrier, shipped on and received by the shop, blocks of
// 500 such events over distinct boxes.
func BenchmarkCustody(b *testing.B) {
	c := benchChain(b)
	const perBlock = 500
	items := b.N * perBlock / 4
	var commissions [][]byte
	for start := 0; start < items; start += trace.MaxEPCsPerEvent {
		var epcs []string
		for i := start; i < min(items, start+trace.MaxEPCsPerEvent); i++ {
			epcs = append(epcs, fmt.Sprintf("%s/21/C%09d", pearProd, i))
		}
		commissions = append(commissions, c.Sign(admin(c, coop), "trace", "capture", commission(c, pearLot, epcs...)))
	}
	for _, raw := range commissions {
		testchain.MustBlock(b, c, raw)
	}
	steps := []struct{ org, step, to string }{{coop, "shipping", logistics}, {logistics, "receiving", ""}, {logistics, "shipping", market}, {market, "receiving", ""}}
	blocks := make([][][]byte, b.N)
	for i := range blocks {
		for j := range perBlock {
			n := i*perBlock + j
			item, st := fmt.Sprintf("%s/21/C%09d", pearProd, n/4), steps[n%4]
			body := observe(c, st.step, item)
			if st.to != "" {
				body = ship(c, st.to, item)
			}
			blocks[i] = append(blocks[i], c.Sign(admin(c, st.org), "trace", "capture", body))
		}
	}
	testchain.RunBlocks(b, c, blocks, false)
	b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "events/s")
}

// scanBatchFitting is the largest record_scans batch of realistic scans
// (a GTIN item, an RFC 3339 time with offset, a city code, a device hash,
// a network tag) that fits in one transaction.
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
		ss[i] = map[string]any{"epc": fmt.Sprintf("%s/21/S%06d", pearProd, j%items), "time": t, "city": "310000", "device": device(j % 1000), "net": net(j % 50)}
	}
	return scans(ss...)
}

// BenchmarkScans measures public scans recorded per second: record_scans
// batches, signed by the node operator's key, as large as fit in a
// transaction, 10 per block, over 10,000 commissioned items.
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
	op := operator(c)
	per := scanBatchFitting(c, op, items)
	const perBlock = 10
	blocks := make([][][]byte, b.N)
	n := 0
	for i := range blocks {
		for range perBlock {
			blocks[i] = append(blocks[i], c.Sign(op, "trace", "record_scans", scanBatch(c, n, per, items)))
			n += per
		}
	}
	testchain.RunBlocks(b, c, blocks, false)
	b.ReportMetric(float64(per), "scans/tx")
	b.ReportMetric(float64(b.N*perBlock*per)/b.Elapsed().Seconds(), "scans/s")
}

// BenchmarkParseEPCIS measures converting GS1's published EPCIS 2.0
// example documents into capture bodies.
func BenchmarkParseEPCIS(b *testing.B) {
	files, _ := filepath.Glob("testdata/gs1/examples/*.jsonld")
	more, _ := filepath.Glob("testdata/gs1/examples/*/*.jsonld")
	var docs [][]byte
	for _, f := range append(files, more...) {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	events := 0
	b.ResetTimer()
	for range b.N {
		for _, d := range docs {
			evs, _, _, err := trace.ParseEPCIS(d, "en")
			if err != nil {
				b.Fatal(err)
			}
			events += len(evs)
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkObserve is w2 without consensus: blocks of 500 ObjectEvent
// OBSERVE events (storing, at the capturing organisation's location), one
// commissioned item each, every transaction first through CheckTx and then
// the block, on a disk store. Items are drawn uniformly from 20,000. It
// runs on a chain of each rule set, side by side (rule set 2 keeps the
// event index in the node's local index, ADR 0028).
func BenchmarkObserve(b *testing.B) {
	for _, rules := range []int{1, 2} {
		b.Run(fmt.Sprintf("rules%d", rules), func(b *testing.B) { benchObserve(b, rules) })
	}
}

func benchObserve(b *testing.B, rules int) {
	c := benchChainRules(b, rules)
	k := admin(c, coop)
	const items, perBlock = 20_000, 500
	for start := 0; start < items; start += 10 * trace.MaxEPCsPerEvent {
		var txs [][]byte
		for s := start; s < min(items, start+10*trace.MaxEPCsPerEvent); s += trace.MaxEPCsPerEvent {
			var epcs []string
			for i := s; i < min(items, s+trace.MaxEPCsPerEvent); i++ {
				epcs = append(epcs, fmt.Sprintf("%s/21/O%09d", pearProd, i))
			}
			txs = append(txs, c.Sign(k, "trace", "capture", commission(c, pearLot, epcs...)))
		}
		testchain.MustBlock(b, c, txs...)
	}
	blocks := make([][][]byte, b.N)
	n, j := 0, 0
	for i := range blocks {
		for range perBlock {
			n, j = (n*7919+13)%items, j+1
			body := observe(c, "storing", fmt.Sprintf("%s/21/O%09d", pearProd, n))
			// Each event its own time (an identical event is refused).
			body["event_time"] = c.Time.Add(-time.Duration(j) * time.Millisecond).Format(time.RFC3339Nano)
			blocks[i] = append(blocks[i], c.Sign(k, "trace", "capture", body))
		}
	}
	testchain.RunBlocks(b, c, blocks, true)
	b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "events/s")
}
