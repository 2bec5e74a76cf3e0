package node

import (
	"context"

	abcicli "github.com/cometbft/cometbft/abci/client"
	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/proxy"
)

// PreChecker is implemented by applications that do part of a new
// transaction's check before CheckTx, on the goroutine that brings the
// transaction (an RPC request, a peer's gossip) and outside the mempool
// connection's mutex, under which CometBFT's local client runs CheckTx
// calls one at a time. Done for transactions arriving together, that work
// spreads over the cores.
type PreChecker interface {
	// PreCheckTx prepares for CheckTx of tx (for example by verifying its
	// signature into a cache). It must not change what CheckTx answers,
	// and must be safe for concurrent use with itself and every ABCI
	// method.
	PreCheckTx(tx []byte)
}

// preCheckTx runs the application's PreCheckTx under the gate.
func (g *gatedApp) preCheckTx(tx []byte) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if p, ok := g.app.(PreChecker); ok && !g.closed {
		p.PreCheckTx(tx)
	}
}

// preCheckCreator gives the mempool connection a client that pre-checks new
// transactions; the other connections are inner's.
type preCheckCreator struct {
	proxy.ClientCreator
	app *gatedApp
}

func (c preCheckCreator) NewABCIMempoolClient() (abcicli.Client, error) {
	inner, err := c.ClientCreator.NewABCIMempoolClient()
	if err != nil {
		return nil, err
	}
	return preCheckClient{Client: inner, app: c.app}, nil
}

// preCheckClient calls PreCheckTx before passing a first check (not a
// recheck after a block: its transactions were pre-checked on arrival) to
// the inner client.
type preCheckClient struct {
	abcicli.Client
	app *gatedApp
}

func (c preCheckClient) CheckTxAsync(ctx context.Context, req *abcitypes.CheckTxRequest) (*abcicli.ReqRes, error) {
	if req.Type == abcitypes.CHECK_TX_TYPE_CHECK {
		c.app.preCheckTx(req.Tx)
	}
	return c.Client.CheckTxAsync(ctx, req)
}

func (c preCheckClient) CheckTx(ctx context.Context, req *abcitypes.CheckTxRequest) (*abcitypes.CheckTxResponse, error) {
	if req.Type == abcitypes.CHECK_TX_TYPE_CHECK {
		c.app.preCheckTx(req.Tx)
	}
	return c.Client.CheckTx(ctx, req)
}
