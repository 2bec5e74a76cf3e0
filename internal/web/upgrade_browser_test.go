package web_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/identity"
)

// TestHallShowsUpgrade: once the members pass an upgrade proposal, the
// hall's dashboard announces it and the upgrade page shows the release,
// its height and that this node's software (the shipped release) must be
// replaced before it, in Chinese and English.
func TestHallShowsUpgrade(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	c := client.New(base)
	bg := context.Background()
	key := func(org string) *client.Key {
		k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/upgrade"), chromedp.WaitVisible("#upgrade-none", chromedp.ByQuery))

	h := d.App.Store().Version() + identity.DefaultUpgradeMarginBlocks + 50
	plan := identity.UpgradePlan{Name: "v1.9.0", Version: 2, Height: h, Info: "https://example.org/dengta/v1.9.0 sha256 0f3a"}
	orgs := devnet.Demo
	if _, _, err := client.Send(bg, c, key(orgs[0].ID), identity.Propose, identity.ProposeBody{Kind: identity.KindUpgrade, Upgrade: &plan, Reason: "SM2 batch verification"}); err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs[1:] {
		if s, err := d.App.ScheduledUpgrade(); err != nil || s != nil {
			break
		}
		if _, _, err := client.Send(bg, c, key(o.ID), identity.CastVote, identity.VoteBody{ProposalID: 1, Approve: true}); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := d.App.ScheduledUpgrade(); err != nil || s == nil {
		t.Fatalf("the upgrade is not scheduled: %v", err)
	}

	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall"), chromedp.WaitVisible("#upgrade-banner", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#upgrade-banner"), "自区块高度 "+strconv.FormatInt(h, 10)+" 起链运行应用版本 2（v1.9.0）", "the dashboard's upgrade banner")
	browsertest.Run(t, ctx, chromedp.Click("#upgrade-banner a", chromedp.ByQuery), chromedp.WaitVisible("#upgrade-scheduled", chromedp.ByQuery))
	got := browsertest.Text(t, ctx, "#upgrade-scheduled")
	browsertest.Contains(t, got, "自区块高度 "+strconv.FormatInt(h, 10)+" 起，链升级到应用版本 2（软件版本 v1.9.0）", "the scheduled upgrade")
	browsertest.Contains(t, got, "请运维人员在该高度之前安装 v1.9.0", "what the operator must do")
	browsertest.Contains(t, got, "联盟已决定（提案 1）", "the proposal")
	browsertest.Screenshot(t, ctx, "hall-upgrade")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/upgrade?lang=en"), chromedp.WaitVisible("#upgrade-scheduled", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#upgrade-scheduled"), "must install v1.9.0 before that height", "the English page")
}
