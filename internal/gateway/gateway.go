// Package gateway serves a node's HTTP JSON API: submitting signed
// transactions and waiting for their commit, reading transactions, blocks,
// organisations, keys, validators and proposals, and querying any state key
// with a proof bundle that verifies offline. The API is described by the
// OpenAPI document it serves at /openapi.json.
package gateway

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
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
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/state"
)

//go:embed openapi.json
var coreOpenAPI []byte

// Chain is what the gateway needs of the consensus node: CometBFT's local
// RPC client satisfies it.
type Chain interface {
	prover.Chain
	Block(ctx context.Context, height *int64) (*ctypes.ResultBlock, error)
	BlockchainInfo(ctx context.Context, minHeight, maxHeight int64) (*ctypes.ResultBlockchainInfo, error)
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
	// Prover builds proof bundles (nil: one over App's store and Chain).
	Prover *prover.Prover
	// Modules are the scenario modules' endpoints.
	Modules []*httpapi.Module
	// PublicURL is the base of the public URLs in QR codes and links.
	PublicURL string
	// Now is the node's clock (nil: time.Now).
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
	prover  *prover.Prover
	// patterns are the endpoints registered on mux, in registration order.
	patterns []string
	// openAPI is the served document: the core's, every module's
	// fragment, and the schemas of every action's body.
	openAPI []byte
}

// New returns a server; serve it with Handler. A module's OpenAPI fragment
// that does not merge (a path or schema another already has) is an error;
// a module registering a pattern twice panics.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CommitTimeout <= 0 {
		opts.CommitTimeout = 30 * time.Second
	}
	s := &Server{app: opts.App, chain: opts.Chain, log: opts.Logger, opts: opts, mux: http.NewServeMux(), prover: opts.Prover}
	if s.prover == nil {
		s.prover = prover.New(opts.App.ChainID(), opts.App.Store(), opts.Chain)
	}
	s.metrics = newMetrics(opts.Registry)
	described := s.routes()
	doc, err := assembleOpenAPI(coreOpenAPI, opts.Modules, s.app.Actions(), described)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	s.openAPI = doc
	return s, nil
}

// OpenAPI returns the OpenAPI document the server serves.
func (s *Server) OpenAPI() []byte { return s.openAPI }

// routes registers every endpoint and returns the typed queries' own
// descriptions, by pattern.
func (s *Server) routes() map[string]httpapi.Description {
	handle := func(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
		s.patterns = append(s.patterns, pattern)
		s.mux.Handle(pattern, s.wrap(pattern, h))
	}
	handle("GET /healthz", s.health)
	handle("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(s.openAPI)
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
	handle("POST /v1/governance/preview", s.previewGovernance)
	handle("GET /v1/actions", s.listActions)
	handle("POST /v1/blobs", s.uploadBlob)
	rt := router{described: map[string]httpapi.Description{}, handle: func(p string, h httpapi.HandlerFunc) {
		if slices.Contains(s.patterns, p) {
			panic(fmt.Sprintf("gateway: endpoint %s registered twice", p))
		}
		handle(p, h)
	}}
	for _, m := range s.opts.Modules {
		if m.Routes != nil {
			m.Routes(s, rt)
		}
	}
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
	return rt.described
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

func writeJSON(w http.ResponseWriter, status int, v any) { httpapi.WriteJSON(w, status, v) }

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

// router registers a module's endpoints on the server and keeps what the
// typed ones say of themselves.
type router struct {
	handle    func(string, httpapi.HandlerFunc)
	described map[string]httpapi.Description
}

func (r router) Handle(pattern string, h httpapi.HandlerFunc) { r.handle(pattern, h) }

func (r router) Describe(pattern string, d httpapi.Description) { r.described[pattern] = d }

// The server is the modules' environment (httpapi.Env).
var _ httpapi.Env = (*Server)(nil)

// ChainID implements httpapi.Env.
func (s *Server) ChainID() string { return s.app.ChainID() }

// View implements httpapi.Env.
func (s *Server) View(height int64) (*state.View, error) {
	if height < 0 {
		return nil, errcode.New(errcode.BadRequest, "height must be a positive integer, got %d", height)
	}
	v, err := s.app.Store().At(height)
	if err != nil {
		return nil, errcode.New(errcode.NotFound, "no state at height %d on this node (latest is %d)", height, s.app.Store().Version())
	}
	return v, nil
}

// BlockTime implements httpapi.Env.
func (s *Server) BlockTime(ctx context.Context) (time.Time, error) {
	st, err := s.chain.Status(ctx)
	if err != nil {
		return time.Time{}, errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	return st.SyncInfo.LatestBlockTime, nil
}

// Prover implements httpapi.Env.
func (s *Server) Prover() *prover.Prover { return s.prover }

// PublicURL implements httpapi.Env: the node's public base URL, never the
// request's Host header, which any client can set.
func (s *Server) PublicURL(path string) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + path
}

// Now implements httpapi.Env.
func (s *Server) Now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// Logger implements httpapi.Env.
func (s *Server) Logger() *slog.Logger { return s.log }
