package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
)

// TestGovAddsAnOfflineValidatorSafely adds a validator whose node never
// runs to a live dev chain through the governance commands: the rules
// refuse it at a power that would stop the chain, the commands warn and
// wait for --yes, and once the change passes at an allowed power the chain
// keeps committing without the new validator.
func TestGovAddsAnOfflineValidatorSafely(t *testing.T) {
	d, home := nodetest.Dev(t)
	url := d.GatewayURL
	keys := filepath.Join(home, "keys")
	govKeys = keys

	// The new member's validator home: its genesis is the chain's.
	newHome := filepath.Join(t.TempDir(), "coop-node")
	if _, err := node.InitHome(newHome, node.InitOptions{Moniker: "coop-node", Org: "coop", Ports: node.Ports{P2P: 26656, RPC: 26657, Gateway: 8080}, Protection: keyfile.DevProtection()}); err != nil {
		t.Fatal(err)
	}
	g, err := os.ReadFile(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(node.GenesisFile(newHome), g, 0o644); err != nil {
		t.Fatal(err)
	}
	possession := func(power string) string {
		out, errOut, code := run(t, "gov", "possession", "--home", newHome, "--org", "coop", "--power", power)
		if code != 0 {
			t.Fatalf("possession: %s", errOut)
		}
		var v identity.Validator
		if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Proof) != 64 {
			t.Fatalf("possession printed %s (%v)", out, err)
		}
		return `{"kind":"set_validator","org_id":"coop","validator":` + out + `}`
	}

	waitHeight(t, url, 2)
	// Power 10 beside the dev chain's one validator at 10: refused.
	out, errOut, code := run(t, "gov", "propose", "--node", url, "--key", devnet.KeyFile(keys, "regulator"), possession("10"))
	if code != 1 || !strings.Contains(out, "refused by the chain's rules") || !strings.Contains(errOut, "the chain would refuse this proposal") {
		t.Fatalf("propose at 10: exit %d\n%s\n%s", code, out, errOut)
	}
	// The preview checks the whole proposal as the chain would, not only
	// its effect on the validators.
	for _, bad := range []struct{ body, want string }{
		{`{"kind":"bogus"}`, "is not one of"},
		{`{}`, "is not one of"},
		{`{"kind":"upgrade","upgrade":{"name":"v0","version":2,"height":5}}`, "too close"},
		{`{"kind":"add_org"}`, "needs \"org\""},
	} {
		out, errOut, code := run(t, "gov", "preview", "--node", url, "--key", devnet.KeyFile(keys, "coop"), bad.body)
		if code != 1 || !strings.Contains(out, "refused by the chain's rules") || !strings.Contains(errOut, bad.want) {
			t.Errorf("preview %s: exit %d\n%s\n%s", bad.body, code, out, errOut)
		}
	}
	body := possession("3")
	out, _, code = run(t, "gov", "preview", "--node", url, "--key", devnet.KeyFile(keys, "coop"), body)
	if code != 0 || !strings.Contains(out, "NOT signing") || !strings.Contains(out, "no_fault_tolerance") {
		t.Fatalf("preview: exit %d\n%s", code, out)
	}
	// A warning stops the proposal until --yes.
	if _, errOut, code = run(t, "gov", "propose", "--node", url, "--key", devnet.KeyFile(keys, "regulator"), body); code != 1 || !strings.Contains(errOut, "nothing was sent") {
		t.Fatalf("propose without --yes: exit %d\n%s", code, errOut)
	}
	if out, errOut, code = run(t, "gov", "propose", "--node", url, "--key", devnet.KeyFile(keys, "regulator"), "--yes", body); code != 0 || !strings.Contains(out, "proposed in tx") || !strings.Contains(out, "proposal 1; the members vote with: dengta gov vote --key KEY --proposal 1 --approve") {
		t.Fatalf("propose --yes: exit %d\n%s\n%s", code, out, errOut)
	}
	// Proposals are members' data: the CLI says how to read them.
	if _, errOut, code = run(t, "query", "--node", url, "proposals"); code != 1 || !strings.Contains(errOut, "Try: this is members' data: add --key") {
		t.Fatalf("query proposals without a key: exit %d\n%s", code, errOut)
	}
	if out, errOut, code = run(t, "query", "--node", url, "--key", devnet.KeyFile(keys, "bank"), "proposal", "1"); code != 0 || !strings.Contains(out, `"kind": "set_validator"`) {
		t.Fatalf("query proposal 1 as the bank: exit %d\n%s\n%s", code, out, errOut)
	}
	// Every other member approves; the proposal passes when more than two
	// thirds have.
	orgs, err := os.ReadDir(keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range orgs {
		org, ok := strings.CutSuffix(f.Name(), "-admin.json")
		if !ok || org == "regulator" {
			continue
		}
		var p identity.Proposal
		if err := clientGet(url, "/v1/proposals/1", &p); err != nil {
			t.Fatal(err)
		}
		if p.Status != identity.StatusVoting {
			break
		}
		if out, errOut, code = run(t, "gov", "vote", "--node", url, "--key", devnet.KeyFile(keys, org), "--proposal", "1", "--approve", "--yes"); code != 0 {
			t.Fatalf("vote %s: exit %d\n%s\n%s", org, code, out, errOut)
		}
	}
	var p identity.Proposal
	if err := clientGet(url, "/v1/proposals/1", &p); err != nil || p.Status != identity.StatusPassed {
		t.Fatalf("proposal = %+v, %v", p, err)
	}
	// The chain goes on without the new validator's node: 10 of 13 power
	// is more than two thirds.
	waitHeight(t, url, height(context.Background(), cli.Client(url))+3)
	var vals struct {
		Validators []struct {
			Org   string `json:"org"`
			Power int64  `json:"power"`
		} `json:"validators"`
	}
	if err := clientGet(url, "/v1/validators", &vals); err != nil || len(vals.Validators) != 2 {
		t.Fatalf("validators = %+v, %v", vals, err)
	}

	// A key file with a passphrase of its own opens with --passphrase-file,
	// on the governance commands as on every command that takes --key.
	own := filepath.Join(t.TempDir(), "regulator.json")
	b, err := os.ReadFile(devnet.KeyFile(keys, "regulator"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(own, b, 0o600); err != nil {
		t.Fatal(err)
	}
	pf := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pf, []byte("regulator's own passphrase\n"), 0o600)
	if _, errOut, code := run(t, "keys", "passphrase", "--new-passphrase-file", pf, own); code != 0 {
		t.Fatalf("keys passphrase: %s", errOut)
	}
	body = `{"kind":"set_roles","org_id":"coop","roles":["producer"]}`
	if _, errOut, code := run(t, "gov", "preview", "--node", url, "--key", own, body); code == 0 || !strings.Contains(errOut, "passphrase") {
		t.Fatalf("preview with an encrypted key and no passphrase: exit %d: %s", code, errOut)
	}
	out, errOut, code = run(t, "gov", "preview", "--node", url, "--key", own, "--passphrase-file", pf, body)
	if code != 0 || !strings.Contains(out, "roles of coop: added none; removed ") || !strings.Contains(out, "supplier") {
		t.Fatalf("preview with --passphrase-file: exit %d\n%s\n%s", code, out, errOut)
	}
}

// clientGet reads path as the regulator (proposals are for members).
func clientGet(base, path string, out any) error {
	c, _, err := cli.Signer(base, govKeys+"/regulator-admin.json")
	if err != nil {
		return err
	}
	return c.Get(context.Background(), path, out)
}

// govKeys is the dev home's key directory of the running test.
var govKeys string

// waitHeight waits for the chain to reach h, and fails the test if it
// stops short.
func waitHeight(t *testing.T, url string, h int64) {
	t.Helper()
	c := cli.Client(url)
	deadline := time.Now().Add(60 * time.Second)
	for got := height(context.Background(), c); got < h; got = height(context.Background(), c) {
		if time.Now().After(deadline) {
			t.Fatalf("the chain stopped at height %d, short of %d", got, h)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
