package gateway

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/notary"
)

func (s *Server) notaryRoutes(handle func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /v1/notary/evidence", s.findEvidence)
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
	v, err := s.view(r)
	if err != nil {
		return err
	}
	b, err := notary.GetBatch(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
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
