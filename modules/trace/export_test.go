package trace_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/trace"
)

// epcisSchema compiles GS1's published EPCIS 2.0 JSON schema
// (testdata/gs1/EPCIS-JSON-Schema.json), with formats asserted.
func epcisSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/gs1/EPCIS-JSON-Schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	// The schema's patterns are ECMAScript regular expressions with
	// lookaheads, which Go's regexp lacks.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	const url = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return ok && err == nil
}
func (r ecmaRegexp) String() string { return r.re.String() }

func validEPCIS(t testing.TB, s *jsonschema.Schema, doc []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("the document does not validate against the EPCIS 2.0 schema: %v\n%s", err, doc)
	}
}

// The schema is the real one: GS1's own examples pass, a broken event
// does not.
func TestEPCISSchemaIsStrict(t *testing.T) {
	s := epcisSchema(t)
	validEPCIS(t, s, readDoc(t, "gs1/examples/Example_9.6.1-ObjectEvent.jsonld"))
	validEPCIS(t, s, readDoc(t, "gs1/examples/WithSensorData/SensorDataExample8.jsonld"))
	bad := strings.Replace(string(readDoc(t, "gs1/examples/Example_9.6.1-ObjectEvent.jsonld")), `"action": "OBSERVE"`, `"action": "LOOK"`, 1)
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if s.Validate(v) == nil {
		t.Fatal("an event with action LOOK validates")
	}
}

// TestExport: an item's journey and a lot's events as EPCIS 2.0 JSON-LD
// documents that GS1's schema accepts, and that import again to the same
// events.
func TestExport(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	story(t, c)
	// Some of everything an export writes: sensors, quantities, a late
	// event, business transactions, an error declaration, an association.
	capture(t, c, market, with(observe(c, "sensor_reporting", pear(1)), "sensors", []map[string]any{{
		"metadata": map[string]any{"start_time": ago(c, 10*time.Minute), "end_time": ago(c, 0), "device_id": "urn:epc:id:giai:6904444.T1"},
		"reports": []map[string]any{{"type": "Temperature", "min_value": "1.5", "max_value": "5", "mean_value": "3.25", "uom": "CEL"},
			{"type": "example:custom", "boolean_value": true, "extensions": map[string]any{"example:x": 1}}}}},
		"biz_transaction_list", []map[string]any{{"type": "po", "biz_transaction": "urn:epcglobal:cbv:bt:" + gs1("690444400001") + ":PO-1"}},
		"persistent_disposition", map[string]any{"set": []string{"completeness_verified"}}, "event_id", "urn:uuid:sensor-1",
		"extensions", map[string]any{"example:note": "冷链"}))
	capture(t, c, coop, with(commission(c, pearLot, pear(30)), "event_time", c.Time.AddDate(0, -3, 0).Format(time.RFC3339), "lot", nil)) // before the lot was produced
	wrong := capture(t, c, inspector, with(observe(c, "inspecting", pear(30)), "event_time", c.Time.AddDate(0, -2, 0).Format(time.RFC3339)))
	capture(t, c, inspector, with(observe(c, "inspecting", pear(30)), "event_time", c.Time.AddDate(0, -2, 0).Format(time.RFC3339),
		"error_declaration", map[string]any{"reason": "incorrect_data", "corrects": wrong}))
	capture(t, c, coop, map[string]any{"type": "ObjectEvent", "action": "ADD", "biz_step": "commissioning", "event_time": ago(c, 0),
		"quantity_list": []map[string]any{{"epc_class": pearLot, "quantity": "12.5", "uom": "KGM"}}})
	s := epcisSchema(t)
	for _, epc := range []string{pear(1), pear(2), pear(30), juice(1), juice(10), sscc(2)} {
		doc, err := trace.ExportItem(c.View(), epc, c.Time)
		if err != nil {
			t.Fatal(err)
		}
		validEPCIS(t, s, doc)
		// It imports again: the same events, in the same order.
		events, _, issues, err := trace.ParseEPCIS(doc, "en")
		if err != nil || len(issues) != 0 {
			t.Fatalf("export of %s reimported: %v %+v", epc, err, issues)
		}
		j, _ := trace.Journey(c.View(), epc)
		if len(events) != len(j) {
			t.Fatalf("export of %s: %d events, journey %d", epc, len(events), len(j))
		}
		for i := range j {
			want := j[i].EventInput
			if want.ErrorDeclaration != nil {
				continue
			}
			got := events[i]
			for k := range got.Extensions {
				if strings.HasPrefix(k, "dengta:") {
					delete(got.Extensions, k)
				}
			}
			if len(got.Extensions) == 0 {
				got.Extensions = nil
			}
			if want.EventID == "" {
				got.EventID = ""
			}
			if got.ILMD != nil && want.ILMD == nil && got.ILMD.LotNumber != "" && len(got.ILMD.Extensions) == 0 &&
				got.ILMD.ItemExpirationDate == "" && got.ILMD.BestBeforeDate == "" && got.ILMD.SellByDate == "" && got.ILMD.ProductionDate == "" {
				got.ILMD = nil // the lot an export writes as ILMD
			}
			if trace.Digest(&got) != trace.Digest(&want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("export of %s, event %d round trip:\n got %s\nwant %s", epc, i, g, w)
			}
		}
	}
	doc, err := trace.ExportLot(c.View(), pearLot, c.Time)
	if err != nil {
		t.Fatal(err)
	}
	validEPCIS(t, s, doc)
	var d struct {
		EPCISBody struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var late, declared, quantities bool
	for _, e := range d.EPCISBody.EventList {
		late = late || e["dengta:recordedLate"] == true
		declared = declared || e["errorDeclaration"] != nil
		quantities = quantities || e["quantityList"] != nil
	}
	if !quantities || len(d.EPCISBody.EventList) < 10 {
		t.Fatalf("lot export: %d events, quantities %v", len(d.EPCISBody.EventList), quantities)
	}
	doc, _ = trace.ExportItem(c.View(), pear(30), c.Time)
	json.Unmarshal(doc, &d)
	for _, e := range d.EPCISBody.EventList {
		late = late || e["dengta:recordedLate"] == true
		declared = declared || e["errorDeclaration"] != nil
	}
	if !late || !declared {
		t.Fatalf("late %v, declared %v", late, declared)
	}
	if _, err := trace.ExportLot(c.View(), pearProd+"/10/NOPE", c.Time); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("export of an unknown lot: %v", err)
	}
}

// Every event of the GS1 corpus that the chain accepted exports into a
// document the schema accepts.
func TestExportCorpusEvents(t *testing.T) {
	s := epcisSchema(t)
	docs, _ := loadCorpus(t)
	c := newChain(t)
	setup(t, c)
	n := 0
	for _, d := range docs {
		for _, e := range d.events {
			if e.ErrorDeclaration != nil {
				continue
			}
			// Record each as an event about a pear of the cooperative's,
			// keeping everything else it says.
			e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList, e.ParentID, e.Lot = nil, nil, nil, nil, "", ""
			e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList = nil, nil, nil, nil
			e.Type, e.Action, e.BizStep, e.TransformationID, e.ILMD = trace.ObjectEvent, trace.ActionObserve, "inspecting", "", nil
			e.SourceList, e.DestinationList, e.EventID = nil, nil, ""
			m := toMap(t, e)
			m["epc_list"] = []string{pear(900 + n)}
			capture(t, c, coop, with(commission(c, pearLot, pear(900+n)), "event_time", "2000-01-01T00:00:00+08:00", "lot", nil))
			capture(t, c, coop, m)
			doc, err := trace.ExportItem(c.View(), pear(900+n), c.Time)
			if err != nil {
				t.Fatal(err)
			}
			validEPCIS(t, s, doc)
			n++
		}
	}
	if n < 40 {
		t.Fatalf("only %d events exported", n)
	}
	_ = slices.Contains[[]string]
}
