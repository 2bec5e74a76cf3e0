package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/browsertest"
)

// TestHallAccounts: an administrator adds a clerk, disables and enables
// them and resets their password; the clerk changes it again and makes an
// API token, which reads members' data until revoked. Success notices come
// from the node, never from the URL.
func TestHallAccounts(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL

	browsertest.SignIn(t, ctx, base, "coop-admin")
	// A link can no longer make the hall announce anything.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/users?msg=请立即转账至安全账户"), chromedp.WaitVisible("#add-user", chromedp.ByQuery))
	var page string
	browsertest.Run(t, ctx, chromedp.Text("main", &page, chromedp.ByQuery))
	if strings.Contains(page, "安全账户") {
		t.Fatal("the hall shows a message from the URL")
	}
	browsertest.Run(t, ctx,
		chromedp.SendKeys("#name", "coop-clerk", chromedp.ByQuery),
		chromedp.SendKeys("#display", "王会计", chromedp.ByQuery),
		chromedp.SendKeys("#password", "first-pass-2026", chromedp.ByQuery),
		chromedp.Click("#add-user", chromedp.ByQuery),
	)
	browsertest.ExpectMessage(t, ctx, "coop-clerk")
	browsertest.Run(t, ctx, chromedp.Click("#disable-coop-clerk", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已停用用户")
	browsertest.Screenshot(t, ctx, "hall-users")
	browsertest.SignOut(t, ctx)
	signIn(t, ctx, base, "coop-clerk", "first-pass-2026")
	browsertest.Contains(t, browsertest.Text(t, ctx, "[role=alert]"), "用户名或密码错误", "a disabled user signs in")

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/users"), chromedp.WaitVisible("#enable-coop-clerk", chromedp.ByQuery), chromedp.Click("#enable-coop-clerk", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已启用用户")
	browsertest.Run(t, ctx, chromedp.SendKeys("#pw-coop-clerk", "second-pass-2026", chromedp.ByQuery), chromedp.Click("#reset-coop-clerk", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已重设密码")
	browsertest.SignOut(t, ctx)

	signIn(t, ctx, base, "coop-clerk", "second-pass-2026")
	browsertest.Run(t, ctx, chromedp.WaitVisible("ul.tiles", chromedp.ByQuery), chromedp.Navigate(base+"/hall/account"), chromedp.WaitVisible("#change-password", chromedp.ByQuery),
		chromedp.SendKeys("#current", "second-pass-2026", chromedp.ByQuery),
		chromedp.SendKeys("#password", "third-pass-2026", chromedp.ByQuery),
		chromedp.SendKeys("#confirm", "third-pass-2026", chromedp.ByQuery),
		chromedp.Click("#change-password", chromedp.ByQuery),
	)
	browsertest.ExpectMessage(t, ctx, "密码已修改")

	// An API token for the clerk's systems, shown once.
	browsertest.Run(t, ctx, chromedp.SendKeys("#token-name", "ERP 系统", chromedp.ByQuery), chromedp.Click("#create-token", chromedp.ByQuery), chromedp.WaitVisible("#new-token", chromedp.ByQuery))
	token := strings.TrimSpace(browsertest.Text(t, ctx, "#new-token"))
	if !strings.HasPrefix(token, "dgt_") {
		t.Fatalf("new token %q", token)
	}
	browsertest.Screenshot(t, ctx, "hall-account")
	read := func() int {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/v1/proposals", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := read(); got != http.StatusOK {
		t.Fatalf("reading with the token: %d", got)
	}
	browsertest.Run(t, ctx, chromedp.Click("button[id^=revoke-]", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "令牌已吊销")
	if got := read(); got != http.StatusUnauthorized {
		t.Fatalf("reading with a revoked token: %d", got)
	}
}

// signIn fills the sign-in form and waits for the answer.
func signIn(t *testing.T, ctx context.Context, base, user, password string) {
	t.Helper()
	browsertest.Run(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#user", chromedp.ByQuery),
		chromedp.SendKeys("#user", user, chromedp.ByQuery),
		chromedp.SendKeys("#password", password, chromedp.ByQuery),
		chromedp.Click("#login", chromedp.ByQuery),
		chromedp.WaitReady("body", chromedp.ByQuery),
	)
}
