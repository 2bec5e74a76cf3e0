package carbonplug_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/carbonplug"
)

// TestPagesSayInputErrorsInTheirLanguage: serial ranges the hall cannot
// read and a footprint page asked for a number that is no GTIN are said
// in the page's language, saying what to write; the refused transfer
// records nothing and its form comes back filled.
func TestPagesSayInputErrorsInTheirLanguage(t *testing.T) {
	d, home := nodetest.DevHall(t, plug.NewRegistry(carbonplug.Module()))
	s := newStory(t, d, home)
	_, batch := s.credits(t, 3_000)
	base := d.GatewayURL
	hc, csrf := nodetest.SignIn(t, base, "coop-admin")

	resp, err := hc.PostForm(base+"/hall/carbon", url.Values{"csrf": {csrf}, "action": {"transfer"}, "batch": {batch}, "to": {"foodgroup"},
		"quantity": {"10"}, "ranges": {"1-5, abc"}, "price": {"60"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "既不是序列号，也不是 1-50 这样的范围") || strings.Contains(page, "is not a serial") ||
		!regexp.MustCompile(`name="ranges"[^>]*value="1-5, abc"`).MatchString(page) {
		t.Fatalf("serial ranges that are not ranges: %d\n%s", resp.StatusCode, page)
	}
	acct, err := client.Read(s.ctx, s.c.As(s.keys["coop"]), carbonapi.GetAccount, carbonapi.OrgParams{Org: "coop"})
	if err != nil || len(acct.Holdings) != 1 || acct.Holdings[0].Quantity != 3_000 {
		t.Fatalf("the cooperative's account after a refused transfer: %v %+v", err, acct)
	}

	for _, tc := range []struct {
		path, want, not string
	}{
		{"/carbon/footprints/01/123", "GTIN 是商品条码下方的 8、12、13 或 14 位数字（例如 06901234567892），这里有 3 位", "a GTIN has"},
		{"/carbon/footprints/01/69012345X", "只有数字", "only digits"},
		{"/carbon/footprints/01/6901234567891", "校验位不对", "check digit"},
		{"/carbon/footprints/01/6901234567892/10/" + strings.Repeat("A", 21), "批次号", "longer than"},
		{"/carbon/footprints/01/123?lang=en", "is not a GTIN: a GTIN is the 8, 12, 13 or 14 digits under a product", "位"},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if page := string(b); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, tc.want) || strings.Contains(page, tc.not) || strings.Contains(page, "gtin:") {
			t.Errorf("%s: %d, want 400 saying %q\n%s", tc.path, resp.StatusCode, tc.want, page)
		}
	}
}

// TestParseRanges: ranges as people write them; a part with anything
// after its number is refused, not read as the number.
func TestParseRanges(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []carbonapi.Range
		bad  string
	}{
		{in: "", want: nil},
		{in: "1-50, 61-70，99;#100-101", want: []carbonapi.Range{{From: 1, To: 50}, {From: 61, To: 70}, {From: 99, To: 99}, {From: 100, To: 101}}},
		{in: "12x", bad: "12x"},
		{in: "1-50-60", bad: "1-50-60"},
		{in: "1-5 abc", bad: "abc"},
		{in: "-5", bad: "-5"},
	} {
		got, err := carbonplug.ParseRanges(tc.in)
		var re *carbonplug.RangeError
		switch {
		case tc.bad != "" && (!errors.As(err, &re) || re.Part != tc.bad):
			t.Errorf("%q: %v %v, want a RangeError on %q", tc.in, got, err, tc.bad)
		case tc.bad == "" && (err != nil || !slices.Equal(got, tc.want)):
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
}
