package gateway

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
)

// uploadBlob stores a file in the node's blob store and answers its
// SHA-256, SM3 and size, which the client then puts in a deposit. The body
// is the file itself, or a multipart form with a "file" field. Only
// members upload (the route says so), each within its organisation's
// quota.
func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Blobs == nil {
		return errcode.New(errcode.Unavailable, "this node keeps no files")
	}
	var src io.Reader = r.Body // bounded by the route's body limit
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return errcode.New(errcode.BadRequest, "multipart body: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return errcode.New(errcode.BadRequest, "the form has no \"file\" field")
			}
			if part.FormName() == "file" {
				src = part
				break
			}
		}
	}
	org := access.From(r.Context()).Org
	info, err := s.opts.Blobs.PutFor(org, s.blobQuota(), src)
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, blob.ErrTooLarge), errors.As(err, &mbe):
		return errcode.New(errcode.TooLarge, "the file is larger than this node accepts (%d bytes)", s.opts.Blobs.MaxSize())
	case errors.Is(err, blob.ErrQuota):
		return errcode.New(errcode.RuleViolation, "organisation %s has used its share of this node's file store (%v); ask the node's operator to raise blob_quota_bytes", org, err)
	case err != nil:
		return err
	case info.Size == 0:
		return errcode.New(errcode.BadRequest, "the file is empty")
	}
	writeJSON(w, http.StatusCreated, info)
	return nil
}

// DefaultBlobQuota is an organisation's share of a node's blob store when
// the settings give none.
const DefaultBlobQuota = 10 << 30

func (s *Server) blobQuota() int64 {
	if s.opts.BlobQuota > 0 {
		return s.opts.BlobQuota
	}
	return DefaultBlobQuota
}
