// Package pages is what a module's web pages are made of: the page being
// rendered, the signed-in hall user, the site they are rendered on (Site:
// templates with the shared layout, translations, the node's state, the
// SDK with the user's custodial key) and the router they register on. The
// web package hosts the pages; modules import this package, never web.
//
// Pages are server-rendered with html/template; each module brings its
// templates (each defines "content"), its zh/en messages and its links in
// the hall and the header.
package pages

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/module"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/state"
)

// Lang is a page language.
type Lang string

// The languages of the pages.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Messages are texts by key, in both languages: [zh, en].
type Messages map[string][2]string

// Page is one request being answered with a page.
type Page struct {
	W     http.ResponseWriter
	R     *http.Request
	Lang  Lang
	Title string
	// Data is the page's own data, for its template.
	Data any
	// Path is the request path, for the language switch link.
	Path string
	// Status is the HTTP status to answer (200 if zero).
	Status int
	// User is the signed-in hall user, if any.
	User *User
	// Nav are the links of the header, which every page shows.
	Nav []Link
	// Notice is the outcome of the user's previous action (see Done),
	// which the layout shows once.
	Notice string

	t       func(key string) string
	done    func(path, notice string)
	reasons *ReasonCatalogue
}

// NewPage returns a page for a request; the host fills the rest.
func NewPage(w http.ResponseWriter, r *http.Request, lang Lang, t func(string) string) *Page {
	return &Page{W: w, R: r, Lang: lang, Path: r.URL.Path, t: t}
}

// SetDone is for the host: how Done keeps a notice for the next page.
func (p *Page) SetDone(f func(path, notice string)) { p.done = f }

// Done ends a successful action: it redirects to path, a path on this
// site, where the layout shows notice once. The notice travels with the
// user's browser, never in the URL, so no link can make the hall show a
// message of somebody else's choosing.
func (p *Page) Done(path, notice string) {
	if p.done == nil {
		http.Redirect(p.W, p.R, path, http.StatusSeeOther)
		return
	}
	p.done(path, notice)
}

// OtherLang is the language the switch link goes to.
func (p *Page) OtherLang() Lang {
	if p.Lang == ZH {
		return EN
	}
	return ZH
}

// T returns the text of key in the page's language.
func (p *Page) T(key string) string {
	if p.t == nil {
		return key
	}
	return p.t(key)
}

// User is the signed-in user of the service hall.
type User struct {
	Name    string
	Display string
	Org     string
	Role    string // "admin" or "staff"
	KeyID   string
	Algo    string
	// CSRF is the session's token, which every form posts back.
	CSRF string
	// OrgInfo is the user's organisation as the chain records it.
	OrgInfo *identity.Org
}

// Has reports whether the user's organisation holds the role named r
// (templates call it: {{if .User.Has "bank"}}).
func (u *User) Has(r string) bool {
	return u != nil && u.OrgInfo != nil && role.Any(u.OrgInfo.Roles, []role.Role{role.Role(r)})
}

// Caller is the user as read scopes see it (ADR 0007): its organisation
// with the roles the chain gives it; the public when the organisation is
// not an active member (as the API sees it). Pages that read the state
// directly decide what to show with the module's rules on it, as the API
// does.
func (u *User) Caller() access.Caller {
	if u == nil || u.OrgInfo == nil || !u.OrgInfo.Active {
		return access.Caller{}
	}
	return access.Caller{Org: u.Org, User: u.Name, Roles: u.OrgInfo.Roles}
}

// Link is a page linked from the hall's dashboard or the header: its path
// and the message key of its label.
type Link struct {
	Path string
	Key  string
}

// Handler renders a page or returns an error, which the host shows as an
// error page in the user's language.
type Handler func(p *Page) error

// Router is where a module registers its pages. Patterns are net/http
// ServeMux patterns with a method ("GET /hall/notary").
type Router interface {
	// Public registers a page anyone may open.
	Public(pattern string, h Handler)
	// SignedIn registers a hall page: the host signs the user in first
	// and checks the CSRF token of every POST.
	SignedIn(pattern string, h Handler)
	// PublicUpload and SignedInUpload register pages that take files of
	// up to max bytes in a multipart form. Other pages take forms of at
	// most FormLimit bytes. The host parses the form before the handler
	// runs, keeping at most a MiB of it in memory, and bounds how many
	// public uploads run at once.
	PublicUpload(pattern string, max int64, h Handler)
	SignedInUpload(pattern string, max int64, h Handler)
}

// FormLimit bounds the body of a page's form without files.
const FormLimit = 64 << 10

// Site is what a module's pages use of the node and of the host.
type Site interface {
	// Render executes the module's template name (its file name without
	// .html) with the shared layout.
	Render(p *Page, name string) error
	ChainID() string
	// View returns the committed state at height (0: the latest).
	View(height int64) (*state.View, error)
	// BlockTime is the latest block's time: the "now" of the chain's
	// rules, never this node's clock.
	BlockTime(ctx context.Context) (time.Time, error)
	// Orgs returns the active organisations, in id order.
	Orgs() ([]identity.Org, error)
	// Roles is the chain's role set, with the roles' labels.
	Roles() *role.Set
	// API returns an SDK client of this node's own API: the hall acts
	// through it exactly as an outside client would.
	API() *client.Client
	// Signer returns the signed-in user's custodial signing key.
	Signer(p *Page) (*client.Key, error)
	// Timeout bounds waiting for an action's commit.
	Timeout() time.Duration
	// PublicURL joins the node's public base URL and a path.
	PublicURL(path string) string
	// ClientIP is the address of the request's client: the connection's
	// peer, or what a proxy the node trusts reports (per-client limits
	// key on it).
	ClientIP(r *http.Request) netip.Addr
	Prover() *prover.Prover
}

// Module is what a module contributes to the pages.
type Module struct {
	// Name is the module's name; the host sets it from the registry.
	Name string
	// Templates holds the module's page templates (*.html at its root).
	// Each defines "content"; the layout defines the rest.
	Templates fs.FS
	// Messages are the module's texts; a key another module or the host
	// already has is an error.
	Messages Messages
	// Funcs are template functions the module's templates use.
	Funcs template.FuncMap
	// Panels are fragments the module offers to other modules' pages, by
	// slot: a page template calls {{panels "product" gtin lot}} and gets
	// every module's panel for the slot, in the registry's order (nothing
	// when no module offers one). So a page shows what another module
	// knows of its subject without either importing the other. The
	// "product" slot takes a GTIN and a lot number ("" for none).
	Panels map[string]Panel
	// Title is the module's name for people, [zh, en] (the explorer
	// shows it for the module's transactions).
	Title [2]string
	// Actions name each action of the module's state machine for people,
	// by action name: a registry-wide test fails when one is missing.
	Actions Messages
	// Enums are the sets of values the module records, with their names
	// for people: a registry-wide test fails when a value has none.
	Enums []Enum
	// Hall are links on the hall's dashboard to the module's hall pages.
	Hall []Link
	// Dashboard, when set, adds the module's panels (numbers and charts)
	// to an organisation's hall dashboard.
	Dashboard Dashboard
	// Public are links in every page's header.
	Public []Link
	// Reasons are the module's refusal messages in Chinese, which Chinese
	// pages show instead of the chain's English (APIError).
	Reasons Reasons
	// ReasonWords are the Chinese of the words the module's code puts
	// into its refusals as arguments (ReasonSet.Words).
	ReasonWords map[string]string
	// Routes registers the pages.
	Routes func(s Site, r Router)
}

// Enum is a set of values a module records (a place's type, a
// receivable's state) with each value's name for people. Templates show a
// value with {{enum "trace.location" .Type}} and list the values, for a
// form's choices, with {{enumValues "trace.location"}}.
type Enum struct {
	// Name is "<module>.<set>".
	Name string
	// Values are every value of the set, taken from the module's wire
	// package, so a new value without a name fails the registry's test.
	Values []string
	// Labels name each value: value -> [zh, en].
	Labels Messages
}

// EnumOf is the value set name of values, named by the messages
// prefix+value of msgs (where a module's templates already find them);
// a value without a message has no name, which the registry's test
// reports.
func EnumOf(name string, values []string, msgs Messages, prefix string) Enum {
	e := Enum{Name: name, Values: values, Labels: Messages{}}
	for _, v := range values {
		if l, ok := msgs[prefix+v]; ok {
			e.Labels[v] = l
		}
	}
	return e
}

// Panel renders a module's fragment for another page, in the page's
// language; nothing when it has nothing to show.
type Panel func(lang Lang, args ...string) template.HTML

// ChinaTime is China Standard Time (UTC+8, no daylight saving), in which
// the chain's dates are read.
var ChinaTime = time.FixedZone("CST", 8*3600)

// APIError is an SDK error for a page, in the page's language: what
// happened and what to do (the message "apierr.<code name>" of the
// host), then the chain's own words, which are English.
func (p *Page) APIError(err error) string {
	var de *decimal.Error
	if errors.As(err, &de) {
		return de.Message(string(p.Lang))
	}
	var cur *module.CursorError
	if errors.As(err, &cur) {
		return p.T("apierr.cursor")
	}
	var ce *client.Error
	if !errors.As(err, &ce) {
		return err.Error()
	}
	key := "apierr." + errcode.Code(ce.Code).Name()
	sentence := p.T(key)
	if sentence == key {
		sentence = p.T("apierr.other")
	}
	detail := ChainWords(ce.Message)
	if p.Lang == ZH {
		if zh, ok := p.reasons.Chinese(ce.Message); ok {
			detail = zh
		}
	}
	return strings.NewReplacer("{sentence}", sentence, "{detail}", detail).Replace(p.T("apierr.format"))
}

// SetReasons gives the page the modules' refusal messages in Chinese; the
// host calls it.
func (p *Page) SetReasons(c *ReasonCatalogue) { p.reasons = c }

// The marks around the chain's own words in a page's text: the host
// renders what lies between them as English that is not translated
// (<span lang="en" translate="no">), whatever the page's language.
const (
	ChainWordsOpen  = "\uE000"
	ChainWordsClose = "\uE001"
)

// ChainWords marks s as the chain's own words (English), for a page's text.
func ChainWords(s string) string {
	s = strings.NewReplacer(ChainWordsOpen, "", ChainWordsClose, "").Replace(s)
	return ChainWordsOpen + s + ChainWordsClose
}

// APIError is the message of an SDK error, as the chain gave it (English);
// pages use Page.APIError, which says it in the page's language.
func APIError(err error) string {
	var ce *client.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}

// RandomString returns 48 random hex digits (cookie values, tokens).
func RandomString() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("pages: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// Lines splits a text area into its non-empty trimmed lines.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
