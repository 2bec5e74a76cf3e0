package credentialplug_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
)

// TestCheckRecordsUseOnce: a bank checks the presentation a holder sent for
// its request; pressing 核验 again, or twice at once, does not record the
// use again.
func TestCheckRecordsUseOnce(t *testing.T) {
	f := demo(t)
	signed, holder := f.issueLicence(t, "砀山县酥梨电子商务有限公司")
	hc, csrf := nodetest.SignIn(t, f.url, "bank-admin")
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.PostForm(f.url+"/hall/credential/verify", url.Values{"csrf": {csrf}, "purpose": {"抵押贷款"}, "type": {signed.Anchor.Type}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqPath := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(reqPath, "/hall/credential/verify/") {
		t.Fatalf("open request: %d %q", resp.StatusCode, reqPath)
	}
	get := func(path string) string {
		t.Helper()
		resp, err := hc.Get(f.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	page := get(reqPath)
	field := func(id string) string {
		m := regexp.MustCompile(`id="` + id + `">([^<]+)<`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s on the request page:\n%s", id, page)
		}
		return html.UnescapeString(m[1])
	}
	nonce, aud, id := field("request-nonce"), field("request-aud"), field("request-id")
	presentation, err := credentialplug.Present(signed.Credential, []string{"name"}, holder, aud, nonce, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"presentation": presentation})
	resp, err = http.Post(f.url+"/credential/requests/"+id, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("holder's answer: %d", resp.StatusCode)
	}

	uses := func() []credentialapi.Use {
		t.Helper()
		l, err := client.Read(f.ctx(t), f.c.As(f.keys["bank"]), credentialapi.ListUses, credentialapi.PageParams{Org: "bank", Q: "抵押贷款", Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		var mine []credentialapi.Use
		for _, u := range l.Items {
			if u.Type == signed.Anchor.Type && u.Purpose == "抵押贷款" {
				mine = append(mine, u)
			}
		}
		return mine
	}
	before := len(uses())
	check := func() int {
		resp, err := hc.PostForm(f.url+reqPath, url.Values{"csrf": {csrf}})
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := check(); st != http.StatusSeeOther {
		t.Fatalf("check: %d", st)
	}
	if n := len(uses()); n != before+1 {
		t.Fatalf("%d uses recorded by the check, want 1", n-before)
	}
	// Pressed again, and then twice at once: the outcome is the same and
	// on record already.
	if st := check(); st != http.StatusSeeOther {
		t.Fatalf("check again: %d", st)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); check() }()
	}
	wg.Wait()
	if n := len(uses()); n != before+1 {
		t.Fatalf("%d uses recorded for one request checked four times, want 1", n-before)
	}
	if page = get(reqPath); !strings.Contains(page, "证照真实有效") || !strings.Contains(page, `id="recorded"`) {
		t.Fatalf("request page after the checks:\n%s", page)
	}
}

// TestIssueFormOfAnotherType: an issuer opening the form of a type it is
// not authorised for is told so for that type and shown the types it may
// issue.
func TestIssueFormOfAnotherType(t *testing.T) {
	f := demo(t)
	hc, csrf := nodetest.SignIn(t, f.url, "regulator-admin")
	for _, req := range []func() (*http.Response, error){
		func() (*http.Response, error) { return hc.Get(f.url + "/hall/credential/issue/" + catalog.Degree) },
		func() (*http.Response, error) {
			return hc.PostForm(f.url+"/hall/credential/issue/"+catalog.Degree, url.Values{"csrf": {csrf}, "claim.holderName": {"张三"}})
		},
	} {
		resp, err := req()
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(page), "本单位未获授权签发「学位证书」") ||
			strings.Contains(string(page), "尚未获授权签发任何证照") || !strings.Contains(string(page), `href="/hall/credential/issue/`+catalog.BusinessLicence+`"`) {
			t.Fatalf("%s %s: %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, page)
		}
	}
}
