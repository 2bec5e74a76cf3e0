package evmplug

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
)

// gen makes random contract actions through the envelope for the
// determinism tests: deployments of the test contracts by deployers,
// token transfers (some over the balance, which revert), mints, storage
// writes with nested reverts, descriptions, and refusals: deployments by
// organisations without the role, malformed hex, out-of-range gas.
type gen struct {
	tokens []deployed // tokens, with the organisation that holds the supply
	gases  []deployed
}

type deployed struct {
	addr string
	org  string
}

func packGen(name, method string, args ...any) string {
	b, err := contracts.MustGet(name).Parsed().Pack(method, args...)
	if err != nil {
		panic(err)
	}
	return hexutil.Encode(b)
}

// holder is an address standing for organisation org in transfers.
func holder(org string) common.Address {
	return common.BytesToAddress(crypto.Keccak256([]byte("gen holder " + org)))
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	deployers := w.With(evmapi.Deployer)
	any := w.Orgs[r.IntN(len(w.Orgs))].ID
	switch n := r.IntN(10); {
	case n < 2 || len(g.tokens) == 0 && len(g.gases) == 0:
		if len(deployers) == 0 {
			return plug.Action{Org: any, Action: evmapi.Deploy.Name, Body: evmapi.DeployBody{Code: "0x00"}}
		}
		org := deployers[r.IntN(len(deployers))]
		if r.IntN(2) == 0 {
			code, _ := contracts.MustGet("Token").Deploy("积分", "PTS", big.NewInt(1_000_000))
			return plug.Action{Org: org, Action: evmapi.Deploy.Name, Valid: true, Tag: "token", Body: evmapi.DeployBody{Code: hexutil.Encode(code), Name: "积分", Gas: 2_000_000}}
		}
		code, _ := contracts.MustGet("Gas").Deploy()
		return plug.Action{Org: org, Action: evmapi.Deploy.Name, Valid: true, Tag: "gas", Body: evmapi.DeployBody{Code: hexutil.Encode(code), Gas: 1_500_000}}
	case n < 6 && len(g.tokens) > 0:
		t := g.tokens[r.IntN(len(g.tokens))]
		to := w.Orgs[r.IntN(len(w.Orgs))].ID
		amount := big.NewInt(int64(r.IntN(400_000)))
		return plug.Action{Org: t.org, Action: evmapi.Call.Name, Valid: true, Body: evmapi.CallBody{To: t.addr, Data: packGen("Token", "transfer", holder(to), amount), Gas: 200_000}}
	case n < 8 && len(g.gases) > 0:
		c := g.gases[r.IntN(len(g.gases))]
		return plug.Action{Org: any, Action: evmapi.Call.Name, Valid: true, Body: evmapi.CallBody{To: c.addr, Data: packGen("Gas", "nested", big.NewInt(int64(r.IntN(6))), big.NewInt(int64(r.IntN(100)))), Gas: 300_000}}
	case n == 8 && len(g.tokens) > 0 && r.IntN(2) == 0:
		t := g.tokens[r.IntN(len(g.tokens))]
		return plug.Action{Org: t.org, Action: evmapi.Describe.Name, Valid: true, Body: evmapi.DescribeBody{Address: t.addr, Name: fmt.Sprintf("积分 %d", r.IntN(100)), ABI: string(contracts.MustGet("Token").ABI)}}
	case n == 8 && len(g.tokens) > 0:
		// Minting by another organisation's key reverts (status 0, still
		// a committed transaction).
		t := g.tokens[r.IntN(len(g.tokens))]
		return plug.Action{Org: any, Action: evmapi.Call.Name, Valid: true, Body: evmapi.CallBody{To: t.addr, Data: packGen("Token", "mint", holder(any), big.NewInt(5))}}
	default:
		switch r.IntN(4) {
		case 0:
			code, _ := contracts.MustGet("Escrow").Deploy(holder("a"), holder("b"))
			// By an organisation that may not deploy, when there is one.
			for _, o := range w.Orgs {
				if !strings.Contains(strings.Join(deployers, ","), o.ID) {
					return plug.Action{Org: o.ID, Action: evmapi.Deploy.Name, Body: evmapi.DeployBody{Code: hexutil.Encode(code)}}
				}
			}
			return plug.Action{Org: any, Action: evmapi.Deploy.Name, Body: evmapi.DeployBody{Code: "0xzz"}}
		case 1:
			return plug.Action{Org: any, Action: evmapi.Call.Name, Body: evmapi.CallBody{To: "0x1234", Data: "0x"}}
		case 2:
			return plug.Action{Org: any, Action: evmapi.Call.Name, Body: evmapi.CallBody{To: holder("x").Hex(), Gas: 20_000_000}}
		default:
			return plug.Action{Org: any, Action: evmapi.Describe.Name, Body: evmapi.DescribeBody{Address: holder("nothing").Hex(), Name: "无"}}
		}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 || a.Action != evmapi.Deploy.Name {
		return
	}
	var res evmapi.Result
	if json.Unmarshal(result, &res) != nil || res.Status != 1 {
		return
	}
	d := deployed{addr: res.ContractAddress, org: a.Org}
	switch a.Tag {
	case "token":
		g.tokens = append(g.tokens, d)
	case "gas":
		g.gases = append(g.gases, d)
	default:
		panic(fmt.Sprintf("evm gen: deployment tagged %q", a.Tag))
	}
}
