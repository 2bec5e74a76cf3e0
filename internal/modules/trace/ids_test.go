package trace_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in, path, kind, product string
	}{
		{"/01/" + pearGTIN + "/21/P0001", pearProd + "/21/P0001", trace.KindItem, pearProd},
		{"/01/6901234000016/21/P0001", pearProd + "/21/P0001", trace.KindItem, pearProd}, // GTIN-13 padded
		{"/01/" + pearGTIN + "/21/a!\"%&'()*+,-.:;<=>?_", pearProd + "/21/a!\"%&'()*+,-.:;<=>?_", trace.KindItem, pearProd},
		{"/01/" + pearGTIN + "/10/DS2026A", pearLot, trace.KindLot, pearProd},
		{"/01/" + pearGTIN, pearProd, trace.KindProduct, pearProd},
		{"6901234000016", pearProd, trace.KindProduct, pearProd},
		{"/01/96385074", "/01/00000096385074", trace.KindProduct, "/01/00000096385074"},     // GTIN-8
		{"/01/036000291452", "/01/00036000291452", trace.KindProduct, "/01/00036000291452"}, // GTIN-12 (UPC-A)
		{"/01/09521234543213/21/ser1", "/01/09521234543213/21/ser1", trace.KindItem, "/01/09521234543213"},
		{sscc(1), sscc(1), trace.KindContainer, ""},
		{"/00/106141411234567897", "/00/106141411234567897", trace.KindContainer, ""},
		{farmGLN, farmGLN, trace.KindLocation, ""},
		{"/drug/81234560000000011234", "/drug/81234560000000011234", trace.KindDrug, drugProd},
		{drugProd, drugProd, trace.KindProduct, drugProd},
		{drugLot, drugLot, trace.KindLot, drugProd},
	} {
		id, err := trace.ParseID("id", tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if id.Path != tc.path || id.Kind != tc.kind || id.Product != tc.product {
			t.Errorf("%s = %+v, want %s %s %s", tc.in, id, tc.path, tc.kind, tc.product)
		}
	}
	for _, bad := range []string{
		"", "pears", "01/" + pearGTIN, "/01/06901234000017", // check digit
		"/01/6901234000017", "/01/12345", // length
		"/01/" + pearGTIN + "/21/", "/01/" + pearGTIN + "/21/a/b", "/01/" + pearGTIN + "/21/" + "123456789012345678901",
		"/01/" + pearGTIN + "/21/with space", "/01/" + pearGTIN + "/21/梨", "/01/" + pearGTIN + "/22/x",
		"/01/" + pearGTIN + "/10/", "/00/069012340000100007", "/00/0690123400001000", "/414/6901234100014",
		"/414/690123410001", "/drug/8123456000000001123", "/drug/812345600000000112345", "/drug/abc",
		"/drug/8123456/11/B", "/02/" + pearGTIN, "/01/0690123400001a",
	} {
		if id, err := trace.ParseID("id", bad); err == nil {
			t.Errorf("%q parsed as %+v", bad, id)
		} else if errcode.Of(err) != errcode.MalformedBody || errcode.Message(err) == "" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestCheckDigitMessage(t *testing.T) {
	_, err := trace.ParseID("epc_list[0]", "/01/06901234000017/21/x")
	if err == nil || !contains(errcode.Message(err), "check digit 7, the GS1 check digit is 6") {
		t.Fatalf("message %v", err)
	}
	_, err = trace.ParseID("parent_id", "/00/069012340000100007")
	if err == nil || !contains(errcode.Message(err), "SSCC") {
		t.Fatalf("message %v", err)
	}
}
