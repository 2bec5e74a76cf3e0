package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
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
}

// signedIn requires a session and, for POST, the session's CSRF token.
func (s *Server) signedIn(h pages.Handler) pages.Handler {
	return func(p *pages.Page) error {
		r := p.R
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
			http.Redirect(p.W, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if r.Method == http.MethodPost && !accounts.CheckCSRF(sess, r.FormValue("csrf")) {
			return errcode.New(errcode.BadRequest, "%s", p.T("hall.csrf"))
		}
		hu := &pages.User{Name: u.Name, Display: u.Display, Org: u.Org, Role: string(u.Role), KeyID: u.KeyID.String(), Algo: u.Algo.String(), CSRF: sess.CSRF}
		if v, err := s.opts.Backend.View(0); err == nil {
			hu.OrgInfo, _ = identity.GetOrg(v, u.Org)
		}
		p.User = hu
		return h(p)
	}
}

func (s *Server) adminOnly(h pages.Handler) pages.Handler {
	return func(p *pages.Page) error {
		if p.User.Role != string(accounts.RoleAdmin) {
			return errcode.New(errcode.Unauthorized, "%s", p.T("hall.adminonly"))
		}
		return h(p)
	}
}

// signer returns the signed-in user's key for the SDK.
func (s *Server) signer(p *pages.Page) (*client.Key, error) {
	if p.User == nil {
		return nil, errcode.New(errcode.Unauthorized, "%s", p.T("hall.signin"))
	}
	u, err := s.opts.Accounts.User(p.User.Name)
	if err != nil {
		return nil, err
	}
	k, err := s.opts.Accounts.SigningKey(u)
	if err != nil {
		return nil, err
	}
	return client.KeyFrom(k), nil
}

func (s *Server) loginPage(p *pages.Page) error {
	r := p.R
	token := pages.RandomString()
	http.SetCookie(p.W, &http.Cookie{Name: loginCSRF, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	p.Title = p.T("login.title")
	p.Data = map[string]string{"CSRF": token, "Next": safeNext(r.URL.Query().Get("next")), "Error": ""}
	return s.render(p, "login")
}

func (s *Server) login(p *pages.Page) error {
	r := p.R
	if s.opts.Accounts == nil {
		return errcode.New(errcode.NotFound, "no hall on this node")
	}
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || c.Value != r.FormValue("csrf") {
		return errcode.New(errcode.BadRequest, "%s", p.T("hall.csrf"))
	}
	u, err := s.opts.Accounts.Authenticate(strings.TrimSpace(r.FormValue("user")), r.FormValue("password"))
	if err != nil {
		msg := p.T("login.bad")
		if errors.Is(err, accounts.ErrLocked) {
			msg = p.T("login.locked")
		} else if !errors.Is(err, accounts.ErrBadLogin) {
			return err
		}
		token := pages.RandomString()
		http.SetCookie(p.W, &http.Cookie{Name: loginCSRF, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		p.Title = p.T("login.title")
		p.Status = http.StatusUnauthorized
		p.Data = map[string]string{"CSRF": token, "Next": safeNext(r.FormValue("next")), "Error": msg}
		return s.render(p, "login")
	}
	token, _, err := s.opts.Accounts.NewSession(u)
	if err != nil {
		return err
	}
	http.SetCookie(p.W, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(p.W, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/hall"
	}
	return next
}

func (s *Server) logout(p *pages.Page) error {
	r := p.R
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.opts.Accounts.EndSession(c.Value)
	}
	http.SetCookie(p.W, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(p.W, r, "/", http.StatusSeeOther)
	return nil
}

func (s *Server) dashboard(p *pages.Page) error {
	p.Title = p.T("hall.title")
	return s.render(p, "dashboard")
}

// usersData is the user administration page.
type usersData struct {
	Users   []accounts.User
	Message string
	Error   string
}

func (s *Server) usersPage(p *pages.Page) error {
	r := p.R
	users, err := s.opts.Accounts.Users(p.User.Org)
	if err != nil {
		return err
	}
	p.Title = p.T("users.title")
	p.Data = usersData{Users: users, Message: r.URL.Query().Get("msg")}
	return s.render(p, "users")
}

// addUser creates a hall user with a new custodial SM2 key and registers
// the key on chain for the organisation (as an admin key for admins),
// signed by the signed-in admin's key.
func (s *Server) addUser(p *pages.Page) error {
	r := p.R
	role := accounts.Role(r.FormValue("role"))
	name := strings.TrimSpace(r.FormValue("name"))
	fail := func(msg string) error {
		users, _ := s.opts.Accounts.Users(p.User.Org)
		p.Title = p.T("users.title")
		p.Status = http.StatusBadRequest
		p.Data = usersData{Users: users, Error: msg}
		return s.render(p, "users")
	}
	if _, err := s.opts.Accounts.User(name); err == nil {
		return fail(p.T("users.taken"))
	}
	k, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		return err
	}
	u := accounts.User{Name: name, Display: strings.TrimSpace(r.FormValue("display")), Org: p.User.Org, Role: role}
	// Check the account first, so a refused user name leaves no key on chain.
	if err := s.opts.Accounts.CheckNew(u, r.FormValue("password")); err != nil {
		return fail(accountError(p, err))
	}
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	if _, _, err := client.Send(ctx, s.api(), key, identity.RegisterKey, identity.RegisterKeyBody{PublicKey: k.Public(), Admin: role == accounts.RoleAdmin, Name: name}); err != nil {
		return fail(pages.APIError(err))
	}
	if err := s.opts.Accounts.AddUser(u, r.FormValue("password"), k); err != nil {
		return fail(accountError(p, err))
	}
	http.Redirect(p.W, r, "/hall/users?msg="+url.QueryEscape(p.T("users.added")+" "+name), http.StatusSeeOther)
	return nil
}

func accountError(p *pages.Page, err error) string {
	switch {
	case errors.Is(err, accounts.ErrBadUserName):
		return p.T("users.badname")
	case errors.Is(err, accounts.ErrWeakPass):
		return p.T("users.weakpass")
	case errors.Is(err, accounts.ErrUserExists):
		return p.T("users.taken")
	}
	return err.Error()
}
