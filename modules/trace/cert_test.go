package trace_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

func TestCertifications(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	gi := map[string]any{"subject": pearLot, "scheme": "砀山酥梨地理标志", "certificate_no": "GI-2026-0001",
		"certificate_sha256": strings.Repeat("ab", 32), "valid_from": "2026-01-01T00:00:00+08:00", "valid_until": "2026-12-31T23:59:59+08:00"}
	refusals(t, c, "certify", []vcase{
		{"unknown lot", alliance, with(gi, "subject", pearProd+"/10/NOPE"), notFound},
		{"unknown product", alliance, with(gi, "subject", "/01/"+gs1("0690123400004")), notFound},
		{"an item", alliance, with(gi, "subject", pear(1)), mal},
		{"no scheme", alliance, with(gi, "scheme", nil), mal},
		{"scheme too long", alliance, with(gi, "scheme", strings.Repeat("证", 65)), mal},
		{"no certificate number", alliance, with(gi, "certificate_no", ""), mal},
		{"bad hash", alliance, with(gi, "certificate_sha256", "abc"), mal},
		{"date instead of time", alliance, with(gi, "valid_from", "2026-01-01"), mal},
		{"until before from", alliance, with(gi, "valid_until", "2025-12-31T00:00:00+08:00"), mal},
		{"until equals from", alliance, with(gi, "valid_until", "2026-01-01T00:00:00+08:00"), mal},
		{"by a producer", coop, gi, unauth},
		{"by a regulator", regulator, gi, unauth},
	})
	giID := testchain.Result(t, do(t, c, alliance, "certify", gi, errcode.OK))["id"].(string)
	green := map[string]any{"subject": pearGTIN[1:], "scheme": "绿色食品", "certificate_no": "LB-34-2604",
		"valid_from": "2026-04-01T00:00:00+08:00", "valid_until": "2029-03-31T23:59:59+08:00"}
	greenID := testchain.Result(t, do(t, c, inspector, "certify", green, errcode.OK))["id"].(string)
	refusals(t, c, "certify", []vcase{{"the same certificate again", alliance, gi, conflict}})
	if giID == greenID || !strings.HasPrefix(giID, "CT20260301-") {
		t.Fatalf("ids %s %s", giID, greenID)
	}
	if cert, err := trace.GetCertification(c.View(), greenID); err != nil || cert.Subject != pearProd || cert.Issuer != inspector {
		t.Fatalf("certification %+v %v", cert, err)
	}

	status := func(subject string, at time.Time) string {
		t.Helper()
		list, err := trace.Certifications(c.View(), subject, at)
		if err != nil || len(list) != 1 {
			t.Fatalf("certifications of %s: %v %v", subject, list, err)
		}
		return list[0].Status
	}
	cst := time.FixedZone("", 8*3600)
	for _, tc := range []struct {
		subject string
		at      time.Time
		want    string
	}{
		{pearLot, time.Date(2025, 12, 31, 23, 59, 59, 0, cst), trace.CertNotYetValid},
		{pearLot, time.Date(2026, 1, 1, 0, 0, 0, 0, cst), trace.CertValid},
		{pearLot, c.Time, trace.CertValid},
		{pearLot, time.Date(2026, 12, 31, 23, 59, 59, 0, cst), trace.CertValid},
		{pearLot, time.Date(2027, 1, 1, 0, 0, 0, 0, cst), trace.CertExpired},
		{pearProd, c.Time, trace.CertNotYetValid},
		{pearProd, time.Date(2026, 4, 1, 0, 0, 0, 0, cst), trace.CertValid},
		{pearProd, time.Date(2029, 4, 1, 0, 0, 0, 0, cst), trace.CertExpired},
	} {
		if got := status(tc.subject, tc.at); got != tc.want {
			t.Errorf("%s at %s: %s, want %s", tc.subject, tc.at, got, tc.want)
		}
	}

	revoke := map[string]any{"certification_id": giID, "reason": "抽检不合格"}
	refusals(t, c, "revoke_certification", []vcase{
		{"by another certifier", inspector, revoke, unauth},
		{"by a producer", coop, revoke, unauth},
		{"bad id", alliance, with(revoke, "certification_id", "GI-1"), mal},
		{"unknown id", alliance, with(revoke, "certification_id", "CT20260101-0123456789ABCDEF0123"), notFound},
		{"no reason", alliance, with(revoke, "reason", ""), mal},
	})
	before := c.Time
	do(t, c, alliance, "revoke_certification", revoke, errcode.OK)
	refusals(t, c, "revoke_certification", []vcase{{"twice", alliance, revoke, conflict}})
	if got := status(pearLot, c.Time); got != trace.CertRevoked {
		t.Fatalf("after revocation: %s", got)
	}
	if got := status(pearLot, before); got != trace.CertValid {
		t.Fatalf("before the revocation: %s", got)
	}
	if got := status(pearLot, time.Date(2027, 6, 1, 0, 0, 0, 0, cst)); got != trace.CertRevoked {
		t.Fatalf("after expiry, revoked wins: %s", got)
	}
	if list, err := trace.Certifications(c.View(), juiceLot, c.Time); err != nil || len(list) != 0 {
		t.Fatalf("juice lot: %v %v", list, err)
	}
}
