package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/modules"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
)

// findBrowser returns the path of a Chromium-family browser, or skips the
// test (fails it in CI).
func findBrowser(t *testing.T) string {
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

// browser starts headless Chromium with a fresh profile and returns a tab.
func browser(t *testing.T) context.Context {
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

// startNode runs a dev chain (one validator, the demo consortium, hall
// users <org>-admin with the dev password) in this process.
func startNode(t *testing.T) (*daemon.Daemon, string) {
	t.Helper()
	home := t.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-e2e", Consortium: modules.Registry(), IP: "127.0.0.1",
		Ports: node.Ports{P2P: nettest.FreePort(t), RPC: nettest.FreePort(t), Gateway: nettest.FreePort(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := devnet.AddDevHallUsers(home, devPassword); err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Start(context.Background(), home, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	return d, home
}

const devPassword = "dengta-e2e-pass"

// run runs browser actions with a deadline.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// text returns the text content of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// screenshot saves a full-page PNG under docs/screenshots when
// DENGTA_SCREENSHOTS is set (to refresh the documentation's pictures).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("DENGTA_SCREENSHOTS") == "" {
		return
	}
	var png []byte
	run(t, ctx, chromedp.FullScreenshot(&png, 100)) // quality 100 gives PNG; lower gives JPEG
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// signIn signs in to the hall as user.
func signIn(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	run(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#user", chromedp.ByQuery),
		chromedp.SendKeys("#user", user, chromedp.ByQuery),
		chromedp.SendKeys("#password", devPassword, chromedp.ByQuery),
		chromedp.Click("#login", chromedp.ByQuery),
		chromedp.WaitVisible("ul.tiles", chromedp.ByQuery),
	)
}

func contains(t *testing.T, got, want, what string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("%s: %q does not contain %q", what, got, want)
	}
}
