package credentialplug

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static/wallet.js
var walletJS []byte

// credPages are the module's pages: the hall's desk of an organisation
// (issue, issued credentials with their status, recognition list, uses,
// keys), the issue form, the verifier's requests, the registry; and the
// public wallet and verify pages.
type credPages struct {
	site pages.Site
	n    *node
}

func (n *node) pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Reasons:     reasons,
		ReasonWords: reasonWords,
		Templates:   sub,
		Messages:    pages.Merge(messages, dashMessages),
		Dashboard:   dashboard,
		Title:       title,
		Actions:     actionNames,
		Enums:       enums,
		Funcs: template.FuncMap{
			// instant shows an RFC 3339 time as people read one here:
			// China Standard Time to the minute; anything else as it is.
			"instant": func(s string) string {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return s
				}
				return t.In(pages.ChinaTime).Format("2006-01-02 15:04")
			},
			"claimValue": func(raw json.RawMessage) string {
				var s string
				if json.Unmarshal(raw, &s) == nil {
					return s
				}
				return string(raw)
			},
		},
		Hall:   []pages.Link{{Path: "/hall/credential", Key: "vc.title"}},
		Public: []pages.Link{{Path: "/credential/wallet", Key: "vc.wallet"}, {Path: "/credential/verify", Key: "vc.verify.public"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &credPages{site: site, n: n}
			r.SignedIn("GET /hall/credential", s.desk)
			r.SignedIn("GET /hall/credential/issue/{type}", s.issueForm)
			r.SignedIn("POST /hall/credential/issue/{type}", s.issue)
			r.SignedIn("POST /hall/credential/status", s.setStatus)
			r.SignedIn("POST /hall/credential/recognize", s.recognize)
			r.SignedIn("POST /hall/credential/keys", s.keys)
			r.SignedIn("GET /hall/credential/verify", s.verifyForm)
			r.SignedIn("POST /hall/credential/verify", s.openRequest)
			r.SignedIn("GET /hall/credential/verify/{id}", s.requestPage)
			r.SignedIn("POST /hall/credential/verify/{id}", s.check)
			r.SignedIn("GET /hall/credential/registry", s.registry)
			r.SignedIn("POST /hall/credential/registry", s.registryAct)
			r.Public("GET /credential/wallet", s.wallet)
			r.Public("GET /credential/wallet.js", s.walletScript)
			r.Public("GET /credential/pickups/{token}", s.pickup)
			r.Public("GET /credential/requests/{id}", s.requestJSON)
			r.Public("POST /credential/requests/{id}", s.respond)
			r.Public("GET /credential/verify", s.publicVerify)
			r.Public("POST /credential/verify", s.publicVerify)
		},
	}
}

func (s *credPages) ctx(p *pages.Page) (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.R.Context(), s.site.Timeout())
}

// deskData is the hall's desk of the signed-in user's organisation.
type deskData struct {
	DID         string
	Types       []credentialapi.Type // it may issue
	AllTypes    []credentialapi.Type
	Issued      []credentialapi.Anchor
	Recognition []credentialapi.Recognition
	Uses        []credentialapi.Use
	// IssuedQ and UsesQ are the searches of the two lists, IssuedAfter
	// and UsesAfter the cursors the pages shown start after, and
	// IssuedNext and UsesNext those of the pages after them.
	IssuedQ, IssuedAfter, IssuedNext string
	UsesQ, UsesAfter, UsesNext       string
	Keys                             []credentialapi.Key
	NodeKeys                         []*credentialapi.NodeKey
	Orgs                             []identity.Org
	// TypeNames names each registered type in the page's language.
	TypeNames map[string]string
	Error     string
}

// typeNames names each type in the page's language.
func typeNames(p *pages.Page, types []credentialapi.Type) map[string]string {
	out := make(map[string]string, len(types))
	for _, t := range types {
		out[t.ID] = t.Name
		if p.Lang == pages.EN && t.NameEN != "" {
			out[t.ID] = t.NameEN
		}
	}
	return out
}

// deskPage is the number of issued credentials, and of uses, the desk
// lists at a time.
const deskPage = 20

func (s *credPages) desk(p *pages.Page) error { return s.renderDesk(p, "") }

func (s *credPages) renderDesk(p *pages.Page, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	org := p.User.Org
	d := &deskData{DID: credential.DID(s.site.ChainID(), org), Error: errMsg}
	if d.Types, err = credential.TypesOf(v, org); err != nil {
		return err
	}
	all, err := credential.Types(v)
	if err != nil {
		return err
	}
	d.AllTypes = all.Types
	d.TypeNames = typeNames(p, all.Types)
	q := p.R.URL.Query()
	d.IssuedQ, d.IssuedAfter = strings.TrimSpace(q.Get("q")), q.Get("after")
	d.UsesQ, d.UsesAfter = strings.TrimSpace(q.Get("uq")), q.Get("uafter")
	issued, err := credential.Issued(v, org, searchOf(v, d.IssuedQ), d.IssuedAfter, deskPage)
	if errcode.Of(err) == errcode.BadRequest {
		return errcode.New(errcode.BadRequest, "%s", p.T("vc.badcursor"))
	} else if err != nil {
		return err
	}
	d.Issued, d.IssuedNext = issued.Items, issued.Next
	rec, err := credential.Recognitions(v, org)
	if err != nil {
		return err
	}
	d.Recognition = rec.Items
	uses, err := credential.Uses(v, org, searchOf(v, d.UsesQ), d.UsesAfter, deskPage)
	if errcode.Of(err) == errcode.BadRequest {
		return errcode.New(errcode.BadRequest, "%s", p.T("vc.badcursor"))
	} else if err != nil {
		return err
	}
	d.Uses, d.UsesNext = uses.Items, uses.Next
	if d.Keys, err = credential.Keys(v, org); err != nil {
		return err
	}
	for _, alg := range jws.Algorithms {
		if nk, _, err := s.n.nodeKey(s.site, org, alg); err == nil {
			d.NodeKeys = append(d.NodeKeys, nk)
		}
	}
	d.Orgs, _ = s.site.Orgs()
	p.Title, p.Data = p.T("vc.title"), d
	if errMsg != "" && p.Status == 0 {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_credential")
}

// formField is one claim's input on the issue form.
type formField struct {
	Name, ZH, EN string
	Kind         string // text, textarea, date, select
	Options      []string
	Required     bool
	Max          int
	Value        string
}

// fields derives the issue form's inputs from a type's claims and schema.
func fields(t *credentialapi.Type) []formField {
	var sch struct {
		Properties map[string]struct {
			Format    string   `json:"format"`
			Enum      []string `json:"enum"`
			MaxLength int      `json:"maxLength"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	json.Unmarshal([]byte(t.Schema), &sch)
	var out []formField
	for _, c := range t.Claims {
		pr := sch.Properties[c.Name]
		f := formField{Name: c.Name, ZH: c.ZH, EN: c.EN, Kind: "text", Required: slices.Contains(sch.Required, c.Name), Max: pr.MaxLength}
		switch {
		case pr.Format == "date":
			f.Kind = "date"
		case len(pr.Enum) > 0:
			f.Kind, f.Options = "select", pr.Enum
		case pr.MaxLength > 200:
			f.Kind = "textarea"
		}
		if f.Max == 0 {
			f.Max = 200
		}
		out = append(out, f)
	}
	return out
}

type issueData struct {
	Type   *credentialapi.Type
	Fields []formField
	Holder string
	Until  string
	Error  string
	// After a successful issuance:
	Issued    *credentialapi.Signed
	Height    int64
	PickupURL string
	QR        template.HTML
	Download  template.URL
	HolderKey bool // the hall made the holder's key; it travels with the credential
}

func (s *credPages) issuable(p *pages.Page) (*credentialapi.Type, error) {
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	t, err := credential.GetType(v, p.R.PathValue("type"))
	if err != nil {
		return nil, err
	}
	if a, ok, err := credential.GetIssuer(v, t.ID, p.User.Org); err != nil {
		return nil, err
	} else if !ok || !a.Active {
		return nil, notIssuerOf{t}
	}
	return t, nil
}

// notIssuerOf is the refusal of a type's issue form to an organisation not
// authorised for the type.
type notIssuerOf struct{ t *credentialapi.Type }

func (e notIssuerOf) Error() string { return "not authorised to issue " + e.t.ID }

// refuseIssue answers err from issuable: for a type the organisation may
// not issue, its desk, saying so, with the types it may issue linked
// (403).
func (s *credPages) refuseIssue(p *pages.Page, err error) error {
	var ni notIssuerOf
	if !errors.As(err, &ni) {
		return err
	}
	v, verr := s.site.View(0)
	if verr != nil {
		return verr
	}
	mine, verr := credential.TypesOf(v, p.User.Org)
	if verr != nil {
		return verr
	}
	name := ni.t.Name
	if p.Lang == pages.EN && ni.t.NameEN != "" {
		name = ni.t.NameEN
	}
	msg := fmt.Sprintf(p.T("vc.notissuerof"), name)
	if len(mine) == 0 {
		msg += p.T("vc.notissuer")
	} else {
		msg += p.T("vc.mayissue")
	}
	p.Status = http.StatusForbidden
	return s.renderDesk(p, msg)
}

func (s *credPages) issueForm(p *pages.Page) error {
	t, err := s.issuable(p)
	if err != nil {
		return s.refuseIssue(p, err)
	}
	p.Title, p.Data = p.T("vc.issue")+" · "+t.Name, &issueData{Type: t, Fields: fields(t)}
	return s.site.Render(p, "hall_credential_issue")
}

// walletFile is what a holder receives: the credential, and the holder's
// key when the hall made it.
type walletFile struct {
	Credential string   `json:"credential"`
	HolderKey  *jws.JWK `json:"holder_key,omitempty"`
}

func (s *credPages) issue(p *pages.Page) error {
	t, err := s.issuable(p)
	if err != nil {
		return s.refuseIssue(p, err)
	}
	r := p.R
	d := &issueData{Type: t, Fields: fields(t), Holder: strings.TrimSpace(r.PostFormValue("holder")), Until: r.PostFormValue("valid_until")}
	fail := func(msg string) error {
		for i := range d.Fields {
			d.Fields[i].Value = r.PostFormValue("claim." + d.Fields[i].Name)
		}
		d.Error = msg
		p.Title, p.Data, p.Status = p.T("vc.issue")+" · "+t.Name, d, http.StatusBadRequest
		return s.site.Render(p, "hall_credential_issue")
	}
	claims := map[string]any{}
	for _, f := range d.Fields {
		if v := strings.TrimSpace(r.PostFormValue("claim." + f.Name)); v != "" {
			claims[f.Name] = v
		}
	}
	var holder *jws.PrivateKey
	var holderJWK credentialapi.JWK
	if d.Holder == "" {
		// A holder without a wallet: the hall makes the key, which goes
		// with the credential to the holder and is not kept.
		if holder, err = jws.NewKey(jws.ES256); err != nil {
			return err
		}
		holderJWK, d.HolderKey = credential.WireJWK(&holder.PublicKey), true
	} else {
		k, err := jws.ParseJWK([]byte(d.Holder))
		if err != nil {
			return fail(p.T("vc.badholder") + ": " + pages.ChainWords(err.Error()))
		}
		holderJWK = credential.WireJWK(&k.PublicKey)
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(p)
	defer cancel()
	signed, rec, err := Issue(ctx, s.site.API(), key, Issuance{Type: t.ID, Claims: claims, Holder: holderJWK, ValidUntil: d.Until})
	if err != nil {
		return fail(p.APIError(err))
	}
	wf := walletFile{Credential: signed.Credential}
	if holder != nil {
		j := holder.PrivateJWK()
		wf.HolderKey = &j
	}
	file, err := json.Marshal(wf)
	if err != nil {
		return err
	}
	d.Issued, d.Height = signed, rec.Height
	if tok := s.n.addPickup(string(file)); tok != "" {
		d.PickupURL = s.site.PublicURL("/credential/wallet#pickup=" + tok)
		svg, err := qrcode.SVG(d.PickupURL, 200)
		if err != nil {
			return err
		}
		d.QR = template.HTML(svg)
	}
	d.Download = template.URL("data:application/json;base64," + base64.StdEncoding.EncodeToString(file))
	p.Title, p.Data = p.T("vc.issued.title")+" · "+t.Name, d
	return s.site.Render(p, "hall_credential_issue")
}

func (s *credPages) setStatus(p *pages.Page) error {
	r := p.R
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(p)
	defer cancel()
	status := r.PostFormValue("status")
	if _, err := SetStatus(ctx, s.site.API(), key, r.PostFormValue("hash"), status, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		return s.renderDesk(p, p.APIError(err))
	}
	p.Done("/hall/credential", p.T("vc.status.done."+status))
	return nil
}

func (s *credPages) recognize(p *pages.Page) error {
	r := p.R
	body := credentialapi.RecognizeBody{Type: r.PostFormValue("type"), Remove: r.PostFormValue("remove") != ""}
	if !body.Remove {
		for _, is := range r.PostForm["issuers"] {
			if is != "" {
				body.Issuers = append(body.Issuers, is)
			}
		}
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(p)
	defer cancel()
	if _, _, err := client.Send(ctx, s.site.API(), key, credentialapi.Recognize, body); err != nil {
		return s.renderDesk(p, p.APIError(err))
	}
	p.Done("/hall/credential", p.T("vc.recognize.done"))
	return nil
}

func (s *credPages) keys(p *pages.Page) error {
	r := p.R
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(p)
	defer cancel()
	if kid := r.PostFormValue("revoke"); kid != "" {
		_, _, err = client.Send(ctx, s.site.API(), key, credentialapi.RevokeKey, credentialapi.RevokeKeyBody{Kid: kid, Reason: strings.TrimSpace(r.PostFormValue("reason"))})
	} else {
		var nk *credentialapi.NodeKey
		if nk, _, err = s.n.nodeKey(s.site, p.User.Org, r.PostFormValue("alg")); err == nil {
			_, _, err = client.Send(ctx, s.site.API(), key, credentialapi.AddKey, credentialapi.AddKeyBody{JWK: nk.JWK, Proof: nk.Proof, Name: "hall node key " + nk.Alg})
		}
	}
	if err != nil {
		return s.renderDesk(p, p.APIError(err))
	}
	p.Done("/hall/credential", p.T("vc.keys.done"))
	return nil
}

// verifyFormData is the relying organisation's form to ask for a
// presentation.
type verifyFormData struct {
	Types []credentialapi.Type
	Error string
}

func (s *credPages) verifyForm(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	l, err := credential.Types(v)
	if err != nil {
		return err
	}
	p.Title, p.Data = p.T("vc.verify"), &verifyFormData{Types: l.Types}
	return s.site.Render(p, "hall_credential_verify")
}

func (s *credPages) openRequest(p *pages.Page) error {
	r := p.R
	name := p.User.Org
	if p.User.OrgInfo != nil {
		name = p.User.OrgInfo.Name
	}
	purpose := strings.TrimSpace(r.PostFormValue("purpose"))
	if len([]rune(purpose)) > 60 {
		purpose = string([]rune(purpose)[:60])
	}
	req, ok := s.n.addRequest(&request{Org: p.User.Org, OrgName: name, Audience: credential.DID(s.site.ChainID(), p.User.Org),
		Purpose: purpose, Type: r.PostFormValue("type")})
	if !ok {
		return errcode.New(errcode.Unavailable, "%s", p.T("vc.busy"))
	}
	http.Redirect(p.W, r, "/hall/credential/verify/"+req.ID, http.StatusSeeOther)
	return nil
}

// requestData is a verifier's open request and its outcome.
type requestData struct {
	Req       *request
	WalletURL string
	QR        template.HTML
	Error     string
}

func (s *credPages) ownRequest(p *pages.Page) (*request, error) {
	req, ok := s.n.getRequest(p.R.PathValue("id"))
	if !ok || req.Org != p.User.Org {
		return nil, errcode.New(errcode.NotFound, "%s", p.T("vc.norequest"))
	}
	return req, nil
}

func (s *credPages) requestPage(p *pages.Page) error {
	req, err := s.ownRequest(p)
	if err != nil {
		return err
	}
	return s.renderRequest(p, req, "")
}

func (s *credPages) renderRequest(p *pages.Page, req *request, errMsg string) error {
	d := &requestData{Req: req, Error: errMsg}
	d.WalletURL = s.site.PublicURL("/credential/wallet?request=" + url.QueryEscape(s.site.PublicURL("/credential/requests/"+req.ID)))
	svg, err := qrcode.SVG(d.WalletURL, 220)
	if err != nil {
		return err
	}
	d.QR = template.HTML(svg)
	p.Title, p.Data = p.T("vc.verify"), d
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_credential_request")
}

// check verifies the presentation the holder sent (or one pasted) against
// the chain and the organisation's recognition list, and records the use.
func (s *credPages) check(p *pages.Page) error {
	req, err := s.ownRequest(p)
	if err != nil {
		return err
	}
	presentation := strings.TrimSpace(p.R.PostFormValue("presentation"))
	if presentation == "" {
		presentation = req.Presentation
	}
	if presentation == "" {
		return s.renderRequest(p, req, p.T("vc.nopresentation"))
	}
	// One check of a request at a time: a second press of the button
	// while the first runs is refused, not recorded twice.
	err = s.n.updateRequest(req.ID, func(r *request) error {
		if r.checking {
			return errcode.New(errcode.Conflict, "%s", p.T("vc.checking"))
		}
		r.checking = true
		cp := *r // as it is now: an earlier check may have ended since
		req = &cp
		return nil
	})
	if errcode.Of(err) == errcode.NotFound {
		return errcode.New(errcode.NotFound, "%s", p.T("vc.norequest"))
	}
	if err != nil {
		return s.renderRequest(p, req, errcode.Message(err))
	}
	defer s.n.updateRequest(req.ID, func(r *request) error { r.checking = false; return nil })
	ctx, cancel := s.ctx(p)
	defer cancel()
	rep, err := verify(ctx, s.site, presentation, req.Nonce, req.Audience, req.Org, time.Now())
	if err != nil {
		return s.renderRequest(p, req, p.APIError(err))
	}
	// The use is recorded under a reference only this verifier (who keeps
	// the nonce) and the holder can link to the credential.
	use := credentialapi.UseBody{OK: rep.OK, Failed: rep.Failed, Purpose: req.Purpose}
	hash, typ, issuer := "", "", ""
	if c := rep.Credential; c != nil {
		hash, typ, issuer = c.Hash, c.Type, c.Issuer
	}
	recordErr, again := "", false
	if credential.IsTypeID(typ) && issuer != "" {
		sum := sha256.Sum256([]byte(req.Nonce + hash))
		use.Ref, use.Type, use.Issuer = hex.EncodeToString(sum[:]), typ, issuer
		// The use is on record already when the same presentation was
		// checked with the same outcome (the button pressed again, or a
		// check again before acting that finds nothing changed).
		again = req.Recorded && req.RecordedRef == use.Ref && req.RecordedOK == use.OK && req.RecordedFailed == use.Failed
	}
	if use.Ref != "" && !again {
		key, err := s.site.Signer(p)
		if err != nil {
			return err
		}
		if _, _, err := client.Send(ctx, s.site.API(), key, credentialapi.RecordUse, use); err != nil {
			recordErr = p.APIError(err)
		}
	}
	err = s.n.updateRequest(req.ID, func(r *request) error {
		r.Presentation, r.Report = presentation, rep
		if !again {
			r.Recorded, r.RecordError = recordErr == "" && use.Ref != "", recordErr
			if r.Recorded {
				r.RecordedRef, r.RecordedOK, r.RecordedFailed = use.Ref, use.OK, use.Failed
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	notice := p.T("vc.checked.bad")
	if rep.OK {
		notice = p.T("vc.checked.ok")
	}
	if again {
		notice += p.T("vc.checked.same")
	}
	p.Done("/hall/credential/verify/"+req.ID, notice)
	return nil
}

// registryData is the consortium's registry as a member sees it.
type registryData struct {
	List   *credentialapi.TypeList
	Admin  bool
	Error  string
	Sample string
}

func (s *credPages) registry(p *pages.Page) error { return s.renderRegistry(p, "") }

func (s *credPages) renderRegistry(p *pages.Page, errMsg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	l, err := credential.Types(v)
	if err != nil {
		return err
	}
	p.Title, p.Data = p.T("vc.registry"), &registryData{List: l, Admin: p.User.Role == "admin", Error: errMsg}
	if errMsg != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_credential_registry")
}

// registryAct submits a type, or carries out a passed governance decision.
func (s *credPages) registryAct(p *pages.Page) error {
	r := p.R
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(p)
	defer cancel()
	pid, _ := strconv.ParseUint(strings.TrimSpace(r.PostFormValue("proposal_id")), 10, 64)
	c := s.site.API()
	switch r.PostFormValue("action") {
	case credentialapi.SubmitType.Name:
		var d credentialapi.TypeDef
		if err := json.Unmarshal([]byte(r.PostFormValue("definition")), &d); err != nil {
			return s.renderRegistry(p, p.T("vc.baddef")+": "+pages.ChainWords(err.Error()))
		}
		_, _, err = client.Send(ctx, c, key, credentialapi.SubmitType, credentialapi.SubmitTypeBody{Type: d})
	case credentialapi.RegisterType.Name:
		_, _, err = client.Send(ctx, c, key, credentialapi.RegisterType, credentialapi.RegisterTypeBody{ProposalID: pid, ID: r.PostFormValue("type"), Hash: r.PostFormValue("hash")})
	case credentialapi.AuthorizeIssuer.Name, credentialapi.WithdrawIssuer.Name:
		a := credentialapi.AuthorizeIssuer
		if r.PostFormValue("action") == credentialapi.WithdrawIssuer.Name {
			a = credentialapi.WithdrawIssuer
		}
		_, _, err = client.Send(ctx, c, key, a, credentialapi.IssuerBody{ProposalID: pid, Type: r.PostFormValue("type"), Issuer: r.PostFormValue("issuer")})
	default:
		return errcode.New(errcode.BadRequest, "unknown registry action %q", r.PostFormValue("action"))
	}
	if err != nil {
		return s.renderRegistry(p, p.APIError(err))
	}
	p.Done("/hall/credential/registry", p.T("vc.registry.done"))
	return nil
}

// walletData is the public wallet page.
type walletData struct {
	ChainID string
}

func (s *credPages) wallet(p *pages.Page) error {
	p.Title, p.Data = p.T("vc.wallet"), &walletData{ChainID: s.site.ChainID()}
	return s.site.Render(p, "wallet")
}

func (s *credPages) walletScript(p *pages.Page) error {
	p.W.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	p.W.Header().Set("Cache-Control", "no-cache")
	_, err := p.W.Write(walletJS)
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// pickup hands a held credential to its holder's wallet, once.
func (s *credPages) pickup(p *pages.Page) error {
	file, ok := s.n.takePickup(p.R.PathValue("token"))
	if !ok {
		writeJSON(p.W, http.StatusNotFound, map[string]string{"error": p.T("vc.nopickup")})
		return nil
	}
	p.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.W.Header().Set("Cache-Control", "no-store")
	_, err := io.WriteString(p.W, file)
	return err
}

// requestView is what a wallet is told of a verifier's request.
type requestView struct {
	ID       string `json:"id"`
	Verifier string `json:"verifier"`
	Name     string `json:"verifier_name"`
	Audience string `json:"audience"`
	Nonce    string `json:"nonce"`
	Purpose  string `json:"purpose,omitempty"`
	Type     string `json:"type,omitempty"`
	Respond  string `json:"respond"`
	Answered bool   `json:"answered"`
}

func (s *credPages) requestJSON(p *pages.Page) error {
	req, ok := s.n.getRequest(p.R.PathValue("id"))
	if !ok {
		writeJSON(p.W, http.StatusNotFound, map[string]string{"error": p.T("vc.norequest")})
		return nil
	}
	writeJSON(p.W, http.StatusOK, requestView{ID: req.ID, Verifier: req.Org, Name: req.OrgName, Audience: req.Audience, Nonce: req.Nonce,
		Purpose: req.Purpose, Type: req.Type, Respond: s.site.PublicURL("/credential/requests/" + req.ID), Answered: req.Presentation != ""})
	return nil
}

// respond takes a holder's presentation for a request; the verifier
// checks it from its hall.
func (s *credPages) respond(p *pages.Page) error {
	var b struct {
		Presentation string `json:"presentation"`
	}
	dec := json.NewDecoder(io.LimitReader(p.R.Body, maxPresentation))
	if err := dec.Decode(&b); err != nil || b.Presentation == "" || len(b.Presentation) > maxPresentation {
		writeJSON(p.W, http.StatusBadRequest, map[string]string{"error": "send {\"presentation\": \"<SD-JWT+KB>\"}"})
		return nil
	}
	err := s.n.updateRequest(p.R.PathValue("id"), func(r *request) error {
		if r.Report != nil {
			return errcode.New(errcode.Conflict, "the verifier has already checked a presentation for this request")
		}
		r.Presentation = b.Presentation
		return nil
	})
	if err != nil {
		status := http.StatusNotFound
		if errcode.Of(err) == errcode.Conflict {
			status = http.StatusConflict
		}
		writeJSON(p.W, status, map[string]string{"error": errcode.Message(err)})
		return nil
	}
	writeJSON(p.W, http.StatusOK, map[string]any{"ok": true})
	return nil
}

// publicVerifyData is the public verify page.
type publicVerifyData struct {
	Presentation, Nonce, Audience, By string
	Orgs                              []identity.Org
	Report                            *credentialapi.Report
	Error                             string
}

// publicVerify checks a presentation for anyone, against this node's chain
// and current validator set (the CLI does the same offline).
func (s *credPages) publicVerify(p *pages.Page) error {
	r := p.R
	d := &publicVerifyData{}
	d.Orgs, _ = s.site.Orgs()
	if r.Method == http.MethodPost {
		d.Presentation = strings.TrimSpace(r.PostFormValue("presentation"))
		d.Nonce, d.Audience, d.By = strings.TrimSpace(r.PostFormValue("nonce")), strings.TrimSpace(r.PostFormValue("audience")), r.PostFormValue("recognized_by")
		if d.Presentation == "" {
			d.Error = p.T("vc.nopresentation")
		} else if d.Nonce == "" || d.Audience == "" {
			d.Error = p.T("vc.nononce")
		} else {
			ctx, cancel := s.ctx(p)
			defer cancel()
			rep, err := verify(ctx, s.site, d.Presentation, d.Nonce, d.Audience, d.By, time.Now())
			if err != nil {
				d.Error = p.APIError(err)
			}
			d.Report = rep
		}
	}
	p.Title, p.Data = p.T("vc.verify.public"), d
	return s.site.Render(p, "verify")
}
