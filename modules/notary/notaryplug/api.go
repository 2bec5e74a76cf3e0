package notaryplug

import (
	"context"
	_ "embed"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/proof/verdict"
)

//go:embed openapi.json
var openAPI []byte

// maxVerifyFile bounds a file uploaded for public verification; it is only
// hashed, never kept.
const maxVerifyFile = 64 << 20

// maxVerifyRequest bounds the upload a verification takes: the file, a
// certificate and the form around them.
const maxVerifyRequest = maxVerifyFile + maxCertificate + 64<<10

// maxCertificate bounds a certificate sent along with a file.
const maxCertificate = 4 << 20

func apiModule() *httpapi.Module {
	return &httpapi.Module{OpenAPI: openAPI, Routes: routes}
}

func routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, notaryapi.FindEvidence, func(ctx context.Context, p notaryapi.HashParams) (*api.Page[notaryapi.Evidence], error) {
		hash := p.SHA256
		if hash == "" {
			hash = p.SM3
		}
		if !field.IsHex64(strings.ToLower(hash)) {
			return nil, errcode.New(errcode.BadRequest, "give ?sha256= or ?sm3= with the file's 64-hex-digit hash")
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		items, err := notary.FindEvidence(v, strings.ToLower(hash))
		if err != nil {
			return nil, err
		}
		// A record found by its file's hash shows others than its
		// depositor and those who oversee no more than the public
		// check does (ADR 0007).
		if items == nil {
			items = []notaryapi.Evidence{}
		}
		caller := httpapi.Caller(ctx)
		for i := range items {
			if redacted(&items[i], caller) {
				items[i] = *redactEvidence(&items[i])
			}
		}
		return &api.Page[notaryapi.Evidence]{Height: v.Version(), Items: items}, nil
	})
	httpapi.Query(r, notaryapi.Verify, func(ctx context.Context, p notaryapi.VerifyParams) (*notaryapi.VerifyResponse, error) {
		return verifyByQuery(ctx, env, p)
	})
	httpapi.Raw(r, notaryapi.VerifyUpload, func(w http.ResponseWriter, req *http.Request) error { return verifyUpload(env, w, req) }, httpapi.Replayable, httpapi.MaxBody(maxVerifyRequest))
	httpapi.Query(r, notaryapi.GetEvidence, func(_ context.Context, p notaryapi.IDParams) (*notaryapi.EvidenceResponse, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		ev, err := notary.GetEvidence(v, p.ID)
		if err != nil {
			return nil, err
		}
		sup, err := notary.Supplements(v, ev.ID)
		if err != nil {
			return nil, err
		}
		return &notaryapi.EvidenceResponse{Height: v.Version(), Evidence: ev, Supplements: sup}, nil
	})
	httpapi.Raw(r, notaryapi.EvidenceCertificate, certificate(env, func(v notary.Getter, id string) ([]byte, error) {
		_, err := notary.GetEvidence(v, id)
		return notary.EvidenceKey(id), err
	}))
	httpapi.Query(r, notaryapi.GetBatch, func(_ context.Context, p notaryapi.IDParams) (*notaryapi.Batch, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return notary.GetBatch(v, p.ID)
	})
	httpapi.Raw(r, notaryapi.BatchCertificate, certificate(env, func(v notary.Getter, id string) ([]byte, error) {
		_, err := notary.GetBatch(v, id)
		return notary.BatchKey(id), err
	}))
	httpapi.Query(r, notaryapi.FindWorks, func(_ context.Context, p notaryapi.HashParams) (*api.Page[notaryapi.Work], error) {
		if !field.IsHex64(strings.ToLower(p.SHA256)) {
			return nil, errcode.New(errcode.BadRequest, "give ?sha256= with the work's 64-hex-digit hash")
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		items, err := notary.WorksByHash(v, strings.ToLower(p.SHA256))
		if items == nil {
			items = []notaryapi.Work{}
		}
		return &api.Page[notaryapi.Work]{Height: v.Version(), Items: items}, err
	})
	httpapi.Query(r, notaryapi.GetWork, func(_ context.Context, p notaryapi.IDParams) (*notaryapi.WorkResponse, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		wk, err := notary.GetWork(v, p.ID)
		if err != nil {
			return nil, err
		}
		log, err := notary.WorkLog(v, wk.ID)
		if err != nil {
			return nil, err
		}
		disputes, err := notary.Disputes(v, wk.ID)
		if err != nil {
			return nil, err
		}
		records, err := notary.DisputesOf(v, wk.ID)
		if err != nil {
			return nil, err
		}
		return &notaryapi.WorkResponse{Height: v.Version(), Work: wk, Log: log, Disputes: disputes, DisputeRecords: records}, nil
	})
	httpapi.Query(r, notaryapi.ListDisputes, func(_ context.Context, p notaryapi.DisputeParams) (*api.Page[notaryapi.Dispute], error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		items, err := notary.ListDisputes(v, p.Status)
		if err != nil {
			return nil, err
		}
		return &api.Page[notaryapi.Dispute]{Height: v.Version(), Items: items}, nil
	})
	httpapi.Raw(r, notaryapi.WorkCertificate, certificate(env, func(v notary.Getter, id string) ([]byte, error) {
		_, err := notary.GetWork(v, id)
		return notary.WorkKey(id), err
	}))
}

// certificate answers the proof bundle of a notary record: record looks
// the record up (a not_found error when it is not there) and names its
// state key.
func certificate(env httpapi.Env, record func(v notary.Getter, id string) ([]byte, error)) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var p notaryapi.CertificateParams
		if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
			return err
		}
		v, err := env.View(0)
		if err != nil {
			return err
		}
		key, err := record(v, p.ID)
		if err != nil {
			return err
		}
		return httpapi.WriteCertificate(env, w, r, key, p.ID, p.Download)
	}
}

// verifyByQuery checks the evidence records of an id, a SHA-256 or an SM3.
func verifyByQuery(ctx context.Context, env httpapi.Env, p notaryapi.VerifyParams) (*notaryapi.VerifyResponse, error) {
	v, err := env.View(0)
	if err != nil {
		return nil, err
	}
	var evs []notaryapi.Evidence
	switch {
	case p.ID != "":
		ev, err := notary.GetEvidence(v, p.ID)
		if err != nil {
			return nil, err
		}
		evs = []notaryapi.Evidence{*ev}
	case field.IsHex64(strings.ToLower(p.SHA256)):
		evs, err = notary.FindEvidence(v, strings.ToLower(p.SHA256))
	case field.IsHex64(strings.ToLower(p.SM3)):
		evs, err = notary.FindEvidence(v, strings.ToLower(p.SM3))
	default:
		return nil, errcode.New(errcode.BadRequest, "give ?id= (an evidence id), ?sha256= or ?sm3= (64 hex digits)")
	}
	if err != nil {
		return nil, err
	}
	resp := &notaryapi.VerifyResponse{Records: []notaryapi.VerifiedRecord{}}
	caller := httpapi.Caller(ctx)
	for i := range evs {
		vr, err := check(ctx, env.Prover(), &evs[i], nil)
		if err != nil {
			return nil, err
		}
		if p.ID == "" {
			vr = redact(vr, caller)
		}
		resp.Records = append(resp.Records, vr)
	}
	return resp, nil
}

// check builds the proof bundle of an evidence record at the newest height
// and verifies it against the node's current validator set, with the file
// when one was given (read again from its start).
func check(ctx context.Context, p *prover.Prover, ev *notaryapi.Evidence, file io.ReadSeeker) (notaryapi.VerifiedRecord, error) {
	var fr io.Reader
	if file != nil {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return notaryapi.VerifiedRecord{}, err
		}
		fr = file
	}
	rep, _, err := p.Check(ctx, notary.EvidenceKey(ev.ID), fr)
	if err != nil {
		return notaryapi.VerifiedRecord{}, err
	}
	return notaryapi.VerifiedRecord{Evidence: ev, Verified: rep.OK, Checks: rep.Checks}, nil
}

// verifyUpload hashes an uploaded file (multipart field "file", or the raw
// body) and checks the evidence records of it; with a multipart
// "certificate" field it checks the file against that certificate instead
// (batch items can only be verified that way). The file is never held in
// memory whole: a multipart file past a MiB is on disk, and a raw body is
// spooled to a temporary file.
func verifyUpload(env httpapi.Env, w http.ResponseWriter, r *http.Request) error {
	var file io.ReadSeeker
	var cert []byte
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return uploadError(err)
		}
		defer r.MultipartForm.RemoveAll()
		var err error
		if cert, err = httpapi.FormFile(r, "certificate", maxCertificate); err != nil {
			return uploadError(err)
		}
		f, hdr, err := r.FormFile("file")
		if err == nil {
			defer f.Close()
			if hdr.Size > maxVerifyFile {
				return uploadError(&http.MaxBytesError{Limit: maxVerifyFile})
			}
			file = f
		} else if !errors.Is(err, http.ErrMissingFile) {
			return uploadError(err)
		}
	} else {
		tmp, err := os.CreateTemp("", "dengta-verify-")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, io.LimitReader(r.Body, maxVerifyFile+1)); err != nil {
			return uploadError(err)
		}
		file = tmp
	}
	if file == nil {
		return errcode.New(errcode.BadRequest, "send the file to verify: the raw body, or a multipart \"file\" field")
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sha, sm, n, err := batch.HashReader(file)
	if err != nil {
		return uploadError(err)
	}
	if n == 0 {
		return errcode.New(errcode.BadRequest, "send the file to verify: the raw body, or a multipart \"file\" field")
	}
	if n > maxVerifyFile {
		return uploadError(&http.MaxBytesError{Limit: maxVerifyFile})
	}
	resp := notaryapi.VerifyResponse{File: &notaryapi.FileInfo{SHA256: sha, SM3: sm, Size: n}, Records: []notaryapi.VerifiedRecord{}}
	if cert != nil {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		rep, err := env.Prover().CheckBundle(r.Context(), cert, file)
		if rep == nil {
			return err // no trust to check against: consensus is not running
		}
		resp.Certificate = rep
		httpapi.WriteJSON(w, http.StatusOK, resp)
		return nil
	}
	v, err := env.View(0)
	if err != nil {
		return err
	}
	evs, err := notary.FindEvidence(v, sha)
	if err != nil {
		return err
	}
	caller := httpapi.Caller(r.Context())
	for i := range evs {
		vr, err := check(r.Context(), env.Prover(), &evs[i], file)
		if err != nil {
			return err
		}
		resp.Records = append(resp.Records, redact(vr, caller))
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// What a record found by its file's hash shows (ADR 0007). Whoever holds a
// file may learn that it was preserved, when, by which organisation, at
// which height, and that the chain proves it: nothing that opens the
// record. Its id is left out with the file name, description, capture
// details and the record it supplements, since by its id the record shows
// whole (the certificate page, the certificate file, the API): the id is
// what the depositor hands out to those it wants to see the record. The
// depositor and those who oversee see their records whole however found.

// redacted reports whether c sees a record found by its file's hash
// without what only its depositor hands out.
func redacted(ev *notaryapi.Evidence, c access.Caller) bool {
	return ev != nil && !c.Is(ev.Depositor.Org) && !c.Oversees()
}

// redactEvidence is a copy of ev without its id, file name, description,
// capture details and supplemented record.
func redactEvidence(ev *notaryapi.Evidence) *notaryapi.Evidence {
	out := *ev
	out.ID, out.FileName, out.Description, out.Capture, out.Supplements = "", "", "", nil, ""
	return &out
}

// redactChecks is a copy of checks whose details (which name the record's
// state key) do not show the record's id.
func redactChecks(checks []verdict.Check, id string) []verdict.Check {
	out := make([]verdict.Check, len(checks))
	for i, c := range checks {
		if id != "" {
			c.Detail = strings.ReplaceAll(c.Detail, id, "…")
		}
		out[i] = c
	}
	return out
}

// redact applies the above to a record found by its file's hash that c
// reads.
func redact(vr notaryapi.VerifiedRecord, c access.Caller) notaryapi.VerifiedRecord {
	if !redacted(vr.Evidence, c) {
		return vr
	}
	vr.Checks = redactChecks(vr.Checks, vr.Evidence.ID)
	vr.Evidence = redactEvidence(vr.Evidence)
	return vr
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errcode.New(errcode.TooLarge, "the upload is over %d bytes; verify large files offline with dengta verify", maxVerifyFile)
	}
	return errcode.New(errcode.BadRequest, "read upload: %v", err)
}
