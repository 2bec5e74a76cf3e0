package evmplug

import (
	"context"
	"encoding/json"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// Blocks, transactions, receipts and logs as the Ethereum JSON-RPC shows
// them (ADR 0014). A block is the chain's block: its hash is the
// CometBFT header's hash, its stateRoot the state root after it (the app
// hash of the next header), its transactions the contract transactions
// it carries (Ethereum ones, and envelope deploys and calls, which show
// as legacy transactions with an empty signature), in order. Receipts
// number transactions and logs among the block's contract transactions.

func crypto256(b []byte) []byte { return crypto.Keccak256(b) }

// blockInfo is what the JSON-RPC derives of one committed block.
type blockInfo struct {
	block     *httpapi.Block
	stateRoot common.Hash
	hashes    []common.Hash // the contract transactions, in order
	receipts  []*evmapi.Receipt
	gasUsed   uint64
	bloom     types.Bloom
	gasLimit  uint64
}

// blockInfo derives, and remembers for a while, what a block shows.
func (s *server) blockInfo(ctx context.Context, h int64) (*blockInfo, error) {
	s.mu.Lock()
	bi, ok := s.blocks[h]
	s.mu.Unlock()
	if ok {
		return bi, nil
	}
	blk, err := s.env.Chain().Block(ctx, h)
	if err != nil {
		return nil, err
	}
	v, err := s.view(h)
	if err != nil {
		return nil, err
	}
	p, err := evm.GetParams(v, s.env.ChainID())
	if err != nil {
		return nil, err
	}
	bi = &blockInfo{block: blk, stateRoot: common.Hash(v.Root()), gasLimit: p.BlockGasLimit}
	if bi.hashes, err = evm.BlockTxs(v, h); err != nil {
		return nil, err
	}
	var logs []*types.Log
	for _, th := range bi.hashes {
		rc, err := evm.GetReceipt(v, th)
		if err != nil {
			return nil, err
		}
		bi.receipts = append(bi.receipts, rc)
		bi.gasUsed += rc.GasUsed
		for _, l := range rc.Logs {
			logs = append(logs, toTypesLog(l))
		}
	}
	bi.bloom = types.CreateBloom(&types.Receipt{Logs: logs})
	s.mu.Lock()
	if len(s.blocks) > 256 {
		clear(s.blocks)
	}
	s.blocks[h] = bi
	s.mu.Unlock()
	return bi, nil
}

func toTypesLog(l evmapi.Log) *types.Log {
	out := &types.Log{Address: common.HexToAddress(l.Address), Data: common.FromHex(l.Data)}
	for _, t := range l.Topics {
		out.Topics = append(out.Topics, common.HexToHash(t))
	}
	return out
}

// rpcBlock is a block as geth writes it.
type rpcBlock struct {
	Number           hexutil.Uint64 `json:"number"`
	Hash             common.Hash    `json:"hash"`
	ParentHash       common.Hash    `json:"parentHash"`
	Nonce            hexutil.Bytes  `json:"nonce"`
	MixHash          common.Hash    `json:"mixHash"`
	Sha3Uncles       common.Hash    `json:"sha3Uncles"`
	LogsBloom        types.Bloom    `json:"logsBloom"`
	TransactionsRoot common.Hash    `json:"transactionsRoot"`
	StateRoot        common.Hash    `json:"stateRoot"`
	ReceiptsRoot     common.Hash    `json:"receiptsRoot"`
	Miner            common.Address `json:"miner"`
	Difficulty       hexutil.Uint64 `json:"difficulty"`
	TotalDifficulty  hexutil.Uint64 `json:"totalDifficulty"`
	ExtraData        hexutil.Bytes  `json:"extraData"`
	Size             hexutil.Uint64 `json:"size"`
	GasLimit         hexutil.Uint64 `json:"gasLimit"`
	GasUsed          hexutil.Uint64 `json:"gasUsed"`
	Timestamp        hexutil.Uint64 `json:"timestamp"`
	BaseFeePerGas    hexutil.Uint64 `json:"baseFeePerGas"`
	Transactions     []any          `json:"transactions"`
	Uncles           []common.Hash  `json:"uncles"`
	Withdrawals      []any          `json:"withdrawals"`
	WithdrawalsRoot  common.Hash    `json:"withdrawalsRoot"`
	BlobGasUsed      hexutil.Uint64 `json:"blobGasUsed"`
	ExcessBlobGas    hexutil.Uint64 `json:"excessBlobGas"`
}

func (s *server) formatBlock(ctx context.Context, bi *blockInfo, full bool) (any, error) {
	b := bi.block
	out := rpcBlock{
		Number: hexutil.Uint64(b.Height), Hash: common.BytesToHash(b.Hash), ParentHash: common.BytesToHash(b.ParentHash),
		Nonce: make(hexutil.Bytes, 8), Sha3Uncles: types.EmptyUncleHash, LogsBloom: bi.bloom,
		TransactionsRoot: types.EmptyTxsHash, StateRoot: bi.stateRoot, ReceiptsRoot: types.EmptyReceiptsHash,
		Miner: common.BytesToAddress(b.Proposer), ExtraData: hexutil.Bytes{}, Size: hexutil.Uint64(b.Size),
		GasLimit: hexutil.Uint64(bi.gasLimit), GasUsed: hexutil.Uint64(bi.gasUsed), Timestamp: hexutil.Uint64(b.Time.Unix()),
		Transactions: []any{}, Uncles: []common.Hash{}, Withdrawals: []any{}, WithdrawalsRoot: types.EmptyWithdrawalsHash,
	}
	if len(bi.hashes) > 0 {
		// The roots of what the block's contract transactions did,
		// hashed as the Ethereum tools would (not a commitment of the
		// chain's: the state root is).
		out.TransactionsRoot = common.BytesToHash(crypto.Keccak256(hashesBytes(bi.hashes)))
		rb, _ := json.Marshal(bi.receipts)
		out.ReceiptsRoot = crypto.Keccak256Hash(rb)
	}
	for i, h := range bi.hashes {
		if !full {
			out.Transactions = append(out.Transactions, h)
			continue
		}
		t, err := s.formatTx(bi, i)
		if err != nil {
			return nil, err
		}
		out.Transactions = append(out.Transactions, t)
	}
	return out, nil
}

func hashesBytes(hs []common.Hash) []byte {
	out := make([]byte, 0, 32*len(hs))
	for _, h := range hs {
		out = append(out, h[:]...)
	}
	return out
}

func getBlockByNumber(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var ref blockRef
	var full bool
	if err := param(params, 0, &ref, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &full, false); err != nil {
		return nil, err
	}
	h, err := s.blockAt(ctx, &ref)
	if err != nil {
		if _, ok := err.(*rpcError); ok && ref.tag == "" {
			return nil, nil // a block not yet made: null, as geth answers
		}
		return nil, err
	}
	return s.block(ctx, h, full)
}

func getBlockByHash(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var hash common.Hash
	var full bool
	if err := param(params, 0, &hash, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &full, false); err != nil {
		return nil, err
	}
	b, err := s.env.Chain().BlockByHash(ctx, hash[:])
	if err != nil {
		return nil, nil
	}
	return s.block(ctx, b.Height, full)
}

func (s *server) block(ctx context.Context, h int64, full bool) (any, error) {
	if full && callerOf(ctx).Public() {
		return nil, rpcErr(codeUnauthorized, "unauthorized: whole transactions are for member organisations; ask for hashes only (false) or use the node's /eth/<API token> URL")
	}
	bi, err := s.blockInfo(ctx, h)
	if err != nil {
		if errcode.Of(err) == errcode.NotFound {
			return nil, nil
		}
		return nil, err
	}
	return s.formatBlock(ctx, bi, full)
}

func txCountByNumber(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var ref blockRef
	if err := param(params, 0, &ref, true); err != nil {
		return nil, err
	}
	h, err := s.blockAt(ctx, &ref)
	if err != nil {
		return nil, nil
	}
	bi, err := s.blockInfo(ctx, h)
	if err != nil {
		return nil, nil
	}
	return hexutil.Uint64(len(bi.hashes)), nil
}

func txCountByHash(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var hash common.Hash
	if err := param(params, 0, &hash, true); err != nil {
		return nil, err
	}
	b, err := s.env.Chain().BlockByHash(ctx, hash[:])
	if err != nil {
		return nil, nil
	}
	bi, err := s.blockInfo(ctx, b.Height)
	if err != nil {
		return nil, nil
	}
	return hexutil.Uint64(len(bi.hashes)), nil
}

// rpcTx is a transaction as geth writes it.
type rpcTx struct {
	BlockHash            *common.Hash      `json:"blockHash"`
	BlockNumber          *hexutil.Uint64   `json:"blockNumber"`
	From                 common.Address    `json:"from"`
	Gas                  hexutil.Uint64    `json:"gas"`
	GasPrice             *hexutil.Big      `json:"gasPrice"`
	MaxFeePerGas         *hexutil.Big      `json:"maxFeePerGas,omitempty"`
	MaxPriorityFeePerGas *hexutil.Big      `json:"maxPriorityFeePerGas,omitempty"`
	Hash                 common.Hash       `json:"hash"`
	Input                hexutil.Bytes     `json:"input"`
	Nonce                hexutil.Uint64    `json:"nonce"`
	To                   *common.Address   `json:"to"`
	TransactionIndex     *hexutil.Uint64   `json:"transactionIndex"`
	Value                *hexutil.Big      `json:"value"`
	Type                 hexutil.Uint64    `json:"type"`
	Accesses             *types.AccessList `json:"accessList,omitempty"`
	ChainID              *hexutil.Big      `json:"chainId,omitempty"`
	V                    *hexutil.Big      `json:"v"`
	R                    *hexutil.Big      `json:"r"`
	S                    *hexutil.Big      `json:"s"`
	YParity              *hexutil.Uint64   `json:"yParity,omitempty"`
}

// formatTx is the block's i-th contract transaction.
func (s *server) formatTx(bi *blockInfo, i int) (*rpcTx, error) {
	rc := bi.receipts[i]
	b := bi.block
	if rc.Index >= len(b.Txs) {
		return nil, errcode.New(errcode.Internal, "receipt %s points at transaction %d of block %d, which has %d", rc.TxHash, rc.Index, b.Height, len(b.Txs))
	}
	raw := b.Txs[rc.Index]
	bh := common.BytesToHash(b.Hash)
	num := hexutil.Uint64(b.Height)
	idx := hexutil.Uint64(i)
	zero := (*hexutil.Big)(new(big.Int))
	out := &rpcTx{BlockHash: &bh, BlockNumber: &num, TransactionIndex: &idx, From: common.HexToAddress(rc.From), Hash: common.HexToHash(rc.TxHash), GasPrice: zero, Value: zero}
	if ethtx.Is(raw) {
		d, err := ethtx.Decode(raw)
		if err != nil {
			return nil, err
		}
		t := d.T
		v, r, ss := t.RawSignatureValues()
		out.Gas, out.Input, out.Nonce, out.To, out.Type = hexutil.Uint64(t.Gas()), t.Data(), hexutil.Uint64(t.Nonce()), t.To(), hexutil.Uint64(t.Type())
		out.Value = (*hexutil.Big)(t.Value())
		out.V, out.R, out.S = (*hexutil.Big)(v), (*hexutil.Big)(r), (*hexutil.Big)(ss)
		out.ChainID = (*hexutil.Big)(new(big.Int).SetUint64(d.ChainID))
		out.GasPrice = (*hexutil.Big)(t.GasPrice())
		if t.Type() != types.LegacyTxType {
			al := t.AccessList()
			out.Accesses = &al
			yp := hexutil.Uint64(v.Uint64())
			out.YParity = &yp
		}
		if t.Type() == types.DynamicFeeTxType {
			out.MaxFeePerGas, out.MaxPriorityFeePerGas = (*hexutil.Big)(t.GasFeeCap()), (*hexutil.Big)(t.GasTipCap())
			// The effective gas price: the base fee (0) plus the tip,
			// capped; nothing is charged either way.
			out.GasPrice = zero
		}
		return out, nil
	}
	// An envelope deploy or call: a legacy transaction without a
	// signature (the envelope's is in the chain's own format).
	d, err := tx.Decode(raw)
	if err != nil {
		return nil, err
	}
	out.Type, out.Gas, out.Nonce = 0, hexutil.Uint64(rc.GasLimit), hexutil.Uint64(rc.Nonce)
	var body struct {
		Code, Data, To string
	}
	_ = json.Unmarshal(d.Body, &body)
	if rc.To != "" {
		to := common.HexToAddress(rc.To)
		out.To = &to
		out.Input = common.FromHex(body.Data)
	} else {
		out.Input = common.FromHex(body.Code)
	}
	p, err := s.params()
	if err != nil {
		return nil, err
	}
	out.ChainID = (*hexutil.Big)(new(big.Int).SetUint64(p.ChainID))
	out.V, out.R, out.S = zero, zero, zero
	return out, nil
}

// findTx locates a contract transaction by hash: its block and position
// among the block's contract transactions.
func (s *server) findTx(ctx context.Context, hash common.Hash) (*blockInfo, int, error) {
	v, err := s.view(0)
	if err != nil {
		return nil, 0, err
	}
	rc, err := evm.GetReceipt(v, hash)
	if err != nil {
		return nil, 0, err
	}
	bi, err := s.blockInfo(ctx, rc.Height)
	if err != nil {
		return nil, 0, err
	}
	i := slices.Index(bi.hashes, hash)
	if i < 0 {
		return nil, 0, errcode.New(errcode.Internal, "transaction %s is not in its block's index", hash)
	}
	return bi, i, nil
}

func getTransactionByHash(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var hash common.Hash
	if err := param(params, 0, &hash, true); err != nil {
		return nil, err
	}
	bi, i, err := s.findTx(ctx, hash)
	if err != nil {
		if errcode.Of(err) == errcode.NotFound {
			return nil, nil
		}
		return nil, err
	}
	return s.formatTx(bi, i)
}

func txByNumberAndIndex(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var ref blockRef
	var idx hexutil.Uint64
	if err := param(params, 0, &ref, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &idx, true); err != nil {
		return nil, err
	}
	h, err := s.blockAt(ctx, &ref)
	if err != nil {
		return nil, nil
	}
	return s.txAt(ctx, h, int(idx))
}

func txByHashAndIndex(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var hash common.Hash
	var idx hexutil.Uint64
	if err := param(params, 0, &hash, true); err != nil {
		return nil, err
	}
	if err := param(params, 1, &idx, true); err != nil {
		return nil, err
	}
	b, err := s.env.Chain().BlockByHash(ctx, hash[:])
	if err != nil {
		return nil, nil
	}
	return s.txAt(ctx, b.Height, int(idx))
}

func (s *server) txAt(ctx context.Context, h int64, i int) (any, error) {
	bi, err := s.blockInfo(ctx, h)
	if err != nil || i < 0 || i >= len(bi.hashes) {
		return nil, nil
	}
	return s.formatTx(bi, i)
}

// rpcReceipt is a receipt as geth writes it.
type rpcReceipt struct {
	TransactionHash   common.Hash     `json:"transactionHash"`
	TransactionIndex  hexutil.Uint64  `json:"transactionIndex"`
	BlockHash         common.Hash     `json:"blockHash"`
	BlockNumber       hexutil.Uint64  `json:"blockNumber"`
	From              common.Address  `json:"from"`
	To                *common.Address `json:"to"`
	CumulativeGasUsed hexutil.Uint64  `json:"cumulativeGasUsed"`
	GasUsed           hexutil.Uint64  `json:"gasUsed"`
	EffectiveGasPrice hexutil.Uint64  `json:"effectiveGasPrice"`
	ContractAddress   *common.Address `json:"contractAddress"`
	Logs              []rpcLog        `json:"logs"`
	LogsBloom         types.Bloom     `json:"logsBloom"`
	Type              hexutil.Uint64  `json:"type"`
	Status            hexutil.Uint64  `json:"status"`
	// RevertReason is geth's field for the reason of a failure.
	RevertReason string `json:"revertReason,omitempty"`
}

// rpcLog is a log as geth writes it.
type rpcLog struct {
	Address          common.Address `json:"address"`
	Topics           []common.Hash  `json:"topics"`
	Data             hexutil.Bytes  `json:"data"`
	BlockNumber      hexutil.Uint64 `json:"blockNumber"`
	TransactionHash  common.Hash    `json:"transactionHash"`
	TransactionIndex hexutil.Uint64 `json:"transactionIndex"`
	BlockHash        common.Hash    `json:"blockHash"`
	BlockTimestamp   hexutil.Uint64 `json:"blockTimestamp"`
	LogIndex         hexutil.Uint64 `json:"logIndex"`
	Removed          bool           `json:"removed"`
}

func (s *server) formatReceipt(bi *blockInfo, i int) *rpcReceipt {
	rc := bi.receipts[i]
	b := bi.block
	out := &rpcReceipt{
		TransactionHash: common.HexToHash(rc.TxHash), TransactionIndex: hexutil.Uint64(i), BlockHash: common.BytesToHash(b.Hash),
		BlockNumber: hexutil.Uint64(b.Height), From: common.HexToAddress(rc.From), GasUsed: hexutil.Uint64(rc.GasUsed),
		Status: hexutil.Uint64(rc.Status), Logs: []rpcLog{},
	}
	if ethtx.Is(b.Txs[rc.Index]) && len(b.Txs[rc.Index]) > 1 {
		if t := b.Txs[rc.Index][1]; t < 0x7f {
			out.Type = hexutil.Uint64(t)
		}
	}
	if rc.To != "" {
		to := common.HexToAddress(rc.To)
		out.To = &to
	}
	if rc.ContractAddress != "" {
		ca := common.HexToAddress(rc.ContractAddress)
		out.ContractAddress = &ca
	}
	logIndex := 0
	for j := 0; j < i; j++ {
		out.CumulativeGasUsed += hexutil.Uint64(bi.receipts[j].GasUsed)
		logIndex += len(bi.receipts[j].Logs)
	}
	out.CumulativeGasUsed += out.GasUsed
	var logs []*types.Log
	for _, l := range rc.Logs {
		out.Logs = append(out.Logs, s.formatLog(bi, i, logIndex, l))
		logs = append(logs, toTypesLog(l))
		logIndex++
	}
	out.LogsBloom = types.CreateBloom(&types.Receipt{Logs: logs})
	if rc.Status == 0 {
		out.RevertReason = rc.Error
	}
	return out
}

func (s *server) formatLog(bi *blockInfo, txIndex, logIndex int, l evmapi.Log) rpcLog {
	tl := toTypesLog(l)
	return rpcLog{
		Address: tl.Address, Topics: tl.Topics, Data: tl.Data, BlockNumber: hexutil.Uint64(bi.block.Height),
		TransactionHash: common.HexToHash(bi.receipts[txIndex].TxHash), TransactionIndex: hexutil.Uint64(txIndex),
		BlockHash: common.BytesToHash(bi.block.Hash), BlockTimestamp: hexutil.Uint64(bi.block.Time.Unix()), LogIndex: hexutil.Uint64(logIndex),
	}
}

func getTransactionReceipt(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var hash common.Hash
	if err := param(params, 0, &hash, true); err != nil {
		return nil, err
	}
	bi, i, err := s.findTx(ctx, hash)
	if err != nil {
		if errcode.Of(err) == errcode.NotFound {
			return nil, nil // not committed (yet): null, as geth answers
		}
		return nil, err
	}
	return s.formatReceipt(bi, i), nil
}

func getBlockReceipts(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var ref blockRef
	if err := param(params, 0, &ref, true); err != nil {
		return nil, err
	}
	h, err := s.blockAt(ctx, &ref)
	if err != nil {
		return nil, nil
	}
	bi, err := s.blockInfo(ctx, h)
	if err != nil {
		return nil, nil
	}
	out := []*rpcReceipt{}
	for i := range bi.hashes {
		out = append(out, s.formatReceipt(bi, i))
	}
	return out, nil
}

// logFilter is eth_getLogs' filter.
type logFilter struct {
	FromBlock *blockRef         `json:"fromBlock"`
	ToBlock   *blockRef         `json:"toBlock"`
	BlockHash *common.Hash      `json:"blockHash"`
	Address   json.RawMessage   `json:"address"`
	Topics    []json.RawMessage `json:"topics"`
}

func getLogs(ctx context.Context, s *server, params []json.RawMessage) (any, error) {
	var f logFilter
	if err := param(params, 0, &f, true); err != nil {
		return nil, err
	}
	var addrs []common.Address
	if len(f.Address) > 0 && string(f.Address) != "null" {
		var one common.Address
		if err := json.Unmarshal(f.Address, &one); err == nil {
			addrs = []common.Address{one}
		} else if err := json.Unmarshal(f.Address, &addrs); err != nil {
			return nil, rpcErr(codeInvalidParams, "invalid argument 0: address: %v", err)
		}
	}
	if len(f.Topics) > 4 {
		return nil, rpcErr(codeInvalidParams, "invalid argument 0: too many topics (at most 4)")
	}
	topics := make([][]common.Hash, len(f.Topics))
	for i, raw := range f.Topics {
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		var one common.Hash
		if err := json.Unmarshal(raw, &one); err == nil {
			topics[i] = []common.Hash{one}
			continue
		}
		if err := json.Unmarshal(raw, &topics[i]); err != nil {
			return nil, rpcErr(codeInvalidParams, "invalid argument 0: topic %d: %v", i, err)
		}
	}
	var from, to int64
	if f.BlockHash != nil {
		if f.FromBlock != nil || f.ToBlock != nil {
			return nil, rpcErr(codeInvalidParams, "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
		}
		b, err := s.env.Chain().BlockByHash(ctx, f.BlockHash[:])
		if err != nil {
			return nil, rpcErr(codeServer, "unknown block")
		}
		from, to = b.Height, b.Height
	} else {
		var err error
		if from, err = s.height(ctx, f.FromBlock); err != nil {
			if f.FromBlock != nil && f.FromBlock.tag == "" {
				return []rpcLog{}, nil // a range that starts after the head
			}
			return nil, err
		}
		if to, err = s.height(ctx, f.ToBlock); err != nil {
			if to, err = s.latest(); err != nil {
				return nil, err
			}
		}
	}
	if from > to {
		return nil, rpcErr(codeInvalidParams, "invalid block range params")
	}
	if to-from > maxLogRange {
		return nil, rpcErr(codeServer, "block range too large (%d blocks; at most %d)", to-from+1, maxLogRange)
	}
	v, err := s.view(0)
	if err != nil {
		return nil, err
	}
	entries, err := evm.Logs(v, from, to, addrs, topics, maxLogs)
	if err != nil {
		return nil, rpcErr(codeServer, "%s", errcode.Message(err))
	}
	out := make([]rpcLog, 0, len(entries))
	for _, e := range entries {
		bi, err := s.blockInfo(ctx, e.Height)
		if err != nil {
			return nil, err
		}
		out = append(out, s.formatLog(bi, e.TxIndex, e.LogIndex, e.Log))
	}
	return out, nil
}

// callerOf is the request's caller.
func callerOf(ctx context.Context) interface{ Public() bool } { return httpapi.Caller(ctx) }

// identityKeyOrg returns the organisation of an active member key.
func identityKeyOrg(v *state.View, id tx.KeyID) (string, error) {
	signer, _, err := identity.LookupSigner(v, id)
	if err != nil {
		return "", err
	}
	return signer.Org, nil
}

// orgHasRole reports whether an organisation holds a role.
func orgHasRole(v *state.View, org, role string) (bool, error) {
	o, ok, err := module.Org(v, org)
	if err != nil || !ok {
		return false, err
	}
	for _, r := range o.Roles {
		if string(r) == role {
			return true, nil
		}
	}
	return false, nil
}
