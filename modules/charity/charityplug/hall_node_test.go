package charityplug_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/charityplug"
)

// TestHallAndProjectPages runs the demo story on a node and checks the
// pages people use: the public project page pages newest first through
// every donation; a donation form sent twice (a reload, a double click)
// records one donation and its receipt is shown once after a redirect;
// a general fund is named in the page's language and offered once; bad
// form input gets a sentence in the page's language.
func TestHallAndProjectPages(t *testing.T) {
	m := charityplug.Module()
	d, home := nodetest.DevHall(t, plug.NewRegistry(m))
	base := d.GatewayURL
	key := func(org string) *client.Key { return client.KeyFrom(nodetest.AdminKey(t, home, org)) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := &plug.DemoEnv{Client: client.New(base), PublicURL: base, Logger: slog.New(slog.DiscardHandler),
		Admin: func(org string) (*client.Key, error) { return key(org), nil }}
	if err := m.Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}
	c := client.New(base)
	list, err := client.Read(ctx, c, charityapi.Projects, charityapi.ProjectsParams{Owner: "foundation", Status: charityapi.StatusOpen})
	must(t, err)
	var fund string
	for _, p := range list.Items {
		if p.Kind == charityapi.ProjectKindProject {
			fund = p.ID
		}
	}
	if fund == "" {
		t.Fatalf("no foundation project in %+v", list.Items)
	}

	// 60 more donations in two batches: 65 in all with the demo's 5, more
	// than a page.
	var newest string
	for b := range 2 {
		var bs []charityapi.DonateBody
		var ids []string
		for i := range 30 {
			bs = append(bs, charityapi.DonateBody{Project: fund, AmountFen: int64(100 + b*30 + i), Channel: "wechat_pay", DonorName: fmt.Sprintf("捐赠人%02d", b*30+i)})
			ids = append(ids, fmt.Sprintf("1390000%04d", b*30+i))
		}
		rcs, err := charityplug.DonateBatch(ctx, c, key("bank"), bs, ids, base)
		must(t, err)
		newest = rcs[len(rcs)-1].Receipt
	}
	receiptRow := regexp.MustCompile(`/charity/receipts/([^"]+)"`)
	rows := func(page string) []string {
		var out []string
		for _, m := range receiptRow.FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	next := regexp.MustCompile(`id="more-donations" href="([^"]+)"`)
	path := "/charity/projects/" + fund
	seen := map[string]bool{}
	var order []string
	for range 5 {
		page := get(t, base+path)
		rs := rows(page)
		for _, r := range rs {
			if seen[r] {
				t.Fatalf("donation %s shown twice", r)
			}
			seen[r] = true
		}
		order = append(order, rs...)
		m := next.FindStringSubmatch(page)
		if m == nil {
			break
		}
		if len(rs) != charity.PageSize {
			t.Fatalf("a page of %d donations before the last", len(rs))
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	if len(order) != 65 || order[0] != newest {
		t.Fatalf("the project page shows %d donations, first %v; want 65, newest %s first", len(order), order[:1], newest)
	}
	// A donation to a budget line (the demo's, on the last page) names
	// the line as people read it.
	if page := get(t, base+path); strings.Contains(page, "(grants)") || !strings.Contains(page, "(资助县级项目)") {
		t.Error("the project page names a donation's budget line by its code")
	}
	if page := get(t, base+path); !strings.Contains(page, `id="first-donations"`) {
		t.Error("the last page of donations has no link back to the newest")
	}
	if resp, err := http.Get(base + "/charity/projects/" + fund + "?donations_before=zz"); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad cursor: %v %v", resp.StatusCode, err)
	}

	// The bank records a donation; the form sent again records nothing.
	hc, csrf := nodetest.SignIn(t, base, "bank-admin")
	hall := hallGet(t, hc, base+"/hall/charity")
	token := regexp.MustCompile(`name="action" value="donate"><input type="hidden" name="form" value="([^"]+)"`).FindStringSubmatch(hall)
	if token == nil {
		t.Fatal("the donation form has no form token")
	}
	form := url.Values{"csrf": {csrf}, "action": {"donate"}, "form": {token[1]}, "project": {fund}, "amount": {"12.34"}, "channel": {"wechat_pay"},
		"donor": {"138 0013 8999"}}
	before := donations(t, c, fund)
	noRedirect := *hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.PostForm(base+"/hall/charity", form)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a recorded donation answers %d, want a redirect", resp.StatusCode)
	}
	page := hallGet(t, hc, base+resp.Header.Get("Location"))
	if !strings.Contains(page, `id="receipt-key"`) || !strings.Contains(page, "已登记捐赠") {
		t.Fatalf("the page after the donation shows no receipt:\n%s", page)
	}
	if again := hallGet(t, hc, base+"/hall/charity"); strings.Contains(again, `id="receipt-key"`) {
		t.Error("the receipt key is shown twice")
	}
	page = hallPost(t, hc, base+"/hall/charity", form)
	if !strings.Contains(page, "已经提交过") {
		t.Errorf("the form sent again says nothing of it")
	}
	if after := donations(t, c, fund); after != before+1 {
		t.Fatalf("the form sent twice recorded %d donations", after-before)
	}

	// The general fund, in Chinese, once in the foundation's selects.
	fc, fcsrf := nodetest.SignIn(t, base, "foundation-admin")
	fpage := hallGet(t, fc, base+"/hall/charity")
	sel := regexp.MustCompile(`(?s)<select id="project" name="project">(.*?)</select>`).FindStringSubmatch(fpage)
	if sel == nil || strings.Count(sel[1], `value="GF-foundation"`) != 1 || strings.Contains(fpage, "General fund") || !strings.Contains(sel[1], "非限定性资金") {
		t.Errorf("the foundation's donation select: %v", sel)
	}
	for _, path := range []string{"/charity/projects/GF-foundation"} {
		if p := get(t, base+path); strings.Contains(p, "General fund of") || !strings.Contains(p, "<h1 id=\"project-title\">非限定性资金</h1>") {
			t.Errorf("%s names the general fund in English", path)
		}
	}
	for _, path := range []string{"/hall/charity", "/hall/charity/projects/GF-foundation", "/hall"} {
		if p := hallGet(t, fc, base+path); strings.Contains(p, "General fund of") {
			t.Errorf("%s names the general fund in English", path)
		}
	}
	if p := hallGet(t, hc, base+"/hall/charity"); strings.Contains(p, "General fund of") || !strings.Contains(p, "非限定性资金") {
		t.Error("the bank's selects name the general fund in English")
	}

	// Bad input in Chinese.
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"action": {"donate"}, "project": {fund}, "amount": {"1"}, "channel": {"wechat_pay"}}, "请填写捐赠人提供的手机号或证件号"},
		{url.Values{"action": {"donate_in_kind"}, "project": {fund}, "item": {"书包"}, "quantity": {"abc"}, "unit": {"个"}, "value": {"10"}, "donor": {"1"}}, "数量必须是整数"},
		{url.Values{"action": {"donate_in_kind"}, "project": {fund}, "item": {"书包"}, "quantity": {"1.5"}, "unit": {"个"}, "value": {"10"}, "donor": {"1"}}, "数量必须是整数"},
	} {
		c.form.Set("csrf", fcsrf)
		resp, err := fc.PostForm(base+"/hall/charity", c.form)
		must(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), c.want) || strings.Contains(string(b), "identity is required") || strings.Contains(string(b), "got 0") {
			t.Errorf("%v: %d, want %q", c.form, resp.StatusCode, c.want)
		}
	}

	// Handing on items: each item of a donation in kind is its own choice,
	// and the one chosen is the one handed on; an older donation is named
	// by its receipt number, a bad item number changes nothing.
	gift, _, err := client.Send(ctx, c, key("foundation"), charityapi.DonateInKind, charityapi.InKindBody{Project: fund,
		DonorHash: charityapi.DonorHash([]byte("salt"), "13800138000"), Items: []charityapi.ItemBody{
			{Name: "书包", Quantity: 10, Unit: "个", ValueFen: 5_000}, {Name: "文具盒", Quantity: 20, Unit: "个", ValueFen: 1_500}}})
	must(t, err)
	page = hallGet(t, fc, base+"/hall/charity/projects/"+fund)
	for i, name := range []string{"书包 · 0/10", "文具盒 · 0/20"} {
		opt := fmt.Sprintf(`<option value="%s %d" translate="no">%s`, gift.Receipt, i, name)
		if !strings.Contains(page, opt) {
			t.Fatalf("the hand-on form has no option %q", opt)
		}
	}
	handOn := func(f url.Values) (int, string) {
		f.Set("csrf", fcsrf)
		f.Set("action", "distribute")
		f.Set("beneficiary", "school")
		f.Set("purpose", "开学发放")
		resp, err := fc.PostForm(base+"/hall/charity/projects/"+fund, f)
		must(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := handOn(url.Values{"receipt": {gift.Receipt + " 1"}, "quantity": {"3"}}); code != http.StatusOK {
		t.Fatalf("handing on the second item: %d\n%s", code, body)
	}
	if code, body := handOn(url.Values{"receipt": {gift.Receipt + " 1"}, "receipt_no": {gift.Receipt}, "item_no": {"0"}, "quantity": {"1"}}); code != http.StatusBadRequest || !strings.Contains(body, "物品序号必须是从 1 开始的整数") {
		t.Errorf("item number 0: %d", code)
	}
	if code, body := handOn(url.Values{"receipt_no": {gift.Receipt}, "quantity": {"2"}}); code != http.StatusOK {
		t.Fatalf("handing on by receipt number: %d\n%s", code, body)
	}
	dn, err := client.Read(ctx, c, charityapi.GetDonation, charityapi.ReceiptParams{Receipt: gift.Receipt})
	must(t, err)
	if dn.Items[0].Distributed != 2 || dn.Items[1].Distributed != 3 {
		t.Fatalf("handed on %d and %d, want 2 (the first item, by receipt number) and 3 (the second, chosen)", dn.Items[0].Distributed, dn.Items[1].Distributed)
	}
}

func donations(t *testing.T, c *client.Client, project string) int64 {
	t.Helper()
	v, err := client.Read(context.Background(), c, charityapi.GetProject, charityapi.IDParams{ID: project})
	must(t, err)
	return v.Project.Donations
}

func hallGet(t *testing.T, hc *http.Client, u string) string {
	t.Helper()
	resp, err := hc.Get(u)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, b)
	}
	return string(b)
}

func hallPost(t *testing.T, hc *http.Client, u string, form url.Values) string {
	t.Helper()
	resp, err := hc.PostForm(u, form)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d\n%s", u, resp.StatusCode, b)
	}
	return string(b)
}
