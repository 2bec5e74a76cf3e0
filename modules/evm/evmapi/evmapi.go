// Package evmapi is the smart contract module's wire: the role that may
// deploy contracts, the actions by which a member signing with its own
// key kind (SM2, Ed25519 or secp256k1) deploys, calls and describes
// contracts through the Dengta envelope, the records the module keeps
// (contracts, receipts with their logs) and its read endpoints. Ethereum
// tools reach the same contracts through the node's Ethereum JSON-RPC
// (ADR 0014), which the module's plug serves.
package evmapi

import (
	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "evm"

// Deployer is the role of the organisations whose keys may deploy
// contracts, granted by governance (identity set_roles). The string is
// stored on chain: never rename.
const Deployer role.Role = "contract_deployer"

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{{Role: Deployer, ZH: "合约部署方", EN: "Contract deployer"}}

// EthereumAction is the action that executes Ethereum transactions; only
// transactions of the Ethereum kind reach it (eth_sendRawTransaction).
const EthereumAction = "ethereum"

// DefaultGas is the gas limit of a deploy or call whose body gives none.
const DefaultGas = 5_000_000

// The actions a member takes through the Dengta envelope.
var (
	Deploy   = api.Action[DeployBody, Result]{Module: Name, Name: "deploy", Doc: "deploy a contract: creation bytecode with its ABI-encoded constructor arguments (organisations with role contract_deployer)"}
	Call     = api.Action[CallBody, Result]{Module: Name, Name: "call", Doc: "call a contract with ABI-encoded input; a revert is recorded with status 0"}
	Describe = api.Action[DescribeBody, api.None]{Module: Name, Name: "describe", Doc: "name a contract the organisation deployed and publish its ABI, for the hall and the command line"}
)

// The read endpoints.
var (
	ListContracts = api.Query[ContractsParams, api.Page[Contract]]{Path: "/v1/evm/contracts", Doc: "Contracts deployed by members: all in address order, or one organisation's (org) newest first; q searches them, after pages (a cursor of another list is a bad_request)"}
	GetContract   = api.Query[ContractParams, ContractInfo]{Path: "/v1/evm/contracts/{address}", Doc: "A contract: who deployed it, its name and ABI, its code hash and size"}
	GetReceipt    = api.Query[ReceiptParams, Receipt]{Path: "/v1/evm/receipts/{hash}", Doc: "The receipt of a contract transaction (Ethereum or envelope) by its 0x hash, with its logs"}
	GetLogs       = api.Query[LogsParams, LogsAnswer]{Path: "/v1/evm/logs", Doc: "Logs of contract transactions in a range of blocks, by contract address and first topic"}
	GetStorage    = api.Query[StorageParams, StorageAnswer]{Path: "/v1/evm/contracts/{address}/storage/{slot}", Doc: "One storage slot of a contract, with the state key that proves it (GET /v1/proof?key=)"}
)

// DeployBody is the body of evm/deploy.
type DeployBody struct {
	Code string `json:"code" doc:"0x-prefixed hex: the creation bytecode followed by the ABI-encoded constructor arguments"`
	Gas  uint64 `json:"gas,omitempty" doc:"gas limit (5,000,000 when absent; at most the chain's limit per transaction)"`
	Name string `json:"name,omitempty" doc:"a name for the contract, at most 64 characters"`
	ABI  string `json:"abi,omitempty" doc:"the contract's ABI (JSON array), published with it"`
}

// CallBody is the body of evm/call.
type CallBody struct {
	To   string `json:"to" doc:"the contract's 0x address"`
	Data string `json:"data,omitempty" doc:"0x-prefixed hex: the ABI-encoded call"`
	Gas  uint64 `json:"gas,omitempty" doc:"gas limit (5,000,000 when absent; at most the chain's limit per transaction)"`
}

// DescribeBody is the body of evm/describe.
type DescribeBody struct {
	Address string `json:"address" doc:"the contract's 0x address"`
	Name    string `json:"name,omitempty" doc:"a name for the contract, at most 64 characters"`
	ABI     string `json:"abi,omitempty" doc:"the contract's ABI (JSON array)"`
}

// Result is what evm/deploy and evm/call answer: the outcome of the
// execution, which is recorded whatever it was (a reverted call is
// committed with status 0 and its receipt). An Ethereum transaction's
// result has no logs or returned data: they are in its receipt.
type Result struct {
	TxHash          string `json:"tx_hash" doc:"0x hash the Ethereum JSON-RPC knows the transaction by"`
	Status          uint64 `json:"status" doc:"1 success, 0 failure (reverted, out of gas, refused)"`
	GasUsed         uint64 `json:"gas_used"`
	ContractAddress string `json:"contract_address,omitempty"`
	Return          string `json:"return,omitempty" doc:"0x hex: the returned data, or the revert data"`
	Error           string `json:"error,omitempty" doc:"why it failed: execution reverted (with the reason), out of gas, ..."`
	Logs            []Log  `json:"logs,omitempty"`
}

// Log is an event a contract emitted.
type Log struct {
	Address string   `json:"address"`
	Topics  []string `json:"topics"`
	Data    string   `json:"data"`
}

// Receipt is the record of a contract transaction, kept in the state
// (provable offline) under evm/rcpt/<hash>.
type Receipt struct {
	TxHash string `json:"tx_hash" doc:"0x: the Ethereum hash (Keccak-256) of an Ethereum transaction, the chain hash (SHA-256) of an envelope"`
	// Kind is "ethereum" or "envelope".
	Kind            string `json:"kind"`
	Height          int64  `json:"height"`
	Index           int    `json:"index" doc:"position in the block, among all its transactions"`
	From            string `json:"from"`
	Org             string `json:"org"`
	To              string `json:"to,omitempty"`
	ContractAddress string `json:"contract_address,omitempty"`
	Nonce           uint64 `json:"nonce" doc:"the sender's Ethereum nonce of the transaction"`
	GasLimit        uint64 `json:"gas_limit"`
	GasUsed         uint64 `json:"gas_used"`
	Status          uint64 `json:"status"`
	Return          string `json:"return,omitempty"`
	Error           string `json:"error,omitempty"`
	Logs            []Log  `json:"logs,omitempty"`
}

// Contract is a deployed contract's record (evm/contract/<address>).
type Contract struct {
	Address  string `json:"address"`
	Org      string `json:"org"`
	Deployer string `json:"deployer" doc:"the deploying key's id (its Ethereum address for a secp256k1 key)"`
	Height   int64  `json:"height"`
	TxHash   string `json:"tx_hash"`
	Name     string `json:"name,omitempty"`
	ABI      string `json:"abi,omitempty"`
}

// ContractInfo is a contract with its code's facts.
type ContractInfo struct {
	Contract
	CodeHash string `json:"code_hash"`
	CodeSize int    `json:"code_size"`
	Nonce    uint64 `json:"nonce"`
}

// ContractsParams select contracts.
type ContractsParams struct {
	Org    string `query:"org" doc:"only this organisation's contracts"`
	Q      string `query:"q" doc:"only contracts whose name, address, deploying transaction or deploying organisation (id, Chinese or English name) contains this text, ignoring the case of Latin letters"`
	After  string `query:"after" doc:"the cursor of the previous page"`
	Limit  int    `query:"limit" doc:"at most this many (1-100, default 50)"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// ContractParams name a contract.
type ContractParams struct {
	Address string `path:"address" doc:"0x address"`
	Height  int64  `query:"height" doc:"state version; latest when absent"`
}

// ReceiptParams name a receipt.
type ReceiptParams struct {
	Hash string `path:"hash" doc:"0x transaction hash"`
}

// LogsParams select logs.
type LogsParams struct {
	From    int64  `query:"from" doc:"first block (default: the latest)"`
	To      int64  `query:"to" doc:"last block (default: the latest)"`
	Address string `query:"address" doc:"only logs of this contract"`
	Topic   string `query:"topic" doc:"only logs whose first topic (the event signature hash) is this"`
}

// LogsAnswer lists logs in chain order.
type LogsAnswer struct {
	Logs []LogEntry `json:"logs"`
}

// LogEntry is a log with where it was emitted.
type LogEntry struct {
	Log
	Height   int64  `json:"height"`
	TxHash   string `json:"tx_hash"`
	TxIndex  int    `json:"tx_index" doc:"position of the transaction among the block's contract transactions"`
	LogIndex int    `json:"log_index" doc:"position of the log among the block's logs"`
}

// StorageParams name a storage slot.
type StorageParams struct {
	Address string `path:"address" doc:"0x address"`
	Slot    string `path:"slot" doc:"0x slot number or 32-byte key"`
	Height  int64  `query:"height" doc:"state version; latest when absent"`
}

// StorageAnswer is a slot's value and the state key that holds it.
type StorageAnswer struct {
	Value  string `json:"value" doc:"0x 32-byte value"`
	Key    string `json:"key" doc:"the state key, for GET /v1/proof?key="`
	Height int64  `json:"height"`
}
