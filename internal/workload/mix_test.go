package workload

import (
	"math"
	"slices"
	"testing"
	"time"
)

// TestMixOrder checks the mix's interleaving: exact shares over the step,
// every prefix within one transaction of its share, and each part's
// transactions in their order.
// testShares are the first three modules' mix parts.
var testShares = []MixPart{{Label: "w1", Share: 0.4}, {Label: "w2", Share: 0.3}, {Label: "w3", Share: 0.3, MinSigners: 2}}

func TestMixOrder(t *testing.T) {
	mixShares := testShares
	for _, n := range []int{1, 7, 100, 1001} {
		order, counts := mixOrder(n, testShares)
		taken := make([]int, len(mixShares))
		for i, r := range order {
			if r.idx != taken[r.part] {
				t.Fatalf("n=%d: transaction %d is %s's %d-th, want %d-th", n, i, mixShares[r.part].Label, r.idx, taken[r.part])
			}
			taken[r.part]++
			for k, s := range mixShares {
				if d := math.Abs(float64(taken[k]) - s.Share*float64(i+1)); d >= 1 {
					t.Fatalf("n=%d: after %d transactions %s has %d, share %.1f", n, i+1, s.Label, taken[k], s.Share*float64(i+1))
				}
			}
		}
		sum := 0
		for k, c := range counts {
			sum += c
			if c != taken[k] {
				t.Fatalf("n=%d: counts %v, taken %v", n, counts, taken)
			}
		}
		if sum != n {
			t.Fatalf("n=%d: counts %v", n, counts)
		}
	}
	if _, c := mixOrder(100, testShares); c[0] != 40 || c[1] != 30 || c[2] != 30 {
		t.Fatalf("100 transactions: %v", c)
	}
}

func TestMixSigners(t *testing.T) {
	for _, c := range []struct {
		signers int
		want    [3]int
	}{{64, [3]int{26, 19, 19}}, {8, [3]int{3, 2, 3}}, {1, [3]int{1, 1, 2}}} {
		if got := mixSigners(c.signers, testShares); [3]int(got) != c.want {
			t.Errorf("%d signers: %v, want %v", c.signers, got, c.want)
		}
	}
}

// TestByKind checks the step's breakdown by kind of transaction.
func TestByKind(t *testing.T) {
	txs := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d")}
	tr := newTracker(txs, []int32{1, 1, 1, 1})
	tr.kind, tr.kinds = []uint8{0, 1, 1, 0}, []string{"w2", "w1"}
	t0 := time.Unix(100, 0)
	for i := range txs {
		tr.recs[i].released.Store(t0.UnixNano())
	}
	tr.observe(&Block{Seen: t0.Add(time.Second), Txs: [][]byte{txs[0], txs[1]}, Results: []TxResult{{}, {Code: 5, Log: "refused"}}})
	tr.observe(&Block{Seen: t0.Add(3 * time.Second), Txs: [][]byte{txs[2]}, Results: []TxResult{{}}})
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

func (w *kindsWorkload) Next(i int) Tx {
	return Tx{Lane: 0, Raw: []byte{byte(i)}, Kind: w.kinds[i%len(w.kinds)]}
}
func (w *kindsWorkload) Lanes() int { return 1 }

func TestStageKinds(t *testing.T) {
	net := &Network{Nodes: make([]*Node, 1)}
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
