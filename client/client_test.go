package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeGateway answers /v1/status and the nonce, and refuses the first
// `full` submissions with mempool_full before committing.
func fakeGateway(t *testing.T, full int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var submits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"chain_id": "dengta-test"})
	})
	mux.HandleFunc("GET /v1/keys/{id}/nonce", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"next": 1})
	})
	mux.HandleFunc("POST /v1/txs", func(w http.ResponseWriter, r *http.Request) {
		if n := submits.Add(1); n <= full {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": 16, "name": "mempool_full", "message": "the node's mempool is full; retry in a moment"}})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"hash": "AB", "record": map[string]any{"hash": "AB", "height": 7, "code": 0, "code_name": "ok"}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &submits
}

// TestDoRetriesMempoolFull: a node refusing with mempool_full is retried
// after a back-off until it admits the transaction, and given up on (with
// the node's error) once the back-off is spent or the context ends.
func TestDoRetriesMempoolFull(t *testing.T) {
	key, err := GenerateKey("ed25519")
	if err != nil {
		t.Fatal(err)
	}
	srv, submits := fakeGateway(t, 2)
	start := time.Now()
	rec, err := New(srv.URL).Do(t.Context(), key, "demo", "act", map[string]any{})
	if err != nil {
		t.Fatalf("Do after two full mempools: %v", err)
	}
	if rec.Height != 7 || submits.Load() != 3 {
		t.Fatalf("record height %d after %d submissions, want 7 after 3", rec.Height, submits.Load())
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("retried after %s, want the back-off (100 + 200 ms) first", d)
	}

	srv, submits = fakeGateway(t, 1000)
	_, err = New(srv.URL).Do(t.Context(), key, "demo", "act", map[string]any{})
	var e *Error
	if !asError(err, &e) || e.Name != "mempool_full" {
		t.Fatalf("Do against a node always full: %v, want mempool_full", err)
	}
	if n := submits.Load(); n != 7 {
		t.Fatalf("%d submissions to a node always full, want 7 (100 ms to 3.2 s)", n)
	}

	srv, _ = fakeGateway(t, 1000)
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	_, err = New(srv.URL).Do(ctx, key, "demo", "act", map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "mempool_full") || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("Do with a short context: %v, want mempool_full and the deadline", err)
	}
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
