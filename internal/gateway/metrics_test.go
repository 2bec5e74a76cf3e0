package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestMetricsOnLoopback: /metrics answers the machine itself, not another
// address, nor a request a local proxy forwarded from elsewhere.
func TestMetricsOnLoopback(t *testing.T) {
	h := testNode.Gateway.Handler()
	for _, tt := range []struct {
		name, remote, xff string
		want              int
	}{
		{"loopback", "127.0.0.1:50000", "", http.StatusOK},
		{"IPv6 loopback", "[::1]:50000", "", http.StatusOK},
		{"another machine", "203.0.113.5:50000", "", http.StatusForbidden},
		{"forwarded by a local proxy", "127.0.0.1:50000", "203.0.113.5", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = tt.remote
		if tt.xff != "" {
			req.Header.Set("X-Forwarded-For", tt.xff)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, rec.Code, tt.want)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: security headers missing: %v", tt.name, rec.Header())
		}
	}
}
