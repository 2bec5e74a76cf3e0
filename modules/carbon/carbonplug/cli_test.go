package carbonplug_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/carbonplug"
)

// TestCLI runs the registry through `dengta carbon`: the registry's
// totals, a transfer by serial range, a retirement, its certificate and
// proof bundle checked offline (and refused once edited), the account,
// the compliance view, a footprint as PACT data, and an action given as
// JSON.
func TestCLI(t *testing.T) {
	d, home := nodetest.Dev(t)
	s := newStory(t, d, home)
	_, batch := s.credits(t, 1_000)
	ctx := context.Background()
	key := func(org string) string { return devnet.KeyFile(filepath.Join(home, "keys"), org) }
	run := func(args ...string) (string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		if args[0] != "verify" {
			args = append(args, "--node", d.GatewayURL)
		}
		err := carbonplug.Module().CLI[0].Run(ctx, args, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("dengta carbon %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	out := must("registry")
	if !strings.Contains(out, "credit    issued 1,000 tCO2e: active 1,000") {
		t.Fatalf("registry:\n%s", out)
	}
	must("transfer", "--key", key("coop"), "--batch", batch, "--to", "foodgroup", "--ranges", "101-300", "--price", "55.50")
	// A price that is not an amount of yuan moves nothing (the account
	// below holds only 101-300): once, one beyond an int64 of fen was
	// recorded as a few fen, and "1.-5" as 0.95.
	for price, want := range map[string]string{"184467440737095517": "too large", "1.-5": "not a number", "-5": "not a number", "1.234": "more than 2 decimals"} {
		out, err := run("transfer", "--key", key("coop"), "--batch", batch, "--to", "foodgroup", "--ranges", "301-310", "--price", price)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("transfer at price %s: %v, want %q\n%s", price, err, want, out)
		}
	}
	out = must("retire", "--key", key("foodgroup"), "--batch", batch, "--quantity", "50", "--beneficiary", "皖北食品集团", "--purpose", "碳中和",
		"--year", fmt.Sprint(year(t, s)))
	id := regexp.MustCompile(`RT-[0-9]{8}`).FindString(out)
	if id == "" {
		t.Fatalf("retire printed %q", out)
	}
	bundle := filepath.Join(t.TempDir(), "rt.json")
	out = must("retirement", id, "--prove", bundle)
	if !strings.Contains(out, id+" retired: 50 tCO2e of "+batch+" #101-150") || !strings.Contains(out, "/carbon/retirements/"+id) {
		t.Fatalf("retirement:\n%s", out)
	}
	out = must("verify", bundle, "--trust", node.GenesisFile(home))
	if !strings.Contains(out, "ok   claim") || !strings.Contains(out, "verified against genesis") {
		t.Fatalf("verify:\n%s", out)
	}
	raw, _ := os.ReadFile(bundle)
	os.WriteFile(bundle, bytes.Replace(raw, []byte(`"closure": "`+id), []byte(`"closure": "RT-00000009`), 1), 0o644)
	out, err := run("verify", bundle, "--trust", node.GenesisFile(home))
	var ue *cli.UserError
	if !errors.As(err, &ue) || !strings.Contains(out, "FAIL integrity") {
		t.Fatalf("an edited bundle: %v\n%s", err, out)
	}
	out = must("account", "--key", key("foodgroup"))
	if !strings.Contains(out, batch) || !strings.Contains(out, "150") || !strings.Contains(out, "#151-300") {
		t.Fatalf("account:\n%s", out)
	}
	if out, err := run("account", "--key", key("market"), "--org", "foodgroup"); err == nil || !strings.Contains(err.Error(), "holder") {
		t.Fatalf("another's account: %v\n%s", err, out)
	}
	body := fmt.Sprintf(`{"year":%d,"report_due":"%d-01-31","surrender_due":"%d-06-30"}`, year(t, s)-1, year(t, s)+1, year(t, s)+1)
	must("do", "--key", key("regulator"), "--action", carbonapi.OpenCompliance.Name, "--body", body)
	must("do", "--key", key("regulator"), "--action", "allocate", "--body", fmt.Sprintf(`{"year":%d,"org":"logistics","quantity":700}`, year(t, s)-1))
	out = must("compliance", fmt.Sprint(year(t, s)-1), "--key", key("regulator"))
	if !strings.Contains(out, "logistics") || !strings.Contains(out, "awaiting_report") {
		t.Fatalf("compliance:\n%s", out)
	}
	if _, err := run("footprint", "6901234567892"); err == nil || !strings.Contains(err.Error(), "no carbon footprint") {
		t.Fatalf("no footprint yet: %v", err)
	}
}
