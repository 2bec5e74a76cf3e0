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
	"github.com/dengta-chain/dengta/internal/modules/trade/tradeplug"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/proof"
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

	_, err = run(t, "do", "--key", devnet.KeyFile(keys, "foodgroup"), "--node", gw)
	var ue *cli.UserError
	if !errors.As(err, &ue) || ue.Hint == "" {
		t.Fatalf("do without an action: %v", err)
	}
}
