package trace_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
)

func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportPears imports the pears' EPCIS document and captures every
// event through the chain, each by the organisation that recorded it.
func TestImportPears(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	do(t, c, alliance, "certify", map[string]any{"subject": pearLot, "scheme": "砀山酥梨地理标志", "certificate_no": "GI-2026-0001",
		"valid_from": "2026-01-01T00:00:00+08:00", "valid_until": "2026-12-31T23:59:59+08:00"}, errcode.OK)
	events, issues, err := trace.ParseEPCIS(readDoc(t, "pears_epcis.json"))
	if err != nil || len(issues) != 0 || len(events) != 7 {
		t.Fatalf("%d events, issues %v, %v", len(events), issues, err)
	}
	first := events[0]
	if !slices.Equal(first.EPCList, []string{pear(1), pear(2), pear(3)}) || first.Lot != pearLot || first.EventTime != "2026-02-25T08:30:00+08:00" ||
		first.BizStep != "commissioning" || first.Disposition != "active" || first.ReadPoint != packGLN || first.EventID != "urn:uuid:0a6c1e2e-3b1f-4b52-9b6f-2b0a6f0c0001" {
		t.Fatalf("commissioning %+v", first)
	}
	if e := events[1]; e.ParentID != sscc(101) || len(e.ChildEPCs) != 3 || e.BizStep != "packing" || e.Disposition != "in_progress" || e.BizLocation != packGLN {
		t.Fatalf("packing %+v", e)
	}
	if e := events[2]; len(e.SensorHashes) != 1 || e.DestinationList[0] != (trace.Destination{Type: "possessing_party", Destination: logistics}) ||
		e.SourceList[0] != (trace.Source{Type: "owning_party", Source: coop}) || e.SourceList[1].Source != packGLN || e.DestinationList[1].Destination != wareGLN {
		t.Fatalf("shipping %+v", e)
	}
	if e := events[6]; !slices.Equal(e.EPCList, []string{pear(1)}) || e.EventTime != "2026-02-27T18:21:00+08:00" || e.Lot != "" {
		t.Fatalf("retail selling %+v", e)
	}
	signers := []string{coop, coop, coop, logistics, logistics, market, market}
	var ids []string
	for i, e := range events {
		ids = append(ids, capture(t, c, signers[i], toMap(t, e)))
	}
	for i, e := range events {
		got, err := trace.EventByClientID(c.View(), e.EventID)
		if err != nil || got.ID != ids[i] {
			t.Fatalf("event %d by client id: %v %v", i, got, err)
		}
	}
	// Importing the document again is refused at the first event: its
	// eventID is on chain already.
	do(t, c, coop, "capture", toMap(t, events[0]), errcode.Conflict)

	do(t, c, bank, "record_scans", scans(scan(c, pear(1), time.Hour, "上海", 1), scan(c, pear(1), 0, "上海", 1)), errcode.OK)
	pg, err := trace.ScanPage(c.View(), pear(1), c.Time)
	if err != nil {
		t.Fatal(err)
	}
	if pg.Seller == nil || pg.Seller.ID != market || pg.Seller.Name == "" || pg.Producer.ID != coop || pg.Product.Name != "砀山酥梨 5kg 礼盒" ||
		pg.Lot.Origin.Region != "安徽省宿州市砀山县" || pg.Origin == nil || pg.Origin.ID != farmGLN || pg.SoldAt != "2026-02-27T18:21:00+08:00" {
		t.Fatalf("scan page %+v", pg)
	}
	var steps []string
	for _, s := range pg.Journey {
		steps = append(steps, s.BizStep+"@"+s.Org.ID+"@"+s.LocationName)
	}
	want := []string{"commissioning@coop-dangshan@砀山酥梨合作社包装车间", "packing@coop-dangshan@砀山酥梨合作社包装车间",
		"shipping@coop-dangshan@砀山酥梨合作社包装车间", "receiving@sf-logistics@顺丰宿州仓", "shipping@sf-logistics@顺丰宿州仓",
		"receiving@hema-market@盒马上海店", "retail_selling@hema-market@盒马上海店"}
	if !slices.Equal(steps, want) {
		t.Fatalf("journey\n got %v\nwant %v", steps, want)
	}
	if len(pg.Certifications) != 1 || pg.Certifications[0].Status != trace.CertValid || pg.Certifications[0].Scheme != "砀山酥梨地理标志" {
		t.Fatalf("certifications %+v", pg.Certifications)
	}
	if pg.Scans.Count != 2 || pg.Scans.First == nil || pg.Scans.First.Location != "上海" || pg.Scans.DistinctDevices != "1" || pg.Recall.Recalled || pg.Risk.Level != trace.LevelOK {
		t.Fatalf("scans %+v recall %+v risk %+v", pg.Scans, pg.Recall, pg.Risk)
	}
	if _, err := json.Marshal(pg); err != nil {
		t.Fatal(err)
	}
	// Pear 2 was not sold; its page has no seller.
	pg, err = trace.ScanPage(c.View(), pear(2), c.Time)
	if err != nil || pg.Seller != nil || len(pg.Journey) != 6 {
		t.Fatalf("pear 2 page %+v %v", pg, err)
	}
	if _, err := trace.ScanPage(c.View(), sscc(101), c.Time); errcode.Of(err) != errcode.BadRequest {
		t.Fatalf("scan page of a container: %v", err)
	}
}

func toMap(t testing.TB, e trace.EventInput) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(testchain.Encode(e)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestImportBadEvents reports each unconvertible event with its index,
// eventID and reason, and keeps the good ones.
func TestImportBadEvents(t *testing.T) {
	events, issues, err := trace.ParseEPCIS(readDoc(t, "bad_epcis.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		index int
		id    string
		msg   string
	}{
		{0, "bad-urn", "expected 3 dot-separated parts"},
		{1, "association", "AssociationEvent is not supported"},
		{2, "party-gln", "GS1 party GLN"},
		{4, "check-digit", "check digit 7, the GS1 check digit is 6"},
		{5, "no-lot", "names no lot"},
		{6, "no-time", "no eventTime"},
		{7, "", "must carry the eventID"},
		{8, "", "does not decode"},
		{9, "gln-extension", "GLN extensions"},
		{10, "unknown-step", `biz_step "loading" is not one of`},
		{11, "bad-offset", "eventTimeZoneOffset"},
	}
	if len(issues) != len(want) {
		t.Fatalf("issues %+v", issues)
	}
	for i, w := range want {
		is := issues[i]
		if is.Index != w.index || is.EventID != w.id || !strings.Contains(is.Message, w.msg) {
			t.Errorf("issue %d = %+v, want index %d id %q message with %q", i, is, w.index, w.id, w.msg)
		}
	}
	if len(events) != 2 || events[0].EventID != "good-storing" || events[1].ErrorDeclaration == nil ||
		events[1].ErrorDeclaration.Corrects != "good-storing" || events[1].ErrorDeclaration.Reason != "incorrect_data" || events[1].EventID != "" {
		t.Fatalf("events %+v", events)
	}
	// The good events go on chain: the storing, then its error declaration.
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, with(commission(c, pearLot, pear(2)), "event_time", "2026-02-26T00:00:00+08:00"))
	stored := capture(t, c, coop, toMap(t, events[0]))
	decl := capture(t, c, coop, toMap(t, events[1]))
	if by, _ := trace.DeclaredBy(c.View(), stored); by != decl {
		t.Fatalf("declared by %q", by)
	}

	for _, doc := range []string{``, `[]`, `{"type":"EPCISQueryDocument","epcisBody":{"eventList":[]}}`, `{"type":"EPCISDocument"}`,
		`{"type":"EPCISDocument","epcisBody":{}}`, `{"type":"EPCISDocument","epcisBody":{"eventList":{}}}`} {
		if _, _, err := trace.ParseEPCIS([]byte(doc)); err == nil {
			t.Errorf("document %q parsed", doc)
		}
	}
}

// TestEPCISIdentifiers converts the identifier forms of EPCIS documents
// (the examples of the GS1 EPC Tag Data Standard among them).
func TestEPCISIdentifiers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"urn:epc:id:sgtin:0614141.812345.6789", "/01/80614141123458/21/6789"},
		{"urn:epc:id:sgtin:0614141.107346.2017", "/01/1061414107346" + string(trace.GS1CheckDigit("1061414107346")) + "/21/2017"},
		{"urn:epc:id:sgtin:0614141234.512.X", "/01/5061414123412" + string(trace.GS1CheckDigit("5061414123412")) + "/21/X"},
		{"urn:epc:id:sgtin:0614141.012345.A%2Fb", ""}, // an escaped '/' in the serial
		{"urn:epc:id:sgtin:0614141.012345.62852%25", "/01/00614141123452/21/62852%"},
		{"urn:epc:id:sscc:0614141.1234567890", "/00/106141412345678908"},
		{"urn:epc:class:lgtin:4012345.012345.998877", "/01/04012345123456/10/998877"},
		{"https://id.gs1.org/01/09521234543213/21/ser1", "/01/09521234543213/21/ser1"},
		{"https://example.com/products/01/9521234543213/21/ser1?linkType=all", "/01/09521234543213/21/ser1"},
		{"https://id.gs1.org/01/09521234543213/10/L1/21/ser1", "/01/09521234543213/21/ser1"},
		{"https://id.gs1.org/00/106141412345678908", "/00/106141412345678908"},
		{"/01/09521234543213/21/ser1", "/01/09521234543213/21/ser1"},
		{"urn:dengta:drug:81234560000000011234", "/drug/81234560000000011234"},
		{"https://id.gs1.org/02/09521234543213", ""},
		{"urn:epc:id:grai:0614141.12345.400", ""},
		{"urn:epc:id:sgtin:0614141.10734.2017", ""},  // 12 digits
		{"urn:epc:id:sgtin:06141.10734678.2017", ""}, // company prefixes have 6 to 12 digits
	} {
		doc := `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-02-27T10:00:00+08:00","action":"OBSERVE","bizStep":"storing","epcList":[` + quote(tc.in) + `]}]}}`
		events, issues, err := trace.ParseEPCIS([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.want == "" && len(issues) != 1:
			t.Errorf("%s converted to %+v", tc.in, events)
		case tc.want == "" && issues[0].Message == "":
			t.Errorf("%s: issue without a message", tc.in)
		case tc.want != "" && (len(events) != 1 || events[0].EPCList[0] != tc.want):
			t.Errorf("%s: %+v %+v, want %s", tc.in, events, issues, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"urn:epc:id:sgln:0614141.12345.0", "/414/0614141123452"},
		{"https://id.gs1.org/414/0614141123452", "/414/0614141123452"},
		{"urn:epc:id:sgln:0614141.12345.7", ""},
		{"urn:epc:id:sgtin:0614141.107346.2017", ""},
	} {
		doc := `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-02-27T10:00:00+08:00","action":"OBSERVE","bizStep":"storing","epcList":["/01/09521234543213/21/ser1"],"readPoint":{"id":` + quote(tc.in) + `}}]}}`
		events, issues, _ := trace.ParseEPCIS([]byte(doc))
		if tc.want == "" && len(issues) != 1 || tc.want != "" && (len(events) != 1 || events[0].ReadPoint != tc.want) {
			t.Errorf("location %s: %+v %+v", tc.in, events, issues)
		}
	}
	for _, step := range []string{"shipping", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"} {
		doc := `{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-02-27T10:00:00+08:00","action":"OBSERVE","bizStep":` + quote(step) +
			`,"disposition":"https://ref.gs1.org/cbv/Disp-in_transit","epcList":["/01/09521234543213/21/ser1"],"destinationList":[{"type":"urn:epcglobal:cbv:sdt:owning_party","destination":"urn:dengta:org:hema-market"}]}]}}`
		events, issues, _ := trace.ParseEPCIS([]byte(doc))
		if len(events) != 1 || events[0].BizStep != "shipping" || events[0].Disposition != "in_transit" || events[0].DestinationList[0].Destination != market {
			t.Errorf("%s: %+v %+v", step, events, issues)
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzParseEPCIS: the import never panics, and every event it returns is a
// body capture accepts as well formed.
func FuzzParseEPCIS(f *testing.F) {
	f.Add(readDoc(f, "pears_epcis.json"))
	f.Add(readDoc(f, "bad_epcis.json"))
	f.Add([]byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransformationEvent","eventTime":"2026-02-27T10:00:00Z","bizStep":"transforming","inputQuantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":5}],"outputEPCList":["urn:epc:id:sgtin:4012345.012345.1"],"ilmd":{"lotNumber":"J1"}}]}}`))
	f.Add([]byte(`{}`))
	capture := handler(f, "capture")
	f.Fuzz(func(t *testing.T, doc []byte) {
		events, issues, err := trace.ParseEPCIS(doc)
		if err != nil {
			if len(events) != 0 || len(issues) != 0 {
				t.Fatal("events with a document error")
			}
			return
		}
		for _, is := range issues {
			if is.Message == "" {
				t.Fatalf("issue without a message: %+v", is)
			}
		}
		for _, e := range events {
			body := []byte(testchain.Encode(e))
			var back trace.EventInput
			if err := module.DecodeBody(body, &back); err != nil {
				t.Fatalf("event %s does not decode strictly: %v", body, err)
			}
			ctx := handlerCtx(testchain.MemKV{}, coop, role.Producer)
			if err := capture(ctx, body); errcode.Of(err) == errcode.MalformedBody || errcode.Of(err) == errcode.Internal {
				t.Fatalf("event %s refused: %v", body, err)
			}
		}
	})
}
