// Package web renders the node's pages with html/template: the public pages
// anyone can open (evidence verification, printable certificates) and, as
// the service hall grows, the pages member staff work in. Templates and
// static files are embedded; there is no front-end build step. Pages are in
// Simplified Chinese and English.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/proof"
	"github.com/dengta-chain/dengta/internal/state"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Backend is what the pages need of the node.
type Backend interface {
	ChainID() string
	// View returns the state at a height (0: latest).
	View(height int64) (*state.View, error)
	// CheckRecord proves a state key at the newest height and verifies the
	// proof against the current validator set, and file against the record
	// when given; the report is returned even when verification fails.
	CheckRecord(ctx context.Context, key []byte, file io.Reader) (*proof.Report, []byte, error)
	// Trust is the validator set this node currently trusts.
	Trust(ctx context.Context) (proof.Trust, error)
}

// Options configure the pages.
type Options struct {
	Backend Backend
	// PublicURL is the base URL of these pages as reached from outside;
	// QR codes point there.
	PublicURL string
	// Accounts are the hall's users; nil serves only the public pages.
	Accounts *accounts.Store
	// Scans feeds the public scan page and records its scans; nil serves
	// no scan page.
	Scans ScanSource
	// APIURL is this node's own API, which the hall's pages act through.
	APIURL string
	// ActionTimeout bounds waiting for a hall action's commit (default 30 s).
	ActionTimeout time.Duration
	Logger        *slog.Logger
}

// Server renders the pages.
type Server struct {
	opts  Options
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New parses the templates and returns the pages' handler.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, log: opts.Logger, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web templates: %w", err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web template %s: %w", base, err)
		}
		s.pages[base] = t
	}
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /{$}", s.wrap(s.home))
	s.routes()
	s.hallRoutes()
	s.mux.HandleFunc("/", s.wrap(func(*page, *http.Request) error {
		return errcode.New(errcode.NotFound, "no page")
	}))
	return s, nil
}

// ServeHTTP serves the pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// funcs are the template functions; "t" is replaced per request.
var funcs = template.FuncMap{
	"t":     func(string) string { return "" },
	"lang":  func() Lang { return ZH },
	"short": func(s string) string { return short(s, 16) },
	// cst shows a time in China Standard Time, as the chain's dates are.
	"cst": func(t time.Time) string { return t.In(chinaTime).Format("2006-01-02 15:04:05 (UTC+8)") },
	"inc": func(n int64) int64 { return n + 1 },
	// when shows an RFC 3339 time as "2006-01-02 15:04" in China
	// Standard Time, or the text unchanged when it does not parse.
	"when": func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return t.In(chinaTime).Format("2006-01-02 15:04")
	},
	"add":    func(a int64, b int) int64 { return a + int64(b) },
	"reason": func(string, map[string]string) string { return "" },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"dec": func(n int64) int64 { return n - 1 },
	"json": func(v any) string {
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	},
	// hallLinks are the scenario pages of the hall, as modules add them.
	"hallLinks": func() []hallLink { return hallLinks },
}

// chinaTime is China Standard Time (UTC+8, no daylight saving).
var chinaTime = time.FixedZone("CST", 8*3600)

// hallLink is a scenario page linked from the hall's dashboard.
type hallLink struct{ Path, Key string }

// hallLinks lists the scenario pages; each module's pages add theirs.
var hallLinks []hallLink

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// page is a request being rendered.
type page struct {
	w     http.ResponseWriter
	r     *http.Request
	Lang  Lang
	Title string
	// Data is the page's own data.
	Data any
	// Path is the request path, for the language switch link.
	Path string
	// Status is the HTTP status to answer (200 if zero).
	Status int
	// User is the signed-in hall user, if any.
	User *hallUser
}

// OtherLang is the language the switch link goes to.
func (p *page) OtherLang() Lang {
	if p.Lang == ZH {
		return EN
	}
	return ZH
}

func (s *Server) wrap(h func(p *page, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := &page{w: w, r: r, Lang: negotiate(w, r), Path: r.URL.Path}
		if err := h(p, r); err != nil {
			s.renderError(p, err)
		}
	}
}

// render executes the named page template into the response.
func (s *Server) render(p *page, name string) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	t, err := t.Clone()
	if err != nil {
		return err
	}
	lang := p.Lang
	t.Funcs(template.FuncMap{
		"t":      func(key string) string { return T(lang, key) },
		"lang":   func() Lang { return lang },
		"reason": func(code string, params map[string]string) string { return reasonText(lang, code, params) },
	})
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := p.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", map[Lang]string{ZH: "zh-CN", EN: "en"}[lang])
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'")
	if p.Status != 0 {
		p.w.WriteHeader(p.Status)
	}
	_, err = p.w.Write(buf.Bytes())
	return err
}

// renderError shows an error page in the user's language, never a stack
// trace or an internal message.
func (s *Server) renderError(p *page, err error) {
	code := errcode.Of(err)
	msg := T(p.Lang, "error.internal")
	status := http.StatusInternalServerError
	switch code {
	case errcode.Internal:
		s.log.Error("page", "path", p.r.URL.Path, "err", err)
	case errcode.NotFound:
		status, msg = http.StatusNotFound, T(p.Lang, "error.notfound")
	default:
		status, msg = http.StatusBadRequest, errcode.Message(err)
	}
	p.Title = T(p.Lang, "error.title")
	p.Status = status
	p.Data = msg
	if rerr := s.render(p, "error"); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(p.w, msg, status)
	}
}

func (s *Server) home(p *page, r *http.Request) error {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	p.Title = T(p.Lang, "site.name")
	p.Data = map[string]any{"ChainID": s.opts.Backend.ChainID(), "Height": v.Version()}
	return s.render(p, "home")
}

func (s *Server) timeout() time.Duration {
	if s.opts.ActionTimeout > 0 {
		return s.opts.ActionTimeout
	}
	return 30 * time.Second
}

// publicURL joins the public base URL and a path.
func (s *Server) publicURL(r *http.Request, path string) string {
	base := strings.TrimRight(s.opts.PublicURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	return base + path
}
