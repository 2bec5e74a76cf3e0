package evm

import (
	"crypto/ecdsa"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/tx"
)

// The chain's own precompiled contracts, beside Ethereum's (ADR 0014).
// Their interfaces are in contracts/DengtaPrecompiles.sol.
var (
	// SM3Address hashes its input with SM3 (GB/T 32905) and returns the
	// 32-byte digest: called like SHA-256's precompile at 0x02.
	SM3Address = common.HexToAddress("0x0000000000000000000000000000000000005301")
	// SM2Address verifies SM2 signatures (GB/T 32918, SM3, default user
	// id): ISM2.verify(publicKey, message, signature) and
	// ISM2.verifyDigest(publicKey, digest, signature).
	SM2Address = common.HexToAddress("0x0000000000000000000000000000000000005302")
	// RecordsAddress reads Dengta records that are public to begin with
	// (Params.Readable): IDengtaRecords.get(key), field(key, name) and
	// hashField(key, name).
	RecordsAddress = common.HexToAddress("0x0000000000000000000000000000000000005303")
)

// Gas of the chain's precompiles: SM3 is priced as SHA-256 (0x02), an SM2
// verification at a little over twice ecrecover (it costs about that much
// more), a record read as a cold storage read.
const (
	sm3BaseGas     = params.Sha256BaseGas
	sm3WordGas     = params.Sha256PerWordGas
	sm2VerifyGas   = 8000
	recordsBaseGas = 2600
	perWordGas     = 3
)

// precompiles returns the precompiled contracts of rules with the chain's
// own; the records precompile reads kv.
func precompiles(rules params.Rules, kv module.Getter, p *Params) vm.PrecompiledContracts {
	m := vm.ActivePrecompiledContracts(rules)
	m[SM3Address] = sm3Precompile{}
	m[SM2Address] = sm2Precompile{}
	m[RecordsAddress] = &recordsPrecompile{kv: kv, readable: p.Readable}
	return m
}

// precompileAddresses are the warm addresses of EIP-2929: Ethereum's
// precompiles and the chain's.
func precompileAddresses(rules params.Rules) []common.Address {
	return append(slices.Clone(vm.ActivePrecompiles(rules)), SM3Address, SM2Address, RecordsAddress)
}

func words(n int) uint64 { return uint64(n+31) / 32 }

type sm3Precompile struct{}

func (sm3Precompile) Name() string { return "SM3" }

func (sm3Precompile) RequiredGas(input []byte) uint64 {
	return sm3BaseGas + words(len(input))*sm3WordGas
}

func (sm3Precompile) Run(input []byte) ([]byte, error) {
	sum := sm3.Sum(input)
	return sum[:], nil
}

// The ABIs of the chain's ABI precompiles (SM2Address, RecordsAddress),
// as contracts/DengtaPrecompiles.sol declares them.
const (
	SM2ABI = `[
{"type":"function","name":"verify","stateMutability":"view","inputs":[{"name":"publicKey","type":"bytes"},{"name":"message","type":"bytes"},{"name":"signature","type":"bytes"}],"outputs":[{"name":"ok","type":"bool"}]},
{"type":"function","name":"verifyDigest","stateMutability":"view","inputs":[{"name":"publicKey","type":"bytes"},{"name":"digest","type":"bytes32"},{"name":"signature","type":"bytes"}],"outputs":[{"name":"ok","type":"bool"}]}]`
	RecordsABI = `[
{"type":"function","name":"get","stateMutability":"view","inputs":[{"name":"key","type":"string"}],"outputs":[{"name":"found","type":"bool"},{"name":"value","type":"bytes"}]},
{"type":"function","name":"field","stateMutability":"view","inputs":[{"name":"key","type":"string"},{"name":"name","type":"string"}],"outputs":[{"name":"found","type":"bool"},{"name":"value","type":"string"}]},
{"type":"function","name":"hashField","stateMutability":"view","inputs":[{"name":"key","type":"string"},{"name":"name","type":"string"}],"outputs":[{"name":"found","type":"bool"},{"name":"value","type":"bytes32"}]}]`
)

var precompileABIs = sync.OnceValues(func() (map[string]abi.ABI, error) {
	out := map[string]abi.ABI{}
	for name, text := range map[string]string{"sm2": SM2ABI, "records": RecordsABI} {
		a, err := abi.JSON(strings.NewReader(text))
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
})

// call decodes an ABI call of one of the precompile's methods.
func call(which string, input []byte) (*abi.Method, []any, error) {
	abis, err := precompileABIs()
	if err != nil {
		return nil, nil, err
	}
	a := abis[which]
	if len(input) < 4 {
		return nil, nil, revert("%s precompile: the input is not an ABI call (%d bytes)", which, len(input))
	}
	m, err := a.MethodById(input[:4])
	if err != nil {
		return nil, nil, revert("%s precompile: unknown method 0x%x", which, input[:4])
	}
	args, err := m.Inputs.Unpack(input[4:])
	if err != nil {
		return nil, nil, revert("%s precompile: %s: %v", which, m.Name, err)
	}
	return m, args, nil
}

// revertError makes a precompile revert with a reason string, as a
// Solidity require would: the caller keeps its remaining gas and sees the
// reason.
type revertError struct{ data []byte }

func (e *revertError) Error() string { return vm.ErrExecutionReverted.Error() }
func (e *revertError) Unwrap() error { return vm.ErrExecutionReverted }

func revert(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	// Error(string), as solc encodes a revert reason.
	str, _ := abi.NewType("string", "", nil)
	data, _ := abi.Arguments{{Type: str}}.Pack(msg)
	return &revertError{data: append([]byte{0x08, 0xc3, 0x79, 0xa0}, data...)}
}

// runABI runs an ABI precompile's method and turns a revert into the
// revert data and vm.ErrExecutionReverted the EVM expects.
func runABI(f func() ([]byte, error)) ([]byte, error) {
	out, err := f()
	var r *revertError
	if errors.As(err, &r) {
		return r.data, vm.ErrExecutionReverted
	}
	return out, err
}

type sm2Precompile struct{}

func (sm2Precompile) Name() string { return "SM2VERIFY" }

func (sm2Precompile) RequiredGas(input []byte) uint64 {
	return sm2VerifyGas + words(len(input))*sm3WordGas
}

func (sm2Precompile) Run(input []byte) ([]byte, error) {
	return runABI(func() ([]byte, error) {
		m, args, err := call("sm2", input)
		if err != nil {
			return nil, err
		}
		pub, err := sm2PublicKey(args[0].([]byte))
		if err != nil {
			return nil, err
		}
		sig := args[2].([]byte)
		var ok bool
		switch m.Name {
		case "verify":
			ok = sm2VerifyMessage(pub, args[1].([]byte), sig)
		case "verifyDigest":
			d := args[1].([32]byte)
			ok = sm2VerifyDigest(pub, d[:], sig)
		}
		return m.Outputs.Pack(ok)
	})
}

// sm2PublicKey takes 04||X||Y or X||Y.
func sm2PublicKey(b []byte) (*ecdsa.PublicKey, error) {
	if len(b) == 64 {
		b = append([]byte{0x04}, b...)
	}
	if len(b) != 65 || b[0] != 0x04 {
		return nil, revert("SM2 precompile: the public key is %d bytes; give X||Y (64) or 04||X||Y (65)", len(b))
	}
	if _, err := tx.NewPublicKey(tx.AlgoSM2, b); err != nil {
		return nil, revert("SM2 precompile: the public key is not a point on the SM2 curve")
	}
	return &ecdsa.PublicKey{Curve: sm2.P256(), X: new(big.Int).SetBytes(b[1:33]), Y: new(big.Int).SetBytes(b[33:])}, nil
}

// sm2Signature reads R||S (64 bytes) or ASN.1 DER.
func sm2Signature(sig []byte) (r, s *big.Int, ok bool) {
	if len(sig) == 64 {
		return new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]), true
	}
	var v struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &v)
	if err != nil || len(rest) > 0 || v.R == nil || v.S == nil {
		return nil, nil, false
	}
	return v.R, v.S, true
}

func sm2VerifyMessage(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	r, s, ok := sm2Signature(sig)
	return ok && sm2.VerifyWithSM2(pub, nil, msg, r, s)
}

func sm2VerifyDigest(pub *ecdsa.PublicKey, digest, sig []byte) bool {
	r, s, ok := sm2Signature(sig)
	return ok && sm2.Verify(pub, digest, r, s)
}

// recordsPrecompile reads the records contracts may read, in the state
// the transaction runs on: every node reads the same.
type recordsPrecompile struct {
	kv       module.Getter
	readable []string
}

func (*recordsPrecompile) Name() string { return "DENGTARECORDS" }

func (*recordsPrecompile) RequiredGas(input []byte) uint64 {
	return recordsBaseGas + words(len(input))*perWordGas
}

func (r *recordsPrecompile) Run(input []byte) ([]byte, error) {
	return runABI(func() ([]byte, error) {
		m, args, err := call("records", input)
		if err != nil {
			return nil, err
		}
		key := args[0].(string)
		if !slices.ContainsFunc(r.readable, func(p string) bool { return strings.HasPrefix(key, p) }) {
			return nil, revert("records precompile: contracts cannot read %q; they read records under %s", key, strings.Join(r.readable, ", "))
		}
		if len(key) > 1024 {
			return nil, revert("records precompile: the key is %d bytes; keys are at most 1024", len(key))
		}
		v, err := r.kv.Get([]byte(key))
		if err != nil {
			return nil, err
		}
		switch m.Name {
		case "get":
			return m.Outputs.Pack(v != nil, v)
		case "field":
			s, ok := jsonField(v, args[1].(string))
			return m.Outputs.Pack(ok, s)
		default: // hashField
			s, ok := jsonField(v, args[1].(string))
			var h [32]byte
			if ok {
				b, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(s), "0x"))
				if err != nil || len(b) != 32 {
					return nil, revert("records precompile: field %q of %q is not 32 bytes of hex", args[1].(string), key)
				}
				copy(h[:], b)
			}
			return m.Outputs.Pack(ok, h)
		}
	})
}

// jsonField returns a top-level field of a JSON object as text: a string
// as itself, anything else as its JSON.
func jsonField(v []byte, name string) (string, bool) {
	if v == nil {
		return "", false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		return "", false
	}
	raw, ok := obj[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true
}
