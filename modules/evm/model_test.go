package evm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// TestRandomContractTransactions runs random blocks of contract
// transactions, Ethereum and envelope, valid and refused, on two
// independent applications, the second on disk and restarted half way.
// Every block must give both the same result codes, results and app
// hash; and after every block the token's balances must match a model of
// ERC-20 (a transfer succeeds exactly when the sender holds the amount;
// the balances add up to the supply), every committed contract
// transaction must have its receipt in the block index, and the
// collectibles must each have one owner.
func TestRandomContractTransactions(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { randomRun(t, seed, 40) })
	}
}

func randomRun(t *testing.T, seed uint64, blocks int) {
	r := rand.New(rand.NewPCG(seed, 3))
	dir := t.TempDir()
	a := newChain(t)
	b := newChainOnDisk(t, dir)
	if !bytes.Equal(a.Store.Root().Bytes(), b.Store.Root().Bytes()) {
		t.Fatal("the two chains start from different states")
	}
	const supply = 1_000_000
	token := both(t, a, b, func(c *chain) []byte { return c.deployTx("dev", "Token", "积分", "PTS", big1(supply)) })
	nft := both(t, a, b, func(c *chain) []byte { return c.deployTx("dev", "Collectible", "梨花", "PEAR") })
	gasC := both(t, a, b, func(c *chain) []byte { return c.deployTx("dev", "Gas") })

	holders := []string{"dev", "user"}
	balance := map[string]int64{"dev": supply}
	owner := map[int64]string{}
	for blk := 0; blk < blocks; blk++ {
		if blk == blocks/2 {
			b.Store.Close()
			b = reopen(t, dir, b)
		}
		type planned struct {
			raw   [][]byte // a's and b's bytes (SM2 envelopes aside, equal)
			check func(res evmapi.Result, code uint32)
		}
		var plan []planned
		n := 1 + r.IntN(6)
		sent := map[string]int{}
		for range n {
			from := holders[r.IntN(2)]
			to := holders[r.IntN(2)]
			var p planned
			sign := func(data []byte, gas uint64, dst common.Address) {
				k := a.eth[from]
				nonce := a.ethNonceLocal(from) + uint64(sent[from])
				sent[from]++
				p.raw = [][]byte{a.ethTxNonce(k, nonce, &dst, data, gas), b.ethTxNonce(b.eth[from], nonce, &dst, data, gas)}
			}
			switch k := r.IntN(6); k {
			case 0, 1, 2:
				amount := int64(r.IntN(3000))
				sign(pack("Token", "transfer", a.addr(to), big.NewInt(amount)), 100_000, token)
				want := balance[from] >= amount
				if want {
					balance[from] -= amount
					balance[to] += amount
				}
				p.check = func(res evmapi.Result, code uint32) {
					if code != 0 || (res.Status == 1) != want {
						t.Fatalf("block %d: transfer of %d from %s (holding before: %v): code %d status %d %s", blk, amount, from, want, code, res.Status, res.Error)
					}
				}
			case 3:
				id := int64(r.IntN(8))
				_, minted := owner[id]
				okMint := from == "dev" && !minted
				if okMint {
					owner[id] = to
				}
				sign(pack("Collectible", "mint", a.addr(to), big.NewInt(id), fmt.Sprintf("ipfs://pear/%d", id), [32]byte{byte(id)}), 300_000, nft)
				p.check = func(res evmapi.Result, code uint32) {
					if code != 0 || (res.Status == 1) != okMint {
						t.Fatalf("block %d: mint %d by %s: status %d, want success %v (%s)", blk, id, from, res.Status, okMint, res.Error)
					}
				}
			case 4:
				sign(pack("Gas", "nested", big.NewInt(int64(r.IntN(5))), big.NewInt(int64(r.IntN(9)))), 200_000, gasC)
				p.check = func(res evmapi.Result, code uint32) {
					if code != 0 || res.Status != 1 {
						t.Fatalf("block %d: nested: %d %s", blk, code, res.Error)
					}
				}
			case 5:
				// A transaction every node refuses in the block: a nonce
				// gap (a faulty proposer's), consuming nothing.
				k := a.eth[from]
				nonce := a.ethNonceLocal(from) + uint64(sent[from]) + 5
				p.raw = [][]byte{a.ethTxNonce(k, nonce, &token, nil, 50_000), b.ethTxNonce(b.eth[from], nonce, &token, nil, 50_000)}
				p.check = func(_ evmapi.Result, code uint32) {
					if code == 0 {
						t.Fatalf("block %d: a nonce gap was accepted", blk)
					}
				}
			}
			plan = append(plan, p)
		}
		var txa, txb [][]byte
		for _, p := range plan {
			txa, txb = append(txa, p.raw[0]), append(txb, p.raw[1])
		}
		ra, ha := a.Block(txa...)
		rb, hb := b.Block(txb...)
		if !bytes.Equal(ha, hb) {
			t.Fatalf("block %d: app hashes differ: %X / %X", blk, ha, hb)
		}
		for i := range ra {
			if ra[i].Code != rb[i].Code || !bytes.Equal(ra[i].Data, rb[i].Data) {
				t.Fatalf("block %d tx %d: %d %s / %d %s", blk, i, ra[i].Code, ra[i].Data, rb[i].Code, rb[i].Data)
			}
			var res evmapi.Result
			if ra[i].Code == 0 {
				if err := json.Unmarshal(ra[i].Data, &res); err != nil {
					t.Fatal(err)
				}
			}
			plan[i].check(res, ra[i].Code)
		}
		checkModel(t, a, token, nft, balance, owner, ra)
	}
}

func checkModel(t *testing.T, c *chain, token, nft common.Address, balance map[string]int64, owner map[int64]string, res []*abci.ExecTxResult) {
	t.Helper()
	var sum int64
	for _, h := range []string{"dev", "user"} {
		got := bigOf(c.view(token, "Token", "balanceOf", c.addr(h))[0]).Int64()
		if got != balance[h] {
			t.Fatalf("balance of %s: %d, model %d", h, got, balance[h])
		}
		sum += got
	}
	if supply := bigOf(c.view(token, "Token", "totalSupply")[0]).Int64(); sum != supply {
		t.Fatalf("balances add up to %d, supply %d", sum, supply)
	}
	for id, o := range owner {
		if got := c.view(nft, "Collectible", "ownerOf", big.NewInt(id))[0].(common.Address); got != c.addr(o) {
			t.Fatalf("token %d owned by %s, model %s", id, got, o)
		}
	}
	if total := bigOf(c.view(nft, "Collectible", "totalSupply")[0]).Int64(); total != int64(len(owner)) {
		t.Fatalf("collectibles %d, model %d", total, len(owner))
	}
	v := c.View()
	hashes, err := evm.BlockTxs(v, c.Height)
	if err != nil {
		t.Fatal(err)
	}
	committed := 0
	for _, r := range res {
		if r.Code == 0 {
			committed++
		}
	}
	if len(hashes) != committed {
		t.Fatalf("block %d: %d contract transactions indexed, %d committed", c.Height, len(hashes), committed)
	}
	for _, h := range hashes {
		if rc, err := evm.GetReceipt(v, h); err != nil || rc.Height != c.Height {
			t.Fatalf("receipt %s: %+v, %v", h, rc, err)
		}
	}
}

// both runs the same deployment on two chains and returns the address,
// which must be the same.
func both(t *testing.T, a, b *chain, raw func(*chain) []byte) common.Address {
	t.Helper()
	ra, rb := a.result(a.run(raw(a))), b.result(b.run(raw(b)))
	if ra.Status != 1 || ra.ContractAddress != rb.ContractAddress {
		t.Fatalf("deploy: %+v / %+v", ra, rb)
	}
	return common.HexToAddress(ra.ContractAddress)
}

func (c *chain) deployTx(org, name string, args ...any) []byte {
	code := mustDeployCode(c.t, name, args...)
	return c.ethTx(c.eth[org], nil, code, 5_000_000)
}

// ethNonceLocal is the org key's next Ethereum nonce in the committed
// state.
func (c *chain) ethNonceLocal(org string) uint64 { return c.ethNonce(c.eth[org]) }

func newChainOnDisk(t *testing.T, dir string) *chain {
	t.Helper()
	c := newChainDir(t, dir)
	return c
}

func reopen(t *testing.T, dir string, prev *chain) *chain {
	t.Helper()
	c := *prev
	c.Chain = testchain.Reopen(t, dir, prev.Chain)
	return &c
}

var _ = tx.AlgoSecp256k1
