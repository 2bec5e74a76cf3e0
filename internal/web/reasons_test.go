package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/nodetest"
)

// TestRefusalsInTheUsersLanguage: when the chain refuses what a clerk
// asked for, a Chinese page says why in Chinese (the module's catalogue
// of its refusals), with the chain's words (a field, an example) marked;
// an English
// page says it in the chain's English.
func TestRefusalsInTheUsersLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev chain")
	}
	d, home := browsertest.Node(t)
	base := d.GatewayURL
	c := hallClient(t, base, "coop-admin", net.IPv4(127, 0, 0, 61))
	act := func(lang string) string {
		page := get(t, c, base+"/hall/receivables?lang="+lang)
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no csrf token on the receivables page")
		}
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for k, v := range map[string]string{"csrf": m[1], "action": "accept", "id": ""} {
			w.WriteField(k, v)
		}
		w.Close()
		resp, err := c.Post(base+"/hall/receivables/act", w.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("%s: accepting no receivable answered 200", lang)
		}
		return string(b)
	}
	mark := `<span class="chain-words" lang="en" translate="no">`
	zh := act("zh")
	if want := mark + "id</span> 为必填项：请填写应收账款编号，格式如 " + mark + "RC20260101-0123456789ABCDEF0123</span>"; !strings.Contains(zh, want) {
		t.Errorf("the Chinese page does not say %q:\n%s", want, errorText(zh))
	}
	if strings.Contains(zh, "is required") {
		t.Errorf("the Chinese page shows the chain's English:\n%s", errorText(zh))
	}
	en := act("en")
	if want := mark + "id is required: a receivable id like RC20260101-0123456789ABCDEF0123</span>"; !strings.Contains(en, want) {
		t.Errorf("the English page does not say %q:\n%s", want, errorText(en))
	}

	// The API keeps the chain's English message; asked in Chinese, its
	// hint adds the reason in Chinese.
	key := client.KeyFrom(nodetest.AdminKey(t, home, "coop"))
	for _, lang := range []string{"zh", "en"} {
		_, err := client.New(base).WithLanguage(lang).Do(context.Background(), key, "receivable", "accept", map[string]string{"id": ""})
		var ce *client.Error
		if !errors.As(err, &ce) {
			t.Fatalf("%s: accepting no receivable through the API: %v", lang, err)
		}
		if ce.Message != "id is required: a receivable id like RC20260101-0123456789ABCDEF0123" {
			t.Errorf("%s: the API's message is %q", lang, ce.Message)
		}
		reason := "原因：id 为必填项：请填写应收账款编号，格式如 RC20260101-0123456789ABCDEF0123。"
		if got := strings.Contains(ce.Hint, reason); got != (lang == "zh") {
			t.Errorf("%s: the hint %q says the Chinese reason: %v", lang, ce.Hint, got)
		}
	}

	// A transaction that failed in its block, read by hash: its hint says
	// the reason in Chinese to its signer asked in Chinese, and to nobody
	// who may not read its log.
	deposit := map[string]any{"sha256": strings.Repeat("ab", 32), "sm3": strings.Repeat("cd", 32), "file_name": "补充.pdf", "size": 1,
		"media_type": "application/pdf", "evidence_type": "contract", "supplements": "EV20260101-0123456789ABCDEF0123"}
	rec, err := client.New(base).WithLanguage("zh").Do(context.Background(), key, "notary", "deposit", deposit)
	if rec == nil || rec.Code == 0 || !client.IsCode(err, "not_found") {
		t.Fatalf("a deposit supplementing no record: %+v, %v; want it committed with not_found", rec, err)
	}
	var ce *client.Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Hint, "原因：") {
		t.Errorf("the submitter's error for a deposit its block refused: %#v, want a hint with the reason in Chinese", err)
	}
	for _, tc := range []struct {
		who    string
		c      *client.Client
		lang   string
		reason bool
	}{
		{"the signer", client.New(base).As(key), "zh", true},
		{"the signer", client.New(base).As(key), "en", false},
		{"the public", client.New(base), "zh", false},
	} {
		r, err := tc.c.WithLanguage(tc.lang).Tx(context.Background(), rec.Hash)
		if err != nil {
			t.Fatalf("%s reading %s in %s: %v", tc.who, rec.Hash, tc.lang, err)
		}
		if r.Hint == "" || strings.Contains(r.Hint, "原因：") != tc.reason || (tc.lang == "zh") != strings.ContainsRune(r.Hint, '。') {
			t.Errorf("%s reading the failed deposit in %s: hint %q (log %q), want the reason in Chinese: %v", tc.who, tc.lang, r.Hint, r.Log, tc.reason)
		}
	}
}

// errorText is the part of a page around its error message, for a test's
// failure report.
func errorText(page string) string {
	i := strings.Index(page, `class="error`)
	if i < 0 {
		return page
	}
	return page[i:min(len(page), i+600)]
}
