package bench

import (
	"errors"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/workload"
)

func TestTrackerObserve(t *testing.T) {
	txs := [][]byte{[]byte("a=1"), []byte("b=2"), []byte("c=3")}
	tr := newTracker(txs, []int32{1, 10, 1})
	for i := range txs {
		tr.recs[i].released.Store(time.Unix(100, 0).UnixNano())
		tr.recs[i].state.Store(txAccepted)
		tr.accepted.Add(1)
	}
	seen := time.Unix(101, 0)
	tr.observe(&workload.Block{Seen: seen, Txs: [][]byte{[]byte("other"), txs[1], txs[0]}, Results: []workload.TxResult{{}, {}, {Code: 7, Log: "nonce_gap"}}})
	if tr.committed.Load() != 1 || tr.failed.Load() != 1 || tr.committedRecords.Load() != 10 || tr.settled() {
		t.Fatalf("committed %d failed %d records %d settled %v", tr.committed.Load(), tr.failed.Load(), tr.committedRecords.Load(), tr.settled())
	}
	if tr.recs[1].commit.Load() != seen.UnixNano() || tr.recs[0].code.Load() != 7 {
		t.Fatal("commit time or code not recorded")
	}
	// The same block again changes nothing.
	tr.observe(&workload.Block{Seen: seen.Add(time.Second), Txs: [][]byte{txs[1]}, Results: []workload.TxResult{{}}})
	tr.observe(&workload.Block{Seen: seen, Txs: [][]byte{txs[2]}, Results: []workload.TxResult{{}}})
	if tr.committed.Load() != 2 || !tr.settled() || tr.recs[1].commit.Load() != seen.UnixNano() {
		t.Fatal("a transaction was counted twice")
	}
	if e := tr.topErrors(5); e["nonce_gap"] != 1 {
		t.Fatalf("errors %v", e)
	}
	o := Options{Step: 15 * time.Second}
	r := &runner{o: o}
	st := &Step{}
	r.measure(st, tr, seen)
	if st.Committed != 2 || st.Failed != 1 || st.CommittedInWindow != 2 || st.Latency.P50 != 1000 || st.Uncommitted != 0 {
		t.Fatalf("step %+v", st)
	}
}

// Blocks seen without their results (the poller's default) count as seen
// at once and as committed or failed only when their results are read.
func TestTrackerDeferredResults(t *testing.T) {
	txs := [][]byte{[]byte("a=1"), []byte("b=2"), []byte("c=3"), []byte("d=4")}
	tr := newTracker(txs, []int32{1, 1, 5, 1})
	for i := range txs {
		tr.recs[i].released.Store(time.Unix(100, 0).UnixNano())
		tr.recs[i].state.Store(txAccepted)
		tr.accepted.Add(1)
	}
	seen := time.Unix(102, 0)
	tr.observe(&workload.Block{Height: 7, Seen: seen, Txs: [][]byte{txs[0], []byte("other"), txs[2]}})
	tr.observe(&workload.Block{Height: 8, Seen: seen.Add(time.Second), Txs: [][]byte{txs[1]}})
	if tr.settled() || tr.seen.Load() != 3 || tr.committed.Load() != 0 || tr.failed.Load() != 0 {
		t.Fatalf("seen %d committed %d failed %d settled %v", tr.seen.Load(), tr.committed.Load(), tr.failed.Load(), tr.settled())
	}
	tr.observe(&workload.Block{Height: 9, Seen: seen.Add(2 * time.Second), Txs: [][]byte{txs[3]}})
	if !tr.settled() {
		t.Fatal("every accepted transaction is in a block, but the step is not settled")
	}
	if got := tr.unreadHeights(); len(got) != 3 || got[0] != 7 || got[1] != 8 || got[2] != 9 {
		t.Fatalf("unread heights %v", got)
	}
	tr.results(7, []workload.TxResult{{}, {Code: 3}, {}})
	tr.results(8, []workload.TxResult{{Code: 9, Log: "nonce_gap"}})
	tr.unreadable(9, errors.New("connection refused"))
	if len(tr.unreadHeights()) != 0 {
		t.Fatal("heights left unread")
	}
	if tr.committed.Load() != 2 || tr.failed.Load() != 2 || tr.committedRecords.Load() != 6 {
		t.Fatalf("committed %d failed %d records %d", tr.committed.Load(), tr.failed.Load(), tr.committedRecords.Load())
	}
	if tr.recs[1].code.Load() != 9 || tr.recs[3].code.Load() == 0 {
		t.Fatal("codes not recorded")
	}
	e := tr.topErrors(5)
	if e["nonce_gap"] != 1 || e["results not read: connection refused"] != 1 {
		t.Fatalf("errors %v", e)
	}
	r := &runner{o: Options{Step: 15 * time.Second}}
	st := &Step{}
	r.measure(st, tr, seen.Add(10*time.Second))
	if st.Committed != 2 || st.Failed != 2 || st.Uncommitted != 0 || st.Latency.P50 != 2000 {
		t.Fatalf("step %+v", st)
	}
}
