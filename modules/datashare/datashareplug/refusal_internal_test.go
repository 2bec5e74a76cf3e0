package datashareplug

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// TestRefusalText: an owner node's refusal is said on the hall's page by
// its reason, in the page's language, with its audit event; not as the
// generic "your organisation may not do this" of its code.
func TestRefusalText(t *testing.T) {
	msg := func(reason string) string {
		d := &datashare.Decision{Reason: reason, Record: &datashareapi.Record{ID: "DR1", Owner: "hospa"}}
		return errcode.Message(refusal(d, datashareapi.AuditEvent{ID: "AE20261207-01"}))
	}
	page := func(lang pages.Lang) *pages.Page {
		return pages.NewPage(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), lang, func(k string) string {
			m := messages[k]
			if lang == pages.ZH {
				return m[0]
			}
			return m[1]
		})
	}
	for _, c := range []struct {
		reason string
		lang   pages.Lang
		want   string
	}{
		{datashareapi.ReasonNotActive, pages.ZH, "授权未生效（待同意或被拒绝）（审计事件 AE20261207-01）"},
		{datashareapi.ReasonRevoked, pages.ZH, "授权已撤销（审计事件 AE20261207-01）"},
		{datashareapi.ReasonRevoked, pages.EN, "Grant revoked (audit event AE20261207-01)"},
	} {
		if got := refusalText(page(c.lang), msg(c.reason)); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.reason, c.lang, got, c.want)
		}
	}
	if got := refusalText(page(pages.ZH), "unauthenticated: sign the request"); got != "" {
		t.Errorf("another error: %q", got)
	}
	for _, r := range datashareapi.Reasons {
		if got := refusalText(page(pages.ZH), msg(r)); got == "" || strings.Contains(got, "_") {
			t.Errorf("reason %s has no Chinese text: %q", r, got)
		}
	}
}
