package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"

	"github.com/dengta-chain/dengta/api"
)

// Send signs the action a with key, submits it and waits for the commit
// (as Do), and decodes the action's result. The body's type is the
// action's own, so a misspelt field is a compile error, not a refusal at
// run time. A committed transaction that failed returns its record and an
// *Error.
//
//	res, rec, err := client.Send(ctx, c, key, notaryapi.Deposit, notaryapi.DepositBody{...})
func Send[B, R any](ctx context.Context, c *Client, key *Key, a api.Action[B, R], body B) (*R, *TxRecord, error) {
	rec, err := c.Do(ctx, key, a.Module, a.Name, body)
	if err != nil {
		return nil, rec, err
	}
	var res R
	if len(rec.Result) > 0 {
		if err := json.Unmarshal(rec.Result, &res); err != nil {
			return nil, rec, fmt.Errorf("%s result: %w", a.Route(), err)
		}
	}
	return &res, rec, nil
}

// Read calls the read endpoint q with the parameters p and decodes its
// answer. An answer of type json.RawMessage or []byte is returned as the
// raw body (a certificate, say).
//
//	ev, err := client.Read(ctx, c, notaryapi.GetEvidence, notaryapi.IDParams{ID: id})
func Read[P, R any](ctx context.Context, c *Client, q api.Query[P, R], p P) (*R, error) {
	path, err := q.URL(p)
	if err != nil {
		return nil, err
	}
	var out R
	method := q.Method
	if method == "" {
		method = http.MethodGet
	}
	switch v := any(&out).(type) {
	case *json.RawMessage:
		var raw []byte
		if _, err := c.do(ctx, method, path, nil, "", &raw); err != nil {
			return nil, err
		}
		*v = raw
	case *[]byte:
		if _, err := c.do(ctx, method, path, nil, "", v); err != nil {
			return nil, err
		}
	default:
		if _, err := c.do(ctx, method, path, nil, "", &out); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// Post sends a body to the endpoint q (a POST that is not a signed
// action: an upload, a conversion) and decodes the answer.
func Post[P, R any](ctx context.Context, c *Client, q api.Query[P, R], p P, body io.Reader, contentType string) (*R, error) {
	path, err := q.URL(p)
	if err != nil {
		return nil, err
	}
	var out R
	if _, err := c.do(ctx, http.MethodPost, path, body, contentType, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BlobInfo describes a file stored in a node's blob store.
type BlobInfo struct {
	SHA256 string `json:"sha256"`
	SM3    string `json:"sm3"`
	Size   int64  `json:"size"`
}

// UploadBlob stores a file in the node's blob store (off chain) and returns
// its hashes.
func (c *Client) UploadBlob(ctx context.Context, r io.Reader) (*BlobInfo, error) {
	var info BlobInfo
	if _, err := c.do(ctx, http.MethodPost, "/v1/blobs", unsigned{r}, "application/octet-stream", &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// MediaType guesses a file's media type from its extension.
func MediaType(path string) string {
	if t := mime.TypeByExtension(filepath.Ext(path)); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}
