package bench

import (
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
