package trace_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

// eventIndex returns a store's committed event index entries recorded up
// to height, as lines.
func eventIndex(t *testing.T, st *state.Store, height int64) []string {
	t.Helper()
	var out []string
	cut := fmt.Sprintf("%016x", height+1)
	if err := st.IterateLocalRange([]byte("trace/"), nil, func(k, v []byte) bool {
		if _, pos, _ := strings.Cut(string(k), "#"); pos < cut {
			out = append(out, string(k)+"="+string(v))
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStateSyncReindex restores a chain of rule set 2 from a snapshot on
// a new node, as CometBFT's state sync does. The story packs, moves and
// unpacks containers, whose events touch items they do not name; the new
// node rebuilds the event index of the blocks before the snapshot from
// the ids each event record keeps (ADR 0028), so every journey it shows
// is the one the node it synced from shows at that height.
func TestStateSyncReindex(t *testing.T) {
	snaps, err := snapshot.Open(filepath.Join(t.TempDir(), "snapshots"), 2)
	if err != nil {
		t.Fatal(err)
	}
	src := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: genesis, Snapshots: snaps, SnapshotInterval: 4})
	setup(t, src)
	story(t, src)
	// A snapshot due while the previous one is still being written is
	// skipped (a loaded machine); with none being written, the next one
	// due is taken, after the whole story.
	src.App.WaitSnapshots()
	for src.Block(); src.Height%4 != 0; src.Block() {
	}
	src.App.WaitSnapshots()
	st, height := src.RestoreLatest(t)
	if height != src.Height {
		t.Fatalf("the latest snapshot is at %d, the chain at %d", height, src.Height)
	}
	want := eventIndex(t, src.Store, height)
	if len(want) == 0 {
		t.Fatal("the source wrote no event index entries")
	}
	if got := eventIndex(t, st, height); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("restored node's event index at %d:\n%s\nthe source's:\n%s", height, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	sv, err := src.Store.At(height)
	if err != nil {
		t.Fatal(err)
	}
	dv, err := st.At(0)
	if err != nil {
		t.Fatal(err)
	}
	journeys := 0
	for _, epc := range []string{pear(1), pear(2), pear(3), pear(4), sscc(1), sscc(2), juice(1), juice(10)} {
		a, aerr := trace.Journey(sv, epc)
		b, berr := trace.Journey(dv, epc)
		if fmt.Sprint(a, aerr) != fmt.Sprint(b, berr) {
			t.Fatalf("journey of %s at %d: the source shows %v (%v), the restored node %v (%v)", epc, height, a, aerr, b, berr)
		}
		if aerr == nil && len(a) > 0 {
			journeys++
		}
	}
	if journeys < 4 {
		t.Fatalf("only %d journeys to compare at height %d", journeys, height)
	}
}

// TestTraceGenesis: a new chain takes rule set 3; a genesis may ask for
// 1, 2 or 3, and any other section is refused and writes nothing.
func TestTraceGenesis(t *testing.T) {
	testchain.CheckGenesis(t, trace.Module{}, "trace/rules", map[string]string{
		`null`: "3", `{}`: "3", `{"rules":3}`: "3", `{"rules":2}`: "2", `{"rules":1}`: "",
		`{"rules":4}`: "error", `{"rules":-1}`: "error", `{"rule":2}`: "error", `[]`: "error",
	})
}
