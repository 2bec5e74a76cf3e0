package traceplug_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/modules/trace/traceplug"
)

// TestHallAndScanWords works the trace hall and the scan page on the demo
// story as their users do: an event naming no item is refused before it
// is signed, the form kept; every label of a lot larger than a page is
// reachable, in serial number order, with how many there are; a code that
// is not one is refused in the page's language; the English scan page
// counts its readings in good English; a label whose lot is not the
// item's warns and does not count as a scan.
func TestHallAndScanWords(t *testing.T) {
	d, home := nodetest.DevHall(t, plug.NewRegistry(traceplug.Module()))
	base := d.GatewayURL
	key := func(org string) *client.Key { return client.KeyFrom(nodetest.AdminKey(t, home, org)) }
	c := client.New(base)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := traceplug.SeedStory(ctx, c, func(org string) (*client.Key, error) { return key(org), nil }, time.Now()); err != nil {
		t.Fatal(err)
	}
	const lot = "/01/06901234567892/10/L2026"
	// 250 more boxes of the lot, serial numbers QA1 to QA250 (no zeros:
	// as text, QA10 would come before QA2).
	var epcs []string
	for i := 1; i <= 250; i++ {
		epcs = append(epcs, fmt.Sprintf("/01/06901234567892/21/QA%d", i))
	}
	if _, err := c.Do(ctx, key("coop"), traceapi.Name, traceapi.Capture.Name, map[string]any{"type": "ObjectEvent", "action": "ADD",
		"epc_list": epcs, "lot": lot, "biz_step": "commissioning", "disposition": "active", "event_time": time.Now().Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	hc, csrf := nodetest.SignIn(t, base, "coop-admin")
	page := func(req func() (*http.Response, error)) (int, string) {
		t.Helper()
		resp, err := req()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	hallGet := func(path string) (int, string) {
		return page(func() (*http.Response, error) { return hc.Get(base + path) })
	}

	t.Run("regulator's form for regulators only", func(t *testing.T) {
		if code, p := hallGet("/hall/trace"); code != http.StatusOK || strings.Contains(p, `id="assign-prefix"`) {
			t.Errorf("the cooperative's trace page (%d) offers the regulator's prefix form", code)
		}
	})

	t.Run("event without items", func(t *testing.T) {
		for _, step := range []string{"shipping", "recalling"} {
			code, p := page(func() (*http.Response, error) {
				return hc.PostForm(base+"/hall/trace/act", url.Values{"csrf": {csrf}, "action": {"event"}, "biz_step": {step}, "epcs": {" \n "}, "to": {"logistics"}})
			})
			if code != http.StatusBadRequest || !strings.Contains(p, "请填写单品码") {
				t.Errorf("%s of no item: %d, want 400 asking for the codes", step, code)
			}
			if !strings.Contains(p, `<option value="`+step+`" selected="">`) || !strings.Contains(p, `<option value="logistics" selected="">`) {
				t.Errorf("%s of no item: the form is not as sent", step)
			}
		}
		// A code that is not one: the forms it could take, in Chinese.
		_, p := page(func() (*http.Response, error) {
			return hc.PostForm(base+"/hall/trace/act", url.Values{"csrf": {csrf}, "action": {"event"}, "biz_step": {"shipping"}, "epcs": {"garbage"}})
		})
		if !strings.Contains(p, ` 或 <span class="chain-words" lang="en" translate="no">/drug/&lt;code&gt;</span>`) || strings.Contains(p, " or /drug") {
			t.Errorf("the refusal of a code that is not one does not name the forms in Chinese")
		}
	})

	t.Run("labels", func(t *testing.T) {
		path := "/hall/trace/labels?lot=" + url.QueryEscape(lot)
		var serials []string
		for n := 1; n <= 3; n++ {
			code, p := hallGet(path + fmt.Sprintf("&page=%d", n))
			if code != http.StatusOK {
				t.Fatalf("labels page %d: %d\n%s", n, code, p)
			}
			if !strings.Contains(p, "本批次共 253 个标签") || !strings.Contains(p, fmt.Sprintf("第 %d 页，共 3 页", n)) {
				t.Errorf("labels page %d does not say how many labels there are and which page it is", n)
			}
			if (n < 3) != strings.Contains(p, `class="next"`) {
				t.Errorf("labels page %d: next-page link wrong", n)
			}
			for _, part := range strings.Split(p, "<br><code>")[1:] {
				serials = append(serials, part[:strings.Index(part, "</code>")])
			}
		}
		var want []string
		for i := 1; i <= 250; i++ {
			want = append(want, fmt.Sprintf("QA%d", i))
		}
		want = append(want, "SN0001", "SN0002", "SN0003")
		if strings.Join(serials, " ") != strings.Join(want, " ") {
			t.Errorf("the labels over the pages: %v\nwant %v", serials, want)
		}
		if code, p := hallGet(path + "&page=4"); code != http.StatusBadRequest || !strings.Contains(p, "1 到 3") {
			t.Errorf("a page past the last: %d", code)
		}
	})

	t.Run("bad codes", func(t *testing.T) {
		for _, path := range []string{"/hall/trace/product?id=garbage", "/hall/trace/labels?lot=x"} {
			code, p := hallGet(path)
			if code != http.StatusBadRequest || !strings.Contains(p, "既不是") || strings.Contains(p, "is neither") {
				t.Errorf("%s: %d, want 400 in Chinese\n%s", path, code, p)
			}
		}
	})

	t.Run("scan page", func(t *testing.T) {
		en1 := phone(t, "127.0.0.1", true, false)
		// The English page counts one reading as one.
		_, en := get(t, phone(t, "127.0.0.1", true, true), base+"/01/06901234567892/21/SN0001?lang=en")
		for _, w := range []string{"A temperature reading of 9.6°C", "the only reading that was", "One temperature reading outside"} {
			if !strings.Contains(en, w) {
				t.Errorf("the English scan page lacks %q", w)
			}
		}
		if strings.Contains(en, "1 readings") || strings.Contains(en, "1 Temperature readings") {
			t.Errorf("the English scan page counts one reading as many")
		}
		// The item's own lot goes to its page; another lot warns.
		if resp, _ := get(t, en1, base+"/01/06901234567892/10/L2026/21/SN0001"); resp.StatusCode != http.StatusMovedPermanently {
			t.Errorf("the item's own lot: %d, want 301", resp.StatusCode)
		}
		before := scanPage(t, c, demoItem(1))
		for _, lang := range []string{"zh", "en"} {
			resp, p := get(t, phone(t, "127.0.0.1", true, true), base+"/01/06901234567892/10/WRONG/21/SN0001?lang="+lang)
			want := map[string]string{"zh": "标签上印的批次", "en": "The label gives lot"}[lang]
			if resp.StatusCode != http.StatusOK || !strings.Contains(p, want) || !strings.Contains(p, "WRONG") || !strings.Contains(p, `id="not-counted"`) {
				t.Errorf("another lot (%s): %d, no warning or not-counted note", lang, resp.StatusCode)
			}
		}
		if after := scanPage(t, c, demoItem(1)); after.PendingScans != before.PendingScans || after.Scans.Count != before.Scans.Count {
			t.Errorf("a label of another lot counted as a scan: %d+%d, was %d+%d", after.Scans.Count, after.PendingScans, before.Scans.Count, before.PendingScans)
		}
	})
}
