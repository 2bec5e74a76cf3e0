// Package gateway serves a node's HTTP JSON API: submitting signed
// transactions and waiting for their commit, reading transactions, blocks,
// organisations, keys, validators and proposals, and querying any state key
// with a proof bundle that verifies offline. The API is described by the
// OpenAPI document it serves at /openapi.json.
package gateway

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI document of the API.
func OpenAPI() []byte { return openAPI }

// Chain is what the gateway needs of the consensus node: CometBFT's local
// RPC client satisfies it.
type Chain interface {
	Status(ctx context.Context) (*ctypes.ResultStatus, error)
	Block(ctx context.Context, height *int64) (*ctypes.ResultBlock, error)
	BlockchainInfo(ctx context.Context, minHeight, maxHeight int64) (*ctypes.ResultBlockchainInfo, error)
	Commit(ctx context.Context, height *int64) (*ctypes.ResultCommit, error)
	Validators(ctx context.Context, height *int64, page, perPage *int) (*ctypes.ResultValidators, error)
	BroadcastTxSync(ctx context.Context, tx types.Tx) (*ctypes.ResultBroadcastTx, error)
}

// Options configure a Server.
type Options struct {
	App      *app.App
	Chain    Chain
	Registry *prometheus.Registry // served at /metrics; nil for none
	Logger   *slog.Logger
	Org      string // the organisation running this node
	Moniker  string
	// Scans records public scans in batches; nil when the node has no
	// operator key to sign them.
	Scans ScanRecorder
	// PublicURL is the base of the public URLs in QR codes ("" : this host).
	PublicURL string
	// Now is the clock for stamping public scans (nil: time.Now).
	Now func() time.Time
	// Web serves every path outside the API (the pages); nil for none.
	Web http.Handler
	// Blobs is the node's store of off-chain files; nil disables uploads.
	Blobs *blob.Store
	// CommitTimeout bounds how long a submit waits for its commit.
	CommitTimeout time.Duration
}

// Server is the HTTP API of one node.
type Server struct {
	app     *app.App
	chain   Chain
	log     *slog.Logger
	opts    Options
	mux     *http.ServeMux
	metrics *metrics
	// patterns are the endpoints registered on mux, in registration order.
	patterns []string
}

// New returns a server; serve it with Handler.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CommitTimeout <= 0 {
		opts.CommitTimeout = 30 * time.Second
	}
	s := &Server{app: opts.App, chain: opts.Chain, log: opts.Logger, opts: opts, mux: http.NewServeMux()}
	s.metrics = newMetrics(opts.Registry)
	s.routes()
	return s
}

func (s *Server) routes() {
	handle := func(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
		s.patterns = append(s.patterns, pattern)
		s.mux.Handle(pattern, s.wrap(pattern, h))
	}
	handle("GET /healthz", s.health)
	handle("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(openAPI)
		return err
	})
	if s.opts.Registry != nil {
		s.patterns = append(s.patterns, "GET /metrics")
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{}))
	}
	handle("GET /v1/status", s.status)
	handle("POST /v1/txs", s.submitTx)
	handle("GET /v1/txs/{hash}", s.getTx)
	handle("GET /v1/blocks", s.listBlocks)
	handle("GET /v1/blocks/{height}", s.getBlock)
	handle("GET /v1/state", s.getState)
	handle("GET /v1/proof", s.getProof)
	handle("GET /v1/orgs", s.listOrgs)
	handle("GET /v1/orgs/{id}", s.getOrg)
	handle("GET /v1/orgs/{id}/keys", s.listOrgKeys)
	handle("GET /v1/keys/{id}", s.getKey)
	handle("GET /v1/keys/{id}/nonce", s.getNonce)
	handle("GET /v1/validators", s.listValidators)
	handle("GET /v1/proposals", s.listProposals)
	handle("GET /v1/proposals/{id}", s.getProposal)
	handle("GET /v1/actions", s.listActions)
	handle("POST /v1/blobs", s.uploadBlob)
	s.notaryRoutes(handle)
	s.receivableRoutes(handle)
	s.traceRoutes(handle)
	apiNotFound := s.wrap("/", func(w http.ResponseWriter, r *http.Request) error {
		return errcode.New(errcode.NotFound, "no API endpoint %s %s; the API is described at /openapi.json", r.Method, r.URL.Path)
	})
	s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Everything outside the API is a page, when the node serves pages.
		if s.opts.Web != nil && !isAPIPath(r.URL.Path) {
			s.opts.Web.ServeHTTP(w, r)
			return
		}
		apiNotFound.ServeHTTP(w, r)
	}))
}

// Routes returns the pattern of every endpoint the server serves, in
// net/http ServeMux syntax ("GET /v1/txs/{hash}"), in registration order.
// Each one is documented in the OpenAPI document; the catch-all that
// answers any other method or path with a not_found error is not listed.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// wrap turns a handler that returns an error into an http.Handler that
// writes the error as JSON with the status its code calls for, and counts
// requests.
func (s *Server) wrap(pattern string, h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		err := h(w, r)
		code := errcode.Of(err)
		if err != nil {
			if code == errcode.Internal {
				s.log.Error("api request", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
		}
		s.metrics.observe(pattern, code, time.Since(start))
	})
}

// APIError is the JSON body of every error response.
type APIError struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody describes an error: a stable code and name, and a message for
// people.
type ErrorBody struct {
	Code    uint32 `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// HTTPStatus maps a result code to the HTTP status of an API response.
func HTTPStatus(c errcode.Code) int {
	switch c {
	case errcode.OK:
		return http.StatusOK
	case errcode.Malformed, errcode.MalformedBody, errcode.WrongChain, errcode.BadRequest, errcode.UnknownAction:
		return http.StatusBadRequest
	case errcode.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errcode.UnknownSigner, errcode.BadSignature:
		return http.StatusUnauthorized
	case errcode.Unauthorized, errcode.KeyInactive:
		return http.StatusForbidden
	case errcode.NotFound:
		return http.StatusNotFound
	case errcode.NonceReplayed, errcode.NonceGap, errcode.Conflict:
		return http.StatusConflict
	case errcode.RuleViolation, errcode.ProofInvalid:
		return http.StatusUnprocessableEntity
	case errcode.MempoolFull, errcode.Unavailable:
		return http.StatusServiceUnavailable
	case errcode.Timeout:
		return http.StatusGatewayTimeout
	default:
		return http.StatusInternalServerError
	}
}

func writeError(w http.ResponseWriter, err error) {
	code := errcode.Of(err)
	if errors.Is(err, context.DeadlineExceeded) {
		code = errcode.Timeout
		err = errcode.New(errcode.Timeout, "the request took too long; try again")
	}
	writeJSON(w, HTTPStatus(code), APIError{Error: ErrorBody{Code: uint32(code), Name: code.Name(), Message: errcode.Message(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	st, err := s.chain.Status(r.Context())
	if err != nil {
		return errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok":          true,
		"height":      st.SyncInfo.LatestBlockHeight,
		"catching_up": st.SyncInfo.CatchingUp,
		"app_version": s.app.Store().Version(),
	})
	return nil
}

// isAPIPath reports whether a path belongs to the API (JSON answers) rather
// than to the pages.
func isAPIPath(p string) bool {
	switch p {
	case "/v1", "/healthz", "/metrics", "/openapi.json":
		return true
	}
	return strings.HasPrefix(p, "/v1/")
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// decodeJSON reads a strict JSON request body of at most max bytes.
func decodeJSON(r *http.Request, v any, max int64) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, max))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errcode.New(errcode.BadRequest, "request body: %v", err)
	}
	if dec.More() {
		return errcode.New(errcode.BadRequest, "request body has data after the JSON object")
	}
	return nil
}
