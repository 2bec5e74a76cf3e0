package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// TestFarFuture runs the dev chain with the node's clock in June 2100
// (past 2038's 32-bit seconds and 74 years past its genesis): a binary
// built with CometBFT's clock_skew tag, whose one clock (block times,
// votes, the mempool, hall sessions, the gateway) $COMETBFT_CLOCK_SKEW
// moves. Blocks keep coming with times in 2100 and /healthz is happy;
// an organisation applies, the
// members admit it within the voting period, and its admin key signs;
// the hall signs in, shows the governance page and makes an API token
// that reads members' data. Nothing in the node has a date after which
// it stops (docs/operations.md, "Lifetimes").
func TestFarFuture(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a dev chain in 2100; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "dengta")
	start := time.Now()
	if out, err := exec.Command("go", "build", "-tags", "clock_skew", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags clock_skew: %v\n%s", err, out)
	}
	t.Logf("built %s with the clock_skew tag in %s", bin, time.Since(start).Round(time.Millisecond))
	target := time.Date(2100, 6, 1, 8, 0, 0, 0, time.UTC)
	skew := time.Until(target).Round(time.Hour)

	home := t.TempDir()
	base, ports := nettest.PickAddresses(t, 1)
	ip := "127.0.0." + strconv.Itoa(base)
	nodeURL := fmt.Sprintf("http://%s:%d", ip, ports.Gateway)
	env := append(cleanEnv(), "HOME="+home, "DENGTA_NODE="+nodeURL, keyfile.EnvPassphrase+"=far future lighthouse",
		fmt.Sprintf("COMETBFT_CLOCK_SKEW=%dh", int64(skew/time.Hour)))
	devLog := filepath.Join(t.TempDir(), "dev.log")
	// --empty: the demo stories date their records by the client
	// process's clock, which the skew does not move.
	dev := startLong(t, bin, env, t.TempDir(), devLog, "dev", "--empty", "--ip", ip,
		"--gateway-port", strconv.Itoa(ports.Gateway), "--rpc-port", strconv.Itoa(ports.RPC), "--p2p-port", strconv.Itoa(ports.P2P))
	defer dev.stop(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- dev log:\n%s", nettest.Tail(devLog, 60))
		}
	})
	if !dev.waitFor(t, "Dengta dev chain", 5*time.Minute) {
		t.Fatalf("dengta dev did not start:\n%s", nettest.Tail(devLog, 40))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := client.New(nodeURL)

	// Blocks keep coming, with times in 2100.
	type block struct {
		Height int64     `json:"height"`
		Time   time.Time `json:"time"`
	}
	var first block
	nettest.WaitFor(t, 60*time.Second, "the second block (the first has the genesis time)", func() bool {
		return c.Get(ctx, "/v1/blocks/latest", &first) == nil && first.Height >= 2
	})
	if first.Time.Year() != 2100 {
		t.Fatalf("latest block %d has time %s, want a time in 2100", first.Height, first.Time)
	}
	nettest.WaitFor(t, 60*time.Second, "three more blocks", func() bool {
		var b block
		return c.Get(ctx, "/v1/blocks/latest", &b) == nil && b.Height >= first.Height+3 && b.Time.After(first.Time)
	})
	if code := httpStatus(t, nodeURL+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz in 2100: %d", code)
	}

	// An organisation applies, the members admit it, its key signs.
	keys := filepath.Join(home, ".dengta", "dev", "keys")
	admin, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code := "91340000MA2T2100"
	check, _ := identity.USCCCheck(code + "0")
	code += "0" + string(check)
	sig, err := admin.Sign(identity.ApplicationMessage(st.ChainID, "centenary", code, admin.Public()))
	if err != nil {
		t.Fatal(err)
	}
	var applied gateway.ApplyResponse
	if err := c.PostJSON(ctx, "/v1/applications", gateway.ApplicationForm{OrgID: "centenary", Name: "百年老店有限公司", USCC: code,
		Roles: []role.Role{role.Producer}, AdminKey: admin.Public(), Possession: sig,
		Contact: gateway.Contact{Person: "王一百", Phone: "0557-2100210", Email: "ops@centenary.cn"}}, &applied); err != nil {
		t.Fatalf("apply in 2100: %v", err)
	}
	var app gateway.ApplicationView
	if err := c.Get(ctx, "/v1/applications/"+applied.Ref, &app); err != nil {
		t.Fatal(err)
	}
	if got := time.Unix(app.ExpiresUnix, 0).UTC().Year(); got != 2100 || app.Status != identity.AppPending {
		t.Fatalf("application in 2100: status %s, expires in %d", app.Status, got)
	}
	key := func(org string) *client.Key {
		k, _, err := tx.ReadKeyFile(devnet.KeyFile(keys, org))
		if err != nil {
			t.Fatalf("%s's key: %v", org, err)
		}
		return client.KeyFrom(k)
	}
	if _, _, err := client.Send(ctx, c, key("regulator"), identity.Propose, identity.ProposeBody{Kind: identity.KindAdmit, Application: applied.Ref}); err != nil {
		t.Fatalf("propose in 2100: %v", err)
	}
	if err := c.Get(ctx, "/v1/applications/"+applied.Ref, &app); err != nil {
		t.Fatal(err)
	}
	for _, o := range devnet.Demo[1:] {
		if _, _, err := client.Send(ctx, c, key(o.ID), identity.CastVote, identity.VoteBody{ProposalID: app.Proposal, Approve: true}); err != nil {
			if client.IsCode(err, "conflict") {
				break // passed already
			}
			t.Fatalf("vote of %s in 2100: %v", o.ID, err)
		}
	}
	if err := c.Get(ctx, "/v1/applications/"+applied.Ref, &app); err != nil || app.Status != identity.AppApproved {
		t.Fatalf("application after the votes: %s, %v", app.Status, err)
	}
	clerk, _ := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
	if _, _, err := client.Send(ctx, c, client.KeyFrom(admin), identity.RegisterKey, identity.RegisterKeyBody{PublicKey: clerk.Public(), Name: "clerk"}); err != nil {
		t.Fatalf("the admitted organisation signs in 2100: %v", err)
	}

	// The hall signs in and works.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	page := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%s", resp.Request.URL, resp.StatusCode, b)
		}
		return string(b)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	login := csrf.FindStringSubmatch(page(hc.Get(nodeURL + "/login")))
	if login == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	hall := page(hc.PostForm(nodeURL+"/login", url.Values{"csrf": {login[1]}, "user": {"coop-admin"}, "password": {devPassword}, "next": {"/hall"}}))
	if !strings.Contains(hall, "ul class=\"tiles\"") {
		t.Fatalf("signing in to the hall in 2100 did not reach the hall:\n%s", hall)
	}
	gov := page(hc.Get(nodeURL + "/hall/governance"))
	if !strings.Contains(gov, applied.Ref) {
		t.Fatalf("the governance page in 2100 does not list %s", applied.Ref)
	}
	session := csrf.FindStringSubmatch(gov)
	acct := page(hc.PostForm(nodeURL+"/hall/account/tokens", url.Values{"csrf": {session[1]}, "name": {"ERP 2100"}}))
	token := regexp.MustCompile(`dgt_[A-Za-z0-9_-]+`).FindString(acct)
	if token == "" {
		t.Fatalf("no API token made in 2100:\n%s", acct)
	}
	req, _ := http.NewRequest(http.MethodGet, nodeURL+"/v1/proposals", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reading with the API token in 2100: %v %v", resp, err)
	}
	var last block
	if err := c.Get(ctx, "/v1/blocks/latest", &last); err != nil {
		t.Fatal(err)
	}
	t.Logf("blocks %d-%d at %s-%s; application %s admitted; the hall signed in and made an API token",
		first.Height, last.Height, first.Time.Format(time.RFC3339), last.Time.Format(time.RFC3339), applied.Ref)
}

func httpStatus(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
