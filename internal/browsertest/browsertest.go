// Package browsertest drives a real node through a real browser for the
// tests of the pages: headless Chromium (chromedp) against a dev chain
// started in the test's process, with hall users for every demo
// organisation. Each module's browser tests live in its folder and use
// this package. Tests skip when no browser is installed, except in CI
// (CI=true), where they fail: .ci/run installs Debian's chromium.
package browsertest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
)

// findBrowser returns the path of a Chromium-family browser, or skips the
// test (fails it in CI).
func findBrowser(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("DENGTA_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found: CI must install Debian's chromium package (.ci/run does)")
	}
	t.Skip("no Chromium found: install Debian's chromium package (apt-get install chromium) to run the browser tests")
	return ""
}

// Browser starts headless Chromium with a fresh profile and returns a tab.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := findBrowser(t)
	// The profile is not a t.TempDir: Chromium's helper processes may still
	// write into it for a moment after the browser has exited, which made
	// TempDir's cleanup fail the test ("directory not empty"). The cleanup
	// below removes it after the browser, retrying for a while.
	profile, err := os.MkdirTemp("", "dengta-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
		// Pages follow Accept-Language; a Chinese browser is the default user.
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1100, 1400),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // stops the browser and waits for it
		var err error
		for range 50 {
			if err = os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("browser profile %s left behind: %v", profile, err)
	})
	// Start the browser now, so a broken install fails here, clearly.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// Node runs a dev chain of the registered modules (one validator, the
// demo consortium, hall users <org>-admin with DevPassword) in this
// process.
func Node(t testing.TB) (*daemon.Daemon, string) {
	t.Helper()
	return NodeWith(t, modules.Registry())
}

// NodeWith is Node with the modules of reg.
func NodeWith(t testing.TB, reg *plug.Registry) (*daemon.Daemon, string) {
	t.Helper()
	home := t.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-e2e", Consortium: reg, IP: "127.0.0.1",
		Ports: nettest.FreePorts(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := devnet.AddDevHallUsers(home, DevPassword); err != nil {
		t.Fatal(err)
	}
	d, err := daemon.StartWith(context.Background(), home, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	// The hall's pages call the API as their users, which needs the
	// first block's state.
	for deadline := time.Now().Add(60 * time.Second); d.App.Store().Version() < 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the node committed no block in 60 s")
		}
	}
	return d, home
}

// DemoNode is Node with every module's demo story recorded, as
// 'dengta dev' records it on a new chain.
func DemoNode(t testing.TB) (*daemon.Daemon, string) {
	t.Helper()
	// The seed and the node share the modules (a module's seed may act
	// through the services its node runs).
	reg := modules.Registry()
	d, home := NodeWith(t, reg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := devnet.SeedDemo(ctx, reg, d.GatewayURL, home, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("demo story: %v", err)
	}
	return d, home
}

// DevPassword is the password of the hall users Node adds.
const DevPassword = "dengta-e2e-pass"

// Run runs browser actions with a deadline.
func Run(t testing.TB, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// Text returns the text content of the first element matching sel.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	Run(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// Screenshot saves a full-page PNG under docs/screenshots when
// DENGTA_SCREENSHOTS is set (to refresh the documentation's pictures).
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("DENGTA_SCREENSHOTS") == "" {
		return
	}
	var png []byte
	Run(t, ctx, chromedp.FullScreenshot(&png, 100)) // quality 100 gives PNG; lower gives JPEG
	dir := filepath.Join(repoRoot(t), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// SignIn signs in to the hall as user.
func SignIn(t testing.TB, ctx context.Context, base, user string) {
	t.Helper()
	// The hall answers "busy, try again" (503) or throttles (429) when
	// sign-ins from one address come fast, as tests running side by side
	// make them: a person would try again, and so does the test.
	for attempt := 1; ; attempt++ {
		Run(t, ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible("#user", chromedp.ByQuery),
			chromedp.SendKeys("#user", user, chromedp.ByQuery),
			chromedp.SendKeys("#password", DevPassword, chromedp.ByQuery),
			chromedp.Click("#login", chromedp.ByQuery),
		)
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Run(wctx, chromedp.WaitVisible("ul.tiles", chromedp.ByQuery))
		cancel()
		if err == nil {
			return
		}
		if attempt == 5 {
			t.Fatalf("sign in as %s: the hall did not open after %d attempts: %v", user, attempt, err)
		}
		time.Sleep(time.Duration(attempt) * 2 * time.Second)
	}
}

// Contains fails the test when got does not contain want.
func Contains(t testing.TB, got, want, what string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("%s: %q does not contain %q", what, got, want)
	}
}

// repoRoot is the directory of go.mod, above the test's directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// ExpectMessage waits until the page shows a status or alert message
// containing want (a form post answers with a new page, so the old one's
// message must not count), and fails if it is an alert.
func ExpectMessage(t testing.TB, ctx context.Context, want string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector("[role=status], [role=alert]"); return !!e && e.textContent.includes(%q) && document.readyState === "complete"; })()`, want)
	if err := pollPage(ctx, js); err != nil {
		var msg string
		chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector("[role=status], [role=alert]") || {textContent: "(no message)"}).textContent`, &msg))
		t.Fatalf("waiting for a message with %q: %v; the page says %q", want, err, msg)
	}
	var alert int
	Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("[role=alert]").length`, &alert))
	if alert != 0 {
		t.Fatalf("the page shows an error: %s", Text(t, ctx, "[role=alert]"))
	}
}

// SignOut signs out of the hall.
func SignOut(t testing.TB, ctx context.Context) {
	t.Helper()
	Run(t, ctx, chromedp.Click("#logout", chromedp.ByQuery), chromedp.WaitVisible("a[href='/login']", chromedp.ByQuery))
}
