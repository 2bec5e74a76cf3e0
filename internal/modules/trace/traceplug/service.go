package traceplug

import (
	"context"
	"sync"

	"github.com/dengta-chain/dengta/internal/modules/trace/scanbatch"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/tx"
)

// node is the module's state in one running node: the scan batcher its
// API and scan page hand public scans to.
type node struct {
	mu sync.Mutex
	b  *scanbatch.Batcher
}

func (n *node) batcher() *scanbatch.Batcher {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b
}

// services starts the scan batcher, which signs the public scans with the
// node operator's key; a node without one records no scans.
func (n *node) services(nd *plug.Node) ([]plug.Service, error) {
	if nd.OperatorKey == nil {
		return nil, nil
	}
	b, err := scanbatch.New(scanbatch.Options{
		ChainID:   nd.ChainID,
		Key:       nd.OperatorKey,
		NextNonce: nd.NextNonce,
		Submit:    nd.Broadcast,
		Wait:      func(ctx context.Context, raw []byte) { nd.WaitTx(ctx, tx.Hash(raw)) },
		Logger:    nd.Logger.With("module", "scans"),
	})
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.b = b
	n.mu.Unlock()
	return []plug.Service{plug.ServiceFunc(b.Run)}, nil
}
