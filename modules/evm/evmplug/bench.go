package evmplug

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// transfers is werc20: ERC-20 transfers, each an Ethereum transaction
// (EIP-1559, zero fees) signed by a secp256k1 member key, as a wallet or
// an ethers.js script sends it. Setup deploys the module's Token from a
// deployer's key and gives every signer a balance; each timed transaction
// moves 1 to 9 points from its lane's signer to the next lane's, so the
// lanes never wait on each other and no transfer can fail for want of
// balance. Check asks every node for every signer's balance at one
// height: they must add up to the supply and agree across nodes.
type transfers struct {
	p       workload.Params
	s       *workload.Signers
	chainID uint64
	token   common.Address
	nonces  []uint64 // each signer's next Ethereum nonce
	txs     []workload.Tx
}

// Gas of a werc20 transfer: enough for a transfer to a holder who had a
// balance (about 35,000) and one who had none (about 52,000).
const transferGas = 60_000

// supply is what the token starts with; each signer gets a share.
const supply = 1_000_000_000

func newTransfers(p workload.Params) workload.Workload { return &transfers{p: p} }

func (w *transfers) Name() string { return "werc20" }
func (w *transfers) Describe() string {
	return "ERC-20 transfer as an Ethereum transaction (EIP-1559, zero fees), secp256k1-signed"
}
func (w *transfers) Lanes() int { return len(w.s.Keys) }

// rpc calls the node's Ethereum JSON-RPC as the workload's overseer.
func rpc(ctx context.Context, c *client.Client, method string, params []any, out any) error {
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := c.PostJSON(ctx, "/eth", map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, &resp); err != nil {
		return err
	}
	if resp.Error != nil {
		return resp.Error
	}
	return json.Unmarshal(resp.Result, out)
}

func (w *transfers) Setup(ctx context.Context, net *workload.Network) error {
	deployers, err := net.Allowed(ctx, evmapi.Name, evmapi.Deploy.Name)
	if err != nil {
		return err
	}
	if len(deployers) == 0 {
		return errors.New("werc20: no organisation may deploy contracts (role contract_deployer)")
	}
	// Signer 0 is a deployer's: it deploys the token and hands it out.
	var orgs []string
	orgs = append(orgs, deployers[0])
	for _, o := range net.Orgs {
		if o.ID != deployers[0] {
			orgs = append(orgs, o.ID)
		}
	}
	if w.s, err = workload.RegisterKeys(ctx, net, w.p.Signers, tx.AlgoSecp256k1, orgs); err != nil {
		return err
	}
	gw := net.Nodes[0].Client()
	var id hexutil.Uint64
	if err := rpc(ctx, gw, "eth_chainId", nil, &id); err != nil {
		return fmt.Errorf("werc20: chain id: %w", err)
	}
	w.chainID = uint64(id)
	w.nonces = make([]uint64, len(w.s.Keys))

	code, err := contracts.MustGet("Token").Deploy("基准积分", "BENCH", big.NewInt(supply))
	if err != nil {
		return err
	}
	deploy, err := w.sign(0, nil, code, 3_000_000)
	if err != nil {
		return err
	}
	h, err := gw.SubmitAsync(ctx, deploy)
	if err != nil {
		return fmt.Errorf("werc20: deploy the token: %w", err)
	}
	if err := workload.AwaitCommitted(ctx, gw, []string{h}, 60*time.Second); err != nil {
		return fmt.Errorf("werc20: deploy the token: %w", err)
	}
	deployed, _ := ethtx.Decode(deploy)
	var rc struct {
		Status          hexutil.Uint64  `json:"status"`
		ContractAddress *common.Address `json:"contractAddress"`
	}
	over, err := w.overseer(net, 0)
	if err != nil {
		return err
	}
	if err := rpc(ctx, over, "eth_getTransactionReceipt", []any{deployed.Hash()}, &rc); err != nil || rc.ContractAddress == nil || rc.Status != 1 {
		return fmt.Errorf("werc20: the token's deployment failed: %v %+v", err, rc)
	}
	w.token = *rc.ContractAddress
	// Every signer gets an equal share, from signer 0.
	share := big.NewInt(supply / int64(len(w.s.Keys)))
	var hashes []string
	for i := 1; i < len(w.s.Keys); i++ {
		raw, err := w.sign(0, &w.token, pack("transfer", w.addr(i), share), transferGas)
		if err != nil {
			return err
		}
		h, err := gw.SubmitAsync(ctx, raw)
		if err != nil {
			return fmt.Errorf("werc20: share to signer %d: %w", i, err)
		}
		hashes = append(hashes, h)
	}
	if err := workload.AwaitCommitted(ctx, gw, hashes, 120*time.Second); err != nil {
		return fmt.Errorf("werc20: shares: %w", err)
	}
	return net.AwaitHeights(ctx, 60*time.Second)
}

func (w *transfers) addr(i int) common.Address { return common.Address(w.s.Keys[i].ID()) }

func pack(method string, args ...any) []byte {
	b, err := contracts.MustGet("Token").Parsed().Pack(method, args...)
	if err != nil {
		panic(err)
	}
	return b
}

// sign signs an Ethereum transaction of signer i with its next nonce and
// wraps it for the chain.
func (w *transfers) sign(i int, to *common.Address, data []byte, gas uint64) ([]byte, error) {
	raw, err := ethtx.Sign(&types.DynamicFeeTx{ChainID: new(big.Int).SetUint64(w.chainID), Nonce: w.nonces[i], GasTipCap: new(big.Int), GasFeeCap: new(big.Int), Gas: gas, To: to, Data: data}, w.chainID, w.s.Keys[i])
	if err != nil {
		return nil, err
	}
	w.nonces[i]++
	return ethtx.Wrap(raw), nil
}

// overseer is a client of node i that reads as the network's regulator.
func (w *transfers) overseer(net *workload.Network, i int) (*client.Client, error) {
	k, err := net.Overseer()
	if err != nil {
		return nil, err
	}
	return net.Nodes[i].Client().As(k), nil
}

func (w *transfers) Prepare(ctx context.Context, net *workload.Network, n int) error {
	// Each lane continues from its node's count, pending included.
	var wg sync.WaitGroup
	errs := make([]error, len(w.s.Keys))
	for i := range w.s.Keys {
		wg.Go(func() {
			next, err := net.Nodes[w.s.Nodes[i]].Client().NextNonce(ctx, w.s.Keys[i].ID().String())
			w.nonces[i], errs[i] = next-1, err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("werc20: nonces: %w", err)
	}
	w.txs = make([]workload.Tx, n)
	lanes := len(w.s.Keys)
	work := make(chan int, lanes)
	var mu sync.Mutex
	var failed error
	for range min(runtime.GOMAXPROCS(0), lanes) {
		wg.Go(func() {
			for i := range work {
				to := w.addr((i + 1) % lanes)
				for j := i; j < n; j += lanes {
					raw, err := w.sign(i, &w.token, pack("transfer", to, big.NewInt(int64(1+j%9))), transferGas)
					if err != nil {
						mu.Lock()
						failed = err
						mu.Unlock()
						break
					}
					w.txs[j] = workload.Tx{Node: w.s.Nodes[i], Lane: i, Raw: raw, Records: 1}
				}
			}
		})
	}
	for i := range lanes {
		work <- i
	}
	close(work)
	wg.Wait()
	return failed
}

func (w *transfers) Next(i int) workload.Tx { return w.txs[i] }

// Check reads every signer's balance from every node at one height.
func (w *transfers) Check(ctx context.Context, net *workload.Network) error {
	if err := net.AwaitHeights(ctx, 60*time.Second); err != nil {
		return err
	}
	first, err := w.overseer(net, 0)
	if err != nil {
		return err
	}
	var height hexutil.Uint64
	if err := rpc(ctx, first, "eth_blockNumber", nil, &height); err != nil {
		return err
	}
	var want []string
	for n := range net.Nodes {
		c, err := w.overseer(net, n)
		if err != nil {
			return err
		}
		var got []string
		sum := new(big.Int)
		for i := range w.s.Keys {
			var out hexutil.Bytes
			call := map[string]any{"to": w.token, "data": hexutil.Bytes(pack("balanceOf", w.addr(i)))}
			if err := rpc(ctx, c, "eth_call", []any{call, height}, &out); err != nil {
				return fmt.Errorf("werc20: balance of signer %d on %s: %w", i, net.Nodes[n].Name, err)
			}
			b := new(big.Int).SetBytes(out)
			sum.Add(sum, b)
			got = append(got, b.String())
		}
		if sum.Cmp(big.NewInt(supply)) != 0 {
			return fmt.Errorf("werc20: on %s the signers hold %s; the supply is %d", net.Nodes[n].Name, sum, supply)
		}
		if want == nil {
			want = got
		} else if !slices.Equal(want, got) {
			return fmt.Errorf("werc20: %s answers other balances than %s at height %d", net.Nodes[n].Name, net.Nodes[0].Name, height)
		}
	}
	return nil
}
