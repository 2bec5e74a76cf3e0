package node

import (
	"context"
	"sync/atomic"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"
)

// preCheckApp counts pre-checks and checks.
type preCheckApp struct {
	abcitypes.BaseApplication
	pre, checks atomic.Int32
}

func (a *preCheckApp) PreCheckTx([]byte) { a.pre.Add(1) }

func (a *preCheckApp) CheckTx(context.Context, *abcitypes.CheckTxRequest) (*abcitypes.CheckTxResponse, error) {
	a.checks.Add(1)
	return &abcitypes.CheckTxResponse{}, nil
}

// TestPreCheckClient: the mempool connection pre-checks new transactions,
// not rechecks, and nothing once the node is stopped; the other
// connections never pre-check.
func TestPreCheckClient(t *testing.T) {
	app := &preCheckApp{}
	gated := &gatedApp{app: app}
	cc := clientCreator(app, gated)
	mempool, err := cc.NewABCIMempoolClient()
	if err != nil {
		t.Fatal(err)
	}
	consensus, err := cc.NewABCIConsensusClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, typ := range []abcitypes.CheckTxType{abcitypes.CHECK_TX_TYPE_CHECK, abcitypes.CHECK_TX_TYPE_RECHECK} {
		req := &abcitypes.CheckTxRequest{Tx: []byte("tx"), Type: typ}
		if _, err := mempool.CheckTxAsync(ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := mempool.CheckTx(ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := consensus.CheckTx(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if app.pre.Load() != 2 || app.checks.Load() != 6 {
		t.Errorf("%d pre-checks for %d checks, want 2 for 6 (new transactions on the mempool connection only)", app.pre.Load(), app.checks.Load())
	}
	gated.close()
	req := &abcitypes.CheckTxRequest{Tx: []byte("tx"), Type: abcitypes.CHECK_TX_TYPE_CHECK}
	if _, err := mempool.CheckTx(ctx, req); err != ErrStopped {
		t.Errorf("check after stop: %v, want ErrStopped", err)
	}
	if app.pre.Load() != 2 {
		t.Errorf("pre-check after stop")
	}
}
