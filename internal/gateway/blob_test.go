package gateway_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/tx"
)

// TestBlobUploads: only members store files (ADR 0007); a signed request
// whose body is not the one it signed stores nothing.
func TestBlobUploads(t *testing.T) {
	member := loadKey(t, "coop")
	store, err := blob.Open(node.BlobDir(testHome), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	file := []byte("砀山酥梨质检报告 " + time.Now().String())
	sum := sha256.Sum256(file)
	sha := hex.EncodeToString(sum[:])

	wantError(t, call(t, http.MethodPost, "/v1/blobs", "application/octet-stream", file), errcode.Unauthenticated)
	if _, err := store.Stat(sha); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("an anonymous upload was stored: %v", err)
	}

	// Signed with a content hash of other bytes: refused, nothing stored.
	other := sha256.Sum256([]byte("something else"))
	r := uploadSigned(t, member, file, hex.EncodeToString(other[:]))
	wantError(t, r, errcode.Unauthenticated)
	if _, err := store.Stat(sha); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("a body that is not the signed one was stored: %v", err)
	}

	for _, content := range []string{sha, tx.UnsignedPayload} {
		r := uploadSigned(t, member, file, content)
		if r.status != http.StatusCreated || !bytes.Contains(r.body, []byte(sha)) {
			t.Fatalf("upload signed with %s: %v", content, r)
		}
	}
	if info, err := store.Stat(sha); err != nil || info.Size != int64(len(file)) {
		t.Fatalf("stored file: %+v, %v", info, err)
	}
}

// uploadSigned posts body to /v1/blobs signed by k, declaring content as
// its hash.
func uploadSigned(t *testing.T, k *tx.PrivateKey, body []byte, content string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, baseURL+"/v1/blobs", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	now := time.Now().Unix()
	sig, err := k.Sign(tx.RequestSignBytes(chainID, http.MethodPost, "/v1/blobs", now, content))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(tx.HeaderKey, k.ID().String())
	req.Header.Set(tx.HeaderTime, strconv.FormatInt(now, 10))
	req.Header.Set(tx.HeaderContentSHA256, content)
	req.Header.Set(tx.HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	return send(t, req)
}
