package gateway

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
)

// uploadBlob stores a file in the node's blob store and answers its
// SHA-256, SM3 and size, which the client then puts in a deposit. The body
// is the file itself, or a multipart form with a "file" field.
func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Blobs == nil {
		return errcode.New(errcode.Unavailable, "this node keeps no files")
	}
	body := http.MaxBytesReader(w, r.Body, s.opts.Blobs.MaxSize()+64<<10)
	var src io.Reader = body
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
	info, err := s.opts.Blobs.Put(src)
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, blob.ErrTooLarge), errors.As(err, &mbe):
		return errcode.New(errcode.TooLarge, "the file is larger than this node accepts (%d bytes)", s.opts.Blobs.MaxSize())
	case err != nil:
		return err
	case info.Size == 0:
		return errcode.New(errcode.BadRequest, "the file is empty")
	}
	writeJSON(w, http.StatusCreated, info)
	return nil
}
