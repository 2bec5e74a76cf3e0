package evm

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// Block is the block a transaction or a read-only call runs in.
type Block struct {
	Height int64
	Time   time.Time
}

// Message is what the EVM executes: a deployment (To nil) or a call.
type Message struct {
	From common.Address
	To   *common.Address
	// Nonce is From's nonce before the transaction, in Ethereum's
	// numbering (what a deployment's address is derived from).
	Nonce      uint64
	Gas        uint64
	Data       []byte
	AccessList types.AccessList
	// Hash and Index place the transaction's logs.
	Hash  common.Hash
	Index int
}

// Outcome is what an execution did. A failed execution (a revert, out of
// gas, an invalid opcode) is an outcome with Status 0, never an error:
// the chain records it with its receipt.
type Outcome struct {
	Status  uint64 // 1 success, 0 failure
	GasUsed uint64
	// Return is the returned data, or the revert data.
	Return []byte
	// Err is the EVM's reason for a failure (vm.ErrExecutionReverted,
	// vm.ErrOutOfGas, ...).
	Err error
	// Contract is the address a deployment created (or would have).
	Contract common.Address
	Logs     []*types.Log
}

// ErrorText is the failure as geth words it: "execution reverted: reason"
// for a revert with a reason string or a panic code.
func (o *Outcome) ErrorText() string {
	if o.Err == nil {
		return ""
	}
	if errors.Is(o.Err, vm.ErrExecutionReverted) {
		if reason, err := abi.UnpackRevert(o.Return); err == nil {
			return vm.ErrExecutionReverted.Error() + ": " + reason
		}
	}
	return o.Err.Error()
}

// intrinsic returns the gas a message pays before it runs (EIP-2028
// calldata, EIP-2930 access list, EIP-3860 init code words) and its
// calldata floor (EIP-7623), refusing a gas limit below either.
func intrinsic(m *Message) (gas, floor uint64, err error) {
	gas = params.TxGas
	if m.To == nil {
		gas = params.TxGasContractCreation
	}
	z := uint64(bytes.Count(m.Data, []byte{0}))
	nz := uint64(len(m.Data)) - z
	gas += nz*params.TxDataNonZeroGasEIP2028 + z*params.TxDataZeroGas
	if m.To == nil {
		gas += (uint64(len(m.Data)) + 31) / 32 * params.InitCodeWordGas
	}
	gas += uint64(len(m.AccessList))*params.TxAccessListAddressGas + uint64(m.AccessList.StorageKeys())*params.TxAccessListStorageKeyGas
	floor = params.TxGas + (z+nz*params.TxTokenPerNonZeroByte)*params.TxCostFloorPerToken
	if m.Gas < gas {
		return 0, 0, errcode.New(errcode.RuleViolation, "intrinsic gas too low: have %d, want %d", m.Gas, gas)
	}
	if m.Gas < floor {
		return 0, 0, errcode.New(errcode.RuleViolation, "insufficient gas for floor data gas cost: have %d, want %d", m.Gas, floor)
	}
	return gas, floor, nil
}

// checkMessage refuses what can never run: a gas limit over the chain's
// limit per transaction or below the intrinsic cost, init code over the
// limit (EIP-3860). These are refusals of the transaction, decided before
// anything runs, the same at every height.
func checkMessage(p *Params, m *Message) error {
	if m.Gas > p.TxGasLimit {
		return errcode.New(errcode.RuleViolation, "transaction gas limit too high (cap: %d, tx: %d)", p.TxGasLimit, m.Gas)
	}
	if m.To == nil && len(m.Data) > params.MaxInitCodeSize {
		return errcode.New(errcode.RuleViolation, "max initcode size exceeded: code size %d, limit %d", len(m.Data), params.MaxInitCodeSize)
	}
	if m.Nonce == math.MaxUint64 {
		return errcode.New(errcode.RuleViolation, "nonce has max value: address %s, nonce: %d", m.From, m.Nonce)
	}
	_, _, err := intrinsic(m)
	return err
}

// Execute runs m against the state in kv at block b under the rules p and
// writes its changes to kv unless readOnly. It returns an error only for a
// message that cannot run (checkMessage) or a state that cannot be read;
// a failed execution is an Outcome with Status 0.
func Execute(kv module.KV, p *Params, b Block, m *Message, readOnly bool) (*Outcome, error) {
	if err := checkMessage(p, m); err != nil {
		return nil, err
	}
	sdb := NewStateDB(kv, m.From, m.Nonce)
	out := run(sdb, kv, p, b, m)
	if err := sdb.Err(); err != nil {
		return nil, fmt.Errorf("evm state: %w", err)
	}
	if out.Status == types.ReceiptStatusSuccessful {
		out.Logs = sdb.Logs()
	}
	if !readOnly {
		if err := sdb.Commit(); err != nil {
			return nil, fmt.Errorf("evm state: %w", err)
		}
	}
	return out, nil
}

// run executes a checked message on sdb: the state transition of
// go-ethereum's core (which the module cannot import) for the rules the
// chain runs, without fees: intrinsic gas, the warm addresses, the
// top-level create or call, refunds (EIP-3529) and the calldata floor
// (EIP-7623). The records precompile reads records.
func run(sdb vm.StateDB, records module.Getter, p *Params, b Block, m *Message) *Outcome {
	gasIntrinsic, floor, _ := intrinsic(m)
	cfg := p.chainConfig()
	number := big.NewInt(b.Height)
	random := common.Hash{}
	blockCtx := vm.BlockContext{
		CanTransfer: canTransfer,
		Transfer:    transfer,
		GetHash:     func(uint64) common.Hash { return common.Hash{} },
		GasLimit:    p.BlockGasLimit,
		BlockNumber: number,
		Time:        uint64(b.Time.Unix()),
		Difficulty:  new(big.Int),
		BaseFee:     new(big.Int),
		BlobBaseFee: new(big.Int),
		Random:      &random,
	}
	rules := cfg.Rules(number, true, blockCtx.Time)
	sdb.SetTxContext(m.Hash, m.Index, 0)
	evm := vm.NewEVM(blockCtx, sdb, cfg, vm.Config{})
	defer evm.Release()
	evm.SetPrecompiles(precompiles(rules, records, p))
	evm.SetJumpDestCache(jumpDests)
	evm.SetTxContext(vm.TxContext{Origin: m.From, GasPrice: new(uint256.Int)})
	sdb.Prepare(rules, m.From, blockCtx.Coinbase, m.To, precompileAddresses(rules), m.AccessList)

	budget := vm.NewGasBudget(m.Gas-gasIntrinsic, 0)
	out := &Outcome{}
	var left vm.GasBudget
	zero := new(uint256.Int)
	if m.To == nil {
		out.Contract = crypto.CreateAddress(m.From, m.Nonce)
		out.Return, _, left, out.Err = evm.Create(m.From, m.Data, budget, zero)
	} else {
		out.Return, left, out.Err = evm.Call(m.From, *m.To, m.Data, budget, zero)
	}
	used := m.Gas - (left.ExecutionGas + left.StateGas)
	// EIP-3529: refunds up to a fifth of the gas used; EIP-7623: never
	// below the calldata floor.
	used -= min(used/params.RefundQuotientEIP3529, sdb.GetRefund())
	out.GasUsed = max(used, floor)
	if out.Err == nil {
		out.Status = types.ReceiptStatusSuccessful
	}
	return out
}

// canTransfer allows only zero: no account holds a balance.
func canTransfer(_ vm.StateDB, _ common.Address, amount *uint256.Int) bool {
	return amount.IsZero()
}

// transfer moves nothing: the only amounts that reach it are zero.
func transfer(db vm.StateDB, from, to common.Address, amount *uint256.Int, _ *params.Rules) {
	if amount.IsZero() {
		return
	}
	db.SubBalance(from, amount, tracing.BalanceChangeTransfer)
	db.AddBalance(to, amount, tracing.BalanceChangeTransfer)
}
