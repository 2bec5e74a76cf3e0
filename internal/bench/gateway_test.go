package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/tx"
)

// TestSendGateway sends a lane's batch through a real node's batch
// endpoint: every transaction is accepted at its index; a batch with a
// refused transaction marks it rejected, and the lane stops.
func TestSendGateway(t *testing.T) {
	d, home := nodetest.Dev(t)
	signer := nodetest.NewSigners(t, d, home, tx.AlgoEd25519, []string{"logistics"})[0]
	deposit := func(i int) []byte {
		data := []byte(fmt.Sprintf("lane file %d", i))
		a, b := sha256.Sum256(data), sm3.Sum(data)
		return signer.Sign(t, d.ChainID, "notary", "deposit", map[string]any{"sha256": hex.EncodeToString(a[:]), "sm3": hex.EncodeToString(b[:]),
			"file_name": "f.pdf", "size": 1, "media_type": "application/pdf", "evidence_type": "contract"})
	}
	net := &workload.Network{Nodes: []*workload.Node{{Gateway: d.GatewayURL}}}
	net.Connect(2)

	run := func(raws [][]byte) (*tracker, bool) {
		s := &staged{raws: raws, gateway: true}
		var batch []int32
		for i := range raws {
			s.node = append(s.node, 0)
			batch = append(batch, int32(i))
		}
		tr := newTracker(raws, nil)
		return tr, sendGateway(context.Background(), net, tr, s, batch, make(chan struct{}))
	}

	var raws [][]byte
	for i := range 40 {
		raws = append(raws, deposit(i))
	}
	tr, ok := run(raws)
	if !ok || tr.accepted.Load() != 40 {
		t.Fatalf("sendGateway = %v with %d accepted, want all 40", ok, tr.accepted.Load())
	}

	raws = [][]byte{deposit(100), []byte("garbage"), deposit(101)}
	tr, ok = run(raws)
	want := []int32{txAccepted, txRejected, txAccepted}
	if ok {
		t.Fatal("a batch with a refused transaction: lane not stopped")
	}
	for i, w := range want {
		if got := tr.recs[i].state.Load(); got != w {
			t.Errorf("tx %d: state %d, want %d", i, got, w)
		}
	}
}
