package evm

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/params"

	"github.com/dengta-chain/dengta/internal/module"
)

// Params are the chain's EVM rules. A genesis with an evm section pins
// them in the state (evm/params); a chain whose genesis has none runs the
// defaults, which are consensus rules of the node's code like any other.
type Params struct {
	// ChainID is the EIP-155 chain id Ethereum transactions are signed
	// for (eth_chainId). Default: derived from the chain's id (Fork's
	// DefaultChainID), so that two Dengta chains never share one.
	ChainID uint64 `json:"chain_id"`
	// Fork names the Ethereum rules the EVM runs. "osaka" is the one
	// supported: what solc 0.8.31 and later compile for by default
	// (evmVersion "osaka"); code compiled for an earlier EVM version runs
	// unchanged.
	Fork string `json:"fork"`
	// BlockGasLimit bounds the gas a block's contract transactions
	// reserve (the sum of their gas limits).
	BlockGasLimit uint64 `json:"block_gas_limit"`
	// TxGasLimit bounds one transaction's gas limit; at most
	// params.MaxTxGas (2^24, EIP-7825 in Osaka).
	TxGasLimit uint64 `json:"tx_gas_limit"`
	// Readable are the key prefixes of Dengta records that contracts may
	// read through the records precompile: records public to begin with
	// (ADR 0007).
	Readable []string `json:"readable"`
}

// The defaults of Params.
const (
	DefaultFork          = "osaka"
	DefaultBlockGasLimit = 200_000_000
	DefaultTxGasLimit    = params.MaxTxGas
)

// DefaultReadable are the records contracts read by default: the
// members, evidence records by id, batches, and copyright registrations
// with their register by file hash.
var DefaultReadable = []string{"identity/org/", "notary/ev/", "notary/batch/", "notary/work/", "notary/workhash/"}

// DefaultChainID derives an EIP-155 chain id from a Dengta chain id: the
// first 6 bytes of SHA-256("dengta/evm/chain-id\x00" || chain id), so
// that it stays below 2^53 (JavaScript's safe integers, which wallets
// need). A chain that wants a registered number sets chain_id in its
// genesis.
func DefaultChainID(chainID string) uint64 {
	sum := sha256.Sum256([]byte("dengta/evm/chain-id\x00" + chainID))
	var b [8]byte
	copy(b[2:], sum[:6])
	id := binary.BigEndian.Uint64(b[:])
	if id == 0 {
		id = 1
	}
	return id
}

// withDefaults fills what the genesis left out.
func (p Params) withDefaults(chainID string) Params {
	if p.ChainID == 0 {
		p.ChainID = DefaultChainID(chainID)
	}
	if p.Fork == "" {
		p.Fork = DefaultFork
	}
	if p.BlockGasLimit == 0 {
		p.BlockGasLimit = DefaultBlockGasLimit
	}
	if p.TxGasLimit == 0 {
		p.TxGasLimit = DefaultTxGasLimit
	}
	if p.Readable == nil {
		p.Readable = DefaultReadable
	}
	return p
}

// validate checks the rules.
func (p Params) validate() error {
	if p.Fork != DefaultFork {
		return fmt.Errorf("fork %q: this node runs %q", p.Fork, DefaultFork)
	}
	if p.ChainID > 1<<53-1 {
		return fmt.Errorf("chain id %d is above 2^53-1, which wallets cannot hold", p.ChainID)
	}
	if p.TxGasLimit < params.TxGas || p.TxGasLimit > params.MaxTxGas {
		return fmt.Errorf("tx_gas_limit %d is outside %d..%d", p.TxGasLimit, params.TxGas, params.MaxTxGas)
	}
	if p.BlockGasLimit < p.TxGasLimit {
		return fmt.Errorf("block_gas_limit %d is below tx_gas_limit %d", p.BlockGasLimit, p.TxGasLimit)
	}
	for _, r := range p.Readable {
		if r == "" || !strings.HasSuffix(r, "/") || strings.HasPrefix(r, prefix) || strings.HasPrefix(r, "app/") {
			return fmt.Errorf("readable prefix %q: name a module's records, ending in /", r)
		}
	}
	return nil
}

// decodedParams remembers decoded params by their bytes (read in every
// transaction); keyed by content, an entry is never stale.
var decodedParams struct {
	mu sync.Mutex
	b  string
	p  *Params
}

// GetParams reads the EVM rules of the chain chainID: those its genesis
// pinned, or the defaults.
func GetParams(r module.Getter, chainID string) (*Params, error) {
	b, err := r.Get(keyParams)
	if err != nil {
		return nil, fmt.Errorf("read evm params: %w", err)
	}
	if b == nil {
		p := Params{}.withDefaults(chainID)
		return &p, nil
	}
	decodedParams.mu.Lock()
	defer decodedParams.mu.Unlock()
	if decodedParams.p != nil && decodedParams.b == string(b) {
		return decodedParams.p, nil
	}
	var p Params
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("evm params: %w", err)
	}
	decodedParams.b, decodedParams.p = string(b), &p
	return &p, nil
}

// chainConfig is the go-ethereum chain configuration of the rules: every
// fork through Osaka from the first block, after the merge.
func (p *Params) chainConfig() *params.ChainConfig {
	chainConfigs.Lock()
	defer chainConfigs.Unlock()
	if c, ok := chainConfigs.m[p.ChainID]; ok {
		return c
	}
	zero, t0 := big.NewInt(0), uint64(0)
	c := &params.ChainConfig{
		ChainID:                 new(big.Int).SetUint64(p.ChainID),
		HomesteadBlock:          zero,
		EIP150Block:             zero,
		EIP155Block:             zero,
		EIP158Block:             zero,
		ByzantiumBlock:          zero,
		ConstantinopleBlock:     zero,
		PetersburgBlock:         zero,
		IstanbulBlock:           zero,
		MuirGlacierBlock:        zero,
		BerlinBlock:             zero,
		LondonBlock:             zero,
		ArrowGlacierBlock:       zero,
		GrayGlacierBlock:        zero,
		MergeNetsplitBlock:      zero,
		ShanghaiTime:            &t0,
		CancunTime:              &t0,
		PragueTime:              &t0,
		OsakaTime:               &t0,
		TerminalTotalDifficulty: zero,
		BlobScheduleConfig:      params.DefaultBlobSchedule,
	}
	if chainConfigs.m == nil {
		chainConfigs.m = map[uint64]*params.ChainConfig{}
	}
	chainConfigs.m[p.ChainID] = c
	return c
}

var chainConfigs struct {
	sync.Mutex
	m map[uint64]*params.ChainConfig
}
