package trace_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/trace"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in, path, kind, product, digits string
	}{
		{"/01/" + pearGTIN + "/21/P0001", pearProd + "/21/P0001", trace.KindItem, pearProd, "690123400001"},
		{"/01/" + pearGTIN[1:] + "/21/P0001", pearProd + "/21/P0001", trace.KindItem, pearProd, "690123400001"}, // GTIN-13 padded
		{"/01/" + pearGTIN + "/21/a!\"&'()*+,-.:;<=>_", pearProd + "/21/a!\"&'()*+,-.:;<=>_", trace.KindItem, pearProd, ""},
		{"/01/" + pearGTIN + "/21/a%2Fb%25c%3F", pearProd + "/21/a%2Fb%25c%3F", trace.KindItem, pearProd, ""}, // '/', '%', '?' escaped
		{"/01/" + pearGTIN + "/235/TPX-1", pearProd + "/235/TPX-1", trace.KindItem, pearProd, ""},
		{"/01/" + pearGTIN + "/10/DS2026A", pearLot, trace.KindLot, pearProd, ""},
		{"/01/" + pearGTIN, pearProd, trace.KindProduct, pearProd, ""},
		{pearGTIN[1:], pearProd, trace.KindProduct, pearProd, ""},
		{"/01/96385074", "/01/00000096385074", trace.KindProduct, "/01/00000096385074", ""},     // GTIN-8
		{"/01/036000291452", "/01/00036000291452", trace.KindProduct, "/01/00036000291452", ""}, // GTIN-12 (UPC-A)
		{sscc(1), sscc(1), trace.KindContainer, "", "6901234000000001"},
		{farmGLN, farmGLN, trace.KindLocation, "", "690123410001"},
		{farmGLN + "/254/dock%2F2", farmGLN + "/254/dock%2F2", trace.KindLocation, "", "690123410001"},
		{"/417/" + gs1("690123400009"), "/417/" + gs1("690123400009"), trace.KindParty, "", "690123400009"},
		{"/8003/0" + gs1("690123400012") + "C01", "/8003/0" + gs1("690123400012") + "C01", trace.KindAsset, "", "690123400012"},
		{"/8003/0" + gs1("690123400012"), "/8003/0" + gs1("690123400012"), trace.KindAsset, "", "690123400012"}, // a GRAI type
		{"/8004/6901234TRUCK7", "/8004/6901234TRUCK7", trace.KindAsset, "", "6901234"},
		{"/8018/" + gs1("69012340000000012"), "/8018/" + gs1("69012340000000012"), trace.KindAsset, "", "69012340000000012"},
		{"/253/" + gs1("690123400001") + "INV-9", "/253/" + gs1("690123400001") + "INV-9", trace.KindAsset, "", "690123400001"},
		{"/402/" + gs1("6901234000000001"), "/402/" + gs1("6901234000000001"), trace.KindAsset, "", "6901234000000001"},
		{"/8006/" + pearGTIN + "0102/21/S1", "/8006/" + pearGTIN + "0102/21/S1", trace.KindAsset, "", "690123400001"},
		{"/8010/6901234PART%2F7/8011/12", "/8010/6901234PART%2F7/8011/12", trace.KindAsset, "", "6901234"},
		{"/epc/gid/95100000.12345.400", "/epc/gid/95100000.12345.400", trace.KindAsset, "", ""},
		{"/drug/81234560000000011234", "/drug/81234560000000011234", trace.KindDrug, drugProd, "8123456"},
		{drugProd, drugProd, trace.KindProduct, drugProd, "8123456"},
		{drugLot, drugLot, trace.KindLot, drugProd, "8123456"},
		{"geo:42.698334,23.319941", "geo:42.698334,23.319941", trace.KindLocation, "", ""},
	} {
		id, err := trace.ParseID("id", tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if id.Path != tc.path || id.Kind != tc.kind || id.Product != tc.product || (tc.digits != "" && id.Digits != tc.digits) {
			t.Errorf("ParseID(%q) = %+v, want %s %s %s %s", tc.in, id, tc.path, tc.kind, tc.product, tc.digits)
		}
	}
	for _, bad := range []string{
		"", "pears", "01/" + pearGTIN, "/01/06901234000017", // check digit
		"/01/6901234000017", "/01/12345", // length
		"/01/" + pearGTIN + "/21/", "/01/" + pearGTIN + "/21/a/b", "/01/" + pearGTIN + "/21/" + strings.Repeat("x", 21),
		"/01/" + pearGTIN + "/21/with space", "/01/" + pearGTIN + "/21/梨", "/01/" + pearGTIN + "/22/x", "/01/" + pearGTIN + "/21/50%",
		"/01/" + pearGTIN + "/10/", "/00/069012340000100007", "/00/0690123400001000", "/414/6901234100014",
		"/414/690123410001", "/414/" + gs1("690123410001") + "/255/x", "/417/6901234000099", "/8003/1" + gs1("690123400012"),
		"/8003/0" + gs1("690123400012") + strings.Repeat("s", 17), "/8004/" + strings.Repeat("1", 31), "/8018/123",
		"/8010/lower/8011/1", "/epc/xyz/1", "/drug/8123456000000001123", "/drug/812345600000000112345", "/drug/abc",
		"/drug/8123456/11/B", "/02/" + pearGTIN, "/01/0690123400001a", "geo:91,0", "geo:1", "geo:a,b",
	} {
		if id, err := trace.ParseID("id", bad); err == nil {
			t.Errorf("%q parsed as %+v", bad, id)
		} else if errcode.Of(err) != errcode.MalformedBody || errcode.Message(err) == "" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestConvertID converts every identifier form EPCIS 2.0 documents use.
func TestConvertID(t *testing.T) {
	for _, tc := range []struct{ in, path string }{
		// EPC URNs of every GS1 key (TDS 2.0).
		{"urn:epc:id:sgtin:0614141.107346.2017", "/01/" + gs1("1061414107346") + "/21/2017"},
		{"urn:epc:id:sgtin:0614141.107346.a%2Fb", "/01/" + gs1("1061414107346") + "/21/a%2Fb"},
		{"urn:epc:id:upui:0614141.107346.TPX1", "/01/" + gs1("1061414107346") + "/235/TPX1"},
		{"urn:epc:id:sscc:0614141.1234567890", "/00/" + gs1("10614141234567890")},
		{"urn:epc:id:sgln:0614141.07346.1234", "/414/" + gs1("061414107346") + "/254/1234"},
		{"urn:epc:id:sgln:0012345.11111.0", "/414/" + gs1("001234511111")},
		{"urn:epc:id:pgln:4000001.00012", "/417/" + gs1("400000100012")},
		{"urn:epc:id:grai:4012345.55555.987", "/8003/0" + gs1("401234555555") + "987"},
		{"urn:epc:id:giai:4000001.12345", "/8004/400000112345"},
		{"urn:epc:id:gsrn:95252084.000000001", "/8018/" + gs1("95252084000000001")},
		{"urn:epc:id:gsrnp:95252084.000000001", "/8017/" + gs1("95252084000000001")},
		{"urn:epc:id:gdti:95252084.0001.0003555480001000", "/253/" + gs1("952520840001") + "0003555480001000"},
		{"urn:epc:id:sgcn:4012345.67890.04711", "/255/" + gs1("401234567890") + "04711"},
		{"urn:epc:id:ginc:0614141.xyz47", "/401/0614141xyz47"},
		{"urn:epc:id:gsin:0614141.123456789", "/402/" + gs1("0614141123456789")},
		{"urn:epc:id:itip:4012345.012345.0102.987", "/8006/" + gs1("0401234512345") + "0102/21/987"},
		{"urn:epc:id:cpi:0614141.123ABC.123456789", "/8010/0614141123ABC/8011/123456789"},
		{"urn:epc:id:gid:95100000.12345.400", "/epc/gid/95100000.12345.400"},
		{"urn:epc:id:giai:952005385.w2", "/8004/952005385w2"},
		// Classes.
		{"urn:epc:class:lgtin:4012345.012345.998877", "/01/" + gs1("0401234512345") + "/10/998877"},
		{"urn:epc:idpat:sgtin:4012345.098765.*", "/01/" + gs1("0401234598765")},
		{"urn:epc:idpat:grai:4012345.55555.*", "/8003/0" + gs1("401234555555")},
		// GS1 Digital Link on any domain, any path before the key.
		{"https://id.gs1.org/01/09506000134352/21/abc", "/01/09506000134352/21/abc"},
		{"https://example.com/shop/01/9506000134352/10/L1/21/xyz?17=261231", "/01/09506000134352/21/xyz"},
		{"https://id.gs1.org/01/09506000134352/10/ABC%2F1", "/01/09506000134352/10/ABC%2F1"},
		{"https://id.gs1.org/414/9521234543213/254/5678", "/414/9521234543213/254/5678"},
		{"https://id.gs1.org/414/9521234543213/254/0", "/414/9521234543213"},
		{"https://id.example.com/8003/040123450007718765", "/8003/040123450007718765"},
		{"https://id.gs1.org/417/" + gs1("400000100012"), "/417/" + gs1("400000100012")},
		{"https://id.gs1.org/8004/401234599999", "/8004/401234599999"},
		{"https://id.gs1.org/00/" + gs1("10614141234567890"), "/00/" + gs1("10614141234567890")},
		// This chain's own forms.
		{trace.DrugURNPrefix + "81234560000000011234", "/drug/81234560000000011234"},
		{trace.DrugURNPrefix + "8123456.lot.B001", drugLot},
		{"geo:42.698334,23.319941", "geo:42.698334,23.319941"},
		{pear(1), pear(1)},
	} {
		id, err := trace.ConvertID("id", tc.in)
		if err != nil {
			t.Errorf("ConvertID(%q): %v", tc.in, err)
			continue
		}
		if id.Path != tc.path {
			t.Errorf("ConvertID(%q) = %s, want %s", tc.in, id.Path, tc.path)
		}
		// The Digital Link of the result converts back to it.
		back, err := trace.ConvertID("id", trace.DigitalLink(id.Path))
		if err != nil || back.Path != id.Path {
			t.Errorf("round trip of %s through %s: %+v %v", id.Path, trace.DigitalLink(id.Path), back, err)
		}
	}
	for _, bad := range []string{
		"urn:epc:id:sgtin:0614141.107346", "urn:epc:id:sgtin:061414.107346.1", "urn:epc:id:sscc:0614141.123", "urn:epc:id:unknown:1.2",
		"urn:epc:idpat:sgtin:0614141.*.*", "urn:epc:idpat:sscc:0614141.*", "https://id.gs1.org/99/123", "https://id.gs1.org/01/09506000134352/22/x",
		"https://id.gs1.org/01/09506000134352/21", "ftp://x", "urn:isbn:123",
	} {
		if id, err := trace.ConvertID("id", bad); err == nil {
			t.Errorf("%q converted to %+v", bad, id)
		}
	}
	if got := trace.LotOfURI("https://id.gs1.org/01/09506000134352/10/L1/21/xyz"); got != "/01/09506000134352/10/L1" {
		t.Errorf("LotOfURI = %q", got)
	}
}

func TestCheckDigitMessage(t *testing.T) {
	_, err := trace.ParseID("epc_list[0]", "/01/06901234000017/21/x")
	if err == nil || !contains(errcode.Message(err), "check digit 7, the GS1 check digit is 6") || !contains(errcode.Message(err), "epc_list[0]") {
		t.Fatalf("message %v", err)
	}
	if zh := trace.LocalMessage(err, "zh"); !contains(zh, "校验位是 7") || !contains(zh, "应为 6") {
		t.Fatalf("Chinese message %q", zh)
	}
	_, err = trace.ParseID("parent_id", "/00/069012340000100007")
	if err == nil || !contains(errcode.Message(err), "SSCC") {
		t.Fatalf("message %v", err)
	}
}

func FuzzConvertID(f *testing.F) {
	for _, s := range []string{"urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/09506000134352/10/L1/21/x", pear(1), "urn:epc:idpat:sgtin:1.2.*",
		"/8003/0" + gs1("690123400012") + "C01", "geo:1,2", "/epc/gid/1.2.3", "urn:epc:id:itip:4012345.012345.0102.987"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := trace.ConvertID("id", s)
		if err != nil {
			if errcode.Of(err) != errcode.MalformedBody {
				t.Fatalf("ConvertID(%q): %v", s, err)
			}
			return
		}
		// A canonical path parses to itself.
		again, err := trace.ParseID("id", id.Path)
		if err != nil || again.Path != id.Path || again.Kind != id.Kind {
			t.Fatalf("canonical %q of %q reparses as %+v %v", id.Path, s, again, err)
		}
		if strings.ContainsAny(id.Path, "#? ") && id.Scheme != trace.SchemeGeo {
			t.Fatalf("canonical %q holds a character keys and URLs cannot", id.Path)
		}
	})
}
