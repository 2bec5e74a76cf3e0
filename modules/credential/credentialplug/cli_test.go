package credentialplug_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
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
	// Without a terminal, the passphrase comes from $DENGTA_PASSPHRASE,
	// as its help and its error say (it once read only the variable
	// for changing a passphrase).
	t.Setenv(keyfile.EnvPassphrase, "holder passphrase 2")
	must("holder-key", "--out", file("holder2.jwe"))
	if _, err := credentialplug.ReadJWK(file("holder2.jwe"), keyfile.Fixed("holder passphrase 2")); err != nil {
		t.Fatalf("the key from $%s: %v", keyfile.EnvPassphrase, err)
	}
	os.Unsetenv(keyfile.EnvPassphrase)
	out = must("issue", "--node", f.url, "--key", regulator, "--type", catalog.BusinessLicence,
		"--claims", `{"uscc":"91341321MA2T00004G","name":"砀山县梨都果业有限公司","entityType":"有限责任公司","legalRepresentative":"王秀兰","registeredCapital":"人民币伍佰万元","establishedDate":"2019-03-18","domicile":"安徽省宿州市砀山县"}`,
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
	if _, err = run(t, "verify", "--presentation", file("p.txt"), "--trust", genesis, "--evidence", file("ev.json")); err == nil || !strings.Contains(err.Error(), "--nonce and --aud are required") {
		t.Fatalf("no nonce and audience: %v", err)
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

// TestResolveDID: the regulator's DID document and its proof bundles,
// written by "credential did --prove", resolve offline against the
// genesis file to the same document; without one key's bundle, or with a
// bundle altered, they do not.
func TestResolveDID(t *testing.T) {
	f := demo(t)
	dir := t.TempDir()
	out, err := run(t, "did", "--node", f.url, "regulator", "--prove", dir)
	if err != nil {
		t.Fatalf("did: %v\n%s", err, out)
	}
	var view struct {
		Document json.RawMessage `json:"did_document"`
		Keys     []struct {
			Kid     string `json:"kid"`
			Revoked int64  `json:"revoked"`
		} `json:"keys"`
	}
	if err := json.Unmarshal([]byte(out[:strings.LastIndex(out, "}\n")+1]), &view); err != nil {
		t.Fatalf("did output: %v\n%s", err, out)
	}
	if len(view.Keys) == 0 {
		t.Fatalf("the demo regulator has no key: %s", out)
	}
	genesis, did := node.GenesisFile(f.home), f.did("regulator")
	out, err = run(t, "resolve", did, "--proofs", dir, "--trust", genesis)
	if err != nil {
		t.Fatalf("resolve: %v\n%s", err, out)
	}
	var res struct {
		DID      string          `json:"did"`
		Document json.RawMessage `json:"did_document"`
		Active   bool            `json:"active"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("resolve output: %v\n%s", err, out)
	}
	var got, want any
	json.Unmarshal(res.Document, &got)
	json.Unmarshal(view.Document, &want)
	if res.DID != did || !res.Active || !reflect.DeepEqual(got, want) {
		t.Fatalf("resolved %s (active %v):\n%s\nthe node's document:\n%s", res.DID, res.Active, res.Document, view.Document)
	}
	if !strings.Contains(string(res.Document), view.Keys[0].Kid) {
		t.Fatalf("the document lacks key %s: %s", view.Keys[0].Kid, res.Document)
	}

	// One active key's bundle left out: the proven count gives it away.
	var active string
	for _, k := range view.Keys {
		if k.Revoked == 0 {
			active = k.Kid
		}
	}
	if active == "" {
		t.Fatal("no active key")
	}
	keyFile := filepath.Join(dir, "credential_key_regulator_"+active+".json")
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "resolve", did, "--proofs", dir, "--trust", genesis); err == nil || !strings.Contains(out+err.Error(), "some are missing") {
		t.Fatalf("without a key's bundle: %v\n%s", err, out)
	}
	// The key's bundle altered: its proof fails.
	altered := bytes.Replace(raw, []byte(active[:8]), []byte("AAAAAAAA"), 1)
	if bytes.Equal(altered, raw) {
		t.Fatal("nothing altered")
	}
	if err := os.WriteFile(keyFile, altered, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "resolve", did, "--proofs", dir, "--trust", genesis); err == nil || !strings.Contains(out+err.Error(), "does not resolve") {
		t.Fatalf("with an altered bundle: %v\n%s", err, out)
	}
	// Another DID than the bundles'.
	if err := os.WriteFile(keyFile, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "resolve", f.did("bank"), "--proofs", dir, "--trust", genesis); err == nil || !strings.Contains(out+err.Error(), "organisation record of bank") {
		t.Fatalf("another DID: %v\n%s", err, out)
	}
}
