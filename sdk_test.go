package dengta_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
)

// sdkProgram is what a member's developer writes in their own module: it
// deposits a file with the typed SDK, fetches its certificate in the two
// ways the SDK offers, and verifies both offline against the genesis.
const sdkProgram = `package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/proof"
)

func main() {
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(nodeURL, keyFile, genesis string) error {
	ctx := context.Background()
	key, err := client.LoadKey(keyFile)
	if err != nil {
		return err
	}
	file := []byte("砀山酥梨购销合同：甲方向乙方供应酥梨 10 吨。")
	sha, sm3hex, size, err := batch.HashReader(bytes.NewReader(file))
	if err != nil {
		return err
	}
	if m := sm3.Sum(file); sm3hex != hex.EncodeToString(m[:]) {
		return fmt.Errorf("batch.HashReader's SM3 %s is not gmsm's", sm3hex)
	}
	c := client.New(nodeURL)
	res, rec, err := client.Send(ctx, c, key, notaryapi.Deposit, notaryapi.DepositBody{
		SHA256: sha, SM3: sm3hex, FileName: "合同.txt",
		Size: &size, MediaType: "text/plain", EvidenceType: "contract"})
	if err != nil {
		return fmt.Errorf("deposit: %w", err)
	}
	trust, err := proof.ParseTrust(genesis)
	if err != nil {
		return err
	}
	typed, err := client.Read(ctx, c, notaryapi.EvidenceCertificate, notaryapi.CertificateParams{ID: res.EvidenceID})
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	var raw json.RawMessage
	if err := c.Get(ctx, "/v1/notary/evidence/"+res.EvidenceID+"/certificate", &raw); err != nil {
		return fmt.Errorf("certificate by path: %w", err)
	}
	for _, cert := range [][]byte{*typed, raw} {
		rep, err := proof.VerifyFile(cert, trust, bytes.NewReader(file))
		if err != nil || !rep.OK {
			return fmt.Errorf("verify: %v", err)
		}
	}
	if _, err := proof.VerifyFile(raw, trust, bytes.NewReader(append(file, '!'))); err == nil {
		return fmt.Errorf("an altered file verified")
	}
	// Three invoices in one transaction: the tree's root on chain, and
	// the second invoice's certificate from the batch's and its receipt.
	var items []batch.Item
	for _, inv := range []string{"发票 001", "发票 002", "发票 003"} {
		items = append(items, batch.ItemForContent([]byte(inv), inv+".txt", "text/plain", ""))
	}
	tree, err := batch.Build(items)
	if err != nil {
		return err
	}
	br, _, err := client.Send(ctx, c, key, notaryapi.BatchDeposit, notaryapi.BatchBody{MerkleRoot: hex.EncodeToString(tree.Root()), Size: int64(tree.Size()), ItemFormat: notaryapi.ItemFormat})
	if err != nil {
		return fmt.Errorf("batch deposit: %w", err)
	}
	bc, err := client.Read(ctx, c, notaryapi.BatchCertificate, notaryapi.CertificateParams{ID: br.BatchID})
	if err != nil {
		return fmt.Errorf("batch certificate: %w", err)
	}
	bundle, err := proof.Parse(*bc)
	if err != nil {
		return err
	}
	receipt, err := tree.Receipt(1)
	if err != nil {
		return err
	}
	withItem, err := proof.WithInclusion(bundle, receipt)
	if err != nil {
		return err
	}
	itemCert, err := withItem.Marshal()
	if err != nil {
		return err
	}
	if rep, err := proof.VerifyFile(itemCert, trust, strings.NewReader("发票 002")); err != nil || !rep.OK {
		return fmt.Errorf("the second invoice's certificate: %v", err)
	}
	if _, err := proof.VerifyFile(itemCert, trust, strings.NewReader("发票 003")); err == nil {
		return fmt.Errorf("the second invoice's certificate verified the third invoice")
	}
	// Errors carry a hint in the language asked for.
	var ce *client.Error
	err = c.WithLanguage("zh-CN").Get(ctx, "/v1/orgs/no-such-org", nil)
	if !errors.As(err, &ce) || ce.Name != "not_found" || !strings.Contains(ce.Hint, "找不到") {
		return fmt.Errorf("a Chinese hint: %v (%+v)", err, ce)
	}
	fmt.Printf("verified %s committed at height %d\n", res.EvidenceID, rec.Height)
	return nil
}
`

// TestSDKFromAnotherModule builds a program in a module of its own that
// uses the SDK as the README shows (the client, a module's typed
// descriptors, the offline verifier), and runs it against a node: none of
// what it needs may sit under internal/.
func TestSDKFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program in another module; skipped with -short")
	}
	repoDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := "module example.com/erp\n\ngo 1.26\n\nrequire github.com/dengta-chain/dengta v0.0.0\n\nreplace github.com/dengta-chain/dengta => " + repoDir + "\n"
	sum, err := os.ReadFile(filepath.Join(repoDir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(goMod), "go.sum": sum, "main.go": []byte(sdkProgram)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-mod=mod", "-o", "erp", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("a program outside the repository does not build against the SDK: %v\n%s", err, out)
	}

	d, home := nodetest.Dev(t)
	out, err := exec.Command(filepath.Join(dir, "erp"), d.GatewayURL, devnet.KeyFile(filepath.Join(home, "keys"), "coop"), node.GenesisFile(home)).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "verified EV") {
		t.Fatalf("the program: %v\n%s", err, out)
	}
}
