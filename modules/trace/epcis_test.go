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
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func toMap(t testing.TB, e trace.EventInput) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(testchain.Encode(e)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestImportPears imports the pears' EPCIS document and captures every
// event through the chain, each by the organisation that recorded it.
func TestImportPears(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	do(t, c, alliance, "certify", map[string]any{"subject": pearLot, "scheme": "砀山酥梨地理标志", "certificate_no": "GI-2026-0001",
		"valid_from": "2026-01-01T00:00:00+08:00", "valid_until": "2026-12-31T23:59:59+08:00"}, errcode.OK)
	events, index, issues, err := trace.ParseEPCIS(readDoc(t, "pears_epcis.json"), "en")
	if err != nil || len(issues) != 0 || len(events) != 8 || !slices.Equal(index, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("%d events, issues %v, %v", len(events), issues, err)
	}
	first := events[0]
	if !slices.Equal(first.EPCList, []string{pear(1), pear(2), pear(3)}) || first.Lot != pearLot || first.ILMD == nil || first.ILMD.LotNumber != "DS2026A" ||
		first.EventTime != "2026-02-25T08:30:00+08:00" || first.BizStep != "commissioning" || first.ReadPoint != packGLN ||
		first.EventID != "urn:uuid:0a6c1e2e-3b1f-4b52-9b6f-2b0a6f0c0001" || string(first.ILMD.Extensions["cbvmda:countryOfOrigin"]) != `"CN"` {
		t.Fatalf("commissioning %+v", first)
	}
	if e := events[2]; len(e.Sensors) != 1 || e.Sensors[0].Reports[0].Value != "4.5" || e.DestinationList[0] != (trace.Destination{Type: "possessing_party", Destination: logistics}) ||
		e.SourceList[0] != (trace.Source{Type: "owning_party", Source: coop}) || e.SourceList[1].Source != packGLN || e.DestinationList[1].Destination != market || e.DestinationList[2].Destination != wareGLN {
		t.Fatalf("shipping %+v", e)
	}
	if e := events[7]; !slices.Equal(e.EPCList, []string{pear(1)}) || e.EventTime != "2026-02-27T18:21:00+08:00" || e.Lot != "" {
		t.Fatalf("retail selling %+v", e)
	}
	signers := []string{coop, coop, coop, logistics, logistics, market, market, market}
	// Checked first, in order, as each signer would record it: all ready.
	for i, e := range events {
		outcomes, err := trace.CheckEvents(c.View(), c.Height+1, c.Time, signers[i], events[i:i+1])
		if err != nil || outcomes[0] != nil {
			t.Fatalf("check of event %d: %v %v", i, outcomes, err)
		}
		capture(t, c, signers[i], toMap(t, e))
	}
	// Importing the document again finds every event on chain.
	for i, e := range events {
		outcomes, err := trace.CheckEvents(c.View(), c.Height+1, c.Time, signers[i], []trace.EventInput{e})
		if err != nil {
			t.Fatal(err)
		}
		if r := trace.AsRefusal(outcomes[0]); r == nil || r.Reason != "already_recorded" {
			t.Fatalf("event %d again: %v", i, outcomes[0])
		}
	}
	c.Time = c.Time.Add(time.Hour)
	recordScans(t, c, scans(scan(c, pear(1), time.Minute, shanghai, 1), with(scan(c, pear(1), 0, shanghai, 2), "net", net(1)))) // two phones at home
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
		"receiving@hema-market@盒马上海店", "unpacking@hema-market@盒马上海店", "retail_selling@hema-market@盒马上海店"}
	if !slices.Equal(steps, want) {
		t.Fatalf("journey\n got %v\nwant %v", steps, want)
	}
	if len(pg.Certifications) != 1 || pg.Certifications[0].Status != trace.CertValid || pg.Certifications[0].Scheme != "砀山酥梨地理标志" {
		t.Fatalf("certifications %+v", pg.Certifications)
	}
	if pg.Scans.Count != 2 || pg.Scans.First == nil || pg.Scans.First.City != shanghai || pg.Scans.DistinctDevices != "2" || pg.Recall.Recalled {
		t.Fatalf("scans %+v recall %+v risk %+v", pg.Scans, pg.Recall, pg.Risk)
	}
	// The shipping's temperature reading (4.5 °C) breaks the pears' cold
	// chain (0 to 4 °C): shown as a series with the breach flagged.
	if len(pg.Sensors) != 1 || pg.Sensors[0].Type != "Temperature" || pg.Sensors[0].Breaches != 1 || !pg.Sensors[0].Readings[0].Breach || pg.Risk.Level != trace.LevelWarning {
		t.Fatalf("sensors %+v risk %+v", pg.Sensors, pg.Risk)
	}
	// Pear 2 is still in the case at the shop; its page has no seller.
	pg, err = trace.ScanPage(c.View(), pear(2), c.Time)
	if err != nil || pg.Seller != nil || len(pg.Journey) != 6 || pg.Custodian == nil || pg.Custodian.ID != market {
		t.Fatalf("pear 2 page %+v %v", pg, err)
	}
	if _, err := trace.ScanPage(c.View(), sscc(101), c.Time); errcode.Of(err) != errcode.BadRequest {
		t.Fatalf("scan page of a container: %v", err)
	}
}

// TestImportIssues reports each event it cannot convert with its index,
// eventID, the path in the document and why, in the user's language.
func TestImportIssues(t *testing.T) {
	doc := readDoc(t, "bad_epcis.json")
	events, index, issues, err := trace.ParseEPCIS(doc, "en")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		index      int
		id, path   string
		reason, en string
	}{
		{0, "bad-urn", "epcisBody.eventList[0].epcList[0]", "urn_fields", "expected 3 dot-separated fields"},
		{1, "association-without-children", "epcisBody.eventList[1].childEPCs", "children_required", "ADD needs the children"},
		{2, "source-not-a-list", "epcisBody.eventList[2].sourceList", "epcis_type", "must be a list of objects"},
		{4, "check-digit", "epcisBody.eventList[4].epcList[0]", "check_digit", "check digit 7, the GS1 check digit is 6"},
		{5, "source-without-value", "epcisBody.eventList[5].sourceList[0].source", "epcis_missing", "required"},
		{6, "no-time", "epcisBody.eventList[6].eventTime", "epcis_missing", "required"},
		{8, "epc-list-string", "epcisBody.eventList[8].epcList", "epcis_type", "a list of strings"},
		{9, "sensor-value-text", "epcisBody.eventList[9].sensorElementList[0].sensorReport[0].value", "bad_decimal", "not a decimal"},
		{10, "unknown-step", "epcisBody.eventList[10].bizStep", "unknown_term", "not a known term"},
		{11, "bad-offset", "epcisBody.eventList[11].eventTimeZoneOffset", "bad_offset", "time zone offset"},
		{12, "unprefixed-field", "epcisBody.eventList[12].myField", "unknown_field", "vendor extension"},
	}
	if len(issues) != len(want) {
		t.Fatalf("issues %+v", issues)
	}
	for i, w := range want {
		is := issues[i]
		if is.Index != w.index || is.EventID != w.id || is.Path != w.path || is.Reason != w.reason || !strings.Contains(is.Message, w.en) ||
			is.Status != trace.ImportUnreadable || is.Code != "malformed_body" {
			t.Errorf("issue %d = %+v, want index %d id %q path %s reason %s message with %q", i, is, w.index, w.id, w.path, w.reason, w.en)
		}
	}
	// In Chinese.
	_, _, zh, _ := trace.ParseEPCIS(doc, "zh")
	for _, is := range zh {
		if !strings.ContainsFunc(is.Message, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("issue %d in Chinese: %q", is.Index, is.Message)
		}
	}
	if !strings.Contains(zh[3].Message, "校验位是 7") {
		t.Errorf("check digit in Chinese: %q", zh[3].Message)
	}
	if len(events) != 3 || !slices.Equal(index, []int{3, 7, 13}) || events[0].EventID != "good-storing" || events[2].ErrorDeclaration == nil ||
		events[2].ErrorDeclaration.Corrects != "good-storing" || events[2].ErrorDeclaration.Reason != "incorrect_data" || events[2].EventID != "" ||
		events[1].ErrorDeclaration == nil || events[1].ErrorDeclaration.Corrects != "" {
		t.Fatalf("events %+v", events)
	}
	// The good events go on chain: the storing, then its error declaration.
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, with(commission(c, pearLot, pear(2)), "event_time", "2026-02-26T00:00:00+08:00"))
	stored := capture(t, c, coop, toMap(t, events[0]))
	// The declaration without an eventID names no event on chain: the
	// storing it repeats was never recorded without its id.
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", toMap(t, events[1])), errcode.NotFound, "not on chain")
	decl := capture(t, c, coop, toMap(t, events[2]))
	if by, _ := trace.DeclaredBy(c.View(), stored); by != decl {
		t.Fatalf("declared by %q", by)
	}
	// One without an eventID finds its event by content.
	plain := toMap(t, events[0])
	delete(plain, "event_id")
	plain["biz_step"] = "holding"
	held := capture(t, c, coop, plain)
	plain["error_declaration"] = map[string]any{"reason": "did_not_occur"}
	decl2 := capture(t, c, coop, plain)
	if by, _ := trace.DeclaredBy(c.View(), held); by != decl2 {
		t.Fatalf("declared by content: %q, want %s", by, decl2)
	}

	for _, doc := range []string{``, `[]`, `{"type":"EPCISQueryDocument","epcisBody":{"eventList":[]}}`, `{"type":"EPCISDocument"}`,
		`{"type":"EPCISDocument","epcisBody":{}}`, `{"type":"EPCISDocument","epcisBody":{"eventList":{}}}`} {
		if _, _, _, err := trace.ParseEPCIS([]byte(doc), "en"); err == nil {
			t.Errorf("document %q parsed", doc)
		}
	}
}

// An EPCISQueryDocument (what a repository's query answers) imports like
// a document.
func TestImportQueryDocument(t *testing.T) {
	doc := `{"type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"2026-02-27T10:00:00Z","epcisBody":{"queryResults":{"queryName":"SimpleEventQuery",
		"resultsBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-02-27T10:00:00+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"storing",
		"epcList":["urn:epc:id:sgtin:6901234.000001.P0001"]}]}}}}`
	events, _, issues, err := trace.ParseEPCIS([]byte(doc), "en")
	if err != nil || len(issues) != 0 || len(events) != 1 || events[0].EPCList[0] != pear(1) {
		t.Fatalf("%+v %+v %v", events, issues, err)
	}
}

// CheckEvents runs a document's events in order as the importer would
// record them: later events see the earlier ones, refusals say why.
func TestCheckEvents(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	before := testchain.Snapshot(t, c, "trace/")
	evs := []trace.EventInput{
		{Type: "ObjectEvent", Action: "ADD", EPCList: []string{pear(1)}, Lot: pearLot, BizStep: "commissioning", EventTime: ago(c, 0)},
		{Type: "ObjectEvent", Action: "OBSERVE", EPCList: []string{pear(1)}, BizStep: "shipping", EventTime: ago(c, 0),
			DestinationList: []trace.Destination{{Type: "possessing_party", Destination: logistics}}},
		{Type: "ObjectEvent", Action: "OBSERVE", EPCList: []string{pear(1)}, BizStep: "shipping", EventTime: ago(c, 0),
			DestinationList: []trace.Destination{{Type: "possessing_party", Destination: market}}},
		{Type: "ObjectEvent", Action: "ADD", EPCList: []string{pear(1)}, Lot: pearLot, BizStep: "commissioning", EventTime: ago(c, 0)},
	}
	out, err := trace.CheckEvents(c.View(), c.Height+1, c.Time, coop, evs)
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != nil || out[1] != nil || trace.AsRefusal(out[2]) == nil || trace.AsRefusal(out[2]).Reason != "in_transit" ||
		trace.AsRefusal(out[3]) == nil || trace.AsRefusal(out[3]).Reason != "already_recorded" {
		t.Fatalf("outcomes %v", out)
	}
	is := trace.IssueOf(2, "epcisBody.eventList[2]", "", trace.ImportRefused, out[2], "zh")
	if is.Path != "epcisBody.eventList[2].epcList[0]" || !strings.Contains(is.Message, "正发往 "+logistics) {
		t.Fatalf("issue %+v", is)
	}
	testchain.SameState(t, "a check writes nothing", before, testchain.Snapshot(t, c, "trace/"))
	if _, err := trace.CheckEvents(c.View(), c.Height+1, c.Time, "nobody", evs); err == nil {
		t.Fatal("check as an unknown organisation")
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
	f.Add([]byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransformationEvent","eventTime":"2026-02-27T10:00:00Z","bizStep":"commissioning","inputQuantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":5}],"outputEPCList":["urn:epc:id:sgtin:4012345.012345.1"],"ilmd":{"cbvmda:lotNumber":"J1"}}]}}`))
	f.Add([]byte(`{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":[{"type":"AssociationEvent","action":"ADD","parentID":"urn:epc:id:grai:4012345.55555.987","childEPCs":["urn:epc:id:giai:4000001.12345"],"eventTime":"2019-11-01T14:00:00.000+01:00"}]}}}}`))
	f.Add([]byte(`{}`))
	capture := handler(f, "capture")
	f.Fuzz(func(t *testing.T, doc []byte) {
		events, index, issues, err := trace.ParseEPCIS(doc, "zh")
		if err != nil {
			if len(events) != 0 || len(issues) != 0 {
				t.Fatal("events with a document error")
			}
			return
		}
		if len(index) != len(events) {
			t.Fatal("index and events differ")
		}
		for _, is := range issues {
			if is.Message == "" || is.Path == "" {
				t.Fatalf("issue without a message or path: %+v", is)
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
