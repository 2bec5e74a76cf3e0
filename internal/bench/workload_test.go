package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

func TestBroadcastRequest(t *testing.T) {
	raw := []byte("some\x00bytes=\"quoted\"")
	var req struct {
		JSONRPC string `json:"jsonrpc"`
		Method  string `json:"method"`
		Params  struct {
			Tx string `json:"tx"`
		} `json:"params"`
	}
	if err := json.Unmarshal(broadcastRequest("broadcast_tx_sync", raw), &req); err != nil {
		t.Fatal(err)
	}
	got, _ := base64.StdEncoding.DecodeString(req.Params.Tx)
	if req.JSONRPC != "2.0" || req.Method != "broadcast_tx_sync" || !bytes.Equal(got, raw) {
		t.Fatalf("request %+v", req)
	}
}

func TestKVWorkload(t *testing.T) {
	w := &kvWorkload{name: "w1", size: 463, lanes: 8, records: 1}
	net := &Network{Nodes: make([]*Node, 4)}
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

func TestTrackerObserve(t *testing.T) {
	txs := [][]byte{[]byte("a=1"), []byte("b=2"), []byte("c=3")}
	tr := newTracker(txs, []int32{1, 10, 1})
	for i := range txs {
		tr.recs[i].released.Store(time.Unix(100, 0).UnixNano())
		tr.recs[i].state.Store(txAccepted)
		tr.accepted.Add(1)
	}
	seen := time.Unix(101, 0)
	tr.observe(&Block{Seen: seen, Txs: [][]byte{[]byte("other"), txs[1], txs[0]}, Results: []TxResult{{}, {}, {Code: 7, Log: "nonce_gap"}}})
	if tr.committed.Load() != 1 || tr.failed.Load() != 1 || tr.committedRecords.Load() != 10 || tr.settled() {
		t.Fatalf("committed %d failed %d records %d settled %v", tr.committed.Load(), tr.failed.Load(), tr.committedRecords.Load(), tr.settled())
	}
	if tr.recs[1].commit.Load() != seen.UnixNano() || tr.recs[0].code.Load() != 7 {
		t.Fatal("commit time or code not recorded")
	}
	// The same block again changes nothing.
	tr.observe(&Block{Seen: seen.Add(time.Second), Txs: [][]byte{txs[1]}, Results: []TxResult{{}}})
	tr.observe(&Block{Seen: seen, Txs: [][]byte{txs[2]}, Results: []TxResult{{}}})
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
