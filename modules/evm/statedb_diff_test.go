package evm

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/dengta-chain/dengta/modules/evm/contracts"
)

// memKV is a module.KV in memory, for running the module's StateDB
// without the app.
type memKV map[string][]byte

func (m memKV) Get(k []byte) ([]byte, error) { return m[string(k)], nil }
func (m memKV) Set(k, v []byte) error {
	if len(v) == 0 {
		return fmt.Errorf("empty value")
	}
	m[string(k)] = bytes.Clone(v)
	return nil
}
func (m memKV) Delete(k []byte) error { delete(m, string(k)); return nil }

// gethState is go-ethereum's own StateDB, recording the slots it writes
// so that the test can compare them.
type gethState struct {
	*state.StateDB
	slots map[slotKey]bool
}

func (g *gethState) SetState(a common.Address, k, v common.Hash) common.Hash {
	g.slots[slotKey{a, k}] = true
	return g.StateDB.SetState(a, k, v)
}

// TestStateDBAgainstGeth runs random transactions of the test contracts
// through the module's StateDB and through go-ethereum's core/state, with
// the same EVM, and requires the same outcome of every transaction (status,
// gas used with refunds, return data, logs, created address) and the same
// accounts, code and storage at the end. go-ethereum's StateDB is the
// reference implementation the EVM was written against: reverts of nested
// frames, refunds of cleared slots, transient storage, warm and cold
// accesses and self-destruction in the creating transaction all show in
// the gas and the state.
func TestStateDBAgainstGeth(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { diffRun(t, seed, 150) })
	}
}

func diffRun(t *testing.T, seed uint64, steps int) {
	r := rand.New(rand.NewPCG(seed, 11))
	p := Params{}.withDefaults("dengta-test")
	kv := memKV{}
	gdb, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		t.Fatal(err)
	}
	gs := &gethState{StateDB: gdb, slots: map[slotKey]bool{}}
	eoas := []common.Address{common.HexToAddress("0xa1"), common.HexToAddress("0xb2"), common.HexToAddress("0xc3")}
	nonces := map[common.Address]uint64{}
	var (
		gasC, token, factory, notarized common.Address
		deals                           []common.Address
		contractsSeen                   = map[common.Address]bool{}
	)
	rules := p.chainConfig().Rules(big.NewInt(1), true, 0)
	for step := 0; step < steps; step++ {
		from := eoas[r.IntN(len(eoas))]
		m := &Message{From: from, Nonce: nonces[from], Gas: 3_000_000, Hash: common.BigToHash(big.NewInt(int64(step + 1))), Index: step}
		call := func(to common.Address, name, method string, args ...any) {
			m.To = &to
			m.Data = mustPack(t, name, method, args...)
		}
		deploy := func(name string, args ...any) {
			code, err := contracts.MustGet(name).Deploy(args...)
			if err != nil {
				t.Fatal(err)
			}
			m.Data = code
		}
		k := big.NewInt(int64(r.IntN(12)))
		v := big.NewInt(int64(r.IntN(4)))
		switch {
		case step == 0:
			deploy("Gas")
		case step == 1:
			deploy("Token", "积分", "PTS", big.NewInt(1_000_000))
		case step == 2:
			deploy("Factory")
		case step == 3:
			deploy("Notarized")
		default:
			switch r.IntN(16) {
			case 0:
				call(gasC, "Gas", "store", k, v)
			case 1:
				call(gasC, "Gas", "clear", k)
			case 2:
				call(gasC, "Gas", "nested", k, v)
			case 3:
				call(gasC, "Gas", "transientRoundTrip", v)
			case 4:
				call(gasC, "Gas", "burn", big.NewInt(int64(r.IntN(400))))
				m.Gas = 30_000 + uint64(r.IntN(200_000)) // often out of gas
			case 5:
				call(gasC, "Gas", "fail", big.NewInt(int64(r.IntN(5))))
			case 6:
				call(gasC, "Gas", "storeMany", k, big.NewInt(int64(r.IntN(6))), v)
			case 7, 8:
				call(token, "Token", "transfer", eoas[r.IntN(3)], big.NewInt(int64(r.IntN(3000))))
			case 9:
				call(token, "Token", "approve", eoas[r.IntN(3)], big.NewInt(int64(r.IntN(3000))))
			case 10:
				call(token, "Token", "transferFrom", eoas[r.IntN(3)], eoas[r.IntN(3)], big.NewInt(int64(r.IntN(100))))
			case 11:
				if r.IntN(2) == 0 {
					call(factory, "Factory", "open", eoas[r.IntN(3)])
				} else {
					call(factory, "Factory", "openAt", eoas[r.IntN(3)], [32]byte{byte(r.IntN(3))})
				}
			case 12:
				if len(deals) == 0 {
					deploy("Ephemeral")
					break
				}
				call(deals[r.IntN(len(deals))], "Escrow", "release")
			case 13:
				deploy("Ephemeral")
			case 14:
				call(gasC, "Gas", "coldAfterRevert", k)
			case 15:
				// A precompile the call touches; an empty account is not
				// kept (EIP-161).
				if r.IntN(2) == 0 {
					call(notarized, "Notarized", "sm3Of", []byte(fmt.Sprint(step)))
				} else {
					m.To, m.Data = &SM3Address, []byte(fmt.Sprint(step)) // a transaction to the precompile itself
				}
			}
		}
		if m.To == nil {
			m.Gas = 5_000_000
		}
		b := Block{Height: int64(step + 1), Time: time.Unix(1_800_000_000+int64(step), 0)}

		// The module's StateDB, committed to the KV.
		sdb := NewStateDB(kv, m.From, m.Nonce)
		ours := run(sdb, kv, &p, b, m)
		if sdb.Err() != nil {
			t.Fatal(sdb.Err())
		}
		if ours.Status == 1 {
			ours.Logs = sdb.Logs()
		}
		if err := sdb.Commit(); err != nil {
			t.Fatal(err)
		}
		// go-ethereum's, finalised as a block does after each
		// transaction.
		gs.SetNonce(m.From, m.Nonce, tracing.NonceChangeUnspecified)
		theirs := run(gs, kv, &p, b, m)
		if theirs.Status == 1 {
			theirs.Logs = gs.GetLogs(m.Hash, uint64(b.Height), common.Hash{}, 0)
		}
		gs.Finalise(rules)

		if d := diffOutcome(ours, theirs); d != "" {
			t.Fatalf("step %d (%x…): %s", step, m.Data[:min(4, len(m.Data))], d)
		}
		nonces[from]++
		if m.To == nil && ours.Status == 1 {
			contractsSeen[ours.Contract] = true
			switch step {
			case 0:
				gasC = ours.Contract
			case 1:
				token = ours.Contract
			case 2:
				factory = ours.Contract
			case 3:
				notarized = ours.Contract
			}
		}
		for _, l := range ours.Logs {
			if l.Address == factory && len(l.Topics) > 1 {
				deal := common.BytesToAddress(l.Topics[1][:])
				deals = append(deals, deal)
				contractsSeen[deal] = true
			}
		}
	}
	// Every contract account, its code and storage agree.
	addrs := append(slices.Collect(func(yield func(common.Address) bool) {
		for a := range contractsSeen {
			if !yield(a) {
				return
			}
		}
	}), crypto.CreateAddress(eoas[0], 3), SM3Address, common.BytesToAddress([]byte{2}))
	for _, a := range addrs {
		acc, err := getAccount(kv, a)
		if err != nil {
			t.Fatal(err)
		}
		exists := acc != nil
		if exists != gs.Exist(a) {
			t.Fatalf("%s exists: ours %v, geth %v", a, exists, gs.Exist(a))
		}
		if !exists {
			continue
		}
		if acc.nonce != gs.GetNonce(a) || acc.codeHash != gs.GetCodeHash(a) {
			t.Fatalf("%s: nonce %d code %s; geth %d %s", a, acc.nonce, acc.codeHash, gs.GetNonce(a), gs.GetCodeHash(a))
		}
		code, err := GetCode(kv, a)
		if err != nil || !bytes.Equal(code, gs.GetCode(a)) {
			t.Fatalf("%s: code differs (%v)", a, err)
		}
	}
	slots := map[slotKey]bool{}
	for k := range gs.slots {
		slots[k] = true
	}
	for k := range kv {
		if rest, ok := strings.CutPrefix(k, storagePrefix); ok {
			a, s, _ := strings.Cut(rest, "/")
			ab, _ := hex.DecodeString(a)
			sb, _ := hex.DecodeString(s)
			slots[slotKey{common.BytesToAddress(ab), common.BytesToHash(sb)}] = true
		}
	}
	if len(slots) < 10 {
		t.Fatalf("only %d slots written: the program did too little", len(slots))
	}
	for k := range slots {
		ours, err := GetStorage(kv, k.addr, k.slot)
		if err != nil {
			t.Fatal(err)
		}
		if theirs := gs.GetState(k.addr, k.slot); ours != theirs {
			t.Fatalf("slot %s/%s: ours %s, geth %s", k.addr, k.slot, ours, theirs)
		}
	}
}

func diffOutcome(a, b *Outcome) string {
	switch {
	case a.Status != b.Status:
		return fmt.Sprintf("status %d, geth %d (%v / %v)", a.Status, b.Status, a.Err, b.Err)
	case a.GasUsed != b.GasUsed:
		return fmt.Sprintf("gas used %d, geth %d", a.GasUsed, b.GasUsed)
	case !bytes.Equal(a.Return, b.Return):
		return fmt.Sprintf("return %x, geth %x", a.Return, b.Return)
	case fmt.Sprint(a.Err) != fmt.Sprint(b.Err):
		return fmt.Sprintf("error %v, geth %v", a.Err, b.Err)
	case a.Contract != b.Contract:
		return fmt.Sprintf("contract %s, geth %s", a.Contract, b.Contract)
	case len(a.Logs) != len(b.Logs):
		return fmt.Sprintf("%d logs, geth %d", len(a.Logs), len(b.Logs))
	}
	for i := range a.Logs {
		x, y := a.Logs[i], b.Logs[i]
		if x.Address != y.Address || !slices.Equal(x.Topics, y.Topics) || !bytes.Equal(x.Data, y.Data) {
			return fmt.Sprintf("log %d: %+v, geth %+v", i, x, y)
		}
	}
	return ""
}

func mustPack(t testing.TB, name, method string, args ...any) []byte {
	t.Helper()
	b, err := contracts.MustGet(name).Parsed().Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var _ = abi.ABI{}
