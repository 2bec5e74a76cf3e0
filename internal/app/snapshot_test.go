package app_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// TestStateSync drives CometBFT's snapshot calls between two applications:
// one takes snapshots as it commits blocks, a new one restores the latest
// through OfferSnapshot and ApplySnapshotChunk (with a chunk altered on the
// way, and a snapshot offered against another app hash), reports the
// restored height and app hash in Info, and then executes the next blocks
// to the same app hashes as the first.
func TestStateSync(t *testing.T) {
	ctx := context.Background()
	snaps, err := snapshot.Open(filepath.Join(t.TempDir(), "snapshots"), 2)
	if err != nil {
		t.Fatal(err)
	}
	src := testchain.New(t, testchain.Options{Orgs: []testchain.Org{{ID: "org-a", Roles: []role.Role{role.Regulator}, Validator: true}},
		Snapshots: snaps, SnapshotInterval: 5})
	admin := src.Members["org-a"].Admin
	register := func(i int) []byte {
		k := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(uint64(i)))
		return src.Sign(admin, identity.Name, "register_key", map[string]any{"public_key": k.Public(), "name": fmt.Sprintf("clerk %d", i)})
	}
	roots := map[int64][]byte{}
	for h := 1; h <= 10; h++ {
		_, root := src.Block(register(2*h), register(2*h+1))
		roots[int64(h)] = root
		// A snapshot due while the previous one is still being written is
		// skipped; wait so that both are taken.
		src.App.WaitSnapshots()
	}
	list, err := src.App.ListSnapshots(ctx, &abci.ListSnapshotsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Snapshots) != 2 || list.Snapshots[0].Height != 10 || list.Snapshots[1].Height != 5 {
		t.Fatalf("snapshots: %+v", list.Snapshots)
	}
	sn := list.Snapshots[0]
	// The blocks after the snapshot, which the new node will execute.
	var later [][][]byte
	var laterRoots [][]byte
	for h := 11; h <= 13; h++ {
		txs := [][]byte{register(2 * h)}
		_, root := src.Block(txs...)
		later = append(later, txs)
		laterRoots = append(laterRoots, root)
	}

	st, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dst, err := app.New(app.Options{ChainID: testchain.ChainID, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	offer := func(trusted []byte) abci.OfferSnapshotResult {
		res, err := dst.OfferSnapshot(ctx, &abci.OfferSnapshotRequest{Snapshot: sn, AppHash: trusted})
		if err != nil {
			t.Fatal(err)
		}
		return res.Result
	}
	// A snapshot whose app hash is not the one the light client trusts.
	other := bytes.Clone(roots[10])
	other[0] ^= 1
	if r := offer(other); r != abci.OFFER_SNAPSHOT_RESULT_REJECT {
		t.Fatalf("offer against another app hash: %v", r)
	}
	if r := offer(roots[10]); r != abci.OFFER_SNAPSHOT_RESULT_ACCEPT {
		t.Fatalf("offer: %v", r)
	}
	for i := range sn.Chunks {
		c, err := src.App.LoadSnapshotChunk(ctx, &abci.LoadSnapshotChunkRequest{Height: sn.Height, Format: sn.Format, Chunk: i})
		if err != nil || len(c.Chunk) == 0 {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if i == 0 {
			bad := bytes.Clone(c.Chunk)
			bad[len(bad)-1] ^= 0xff
			res, err := dst.ApplySnapshotChunk(ctx, &abci.ApplySnapshotChunkRequest{Index: i, Chunk: bad, Sender: "liar"})
			if err != nil || res.Result != abci.APPLY_SNAPSHOT_CHUNK_RESULT_RETRY || len(res.RejectSenders) != 1 || res.RejectSenders[0] != "liar" {
				t.Fatalf("altered chunk: %+v, %v", res, err)
			}
		}
		res, err := dst.ApplySnapshotChunk(ctx, &abci.ApplySnapshotChunkRequest{Index: i, Chunk: c.Chunk, Sender: "peer"})
		if err != nil || res.Result != abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT {
			t.Fatalf("chunk %d: %+v, %v", i, res, err)
		}
	}
	info, err := dst.Info(ctx, &abci.InfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.LastBlockHeight != 10 || !bytes.Equal(info.LastBlockAppHash, roots[10]) || info.AppVersion != 1 {
		t.Fatalf("info after the restore: %+v", info)
	}
	// A second offer finds state and refuses.
	if r := offer(roots[10]); r != abci.OFFER_SNAPSHOT_RESULT_ABORT {
		t.Fatalf("offer to a restored node: %v", r)
	}
	tm := src.Time.Add(-3 * time.Second)
	for i, txs := range later {
		tm = tm.Add(time.Second)
		res, err := dst.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Txs: txs, Height: int64(11 + i), Time: tm})
		if err != nil {
			t.Fatal(err)
		}
		if res.TxResults[0].Code != 0 || !bytes.Equal(res.AppHash, laterRoots[i]) {
			t.Fatalf("block %d on the restored node: code %d, app hash %X, want %X", 11+i, res.TxResults[0].Code, res.AppHash, laterRoots[i])
		}
		if _, err := dst.Commit(ctx, &abci.CommitRequest{}); err != nil {
			t.Fatal(err)
		}
	}
}
