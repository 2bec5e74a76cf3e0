package node

import (
	"context"
	"errors"
	"sync"

	abcitypes "github.com/cometbft/cometbft/abci/types"
)

// ErrStopped is returned to CometBFT for ABCI calls made after the node was
// stopped.
var ErrStopped = errors.New("node stopped")

// gatedApp passes ABCI calls to the application until closed, then
// refuses them. CometBFT's Stop does not wait for every goroutine that may
// call the app (e.g. the asynchronous mempool recheck after a block, or an
// RPC query in flight); the gate lets Node.Stop promise that the app is
// never called again once it returns, so the caller may close the app's
// database. close waits for calls in flight.
type gatedApp struct {
	mu     sync.RWMutex
	closed bool
	app    abcitypes.Application
}

var _ abcitypes.Application = (*gatedApp)(nil)

func (g *gatedApp) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// call runs f under the gate. Calls on different ABCI connections may run
// at once; they share the read lock, and only close takes the write lock.
func call[Req, Resp any](g *gatedApp, ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		var zero Resp
		return zero, ErrStopped
	}
	return f(ctx, req)
}

func (g *gatedApp) Info(ctx context.Context, req *abcitypes.InfoRequest) (*abcitypes.InfoResponse, error) {
	return call(g, ctx, req, g.app.Info)
}

func (g *gatedApp) Query(ctx context.Context, req *abcitypes.QueryRequest) (*abcitypes.QueryResponse, error) {
	return call(g, ctx, req, g.app.Query)
}

func (g *gatedApp) CheckTx(ctx context.Context, req *abcitypes.CheckTxRequest) (*abcitypes.CheckTxResponse, error) {
	return call(g, ctx, req, g.app.CheckTx)
}

func (g *gatedApp) InitChain(ctx context.Context, req *abcitypes.InitChainRequest) (*abcitypes.InitChainResponse, error) {
	return call(g, ctx, req, g.app.InitChain)
}

func (g *gatedApp) PrepareProposal(ctx context.Context, req *abcitypes.PrepareProposalRequest) (*abcitypes.PrepareProposalResponse, error) {
	return call(g, ctx, req, g.app.PrepareProposal)
}

func (g *gatedApp) ProcessProposal(ctx context.Context, req *abcitypes.ProcessProposalRequest) (*abcitypes.ProcessProposalResponse, error) {
	return call(g, ctx, req, g.app.ProcessProposal)
}

func (g *gatedApp) FinalizeBlock(ctx context.Context, req *abcitypes.FinalizeBlockRequest) (*abcitypes.FinalizeBlockResponse, error) {
	return call(g, ctx, req, g.app.FinalizeBlock)
}

func (g *gatedApp) ExtendVote(ctx context.Context, req *abcitypes.ExtendVoteRequest) (*abcitypes.ExtendVoteResponse, error) {
	return call(g, ctx, req, g.app.ExtendVote)
}

func (g *gatedApp) VerifyVoteExtension(ctx context.Context, req *abcitypes.VerifyVoteExtensionRequest) (*abcitypes.VerifyVoteExtensionResponse, error) {
	return call(g, ctx, req, g.app.VerifyVoteExtension)
}

func (g *gatedApp) Commit(ctx context.Context, req *abcitypes.CommitRequest) (*abcitypes.CommitResponse, error) {
	return call(g, ctx, req, g.app.Commit)
}

func (g *gatedApp) ListSnapshots(ctx context.Context, req *abcitypes.ListSnapshotsRequest) (*abcitypes.ListSnapshotsResponse, error) {
	return call(g, ctx, req, g.app.ListSnapshots)
}

func (g *gatedApp) OfferSnapshot(ctx context.Context, req *abcitypes.OfferSnapshotRequest) (*abcitypes.OfferSnapshotResponse, error) {
	return call(g, ctx, req, g.app.OfferSnapshot)
}

func (g *gatedApp) LoadSnapshotChunk(ctx context.Context, req *abcitypes.LoadSnapshotChunkRequest) (*abcitypes.LoadSnapshotChunkResponse, error) {
	return call(g, ctx, req, g.app.LoadSnapshotChunk)
}

func (g *gatedApp) ApplySnapshotChunk(ctx context.Context, req *abcitypes.ApplySnapshotChunkRequest) (*abcitypes.ApplySnapshotChunkResponse, error) {
	return call(g, ctx, req, g.app.ApplySnapshotChunk)
}
