// Package benchtest runs a module's benchmark workload without a network,
// for the workload's own tests: an in-process chain of the demo
// consortium (testchain, no consensus) through which the workload's
// transactions pass CheckTx and then a block, handed back as the block
// poller hands blocks to an observing workload.
package benchtest

import (
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/workload"
)

// DemoChain is an in-process chain of the demo consortium, as the bench
// networks have it, running the module m alone: the demo organisations
// hold their common roles and the roles m gives them.
func DemoChain(t testing.TB, m plug.Module) *testchain.Chain {
	t.Helper()
	reg := plug.NewRegistry(m)
	var orgs []testchain.Org
	for i, o := range devnet.Demo {
		orgs = append(orgs, testchain.Org{ID: o.ID, Roles: o.WithRoles(reg).Roles, Validator: i == 0})
	}
	return testchain.New(t, testchain.Options{Modules: []module.Module{m.Core}, Roles: reg.Roles(), Orgs: orgs, Time: time.Now().UTC().Truncate(time.Second)})
}

// DemoRoles returns the roles of a demo organisation with module m.
func DemoRoles(m plug.Module, org string) []role.Role {
	for _, o := range devnet.Demo {
		if o.ID == org {
			return o.WithRoles(plug.NewRegistry(m)).Roles
		}
	}
	return nil
}

// RunBlock passes txs through CheckTx, as a node admits them into its
// mempool one after the other, then executes them in one block; each must
// succeed. It returns the block as the poller hands it to an Observer.
func RunBlock(t testing.TB, c *testchain.Chain, txs [][]byte) *workload.Block {
	t.Helper()
	for i, raw := range txs {
		if r := c.Check(raw); r.Code != 0 {
			t.Fatalf("CheckTx of tx %d of block %d: code %d: %s", i, c.Height+1, r.Code, r.Log)
		}
	}
	res := testchain.MustBlock(t, c, txs...)
	return AsBlock(t, c.Height, txs, res)
}

// AsBlock turns a block's results into the poller's form.
func AsBlock(t testing.TB, height int64, txs [][]byte, res []*abci.ExecTxResult) *workload.Block {
	t.Helper()
	b := &workload.Block{Height: height, Txs: txs, Seen: time.Now()}
	for i, r := range res {
		if r.Code != 0 {
			t.Fatalf("block %d tx %d: code %d: %s", height, i, r.Code, r.Log)
		}
		data, err := json.Marshal(r.Events)
		if err != nil {
			t.Fatal(err)
		}
		tr := workload.TxResult{Code: r.Code, Log: r.Log}
		if err := json.Unmarshal(data, &tr.Events); err != nil {
			t.Fatal(err)
		}
		b.Results = append(b.Results, tr)
	}
	return b
}
