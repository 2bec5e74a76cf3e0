package tradeplug_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
)

// TestHallPages works the trade hall as its clerks do, on the demo story:
// a refused new bill or credit comes back on the desk with the reason and
// the form as typed (never as "not a party", never on top of an existing
// record of that number); the Chinese pages say the chain's sentences
// (discrepancies, history notes) and the form's choices in Chinese; a
// bank that types a discrepancy the chain found already records it once;
// pallets show as their SSCC (no link into the raw API); the customs
// view's container column is a count and says so.
func TestHallPages(t *testing.T) {
	m := tradeplug.Module()
	d, home := nodetest.DevHall(t, plug.NewRegistry(m))
	base := d.GatewayURL
	key := func(org string) *client.Key { return client.KeyFrom(nodetest.AdminKey(t, home, org)) }
	env := &plug.DemoEnv{Client: client.New(base), PublicURL: base, Logger: slog.New(slog.DiscardHandler),
		Admin: func(org string) (*client.Key, error) { return key(org), nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := m.Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}
	do := func(org, action string, body any) {
		t.Helper()
		if _, err := client.New(base).Do(ctx, key(org), tradeapi.Name, action, body); err != nil {
			t.Fatalf("%s by %s: %v", action, org, err)
		}
	}
	type session struct {
		hc   *http.Client
		csrf string
	}
	sessions := map[string]session{}
	as := func(user string) session {
		s, ok := sessions[user]
		if !ok {
			s.hc, s.csrf = nodetest.SignIn(t, base, user)
			sessions[user] = s
		}
		return s
	}
	read := func(resp *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	get := func(user, path string) string {
		t.Helper()
		code, page := read(as(user).hc.Get(base + path))
		if code != http.StatusOK {
			t.Fatalf("%s opens %s: %d\n%s", user, path, code, page)
		}
		return page
	}
	post := func(user string, form url.Values) (int, string) {
		t.Helper()
		s := as(user)
		form.Set("csrf", s.csrf)
		return read(s.hc.PostForm(base+"/hall/trade/act", form))
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	date := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }

	t.Run("refused issues", func(t *testing.T) {
		bill := func(ref, pod string) url.Values {
			return url.Values{"action": {"issue_ebl"}, "ref": {ref}, "shipper": {"coop"}, "vessel": {"W"}, "voyage": {"1"}, "pol": {"CNSHA"},
				"pod": {pod}, "shipped": {date(0)}, "freight": {"collect"}, "goods": {"p"}, "hs_code": {"080830"}, "packages": {"1"},
				"weight_kg": {"1"}, "container": {"CSQU3054383"}}
		}
		credit := func(no, cur, amount string) url.Values {
			return url.Values{"action": {"issue_credit"}, "no": {no}, "applicant": {"foodgroup"}, "beneficiary": {"coop"}, "currency": {cur},
				"amount": {amount}, "expiry": {date(40)}, "latest_shipment": {date(30)}, "goods": {"pears"}}
		}
		for _, tc := range []struct {
			what, user string
			form       url.Values
			want       []string // on the page
			refilled   []string // inputs that kept what was typed
		}{
			{"a new bill to no port", "logistics-admin", bill("QA0009", "XX"), []string{"操作被拒绝", "XX", "UN/LOCODE"},
				[]string{`value="QA0009"`, `value="XX"`, `<option value="collect" selected="">`}},
			// The carrier issued this number: the refusal is about the
			// new bill, shown on the desk, not on the existing one.
			{"an existing bill's number", "logistics-admin", bill(demoEBL2, "XX"), []string{"操作被拒绝", "UN/LOCODE"}, []string{`value="` + demoEBL2 + `"`}},
			{"a credit of a negative amount", "bank-admin", credit("LC-QA-1", "USD", "-5"), []string{"操作被拒绝", "金额"},
				[]string{`value="LC-QA-1"`, `value="-5"`}},
			{"a credit in no currency", "bank-admin", credit("LC-QA-1", "XYZ", "5"), []string{"操作被拒绝", "币种", "XYZ", "ISO 4217"}, []string{`value="XYZ"`}},
			{"a credit of nothing", "bank-admin", credit("LC-QA-1", "USD", "0"), []string{"操作被拒绝", "应大于 0"}, nil},
			// The demo credit exists and the bank is its issuer.
			{"an existing credit's number", "bank-admin", credit(demoCredit, "USD", "-5"), []string{"操作被拒绝", "金额"}, []string{`value="` + demoCredit + `"`}},
		} {
			code, page := post(tc.user, tc.form)
			if code != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400\n%s", tc.what, code, page)
				continue
			}
			if strings.Contains(page, "当事方") || !strings.Contains(page, `id="issue-`) || strings.Contains(page, `id="lc-status"`) || strings.Contains(page, `id="proof-link"`) {
				t.Errorf("%s: not the desk with the issue forms:\n%s", tc.what, page)
			}
			for _, w := range append(tc.want, tc.refilled...) {
				if !strings.Contains(page, w) {
					t.Errorf("%s: the page lacks %q", tc.what, w)
				}
			}
			if strings.Contains(page, "unknown currency") || strings.Contains(page, "a positive amount") {
				t.Errorf("%s: English on the Chinese page", tc.what)
			}
		}
	})

	t.Run("desk and customs", func(t *testing.T) {
		desk := get("logistics-admin", "/hall/trade")
		if !strings.Contains(desk, `<option value="prepaid">运费预付</option>`) || strings.Contains(desk, ">prepaid<") || strings.Contains(desk, ">collect<") {
			t.Errorf("the freight choices are not in Chinese")
		}
		customs := get("regulator-admin", "/hall/trade/customs")
		if !strings.Contains(customs, "<th>集装箱数</th>") || strings.Contains(customs, "<th>集装箱号</th>") {
			t.Errorf("the customs view's container column does not say it counts")
		}
		bill := get("foodgroup-admin", "/hall/trade/ebls/"+demoEBL)
		if !strings.Contains(bill, "106141411234567897") || strings.Contains(bill, "/v1/trace/journey") {
			t.Errorf("the bill's pallet: no SSCC, or a link into the raw API")
		}
	})

	t.Run("amendment shown before consent", func(t *testing.T) {
		const ref = "WYCLQA000003"
		do("logistics", tradeapi.IssueEBL.Name, tradeapi.IssueEBLBody{Ref: ref, Shipper: "coop", ToOrder: true, Vessel: "WAN HAI 305", Voyage: "026S",
			PortOfLoading: tradeapi.Location{UNLocode: "CNSHA"}, PortOfDischarge: tradeapi.Location{UNLocode: "THLCH"}, ShippedOnBoard: date(0), Freight: tradeapi.FreightPrepaid,
			Goods:      []tradeapi.Item{{Description: "pears", HSCode: "080830", Packages: 1, PackageCode: "CT", GrossWeightG: 1000}},
			Containers: []tradeapi.Container{{Number: "CSQU3054383", ISOType: "45R1"}}})
		do("logistics", tradeapi.AmendEBL.Name, tradeapi.AmendEBLBody{Ref: ref, Changes: tradeapi.Amendment{Voyage: "027S",
			PortOfDischarge: &tradeapi.Location{UNLocode: "THBKK", Name: "Bangkok"}}, Reason: "航次录入错误"})
		page := get("coop-admin", "/hall/trade/ebls/"+ref)
		// Each change shows the value now and the one proposed.
		for _, w := range []string{`id="consent"`, "航次 <span translate=\"no\">026S</span> → <span translate=\"no\">027S</span>", "卸货港 <span translate=\"no\">THLCH</span> → <span translate=\"no\">THBKK Bangkok</span>"} {
			if !strings.Contains(page, w) {
				t.Errorf("the controller asked to consent does not see %q", w)
			}
		}
	})

	t.Run("credit words", func(t *testing.T) {
		// The demo credit was found complying, paid at sight and its
		// documents released.
		page := get("bank-admin", "/hall/trade/credits/"+demoCredit)
		for _, w := range []string{"相符", "即期付款：USD 97,200.00", "申请人已偿付开证行"} {
			if !strings.Contains(page, w) {
				t.Errorf("the demo credit's page lacks %q", w)
			}
		}
		for _, w := range []string{"complying", "paid at sight", "the applicant reimbursed"} {
			if strings.Contains(page, w) {
				t.Errorf("the demo credit's Chinese page says %q", w)
			}
		}
		en := get("coop-admin", "/hall/trade/credits/"+demoCredit+"?lang=en") // the language sticks to the session
		if !strings.Contains(en, "paid at sight: USD 97,200.00") {
			t.Errorf("the English page lacks the payment note")
		}

		// A credit requiring a certificate of origin and prohibiting
		// partial shipments, presented short and without the certificate.
		const no, ref = "LC-QA-2", "WYCLQA000002"
		do("bank", tradeapi.IssueCredit.Name, tradeapi.IssueCreditBody{No: no, Applicant: "foodgroup", Beneficiary: "coop", Availability: tradeapi.AvailSight,
			Terms: tradeapi.Terms{Amount: tradeapi.Money{Currency: "USD", Minor: 1_000_000}, Expiry: date(45), LatestShipment: date(30),
				PortOfLoading: "CNSHA", PortOfDischarge: "THLCH", Goods: "pears", Documents: []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice, tradeapi.DocOrigin}}})
		do("logistics", tradeapi.IssueEBL.Name, tradeapi.IssueEBLBody{Ref: ref, Shipper: "coop", ToOrder: true, Vessel: "WAN HAI 305", Voyage: "026S",
			PortOfLoading: tradeapi.Location{UNLocode: "CNSHA"}, PortOfDischarge: tradeapi.Location{UNLocode: "THLCH"}, ShippedOnBoard: date(0), Freight: tradeapi.FreightPrepaid,
			Goods:      []tradeapi.Item{{Description: "pears", HSCode: "080830", Packages: 1, PackageCode: "CT", GrossWeightG: 1000}},
			Containers: []tradeapi.Container{{Number: "CSQU3054383", ISOType: "45R1"}}})
		do("coop", tradeapi.Present.Name, tradeapi.PresentBody{No: no, EBL: ref, Amount: 500_000,
			Invoice: tradeapi.Doc{Type: tradeapi.DocInvoice, No: "INV-QA-2", SHA256: strings.Repeat("ab", 32)}})
		id := no + "-P1"
		page = get("bank-admin", "/hall/trade/credits/"+no)
		for _, w := range []string{"缺少单据：原产地证书", "分批支款：USD 5,000.00 少于信用证金额减 5%"} {
			if !strings.Contains(page, w) {
				t.Errorf("the presentation's page lacks %q", w)
			}
		}
		if strings.Contains(page, "missing document") || strings.Contains(page, "partial drawing") {
			t.Errorf("the Chinese page shows the detected discrepancies in English")
		}

		// The bank copies both found discrepancies (one as recorded, one
		// as the page shows it) and types one of its own twice.
		code, page := post("bank-admin", url.Values{"action": {"examine_documents"}, "no": {no}, "id": {id}, "complying": {"no"},
			"discrepancies": {"missing document: certificate_of_origin\n分批支款：USD 5,000.00 少于信用证金额减 5%（UCP 600 第 30(c) 条），而信用证禁止分批装运\n发票未签字\n发票未签字 "}})
		if code != http.StatusOK {
			t.Fatalf("examination: %d\n%s", code, page)
		}
		v, err := client.Read(ctx, client.New(base).As(key("bank")), tradeapi.GetCredit, tradeapi.CreditParams{No: no})
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Presentations[0].Discrepancies; !slices.Equal(got, []string{"发票未签字"}) {
			t.Errorf("the bank's discrepancies recorded: %q, want the one it typed, once", got)
		}
		page = get("bank-admin", "/hall/trade/credits/"+no)
		if !strings.Contains(page, "不符：缺少单据：原产地证书；分批支款") || strings.Count(page, "发票未签字") != 2 { // the list and the history
			t.Errorf("the examination's history note is not in Chinese or repeats:\n%s", page)
		}
	})
}
