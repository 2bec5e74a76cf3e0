package evm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// Reads of the module's state, for the JSON-RPC, the REST endpoints and
// the pages. They take a committed state view.

// GetReceipt returns the receipt of a contract transaction, or a
// not_found error.
func GetReceipt(r module.Getter, hash common.Hash) (*evmapi.Receipt, error) {
	var rc evmapi.Receipt
	if err := module.GetRecord(r, receiptKey(hash), &rc, "no contract transaction %s", hash.Hex()); err != nil {
		return nil, err
	}
	return &rc, nil
}

// BlockTxs returns the hashes of a block's contract transactions, in
// order.
func BlockTxs(r module.Reader, height int64) ([]common.Hash, error) {
	var out []common.Hash
	err := r.Iterate(blockTxPrefix(height), nil, func(_, v []byte) bool {
		out = append(out, common.BytesToHash(v))
		return true
	})
	return out, err
}

// ContractTxHeights calls fn with each height in [from, to] that has
// contract transactions, in order, until fn returns false.
func ContractTxHeights(r module.Reader, from, to int64, fn func(height int64) bool) error {
	start := blockTxPrefix(from)
	last := int64(-1)
	var ferr error
	err := r.Iterate([]byte(blockPrefix), start, func(k, _ []byte) bool {
		rest := strings.TrimPrefix(string(k), blockPrefix)
		var h int64
		if _, err := fmt.Sscanf(rest[:16], "%016x", &h); err != nil {
			ferr = fmt.Errorf("block index key %q: %w", k, err)
			return false
		}
		if h > to {
			return false
		}
		if h != last {
			last = h
			return fn(h)
		}
		return true
	})
	if err == nil {
		err = ferr
	}
	return err
}

// GetCode returns the code at an address (nil for none).
func GetCode(r module.Getter, a common.Address) ([]byte, error) {
	acc, err := getAccount(r, a)
	if err != nil || acc == nil {
		return nil, err
	}
	if acc.codeHash == types.EmptyCodeHash {
		return nil, nil
	}
	if c, ok := codeCache.get(acc.codeHash); ok {
		return c, nil
	}
	c, err := r.Get(codeKey(acc.codeHash))
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("code %s of %s is missing", acc.codeHash, a)
	}
	codeCache.put(acc.codeHash, c)
	return c, nil
}

type accountRecord struct {
	nonce    uint64
	codeHash common.Hash
}

func getAccount(r module.Getter, a common.Address) (*accountRecord, error) {
	b, err := r.Get(acctKey(a))
	if err != nil || b == nil {
		return nil, err
	}
	if len(b) != 40 {
		return nil, fmt.Errorf("account %s has %d bytes", a, len(b))
	}
	return &accountRecord{nonce: binary.BigEndian.Uint64(b[:8]), codeHash: common.BytesToHash(b[8:])}, nil
}

// GetNonce returns an account's nonce: a contract's, or for a member key
// the number of transactions it sent.
func GetNonce(r module.Getter, a common.Address) (uint64, error) {
	acc, err := getAccount(r, a)
	if err != nil {
		return 0, err
	}
	if acc != nil {
		return acc.nonce, nil
	}
	return module.KeyNonce(r, tx.KeyID(a))
}

// GetStorage returns a storage slot's value.
func GetStorage(r module.Getter, a common.Address, slot common.Hash) (common.Hash, error) {
	b, err := r.Get(storageKey(a, slot))
	if err != nil {
		return common.Hash{}, err
	}
	return common.BytesToHash(b), nil
}

// GetContract returns a deployed contract's record with its code's facts.
func GetContract(r module.Getter, a common.Address) (*evmapi.ContractInfo, error) {
	var c evmapi.Contract
	found, err := module.GetJSON(r, contractKey(a), &c)
	if err != nil {
		return nil, err
	}
	acc, err := getAccount(r, a)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		return nil, errcode.New(errcode.NotFound, "no contract at %s", a.Hex())
	}
	if !found {
		// Created by another contract: no deployment record.
		c = evmapi.Contract{Address: hexAddress(a)}
	}
	code, err := GetCode(r, a)
	if err != nil {
		return nil, err
	}
	return &evmapi.ContractInfo{Contract: c, CodeHash: acc.codeHash.Hex(), CodeSize: len(code), Nonce: acc.nonce}, nil
}

// ListContracts lists deployed contracts: one organisation's newest
// first, or all of them in address order. after is the previous page's
// Next.
func ListContracts(r module.Reader, org, after string, limit int) (*api.Page[evmapi.Contract], error) {
	return SearchContracts(r, org, nil, after, limit)
}

// SearchContracts lists the deployed contracts that match the search (by
// name, address, or the deploying organisation's id or name): one
// organisation's newest first (from its index), or all of them in
// address order. after is the previous page's Next; a cursor of another
// list is a bad_request error.
func SearchContracts(r module.Reader, org string, s *module.Search, after string, limit int) (*api.Page[evmapi.Contract], error) {
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	page := &api.Page[evmapi.Contract]{Items: []evmapi.Contract{}}
	match := func(c *evmapi.Contract) bool { return s.Text(c.Name, c.Address, c.TxHash) || s.Org(c.Org) }
	var items []evmapi.Contract
	var err error
	if org == "" {
		items, page.Next, err = module.Scan(r, []byte(contractPrefix), after, limit, isHex40, func(_ string, v []byte) (*evmapi.Contract, error) {
			var c evmapi.Contract
			if err := json.Unmarshal(v, &c); err != nil {
				return nil, fmt.Errorf("contract record: %w", err)
			}
			if !match(&c) {
				return nil, nil
			}
			return &c, nil
		})
	} else {
		items, page.Next, err = module.Scan(r, orgContractsPrefix(org), after, limit, isOrgCursor, func(rest string, _ []byte) (*evmapi.Contract, error) {
			a := rest[strings.LastIndexByte(rest, '/')+1:]
			var c evmapi.Contract
			if err := module.GetRecord(r, []byte(contractPrefix+a), &c, "no contract record %s", a); err != nil {
				return nil, err
			}
			if !match(&c) {
				return nil, nil
			}
			return &c, nil
		})
	}
	if err != nil {
		return nil, err
	}
	page.Items = append(page.Items, items...)
	return page, nil
}

func isHex40(s string) bool { return len(s) == 40 && isLowerHex(s) }

// isOrgCursor accepts "<inverted height 16 hex>/<address 40 hex>".
func isOrgCursor(s string) bool {
	return len(s) == 57 && s[16] == '/' && isLowerHex(s[:16]) && isLowerHex(s[17:])
}

func isLowerHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// overlay is a KV over a read-only state: a read-only call's writes stay
// in it and go nowhere.
type overlay struct {
	r module.Getter
	w map[string][]byte
}

func newOverlay(r module.Getter) *overlay { return &overlay{r: r, w: map[string][]byte{}} }

func (o *overlay) Get(k []byte) ([]byte, error) {
	if v, ok := o.w[string(k)]; ok {
		return v, nil
	}
	return o.r.Get(k)
}

func (o *overlay) Set(k, v []byte) error { o.w[string(k)] = bytes.Clone(v); return nil }

func (o *overlay) Delete(k []byte) error { o.w[string(k)] = nil; return nil }

// Call runs a message against the state r without changing it
// (eth_call): the origin's nonce is its current one. Gas 0 means the
// limit per transaction.
func Call(r module.Getter, p *Params, b Block, m Message) (*Outcome, error) {
	if m.Gas == 0 {
		m.Gas = p.TxGasLimit
	}
	n, err := GetNonce(r, m.From)
	if err != nil {
		return nil, err
	}
	m.Nonce = n
	return Execute(newOverlay(r), p, b, &m, true)
}

// EstimateGas finds the least gas limit with which the message succeeds
// (eth_estimateGas), by bisection between what it used and the limit per
// transaction as geth does. A message that fails even with the most gas
// answers its outcome with the failure.
func EstimateGas(r module.Getter, p *Params, b Block, m Message) (uint64, *Outcome, error) {
	hi := p.TxGasLimit
	if m.Gas != 0 && m.Gas < hi {
		hi = m.Gas
	}
	run := func(gas uint64) (*Outcome, error) {
		m.Gas = gas
		out, err := Call(r, p, b, m)
		if err != nil && errcode.Of(err) == errcode.RuleViolation && strings.Contains(errcode.Message(err), "gas") {
			return &Outcome{Err: vm.ErrOutOfGas}, nil // below the intrinsic cost or floor
		}
		return out, err
	}
	out, err := run(hi)
	if err != nil {
		return 0, nil, err
	}
	if out.Status == 0 {
		return 0, out, nil
	}
	lo := out.GasUsed - 1
	// Most calls succeed with a little over what they used (the 63/64
	// rule of nested calls aside): try that first.
	if guess := out.GasUsed * 64 / 63; guess < hi {
		o, err := run(guess)
		if err != nil {
			return 0, nil, err
		}
		if o.Status == 1 {
			hi = guess
		} else {
			lo = guess
		}
	}
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		o, err := run(mid)
		if err != nil {
			return 0, nil, err
		}
		// Any failure below hi is for want of gas: with hi the message
		// succeeds.
		if o.Status == 1 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil, nil
}

// Logs returns the logs of contract transactions at heights from..to
// that match the addresses (any, when empty) and topics (per position,
// any of the listed; an empty position matches all), in chain order, at
// most max of them (an error beyond).
func Logs(r module.Reader, from, to int64, addresses []common.Address, topics [][]common.Hash, max int) ([]evmapi.LogEntry, error) {
	var out []evmapi.LogEntry
	var ferr error
	err := ContractTxHeights(r, from, to, func(h int64) bool {
		hashes, err := BlockTxs(r, h)
		if err != nil {
			ferr = err
			return false
		}
		logIndex := 0
		for i, th := range hashes {
			rc, err := GetReceipt(r, th)
			if err != nil {
				ferr = err
				return false
			}
			for _, l := range rc.Logs {
				if matchLog(l, addresses, topics) {
					if len(out) == max {
						ferr = errcode.New(errcode.BadRequest, "query returned more than %d results; narrow the block range or the filter", max)
						return false
					}
					out = append(out, evmapi.LogEntry{Log: l, Height: h, TxHash: rc.TxHash, TxIndex: i, LogIndex: logIndex})
				}
				logIndex++
			}
		}
		return true
	})
	if err == nil {
		err = ferr
	}
	return out, err
}

func matchLog(l evmapi.Log, addresses []common.Address, topics [][]common.Hash) bool {
	if len(addresses) > 0 {
		ok := false
		for _, a := range addresses {
			if strings.EqualFold(l.Address, a.Hex()) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(topics) > len(l.Topics) {
		return false
	}
	for i, want := range topics {
		if len(want) == 0 {
			continue
		}
		ok := false
		for _, t := range want {
			if strings.EqualFold(l.Topics[i], t.Hex()) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// OrgReceipts calls fn with the receipt of every contract transaction an
// organisation's keys sent at heights from..to, in chain order, reading
// the block index of those heights only.
func OrgReceipts(r module.Reader, org string, from, to int64, fn func(rc *evmapi.Receipt)) error {
	var ferr error
	err := ContractTxHeights(r, max(from, 1), to, func(h int64) bool {
		hashes, err := BlockTxs(r, h)
		if err != nil {
			ferr = err
			return false
		}
		for _, th := range hashes {
			rc, err := GetReceipt(r, th)
			if err != nil {
				ferr = err
				return false
			}
			if rc.Org == org {
				fn(rc)
			}
		}
		return true
	})
	if err == nil {
		err = ferr
	}
	return err
}

// CountContracts counts the contracts an organisation deployed, reading
// its index; more is set when it stopped at most.
func CountContracts(r module.Reader, org string, most int) (n int, more bool, err error) {
	err = r.Iterate(orgContractsPrefix(org), nil, func(_, _ []byte) bool {
		if n == most {
			more = true
			return false
		}
		n++
		return true
	})
	return n, more, err
}
