package evm_test

import (
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/tx"
)

// chain is a test chain of the evm module with two organisations: dev,
// which may deploy, and user, which may not; each has a secp256k1 member
// key for Ethereum transactions.
type chain struct {
	*testchain.Chain
	t       testing.TB
	ethID   uint64
	eth     map[string]*tx.PrivateKey // secp256k1 member keys by org
	rnd     testchain.SeededRand
	modules []module.Module
}

func newChain(t testing.TB, extra ...module.Module) *chain {
	t.Helper()
	return newChainWith(t, nil, extra...)
}

func newChainWith(t testing.TB, genesis map[string]any, extra ...module.Module) *chain {
	t.Helper()
	return newChainIn(t, "", genesis, extra...)
}

func newChainDir(t testing.TB, dir string) *chain {
	t.Helper()
	return newChainIn(t, dir, nil)
}

func newChainIn(t testing.TB, dir string, genesis map[string]any, extra ...module.Module) *chain {
	t.Helper()
	mods := append([]module.Module{evm.Module{}}, extra...)
	c := testchain.New(t, testchain.Options{
		Dir:     dir,
		Modules: mods,
		Roles:   role.MustSet(append(slices.Clone(evmapi.Roles), notaryapi.Roles...)...),
		Orgs: []testchain.Org{
			{ID: "dev", Roles: []role.Role{evmapi.Deployer, notaryapi.Depositor}, Validator: true},
			{ID: "user", Roles: []role.Role{role.Supplier}},
		},
		Genesis: genesis,
	})
	ch := &chain{Chain: c, t: t, eth: map[string]*tx.PrivateKey{}, rnd: testchain.NewSeededRand(99), modules: mods}
	p, err := evm.GetParams(c.View(), testchain.ChainID)
	if err != nil {
		t.Fatal(err)
	}
	ch.ethID = p.ChainID
	for _, org := range []string{"dev", "user"} {
		k := testchain.NewKey(t, tx.AlgoSecp256k1, ch.rnd)
		if r := c.Do(c.Members[org].Admin, "identity", "register_key", map[string]any{"public_key": k.Public()}); r.Code != 0 {
			t.Fatalf("register %s's key: %s", org, r.Log)
		}
		ch.eth[org] = k
	}
	return ch
}

// addr is the EVM address of an organisation's secp256k1 key.
func (c *chain) addr(org string) common.Address { return evm.Address(c.eth[org].ID()) }

// ethNonce is the key's next Ethereum nonce, counting the mempool.
func (c *chain) ethNonce(k *tx.PrivateKey) uint64 {
	c.t.Helper()
	n, err := c.App.NextNonce(k.ID())
	if err != nil {
		c.t.Fatal(err)
	}
	return n - 1
}

// ethTx signs an EIP-1559 transaction with zero fees and the key's next
// nonce (as the chain counts it) and returns the chain transaction.
func (c *chain) ethTx(k *tx.PrivateKey, to *common.Address, data []byte, gas uint64) []byte {
	c.t.Helper()
	return c.ethTxNonce(k, c.ethNonce(k), to, data, gas)
}

func (c *chain) ethTxNonce(k *tx.PrivateKey, nonce uint64, to *common.Address, data []byte, gas uint64) []byte {
	c.t.Helper()
	raw, err := ethtx.Sign(&types.DynamicFeeTx{ChainID: new(big.Int).SetUint64(c.ethID), Nonce: nonce, GasTipCap: new(big.Int), GasFeeCap: new(big.Int), Gas: gas, To: to, Data: data}, c.ethID, k)
	if err != nil {
		c.t.Fatal(err)
	}
	return ethtx.Wrap(raw)
}

// run executes one chain transaction in its own block and returns its
// result.
func (c *chain) run(raw []byte) *abci.ExecTxResult {
	c.t.Helper()
	res, _ := c.Block(raw)
	return res[0]
}

// result decodes a successful transaction's evm result.
func (c *chain) result(r *abci.ExecTxResult) evmapi.Result {
	c.t.Helper()
	if r.Code != 0 {
		c.t.Fatalf("transaction failed: %s %s", errcode.Code(r.Code).Name(), r.Log)
	}
	var res evmapi.Result
	if err := json.Unmarshal(r.Data, &res); err != nil {
		c.t.Fatalf("result %s: %v", r.Data, err)
	}
	// An Ethereum transaction's logs and returned data are in its
	// receipt, as tools read them.
	rc, err := evm.GetReceipt(c.View(), common.HexToHash(res.TxHash))
	if err != nil {
		c.t.Fatalf("receipt of %s: %v", res.TxHash, err)
	}
	if rc.Kind == "ethereum" {
		res.Logs, res.Return = rc.Logs, rc.Return
	}
	return res
}

// deploy deploys a compiled contract by org's secp256k1 key and returns
// its address.
func (c *chain) deploy(org, name string, args ...any) common.Address {
	c.t.Helper()
	code, err := contracts.MustGet(name).Deploy(args...)
	if err != nil {
		c.t.Fatal(err)
	}
	res := c.result(c.run(c.ethTx(c.eth[org], nil, code, 5_000_000)))
	if res.Status != 1 {
		c.t.Fatalf("deploy %s: %s", name, res.Error)
	}
	return common.HexToAddress(res.ContractAddress)
}

func mustDeployCode(t testing.TB, name string, args ...any) []byte {
	t.Helper()
	code, err := contracts.MustGet(name).Deploy(args...)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// pack ABI-encodes a call of a compiled contract's method.
func pack(name, method string, args ...any) []byte {
	b, err := contracts.MustGet(name).Parsed().Pack(method, args...)
	if err != nil {
		panic(err)
	}
	return b
}

// send calls a method of a contract with org's key and returns the
// result.
func (c *chain) send(org string, to common.Address, name, method string, args ...any) evmapi.Result {
	c.t.Helper()
	return c.result(c.run(c.ethTx(c.eth[org], &to, pack(name, method, args...), 1_000_000)))
}

// view calls a method without a transaction and unpacks its outputs.
func (c *chain) view(to common.Address, name, method string, args ...any) []any {
	c.t.Helper()
	out := c.callRaw(common.Address{}, to, pack(name, method, args...))
	if out.Status != 1 {
		c.t.Fatalf("%s.%s: %s", name, method, out.ErrorText())
	}
	vals, err := contracts.MustGet(name).Parsed().Unpack(method, out.Return)
	if err != nil {
		c.t.Fatal(err)
	}
	return vals
}

func (c *chain) callRaw(from, to common.Address, data []byte) *evm.Outcome {
	c.t.Helper()
	v := c.View()
	p, err := evm.GetParams(v, testchain.ChainID)
	if err != nil {
		c.t.Fatal(err)
	}
	out, err := evm.Call(v, p, evm.Block{Height: v.Version() + 1, Time: c.Time.Add(time.Second)}, evm.Message{From: from, To: &to, Data: data})
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

func big1(n int64) *big.Int { return big.NewInt(n) }

func bigOf(v any) *big.Int { return v.(*big.Int) }

// resultField reads a string field of a transaction's JSON result.
func resultField(t testing.TB, data []byte, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("result %s: %v", data, err)
	}
	s, ok := m[name].(string)
	if !ok {
		t.Fatalf("result %s has no %s", data, name)
	}
	return s
}

// contractsABI is the ABI of one of the chain's precompiles.
func contractsABI(t testing.TB, which string) abi.ABI {
	t.Helper()
	text := map[string]string{"sm2": evm.SM2ABI, "records": evm.RecordsABI}[which]
	a, err := abi.JSON(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return a
}
