package evm_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/tx"
)

// BenchmarkERC20Transfers measures the application alone (no consensus):
// blocks of 1,000 ERC-20 transfers, each an Ethereum transaction of one of
// 64 secp256k1 member keys, executed with FinalizeBlock and committed to
// a disk store. "checked" first runs every transaction through CheckTx,
// as a node does for transactions it received (the sender recovered once,
// then cached); "unchecked" makes the block recover every sender itself
// (in parallel).
func BenchmarkERC20Transfers(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		c := newChainIn(b, b.TempDir(), nil, []module.Module{}...)
		token := c.deploy("dev", "Token", "积分", "PTS", big1(1_000_000_000))
		const signers, perBlock = 64, 1000
		keys := make([]*tx.PrivateKey, signers)
		var regs, shares [][]byte
		for i := range keys {
			keys[i] = testchain.NewKey(b, tx.AlgoSecp256k1, c.rnd)
			org := []string{"dev", "user"}[i%2]
			regs = append(regs, c.Sign(c.Members[org].Admin, "identity", "register_key", map[string]any{"public_key": keys[i].Public()}))
		}
		testchain.MustBlock(b, c.Chain, regs...)
		n := c.ethNonce(c.eth["dev"])
		for i, k := range keys {
			shares = append(shares, c.ethTxNonce(c.eth["dev"], n+uint64(i), &token, pack("Token", "transfer", evm.Address(k.ID()), big1(1_000_000)), 100_000))
		}
		testchain.MustBlock(b, c.Chain, shares...)
		nonces := make([]uint64, signers)
		blocks := make([][][]byte, b.N)
		for i := range blocks {
			for j := range perBlock {
				s := j % signers
				to := common.Address(keys[(s+1)%signers].ID())
				blocks[i] = append(blocks[i], c.ethTxNonce(keys[s], nonces[s], &token, pack("Token", "transfer", to, big1(int64(1+j%9))), 60_000))
				nonces[s]++
			}
		}
		testchain.RunBlocks(b, c.Chain, blocks, checked)
		b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "tx/s")
	})
}

// BenchmarkWorstCaseBlock measures what the gas budget bounds: a block
// that spends the default budget per block (200,000,000 gas) on the work
// gas prices lowest against what it costs here, storage reads (2,100 gas
// a cold slot, each a trie lookup): twelve transactions with a
// limit of 16,000,000 gas, each reading as many slots of the Gas contract
// as it pays for (about 6,600). "present" reads the same slots, set
// beforehand, every block (the
// store's caches warm after the first); "absent" reads slots never
// written, new ones every block. ms/block is the block's execution and
// commit, no consensus; cpu-ms/block the CPU the process spent on it
// (steadier than the wall clock on a shared machine).
func BenchmarkWorstCaseBlock(b *testing.B) {
	const txs, gas = 12, 16_000_000
	for _, present := range []bool{true, false} {
		name := map[bool]string{true: "present", false: "absent"}[present]
		b.Run(name, func(b *testing.B) {
			c := newChainIn(b, b.TempDir(), nil)
			gasC := c.deploy("dev", "Gas")
			if p, err := evm.GetParams(c.View(), testchain.ChainID); err != nil || p.BlockGasLimit < txs*gas {
				b.Fatalf("params %+v, %v", p, err)
			}
			dev := c.eth["dev"]
			// The gas of a slot read, from two calls that differ by 1,000
			// slots; each transaction reads as many as its limit allows.
			probe := func(from int64, k int64) uint64 {
				return c.result(c.run(c.ethTx(dev, &gasC, pack("Gas", "readMany", big1(from), big1(k)), gas))).GasUsed
			}
			perSlot := (probe(2_000_000_000, 2_000) - probe(2_100_000_000, 1_000)) / 1_000
			perTx := int64((gas - 100_000) / perSlot)
			n := c.ethNonce(dev)
			if present {
				// Fill the slots, 600 a transaction, twelve transactions a
				// block.
				var pending [][]byte
				for from := int64(0); from < txs*perTx; from += 600 {
					pending = append(pending, c.ethTxNonce(dev, n, &gasC, pack("Gas", "storeMany", big1(from), big1(600), big1(1)), gas))
					n++
					if len(pending) == 12 || from+600 >= txs*perTx {
						res := testchain.MustBlock(b, c.Chain, pending...)
						for _, r := range res {
							if st := c.result(r).Status; st != 1 {
								b.Fatalf("filling the slots: status %d", st)
							}
						}
						pending = nil
					}
				}
			}
			blocks := make([][][]byte, b.N)
			for i := range blocks {
				base := int64(0)
				if !present {
					base = 1_000_000_000 + int64(i)*txs*perTx
				}
				for j := range txs {
					blocks[i] = append(blocks[i], c.ethTxNonce(dev, n, &gasC, pack("Gas", "readMany", big1(base+int64(j)*perTx), big1(perTx)), gas))
					n++
				}
			}
			var gasUsed uint64
			cpu0 := cpuTime(b)
			b.ResetTimer()
			for i := range b.N {
				res := testchain.MustBlock(b, c.Chain, blocks[i]...)
				for _, r := range res {
					out := c.result(r)
					if out.Status != 1 {
						b.Fatalf("readMany: status %d (%s)", out.Status, out.Error)
					}
					gasUsed += out.GasUsed
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/block")
			b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/float64(b.N), "cpu-ms/block")
			b.ReportMetric(float64(gasUsed)/float64(b.N)/1e6, "Mgas/block")
			b.ReportMetric(float64(int64(b.N)*txs*perTx)/b.Elapsed().Seconds(), "slots/s")
		})
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
