package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/dengta-chain/dengta/internal/workload"
)

// fakeMempool answers JSON-RPC batches of broadcast_tx_sync as CometBFT
// does (in order, by id) with a scripted answer per transaction: "ok",
// "full" (the mempool is full, once) or "bad" (a CheckTx rejection).
type fakeMempool struct {
	mu      sync.Mutex
	script  map[string]string
	full    map[string]bool // already answered "full" once
	batches [][]string      // the transactions of each request, in order
	// dropFirst takes the first request's transactions and closes the
	// connection without answering; later requests answer "already exists
	// in cache" for them, as CometBFT does.
	dropFirst bool
	taken     map[string]bool
}

func (f *fakeMempool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var reqs []struct {
		ID     int `json:"id"`
		Params struct {
			Tx string `json:"tx"`
		} `json:"params"`
	}
	if err := json.NewDecoder(r.Body).Decode(&reqs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dropFirst && len(f.batches) == 0 {
		f.taken = map[string]bool{}
		for _, q := range reqs {
			raw, _ := base64.StdEncoding.DecodeString(q.Params.Tx)
			f.taken[string(raw)] = true
		}
		f.batches = append(f.batches, nil)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	var txs []string
	var out []map[string]any
	for _, q := range reqs {
		raw, _ := base64.StdEncoding.DecodeString(q.Params.Tx)
		tx := string(raw)
		txs = append(txs, tx)
		ans := map[string]any{"jsonrpc": "2.0", "id": q.ID}
		if f.taken[tx] {
			ans["error"] = map[string]any{"code": -32603, "message": "Internal error", "data": "tx already exists in cache"}
			out = append(out, ans)
			continue
		}
		switch f.script[tx] {
		case "full":
			if !f.full[tx] {
				f.full[tx] = true
				ans["error"] = map[string]any{"code": -32603, "message": "Internal error", "data": "mempool is full: number of txs 5000 (max: 5000)"}
				break
			}
			ans["result"] = map[string]any{"code": 0}
		case "bad":
			ans["result"] = map[string]any{"code": 7, "log": "nonce gap"}
		default:
			ans["result"] = map[string]any{"code": 0}
		}
		out = append(out, ans)
	}
	f.batches = append(f.batches, txs)
	if len(out) == 1 { // as CometBFT does
		_ = json.NewEncoder(w).Encode(out[0])
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

// TestSendBatch sends lanes' batches to a scripted mempool: every answer
// lands on its own transaction, a full mempool is retried from the first
// transaction it turned away (and only from there), and a rejection stops
// the lane with the rest of its batch answered.
func TestSendBatch(t *testing.T) {
	cases := []struct {
		name    string
		script  map[string]string
		want    []int32 // final state of tx0..tx4
		ok      bool
		batches int
	}{
		{"all accepted", nil, []int32{txAccepted, txAccepted, txAccepted, txAccepted, txAccepted}, true, 1},
		{"full mid-batch", map[string]string{"tx2": "full"}, []int32{txAccepted, txAccepted, txAccepted, txAccepted, txAccepted}, true, 2},
		{"full at the last", map[string]string{"tx4": "full"}, []int32{txAccepted, txAccepted, txAccepted, txAccepted, txAccepted}, true, 2},
		{"rejected mid-batch", map[string]string{"tx1": "bad", "tx2": "bad", "tx3": "bad", "tx4": "bad"}, []int32{txAccepted, txRejected, txRejected, txRejected, txRejected}, false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeMempool{script: tc.script, full: map[string]bool{}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			net := &workload.Network{Nodes: []*workload.Node{{RPC: srv.URL}}}
			net.Connect(2)
			s := &staged{}
			var raws [][]byte
			var batch []int32
			for i := range 5 {
				raw := []byte(fmt.Sprintf("tx%d", i))
				raws = append(raws, raw)
				s.bodies = append(s.bodies, workload.BroadcastRequest("broadcast_tx_sync", raw))
				s.node = append(s.node, 0)
				batch = append(batch, int32(i))
			}
			tr := newTracker(raws, nil)
			ok := sendBatch(context.Background(), net, tr, s, batch, make(chan struct{}))
			if ok != tc.ok {
				t.Fatalf("sendBatch = %v, want %v", ok, tc.ok)
			}
			for i, want := range tc.want {
				if got := tr.recs[i].state.Load(); got != want {
					t.Errorf("tx%d state %d, want %d", i, got, want)
				}
			}
			if len(f.batches) != tc.batches {
				t.Fatalf("%d requests, want %d: %v", len(f.batches), tc.batches, f.batches)
			}
			if tc.batches == 2 {
				var from string
				for tx, v := range tc.script {
					if v == "full" {
						from = tx
					}
				}
				if f.batches[1][0] != from || f.batches[1][len(f.batches[1])-1] != "tx4" {
					t.Fatalf("retry sent %v, want %s..tx4", f.batches[1], from)
				}
			}
			if got := tr.accepted.Load() + tr.rejected.Load() + tr.unsent.Load(); got != 5 {
				t.Fatalf("%d transactions accounted for, want 5", got)
			}
		})
	}
}

// TestSendBatchOfOne: a lane keeping up sends one transaction at a time,
// and CometBFT answers a batch of one with a plain object.
func TestSendBatchOfOne(t *testing.T) {
	f := &fakeMempool{script: map[string]string{"tx1": "bad"}, full: map[string]bool{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	net := &workload.Network{Nodes: []*workload.Node{{RPC: srv.URL}}}
	net.Connect(2)
	raws := [][]byte{[]byte("tx0"), []byte("tx1")}
	s := &staged{node: []int{0, 0}}
	for _, raw := range raws {
		s.bodies = append(s.bodies, workload.BroadcastRequest("broadcast_tx_sync", raw))
	}
	tr := newTracker(raws, nil)
	if !sendBatch(context.Background(), net, tr, s, []int32{0}, make(chan struct{})) {
		t.Fatal("tx0 was refused")
	}
	if sendBatch(context.Background(), net, tr, s, []int32{1}, make(chan struct{})) {
		t.Fatal("tx1 was accepted")
	}
	if tr.recs[0].state.Load() != txAccepted || tr.recs[1].state.Load() != txRejected || len(tr.topErrors(5)) != 1 {
		t.Fatalf("states %d, %d; errors %v", tr.recs[0].state.Load(), tr.recs[1].state.Load(), tr.topErrors(5))
	}
}

// TestSendBatchConnectionDropped: a connection that fails before the
// answer is tried again, and what the node had taken counts as accepted.
func TestSendBatchConnectionDropped(t *testing.T) {
	f := &fakeMempool{full: map[string]bool{}, dropFirst: true}
	srv := httptest.NewServer(f)
	defer srv.Close()
	net := &workload.Network{Nodes: []*workload.Node{{RPC: srv.URL}}}
	net.Connect(2)
	raws := [][]byte{[]byte("tx0"), []byte("tx1")}
	s := &staged{node: []int{0, 0}}
	for _, raw := range raws {
		s.bodies = append(s.bodies, workload.BroadcastRequest("broadcast_tx_sync", raw))
	}
	tr := newTracker(raws, nil)
	if !sendBatch(context.Background(), net, tr, s, []int32{0, 1}, make(chan struct{})) {
		t.Fatalf("lane stopped after a dropped connection: %v", tr.topErrors(5))
	}
	if tr.accepted.Load() != 2 || len(f.batches) != 2 {
		t.Fatalf("%d accepted after %d requests, want 2 after 2", tr.accepted.Load(), len(f.batches))
	}
}
