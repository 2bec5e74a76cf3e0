package notary_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

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
	snaps, err := snapshot.Open(filepath.Join(t.TempDir(), "snapshots"), 2)
	if err != nil {
		t.Fatal(err)
	}
	src := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Snapshots: snaps, SnapshotInterval: 5})
	n := 0
	for range 5 {
		var txs [][]byte
		for _, org := range []string{"dep-a", "dep-b", "dep-a"} {
			n++
			txs = append(txs, src.Sign(admin(src, org), "notary", "deposit", depositOf(n)))
		}
		src.Block(txs...)
		src.App.WaitSnapshots()
	}
	want := localIndex(t, src.Store)
	if want == "" {
		t.Fatal("the source wrote no local index entries")
	}
	st, height := src.RestoreLatest(t)
	if height != src.Height {
		t.Fatalf("the latest snapshot is at %d, the chain at %d", height, src.Height)
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
