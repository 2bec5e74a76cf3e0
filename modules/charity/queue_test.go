package charity

import (
	"errors"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// fenModel is the plainest model of a queue: the state of every fen.
type fenModel struct {
	state   []byte // 0 unspent, 1 spent, 2 refunded
	sources [][3]int64
}

const (
	fenFree byte = iota
	fenSpent
	fenRefunded
)

// runQueueOps interprets ops as a sequence of queue operations (append,
// take, refund of a source's tail) and checks the queue against the fen
// model after each. It is the body of FuzzQueue and of the table test.
func runQueueOps(t *testing.T, ops []byte) {
	q := &charityapi.Queue{ID: "CP20260101-00000000000000000000/_"}
	m := &fenModel{}
	for i := 0; i+1 < len(ops); i += 2 {
		op, arg := ops[i]%3, int64(ops[i+1])
		switch op {
		case 0: // a donation of 1 to 64 fen
			n := arg%64 + 1
			r, err := appendSource(q, n)
			if err != nil {
				t.Fatal(err)
			}
			if r.Start != int64(len(m.state)) || r.Len() != n {
				t.Fatalf("op %d: appended %+v at %d", i, r, len(m.state))
			}
			m.sources = append(m.sources, [3]int64{r.Start, r.End, 0})
			m.state = append(m.state, make([]byte, n)...)
		case 1: // spend up to what is available, by FIFO
			avail := q.AvailableFen()
			if avail == 0 {
				continue
			}
			n := arg%avail + 1
			ranges := take(q, n)
			var want []int64
			for f := range m.state {
				if int64(len(want)) == n {
					break
				}
				if m.state[f] == fenFree {
					want = append(want, int64(f))
					m.state[f] = fenSpent
				}
			}
			var got []int64
			for j, r := range ranges {
				if r.Len() <= 0 || j > 0 && r.Start <= ranges[j-1].End {
					t.Fatalf("op %d: ranges %+v are not ordered, disjoint and separated", i, ranges)
				}
				for f := r.Start; f < r.End; f++ {
					got = append(got, f)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("op %d: took %d fen, want %d", i, len(got), len(want))
			}
			for j := range got {
				if got[j] != want[j] {
					t.Fatalf("op %d: took fen %d, FIFO takes %d", i, got[j], want[j])
				}
			}
		case 2: // refund part of a source's unspent tail
			if len(m.sources) == 0 {
				continue
			}
			s := &m.sources[int(arg)%len(m.sources)]
			d := &charityapi.Donation{Start: s[0], End: s[1], RefundedFen: s[2]}
			left := unspentOf(d, q)
			var modelLeft int64
			for f := s[0]; f < s[1]; f++ {
				if m.state[f] == fenFree {
					modelLeft++
				}
			}
			if left != modelLeft {
				t.Fatalf("op %d: unspent %d, the model says %d", i, left, modelLeft)
			}
			if left == 0 {
				continue
			}
			u := arg%left + 1
			end := s[1] - s[2]
			err := addHole(q, charityapi.Range{Start: end - u, End: end})
			var ce *errcode.Error
			if errors.As(err, &ce) && ce.Code == errcode.RuleViolation {
				continue // too many holes: refused, nothing changed
			}
			if err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
			for f := end - u; f < end; f++ {
				if m.state[f] != fenFree {
					t.Fatalf("op %d: refunded fen %d is not free", i, f)
				}
				m.state[f] = fenRefunded
			}
			s[2] += u
		}
		checkQueue(t, i, q, m)
	}
}

func checkQueue(t *testing.T, op int, q *charityapi.Queue, m *fenModel) {
	t.Helper()
	var free, holes int64
	for _, s := range m.state {
		if s == fenFree {
			free++
		}
	}
	if q.TotalFen != int64(len(m.state)) || q.AvailableFen() != free {
		t.Fatalf("op %d: total %d available %d, the model has %d and %d", op, q.TotalFen, q.AvailableFen(), len(m.state), free)
	}
	// Below the cursor nothing is free; the holes are exactly the refunded
	// fen at or after it, as maximal runs.
	for f := int64(0); f < q.CursorFen; f++ {
		if m.state[f] == fenFree {
			t.Fatalf("op %d: fen %d is free below the cursor %d", op, f, q.CursorFen)
		}
	}
	var runs []charityapi.Range
	for f := q.CursorFen; f < int64(len(m.state)); f++ {
		if m.state[f] != fenRefunded {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].End == f {
			runs[n-1].End++
		} else {
			runs = append(runs, charityapi.Range{Start: f, End: f + 1})
		}
	}
	if len(runs) != len(q.Holes) {
		t.Fatalf("op %d: holes %+v, the model's refunded runs %+v", op, q.Holes, runs)
	}
	for j, r := range runs {
		h := q.Holes[j]
		if h.Start != r.Start || h.End != r.End {
			t.Fatalf("op %d: holes %+v, the model's refunded runs %+v", op, q.Holes, runs)
		}
		holes += h.Len()
	}
	if holes != q.HoleFen || len(q.Holes) > charityapi.MaxHoles || len(q.Holes) > 0 && q.Holes[0].Start == q.CursorFen {
		t.Fatalf("op %d: hole fen %d (sum %d), %d holes, first %+v at cursor %d", op, q.HoleFen, holes, len(q.Holes), q.Holes, q.CursorFen)
	}
}

func TestQueueOps(t *testing.T) {
	for name, ops := range map[string][]byte{
		"fifo":                  {0, 10, 0, 5, 1, 3, 1, 11, 1, 0},
		"refund at the cursor":  {0, 9, 2, 9, 1, 0},
		"refund ahead":          {0, 9, 0, 9, 0, 9, 2, 1, 1, 14, 1, 20},
		"adjacent holes merge":  {0, 3, 0, 3, 0, 3, 2, 1, 2, 2, 2, 3, 1, 1},
		"partial refunds":       {0, 50, 2, 10, 2, 10, 1, 5, 2, 0, 1, 100},
		"spend across refunds":  {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 1, 2, 3, 1, 255},
		"refund all then spend": {0, 7, 2, 7, 0, 7, 1, 3},
	} {
		t.Run(name, func(t *testing.T) { runQueueOps(t, ops) })
	}
}

// TestQueueHoleLimit fills a queue with refunds ahead of its cursor up to
// MaxHoles and checks the next one is refused and changes nothing, and
// that a refund at the cursor is still taken.
func TestQueueHoleLimit(t *testing.T) {
	q := &charityapi.Queue{ID: "q"}
	for range charityapi.MaxHoles + 2 {
		if _, err := appendSource(q, 2); err != nil {
			t.Fatal(err)
		}
	}
	// Refund the second fen of every donation but the first: holes that
	// do not touch.
	for i := 1; i <= charityapi.MaxHoles; i++ {
		if err := addHole(q, charityapi.Range{Start: int64(2*i + 1), End: int64(2*i + 2)}); err != nil {
			t.Fatalf("hole %d: %v", i, err)
		}
	}
	before := *q
	err := addHole(q, charityapi.Range{Start: int64(2*(charityapi.MaxHoles+1) + 1), End: int64(2*(charityapi.MaxHoles+1) + 2)})
	if errcode.Of(err) != errcode.RuleViolation || q.HoleFen != before.HoleFen || len(q.Holes) != len(before.Holes) {
		t.Fatalf("hole %d: %v, %d holes", charityapi.MaxHoles+1, err, len(q.Holes))
	}
	// The first donation refunded whole, at the cursor: no hole is kept.
	if err := addHole(q, charityapi.Range{Start: 0, End: 2}); err != nil || q.CursorFen != 2 || len(q.Holes) != charityapi.MaxHoles {
		t.Fatalf("refund at the cursor: %v, cursor %d, %d holes", err, q.CursorFen, len(q.Holes))
	}
	// One spending steps over every hole: at most MaxHoles+1 ranges.
	ranges := take(q, q.AvailableFen())
	if len(ranges) != charityapi.MaxHoles+1 || len(q.Holes) != 0 || q.CursorFen != q.TotalFen {
		t.Fatalf("%d ranges, %d holes left, cursor %d of %d", len(ranges), len(q.Holes), q.CursorFen, q.TotalFen)
	}
}

func FuzzQueue(f *testing.F) {
	f.Add([]byte{0, 10, 0, 5, 1, 3, 2, 1, 1, 11})
	f.Add([]byte{0, 3, 0, 3, 0, 3, 2, 1, 2, 2, 2, 3, 1, 1})
	f.Add([]byte{0, 63, 2, 200, 2, 100, 1, 7, 0, 1, 2, 4, 1, 90})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		runQueueOps(t, ops)
	})
}

// TestShare checks the valuation of items handed on: the shares add up to
// the value exactly, whatever the steps.
func TestShare(t *testing.T) {
	for _, tc := range []struct{ value, quantity int64 }{{1000, 3}, {100_000, 100}, {7, 10}, {charityapi.MaxFen, 1_000_000_000}} {
		var sum, done int64
		for _, step := range []int64{1, 2, 5, 1} {
			if done+step > tc.quantity {
				break
			}
			sum += share(tc.value, done+step, tc.quantity) - share(tc.value, done, tc.quantity)
			done += step
		}
		sum += tc.value - share(tc.value, done, tc.quantity)
		if sum != tc.value || share(tc.value, tc.quantity, tc.quantity) != tc.value {
			t.Errorf("share(%d, ·, %d): parts add up to %d", tc.value, tc.quantity, sum)
		}
	}
}
