// Package evm is the smart contract module: an Ethereum Virtual Machine
// (go-ethereum's core/vm) over Dengta's state, so that members run
// Solidity contracts under the chain's rules (ADR 0014).
//
// Contracts are reached two ways. Ethereum tools send Ethereum
// transactions signed by secp256k1 member keys (the app routes them to the
// ethereum action); members that sign with SM2 or Ed25519 keys use the
// Dengta envelope's deploy and call actions. Either way the sender is a
// member key registered on chain, whose key id is its address; deploying
// needs the contract_deployer role. Gas bounds work: there is no native
// coin, the gas price and base fee are zero, and a value transfer is
// refused. Every execution that gets past the checks is recorded with a
// receipt (status 0 for a revert) in the state, beside contract accounts,
// code and storage, so all of it is provable offline.
package evm

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// Module is the smart contract module's state machine.
type Module struct{}

var (
	_ module.Module     = Module{}
	_ module.Genesis    = Module{}
	_ module.Metered    = Module{}
	_ module.Visibility = Module{}
	_ module.Ethereum   = Module{}
)

// Name implements module.Module.
func (Module) Name() string { return evmapi.Name }

// Actions implements module.Module. Calls are for every member;
// deploying is for contract deployers.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(evmapi.Deploy, m.deploy).For(evmapi.Deployer),
		module.Handle(evmapi.Call, m.call),
		module.Handle(evmapi.Describe, m.describe),
	}
}

// EthereumAction implements module.Ethereum: Ethereum transactions deploy
// and call contracts alike (the handler checks the deploy role).
func (m Module) EthereumAction() module.Action {
	return module.Action{Name: evmapi.EthereumAction, Handle: m.ethereum, Doc: "execute an Ethereum transaction (eth_sendRawTransaction): deploy or call a contract"}
}

// InitGenesis implements module.Genesis: a genesis section pins the EVM
// rules in the state; without one the chain runs the defaults.
func (Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	var p Params
	if ok, err := module.DecodeGenesis(raw, &p); !ok || err != nil {
		if err != nil {
			return fmt.Errorf("evm genesis: %w", err)
		}
		return nil
	}
	p = p.withDefaults(ctx.ChainID)
	if err := p.validate(); err != nil {
		return fmt.Errorf("evm genesis: %w", err)
	}
	return module.PutJSON(ctx.Store, keyParams, p)
}

// BlockGas implements module.Metered.
func (Module) BlockGas(r module.Getter) (uint64, error) {
	b, err := r.Get(keyParams)
	if err != nil || b == nil {
		return DefaultBlockGasLimit, err
	}
	var p Params
	if err := json.Unmarshal(b, &p); err != nil {
		return 0, fmt.Errorf("evm params: %w", err)
	}
	return p.BlockGasLimit, nil
}

// TxGas implements module.Metered: a transaction reserves its gas limit.
func (Module) TxGas(action string, body []byte) uint64 {
	switch action {
	case evmapi.EthereumAction:
		if t, err := ethtx.DecodeRaw(body); err == nil {
			return t.T.Gas()
		}
	case evmapi.Deploy.Name, evmapi.Call.Name:
		var b struct {
			Gas uint64 `json:"gas"`
		}
		if json.Unmarshal(body, &b) == nil {
			return gasOrDefault(b.Gas)
		}
	}
	return 0
}

func gasOrDefault(g uint64) uint64 {
	if g == 0 {
		return evmapi.DefaultGas
	}
	return g
}

// Address is the EVM address of a member key: its key id.
func Address(id tx.KeyID) common.Address { return common.Address(id) }

// kind of a contract transaction, as receipts record it.
const (
	kindEthereum = "ethereum"
	kindEnvelope = "envelope"
)

// ethereum executes an Ethereum transaction. Its sender is the member key
// the app recovered (ctx.Signer); the fee fields are accepted whatever they
// say and nothing is charged (the gas price is zero).
func (m Module) ethereum(ctx *module.Context, body []byte) error {
	t, err := ethtx.DecodeRaw(body)
	if err != nil {
		return err
	}
	p, err := GetParams(ctx.Store, ctx.ChainID)
	if err != nil {
		return err
	}
	if t.ChainID != p.ChainID {
		return errcode.New(errcode.WrongChain, "invalid chain id for signer: have %d want %d", t.ChainID, p.ChainID)
	}
	if v := t.T.Value(); v.Sign() != 0 {
		return errcode.New(errcode.RuleViolation, "this chain has no native coin: a transaction cannot send value (this one sends %s wei); send 0", v)
	}
	msg := &Message{From: Address(ctx.Signer.KeyID), To: t.T.To(), Nonce: ctx.Nonce - 1, Gas: t.T.Gas(), Data: t.T.Data(), AccessList: t.T.AccessList(), Hash: t.Hash(), Index: ctx.TxIndex}
	res, err := m.execute(ctx, p, msg, kindEthereum, nil)
	if err != nil || res == nil {
		return err
	}
	// Ethereum tools read the receipt (eth_getTransactionReceipt): the
	// transaction's result in the block stays short.
	res.Logs, res.Return = nil, ""
	return ctx.SetResult(res)
}

// deploy is evm/deploy.
func (m Module) deploy(ctx *module.Context, b *evmapi.DeployBody) error {
	code, err := hexBytes("code", b.Code)
	if err != nil {
		return err
	}
	if len(code) == 0 {
		return errcode.New(errcode.MalformedBody, "code is empty: give the contract's creation bytecode")
	}
	meta, err := checkMeta(b.Name, b.ABI)
	if err != nil {
		return err
	}
	p, err := GetParams(ctx.Store, ctx.ChainID)
	if err != nil {
		return err
	}
	msg := &Message{From: Address(ctx.Signer.KeyID), Nonce: ctx.Nonce - 1, Gas: gasOrDefault(b.Gas), Data: code, Hash: ctx.TxHash, Index: ctx.TxIndex}
	res, err := m.execute(ctx, p, msg, kindEnvelope, meta)
	if err != nil || res == nil {
		return err
	}
	return ctx.SetResult(res)
}

// call is evm/call.
func (m Module) call(ctx *module.Context, b *evmapi.CallBody) error {
	to, err := parseAddress("to", b.To)
	if err != nil {
		return err
	}
	data, err := hexBytes("data", b.Data)
	if err != nil {
		return err
	}
	p, err := GetParams(ctx.Store, ctx.ChainID)
	if err != nil {
		return err
	}
	msg := &Message{From: Address(ctx.Signer.KeyID), To: &to, Nonce: ctx.Nonce - 1, Gas: gasOrDefault(b.Gas), Data: data, Hash: ctx.TxHash, Index: ctx.TxIndex}
	res, err := m.execute(ctx, p, msg, kindEnvelope, nil)
	if err != nil || res == nil {
		return err
	}
	return ctx.SetResult(res)
}

// describe is evm/describe: the deploying organisation names a contract
// and publishes its ABI.
func (Module) describe(ctx *module.Context, b *evmapi.DescribeBody) error {
	a, err := parseAddress("address", b.Address)
	if err != nil {
		return err
	}
	meta, err := checkMeta(b.Name, b.ABI)
	if err != nil {
		return err
	}
	if meta == nil {
		return errcode.New(errcode.MalformedBody, "give a name, an ABI or both")
	}
	var c evmapi.Contract
	if err := module.GetRecord(ctx.Store, contractKey(a), &c, "no contract %s deployed by a member (contracts created by other contracts have no record)", a.Hex()); err != nil {
		return err
	}
	if c.Org != ctx.Signer.Org {
		return errcode.New(errcode.Unauthorized, "contract %s was deployed by %s; only its deploying organisation describes it", a.Hex(), c.Org)
	}
	if meta.name != "" {
		c.Name = meta.name
	}
	if meta.abi != "" {
		c.ABI = meta.abi
	}
	if err := module.PutJSON(ctx.Store, contractKey(a), &c); err != nil {
		return err
	}
	ctx.Emit("evm.described", "address", strings.ToLower(a.Hex()), "org", c.Org)
	return nil
}

// meta is a contract's name and ABI, as a deployment or describe gives
// them.
type meta struct{ name, abi string }

func checkMeta(name, abiJSON string) (*meta, error) {
	if err := field.Text("name", name, 0, 64); err != nil {
		return nil, err
	}
	if abiJSON != "" {
		if _, err := abi.JSON(strings.NewReader(abiJSON)); err != nil {
			return nil, errcode.New(errcode.MalformedBody, "abi is not a contract ABI (a JSON array of functions and events, as solc writes it): %v", err)
		}
	}
	if name == "" && abiJSON == "" {
		return nil, nil
	}
	return &meta{name: name, abi: abiJSON}, nil
}

// execute checks and runs a message and records its receipt. While the
// transaction is only being checked for the mempool it checks without
// running: a revert is no reason to refuse a transaction (tools send
// several in a row), and the block executes it anyway.
func (m Module) execute(ctx *module.Context, p *Params, msg *Message, kind string, md *meta) (*evmapi.Result, error) {
	if err := checkMessage(p, msg); err != nil {
		return nil, err
	}
	var out *Outcome
	if msg.To == nil && !role.Any(ctx.Signer.Roles, []role.Role{evmapi.Deployer}) {
		refusal := errcode.New(errcode.Unauthorized, "%s may not deploy contracts: deploying is for organisations with role %s, which governance grants (identity set_roles)", ctx.Signer.Org, evmapi.Deployer)
		if ctx.Check {
			return nil, refusal
		}
		// The role was there when the transaction was admitted and is
		// gone by its block: it is recorded as failed, so that its
		// sender sees a receipt.
		_, floor, _ := intrinsic(msg)
		out = &Outcome{GasUsed: floor, Err: fmt.Errorf("%s", errcode.Message(refusal))}
	}
	if ctx.Check {
		return nil, nil
	}
	if out == nil {
		var err error
		if out, err = Execute(ctx.Store, p, Block{Height: ctx.Height, Time: ctx.Time}, msg, false); err != nil {
			return nil, err
		}
	}
	r := evmapi.Receipt{
		TxHash: msg.Hash.Hex(), Kind: kind, Height: ctx.Height, Index: ctx.TxIndex,
		From: hexAddress(msg.From), Org: ctx.Signer.Org, Nonce: msg.Nonce, GasLimit: msg.Gas,
		GasUsed: out.GasUsed, Status: out.Status, Error: out.ErrorText(), Logs: wireLogs(out.Logs),
	}
	if len(out.Return) > 0 && (msg.To != nil || out.Status == 0) {
		// What a call returned, or why a deployment failed (a
		// deployment's success returns its code, which the account has).
		r.Return = hexutil.Encode(out.Return)
	}
	if msg.To != nil {
		r.To = hexAddress(*msg.To)
	} else {
		r.ContractAddress = hexAddress(out.Contract)
	}
	if err := module.PutJSON(ctx.Store, receiptKey(msg.Hash), &r); err != nil {
		return nil, err
	}
	if err := ctx.Store.Set(blockTxKey(ctx.Height, ctx.TxIndex), msg.Hash[:]); err != nil {
		return nil, err
	}
	if msg.To == nil && out.Status == types.ReceiptStatusSuccessful {
		c := evmapi.Contract{Address: r.ContractAddress, Org: ctx.Signer.Org, Deployer: ctx.Signer.KeyID.String(), Height: ctx.Height, TxHash: r.TxHash}
		if md != nil {
			c.Name, c.ABI = md.name, md.abi
		}
		if err := module.PutJSON(ctx.Store, contractKey(out.Contract), &c); err != nil {
			return nil, err
		}
		if err := ctx.Store.Set(orgContractKey(ctx.Signer.Org, ctx.Height, out.Contract), present); err != nil {
			return nil, err
		}
	}
	ctx.Emit("evm.tx", "hash", r.TxHash, "status", strconv.FormatUint(r.Status, 10), "to", r.To, "contract", r.ContractAddress)
	return &evmapi.Result{TxHash: r.TxHash, Status: r.Status, GasUsed: r.GasUsed, ContractAddress: r.ContractAddress, Return: r.Return, Error: r.Error, Logs: r.Logs}, nil
}

func wireLogs(logs []*types.Log) []evmapi.Log {
	out := make([]evmapi.Log, len(logs))
	for i, l := range logs {
		topics := make([]string, len(l.Topics))
		for j, t := range l.Topics {
			topics[j] = t.Hex()
		}
		out[i] = evmapi.Log{Address: hexAddress(l.Address), Topics: topics, Data: hexutil.Encode(l.Data)}
	}
	return out
}

// hexAddress is an address as the JSON-RPC writes it: 0x and lowercase.
func hexAddress(a common.Address) string { return "0x" + hexAddr(a) }

// hexBytes decodes a 0x-prefixed hex field ("" and "0x" are empty).
func hexBytes(name, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hexutil.Decode(s)
	if err != nil {
		return nil, errcode.New(errcode.MalformedBody, "%s: %v (give 0x-prefixed hex with an even number of digits)", name, err)
	}
	return b, nil
}

// parseAddress reads a 0x address; a mixed-case one must carry a right
// EIP-55 checksum.
func parseAddress(name, s string) (common.Address, error) {
	if !common.IsHexAddress(s) || !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return common.Address{}, errcode.New(errcode.MalformedBody, "%s: %q is not an address (0x and 40 hex digits)", name, s)
	}
	a := common.HexToAddress(s)
	if body := s[2:]; body != strings.ToLower(body) && body != strings.ToUpper(body) && a.Hex() != "0x"+body {
		return common.Address{}, errcode.New(errcode.MalformedBody, "%s: %s has a wrong EIP-55 checksum (it should read %s)", name, s, a.Hex())
	}
	return a, nil
}
