package bench

import (
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
)

// demoChain is an in-process chain (no consensus) of the demo consortium
// the bench networks have, for running the workloads' bodies through the
// real handlers.
func demoChain(t *testing.T) *testchain.Chain {
	t.Helper()
	var orgs []testchain.Org
	for i, o := range devnet.Demo {
		orgs = append(orgs, testchain.Org{ID: o.ID, Roles: o.Roles, Validator: i == 0})
	}
	return testchain.New(t, testchain.Options{Orgs: orgs, Time: time.Now().UTC().Truncate(time.Second)})
}

func demoRoles(org string) []role.Role {
	for _, o := range devnet.Demo {
		if o.ID == org {
			return o.Roles
		}
	}
	return nil
}

// laneSigners is a signer set of the given organisations for planning
// only (no keys: the tests sign with the organisations' admin keys).
func laneSigners(orgs ...string) *signerSet {
	return &signerSet{orgs: orgs, keys: make([]*tx.PrivateKey, len(orgs)), node: make([]int, len(orgs)), next: make([]uint64, len(orgs))}
}

// runBlock passes txs through CheckTx, as a node admits them into its
// mempool one after the other, then executes them in one block; each must
// succeed. It returns the block as the poller hands it to an Observer.
func runBlock(t *testing.T, c *testchain.Chain, txs [][]byte) *Block {
	t.Helper()
	for i, raw := range txs {
		if r := c.Check(raw); r.Code != 0 {
			t.Fatalf("CheckTx of tx %d of block %d: code %d: %s", i, c.Height+1, r.Code, r.Log)
		}
	}
	res := testchain.MustBlock(t, c, txs...)
	return asBlock(t, c.Height, txs, res)
}

func asBlock(t *testing.T, height int64, txs [][]byte, res []*abci.ExecTxResult) *Block {
	t.Helper()
	b := &Block{Height: height, Txs: txs, Seen: time.Now()}
	for i, r := range res {
		if r.Code != 0 {
			t.Fatalf("block %d tx %d: code %d: %s", height, i, r.Code, r.Log)
		}
		data, err := json.Marshal(r.Events)
		if err != nil {
			t.Fatal(err)
		}
		tr := TxResult{Code: r.Code, Log: r.Log}
		if err := json.Unmarshal(data, &tr.Events); err != nil {
			t.Fatal(err)
		}
		b.Results = append(b.Results, tr)
	}
	return b
}
