package evmplug

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// seed records the contracts' demo story: the pear alliance issues
// member points (an ERC-20 token) and a digital collection of its orchard
// photographs (ERC-721, 数字藏品), both with their ABIs published; it
// rewards the cooperative with points and gives the supermarket a
// collectible, which the hall's contract pages then show with their
// events.
func seed(ctx context.Context, d *plug.DemoEnv) error {
	alliance, err := d.Admin("alliance")
	if err != nil {
		return err
	}
	deploy := func(name, label string, args ...any) (common.Address, error) {
		art := contracts.MustGet(name)
		code, err := art.Deploy(args...)
		if err != nil {
			return common.Address{}, err
		}
		res, _, err := client.Send(ctx, d.Client, alliance, evmapi.Deploy, evmapi.DeployBody{Code: hexutil.Encode(code), Gas: 3_000_000, Name: label, ABI: string(art.ABI)})
		if err != nil {
			return common.Address{}, fmt.Errorf("evm demo: deploy %s: %w", name, err)
		}
		if res.Status != 1 {
			return common.Address{}, fmt.Errorf("evm demo: deploy %s: %s", name, res.Error)
		}
		return common.HexToAddress(res.ContractAddress), nil
	}
	call := func(to common.Address, name, method string, args ...any) error {
		data, err := contracts.MustGet(name).Parsed().Pack(method, args...)
		if err != nil {
			return err
		}
		res, _, err := client.Send(ctx, d.Client, alliance, evmapi.Call, evmapi.CallBody{To: to.Hex(), Data: hexutil.Encode(data), Gas: 300_000})
		if err == nil && res.Status != 1 {
			err = fmt.Errorf("%s", res.Error)
		}
		if err != nil {
			return fmt.Errorf("evm demo: %s.%s: %w", name, method, err)
		}
		return nil
	}
	addrOf := func(org string) (common.Address, error) {
		k, err := d.Admin(org)
		if err != nil {
			return common.Address{}, err
		}
		id, err := tx.ParseKeyID(k.ID())
		return common.Address(id), err
	}
	coop, err := addrOf("coop")
	if err != nil {
		return err
	}
	market, err := addrOf("market")
	if err != nil {
		return err
	}
	points, err := deploy("Token", "梨花联盟积分", "砀山梨花积分", "PEAR", big.NewInt(10_000_000))
	if err != nil {
		return err
	}
	if err := call(points, "Token", "transfer", coop, big.NewInt(120_000)); err != nil {
		return err
	}
	photos, err := deploy("Collectible", "梨花数字藏品", "砀山梨花摄影", "BLOSSOM")
	if err != nil {
		return err
	}
	photo := sha256.Sum256([]byte("demo orchard photograph 2026-04-02 No. 1"))
	if err := call(photos, "Collectible", "mint", market, big.NewInt(1), "https://example.org/blossom/1.json", photo); err != nil {
		return err
	}
	d.Logger.Info("evm demo: contracts deployed", "points", points.Hex(), "collectibles", photos.Hex())
	return nil
}
