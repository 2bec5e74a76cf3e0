package evmplug_test

import (
	"context"
	"log/slog"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/modules/evm/evmplug"
)

// TestDemoSeed records the module's demo story on a dev chain: the
// alliance's points token and collection, with the cooperative holding
// points and the supermarket a collectible.
func TestDemoSeed(t *testing.T) {
	d, home := nodetest.Dev(t)
	ctx := context.Background()
	keys := filepath.Join(home, "keys")
	env := &plug.DemoEnv{Client: client.New(d.GatewayURL), PublicURL: d.GatewayURL, Logger: slog.New(slog.DiscardHandler),
		Admin: func(org string) (*client.Key, error) { return client.LoadKey(devnet.KeyFile(keys, org)) }}
	if err := evmplug.Module().Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}
	regulator, err := client.LoadKey(devnet.KeyFile(keys, "regulator"))
	if err != nil {
		t.Fatal(err)
	}
	member := client.New(d.GatewayURL).As(regulator)
	page, err := client.Read(ctx, member, evmapi.ListContracts, evmapi.ContractsParams{Org: "alliance"})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("the alliance's contracts: %+v, %v", page, err)
	}
	var points string
	for _, c := range page.Items {
		if c.ABI == "" {
			t.Errorf("%s has no published ABI", c.Name)
		}
		if c.Name == "梨花联盟积分" {
			points = c.Address
		}
	}
	coop, _ := client.LoadKey(devnet.KeyFile(keys, "coop"))
	data, _ := contracts.MustGet("Token").Parsed().Pack("balanceOf", common.HexToAddress(coop.ID()))
	var resp struct {
		Result hexutil.Bytes `json:"result"`
	}
	if err := member.PostJSON(ctx, "/eth", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": []any{map[string]any{"to": points, "data": hexutil.Bytes(data)}, "latest"}}, &resp); err != nil {
		t.Fatal(err)
	}
	if got := new(big.Int).SetBytes(resp.Result); got.Int64() != 120_000 {
		t.Fatalf("the cooperative holds %s points", got)
	}
}
