package credentialplug_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// TestCredentialListsBrowser: the market regulator has issued 23
// business licences (2 in the demo, 21 more here) and suspended one; its
// clerk pages through them and finds the suspended one by its status, in
// Chinese and in English. The bank finds its verifications by the
// issuer's name in either language, and is told when nothing matches.
func TestCredentialListsBrowser(t *testing.T) {
	base, home := estateNode(t)
	ctx0 := context.Background()
	c := client.New(base)
	keys := map[string]*client.Key{"regulator": client.KeyFrom(nodetest.AdminKey(t, home, "regulator")), "bank": client.KeyFrom(nodetest.AdminKey(t, home, "bank"))}
	var last string
	for i := range 21 {
		holder, err := jws.NewKey(jws.ES256)
		if err != nil {
			t.Fatal(err)
		}
		code := fmt.Sprintf("91341300MA2N1%04d", i)
		check, err := identity.USCCCheck(code)
		if err != nil {
			t.Fatal(err)
		}
		claims := map[string]any{"uscc": code + string(check), "name": fmt.Sprintf("翻页测试商贸有限公司%02d", i), "entityType": "有限责任公司",
			"legalRepresentative": "张三", "registeredCapital": "人民币壹佰万元", "establishedDate": "2020-01-01", "businessTerm": "长期", "domicile": "安徽省宿州市", "businessScope": "日用品销售"}
		signed, _, err := credentialplug.Issue(ctx0, c, keys["regulator"], credentialplug.Issuance{Type: catalog.BusinessLicence, Claims: claims, Holder: credential.WireJWK(&holder.PublicKey)})
		if err != nil {
			t.Fatal(err)
		}
		last = signed.Hash
	}
	if _, err := credentialplug.SetStatus(ctx0, c, keys["regulator"], last, credentialapi.StatusSuspended, "核查中"); err != nil {
		t.Fatal(err)
	}
	ref := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	for i, u := range []credentialapi.UseBody{
		{Ref: ref("u1"), Type: catalog.BusinessLicence, Issuer: "regulator", OK: true, Purpose: "开户"},
		{Ref: ref("u2"), Type: catalog.Quality, Issuer: "alliance", OK: false, Failed: credentialapi.CheckStatus, Purpose: "授信"},
		{Ref: ref("u3"), Type: catalog.BusinessLicence, Issuer: "regulator", OK: true, Purpose: "授信"},
	} {
		if _, _, err := client.Send(ctx0, c.As(keys["bank"]), keys["bank"], credentialapi.RecordUse, u); err != nil {
			t.Fatalf("use %d: %v", i, err)
		}
	}

	ctx := browsertest.Browser(t)
	hashes := func(sel string) []string {
		var out []string
		browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("`+sel+`")].map(r => r.dataset.hash || r.textContent)`, &out))
		return out
	}
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential"), chromedp.WaitVisible("#issued", chromedp.ByQuery))
	first := hashes("#issued tr.issued-row")
	if len(first) != 20 {
		t.Fatalf("the first page lists %d credentials, want 20", len(first))
	}
	browsertest.Run(t, ctx, chromedp.Click("#more-issued", chromedp.ByQuery), chromedp.WaitVisible("#first-issued", chromedp.ByQuery))
	second := hashes("#issued tr.issued-row")
	all := slices.Concat(first, second)
	if len(all) != 23 || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 23 {
		t.Fatalf("two pages list %d credentials, want the 23 issued, each once", len(all))
	}
	if all[0] != last {
		t.Fatalf("the newest credential %s is not first (%s is)", last, all[0])
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential"), chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "已暂停", chromedp.ByQuery), chromedp.Click("#search-issued", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("q=")`)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#issued", chromedp.ByQuery))
	if got := hashes("#issued tr.issued-row"); !slices.Equal(got, []string{last}) {
		t.Fatalf("“已暂停” finds %v, want the suspended %s", got, last)
	}
	browsertest.Screenshot(t, ctx, "hall-credential-find")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?q=xyz"), chromedp.WaitVisible("#no-issued-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-issued-match"), "没有已签发的证照符合 “xyz”", "no issued match")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?after=garbage"), chromedp.WaitVisible("main", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "main"), "翻页参数无效", "a bad page link")
	// In English: by status, and by the type's English name (every
	// licence), page by page with the search kept.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?lang=en"), chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "SUSPENDED", chromedp.ByQuery), chromedp.Click("#search-issued", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("q=")`)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#issued", chromedp.ByQuery))
	if got := hashes("#issued tr.issued-row"); !slices.Equal(got, []string{last}) {
		t.Fatalf("“SUSPENDED” finds %v, want the suspended %s", got, last)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?q=business+licence"), chromedp.WaitVisible("#more-issued", chromedp.ByQuery),
		chromedp.Click("#more-issued", chromedp.ByQuery), chromedp.WaitVisible("#first-issued", chromedp.ByQuery))
	var q string
	browsertest.Run(t, ctx, chromedp.Value("#q", &q, chromedp.ByQuery))
	if n := len(hashes("#issued tr.issued-row")); q != "business licence" || n != 3 {
		t.Fatalf("the next page of “business licence” keeps %q and lists %d, want 3", q, n)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?q=xyz"), chromedp.WaitVisible("#no-issued-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-issued-match"), "No issued credential matches “xyz”", "no match in English")
	// Paging or searching one list keeps the other where it was.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?uq=xyz"), chromedp.WaitVisible("#more-issued", chromedp.ByQuery),
		chromedp.Click("#more-issued", chromedp.ByQuery), chromedp.WaitVisible("#first-issued", chromedp.ByQuery))
	var uq string
	browsertest.Run(t, ctx, chromedp.Value("#uq", &uq, chromedp.ByQuery), chromedp.WaitVisible("#no-uses-match", chromedp.ByQuery))
	if n := len(hashes("#issued tr.issued-row")); uq != "xyz" || n != 3 {
		t.Fatalf("the issued list's next page keeps the uses search %q and lists %d, want \"xyz\" and 3", uq, n)
	}
	browsertest.Run(t, ctx, chromedp.SendKeys("#q", "SUSPENDED", chromedp.ByQuery), chromedp.Click("#search-issued", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("q=SUSPENDED")`)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#no-uses-match", chromedp.ByQuery), chromedp.Value("#uq", &uq, chromedp.ByQuery))
	if got := hashes("#issued tr.issued-row"); uq != "xyz" || !slices.Equal(got, []string{last}) {
		t.Fatalf("searching the issued list: uses search %q, issued %v; want \"xyz\" kept and the suspended %s", uq, got, last)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?lang=zh"), chromedp.WaitVisible("#q", chromedp.ByQuery))
	browsertest.SignOut(t, ctx)

	// The bank's verification history, by the issuer's name.
	browsertest.SignIn(t, ctx, base, "bank-admin")
	purposes := func() []string { return hashes("#uses tbody tr td:nth-child(5)") }
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential"), chromedp.WaitVisible("#uq", chromedp.ByQuery),
		chromedp.SendKeys("#uq", "市场监督", chromedp.ByQuery), chromedp.Click("#search-uses", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `location.search.includes("uq=")`)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#uses", chromedp.ByQuery))
	if got := purposes(); !slices.Equal(got, []string{"授信", "开户"}) {
		t.Fatalf("the regulator's Chinese name finds uses %v", got)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?uq=%E6%9C%AA%E9%80%9A%E8%BF%87"), chromedp.WaitVisible("#uses", chromedp.ByQuery))
	if got := purposes(); !slices.Equal(got, []string{"授信"}) {
		t.Fatalf("“未通过” finds uses %v", got)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?uq=QUALITY+alliance&lang=en"), chromedp.WaitVisible("#uses", chromedp.ByQuery))
	if got := purposes(); !slices.Equal(got, []string{"授信"}) {
		t.Fatalf("the alliance's English name finds uses %v", got)
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?uq=xyz"), chromedp.WaitVisible("#no-uses-match", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#no-uses-match"), "No verification matches “xyz”", "no use matches in English")
	browsertest.Run(t, ctx, chromedp.Click("#clear-uses", chromedp.ByQuery))
	browsertest.AwaitPage(t, ctx, `!location.search.includes("uq=")`)
	browsertest.Run(t, ctx, chromedp.WaitVisible("#uses", chromedp.ByQuery))
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/credential?lang=zh"), chromedp.WaitVisible("#uq", chromedp.ByQuery))
}
