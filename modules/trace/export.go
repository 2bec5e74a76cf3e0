package trace

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// EPCISContext is the JSON-LD context of EPCIS 2.0 documents.
const EPCISContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// DengtaNamespace is the IRI of this chain's own extension fields in an
// exported document (dengta:recorder, dengta:recordedLate, ...).
const DengtaNamespace = "urn:dengta:epcis:"

// ExportItem returns an item's (or container's, or asset's) journey as an
// EPCIS 2.0 JSON-LD document (an EPCISDocument, valid against GS1's
// published JSON schema), created at time now.
func ExportItem(r Reader, epc string, now time.Time) ([]byte, error) {
	j, err := Journey(r, epc)
	if err != nil {
		return nil, err
	}
	events := make([]*Event, len(j))
	for i := range j {
		events[i] = &j[i].Event
	}
	return exportDocument(r, events, now)
}

// ExportLot returns the events of a lot, of the items commissioned into
// it and of the transformations that made it, as an EPCIS 2.0 document.
func ExportLot(r Reader, lot string, now time.Time) ([]byte, error) {
	l, err := GetLot(r, lot)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var positions []string
	addAll := func(ids []string) {
		for _, p := range ids {
			if !seen[p] && len(positions) < MaxJourneyEvents {
				seen[p] = true
				positions = append(positions, p)
			}
		}
	}
	ids, err := EventsOf(r, l.ID)
	if err != nil {
		return nil, err
	}
	addAll(ids)
	outs, err := module.List(r, outputList(l.ID))
	if err != nil {
		return nil, err
	}
	addAll(outs)
	items, err := LotItems(r, l.ID)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		ids, err := EventsOf(r, it)
		if err != nil {
			return nil, err
		}
		addAll(ids)
	}
	cache := eventCache{}
	var events []*Event
	for _, p := range positions {
		e, err := cache.get(r, p)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	slices.SortFunc(events, func(a, b *Event) int {
		if c := mustTime(a.EventTime).Compare(mustTime(b.EventTime)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return exportDocument(r, events, now)
}

func exportDocument(r Reader, events []*Event, now time.Time) ([]byte, error) {
	list := make([]map[string]any, 0, len(events))
	for _, e := range events {
		m, err := exportEvent(r, e)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	doc := map[string]any{
		"@context":      []any{EPCISContext, map[string]any{"dengta": DengtaNamespace}},
		"type":          "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate":  now.UTC().Format(time.RFC3339Nano),
		"epcisBody":     map[string]any{"eventList": list},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// eventURI is an exported event's eventID: the client's when it is a URI,
// else the chain's own.
func eventURI(clientID, pos string) string {
	if isOtherURI(clientID) || strings.HasPrefix(clientID, "ni:") || strings.HasPrefix(clientID, "urn:") {
		return clientID
	}
	return "urn:dengta:event:" + pos
}

// vocabOut writes a vocabulary term: a CBV short name as it is, this
// module's own steps under its namespace, other vocabularies' URIs as
// they are.
func vocabOut(term string) string {
	switch term {
	case StepRecalling, StepTransforming:
		return "urn:dengta:bizstep:" + term
	}
	return term
}

func partyOut(v string) string {
	if field.IsOrgID(v) {
		return OrgURNPrefix + v
	}
	if strings.HasPrefix(v, "/") {
		return DigitalLink(v)
	}
	return v
}

func numberOut(d Decimal) json.Number { return json.Number(string(d)) }

func quantitiesOut(qs []QuantityElement) []map[string]any {
	var out []map[string]any
	for _, q := range qs {
		m := map[string]any{"epcClass": DigitalLink(q.EPCClass)}
		if q.Quantity != "" {
			m["quantity"] = numberOut(q.Quantity)
		}
		if q.UOM != "" {
			m["uom"] = q.UOM
		}
		out = append(out, m)
	}
	return out
}

func idsOut(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = DigitalLink(id)
	}
	return out
}

func exportEvent(r Reader, e *Event) (map[string]any, error) {
	m := map[string]any{"type": e.Type}
	src := e
	if d := e.ErrorDeclaration; d != nil {
		// An error declaration repeats the event it declares, with its
		// eventID, and says when and why.
		orig, err := GetEvent(r, d.Corrects)
		if err != nil {
			return nil, err
		}
		src = orig
		decl := map[string]any{"declarationTime": cmpOr(d.DeclarationTime, e.RecordTime), "reason": d.Reason}
		if len(d.CorrectiveEventIDs) > 0 {
			var ids []string
			for _, c := range d.CorrectiveEventIDs {
				ids = append(ids, eventURI(c, c))
			}
			decl["correctiveEventIDs"] = ids
		}
		m["errorDeclaration"] = decl
	}
	t, err := time.Parse(time.RFC3339Nano, src.EventTime)
	if err != nil {
		return nil, errcode.New(errcode.Internal, "trace: event %s has time %q", src.ID, src.EventTime)
	}
	m["eventTime"] = src.EventTime
	m["eventTimeZoneOffset"] = t.Format("-07:00")
	m["recordTime"] = e.RecordTime
	m["eventID"] = eventURI(src.EventID, src.ID)
	if src.Action != "" {
		m["action"] = src.Action
	}
	if src.BizStep != "" {
		m["bizStep"] = vocabOut(src.BizStep)
	}
	if src.Disposition != "" {
		m["disposition"] = vocabOut(src.Disposition)
	}
	if pd := src.PersistentDisposition; pd != nil {
		out := map[string]any{}
		if len(pd.Set) > 0 {
			out["set"] = pd.Set
		}
		if len(pd.Unset) > 0 {
			out["unset"] = pd.Unset
		}
		m["persistentDisposition"] = out
	}
	for _, l := range []struct {
		k string
		v []string
	}{{"epcList", src.EPCList}, {"childEPCs", src.ChildEPCs}, {"inputEPCList", src.InputEPCList}, {"outputEPCList", src.OutputEPCList}} {
		if len(l.v) > 0 {
			m[l.k] = idsOut(l.v)
		}
	}
	if src.Type == ObjectEvent && m["epcList"] == nil && len(src.QuantityList) == 0 {
		m["epcList"] = []string{} // a sensor report about the read point itself
	}
	for _, l := range []struct {
		k string
		v []QuantityElement
	}{{"quantityList", src.QuantityList}, {"childQuantityList", src.ChildQuantityList}, {"inputQuantityList", src.InputQuantityList}, {"outputQuantityList", src.OutputQuantityList}} {
		if len(l.v) > 0 {
			m[l.k] = quantitiesOut(l.v)
		}
	}
	if src.ParentID != "" {
		m["parentID"] = DigitalLink(src.ParentID)
	}
	if src.Type == TransformationEvent {
		tid := src.TransformationID
		if tid == "" && (len(src.InputEPCList)+len(src.InputQuantityList) == 0 || len(src.OutputEPCList)+len(src.OutputQuantityList) == 0) {
			tid = "urn:dengta:transformation:" + src.ID
		}
		if tid != "" {
			m["transformationID"] = tid
		}
	}
	if src.ReadPoint != "" {
		m["readPoint"] = map[string]any{"id": DigitalLink(src.ReadPoint)}
	}
	if src.BizLocation != "" {
		m["bizLocation"] = map[string]any{"id": DigitalLink(src.BizLocation)}
	}
	if len(src.BizTransactionList) > 0 {
		var out []map[string]any
		for _, bt := range src.BizTransactionList {
			x := map[string]any{"bizTransaction": bt.BizTransaction}
			if bt.Type != "" {
				x["type"] = bt.Type
			}
			out = append(out, x)
		}
		m["bizTransactionList"] = out
	}
	if len(src.SourceList) > 0 {
		var out []map[string]any
		for _, s := range src.SourceList {
			out = append(out, map[string]any{"type": s.Type, "source": sdOut(s.Type, s.Source)})
		}
		m["sourceList"] = out
	}
	if len(src.DestinationList) > 0 {
		var out []map[string]any
		for _, d := range src.DestinationList {
			out = append(out, map[string]any{"type": d.Type, "destination": sdOut(d.Type, d.Destination)})
		}
		m["destinationList"] = out
	}
	if len(src.Sensors) > 0 {
		m["sensorElementList"] = sensorsOut(src.Sensors)
	}
	if ilmd := ilmdOut(src); len(ilmd) > 0 {
		m["ilmd"] = ilmd
	}
	if len(src.CertificationInfo) > 0 {
		m["certificationInfo"] = src.CertificationInfo
	}
	for k, v := range src.Extensions {
		m[k] = v
	}
	m["dengta:chainEvent"] = e.ID
	m["dengta:recorder"] = OrgURNPrefix + e.Recorder.Org
	m["dengta:height"] = e.Height
	m["dengta:txHash"] = e.TxHash
	if src.Late {
		m["dengta:recordedLate"] = true
	}
	return m, nil
}

func sdOut(typ, v string) string {
	if typ == SDOwningParty || typ == SDPossessingParty || typ == SDLocation {
		return partyOut(v)
	}
	return v
}

func ilmdOut(e *Event) map[string]any {
	out := map[string]any{}
	if m := e.ILMD; m != nil {
		for k, v := range m.Extensions {
			out[k] = v
		}
		for _, f := range []struct{ k, v string }{{"cbvmda:lotNumber", m.LotNumber}, {"cbvmda:itemExpirationDate", m.ItemExpirationDate},
			{"cbvmda:bestBeforeDate", m.BestBeforeDate}, {"cbvmda:sellByDate", m.SellByDate}, {"cbvmda:productionDate", m.ProductionDate}} {
			if f.v != "" {
				out[f.k] = f.v
			}
		}
	}
	if e.Lot != "" && out["cbvmda:lotNumber"] == nil {
		out["cbvmda:lotNumber"] = lotNumber(e.Lot)
	}
	return out
}

func sensorsOut(els []SensorElement) []map[string]any {
	var out []map[string]any
	for _, el := range els {
		m := map[string]any{}
		for k, v := range el.Extensions {
			m[k] = v
		}
		if md := el.Metadata; md != nil {
			x := map[string]any{}
			for k, v := range md.Extensions {
				x[k] = v
			}
			for _, f := range []struct{ k, v string }{{"time", md.Time}, {"startTime", md.StartTime}, {"endTime", md.EndTime}, {"deviceID", md.DeviceID},
				{"deviceMetadata", md.DeviceMetadata}, {"rawData", md.RawData}, {"dataProcessingMethod", md.DataProcessingMethod}, {"bizRules", md.BizRules}} {
				if f.v != "" {
					x[f.k] = f.v
				}
			}
			m["sensorMetadata"] = x
		}
		var reps []map[string]any
		for _, r := range el.Reports {
			x := map[string]any{}
			for k, v := range r.Extensions {
				x[k] = v
			}
			for _, f := range []struct{ k, v string }{{"type", r.Type}, {"exception", r.Exception}, {"deviceID", r.DeviceID}, {"deviceMetadata", r.DeviceMetadata},
				{"rawData", r.RawData}, {"dataProcessingMethod", r.DataProcessingMethod}, {"bizRules", r.BizRules}, {"time", r.Time},
				{"microorganism", r.Microorganism}, {"chemicalSubstance", r.ChemicalSubstance}, {"coordinateReferenceSystem", r.CoordinateReferenceSystem},
				{"component", r.Component}, {"uom", r.UOM}, {"stringValue", r.StringValue}, {"hexBinaryValue", r.HexBinaryValue}, {"uriValue", r.URIValue}} {
				if f.v != "" {
					x[f.k] = f.v
				}
			}
			for _, f := range []struct {
				k string
				v Decimal
			}{{"value", r.Value}, {"minValue", r.MinValue}, {"maxValue", r.MaxValue}, {"meanValue", r.MeanValue}, {"sDev", r.SDev},
				{"percRank", r.PercRank}, {"percValue", r.PercValue}} {
				if f.v != "" {
					x[f.k] = numberOut(f.v)
				}
			}
			if r.BooleanValue != nil {
				x["booleanValue"] = *r.BooleanValue
			}
			reps = append(reps, x)
		}
		m["sensorReport"] = reps
		out = append(out, m)
	}
	return out
}
