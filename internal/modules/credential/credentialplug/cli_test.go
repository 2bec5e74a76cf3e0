package credentialplug_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/modules/credential/catalog"
	"github.com/dengta-chain/dengta/internal/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/internal/node"
)

// run runs `dengta credential` with args.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	for _, c := range credentialplug.Module().CLI {
		if c.Name == "credential" {
			err := c.Run(context.Background(), args, &out, &errOut)
			return out.String() + errOut.String(), err
		}
	}
	t.Fatal("the module has no credential command")
	return "", nil
}

// TestCredentialCommands: a holder makes a key; the regulator issues a
// business licence to it; the holder presents two claims to the bank;
// the bank writes the evidence and verifies offline against the genesis
// file, then a presentation for another nonce fails the holder binding;
// after the regulator revokes it, fresh evidence fails the status check,
// and the evidence from before the revocation fails it too once older
// than the verifier's bound.
func TestCredentialCommands(t *testing.T) {
	f := demo(t)
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	if err := os.WriteFile(file("pass"), []byte("holder passphrase 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	regulator := devnet.KeyFile(filepath.Join(f.home, "keys"), "regulator")
	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, args...)
		if err != nil {
			t.Fatalf("dengta credential %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	out := must("holder-key", "--out", file("holder.jwe"), "--passphrase-file", file("pass"))
	if !strings.Contains(out, `"kty":"EC"`) || strings.Contains(out, `"d":`) {
		t.Fatalf("holder-key: %s", out)
	}
	out = must("issue", "--node", f.url, "--key", regulator, "--type", catalog.BusinessLicence,
		"--claims", `{"uscc":"91341321MA2T00004X","name":"砀山县梨都果业有限公司","entityType":"有限责任公司","legalRepresentative":"王秀兰","registeredCapital":"人民币伍佰万元","establishedDate":"2019-03-18","domicile":"安徽省宿州市砀山县"}`,
		"--holder", file("holder.jwe"), "--passphrase-file", file("pass"), "--out", file("licence.sd-jwt"))
	m := regexp.MustCompile(`credential ([0-9a-f]{64}) anchored`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("issue: %s", out)
	}
	hash := m[1]
	if out := must("show", "--node", f.url, hash); !strings.Contains(out, `"issuer": "regulator"`) {
		t.Fatalf("show: %s", out)
	}

	nonce, bank := strings.ToLower(rand.Text()), f.did("bank")
	must("present", "--credential", file("licence.sd-jwt"), "--holder-key", file("holder.jwe"), "--passphrase-file", file("pass"),
		"--disclose", "legalRepresentative,establishedDate", "--nonce", nonce, "--aud", bank, "--out", file("p.txt"))
	must("evidence", "--node", f.url, "--presentation", file("p.txt"), "--recognized-by", "bank", "--out", file("ev.json"))
	genesis := node.GenesisFile(f.home)
	verify := func(extra ...string) (string, error) {
		return run(t, append([]string{"verify", "--node", f.url, "--presentation", file("p.txt"), "--nonce", nonce, "--aud", bank,
			"--trust", genesis, "--recognized-by", "bank"}, extra...)...)
	}
	out, err := verify("--evidence", file("ev.json"))
	if err != nil || !strings.Contains(out, "\nverified") || strings.Contains(out, "FAIL") ||
		!strings.Contains(out, "王秀兰") || strings.Contains(out, "安徽省宿州市砀山县") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	for _, check := range []string{"signature", "issuer", "status", "schema", "expiry", "holder binding", "recognition"} {
		if !regexp.MustCompile(`(?m)^ok   ` + check + ` `).MatchString(out) {
			t.Fatalf("no passed %s check:\n%s", check, out)
		}
	}
	out, err = run(t, "verify", "--presentation", file("p.txt"), "--nonce", "another", "--aud", bank, "--trust", genesis, "--evidence", file("ev.json"))
	var ue *cli.UserError
	if !errors.As(err, &ue) || ue.Code != 1 || !strings.Contains(out, "FAIL holder binding") {
		t.Fatalf("another nonce: %v\n%s", err, out)
	}

	must("revoke", "--node", f.url, "--key", regulator, "--credential", file("licence.sd-jwt"), "--reason", "营业执照已注销")
	out, err = verify() // evidence fetched afresh
	if !errors.As(err, &ue) || ue.Code != 1 || !strings.Contains(out, "FAIL status          revoked") {
		t.Fatalf("after revocation: %v\n%s", err, out)
	}
	// The old evidence proves the status as of its height: a verifier
	// bounds its age.
	if out, err := verify("--evidence", file("ev.json"), "--status-max-age", "0"); err != nil {
		t.Fatalf("old evidence without a bound: %v\n%s", err, out)
	}
	out, err = verify("--evidence", file("ev.json"), "--status-max-age", "1ms")
	if err == nil || !strings.Contains(out, "fetch fresh evidence") {
		t.Fatalf("old evidence with a bound: %v\n%s", err, out)
	}

	if _, err := run(t, "present", "--credential", file("licence.sd-jwt"), "--holder-key", file("holder.jwe")); !errors.As(err, &ue) || ue.Hint == "" {
		t.Fatalf("present without a nonce: %v", err)
	}
}
