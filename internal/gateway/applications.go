package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	ctypes "github.com/cometbft/cometbft/rpc/core/types"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Applications to join from the public hall (ADR 0020). The node checks
// an applicant's form, keeps the contact details in its file store (only
// their salted digest goes on chain) and relays the application with its
// operator key (identity/apply). Anyone may follow an application by its
// reference number and, once approved, download the join bundle.

// ApplicationForm is the body of POST /v1/applications.
type ApplicationForm struct {
	OrgID          string       `json:"org_id" doc:"the organisation id asked for (2-32 lowercase letters, digits or '-')"`
	Name           string       `json:"name" doc:"registered name in Chinese"`
	NameEN         string       `json:"name_en,omitempty" doc:"name in English"`
	USCC           string       `json:"uscc" doc:"unified social credit code (18 characters, GB 32100-2015)"`
	Roles          []role.Role  `json:"roles" doc:"the roles asked for"`
	AdminKey       tx.PublicKey `json:"admin_key" doc:"the organisation's first admin key"`
	Possession     []byte       `json:"possession" doc:"the admin key's signature of the application message (dengta apply possession), standard base64"`
	WantsValidator bool         `json:"wants_validator,omitempty" doc:"the organisation will ask to run a validator once its node has joined"`
	Contact        Contact      `json:"contact" doc:"who the consortium contacts; kept off chain by the node that takes the application"`
}

// Contact is an applicant's contact person. The relaying node keeps it
// with a random salt in its file store; the chain holds the SHA-256 of
// that record, so members can check what they are shown.
type Contact struct {
	Salt   string `json:"salt,omitempty" doc:"set by the node: 16 random bytes in hex"`
	Person string `json:"person" doc:"contact person"`
	Phone  string `json:"phone" doc:"telephone: digits, with + - and spaces"`
	Email  string `json:"email" doc:"e-mail address"`
}

var (
	phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{4,22}[0-9]$`)
	emailPattern = regexp.MustCompile(`^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
)

// Check validates the contact details.
func (c *Contact) Check() error {
	if err := field.Text("contact person", c.Person, 2, 50); err != nil {
		return err
	}
	if !phonePattern.MatchString(c.Phone) {
		return errcode.New(errcode.MalformedBody, "telephone %q: give 6-24 digits, with an optional leading + and - or spaces between", c.Phone)
	}
	if len(c.Email) > 100 || !emailPattern.MatchString(c.Email) {
		return errcode.New(errcode.MalformedBody, "e-mail address %q is not an address like name@example.cn", c.Email)
	}
	return nil
}

// ApplicationView is an application as the API answers it: the on-chain
// record with its status at the latest block.
type ApplicationView struct {
	identity.Application
	// Status is computed at the latest block's time (an open application
	// past its expiry is expired).
	Status string `json:"status"`
	// Bundle is where the approved applicant downloads its join bundle.
	Bundle string `json:"bundle,omitempty"`
}

// ApplyResponse answers POST /v1/applications.
type ApplyResponse struct {
	Ref    string `json:"ref" doc:"the application's reference number: its status page is /apply/{ref}"`
	Height int64  `json:"height"`
	TxHash string `json:"tx_hash"`
}

// applyLimit is how often one client address may apply: three at once,
// then one every 20 minutes.
var applyLimit = ratelimit.Limit{Burst: 3, Every: 20 * time.Minute}

// relay signs transactions with the node's operator key, one at a time.
type relay struct {
	mu sync.Mutex
}

func (s *Server) applicationRoutes(handle func(string, func(http.ResponseWriter, *http.Request) error, ...httpapi.Option)) {
	handle("POST /v1/applications", s.apply, httpapi.Public, httpapi.MaxBody(32<<10))
	handle("GET /v1/applications", s.listApplications)
	handle("GET /v1/applications/{ref}", s.getApplication, httpapi.Public)
	handle("GET /v1/applications/{ref}/bundle", s.applicationBundle, httpapi.Public)
	handle("GET /v1/applications/{ref}/contact", s.applicationContact)
}

func (s *Server) apply(w http.ResponseWriter, r *http.Request) error {
	// The node's own hall (loopback) limits its visitors by their
	// addresses before calling here.
	if a := ratelimit.ClientAddr(r, s.opts.Proxies); !a.IsLoopback() {
		if ok, wait := s.applyLimiter.Allow(ratelimit.Key(a)); !ok {
			w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
			return errcode.New(errcode.RateLimited, "too many applications from this address; try again in %s", wait.Round(time.Minute))
		}
	}
	var f ApplicationForm
	if err := httpapi.DecodeJSON(r, &f, 32<<10); err != nil {
		return err
	}
	body := identity.ApplyBody{OrgID: f.OrgID, Name: f.Name, NameEN: f.NameEN, USCC: f.USCC, Roles: f.Roles,
		AdminKey: f.AdminKey, Possession: f.Possession, WantsValidator: f.WantsValidator}
	body.ContactDigest = strings.Repeat("0", 64) // checked below with the real one
	if err := body.Check(s.app.ChainID(), s.app.Roles()); err != nil {
		return err
	}
	if err := f.Contact.Check(); err != nil {
		return err
	}
	if s.opts.Relay == nil {
		return errcode.New(errcode.Unavailable, "this node takes no applications to join: it has no operator key (settings operator_key); apply through another member's hall")
	}
	if s.opts.Blobs == nil {
		return errcode.New(errcode.Unavailable, "this node takes no applications to join: it keeps no files for the contact details")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	f.Contact.Salt = fmt.Sprintf("%x", salt)
	data, err := json.Marshal(f.Contact)
	if err != nil {
		return err
	}
	info, err := s.opts.Blobs.Put(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("keep contact details: %w", err)
	}
	body.ContactDigest = info.SHA256
	ctx, stop := context.WithTimeout(r.Context(), s.opts.CommitTimeout)
	defer stop()
	rec, raw, err := s.relaySubmit(ctx, identity.Name, identity.Apply.Name, body)
	if err != nil {
		return err
	}
	if rec.Code != 0 {
		// Refused in its block (another application for the same code
		// came first, say).
		return &errcode.Error{Code: errcode.Code(rec.Code), Msg: rec.Log}
	}
	writeJSON(w, http.StatusCreated, ApplyResponse{Ref: identity.ApplicationRef(tx.Hash(raw)), Height: rec.Height, TxHash: rec.Hash})
	return nil
}

// relaySubmit signs body with the operator key, submits it and waits for
// its commit. A nonce taken meanwhile by the node's other services is
// signed again with the next one.
func (s *Server) relaySubmit(ctx context.Context, mod, action string, body any) (*committed, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, err
	}
	key := s.opts.Relay
	for attempt := 0; ; attempt++ {
		s.relay.mu.Lock()
		n, err := s.app.NextNonce(key.ID())
		if err != nil {
			s.relay.mu.Unlock()
			return nil, nil, err
		}
		t := &tx.Tx{ChainID: s.app.ChainID(), Signer: key.ID(), Nonce: n, Module: mod, Action: action, Body: b}
		if err := t.Sign(key); err != nil {
			s.relay.mu.Unlock()
			return nil, nil, err
		}
		raw := t.Encode()
		ch, cancel := s.app.Watch(tx.Hash(raw))
		if err := s.refuse(); err != nil {
			s.relay.mu.Unlock()
			cancel()
			return nil, nil, err
		}
		bctx, bstop := context.WithTimeout(ctx, s.opts.BroadcastTimeout)
		res, err := callChain(bctx, func() (*ctypes.ResultBroadcastTx, error) { return s.chain.BroadcastTxSync(bctx, raw) })
		bstop()
		s.relay.mu.Unlock()
		if err == nil && res.Code != 0 {
			err = &errcode.Error{Code: errcode.Code(res.Code), Msg: res.Log}
		} else if err != nil {
			err = broadcastError(err)
		}
		if err != nil {
			cancel()
			c := errcode.Of(err)
			if (c == errcode.NonceReplayed || c == errcode.NonceGap) && attempt < 3 {
				continue
			}
			return nil, nil, err
		}
		rec, err := s.await(ctx, ch)
		cancel()
		if err != nil {
			return nil, nil, errcode.New(errcode.Timeout, "the application was taken but is not committed yet (transaction %X); look for it again in a minute", tx.Hash(raw))
		}
		return &committed{Height: rec.Height, Code: rec.Code, Log: rec.Log, Hash: rec.Hash}, raw, nil
	}
}

// committed is what became of a relayed transaction.
type committed struct {
	Height int64
	Code   uint32
	Log    string
	Hash   string
}

// blockUnix is the latest block's time, which an application's expiry is
// measured against.
func (s *Server) blockUnix(ctx context.Context) int64 {
	if st, err := s.chain.Status(ctx); err == nil && !st.SyncInfo.LatestBlockTime.IsZero() {
		return st.SyncInfo.LatestBlockTime.Unix()
	}
	return s.Now().Unix()
}

func (s *Server) applicationView(ctx context.Context, a *identity.Application) ApplicationView {
	v := ApplicationView{Application: *a, Status: a.StatusAt(s.blockUnix(ctx))}
	if v.Status == identity.AppApproved {
		v.Bundle = "/v1/applications/" + a.Ref + "/bundle"
	}
	return v
}

// applicationOf returns the application the request's {ref} names, in
// the latest state.
func (s *Server) applicationOf(r *http.Request) (*identity.Application, error) {
	ref := strings.ToUpper(r.PathValue("ref"))
	if !identity.ValidRef(ref) {
		return nil, errcode.New(errcode.BadRequest, "%q is not a reference number (SQ and 10 hex digits, as shown after applying)", r.PathValue("ref"))
	}
	v, err := s.View(0)
	if err != nil {
		return nil, err
	}
	return identity.GetApplication(v, ref)
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) error {
	a, err := s.applicationOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.applicationView(r.Context(), a))
	return nil
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	limit, after, err := listLimit(r)
	if err != nil {
		return err
	}
	items, next, err := list[identity.Application](v, identity.ApplicationPrefix(), after, limit)
	if err != nil {
		return err
	}
	want := r.URL.Query().Get("status")
	out := make([]ApplicationView, 0, len(items))
	for i := range items {
		av := s.applicationView(r.Context(), &items[i])
		if want == "" || av.Status == want {
			out = append(out, av)
		}
	}
	writeJSON(w, http.StatusOK, api.Page[ApplicationView]{Height: v.Version(), Items: out, Next: next})
	return nil
}

// applicationBundle answers the join bundle of an approved application,
// written by this node at the time of the request.
func (s *Server) applicationBundle(w http.ResponseWriter, r *http.Request) error {
	a, err := s.applicationOf(r)
	if err != nil {
		return err
	}
	if st := a.StatusAt(s.blockUnix(r.Context())); st != identity.AppApproved {
		return errcode.New(errcode.Conflict, "application %s is %s: the join bundle is for approved applications", a.Ref, st)
	}
	if s.opts.JoinBundle == nil {
		return errcode.New(errcode.Unavailable, "this node writes no join bundles; ask a member for one (dengta bundle)")
	}
	b, err := s.opts.JoinBundle(r.Context())
	if err != nil {
		return errcode.New(errcode.Unavailable, "join bundle: %v", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="dengta-join-%s.json"`, a.OrgID))
	_, err = w.Write(b)
	return err
}

// applicationContact answers the contact details of an application this
// node took, for members.
func (s *Server) applicationContact(w http.ResponseWriter, r *http.Request) error {
	a, err := s.applicationOf(r)
	if err != nil {
		return err
	}
	c, err := s.contactOf(a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// contactOf reads an application's contact details from this node's file
// store, checked against the digest on chain.
func (s *Server) contactOf(a *identity.Application) (*Contact, error) {
	if s.opts.Blobs == nil {
		return nil, errcode.New(errcode.NotFound, "this node keeps no files")
	}
	f, _, err := s.opts.Blobs.Open(a.ContactDigest)
	if err != nil {
		return nil, errcode.New(errcode.NotFound, "the contact details of %s are kept by the node of %s, which took the application", a.Ref, a.Relayer)
	}
	defer f.Close()
	var c Contact
	if err := json.NewDecoder(f).Decode(&c); err != nil {
		return nil, fmt.Errorf("contact details of %s: %w", a.Ref, err)
	}
	return &c, nil
}
