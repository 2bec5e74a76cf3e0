package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/pages"
)

// Notices carry the outcome of a hall action to the page the browser is
// sent to next: the text stays on the node, the browser holds only a
// random id in a short-lived cookie, so no link can make a page show a
// message of somebody else's choosing.
const (
	noticeCookie = "dengta_notice"
	noticeTTL    = 2 * time.Minute
	maxNotices   = 10000
)

type notice struct {
	text    string
	expires time.Time
}

type notices struct {
	mu sync.Mutex
	m  map[string]notice
}

func newNotices() *notices { return &notices{m: map[string]notice{}} }

func (n *notices) put(text string, now time.Time) string {
	id := pages.RandomString()
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.m) >= maxNotices {
		for k, v := range n.m {
			if now.After(v.expires) {
				delete(n.m, k)
			}
		}
		if len(n.m) >= maxNotices {
			return "" // the page shows no notice rather than the node growing
		}
	}
	n.m[id] = notice{text: text, expires: now.Add(noticeTTL)}
	return id
}

func (n *notices) take(id string, now time.Time) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.m[id]
	delete(n.m, id)
	if !ok || now.After(v.expires) {
		return ""
	}
	return v.text
}

// done keeps a notice and redirects to path on this site.
func (s *Server) done(p *pages.Page, path, text string) {
	if id := s.notices.put(text, time.Now()); id != "" {
		http.SetCookie(p.W, &http.Cookie{Name: noticeCookie, Value: id, Path: "/", MaxAge: int(noticeTTL / time.Second),
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()})
	}
	http.Redirect(p.W, p.R, safeNext(path), http.StatusSeeOther)
}

// takeNotice returns the notice the browser's cookie names, once.
func (s *Server) takeNotice(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(noticeCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: "", Path: "/", MaxAge: -1})
	return s.notices.take(c.Value, time.Now())
}

// secureCookies reports whether cookies must only travel over HTTPS: when
// the node is reached through an https public URL (a TLS proxy in front).
func (s *Server) secureCookies() bool {
	return strings.HasPrefix(strings.ToLower(s.opts.PublicURL), "https://")
}
