package gateway_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

// TestSignedWritesActOnce: a signed write sent again within its window
// (by whoever saw it) is refused and does nothing; a read, an upload and
// an endpoint marked replayable take it again; UNSIGNED-PAYLOAD, which
// leaves the body out of the signature, is taken for uploads only
// (ADR 0007).
func TestSignedWritesActOnce(t *testing.T) {
	hosp := loadKey(t, "hospa")
	// signed builds one signed request whose headers are sent as they are
	// each time: what a replay is.
	signed := func(method, path string, body []byte, content string) func() reply {
		if content == "" {
			sum := sha256.Sum256(body)
			content = hex.EncodeToString(sum[:])
		}
		now := time.Now().Unix()
		sig, err := hosp.Sign(tx.RequestSignBytes(chainID, method, path, now, content))
		if err != nil {
			t.Fatal(err)
		}
		return func() reply {
			req, err := http.NewRequest(method, baseURL+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(tx.HeaderKey, hosp.ID().String())
			req.Header.Set(tx.HeaderTime, strconv.FormatInt(now, 10))
			req.Header.Set(tx.HeaderContentSHA256, content)
			req.Header.Set(tx.HeaderSignature, base64.StdEncoding.EncodeToString(sig))
			return send(t, req)
		}
	}

	admit := signed(http.MethodPost, "/v1/datashare/custody/patients", []byte(`{"name":"重放测试","id_number":"ZY-2026-REPLAY-01"}`), "")
	if r := admit(); r.status != http.StatusCreated {
		t.Fatalf("the first admission: %v", r)
	}
	r := admit()
	wantError(t, r, errcode.Unauthenticated)
	if !strings.Contains(string(r.body), "already received") {
		t.Errorf("a replayed write: %s", r.body)
	}

	// The body left out of the signature: refused on a write, whatever body comes.
	other := signed(http.MethodPost, "/v1/datashare/custody/patients", []byte(`{"name":"他人","id_number":"ZY-2026-REPLAY-02"}`), tx.UnsignedPayload)
	r = other()
	wantError(t, r, errcode.Unauthenticated)
	if !strings.Contains(string(r.body), "only for file uploads") {
		t.Errorf("UNSIGNED-PAYLOAD on a write: %s", r.body)
	}

	// Reads and a replayable check take the same request again.
	read := signed(http.MethodGet, "/v1/status", nil, "")
	preview := signed(http.MethodPost, "/v1/governance/preview", []byte(`{"kind":"set_roles","org_id":"court","roles":["court"]}`), "")
	first := preview()
	for i := range 2 {
		if r := read(); r.status != http.StatusOK {
			t.Fatalf("a signed read, time %d: %v", i+1, r)
		}
	}
	if r := preview(); r.status == http.StatusUnauthorized || r.status != first.status || !bytes.Equal(r.body, first.body) {
		t.Fatalf("a signed preview again: %v, first %v", r, first)
	}
}
