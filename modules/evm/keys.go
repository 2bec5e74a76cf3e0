package evm

import (
	"encoding/hex"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Key layout of the smart contract module. Every key starts with "evm/".
// Addresses, hashes and slots are lowercase hex without 0x. Accounts,
// code and storage are binary for speed; records are JSON.
//
//	evm/params                                -> Params JSON: the chain's EVM rules, fixed at genesis
//	evm/acct/<address>                        -> 40 bytes: u64 nonce (big-endian) || code hash; a contract account
//	evm/code/<code hash>                      -> the code (Keccak-256 of it is the hash); shared by equal contracts
//	evm/s/<address>/<slot>                    -> a storage slot's 32-byte value without its leading zero bytes (a zero slot has no key)
//	evm/rcpt/<tx hash>                        -> evmapi.Receipt JSON: a contract transaction's outcome and logs
//	evm/blk/<height 16 hex>/<index 6 hex>     -> 32-byte tx hash: the block's contract transactions in order
//	evm/contract/<address>                    -> evmapi.Contract JSON: a contract a member deployed (top-level deployments)
//	evm/org/<org>/<inverted height 16 hex>/<address> -> "1": an organisation's contracts, newest first
//	                                               (inverted height: 2^64-1-height)
//
// Member keys are the externally owned accounts: their nonce is the app's
// count of their transactions (app/nonce/<key id>, read through
// module.KeyNonce), never stored here. No account has a balance: the chain
// has no native coin.
const prefix = "evm/"

var (
	keyParams      = []byte(prefix + "params")
	acctPrefix     = prefix + "acct/"
	codePrefix     = prefix + "code/"
	storagePrefix  = prefix + "s/"
	receiptPrefix  = prefix + "rcpt/"
	blockPrefix    = prefix + "blk/"
	contractPrefix = prefix + "contract/"
	orgPrefix      = prefix + "org/"
)

// present is the value of pure index entries.
var present = []byte("1")

func hexAddr(a common.Address) string { return hex.EncodeToString(a[:]) }

func acctKey(a common.Address) []byte { return []byte(acctPrefix + hexAddr(a)) }

func codeKey(h common.Hash) []byte { return []byte(codePrefix + hex.EncodeToString(h[:])) }

// storageKey is evm/s/<address>/<slot>, built without fmt: it is the
// hottest key of the module.
func storageKey(a common.Address, slot common.Hash) []byte {
	k := make([]byte, 0, len(storagePrefix)+40+1+64)
	k = append(k, storagePrefix...)
	k = hex.AppendEncode(k, a[:])
	k = append(k, '/')
	return hex.AppendEncode(k, slot[:])
}

func receiptKey(h common.Hash) []byte { return []byte(receiptPrefix + hex.EncodeToString(h[:])) }

func blockTxKey(height int64, index int) []byte {
	return []byte(fmt.Sprintf("%s%016x/%06x", blockPrefix, height, index))
}

func blockTxPrefix(height int64) []byte { return []byte(fmt.Sprintf("%s%016x/", blockPrefix, height)) }

func contractKey(a common.Address) []byte { return []byte(contractPrefix + hexAddr(a)) }

func orgContractKey(org string, height int64, a common.Address) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x/%s", orgPrefix, org, ^uint64(height), hexAddr(a)))
}

func orgContractsPrefix(org string) []byte { return []byte(orgPrefix + org + "/") }

// StorageStateKey returns the state key of a contract's storage slot, for
// proofs.
func StorageStateKey(a common.Address, slot common.Hash) []byte { return storageKey(a, slot) }

// AccountStateKey returns the state key of a contract account, for
// proofs.
func AccountStateKey(a common.Address) []byte { return acctKey(a) }

// CodeStateKey returns the state key of code by its hash, for proofs.
func CodeStateKey(h common.Hash) []byte { return codeKey(h) }

// ReceiptStateKey returns the state key of a receipt, for proofs.
func ReceiptStateKey(h common.Hash) []byte { return receiptKey(h) }

// ContractStateKey returns the state key of a contract's record, for
// proofs.
func ContractStateKey(a common.Address) []byte { return contractKey(a) }
