package workload

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
	if err := json.Unmarshal(BroadcastRequest("broadcast_tx_sync", raw), &req); err != nil {
		t.Fatal(err)
	}
	got, _ := base64.StdEncoding.DecodeString(req.Params.Tx)
	if req.JSONRPC != "2.0" || req.Method != "broadcast_tx_sync" || !bytes.Equal(got, raw) {
		t.Fatalf("request %+v", req)
	}
}

// TestStatus reads a /status answer as CometBFT writes it (heights as
// strings) and a JSON-RPC error.
func TestStatus(t *testing.T) {
	answer := `{"jsonrpc":"2.0","id":-1,"result":{"node_info":{"network":"dengta-bench"},"sync_info":{"latest_block_height":"42","catching_up":true}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/status" {
			_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":-1,"error":{"code":-32601,"message":"Method not found","data":"` + r.URL.Path + `"}}`))
			return
		}
		_, _ = w.Write([]byte(answer))
	}))
	defer srv.Close()
	c := NewRPC(srv.URL, 1)
	s, err := c.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if *s != (Status{ChainID: "dengta-bench", Height: 42, CatchingUp: true}) {
		t.Fatalf("status %+v", s)
	}
	err = c.Get(context.Background(), "/nowhere", nil)
	if !IsRPCError(err) || err.Error() != "Method not found: /nowhere" || MempoolFull(err) {
		t.Fatalf("error %v", err)
	}
}

// TestAwaitHeightsWaitsForTheApplication: CometBFT stores a block before
// the application commits it, so /status can be a height ahead of
// /abci_info. AwaitHeights must wait until every node's application,
// node 0's included, has committed node 0's block-store height.
func TestAwaitHeightsWaitsForTheApplication(t *testing.T) {
	type fake struct {
		srv *httptest.Server
		app atomic.Int64
	}
	newFake := func(block, app int64) *fake {
		f := &fake{}
		f.app.Store(app)
		f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/status":
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":-1,"result":{"node_info":{"network":"n"},"sync_info":{"latest_block_height":"%d","catching_up":false}}}`, block)
			case "/abci_info":
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":-1,"result":{"response":{"last_block_height":"%d"}}}`, f.app.Load())
			default:
				http.NotFound(w, r)
			}
		}))
		t.Cleanup(f.srv.Close)
		return f
	}
	a, b := newFake(48, 47), newFake(48, 46)
	net := &Network{Nodes: []*Node{{Name: "a", rpc: NewRPC(a.srv.URL, 1)}, {Name: "b", rpc: NewRPC(b.srv.URL, 1)}}}

	// Neither application reaches 48: a clear timeout naming the node.
	err := net.AwaitHeights(context.Background(), 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "a did not commit height 48") {
		t.Fatalf("got %v, want node a not committing height 48", err)
	}
	// Both commit 48 a little later: it returns only then.
	go func() {
		time.Sleep(100 * time.Millisecond)
		a.app.Store(48)
		time.Sleep(100 * time.Millisecond)
		b.app.Store(48)
	}()
	if err := net.AwaitHeights(context.Background(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if a.app.Load() < 48 || b.app.Load() < 48 {
		t.Fatalf("returned with applications at %d and %d", a.app.Load(), b.app.Load())
	}
}
