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
	"net/netip"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cometbft/cometbft/mempool"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
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
	BlockByHash(ctx context.Context, hash []byte) (*ctypes.ResultBlock, error)
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
	// Reasons gives a refusal's message in Chinese, when a catalogue has
	// it (web.Server.ChineseReasonFor); a Chinese hint carries it. module
	// is the module whose endpoint answered ("" for a core endpoint or a
	// transaction's result).
	Reasons func(module, msg string) (string, bool)
	// Blobs is the node's store of off-chain files; nil disables uploads.
	Blobs *blob.Store
	// BlobQuota bounds the bytes each organisation may store in Blobs
	// (0: DefaultBlobQuota).
	BlobQuota int64
	// CommitTimeout bounds a submit from its arrival to its answer
	// (default 30 s): at most BroadcastTimeout of it to enter the
	// mempool, the rest waiting for the commit.
	CommitTimeout time.Duration
	// BroadcastTimeout bounds how long a submit waits for the mempool to
	// take or refuse the transaction (default 10 s).
	BroadcastTimeout time.Duration
	// Refuse says why the node takes no new transactions now (consensus
	// halted, disk low), as an error with its code; nil when it takes
	// them. /healthz reports the same. Nil: always takes them.
	Refuse func() error
	// MempoolRoom is how many more transactions the node's mempool can
	// take now (0: full). A batch arriving at a full mempool is refused
	// before its body is read, and only the transactions that fit have
	// their signatures verified ahead of admission. Nil: unknown.
	MempoolRoom func() int
	// Halt is closed when consensus has stopped for good: submits still
	// waiting for a commit are answered at once. Nil: never.
	Halt <-chan struct{}
	// MaxBlockAge is how old the latest block may be before /healthz
	// reports the node unhealthy (default 60 s; an idle chain makes an
	// empty block every 10 s).
	MaxBlockAge time.Duration
	// Tokens verifies API tokens (nil: none are accepted).
	Tokens Tokens
	// MetricsToken, when set, lets a request with it as a bearer token
	// read /metrics from anywhere; otherwise only loopback clients may.
	MetricsToken string
	// Relay is the node operator's key, which relays applications to join
	// (ADR 0018); nil: the node takes none.
	Relay *tx.PrivateKey
	// Proxies are the reverse proxies whose X-Forwarded-For is believed
	// when limiting applications by client address.
	Proxies []netip.Prefix
	// JoinBundle writes a join bundle from this node (the genesis, its
	// latest block as the trusted one, the consortium's peers and RPC
	// servers) for approved applicants; nil: none.
	JoinBundle func(ctx context.Context) ([]byte, error)
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
	// patterns are the endpoints registered on mux, in registration order,
	// and access how each is served.
	patterns []string
	// literalPaths are the paths of the endpoints without a wildcard: a
	// request to one of them that fits another method's wildcard route
	// is that endpoint's, answered 405 (wrapRoute).
	literalPaths map[string]bool
	access       map[string]httpapi.Route
	// bulk has a slot per large request body being received.
	bulk chan struct{}
	// openAPI is the served document: the core's, every module's
	// fragment, and the schemas of every action's body.
	openAPI []byte
	// relay serialises the operator key's nonces; applyLimiter limits
	// applications by client address.
	relay        relay
	applyLimiter *ratelimit.Limiter
	// replays refuses a signed write sent again (ADR 0007).
	replays replayGuard
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
	if opts.BroadcastTimeout <= 0 || opts.BroadcastTimeout > opts.CommitTimeout {
		opts.BroadcastTimeout = min(10*time.Second, opts.CommitTimeout)
	}
	if opts.MaxBlockAge <= 0 {
		opts.MaxBlockAge = DefaultMaxBlockAge
	}
	s := &Server{app: opts.App, chain: opts.Chain, log: opts.Logger, opts: opts, mux: http.NewServeMux(), prover: opts.Prover,
		access: map[string]httpapi.Route{}, literalPaths: map[string]bool{}, bulk: make(chan struct{}, maxBulk)}
	s.applyLimiter = ratelimit.New(applyLimit, ratelimit.Options{MaxKeys: 10_000, Now: s.Now})
	if s.prover == nil {
		s.prover = prover.New(opts.App.ChainID(), opts.App.Store(), opts.Chain)
	}
	s.metrics = newMetrics(opts.Registry)
	described := s.routes()
	doc, err := assembleOpenAPI(coreOpenAPI, opts.Modules, s.app.Actions(), described, s.access)
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
	handle := func(pattern string, h func(w http.ResponseWriter, r *http.Request) error, opts ...httpapi.Option) {
		if slices.Contains(s.patterns, pattern) {
			panic(fmt.Sprintf("gateway: endpoint %s registered twice", pattern))
		}
		s.patterns = append(s.patterns, pattern)
		if _, path, _ := strings.Cut(pattern, " "); !strings.Contains(path, "{") {
			s.literalPaths[path] = true
		}
		route := httpapi.RouteOf(opts...)
		s.access[pattern] = route
		s.mux.Handle(pattern, s.wrapRoute(pattern, route, h))
	}
	public := httpapi.Public
	handle("GET /healthz", s.health, public)
	handle("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(s.openAPI)
		return err
	}, public)
	if s.opts.Registry != nil {
		metrics := promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{})
		handle("GET /metrics", func(w http.ResponseWriter, r *http.Request) error {
			if !s.metricsAllowed(r) {
				return errcode.New(errcode.Unauthorized, "metrics are served to this machine (loopback) or with the node's metrics token (Authorization: Bearer, settings metrics_token)")
			}
			metrics.ServeHTTP(w, r)
			return nil
		}, public)
	}
	handle("GET /v1/status", s.status, public)
	handle("POST /v1/txs", s.submitTx, public, httpapi.Replayable, httpapi.MaxBody(2*tx.MaxTxBytes+1024))
	handle("POST /v1/txs/batch", s.submitBatch, public, httpapi.Replayable, httpapi.MaxBody(maxBatchBody))
	handle("GET /v1/txs/{hash}", s.getTx, public)
	handle("GET /v1/blocks", s.listBlocks, public)
	handle("GET /v1/blocks/{height}", s.getBlock, public)
	handle("GET /v1/state", s.getState, public)
	handle("GET /v1/proof", s.getProof, public)
	handle("GET /v1/orgs", s.listOrgs, public)
	handle("GET /v1/orgs/{id}", s.getOrg, public)
	handle("GET /v1/orgs/{id}/keys", s.listOrgKeys, public)
	handle("GET /v1/keys/{id}", s.getKey, public)
	handle("GET /v1/keys/{id}/nonce", s.getNonce, public)
	handle("GET /v1/validators", s.listValidators, public)
	handle("GET /v1/proposals", s.listProposals)
	handle("GET /v1/proposals/{id}", s.getProposal)
	handle("POST /v1/governance/preview", s.previewGovernance, httpapi.Replayable)
	s.applicationRoutes(handle)
	handle("GET /v1/upgrade", s.getUpgrade, public)
	handle("GET /v1/actions", s.listActions, public)
	blobMax := int64(httpapi.DefaultBodyLimit)
	if s.opts.Blobs != nil {
		blobMax = s.opts.Blobs.MaxSize() + 64<<10
	}
	handle("POST /v1/blobs", s.uploadBlob, httpapi.MaxBody(blobMax))
	rt := router{described: map[string]httpapi.Description{}, handle: handle}
	for _, m := range s.opts.Modules {
		if m.Routes != nil {
			m.Routes(s, rt)
		}
	}
	apiNotFound := s.wrapRoute("/", httpapi.RouteOf(httpapi.Public), func(w http.ResponseWriter, r *http.Request) error {
		if allow, _ := s.allowedMethods(r); len(allow) > 0 {
			// The path is an endpoint's, the method is not: 405 with
			// the methods it takes (RFC 9110, 15.5.6).
			s.methodNotAllowed(w, r, allow)
			return nil
		}
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

// allowedMethods are the methods an endpoint registered at r's path takes,
// when r's own method is not one of them; none when no endpoint has the
// path.
//
// exact says the methods are those of an endpoint at this very path.
func (s *Server) allowedMethods(r *http.Request) (allow []string, exact bool) {
	var literal []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if m == r.Method {
			continue
		}
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
			if !strings.Contains(pattern, "{") {
				literal = append(literal, m)
			}
		}
	}
	// An endpoint at this very path ("POST /v1/txs/batch") is what the
	// path names, not a pattern it happens to fit ("GET /v1/txs/{hash}").
	if len(literal) > 0 {
		return literal, true
	}
	return allow, false
}

// methodNotAllowed answers 405 with the methods allow, when r's path is an
// endpoint's and r's method is not one it takes.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	err := errcode.New(errcode.BadRequest, "%s %s is not served: this endpoint takes %s; the API is described at /openapi.json", r.Method, r.URL.Path, strings.Join(allow, " or "))
	writeJSON(w, http.StatusMethodNotAllowed, s.errorBody(r, errcode.BadRequest, err))
}

// Routes returns the pattern of every endpoint the server serves, in
// net/http ServeMux syntax ("GET /v1/txs/{hash}"), in registration order.
// Each one is documented in the OpenAPI document; the catch-all that
// answers any other method or path with a not_found error is not listed.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }

// Handler returns the server's HTTP handler: every response, pages
// included, carries the security headers.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A handler's panic is this node's defect: log it with its stack
		// and answer 500, not a dropped connection and no trace.
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		s.securityHeaders(w.Header())
		s.mux.ServeHTTP(w, r)
	})
}

// Access returns how the endpoint pattern is served.
func (s *Server) Access(pattern string) (httpapi.Route, bool) {
	r, ok := s.access[pattern]
	return r, ok
}

// wrapRoute turns a handler that returns an error into an http.Handler:
// it bounds the body, authenticates the caller and applies the route's
// access (ADR 0007), writes an error as JSON with the status its code
// calls for, and counts requests.
func (s *Server) wrapRoute(pattern string, route httpapi.Route, h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	wildcard := strings.Contains(pattern, "{")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if wildcard && s.literalPaths[r.URL.Path] {
			// "GET /v1/txs/batch" fits "GET /v1/txs/{hash}", but the path
			// is the batch endpoint's, which takes POST only.
			if allow, exact := s.allowedMethods(r); exact {
				s.methodNotAllowed(w, r, allow)
				s.metrics.observe(pattern, errcode.BadRequest, time.Since(start))
				return
			}
		}
		err := requestError(s.serve(w, r, route, h))
		code := errcode.Of(err)
		if err != nil {
			if code == errcode.Internal {
				s.log.Error("api request", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			s.writeError(w, r, err)
		}
		s.metrics.observe(pattern, code, time.Since(start))
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, route httpapi.Route, h func(w http.ResponseWriter, r *http.Request) error) error {
	r.Body = http.MaxBytesReader(w, r.Body, route.MaxBody)
	// Who is asking is settled before a large body takes one of the
	// upload slots, so the public cannot hold them with slow uploads to
	// members' endpoints; the signature is checked before any body is read.
	caller, err := s.authenticate(r, route)
	if err != nil {
		return err
	}
	if !route.Public && caller.Public() {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dengta", DengtaSignature realm="dengta"`)
		return errcode.New(errcode.Unauthenticated, "this endpoint answers member organisations only: sign the request with a member key (Dengta-Signature headers; the SDK's Client.As) or send a hall API token (Authorization: Bearer)")
	}
	if route.Bulk {
		select {
		case s.bulk <- struct{}{}:
			release := sync.OnceFunc(func() { <-s.bulk })
			defer release()
			r = r.WithContext(context.WithValue(r.Context(), bulkReleaseKey{}, release))
		default:
			w.Header().Set("Retry-After", "5")
			return errcode.New(errcode.Unavailable, "the node is receiving as many large uploads as it takes at once (%d); try again in a few seconds", maxBulk)
		}
	}
	return h(w, r.WithContext(access.With(r.Context(), caller)))
}

type bulkReleaseKey struct{}

// bodyRead gives back the upload slot a bulk request holds once its
// handler has read the whole body (a batch of transactions then waits for
// its commits without holding a slot).
func bodyRead(r *http.Request) {
	if release, ok := r.Context().Value(bulkReleaseKey{}).(func()); ok {
		release()
	}
}

// APIError is the JSON body of every error response.
type APIError struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody describes an error: a stable code and name, a message for
// people (the chain's or the node's own words, in English), and a hint:
// what the code means and what to do about it, in the language the
// request's Accept-Language prefers (Chinese or English; English when it
// names neither).
type ErrorBody struct {
	Code    uint32 `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// errorBody is the body of err's answer to r.
func (s *Server) errorBody(r *http.Request, code errcode.Code, err error) APIError {
	msg := errcode.Message(err)
	return APIError{Error: ErrorBody{Code: uint32(code), Name: code.Name(), Message: msg, Hint: s.hint(code, msg, hintLang(r), endpointModule(r))}}
}

// endpointModule is the first segment of an API path after /v1/: the
// module of a module's endpoint (/v1/trace/journey), a core endpoint's
// name otherwise (/v1/txs), which Options.Reasons tells apart.
func endpointModule(r *http.Request) string {
	if r == nil {
		return ""
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		return ""
	}
	first, _, _ := strings.Cut(rest, "/")
	return first
}

// hint is the hint of an error with code and message msg in lang: what
// the code means and what to do, and in Chinese the message's reason in
// Chinese when a module's catalogue has it (Options.Reasons).
func (s *Server) hint(code errcode.Code, msg, lang, module string) string {
	h := errcode.APISentence(code, lang)
	if lang == "zh" && s.opts.Reasons != nil {
		if zh, ok := s.opts.Reasons(module, msg); ok {
			h += "原因：" + zh + "。"
		}
	}
	return h
}

// hintLang is "zh" when r's Accept-Language prefers Chinese to English,
// "en" otherwise (RFC 9110 12.5.4: weights, then order).
func hintLang(r *http.Request) string {
	if r == nil {
		return "en"
	}
	best, bestQ := "en", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(params)), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		var lang string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			lang = "zh"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = "en"
		default:
			continue
		}
		if q > bestQ && q > 0 {
			best, bestQ = lang, q
		}
	}
	return best
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
	case errcode.UnknownSigner, errcode.BadSignature, errcode.Unauthenticated:
		return http.StatusUnauthorized
	case errcode.RateLimited:
		return http.StatusTooManyRequests
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

// requestError names the caller's mistakes that reach the gateway as
// uncoded errors of the layers below: an id too long to be a state key
// (every read by id builds one) is a bad request, not the node's failure.
func requestError(err error) error {
	if err != nil && errcode.Of(err) == errcode.Internal && errors.Is(err, state.ErrInvalidKey) {
		return errcode.New(errcode.BadRequest, "an identifier in the request is too long: the chain's keys are at most %d bytes", state.MaxKeyLen)
	}
	return err
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := errcode.Of(err)
	if errors.Is(err, context.DeadlineExceeded) {
		code = errcode.Timeout
		err = errcode.New(errcode.Timeout, "the request took too long; try again")
	}
	writeJSON(w, HTTPStatus(code), s.errorBody(r, code, err))
}

func writeJSON(w http.ResponseWriter, status int, v any) { httpapi.WriteJSON(w, status, v) }

// DefaultMaxBlockAge is how old the latest block may be before /healthz
// reports the node unhealthy.
const DefaultMaxBlockAge = 60 * time.Second

// Health is the answer of /healthz: 200 when OK, 503 with the problems
// otherwise.
type Health struct {
	OK bool `json:"ok"`
	// Problems say what is wrong, for people: consensus halted, disk low,
	// catching up, the latest block too old, consensus not answering.
	Problems   []string  `json:"problems,omitempty"`
	Height     int64     `json:"height"`
	BlockTime  time.Time `json:"block_time"`
	BlockAgeMs int64     `json:"block_age_ms"`
	CatchingUp bool      `json:"catching_up"`
	// StateHeight is the last height the application committed.
	StateHeight int64 `json:"state_height"`
	// AppVersion is the application protocol version the chain runs.
	AppVersion uint64 `json:"app_version"`
	// Upgrade is the upgrade governance scheduled, if any (ADR 0019): a
	// node whose software is not ready stops at its height.
	Upgrade *ScheduledUpgrade `json:"upgrade,omitempty"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	h := Health{StateHeight: s.app.Store().Version(), AppVersion: s.app.ChainAppVersion()}
	if st, err := s.upgradeStatus(); err == nil {
		h.Upgrade = st.Scheduled
	}
	if err := s.refuse(); err != nil {
		h.Problems = append(h.Problems, errcode.Message(err))
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	st, err := callChain(ctx, func() (*ctypes.ResultStatus, error) { return s.chain.Status(ctx) })
	if err != nil {
		h.Problems = append(h.Problems, fmt.Sprintf("consensus does not answer: %v", err))
	} else {
		h.Height, h.BlockTime, h.CatchingUp = st.SyncInfo.LatestBlockHeight, st.SyncInfo.LatestBlockTime, st.SyncInfo.CatchingUp
		age := s.Now().Sub(h.BlockTime)
		h.BlockAgeMs = age.Milliseconds()
		if h.CatchingUp {
			h.Problems = append(h.Problems, fmt.Sprintf("catching up with the other members (at height %d)", h.Height))
		} else if age > s.opts.MaxBlockAge {
			h.Problems = append(h.Problems, fmt.Sprintf("the latest block (%d) is %s old, over %s: consensus is not making blocks", h.Height, age.Round(time.Second), s.opts.MaxBlockAge))
		}
	}
	h.OK = len(h.Problems) == 0
	status := http.StatusOK
	if !h.OK {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, h)
	return nil
}

// refuse is Options.Refuse, nil when unset.
func (s *Server) refuse() error {
	if s.opts.Refuse == nil {
		return nil
	}
	return s.opts.Refuse()
}

// callChain runs f, a call of the in-process CometBFT client (which
// ignores contexts), and gives up when ctx ends: a node whose consensus
// is stuck holding the mempool or a store must not hold its callers.
func callChain[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// isAPIPath reports whether a path belongs to the API (JSON answers) rather
// than to the pages.
func isAPIPath(p string) bool {
	switch p {
	case "/v1", "/healthz", "/metrics", "/openapi.json", "/eth":
		return true
	}
	return strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/eth/")
}

// router registers a module's endpoints on the server and keeps what the
// typed ones say of themselves.
type router struct {
	handle    func(string, func(http.ResponseWriter, *http.Request) error, ...httpapi.Option)
	described map[string]httpapi.Description
}

func (r router) Handle(pattern string, h httpapi.HandlerFunc, opts ...httpapi.Option) {
	r.handle(pattern, h, opts...)
}

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
	if errors.Is(err, state.ErrVersionPruned) {
		return nil, errcode.New(errcode.NotFound, "no state at height %d on this node: %v; ask a member whose node keeps every height", height, err)
	}
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

// Chain implements httpapi.Env.
func (s *Server) Chain() httpapi.Chain { return chainView{s} }

// TokenCaller implements httpapi.Env.
func (s *Server) TokenCaller(token string) (access.Caller, error) {
	if s.opts.Tokens == nil {
		return access.Caller{}, errcode.New(errcode.Unauthenticated, "this node takes no API tokens")
	}
	org, user, err := s.opts.Tokens.TokenUser(token)
	if err != nil {
		return access.Caller{}, errcode.New(errcode.Unauthenticated, "the API token is not valid: %v", err)
	}
	return s.memberCaller(org, user, tx.KeyID{})
}

// chainView is the node's consensus as modules see it (httpapi.Chain).
type chainView struct{ s *Server }

func (c chainView) Block(ctx context.Context, height int64) (*httpapi.Block, error) {
	var h *int64
	if height > 0 {
		h = &height
	}
	res, err := c.s.chain.Block(ctx, h)
	if err != nil || res == nil || res.Block == nil {
		return nil, errcode.New(errcode.NotFound, "no block %d on this node", height)
	}
	return toBlock(res), nil
}

func (c chainView) BlockByHash(ctx context.Context, hash []byte) (*httpapi.Block, error) {
	res, err := c.s.chain.BlockByHash(ctx, hash)
	if err != nil || res == nil || res.Block == nil {
		return nil, errcode.New(errcode.NotFound, "no block %X on this node", hash)
	}
	return toBlock(res), nil
}

func toBlock(res *ctypes.ResultBlock) *httpapi.Block {
	b := res.Block
	out := &httpapi.Block{
		Height: b.Height, Hash: res.BlockID.Hash, ParentHash: b.LastBlockID.Hash, AppHash: b.AppHash,
		Proposer: b.ProposerAddress, Time: b.Time, Size: b.Size(),
	}
	for _, t := range b.Txs {
		out.Txs = append(out.Txs, t)
	}
	return out
}

func (c chainView) Broadcast(ctx context.Context, raw []byte) (uint32, string, error) {
	res, err := c.s.chain.BroadcastTxSync(ctx, raw)
	switch {
	case err == nil:
		return res.Code, res.Log, nil
	case errors.Is(err, mempool.ErrTxInCache), errors.Is(err, mempool.ErrTxInMempool):
		return 0, "", nil
	}
	var invalid mempool.ErrInvalidTx
	if errors.As(err, &invalid) {
		return invalid.Code, invalid.Log, nil
	}
	return 0, "", broadcastError(err)
}

func (c chainView) NextNonce(id tx.KeyID) (uint64, error) { return c.s.app.NextNonce(id) }
