package datashareplug_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
)

// runCLI runs `dengta datashare` with args and returns what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	for _, c := range datashareplug.Module().CLI {
		if c.Name == "datashare" {
			var out, errOut bytes.Buffer
			err := c.Run(context.Background(), args, &out, &errOut)
			return out.String() + errOut.String(), err
		}
	}
	t.Fatal("the module has no datashare command")
	return "", nil
}

// TestCLIReferral: hospa registers a patient's lab result from a file
// and shares it with hospb from the command line; after the patient's
// consent hospb fetches it to a file, byte for byte; the audit trail
// lists the access; after hospa revokes, hospb's fetch is refused.
func TestCLIReferral(t *testing.T) {
	s := newDevStory(t)
	node := s.d.GatewayURL
	keys := filepath.Join(s.home, "keys")
	ka, kb := devnet.KeyFile(keys, "hospa"), devnet.KeyFile(keys, "hospb")
	p := s.admit("周建国", "340102197511230019", "CLI-TEST-CODE-0001")
	dir := t.TempDir()
	content := []byte("检验报告 2026-03-02 糖化血红蛋白 7.9%（偏高）")
	src := filepath.Join(dir, "检验报告.txt")
	must(t, os.WriteFile(src, content, 0o600))

	out, err := runCLI(t, "register", "--node", node, "--key", ka, "--subject", p.ID, "--type", datashareapi.TypeLab, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	rec := regexp.MustCompile(`record (DR[0-9A-F-]+) registered`).FindStringSubmatch(out)
	if rec == nil {
		t.Fatalf("register printed %q", out)
	}
	// A last day already past is refused before anything is signed.
	if out, err = runCLI(t, "share", "--node", node, "--key", ka, "--grantee", "hospb", "--purpose", datashareapi.PurposeTreat, "--subject", p.ID, "--until", "2020-01-01"); err == nil || !strings.Contains(err.Error(), "is past") {
		t.Fatalf("share --until 2020-01-01: %v\n%s", err, out)
	}
	out, err = runCLI(t, "share", "--node", node, "--key", ka, "--grantee", "hospb", "--purpose", datashareapi.PurposeTreat, "--subject", p.ID)
	if err != nil || !strings.Contains(out, "proposed") {
		t.Fatalf("%v\n%s", err, out)
	}
	g := regexp.MustCompile(`grant (DG[0-9A-F-]+)`).FindStringSubmatch(out)[1]
	got := filepath.Join(dir, "fetched.txt")
	if out, err = runCLI(t, "fetch", "--node", node, "--key", kb, "--grant", g, "--out", got, rec[1]); !client.IsCode(err, "unauthorized") {
		t.Fatalf("fetch before consent: %v\n%s", err, out)
	}
	chainID, err := s.c.ChainID(s.ctx)
	must(t, err)
	st, err := datashareplug.SignStatement(chainID, s.patientKey(p.ID, "CLI-TEST-CODE-0001"), datashareapi.ActApprove, g, p.ID, time.Now())
	must(t, err)
	_, err = datashareplug.RelayStatement(s.ctx, s.c, st)
	must(t, err)
	if out, err = runCLI(t, "fetch", "--node", node, "--key", kb, "--grant", g, "--out", got, rec[1]); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, err := os.ReadFile(got)
	must(t, err)
	if !bytes.Equal(b, content) {
		t.Fatalf("fetched %q", b)
	}
	out, err = runCLI(t, "grants", "--node", node, "--key", kb, "--grantee", "hospb")
	if err != nil || !strings.Contains(out, g) || !strings.Contains(out, "active") {
		t.Fatalf("%v\n%s", err, out)
	}
	// The grants found by the owner's English name and by state; none by
	// a text nothing has; a cursor of another list is refused.
	for _, q := range []string{"DANGSHAN county people", "active"} {
		if out, err = runCLI(t, "grants", "--node", node, "--key", kb, "--grantee", "hospb", "--q", q, "--limit", "1"); err != nil || !strings.Contains(out, g) {
			t.Fatalf("grants --q %q: %v\n%s", q, err, out)
		}
	}
	if out, err = runCLI(t, "grants", "--node", node, "--key", kb, "--grantee", "hospb", "--q", "没有这个授权"); err != nil || !strings.Contains(out, "no grants") {
		t.Fatalf("grants found by a text nothing has: %v\n%s", err, out)
	}
	if out, err = runCLI(t, "grants", "--node", node, "--key", kb, "--grantee", "hospb", "--after", rec[1]); !client.IsCode(err, "bad_request") {
		t.Fatalf("grants after a record's number: %v\n%s", err, out)
	}
	out, err = runCLI(t, "consent", "--node", node, "--key", ka, g)
	if err != nil || !strings.Contains(out, `"resourceType": "Consent"`) {
		t.Fatalf("%v\n%s", err, out)
	}
	s.waitAudit(p.ID, 2)
	out, err = runCLI(t, "audit", "--node", node, "--key", ka, "--subject", p.ID)
	if err != nil || !strings.Contains(out, "hospb refused") || !strings.Contains(out, "hospb served fetch of hospa's "+rec[1]+" under "+g) || !strings.Contains(out, "2 accesses") {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err = runCLI(t, "revoke", "--node", node, "--key", ka, "--reason", "转诊结束", g); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err = runCLI(t, "fetch", "--node", node, "--key", kb, "--grant", g, "--out", got, rec[1]); !client.IsCode(err, "unauthorized") || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("fetch after revocation: %v\n%s", err, out)
	}
	if out, err = runCLI(t, "register", "--node", node, "--key", ka, "--type", datashareapi.TypeLab, src); err == nil || !strings.Contains(err.Error(), "--subject") {
		t.Fatalf("register without a patient or device: %v\n%s", err, out)
	}
}
