package node

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestRestart runs a single-validator node with the production timing
// (TunedConfig) and a kvstore persisted in the home, stops it, and starts
// it again: first with the same app database (the handshake finds the app
// at CometBFT's height), then with an empty in-memory app (the handshake
// replays every block into it, as after losing the app's state).
func TestRestart(t *testing.T) {
	h := initTestHome(t, "restart", false)
	if err := WriteGenesis(h.dir, testGenesis("restart-chain", h)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	app := kvstore.NewPersistentApplication(StateDir(h.dir))
	n, err := Start(ctx, h.dir, app, testLogger(), withTestKeys(t, h.dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Stop() })
	for i := range 3 {
		start := time.Now()
		res, err := n.Client().BroadcastTxCommit(ctx, []byte(fmt.Sprintf("k%d=v%d", i, i)))
		if err != nil {
			t.Fatal(err)
		}
		if res.CheckTx.Code != 0 || res.TxResult.Code != 0 {
			t.Fatalf("tx %d: check %d, exec %d", i, res.CheckTx.Code, res.TxResult.Code)
		}
		// create_empty_blocks_interval must not delay blocks with txs.
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("tx %d took %v to commit", i, d)
		}
	}
	// Every transaction committed: the mempool has its whole room.
	if room := n.MempoolRoom(); room != n.Comet().Config().Mempool.Size || room != 5000 {
		t.Errorf("mempool room %d with nothing pending, want its size 5000", room)
	}
	h1 := height(t, n)
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := n.Stop(); err != nil { // idempotent
		t.Fatal(err)
	}
	n.Wait()
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart with the persisted app.
	app = kvstore.NewPersistentApplication(StateDir(h.dir))
	n = startNode(t, h.dir, app)
	if got := height(t, n); got < h1 {
		t.Fatalf("height after restart %d < %d", got, h1)
	}
	info, err := n.Client().ABCIInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Response.LastBlockHeight < h1 {
		t.Errorf("app height %d < %d", info.Response.LastBlockHeight, h1)
	}
	for i := range 3 {
		if v, err := queryKV(n, fmt.Sprintf("k%d", i)); err != nil || v != fmt.Sprintf("v%d", i) {
			t.Errorf("k%d after restart = %q, %v", i, v, err)
		}
	}
	res, err := n.Client().BroadcastTxCommit(ctx, []byte("after=restart"))
	if err != nil || res.TxResult.Code != 0 {
		t.Fatalf("tx after restart: %v %+v", err, res)
	}
	if res.Height <= h1 {
		t.Errorf("tx after restart in block %d, want > %d", res.Height, h1)
	}
	h2 := height(t, n)
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}

	// After Stop the app is never called again.
	if _, err := n.app.Info(ctx, &abcitypes.InfoRequest{}); err != ErrStopped {
		t.Errorf("app call after Stop: %v, want ErrStopped", err)
	}

	// Restart with an empty app: CometBFT replays all blocks into it.
	n = startNode(t, h.dir, kvstore.NewInMemoryApplication())
	if got := height(t, n); got < h2 {
		t.Fatalf("height after replay %d < %d", got, h2)
	}
	for _, kv := range [][2]string{{"k0", "v0"}, {"k2", "v2"}, {"after", "restart"}} {
		if v, err := queryKV(n, kv[0]); err != nil || v != kv[1] {
			t.Errorf("%s after replay = %q, %v", kv[0], v, err)
		}
	}
}

// TestStartErrors checks that a failed start releases the home, so that a
// later start in the same process works.
func TestStartErrors(t *testing.T) {
	h := initTestHome(t, "errs", true)
	ctx := context.Background()
	if _, err := Start(ctx, h.dir, kvstore.NewInMemoryApplication(), nil, withTestKeys(t, h.dir)); err == nil {
		t.Fatal("Start without genesis: want error")
	}
	if err := WriteGenesis(h.dir, testGenesis("errs-chain", h)); err != nil {
		t.Fatal(err)
	}
	// Occupy the P2P port: NewNode succeeds, Start fails after opening the
	// databases and the RPC listener.
	busy := listenOn(t, h.ports.P2P)
	if _, err := Start(ctx, h.dir, kvstore.NewInMemoryApplication(), testLogger(), withTestKeys(t, h.dir)); err == nil {
		t.Fatal("Start with busy P2P port: want error")
	}
	busy.Close()
	n := startNode(t, h.dir, kvstore.NewInMemoryApplication())
	waitHeight(t, n, 2, 20*time.Second)

	// Stopping CometBFT directly also completes the node's stop.
	if err := n.Comet().Stop(); err != nil {
		t.Fatal(err)
	}
	n.Wait()
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestTwoNodesMetrics runs two single-validator chains in one process and
// checks that each node's registry holds its own consensus metrics.
func TestTwoNodesMetrics(t *testing.T) {
	a := initTestHome(t, "metrics-a", true)
	b := initTestHome(t, "metrics-b", true)
	for _, h := range []testHome{a, b} {
		if err := WriteGenesis(h.dir, testGenesis(filepath.Base(h.dir)+"-chain", h)); err != nil {
			t.Fatal(err)
		}
	}
	na := startNode(t, a.dir, kvstore.NewInMemoryApplication())
	waitHeight(t, na, 3, 20*time.Second)
	nb := startNode(t, b.dir, kvstore.NewInMemoryApplication())
	waitHeight(t, nb, 2, 20*time.Second)

	// Stop both so the gauges and heights are final.
	for _, n := range []*Node{na, nb} {
		if err := n.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []*Node{na, nb} {
		chainID := n.Comet().GenesisDoc().ChainID
		last := n.Comet().BlockStore().Height()
		series := gaugeSeries(t, n, "cometbft_consensus_height")
		if len(series) != 1 {
			t.Fatalf("%s: %d series of cometbft_consensus_height: %v", chainID, len(series), series)
		}
		got, ok := series[chainID]
		if !ok {
			t.Fatalf("%s: no series for own chain: %v", chainID, series)
		}
		// The gauge is the height being decided: one past the last block.
		if int64(got) != last+1 {
			t.Errorf("%s: cometbft_consensus_height %v, block store height %d", chainID, got, last)
		}
	}
	// Nothing leaked into the process-wide registry.
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "cometbft_") {
			t.Errorf("default registry has %s", mf.GetName())
		}
	}
}

// gaugeSeries returns the values of a gauge by chain_id label.
func gaugeSeries(t *testing.T, n *Node, name string) map[string]float64 {
	t.Helper()
	mfs, err := n.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			out[label(m, "chain_id")] = m.GetGauge().GetValue()
		}
	}
	return out
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// TestFourValidators runs a 4-validator chain in one process, sends
// transactions to different nodes and waits until all nodes agree on the
// blocks and the app state.
func TestFourValidators(t *testing.T) {
	const nVals = 4
	homes := make([]testHome, nVals)
	var peers []string
	for i := range homes {
		homes[i] = initTestHome(t, fmt.Sprintf("val%d", i), true)
		peers = append(peers, PeerAddress(homes[i].keys.NodeID, "127.0.0.1", homes[i].ports.P2P))
	}
	doc := testGenesis("four-chain", homes...)
	for _, h := range homes {
		if err := WriteGenesis(h.dir, doc); err != nil {
			t.Fatal(err)
		}
		if err := SetPeers(h.dir, peers); err != nil {
			t.Fatal(err)
		}
	}
	nodes := make([]*Node, nVals)
	for i, h := range homes {
		nodes[i] = startNode(t, h.dir, kvstore.NewInMemoryApplication())
	}
	ctx := context.Background()

	// Until block sync hands over to consensus, broadcasts are refused.
	for i, n := range nodes {
		waitFor(t, 30*time.Second, fmt.Sprintf("node %d in consensus", i), func() (bool, error) {
			st, err := n.Client().Status(ctx)
			if err != nil {
				return false, err
			}
			return !st.SyncInfo.CatchingUp && st.SyncInfo.LatestBlockHeight >= 1, nil
		})
	}
	want := map[string]string{}
	for i, n := range nodes {
		for j := range 2 {
			k, v := fmt.Sprintf("key%d_%d", i, j), fmt.Sprintf("val%d_%d", i, j)
			want[k] = v
			res, err := n.Client().BroadcastTxSync(ctx, []byte(k+"="+v))
			if err != nil || res.Code != 0 {
				t.Fatalf("broadcast to node %d: %v %+v", i, err, res)
			}
		}
	}
	waitFor(t, 30*time.Second, "all txs on all nodes", func() (bool, error) {
		for _, n := range nodes {
			for k, v := range want {
				got, err := queryKV(n, k)
				if err != nil || got != v {
					return false, err
				}
			}
		}
		return true, nil
	})

	// All nodes hold the same block, commit and app hash at a common height
	// past the txs.
	var common int64
	waitFor(t, 20*time.Second, "common height", func() (bool, error) {
		common = 1 << 62
		for _, n := range nodes {
			st, err := n.Client().Status(ctx)
			if err != nil {
				return false, err
			}
			common = min(common, st.SyncInfo.LatestBlockHeight)
		}
		return common >= 3, nil
	})
	var refBlock, refApp, refCommit []byte
	for i, n := range nodes {
		blk, err := n.Client().Block(ctx, &common)
		if err != nil {
			t.Fatalf("node %d Block(%d): %v", i, common, err)
		}
		com, err := n.Client().Commit(ctx, &common)
		if err != nil {
			t.Fatalf("node %d Commit(%d): %v", i, common, err)
		}
		if !bytes.Equal(com.SignedHeader.Header.Hash(), blk.BlockID.Hash) {
			t.Errorf("node %d: commit header and block differ at %d", i, common)
		}
		if i == 0 {
			refBlock, refApp, refCommit = blk.BlockID.Hash, blk.Block.AppHash, com.SignedHeader.Commit.BlockID.Hash
			continue
		}
		if !bytes.Equal(blk.BlockID.Hash, refBlock) || !bytes.Equal(blk.Block.AppHash, refApp) ||
			!bytes.Equal(com.SignedHeader.Commit.BlockID.Hash, refCommit) {
			t.Errorf("node %d differs at height %d: block %X app %X, node 0: block %X app %X",
				i, common, blk.BlockID.Hash, blk.Block.AppHash, refBlock, refApp)
		}
	}
	vals, err := nodes[0].Client().Validators(ctx, &common, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if vals.Total != nVals {
		t.Errorf("validators: %d", vals.Total)
	}
}
