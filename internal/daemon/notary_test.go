package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/batch"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/proof"
)

// TestNotaryEndToEnd preserves files through a real node with the SDK and
// checks their certificates offline against the genesis, as a judge would.
func TestNotaryEndToEnd(t *testing.T) {
	d, home := startDev(t)
	ctx := context.Background()
	c := client.New(d.GatewayURL)
	key, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "coop"))
	if err != nil {
		t.Fatal(err)
	}
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}

	// One file, uploaded and deposited.
	dir := t.TempDir()
	file := filepath.Join(dir, "合同.txt")
	content := []byte("砀山酥梨购销合同：甲方向乙方供应酥梨 10 吨，单价每公斤 6 元。")
	os.WriteFile(file, content, 0o644)
	res, err := c.FileDeposit(ctx, key, file, client.Deposit{EvidenceType: "contract", Description: "购销合同"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Existing || !strings.HasPrefix(res.EvidenceID, "EV") {
		t.Fatalf("deposit = %+v", res)
	}
	again, err := c.FileDeposit(ctx, key, file, client.Deposit{EvidenceType: "contract"}, true)
	if err != nil || !again.Existing || again.EvidenceID != res.EvidenceID {
		t.Fatalf("second deposit = %+v, %v", again, err)
	}
	cert, err := c.Certificate(ctx, res.EvidenceID)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := proof.VerifyFile(cert, trust, bytes.NewReader(content)); err != nil || !rep.OK {
		t.Fatalf("certificate with the file: %v", err)
	}
	if _, err := proof.VerifyFile(cert, trust, bytes.NewReader(append(content, ' '))); err == nil {
		t.Fatal("certificate accepts an altered file")
	}

	// A batch of 1,000 items in one transaction; items' certificates verify.
	items := make([]client.BatchItem, 1000)
	contents := make([][]byte, len(items))
	for i := range items {
		contents[i] = []byte(fmt.Sprintf("scan %04d of invoice batch 7", i))
		items[i] = client.BatchItem{Name: fmt.Sprintf("invoice-%04d.pdf", i), MediaType: "application/pdf"}
		items[i].SHA256, items[i].SM3, items[i].Size = hashes(t, contents[i])
	}
	br, err := c.BatchDeposit(ctx, key, items, "invoices 2026-11")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 499, 998, 999} {
		cert, err := c.BatchItemCertificate(ctx, br.Receipts[i])
		if err != nil {
			t.Fatal(err)
		}
		rep, err := proof.VerifyFile(cert, trust, bytes.NewReader(contents[i]))
		if err != nil || rep.Batch == nil || rep.Batch.Index != uint64(i) {
			t.Fatalf("batch item %d: %v", i, err)
		}
		if _, err := proof.VerifyFile(cert, trust, bytes.NewReader(contents[(i+1)%len(contents)])); err == nil {
			t.Fatalf("batch item %d's certificate accepts another item's file", i)
		}
	}

	// The public verify API, by hash and by upload; a batch item with its
	// certificate.
	var vr struct {
		File    *client.BlobInfo `json:"file"`
		Records []struct {
			Verified bool `json:"verified"`
			Evidence struct {
				ID string `json:"id"`
			} `json:"evidence"`
		} `json:"records"`
		Certificate *struct {
			OK bool `json:"ok"`
		} `json:"certificate"`
	}
	sha, _, _ := hashes(t, content)
	if err := c.Get(ctx, "/v1/notary/verify?sha256="+sha, &vr); err != nil || len(vr.Records) != 1 || !vr.Records[0].Verified || vr.Records[0].Evidence.ID != res.EvidenceID {
		t.Fatalf("verify by hash: %+v, %v", vr, err)
	}
	upload := func(fields map[string][]byte) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for name, b := range fields {
			fw, _ := mw.CreateFormFile(name, name)
			fw.Write(b)
		}
		mw.Close()
		resp, err := http.Post(d.GatewayURL+"/v1/notary/verify", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		vr.Records, vr.Certificate = nil, nil
		if err := json.NewDecoder(resp.Body).Decode(&vr); err != nil || resp.StatusCode != 200 {
			t.Fatalf("verify upload: %d %v", resp.StatusCode, err)
		}
	}
	upload(map[string][]byte{"file": content})
	if len(vr.Records) != 1 || !vr.Records[0].Verified || vr.File.SHA256 != sha {
		t.Fatalf("verify upload: %+v", vr)
	}
	itemCert, _ := c.BatchItemCertificate(ctx, br.Receipts[7])
	upload(map[string][]byte{"file": contents[7], "certificate": itemCert})
	if vr.Certificate == nil || !vr.Certificate.OK {
		t.Fatalf("verify batch item upload: %+v", vr)
	}
	upload(map[string][]byte{"file": contents[8], "certificate": itemCert})
	if vr.Certificate == nil || vr.Certificate.OK {
		t.Fatalf("another item's file passes with item 7's certificate: %+v", vr)
	}

	// The public verify page finds the deposited file by upload.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "合同.txt")
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, d.GatewayURL+"/verify?lang=en", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "has not been altered") || !strings.Contains(string(page), res.EvidenceID) {
		t.Fatalf("verify page: %d\n%s", resp.StatusCode, page)
	}
	// The print view carries a QR code pointing at the verify page.
	resp, err = http.Get(d.GatewayURL + "/certificates/" + res.EvidenceID)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "<svg") || !strings.Contains(string(page), "/verify?id="+res.EvidenceID) {
		t.Fatalf("certificate page: %d", resp.StatusCode)
	}
}

func hashes(t *testing.T, b []byte) (string, string, int64) {
	t.Helper()
	sha, sm, n, err := batch.HashReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return sha, sm, n
}
