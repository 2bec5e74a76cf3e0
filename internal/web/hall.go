package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/tx"
)

const (
	sessionCookie = "dengta_session"
	loginCSRF     = "dengta_login_csrf"
)

// hallRoutes registers the signed-in pages. Every action they take goes
// through the node's public API with the SDK, signed with the user's
// custodial key: the hall has no private path into the chain.
func (s *Server) hallRoutes() {
	s.mux.HandleFunc("GET /login", s.wrap(s.loginPage))
	s.mux.HandleFunc("POST /login", s.wrap(s.login))
	s.mux.HandleFunc("POST /logout", s.wrap(s.signedIn(s.logout)))
	s.mux.HandleFunc("GET /hall", s.wrap(s.signedIn(s.dashboard)))
	s.mux.HandleFunc("GET /hall/users", s.wrap(s.signedIn(s.adminOnly(s.usersPage))))
	s.mux.HandleFunc("POST /hall/users", s.wrap(s.signedIn(s.adminOnly(s.addUser))))
	s.hallNotaryRoutes()
	s.hallReceivableRoutes()
	s.hallTraceRoutes()
}

// hallUser is the signed-in user of a request.
type hallUser struct {
	*accounts.User
	Session *accounts.Session
	OrgInfo *identity.Org
}

// signedIn requires a session and, for POST, the session's CSRF token.
func (s *Server) signedIn(h func(p *page, r *http.Request) error) func(p *page, r *http.Request) error {
	return func(p *page, r *http.Request) error {
		if s.opts.Accounts == nil {
			return errcode.New(errcode.NotFound, "no hall on this node")
		}
		c, err := r.Cookie(sessionCookie)
		var sess *accounts.Session
		var u *accounts.User
		if err == nil {
			sess, u, err = s.opts.Accounts.Session(c.Value)
		}
		if err != nil {
			http.Redirect(p.w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if r.Method == http.MethodPost && !accounts.CheckCSRF(sess, r.FormValue("csrf")) {
			return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "hall.csrf"))
		}
		hu := &hallUser{User: u, Session: sess}
		if v, err := s.opts.Backend.View(0); err == nil {
			hu.OrgInfo, _ = identity.GetOrg(v, u.Org)
		}
		p.User = hu
		return h(p, r)
	}
}

func (s *Server) adminOnly(h func(p *page, r *http.Request) error) func(p *page, r *http.Request) error {
	return func(p *page, r *http.Request) error {
		if p.User.Role != accounts.RoleAdmin {
			return errcode.New(errcode.Unauthorized, "%s", T(p.Lang, "hall.adminonly"))
		}
		return h(p, r)
	}
}

// api returns an SDK client of this node's API.
func (s *Server) api() *client.Client { return client.New(s.opts.APIURL) }

// signer returns the signed-in user's key for the SDK.
func (s *Server) signer(p *page) (*client.Key, error) {
	k, err := s.opts.Accounts.SigningKey(p.User.User)
	if err != nil {
		return nil, err
	}
	return client.KeyFrom(k), nil
}

func (s *Server) loginPage(p *page, r *http.Request) error {
	token := randomString()
	http.SetCookie(p.w, &http.Cookie{Name: loginCSRF, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	p.Title = T(p.Lang, "login.title")
	p.Data = map[string]string{"CSRF": token, "Next": safeNext(r.URL.Query().Get("next")), "Error": ""}
	return s.render(p, "login")
}

func (s *Server) login(p *page, r *http.Request) error {
	if s.opts.Accounts == nil {
		return errcode.New(errcode.NotFound, "no hall on this node")
	}
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || c.Value != r.FormValue("csrf") {
		return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "hall.csrf"))
	}
	u, err := s.opts.Accounts.Authenticate(strings.TrimSpace(r.FormValue("user")), r.FormValue("password"))
	if err != nil {
		msg := T(p.Lang, "login.bad")
		if errors.Is(err, accounts.ErrLocked) {
			msg = T(p.Lang, "login.locked")
		} else if !errors.Is(err, accounts.ErrBadLogin) {
			return err
		}
		token := randomString()
		http.SetCookie(p.w, &http.Cookie{Name: loginCSRF, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		p.Title = T(p.Lang, "login.title")
		p.Status = http.StatusUnauthorized
		p.Data = map[string]string{"CSRF": token, "Next": safeNext(r.FormValue("next")), "Error": msg}
		return s.render(p, "login")
	}
	token, _, err := s.opts.Accounts.NewSession(u)
	if err != nil {
		return err
	}
	http.SetCookie(p.w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(p.w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/hall"
	}
	return next
}

func randomString() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func (s *Server) logout(p *page, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.opts.Accounts.EndSession(c.Value)
	}
	http.SetCookie(p.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(p.w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *Server) dashboard(p *page, r *http.Request) error {
	p.Title = T(p.Lang, "hall.title")
	return s.render(p, "dashboard")
}

// usersData is the user administration page.
type usersData struct {
	Users   []accounts.User
	Message string
	Error   string
}

func (s *Server) usersPage(p *page, r *http.Request) error {
	users, err := s.opts.Accounts.Users(p.User.Org)
	if err != nil {
		return err
	}
	p.Title = T(p.Lang, "users.title")
	p.Data = usersData{Users: users, Message: r.URL.Query().Get("msg")}
	return s.render(p, "users")
}

// addUser creates a hall user with a new custodial SM2 key and registers
// the key on chain for the organisation (as an admin key for admins),
// signed by the signed-in admin's key.
func (s *Server) addUser(p *page, r *http.Request) error {
	role := accounts.Role(r.FormValue("role"))
	name := strings.TrimSpace(r.FormValue("name"))
	fail := func(msg string) error {
		users, _ := s.opts.Accounts.Users(p.User.Org)
		p.Title = T(p.Lang, "users.title")
		p.Status = http.StatusBadRequest
		p.Data = usersData{Users: users, Error: msg}
		return s.render(p, "users")
	}
	if _, err := s.opts.Accounts.User(name); err == nil {
		return fail(T(p.Lang, "users.taken"))
	}
	k, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		return err
	}
	u := accounts.User{Name: name, Display: strings.TrimSpace(r.FormValue("display")), Org: p.User.Org, Role: role}
	// Check the account first, so a refused user name leaves no key on chain.
	if err := s.opts.Accounts.CheckNew(u, r.FormValue("password")); err != nil {
		return fail(accountError(p.Lang, err))
	}
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"public_key": k.Public(), "admin": role == accounts.RoleAdmin, "name": name})
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	if _, err := s.api().Do(ctx, key, "identity", "register_key", json.RawMessage(body)); err != nil {
		return fail(apiError(err))
	}
	if err := s.opts.Accounts.AddUser(u, r.FormValue("password"), k); err != nil {
		return fail(accountError(p.Lang, err))
	}
	http.Redirect(p.w, r, "/hall/users?msg="+url.QueryEscape(T(p.Lang, "users.added")+" "+name), http.StatusSeeOther)
	return nil
}

func accountError(lang Lang, err error) string {
	switch {
	case errors.Is(err, accounts.ErrBadUserName):
		return T(lang, "users.badname")
	case errors.Is(err, accounts.ErrWeakPass):
		return T(lang, "users.weakpass")
	case errors.Is(err, accounts.ErrUserExists):
		return T(lang, "users.taken")
	}
	return err.Error()
}

// apiError is the message of an API error for a page.
func apiError(err error) string {
	var ce *client.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}
