// Package evmplug plugs the smart contract module into the node: the
// Ethereum JSON-RPC at /eth and /eth/<API token> (ADR 0014), the module's
// REST reads, the hall's contract page, the `dengta contract` commands,
// the ERC-20 benchmark workload, the demo's contract deployer and its
// token, and a generator of random contract actions for the determinism
// tests.
package evmplug

import (
	"context"
	_ "embed"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
)

//go:embed openapi.json
var openAPI []byte

// Module returns the smart contract module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      evm.Module{},
		Roles:     evmapi.Roles,
		API:       &httpapi.Module{OpenAPI: openAPI, Routes: routes},
		Pages:     pagesModule(),
		CLI:       []cli.Command{{Name: "contract", Summary: "deploy, call and read smart contracts (Solidity, with an ABI file)", Run: runContract}},
		Workloads: []workload.Def{{Name: "werc20", Doc: "ERC-20 transfers as Ethereum transactions (secp256k1 member keys, EIP-1559 with zero fees)", Rates: []float64{1000, 2000, 3000, 4000}, New: newTransfers}},
		Demo:      plug.Demo{Roles: map[string][]role.Role{"alliance": {evmapi.Deployer}, "market": {evmapi.Deployer}}, Seed: seed},
		Gen:       func() plug.Gen { return &gen{} },
	}
}

func routes(env httpapi.Env, r httpapi.Router) {
	s := newServer(env)
	r.Handle("POST /eth", s.serveRPC, httpapi.Public, httpapi.Replayable, httpapi.MaxBody(maxRPCBody))
	r.Handle("POST /eth/{token}", s.serveRPC, httpapi.Public, httpapi.Replayable, httpapi.MaxBody(maxRPCBody))
	r.Handle("OPTIONS /eth", preflight, httpapi.Public)
	r.Handle("OPTIONS /eth/{token}", preflight, httpapi.Public)

	httpapi.Query(r, evmapi.ListContracts, func(_ context.Context, p evmapi.ContractsParams) (*api.Page[evmapi.Contract], error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		page, err := evm.SearchContracts(v, p.Org, module.NewSearch(v, p.Q), p.After, p.Limit)
		if page != nil {
			page.Height = v.Version()
		}
		return page, err
	})
	httpapi.Query(r, evmapi.GetContract, func(_ context.Context, p evmapi.ContractParams) (*evmapi.ContractInfo, error) {
		a, err := address(p.Address)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return evm.GetContract(v, a)
	})
	httpapi.Query(r, evmapi.GetReceipt, func(_ context.Context, p evmapi.ReceiptParams) (*evmapi.Receipt, error) {
		h, err := hash(p.Hash)
		if err != nil {
			return nil, err
		}
		v, err := env.View(0)
		if err != nil {
			return nil, err
		}
		return evm.GetReceipt(v, h)
	})
	httpapi.Query(r, evmapi.GetLogs, func(_ context.Context, p evmapi.LogsParams) (*evmapi.LogsAnswer, error) {
		v, err := env.View(0)
		if err != nil {
			return nil, err
		}
		from, to := p.From, p.To
		if to <= 0 {
			to = v.Version()
		}
		if from <= 0 {
			from = to
		}
		if from > to || to-from > maxLogRange {
			return nil, errcode.New(errcode.BadRequest, "from %d to %d: give a range of at most %d blocks, from before to", from, to, maxLogRange)
		}
		var addrs []common.Address
		if p.Address != "" {
			a, err := address(p.Address)
			if err != nil {
				return nil, err
			}
			addrs = []common.Address{a}
		}
		var topics [][]common.Hash
		if p.Topic != "" {
			t, err := hash(p.Topic)
			if err != nil {
				return nil, err
			}
			topics = [][]common.Hash{{t}}
		}
		logs, err := evm.Logs(v, from, to, addrs, topics, maxLogs)
		if logs == nil {
			logs = []evmapi.LogEntry{}
		}
		return &evmapi.LogsAnswer{Logs: logs}, err
	})
	httpapi.Query(r, evmapi.GetStorage, func(_ context.Context, p evmapi.StorageParams) (*evmapi.StorageAnswer, error) {
		a, err := address(p.Address)
		if err != nil {
			return nil, err
		}
		slot, err := slotOf(p.Slot)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		val, err := evm.GetStorage(v, a, slot)
		if err != nil {
			return nil, err
		}
		return &evmapi.StorageAnswer{Value: val.Hex(), Key: string(evm.StorageStateKey(a, slot)), Height: v.Version()}, nil
	})
}

// address reads a 0x address parameter.
func address(s string) (common.Address, error) {
	if !common.IsHexAddress(s) {
		return common.Address{}, errcode.New(errcode.BadRequest, "%q is not an address (0x and 40 hex digits)", s)
	}
	return common.HexToAddress(s), nil
}

// hash reads a 0x 32-byte hash parameter.
func hash(s string) (common.Hash, error) {
	b := common.FromHex(s)
	if !strings.HasPrefix(strings.ToLower(s), "0x") || len(b) != 32 {
		return common.Hash{}, errcode.New(errcode.BadRequest, "%q is not a hash (0x and 64 hex digits)", s)
	}
	return common.BytesToHash(b), nil
}

// slotOf reads a storage slot: a 0x number or a 0x 32-byte key.
func slotOf(s string) (common.Hash, error) {
	if !strings.HasPrefix(strings.ToLower(s), "0x") || len(s) < 3 || len(s) > 66 {
		return common.Hash{}, errcode.New(errcode.BadRequest, "slot %q: give a 0x number or 32-byte key", s)
	}
	b := common.FromHex(s)
	if len(b) > 32 || !isHex(s[2:]) {
		return common.Hash{}, errcode.New(errcode.BadRequest, "slot %q: give a 0x number or 32-byte key", s)
	}
	return common.BytesToHash(b), nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
