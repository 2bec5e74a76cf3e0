package client_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/tx"
)

// dropper is a proxy in front of a node that passes the first `drop`
// submits on to the node and then drops the client's connection without
// an answer: the node took the transaction, the client cannot know. With
// acceptOnly it passes them on as wait=false, so the node answers once
// its mempool holds the transaction, before the commit.
type dropper struct {
	node       string
	drop       int32
	acceptOnly bool
	submits    atomic.Int32
	dropped    atomic.Int32

	mu     sync.Mutex
	hashes []string // hashes of the transactions submitted through it, in order
}

func (p *dropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	isSubmit := r.Method == http.MethodPost && r.URL.Path == "/v1/txs"
	if isSubmit {
		var req struct{ Tx string }
		if json.Unmarshal(body, &req) == nil {
			if raw, err := base64.StdEncoding.DecodeString(req.Tx); err == nil {
				h := tx.Hash(raw)
				p.mu.Lock()
				p.hashes = append(p.hashes, hashHex(h))
				p.mu.Unlock()
			}
		}
	}
	uri := r.URL.RequestURI()
	if isSubmit && p.acceptOnly && p.submits.Load() < p.drop {
		uri = "/v1/txs?wait=false"
	}
	req, _ := http.NewRequestWithContext(context.Background(), r.Method, p.node+uri, bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if isSubmit && p.submits.Add(1) <= p.drop {
		// The node has answered (the transaction is committed or in its
		// mempool); the client gets a dropped connection.
		p.dropped.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

func hashHex(h [32]byte) string {
	const digits = "0123456789ABCDEF"
	var b [64]byte
	for i, c := range h {
		b[2*i], b[2*i+1] = digits[c>>4], digits[c&0x0f]
	}
	return string(b[:])
}

func nonces(t *testing.T, c *client.Client, id string) (next, committed uint64) {
	t.Helper()
	var r struct{ Next, Committed uint64 }
	if err := c.Get(t.Context(), "/v1/keys/"+id+"/nonce", &r); err != nil {
		t.Fatal(err)
	}
	return r.Next, r.Committed
}

// TestDoResolvesDroppedSubmit: the connection of a submit drops after the
// node took the transaction. Do looks it up by hash and sends the same
// bytes again; it never signs a second transaction, and the action
// happens once.
func TestDoResolvesDroppedSubmit(t *testing.T) {
	d, home := nodetest.Dev(t)
	key, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), devnet.ValidatorOrg))
	if err != nil {
		t.Fatal(err)
	}
	direct := client.New(d.GatewayURL)

	cases := []struct {
		name       string
		drops      int32
		acceptOnly bool
		submits    int // at least
	}{
		// Dropped after the commit: the lookup by hash finds it.
		{"after commit", 1, false, 1},
		// Dropped once the mempool took it: the same bytes go again, and
		// the node answers with the commit.
		{"after acceptance", 1, true, 2},
		{"after acceptance, three times", 3, true, 2},
	}
	for _, tc := range cases {
		drops := tc.drops
		p := &dropper{node: d.GatewayURL, drop: drops, acceptOnly: tc.acceptOnly}
		srv := httptest.NewServer(p)
		c := client.New(srv.URL)
		_, before := nonces(t, direct, key.ID())
		newKey, _ := client.GenerateKey("sm2")
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		rec, err := c.Do(ctx, key, "identity", "register_key", map[string]any{"public_key": newKey.PublicKey(), "name": "once"})
		cancel()
		srv.Close()
		if err != nil {
			t.Fatalf("%s: Do: %v", tc.name, err)
		}
		if p.dropped.Load() < 1 || p.dropped.Load() > drops {
			t.Fatalf("%s: the proxy dropped %d answers", tc.name, p.dropped.Load())
		}
		// Every submit carried the same signed bytes.
		p.mu.Lock()
		hashes := append([]string(nil), p.hashes...)
		p.mu.Unlock()
		if len(hashes) < tc.submits {
			t.Fatalf("%s: %d submits, want at least %d", tc.name, len(hashes), tc.submits)
		}
		for _, h := range hashes {
			if h != hashes[0] {
				t.Fatalf("%s: submits of different transactions %v: signed twice", tc.name, hashes)
			}
		}
		if rec == nil || rec.Code != 0 || rec.Hash != hashes[0] || rec.Nonce != before+1 {
			t.Fatalf("%s: record %+v, want the first transaction %s with nonce %d", tc.name, rec, hashes[0], before+1)
		}
		// The key used exactly one nonce: the action happened once.
		next, after := nonces(t, direct, key.ID())
		if after != before+1 || next != after+1 {
			t.Fatalf("%s: committed nonce %d -> %d (next %d), want one transaction", tc.name, before, after, next)
		}
		got, err := direct.Tx(t.Context(), rec.Hash)
		if err != nil || got.Height != rec.Height {
			t.Fatalf("%s: the transaction on the node: %+v, %v", tc.name, got, err)
		}
	}
}

// TestCommitPendingAtDeadline: a node that never answers leaves the
// outcome unknown; Commit gives up at the deadline with a PendingError
// that carries the hash to look up, not with a plain error that invites
// signing again.
func TestCommitPendingAtDeadline(t *testing.T) {
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/txs" {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"code":6,"name":"not_found","message":"no committed transaction"}}`))
	}))
	defer silent.Close()
	key, _ := client.GenerateKey("ed25519")
	raw, err := key.Sign("dengta-test", 1, "identity", "register_key", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err = client.New(silent.URL).Commit(ctx, raw)
	var pe *client.PendingError
	h := tx.Hash(raw)
	if !errors.As(err, &pe) || pe.Hash != hashHex(h) {
		t.Fatalf("Commit against a node that drops every answer: %v, want a PendingError for %s", err, hashHex(h))
	}
}
