package evm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/stateless"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/types/bal"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/tx"
)

// StateDB is the EVM's view of Dengta's state for one transaction
// (go-ethereum's vm.StateDB): accounts, code and storage under the
// module's keys (keys.go), read through a module.KV and written back by
// Commit. Changes are kept in memory with a journal, so the EVM's
// snapshots revert exactly; nothing reaches the KV before Commit, and a
// StateDB that is not committed changes nothing.
//
// Member keys are the externally owned accounts: their nonce is the app's
// count of their transactions (module.KeyNonce). The app consumes the
// transaction's nonce before the module runs, so the StateDB shows the
// origin's nonce as it was before the transaction and never writes a
// member key's nonce back. No account holds a balance.
type StateDB struct {
	kv module.KV

	accounts map[common.Address]*account
	storage  map[slotKey]*slot
	// written lists the slots in the order they were first changed, so
	// that Commit writes (and a failed read reports) deterministically.
	written   []slotKey
	transient map[slotKey]common.Hash

	accessAddrs map[common.Address]struct{}
	accessSlots map[slotKey]struct{}

	refund  uint64
	logs    []*types.Log
	journal []func()

	txHash  common.Hash
	txIndex int

	// err is the first state read that failed: the EVM cannot return
	// errors from StateDB methods, so the transaction fails after it.
	err error
}

type slotKey struct {
	addr common.Address
	slot common.Hash
}

// slot is a storage slot's value when the transaction began and now.
type slot struct {
	origin, current common.Hash
	listed          bool // in StateDB.written
}

// account is an account as the transaction sees it.
type account struct {
	exists   bool
	member   bool // a member key (externally owned): nonce from the app, never written
	nonce    uint64
	codeHash common.Hash // zero for an account that does not exist, types.EmptyCodeHash without code
	code     []byte
	loaded   bool // code loaded
	dirty    bool // to be written back
	created  bool // created as a contract in this transaction
	deleted  bool // self-destructed in this transaction
}

// NewStateDB returns a StateDB over kv for one transaction from origin,
// whose nonce before the transaction was nonce.
func NewStateDB(kv module.KV, origin common.Address, nonce uint64) *StateDB {
	s := &StateDB{
		kv:          kv,
		accounts:    make(map[common.Address]*account),
		storage:     make(map[slotKey]*slot),
		transient:   make(map[slotKey]common.Hash),
		accessAddrs: make(map[common.Address]struct{}),
		accessSlots: make(map[slotKey]struct{}),
	}
	s.accounts[origin] = &account{exists: nonce > 0, member: true, nonce: nonce, codeHash: s.eoaCodeHash(nonce), loaded: true}
	return s
}

func (s *StateDB) eoaCodeHash(nonce uint64) common.Hash {
	if nonce > 0 {
		return types.EmptyCodeHash
	}
	return common.Hash{}
}

// Err returns the first state read that failed, if any.
func (s *StateDB) Err() error { return s.err }

func (s *StateDB) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// account loads a's account: a contract account of the module, or a
// member key with the nonce the app counts.
func (s *StateDB) account(a common.Address) *account {
	if acc, ok := s.accounts[a]; ok {
		return acc
	}
	acc := &account{}
	b, err := s.kv.Get(acctKey(a))
	switch {
	case err != nil:
		s.fail(fmt.Errorf("read account %s: %w", a, err))
	case b != nil:
		if len(b) != 40 {
			s.fail(fmt.Errorf("account %s has %d bytes", a, len(b)))
			break
		}
		acc.exists = true
		acc.nonce = binary.BigEndian.Uint64(b[:8])
		acc.codeHash = common.BytesToHash(b[8:])
	default:
		n, err := module.KeyNonce(s.kv, tx.KeyID(a))
		if err != nil {
			s.fail(err)
		}
		acc.member, acc.nonce, acc.codeHash, acc.loaded = n > 0, n, s.eoaCodeHash(n), true
		acc.exists = n > 0
	}
	s.accounts[a] = acc
	return acc
}

// change journals the account's state and returns it for changing.
func (s *StateDB) change(a common.Address) *account {
	acc := s.account(a)
	prev := *acc
	s.journal = append(s.journal, func() { *acc = prev })
	acc.dirty = true
	return acc
}

// CreateAccount implements vm.StateDB.
func (s *StateDB) CreateAccount(a common.Address) {
	acc := s.change(a)
	acc.exists, acc.nonce, acc.codeHash, acc.code, acc.loaded = true, 0, types.EmptyCodeHash, nil, true
}

// CreateContract implements vm.StateDB.
func (s *StateDB) CreateContract(a common.Address) {
	acc := s.change(a)
	acc.created = true
	acc.member = false
}

// SubBalance implements vm.StateDB. No account holds a balance, so the EVM
// never moves value (CanTransfer refuses first); zero amounts do nothing.
func (s *StateDB) SubBalance(common.Address, *uint256.Int, tracing.BalanceChangeReason) uint256.Int {
	return uint256.Int{}
}

// AddBalance implements vm.StateDB; see SubBalance.
func (s *StateDB) AddBalance(common.Address, *uint256.Int, tracing.BalanceChangeReason) uint256.Int {
	return uint256.Int{}
}

// GetBalance implements vm.StateDB: always zero.
func (s *StateDB) GetBalance(common.Address) *uint256.Int { return new(uint256.Int) }

// GetNonce implements vm.StateDB.
func (s *StateDB) GetNonce(a common.Address) uint64 { return s.account(a).nonce }

// SetNonce implements vm.StateDB. A member key's nonce changes in memory
// only: the app already counted the transaction.
func (s *StateDB) SetNonce(a common.Address, n uint64, _ tracing.NonceChangeReason) {
	acc := s.change(a)
	acc.nonce = n
	acc.exists = true
	if acc.codeHash == (common.Hash{}) {
		acc.codeHash, acc.loaded = types.EmptyCodeHash, true
	}
}

// GetCodeHash implements vm.StateDB.
func (s *StateDB) GetCodeHash(a common.Address) common.Hash { return s.account(a).codeHash }

// GetCode implements vm.StateDB.
func (s *StateDB) GetCode(a common.Address) []byte {
	acc := s.account(a)
	if acc.loaded {
		return acc.code
	}
	acc.code, acc.loaded = s.loadCode(acc.codeHash), true
	return acc.code
}

func (s *StateDB) loadCode(h common.Hash) []byte {
	if h == (common.Hash{}) || h == types.EmptyCodeHash {
		return nil
	}
	if c, ok := codeCache.get(h); ok {
		return c
	}
	c, err := s.kv.Get(codeKey(h))
	if err != nil || c == nil {
		s.fail(fmt.Errorf("read code %s: %v (missing: %v)", h, err, c == nil))
		return nil
	}
	codeCache.put(h, c)
	return c
}

// SetCode implements vm.StateDB.
func (s *StateDB) SetCode(a common.Address, code []byte, _ tracing.CodeChangeReason) []byte {
	prev := s.GetCode(a)
	acc := s.change(a)
	acc.code, acc.loaded = bytes.Clone(code), true
	acc.codeHash = crypto.Keccak256Hash(code)
	acc.exists = true
	return prev
}

// GetCodeSize implements vm.StateDB.
func (s *StateDB) GetCodeSize(a common.Address) int { return len(s.GetCode(a)) }

// AddRefund implements vm.StateDB.
func (s *StateDB) AddRefund(g uint64) {
	prev := s.refund
	s.journal = append(s.journal, func() { s.refund = prev })
	s.refund += g
}

// SubRefund implements vm.StateDB.
func (s *StateDB) SubRefund(g uint64) {
	prev := s.refund
	if g > s.refund {
		panic(fmt.Sprintf("evm: refund counter below zero (gas: %d > refund: %d)", g, s.refund))
	}
	s.journal = append(s.journal, func() { s.refund = prev })
	s.refund -= g
}

// GetRefund implements vm.StateDB.
func (s *StateDB) GetRefund() uint64 { return s.refund }

func (s *StateDB) slot(a common.Address, key common.Hash) *slot {
	k := slotKey{a, key}
	if v, ok := s.storage[k]; ok {
		return v
	}
	v := &slot{}
	acc := s.account(a)
	if !acc.created && !acc.member {
		b, err := s.kv.Get(storageKey(a, key))
		if err != nil {
			s.fail(fmt.Errorf("read slot %s/%s: %w", a, key, err))
		}
		v.origin = common.BytesToHash(b)
	}
	// A contract created in this transaction starts with empty storage
	// (nothing can be stored at an address without an account).
	v.current = v.origin
	s.storage[k] = v
	return v
}

// GetStateAndCommittedState implements vm.StateDB: the slot's value now
// and when the transaction began.
func (s *StateDB) GetStateAndCommittedState(a common.Address, key common.Hash) (common.Hash, common.Hash) {
	v := s.slot(a, key)
	return v.current, v.origin
}

// GetState implements vm.StateDB.
func (s *StateDB) GetState(a common.Address, key common.Hash) common.Hash {
	return s.slot(a, key).current
}

// SetState implements vm.StateDB.
func (s *StateDB) SetState(a common.Address, key, value common.Hash) common.Hash {
	v := s.slot(a, key)
	prev := v.current
	if prev == value {
		return prev
	}
	s.journal = append(s.journal, func() { v.current = prev })
	v.current = value
	if !v.listed {
		n := len(s.written)
		v.listed = true
		s.written = append(s.written, slotKey{a, key})
		s.journal = append(s.journal, func() { s.written, v.listed = s.written[:n], false })
	}
	return prev
}

// GetTransientState implements vm.StateDB.
func (s *StateDB) GetTransientState(a common.Address, key common.Hash) common.Hash {
	return s.transient[slotKey{a, key}]
}

// SetTransientState implements vm.StateDB.
func (s *StateDB) SetTransientState(a common.Address, key, value common.Hash) {
	k := slotKey{a, key}
	prev, had := s.transient[k]
	s.journal = append(s.journal, func() {
		if had {
			s.transient[k] = prev
		} else {
			delete(s.transient, k)
		}
	})
	s.transient[k] = value
}

// SelfDestruct implements vm.StateDB: since Cancun (EIP-6780) the EVM asks
// it only of a contract created in the same transaction, which Commit then
// leaves out.
func (s *StateDB) SelfDestruct(a common.Address) {
	acc := s.change(a)
	acc.deleted = true
}

// HasSelfDestructed implements vm.StateDB.
func (s *StateDB) HasSelfDestructed(a common.Address) bool { return s.account(a).deleted }

// Exist implements vm.StateDB.
func (s *StateDB) Exist(a common.Address) bool { return s.account(a).exists }

// Touch implements vm.StateDB.
func (s *StateDB) Touch(common.Address) {}

// IsNewContract implements vm.StateDB.
func (s *StateDB) IsNewContract(a common.Address) bool { return s.account(a).created }

// Empty implements vm.StateDB (EIP-161: no nonce, no balance, no code).
func (s *StateDB) Empty(a common.Address) bool {
	acc := s.account(a)
	return acc.nonce == 0 && (acc.codeHash == (common.Hash{}) || acc.codeHash == types.EmptyCodeHash)
}

// AddressInAccessList implements vm.StateDB.
func (s *StateDB) AddressInAccessList(a common.Address) bool {
	_, ok := s.accessAddrs[a]
	return ok
}

// SlotInAccessList implements vm.StateDB.
func (s *StateDB) SlotInAccessList(a common.Address, key common.Hash) (bool, bool) {
	_, addrOK := s.accessAddrs[a]
	_, slotOK := s.accessSlots[slotKey{a, key}]
	return addrOK, slotOK
}

// AddAddressToAccessList implements vm.StateDB.
func (s *StateDB) AddAddressToAccessList(a common.Address) {
	if _, ok := s.accessAddrs[a]; ok {
		return
	}
	s.accessAddrs[a] = struct{}{}
	s.journal = append(s.journal, func() { delete(s.accessAddrs, a) })
}

// AddSlotToAccessList implements vm.StateDB.
func (s *StateDB) AddSlotToAccessList(a common.Address, key common.Hash) {
	s.AddAddressToAccessList(a)
	k := slotKey{a, key}
	if _, ok := s.accessSlots[k]; ok {
		return
	}
	s.accessSlots[k] = struct{}{}
	s.journal = append(s.journal, func() { delete(s.accessSlots, k) })
}

// Prepare implements vm.StateDB: the warm addresses and slots of EIP-2929
// and EIP-2930 (the sender, the destination, the precompiles, the access
// list and, since Shanghai, the coinbase), and empty transient storage.
func (s *StateDB) Prepare(rules params.Rules, sender, coinbase common.Address, dst *common.Address, precompiles []common.Address, list types.AccessList) {
	clear(s.transient)
	if !rules.IsBerlin {
		return
	}
	clear(s.accessAddrs)
	clear(s.accessSlots)
	s.accessAddrs[sender] = struct{}{}
	if dst != nil {
		s.accessAddrs[*dst] = struct{}{}
	}
	for _, p := range precompiles {
		s.accessAddrs[p] = struct{}{}
	}
	for _, el := range list {
		s.accessAddrs[el.Address] = struct{}{}
		for _, k := range el.StorageKeys {
			s.accessSlots[slotKey{el.Address, k}] = struct{}{}
		}
	}
	if rules.IsShanghai {
		s.accessAddrs[coinbase] = struct{}{}
	}
}

// Snapshot implements vm.StateDB.
func (s *StateDB) Snapshot() int { return len(s.journal) }

// RevertToSnapshot implements vm.StateDB.
func (s *StateDB) RevertToSnapshot(id int) {
	for i := len(s.journal) - 1; i >= id; i-- {
		s.journal[i]()
	}
	s.journal = s.journal[:id]
}

// AddLog implements vm.StateDB.
func (s *StateDB) AddLog(l *types.Log) {
	l.TxHash, l.TxIndex, l.Index = s.txHash, uint(s.txIndex), uint(len(s.logs))
	n := len(s.logs)
	s.logs = append(s.logs, l)
	s.journal = append(s.journal, func() { s.logs = s.logs[:n] })
}

// Logs returns the logs of the frames that were not reverted.
func (s *StateDB) Logs() []*types.Log { return s.logs }

// AddPreimage implements vm.StateDB: preimages are not kept.
func (s *StateDB) AddPreimage(common.Hash, []byte) {}

// Witness implements vm.StateDB: no stateless witness is built.
func (s *StateDB) Witness() *stateless.Witness { return nil }

// AccessEvents implements vm.StateDB: only for Verkle rules, which the
// chain does not run.
func (s *StateDB) AccessEvents() *state.AccessEvents { return nil }

// Finalise implements vm.StateDB: Commit does the work; no block access
// list is built.
func (s *StateDB) Finalise(params.Rules) *bal.ConstructionBlockAccessList { return nil }

// SetTxContext implements vm.StateDB.
func (s *StateDB) SetTxContext(h common.Hash, i int, _ uint32) { s.txHash, s.txIndex = h, i }

// Commit writes the transaction's changes to the KV: the contract
// accounts it created or changed with their new code, and the storage
// slots whose value differs from what it was when the transaction began.
// Contracts that destroyed themselves in the transaction they were created
// in leave nothing, nor do empty accounts (EIP-161). Member keys' nonces
// are the app's and are not written.
func (s *StateDB) Commit() error {
	if s.err != nil {
		return s.err
	}
	addrs := make([]common.Address, 0, len(s.accounts))
	for a, acc := range s.accounts {
		if acc.dirty && !acc.member {
			addrs = append(addrs, a)
		}
	}
	slices.SortFunc(addrs, func(x, y common.Address) int { return bytes.Compare(x[:], y[:]) })
	for _, a := range addrs {
		acc := s.accounts[a]
		if acc.deleted || !acc.exists {
			continue
		}
		if acc.nonce == 0 && (acc.codeHash == (common.Hash{}) || acc.codeHash == types.EmptyCodeHash) {
			// An empty account (a precompile a call touched, say) is not
			// kept (EIP-161); a contract has a nonce from its creation.
			continue
		}
		if len(acc.code) > 0 && acc.created {
			if err := s.kv.Set(codeKey(acc.codeHash), acc.code); err != nil {
				return err
			}
		}
		v := binary.BigEndian.AppendUint64(make([]byte, 0, 40), acc.nonce)
		v = append(v, acc.codeHash[:]...)
		if err := s.kv.Set(acctKey(a), v); err != nil {
			return err
		}
	}
	for _, k := range s.written {
		v := s.storage[k]
		if v.current == v.origin || s.accounts[k.addr].deleted {
			continue
		}
		key := storageKey(k.addr, k.slot)
		var err error
		if v.current == (common.Hash{}) {
			err = s.kv.Delete(key)
		} else {
			err = s.kv.Set(key, trimLeft(v.current[:]))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func trimLeft(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] == 0 {
		i++
	}
	return b[i:]
}
