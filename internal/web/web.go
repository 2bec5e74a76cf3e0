// Package web renders the node's pages with html/template: the home page,
// the block explorer and the service hall's own pages (sign-in, dashboard,
// users), and hosts every module's pages (pages.Module): their templates
// with the shared layout, their messages, their links in the header and on
// the hall's dashboard. Templates and static files are embedded; there is
// no front-end build step. Pages are in Simplified Chinese and English.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/state"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Lang is a page language.
type Lang = pages.Lang

// The languages of the pages.
const (
	ZH = pages.ZH
	EN = pages.EN
)

// Backend is what the pages need of the node.
type Backend interface {
	ChainID() string
	// View returns the state at a height (0: latest).
	View(height int64) (*state.View, error)
	// BlockTime is the latest block's time.
	BlockTime(ctx context.Context) (time.Time, error)
}

// Options configure the pages.
type Options struct {
	Backend Backend
	// Prover builds and checks proof bundles for the pages.
	Prover *prover.Prover
	// PublicURL is the base URL of these pages as reached from outside;
	// QR codes and links given out point there.
	PublicURL string
	// Accounts are the hall's users; nil serves only the public pages.
	Accounts *accounts.Store
	// APIURL is this node's own API, which the hall's pages act through.
	APIURL string
	// Modules are the scenario modules' pages.
	Modules []*pages.Module
	// Roles is the chain's role set (labels of roles on the pages).
	Roles *role.Set
	// ActionTimeout bounds waiting for a hall action's commit (default 30 s).
	ActionTimeout time.Duration
	// Proxies are the reverse proxies trusted to report the client's
	// address (sign-in limits are per client).
	Proxies httpapi.Proxies
	Logger  *slog.Logger
}

// Server renders the pages.
type Server struct {
	opts Options
	log  *slog.Logger
	// tmpl holds each page template, by "name" for the core's and
	// "<module index>/name" for a module's.
	tmpl map[string]*template.Template
	mux  *http.ServeMux
	// messages are the core's and every module's texts.
	messages pages.Messages
	nav      []pages.Link              // header links of the modules' public pages
	hall     []pages.Link              // the hall's scenario tiles
	panels   map[string][]pages.Panel  // the modules' panels for other pages, by slot
	enums    map[string]pages.Enum     // the modules' value sets, by name
	actions  map[string]pages.Messages // names of the actions for people, by module
	titles   map[string][2]string      // names of the modules for people
	reasons  *pages.ReasonCatalogue    // the modules' refusal messages in Chinese
	notices  *notices                  // outcomes of actions, shown once on the next page
	uploads  chan struct{}             // a slot per public upload being received
	// applyLimiter limits the public application form by client address.
	applyLimiter *ratelimit.Limiter
}

// New parses the templates and returns the pages' handler. A module
// message key or template function that another module or the core has is
// an error; a page pattern registered twice panics.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Roles == nil {
		opts.Roles = role.MustSet()
	}
	s := &Server{opts: opts, log: opts.Logger, tmpl: map[string]*template.Template{}, mux: http.NewServeMux(), messages: pages.Messages{},
		notices: newNotices(), uploads: make(chan struct{}, maxPublicUploads), panels: map[string][]pages.Panel{}}
	for k, v := range messages {
		s.messages[k] = v
	}
	s.applyLimiter = ratelimit.New(applyFormLimit, ratelimit.Options{MaxKeys: 10_000})
	fm := template.FuncMap{}
	for k, v := range funcs {
		fm[k] = v
	}
	s.enums, s.actions, s.titles = map[string]pages.Enum{}, map[string]pages.Messages{identity.Name: identityActions}, map[string][2]string{identity.Name: messages["module.identity"]}
	for i, m := range opts.Modules {
		for _, e := range m.Enums {
			if _, dup := s.enums[e.Name]; dup {
				return nil, fmt.Errorf("web: value set %q of module %d is defined twice", e.Name, i)
			}
			s.enums[e.Name] = e
		}
		if m.Name != "" {
			s.actions[m.Name], s.titles[m.Name] = m.Actions, m.Title
		}
		for k, v := range m.Messages {
			if _, dup := s.messages[k]; dup {
				return nil, fmt.Errorf("web: message %q of module %d is defined twice", k, i)
			}
			s.messages[k] = v
		}
		for k, v := range m.Funcs {
			if _, dup := fm[k]; dup {
				return nil, fmt.Errorf("web: template function %q of module %d is defined twice", k, i)
			}
			fm[k] = v
		}
		s.nav = append(s.nav, m.Public...)
		s.hall = append(s.hall, m.Hall...)
	}
	roleNames := map[string]string{}
	for _, r := range opts.Roles.All() {
		roleNames[string(r)] = opts.Roles.Label(r, string(ZH))
	}
	sets := []pages.ReasonSet{{Reasons: CoreReasons(), Values: roleNames}}
	for _, m := range opts.Modules {
		sets = append(sets, pages.ReasonSet{Module: m.Name, Reasons: m.Reasons, Values: pages.EnumValues(m.Enums), Words: m.ReasonWords})
	}
	reasons, err := pages.CompileReasons(sets...)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.reasons = reasons
	s.nav = append(s.nav, pages.Link{Path: "/apply", Key: "nav.apply"})
	s.hall = append(s.hall, pages.Link{Path: "/hall/governance", Key: "hall.governance"})
	fm["hallLinks"] = func() []pages.Link { return s.hall }
	for _, m := range opts.Modules {
		for slot, f := range m.Panels {
			s.panels[slot] = append(s.panels[slot], f)
		}
	}
	if _, err := s.parse("", templateFS, "templates", fm); err != nil {
		return nil, err
	}
	for i, m := range opts.Modules {
		if m.Templates == nil {
			continue
		}
		n, err := s.parse(fmt.Sprintf("%d/", i), m.Templates, ".", fm)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("web: module %d brings templates but none is a *.html at their root", i)
		}
	}
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /{$}", s.wrap(s.home))
	s.explorerRoutes()
	s.hallRoutes()
	s.joinRoutes()
	for i, m := range opts.Modules {
		if m.Routes != nil {
			m.Routes(&site{s: s, prefix: fmt.Sprintf("%d/", i)}, router{s})
		}
	}
	s.mux.HandleFunc("/", s.wrap(func(*pages.Page) error {
		return errcode.New(errcode.NotFound, "no page")
	}))
	return s, nil
}

// parse parses every *.html of dir in fsys (but the layout) with the
// layout, as templates named prefix + file name, and counts them.
func (s *Server) parse(prefix string, fsys fs.FS, dir string, fm template.FuncMap) (int, error) {
	pattern := "*.html"
	if dir != "." {
		pattern = dir + "/" + pattern
	}
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return 0, fmt.Errorf("web templates: %w", err)
	}
	count := 0
	for _, n := range names {
		base := strings.TrimSuffix(n[strings.LastIndex(n, "/")+1:], ".html")
		if prefix == "" && base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(fm).ParseFS(templateFS, "templates/layout.html")
		if err == nil {
			t, err = t.ParseFS(fsys, n)
		}
		if err != nil {
			return 0, fmt.Errorf("web template %s%s: %w", prefix, base, err)
		}
		s.tmpl[prefix+base] = t
		count++
	}
	return count, nil
}

// ServeHTTP serves the pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Messages returns every text of the pages, the modules' included.
func (s *Server) Messages() pages.Messages { return s.messages }

// ChineseReason returns a refusal's message in Chinese, as plain text,
// when a module's catalogue (or the core's) has it: for the API's hints.
func (s *Server) ChineseReason(msg string) (string, bool) { return s.ChineseReasonFor("", msg) }

// ChineseReasonFor is ChineseReason for what an endpoint of module
// answered: the core's formats and module's own are tried, not another
// module's (pages.ReasonCatalogue.ChineseFor).
func (s *Server) ChineseReasonFor(module, msg string) (string, bool) {
	zh, ok := s.reasons.ChineseFor(module, msg)
	if !ok {
		return "", false
	}
	return strings.NewReplacer(pages.ChainWordsOpen, "", pages.ChainWordsClose, "").Replace(zh), true
}

// CoreReasons returns the Chinese of the core's refusals (identity,
// governance, admission, the shared field checks) and of the node's own
// answers to API requests, which the pages and the API's hints use with
// the modules' own (pages.Module.Reasons).
func CoreReasons() pages.Reasons {
	r := maps.Clone(coreReasons)
	maps.Copy(r, apiReasons)
	return r
}

// CoreMessages returns the texts of the core pages (the layout, the
// explorer, the hall's own pages), which every module's templates may use.
func CoreMessages() pages.Messages { return messages }

// funcs are the template functions; "t", "tp" and "lang" are replaced per
// request.
var funcs = template.FuncMap{
	"t":      func(string) string { return "" },
	"tp":     func(string, map[string]string) string { return "" },
	"lang":   func() Lang { return ZH },
	"reason": func(string) string { return "" },
	"short":  func(s string) string { return short(s, 16) },
	// cst shows a time in China Standard Time, as the chain's dates are.
	"cst": func(t time.Time) string { return t.In(pages.ChinaTime).Format("2006-01-02 15:04:05 (UTC+8)") },
	"inc": func(n int64) int64 { return n + 1 },
	// when shows an RFC 3339 time as "2006-01-02 15:04" in China
	// Standard Time, or the text unchanged when it does not parse.
	"when": func(v any) string {
		t, ok := v.(time.Time)
		if !ok {
			s := fmt.Sprint(v)
			var err error
			if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return s
			}
		}
		return t.In(pages.ChinaTime).Format("2006-01-02 15:04")
	},
	"add": func(a int64, b int) int64 { return a + int64(b) },
	// unixTime shows a block time in seconds as "2006-01-02 15:04" in
	// China Standard Time.
	"unixTime": func(sec int64) string { return time.Unix(sec, 0).In(pages.ChinaTime).Format("2006-01-02 15:04") },
	// voted reports whether org voted on the proposal.
	"voted": func(p identity.Proposal, org string) bool {
		for _, v := range p.Votes {
			if v.Org == org {
				return true
			}
		}
		return false
	},
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"dec": func(n int64) int64 { return n - 1 },
	// kv makes the parameters of "tp" from key, value pairs.
	"kv": func(pairs ...any) map[string]string {
		out := make(map[string]string, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			out[fmt.Sprint(pairs[i])] = fmt.Sprint(pairs[i+1])
		}
		return out
	},
	"json": func(v any) string {
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	},
	"hallLinks":  func() []pages.Link { return nil },
	"panels":     func(string, ...string) template.HTML { return "" },
	"roleLabel":  func(any) string { return "" },
	"sep":        func() string { return "" },
	"colon":      func() string { return "" },
	"orgName":    func(any) string { return "" },
	"tc":         func(string) template.HTML { return "" },
	"enum":       func(string, any) string { return "" },
	"enumValues": func(string) []string { return nil },
	"actionName": func(string, string) string { return "" },
	"moduleName": func(string) string { return "" },
	"pageURL":    func(string, string, ...string) string { return "" },
}

// orgName is an organisation's name in lang (its Chinese name when it
// has no English one).
func orgName(o any, lang Lang) string {
	var org *identity.Org
	switch v := o.(type) {
	case identity.Org:
		org = &v
	case *identity.Org:
		org = v
	case *identity.OrgSpec:
		// An organisation a proposal would add.
		if v == nil {
			return ""
		}
		org = &identity.Org{Name: v.Name, NameEN: v.NameEN}
	default:
		return fmt.Sprint(o)
	}
	return orgLabel(org, lang)
}

// orgLabel is org's name in lang.
func orgLabel(org *identity.Org, lang Lang) string {
	if org == nil {
		return ""
	}
	if lang == EN && org.NameEN != "" {
		return org.NameEN
	}
	return org.Name
}

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (s *Server) wrap(h pages.Handler) http.HandlerFunc { return s.wrapLimit(pages.FormLimit, h) }

// wrapLimit serves a page whose request body may have up to limit bytes.
// A form with text that is not UTF-8 is refused before the page sees it.
func (s *Server) wrapLimit(limit int64, h pages.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		lang := negotiate(w, r)
		p := pages.NewPage(w, r, lang, func(key string) string { return s.t(lang, key) })
		p.Nav = s.nav
		p.SetReasons(s.reasons)
		p.SetDone(func(path, notice string) { s.done(p, path, notice) })
		p.Notice = s.takeNotice(w, r)
		// A signed-in clerk reading a public page (a certificate, the
		// explorer) keeps the hall's navigation. Only for reads: a public
		// form never acts as the user.
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if _, u, err := s.session(r); err == nil {
				p.User = u
			}
		}
		err := readForm(r)
		if err == nil {
			err = h(p)
		}
		if err != nil {
			s.renderError(p, err)
		}
	}
}

// readForm parses a POST's form (files past a MiB go to temporary files)
// and checks that every value is UTF-8.
func readForm(r *http.Request) error {
	if r.Method != http.MethodPost {
		return nil
	}
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errcode.New(errcode.TooLarge, "the form is larger than this page accepts (%d bytes)", tooBig.Limit)
	case err != nil:
		return errcode.New(errcode.BadRequest, "the form could not be read: %v", err)
	}
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return errcode.New(errcode.BadRequest, "the form has text that is not valid UTF-8")
			}
		}
	}
	return nil
}

// t returns the text of key in lang; a missing key shows as the key.
func (s *Server) t(lang Lang, key string) string {
	m, ok := s.messages[key]
	if !ok {
		return key
	}
	if lang == EN {
		return m[1]
	}
	return m[0]
}

// withCode escapes a text and shows its `quoted` parts as code.
func withCode(text string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(text, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(part))
		}
	}
	return template.HTML(b.String())
}

// pick is a text in lang.
func pick(m [2]string, lang Lang) string {
	if lang == EN {
		return m[1]
	}
	return m[0]
}

// tp is t with {name} placeholders filled from params.
func (s *Server) tp(lang Lang, key string, params map[string]string) string {
	out := s.t(lang, key)
	for k, v := range params {
		out = strings.ReplaceAll(out, "{"+k+"}", v)
	}
	return out
}

// pageURL is path with query, each parameter of the name, value pairs set
// to its value ("" removes it), then #anchor unless "" (the template
// function pageURL). A name without a value is removed.
func pageURL(query url.Values, path, anchor string, pairs ...string) string {
	for i := 0; i < len(pairs); i += 2 {
		if i+1 < len(pairs) && pairs[i+1] != "" {
			query.Set(pairs[i], pairs[i+1])
		} else {
			query.Del(pairs[i])
		}
	}
	if e := query.Encode(); e != "" {
		path += "?" + e
	}
	if anchor != "" {
		path += "#" + anchor
	}
	return path
}

// render executes the page template name into the response.
func (s *Server) render(p *pages.Page, name string) error {
	t, ok := s.tmpl[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	t, err := t.Clone()
	if err != nil {
		return err
	}
	lang := p.Lang
	t.Funcs(template.FuncMap{
		"t": func(key string) string { return s.t(lang, key) },
		// tc is t for a text that quotes commands or identifiers between
		// backquotes: they show as code, which is the same in every
		// language.
		"tc":   func(key string) template.HTML { return withCode(s.t(lang, key)) },
		"tp":   func(key string, params map[string]string) string { return s.tp(lang, key, params) },
		"lang": func() Lang { return lang },
		// reason shows a refusal's message, which the chain gives in
		// English: in Chinese when a module's catalogue has it, the
		// chain's words marked as such.
		"reason": func(msg string) string {
			if lang == ZH {
				if zh, ok := s.reasons.Chinese(msg); ok {
					return zh
				}
			}
			return pages.ChainWords(msg)
		},
		"panels": func(slot string, args ...string) template.HTML {
			var out template.HTML
			for _, f := range s.panels[slot] {
				out += f(lang, args...)
			}
			return out
		},
		// enum shows a value of a module's value set in the page's
		// language (the value itself when the set does not name it).
		"enum": func(set string, v any) string {
			val := fmt.Sprint(v)
			if l, ok := s.enums[set].Labels[val]; ok {
				return pick(l, lang)
			}
			return val
		},
		"enumValues": func(set string) []string { return s.enums[set].Values },
		// actionName and moduleName show a transaction's module and
		// action for people.
		"actionName": func(module, action string) string {
			if l, ok := s.actions[module][action]; ok {
				return pick(l, lang)
			}
			return module + "/" + action
		},
		"moduleName": func(module string) string {
			if l, ok := s.titles[module]; ok && l[0] != "" {
				return pick(l, lang)
			}
			return module
		},
		// pageURL is path with this request's query, each parameter of
		// the name, value pairs set to its value ("" removes it), then
		// #anchor unless "": a list's next-page link keeps the page's
		// searches and the other lists on the pages shown.
		"pageURL": func(path, anchor string, pairs ...string) string {
			return pageURL(p.R.URL.Query(), path, anchor, pairs...)
		},
		// colon ends a label in the page's language.
		"colon": func() string {
			if lang == ZH {
				return "："
			}
			return ": "
		},
		// sep separates the items of a list in the page's language.
		"sep": func() string {
			if lang == ZH {
				return "、"
			}
			return ", "
		},
		// roleLabel shows a role in the page's language.
		"roleLabel": func(r any) string { return s.opts.Roles.Label(role.Role(fmt.Sprint(r)), string(lang)) },
		// orgName shows an organisation's name in the page's language.
		// An organisation given by its id is looked up in the state.
		"orgName": func(o any) string {
			if id, ok := o.(string); ok {
				if v, err := s.opts.Backend.View(0); err == nil {
					if org, err := identity.GetOrg(v, id); err == nil {
						return orgLabel(org, lang)
					}
				}
				return id
			}
			return orgName(o, lang)
		},
	})
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := p.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", map[Lang]string{ZH: "zh-CN", EN: "en"}[lang])
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'")
	if p.Status != 0 {
		p.W.WriteHeader(p.Status)
	}
	page := markChainWords(buf.Bytes())
	if p.Status >= http.StatusBadRequest {
		page = refill(page, p.R)
	}
	_, err = p.W.Write(page)
	return err
}

// chainWords are the chain's own words in a rendered page (escaped by the
// template already), between the marks of pages.ChainWords.
var chainWords = regexp.MustCompile(pages.ChainWordsOpen + `([^` + pages.ChainWordsOpen + pages.ChainWordsClose + `<>]*)` + pages.ChainWordsClose)

// markChainWords marks the chain's own words in a page as English that is
// not translated, and drops marks that do not pair up.
func markChainWords(page []byte) []byte {
	if !bytes.Contains(page, []byte(pages.ChainWordsOpen)) {
		return page
	}
	page = chainWords.ReplaceAll(page, []byte(`<span class="chain-words" lang="en" translate="no">$1</span>`))
	page = bytes.ReplaceAll(page, []byte(pages.ChainWordsOpen), nil)
	return bytes.ReplaceAll(page, []byte(pages.ChainWordsClose), nil)
}

// renderError shows an error page in the user's language, never a stack
// trace or an internal message.
func (s *Server) renderError(p *pages.Page, err error) {
	code := errcode.Of(err)
	msg := p.T("error.internal")
	status := http.StatusInternalServerError
	// A refusal of the chain that a page passed on is the chain's code,
	// said in the page's language.
	var ce *client.Error
	if errors.As(err, &ce) && errcode.Code(ce.Code) != errcode.Internal {
		code = errcode.Code(ce.Code)
		err = errcode.New(code, "%s", p.APIError(ce))
	}
	// Input a page could not read that the shared code explains in the
	// page's language: an amount, a list's cursor.
	var de *decimal.Error
	var cur *module.CursorError
	if errors.As(err, &de) || errors.As(err, &cur) {
		code, err = errcode.BadRequest, errcode.New(errcode.BadRequest, "%s", p.APIError(err))
	}
	switch code {
	case errcode.Internal:
		s.log.Error("page", "path", p.R.URL.Path, "err", err)
	case errcode.NotFound:
		status, msg = http.StatusNotFound, p.T("error.notfound")
	case errcode.Unauthorized:
		status, msg = http.StatusForbidden, errcode.Message(err)
	case errcode.TooLarge:
		status, msg = http.StatusRequestEntityTooLarge, errcode.Message(err)
	case errcode.Unavailable:
		status, msg = http.StatusServiceUnavailable, errcode.Message(err)
	default:
		status, msg = http.StatusBadRequest, errcode.Message(err)
	}
	p.Title = p.T("error.title")
	p.Status = status
	p.Data = msg
	if rerr := s.render(p, "error"); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(p.W, msg, status)
	}
}

func (s *Server) home(p *pages.Page) error {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	p.Title = p.T("site.name")
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
func (s *Server) publicURL(path string) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + path
}

// api returns an SDK client of this node's API.
func (s *Server) api() *client.Client { return client.New(s.opts.APIURL) }

// orgs returns the active organisations, in id order.
func (s *Server) orgs() ([]identity.Org, error) {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return nil, err
	}
	var out []identity.Org
	err = v.Iterate(identity.OrgPrefix(), nil, func(_, val []byte) bool {
		var o identity.Org
		if json.Unmarshal(val, &o) == nil && o.Active {
			out = append(out, o)
		}
		return true
	})
	return out, err
}

// router registers a module's pages.
type router struct{ s *Server }

func (r router) Public(pattern string, h pages.Handler) { r.s.mux.HandleFunc(pattern, r.s.wrap(h)) }

func (r router) SignedIn(pattern string, h pages.Handler) {
	r.s.mux.HandleFunc(pattern, r.s.wrap(r.s.signedIn(h)))
}

// maxPublicUploads bounds the public uploads a node receives at once.
const maxPublicUploads = 4

func (r router) PublicUpload(pattern string, max int64, h pages.Handler) {
	next := r.s.wrapLimit(max+(1<<20), h)
	r.s.mux.HandleFunc(pattern, func(w http.ResponseWriter, req *http.Request) {
		select {
		case r.s.uploads <- struct{}{}:
			defer func() { <-r.s.uploads }()
			next(w, req)
		default:
			w.Header().Set("Retry-After", "5")
			http.Error(w, "busy receiving other uploads; try again in a few seconds / 正在接收其他上传，请稍后再试", http.StatusServiceUnavailable)
		}
	})
}

func (r router) SignedInUpload(pattern string, max int64, h pages.Handler) {
	r.s.mux.HandleFunc(pattern, r.s.wrapLimit(max+(1<<20), r.s.signedIn(h)))
}

// site is one module's view of the host (pages.Site).
type site struct {
	s      *Server
	prefix string // the module's templates
}

var _ pages.Site = (*site)(nil)

func (x *site) Render(p *pages.Page, name string) error { return x.s.render(p, x.prefix+name) }
func (x *site) ChainID() string                         { return x.s.opts.Backend.ChainID() }
func (x *site) View(height int64) (*state.View, error)  { return x.s.opts.Backend.View(height) }
func (x *site) BlockTime(ctx context.Context) (time.Time, error) {
	return x.s.opts.Backend.BlockTime(ctx)
}
func (x *site) Orgs() ([]identity.Org, error) { return x.s.orgs() }
func (x *site) Roles() *role.Set              { return x.s.opts.Roles }
func (x *site) API() *client.Client           { return x.s.api() }
func (x *site) Signer(p *pages.Page) (*client.Key, error) {
	return x.s.signer(p)
}
func (x *site) Timeout() time.Duration       { return x.s.timeout() }
func (x *site) PublicURL(path string) string { return x.s.publicURL(path) }
func (x *site) Prover() *prover.Prover       { return x.s.opts.Prover }
func (x *site) ClientIP(r *http.Request) netip.Addr {
	return x.s.opts.Proxies.ClientIP(r)
}
