package credentialplug_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/tx"
)

// estateNode is browsertest.Node with the module's demo recorded and a
// real-estate registry, 砀山县不动产登记中心 ("estate"), joined by a
// governance vote and authorised by another to issue real-estate title
// certificates; its hall user is estate-admin. It returns the node's
// address and its home.
func estateNode(t *testing.T) (string, string) {
	t.Helper()
	reg := modules.Registry()
	home := t.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-e2e", Consortium: reg, IP: "127.0.0.1",
		Ports: nettest.FreePorts(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := devnet.AddDevHallUsers(home, browsertest.DevPassword); err != nil {
		t.Fatal(err)
	}
	estate, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	master, err := node.HallMasterKey(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := accounts.Open(node.HallDir(home), master.Key, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = store.AddUser(accounts.User{Name: "estate-admin", Display: "砀山县不动产登记中心", Org: "estate", Role: accounts.RoleAdmin}, browsertest.DevPassword, estate)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.StartWith(context.Background(), home, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	for deadline := time.Now().Add(time.Minute); d.App.Store().Version() < 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the node committed no block in a minute")
		}
	}

	c := client.New(d.GatewayURL)
	keys := map[string]*client.Key{}
	var voters []*client.Key
	for _, o := range []string{"regulator", "coop", "logistics", "market", "foodgroup", "bank", "court", "alliance", "notary"} {
		keys[o] = client.KeyFrom(nodetest.AdminKey(t, home, o))
		if o != "regulator" {
			voters = append(voters, keys[o])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := &plug.DemoEnv{Client: c, PublicURL: d.GatewayURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admin: func(org string) (*client.Key, error) {
			if k, ok := keys[org]; ok {
				return k, nil
			}
			return client.KeyFrom(nodetest.AdminKey(t, home, org)), nil
		}}
	if err := credentialplug.Module().Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}
	// Every other member of the dev consortium votes too.
	var members api.Page[identity.Org]
	if err := c.Get(ctx, "/v1/orgs?limit=100", &members); err != nil {
		t.Fatal(err)
	}
	for _, o := range members.Items {
		if _, ok := keys[o.ID]; !ok {
			voters = append(voters, client.KeyFrom(nodetest.AdminKey(t, home, o.ID)))
		}
	}

	// The registry joins the consortium.
	check, _ := identity.USCCCheck("12341321MB1837592")
	spec := identity.OrgSpec{ID: "estate", Name: "砀山县不动产登记中心", NameEN: "Dangshan Real Estate Registration Centre",
		USCC: "12341321MB1837592" + string(check), AdminKeys: []tx.PublicKey{estate.Public()}}
	if _, _, err := client.Send(ctx, c, keys["regulator"], identity.Propose, identity.ProposeBody{Kind: identity.KindAddOrg, Org: &spec, Reason: "不动产登记机构加入联盟"}); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []identity.Proposal `json:"items"`
	}
	if err := c.As(keys["regulator"]).Get(ctx, "/v1/proposals?limit=200", &page); err != nil {
		t.Fatal(err)
	}
	var id uint64
	for _, p := range page.Items {
		if p.Kind == identity.KindAddOrg && p.Org != nil && p.Org.ID == "estate" {
			id = p.ID
		}
	}
	for _, v := range voters {
		if _, _, err := client.Send(ctx, c, v, identity.CastVote, identity.VoteBody{ProposalID: id, Approve: true}); err != nil && !client.IsCode(err, "conflict") {
			t.Fatal(err)
		}
	}
	// ... and is authorised to issue real-estate title certificates.
	if err := credentialplug.Register(ctx, c, keys["regulator"], voters, nil, [][2]string{{catalog.RealEstate, "estate"}}); err != nil {
		t.Fatal(err)
	}
	return d.GatewayURL, home
}

// TestRealEstateFlow: the real-estate registry issues a title
// certificate to a citizen's wallet (a key made in the browser, the
// credential picked up by the link the hall shows); the bank asks for it;
// the wallet discloses the owner, location, area and right but not the
// ID number, bound to the bank's nonce; the bank's hall verifies it, check
// by check, recognised by its list. The registry revokes it, and the
// bank's second check of the same presentation fails on its status.
func TestRealEstateFlow(t *testing.T) {
	ctx := browsertest.Browser(t)
	base, _ := estateNode(t)
	waitWallet := chromedp.WaitVisible(`body[data-wallet-ready="1"]`, chromedp.ByQuery)

	// The citizen's wallet makes a key.
	var holder string
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/credential/wallet"), waitWallet,
		chromedp.Click("#new-key", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("holder-public").value || null`, &holder))

	// The registry issues the certificate to that key.
	browsertest.SignIn(t, ctx, base, "estate-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential"),
		chromedp.WaitVisible("#issue-"+catalog.RealEstate, chromedp.ByQuery),
		chromedp.Click("#issue-"+catalog.RealEstate, chromedp.ByQuery),
		chromedp.WaitVisible("#issue-form", chromedp.ByQuery))
	for name, v := range map[string]string{
		"certificateNumber": "皖（2026）砀山县不动产权第0003127号", "owner": "刘玉梅", "ownerIdNumber": "342224198703150528",
		"jointOwnership": "单独所有", "location": "砀山县砀城镇梨都大道88号梨香苑3幢1单元502室", "unitNumber": "341321001001GB00012F00010502",
		"rightType": "国有建设用地使用权/房屋所有权", "rightNature": "出让/市场化商品房", "use": "城镇住宅用地/住宅",
		"area": "共有宗地面积 18,236.50㎡/房屋建筑面积 118.62㎡", "termOfUse": "2008-05-20 起 2078-05-19 止", "registrationDate": "2026-01-12",
	} {
		browsertest.Run(t, ctx, chromedp.SetValue("#claim-"+name, v, chromedp.ByQuery))
	}
	browsertest.Run(t, ctx, chromedp.SetValue("#holder", holder, chromedp.ByQuery), chromedp.Click("#issue", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "证照已签发")
	hash := browsertest.Text(t, ctx, "#issued-hash")
	var pickup string
	browsertest.Run(t, ctx, chromedp.AttributeValue("#pickup-link", "href", &pickup, nil))
	browsertest.Screenshot(t, ctx, "credential-issue")
	browsertest.SignOut(t, ctx)

	// The citizen picks it up.
	browsertest.Run(t, ctx, chromedp.Navigate(pickup), waitWallet)
	browsertest.Contains(t, browsertest.Text(t, ctx, "#wallet-status"), "证照已加入钱包", "pickup")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#credentials"), "刘玉梅", "the wallet's credential")

	// The bank asks for a real-estate certificate.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential/verify"),
		chromedp.WaitVisible("#open-request", chromedp.ByQuery),
		chromedp.SendKeys("#purpose", "个人住房抵押贷款审查", chromedp.ByQuery),
		chromedp.SetValue("#req-type", catalog.RealEstate, chromedp.ByQuery),
		chromedp.Click("#open-request", chromedp.ByQuery),
		chromedp.WaitVisible("#wallet-link", chromedp.ByQuery))
	var walletLink, requestPage string
	browsertest.Run(t, ctx, chromedp.AttributeValue("#wallet-link", "href", &walletLink, nil), chromedp.Location(&requestPage))

	// The wallet answers with four claims of the twelve.
	browsertest.Run(t, ctx, chromedp.Navigate(walletLink), waitWallet, chromedp.WaitVisible("#request-card", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#request-text"), "个人住房抵押贷款审查", "the request as the wallet shows it")
	for _, name := range []string{"owner", "location", "area", "rightType"} {
		browsertest.Run(t, ctx, chromedp.Click("#claim-0-"+name, chromedp.ByQuery))
	}
	var sent string
	browsertest.Run(t, ctx, chromedp.Click("#send", chromedp.ByQuery),
		chromedp.Poll(`(() => { const s = document.getElementById("wallet-status"), e = document.getElementById("wallet-error");
			return (!e.hidden && "error: " + e.textContent) || (!s.hidden && s.textContent) || null; })()`, &sent))
	browsertest.Contains(t, sent, "已提交", "the wallet's answer")
	browsertest.Screenshot(t, ctx, "credential-wallet")

	// The bank checks it.
	browsertest.Run(t, ctx, chromedp.Navigate(requestPage), chromedp.WaitVisible("#received", chromedp.ByQuery), chromedp.Click("#check", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "核验通过")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#verdict"), "证照真实有效", "verdict")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#recognized"), "符合本单位互认清单", "recognition")
	claims := browsertest.Text(t, ctx, "#claims")
	for _, want := range []string{"刘玉梅", "梨香苑3幢1单元502室", "118.62㎡", "国有建设用地使用权"} {
		browsertest.Contains(t, claims, want, "disclosed claims")
	}
	var leaked bool
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.body.textContent.includes("342224198703150528") || document.body.textContent.includes("0003127")`, &leaked))
	if leaked {
		t.Fatal("the bank's page shows a claim the holder did not disclose")
	}
	// Times as people read them here: China Standard Time, to the minute.
	if facts := browsertest.Text(t, ctx, "#credential-facts"); regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`).MatchString(facts) {
		t.Errorf("the credential's times are raw: %q", facts)
	}
	checks := map[string]bool{}
	browsertest.Run(t, ctx, chromedp.Evaluate(`Object.fromEntries([...document.querySelectorAll("#checks li")].map((li) => [li.dataset.check, li.className === "ok"]))`, &checks))
	for _, name := range []string{"signature", "issuer", "status", "schema", "expiry", "holder binding", "recognition"} {
		if !checks[name] {
			t.Fatalf("check %s: %v", name, checks)
		}
	}
	browsertest.Screenshot(t, ctx, "credential-verify")
	browsertest.SignOut(t, ctx)

	// The registry revokes the certificate.
	browsertest.SignIn(t, ctx, base, "estate-admin")
	row := fmt.Sprintf(`tr[data-hash=%q]`, hash)
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential"),
		chromedp.WaitVisible(row+" button.revoke", chromedp.ByQuery),
		chromedp.SendKeys(row+` input[name="reason"]`, "已办理转移登记，原证书作废", chromedp.ByQuery),
		chromedp.Click(row+" button.revoke", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "证照已注销")
	browsertest.Contains(t, browsertest.Text(t, ctx, row+" .cred-status"), "已注销", "status on the registry's desk")
	browsertest.SignOut(t, ctx)

	// The same presentation, checked again, fails on its status.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(requestPage), chromedp.WaitVisible("#recheck", chromedp.ByQuery), chromedp.Click("#recheck", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已核验，结果见下方") // the notice is the action's outcome; the verdict below is red
	browsertest.Contains(t, browsertest.Text(t, ctx, "#verdict"), "核验未通过", "verdict after the revocation")
	if v := browsertest.Text(t, ctx, "#verdict"); !strings.Contains(v, "核验未通过：") || strings.Contains(v, "status") {
		t.Errorf("the Chinese verdict after the revocation mixes in English: %q", v)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#cred-status"), "已注销", "status")
	browsertest.Run(t, ctx, chromedp.Evaluate(`Object.fromEntries([...document.querySelectorAll("#checks li")].map((li) => [li.dataset.check, li.className === "ok"]))`, &checks))
	if checks["status"] || !checks["signature"] || !checks["holder binding"] {
		t.Fatalf("checks after the revocation: %v", checks)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#verdict"), "证照已被注销或暂停", "verdict after the revocation, in plain words")
	browsertest.Contains(t, browsertest.Text(t, ctx, `#checks li[data-check="status"] .say`), "证照已被注销或暂停", "the status check, in plain words")
	browsertest.Contains(t, browsertest.Text(t, ctx, `#checks li[data-check="signature"] .say`), "签发机构的签名有效", "the signature check, in plain words")
	browsertest.Screenshot(t, ctx, "credential-revoked")

	// The bank's history holds both checks.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential"), chromedp.WaitVisible("#uses", chromedp.ByQuery))
	uses := browsertest.Text(t, ctx, "#uses")
	browsertest.Contains(t, uses, "个人住房抵押贷款审查", "history")
	browsertest.Contains(t, uses, "status", "history")
	browsertest.Contains(t, uses, "状态（注销/暂停）", "history")
}
