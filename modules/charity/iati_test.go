package charity_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// xmllint returns the path of libxml2's xmllint, or skips the test (fails
// it in CI, which installs Debian's libxml2-utils).
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no xmllint found: CI must install Debian's libxml2-utils package (.ci/run does)")
	}
	t.Skip("no xmllint found: install Debian's libxml2-utils (apt-get install libxml2-utils) to validate the IATI export")
	return ""
}

// ValidateIATI validates an IATI activity document against the vendored
// IATI 2.03 schema with xmllint, offline.
func ValidateIATI(t *testing.T, doc []byte) error {
	t.Helper()
	bin := xmllint(t)
	f := filepath.Join(t.TempDir(), "activity.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", filepath.Join("testdata", "iati-2.03", "iati-activities-schema.xsd"), f).CombinedOutput()
	if err != nil {
		return &xmlError{string(out)}
	}
	return nil
}

type xmlError struct{ out string }

func (e *xmlError) Error() string { return e.out }

// iatiStory is a project with every kind of transaction the export
// writes: donations on two days, a refund, a grant in and one out, a
// purchase, a direct disbursement, gifts in kind and reports.
func iatiStory(t *testing.T) (*testchain.Chain, string) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	register(t, c, "cty", 2, true)
	p1 := project(t, c, "fdn", "皖民慈备 2026-001")
	p2 := project(t, c, "cty", "皖民慈备 2026-002")
	r := donate(t, c, "bank", p2, "", 50_000)
	c.Time = c.Time.Add(24 * time.Hour)
	donate(t, c, "bank", p2, "supplies", 12_345)
	do(t, c, "cty", "refund", charityapi.RefundBody{Receipt: r, AmountFen: 1_000, Reason: "捐赠人要求退款 <&>"}, errcode.OK)
	donate(t, c, "bank", p1, "grants", 100_000)
	do(t, c, "fdn", "grant", charityapi.GrantBody{From: p1, Line: "grants", To: p2, AmountFen: 80_000, Purpose: "乡村学校文具拨款"}, errcode.OK)
	do(t, c, "cty", "grant", charityapi.GrantBody{From: p2, Line: "grants", To: p1, AmountFen: 5_000, Purpose: "回拨"}, errcode.OK)
	do(t, c, "cty", "disburse", charityapi.DisburseBody{Project: p2, Line: "supplies", AmountFen: 60_000, Payee: "shop", Beneficiary: "school",
		Purpose: "文具 200 套", InvoiceSHA256: sha("inv")}, errcode.OK)
	do(t, c, "cty", "disburse", charityapi.DisburseBody{Project: p2, Line: "supplies", AmountFen: 20_000, Payee: "school",
		Purpose: "助学金", InvoiceSHA256: sha("receipt")}, errcode.OK)
	do(t, c, "bank", "donate_in_kind", charityapi.InKindBody{Project: p2, Items: []charityapi.ItemBody{{Name: "图书", Quantity: 10, Unit: "册", ValueFen: 3_000}}, DonorHash: sha("b")}, errcode.OK)
	do(t, c, "cty", "file_report", charityapi.ReportBody{Project: p2, Kind: "progress", PeriodFrom: "2026-03-01", PeriodTo: "2026-03-02", Summary: "进展",
		Files: []charityapi.FileBody{{Name: "进展.pdf", SHA256: sha("p")}}}, errcode.OK)
	do(t, c, "audit", "file_report", charityapi.ReportBody{Project: p2, Kind: "audit", PeriodFrom: "2026-03-01", PeriodTo: "2026-03-02", Summary: "审计",
		Files: []charityapi.FileBody{{Name: "审计.pdf", SHA256: sha("a")}}}, errcode.OK)
	return c, p2
}

// TestIATIExport exports a project as an IATI 2.03 activity and validates
// it against the IATI schema with a real XML schema validator; a document
// without its title is refused by the same validator.
func TestIATIExport(t *testing.T) {
	c, p2 := iatiStory(t)
	doc, err := charity.ExportIATI(c.View(), p2, "https://dengta.example.org", c.Time)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateIATI(t, doc); err != nil {
		t.Fatalf("the export does not validate against IATI 2.03:\n%v\n%s", err, doc)
	}
	s := string(doc)
	for _, want := range []string{
		`<iati-activities version="2.03"`, `xml:lang="zh" default-currency="CNY"`,
		`<iati-identifier>CN-USCI-` + uscc(2) + `-` + p2 + `</iati-identifier>`,
		`<reporting-org ref="CN-USCI-` + uscc(2) + `" type="60">`,
		`<participating-org ref="CN-USCI-` + uscc(1) + `" type="60" role="1"`, // the granting foundation funds it
		`<activity-status code="2"></activity-status>`,
		`<sector code="11220" vocabulary="1" percentage="100"></sector>`,
		`<value value-date="2026-03-01">105000.00</value>`, // the budget
		`<value value-date="2026-03-01">500.00</value>`,    // the first day's donations
		`<value value-date="2026-03-02">-10.00</value>`,    // the refund
		`<value value-date="2026-03-02">123.45</value>`,
		`<transaction-type code="4"></transaction-type>`, // the purchase
		`<transaction-type code="3"></transaction-type>`, // to the school itself, and the grant out
		`捐赠人要求退款 &lt;&amp;&gt;`,
		`<category code="A07"></category>`,
		`实物捐赠估值 30.00 元`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	if n := strings.Count(s, "<transaction ") + strings.Count(s, "<transaction>"); n != 7 { // 2 days, 1 refund, 1 grant in, 1 out, 2 disbursements
		t.Errorf("%d transactions, want 7:\n%s", n, s)
	}
	// The validator does refuse what breaks the schema.
	broken := bytes.Replace(doc, []byte("<title>"), []byte("<titel>"), 1)
	broken = bytes.Replace(broken, []byte("</title>"), []byte("</titel>"), 1)
	if err := ValidateIATI(t, broken); err == nil || !strings.Contains(err.Error(), "titel") {
		t.Fatalf("a document without its title validates: %v", err)
	}
	var parsed struct {
		XMLName xml.Name
	}
	if err := xml.Unmarshal(doc, &parsed); err != nil || parsed.XMLName.Local != "iati-activities" {
		t.Fatalf("parse: %v %v", parsed.XMLName, err)
	}
	if _, err := charity.ExportIATI(c.View(), "GF-cty", "https://x", c.Time); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("a general fund exported: %v", err)
	}
}
