package notary_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// localIndex returns a store's committed local index entries of the
// notary module, as "key=value" lines.
func localIndex(t *testing.T, st *state.Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := st.IterateLocalRange([]byte("notary/"), nil, func(k, v []byte) bool {
		fmt.Fprintf(&b, "%x=%s\n", k, v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestStateSyncReindex restores a layout-3 chain's state from a snapshot
// on a new node, as CometBFT's state sync does: the new node rebuilds the
// local index of the blocks before the snapshot (ADR 0028), so it lists
// every organisation's evidence and finds evidence by SM3 as the node it
// synced from does.
func TestStateSyncReindex(t *testing.T) {
	ctx := context.Background()
	snaps, err := snapshot.Open(filepath.Join(t.TempDir(), "snapshots"), 2)
	if err != nil {
		t.Fatal(err)
	}
	src := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Snapshots: snaps, SnapshotInterval: 5})
	n := 0
	deposits := func() [][]byte {
		var txs [][]byte
		for _, org := range []string{"dep-a", "dep-b", "dep-a"} {
			n++
			txs = append(txs, src.Sign(admin(src, org), "notary", "deposit", depositOf(n)))
		}
		return txs
	}
	for range 5 {
		src.Block(deposits()...)
		src.App.WaitSnapshots()
	}
	list, err := src.App.ListSnapshots(ctx, &abci.ListSnapshotsRequest{})
	if err != nil || len(list.Snapshots) == 0 {
		t.Fatalf("snapshots: %+v, %v", list, err)
	}
	sn := list.Snapshots[0]
	root := src.View().Root()
	want := localIndex(t, src.Store)
	if want == "" {
		t.Fatal("the source wrote no local index entries")
	}

	st, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dst, err := app.New(app.Options{ChainID: testchain.ChainID, Store: st, Modules: own, Roles: ownRoles})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := dst.OfferSnapshot(ctx, &abci.OfferSnapshotRequest{Snapshot: sn, AppHash: root[:]}); err != nil || res.Result != abci.OFFER_SNAPSHOT_RESULT_ACCEPT {
		t.Fatalf("offer: %+v, %v", res, err)
	}
	for i := range sn.Chunks {
		c, err := src.App.LoadSnapshotChunk(ctx, &abci.LoadSnapshotChunkRequest{Height: sn.Height, Format: sn.Format, Chunk: i})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := dst.ApplySnapshotChunk(ctx, &abci.ApplySnapshotChunkRequest{Index: i, Chunk: c.Chunk, Sender: "peer"}); err != nil || res.Result != abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT {
			t.Fatalf("chunk %d: %+v, %v", i, res, err)
		}
	}
	if got := localIndex(t, st); got != want {
		t.Fatalf("restored node's local index:\n%s\nthe source's:\n%s", got, want)
	}
	dv, err := st.At(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, org := range []string{"dep-a", "dep-b"} {
		a, _, err := notary.ByDepositor(src.View(), org, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := notary.ByDepositor(dv, org, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("%s's list: source %d records, restored node %d", org, len(a), len(b))
		}
		for _, e := range a {
			found, err := notary.FindEvidence(dv, e.SM3)
			if err != nil || len(found) != 1 || found[0].ID != e.ID {
				t.Fatalf("restored node finds %v by the SM3 of %s (%v)", found, e.ID, err)
			}
		}
	}
}
