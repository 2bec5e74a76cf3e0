package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/tx"
)

const (
	sessionCookie = "dengta_session"
	loginCSRF     = "dengta_login_csrf"
	// deviceCookie marks a browser that signed in to an account before;
	// guesses from elsewhere do not hold it up (accounts.SignIn).
	deviceCookie = "dengta_device"
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
	s.mux.HandleFunc("POST /hall/users/{name}/disable", s.wrap(s.signedIn(s.adminOnly(s.setDisabled(true)))))
	s.mux.HandleFunc("POST /hall/users/{name}/enable", s.wrap(s.signedIn(s.adminOnly(s.setDisabled(false)))))
	s.mux.HandleFunc("POST /hall/users/{name}/password", s.wrap(s.signedIn(s.adminOnly(s.resetPassword))))
	s.mux.HandleFunc("GET /hall/upgrade", s.wrap(s.signedIn(s.upgradePage)))
	s.mux.HandleFunc("GET /hall/account", s.wrap(s.signedIn(s.accountPage)))
	s.mux.HandleFunc("POST /hall/account/password", s.wrap(s.signedIn(s.changePassword)))
	s.mux.HandleFunc("POST /hall/account/tokens", s.wrap(s.signedIn(s.createToken)))
	s.mux.HandleFunc("POST /hall/account/tokens/{id}/revoke", s.wrap(s.signedIn(s.revokeToken)))
}

// signedIn requires a session and, for POST, the session's CSRF token.
func (s *Server) signedIn(h pages.Handler) pages.Handler {
	return func(p *pages.Page) error {
		r := p.R
		if s.opts.Accounts == nil {
			return errcode.New(errcode.NotFound, "no hall on this node")
		}
		sess, hu, err := s.session(r)
		if err != nil {
			http.Redirect(p.W, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		// The token comes from the form body only: a token in the URL
		// would end up in logs, histories and Referer headers.
		if r.Method == http.MethodPost && !accounts.CheckCSRF(sess, r.PostFormValue("csrf")) {
			return errcode.New(errcode.BadRequest, "%s", p.T("hall.csrf"))
		}
		p.User = hu
		return h(p)
	}
}

// session returns the browser's hall session and its user.
func (s *Server) session(r *http.Request) (*accounts.Session, *pages.User, error) {
	if s.opts.Accounts == nil {
		return nil, nil, errcode.New(errcode.NotFound, "no hall on this node")
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil, err
	}
	sess, u, err := s.opts.Accounts.Session(c.Value)
	if err != nil {
		return nil, nil, err
	}
	hu := &pages.User{Name: u.Name, Display: u.Display, Org: u.Org, Role: string(u.Role), KeyID: u.KeyID.String(), Algo: u.Algo.String(), CSRF: sess.CSRF}
	if v, err := s.opts.Backend.View(0); err == nil {
		hu.OrgInfo, _ = identity.GetOrg(v, u.Org)
	}
	return sess, hu, nil
}

func (s *Server) adminOnly(h pages.Handler) pages.Handler {
	return func(p *pages.Page) error {
		if p.User.Role != string(accounts.RoleAdmin) {
			return errcode.New(errcode.Unauthorized, "%s", p.T("hall.adminonly"))
		}
		return h(p)
	}
}

// apiFor returns an SDK client of this node's API that signs its requests
// as the browser's hall user, when it has a valid session; the public
// pages then show what the user's organisation may read.
func (s *Server) apiFor(r *http.Request) *client.Client {
	if s.opts.Accounts == nil {
		return s.api()
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return s.api()
	}
	_, u, err := s.opts.Accounts.Session(c.Value)
	if err != nil {
		return s.api()
	}
	k, err := s.opts.Accounts.SigningKey(u)
	if err != nil {
		return s.api()
	}
	return s.api().As(client.KeyFrom(k))
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
	return s.renderLogin(p, safeNext(p.R.URL.Query().Get("next")), "", 0)
}

// renderLogin shows the sign-in form with a fresh CSRF token.
func (s *Server) renderLogin(p *pages.Page, next, errMsg string, status int) error {
	token := pages.RandomString()
	http.SetCookie(p.W, &http.Cookie{Name: loginCSRF, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookies()})
	p.Title = p.T("login.title")
	p.Status = status
	p.Data = map[string]string{"CSRF": token, "Next": next, "Error": errMsg}
	return s.render(p, "login")
}

func (s *Server) login(p *pages.Page) error {
	r := p.R
	if s.opts.Accounts == nil {
		return errcode.New(errcode.NotFound, "no hall on this node")
	}
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || c.Value != r.PostFormValue("csrf") {
		return errcode.New(errcode.BadRequest, "%s", p.T("hall.csrf"))
	}
	next := safeNext(r.PostFormValue("next"))
	a := accounts.Attempt{Name: strings.TrimSpace(r.PostFormValue("user")), Password: r.PostFormValue("password"), Addr: s.opts.Proxies.ClientIP(r).String()}
	if dc, err := r.Cookie(deviceCookie); err == nil {
		a.Device = dc.Value
	}
	u, device, err := s.opts.Accounts.SignIn(r.Context(), a)
	var throttled *accounts.ThrottledError
	switch {
	case errors.As(err, &throttled):
		secs := int(throttled.RetryAfter.Round(time.Second) / time.Second)
		p.W.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		return s.renderLogin(p, next, s.retryText(p, throttled.RetryAfter), http.StatusTooManyRequests)
	case errors.Is(err, accounts.ErrBusy):
		p.W.Header().Set("Retry-After", "2")
		return s.renderLogin(p, next, p.T("login.busy"), http.StatusServiceUnavailable)
	case errors.Is(err, accounts.ErrBadLogin):
		return s.renderLogin(p, next, p.T("login.bad"), http.StatusUnauthorized)
	case err != nil:
		return err
	}
	token, _, err := s.opts.Accounts.NewSession(u)
	if err != nil {
		return err
	}
	http.SetCookie(p.W, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()})
	http.SetCookie(p.W, &http.Cookie{Name: deviceCookie, Value: device, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.secureCookies(), MaxAge: int(accounts.DeviceCookieTTL / time.Second)})
	http.Redirect(p.W, r, next, http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target a path on this site: it starts with a
// single "/", and has no backslash, control character or space, which
// browsers strip or turn into "/" ("/\t/evil.example" becomes
// "//evil.example", another site).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/hall"
	}
	for _, c := range next {
		if c == '\\' || c <= ' ' || c == 0x7f || unicode.IsSpace(c) || unicode.Is(unicode.Cf, c) {
			return "/hall"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/hall"
	}
	return next
}

func (s *Server) logout(p *pages.Page) error {
	r := p.R
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.opts.Accounts.EndSession(c.Value)
	}
	http.SetCookie(p.W, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secureCookies()})
	http.Redirect(p.W, r, "/", http.StatusSeeOther)
	return nil
}

// usersData is the user administration page.
type usersData struct {
	Users []accounts.User
	Error string
}

func (s *Server) usersPage(p *pages.Page) error {
	users, err := s.opts.Accounts.Users(p.User.Org)
	if err != nil {
		return err
	}
	p.Title = p.T("users.title")
	p.Data = usersData{Users: users}
	return s.render(p, "users")
}

// addUser creates a hall user with a new custodial SM2 key and registers
// the key on chain for the organisation (as an admin key for admins),
// signed by the signed-in admin's key.
func (s *Server) addUser(p *pages.Page) error {
	r := p.R
	role := accounts.Role(r.PostFormValue("role"))
	name := strings.TrimSpace(r.PostFormValue("name"))
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
	u := accounts.User{Name: name, Display: strings.TrimSpace(r.PostFormValue("display")), Org: p.User.Org, Role: role}
	// Check the account first, so a refused user name leaves no key on chain.
	if err := s.opts.Accounts.CheckNew(u, r.PostFormValue("password")); err != nil {
		return fail(accountError(p, err))
	}
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	if _, _, err := client.Send(ctx, s.api(), key, identity.RegisterKey, identity.RegisterKeyBody{PublicKey: k.Public(), Admin: role == accounts.RoleAdmin, Name: name}); err != nil {
		return fail(p.APIError(err))
	}
	if err := s.opts.Accounts.AddUser(u, r.PostFormValue("password"), k); err != nil {
		return fail(accountError(p, err))
	}
	p.Done("/hall/users", p.T("users.added")+" "+name)
	return nil
}

// orgUser returns the user named in the path, who must belong to the
// signed-in admin's organisation.
func (s *Server) orgUser(p *pages.Page) (*accounts.User, error) {
	u, err := s.opts.Accounts.User(p.R.PathValue("name"))
	if err != nil || u.Org != p.User.Org {
		return nil, errcode.New(errcode.NotFound, "%s", p.T("users.nouser"))
	}
	return u, nil
}

// setDisabled disables or enables a user of the admin's organisation. A
// disabled user's sessions end at their next request and the user cannot
// sign in; an admin cannot disable themself.
func (s *Server) setDisabled(disabled bool) pages.Handler {
	return func(p *pages.Page) error {
		u, err := s.orgUser(p)
		if err != nil {
			return err
		}
		if u.Name == p.User.Name {
			return errcode.New(errcode.Conflict, "%s", p.T("users.notself"))
		}
		if err := s.opts.Accounts.SetDisabled(u.Name, disabled); err != nil {
			return err
		}
		key := "users.enabled"
		if disabled {
			key = "users.disabledone"
		}
		p.Done("/hall/users", p.T(key)+" "+u.Name)
		return nil
	}
}

// resetPassword sets a new password for a user of the admin's
// organisation and ends the user's sessions.
func (s *Server) resetPassword(p *pages.Page) error {
	u, err := s.orgUser(p)
	if err != nil {
		return err
	}
	if err := s.opts.Accounts.SetPassword(u.Name, p.R.PostFormValue("password")); err != nil {
		users, _ := s.opts.Accounts.Users(p.User.Org)
		p.Title = p.T("users.title")
		p.Status = http.StatusBadRequest
		p.Data = usersData{Users: users, Error: accountError(p, err)}
		return s.render(p, "users")
	}
	p.Done("/hall/users", p.T("users.passwordset")+" "+u.Name)
	return nil
}

// accountData is the account page: the user's API tokens, and a token
// just made, shown this once.
type accountData struct {
	Tokens   []accounts.Token
	NewToken string
	Error    string
}

func (s *Server) accountPage(p *pages.Page) error { return s.renderAccount(p, http.StatusOK, "", "") }

func (s *Server) renderAccount(p *pages.Page, status int, newToken, errMsg string) error {
	tokens, err := s.opts.Accounts.Tokens(p.User.Name)
	if err != nil {
		return err
	}
	p.Title = p.T("account.title")
	p.Status = status
	p.Data = accountData{Tokens: tokens, NewToken: newToken, Error: errMsg}
	return s.render(p, "account")
}

// createToken makes an API token for the signed-in user and shows it
// once; the node keeps only its hash.
func (s *Server) createToken(p *pages.Page) error {
	token, _, err := s.opts.Accounts.CreateToken(p.User.Name, p.R.PostFormValue("name"))
	switch {
	case errors.Is(err, accounts.ErrTokenName):
		return s.renderAccount(p, http.StatusBadRequest, "", p.T("token.badname"))
	case errors.Is(err, accounts.ErrManyTokens):
		return s.renderAccount(p, http.StatusConflict, "", p.T("token.many"))
	case err != nil:
		return err
	}
	p.W.Header().Set("Cache-Control", "no-store")
	return s.renderAccount(p, http.StatusOK, token, "")
}

func (s *Server) revokeToken(p *pages.Page) error {
	if err := s.opts.Accounts.RevokeToken(p.User.Name, p.R.PathValue("id")); err != nil {
		if errors.Is(err, accounts.ErrNoToken) {
			return errcode.New(errcode.NotFound, "%s", p.T("token.none"))
		}
		return err
	}
	p.Done("/hall/account", p.T("token.revoked"))
	return nil
}

// changePassword changes the signed-in user's own password, given the
// current one (checked within the sign-in limits); the user's other
// sessions end.
func (s *Server) changePassword(p *pages.Page) error {
	r := p.R
	fail := func(status int, msg string) error { return s.renderAccount(p, status, "", msg) }
	a := accounts.Attempt{Name: p.User.Name, Password: r.PostFormValue("current"), Addr: s.opts.Proxies.ClientIP(r).String()}
	if dc, err := r.Cookie(deviceCookie); err == nil {
		a.Device = dc.Value
	}
	_, _, err := s.opts.Accounts.SignIn(r.Context(), a)
	var throttled *accounts.ThrottledError
	switch {
	case errors.As(err, &throttled):
		return fail(http.StatusTooManyRequests, s.retryText(p, throttled.RetryAfter))
	case errors.Is(err, accounts.ErrBusy):
		return fail(http.StatusServiceUnavailable, p.T("login.busy"))
	case errors.Is(err, accounts.ErrBadLogin):
		return fail(http.StatusUnauthorized, p.T("account.badcurrent"))
	case err != nil:
		return err
	}
	if r.PostFormValue("password") != r.PostFormValue("confirm") {
		return fail(http.StatusBadRequest, p.T("account.mismatch"))
	}
	if err := s.opts.Accounts.SetPassword(p.User.Name, r.PostFormValue("password")); err != nil {
		return fail(http.StatusBadRequest, accountError(p, err))
	}
	// SetPassword ended every session of the user; start this one afresh.
	u, err := s.opts.Accounts.User(p.User.Name)
	if err != nil {
		return err
	}
	token, _, err := s.opts.Accounts.NewSession(u)
	if err != nil {
		return err
	}
	http.SetCookie(p.W, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()})
	p.Done("/hall/account", p.T("account.changed"))
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

// retryText says how long to wait before the next sign-in attempt.
func (s *Server) retryText(p *pages.Page, d time.Duration) string {
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	return s.tp(p.Lang, "login.throttled", map[string]string{"n": strconv.Itoa(secs)})
}
