package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/notary"
)

func init() {
	hallLinks = append(hallLinks, hallLink{"/hall/notary", "hn.title"})
}

func (s *Server) hallNotaryRoutes() {
	s.mux.HandleFunc("GET /hall/notary", s.wrap(s.signedIn(s.hallNotary)))
	s.mux.HandleFunc("POST /hall/notary/deposit", s.wrap(s.signedIn(s.hallDeposit)))
}

// evidenceTypes are the evidence types the deposit form offers.
var evidenceTypes = []string{"contract", "invoice", "document", "image", "audio", "video", "webpage", "email", "chat", "code", "data", "other"}

type hallNotaryData struct {
	Evidence []notary.Evidence
	Next     string
	Types    []string
	Error    string
}

func (s *Server) hallNotary(p *page, r *http.Request) error {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	evs, next, err := notary.ByDepositor(v, p.User.Org, r.URL.Query().Get("after"), 20)
	if err != nil {
		return err
	}
	p.Title = T(p.Lang, "hn.title")
	p.Data = hallNotaryData{Evidence: evs, Next: next, Types: evidenceTypes}
	return s.render(p, "hall_notary")
}

// hallDeposit stores the uploaded file in the node's blob store and
// deposits it, both through the API, signed with the user's key.
func (s *Server) hallDeposit(p *page, r *http.Request) error {
	r.Body = http.MaxBytesReader(p.w, r.Body, 64<<20+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return errcode.New(errcode.TooLarge, "%s", T(p.Lang, "verify.toolarge"))
	}
	defer r.MultipartForm.RemoveAll()
	file, err := formFile(r, "file", 64<<20)
	if err != nil || file == nil {
		return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "verify.nofile"))
	}
	_, hdr, _ := r.FormFile("file")
	name := filepath.Base(strings.ReplaceAll(hdr.Filename, "\\", "/"))
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	api := s.api()
	info, err := api.UploadBlob(ctx, bytes.NewReader(file))
	if err != nil {
		return s.hallNotaryError(p, r, err)
	}
	res, err := api.Deposit(ctx, key, client.Deposit{
		SHA256: info.SHA256, SM3: info.SM3, Size: info.Size, FileName: name, MediaType: client.MediaType(name),
		EvidenceType: r.FormValue("evidence_type"), Description: strings.TrimSpace(r.FormValue("description")),
		Supplements: strings.TrimSpace(r.FormValue("supplements")),
	})
	if err != nil {
		return s.hallNotaryError(p, r, err)
	}
	http.Redirect(p.w, r, "/certificates/"+url.PathEscape(res.EvidenceID), http.StatusSeeOther)
	return nil
}

func (s *Server) hallNotaryError(p *page, r *http.Request, err error) error {
	v, verr := s.opts.Backend.View(0)
	if verr != nil {
		return verr
	}
	evs, next, _ := notary.ByDepositor(v, p.User.Org, "", 20)
	p.Title = T(p.Lang, "hn.title")
	p.Status = http.StatusBadRequest
	p.Data = hallNotaryData{Evidence: evs, Next: next, Types: evidenceTypes, Error: apiError(err)}
	return s.render(p, "hall_notary")
}
