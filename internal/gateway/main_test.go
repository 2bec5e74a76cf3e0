package gateway_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// The tests of this package share one real single-validator dev chain,
// started in-process by TestMain with fast consensus settings. Tests that
// write to the chain run one after another (none calls t.Parallel), so a
// test may compare state before and after its own requests.

const chainID = "dengta-gwtest"

var (
	testNode *daemon.Daemon
	testHome string
	baseURL  string
	httpc    = &http.Client{Timeout: 60 * time.Second}
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dengta-gwtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gateway tests:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// A free port can be taken by another process between our probe and
	// the node's listen; start afresh with new ports if that happens.
	for attempt := 1; ; attempt++ {
		home := filepath.Join(dir, fmt.Sprintf("home%d", attempt))
		testNode, err = startNode(home)
		if err == nil {
			testHome = home
			break
		}
		if attempt == 3 {
			fmt.Fprintln(os.Stderr, "gateway tests: start node:", err)
			return 1
		}
	}
	defer testNode.Stop()
	baseURL = testNode.GatewayURL
	if err := waitHeight(2, 30*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "gateway tests:", err)
		return 1
	}
	return m.Run()
}

func startNode(home string) (*daemon.Daemon, error) {
	p, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	if err := devnet.Dev(home, devnet.DevOptions{ChainID: chainID, Consortium: modules.Registry(), IP: "127.0.0.1", Ports: node.Ports{P2P: p[0], RPC: p[1], Gateway: p[2]}}); err != nil {
		return nil, err
	}
	if err := node.UpdateConfig(home, node.FastConsensus); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return daemon.Start(ctx, home, testLogger())
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// testLogger logs to stderr at the level named by DENGTA_TEST_LOG (debug,
// info, warn, error); by default nothing is logged.
func testLogger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(os.Getenv("DENGTA_TEST_LOG"))); err != nil || os.Getenv("DENGTA_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func waitHeight(h int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var st gateway.StatusResponse
		resp, err := httpc.Get(baseURL + "/v1/status")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
		}
		if err == nil && st.Height >= h {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("node did not reach height %d in %s (last height %d, err %v)", h, timeout, st.Height, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reply is an HTTP answer of the gateway.
type reply struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

func (r reply) String() string {
	return fmt.Sprintf("%s %s: %d %s", r.method, r.path, r.status, bytes.TrimSpace(r.body))
}

// call sends a request to the node and checks the answer against the
// OpenAPI document: its status must be documented for the route, and a
// JSON body must match the documented schema.
func call(t testing.TB, method, path, ctype string, body []byte) reply {
	t.Helper()
	return callAt(t, baseURL, method, path, ctype, body)
}

// callAs is call signed with a member key k (ADR 0007).
func callAs(t testing.TB, k *tx.PrivateKey, method, path, ctype string, body []byte) reply {
	t.Helper()
	return callSigned(t, baseURL, k, method, path, ctype, body)
}

// callAt is call to the gateway at base.
func callAt(t testing.TB, base, method, path, ctype string, body []byte) reply {
	t.Helper()
	return callSigned(t, base, nil, method, path, ctype, body)
}

// signRequest adds the signed-request headers of k to req.
func signRequest(t testing.TB, k *tx.PrivateKey, req *http.Request, body []byte) {
	t.Helper()
	sum := sha256.Sum256(body)
	now := time.Now().Unix()
	content := hex.EncodeToString(sum[:])
	sig, err := k.Sign(tx.RequestSignBytes(chainID, req.Method, req.URL.RequestURI(), now, content))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(tx.HeaderKey, k.ID().String())
	req.Header.Set(tx.HeaderTime, strconv.FormatInt(now, 10))
	req.Header.Set(tx.HeaderContentSHA256, content)
	req.Header.Set(tx.HeaderSignature, base64.StdEncoding.EncodeToString(sig))
}

// callSigned sends a request, signed with k unless k is nil.
func callSigned(t testing.TB, base string, k *tx.PrivateKey, method, path, ctype string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("request %s %s: %v", method, path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if k != nil {
		signRequest(t, k, req, body)
	}
	return send(t, req)
}

// send sends a prepared request and checks the answer against the
// OpenAPI document.
func send(t testing.TB, req *http.Request) reply {
	t.Helper()
	method, path := req.Method, req.URL.RequestURI()
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := reply{method: method, path: path, status: resp.StatusCode, header: resp.Header, body: data}
	checkDocumented(t, req, r)
	return r
}

func get(t testing.TB, path string) reply { t.Helper(); return call(t, http.MethodGet, path, "", nil) }

// getOKAs is getOK signed with the member key k.
func getOKAs(t testing.TB, k *tx.PrivateKey, path string, out any) {
	t.Helper()
	r := callAs(t, k, http.MethodGet, path, "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("%v: want 200", r)
	}
	decodeStrict(t, r, out)
}

// getOK fetches path, expects 200 and decodes the JSON answer strictly into
// out (unknown fields are an error, so the Go types in the gateway and the
// test agree).
func getOK(t testing.TB, path string, out any) {
	t.Helper()
	r := get(t, path)
	if r.status != http.StatusOK {
		t.Fatalf("%v: want 200", r)
	}
	decodeStrict(t, r, out)
}

func decodeStrict(t testing.TB, r reply, out any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s %s: decode %T: %v\n%s", r.method, r.path, out, err, r.body)
	}
}

// wantError checks that r is the JSON error with code c and the HTTP status
// gateway.HTTPStatus gives for it.
func wantError(t testing.TB, r reply, c errcode.Code) {
	t.Helper()
	if r.status == http.StatusInternalServerError {
		t.Errorf("%v: a 500", r)
	}
	if want := gateway.HTTPStatus(c); r.status != want {
		t.Errorf("%v: status %d, want %d for %s", r, r.status, want, c.Name())
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%v: content type %q, want JSON", r, ct)
	}
	var e gateway.APIError
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Errorf("%v: error body does not decode: %v", r, err)
		return
	}
	if e.Error.Code != uint32(c) || e.Error.Name != c.Name() {
		t.Errorf("%v: error %d %s, want %d %s", r, e.Error.Code, e.Error.Name, c, c.Name())
	}
	if strings.TrimSpace(e.Error.Message) == "" {
		t.Errorf("%v: empty error message", r)
	}
}

// Keys and transactions.

func loadKey(t testing.TB, org string) *tx.PrivateKey {
	t.Helper()
	k, _, err := tx.ReadKeyFile(devnet.KeyFile(filepath.Join(testHome, "keys"), org))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newKey(t testing.TB, algo tx.Algo) *tx.PrivateKey {
	t.Helper()
	k, err := tx.GenerateKey(algo, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func signTx(t testing.TB, k *tx.PrivateKey, chain string, nonce uint64, module, action string, body []byte) []byte {
	t.Helper()
	x := &tx.Tx{ChainID: chain, Nonce: nonce, Module: module, Action: action, Body: body}
	if err := x.Sign(k); err != nil {
		t.Fatalf("sign: %v", err)
	}
	return x.Encode()
}

func registerKeyBody(t testing.TB, pub tx.PublicKey, admin bool, name string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"public_key": pub, "admin": admin, "name": name})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func txJSON(raw []byte) []byte {
	b, _ := json.Marshal(gateway.SubmitRequest{Tx: base64.StdEncoding.EncodeToString(raw)})
	return b
}

func submit(t testing.TB, raw []byte) reply {
	t.Helper()
	return call(t, http.MethodPost, "/v1/txs", "application/json", txJSON(raw))
}

// submitOK submits raw, waits for its commit and expects code 0.
func submitOK(t testing.TB, raw []byte) gateway.SubmitResponse {
	t.Helper()
	r := submit(t, raw)
	if r.status != http.StatusOK {
		t.Fatalf("%v: want 200", r)
	}
	var out gateway.SubmitResponse
	decodeStrict(t, r, &out)
	if !out.Committed || out.Record == nil || out.Record.Code != 0 {
		t.Fatalf("%v: not committed with code 0", r)
	}
	if want := fmt.Sprintf("%X", tx.Hash(raw)); out.Hash != want || out.Record.Hash != want {
		t.Fatalf("%v: hash %s, want %s", r, out.Hash, want)
	}
	return out
}

func nextNonce(t testing.TB, id tx.KeyID) uint64 {
	t.Helper()
	var n gateway.NonceResponse
	getOK(t, "/v1/keys/"+id.String()+"/nonce", &n)
	if n.KeyID != id.String() || n.ChainID != chainID {
		t.Fatalf("nonce answer %+v for key %s", n, id)
	}
	return n.Next
}

// do signs an action with k at the key's next nonce, submits it and
// expects it to commit with code 0.
func do(t testing.TB, k *tx.PrivateKey, module, action string, body []byte) gateway.SubmitResponse {
	t.Helper()
	return submitOK(t, signTx(t, k, chainID, nextNonce(t, k.ID()), module, action, body))
}

// registerKey registers a new key for the organisation of admin.
func registerKey(t testing.TB, admin *tx.PrivateKey, algo tx.Algo, asAdmin bool, name string) *tx.PrivateKey {
	t.Helper()
	k := newKey(t, algo)
	do(t, admin, "identity", "register_key", registerKeyBody(t, k.Public(), asAdmin, name))
	return k
}

func status(t testing.TB) gateway.StatusResponse {
	t.Helper()
	var st gateway.StatusResponse
	getOK(t, "/v1/status", &st)
	return st
}
