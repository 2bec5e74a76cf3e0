package bench

import (
	"bytes"
	"context"
	"testing"

	"github.com/dengta-chain/dengta/internal/workload"
)

func TestKVWorkload(t *testing.T) {
	w := &kvWorkload{name: "w1", size: 463, lanes: 8, records: 1}
	net := &workload.Network{Nodes: make([]*workload.Node, 4)}
	if err := w.Setup(context.Background(), net); err != nil {
		t.Fatal(err)
	}
	if err := w.Prepare(context.Background(), net, 100); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	lanesOf := map[int]int{}
	for i := range 100 {
		tx := w.Next(i)
		if len(tx.Raw) != 463 || bytes.Count(tx.Raw, []byte("=")) != 1 || bytes.ContainsAny(tx.Raw, ":") {
			t.Fatalf("tx %d is not a %d-byte key=value: %q", i, 463, tx.Raw)
		}
		key, _, _ := bytes.Cut(tx.Raw, []byte("="))
		if seen[string(key)] {
			t.Fatalf("key %s twice", key)
		}
		seen[string(key)] = true
		if tx.Node != tx.Lane%4 || tx.Lane != i%8 {
			t.Fatalf("tx %d on lane %d node %d", i, tx.Lane, tx.Node)
		}
		lanesOf[tx.Lane]++
	}
	if len(lanesOf) != 8 {
		t.Fatalf("lanes used: %v", lanesOf)
	}
	// The next step's keys are new, and the first step's become readable.
	w.Prepare(context.Background(), net, 10)
	k, _, _ := bytes.Cut(w.Next(0).Raw, []byte("="))
	if seen[string(k)] || len(w.keys) != 100 {
		t.Fatalf("second step reuses keys or the first step's keys are not readable (%d)", len(w.keys))
	}
}
