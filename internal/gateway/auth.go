package gateway

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
)

// maxBulk bounds the large request bodies (uploads) received at once.
const maxBulk = 8

// Tokens verifies API tokens: the hall's accounts issue them to users.
type Tokens interface {
	// TokenUser returns the organisation and hall user of a token, or an
	// error when the token is unknown, revoked or its user disabled.
	TokenUser(token string) (org, user string, err error)
}

// authenticate returns who made the request (ADR 0007): a hall user by
// API token, a member key by signature, or the public. Credentials that
// are present but wrong are an error, never a silent fall back to the
// public.
func (s *Server) authenticate(r *http.Request, route httpapi.Route) (access.Caller, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || s.opts.Tokens == nil {
			return access.Caller{}, errcode.New(errcode.Unauthenticated, "the Authorization header must be \"Bearer <API token>\", a token from the hall's account page")
		}
		org, user, err := s.opts.Tokens.TokenUser(strings.TrimSpace(token))
		if err != nil {
			return access.Caller{}, errcode.New(errcode.Unauthenticated, "the API token is not valid: %v", err)
		}
		return s.memberCaller(org, user, tx.KeyID{})
	}
	if r.Header.Get(tx.HeaderSignature) == "" && r.Header.Get(tx.HeaderKey) == "" {
		return access.Caller{}, nil
	}
	return s.verifySigned(r, route)
}

// memberCaller builds the caller of an active organisation, with its
// roles as the latest state has them.
func (s *Server) memberCaller(org, user string, key tx.KeyID) (access.Caller, error) {
	v, err := s.committed()
	if err != nil {
		return access.Caller{}, err
	}
	o, err := identity.GetOrg(v, org)
	if err != nil || !o.Active {
		return access.Caller{}, errcode.New(errcode.Unauthenticated, "organisation %s is not an active member", org)
	}
	return access.Caller{Org: org, User: user, Key: key, Roles: o.Roles}, nil
}

// signedHeaders are a signed request's headers, parsed.
type signedHeaders struct {
	key     tx.KeyID
	unix    int64
	sig     []byte
	content string // the body's hex SHA-256, or tx.UnsignedPayload
}

// parseSigned reads a signed request's headers and checks their time
// against now (unix seconds). Every refusal is unauthenticated.
func parseSigned(h http.Header, now int64) (*signedHeaders, error) {
	fail := func(format string, args ...any) (*signedHeaders, error) {
		return nil, errcode.New(errcode.Unauthenticated, "signed request: "+format, args...)
	}
	id, err := tx.ParseKeyID(h.Get(tx.HeaderKey))
	if err != nil {
		return fail("%s must be a key id (40 hex digits)", tx.HeaderKey)
	}
	unix, err := strconv.ParseInt(h.Get(tx.HeaderTime), 10, 64)
	if err != nil {
		return fail("%s must be the unix time in seconds", tx.HeaderTime)
	}
	if err := tx.CheckRequestTime(unix, now); err != nil {
		return fail("%v", err)
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get(tx.HeaderSignature))
	if err != nil || len(sig) == 0 || len(sig) > 512 {
		return fail("%s must be the signature in standard base64", tx.HeaderSignature)
	}
	content := h.Get(tx.HeaderContentSHA256)
	if content != tx.UnsignedPayload && !isLowerHex64(content) {
		return fail("%s must be the SHA-256 of the body (64 lowercase hex digits) or %s", tx.HeaderContentSHA256, tx.UnsignedPayload)
	}
	return &signedHeaders{key: id, unix: unix, sig: sig, content: content}, nil
}

func isLowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// verifySigned checks a signed request (tx.RequestSignBytes) against the
// signing key as the latest state has it. The signature covers the
// declared content hash, so it is checked before the body is read; then
// a small body is read and compared, and a large one (route.Bulk) is compared
// as the handler reads it: a mismatch fails the read at the end.
func (s *Server) verifySigned(r *http.Request, route httpapi.Route) (access.Caller, error) {
	fail := func(format string, args ...any) (access.Caller, error) {
		return access.Caller{}, errcode.New(errcode.Unauthenticated, "signed request: "+format, args...)
	}
	sh, err := parseSigned(r.Header, s.Now().Unix())
	if err != nil {
		return access.Caller{}, err
	}
	v, err := s.committed()
	if err != nil {
		return access.Caller{}, err
	}
	signer, key, err := identity.LookupSigner(v, sh.key)
	if err != nil {
		return fail("%s", errcode.Message(err))
	}
	if !key.PublicKey.Verify(tx.RequestSignBytes(s.app.ChainID(), r.Method, r.URL.RequestURI(), sh.unix, sh.content), sh.sig) {
		return fail("the signature does not verify: sign \"dengta/request/v1\\x00\" then the chain id, method, path with query, time and body hash, each followed by a newline")
	}
	upload := r.Method == http.MethodPost && r.URL.Path == "/v1/blobs"
	if sh.content == tx.UnsignedPayload && !upload {
		return fail("%s is only for file uploads (POST /v1/blobs): sign this request's body with its SHA-256 in %s", tx.UnsignedPayload, tx.HeaderContentSHA256)
	}
	switch {
	case sh.content == tx.UnsignedPayload:
	case route.Bulk:
		r.Body = &hashCheck{r: r.Body, want: sh.content, h: sha256.New()}
	default:
		b, err := io.ReadAll(r.Body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return access.Caller{}, errcode.New(errcode.TooLarge, "request body is over %d bytes", tooBig.Limit)
		}
		if err != nil {
			return fail("read body: %v", err)
		}
		sum := sha256.Sum256(b)
		if sh.content != hex.EncodeToString(sum[:]) {
			return fail("%s is not the SHA-256 of the body", tx.HeaderContentSHA256)
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	// A read sent again reveals nothing new, and an upload is stored under
	// its hash; any other write must act once (ADR 0007).
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !upload && !route.Replayable {
		switch s.replays.take(sh.key, sh.sig, s.Now().Unix()) {
		case replaySeen:
			return fail("this signed request was already received: sign each request anew, with its own %s", tx.HeaderTime)
		case replayFull:
			return access.Caller{}, errcode.New(errcode.Unavailable, "the node is holding too many signed writes of the last ten minutes; try again in a minute")
		}
	}
	return access.Caller{Org: signer.Org, Key: sh.key, Roles: signer.Roles}, nil
}

// hashCheck hashes a body as it is read and fails the read that reaches
// its end when the hash is not the signed one.
type hashCheck struct {
	r    io.ReadCloser
	want string
	h    hash.Hash
}

func (c *hashCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(c.h.Sum(nil)) != c.want {
		return n, errcode.New(errcode.Unauthenticated, "signed request: %s is not the SHA-256 of the body", tx.HeaderContentSHA256)
	}
	return n, err
}

func (c *hashCheck) Close() error { return c.r.Close() }

// committed returns the latest committed state; before the first block
// there is none to check credentials against.
func (s *Server) committed() (*state.View, error) {
	v, err := s.app.Store().At(0)
	if err != nil {
		return nil, err
	}
	if v.Version() < 1 {
		return nil, errcode.New(errcode.Unavailable, "the node has not committed its first block yet; try again in a moment")
	}
	return v, nil
}

// metricsAllowed: /metrics answers the machine itself (a connection from a
// loopback address, whatever proxy headers say) or a request with the
// node's metrics token.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if t := s.opts.MetricsToken; t != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok && subtle.ConstantTimeCompare([]byte(got), []byte(t)) == 1 {
			return true
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback() && r.Header.Get("X-Forwarded-For") == ""
}

// securityHeaders are on every response. Pages replace the
// Content-Security-Policy with their own.
func (s *Server) securityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if strings.HasPrefix(strings.ToLower(s.opts.PublicURL), "https://") {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
