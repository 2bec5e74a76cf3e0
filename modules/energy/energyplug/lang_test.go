package energyplug_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/modules/energy/energyplug"
)

// TestHallSaysInputErrorsInItsLanguage: a meter key that is no public
// key, a readings file that is not one and an interval that is none are
// said in the page's language, saying what to give; the refused meter is
// not registered and its form comes back filled.
func TestHallSaysInputErrorsInItsLanguage(t *testing.T) {
	d, home := nodetest.DevHall(t, plug.NewRegistry(energyplug.Module()))
	base := d.GatewayURL
	send(t, client.New(base), loadKey(t, home, "regulator"), energyapi.OpenZone, energyapi.ZoneBody{Zone: "AH-DS-LL", Name: "砀山良梨片区", IntervalMinutes: 15,
		RetailFen: 62, FeedInFen: 39, WheelingFen: 5, PriceCapFen: 120})
	read := func(resp *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	grid, csrf := nodetest.SignIn(t, base, "regulator-admin")
	status, page := read(grid.PostForm(base+"/hall/energy", url.Values{"csrf": {csrf}, "action": {"register_meter"}, "zone": {"AH-DS-LL"},
		"meter": {"3413210000000009"}, "org": {"coop"}, "capacity_w": {"60000"}, "public_key": {"sm2:xyz"}}))
	if status != http.StatusBadRequest || !strings.Contains(page, "格式不正确：请粘贴电表密钥的公钥") || strings.Contains(page, "is not hex") ||
		!regexp.MustCompile(`name="meter"[^>]*value="3413210000000009"`).MatchString(page) {
		t.Errorf("a meter key that is no key: %d\n%s", status, page)
	}
	status, page = read(grid.Get(base + "/hall/energy/zones/AH-DS-LL/intervals/2026-03-01"))
	if status != http.StatusBadRequest || !strings.Contains(page, "不是该交易区的交易时段") || !strings.Contains(page, "每 15 分钟一段") || strings.Contains(page, "YYYYMMDDhhmm") {
		t.Errorf("an interval that is none: %d\n%s", status, page)
	}

	coop, csrf := nodetest.SignIn(t, base, "coop-admin")
	// A page link whose cursor is no cursor of the list (edited by hand).
	status, page = read(coop.Get(base + "/hall/energy?orders_after=" + url.QueryEscape("zz\x01")))
	if status != http.StatusBadRequest || !strings.Contains(page, "翻页链接已失效或不属于这个列表") || strings.Contains(page, "is not a cursor") {
		t.Errorf("a bad cursor: %d\n%s", status, page)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", csrf)
	_ = w.WriteField("action", "post_readings")
	f, _ := w.CreateFormFile("readings", "readings.csv")
	_, _ = f.Write([]byte("meter,interval,import_wh\n3413210000000001,202603011030,120\n"))
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/hall/energy", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	status, page = read(coop.Do(req))
	if status != http.StatusBadRequest || !strings.Contains(page, "这不是读数文件") || strings.Contains(page, "is not a JSON array") {
		t.Errorf("a readings file that is not one: %d\n%s", status, page)
	}
	if _, page := read(coop.Get(base + "/hall/energy")); strings.Contains(page, "3413210000000009") {
		t.Errorf("the refused meter is registered:\n%s", page)
	}
}
