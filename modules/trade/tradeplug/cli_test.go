package tradeplug_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
	"github.com/dengta-chain/dengta/proof"
)

// run runs `dengta trade` with args.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	for _, c := range tradeplug.Module().CLI {
		if c.Name == "trade" {
			err := c.Run(context.Background(), args, &out, &errOut)
			return out.String() + errOut.String(), err
		}
	}
	t.Fatal("the module has no trade command")
	return "", nil
}

// TestTradeCommands: the supermarket accepts the bill offered to it,
// endorses it in blank to the food group, which accepts it with the
// generic command and surrenders it once; the bill's proof bundles are
// written as files that verify offline.
func TestTradeCommands(t *testing.T) {
	_, home, gw := demoNodeURL(t)
	keys := filepath.Join(home, "keys")
	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, append(args, "--node", gw)...)
		if err != nil {
			t.Fatalf("dengta trade %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	must("accept", "--key", devnet.KeyFile(keys, "market"), "--ref", "WYCL2026000002")
	must("transfer", "--key", devnet.KeyFile(keys, "market"), "--ref", "WYCL2026000002", "--to", "foodgroup", "--endorsement", "blank")
	out := must("do", "--key", devnet.KeyFile(keys, "foodgroup"), "--action", "accept_ebl", "--body", `{"ref":"WYCL2026000002"}`)
	if !strings.Contains(out, `"controller": "foodgroup"`) {
		t.Fatalf("accept: %s", out)
	}
	must("surrender", "--key", devnet.KeyFile(keys, "foodgroup"), "--ref", "WYCL2026000002")
	out, err := run(t, "surrender", "--key", devnet.KeyFile(keys, "foodgroup"), "--ref", "WYCL2026000002", "--node", gw)
	if !client.IsCode(err, "conflict") {
		t.Fatalf("second surrender: %v\n%s", err, out)
	}

	dir := t.TempDir()
	out = must("ebl", "--key", devnet.KeyFile(keys, "foodgroup"), "WYCL2026000002", "--prove", dir)
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 8 { // the eBL, its 6 steps (issued, offered and accepted twice, surrendered) and its surrender
		t.Fatalf("%d bundle files: %v\n%s", len(files), files, out)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := proof.Verify(raw, trust); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}

	// The lists, searched and paged.
	for _, tc := range []struct {
		args      []string
		has, hasn []string
	}{
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "foodgroup")}, []string{"WYCL2026000001  issued", "controller foodgroup"}, []string{"WYCL2026000002", "more:"}},
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "logistics"), "--limit", "1"}, []string{"WYCL2026000001", "more: --after WYCL2026000001"}, []string{"WYCL2026000002"}},
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "logistics"), "--limit", "1", "--after", "WYCL2026000001"}, []string{"WYCL2026000002  surrendered"}, []string{"WYCL2026000001", "more:"}},
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "logistics"), "--in", "controlled", "--q", "待放货"}, []string{"WYCL2026000002"}, []string{"WYCL2026000001"}},
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "regulator"), "--org", "coop", "--q", "nothing like it"}, []string{"no eBLs"}, []string{"WYCL"}},
		{[]string{"credits", "--key", devnet.KeyFile(keys, "coop"), "--q", "usd"}, []string{"LC-JH-2026-0001  beneficiary", "USD 98,000.00, drawn USD 97,200.00"}, []string{"more:"}},
		{[]string{"credits", "--key", devnet.KeyFile(keys, "coop"), "--q", "eur"}, []string{"no credits"}, []string{"LC-JH"}},
		{[]string{"customs", "--key", devnet.KeyFile(keys, "regulator"), "--limit", "1"}, []string{"bills by status: issued 1, surrendered 1", "credits in USD: 1", "WYCL2026000001", "more: --after WYCL2026000001"}, []string{"WYCL2026000002"}},
	} {
		out := must(tc.args...)
		for _, w := range tc.has {
			if !strings.Contains(out, w) {
				t.Errorf("dengta trade %s: no %q in\n%s", strings.Join(tc.args, " "), w, out)
			}
		}
		for _, w := range tc.hasn {
			if strings.Contains(out, w) {
				t.Errorf("dengta trade %s: %q in\n%s", strings.Join(tc.args, " "), w, out)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		code string
	}{
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "market"), "--org", "coop"}, "unauthorized"},
		{[]string{"customs", "--key", devnet.KeyFile(keys, "coop")}, "unauthorized"},
		{[]string{"ebls", "--key", devnet.KeyFile(keys, "coop"), "--after", "not a ref!"}, "bad_request"},
		{[]string{"credits", "--key", devnet.KeyFile(keys, "coop"), "--limit", "101"}, "bad_request"},
	} {
		if out, err := run(t, append(tc.args, "--node", gw)...); !client.IsCode(err, tc.code) {
			t.Errorf("dengta trade %s: %v, want %s\n%s", strings.Join(tc.args, " "), err, tc.code, out)
		}
	}

	_, err = run(t, "do", "--key", devnet.KeyFile(keys, "foodgroup"), "--node", gw)
	var ue *cli.UserError
	if !errors.As(err, &ue) || ue.Hint == "" {
		t.Fatalf("do without an action: %v", err)
	}
}
