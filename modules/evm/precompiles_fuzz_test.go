package evm

import (
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/core/vm"
)

// FuzzPrecompiles: the chain's precompiles decode what contracts give
// them in every node's block execution; whatever the input, they answer
// or fail (a revert with a reason, or an error), and never panic.
func FuzzPrecompiles(f *testing.F) {
	sm2ABI, _ := abi.JSON(strings.NewReader(SM2ABI))
	recABI, _ := abi.JSON(strings.NewReader(RecordsABI))
	for _, in := range [][]any{
		{sm2ABI, "verify", []byte{4, 1, 2}, []byte("m"), []byte{0x30, 0x06}},
		{sm2ABI, "verifyDigest", make([]byte, 64), [32]byte{1}, make([]byte, 64)},
		{recABI, "get", "identity/org/dev"},
		{recABI, "field", "notary/ev/EV1", "sha256"},
		{recABI, "hashField", "identity/org/dev", "name"},
	} {
		b, err := in[0].(abi.ABI).Pack(in[1].(string), in[2:]...)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(byte(in[1].(string)[0]%3), b)
	}
	f.Add(byte(0), []byte("abc"))
	f.Add(byte(1), []byte{0x12, 0x34})
	kv := memKV{}
	kv.Set([]byte("identity/org/dev"), []byte(`{"id":"dev","name":"测试","sha":"`+strings.Repeat("ab", 32)+`"}`))
	kv.Set([]byte("notary/ev/EV1"), []byte(`{"sha256":"nothex"}`))
	p := Params{}.withDefaults("fuzz")
	pre := []vm.PrecompiledContract{sm3Precompile{}, sm2Precompile{}, &recordsPrecompile{kv: kv, readable: p.Readable}}
	f.Fuzz(func(t *testing.T, which byte, input []byte) {
		c := pre[int(which)%len(pre)]
		c.RequiredGas(input)
		out, err := c.Run(input)
		if err != nil && !errors.Is(err, vm.ErrExecutionReverted) {
			t.Fatalf("%s: %v", c.Name(), err)
		}
		if errors.Is(err, vm.ErrExecutionReverted) && len(out) < 4 {
			t.Fatalf("%s reverted without a reason", c.Name())
		}
	})
}
