package evm_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/modules/evm"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
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
