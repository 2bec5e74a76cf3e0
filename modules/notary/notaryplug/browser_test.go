package notaryplug_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"

	"github.com/chromedp/chromedp"
)

// TestNotaryFlow: a member of the cooperative signs in, preserves a
// contract through the hall, opens and prints its certificate; then a
// judge, signed out, verifies the file on the public verify page.
func TestNotaryFlow(t *testing.T) {
	d, home := browsertest.Node(t)
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
	// A batch the cooperative's system sent shows in the hall too.
	key, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "coop"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(context.Background(), client.New(base).As(key), key, notaryapi.BatchDeposit, notaryapi.BatchBody{
		MerkleRoot: strings.Repeat("ab", 32), Size: 120, Label: "九月送货单", ItemFormat: "dengta-batch-item/1"}); err != nil {
		t.Fatal(err)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#notice"), "购销合同.txt 已存证，存证编号 EV", "deposit notice")
	// The clerk is still signed in on the certificate and finds the way
	// back to the hall.
	var hallLinks int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("header a[href='/hall']").length`, &hallLinks))
	if hallLinks != 1 {
		t.Fatalf("the certificate page has %d links back to the hall", hallLinks)
	}
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
	var certURL string
	browsertest.Run(t, ctx, chromedp.Location(&certURL))
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/notary"), chromedp.WaitVisible("#batches", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "hall-notary")
	batches := browsertest.Text(t, ctx, "#batches")
	for _, want := range []string{"九月送货单", "120", "BA"} {
		browsertest.Contains(t, batches, want, "the hall's batches")
	}

	// The same file again: no second record, and the clerk is told so.
	browsertest.Run(t, ctx,
		chromedp.Navigate(base+"/hall/notary"),
		chromedp.WaitVisible("#file", chromedp.ByQuery),
		chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery),
		chromedp.Click("#deposit", chromedp.ByQuery),
		chromedp.WaitVisible("#notice", chromedp.ByQuery),
	)
	browsertest.Contains(t, browsertest.Text(t, ctx, "#notice"), "此前已经存证", "second deposit notice")
	var again string
	browsertest.Run(t, ctx, chromedp.Location(&again))
	if again != certURL {
		t.Fatalf("the second deposit shows %s, not the first certificate %s", again, certURL)
	}

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
	verdict := browsertest.Text(t, ctx, ".verdict.bad")
	browsertest.Contains(t, verdict, "链上没有这份电子数据的单独存证记录", "verify altered file")
	browsertest.Contains(t, verdict, "批量存证的条目，请同时上传它的证书文件", "verify altered file: how to check a batch item")
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

// TestDisputesHall: two copyright disputes through the hall. The court
// records its judgment on one; on the other the supermarket proposes a
// settlement and the cooperative accepts it.
func TestDisputesHall(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	c := client.New(base)
	register := func(org, content string) string {
		k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
		if err != nil {
			t.Fatal(err)
		}
		sha := sha256.Sum256([]byte(content))
		sm := sha256.Sum256([]byte("sm3 " + content))
		res, _, err := client.Send(context.Background(), c, k, notaryapi.RegisterWork, notaryapi.RegisterWorkBody{Title: "梨乡风光", Authors: []string{"李四"},
			CreatedOn: "2026-02-01", License: "all-rights-reserved", WorkType: "photo", SHA256: hex.EncodeToString(sha[:]), SM3: hex.EncodeToString(sm[:])})
		if err != nil {
			t.Fatal(err)
		}
		return res.WorkID
	}
	first := register("coop", "orchard photo")
	judged := register("logistics", "orchard photo")
	register("coop", "gift box design")
	settled := register("market", "gift box design")

	browsertest.SignIn(t, ctx, base, "court-admin")
	form := "#dispute-" + judged + " form.judge"
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/notary/disputes"),
		chromedp.WaitVisible(form, chromedp.ByQuery),
		chromedp.SetValue(form+" select", first, chromedp.ByQuery),
		chromedp.SendKeys(form+" input[name=reference]", "(2026)皖13民初8号", chromedp.ByQuery),
		chromedp.Click(form+" button.resolve", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "判决")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#resolved-disputes"), "(2026)皖13民初8号", "resolved list")
	browsertest.Screenshot(t, ctx, "copyright-disputes")
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "market-admin")
	form = "#dispute-" + settled + " form.settle"
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/notary/disputes"),
		chromedp.WaitVisible(form, chromedp.ByQuery),
		chromedp.SendKeys(form+" input[name=terms]", "超市放弃登记", chromedp.ByQuery),
		chromedp.Click(form+" button.propose", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "和解方案")
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/notary/disputes"),
		chromedp.WaitVisible("#dispute-"+settled+" .proposal", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#dispute-"+settled+" .proposal"), "超市放弃登记", "proposal")
	browsertest.Run(t, ctx, chromedp.Click("#dispute-"+settled+" button.accept", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "和解")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#resolved-disputes"), "双方和解", "resolved by settlement")
}
