package evm_test

import (
	"context"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
)

func TestBlockGasLimit(t *testing.T) {
	c := newChainWith(t, map[string]any{"evm": map[string]any{"block_gas_limit": 1_000_000, "tx_gas_limit": 800_000}})
	p, err := evm.GetParams(c.View(), "dengta-test")
	if err != nil || p.BlockGasLimit != 1_000_000 || p.TxGasLimit != 800_000 {
		t.Fatalf("params %+v, %v", p, err)
	}
	gasC := c.deployGas(t)
	dev, user := c.eth["dev"], c.eth["user"]
	nd, nu := c.ethNonce(dev), c.ethNonce(user)
	data := pack("Gas", "store", big1(1), big1(1))
	txs := [][]byte{
		c.ethTxNonce(dev, nd, &gasC, data, 400_000),
		c.ethTxNonce(dev, nd+1, &gasC, data, 400_000),
		c.ethTxNonce(user, nu, &gasC, data, 400_000), // 1,200,000 reserved: over
		c.ethTxNonce(dev, nd+2, &gasC, data, 50_000),
	}
	// The proposal takes them in order while they fit: 400k + 400k, then
	// user's 400k would go over (left for later), dev's 50k fits.
	prop, err := c.App.PrepareProposal(context.Background(), &abci.PrepareProposalRequest{Txs: txs, MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.Txs) != 3 || string(prop.Txs[2]) != string(txs[3]) {
		t.Fatalf("proposal has %d transactions", len(prop.Txs))
	}
	// A block that goes over anyway refuses the transaction beyond the
	// budget before it consumes its nonce.
	res, _ := c.Block(txs[0], txs[1], txs[2])
	if res[0].Code != 0 || res[1].Code != 0 || errcode.Code(res[2].Code) != errcode.RuleViolation || !strings.Contains(res[2].Log, "block gas limit reached") {
		t.Fatalf("codes %d %d %d (%s)", res[0].Code, res[1].Code, res[2].Code, res[2].Log)
	}
	if c.ethNonce(user) != nu {
		t.Fatal("the refused transaction consumed its nonce")
	}
	// In the next block it fits.
	if res, _ := c.Block(txs[2]); res[0].Code != 0 {
		t.Fatalf("next block: %s", res[0].Log)
	}
	// A transaction over the limit per transaction is refused at once.
	if r := c.Check(c.ethTx(dev, &gasC, data, 800_001)); errcode.Code(r.Code) != errcode.RuleViolation {
		t.Fatalf("over the limit per transaction: %s", r.Log)
	}
}

func (c *chain) deployGas(t *testing.T) common.Address {
	t.Helper()
	code, _ := contracts.MustGet("Gas").Deploy()
	res := c.result(c.run(c.ethTx(c.eth["dev"], nil, code, 800_000)))
	if res.Status != 1 {
		t.Fatalf("deploy Gas: %+v", res)
	}
	return common.HexToAddress(res.ContractAddress)
}

func TestSelfDestructInCreationLeavesNothing(t *testing.T) {
	c := newChain(t)
	code, _ := contracts.MustGet("Ephemeral").Deploy()
	res := c.result(c.run(c.ethTx(c.eth["dev"], nil, code, 500_000)))
	if res.Status != 1 || res.ContractAddress == "" {
		t.Fatalf("deploy Ephemeral: %+v", res)
	}
	a := common.HexToAddress(res.ContractAddress)
	if code, err := evm.GetCode(c.View(), a); err != nil || code != nil {
		t.Fatalf("code %x, %v", code, err)
	}
	if _, err := evm.GetContract(c.View(), a); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("GetContract: %v", err)
	}
	var keys []string
	c.View().Iterate([]byte("evm/acct/"), nil, func(k, _ []byte) bool { keys = append(keys, string(k)); return true })
	if len(keys) != 0 {
		t.Fatalf("accounts left: %v", keys)
	}
}

func TestStorageClearedIsDeleted(t *testing.T) {
	c := newChain(t)
	gasC := c.deploy("dev", "Gas")
	c.send("dev", gasC, "Gas", "store", big1(3), big1(42))
	slotKeys := func() int {
		n := 0
		c.View().Iterate([]byte("evm/s/"), nil, func(k, v []byte) bool {
			n++
			if len(v) == 0 || v[0] == 0 {
				t.Fatalf("slot %s holds %x: values are stored without leading zeros", k, v)
			}
			return true
		})
		return n
	}
	if n := slotKeys(); n != 2 { // slots[3] and counter
		t.Fatalf("%d slots after store", n)
	}
	res := c.send("dev", gasC, "Gas", "clear", big1(3))
	if res.Status != 1 {
		t.Fatal(res.Error)
	}
	if n := slotKeys(); n != 1 {
		t.Fatalf("%d slots after clear: a zero slot must have no key", n)
	}
}
