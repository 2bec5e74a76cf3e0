// Package httpapi is what a module's HTTP endpoints are made of: the node
// environment they run in (Env), the router they register on, typed query
// handlers built from api.Query descriptors, and the JSON helpers every
// endpoint shares. The gateway hosts the endpoints; modules import this
// package, never the gateway.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
)

// Env is what a module's endpoints see of the node.
type Env interface {
	ChainID() string
	// View opens the committed state at height (0: the latest). A height
	// the node does not have is a not_found error, a negative one a
	// bad_request.
	View(height int64) (*state.View, error)
	// BlockTime is the latest block's time: the "now" of the chain's
	// queries, never this node's clock.
	BlockTime(ctx context.Context) (time.Time, error)
	// Prover builds and checks proof bundles.
	Prover() *prover.Prover
	// PublicURL joins the node's public base URL and path: what QR codes
	// and links given out to others point at.
	PublicURL(path string) string
	// Now is the node's clock, for what is not a chain fact (a scan's
	// arrival, say).
	Now() time.Time
	Logger() *slog.Logger
	// Chain is the node's blocks, mempool and nonces, for endpoints that
	// speak for the chain itself (the Ethereum JSON-RPC, ADR 0014).
	Chain() Chain
	// TokenCaller returns the member an API token stands for, for the
	// endpoints that take the token in their path because their clients
	// cannot send headers (Ethereum tools, ADR 0014). An unknown or revoked
	// token is an unauthenticated error.
	TokenCaller(token string) (access.Caller, error)
}

// Chain is what the node offers of its consensus: committed blocks, the
// mempool and the signer keys' nonces.
type Chain interface {
	// Block returns the committed block at height (0: the latest), or a
	// not_found error.
	Block(ctx context.Context, height int64) (*Block, error)
	// BlockByHash returns the committed block whose header has this hash,
	// or a not_found error.
	BlockByHash(ctx context.Context, hash []byte) (*Block, error)
	// Broadcast hands a transaction to the mempool and returns CheckTx's
	// code and log (code 0: admitted, or already in the mempool).
	Broadcast(ctx context.Context, raw []byte) (code uint32, log string, err error)
	// NextNonce returns a key's next number in its sequence, counting the
	// transactions waiting in the mempool.
	NextNonce(id tx.KeyID) (uint64, error)
}

// Block is a committed block as endpoints see it.
type Block struct {
	Height int64
	// Hash is the header's hash; ParentHash the previous block's (zero
	// for the first block).
	Hash, ParentHash []byte
	// AppHash is the state root after the previous block, as the header
	// commits to it.
	AppHash  []byte
	Proposer []byte // the proposing validator's address
	Time     time.Time
	Txs      [][]byte
	Size     int // the block's encoded size in bytes
}

// HandlerFunc answers a request or returns an error, which the gateway
// writes as the API's JSON error with the status its code calls for.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Router is where a module registers its endpoints. Patterns are
// net/http ServeMux patterns with a method ("GET /v1/notary/works/{id}");
// every one must be documented in the module's OpenAPI fragment.
// Registering a pattern twice panics. Without options an endpoint answers
// only callers authenticated as a member organisation and takes a body of
// at most DefaultBodyLimit bytes.
type Router interface {
	Handle(pattern string, h HandlerFunc, opts ...Option)
}

// DefaultBodyLimit bounds a request body unless the route says otherwise.
const DefaultBodyLimit = 1 << 20

// Route is how an endpoint is served.
type Route struct {
	// Public: anyone may call it; otherwise only members (ADR 0007).
	Public bool
	// MaxBody bounds the request body (DefaultBodyLimit when 0).
	MaxBody int64
	// Bulk marks an endpoint that receives large bodies: the gateway
	// bounds how many run at once.
	Bulk bool
	// Replayable marks a POST that may take the same signed request twice:
	// it changes nothing (a check, a preview), or what it takes carries
	// its own protection (a signed transaction's nonce). The gateway
	// refuses any other signed write sent again (ADR 0007).
	Replayable bool
}

// Option sets how an endpoint is served.
type Option func(*Route)

// Public lets anyone call the endpoint.
func Public(r *Route) { r.Public = true }

// Replayable marks a POST endpoint that may take the same signed request
// twice (Route.Replayable).
func Replayable(r *Route) { r.Replayable = true }

// MaxBody sets the endpoint's body limit; a limit over DefaultBodyLimit
// makes it a bulk endpoint.
func MaxBody(n int64) Option {
	return func(r *Route) {
		r.MaxBody = n
		r.Bulk = n > DefaultBodyLimit
	}
}

// RouteOf applies opts.
func RouteOf(opts ...Option) Route {
	var r Route
	for _, o := range opts {
		o(&r)
	}
	if r.MaxBody == 0 {
		r.MaxBody = DefaultBodyLimit
	}
	return r
}

// Describer is a router that also documents endpoints: a typed query
// (Query) is described by its parameters and answer, and the gateway
// writes its OpenAPI operation when the module's fragment has none.
type Describer interface {
	Describe(pattern string, d Description)
}

// Description is what a typed query says of itself.
type Description struct {
	Doc    string
	Params reflect.Type // the params struct (path and query tags)
	Result reflect.Type // the JSON answer
}

// Module is what a module contributes to the API.
type Module struct {
	// OpenAPI is the module's fragment of the OpenAPI document: an object
	// with "paths" and optionally "components": {"schemas": {...}}. The
	// gateway merges it into the document it serves; a path or schema
	// name another module already has is an error.
	OpenAPI []byte
	// Routes registers the endpoints.
	Routes func(env Env, r Router)
}

// Query registers a typed read endpoint: its parameters are decoded from
// the request (api.DecodeParams) and f's answer is written as JSON with
// status 200.
func Query[P, R any](r Router, q api.Query[P, R], f func(ctx context.Context, p P) (*R, error)) {
	if d, ok := r.(Describer); ok {
		d.Describe(q.Pattern(), Description{Doc: q.Doc, Params: reflect.TypeFor[P](), Result: reflect.TypeFor[R]()})
	}
	r.Handle(q.Pattern(), func(w http.ResponseWriter, req *http.Request) error {
		var p P
		if err := api.DecodeParams(&p, req.PathValue, req.URL.Query()); err != nil {
			return err
		}
		out, err := f(req.Context(), p)
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, out)
		return nil
	}, QueryOptions(q)...)
}

// QueryOptions are the route options a query's descriptor implies.
func QueryOptions[P, R any](q api.Query[P, R]) []Option {
	if q.Public {
		return []Option{Public}
	}
	return nil
}

// Raw registers a handler at a query's pattern whose answer is not plain
// JSON (a file download, an image, an upload's answer).
func Raw[P, R any](r Router, q api.Query[P, R], h HandlerFunc, opts ...Option) {
	r.Handle(q.Pattern(), h, append(QueryOptions(q), opts...)...)
}

// Caller returns who made the request (the public when nobody signed in).
func Caller(ctx context.Context) access.Caller { return access.From(ctx) }

// WriteJSON writes v as indented JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// DecodeJSON reads a strict JSON request body of at most max bytes.
func DecodeJSON(r *http.Request, v any, max int64) error {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errcode.New(errcode.TooLarge, "request body is over %d bytes", max)
	case err != nil:
		return errcode.New(errcode.BadRequest, "request body: %v", err)
	case !utf8.Valid(b):
		return errcode.New(errcode.BadRequest, "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errcode.New(errcode.BadRequest, "request body: %v", err)
	}
	if dec.More() {
		return errcode.New(errcode.BadRequest, "request body has data after the JSON object")
	}
	// encoding/json matches keys whatever their case and takes the last
	// of a key given twice; a request means exactly what it says.
	if err := module.StrictKeys(b, v); err != nil {
		return errcode.New(errcode.BadRequest, "request body: %v", err)
	}
	return nil
}

// Param returns a required query parameter, trimmed; its absence is a
// bad_request error showing an example.
func Param(r *http.Request, name, example string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return "", errcode.New(errcode.BadRequest, "give ?%s=, e.g. %s", name, example)
	}
	return v, nil
}

// Required returns v trimmed, or a bad_request error naming the query
// parameter with an example when it is empty.
func Required(v, name, example string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", errcode.New(errcode.BadRequest, "give ?%s=, e.g. %s", name, example)
	}
	return v, nil
}

// FormFile reads an uploaded multipart file of at most max bytes; nil
// when the field is absent or the file empty.
func FormFile(r *http.Request, field string, max int64) ([]byte, error) {
	f, _, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &http.MaxBytesError{Limit: max}
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// WriteCertificate answers the proof bundle of a record's state key at the
// newest height (a certificate), as a file download when download is set.
// A record that is absent is a not_found error naming it.
func WriteCertificate(env Env, w http.ResponseWriter, r *http.Request, key []byte, name string, download bool) error {
	b, err := env.Prover().Bundle(r.Context(), key, 0)
	if err != nil {
		return err
	}
	if !b.Exists() {
		return errcode.New(errcode.NotFound, "no record %s", name)
	}
	raw, err := b.Marshal()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if download {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "certificate-"+name+".json"))
	}
	_, err = w.Write(raw)
	return err
}
