package notaryplug_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dengta-chain/dengta/internal/browsertest"

	"github.com/chromedp/chromedp"
)

// TestNotaryFlow: a member of the cooperative signs in, preserves a
// contract through the hall, opens and prints its certificate; then a
// judge, signed out, verifies the file on the public verify page.
func TestNotaryFlow(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL

	file := filepath.Join(t.TempDir(), "购销合同.txt")
	os.WriteFile(file, []byte("砀山酥梨购销合同：供应 10 吨，单价每公斤 6 元。"), 0o644)

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Screenshot(t, ctx, "hall-dashboard")
	browsertest.Run(t, ctx,
		chromedp.Navigate(base+"/hall/notary"),
		chromedp.WaitVisible("#file", chromedp.ByQuery),
		chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery),
		chromedp.SetValue("#evidence_type", "contract", chromedp.ByQuery),
		chromedp.SendKeys("#description", "梨子购销合同", chromedp.ByQuery),
		chromedp.Click("#deposit", chromedp.ByQuery),
		chromedp.WaitVisible("article.cert", chromedp.ByQuery),
	)
	cert := browsertest.Text(t, ctx, "article.cert")
	browsertest.Contains(t, cert, "电子数据存证证书", "certificate")
	browsertest.Contains(t, cert, "购销合同.txt", "certificate")
	browsertest.Contains(t, cert, "砀山县梨都果品专业合作社", "certificate depositor")
	var svg int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("article.cert .qr svg").length`, &svg))
	if svg != 1 {
		t.Fatal("the certificate has no QR code")
	}
	var checks int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("article.cert .checks li.ok").length`, &checks))
	if checks < 5 {
		t.Fatalf("the certificate shows %d passed checks", checks)
	}
	browsertest.Screenshot(t, ctx, "certificate")

	// The QR code leads to the verify page; a judge uploads the file there.
	var verifyURL string
	browsertest.Run(t, ctx, chromedp.Text("article.cert p.hash", &verifyURL, chromedp.ByQuery))
	browsertest.Run(t, ctx,
		chromedp.Navigate(verifyURL),
		chromedp.WaitVisible(".verdict", chromedp.ByQuery),
	)
	browsertest.Contains(t, browsertest.Text(t, ctx, ".verdict"), "核验通过", "verify by id")
	browsertest.Run(t, ctx,
		chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery),
		chromedp.Submit("#file", chromedp.ByQuery),
		chromedp.WaitVisible(".verdict", chromedp.ByQuery),
	)
	browsertest.Contains(t, browsertest.Text(t, ctx, ".verdict"), "未被篡改", "verify by upload")
	browsertest.Screenshot(t, ctx, "verify")

	// An altered file is not found on chain.
	altered := filepath.Join(t.TempDir(), "altered.txt")
	os.WriteFile(altered, []byte("砀山酥梨购销合同：供应 11 吨，单价每公斤 6 元。"), 0o644)
	browsertest.Run(t, ctx,
		chromedp.Navigate(base+"/verify"),
		chromedp.SetUploadFiles("#file", []string{altered}, chromedp.ByQuery),
		chromedp.Submit("#file", chromedp.ByQuery),
		chromedp.WaitVisible(".verdict", chromedp.ByQuery),
	)
	browsertest.Contains(t, browsertest.Text(t, ctx, ".verdict.bad"), "没有找到", "verify altered file")
}

// TestExplorerAndLanguage: the explorer shows the chain, and the language
// switch turns the pages into English and back.
func TestExplorerAndLanguage(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	browsertest.Run(t, ctx, chromedp.Navigate(d.GatewayURL+"/explorer"), chromedp.WaitVisible("#height", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "h1"), "区块浏览器", "explorer in Chinese")
	browsertest.Screenshot(t, ctx, "explorer")
	browsertest.Run(t, ctx, chromedp.Click("a.lang", chromedp.ByQuery), chromedp.WaitVisible("#height", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "h1"), "Block explorer", "explorer in English")
	browsertest.Run(t, ctx, chromedp.Navigate(d.GatewayURL+"/explorer/orgs"), chromedp.WaitVisible("#sethash", chromedp.ByQuery))
	if len(browsertest.Text(t, ctx, "#sethash")) != 64 {
		t.Fatal("the validator-set hash is not shown")
	}
	// Errors in the user's language, never a stack trace.
	browsertest.Run(t, ctx, chromedp.Navigate(d.GatewayURL+"/explorer/blocks/abc"), chromedp.WaitVisible(".error", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, ".error"), "positive integer", "error page in English")
}
