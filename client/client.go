// Package client is the Go SDK for a Dengta node's HTTP API: it signs
// transactions with an Ed25519 or SM2 key, submits them and waits for the
// commit, reads records and fetches proof bundles.
//
//	c := client.New("http://127.0.0.1:8480")
//	key, _ := client.LoadKey("coop-admin.json")
//	rec, err := c.Do(ctx, key, "identity", "register_key", body)
//
// # Accepted and committed
//
// A node that accepts a transaction (SubmitAsync's answer, HTTP 202) has
// checked it and put it in its mempool: nothing more. An accepted
// transaction can still be lost (the node dies before gossiping it) or
// fail to commit (its nonce taken by another transaction of the same key
// first). A committed transaction (a TxRecord from Submit, Commit, Do or
// Tx) is in a block that more than two thirds of the validators signed;
// it is final, on every node, and its code says whether the action
// succeeded (0) or failed (its changes discarded, its nonce used).
//
// # Sending again safely
//
// The same signed bytes are idempotent: a node answers a committed
// transaction's bytes with its record, and a mempool keeps one copy, so
// sending them again never does anything twice. Signing the same intent
// again with a new nonce is a second transaction. When a submit ends
// without a verdict (the connection dropped, a timeout, a node stopping),
// Commit and Do look the transaction up by hash and send the same bytes
// again until they know; Do signs a new transaction only when the first
// one can never commit. Past the deadline they return a *PendingError
// with the hash: look it up (on any member's node) before signing again.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/tx"
)

// Client talks to one node's gateway.
type Client struct {
	base string
	http *http.Client
	// signer signs every request (As); token is sent as a bearer token
	// (WithToken). Reads that are not public need one or the other.
	signer *Key
	token  string
	// lang is sent as Accept-Language (WithLanguage).
	lang string

	mu      sync.Mutex
	chainID string
}

// New returns a client for the gateway at base, e.g. "http://127.0.0.1:8480".
func New(base string) *Client {
	return &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: 60 * time.Second}}
}

// As returns a client that signs every request with k, a member key of
// the organisation it acts for: the node then answers what that
// organisation may read (ADR 0007). Transactions are signed as always.
func (c *Client) As(k *Key) *Client {
	c.mu.Lock()
	id := c.chainID
	c.mu.Unlock()
	return &Client{base: c.base, http: c.http, signer: k, lang: c.lang, chainID: id}
}

// WithToken returns a client that sends an API token of a hall user
// (created on the hall's account page) with every request.
func (c *Client) WithToken(token string) *Client {
	c.mu.Lock()
	id := c.chainID
	c.mu.Unlock()
	return &Client{base: c.base, http: c.http, token: token, lang: c.lang, chainID: id}
}

// WithLanguage returns a client that asks for errors' hints in lang ("zh"
// or "en"; Error.Hint).
func (c *Client) WithLanguage(lang string) *Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &Client{base: c.base, http: c.http, signer: c.signer, token: c.token, lang: lang, chainID: c.chainID}
}

// unsigned marks an upload body that signed requests leave out of the
// signature (UNSIGNED-PAYLOAD): it is streamed, never held whole.
type unsigned struct{ io.Reader }

// sign adds the signed-request headers to req, whose body is body.
func (c *Client) sign(ctx context.Context, req *http.Request, body io.Reader) error {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return err
	}
	content := tx.UnsignedPayload
	if _, ok := body.(unsigned); !ok {
		var b []byte
		if body != nil {
			if b, err = io.ReadAll(body); err != nil {
				return fmt.Errorf("read request body: %w", err)
			}
		}
		sum := sha256.Sum256(b)
		content = hex.EncodeToString(sum[:])
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.ContentLength = int64(len(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	now := time.Now().Unix()
	sig, err := c.signer.k.Sign(tx.RequestSignBytes(chainID, req.Method, req.URL.RequestURI(), now, content))
	if err != nil {
		return err
	}
	req.Header.Set(tx.HeaderKey, c.signer.ID())
	req.Header.Set(tx.HeaderTime, strconv.FormatInt(now, 10))
	req.Header.Set(tx.HeaderContentSHA256, content)
	req.Header.Set(tx.HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	return nil
}

// WithHTTPClient sets the HTTP client used for requests.
func (c *Client) WithHTTPClient(h *http.Client) *Client {
	c.http = h
	return c
}

// Error is an error answered by the node: a stable code and name, and a
// message for people.
type Error struct {
	Status  int    // HTTP status
	Code    uint32 `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
	// Hint says what the code means and what to do about it, in the
	// language the client asked for (WithLanguage), English by default.
	Hint string `json:"hint,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s (code %d): %s", e.Name, e.Code, e.Message) }

// Key is a signing key.
type Key struct {
	k    *tx.PrivateKey
	Name string
}

// KeyFrom wraps a private key held by the caller (for example a custodial
// key the service hall decrypted) for signing.
func KeyFrom(k *tx.PrivateKey) *Key { return &Key{k: k} }

// LoadKey reads a key file written by `dengta keys new`. An encrypted
// file is opened with the passphrase in the file named by
// $DENGTA_PASSPHRASE_FILE, or in $DENGTA_PASSPHRASE; a dev key (the
// published dev passphrase) and a legacy plain file need none. OpenKey
// takes the passphrase from the caller.
func LoadKey(path string) (*Key, error) {
	return openKey(path, &keyfile.Sources{})
}

// OpenKey reads a key file, opening an encrypted one with passphrase.
// A wrong passphrase is an error that says so ("wrong passphrase for key
// file ..."), distinct from a damaged file.
func OpenKey(path string, passphrase []byte) (*Key, error) {
	return openKey(path, keyfile.Fixed(passphrase))
}

func openKey(path string, src keyfile.Source) (*Key, error) {
	k, info, err := tx.OpenKeyFile(path, src)
	if err != nil {
		return nil, err
	}
	return &Key{k: k, Name: info.Name}, nil
}

// GenerateKey makes a new key; algo is "sm2" or "ed25519".
func GenerateKey(algo string) (*Key, error) {
	a, err := tx.ParseAlgo(algo)
	if err != nil {
		return nil, err
	}
	k, err := tx.GenerateKey(a, rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Key{k: k}, nil
}

// Save writes the key to a new file (mode 0600), encrypted under the
// passphrase (8 characters or more) with Argon2id and SM4-GCM
// (docs/adr/0008-keys-at-rest.md).
func (k *Key) Save(path string, passphrase []byte) error {
	return tx.WriteKeyFile(path, k.k, k.Name, keyfile.Protection{Passphrase: passphrase})
}

// ID returns the key id (40 hex digits).
func (k *Key) ID() string { return k.k.ID().String() }

// PublicKey returns the public key as JSON for action bodies:
// {"algo":"sm2","key":"<hex>"}.
func (k *Key) PublicKey() json.RawMessage {
	b, _ := json.Marshal(k.k.Public())
	return b
}

// Algo returns "sm2" or "ed25519".
func (k *Key) Algo() string { return k.k.Algo().String() }

// Unwrap opens a data key wrapped to this key: the key of a record
// shared with the key's organisation (datakey). A key wrapped to
// another key, or altered, is an error.
func (k *Key) Unwrap(w datakey.Wrapped) (datakey.Key, error) { return datakey.Unwrap(k.k, w) }

// Sign builds and signs a transaction, returning its encoded bytes.
func (k *Key) Sign(chainID string, nonce uint64, module, action string, body []byte) ([]byte, error) {
	t := &tx.Tx{ChainID: chainID, Nonce: nonce, Module: module, Action: action, Body: body}
	if err := t.Sign(k.k); err != nil {
		return nil, err
	}
	return t.Encode(), nil
}

func (c *Client) do(ctx context.Context, method, path string, body io.Reader, ctype string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, fmt.Errorf("request %s: %w", path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if c.signer != nil && !(method == http.MethodGet && path == "/v1/status") {
		if err := c.sign(ctx, req, body); err != nil {
			return 0, fmt.Errorf("sign request %s: %w", path, err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("node at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read response of %s: %w", path, err)
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error *Error `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != nil {
			e.Error.Status = resp.StatusCode
			// A committed-but-failed transaction answers with its record.
			if out != nil && bytes.Contains(data, []byte(`"record"`)) {
				_ = json.Unmarshal(data, out)
			}
			return resp.StatusCode, e.Error
		}
		if out != nil && json.Unmarshal(data, out) == nil && bytes.Contains(data, []byte(`"record"`)) {
			return resp.StatusCode, nil
		}
		return resp.StatusCode, fmt.Errorf("node answered %s to %s %s", resp.Status, method, path)
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	switch raw := out.(type) {
	case *[]byte:
		*raw = data
		return resp.StatusCode, nil
	case *json.RawMessage:
		// Byte for byte: a certificate is checked in its canonical form,
		// final newline included, which json.Unmarshal would drop.
		*raw = data
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, fmt.Errorf("decode response of %s: %w", path, err)
	}
	return resp.StatusCode, nil
}

// Get fetches path (e.g. "/v1/orgs") and decodes the JSON answer into out;
// out may be a *[]byte or a *json.RawMessage for the raw body, byte for
// byte (what a certificate must be kept as).
func (c *Client) Get(ctx context.Context, path string, out any) error {
	_, err := c.do(ctx, http.MethodGet, path, nil, "", out)
	return err
}

// PostJSON sends in as JSON to path and decodes the JSON answer into out.
func (c *Client) PostJSON(ctx context.Context, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	_, err = c.do(ctx, http.MethodPost, path, bytes.NewReader(b), "application/json", out)
	return err
}

// Status is the node's answer to /v1/status.
type Status struct {
	ChainID      string    `json:"chain_id"`
	Org          string    `json:"org"`
	Moniker      string    `json:"moniker"`
	NodeID       string    `json:"node_id"`
	Height       int64     `json:"height"`
	BlockTime    time.Time `json:"block_time"`
	AppHash      string    `json:"app_hash"`
	StateVersion int64     `json:"state_version"`
	StateRoot    string    `json:"state_root"`
	CatchingUp   bool      `json:"catching_up"`
}

// Status returns the node's status.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	var s Status
	if err := c.Get(ctx, "/v1/status", &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ChainID returns the chain id, asked once and remembered.
func (c *Client) ChainID(ctx context.Context) (string, error) {
	c.mu.Lock()
	id := c.chainID
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	s, err := c.Status(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.chainID = s.ChainID
	c.mu.Unlock()
	return s.ChainID, nil
}

// NextNonce returns the nonce the key's next transaction must carry,
// counting the transactions waiting in the node's mempool.
func (c *Client) NextNonce(ctx context.Context, keyID string) (uint64, error) {
	n, err := c.nonces(ctx, keyID)
	if err != nil {
		return 0, err
	}
	return n.Next, nil
}

// nonceAnswer is the answer of GET /v1/keys/{id}/nonce.
type nonceAnswer struct {
	Next      uint64 `json:"next"`
	Committed uint64 `json:"committed"`
}

func (c *Client) nonces(ctx context.Context, keyID string) (*nonceAnswer, error) {
	var r nonceAnswer
	if err := c.Get(ctx, "/v1/keys/"+url.PathEscape(keyID)+"/nonce", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// TxRecord says where a committed transaction is and how it ended.
type TxRecord struct {
	Hash     string          `json:"hash"`
	Height   int64           `json:"height"`
	Index    int             `json:"index"`
	Code     uint32          `json:"code"`
	CodeName string          `json:"code_name"`
	Log      string          `json:"log,omitempty"`
	Module   string          `json:"module,omitempty"`
	Action   string          `json:"action,omitempty"`
	Signer   string          `json:"signer,omitempty"`
	Nonce    uint64          `json:"nonce,omitempty"`
	EthHash  string          `json:"eth_hash,omitempty"` // an Ethereum transaction's own hash
	TimeMs   int64           `json:"time_unix_ms"`
	Result   json.RawMessage `json:"result,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"`
	// Hint, for a failed transaction read by hash (Tx), says what its code
	// means and what to do, in the client's language (WithLanguage).
	Hint string `json:"hint,omitempty"`
}

type submitResponse struct {
	Hash      string    `json:"hash"`
	Committed bool      `json:"committed"`
	Record    *TxRecord `json:"record"`
}

// Submit sends an encoded transaction and waits for its commit. A
// transaction committed with a non-zero code returns its record and an
// *Error.
func (c *Client) Submit(ctx context.Context, raw []byte) (*TxRecord, error) {
	body, _ := json.Marshal(map[string]string{"tx": base64.StdEncoding.EncodeToString(raw)})
	var r submitResponse
	_, err := c.do(ctx, http.MethodPost, "/v1/txs", bytes.NewReader(body), "application/json", &r)
	if r.Record != nil && r.Record.Code != 0 && err == nil {
		err = c.committedError(r.Record)
	}
	return r.Record, err
}

// SubmitAsync sends an encoded transaction and returns once the node has
// accepted it into its mempool, with the transaction's hash.
func (c *Client) SubmitAsync(ctx context.Context, raw []byte) (string, error) {
	body, _ := json.Marshal(map[string]string{"tx": base64.StdEncoding.EncodeToString(raw)})
	var r submitResponse
	_, err := c.do(ctx, http.MethodPost, "/v1/txs?wait=false", bytes.NewReader(body), "application/json", &r)
	return r.Hash, err
}

// maxMempoolBackoff is the longest wait before sending again a
// transaction a node refused with mempool_full.
const maxMempoolBackoff = 3200 * time.Millisecond

// DefaultResolveTimeout bounds how long Commit and Do keep resolving a
// transaction whose outcome is not known (a dropped connection, a
// timeout) when ctx has no deadline of its own.
const DefaultResolveTimeout = 2 * time.Minute

// PendingError says that a transaction may have been taken by a node and
// whether it commits is not known: the connection dropped, the node timed
// out or stopped, and the transaction was not found committed before the
// caller's deadline. It may still commit. Look it up with Tx (on any
// member's node), or send the same bytes again with Commit; never sign
// the same intent again with a new nonce, or it may happen twice.
type PendingError struct {
	Hash string // the transaction's hash, upper-case hex
	Err  error  // the last error seen
}

func (e *PendingError) Error() string {
	return fmt.Sprintf("transaction %s may still be committed (%v): look it up by hash, or send the same bytes again, before signing anything new", e.Hash, e.Err)
}

func (e *PendingError) Unwrap() error { return e.Err }

// outcome tracks what the attempts at one signed transaction may have
// done.
type outcome struct {
	// mayBeAdmitted: an attempt ended without a refusal (no answer, a
	// timeout, a node stopping), so a mempool may hold the transaction.
	mayBeAdmitted bool
}

// ambiguous reports whether err leaves it unknown whether the node took
// the transaction: no HTTP answer, a timeout (which is also how a node
// whose consensus stopped after it took the transaction answers), or a
// proxy's 502 or 504. Every other answer is a verdict: committed, or
// refused before the mempool took it - "unavailable" included (a node
// stopping or short of disk takes nothing: send it to another member's
// node).
func ambiguous(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return true // no answer from the node (connection refused, reset, dropped; a bad body)
	}
	return e.Name == "timeout" || e.Status == http.StatusBadGateway || e.Status == http.StatusGatewayTimeout
}

// Commit submits a signed transaction and does not return before it
// knows how it ended, or the deadline passes: the record of its commit
// (code 0, or a committed failure with an *Error); the node's refusal
// (the transaction was not taken, nothing happened); or a *PendingError.
// When a submit gets no clear answer it looks the transaction up by hash
// and sends the same bytes again, which is always safe: a node answers a
// committed transaction's bytes with its record, and a mempool holds one
// copy. Without a deadline in ctx it gives up after
// DefaultResolveTimeout.
func (c *Client) Commit(ctx context.Context, raw []byte) (*TxRecord, error) {
	return c.commit(ctx, raw, &outcome{}, c)
}

// commit is Commit, looking transactions up through reader (a client
// that may read the transaction's body and result).
func (c *Client) commit(ctx context.Context, raw []byte, o *outcome, reader *Client) (*TxRecord, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultResolveTimeout)
		defer cancel()
	}
	h := tx.Hash(raw)
	hash := fmt.Sprintf("%X", h[:])
	fullBackoff := 100 * time.Millisecond
	waitBackoff := 250 * time.Millisecond
	for {
		rec, err := c.Submit(ctx, raw)
		if err == nil || rec != nil {
			return rec, err // committed, with code 0 or not
		}
		var wait time.Duration
		switch {
		case IsCode(err, "mempool_full"):
			// Refused, not taken: the same bytes may go again after a
			// back-off.
			if fullBackoff > maxMempoolBackoff {
				return nil, c.unresolved(o, hash, err)
			}
			wait, fullBackoff = fullBackoff, fullBackoff*2
		case ambiguous(err):
			o.mayBeAdmitted = true
			if r, lerr := reader.Tx(ctx, hash); lerr == nil {
				return r, c.committedError(r)
			}
			wait, waitBackoff = waitBackoff, min(2*waitBackoff, 5*time.Second)
		default:
			// A verdict before the mempool: refused on its merits, or on
			// its nonce (then an earlier attempt of the same bytes may have
			// committed, which the node would have said; Do checks).
			return nil, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, c.unresolved(o, hash, fmt.Errorf("%w (while waiting to send again: %w)", err, ctx.Err()))
		}
	}
}

// unresolved is the error of a transaction given up on: a PendingError
// when a node may hold it.
func (c *Client) unresolved(o *outcome, hash string, err error) error {
	if o.mayBeAdmitted {
		return &PendingError{Hash: hash, Err: err}
	}
	return err
}

// committedError is the error a committed record stands for (nil for
// code 0), as Submit returns it, with the code's hint in the client's
// language.
func (c *Client) committedError(r *TxRecord) error {
	if r.Code == 0 {
		return nil
	}
	hint := r.Hint // the node's, with the reason in the client's language
	if hint == "" {
		hint = errcode.APISentence(errcode.Code(r.Code), c.lang)
	}
	return &Error{Code: r.Code, Name: r.CodeName, Message: r.Log, Hint: hint}
}

// Do signs an action with key, using the node's next nonce for it, submits
// it and waits for the commit (Commit). body is marshalled to JSON unless
// it is already []byte or json.RawMessage.
//
// Do signs a new transaction only when the one it signed before can never
// commit: the node refused it before taking it (another signer with the
// same key took the nonce), or its nonce is now used by a committed
// transaction that is not it. A transaction whose outcome is unknown (the
// connection dropped after the node took it) is looked up by hash and its
// same bytes sent again, never signed twice; if the outcome is still
// unknown at the deadline, Do returns a *PendingError with its hash.
// A busy node's mempool_full is retried after a back-off of up to about
// 6 s in all.
func (c *Client) Do(ctx context.Context, key *Key, module, action string, body any) (*TxRecord, error) {
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	case json.RawMessage:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		nonce, err := c.NextNonce(ctx, key.ID())
		if err != nil {
			return nil, err
		}
		raw, err := key.Sign(chainID, nonce, module, action, b)
		if err != nil {
			return nil, err
		}
		o := &outcome{}
		// Lookups sign as the key: its organisation reads its own
		// transactions whole.
		reader := c
		if c.signer == nil && c.token == "" {
			reader = c.As(key)
		}
		rec, err := c.commit(ctx, raw, o, reader)
		if rec != nil || err == nil || !(IsCode(err, "nonce_replayed") || IsCode(err, "nonce_gap")) {
			return rec, err
		}
		// Refused on its nonce. Sign again only if this transaction can
		// never commit.
		h := tx.Hash(raw)
		hash := fmt.Sprintf("%X", h[:])
		if o.mayBeAdmitted {
			dead, r, derr := reader.cannotCommit(ctx, key.ID(), nonce, hash)
			if r != nil {
				return r, c.committedError(r)
			}
			if derr != nil || !dead {
				return nil, &PendingError{Hash: hash, Err: err}
			}
		}
		if attempt >= 8 {
			return nil, err
		}
	}
}

// cannotCommit reports whether the transaction hash, signed by key with
// nonce, can never commit: it is not committed and the key's committed
// nonce has reached nonce (another transaction used it). A committed
// transaction's record is returned instead.
func (c *Client) cannotCommit(ctx context.Context, keyID string, nonce uint64, hash string) (bool, *TxRecord, error) {
	if r, err := c.Tx(ctx, hash); err == nil {
		return false, r, nil
	} else if !IsCode(err, "not_found") {
		return false, nil, err
	}
	n, err := c.nonces(ctx, keyID)
	if err != nil {
		return false, nil, err
	}
	if n.Committed < nonce {
		return false, nil, nil
	}
	// The nonce was used by a committed transaction; look once more, in
	// case it was this one, committed between the two reads.
	if r, err := c.Tx(ctx, hash); err == nil {
		return false, r, nil
	} else if !IsCode(err, "not_found") {
		return false, nil, err
	}
	return true, nil, nil
}

// Tx returns a committed transaction by hash.
func (c *Client) Tx(ctx context.Context, hash string) (*TxRecord, error) {
	var r TxRecord
	if err := c.Get(ctx, "/v1/txs/"+url.PathEscape(hash), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Proof returns the raw proof bundle of a state key; height 0 means the
// newest provable state.
func (c *Client) Proof(ctx context.Context, key string, height int64) ([]byte, error) {
	q := url.Values{"key": {key}}
	if height > 0 {
		q.Set("height", fmt.Sprint(height))
	}
	var raw []byte
	if err := c.Get(ctx, "/v1/proof?"+q.Encode(), &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// IsCode reports whether err is a node error with the given code name
// (e.g. "nonce_replayed").
func IsCode(err error, name string) bool {
	var e *Error
	return errors.As(err, &e) && e.Name == name
}
