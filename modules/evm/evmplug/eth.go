package evmplug

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// Version is what web3_clientVersion answers after "Dengta/".
const Version = "v1"

// maxLogs and maxLogRange bound what one eth_getLogs answers.
const (
	maxLogs     = 10_000
	maxLogRange = 100_000
)

// server answers the Ethereum JSON-RPC of one node.
type server struct {
	env     httpapi.Env
	methods map[string]method

	mu     sync.Mutex
	blocks map[int64]*blockInfo // recent blocks' derived facts, by height
}

func newServer(env httpapi.Env) *server {
	s := &server{env: env, blocks: map[int64]*blockInfo{}}
	pub := func(f func(context.Context, *server, []json.RawMessage) (any, error)) method {
		return method{public: true, run: f}
	}
	mem := func(f func(context.Context, *server, []json.RawMessage) (any, error)) method {
		return method{run: f}
	}
	s.methods = map[string]method{
		"web3_clientVersion":                      pub(clientVersion),
		"web3_sha3":                               pub(sha3),
		"net_version":                             pub(netVersion),
		"net_listening":                           pub(func(context.Context, *server, []json.RawMessage) (any, error) { return true, nil }),
		"net_peerCount":                           pub(func(context.Context, *server, []json.RawMessage) (any, error) { return hexutil.Uint64(0), nil }),
		"eth_chainId":                             pub(chainID),
		"eth_blockNumber":                         pub(blockNumber),
		"eth_syncing":                             pub(func(context.Context, *server, []json.RawMessage) (any, error) { return false, nil }),
		"eth_mining":                              pub(func(context.Context, *server, []json.RawMessage) (any, error) { return false, nil }),
		"eth_accounts":                            pub(func(context.Context, *server, []json.RawMessage) (any, error) { return []string{}, nil }),
		"eth_gasPrice":                            pub(zeroFee),
		"eth_maxPriorityFeePerGas":                pub(zeroFee),
		"eth_blobBaseFee":                         pub(zeroFee),
		"eth_feeHistory":                          pub(feeHistory),
		"eth_getBalance":                          pub(getBalance),
		"eth_getTransactionCount":                 pub(getTransactionCount),
		"eth_sendRawTransaction":                  pub(sendRawTransaction),
		"eth_getBlockByNumber":                    pub(getBlockByNumber),
		"eth_getBlockByHash":                      pub(getBlockByHash),
		"eth_getBlockTransactionCountByNumber":    pub(txCountByNumber),
		"eth_getBlockTransactionCountByHash":      pub(txCountByHash),
		"eth_getUncleCountByBlockNumber":          pub(func(context.Context, *server, []json.RawMessage) (any, error) { return hexutil.Uint64(0), nil }),
		"eth_getUncleCountByBlockHash":            pub(func(context.Context, *server, []json.RawMessage) (any, error) { return hexutil.Uint64(0), nil }),
		"eth_call":                                mem(ethCall),
		"eth_estimateGas":                         mem(estimateGas),
		"eth_getCode":                             mem(getCode),
		"eth_getStorageAt":                        mem(getStorageAt),
		"eth_getLogs":                             mem(getLogs),
		"eth_getTransactionByHash":                mem(getTransactionByHash),
		"eth_getTransactionReceipt":               mem(getTransactionReceipt),
		"eth_getTransactionByBlockNumberAndIndex": mem(txByNumberAndIndex),
		"eth_getTransactionByBlockHashAndIndex":   mem(txByHashAndIndex),
		"eth_getBlockReceipts":                    mem(getBlockReceipts),
	}
	return s
}

func clientVersion(context.Context, *server, []json.RawMessage) (any, error) {
	return "Dengta/" + Version + "/evm-osaka", nil
}

func sha3(_ context.Context, _ *server, params []json.RawMessage) (any, error) {
	var b hexutil.Bytes
	if err := param(params, 0, &b, true); err != nil {
		return nil, err
	}
	return hexutil.Bytes(crypto256(b)), nil
}

func zeroFee(context.Context, *server, []json.RawMessage) (any, error) { return hexutil.Uint64(0), nil }

// params returns the EVM rules in the latest state.
func (s *server) params() (*evm.Params, error) {
	v, err := s.env.View(0)
	if err != nil {
		return nil, err
	}
	return evm.GetParams(v, s.env.ChainID())
}

func chainID(_ context.Context, s *server, _ []json.RawMessage) (any, error) {
	p, err := s.params()
	if err != nil {
		return nil, err
	}
	return hexutil.Uint64(p.ChainID), nil
}

func netVersion(_ context.Context, s *server, _ []json.RawMessage) (any, error) {
	p, err := s.params()
	if err != nil {
		return nil, err
	}
	return strconv.FormatUint(p.ChainID, 10), nil
}

// latest is the latest committed height: the state and block the node
// answers for "latest" (also "safe", "finalized" and, for reads of
// state, "pending": a committed block is final).
func (s *server) latest() (int64, error) {
	v, err := s.env.View(0)
	if err != nil {
		return 0, err
	}
	if v.Version() < 1 {
		return 0, rpcErr(codeServer, "the node has not committed its first block yet")
	}
	return v.Version(), nil
}

func blockNumber(_ context.Context, s *server, _ []json.RawMessage) (any, error) {
	h, err := s.latest()
	return hexutil.Uint64(h), err
}

// blockRef is a block tag, number or EIP-1898 object.
type blockRef struct {
	tag  string
	num  int64
	hash *common.Hash
}

func (b *blockRef) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		switch s {
		case "latest", "pending", "safe", "finalized", "earliest":
			b.tag = s
			return nil
		}
		n, err := hexutil.DecodeUint64(s)
		if err != nil {
			return fmt.Errorf("invalid block number %q: %v", s, err)
		}
		if n > 1<<62 {
			return fmt.Errorf("block number %d is too large", n)
		}
		b.num = int64(n)
		return nil
	}
	var obj struct {
		BlockNumber *string      `json:"blockNumber"`
		BlockHash   *common.Hash `json:"blockHash"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("invalid block reference %s", data)
	}
	switch {
	case obj.BlockHash != nil:
		b.hash = obj.BlockHash
	case obj.BlockNumber != nil:
		return b.UnmarshalJSON([]byte(strconv.Quote(*obj.BlockNumber)))
	default:
		return fmt.Errorf("invalid block reference %s", data)
	}
	return nil
}

// height resolves a block reference to a committed height (ref nil:
// latest).
func (s *server) height(ctx context.Context, ref *blockRef) (int64, error) {
	latest, err := s.latest()
	if err != nil {
		return 0, err
	}
	if ref == nil {
		return latest, nil
	}
	if ref.hash != nil {
		b, err := s.env.Chain().BlockByHash(ctx, ref.hash[:])
		if err != nil {
			return 0, rpcErr(codeServer, "header for hash not found")
		}
		return b.Height, nil
	}
	switch ref.tag {
	case "latest", "pending", "safe", "finalized":
		return latest, nil
	case "earliest":
		return 1, nil
	}
	if ref.num > latest {
		return 0, rpcErr(codeServer, "header not found")
	}
	if ref.num == 0 {
		return 1, nil // the genesis state is written by block 1's commit
	}
	return ref.num, nil
}

// blockAt is the height of the block ref names, for the calls that answer
// a block or a part of one. The chain's first block is 1, so number 0 is
// a block this chain does not have (null, as geth answers one), where
// state reads take it as the genesis state that block 1's commit writes.
func (s *server) blockAt(ctx context.Context, ref *blockRef) (int64, error) {
	if ref != nil && ref.hash == nil && ref.tag == "" && ref.num == 0 {
		return 0, rpcErr(codeServer, "header not found: this chain's first block is 1")
	}
	return s.height(ctx, ref)
}

// view opens the state after the block at height h.
func (s *server) view(h int64) (*state.View, error) { return s.env.View(h) }

func getBalance(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var a common.Address
	var ref blockRef
	if err := param(params, 0, &a, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &ref, false); err != nil {
		return nil, err
	}
	// The block must exist, as for any state read.
	if _, err := s.height(ctx, &ref); err != nil {
		return nil, err
	}
	return hexutil.Uint64(0), nil // the chain has no native coin
}

func getTransactionCount(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var a common.Address
	var ref blockRef
	if err := param(params, 0, &a, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &ref, false); err != nil {
		return nil, err
	}
	if ref.tag == "pending" {
		// A member key's transactions waiting in the mempool count; a
		// contract account has none there.
		v, err := s.view(0)
		if err != nil {
			return nil, err
		}
		if code, err := evm.GetCode(v, a); err == nil && code != nil {
			n, err := evm.GetNonce(v, a)
			return hexutil.Uint64(n), err
		}
		next, err := s.env.Chain().NextNonce(tx.KeyID(a))
		if err != nil {
			return nil, err
		}
		return hexutil.Uint64(next - 1), nil
	}
	h, err := s.height(ctx, &ref)
	if err != nil {
		return nil, err
	}
	v, err := s.view(h)
	if err != nil {
		return nil, err
	}
	n, err := evm.GetNonce(v, a)
	return hexutil.Uint64(n), err
}

func sendRawTransaction(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var raw hexutil.Bytes
	if err := param(params, 0, &raw, true); err != nil {
		return nil, err
	}
	t, err := ethtx.DecodeRaw(raw)
	if err != nil {
		return nil, rpcErr(codeServer, "%s", errcode.Message(err))
	}
	// The mempool's cache would take the same bytes again without a
	// check: a transaction already committed is refused first, in geth's
	// words (looked up before it is offered, so that a first send
	// committed at once is never taken for a second).
	if v, err := s.view(0); err == nil {
		if _, err := evm.GetReceipt(v, t.Hash()); err == nil {
			return nil, rpcErr(codeServer, "nonce too low: transaction %s is already committed", t.Hash())
		}
	}
	code, log, err := s.env.Chain().Broadcast(ctx, ethtx.Wrap(raw))
	if err != nil {
		return nil, err
	}
	if code != 0 {
		// Every refusal is CheckTx's message, in geth's words where there
		// are some. A transaction already committed, sent again, is
		// "nonce too low" as geth answers it: answering its hash told a
		// client that had reused a nonce (ethers caches nonces for 250 ms,
		// longer than a block here) that a call it signed again had run.
		return nil, rpcErr(codeServer, "%s", log)
	}
	return t.Hash(), nil
}

// feeHistory answers the zero fees of every block asked for: what
// wallets and Hardhat read to price a transaction.
func feeHistory(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var count hexutil.Uint64
	var newest blockRef
	var percentiles []float64
	if err := param(params, 0, &count, true); err != nil {
		// Some clients send a decimal number.
		var n uint64
		if err2 := param(params, 0, &n, true); err2 != nil {
			return nil, err
		}
		count = hexutil.Uint64(n)
	}
	if err := param(params, 1, &newest, true); err != nil {
		return nil, err
	}
	if err := param(params, 2, &percentiles, false); err != nil {
		return nil, err
	}
	h, err := s.height(ctx, &newest)
	if err != nil {
		return nil, err
	}
	n := min(int64(count), h, 1024)
	oldest := h - n + 1
	type history struct {
		OldestBlock   hexutil.Uint64     `json:"oldestBlock"`
		BaseFee       []hexutil.Uint64   `json:"baseFeePerGas"`
		GasUsedRatio  []float64          `json:"gasUsedRatio"`
		BlobBaseFee   []hexutil.Uint64   `json:"baseFeePerBlobGas"`
		BlobUsedRatio []float64          `json:"blobGasUsedRatio"`
		Reward        [][]hexutil.Uint64 `json:"reward,omitempty"`
	}
	out := history{OldestBlock: hexutil.Uint64(oldest)}
	p, err := s.params()
	if err != nil {
		return nil, err
	}
	for i := int64(0); i < n; i++ {
		ratio := 0.0
		if bi, err := s.blockInfo(ctx, oldest+i); err == nil && p.BlockGasLimit > 0 {
			ratio = float64(bi.gasUsed) / float64(p.BlockGasLimit)
		}
		out.GasUsedRatio = append(out.GasUsedRatio, ratio)
		out.BlobUsedRatio = append(out.BlobUsedRatio, 0)
		if len(percentiles) > 0 {
			out.Reward = append(out.Reward, make([]hexutil.Uint64, len(percentiles)))
		}
	}
	out.BaseFee = make([]hexutil.Uint64, n+1)
	out.BlobBaseFee = make([]hexutil.Uint64, n+1)
	return out, nil
}

// callArgs is the transaction object of eth_call and eth_estimateGas.
type callArgs struct {
	From                 *common.Address   `json:"from"`
	To                   *common.Address   `json:"to"`
	Gas                  *hexutil.Uint64   `json:"gas"`
	GasPrice             *hexutil.Big      `json:"gasPrice"`
	MaxFeePerGas         *hexutil.Big      `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexutil.Big      `json:"maxPriorityFeePerGas"`
	Value                *hexutil.Big      `json:"value"`
	Nonce                *hexutil.Uint64   `json:"nonce"`
	Data                 *hexutil.Bytes    `json:"data"`
	Input                *hexutil.Bytes    `json:"input"`
	AccessList           *types.AccessList `json:"accessList"`
	ChainID              *hexutil.Big      `json:"chainId"`
	Type                 *hexutil.Uint64   `json:"type"`
}

func (a *callArgs) message() (evm.Message, error) {
	var m evm.Message
	if a.Value != nil && a.Value.ToInt().Sign() != 0 {
		return m, rpcErr(codeServer, "this chain has no native coin: a call cannot send value (insufficient funds for transfer)")
	}
	if a.Data != nil && a.Input != nil && !bytes.Equal(*a.Data, *a.Input) {
		return m, rpcErr(codeInvalidParams, `both "data" and "input" are set and not equal. Please use "input" to pass transaction call data`)
	}
	if a.From != nil {
		m.From = *a.From
	}
	m.To = a.To
	if a.Gas != nil {
		m.Gas = uint64(*a.Gas)
	}
	switch {
	case a.Input != nil:
		m.Data = *a.Input
	case a.Data != nil:
		m.Data = *a.Data
	}
	if a.AccessList != nil {
		m.AccessList = *a.AccessList
	}
	return m, nil
}

// callBlock resolves the block a call runs on: its state and the block
// the EVM sees (its number and time).
func (s *server) callBlock(ctx context.Context, params []json.RawMessage, i int) (*state.View, evm.Block, error) {
	var ref blockRef
	if err := param(params, i, &ref, false); err != nil {
		return nil, evm.Block{}, err
	}
	if ref.tag == "" && ref.hash == nil && i >= len(params) {
		ref.tag = "latest"
	}
	h, err := s.height(ctx, &ref)
	if err != nil {
		return nil, evm.Block{}, err
	}
	v, err := s.view(h)
	if err != nil {
		return nil, evm.Block{}, err
	}
	b := evm.Block{Height: h, Time: time.Unix(0, 0)}
	if blk, err := s.env.Chain().Block(ctx, h); err == nil {
		b.Time = blk.Time
	}
	return v, b, nil
}

// callError shapes a failed execution as geth does: a revert is code 3
// with the revert data; other failures are -32000 with the EVM's reason.
func callError(out *evm.Outcome) error {
	if errors.Is(out.Err, vm.ErrExecutionReverted) {
		return &rpcError{Code: codeReverted, Message: out.ErrorText(), Data: hexutil.Bytes(out.Return).String()}
	}
	return rpcErr(codeServer, "%s", out.ErrorText())
}

func ethCall(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var args callArgs
	if err := param(params, 0, &args, true); err != nil {
		return nil, err
	}
	m, err := args.message()
	if err != nil {
		return nil, err
	}
	v, b, err := s.callBlock(ctx, params, 1)
	if err != nil {
		return nil, err
	}
	p, err := evm.GetParams(v, s.env.ChainID())
	if err != nil {
		return nil, err
	}
	if m.To == nil && len(m.Data) == 0 {
		return hexutil.Bytes{}, nil
	}
	out, err := evm.Call(v, p, b, m)
	if err != nil {
		return nil, rpcErr(codeServer, "%s", errcode.Message(err))
	}
	if out.Status == 0 {
		return nil, callError(out)
	}
	return hexutil.Bytes(out.Return), nil
}

func estimateGas(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var args callArgs
	if err := param(params, 0, &args, true); err != nil {
		return nil, err
	}
	m, err := args.message()
	if err != nil {
		return nil, err
	}
	v, b, err := s.callBlock(ctx, params, 1)
	if err != nil {
		return nil, err
	}
	p, err := evm.GetParams(v, s.env.ChainID())
	if err != nil {
		return nil, err
	}
	if m.To == nil && len(m.Data) > 0 {
		// A deployment needs the deploy role: say so now rather than
		// after the wallet signs.
		if err := s.checkDeployer(v, m.From); err != nil {
			return nil, err
		}
	}
	gas, failed, err := evm.EstimateGas(v, p, b, m)
	if err != nil {
		return nil, rpcErr(codeServer, "%s", errcode.Message(err))
	}
	if failed != nil {
		if errors.Is(failed.Err, vm.ErrExecutionReverted) {
			return nil, callError(failed)
		}
		return nil, rpcErr(codeServer, "gas required exceeds allowance (%d)", p.TxGasLimit)
	}
	return hexutil.Uint64(gas), nil
}

func getCode(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var a common.Address
	if err := param(params, 0, &a, true); err != nil {
		return nil, err
	}
	v, err := s.viewAt(ctx, params, 1)
	if err != nil {
		return nil, err
	}
	code, err := evm.GetCode(v, a)
	return hexutil.Bytes(code), err
}

func getStorageAt(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var a common.Address
	var slot hexutil.Big
	if err := param(params, 0, &a, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &slot, true); err != nil {
		// A 32-byte key written as a hash.
		var h common.Hash
		if err2 := param(params, 1, &h, true); err2 != nil {
			return nil, err
		}
		slot = hexutil.Big(*new(big.Int).SetBytes(h[:]))
	}
	if slot.ToInt().Sign() < 0 || slot.ToInt().BitLen() > 256 {
		return nil, rpcErr(codeInvalidParams, "invalid argument 1: storage slot out of range")
	}
	v, err := s.viewAt(ctx, params, 2)
	if err != nil {
		return nil, err
	}
	val, err := evm.GetStorage(v, a, common.BigToHash(slot.ToInt()))
	return val, err
}

// viewAt is the state at the block reference params[i] (latest when
// absent).
func (s *server) viewAt(ctx context.Context, params []json.RawMessage, i int) (*state.View, error) {
	var ref blockRef
	if err := param(params, i, &ref, false); err != nil {
		return nil, err
	}
	var h int64
	var err error
	if ref.tag == "" && ref.hash == nil && ref.num == 0 && i >= len(params) {
		h, err = s.latest()
	} else {
		h, err = s.height(ctx, &ref)
	}
	if err != nil {
		return nil, err
	}
	return s.view(h)
}

func (s *server) checkDeployer(v *state.View, from common.Address) error {
	var role string
	if key, err := identityKeyOrg(v, tx.KeyID(from)); err == nil && key != "" {
		if ok, err := orgHasRole(v, key, string(evmapi.Deployer)); err == nil && ok {
			return nil
		}
		role = key
	}
	if role == "" {
		return rpcErr(codeServer, "sender account %s is not a member key of this chain", strings.ToLower(from.Hex()))
	}
	return rpcErr(codeServer, "%s may not deploy contracts: deploying is for organisations with role %s, which governance grants", role, evmapi.Deployer)
}
