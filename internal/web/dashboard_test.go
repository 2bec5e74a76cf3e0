package web_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// hallClient signs in to the hall as user over plain HTTP, from the
// loopback address from (sign-in limits are per client address), and
// returns a client holding the session.
func hallClient(t *testing.T, base, user string, from net.IP) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}
	c := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dialer.DialContext}}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf token on the sign-in page")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"user": {user}, "password": {browsertest.DevPassword}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/hall" {
		t.Fatalf("signing in as %s ended on %s", user, resp.Request.URL)
	}
	return c
}

// get reads a page and fails unless it answers 200.
func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, b)
	}
	return string(b)
}

// leakedKey finds a message key shown instead of its text.
var leakedKey = regexp.MustCompile(`>\s*(dash|d[a-z]{1,2})\.[a-z][a-z0-9._]*\s*<`)

// svgElement finds the charts in a page.
var svgElement = regexp.MustCompile(`(?s)<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>`)

// checkDashboard checks a rendered dashboard: no panel failed, no message
// key shows, every chart is well-formed XML.
func checkDashboard(t *testing.T, who, page string) {
	t.Helper()
	if !strings.Contains(page, `id="dash-title"`) {
		t.Fatalf("%s: no dashboard", who)
	}
	if strings.Contains(page, "panel failed") {
		t.Errorf("%s: a panel failed to draw", who)
	}
	if m := leakedKey.FindString(page); m != "" {
		t.Errorf("%s: message key shown: %s", who, m)
	}
	for _, svg := range svgElement.FindAllString(page, -1) {
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: a chart is not well-formed: %v", who, err)
				break
			}
		}
	}
}

// TestDashboards: on the seeded dev chain, every module's dashboard panels
// draw for every demo organisation in both languages, and in the browser
// the panels show the numbers the API gives.
func TestDashboards(t *testing.T) {
	d, home := browsertest.DemoNode(t)
	t.Run("every organisation", func(t *testing.T) { everyDashboard(t, d.GatewayURL) })
	t.Run("browser", func(t *testing.T) { dashboardPages(t, d, home) })
}

// everyDashboard draws every demo organisation's dashboard in both
// languages.
func everyDashboard(t *testing.T, base string) {
	clients := map[string]*http.Client{}
	for i, o := range devnet.Demo {
		c := hallClient(t, base, o.ID+"-admin", net.IPv4(127, 0, 0, byte(10+i)))
		clients[o.ID] = c
		for _, lang := range []string{"zh", "en"} {
			page := get(t, c, base+"/hall?lang="+lang)
			checkDashboard(t, o.ID+"/"+lang, page)
		}
	}
}

// truth is what the API says of the demo organisations, read as the
// regulator (an overseer) or as the organisation itself.
type truth struct {
	bankGranted, bankUsed, bankOpen int64
	foodOwed, foodAvailable         int64
	foodCredits                     int
	foodCredit                      string // a credit's number
	coopScans                       int64
	hospaGiven, hospaReceived       int
	allianceContracts               int
	// The credentials the quality alliance issued, and how many of them
	// are suspended.
	allianceIssued, allianceSuspended int64
}

func readTruth(t *testing.T, base, home string) truth {
	t.Helper()
	ctx := context.Background()
	as := func(org string) *client.Client {
		return client.New(base).As(client.KeyFrom(nodetest.AdminKey(t, home, org)))
	}
	reg := as("regulator")
	var tr truth
	// The demo's only bank sets every credit line.
	for _, o := range devnet.Demo {
		var ov receivable.ObligorView
		if err := reg.Get(ctx, "/v1/obligors/"+o.ID, &ov); err != nil {
			t.Fatal(err)
		}
		if ov.HasCreditLine {
			tr.bankGranted += ov.LimitFen
			tr.bankUsed += ov.OutstandingFen
		}
		if o.ID == "foodgroup" {
			tr.foodOwed, tr.foodAvailable = ov.OpenFen, ov.AvailableFen
		}
	}
	var pf receivable.PortfolioView
	if err := reg.Get(ctx, "/v1/receivables?holder=bank", &pf); err != nil {
		t.Fatal(err)
	}
	tr.bankOpen = pf.OpenFen
	credits, err := client.Read(ctx, as("foodgroup"), tradeapi.ListCredits, tradeapi.CreditListParams{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	tr.foodCredits = len(credits.Items)
	if len(credits.Items) > 0 {
		tr.foodCredit = credits.Items[0].No
	}
	// The demo story's boxes of pears, which consumers scan.
	for _, serial := range []string{"SN0001", "SN0002", "SN0003"} {
		var p traceapi.ScanPageResponse
		if err := reg.Get(ctx, "/v1/trace/scan-page?epc="+url.QueryEscape("/01/06901234567892/21/"+serial), &p); err != nil {
			t.Fatal(err)
		}
		tr.coopScans += p.Scans.Count
	}
	var issued api.Page[credentialapi.Anchor]
	if err := as("alliance").Get(ctx, "/v1/credential/issued?org=alliance&limit=200", &issued); err != nil {
		t.Fatal(err)
	}
	for _, a := range issued.Items {
		tr.allianceIssued++
		if a.Status == credentialapi.StatusSuspended {
			tr.allianceSuspended++
		}
	}
	// The hospital's grants, given and received, as it reads them.
	var given, received api.Page[datashareapi.GrantView]
	if err := as("hospa").Get(ctx, "/v1/datashare/grants?owner=hospa", &given); err != nil {
		t.Fatal(err)
	}
	if err := as("hospa").Get(ctx, "/v1/datashare/grants?grantee=hospa", &received); err != nil {
		t.Fatal(err)
	}
	tr.hospaGiven, tr.hospaReceived = len(given.Items), len(received.Items)
	// The alliance's contracts.
	var contracts api.Page[evmapi.Contract]
	if err := as("alliance").Get(ctx, "/v1/evm/contracts?org=alliance", &contracts); err != nil {
		t.Fatal(err)
	}
	tr.allianceContracts = len(contracts.Items)
	if tr.hospaGiven == 0 || tr.allianceContracts == 0 {
		t.Fatalf("the demo story has no grant of the hospital's or no contract of the alliance's: %+v", tr)
	}
	if tr.bankGranted == 0 || tr.foodOwed == 0 || tr.foodCredits == 0 || tr.coopScans == 0 || tr.allianceIssued == 0 {
		t.Fatalf("the demo story has no credit line, receivable or credit: %+v", tr)
	}
	return tr
}

// figure reads the value of a panel's figure by its position.
func figure(t *testing.T, ctx context.Context, tile string, n int) string {
	t.Helper()
	return strings.TrimSpace(browsertest.Text(t, ctx, fmt.Sprintf("#tile-%s dl.figures > div:nth-child(%d) dd", tile, n)))
}

// dashboardPages: in the browser, the bank's and the food group's
// dashboards show the panels of their business with the numbers the API
// gives, in Chinese and English, at desktop and phone width with no
// horizontal scrolling; the charts have their titles and their tables.
func dashboardPages(t *testing.T, d *daemon.Daemon, home string) {
	base := d.GatewayURL
	tr := readTruth(t, base, home)
	ctx := browsertest.Browser(t)
	views := []struct {
		name          string
		width, height int64
	}{{"", 1280, 900}, {"-phone", 390, 844}}
	orgs := []struct {
		org    string
		tiles  []string
		checks func(ctx context.Context)
	}{
		{"bank", []string{"activity", "receivable-held", "receivable-lines", "trade-credits"}, func(ctx context.Context) {
			browsertest.Contains(t, figure(t, ctx, "receivable-lines", 1), chart.Yuan(tr.bankGranted), "credit granted")
			browsertest.Contains(t, figure(t, ctx, "receivable-lines", 2), chart.Yuan(tr.bankUsed), "credit used")
			browsertest.Contains(t, figure(t, ctx, "receivable-held", 1), chart.Yuan(tr.bankOpen), "the bank's open receivables")
		}},
		{"foodgroup", []string{"activity", "receivable-issued", "trade-ebls", "trade-credits", "carbon-compliance"}, func(ctx context.Context) {
			browsertest.Contains(t, figure(t, ctx, "receivable-issued", 1), chart.Yuan(tr.foodOwed), "what the food group owes")
			browsertest.Contains(t, figure(t, ctx, "receivable-issued", 3), chart.Yuan(tr.foodAvailable), "the food group's available credit")
			browsertest.Contains(t, figure(t, ctx, "trade-credits", 1), chart.Int(int64(tr.foodCredits)), "the food group's credits")
		}},
		{"hospa", []string{"activity", "datashare-grants", "datashare-accesses"}, func(ctx context.Context) {
			browsertest.Contains(t, figure(t, ctx, "datashare-grants", 1), chart.Int(int64(tr.hospaGiven)), "the hospital's grants given")
			browsertest.Contains(t, figure(t, ctx, "datashare-grants", 2), chart.Int(int64(tr.hospaReceived)), "the hospital's grants received")
		}},
		{"alliance", []string{"activity", "evm-contracts", "credential-issued"}, func(ctx context.Context) {
			browsertest.Contains(t, figure(t, ctx, "evm-contracts", 1), chart.Int(int64(tr.allianceContracts)), "the alliance's contracts")
			browsertest.Contains(t, figure(t, ctx, "credential-issued", 1), chart.Int(tr.allianceIssued), "the credentials the alliance issued")
			browsertest.Contains(t, figure(t, ctx, "credential-issued", 3), chart.Int(tr.allianceSuspended), "the alliance's suspended credentials")
		}},
		{"coop", []string{"activity", "notary-deposits", "trace-items", "trace-scans"}, func(ctx context.Context) {
			browsertest.Contains(t, figure(t, ctx, "trace-scans", 1), chart.Int(tr.coopScans), "consumers' scans")
			var rows []string
			browsertest.Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#tile-trace-scans tbody tr")].map(r => r.textContent)`, &rows))
			if len(rows) < 2 {
				t.Errorf("the scans by city table has %d rows: %q", len(rows), rows)
			}
			var recalled int
			browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#tile-trace-items svg.chart circle[stroke-dasharray]").length`, &recalled))
			if recalled < 3 {
				t.Errorf("the items chart has %d slices, want in circulation, sold and recalled", recalled)
			}
		}},
	}
	for _, o := range orgs {
		browsertest.SignIn(t, ctx, base, o.org+"-admin")
		for _, lang := range []string{"zh", "en"} {
			for _, v := range views {
				browsertest.Run(t, ctx, chromedp.EmulateViewport(v.width, v.height), chromedp.Navigate(base+"/hall?lang="+lang), chromedp.WaitVisible("#dash-title", chromedp.ByQuery))
				for _, id := range o.tiles {
					browsertest.Run(t, ctx, chromedp.WaitVisible("#tile-"+id, chromedp.ByQuery))
				}
				var failed, charts, titled, tables int
				var overflow bool
				browsertest.Run(t, ctx,
					chromedp.Evaluate(`document.querySelectorAll(".panel.failed").length`, &failed),
					chromedp.Evaluate(`document.querySelectorAll("svg.chart").length`, &charts),
					chromedp.Evaluate(`document.querySelectorAll("svg.chart > title + desc").length`, &titled),
					chromedp.Evaluate(`document.querySelectorAll("figure.chart details table").length`, &tables),
					chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflow))
				if failed != 0 || charts == 0 || titled != charts || tables != charts {
					t.Errorf("%s %s%s: %d failed panels, %d charts, %d with a title and description, %d tables", o.org, lang, v.name, failed, charts, titled, tables)
				}
				if overflow {
					t.Errorf("%s %s%s: the dashboard scrolls sideways", o.org, lang, v.name)
				}
				if o.checks != nil {
					o.checks(ctx)
				}
				if lang == "zh" {
					browsertest.Contains(t, browsertest.Text(t, ctx, "#dash-title"), "本机构概览", "the Chinese dashboard")
				} else {
					browsertest.Contains(t, browsertest.Text(t, ctx, "#dash-title"), "at a glance", "the English dashboard")
				}
				browsertest.Screenshot(t, ctx, "hall-dashboard-"+o.org+"-"+lang+v.name)
			}
		}
		browsertest.SignOut(t, ctx)
	}

	// The trade desk finds a credit by its number, and says when nothing
	// matches; the dashboard's trade panel links there.
	browsertest.SignIn(t, ctx, base, "foodgroup-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall?lang=zh"), chromedp.Click("#tile-trade-credits .links a", chromedp.ByQuery), chromedp.WaitVisible("#trade-search", chromedp.ByQuery),
		chromedp.SendKeys("#q", strings.ToLower(tr.foodCredit), chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery), chromedp.WaitVisible("#found", chromedp.ByQuery))
	var rows int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#credits tbody tr").length`, &rows))
	if rows != 1 {
		t.Errorf("searching the trade desk for credit %s lists %d credits", tr.foodCredit, rows)
	}
	browsertest.Contains(t, browsertest.Text(t, ctx, "#credits"), tr.foodCredit, "the credit found")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/trade?q=no-such-bill"), chromedp.WaitVisible("#found", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#found"), "0", "a search that finds nothing")
	browsertest.Screenshot(t, ctx, "hall-trade-search")
	browsertest.SignOut(t, ctx)
}
