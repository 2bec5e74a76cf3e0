package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/cometbft/cometbft/mempool"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/tx"
)

// SubmitRequest is the JSON body of POST /v1/txs.
type SubmitRequest struct {
	// Tx is the encoded, signed transaction in standard base64.
	Tx string `json:"tx"`
}

// SubmitResponse answers POST /v1/txs: the committed transaction's record,
// or with wait=false only its hash.
type SubmitResponse struct {
	Hash      string        `json:"hash"`
	Committed bool          `json:"committed"`
	Record    *app.TxRecord `json:"record,omitempty"`
	// Error is set when the transaction was committed but failed in its
	// block (record.code is not 0): the answer then has the status of the
	// code and, like every error answer, an "error" object.
	Error *ErrorBody `json:"error,omitempty"`
}

// readTx reads the transaction bytes of a submit request: a JSON body with
// base64, or the raw bytes as application/octet-stream.
func readTx(r *http.Request) ([]byte, error) {
	body := http.MaxBytesReader(nil, r.Body, 2*tx.MaxTxBytes+1024)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errcode.New(errcode.TooLarge, "request body is over %d bytes; a transaction is at most %d bytes", mbe.Limit, tx.MaxTxBytes)
		}
		return nil, errcode.New(errcode.BadRequest, "read request body: %v", err)
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/octet-stream" {
		return data, nil
	}
	var req SubmitRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(&req)
	if err == nil && len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		// Decode reads one JSON value; anything after it is not ours to
		// ignore (it could be a second transaction).
		err = errors.New("data after the JSON object")
	}
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "request body must be JSON {\"tx\": \"<base64>\"} or raw bytes as application/octet-stream: %v", err)
	}
	raw, err := base64.StdEncoding.DecodeString(req.Tx)
	if err != nil {
		return nil, errcode.New(errcode.Malformed, "tx is not standard base64: %v", err)
	}
	if len(raw) == 0 {
		return nil, errcode.New(errcode.Malformed, "tx is empty")
	}
	return raw, nil
}

func (s *Server) submitTx(w http.ResponseWriter, r *http.Request) error {
	// Every submit is answered within CommitTimeout of its arrival.
	ctx, stop := context.WithTimeout(r.Context(), s.opts.CommitTimeout)
	defer stop()
	raw, err := readTx(r)
	if err != nil {
		return err
	}
	if len(raw) > tx.MaxTxBytes {
		return errcode.New(errcode.TooLarge, "transaction is %d bytes; the limit is %d", len(raw), tx.MaxTxBytes)
	}
	if ethtx.Is(raw) {
		if _, err := ethtx.Decode(raw); err != nil {
			return err
		}
	} else if _, err := tx.Decode(raw); err != nil {
		return err
	}
	hash := tx.Hash(raw)
	wait, err := waitParam(r)
	if err != nil {
		return err
	}
	ch, cancel := s.app.Expect(hash)
	defer cancel()
	if err := s.refuse(); err != nil {
		if rec := s.committedBefore(hash); rec != nil {
			s.writeCommitted(w, r, rec)
			return nil
		}
		return err
	}
	earlier, err := s.offer(ctx, raw, hash)
	if earlier != nil {
		s.writeCommitted(w, r, earlier)
		return nil
	}
	if err != nil {
		return err
	}
	if !wait {
		writeJSON(w, http.StatusAccepted, SubmitResponse{Hash: fmt.Sprintf("%X", hash)})
		return nil
	}
	rec, err := s.await(ctx, ch)
	if errors.Is(err, errHalted) {
		// Taken, outcome unknown here: a timeout, not unavailable (which
		// says the node did not take the transaction).
		return errcode.New(errcode.Timeout, "consensus stopped on this node: transaction %X was accepted but is not committed here; look it up on another member's node with GET /v1/txs/%X, or send the same bytes there", hash, hash)
	}
	if err != nil {
		return errcode.New(errcode.Timeout, "transaction %X was accepted but not committed within %s; look it up later with GET /v1/txs/%X, or send the same bytes again", hash, s.opts.CommitTimeout, hash)
	}
	s.writeCommitted(w, r, rec)
	return nil
}

var errHalted = errors.New("consensus halted")

// await waits for a commit, until ctx ends or consensus halts.
func (s *Server) await(ctx context.Context, ch <-chan app.TxRecord) (*app.TxRecord, error) {
	select {
	case rec := <-ch:
		return &rec, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.opts.Halt: // a nil channel never fires
		return nil, errHalted
	}
}

// writeCommitted answers a submit with the record of the committed
// transaction, with the status of its code; a failed one also gets the
// error object every error answer has, hint included.
func (s *Server) writeCommitted(w http.ResponseWriter, r *http.Request, rec *app.TxRecord) {
	resp := SubmitResponse{Hash: rec.Hash, Committed: true, Record: rec}
	code := errcode.Code(rec.Code)
	if code != errcode.OK {
		msg := rec.Log
		if msg == "" {
			msg = fmt.Sprintf("transaction %s was committed at height %d but failed", rec.Hash, rec.Height)
		}
		resp.Error = &ErrorBody{Code: rec.Code, Name: code.Name(), Message: msg, Hint: s.hint(code, msg, hintLang(r), "")}
	}
	writeJSON(w, HTTPStatus(code), resp)
}

func broadcastError(err error) error {
	var full mempool.ErrMempoolIsFull
	var large mempool.ErrTxTooLarge
	var invalid mempool.ErrInvalidTx
	switch {
	case errors.As(err, &invalid):
		// CometBFT reports the app's CheckTx rejection as an error.
		return &errcode.Error{Code: errcode.Code(invalid.Code), Msg: invalid.Log}
	case errors.As(err, &full), errors.Is(err, mempool.ErrRecheckFull):
		return errcode.New(errcode.MempoolFull, "the node's mempool is full; retry in a moment")
	case errors.As(err, &large):
		return errcode.New(errcode.TooLarge, "%v", err)
	default:
		return errcode.New(errcode.Unavailable, "the node could not take the transaction: %v", err)
	}
}

// TxResponse answers GET /v1/txs/{hash}.
type TxResponse struct {
	app.TxRecord
	Body json.RawMessage `json:"body,omitempty"`
	// Redacted says what the caller may not see (ADR 0007): "body" (a
	// member not party to it: no body, result or log) or "all" (the
	// public: only where the transaction is and how it ended).
	Redacted string `json:"redacted,omitempty"`
	// Hint, for a transaction that failed in its block, says what its
	// code means and what to do, in the language the request prefers;
	// asked in Chinese, it ends with the reason in Chinese when the
	// caller may read the log.
	Hint string `json:"hint,omitempty"`
}

func parseHash(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, errcode.New(errcode.BadRequest, "transaction hash must be 64 hex digits, got %q", clip(s))
	}
	copy(h[:], b)
	return h, nil
}

func (s *Server) getTx(w http.ResponseWriter, r *http.Request) error {
	h, err := parseHash(r.PathValue("hash"))
	if err != nil {
		return err
	}
	rec, err := s.app.LookupTx(h)
	if err != nil {
		return err
	}
	if rec == nil || rec.Height > s.app.Store().Version() {
		return errcode.New(errcode.NotFound, "no committed transaction %X on this node", h)
	}
	resp := TxResponse{TxRecord: *rec}
	height := rec.Height
	if blk, err := s.chain.Block(r.Context(), &height); err == nil && rec.Index < len(blk.Block.Txs) {
		if t, err := tx.Decode(blk.Block.Txs[rec.Index]); err == nil && json.Valid(t.Body) {
			resp.Body = t.Body
		}
	}
	if err := s.scopeTx(r, &resp); err != nil {
		return err
	}
	if resp.Code != 0 {
		resp.Hint = s.hint(errcode.Code(resp.Code), resp.Log, hintLang(r), "")
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// scopeTx leaves out of a transaction what the caller may not read (ADR
// 0007): its body, result and log unless the caller's organisation signed
// it, oversees, or its module says the caller is a party; for the public
// also who signed it and what it did.
func (s *Server) scopeTx(r *http.Request, t *TxResponse) error {
	c := access.From(r.Context())
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	signerOrg := ""
	if id, err := tx.ParseKeyID(t.Signer); err == nil {
		if k, err := identity.GetKey(v, id); err == nil {
			signerOrg = k.Org
		}
	}
	if t.Module != "" && s.app.CanReadTx(v, t.Module, t.Action, signerOrg, t.Body, c) {
		return nil
	}
	t.Body, t.Result, t.Log = nil, nil, ""
	t.Redacted = "body"
	if c.Public() {
		t.Module, t.Action, t.Signer, t.Nonce = "", "", "", 0
		t.Redacted = "all"
	}
	return nil
}

// waitParam reads ?wait=: true (the default) answers once the transaction
// is committed, false once it is admitted. Anything else is a mistake the
// client should hear of, not a silent wait.
func waitParam(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("wait"); v {
	case "", "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, errcode.New(errcode.BadRequest, "query parameter wait must be true or false, got %q", v)
	}
}
