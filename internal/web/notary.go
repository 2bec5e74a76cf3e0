package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/dengta-chain/dengta/internal/batch"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/modules/notary"
	"github.com/dengta-chain/dengta/internal/proof"
	"github.com/dengta-chain/dengta/internal/qrcode"
)

// maxVerifyUpload bounds a file uploaded to the public verify page; the
// page only hashes it and keeps nothing.
const maxVerifyUpload = 64 << 20

func (s *Server) notaryRoutes() {
	s.mux.HandleFunc("GET /certificates/{id}", s.wrap(s.certificatePage))
	s.mux.HandleFunc("GET /verify", s.wrap(s.verifyPage))
	s.mux.HandleFunc("POST /verify", s.wrap(s.verifyUpload))
}

// checkedRecord is an evidence record with the outcome of verifying its
// proof bundle on this node.
type checkedRecord struct {
	Evidence  *notary.Evidence
	Org       *identity.Org
	Report    *proof.Report
	Verified  bool
	CertURL   string
	PrintURL  string
	FileMatch bool // an uploaded file matched (only on upload)
}

// check builds and verifies the proof bundle of an evidence record, with
// the file when one was uploaded.
func (s *Server) check(ctx context.Context, ev *notary.Evidence, file []byte) (*checkedRecord, error) {
	b := s.opts.Backend
	v, err := b.View(0)
	if err != nil {
		return nil, err
	}
	org, _ := identity.GetOrg(v, ev.Depositor.Org)
	var fr io.Reader
	if file != nil {
		fr = bytes.NewReader(file)
	}
	rep, _, err := b.CheckRecord(ctx, notary.EvidenceKey(ev.ID), fr)
	if err != nil {
		return nil, err
	}
	return &checkedRecord{
		Evidence: ev, Org: org, Report: rep, Verified: rep.OK, FileMatch: file != nil && rep.OK,
		CertURL:  "/v1/notary/evidence/" + url.PathEscape(ev.ID) + "/certificate?download=1",
		PrintURL: "/certificates/" + url.PathEscape(ev.ID),
	}, nil
}

// certificateData is the print view of an evidence certificate.
type certificateData struct {
	*checkedRecord
	VerifyURL string
	QR        template.HTML
	ChainID   string
}

func (s *Server) certificatePage(p *page, r *http.Request) error {
	id := r.PathValue("id")
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return err
	}
	ev, err := notary.GetEvidence(v, id)
	if err != nil {
		return err
	}
	cr, err := s.check(r.Context(), ev, nil)
	if err != nil {
		return err
	}
	verifyURL := s.publicURL(r, "/verify?id="+url.QueryEscape(id))
	svg, err := qrcode.SVG(verifyURL, 160)
	if err != nil {
		return err
	}
	p.Title = T(p.Lang, "cert.title") + " " + id
	p.Data = certificateData{checkedRecord: cr, VerifyURL: verifyURL, QR: template.HTML(svg), ChainID: s.opts.Backend.ChainID()}
	return s.render(p, "certificate")
}

// verifyData is the public verify page.
type verifyData struct {
	Query    string // the id or hash asked about
	Searched bool
	Records  []*checkedRecord
	// Upload is the hashes of an uploaded file.
	Upload *batch.Item
	// Certificate is the outcome of checking an uploaded certificate.
	Certificate *proof.Report
	CertError   string
}

var hexHash = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

func (s *Server) verifyPage(p *page, r *http.Request) error {
	d := &verifyData{}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		q = strings.TrimSpace(r.URL.Query().Get("id"))
	}
	if q != "" {
		d.Query, d.Searched = q, true
		evs, err := s.lookup(q)
		if err != nil {
			return err
		}
		for i := range evs {
			cr, err := s.check(r.Context(), &evs[i], nil)
			if err != nil {
				return err
			}
			d.Records = append(d.Records, cr)
		}
	}
	p.Title = T(p.Lang, "verify.title")
	p.Data = d
	return s.render(p, "verify")
}

// lookup finds evidence by id or by file hash.
func (s *Server) lookup(q string) ([]notary.Evidence, error) {
	v, err := s.opts.Backend.View(0)
	if err != nil {
		return nil, err
	}
	if hexHash.MatchString(q) {
		return notary.FindEvidence(v, strings.ToLower(q))
	}
	ev, err := notary.GetEvidence(v, q)
	if errcode.Of(err) == errcode.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []notary.Evidence{*ev}, nil
}

// verifyUpload hashes an uploaded file and shows the evidence records of
// it; with an uploaded certificate (needed for batch items, which the node
// cannot find by hash), it checks the file against that certificate.
func (s *Server) verifyUpload(p *page, r *http.Request) error {
	r.Body = http.MaxBytesReader(p.w, r.Body, 2*maxVerifyUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errcode.New(errcode.TooLarge, "%s", T(p.Lang, "verify.toolarge"))
		}
		return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "verify.nofile"))
	}
	defer r.MultipartForm.RemoveAll()
	file, err := formFile(r, "file", maxVerifyUpload)
	if err != nil || file == nil {
		return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "verify.nofile"))
	}
	d := &verifyData{Searched: true}
	it := batch.ItemForContent(file, "", "", "")
	d.Upload = &it
	d.Query = it.SHA256
	if cert, _ := formFile(r, "certificate", 4<<20); cert != nil {
		trust, err := s.opts.Backend.Trust(r.Context())
		if err != nil {
			return err
		}
		rep, err := proof.VerifyFile(cert, trust, bytes.NewReader(file))
		d.Certificate = rep
		if err != nil {
			d.CertError = err.Error()
		}
	} else {
		evs, err := s.lookup(it.SHA256)
		if err != nil {
			return err
		}
		for i := range evs {
			cr, err := s.check(r.Context(), &evs[i], file)
			if err != nil {
				return err
			}
			d.Records = append(d.Records, cr)
		}
	}
	p.Title = T(p.Lang, "verify.title")
	p.Data = d
	return s.render(p, "verify")
}

// formFile reads an uploaded file of at most max bytes; nil when absent.
func formFile(r *http.Request, field string, max int64) ([]byte, error) {
	f, _, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is over %d bytes", field, max)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}
