package workload

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
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
