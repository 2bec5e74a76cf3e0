package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/dengta-chain/dengta/internal/batch"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/notary"
	"github.com/dengta-chain/dengta/internal/proof"
	"github.com/dengta-chain/dengta/internal/state"
)

func (s *Server) notaryRoutes(handle func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /v1/notary/evidence", s.findEvidence)
	handle("GET /v1/notary/verify", s.verifyByQuery)
	handle("POST /v1/notary/verify", s.verifyUpload)
	handle("GET /v1/notary/evidence/{id}", s.getEvidence)
	handle("GET /v1/notary/evidence/{id}/certificate", s.evidenceCertificate)
	handle("GET /v1/notary/batches/{id}", s.getBatch)
	handle("GET /v1/notary/batches/{id}/certificate", s.batchCertificate)
	handle("GET /v1/notary/works", s.findWorks)
	handle("GET /v1/notary/works/{id}", s.getWork)
	handle("GET /v1/notary/works/{id}/certificate", s.workCertificate)
}

var hex64 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// EvidenceResponse answers GET /v1/notary/evidence/{id}.
type EvidenceResponse struct {
	Height      int64             `json:"height"`
	Evidence    *notary.Evidence  `json:"evidence"`
	Supplements []notary.Evidence `json:"supplements"`
}

func (s *Server) getEvidence(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	ev, err := notary.GetEvidence(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	sup, err := notary.Supplements(v, ev.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, EvidenceResponse{Height: v.Version(), Evidence: ev, Supplements: sup})
	return nil
}

func (s *Server) findEvidence(w http.ResponseWriter, r *http.Request) error {
	hash := r.URL.Query().Get("sha256")
	if hash == "" {
		hash = r.URL.Query().Get("sm3")
	}
	if !hex64.MatchString(hash) {
		return errcode.New(errcode.BadRequest, "give ?sha256= or ?sm3= with the file's 64-hex-digit hash")
	}
	v, err := s.view(r)
	if err != nil {
		return err
	}
	items, err := notary.FindEvidence(v, strings.ToLower(hash))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Page[notary.Evidence]{Height: v.Version(), Items: items})
	return nil
}

// certificate writes the proof bundle of a notary record's state key.
func (s *Server) certificate(w http.ResponseWriter, r *http.Request, key []byte, name string) error {
	b, err := s.Bundle(r.Context(), key, 0)
	if err != nil {
		return err
	}
	if !b.Exists() {
		return errcode.New(errcode.NotFound, "no record %s", name)
	}
	raw, err := b.Marshal()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "certificate-"+name+".json"))
	}
	_, err = w.Write(raw)
	return err
}

func (s *Server) evidenceCertificate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	if _, err := notary.GetEvidence(v, id); err != nil {
		return err
	}
	return s.certificate(w, r, notary.EvidenceKey(id), id)
}

func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(v *state.View) (any, error) { return notary.GetBatch(v, r.PathValue("id")) })
}

func (s *Server) batchCertificate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	if _, err := notary.GetBatch(v, id); err != nil {
		return err
	}
	return s.certificate(w, r, notary.BatchKey(id), id)
}

// WorkResponse answers GET /v1/notary/works/{id}.
type WorkResponse struct {
	Height   int64             `json:"height"`
	Work     *notary.Work      `json:"work"`
	Log      []notary.LogEntry `json:"log"`
	Disputes []notary.Work     `json:"disputes"`
}

func (s *Server) getWork(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	wk, err := notary.GetWork(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	log, err := notary.WorkLog(v, wk.ID)
	if err != nil {
		return err
	}
	disputes, err := notary.Disputes(v, wk.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, WorkResponse{Height: v.Version(), Work: wk, Log: log, Disputes: disputes})
	return nil
}

func (s *Server) findWorks(w http.ResponseWriter, r *http.Request) error {
	hash := r.URL.Query().Get("sha256")
	if !hex64.MatchString(hash) {
		return errcode.New(errcode.BadRequest, "give ?sha256= with the work's 64-hex-digit hash")
	}
	v, err := s.view(r)
	if err != nil {
		return err
	}
	items, err := notary.WorksByHash(v, strings.ToLower(hash))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Page[notary.Work]{Height: v.Version(), Items: items})
	return nil
}

func (s *Server) workCertificate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	if _, err := notary.GetWork(v, id); err != nil {
		return err
	}
	return s.certificate(w, r, notary.WorkKey(id), id)
}

// maxVerifyFile bounds a file uploaded for public verification; it is only
// hashed, never kept.
const maxVerifyFile = 64 << 20

// VerifiedRecord is an evidence record with the checks this node made.
type VerifiedRecord struct {
	Evidence *notary.Evidence `json:"evidence"`
	Verified bool             `json:"verified"`
	Checks   []proof.Check    `json:"checks"`
}

// VerifyResponse answers the public verify endpoints.
type VerifyResponse struct {
	// File is the digests of an uploaded file.
	File *blob.Info `json:"file,omitempty"`
	// Records are the evidence records found for the file, hash or id.
	Records []VerifiedRecord `json:"records"`
	// Certificate is the outcome of an uploaded certificate, when one was.
	Certificate *proof.Report `json:"certificate,omitempty"`
}

// verifyByQuery checks the evidence records of ?id=, ?sha256= or ?sm3=.
func (s *Server) verifyByQuery(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	var evs []notary.Evidence
	switch {
	case q.Get("id") != "":
		ev, err := notary.GetEvidence(v, q.Get("id"))
		if err != nil {
			return err
		}
		evs = []notary.Evidence{*ev}
	case hex64.MatchString(q.Get("sha256")):
		evs, err = notary.FindEvidence(v, strings.ToLower(q.Get("sha256")))
	case hex64.MatchString(q.Get("sm3")):
		evs, err = notary.FindEvidence(v, strings.ToLower(q.Get("sm3")))
	default:
		return errcode.New(errcode.BadRequest, "give ?id= (an evidence id), ?sha256= or ?sm3= (64 hex digits)")
	}
	if err != nil {
		return err
	}
	resp := VerifyResponse{Records: []VerifiedRecord{}}
	for i := range evs {
		vr, err := s.verifyRecord(r, &evs[i], nil)
		if err != nil {
			return err
		}
		resp.Records = append(resp.Records, vr)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) verifyRecord(r *http.Request, ev *notary.Evidence, file []byte) (VerifiedRecord, error) {
	var fr io.Reader
	if file != nil {
		fr = bytes.NewReader(file)
	}
	rep, _, err := s.CheckRecord(r.Context(), notary.EvidenceKey(ev.ID), fr)
	if err != nil {
		return VerifiedRecord{}, err
	}
	return VerifiedRecord{Evidence: ev, Verified: rep.OK, Checks: rep.Checks}, nil
}

// verifyUpload hashes an uploaded file (multipart field "file", or the raw
// body) and checks the evidence records of it; with a multipart
// "certificate" field it checks the file against that certificate instead
// (batch items can only be verified that way).
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxVerifyFile)
	var file, cert []byte
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return uploadError(err)
		}
		defer r.MultipartForm.RemoveAll()
		if file, err = formFile(r, "file", maxVerifyFile); err != nil {
			return uploadError(err)
		}
		if cert, err = formFile(r, "certificate", 4<<20); err != nil {
			return uploadError(err)
		}
	} else if file, err = io.ReadAll(r.Body); err != nil {
		return uploadError(err)
	}
	if len(file) == 0 {
		return errcode.New(errcode.BadRequest, "send the file to verify: the raw body, or a multipart \"file\" field")
	}
	sha, sm, n, _ := batch.HashReader(bytes.NewReader(file))
	resp := VerifyResponse{File: &blob.Info{SHA256: sha, SM3: sm, Size: n}, Records: []VerifiedRecord{}}
	if cert != nil {
		trust, err := s.CurrentTrust(r.Context())
		if err != nil {
			return err
		}
		resp.Certificate, _ = proof.VerifyFile(cert, trust, bytes.NewReader(file))
		writeJSON(w, http.StatusOK, resp)
		return nil
	}
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	evs, err := notary.FindEvidence(v, sha)
	if err != nil {
		return err
	}
	for i := range evs {
		vr, err := s.verifyRecord(r, &evs[i], file)
		if err != nil {
			return err
		}
		resp.Records = append(resp.Records, vr)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errcode.New(errcode.TooLarge, "the upload is over %d bytes; verify large files offline with dengta verify", maxVerifyFile)
	}
	return errcode.New(errcode.BadRequest, "read upload: %v", err)
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
		return nil, &http.MaxBytesError{Limit: max}
	}
	return b, nil
}
