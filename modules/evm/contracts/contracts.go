// Package contracts holds the Solidity contracts the smart contract
// module ships and tests with (an ERC-20 token, ERC-721 collectibles, a
// factory, a contract that uses the chain's precompiles, and one that
// exercises gas and state rules), compiled by solc-js with the optimizer
// (200 runs) for the default EVM version. build.json is the compiler's
// output; TestBuildIsCurrent compiles the sources again and compares.
package contracts

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

//go:embed build.json
var buildJSON []byte

// Build is the compiler's output.
type Build struct {
	Solc      string               `json:"solc"`
	Settings  json.RawMessage      `json:"settings"`
	Contracts map[string]*Artifact `json:"contracts"`
}

// Artifact is one compiled contract.
type Artifact struct {
	Source           string          `json:"source"`
	ABI              json.RawMessage `json:"abi"`
	Bytecode         hexutil.Bytes   `json:"bytecode"`
	DeployedBytecode hexutil.Bytes   `json:"deployedBytecode"`

	parsed     abi.ABI
	parsedErr  error
	parsedOnce sync.Once
}

var build = sync.OnceValues(func() (*Build, error) {
	var b Build
	if err := json.Unmarshal(buildJSON, &b); err != nil {
		return nil, fmt.Errorf("contracts build: %w", err)
	}
	return &b, nil
})

// Get returns the compiled contract called name.
func Get(name string) (*Artifact, error) {
	b, err := build()
	if err != nil {
		return nil, err
	}
	a, ok := b.Contracts[name]
	if !ok {
		return nil, fmt.Errorf("no compiled contract %q", name)
	}
	return a, nil
}

// MustGet is Get for contracts known to be in the build; it panics
// otherwise.
func MustGet(name string) *Artifact {
	a, err := Get(name)
	if err != nil {
		panic(err)
	}
	return a
}

// Parsed returns the contract's ABI, parsed once.
func (a *Artifact) Parsed() abi.ABI {
	a.parsedOnce.Do(func() { a.parsed, a.parsedErr = abi.JSON(strings.NewReader(string(a.ABI))) })
	if a.parsedErr != nil {
		panic(fmt.Sprintf("contracts: ABI of %s: %v", a.Source, a.parsedErr))
	}
	return a.parsed
}

// Deploy returns the creation code with the constructor's ABI-encoded
// arguments appended.
func (a *Artifact) Deploy(args ...any) ([]byte, error) {
	in, err := a.Parsed().Pack("", args...)
	if err != nil {
		return nil, err
	}
	return append(append([]byte{}, a.Bytecode...), in...), nil
}

// Solc returns the version of the compiler that built the contracts.
func Solc() string {
	b, err := build()
	if err != nil {
		return ""
	}
	return b.Solc
}
