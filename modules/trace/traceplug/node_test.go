package traceplug_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/modules/trace/traceplug"
)

// demoNode starts a dev node with the demo story recorded: three boxes
// of pears (/01/06901234567892/21/SN0001..3) delivered to the
// supermarket, SN0003 sold, a too-warm reading on the truck.
func demoNode(t testing.TB) (*daemon.Daemon, string, *client.Client) {
	t.Helper()
	d, home := nodetest.Dev(t)
	c := client.New(d.GatewayURL)
	admin := func(org string) (*client.Key, error) {
		return client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := traceplug.SeedStory(ctx, c, admin, time.Now()); err != nil {
		t.Fatal(err)
	}
	return d, home, c
}

func demoItem(n int) string { return fmt.Sprintf("/01/06901234567892/21/SN%04d", n) }

// phone is an HTTP client from a local address of its own (127.x.y.z:
// another network when y differs), with or without a cookie jar, that
// does not follow redirects unless asked.
func phone(t testing.TB, local string, jar bool, follow bool) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}, Timeout: 20 * time.Second}
	if jar {
		c.Jar, _ = cookiejar.New(nil)
	}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func scanPage(t testing.TB, c *client.Client, epc string) *traceapi.ScanPageResponse {
	t.Helper()
	p, err := client.Read(context.Background(), c, traceapi.GetScanPage, traceapi.EPCParams{EPC: epc})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// committed waits until the item's counted scans are all on chain and
// returns the page.
func committed(t *testing.T, c *client.Client, epc string) *traceapi.ScanPageResponse {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p := scanPage(t, c, epc)
		if p.PendingScans == 0 {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d scans still pending after 30 s", epc, p.PendingScans)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func reasons(p *traceapi.ScanPageResponse) []string {
	var out []string
	for _, r := range p.Risk.Reasons {
		out = append(out, r.Code)
	}
	return out
}

// TestPublicScanWrites are the attacks on the scan count and verdict
// through the node's public paths.
func TestPublicScanWrites(t *testing.T) {
	d, home, c := demoNode(t)
	base := d.GatewayURL
	item := demoItem(1)

	t.Run("an EPCIS check in a language the node does not speak", func(t *testing.T) {
		k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "coop"))
		if err != nil {
			t.Fatal(err)
		}
		var out json.RawMessage
		err = c.As(k).PostJSON(context.Background(), "/v1/trace/epcis?org=coop&lang=fr", map[string]any{"type": "EPCISDocument"}, &out)
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Name != "bad_request" || !strings.Contains(ce.Message, "lang must be zh or en") {
			t.Fatalf("lang=fr: %v", err)
		}
	})

	t.Run("no public scan endpoint, no text/plain writes", func(t *testing.T) {
		for _, path := range []string{"/v1/trace/scans", "/v1/trace/epcis"} {
			resp, err := http.Post(base+path, "text/plain", strings.NewReader(`{"scans":[{"epc":"`+item+`","device":"x","location":"上海"}]}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode < 400 {
				t.Errorf("POST %s as text/plain: %s", path, resp.Status)
			}
		}
		if p := committed(t, c, item); p.Scans.Count != 0 {
			t.Fatalf("%d scans recorded", p.Scans.Count)
		}
	})

	t.Run("a request without a device cookie counts nothing", func(t *testing.T) {
		nocookies := phone(t, "127.0.0.1", false, false)
		resp, _ := get(t, nocookies, base+item)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "device-check=") || len(resp.Cookies()) != 1 {
			t.Fatalf("first visit: %s, Location %q, cookies %v", resp.Status, loc, resp.Cookies())
		}
		resp, body := get(t, nocookies, base+loc)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="not-counted"`) {
			t.Fatalf("the check without the cookie: %s\n%s", resp.Status, body)
		}
		// A cookie the node did not sign is no device either.
		req, _ := http.NewRequest("GET", base+item, nil)
		req.AddCookie(&http.Cookie{Name: "dengta_device", Value: strings.Repeat("ab", 16) + "." + strings.Repeat("cd", 16)})
		resp, err := nocookies.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a forged device cookie: %s", resp.Status)
		}
		if p := scanPage(t, c, item); p.PendingScans != 0 || p.Scans.Count != 0 {
			t.Fatalf("scans counted without a device: %d + %d pending", p.Scans.Count, p.PendingScans)
		}
	})

	t.Run("a device counts once per window", func(t *testing.T) {
		ph := phone(t, "127.0.0.1", true, true)
		for i := range 3 {
			resp, body := get(t, ph, base+item)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("visit %d: %s", i, resp.Status)
			}
			if i > 0 && !strings.Contains(body, `id="not-counted"`) {
				t.Fatalf("visit %d was counted again", i)
			}
		}
		if p := committed(t, c, item); p.Scans.Count != 1 {
			t.Fatalf("%d scans for three visits by one phone", p.Scans.Count)
		}
	})

	t.Run("a shared check link is a new device's first visit", func(t *testing.T) {
		// The address bar keeps the check's URL, so that is what people
		// share; opened later by another phone, it counts that phone.
		other := phone(t, "127.0.0.2", true, true)
		resp, body := get(t, other, base+item+"?device-check=1700000000.0123456789abcdef")
		if resp.StatusCode != http.StatusOK || strings.Contains(body, `id="not-counted"`) {
			t.Fatalf("a shared check link on a new phone: %s, not counted", resp.Status)
		}
	})

	t.Run("one network cannot fake a fast move or many places", func(t *testing.T) {
		// Fresh phones on one network, half in Hefei, half in Shanghai;
		// the node mints only so many devices for one address.
		counted := 0
		for i := range 14 {
			ph := phone(t, "127.0.0.2", true, true)
			city := []string{"合肥", "上海", "北京"}[i%3]
			_, body := get(t, ph, base+item+"?city="+url.QueryEscape(city))
			if !strings.Contains(body, `id="not-counted"`) {
				counted++
			}
		}
		if counted > 10 {
			t.Errorf("one address made %d new devices count", counted)
		}
		p := committed(t, c, item)
		for _, r := range reasons(p) {
			if r == trace.ReasonFastMove || r == trace.ReasonManyLocations || r == trace.ReasonScannedAfterSale {
				t.Fatalf("one network turned the verdict: %v", p.Risk.Reasons)
			}
		}
	})

	t.Run("two real phones far apart do", func(t *testing.T) {
		// The sold box scanned in Hefei and, minutes later, in Urumqi,
		// from two networks: a copied code.
		sold := demoItem(3)
		for _, ph := range []struct{ addr, city string }{{"127.0.3.1", "hefei"}, {"127.0.4.1", "乌鲁木齐市"}} {
			cl := phone(t, ph.addr, true, true)
			// Setting the city leads on to the page, which counts.
			if resp, body := get(t, cl, base+sold+"?city="+url.QueryEscape(ph.city)); resp.StatusCode != http.StatusOK || strings.Contains(body, `id="not-counted"`) {
				t.Fatalf("%s: %s, counted %v", ph.addr, resp.Status, !strings.Contains(body, `id="not-counted"`))
			}
		}
		p := committed(t, c, sold)
		if p.Risk.Level != trace.LevelDanger || p.Scans.First == nil || p.Scans.First.City == "" {
			t.Fatalf("verdict %s %v, first scan %+v", p.Risk.Level, reasons(p), p.Scans.First)
		}
	})

	t.Run("Chinese cities are recorded", func(t *testing.T) {
		it := demoItem(2)
		ph := phone(t, "127.0.5.1", true, false)
		resp, _ := get(t, ph, base+it+"?city="+url.QueryEscape("合肥"))
		var city string
		for _, ck := range resp.Cookies() {
			if ck.Name == "dengta_city" {
				city = ck.Value
			}
		}
		if resp.StatusCode != http.StatusSeeOther || city != "340100" {
			t.Fatalf("?city=合肥: %s, city cookie %q", resp.Status, city)
		}
		ph = phone(t, "127.0.5.1", true, true)
		u, _ := url.Parse(base)
		ph.Jar.SetCookies(u, []*http.Cookie{{Name: "dengta_city", Value: city}})
		_, body := get(t, ph, base+it)
		if !strings.Contains(body, "合肥") {
			t.Fatal("the page does not show the city")
		}
		p := committed(t, c, it)
		if p.Scans.First == nil || p.Scans.First.City != "340100" {
			t.Fatalf("first scan %+v", p.Scans.First)
		}
		// Several cities share a name: the visitor chooses.
		resp, body = get(t, phone(t, "127.0.5.1", true, false), base+it+"?city=Suzhou")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "city=341300") || !strings.Contains(body, "city=320500") {
			t.Fatalf("?city=Suzhou: %s", resp.Status)
		}
	})

	t.Run("a code never issued", func(t *testing.T) {
		for _, code := range []string{"/01/06901234567892/21/FAKE0001", "/01/" + "0690555555555" + string(trace.GS1CheckDigit("0690555555555")) + "/21/X1"} {
			resp, body := get(t, phone(t, "127.0.6.1", true, true), base+code)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `id="never-issued"`) || !strings.Contains(body, "从未发放") {
				t.Fatalf("%s: %s\n%s", code, resp.Status, body)
			}
			if _, err := client.Read(context.Background(), c, traceapi.GetItem, traceapi.EPCParams{EPC: code}); !client.IsCode(err, "not_found") {
				t.Fatalf("%s is on chain: %v", code, err)
			}
		}
		if brand := "梨都果品"; !strings.Contains(func() string {
			_, b := get(t, phone(t, "127.0.6.1", true, true), base+"/01/06901234567892/21/FAKE0001")
			return b
		}(), brand) {
			t.Error("the page does not name the brand the fake claims")
		}
	})

	t.Run("a single-item recall shows on its page", func(t *testing.T) {
		reg, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "regulator"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := client.Send(context.Background(), c, reg, traceapi.Capture, traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve,
			EPCList: []string{demoItem(2)}, BizStep: trace.StepRecalling, Disposition: "recalled", EventTime: time.Now().Format(time.RFC3339)}); err != nil {
			t.Fatal(err)
		}
		_, body := get(t, phone(t, "127.0.7.1", true, true), base+demoItem(2))
		if !strings.Contains(body, `id="recall"`) || strings.Contains(body, "✓ 正品") {
			t.Fatalf("the recalled item's page:\n%s", body)
		}
		if _, body := get(t, phone(t, "127.0.7.1", true, true), base+demoItem(1)); strings.Contains(body, `id="recall"`) {
			t.Fatal("another item of the lot shows the recall")
		}
	})

	t.Run("only the node operator signs scan batches", func(t *testing.T) {
		coop, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "coop"))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = client.Send(context.Background(), c, coop, traceapi.RecordScans, traceapi.ScansBody{Scans: []traceapi.ScanInput{{EPC: demoItem(1),
			Time: time.Now().Format(time.RFC3339), City: "310000", Device: strings.Repeat("ab", 32)}}})
		if !client.IsCode(err, "unauthorized") {
			t.Fatalf("an admin key signed record_scans: %v", err)
		}
		// A member's own scanner goes through its signed transactions.
		market, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "market"))
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := client.Send(context.Background(), c, market, traceapi.RecordMemberScans, traceapi.MemberScansBody{Scans: []traceapi.MemberScanInput{{EPC: demoItem(1),
			Time: time.Now().Format(time.RFC3339), City: "340100"}}})
		if err != nil || res.Recorded != 1 {
			t.Fatalf("member scan: %+v, %v", res, err)
		}
		if p := scanPage(t, c, demoItem(1)); p.Scans.MemberCount != 1 {
			t.Fatalf("member scans %d", p.Scans.MemberCount)
		}
	})

	t.Run("an address is rate limited", func(t *testing.T) {
		ph := phone(t, "127.0.8.1", true, true)
		limited := false
		for range 200 {
			resp, _ := get(t, ph, base+demoItem(1))
			if resp.StatusCode == http.StatusTooManyRequests {
				limited = resp.Header.Get("Retry-After") != ""
				break
			}
		}
		if !limited {
			t.Fatal("200 page views from one address in a row, none refused")
		}
		// Another address is not.
		if resp, _ := get(t, phone(t, "127.0.9.1", true, true), base+demoItem(1)); resp.StatusCode != http.StatusOK {
			t.Fatalf("another address: %s", resp.Status)
		}
	})
}
