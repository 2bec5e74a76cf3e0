package datashareplug_test

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
	"github.com/dengta-chain/dengta/tx"
)

// TestHallSpeaksThePagesLanguage: a patient the admission form refuses
// (no name, an ID number too short, a patient already admitted) is said
// in the page's language on the hall's page, with the form refilled, and
// nothing is admitted; a device's page refused to an organisation that
// is no party of the device says so in the page's language.
func TestHallSpeaksThePagesLanguage(t *testing.T) {
	d, home := nodetest.DevHall(t, plug.NewRegistry(datashareplug.Module()))
	base := d.GatewayURL
	hc, csrf := nodetest.SignIn(t, base, "hospa-admin")
	post := func(form url.Values) (int, string) {
		t.Helper()
		form.Set("csrf", csrf)
		resp, err := hc.PostForm(base+"/hall/datashare/patients", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	patients := func() int {
		t.Helper()
		resp, err := hc.Get(base + "/hall/datashare")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		table := regexp.MustCompile(`(?s)<table class="list" id="patients">.*?</table>`).FindString(string(b))
		if table == "" {
			return 0
		}
		return strings.Count(table, "<tr>") - 1
	}
	refilled := func(page, name, value string) bool {
		return regexp.MustCompile(`<input[^>]*name="` + name + `"[^>]*value="` + regexp.QuoteMeta(value) + `"`).MatchString(page)
	}
	english := regexp.MustCompile(`is required|must have|already in this hospital|characters`)

	for _, tc := range []struct {
		what       string
		form       url.Values
		status     int
		want       string
		keep, with string
	}{
		{"no name", url.Values{"name": {"  "}, "id_number": {"340102199003071234"}}, http.StatusBadRequest, "请填写患者姓名。", "id_number", "340102199003071234"},
		{"an ID number too short", url.Values{"name": {"王淑芬"}, "id_number": {"3 4"}}, http.StatusBadRequest, "身份证件号码应为 4 至 32 个字母或数字（空格不计），现在是 2 个", "name", "王淑芬"},
		{"a name too long", url.Values{"name": {strings.Repeat("王", 41)}, "id_number": {"340102199003071234"}}, http.StatusBadRequest, "患者姓名应为 1 至 40 个字，现在是 41 个", "id_number", "340102199003071234"},
	} {
		status, page := post(tc.form)
		if status != tc.status || !strings.Contains(page, tc.want) || english.MatchString(page) || !refilled(page, tc.keep, tc.with) {
			t.Errorf("%s: %d, want %d saying %q with %s refilled:\n%s", tc.what, status, tc.status, tc.want, tc.keep, page)
		}
	}
	if n := patients(); n != 0 {
		t.Fatalf("%d patients admitted by refused forms", n)
	}

	form := url.Values{"name": {"王淑芬"}, "id_number": {"340102199003071234"}}
	resp, err := hc.PostForm(base+"/hall/datashare/patients", url.Values{"csrf": {csrf}, "name": form["name"], "id_number": form["id_number"]})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || patients() != 1 {
		t.Fatalf("admitting a patient: %s, %d patients", resp.Status, patients())
	}
	status, page := post(url.Values{"name": {"王淑芬"}, "id_number": {"3401 0219 9003 0712 34"}})
	if status != http.StatusConflict || !strings.Contains(page, "该患者已在本院登记") || english.MatchString(page) || !refilled(page, "name", "王淑芬") {
		t.Errorf("the patient admitted again: %d\n%s", status, page)
	}
	if n := patients(); n != 1 {
		t.Fatalf("%d patients after admitting one twice", n)
	}

	// A device of the juice factory, made by the machinery maker, seen by
	// the cooperative (no party of it).
	dk, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	juicery := client.KeyFrom(nodetest.AdminKey(t, home, "juicery"))
	if _, _, err := client.Send(context.Background(), client.New(base), juicery, datashareapi.RegisterDevice, datashareapi.DeviceBody{ID: "JUICER-PRESS-07",
		Maker: "machinery", Model: "HP-500", Serial: "HP500-2024-0317", PublicKey: dk.Public()}); err != nil {
		t.Fatal(err)
	}
	coop, _ := nodetest.SignIn(t, base, "coop-admin")
	for _, tc := range []struct{ lang, want, not string }{
		{"zh", "设备 <span class=\"chain-words\" lang=\"en\" translate=\"no\">JUICER-PRESS-07</span> 的信息只向其所有方", "is shown to its owner"},
		{"en", "is shown to its owner", "只向其所有方"},
	} {
		resp, err := coop.Get(base + "/hall/datashare/devices/JUICER-PRESS-07?lang=" + tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, tc.want) || strings.Contains(page, tc.not) || strings.Contains(page, "its maker, its grantees") {
			t.Errorf("the device refused to the cooperative (%s): %d\n%s", tc.lang, resp.StatusCode, page)
		}
	}
	// A record the cooperative cannot open is refused without claiming the
	// owner's node refused and audited it: it was never asked.
	{
		resp, err := coop.Get(base + "/hall/datashare/open?record=DR20261207-000000000000000000AA&grant=DG20261207-000000000000000000AA&lang=zh")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if page := string(b); !strings.Contains(page, "本机构不能打开这条记录") || strings.Contains(page, "数据所有方拒绝") || strings.Contains(page, "治理投票") {
			t.Errorf("a record the cooperative cannot open: %d\n%s", resp.StatusCode, page)
		}
	}
	// A device that does not exist is refused the same way, and the
	// refusal names no party: the cooperative cannot tell which devices
	// exist, nor whose they are.
	for _, id := range []string{"JUICER-PRESS-07", "NO-SUCH-DEVICE"} {
		resp, err := coop.Get(base + "/hall/datashare/devices/" + id + "?lang=en")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if page := string(b); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "is shown to its owner, its maker") || strings.Contains(page, "Juice") || strings.Contains(page, "Machinery") {
			t.Errorf("device %s refused to the cooperative: %d\n%s", id, resp.StatusCode, page)
		}
	}

	// A patient's statement is public: a patient that does not exist is
	// answered as a signature that is not the patient's, saying nothing of
	// which patients exist; a number that is none is a bad request.
	statement := func(subject string) (int, string) {
		body := `{"act":"revoke","grant":"DG20261207-000000000000000000AA","subject":"` + subject + `","time":"2026-12-07T03:30:00Z","signature":"00"}`
		resp, err := http.Post(base+"/v1/datashare/subject-statements", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := statement("P0000000000000000"); code != http.StatusForbidden || !strings.Contains(body, "the signature is not patient P0000000000000000's") {
		t.Errorf("a statement of a patient that does not exist: %d %s", code, body)
	}
	if code, _ := statement("x"); code != http.StatusBadRequest {
		t.Errorf("a statement of no patient number: %d", code)
	}
}
