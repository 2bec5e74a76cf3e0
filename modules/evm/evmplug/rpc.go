package evmplug

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
)

// The Ethereum JSON-RPC over HTTP (ADR 0014): JSON-RPC 2.0 requests and
// batches, answered as geth answers them, so that clients that parse
// geth's errors (ethers, web3.js, Hardhat, MetaMask) understand ours.

// Limits of the endpoint.
const (
	maxRPCBody  = 2 << 20 // a body: batches of raw transactions
	maxBatch    = 100     // requests in a batch
	rpcDeadline = 30 * time.Second
)

// JSON-RPC error codes, as geth uses them.
const (
	codeParse          = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeServer         = -32000 // geth's code for what went wrong serving
	codeUnauthorized   = -32001 // a members' method asked by the public
	codeReverted       = 3      // execution reverted, with its data
)

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return e.Message }

func rpcErr(code int, format string, args ...any) *rpcError {
	return &rpcError{Code: code, Message: fmt.Sprintf(format, args...)}
}

type rpcRequest struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id,omitempty"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

// method is one JSON-RPC method: whether the public may call it, and
// its implementation.
type method struct {
	public bool
	run    func(ctx context.Context, s *server, params []json.RawMessage) (any, error)
}

// serveRPC answers a JSON-RPC request or batch. Transport problems (an
// empty body, one over the limit, another content type) are API errors,
// as geth answers them with an HTTP status; everything in a JSON body is
// answered in JSON-RPC.
func (s *server) serveRPC(w http.ResponseWriter, r *http.Request) error {
	cors(w.Header())
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRPCBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errcode.New(errcode.TooLarge, "request body is over %d bytes", maxRPCBody)
	case err != nil:
		return errcode.New(errcode.BadRequest, "request body: %v", err)
	case len(bytes.TrimSpace(body)) == 0:
		return errcode.New(errcode.BadRequest, "the body must be a JSON-RPC 2.0 request or batch (Content-Type: application/json)")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && mt != "application/json-rpc" && mt != "application/jsonrequest") {
			return errcode.New(errcode.BadRequest, "invalid content type %q, only application/json is supported", ct)
		}
	}
	caller := httpapi.Caller(r.Context())
	if tok := r.PathValue("token"); tok != "" {
		if caller, err = s.env.TokenCaller(tok); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), rpcDeadline)
	defer cancel()
	ctx = access.With(ctx, caller)

	trimmed := bytes.TrimLeft(body, " \t\r\n")
	var out any
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var batch []json.RawMessage
		if err := json.Unmarshal(body, &batch); err != nil {
			out = rpcResponse{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: rpcErr(codeParse, "parse error")}
		} else if len(batch) == 0 {
			out = rpcResponse{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: rpcErr(codeInvalidRequest, "empty batch")}
		} else if len(batch) > maxBatch {
			out = rpcResponse{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: rpcErr(codeServer, "batch too large (%d requests; at most %d)", len(batch), maxBatch)}
		} else {
			res := make([]rpcResponse, 0, len(batch))
			for _, msg := range batch {
				if resp, ok := s.handle(ctx, caller, msg); ok {
					res = append(res, resp)
				}
			}
			if len(res) == 0 {
				w.WriteHeader(http.StatusOK) // a batch of notifications only
				return nil
			}
			out = res
		}
	} else {
		resp, ok := s.handle(ctx, caller, body)
		if !ok {
			w.WriteHeader(http.StatusOK)
			return nil
		}
		out = resp
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(out)
}

// handle answers one request; ok is false for a notification (no id),
// which gets no answer.
func (s *server) handle(ctx context.Context, caller access.Caller, msg json.RawMessage) (rpcResponse, bool) {
	var req rpcRequest
	resp := rpcResponse{JSONRPC: "2.0", ID: json.RawMessage("null")}
	if !json.Valid(msg) {
		resp.Error = rpcErr(codeParse, "parse error")
		return resp, true
	}
	if err := json.Unmarshal(msg, &req); err != nil {
		resp.Error = rpcErr(codeInvalidRequest, "invalid request")
		return resp, true
	}
	if len(req.ID) > 0 {
		resp.ID = req.ID
	}
	if req.JSONRPC != "2.0" || req.Method == "" {
		resp.Error = rpcErr(codeInvalidRequest, "invalid request")
		return resp, true
	}
	notification := len(req.ID) == 0
	m, ok := s.methods[req.Method]
	if !ok {
		resp.Error = rpcErr(codeMethodNotFound, "the method %s does not exist/is not available", req.Method)
		return resp, !notification
	}
	if !m.public && caller.Public() {
		resp.Error = rpcErr(codeUnauthorized, "unauthorized: %s answers member organisations only; use the node's /eth/<API token> URL (a token from the hall's account page) or a signed request", req.Method)
		return resp, !notification
	}
	result, err := m.run(ctx, s, req.Params)
	if err != nil {
		resp.Error = toRPCError(err)
	} else {
		resp.Result = result
		if result == nil {
			resp.Result = json.RawMessage("null")
		}
	}
	return resp, !notification
}

// toRPCError shapes an error as geth does: its own code when it has one,
// -32000 with the message otherwise.
func toRPCError(err error) *rpcError {
	var re *rpcError
	if errors.As(err, &re) {
		return re
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return rpcErr(codeServer, "request timed out")
	}
	if errcode.Of(err) == errcode.Internal {
		return rpcErr(codeServer, "internal error")
	}
	return rpcErr(codeServer, "%s", errcode.Message(err))
}

// cors lets pages served from anywhere call the endpoint (dapps, the
// Remix IDE): it carries no cookies, and a token in its path or a signed
// request is its only credential.
func cors(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, "+strings.Join([]string{"Dengta-Key", "Dengta-Time", "Dengta-Content-SHA256", "Dengta-Signature"}, ", "))
	h.Set("Access-Control-Max-Age", "600")
}

// preflight answers a CORS preflight request; an OPTIONS request that is
// not one is a bad request.
func preflight(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get("Access-Control-Request-Method") == "" {
		return errcode.New(errcode.BadRequest, "OPTIONS answers CORS preflight requests (with Access-Control-Request-Method); send JSON-RPC with POST")
	}
	cors(w.Header())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// param decodes params[i] into v; a missing optional parameter leaves v.
func param(params []json.RawMessage, i int, v any, required bool) error {
	if i >= len(params) || string(params[i]) == "null" {
		if required {
			return rpcErr(codeInvalidParams, "missing value for required argument %d", i)
		}
		return nil
	}
	if err := json.Unmarshal(params[i], v); err != nil {
		return rpcErr(codeInvalidParams, "invalid argument %d: %v", i, err)
	}
	return nil
}
