package bench

import (
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/workload"
)

// TestByKind checks the step's breakdown by kind of transaction.
func TestByKind(t *testing.T) {
	txs := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d")}
	tr := newTracker(txs, []int32{1, 1, 1, 1})
	tr.kind, tr.kinds = []uint8{0, 1, 1, 0}, []string{"w2", "w1"}
	t0 := time.Unix(100, 0)
	for i := range txs {
		tr.recs[i].released.Store(t0.UnixNano())
	}
	tr.observe(&workload.Block{Seen: t0.Add(time.Second), Txs: [][]byte{txs[0], txs[1]}, Results: []workload.TxResult{{}, {Code: 5, Log: "refused"}}})
	tr.observe(&workload.Block{Seen: t0.Add(3 * time.Second), Txs: [][]byte{txs[2]}, Results: []workload.TxResult{{}}})
	ks := byKind(tr, t0.Add(2*time.Second).UnixNano(), 2)
	want := []KindStats{
		{Kind: "w1", Prepared: 2, Committed: 1, CommittedInWindow: 0, Failed: 1, CommittedPerS: 0},
		{Kind: "w2", Prepared: 2, Committed: 1, CommittedInWindow: 1, CommittedPerS: 0.5},
	}
	if len(ks) != 2 {
		t.Fatalf("by kind %+v", ks)
	}
	for i, k := range ks {
		l := k.Latency
		k.Latency = Latency{}
		if k != want[i] || l.Count != int(want[i].Committed) {
			t.Errorf("kind %d: %+v (latency %+v), want %+v", i, k, l, want[i])
		}
	}
	if ks[0].Latency.P50 != 3000 || ks[1].Latency.P50 != 1000 {
		t.Errorf("latencies %+v %+v", ks[0].Latency, ks[1].Latency)
	}
	tr.kinds = tr.kinds[:1]
	if byKind(tr, 0, 2) != nil {
		t.Error("a breakdown of one kind")
	}
}

// kindsWorkload offers transactions of the given kinds, one lane.
type kindsWorkload struct {
	kvWorkload
	kinds []string
}

func (w *kindsWorkload) Next(i int) workload.Tx {
	return workload.Tx{Lane: 0, Raw: []byte{byte(i)}, Kind: w.kinds[i%len(w.kinds)]}
}
func (w *kindsWorkload) Lanes() int { return 1 }

func TestStageKinds(t *testing.T) {
	net := &workload.Network{Nodes: make([]*workload.Node, 1)}
	s, _, err := stage(&kindsWorkload{kinds: []string{"a", "", "b", "a"}}, net, 8, "broadcast_tx_sync")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.kinds, []string{"a", "other", "b"}) || !slices.Equal(s.kind, []uint8{0, 1, 2, 0, 0, 1, 2, 0}) {
		t.Fatalf("kinds %v, kind %v", s.kinds, s.kind)
	}
	s, _, _ = stage(&kindsWorkload{kinds: []string{"a"}}, net, 3, "broadcast_tx_sync")
	if s.kinds != nil || s.kind != nil {
		t.Fatalf("one kind: kinds %v, kind %v", s.kinds, s.kind)
	}
}
