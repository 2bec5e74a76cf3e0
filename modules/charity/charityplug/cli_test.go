package charityplug_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/charity/charityplug"
)

// TestCLI runs the story through `dengta charity`: registration, filing
// and approval, a donation with its receipt, a grant, a purchase with its
// invoice, the school's acceptance, the trail, its proof bundle checked
// offline (and refused once edited), the regulator's view and the IATI
// export.
func TestCLI(t *testing.T) {
	d, home := nodetest.Dev(t)
	ctx := context.Background()
	keys := filepath.Join(home, "keys")
	dir := t.TempDir()
	key := func(org string) string { return devnet.KeyFile(keys, org) }
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		for _, c := range charityplug.Module().CLI {
			if c.Name == "charity" {
				if args[0] != "verify" { // offline: no node
					args = append(args, "--node", d.GatewayURL)
				}
				if err := c.Run(ctx, args, &out, &errOut); err != nil {
					t.Fatalf("dengta charity %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
				}
				return out.String()
			}
		}
		t.Fatal("no charity command")
		return ""
	}
	idOf := func(out, prefix string) string {
		t.Helper()
		m := regexp.MustCompile(prefix + `[0-9]{8}-[0-9A-F]{20}`).FindString(out)
		if m == "" {
			t.Fatalf("no %s id in %q", prefix, out)
		}
		return m
	}
	s := newStory(t, d, home) // the registered charities' projects, approved
	out := run("file-project", "--key", key("charity"), "--title", "文具项目", "--summary", "文具套装", "--start", today(t, s), "--end", "2030-12-31",
		"--line", "supplies:文具套装:program:20,000.00", "--line", "admin:管理:management:1,000")
	project := idOf(out, "CP")
	run("approve", "--key", key("regulator"), "--project", project, "--filing", "CLI-1")
	out = run("donate", "--key", key("bank"), "--project", s.fund, "--line", "grants", "--amount", "100", "--channel", "alipay", "--donor", "110101199003071234", "--name", "李先生")
	receipt := idOf(out, "DN")
	rkey := regexp.MustCompile(`receipt key ([0-9a-f]{32})`).FindStringSubmatch(out)
	if rkey == nil || !strings.Contains(out, "/charity/receipts/"+receipt+"#k="+rkey[1]) {
		t.Fatalf("donate printed %q", out)
	}
	idOf(run("grant", "--key", key("foundation"), "--from", s.fund, "--line", "grants", "--to", project, "--to-line", "supplies", "--amount", "100.00", "--purpose", "资助"), "GT")
	disb := idOf(run("disburse", "--key", key("charity"), "--project", project, "--line", "supplies", "--amount", "60.00", "--payee", "market",
		"--beneficiary", "school", "--purpose", "文具 3 套", "--invoice", file("invoice.pdf", "发票 ¥60.00"), "--doc", file("delivery.pdf", "送货单")), "DB")
	run("accept", "--key", key("school"), "--disbursement", disb, "--doc", file("acceptance.pdf", "验收单"), "--note", "已入库")

	out = run("trail", receipt)
	for _, want := range []string{"¥100.00 passed to " + project, "¥60.00 paid to market", "accepted by school", "¥40.00 unspent in " + project, "paid out or distributed ¥60.00",
		"unspent ¥40.00 (¥40.00 of it passed on to other projects and unspent there, which their charities spend or refund; ¥0.00 unspent in " + s.fund + ")"} {
		if !strings.Contains(out, want) {
			t.Errorf("trail lacks %q:\n%s", want, out)
		}
	}
	bundle := filepath.Join(dir, "trail.json")
	run("prove", receipt, "--out", bundle)
	out = run("verify", bundle, "--trust", node.GenesisFile(home), "--donor", "110101199003071234", "--receipt-key", rkey[1])
	if !strings.Contains(out, "VERIFIED") || !strings.Contains(out, "✓ donor") {
		t.Fatalf("verify:\n%s", out)
	}
	// Another donor's identity: the hint is about the donor, not the bundle.
	var dout bytes.Buffer
	derr := charityplug.Module().CLI[0].Run(ctx, []string{"verify", bundle, "--trust", node.GenesisFile(home), "--donor", "110101199003079999", "--receipt-key", rkey[1]}, &dout, &dout)
	var due *cli.UserError
	if !errors.As(derr, &due) || !strings.Contains(dout.String(), "✗ donor") || !strings.Contains(due.Hint, "as on the donor's receipt") {
		t.Fatalf("verify with another donor: %v\n%s", derr, dout.String())
	}
	// An edited bundle is refused, naming the check.
	raw, _ := os.ReadFile(bundle)
	os.WriteFile(bundle, bytes.Replace(raw, []byte(`"amount_fen": 6000`), []byte(`"amount_fen": 9000`), 1), 0o644)
	var vout bytes.Buffer
	err := charityplug.Module().CLI[0].Run(ctx, []string{"verify", bundle, "--trust", node.GenesisFile(home)}, &vout, &vout)
	var ue *cli.UserError
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "verification FAILED: bundle:") || !strings.Contains(vout.String(), "✗ bundle") {
		t.Fatalf("an edited bundle: %v\n%s", err, vout.String())
	}

	out = run("oversight", "--key", key("regulator"))
	if !strings.Contains(out, "donated ¥100.00, disbursed ¥60.00") {
		t.Errorf("oversight:\n%s", out)
	}
	xml := filepath.Join(dir, "activity.xml")
	run("iati", project, "--out", xml)
	doc, _ := os.ReadFile(xml)
	if !bytes.Contains(doc, []byte(`<iati-activities version="2.03"`)) || !bytes.Contains(doc, []byte(`CLI-1`)) {
		t.Fatalf("iati:\n%s", doc)
	}
}
