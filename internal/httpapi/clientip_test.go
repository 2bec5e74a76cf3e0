package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
)

func TestClientIP(t *testing.T) {
	proxies, err := ParseProxies([]string{"10.0.0.0/8", "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, remote, xff, want string
	}{
		{"direct", "203.0.113.5:4000", "", "203.0.113.5"},
		{"direct with a forged header", "203.0.113.5:4000", "1.2.3.4", "203.0.113.5"},
		{"through a trusted proxy", "10.1.1.1:4000", "203.0.113.9", "203.0.113.9"},
		{"forged hop before the proxy's", "10.1.1.1:4000", "1.2.3.4, 203.0.113.9", "203.0.113.9"},
		{"two trusted proxies", "192.0.2.1:80", "198.51.100.7, 10.2.2.2", "198.51.100.7"},
		{"unreadable hop", "10.1.1.1:4000", "garbage", "10.1.1.1"},
		{"trusted proxy, no header", "10.1.1.1:4000", "", "10.1.1.1"},
		{"IPv4-mapped peer", "[::ffff:203.0.113.5]:4000", "", "203.0.113.5"},
		{"IPv6", "[2001:db8::1]:4000", "", "2001:db8::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := proxies.ClientIP(r).String(); got != tt.want {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := ParseProxies([]string{"nonsense"}); err == nil {
		t.Error("a nonsense proxy was accepted")
	}
}

// FuzzDecodeJSON: any request body decodes into the target or is refused
// with a coded error; what decodes was valid UTF-8 with no unknown field.
func FuzzDecodeJSON(f *testing.F) {
	type target struct {
		Kind  string   `json:"kind"`
		Count int      `json:"count,omitempty"`
		Tags  []string `json:"tags,omitempty"`
	}
	f.Add([]byte(`{"kind":"a","count":2,"tags":["x"]}`))
	f.Add([]byte(`{"kind":"a"} {"kind":"b"}`))
	f.Add([]byte("{\"kind\":\"\xff\"}"))
	f.Add([]byte(`{"kind":"a","other":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		var v target
		err := DecodeJSON(r, &v, 4096)
		if err != nil {
			if c := errcode.Of(err); c != errcode.BadRequest && c != errcode.TooLarge {
				t.Fatalf("refusal %v", err)
			}
			return
		}
		if !utf8.Valid(body) || len(body) > 4096 {
			t.Fatalf("accepted %q", body)
		}
		var strict map[string]json.RawMessage
		if json.Unmarshal(bytes.TrimSpace(body), &strict) == nil {
			for k := range strict {
				if k != "kind" && k != "count" && k != "tags" {
					t.Fatalf("accepted an unknown field %q", k)
				}
			}
		}
	})
}
