package gateway_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// acceptingChain is a consensus node whose mempool takes every
// transaction; the test commits blocks itself.
type acceptingChain struct{ gateway.Chain }

func (acceptingChain) BroadcastTxSync(context.Context, types.Tx) (*ctypes.ResultBroadcastTx, error) {
	return &ctypes.ResultBroadcastTx{}, nil
}

// checkingChain is a consensus node whose mempool has no cache of the
// transactions it saw, as after a restart: it runs CheckTx on every
// submission.
type checkingChain struct {
	gateway.Chain
	app *app.App
}

func (c checkingChain) BroadcastTxSync(ctx context.Context, raw types.Tx) (*ctypes.ResultBroadcastTx, error) {
	res, err := c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: raw, Type: abci.CHECK_TX_TYPE_CHECK})
	if err != nil {
		return nil, err
	}
	return &ctypes.ResultBroadcastTx{Code: res.Code, Log: res.Log, Codespace: res.Codespace, Hash: raw.Hash()}, nil
}

// TestSubmitCommittedTwice submits a transaction that is already
// committed to a node that no longer has it in its mempool cache: the
// answer is its record, as for the first submission, not the nonce_replayed
// that CheckTx gives it now (a client retrying after a timeout must not be
// told its committed transaction was refused).
func TestSubmitCommittedTwice(t *testing.T) {
	c := testchain.New(t, testchain.Options{})
	admin := c.Members["org-a"].Admin
	k := newKey(t, tx.AlgoEd25519)
	raw := c.Sign(admin, "identity", "register_key", registerKeyBody(t, k.Public(), false, "twice"))
	if res, _ := c.Block(raw); res[0].Code != 0 {
		t.Fatalf("block: code %d %s", res[0].Code, res[0].Log)
	}
	gw, err := gateway.New(gateway.Options{App: c.App, Chain: checkingChain{app: c.App}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	for _, path := range []string{"/v1/txs", "/v1/txs?wait=false"} {
		r := callAt(t, srv.URL, http.MethodPost, path, "application/json", txJSON(raw))
		var sr gateway.SubmitResponse
		if r.status != http.StatusOK {
			t.Errorf("%v: want 200 with the record", r)
			continue
		}
		decodeStrict(t, r, &sr)
		if !sr.Committed || sr.Record == nil || sr.Record.Code != 0 || sr.Record.Height != 1 || sr.Error != nil {
			t.Errorf("%v: want the committed record", r)
		}
	}
	// A different transaction with the used nonce is still refused.
	k2 := newKey(t, tx.AlgoEd25519)
	replay := c.SignNonce(admin, 1, "identity", "register_key", registerKeyBody(t, k2.Public(), false, "replay"))
	wantError(t, callAt(t, srv.URL, http.MethodPost, "/v1/txs", "application/json", txJSON(replay)), errcode.NonceReplayed)
}

// TestSubmitCommittedButFailed checks the answer for a transaction that
// passed the mempool but failed in its block (here: a nonce gap, which a
// block proposed by another validator can contain): the status of its code,
// the error object every error answer has, and the record.
func TestSubmitCommittedButFailed(t *testing.T) {
	c := testchain.New(t, testchain.Options{})
	admin := c.Members["org-a"].Admin
	k := newKey(t, tx.AlgoEd25519)
	raw := c.SignNonce(admin, 3, "identity", "register_key", registerKeyBody(t, k.Public(), false, "gap"))
	if res, _ := c.Block(raw); errcode.Code(res[0].Code) != errcode.NonceGap {
		t.Fatalf("block: code %d %s", res[0].Code, res[0].Log)
	}
	gw, err := gateway.New(gateway.Options{App: c.App, Chain: checkingChain{app: c.App}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()

	// The mempool refuses it again (the gap is still there); the answer
	// is the record of its commit.
	r := callAt(t, srv.URL, http.MethodPost, "/v1/txs", "application/json", txJSON(raw))
	if want := gateway.HTTPStatus(errcode.NonceGap); r.status != want {
		t.Fatalf("%v: want %d", r, want)
	}
	var sr gateway.SubmitResponse
	decodeStrict(t, r, &sr)
	if !sr.Committed || sr.Record == nil || sr.Record.Code != uint32(errcode.NonceGap) || sr.Record.Height != 1 {
		t.Errorf("%v: want the committed record with code nonce_gap", r)
	}
	if e := sr.Error; e == nil || e.Code != uint32(errcode.NonceGap) || e.Name != errcode.NonceGap.Name() || e.Message == "" || e.Message != sr.Record.Log {
		t.Errorf("%v: want the error object of nonce_gap", r)
	}
	// A client reading only the error object gets the code.
	var apiErr gateway.APIError
	if err := json.NewDecoder(bytes.NewReader(r.body)).Decode(&apiErr); err != nil || apiErr.Error.Code != uint32(errcode.NonceGap) {
		t.Errorf("%v: error object %+v, %v", r, apiErr, err)
	}
}

// TestSubmitFailedBeforeItsNonce resubmits a transaction whose block
// refused it before its nonce was consumed (a nonce gap), after the gap
// has been filled: it had no effect, the mempool takes it as new, and it
// runs again, this time with effect. The record then is the new commit's.
func TestSubmitFailedBeforeItsNonce(t *testing.T) {
	c := testchain.New(t, testchain.Options{})
	admin := c.Members["org-a"].Admin
	k := newKey(t, tx.AlgoEd25519)
	late := c.SignNonce(admin, 2, "identity", "register_key", registerKeyBody(t, k.Public(), false, "late"))
	if res, _ := c.Block(late); errcode.Code(res[0].Code) != errcode.NonceGap {
		t.Fatalf("block: code %d %s", res[0].Code, res[0].Log)
	}
	gw, err := gateway.New(gateway.Options{App: c.App, Chain: checkingChain{app: c.App}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()

	// Still a gap: refused by the mempool, answered with the failed record.
	r := callAt(t, srv.URL, http.MethodPost, "/v1/txs?wait=false", "application/json", txJSON(late))
	var sr gateway.SubmitResponse
	decodeStrict(t, r, &sr)
	if !sr.Committed || sr.Record == nil || sr.Record.Code != uint32(errcode.NonceGap) || sr.Record.Height != 1 {
		t.Fatalf("%v: want the failed record of height 1", r)
	}
	// Nonce 1 fills the gap; the same bytes are now taken and run.
	first := c.SignNonce(admin, 1, "identity", "register_key", registerKeyBody(t, newKey(t, tx.AlgoEd25519).Public(), false, "first"))
	if res, _ := c.Block(first); res[0].Code != 0 {
		t.Fatalf("block: code %d %s", res[0].Code, res[0].Log)
	}
	r = callAt(t, srv.URL, http.MethodPost, "/v1/txs?wait=false", "application/json", txJSON(late))
	if r.status != http.StatusAccepted {
		t.Fatalf("%v: want 202, the transaction taken as new", r)
	}
	if res, _ := c.Block(late); res[0].Code != 0 {
		t.Fatalf("block: code %d %s", res[0].Code, res[0].Log)
	}
	r = callAt(t, srv.URL, http.MethodPost, "/v1/txs", "application/json", txJSON(late))
	sr = gateway.SubmitResponse{}
	decodeStrict(t, r, &sr)
	if r.status != http.StatusOK || !sr.Committed || sr.Record == nil || sr.Record.Code != 0 || sr.Record.Height != 3 {
		t.Fatalf("%v: want the record of its commit at height 3", r)
	}
	// Once run with effect, its nonce is used: the same bytes never run
	// a third time.
	if res, _ := c.Block(late); errcode.Code(res[0].Code) != errcode.NonceReplayed {
		t.Fatalf("third run: code %d %s", res[0].Code, res[0].Log)
	}
	// That refusal changed nothing, and the record stays the run's with
	// effect.
	rec, err := c.App.LookupTx(tx.Hash(late))
	if err != nil || rec == nil || rec.Code != 0 || rec.Height != 3 {
		t.Fatalf("record after a replay: %+v, %v; want code 0 at height 3", rec, err)
	}
}

// TestConcurrentSubmits runs 50 submit-and-wait requests from 5 keys at
// once: each key's transactions one after another, with the nonce the node
// reports, and the keys in parallel. Every one must commit with code 0.
func TestConcurrentSubmits(t *testing.T) {
	const perKey = 10
	orgs := []string{"logistics", "market", "foodgroup", "bank", "court"}
	type result struct {
		org    string
		key    tx.KeyID
		height int64
	}
	var (
		mu      sync.Mutex
		results []result
	)
	start := map[string]uint64{}
	for _, org := range orgs {
		start[org] = nextNonce(t, loadKey(t, org).ID())
	}
	t.Run("submit", func(t *testing.T) {
		for _, org := range orgs {
			admin := loadKey(t, org)
			t.Run(org, func(t *testing.T) {
				t.Parallel()
				for i := range perKey {
					k := newKey(t, tx.AlgoEd25519)
					res := do(t, admin, "identity", "register_key", registerKeyBody(t, k.Public(), false, "concurrent"))
					if res.Record.Nonce != start[org]+uint64(i) {
						t.Errorf("%s tx %d: nonce %d, want %d", org, i, res.Record.Nonce, start[org]+uint64(i))
					}
					mu.Lock()
					results = append(results, result{org, k.ID(), res.Record.Height})
					mu.Unlock()
				}
			})
		}
	})
	if len(results) != perKey*len(orgs) {
		t.Fatalf("%d transactions committed, want %d", len(results), perKey*len(orgs))
	}
	blocks := map[int64]int{}
	for _, r := range results {
		blocks[r.height]++
		var k struct {
			Org    string `json:"org"`
			Active bool   `json:"active"`
		}
		rep := get(t, "/v1/keys/"+r.key.String())
		if err := json.Unmarshal(rep.body, &k); err != nil || rep.status != http.StatusOK || k.Org != r.org || !k.Active {
			t.Errorf("registered key: %v", rep)
		}
	}
	for _, org := range orgs {
		if got := nextNonce(t, loadKey(t, org).ID()); got != start[org]+perKey {
			t.Errorf("%s: next nonce %d, want %d", org, got, start[org]+perKey)
		}
	}
	t.Logf("%d transactions in %d blocks", len(results), len(blocks))
}

// TestBatchAtAFullMempool: a batch sent to a node whose mempool is full is
// refused whole, before its body is read (503 mempool_full, Retry-After),
// and nothing of it is taken. With room for fewer transactions than the
// batch holds, only those have their signatures verified ahead of
// admission; every transaction is still offered, and the mempool decides.
func TestBatchAtAFullMempool(t *testing.T) {
	c := testchain.New(t, testchain.Options{})
	c.Block() // the genesis committed: the pre-check finds the admin's key
	admin := c.Members["org-a"].Admin
	room := 0
	var fullFor atomic.Int32 // readings of the room that say full first
	var refusal error        // what the node says when it takes nothing
	gw, err := gateway.New(gateway.Options{App: c.App, Chain: checkingChain{app: c.App}, Refuse: func() error { return refusal },
		MempoolRoom: func() int {
			if fullFor.Add(-1) >= 0 {
				return 0
			}
			return room
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	// batch signs n transactions with the admin's next nonces.
	batch := func(n int) []byte {
		var req gateway.BatchRequest
		for i := range n {
			raw := c.Sign(admin, "identity", "register_key", registerKeyBody(t, newKey(t, tx.AlgoEd25519).Public(), false, fmt.Sprintf("batch %d", i)))
			req.Txs = append(req.Txs, base64.StdEncoding.EncodeToString(raw))
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	next := func() uint64 {
		n, err := c.App.NextNonce(admin.ID())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	n0 := next()
	refused := batch(3)
	c.ResetNonce(admin.ID(), n0-1)
	for _, body := range [][]byte{refused, []byte(`{"txs": not json`)} {
		r := callAt(t, srv.URL, http.MethodPost, "/v1/txs/batch?wait=false", "application/json", body)
		wantError(t, r, errcode.MempoolFull)
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
			t.Errorf("%v: want 503 with Retry-After", r)
		}
	}
	// A node that takes nothing says why, not that its mempool is full:
	// that mempool may never drain.
	refusal = errcode.New(errcode.Unavailable, "consensus has stopped on this node")
	wantError(t, callAt(t, srv.URL, http.MethodPost, "/v1/txs/batch?wait=false", "application/json", refused), errcode.Unavailable)
	refusal = nil
	if n := next(); n != n0 {
		t.Fatalf("a batch refused whole moved the next nonce from %d to %d", n0, n)
	}

	for _, tc := range []struct{ room, verifiedAhead int }{{1, 1}, {3, 3}, {10, 3}, {-1, 0}} {
		if tc.room < 0 {
			// A hook that says less than nothing is a full mempool.
			room = tc.room
			wantError(t, callAt(t, srv.URL, http.MethodPost, "/v1/txs/batch?wait=false", "application/json", batch(3)), errcode.MempoolFull)
			c.ResetNonce(admin.ID(), n0+8)
			continue
		}
		room = tc.room
		body := batch(3)
		_, hits0 := c.App.SignatureCacheStats()
		r := callAt(t, srv.URL, http.MethodPost, "/v1/txs/batch?wait=false", "application/json", body)
		var resp gateway.BatchResponse
		decodeStrict(t, r, &resp)
		if r.status != http.StatusOK || resp.Counts[gateway.BatchAccepted] != 3 {
			t.Fatalf("room %d: %v; want all 3 accepted", tc.room, r)
		}
		// CheckTx finds in the signature cache the ones verified ahead.
		if _, hits := c.App.SignatureCacheStats(); hits-hits0 != uint64(tc.verifiedAhead) {
			t.Errorf("room %d: %d signatures verified ahead of admission, want %d", tc.room, hits-hits0, tc.verifiedAhead)
		}
	}
	if n := next(); n != n0+9 {
		t.Fatalf("next nonce %d after 9 accepted, want %d", n, n0+9)
	}

	// Right after a commit the mempool holds the block's transactions for
	// a moment: a batch arriving then waits, unread, for the room to come
	// back instead of being refused whole.
	room = 5
	fullFor.Store(4)
	r := callAt(t, srv.URL, http.MethodPost, "/v1/txs/batch?wait=false", "application/json", batch(2))
	var resp gateway.BatchResponse
	decodeStrict(t, r, &resp)
	if r.status != http.StatusOK || resp.Counts[gateway.BatchAccepted] != 2 {
		t.Fatalf("a batch while the mempool was full for 4 readings: %v; want both accepted", r)
	}
	if left := fullFor.Load(); left > 0 {
		t.Fatalf("the batch went in with %d readings of a full mempool left", left)
	}
}
