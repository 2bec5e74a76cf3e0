package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// ParseEPCIS reads an EPCIS 2.0 JSON-LD document, an EPCISDocument
// (epcisBody.eventList) or an EPCISQueryDocument
// (epcisBody.queryResults.resultsBody.eventList), and converts each of its
// events to the body capture takes, in document order: every event type,
// identifiers as EPC URNs (instance, class, product pattern), GS1 Digital
// Link URIs on any domain or this module's paths, CBV terms as short
// names, URNs or web URIs (other vocabularies' terms as their URIs),
// quantities and sensor values as exact decimals, sensor elements, ILMD,
// persistent dispositions, business transactions, certification info,
// error declarations and vendor extension fields. Parties may be
// organisation ids, urn:dengta:org:<id>, party GLNs or location GLNs.
//
// It returns the converted events with their positions in the document
// (index[i] is events[i]'s), and an issue for each event it cannot
// convert, saying why in lang ("zh" or "en") and where (a JSON path in the
// document). The error is for a document that is not an EPCIS document at
// all.
func ParseEPCIS(doc []byte, lang string) (events []EventInput, index []int, issues []ImportIssue, err error) {
	var d struct {
		Type      string                     `json:"type"`
		EPCISBody map[string]json.RawMessage `json:"epcisBody"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, nil, nil, fmt.Errorf("not an EPCIS JSON document: %v", err)
	}
	var list json.RawMessage
	base := "epcisBody.eventList"
	switch d.Type {
	case "EPCISDocument":
		list = d.EPCISBody["eventList"]
	case "EPCISQueryDocument":
		var qr struct {
			ResultsBody struct {
				EventList json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		}
		if raw := d.EPCISBody["queryResults"]; raw != nil {
			if err := json.Unmarshal(raw, &qr); err != nil {
				return nil, nil, nil, fmt.Errorf("epcisBody.queryResults does not decode: %v", err)
			}
		}
		list, base = qr.ResultsBody.EventList, "epcisBody.queryResults.resultsBody.eventList"
	default:
		return nil, nil, nil, fmt.Errorf("the document's type is %q, not EPCISDocument or EPCISQueryDocument", d.Type)
	}
	if list == nil {
		return nil, nil, nil, fmt.Errorf("the document has no %s", base)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(list, &raws); err != nil {
		return nil, nil, nil, fmt.Errorf("%s is not a list of events: %v", base, err)
	}
	for i, raw := range raws {
		path := fmt.Sprintf("%s[%d]", base, i)
		in, eventID, err := convertEvent(raw)
		if err == nil {
			_, err = validateEvent(in)
		}
		if err != nil {
			issues = append(issues, IssueOf(i, path, eventID, ImportUnreadable, err, lang))
			continue
		}
		events = append(events, *in)
		index = append(index, i)
	}
	return events, index, issues, nil
}

// IssueOf describes how the event at index (document path path) fares:
// its status, and for a refusal its code, reason, where it points in the
// document and why, in lang.
func IssueOf(index int, path, eventID, status string, err error, lang string) ImportIssue {
	is := ImportIssue{Index: index, EventID: eventID, Status: status, Path: path}
	if err == nil {
		return is
	}
	r := AsRefusal(err)
	if r == nil {
		is.Code, is.Message = errcode.Internal.Name(), errcode.Message(err)
		return is
	}
	is.Code, is.Reason = r.Code.Name(), r.Reason
	if r.Reason == "already_recorded" {
		is.Status, is.Event = ImportRecorded, r.Params["event"]
	}
	c := *r
	if c.Field != "" {
		is.Path = path + "." + EPCISPath(c.Field)
		c.Field = EPCISPath(c.Field)
	}
	is.Message = c.Message(lang)
	return is
}

// EPCISPath turns a capture body's field path (source_list[0].source)
// into the EPCIS document's (sourceList[0].source).
func EPCISPath(f string) string {
	parts := strings.Split(f, ".")
	for i, p := range parts {
		name, idx, _ := strings.Cut(p, "[")
		if idx != "" {
			idx = "[" + idx
		}
		if v, ok := epcisNames[name]; ok {
			name = v
		} else {
			name = camel(name)
		}
		parts[i] = name + idx
	}
	return strings.Join(parts, ".")
}

var epcisNames = map[string]string{
	"epc_list": "epcList", "child_epcs": "childEPCs", "input_epc_list": "inputEPCList", "output_epc_list": "outputEPCList",
	"parent_id": "parentID", "event_id": "eventID", "read_point": "readPoint.id", "biz_location": "bizLocation.id",
	"sensors": "sensorElementList", "reports": "sensorReport", "metadata": "sensorMetadata", "lot": "ilmd",
	"corrective_event_ids": "correctiveEventIDs", "epc_class": "epcClass", "s_dev": "sDev", "transformation_id": "transformationID",
	"device_id": "deviceID", "uri_value": "uriValue", "biz_transaction": "bizTransaction",
}

func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// eventFields are the EPCIS event fields the converter reads; any other
// field with a colon in its name is a vendor extension, kept as it came.
var eventFields = []string{"type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "epcList", "quantityList", "parentID",
	"childEPCs", "childQuantityList", "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID",
	"action", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
	"destinationList", "sensorElementList", "ilmd", "certificationInfo", "errorDeclaration", "@context"}

// ev decodes one event's fields with field paths in its errors.
type ev struct {
	m map[string]json.RawMessage
}

func (e ev) has(k string) bool { return e.m[k] != nil }

func (e ev) str(k string) (string, error) {
	raw := e.m[k]
	if raw == nil || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", refuse(errcode.MalformedBody, "epcis_type", k, "want", "a string")
	}
	return s, nil
}

func (e ev) strs(k string) ([]string, error) {
	raw := e.m[k]
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var s []string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, refuse(errcode.MalformedBody, "epcis_type", k, "want", "a list of strings")
	}
	return s, nil
}

// objects decodes a list of objects of a field.
func (e ev) objects(k string) ([]map[string]json.RawMessage, error) {
	raw := e.m[k]
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var out []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, refuse(errcode.MalformedBody, "epcis_type", k, "want", "a list of objects")
	}
	return out, nil
}

func objStr(m map[string]json.RawMessage, k, path string) (string, error) {
	raw := m[k]
	if raw == nil || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", refuse(errcode.MalformedBody, "epcis_type", path+"."+k, "want", "a string")
	}
	return s, nil
}

// decimalOf reads a JSON number (or a numeric string) exactly.
func decimalOf(raw json.RawMessage, path string) (Decimal, error) {
	if raw == nil || string(raw) == "null" {
		return "", nil
	}
	s := strings.TrimSpace(string(raw))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", refuse(errcode.MalformedBody, "bad_decimal", path, "value", string(raw))
		}
	}
	v, err := parseDecimal(path, s)
	if err != nil {
		return "", err
	}
	return Decimal(formatDecimal(v)), nil
}

func convertEvent(raw json.RawMessage) (*EventInput, string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, "", refuse(errcode.MalformedBody, "epcis_type", "", "want", "an event object")
	}
	e := ev{m}
	eventID, _ := e.str("eventID")
	typ, err := e.str("type")
	if err != nil {
		return nil, eventID, err
	}
	switch {
	case typ == "":
		return nil, eventID, refuse(errcode.MalformedBody, "epcis_missing", "type")
	case !slices.Contains(EventTypes, typ):
		return nil, eventID, refuse(errcode.MalformedBody, "unsupported_event_type", "type", "value", typ)
	}
	in := &EventInput{Type: typ}
	for _, f := range []struct {
		k   string
		dst *string
	}{{"action", &in.Action}, {"bizStep", &in.BizStep}, {"disposition", &in.Disposition}, {"transformationID", &in.TransformationID}} {
		if *f.dst, err = e.str(f.k); err != nil {
			return nil, eventID, err
		}
	}
	if in.EventTime, err = eventTime(e); err != nil {
		return nil, eventID, err
	}
	// Identifier lists.
	for _, l := range []struct {
		k   string
		dst *[]string
	}{{"epcList", &in.EPCList}, {"childEPCs", &in.ChildEPCs}, {"inputEPCList", &in.InputEPCList}, {"outputEPCList", &in.OutputEPCList}} {
		ids, err := e.strs(l.k)
		if err != nil {
			return nil, eventID, err
		}
		for i, s := range ids {
			id, err := ConvertID(fmt.Sprintf("%s[%d]", l.k, i), s)
			if err != nil {
				return nil, eventID, err
			}
			*l.dst = append(*l.dst, id.Path)
			// A Digital Link of an item that carries its lot names the lot
			// of the items a commissioning or transformation creates.
			if in.Lot == "" && (l.k == "epcList" && typ == ObjectEvent && in.Action == ActionAdd || l.k == "outputEPCList") {
				in.Lot = LotOfURI(s)
			}
		}
	}
	for _, l := range []struct {
		k   string
		dst *[]QuantityElement
	}{{"quantityList", &in.QuantityList}, {"childQuantityList", &in.ChildQuantityList}, {"inputQuantityList", &in.InputQuantityList}, {"outputQuantityList", &in.OutputQuantityList}} {
		qs, err := e.objects(l.k)
		if err != nil {
			return nil, eventID, err
		}
		for i, q := range qs {
			path := fmt.Sprintf("%s[%d]", l.k, i)
			cls, err := objStr(q, "epcClass", path)
			if err != nil {
				return nil, eventID, err
			}
			if cls == "" {
				return nil, eventID, refuse(errcode.MalformedBody, "epcis_missing", path+".epcClass")
			}
			id, err := ConvertID(path+".epcClass", cls)
			if err != nil {
				return nil, eventID, err
			}
			qe := QuantityElement{EPCClass: id.Path}
			if qe.Quantity, err = decimalOf(q["quantity"], path+".quantity"); err != nil {
				return nil, eventID, err
			}
			if qe.UOM, err = objStr(q, "uom", path); err != nil {
				return nil, eventID, err
			}
			*l.dst = append(*l.dst, qe)
		}
	}
	if s, err := e.str("parentID"); err != nil {
		return nil, eventID, err
	} else if s != "" {
		id, err := ConvertID("parentID", s)
		if err != nil {
			return nil, eventID, err
		}
		in.ParentID = id.Path
	}
	for _, l := range []struct {
		k   string
		dst *string
	}{{"readPoint", &in.ReadPoint}, {"bizLocation", &in.BizLocation}} {
		raw := m[l.k]
		if raw == nil || string(raw) == "null" {
			continue
		}
		var ref map[string]json.RawMessage
		if err := json.Unmarshal(raw, &ref); err != nil {
			return nil, eventID, refuse(errcode.MalformedBody, "epcis_type", l.k, "want", `an object {"id": ...}`)
		}
		s, err := objStr(ref, "id", l.k)
		if err != nil {
			return nil, eventID, err
		}
		id, err := ConvertID(l.k+".id", s)
		if err != nil {
			return nil, eventID, err
		}
		*l.dst = id.Path
	}
	if raw := m["persistentDisposition"]; raw != nil && string(raw) != "null" {
		var pd PersistentDisposition
		if err := json.Unmarshal(raw, &pd); err != nil {
			return nil, eventID, refuse(errcode.MalformedBody, "epcis_type", "persistentDisposition", "want", `{"set": [...], "unset": [...]}`)
		}
		in.PersistentDisposition = &pd
	}
	bts, err := e.objects("bizTransactionList")
	if err != nil {
		return nil, eventID, err
	}
	for i, bt := range bts {
		path := fmt.Sprintf("bizTransactionList[%d]", i)
		var x BizTransaction
		if x.Type, err = objStr(bt, "type", path); err != nil {
			return nil, eventID, err
		}
		if x.BizTransaction, err = objStr(bt, "bizTransaction", path); err != nil {
			return nil, eventID, err
		}
		in.BizTransactionList = append(in.BizTransactionList, x)
	}
	for _, l := range []struct{ k, v string }{{"sourceList", "source"}, {"destinationList", "destination"}} {
		list, err := e.objects(l.k)
		if err != nil {
			return nil, eventID, err
		}
		for i, sd := range list {
			path := fmt.Sprintf("%s[%d]", l.k, i)
			typ, err := objStr(sd, "type", path)
			if err != nil {
				return nil, eventID, err
			}
			val, err := objStr(sd, l.v, path)
			if err != nil {
				return nil, eventID, err
			}
			if typ == "" || val == "" {
				return nil, eventID, refuse(errcode.MalformedBody, "epcis_missing", path+"."+map[bool]string{true: "type", false: l.v}[typ == ""])
			}
			t, err := vocabulary(path+".type", typ, "sdt", "SDT", SourceDestTypes)
			if err != nil {
				return nil, eventID, err
			}
			v, err := convertSourceDest(path+"."+l.v, t, val)
			if err != nil {
				return nil, eventID, err
			}
			if l.k == "sourceList" {
				in.SourceList = append(in.SourceList, Source{Type: t, Source: v})
			} else {
				in.DestinationList = append(in.DestinationList, Destination{Type: t, Destination: v})
			}
		}
	}
	if in.Sensors, err = convertSensors(e); err != nil {
		return nil, eventID, err
	}
	if raw := m["ilmd"]; raw != nil && string(raw) != "null" {
		if in.ILMD, err = convertILMD(raw); err != nil {
			return nil, eventID, err
		}
	}
	if raw := m["certificationInfo"]; raw != nil && string(raw) != "null" {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			in.CertificationInfo = []string{one}
		} else if err := json.Unmarshal(raw, &in.CertificationInfo); err != nil {
			return nil, eventID, refuse(errcode.MalformedBody, "epcis_type", "certificationInfo", "want", "a URI or a list of URIs")
		}
	}
	if raw := m["errorDeclaration"]; raw != nil && string(raw) != "null" {
		var d struct {
			DeclarationTime    string   `json:"declarationTime"`
			Reason             string   `json:"reason"`
			CorrectiveEventIDs []string `json:"correctiveEventIDs"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, eventID, refuse(errcode.MalformedBody, "epcis_type", "errorDeclaration", "want", `{"declarationTime": ..., "reason": ..., "correctiveEventIDs": [...]}`)
		}
		if d.Reason == "" {
			d.Reason = "incorrect_data"
		}
		in.ErrorDeclaration = &ErrorDeclarationInput{Reason: d.Reason, Corrects: eventID, CorrectiveEventIDs: d.CorrectiveEventIDs, DeclarationTime: d.DeclarationTime}
	} else {
		in.EventID = eventID
	}
	for k, v := range m {
		if slices.Contains(eventFields, k) {
			continue
		}
		if !strings.Contains(k, ":") {
			return nil, eventID, refuse(errcode.MalformedBody, "unknown_field", k)
		}
		if in.Extensions == nil {
			in.Extensions = map[string]json.RawMessage{}
		}
		in.Extensions[k] = compact(v)
	}
	return in, eventID, nil
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// eventTime converts eventTime to its eventTimeZoneOffset.
func eventTime(e ev) (string, error) {
	s, err := e.str("eventTime")
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", refuse(errcode.MalformedBody, "epcis_missing", "eventTime")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", refuse(errcode.MalformedBody, "bad_time", "event_time", "value", s)
	}
	offset, err := e.str("eventTimeZoneOffset")
	if err != nil {
		return "", err
	}
	if offset == "" {
		return t.Format(time.RFC3339Nano), nil
	}
	o, err := time.Parse("-07:00", offset)
	if err != nil || len(offset) != 6 {
		return "", refuse(errcode.MalformedBody, "bad_offset", "eventTimeZoneOffset", "value", offset)
	}
	_, secs := o.Zone()
	return t.In(time.FixedZone("", secs)).Format(time.RFC3339Nano), nil
}

// convertSourceDest converts a source's or destination's value: a
// location to its path; a party to an organisation id (urn:dengta:org:
// or the id itself) or the path of its party or location GLN; another
// vocabulary's type keeps its URI.
func convertSourceDest(path, typ, v string) (string, error) {
	switch typ {
	case SDLocation:
		return ParseLocation(path, v)
	case SDOwningParty, SDPossessingParty:
		if org, ok := strings.CutPrefix(v, OrgURNPrefix); ok {
			if !field.IsOrgID(org) {
				return "", refuse(errcode.MalformedBody, "bad_party", path, "value", v)
			}
			return org, nil
		}
		if field.IsOrgID(v) {
			return v, nil
		}
		id, err := ConvertID(path, v)
		if err != nil {
			return "", err
		}
		if id.Kind != KindParty && (id.Kind != KindLocation || id.Scheme == SchemeGeo) {
			return "", refuse(errcode.MalformedBody, "bad_party", path, "value", v)
		}
		return id.Path, nil
	}
	return v, nil
}

// The CBV master data attributes of ILMD, in their usual prefixed forms.
var ilmdNames = map[string]string{
	"lotNumber": "lot", "itemExpirationDate": "expiry", "bestBeforeDate": "best_before", "sellByDate": "sell_by", "productionDate": "production",
}

func convertILMD(raw json.RawMessage) (*ILMD, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, refuse(errcode.MalformedBody, "epcis_type", "ilmd", "want", "an object")
	}
	out := &ILMD{}
	for k, v := range m {
		name := k
		for _, p := range []string{"cbvmda:", "urn:epcglobal:cbv:mda#", "https://ref.gs1.org/cbv/mda#", "gs1:"} {
			name = strings.TrimPrefix(name, p)
		}
		what, known := ilmdNames[name]
		var s string
		if known && json.Unmarshal(v, &s) == nil {
			switch what {
			case "lot":
				out.LotNumber = s
			case "expiry":
				out.ItemExpirationDate = s
			case "best_before":
				out.BestBeforeDate = s
			case "sell_by":
				out.SellByDate = s
			case "production":
				out.ProductionDate = s
			}
			continue
		}
		if out.Extensions == nil {
			out.Extensions = map[string]json.RawMessage{}
		}
		out.Extensions[k] = compact(v)
	}
	return out, nil
}

// metadataFields are the EPCIS sensor metadata fields; others are
// vendor extensions.
var metadataFields = map[string]bool{"time": true, "startTime": true, "endTime": true, "deviceID": true, "deviceMetadata": true,
	"rawData": true, "dataProcessingMethod": true, "bizRules": true}

func convertSensors(e ev) ([]SensorElement, error) {
	els, err := e.objects("sensorElementList")
	if err != nil {
		return nil, err
	}
	var out []SensorElement
	for i, el := range els {
		path := fmt.Sprintf("sensorElementList[%d]", i)
		se := SensorElement{Reports: []SensorReport{}}
		for k, v := range el {
			switch k {
			case "sensorMetadata":
				var md map[string]json.RawMessage
				if err := json.Unmarshal(v, &md); err != nil {
					return nil, refuse(errcode.MalformedBody, "epcis_type", path+".sensorMetadata", "want", "an object")
				}
				se.Metadata = &SensorMetadata{}
				for mk, mv := range md {
					if !metadataFields[mk] {
						if se.Metadata.Extensions == nil {
							se.Metadata.Extensions = map[string]json.RawMessage{}
						}
						se.Metadata.Extensions[mk] = compact(mv)
						continue
					}
					s, err := objStr(md, mk, path+".sensorMetadata")
					if err != nil {
						return nil, err
					}
					setMetadata(se.Metadata, mk, s)
				}
			case "sensorReport":
				var reps []map[string]json.RawMessage
				if err := json.Unmarshal(v, &reps); err != nil {
					return nil, refuse(errcode.MalformedBody, "epcis_type", path+".sensorReport", "want", "a list of objects")
				}
				for j, rep := range reps {
					rpath := fmt.Sprintf("%s.sensorReport[%d]", path, j)
					r, err := convertReport(rep, rpath)
					if err != nil {
						return nil, err
					}
					se.Reports = append(se.Reports, r)
				}
			case "type": // "SensorElement", the type JSON-LD may name
			default:
				if se.Extensions == nil {
					se.Extensions = map[string]json.RawMessage{}
				}
				se.Extensions[k] = compact(v)
			}
		}
		out = append(out, se)
	}
	return out, nil
}

func setMetadata(m *SensorMetadata, k, s string) {
	switch k {
	case "time":
		m.Time = s
	case "startTime":
		m.StartTime = s
	case "endTime":
		m.EndTime = s
	case "deviceID":
		m.DeviceID = s
	case "deviceMetadata":
		m.DeviceMetadata = s
	case "rawData":
		m.RawData = s
	case "dataProcessingMethod":
		m.DataProcessingMethod = s
	case "bizRules":
		m.BizRules = s
	}
}

func convertReport(rep map[string]json.RawMessage, path string) (SensorReport, error) {
	var r SensorReport
	strs := map[string]*string{"type": &r.Type, "exception": &r.Exception, "deviceID": &r.DeviceID, "deviceMetadata": &r.DeviceMetadata,
		"rawData": &r.RawData, "dataProcessingMethod": &r.DataProcessingMethod, "bizRules": &r.BizRules, "time": &r.Time,
		"microorganism": &r.Microorganism, "chemicalSubstance": &r.ChemicalSubstance, "coordinateReferenceSystem": &r.CoordinateReferenceSystem,
		"component": &r.Component, "uom": &r.UOM, "stringValue": &r.StringValue, "hexBinaryValue": &r.HexBinaryValue, "uriValue": &r.URIValue}
	decs := map[string]*Decimal{"value": &r.Value, "minValue": &r.MinValue, "maxValue": &r.MaxValue, "meanValue": &r.MeanValue,
		"sDev": &r.SDev, "percRank": &r.PercRank, "percValue": &r.PercValue}
	for k, v := range rep {
		var err error
		switch {
		case strs[k] != nil:
			*strs[k], err = objStr(rep, k, path)
		case decs[k] != nil:
			*decs[k], err = decimalOf(v, path+"."+k)
		case k == "booleanValue":
			var b bool
			if err := json.Unmarshal(v, &b); err != nil {
				var s string
				if json.Unmarshal(v, &s) != nil || (s != "true" && s != "false") {
					return r, refuse(errcode.MalformedBody, "epcis_type", path+".booleanValue", "want", "true or false")
				}
				b = s == "true"
			}
			r.BooleanValue = &b
		default:
			if r.Extensions == nil {
				r.Extensions = map[string]json.RawMessage{}
			}
			r.Extensions[k] = compact(v)
		}
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// DocumentBase is the JSON path of a document's event list:
// epcisBody.eventList, or the query results' for an EPCISQueryDocument.
func DocumentBase(doc []byte) string {
	var d struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(doc, &d) == nil && d.Type == "EPCISQueryDocument" {
		return "epcisBody.queryResults.resultsBody.eventList"
	}
	return "epcisBody.eventList"
}
