package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

// FuzzReadTx: a submit body of any bytes and content type is a
// transaction's bytes or a coded refusal; an accepted JSON body is exactly
// {"tx": <base64 of those bytes>}.
func FuzzReadTx(f *testing.F) {
	f.Add([]byte(`{"tx":"AQID"}`), "application/json")
	f.Add([]byte(`{"tx":"AQID"} {"tx":"BAUG"}`), "application/json")
	f.Add([]byte(`{"tx":""}`), "")
	f.Add([]byte{1, 2, 3}, "application/octet-stream")
	f.Add([]byte(`{"tx":"AQID","extra":1}`), "application/json; charset=utf-8")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		r := httptest.NewRequest(http.MethodPost, "/v1/txs", bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		raw, err := readTx(r)
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) || e.Code == errcode.Internal || e.Msg == "" {
				t.Fatalf("uncoded refusal: %v", err)
			}
			return
		}
		if len(raw) == 0 {
			t.Fatal("accepted an empty transaction")
		}
		if bytes.Equal(raw, body) {
			return // raw bytes
		}
		var req SubmitRequest
		if err := json.Unmarshal(body, &req); err != nil || req.Tx != base64.StdEncoding.EncodeToString(raw) {
			t.Fatalf("accepted %q as %x", body, raw)
		}
	})
}

// FuzzSignedHeaders: any signed-request headers parse or are refused as
// unauthenticated; accepted ones are within the time window.
func FuzzSignedHeaders(f *testing.F) {
	const now = 1796500000
	f.Add("0123456789abcdef0123456789abcdef01234567", "1796500000", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "AAAA")
	f.Add("0123456789abcdef0123456789abcdef01234567", "1796500301", tx.UnsignedPayload, "AAAA")
	f.Add("xyz", "-1", "", "!!")
	f.Fuzz(func(t *testing.T, key, unix, content, sig string) {
		h := http.Header{}
		h.Set(tx.HeaderKey, key)
		h.Set(tx.HeaderTime, unix)
		h.Set(tx.HeaderContentSHA256, content)
		h.Set(tx.HeaderSignature, sig)
		sh, err := parseSigned(h, now)
		if err != nil {
			if errcode.Of(err) != errcode.Unauthenticated || errcode.Message(err) == "" {
				t.Fatalf("refusal %v", err)
			}
			return
		}
		if d := now - sh.unix; d > tx.RequestWindowSeconds || d < -tx.RequestWindowSeconds {
			t.Fatalf("accepted a time %d seconds off", d)
		}
		if len(sh.sig) == 0 || (sh.content != tx.UnsignedPayload && !isLowerHex64(sh.content)) {
			t.Fatalf("accepted %+v", sh)
		}
	})
}
