package workload

import (
	"math"
	"testing"
)

// testShares are the first three modules' mix parts.
var testShares = []MixPart{{Label: "w1", Share: 0.4}, {Label: "w2", Share: 0.3}, {Label: "w3", Share: 0.3, MinSigners: 2}}

// TestMixOrder checks the mix's interleaving: exact shares over the step,
// every prefix within one transaction of its share, and each part's
// transactions in their order.
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
