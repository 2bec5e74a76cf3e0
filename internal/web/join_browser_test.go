package web_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// TestApplyToJoin: an organisation applies from the public hall; a wrong
// code is refused in the visitor's language with the form kept; the
// corrected application goes on chain and gets a public status page. A
// member's admin proposes to admit it from the governance page with one
// more role than asked, another votes in the hall, the rest by the SDK;
// the status page then shows it approved (in both languages) and offers
// the join bundle, which is a valid bundle of this chain; the new
// organisation's admin key from the application signs at once.
func TestApplyToJoin(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	// A single dev node: a second RPC address of it stands in for another
	// member's in the bundle (the light client needs two).
	s, err := node.LoadSettings(home)
	if err != nil {
		t.Fatal(err)
	}
	c, err := node.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	s.JoinRPCServers = []string{strings.Replace(strings.Replace(c.RPC.ListenAddress, "tcp://", "http://", 1), "127.0.0.1", "localhost", 1)}
	if err := node.SaveSettings(home, s); err != nil {
		t.Fatal(err)
	}

	admin, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	code := "91341321MA2T0042" + "1"
	check, err := identity.USCCCheck(code[:17])
	if err != nil {
		t.Fatal(err)
	}
	good := code[:17] + string(check)
	bad := code[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", check)+1)%31])
	sig, err := admin.Sign(identity.ApplicationMessage(d.ChainID, "pearjuice", good, admin.Public()))
	if err != nil {
		t.Fatal(err)
	}
	fill := func(uscc string) {
		browsertest.Run(t, ctx,
			chromedp.Navigate(base+"/apply"),
			chromedp.WaitVisible("#apply-submit", chromedp.ByQuery),
			chromedp.SendKeys("#org_id", "pearjuice", chromedp.ByQuery),
			chromedp.SendKeys("#name", "砀山梨汁饮品有限公司", chromedp.ByQuery),
			chromedp.SendKeys("#name_en", "Dangshan Pear Juice Co., Ltd.", chromedp.ByQuery),
			chromedp.SendKeys("#uscc", uscc, chromedp.ByQuery),
			chromedp.Click("#role-producer", chromedp.ByQuery),
			chromedp.SendKeys("#person", "李娜", chromedp.ByQuery),
			chromedp.SendKeys("#phone", "0557-8012345", chromedp.ByQuery),
			chromedp.SendKeys("#email", "ops@pearjuice.cn", chromedp.ByQuery),
			chromedp.SendKeys("#admin_key", admin.Public().String(), chromedp.ByQuery),
			chromedp.SendKeys("#possession", base64.StdEncoding.EncodeToString(sig), chromedp.ByQuery),
			chromedp.Click("#apply-submit", chromedp.ByQuery),
		)
	}
	// A wrong check character: refused in Chinese, the form kept.
	fill(bad)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#apply-error", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#apply-error"), "统一社会信用代码有误", "error for a wrong code")
	// The check's own words follow in Chinese brackets, marked as English.
	var detailLang string
	browsertest.Run(t, ctx, chromedp.Evaluate(`(document.querySelector("#apply-error span.chain-words") || {}).lang || ""`, &detailLang))
	if detailLang != "en" || !strings.Contains(browsertest.Text(t, ctx, "#apply-error"), "（") {
		t.Errorf("the check's details are not marked English in Chinese brackets: %q, lang %q", browsertest.Text(t, ctx, "#apply-error"), detailLang)
	}
	var kept, keptKey string
	var roleKept bool
	browsertest.Run(t, ctx, chromedp.Value("#name", &kept, chromedp.ByQuery), chromedp.Value("#admin_key", &keptKey, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#role-producer").checked`, &roleKept))
	if kept != "砀山梨汁饮品有限公司" || keptKey != admin.Public().String() || !roleKept {
		t.Fatalf("the refused form lost what was typed: name %q, key %q, role kept %v", kept, keptKey, roleKept)
	}
	browsertest.Screenshot(t, ctx, "apply-error")
	// Corrected, it goes on chain.
	browsertest.Run(t, ctx, chromedp.SetValue("#uscc", good, chromedp.ByQuery), chromedp.Click("#apply-submit", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "申请已上链")
	browsertest.Run(t, ctx, chromedp.WaitVisible("#ref", chromedp.ByQuery))
	ref := strings.TrimSpace(browsertest.Text(t, ctx, "#ref"))
	if !identity.ValidRef(ref) {
		t.Fatalf("reference number %q", ref)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#status"), "待审议", "status after applying")
	browsertest.Screenshot(t, ctx, "apply-status")

	// A member's admin proposes to admit it, with logistics added.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/governance"), chromedp.WaitVisible("#admit-"+ref, chromedp.ByQuery))
	card := browsertest.Text(t, ctx, "#app-"+ref)
	browsertest.Contains(t, card, "李娜", "the relaying node shows the contact")
	browsertest.Contains(t, card, "申请的角色\n生产者\n", "the roles applied for, by name")
	if strings.Contains(card, "{") {
		t.Errorf("the application card shows raw data: %s", card)
	}
	browsertest.Run(t, ctx, chromedp.Click("#admit-"+ref+"-logistics", chromedp.ByQuery), chromedp.Click("#admit-"+ref, chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已发起准入提案")
	browsertest.Screenshot(t, ctx, "governance")
	browsertest.SignOut(t, ctx)
	api := client.New(base)
	var view struct {
		Status   string `json:"status"`
		Proposal uint64 `json:"proposal"`
		Bundle   string `json:"bundle"`
	}
	if err := api.Get(context.Background(), "/v1/applications/"+ref, &view); err != nil || view.Proposal == 0 {
		t.Fatalf("application after the proposal: %+v, %v", view, err)
	}
	// Another member votes in the hall.
	browsertest.SignIn(t, ctx, base, "coop-admin")
	approve := fmt.Sprintf("#approve-%d", view.Proposal)
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/governance"), chromedp.WaitVisible(approve, chromedp.ByQuery))
	// A voter sees what the admission grants before voting.
	granted := browsertest.Text(t, ctx, fmt.Sprintf("#proposal-%d-roles", view.Proposal))
	browsertest.Contains(t, granted, "生产者", "roles the proposal grants")
	browsertest.Contains(t, granted, "物流", "roles the proposal grants")
	// The English page names the organisation by its English name.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/governance?lang=en"), chromedp.WaitVisible(approve, chromedp.ByQuery))
	row := browsertest.Text(t, ctx, fmt.Sprintf("#proposal-%d", view.Proposal))
	browsertest.Contains(t, row, "Dangshan Pear Juice Co., Ltd.", "the organisation on the English page")
	if strings.Contains(row, "砀山梨汁") {
		t.Errorf("the English page names the organisation in Chinese: %s", row)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/governance?lang=zh"), chromedp.WaitVisible(approve, chromedp.ByQuery))
	browsertest.Run(t, ctx, chromedp.Click(approve, chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已投赞成票")
	browsertest.SignOut(t, ctx)
	// The others by the SDK, until it passes.
	for _, o := range devnet.Demo {
		if o.ID == "regulator" || o.ID == "coop" {
			continue
		}
		if err := api.Get(context.Background(), "/v1/applications/"+ref, &view); err != nil {
			t.Fatal(err)
		}
		if view.Status != identity.AppPending {
			break
		}
		k, _, err := tx.ReadKeyFile(devnet.KeyFile(filepath.Join(home, "keys"), o.ID))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, _, err = client.Send(ctx, api, client.KeyFrom(k), identity.CastVote, identity.VoteBody{ProposalID: view.Proposal, Approve: true})
		cancel()
		if err != nil {
			t.Fatalf("vote of %s: %v", o.ID, err)
		}
	}
	if view.Status != identity.AppApproved {
		t.Fatalf("after the votes the application is %s", view.Status)
	}

	// The public status page says so and offers the bundle.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/apply/"+ref), chromedp.WaitVisible("#bundle", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#status"), "已通过", "status after the vote")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#granted"), "物流", "roles granted")
	var href string
	var ok bool
	browsertest.Run(t, ctx, chromedp.AttributeValue("#bundle", "href", &href, &ok, chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "apply-approved")
	req, _ := http.NewRequest(http.MethodGet, base+"/apply/"+ref, nil)
	req.Header.Set("Accept-Language", "en")
	page := getReq(t, req)
	if !strings.Contains(page, "Approved") || !strings.Contains(page, "Download the join bundle") {
		t.Fatalf("the English status page:\n%s", page)
	}
	req, _ = http.NewRequest(http.MethodGet, base+href, nil)
	b, err := node.ParseBundle([]byte(getReq(t, req)))
	if err != nil {
		t.Fatalf("the downloaded bundle: %v", err)
	}
	if b.ChainID != d.ChainID || b.TrustHeight < 1 || len(b.RPCServers) != 2 {
		t.Fatalf("bundle: chain %s, trusted height %d, rpc %v", b.ChainID, b.TrustHeight, b.RPCServers)
	}
	// The admitted organisation's admin key works.
	ctx2, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clerk, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(ctx2, api, client.KeyFrom(admin), identity.RegisterKey, identity.RegisterKeyBody{PublicKey: clerk.Public(), Name: "clerk"}); err != nil {
		t.Fatalf("the new member's admin key: %v", err)
	}
	// A change of roles shows what it adds and takes away, by name.
	regKey, _, err := tx.ReadKeyFile(devnet.KeyFile(filepath.Join(home, "keys"), "regulator"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(ctx2, api, client.KeyFrom(regKey), identity.Propose, identity.ProposeBody{Kind: identity.KindSetRoles, OrgID: "coop",
		Roles: []role.Role{role.Producer, role.Logistics}, Reason: "改为物流合作社"}); err != nil {
		t.Fatalf("propose a change of coop's roles: %v", err)
	}
	var props struct{ Items []identity.Proposal }
	if err := api.As(client.KeyFrom(regKey)).Get(ctx2, "/v1/proposals?limit=1000", &props); err != nil || len(props.Items) == 0 {
		t.Fatalf("proposals: %v", err)
	}
	last := props.Items[len(props.Items)-1].ID
	browsertest.SignIn(t, ctx, base, "market-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/governance"), chromedp.WaitVisible(fmt.Sprintf("#proposal-%d-removed", last), chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, fmt.Sprintf("#proposal-%d-removed", last)), "供应商", "the role the change takes away")
	browsertest.Contains(t, browsertest.Text(t, ctx, fmt.Sprintf("#proposal-%d-added", last)), "物流", "the role the change adds")
	browsertest.Contains(t, browsertest.Text(t, ctx, fmt.Sprintf("#proposal-%d", last)), "砀山县梨都果品专业合作社", "the organisation by name")
	browsertest.SignOut(t, ctx)
	// A bundle for an application that is not approved is refused.
	req, _ = http.NewRequest(http.MethodGet, base+"/v1/applications/SQ0000000000/bundle", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("bundle of an unknown application: %v %v", resp, err)
	}
}

func getReq(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d\n%s", req.URL, resp.StatusCode, b)
	}
	return string(b)
}
