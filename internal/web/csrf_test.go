package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules"
)

// TestCSRFOnlyFromTheForm: a form's CSRF token counts only in the form's
// body. A token in the URL ends up in logs, histories and Referer headers,
// so a POST that carries it there is refused and changes nothing.
func TestCSRFOnlyFromTheForm(t *testing.T) {
	d, _ := nodetest.DevHall(t, modules.Registry())
	c, csrf := nodetest.SignIn(t, d.GatewayURL, "coop-admin")
	post := func(target string, form url.Values) (int, string) {
		resp, err := c.PostForm(d.GatewayURL+target, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	user := url.Values{"name": {"coop-intern"}, "display": {"实习生"}, "role": {"staff"}, "password": {"intern-pass-2026"}}
	if code, body := post("/hall/users?csrf="+url.QueryEscape(csrf), user); code != http.StatusBadRequest || !strings.Contains(body, "表单已过期") {
		t.Fatalf("token in the URL: %d\n%s", code, body)
	}
	resp, err := c.Get(d.GatewayURL + "/hall/users")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(page), "coop-intern") {
		t.Fatal("a POST with the token in its URL added a user")
	}
	user.Set("csrf", csrf)
	if code, body := post("/hall/users", user); code != http.StatusOK || !strings.Contains(body, "coop-intern") {
		t.Fatalf("token in the form: %d\n%s", code, body)
	}
}
