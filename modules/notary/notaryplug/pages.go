package notaryplug

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/qrcode"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/proof"
)

//go:embed templates/*.html
var templates embed.FS

// notaryPages are the module's pages: the public evidence verify page and
// printable certificates, the hall's evidence page and its copyright
// disputes page.
type notaryPages struct{ site pages.Site }

func pagesModule() *pages.Module {
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
		Hall:        []pages.Link{{Path: "/hall/notary", Key: "hn.title"}, {Path: "/hall/notary/disputes", Key: "hd.title"}},
		Public:      []pages.Link{{Path: "/verify", Key: "nav.verify"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &notaryPages{site: site}
			r.Public("GET /certificates/{id}", s.certificatePage)
			r.Public("GET /verify", s.verifyPage)
			r.PublicUpload("POST /verify", maxVerifyRequest, s.verifyUpload)
			r.SignedIn("GET /hall/notary", s.hallNotary)
			r.SignedInUpload("POST /hall/notary/deposit", maxDepositFile, s.hallDeposit)
			r.SignedIn("GET /hall/notary/disputes", s.hallDisputes)
			r.SignedIn("POST /hall/notary/disputes/act", s.hallDisputeAct)
		},
	}
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
	// Hidden is set on a record found by its file's hash for a reader who
	// is neither its depositor nor overseer: it shows without its id,
	// file name, description and links to its certificate (ADR 0007).
	Hidden bool
}

// check builds and verifies the proof bundle of an evidence record, with
// the file when one was uploaded.
func (s *notaryPages) check(ctx context.Context, ev *notary.Evidence, file io.ReadSeeker) (*checkedRecord, error) {
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	org, _ := identity.GetOrg(v, ev.Depositor.Org)
	var fr io.Reader
	if file != nil {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		fr = file
	}
	rep, _, err := s.site.Prover().Check(ctx, notary.EvidenceKey(ev.ID), fr)
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

func (s *notaryPages) certificatePage(p *pages.Page) error {
	r := p.R
	id := r.PathValue("id")
	v, err := s.site.View(0)
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
	verifyURL := s.site.PublicURL("/verify?id=" + url.QueryEscape(id))
	svg, err := qrcode.SVG(verifyURL, 160)
	if err != nil {
		return err
	}
	p.Title = p.T("cert.title") + " " + id
	p.Data = certificateData{checkedRecord: cr, VerifyURL: verifyURL, QR: template.HTML(svg), ChainID: s.site.ChainID()}
	return s.site.Render(p, "certificate")
}

// verifyData is the public verify page.
type verifyData struct {
	Query    string // the id or hash asked about
	Searched bool
	Invalid  bool // Query is neither an evidence id nor a file digest
	Records  []*checkedRecord
	// Upload is the hashes of an uploaded file.
	Upload *batch.Item
	// Certificate is the outcome of checking an uploaded certificate.
	Certificate *proof.Report
	// CertFailed is the check the certificate failed, CertError its
	// reason as the verifier gave it (English, shown as technical
	// detail under the explanation in the page's language).
	CertFailed string
	CertError  string
}

var hexHash = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// byHash checks a record found by its file's hash and leaves out of it what
// the signed-in user (or the public) may not read that way (see redact).
func (s *notaryPages) byHash(p *pages.Page, ev *notary.Evidence, file io.ReadSeeker) (*checkedRecord, error) {
	cr, err := s.check(p.R.Context(), ev, file)
	if err != nil || !redacted(ev, p.User.Caller()) {
		return cr, err
	}
	rep := *cr.Report
	rep.Checks = redactChecks(rep.Checks, ev.ID)
	rep.Key, rep.Value = "", nil
	cr.Report, cr.Evidence, cr.Hidden = &rep, redactEvidence(ev), true
	cr.CertURL, cr.PrintURL = "", ""
	return cr, nil
}

func (s *notaryPages) verifyPage(p *pages.Page) error {
	r := p.R
	d := &verifyData{}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		q = strings.TrimSpace(r.URL.Query().Get("id"))
	}
	if up := strings.ToUpper(q); field.IsRecordID("EV", up) {
		q = up // an id typed in small letters
	}
	if q != "" && !hexHash.MatchString(q) && !field.IsRecordID("EV", q) {
		// Neither an evidence id nor a file digest: say so, rather than
		// that the chain holds no record of it.
		d.Query, d.Searched, d.Invalid = q, true, true
	} else if q != "" {
		d.Query, d.Searched = q, true
		evs, err := s.lookup(q)
		if err != nil {
			return err
		}
		for i := range evs {
			var cr *checkedRecord
			if hexHash.MatchString(q) {
				cr, err = s.byHash(p, &evs[i], nil)
			} else {
				cr, err = s.check(r.Context(), &evs[i], nil)
			}
			if err != nil {
				return err
			}
			d.Records = append(d.Records, cr)
		}
	}
	p.Title = p.T("verify.title")
	p.Data = d
	return s.site.Render(p, "verify")
}

// lookup finds evidence by id or by file hash.
func (s *notaryPages) lookup(q string) ([]notary.Evidence, error) {
	v, err := s.site.View(0)
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
func (s *notaryPages) verifyUpload(p *pages.Page) error {
	r := p.R
	if r.MultipartForm == nil {
		return errcode.New(errcode.BadRequest, "%s", p.T("verify.nofile"))
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return errcode.New(errcode.BadRequest, "%s", p.T("verify.nofile"))
	}
	defer f.Close()
	if hdr.Size > maxVerifyFile {
		return errcode.New(errcode.TooLarge, "%s", p.T("verify.toolarge"))
	}
	sha, sm, n, err := batch.HashReader(f)
	if err != nil || n == 0 {
		return errcode.New(errcode.BadRequest, "%s", p.T("verify.nofile"))
	}
	d := &verifyData{Searched: true}
	d.Upload = &batch.Item{SHA256: sha, SM3: sm, Size: n, Name: hdr.Filename}
	d.Query = sha
	if cert, _ := httpapi.FormFile(r, "certificate", maxCertificate); cert != nil {
		trust, err := s.site.Prover().Trust(r.Context())
		if err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		rep, err := proof.VerifyFile(cert, trust, f)
		d.Certificate = rep
		if err != nil {
			d.CertFailed, d.CertError = "bundle", err.Error()
			for _, c := range rep.Checks {
				if !c.OK {
					d.CertFailed = c.Name
					break
				}
			}
		}
	} else {
		evs, err := s.lookup(sha)
		if err != nil {
			return err
		}
		for i := range evs {
			cr, err := s.byHash(p, &evs[i], f)
			if err != nil {
				return err
			}
			d.Records = append(d.Records, cr)
		}
	}
	p.Title = p.T("verify.title")
	p.Data = d
	return s.site.Render(p, "verify")
}

// evidenceTypes are the evidence types the deposit form offers, the
// commonest first.
var evidenceTypes = []string{"contract", "invoice", "document", "image", "audio", "video", "webpage", "email", "chat", "code", "data", "other"}

type hallNotaryData struct {
	Evidence []notary.Evidence
	Next     string
	// Batches are the organisation's batch deposits, newest first.
	Batches     []notary.Batch
	MoreBatches bool
	Types       []string
	Error       string
}

func (s *notaryPages) hallNotary(p *pages.Page) error {
	r := p.R
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	evs, next, err := notary.ByDepositor(v, p.User.Org, r.URL.Query().Get("after"), 20)
	if err != nil {
		return err
	}
	d := hallNotaryData{Evidence: evs, Next: next, Types: evidenceTypes}
	if d.Batches, d.MoreBatches, err = notary.BatchesOf(v, p.User.Org, 50); err != nil {
		return err
	}
	p.Title = p.T("hn.title")
	p.Data = d
	return s.site.Render(p, "hall_notary")
}

// maxDepositFile bounds a file deposited from the hall.
const maxDepositFile = 64 << 20

// hallDeposit stores the uploaded file in the node's blob store and
// deposits it, both through the API, signed with the user's key.
func (s *notaryPages) hallDeposit(p *pages.Page) error {
	r := p.R
	if r.MultipartForm == nil {
		return s.hallNotaryRefused(p, p.T("hn.nofile"))
	}
	defer r.MultipartForm.RemoveAll()
	file, err := httpapi.FormFile(r, "file", maxDepositFile)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return s.hallNotaryRefused(p, p.T("hn.toolarge"))
	}
	if err != nil || file == nil {
		return s.hallNotaryRefused(p, p.T("hn.nofile"))
	}
	_, hdr, _ := r.FormFile("file")
	name := filepath.Base(strings.ReplaceAll(hdr.Filename, "\\", "/"))
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	api := s.site.API().As(key) // blob uploads are for members
	info, err := api.UploadBlob(ctx, bytes.NewReader(file))
	if err != nil {
		return s.hallNotaryError(p, r, err)
	}
	res, _, err := client.Send(ctx, api, key, notaryapi.Deposit, notaryapi.DepositBody{
		SHA256: info.SHA256, SM3: info.SM3, Size: &info.Size, FileName: name, MediaType: client.MediaType(name),
		EvidenceType: r.FormValue("evidence_type"), Description: strings.TrimSpace(r.FormValue("description")),
		Supplements: strings.TrimSpace(r.FormValue("supplements")),
	})
	if err != nil {
		return s.hallNotaryError(p, r, err)
	}
	// The same file deposited again is not a new record: say so, and
	// show the first certificate.
	notice := fmt.Sprintf(p.T("hn.deposited"), name, res.EvidenceID)
	if res.Existing {
		notice = fmt.Sprintf(p.T("hn.existing"), name, res.EvidenceID)
	}
	p.Done("/certificates/"+url.PathEscape(res.EvidenceID), notice)
	return nil
}

func (s *notaryPages) hallNotaryError(p *pages.Page, r *http.Request, err error) error {
	return s.hallNotaryRefused(p, p.APIError(err))
}

// hallNotaryRefused shows the evidence page again with why the deposit was
// refused; the host refills the form.
func (s *notaryPages) hallNotaryRefused(p *pages.Page, msg string) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	d := hallNotaryData{Types: evidenceTypes, Error: msg}
	if d.Evidence, d.Next, err = notary.ByDepositor(v, p.User.Org, "", 20); err != nil {
		return err
	}
	if d.Batches, d.MoreBatches, err = notary.BatchesOf(v, p.User.Org, 50); err != nil {
		return err
	}
	p.Title = p.T("hn.title")
	p.Status = http.StatusBadRequest
	p.Data = d
	return s.site.Render(p, "hall_notary")
}
