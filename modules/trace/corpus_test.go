package trace_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

var printCorpus = flag.Bool("corpus.print", false, "print every GS1 example event's outcome, as the table in corpus_test.go spells it")

// The corpus: every event of GS1's published EPCIS 2.0 example documents
// (testdata/gs1/examples, from github.com/gs1/EPCIS; see the README
// there), imported on a real test chain. The consortium is built from the
// documents themselves: one organisation per GS1 company prefix they use,
// owning it, with the party and location GLNs they name registered to it
// and their GTINs registered as its products. The examples are excerpts
// of longer histories, so the serialised trade items an example observes
// without creating were commissioned beforehand by their prefix's owner.
// Each event is captured by the organisation whose place it happened at
// (its business location, else its read point), else the owner of what it
// is about. Every event must end as the table says: accepted (recorded,
// late, since the examples are from 2005 to 2021), or refused for a
// business rule of this chain that the standard leaves to a repository
// (custody, receipts matching shipments, ...). Nothing may be refused for
// being beyond what this chain reads.
var corpusWant = map[string]string{
	"AssociationEvent/AssociationEvent-a.jsonld#0":                                                           "accepted",
	"AssociationEvent/AssociationEvent-b.jsonld#0":                                                           "accepted",
	"AssociationEvent/AssociationEvent-c.jsonld#0":                                                           "rule_violation:not_associated",
	"AssociationEvent/AssociationEvent-d.jsonld#0":                                                           "accepted",
	"AssociationEvent/AssociationEvent-e.jsonld#0":                                                           "accepted",
	"AssociationEvent/AssociationEvent-f.jsonld#0":                                                           "accepted",
	"AssociationEvent/AssociationEvent-g.jsonld#0":                                                           "accepted",
	"AssociationEvent/AssociationEvent-g.jsonld#0 (the event it declares)":                                   "accepted",
	"AssociationEvent/AssociationEvent-h.jsonld#0":                                                           "rule_violation:not_associated",
	"EPCISQueryDocument.jsonld#0":                                                                            "rule_violation:no_receiver",
	"EPCISQueryDocument.jsonld#1":                                                                            "rule_violation:no_shipment",
	"Example-TransactionEvents-2020_07_03y.jsonld#0":                                                         "accepted",
	"Example-TransactionEvents-2020_07_03y.jsonld#1":                                                         "accepted",
	"Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld#0":                                   "accepted",
	"Example_9.6.1-ObjectEvent-with-pseudo-SBDH-headers.jsonld#0":                                            "rule_violation:no_receiver",
	"Example_9.6.1-ObjectEvent-with-pseudo-SBDH-headers.jsonld#1":                                            "rule_violation:no_shipment",
	"Example_9.6.1-ObjectEvent.jsonld#0":                                                                     "rule_violation:no_receiver",
	"Example_9.6.1-ObjectEvent.jsonld#1":                                                                     "rule_violation:no_shipment",
	"Example_9.6.1-with-comment.jsonld#0":                                                                    "rule_violation:no_receiver",
	"Example_9.6.1-with-comment.jsonld#1":                                                                    "rule_violation:no_shipment",
	"Example_9.6.2-ObjectEvent.jsonld#0":                                                                     "rule_violation:no_shipment_quantity",
	"Example_9.6.3-AggregationEvent.jsonld#0":                                                                "rule_violation:not_in_parent",
	"Example_9.6.4-TransformationEvent.jsonld#0":                                                             "unauthorized:not_custodian",
	"PersistentDisposition-example.jsonld#0":                                                                 "rule_violation:no_shipment",
	"PersistentDisposition-example.jsonld#1":                                                                 "accepted",
	"WithDigitalLinkID/Example_9.6.1-ObjectEventWithDigitalLink.jsonld#0":                                    "rule_violation:no_receiver",
	"WithDigitalLinkID/Example_9.6.1-ObjectEventWithDigitalLink.jsonld#1":                                    "rule_violation:no_shipment",
	"WithDigitalLinkID/Example_9.6.2-ObjectEventWithDigitalLink.jsonld#0":                                    "rule_violation:no_shipment_quantity",
	"WithDigitalLinkID/Example_9.6.3-AggregationEventWithDigitalLink.jsonld#0":                               "rule_violation:not_in_parent",
	"WithDigitalLinkID/Example_9.6.4-TransformationEventWithDigitalLink.jsonld#0":                            "unauthorized:not_custodian",
	"WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld#0":                                       "not_found:no_event",
	"WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld#0 (the event it declares)":               "unauthorized:not_custodian",
	"WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld#1":                                       "unauthorized:not_custodian",
	"WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld#0":                         "not_found:no_event",
	"WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld#0 (the event it declares)": "rule_violation:no_receiver",
	"WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld#1":                         "rule_violation:no_shipment",
	"WithFullCombinationOfFields/aggregation_event_all_possible_fields.jsonld#0":                             "not_found:no_event",
	"WithFullCombinationOfFields/aggregation_event_all_possible_fields.jsonld#0 (the event it declares)":     "rule_violation:not_in_parent",
	"WithFullCombinationOfFields/association_event_all_possible_fields.jsonld#0":                             "accepted",
	"WithFullCombinationOfFields/association_event_all_possible_fields.jsonld#0 (the event it declares)":     "accepted",
	"WithFullCombinationOfFields/object_event_all_possible_fields.jsonld#0":                                  "not_found:no_event",
	"WithFullCombinationOfFields/object_event_all_possible_fields.jsonld#0 (the event it declares)":          "unauthorized:not_product_owner",
	"WithFullCombinationOfFields/transaction_event_all_possible_fields.jsonld#0":                             "accepted",
	"WithFullCombinationOfFields/transaction_event_all_possible_fields.jsonld#0 (the event it declares)":     "accepted",
	"WithFullCombinationOfFields/transformation_event_all_possible_fields.jsonld#0":                          "not_found:no_event",
	"WithFullCombinationOfFields/transformation_event_all_possible_fields.jsonld#0 (the event it declares)":  "unauthorized:not_custodian",
	"WithSensorData/SensorDataExample1.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample10.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample11.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample12.jsonld#0":                                                            "not_found:no_declared_event",
	"WithSensorData/SensorDataExample13.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample14.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample15.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample16.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample17.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample1b.jsonld#0":                                                            "accepted",
	"WithSensorData/SensorDataExample2.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample3.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample4.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample5.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample6.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample7.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample8.jsonld#0":                                                             "accepted",
	"WithSensorData/SensorDataExample9.jsonld#0":                                                             "accepted",
}

// corpusPrefixes finds the company prefixes of a document's EPC URNs.
var urnPrefix = regexp.MustCompile(`urn:epc:(?:id|class|idpat):[a-z]+:([0-9]{4,12})\.`)

type corpusDoc struct {
	name   string
	events []trace.EventInput
	index  []int
	issues []traceapi.ImportIssue
}

func loadCorpus(t *testing.T) ([]corpusDoc, []string) {
	t.Helper()
	files, _ := filepath.Glob("testdata/gs1/examples/*.jsonld")
	more, _ := filepath.Glob("testdata/gs1/examples/*/*.jsonld")
	files = append(files, more...)
	sort.Strings(files)
	var docs []corpusDoc
	prefixSet := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range urnPrefix.FindAllStringSubmatch(string(b), -1) {
			prefixSet[m[1]] = true
		}
		evs, idx, issues, err := trace.ParseEPCIS(b, "en")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		docs = append(docs, corpusDoc{name: strings.TrimPrefix(f, "testdata/gs1/examples/"), events: evs, index: idx, issues: issues})
	}
	var prefixes []string
	for p := range prefixSet {
		prefixes = append(prefixes, p)
	}
	// Longest first, so that digits find their own prefix before a
	// shorter one a different company might have.
	sort.Slice(prefixes, func(i, j int) bool {
		return len(prefixes[i]) > len(prefixes[j]) || len(prefixes[i]) == len(prefixes[j]) && prefixes[i] < prefixes[j]
	})
	return docs, prefixes
}

// corpusOrg is the organisation of a GS1 company prefix.
func corpusOrg(prefix string) string { return "p" + prefix }

// ownerOf finds the prefix of an identifier's digits among the known
// ones (adding a 7-digit one when none fits).
func ownerOf(digits string, prefixes *[]string) string {
	if digits == "" {
		return ""
	}
	for _, p := range *prefixes {
		if strings.HasPrefix(digits, p) {
			return p
		}
	}
	p := digits[:min(7, len(digits))]
	*prefixes = append(*prefixes, p)
	return p
}

func TestGS1Corpus(t *testing.T) {
	docs, prefixes := loadCorpus(t)
	// Every identifier the documents name, to find their prefixes.
	all := map[string]trace.ID{}
	for _, d := range docs {
		for _, e := range d.events {
			for _, s := range slices.Concat(e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList, []string{e.ParentID, e.ReadPoint, e.BizLocation}) {
				if id, err := trace.ParseID("", s); err == nil {
					all[id.Path] = id
				}
			}
			for _, sd := range e.SourceList {
				if id, err := trace.ParseID("", sd.Source); err == nil {
					all[id.Path] = id
				}
			}
			for _, sd := range e.DestinationList {
				if id, err := trace.ParseID("", sd.Destination); err == nil {
					all[id.Path] = id
				}
			}
			for _, q := range slices.Concat(e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList) {
				if id, err := trace.ParseID("", q.EPCClass); err == nil {
					all[id.Path] = id
				}
			}
		}
	}
	keys := slices.Sorted(mapsKeys(all))
	for _, k := range keys {
		ownerOf(all[k].Digits, &prefixes)
	}
	sort.Slice(prefixes, func(i, j int) bool {
		return len(prefixes[i]) > len(prefixes[j]) || len(prefixes[i]) == len(prefixes[j]) && prefixes[i] < prefixes[j]
	})
	// Drop prefixes that another starts with: GS1 prefixes never overlap.
	var free []string
	for _, p := range prefixes {
		if !slices.ContainsFunc(free, func(q string) bool { return strings.HasPrefix(q, p) || strings.HasPrefix(p, q) }) {
			free = append(free, p)
		}
	}
	prefixes = free
	handlers := []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Inspector}
	orgs := []testchain.Org{{ID: "gs1-regulator", Roles: []role.Role{role.Regulator}, Validator: true}}
	for _, p := range prefixes {
		orgs = append(orgs, testchain.Org{ID: corpusOrg(p), Roles: handlers})
	}
	results := map[string]string{}
	for _, d := range docs {
		for _, is := range d.issues {
			results[fmt.Sprintf("%s#%d", d.name, is.Index)] = "not_converted:" + is.Reason
		}
		c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: orgs, Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
		var setup [][]byte
		regKey := admin(c, "gs1-regulator")
		for _, p := range prefixes {
			setup = append(setup, c.Sign(regKey, "trace", "assign_prefix", map[string]any{"prefix": p, "org": corpusOrg(p)}))
		}
		mustBlock(t, c, "prefixes", setup...)
		// Master data: the GTINs as products, the GLNs as parties and
		// places, each by its prefix's owner.
		setup = nil
		owner := func(id trace.ID) string {
			for _, p := range prefixes {
				if strings.HasPrefix(id.Digits, p) {
					return corpusOrg(p)
				}
			}
			return ""
		}
		products := map[string]bool{}
		for _, e := range d.events {
			for _, s := range slices.Concat(e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList) {
				id, err := trace.ParseID("", s)
				if err == nil && id.Product != "" && id.Scheme != trace.SchemeDrug && !products[id.Product] {
					products[id.Product] = true
				}
			}
			for _, q := range slices.Concat(e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList) {
				if id, err := trace.ParseID("", q.EPCClass); err == nil && id.Product != "" {
					products[id.Product] = true
				}
			}
		}
		for _, p := range slices.Sorted(mapsKeys(products)) {
			id, _ := trace.ParseID("", p)
			setup = append(setup, c.Sign(admin(c, owner(id)), "trace", "register_product", map[string]any{"gtin": p[len("/01/"):], "name": "GS1 example product " + p}))
		}
		places := map[string]bool{}
		for _, e := range d.events {
			for _, sd := range e.SourceList {
				places[sd.Source] = true
			}
			for _, sd := range e.DestinationList {
				places[sd.Destination] = true
			}
			for _, l := range []string{e.ReadPoint, e.BizLocation} {
				places[l] = true
			}
		}
		for _, pl := range slices.Sorted(mapsKeys(places)) {
			id, err := trace.ParseID("", pl)
			if err != nil || owner(id) == "" {
				continue
			}
			switch id.Kind {
			case trace.KindParty:
				setup = append(setup, c.Sign(admin(c, owner(id)), "trace", "register_party", map[string]any{"gln": id.Path, "name": "GS1 example party"}))
			case trace.KindLocation:
				setup = append(setup, c.Sign(admin(c, owner(id)), "trace", "register_location", map[string]any{"gln": id.Path, "name": "GS1 example place", "type": "other"}))
			}
		}
		mustBlock(t, c, "master data", setup...)
		// The examples' earlier history: the trade items they observe
		// without creating were commissioned by their producers.
		created := map[string]bool{}
		var earliest time.Time
		for _, e := range d.events {
			if e.Type == trace.ObjectEvent && e.Action == trace.ActionAdd {
				for _, s := range e.EPCList {
					created[s] = true
				}
			}
			for _, s := range e.OutputEPCList {
				created[s] = true
			}
			if t0, err := time.Parse(time.RFC3339, e.EventTime); err == nil && (earliest.IsZero() || t0.Before(earliest)) {
				earliest = t0
			}
		}
		byProducer := map[string][]string{}
		quantities := map[string][]map[string]any{}
		for _, e := range d.events {
			for _, s := range slices.Concat(e.EPCList, e.ChildEPCs, e.InputEPCList, []string{e.ParentID}) {
				id, err := trace.ParseID("", s)
				if err != nil || id.Class() || (id.Kind != trace.KindItem && id.Kind != trace.KindContainer && id.Kind != trace.KindAsset) ||
					created[id.Path] || owner(id) == "" || slices.Contains(byProducer[owner(id)], id.Path) {
					continue
				}
				byProducer[owner(id)] = append(byProducer[owner(id)], id.Path)
			}
			for _, q := range slices.Concat(e.ChildQuantityList, e.InputQuantityList) {
				id, err := trace.ParseID("", q.EPCClass)
				if err == nil && q.Quantity != "" && owner(id) != "" {
					quantities[owner(id)] = append(quantities[owner(id)], map[string]any{"epc_class": id.Path, "quantity": q.Quantity, "uom": q.UOM})
				}
			}
		}
		setup = nil
		at := earliest.Add(-24 * time.Hour).Format(time.RFC3339)
		for _, org := range slices.Sorted(mapsKeys(byProducer)) {
			setup = append(setup, c.Sign(admin(c, org), "trace", "capture", map[string]any{"type": "ObjectEvent", "action": "ADD",
				"epc_list": byProducer[org], "biz_step": "commissioning", "event_time": at}))
		}
		for _, org := range slices.Sorted(mapsKeys(quantities)) {
			for i, q := range quantities[org] {
				setup = append(setup, c.Sign(admin(c, org), "trace", "capture", map[string]any{"type": "ObjectEvent", "action": "ADD",
					"quantity_list": []map[string]any{q}, "biz_step": "creating_class_instance", "event_time": at, "event_id": fmt.Sprintf("urn:history:%s:%d", org, i)}))
			}
		}
		mustBlock(t, c, "history", setup...)
		// The document's events, in order, each by its recorder. An error
		// declaration of an event the document does not hold comes after
		// that event, which its recorder captured before (tried, at least:
		// custody may refuse it, and then the declaration finds nothing).
		var events []trace.EventInput
		var index []int
		ids := map[string]bool{}
		for _, e := range d.events {
			ids[e.EventID] = true
		}
		for i, e := range d.events {
			if dcl := e.ErrorDeclaration; dcl != nil && dcl.Corrects != "" && !ids[dcl.Corrects] {
				orig := e
				orig.ErrorDeclaration, orig.EventID = nil, dcl.Corrects
				events, index = append(events, orig), append(index, -1-d.index[i])
			}
			events, index = append(events, e), append(index, d.index[i])
		}
		d.events, d.index = events, index
		for i, e := range d.events {
			recorder := ""
			for _, s := range slices.Concat([]string{e.BizLocation, e.ReadPoint, e.ParentID}, e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList) {
				if id, err := trace.ParseID("", s); err == nil && id.Scheme != trace.SchemeGeo {
					if recorder = owner(id); recorder != "" {
						break
					}
				}
			}
			for _, q := range slices.Concat(e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList) {
				if recorder != "" {
					break
				}
				if id, err := trace.ParseID("", q.EPCClass); err == nil {
					recorder = owner(id)
				}
			}
			if recorder == "" {
				recorder = corpusOrg(prefixes[0])
			}
			res := c.Do(admin(c, recorder), "trace", "capture", toMap(t, e))
			key := fmt.Sprintf("%s#%d", d.name, d.index[i])
			if d.index[i] < 0 {
				key = fmt.Sprintf("%s#%d (the event it declares)", d.name, -1-d.index[i])
			}
			switch {
			case res.Code == 0 && testchain.Result(t, res)["late"] == true:
				results[key] = "accepted"
			case res.Code == 0:
				t.Errorf("%s: accepted but not marked late", key)
				results[key] = "accepted"
			default:
				results[key] = errcode.Code(res.Code).Name() + ":" + reasonOf(res.Log) + " — " + res.Log
			}
		}
	}
	keys = slices.Sorted(mapsKeys(results))
	accepted := 0
	for _, k := range keys {
		if results[k] == "accepted" {
			accepted++
		}
		if *printCorpus {
			fmt.Printf("%q: %q,\n", k, results[k])
		}
	}
	t.Logf("%d events, %d accepted", len(keys), accepted)
	if len(keys) < 50 {
		t.Fatalf("only %d events in the corpus", len(keys))
	}
	for _, k := range keys {
		got, _, _ := strings.Cut(results[k], " — ")
		if want, ok := corpusWant[k]; !ok {
			t.Errorf("%s: %s, not in the table", k, results[k])
		} else if got != want {
			t.Errorf("%s: %s, want %s", k, results[k], want)
		}
		if strings.HasPrefix(got, "not_converted") || strings.HasPrefix(got, "malformed_body") {
			t.Errorf("%s was refused as beyond what the chain reads: %s", k, results[k])
		}
	}
	for k := range corpusWant {
		if _, ok := results[k]; !ok {
			t.Errorf("the table has %s, which the corpus does not", k)
		}
	}
}

func mustBlock(t *testing.T, c *testchain.Chain, what string, txs ...[]byte) {
	t.Helper()
	if len(txs) == 0 {
		return
	}
	res, _ := c.Block(txs...)
	for i, r := range res {
		if r.Code != 0 {
			t.Fatalf("%s tx %d: %s", what, i, r.Log)
		}
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// reasonOf finds which message of the catalogue a refusal's log is.
func reasonOf(log string) string { return trace.ParseRefusal(errcode.RuleViolation, log).Reason }
