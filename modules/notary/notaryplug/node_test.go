package notaryplug_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/modules/notary/notaryplug"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/tx"
)

// TestNotaryEndToEnd preserves files through a real node with the SDK and
// checks their certificates offline against the genesis, as a judge would.
func TestNotaryEndToEnd(t *testing.T) {
	d, home := nodetest.Dev(t)
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
	res, _, err := notaryplug.FileDeposit(ctx, c, key, file, notaryapi.DepositBody{EvidenceType: "contract", Description: "购销合同"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Existing || !strings.HasPrefix(res.EvidenceID, "EV") {
		t.Fatalf("deposit = %+v", res)
	}
	again, _, err := notaryplug.FileDeposit(ctx, c, key, file, notaryapi.DepositBody{EvidenceType: "contract"}, true)
	if err != nil || !again.Existing || again.EvidenceID != res.EvidenceID {
		t.Fatalf("second deposit = %+v, %v", again, err)
	}
	certRaw, err := client.Read(ctx, c, notaryapi.EvidenceCertificate, notaryapi.CertificateParams{ID: res.EvidenceID})
	if err != nil {
		t.Fatal(err)
	}
	cert := []byte(*certRaw)
	if rep, err := proof.VerifyFile(cert, trust, bytes.NewReader(content)); err != nil || !rep.OK {
		t.Fatalf("certificate with the file: %v", err)
	}
	if _, err := proof.VerifyFile(cert, trust, bytes.NewReader(append(content, ' '))); err == nil {
		t.Fatal("certificate accepts an altered file")
	}

	// The printable certificate's QR code and link lead to the node's
	// public URL, whatever Host header the request carried.
	req, _ := http.NewRequest(http.MethodGet, d.GatewayURL+"/certificates/"+res.EvidenceID, nil)
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || bytes.Contains(page, []byte("evil.example")) || !bytes.Contains(page, []byte(d.GatewayURL+"/verify?id="+res.EvidenceID)) {
		t.Fatalf("certificate page with a forged Host: %d\n%s", resp.StatusCode, page)
	}

	// A batch of 1,000 items in one transaction; items' certificates verify.
	items := make([]batch.Item, 1000)
	contents := make([][]byte, len(items))
	for i := range items {
		contents[i] = []byte(fmt.Sprintf("scan %04d of invoice batch 7", i))
		items[i] = batch.Item{Name: fmt.Sprintf("invoice-%04d.pdf", i), MediaType: "application/pdf"}
		items[i].SHA256, items[i].SM3, items[i].Size = hashes(t, contents[i])
	}
	br, err := notaryplug.BatchDeposit(ctx, c, key, items, "invoices 2026-11")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 499, 998, 999} {
		cert, err := notaryplug.BatchItemCertificate(ctx, c, br.Receipts[i])
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
	sha, _, _ := hashes(t, content)
	byHash, err := client.Read(ctx, c, notaryapi.Verify, notaryapi.VerifyParams{SHA256: sha})
	if err != nil || len(byHash.Records) != 1 || !byHash.Records[0].Verified || byHash.Records[0].Evidence.Depositor.Org != "coop" {
		t.Fatalf("verify by hash: %+v, %v", byHash, err)
	}
	// Who holds only the file learns when and by whom it was preserved,
	// not the id that opens the whole record (ADR 0007).
	if b, _ := json.Marshal(byHash); byHash.Records[0].Evidence.ID != "" || strings.Contains(string(b), res.EvidenceID) || strings.Contains(string(b), "购销合同") {
		t.Fatalf("verify by hash shows the public the record's id or description: %s", b)
	}
	// Its depositor sees it whole.
	byHash, err = client.Read(ctx, c.As(key), notaryapi.Verify, notaryapi.VerifyParams{SHA256: sha})
	if err != nil || len(byHash.Records) != 1 || byHash.Records[0].Evidence.ID != res.EvidenceID || byHash.Records[0].Evidence.Description != "购销合同" {
		t.Fatalf("verify by hash as the depositor: %+v, %v", byHash, err)
	}
	// The members' search by hash redacts alike for a member that is
	// neither its depositor nor an overseer.
	court, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "court"))
	if err != nil {
		t.Fatal(err)
	}
	found, err := client.Read(ctx, c.As(court), notaryapi.FindEvidence, notaryapi.HashParams{SHA256: sha})
	if err != nil || len(found.Items) != 1 || found.Items[0].Depositor.Org != "coop" {
		t.Fatalf("find by hash as the court: %+v, %v", found, err)
	}
	if b, _ := json.Marshal(found); found.Items[0].ID != "" || strings.Contains(string(b), res.EvidenceID) || strings.Contains(string(b), "购销合同") || strings.Contains(string(b), "合同.txt") {
		t.Fatalf("find by hash shows another member the record's id, name or description: %s", b)
	}
	found, err = client.Read(ctx, c.As(key), notaryapi.FindEvidence, notaryapi.HashParams{SHA256: sha})
	if err != nil || len(found.Items) != 1 || found.Items[0].ID != res.EvidenceID || found.Items[0].Description != "购销合同" {
		t.Fatalf("find by hash as the depositor: %+v, %v", found, err)
	}
	works, err := client.Read(ctx, c, notaryapi.FindWorks, notaryapi.HashParams{SHA256: strings.Repeat("0", 64)})
	if err != nil || works.Items == nil || len(works.Items) != 0 {
		t.Fatalf("works of an unknown hash: %+v, %v", works, err)
	}
	var vr notaryapi.VerifyResponse
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
	itemCert, _ := notaryplug.BatchItemCertificate(ctx, c, br.Receipts[7])
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
	req, _ = http.NewRequest(http.MethodPost, d.GatewayURL+"/verify?lang=en", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "has not been altered") || !strings.Contains(string(page), "Dangshan Pear Growers") {
		t.Fatalf("verify page: %d\n%s", resp.StatusCode, page)
	}
	// Found by the file's hash on a public page, the record's id (and with
	// it the certificate), file name and description are its depositor's
	// to share (ADR 0007).
	for _, hidden := range []string{"购销合同", res.EvidenceID, "/certificates/", "合同.txt"} {
		if strings.Contains(string(page), hidden) {
			t.Fatalf("the public verify page shows %q of a record found by its file:\n%s", hidden, page)
		}
	}
	// The same by the hash typed in, in Chinese; by the id, which the
	// depositor hands out, the record shows whole.
	for q, want := range map[string][]string{sha: {"存证方", "存证编号、文件名称"}, res.EvidenceID: {"合同.txt", "/certificates/" + res.EvidenceID}} {
		resp, err = http.Get(d.GatewayURL + "/verify?q=" + q)
		if err != nil {
			t.Fatal(err)
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range want {
			if resp.StatusCode != 200 || !strings.Contains(string(page), w) {
				t.Fatalf("verify page for %s: %d, no %q\n%s", q, resp.StatusCode, w, page)
			}
		}
		if q == sha && (strings.Contains(string(page), res.EvidenceID) || strings.Contains(string(page), "购销合同")) {
			t.Fatalf("verify page by hash shows the id or description:\n%s", page)
		}
	}
	// What is neither an id nor a digest is said to be so, not looked up.
	for _, lang := range []string{"zh", "en"} {
		resp, err = http.Get(d.GatewayURL + "/verify?lang=" + lang + "&q=garbage")
		if err != nil {
			t.Fatal(err)
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		want := map[string]string{"zh": "“garbage”不是存证编号", "en": "“garbage” is neither an evidence id"}[lang]
		if !strings.Contains(string(page), want) || strings.Contains(string(page), `class="verdict ok"`) {
			t.Fatalf("verify page (%s) for garbage: no %q\n%s", lang, want, page)
		}
	}
	// An id typed in small letters is found.
	resp, err = http.Get(d.GatewayURL + "/verify?q=" + strings.ToLower(res.EvidenceID))
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "/certificates/"+res.EvidenceID) {
		t.Fatalf("verify page for the id in small letters:\n%s", page)
	}
	// A certificate that does not fit the file, or is not a certificate,
	// is explained in the page's language; the verifier's English stays
	// in the technical details.
	postPage := func(lang string, fields map[string][]byte) string {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, name := range []string{"file", "certificate"} {
			fw, _ := mw.CreateFormFile(name, name)
			fw.Write(fields[name])
		}
		mw.Close()
		resp, err := http.Post(d.GatewayURL+"/verify?lang="+lang, mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("verify upload page: %d\n%s", resp.StatusCode, b)
		}
		return string(b)
	}
	for _, tc := range []struct {
		lang, cert, file string
		want             []string
	}{
		{"zh", string(cert), "wrong!", []string{"核验未通过：文件哈希比对", "这不是证书所证明的那份文件"}},
		{"en", string(cert), "wrong!", []string{"Verification failed: File digests", "it is not the file the certificate proves"}},
		{"zh", "not json", string(content), []string{"核验未通过：证明文件", "上传的证书文件无法读取"}},
		{"en", "not json", string(content), []string{"Verification failed: Bundle", "The certificate file cannot be read"}},
	} {
		page := postPage(tc.lang, map[string][]byte{"file": []byte(tc.file), "certificate": []byte(tc.cert)})
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Fatalf("%s page, certificate %.10q: no %q\n%s", tc.lang, tc.cert, w, page)
			}
		}
		verdict := page[strings.Index(page, `class="verdict bad"`):]
		verdict = verdict[:strings.Index(verdict, "</section>")]
		if before, _, ok := strings.Cut(verdict, `<ul class="checks">`); ok && (strings.Contains(before, "the file (") || strings.Contains(before, "bundle is not valid JSON")) {
			t.Fatalf("%s page shows the verifier's English as the verdict:\n%s", tc.lang, before)
		}
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

// depositOrgs are the demo organisations allowed to deposit evidence.
var depositOrgs = []string{"coop", "logistics", "market", "foodgroup", "bank", "notary", "court"}

// BenchmarkNotaryDeposits measures single evidence deposits (a file's two
// 32-byte digests plus about 150 bytes of metadata) per second through a
// one-validator chain, signed with Ed25519, as BenchmarkSingleValidatorTPS.
func BenchmarkNotaryDeposits(b *testing.B) {
	d, home := nodetest.Dev(b)
	signers := nodetest.NewSigners(b, d, home, tx.AlgoEd25519, depositOrgs)
	nodetest.RunPresigned(b, d, signers, b.N, notaryapi.Name, notaryapi.Deposit.Name, func(i int) any {
		content := fmt.Appendf(nil, "bench evidence %d", i)
		it := batch.ItemForContent(content, "", "", "")
		return map[string]any{
			"sha256": it.SHA256, "sm3": it.SM3, "file_name": fmt.Sprintf("scan-%08d.pdf", i), "size": 184320 + i,
			"media_type": "application/pdf", "evidence_type": "invoice", "description": "增值税专用发票扫描件，供应链金融贸易背景材料",
		}
	})
}

// BenchmarkNotaryBatched measures batched deposits in records per second:
// for every 100,000 items the timed work is building the RFC 6962 tree,
// signing and submitting one batch_deposit and waiting for its commit.
// Item digests are computed before the timer (hashing files is the
// client's I/O, not the chain's).
func BenchmarkNotaryBatched(b *testing.B) {
	d, home := nodetest.Dev(b)
	signers := nodetest.NewSigners(b, d, home, tx.AlgoEd25519, depositOrgs[:1])
	const per = 100_000
	items := make([]batch.Item, b.N)
	for i := range items {
		items[i] = batch.ItemForContent(fmt.Appendf(nil, "bench item %d", i), fmt.Sprintf("photo-%08d.jpg", i), "image/jpeg", "")
	}
	b.ResetTimer()
	t0 := time.Now()
	for lo := 0; lo < len(items); lo += per {
		tree, err := batch.Build(items[lo:min(lo+per, len(items))])
		if err != nil {
			b.Fatal(err)
		}
		raw := signers[0].Sign(b, d.ChainID, notaryapi.Name, notaryapi.BatchDeposit.Name, map[string]any{
			"merkle_root": hex.EncodeToString(tree.Root()), "size": tree.Size(), "item_format": batch.ItemFormat,
		})
		nodetest.SubmitAll(b, d, [][][]byte{{raw}})
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
}

// TestHallDepositWithoutFile: a deposit sent with no file, or an empty
// one, says so in deposit terms and keeps what the clerk typed.
func TestHallDepositWithoutFile(t *testing.T) {
	d, _ := nodetest.DevHall(t, modules.Registry())
	hc, csrf := nodetest.SignIn(t, d.GatewayURL, "coop-admin")
	for _, file := range []*string{nil, new(string)} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", csrf)
		mw.WriteField("evidence_type", "invoice")
		mw.WriteField("description", "三月份增值税发票")
		if file != nil {
			fw, _ := mw.CreateFormFile("file", "空文件.pdf")
			fw.Write([]byte(*file))
		}
		mw.Close()
		resp, err := hc.Post(d.GatewayURL+"/hall/notary/deposit", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(page), "请选择要存证的文件") || strings.Contains(string(page), "要验证的文件") {
			t.Fatalf("deposit without a file (%v): %d\n%s", file != nil, resp.StatusCode, page)
		}
		if !strings.Contains(string(page), `value="三月份增值税发票"`) || !strings.Contains(string(page), `id="deposit"`) {
			t.Fatalf("the refused deposit form is not kept:\n%s", page)
		}
	}
}

// TestFindCommand runs `dengta notary find`: the records of a file are
// for members, so it signs with --key, says so without one, and answers
// "not preserved" (exit code 3) for a file never deposited.
func TestFindCommand(t *testing.T) {
	d, home := nodetest.Dev(t)
	ctx := context.Background()
	keyFile := devnet.KeyFile(filepath.Join(home, "keys"), "coop")
	key, err := client.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file, other := filepath.Join(dir, "合同.txt"), filepath.Join(dir, "other.txt")
	os.WriteFile(file, []byte("查找命令的测试合同"), 0o644)
	os.WriteFile(other, []byte("never deposited"), 0o644)
	res, first, err := notaryplug.FileDeposit(ctx, client.New(d.GatewayURL), key, file, notaryapi.DepositBody{EvidenceType: "contract"}, true)
	if err != nil {
		t.Fatal(err)
	}
	// The same file again, described otherwise: the CLI says the record
	// was made earlier, where, and that the new details were not kept.
	var dOut, dErr bytes.Buffer
	err = notaryplug.Module().CLI[0].Run(ctx, []string{"deposit", "--node", d.GatewayURL, "--key", keyFile, "--type", "invoice", "--description", "第二次存证说明", file}, &dOut, &dErr)
	again := dOut.String()
	for _, want := range []string{"was already preserved", res.EvidenceID, fmt.Sprintf("preserved at height %d,", first.Height),
		`not recorded: the type "invoice" (recorded: "contract"), description given now`, "this request's transaction (it changed no record): height "} {
		if err != nil || !strings.Contains(again, want) {
			t.Fatalf("deposit of a preserved file (%v) lacks %q:\n%s%s", err, want, again, dErr.String())
		}
	}
	find := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := notaryplug.Module().CLI[0].Run(ctx, append([]string{"find", "--node", d.GatewayURL}, args...), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := find("--key", keyFile, file)
	if err != nil || !strings.Contains(out, res.EvidenceID) {
		t.Fatalf("find with a member key: %v\n%s", err, out)
	}
	if out, err := find(file); err == nil || !strings.Contains(err.Error(), "--key is required") {
		t.Fatalf("find without a key: %v\n%s", err, out)
	}
	out, err = find("--key", keyFile, other)
	var ue *cli.UserError
	if !errors.As(err, &ue) || ue.Code != 3 || !strings.Contains(out, "no evidence record") {
		t.Fatalf("find of a file never deposited: %v\n%s", err, out)
	}
}
