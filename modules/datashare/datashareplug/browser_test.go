package datashareplug_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
)

// TestReferralInTheHall: hospital A's staff enable data exchange, admit
// a patient (the slip shows her pseudonym and access code), register her
// discharge summary and refer her to hospital B. B, after enabling its
// own exchange keys, sees the referral waiting for consent and cannot
// open the record. The patient opens her page with the code and
// consents; B opens the record, decrypted in B's node from what A's node
// served; the patient's page lists B's accesses, refused and served.
func TestReferralInTheHall(t *testing.T) {
	d, _ := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	const summary = "出院小结：患者因社区获得性肺炎住院七天，已愈。出院医嘱：阿莫西林克拉维酸钾继续口服五天。"
	file := filepath.Join(t.TempDir(), "出院小结.txt")
	if err := os.WriteFile(file, []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}

	browsertest.SignIn(t, ctx, base, "hospb-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#set-exchange", chromedp.ByQuery), chromedp.Click("#set-exchange", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "数据交换密钥已登记")
	browsertest.SignOut(t, ctx)

	browsertest.SignIn(t, ctx, base, "hospa-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#set-exchange", chromedp.ByQuery), chromedp.Click("#set-exchange", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "数据交换密钥已登记")
	browsertest.Run(t, ctx,
		chromedp.SendKeys("#pt-name", "欧阳秀英", chromedp.ByQuery),
		chromedp.SendKeys("#pt-idnumber", "340102198807154321", chromedp.ByQuery),
		chromedp.Click("#admit", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "患者已登记")
	slip := browsertest.Text(t, ctx, "#notice")
	m := regexp.MustCompile(`编号 (P[0-9A-Z]+)，访问码 ([0-9A-Z-]+)`).FindStringSubmatch(slip)
	if m == nil {
		t.Fatalf("the admission slip %q has no pseudonym and access code", slip)
	}
	subject, code := m[1], m[2]
	patients := browsertest.Text(t, ctx, "#patients")
	browsertest.Contains(t, patients, subject, "the patients list")
	if strings.Contains(patients, "340102198807154321") {
		t.Fatalf("the patients list shows the full ID number: %q", patients)
	}
	browsertest.Run(t, ctx,
		chromedp.SetValue("#rec-subject", subject, chromedp.ByQuery),
		chromedp.SetValue("#rec-type", "discharge", chromedp.ByQuery),
		chromedp.SetUploadFiles("#rec-file", []string{file}, chromedp.ByQuery),
		chromedp.Click("#register", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已加密登记")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#records"), "出院小结", "our records")
	browsertest.Run(t, ctx,
		chromedp.SetValue("#grantee", "hospb", chromedp.ByQuery),
		chromedp.SetValue("#share-subject", subject, chromedp.ByQuery),
		chromedp.SetValue("#purpose", "TREAT", chromedp.ByQuery),
		chromedp.Click("#share", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "等待患者同意")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#outgoing"), "待患者同意", "the referral's state")
	browsertest.SignOut(t, ctx)

	// B sees the referral, with no link to open before consent; opened
	// anyway, A's node refuses the record and B's page says why.
	browsertest.SignIn(t, ctx, base, "hospb-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#incoming", chromedp.ByQuery))
	var links int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#incoming a.open-record").length`, &links))
	if links != 0 {
		t.Fatalf("%d links to open a record before the patient consented", links)
	}
	grantID := browsertest.Text(t, ctx, "#incoming tbody tr td:nth-child(1) code")
	recordID := browsertest.Text(t, ctx, "#incoming tbody tr td:nth-child(4) code")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare/open?record="+recordID+"&grant="+grantID), chromedp.WaitVisible("#err", chromedp.ByQuery))
	refused := browsertest.Text(t, ctx, "#err")
	browsertest.Contains(t, refused, "授权未生效", "B before consent: the reason")
	if strings.Contains(refused, "治理投票") {
		t.Errorf("the refusal sends B to a governance vote: %s", refused)
	}
	browsertest.SignOut(t, ctx)

	// The patient opens her page and consents.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/patient"), chromedp.WaitVisible("#patient-signin", chromedp.ByQuery),
		chromedp.SendKeys("#subject", subject, chromedp.ByQuery), chromedp.SendKeys("#code", "WRONG-CODE-0000", chromedp.ByQuery),
		chromedp.Click("#patient-open", chromedp.ByQuery), chromedp.WaitVisible("#err", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#err"), "不正确", "a wrong access code")
	// The form keeps what was typed (the host refills it); the code is
	// typed again, both in small letters, as people type what they read.
	browsertest.Run(t, ctx, chromedp.WaitVisible("#patient-signin", chromedp.ByQuery),
		chromedp.SetValue("#subject", strings.ToLower(subject), chromedp.ByQuery), chromedp.SetValue("#code", strings.ToLower(code), chromedp.ByQuery),
		chromedp.Click("#patient-open", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已进入")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#hello"), "欧阳秀英", "the patient's greeting")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#grants"), "宿州市立医院", "the patient's grants")
	browsertest.Run(t, ctx, chromedp.Click("#grants button.approve", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "您已同意")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#grants"), "生效中", "the grant after consent")

	// B opens the record: decrypted in B's node from what A's node served.
	browsertest.SignIn(t, ctx, base, "hospb-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#incoming a.open-record", chromedp.ByQuery),
		chromedp.Click("#incoming a.open-record", chromedp.ByQuery), chromedp.WaitVisible("#content", chromedp.ByQuery))
	if got := browsertest.Text(t, ctx, "#content"); got != summary {
		t.Fatalf("B opened %q", got)
	}
	browsertest.SignOut(t, ctx)

	// The patient's page lists B's accesses: refused before consent,
	// then served (the owner's node puts them on chain in batches).
	patientSees := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			browsertest.Run(t, ctx, chromedp.Navigate(base+"/patient"), chromedp.WaitVisible("#grants", chromedp.ByQuery))
			var rows []string
			browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#accesses tbody tr")].map(r => r.className + " " + r.cells[1].textContent)`, &rows))
			if strings.Join(rows, ",") == strings.Join(want, ",") {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the patient's access log %q, want %q", rows, want)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	patientSees("audit-served 宿州市立医院", "audit-refused 宿州市立医院")
	browsertest.Screenshot(t, ctx, "datashare-patient")

	// She revokes; B is refused, and she sees that too.
	browsertest.Run(t, ctx, chromedp.Click("#grants button.revoke", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "您已撤回")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#grants"), "已撤销", "the grant after revocation")
	// A stale form (a second tab, a double click) approves the revoked
	// grant: the chain's refusal is said in Chinese, with its reason.
	browsertest.Run(t, ctx, chromedp.Evaluate(`(() => {
		const f = document.createElement("form");
		f.method = "post"; f.action = "/patient/act";
		for (const [k, v] of [["csrf", document.querySelector("input[name=csrf]").value], ["grant", `+strconv.Quote(grantID)+`], ["act", "approve"]]) {
			const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; f.appendChild(i);
		}
		document.body.appendChild(f); f.submit(); return true;
	})()`, nil), chromedp.WaitVisible("section.error p.message", chromedp.ByQuery))
	stale := browsertest.Text(t, ctx, "section.error p.message")
	browsertest.Contains(t, stale, "患者只能对待患者同意的授权表示同意或拒绝", "approving a revoked grant: the reason in Chinese")
	if strings.Contains(stale, "a patient approves") {
		t.Errorf("the refusal of a stale approval is in English: %s", stale)
	}
	browsertest.SignIn(t, ctx, base, "hospb-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare/open?record="+recordID+"&grant="+grantID), chromedp.WaitVisible("#err", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#err"), "授权已撤销", "B after revocation")
	browsertest.SignOut(t, ctx)
	patientSees("audit-refused 宿州市立医院", "audit-served 宿州市立医院", "audit-refused 宿州市立医院")

	// An emergency: hospb's emergency department declares break-glass
	// access and opens the record again, which is audited; hospa reviews
	// it; the patient sees the emergency access and the access.
	browsertest.SignIn(t, ctx, base, "hospb-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#btg-form", chromedp.ByQuery),
		chromedp.SetValue("#btg-owner", "hospa", chromedp.ByQuery),
		chromedp.SendKeys("#btg-subject", subject, chromedp.ByQuery),
		chromedp.SetValue("#btg-reason", "unconscious", chromedp.ByQuery),
		chromedp.SendKeys("#btg-justification", "急诊入院，意识不清，需既往病史", chromedp.ByQuery),
		chromedp.Click("#btg-declare", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "紧急访问")
	browsertest.Run(t, ctx, chromedp.WaitVisible("#btg-mine a.open-btg", chromedp.ByQuery), chromedp.Click("#btg-mine a.open-btg", chromedp.ByQuery),
		chromedp.WaitVisible("#content", chromedp.ByQuery))
	if got := browsertest.Text(t, ctx, "#content"); got != summary {
		t.Fatalf("B opened %q in an emergency", got)
	}
	// The page names the emergency access it opened the record under, and
	// its download link keeps it.
	if got := browsertest.Text(t, ctx, "#open-btg"); !strings.HasPrefix(got, "BG") {
		t.Errorf("the open page names the emergency access as %q", got)
	}
	var dl string
	browsertest.Run(t, ctx, chromedp.AttributeValue("a.button[href*='download=1']", "href", &dl, nil, chromedp.ByQuery))
	if !strings.Contains(dl, "break_glass=BG") || strings.Contains(dl, "grant=") {
		t.Errorf("the download link of an emergency access: %s", dl)
	}
	browsertest.SignOut(t, ctx)
	browsertest.SignIn(t, ctx, base, "hospa-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#btg-review button.review", chromedp.ByQuery),
		chromedp.Click("#btg-review button.review", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已审查")
	browsertest.SignOut(t, ctx)
	// The emergency made two accesses: the ciphertext, and its data key
	// wrapped on the spot for hospb.
	patientSees("audit-served 宿州市立医院", "audit-served 宿州市立医院", "audit-refused 宿州市立医院", "audit-served 宿州市立医院", "audit-refused 宿州市立医院")
	// The emergency access's two rows say what each served: the data key,
	// then the record's content.
	var served []string
	browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#accesses tbody tr")].slice(0, 2).map(r => r.cells[r.cells.length-1].textContent)`, &served))
	if len(served) != 2 || !slices.Contains(served, "解密密钥（紧急访问）") || !slices.Contains(served, "记录内容（密文）") {
		t.Errorf("the emergency access's rows say they served %q", served)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#emergencies"), "合理", "the patient's emergency accesses")

	searchAndPage(t, ctx, base, subject, file)
}

// searchAndPage: with one entry a page, the hospital's records and
// grants page one by one with the search kept, in Chinese and in
// English; a search finds grants by the grantee's name and by state in
// either language, records by their type's name; a search that finds
// nothing says so.
func searchAndPage(t *testing.T, ctx context.Context, base, subject, file string) {
	defer datashareplug.SetHallPage(1)()
	browsertest.SignIn(t, ctx, base, "hospa-admin")
	for _, typ := range []string{"lab", "imaging"} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare?lang=zh"), chromedp.WaitVisible("#register-form", chromedp.ByQuery),
			chromedp.SetValue("#rec-subject", subject, chromedp.ByQuery), chromedp.SetValue("#rec-type", typ, chromedp.ByQuery),
			chromedp.SetUploadFiles("#rec-file", []string{file}, chromedp.ByQuery), chromedp.Click("#register", chromedp.ByQuery))
		browsertest.ExpectMessage(t, ctx, "已加密登记")
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#share-form", chromedp.ByQuery),
		chromedp.SetValue("#grantee", "hospb", chromedp.ByQuery), chromedp.SetValue("#share-subject", subject, chromedp.ByQuery),
		chromedp.SetValue("#purpose", "TREAT", chromedp.ByQuery), chromedp.Click("#share", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "等待患者同意")

	distinct := func(what string, got []string, n int) {
		t.Helper()
		if len(got) != n || len(slices.Compact(slices.Sorted(slices.Values(got)))) != n {
			t.Errorf("%s: %q, want %d different entries", what, got, n)
		}
	}
	for _, c := range []struct{ lang, grantee, state, revoked, typ, nomatch string }{
		{"zh", "宿州市立医院", "已撤销", "已撤销", "检验报告", "没有符合条件的条目"},
		{"en", "suzhou MUNICIPAL hospital", "revoked", "revoked", "LAB result", "Nothing matches"},
	} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare?lang="+c.lang), chromedp.WaitVisible("#more-records", chromedp.ByQuery))
		distinct(c.lang+": every record, page by page", browsertest.PageThrough(t, ctx, "#records tbody tr td:first-child", "#more-records"), 3)
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#search-form", chromedp.ByQuery),
			chromedp.SendKeys("#q", c.grantee, chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery), chromedp.WaitVisible("#clear", chromedp.ByQuery))
		distinct(c.lang+": the grants to the grantee found by name, page by page", browsertest.PageThrough(t, ctx, "#outgoing tbody tr td:first-child", "#more-outgoing"), 2)
		browsertest.Screenshot(t, ctx, "hall-datashare-search-"+c.lang)
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare?q="+url.QueryEscape(c.state)), chromedp.WaitVisible("#outgoing", chromedp.ByQuery))
		rows := browsertest.PageThrough(t, ctx, "#outgoing tbody tr td.state", "#more-outgoing")
		if len(rows) != 1 || !strings.Contains(rows[0], c.revoked) {
			t.Errorf("%s: the grants found by state %q: %q", c.lang, c.state, rows)
		}
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare?q="+url.QueryEscape(c.typ)), chromedp.WaitVisible("#records", chromedp.ByQuery))
		distinct(c.lang+": records found by type name", browsertest.PageThrough(t, ctx, "#records tbody tr td:first-child", "#more-records"), 1)
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare?q=no-such-thing"), chromedp.WaitVisible("#lists", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, ctx, "main"), c.nomatch, "a search that finds nothing")
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare?lang=zh"))
	browsertest.SignOut(t, ctx)
}

// TestDevicePage: on the dev chain with the demo story, the juice
// factory's staff see the cold press's telemetry charts with the windows
// that raised alerts marked, the anchored alerts and the maker's repair;
// the maker's staff see the charts too, under the factory's maintenance
// grant; the regulator sees the alerts and the repair, and no telemetry.
func TestDevicePage(t *testing.T) {
	reg := plug.NewRegistry(modules.All()...)
	d, home := browsertest.NodeWith(t, reg)
	env := &plug.DemoEnv{Client: client.New(d.GatewayURL), PublicURL: d.GatewayURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admin: func(org string) (*client.Key, error) { return client.KeyFrom(nodetest.AdminKey(t, home, org)), nil }}
	for _, m := range reg.Modules() {
		if m.Name() == datashareapi.Name {
			if err := m.Demo.Seed(context.Background(), env); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	browsertest.SignIn(t, ctx, base, "juicery-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare"), chromedp.WaitVisible("#devices a", chromedp.ByQuery),
		chromedp.Click("#devices a", chromedp.ByQuery), chromedp.WaitVisible("#chart-vibration", chromedp.ByQuery))
	var marked int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#chart-vibration circle.alerted").length`, &marked))
	if marked == 0 {
		t.Fatal("no window of the vibration chart is marked as having raised an alert")
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#alerts"), "已处理", "the alerts")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#maintenance"), "6312-2RS", "the repair")
	browsertest.Screenshot(t, ctx, "datashare-device")
	browsertest.SignOut(t, ctx)
	// The maker reads the telemetry under the factory's maintenance grant.
	browsertest.SignIn(t, ctx, base, "machinery-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare/devices/"+datashareplug.DemoDevice), chromedp.WaitVisible("#chart-temperature", chromedp.ByQuery))
	browsertest.SignOut(t, ctx)
	// The regulator oversees the device, its alerts and its maintenance,
	// but has no grant on its telemetry.
	browsertest.SignIn(t, ctx, base, "regulator-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/datashare/devices/"+datashareplug.DemoDevice), chromedp.WaitVisible("#no-telemetry", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#maintenance"), "6312-2RS", "the repair, as the regulator")
}
