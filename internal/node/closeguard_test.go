package node

import (
	"testing"

	dbm "github.com/cometbft/cometbft-db"
)

// TestCloseGuard: reads of a closed pebble store answer absent instead of
// panicking (CometBFT's reactors may read as the node stops), and a second
// Close does nothing.
func TestCloseGuard(t *testing.T) {
	pdb, err := dbm.NewPebbleDB("guarded", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	g := &closeGuard{DB: pdb}
	if err := g.Set([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := g.Get([]byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("get before close: %q %v", v, err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if v, err := g.Get([]byte("k")); v != nil || err != nil {
		t.Fatalf("get after close: %q %v", v, err)
	}
	if ok, err := g.Has([]byte("k")); ok || err != nil {
		t.Fatalf("has after close: %v %v", ok, err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}
