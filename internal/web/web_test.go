package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/state"
)

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   Lang
	}{
		{"", ZH},
		{"zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"en-US,en;q=0.9", EN},
		{"en-GB,zh-CN;q=0.5", EN},
		{"fr-FR,en;q=0.7,zh;q=0.9", ZH},
		{"de, en;q=0.3", EN},
		{"zh;q=0, en", EN},
		{"ja", ZH},
	}
	for _, tt := range tests {
		if got := fromAcceptLanguage(tt.header); got != tt.want {
			t.Errorf("fromAcceptLanguage(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

// TestTemplateKeysExist requires every {{t "key"}} in every core template
// to be in the core catalog, in both languages. (The registry's tests check
// every module's templates against its messages and the core's.)
func TestTemplateKeysExist(t *testing.T) {
	re := regexp.MustCompile(`\{\{\s*t\s+"([^"]+)"`)
	names, _ := fs.Glob(templateFS, "templates/*.html")
	used := 0
	for _, n := range names {
		b, _ := fs.ReadFile(templateFS, n)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used++
			msg, ok := messages[m[1]]
			if !ok || msg[0] == "" || msg[1] == "" {
				t.Errorf("%s uses %q, which is missing from the catalog in some language", n, m[1])
			}
		}
	}
	if used == 0 {
		t.Fatal("no message keys found in templates")
	}
	for _, r := range []string{"admin", "staff"} {
		if _, ok := messages["role."+r]; !ok {
			t.Errorf("no translation for hall role %q", r)
		}
	}
	// Check names are translated through "check.<name>".
	for _, name := range []string{"bundle", "trusted validator set", "validator set", "header", "signatures", "merkle proof", "record", "batch inclusion", "file"} {
		if _, ok := messages["check."+name]; !ok {
			t.Errorf("no translation for check %q", name)
		}
	}
}

type fakeBackend struct{ store *state.Store }

func (f fakeBackend) ChainID() string                              { return "dengta-test" }
func (f fakeBackend) View(h int64) (*state.View, error)            { return f.store.At(h) }
func (f fakeBackend) BlockTime(context.Context) (time.Time, error) { return time.Unix(0, 0), nil }

func newServer(t *testing.T, mods ...*pages.Module) *Server {
	t.Helper()
	st, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(Options{Backend: fakeBackend{st}, Modules: mods})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t *testing.T, s *Server, path, acceptLang string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func TestHomeInBothLanguages(t *testing.T) {
	s := newServer(t)
	zh := get(t, s, "/", "zh-CN")
	if zh.Code != 200 || !strings.Contains(zh.Body.String(), "灯塔区块链服务大厅") || zh.Header().Get("Content-Language") != "zh-CN" {
		t.Fatalf("zh home: %d %s", zh.Code, zh.Body.String())
	}
	en := get(t, s, "/", "en-US")
	if en.Code != 200 || !strings.Contains(en.Body.String(), "Dengta Blockchain Service Hall") {
		t.Fatalf("en home: %d", en.Code)
	}
	// ?lang= overrides the header and is remembered.
	sw := get(t, s, "/?lang=en", "zh-CN")
	if !strings.Contains(sw.Body.String(), "Service Hall") || !strings.Contains(sw.Header().Get("Set-Cookie"), "lang=en") {
		t.Fatalf("language switch: %s / %s", sw.Body.String(), sw.Header().Get("Set-Cookie"))
	}
}

func TestErrorsInTheUsersLanguage(t *testing.T) {
	s := newServer(t)
	rec := get(t, s, "/no/such/page", "en")
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "does not exist") {
		t.Fatalf("en 404: %d %s", rec.Code, rec.Body.String())
	}
	rec = get(t, s, "/no/such/page", "zh")
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "没有找到") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("zh 404: %d %s", rec.Code, rec.Body.String())
	}
	css := get(t, s, "/static/style.css", "")
	if css.Code != 200 || !strings.Contains(css.Body.String(), "@media print") {
		t.Fatalf("style.css: %d", css.Code)
	}
}

// TestModulePages hosts a module's page: its route, its template with the
// layout, its messages in both languages and its header link.
func TestModulePages(t *testing.T) {
	mod := &pages.Module{
		Templates: fstest.MapFS{"hello.html": {Data: []byte(`{{define "content"}}<p id="hi">{{t "hello.text"}} {{.Data}}</p>{{end}}`)}},
		Messages:  pages.Messages{"hello.text": {"你好", "Hello"}, "hello.nav": {"问候", "Greeting"}},
		Public:    []pages.Link{{Path: "/hello", Key: "hello.nav"}},
		Routes: func(site pages.Site, r pages.Router) {
			r.Public("GET /hello", func(p *pages.Page) error {
				p.Data = site.ChainID()
				return site.Render(p, "hello")
			})
		},
	}
	s := newServer(t, mod)
	en := get(t, s, "/hello", "en")
	if en.Code != 200 || !strings.Contains(en.Body.String(), `<p id="hi">Hello dengta-test</p>`) || !strings.Contains(en.Body.String(), `href="/hello">Greeting</a>`) {
		t.Fatalf("module page: %d\n%s", en.Code, en.Body.String())
	}
	if zh := get(t, s, "/hello", "zh"); !strings.Contains(zh.Body.String(), "你好") {
		t.Fatalf("module page in Chinese: %s", zh.Body.String())
	}
	// Another module may not take a key the first has.
	st, _ := state.Open("")
	defer st.Close()
	dup := &pages.Module{Messages: pages.Messages{"hello.text": {"别的", "Other"}}}
	if _, err := New(Options{Backend: fakeBackend{st}, Modules: []*pages.Module{mod, dup}}); err == nil {
		t.Fatal("two modules with the same message key were accepted")
	}
	if _, err := New(Options{Backend: fakeBackend{st}, Modules: []*pages.Module{{Messages: pages.Messages{"site.name": {"x", "y"}}}}}); err == nil {
		t.Fatal("a module overriding a core message was accepted")
	}
}

// TestSafeNext: the sign-in page's next= only ever leads to a path on this
// site. A tab or newline inside "/\t/evil.example" is stripped by browsers,
// which then go to //evil.example.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/hall/receivables?x=1":     "/hall/receivables?x=1",
		"/hall/notary":              "/hall/notary",
		"":                          "/hall",
		"https://evil.example/":     "/hall",
		"//evil.example":            "/hall",
		"/\t/evil.example":          "/hall",
		"/\n/evil.example":          "/hall",
		"/\r/evil.example":          "/hall",
		"/\\evil.example":           "/hall",
		"/ /evil.example":           "/hall",
		"/\u00a0/evil.example":      "/hall",
		"/\u200b/evil.example":      "/hall",
		"/\u202e/evil.example":      "/hall",
		"javascript:alert(1)":       "/hall",
		"/%09/evil.example":         "/%09/evil.example", // encoded, stays a path here
		"/hall?next=//evil.example": "/hall?next=//evil.example",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever next= says, the sign-in page sends the browser to
// a path on this site, and a path it keeps is kept unchanged.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/hall", "//evil.example", "/\t/evil.example", "https://x", "/a?b=c#d", "/\\evil", "/%2F%2Fevil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != next && got != "/hall" {
			t.Fatalf("safeNext(%q) = %q: neither kept nor the hall", next, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\n\r ") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q) = %q parses to host %q", next, got, u.Host)
		}
	})
}

// FuzzReadForm: any POST body and content type is read within the page's
// limit or refused with a coded error, and an accepted form's values are
// all UTF-8.
func FuzzReadForm(f *testing.F) {
	f.Add([]byte("user=coop-admin&password=x"), "application/x-www-form-urlencoded")
	f.Add([]byte("name=%FF%FE"), "application/x-www-form-urlencoded")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--\r\n"), "multipart/form-data; boundary=b")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--b--\r\n"), "multipart/form-data; boundary=b")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		r := httptest.NewRequest(http.MethodPost, "/login", bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 1024)
		err := readForm(r)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if err != nil {
			if c := errcode.Of(err); c != errcode.BadRequest && c != errcode.TooLarge {
				t.Fatalf("refusal %v", err)
			}
			return
		}
		for k, vs := range r.PostForm {
			for _, v := range vs {
				if !utf8.ValidString(v) {
					t.Fatalf("accepted %q=%q", k, v)
				}
			}
		}
	})
}

// TestCookiesSecureBehindTLS: reached through an https public URL (a TLS
// proxy in front of the node), every cookie the hall sets is Secure, so a
// browser never sends it in the clear.
func TestCookiesSecureBehindTLS(t *testing.T) {
	st, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	acc, err := accounts.Open(filepath.Join(dir, "hall"), make([]byte, 16), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { acc.Close() })
	for _, tt := range []struct {
		public string
		secure bool
	}{{"https://hall.example.cn", true}, {"http://127.0.0.1:8480", false}} {
		s, err := New(Options{Backend: fakeBackend{st}, Accounts: acc, PublicURL: tt.public})
		if err != nil {
			t.Fatal(err)
		}
		rec := get(t, s, "/login", "zh")
		cookies := rec.Result().Cookies()
		if len(cookies) == 0 {
			t.Fatal("the sign-in page set no cookie")
		}
		for _, c := range cookies {
			if c.Secure != tt.secure || !c.HttpOnly && c.Name != "lang" {
				t.Errorf("%s: cookie %s secure=%v httponly=%v", tt.public, c.Name, c.Secure, c.HttpOnly)
			}
		}
	}
}

// Times and organisations read as people write them.
func TestHumanValues(t *testing.T) {
	when := funcs["when"].(func(any) string)
	for in, want := range map[any]string{
		"2026-12-06T10:49:01.692396048+08:00":         "2026-12-06 10:49",
		"2026-12-06T02:49:01Z":                        "2026-12-06 10:49",
		time.Date(2026, 12, 6, 2, 49, 1, 5, time.UTC): "2026-12-06 10:49",
		"not a time": "not a time",
	} {
		if got := when(in); got != want {
			t.Errorf("when(%v) = %q, want %q", in, got, want)
		}
	}
	org := identity.Org{ID: "coop", Name: "砀山县梨都果品专业合作社", NameEN: "Dangshan Pear Growers Cooperative"}
	for _, c := range []struct {
		o    any
		lang Lang
		want string
	}{
		{org, ZH, "砀山县梨都果品专业合作社"}, {org, EN, "Dangshan Pear Growers Cooperative"}, {&org, EN, "Dangshan Pear Growers Cooperative"},
		{identity.Org{ID: "x", Name: "某公司"}, EN, "某公司"}, {(*identity.Org)(nil), ZH, ""}, {42, ZH, "42"},
	} {
		if got := orgName(c.o, c.lang); got != c.want {
			t.Errorf("orgName(%v, %s) = %q, want %q", c.o, c.lang, got, c.want)
		}
	}
}

// Every error code the chain or the API can answer has a sentence with a
// hint in both languages, and a page shows it with the chain's words.
func TestAPIErrorsSpeakTheUsersLanguage(t *testing.T) {
	for _, c := range errcode.All() {
		if c == errcode.OK {
			continue
		}
		m, ok := messages["apierr."+c.Name()]
		if !ok || m[0] == "" || m[1] == "" || !strings.ContainsAny(m[0], "。") {
			t.Errorf("error code %s has no sentence in both languages: %q", c.Name(), m)
		}
	}
	const detail = "bank: organisation alliance holds [alliance inspector], it needs one of [bank]"
	err := &client.Error{Status: 400, Code: uint32(errcode.Unauthorized), Name: "unauthorized", Message: detail}
	for lang, want := range map[Lang]string{
		ZH: "本机构或本账号无权办理此项业务。请由具备相应角色的机构办理，或请联盟通过治理投票授权。（链上说明：" + pages.ChainWords(detail) + "）",
		EN: "Your organisation or account may not do this. Have an organisation with the needed role do it, or ask the consortium to authorise it by a governance vote. (the chain says: " + pages.ChainWords(detail) + ")",
	} {
		p := pages.NewPage(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), lang, func(key string) string {
			if m, ok := messages[key]; ok {
				return m[map[Lang]int{ZH: 0, EN: 1}[lang]]
			}
			return key
		})
		if got := p.APIError(err); got != want {
			t.Errorf("%s: %q", lang, got)
		}
	}
}

// The chain's own words in a page are marked as English not to be
// translated; marks that do not pair up are dropped, and a mark typed
// into the chain's words cannot open a second span.
func TestMarkChainWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"无权办理（链上说明：" + pages.ChainWords("needs [bank]") + "）", `无权办理（链上说明：<span class="chain-words" lang="en" translate="no">needs [bank]</span>）`},
		{"a " + pages.ChainWords("x"+pages.ChainWordsOpen+"y") + " b", `a <span class="chain-words" lang="en" translate="no">xy</span> b`},
		{"stray " + pages.ChainWordsClose + "mark" + pages.ChainWordsOpen, "stray mark"},
		{"plain", "plain"},
	} {
		if got := string(markChainWords([]byte(c.in))); got != c.want {
			t.Errorf("markChainWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWithCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"用 `dengta verify --bundle <f>` 核验", "用 <code>dengta verify --bundle &lt;f&gt;</code> 核验"},
		{"no code", "no code"},
		{"`a` and `b`", "<code>a</code> and <code>b</code>"},
	} {
		if got := string(withCode(c.in)); got != c.want {
			t.Errorf("withCode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
