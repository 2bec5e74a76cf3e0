package trace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// OrgURNPrefix names a consortium organisation in an EPCIS document's
// source and destination lists.
const OrgURNPrefix = "urn:dengta:org:"

// DrugURNPrefix names a drug pack by its traceability code.
const DrugURNPrefix = "urn:dengta:drug:"

type epcisDocument struct {
	Type      string `json:"type"`
	EPCISBody *struct {
		EventList *[]json.RawMessage `json:"eventList"`
	} `json:"epcisBody"`
}

type epcisRef struct {
	ID string `json:"id"`
}

type epcisQuantity struct {
	EPCClass string `json:"epcClass"`
}

type epcisSource struct {
	Type   string `json:"type"`
	Source string `json:"source"`
}

type epcisDestination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
}

type epcisErrorDeclaration struct {
	DeclarationTime    string   `json:"declarationTime"`
	Reason             string   `json:"reason"`
	CorrectiveEventIDs []string `json:"correctiveEventIDs"`
}

type epcisEvent struct {
	Type                string                     `json:"type"`
	EventID             string                     `json:"eventID"`
	EventTime           string                     `json:"eventTime"`
	EventTimeZoneOffset string                     `json:"eventTimeZoneOffset"`
	EPCList             []string                   `json:"epcList"`
	QuantityList        []epcisQuantity            `json:"quantityList"`
	ParentID            string                     `json:"parentID"`
	ChildEPCs           []string                   `json:"childEPCs"`
	ChildQuantityList   []epcisQuantity            `json:"childQuantityList"`
	InputEPCList        []string                   `json:"inputEPCList"`
	InputQuantityList   []epcisQuantity            `json:"inputQuantityList"`
	OutputEPCList       []string                   `json:"outputEPCList"`
	OutputQuantityList  []epcisQuantity            `json:"outputQuantityList"`
	Action              string                     `json:"action"`
	BizStep             string                     `json:"bizStep"`
	Disposition         string                     `json:"disposition"`
	ReadPoint           *epcisRef                  `json:"readPoint"`
	BizLocation         *epcisRef                  `json:"bizLocation"`
	SourceList          []epcisSource              `json:"sourceList"`
	DestinationList     []epcisDestination         `json:"destinationList"`
	ILMD                map[string]json.RawMessage `json:"ilmd"`
	SensorElementList   []json.RawMessage          `json:"sensorElementList"`
	ErrorDeclaration    *epcisErrorDeclaration     `json:"errorDeclaration"`
}

// ParseEPCIS reads an EPCIS 2.0 JSON-LD document (an EPCISDocument with
// epcisBody.eventList) and converts each ObjectEvent, AggregationEvent and
// TransformationEvent to the body capture takes, in document order.
// Identifiers may be GS1 Digital Link URIs (https://id.gs1.org/01/...),
// EPC URNs (urn:epc:id:sgtin, sscc, sgln; urn:epc:class:lgtin for lots)
// or this module's paths; business steps, dispositions, source and
// destination types and error reasons may be CBV short names, CBV URNs or
// GS1 web vocabulary URIs; parties are urn:dengta:org:<id> or a plain
// organisation id. An event that cannot be converted, or whose converted
// body capture would refuse as malformed, is skipped and reported as an
// ImportIssue. The error is for a document that is not an EPCIS document
// at all.
func ParseEPCIS(doc []byte) ([]EventInput, []ImportIssue, error) {
	var d epcisDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, nil, fmt.Errorf("not an EPCIS JSON document: %v", err)
	}
	if d.Type != "EPCISDocument" {
		return nil, nil, fmt.Errorf("the document's type is %q, not EPCISDocument", d.Type)
	}
	if d.EPCISBody == nil || d.EPCISBody.EventList == nil {
		return nil, nil, errors.New("the document has no epcisBody.eventList")
	}
	var out []EventInput
	var issues []ImportIssue
	for i, raw := range *d.EPCISBody.EventList {
		var e epcisEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			issues = append(issues, ImportIssue{Index: i, Message: fmt.Sprintf("the event does not decode: %v", err)})
			continue
		}
		in, err := convertEvent(&e)
		if err == nil {
			_, err = validateEvent(in)
		}
		if err != nil {
			issues = append(issues, ImportIssue{Index: i, EventID: e.EventID, Message: errcode.Message(err)})
			continue
		}
		out = append(out, *in)
	}
	return out, issues, nil
}

func issue(format string, args ...any) error { return malformed(format, args...) }

// vocab strips the CBV URN and GS1 web vocabulary prefixes of a term.
func vocab(s, urn, web string) string {
	for _, p := range []string{"urn:epcglobal:cbv:" + urn + ":", "https://ref.gs1.org/cbv/" + web + "-", "http://ref.gs1.org/cbv/" + web + "-"} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

func convertEvent(e *epcisEvent) (*EventInput, error) {
	switch e.Type {
	case ObjectEvent, AggregationEvent, TransformationEvent:
	case "":
		return nil, issue("the event has no type")
	default:
		return nil, issue("%s is not supported: this chain records ObjectEvent, AggregationEvent and TransformationEvent", e.Type)
	}
	in := &EventInput{Type: e.Type, Action: e.Action, BizStep: vocab(e.BizStep, "bizstep", "BizStep"),
		Disposition: vocab(e.Disposition, "disp", "Disp")}
	t, err := eventTime(e.EventTime, e.EventTimeZoneOffset)
	if err != nil {
		return nil, err
	}
	in.EventTime = t
	var lotHint string
	ids := func(name string, list []string, qs []epcisQuantity) ([]string, error) {
		var out []string
		for i, s := range list {
			p, lot, err := convertID(s)
			if err != nil {
				return nil, issue("%s[%d]: %v", name, i, err)
			}
			if lot != "" && lotHint == "" {
				lotHint = lot
			}
			out = append(out, p)
		}
		for i, q := range qs {
			p, err := convertClass(q.EPCClass)
			if err != nil {
				return nil, issue("%s quantity %d: %v", name, i, err)
			}
			out = append(out, p)
		}
		return out, nil
	}
	if in.EPCList, err = ids("epcList", e.EPCList, e.QuantityList); err != nil {
		return nil, err
	}
	if in.ChildEPCs, err = ids("childEPCs", e.ChildEPCs, e.ChildQuantityList); err != nil {
		return nil, err
	}
	if in.InputEPCList, err = ids("inputEPCList", e.InputEPCList, e.InputQuantityList); err != nil {
		return nil, err
	}
	if in.OutputEPCList, err = ids("outputEPCList", e.OutputEPCList, e.OutputQuantityList); err != nil {
		return nil, err
	}
	if e.ParentID != "" {
		if in.ParentID, _, err = convertID(e.ParentID); err != nil {
			return nil, issue("parentID: %v", err)
		}
	}
	for _, l := range []struct {
		name string
		ref  *epcisRef
		dst  *string
	}{{"readPoint", e.ReadPoint, &in.ReadPoint}, {"bizLocation", e.BizLocation, &in.BizLocation}} {
		if l.ref == nil {
			continue
		}
		if *l.dst, err = convertLocation(l.ref.ID); err != nil {
			return nil, issue("%s.id: %v", l.name, err)
		}
	}
	for i, s := range e.SourceList {
		typ := vocab(s.Type, "sdt", "SDT")
		v, err := convertSourceDest(typ, s.Source)
		if err != nil {
			return nil, issue("sourceList[%d]: %v", i, err)
		}
		in.SourceList = append(in.SourceList, Source{Type: typ, Source: v})
	}
	for i, s := range e.DestinationList {
		typ := vocab(s.Type, "sdt", "SDT")
		v, err := convertSourceDest(typ, s.Destination)
		if err != nil {
			return nil, issue("destinationList[%d]: %v", i, err)
		}
		in.DestinationList = append(in.DestinationList, Destination{Type: typ, Destination: v})
	}
	for _, raw := range e.SensorElementList {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return nil, issue("sensorElementList: %v", err)
		}
		sum := sha256.Sum256(b.Bytes())
		in.SensorHashes = append(in.SensorHashes, hex.EncodeToString(sum[:]))
	}
	// The lot of commissioned items: ILMD's lot number with the items'
	// GTIN, or a Digital Link that carries /10/<lot>.
	if in.BizStep == StepCommissioning || (in.Type == TransformationEvent && hasItems(in.OutputEPCList)) {
		if lot := ilmdLot(e.ILMD); lot != "" {
			first := in.EPCList
			if in.Type == TransformationEvent {
				first = itemsOf(in.OutputEPCList)
			}
			if len(first) > 0 {
				if id, err := ParseID("epc", first[0]); err == nil && id.Product != "" {
					lotHint = id.Product + "/10/" + lot
				}
			}
		}
		if lotHint == "" {
			return nil, issue("the event commissions items but names no lot: give ilmd {\"cbvmda:lotNumber\": ...} or Digital Link identifiers with /10/<lot>")
		}
		in.Lot = lotHint
	}
	if d := e.ErrorDeclaration; d != nil {
		if e.EventID == "" {
			return nil, issue("an error declaration must carry the eventID of the event it declares erroneous")
		}
		if d.Reason == "" {
			return nil, issue("errorDeclaration.reason is required: did_not_occur or incorrect_data")
		}
		in.ErrorDeclaration = &ErrorDeclarationInput{Reason: vocab(d.Reason, "er", "ER"), Corrects: e.EventID, CorrectiveEventIDs: d.CorrectiveEventIDs}
	} else {
		in.EventID = e.EventID
	}
	return in, nil
}

func hasItems(ids []string) bool { return len(itemsOf(ids)) > 0 }

func itemsOf(ids []string) []string {
	var out []string
	for _, s := range ids {
		if k := kindOf(s); k == KindItem || k == KindDrug {
			out = append(out, s)
		}
	}
	return out
}

// ilmdLot reads the lot number from an event's instance/lot master data.
func ilmdLot(m map[string]json.RawMessage) string {
	for _, k := range []string{"cbvmda:lotNumber", "lotNumber", "urn:epcglobal:cbv:mda#lotNumber", "https://ref.gs1.org/cbv/mda#lotNumber", "gs1:lotNumber"} {
		var s string
		if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// eventTime converts eventTime to its eventTimeZoneOffset.
func eventTime(s, offset string) (string, error) {
	if s == "" {
		return "", issue("the event has no eventTime")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", issue("eventTime %q is not an RFC 3339 time with an offset", s)
	}
	if offset == "" {
		return t.Format(time.RFC3339Nano), nil
	}
	o, err := time.Parse("-07:00", offset)
	if err != nil || len(offset) != 6 {
		return "", issue("eventTimeZoneOffset %q is not an offset like +08:00", offset)
	}
	_, secs := o.Zone()
	return t.In(time.FixedZone("", secs)).Format(time.RFC3339Nano), nil
}

// convertID converts an identifier to this module's path form. For a
// Digital Link item URI that also carries a lot (/01/G/10/L/21/S) it
// returns the lot too.
func convertID(s string) (string, string, error) {
	switch {
	case strings.HasPrefix(s, "/"):
		return s, "", nil
	case strings.HasPrefix(s, "urn:epc:id:sgtin:"):
		cp, ref, serial, err := urnParts(s, "urn:epc:id:sgtin:", 3)
		if err != nil {
			return "", "", err
		}
		g, err := urnGTIN(s, cp, ref)
		if err != nil {
			return "", "", err
		}
		return "/01/" + g + "/21/" + serial, "", nil
	case strings.HasPrefix(s, "urn:epc:id:sscc:"):
		cp, ref, _, err := urnParts(s, "urn:epc:id:sscc:", 2)
		if err != nil {
			return "", "", err
		}
		if !allDigits(cp) || !allDigits(ref) || len(cp)+len(ref) != 17 {
			return "", "", fmt.Errorf("%s: an SSCC URN has a company prefix and serial reference of 17 digits together", s)
		}
		body := ref[:1] + cp + ref[1:]
		return "/00/" + body + string(gs1Check(body)), "", nil
	case strings.HasPrefix(s, "urn:epc:class:lgtin:"):
		p, err := convertClass(s)
		return p, "", err
	case strings.HasPrefix(s, "urn:epc:id:sgln:"):
		p, err := convertLocation(s)
		return p, "", err
	case strings.HasPrefix(s, DrugURNPrefix):
		return "/drug/" + s[len(DrugURNPrefix):], "", nil
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		return digitalLink(s)
	}
	return "", "", fmt.Errorf("%q is neither a GS1 Digital Link URI, an EPC URN nor an identifier path", s)
}

// urnParts splits the dotted parts of an EPC URN and unescapes the last.
func urnParts(s, prefix string, n int) (string, string, string, error) {
	parts := strings.Split(s[len(prefix):], ".")
	if len(parts) != n {
		return "", "", "", fmt.Errorf("%s: expected %d dot-separated parts after %s", s, n, prefix)
	}
	last := ""
	if n == 3 {
		var err error
		if last, err = url.PathUnescape(parts[2]); err != nil {
			return "", "", "", fmt.Errorf("%s: bad escape in %q", s, parts[2])
		}
	}
	return parts[0], parts[1], last, nil
}

// urnGTIN rebuilds a GTIN-14 from an EPC URN's company prefix and
// indicator + item reference.
func urnGTIN(s, cp, ref string) (string, error) {
	if !allDigits(cp) || !allDigits(ref) || len(cp)+len(ref) != 13 || len(cp) < 6 {
		return "", fmt.Errorf("%s: the company prefix and item reference must be 13 digits together", s)
	}
	body := ref[:1] + cp + ref[1:]
	return body + string(gs1Check(body)), nil
}

// convertClass converts a lot class (LGTIN URN or Digital Link
// /01/G/10/L) to a lot path.
func convertClass(s string) (string, error) {
	if strings.HasPrefix(s, "urn:epc:class:lgtin:") {
		cp, ref, lot, err := urnParts(s, "urn:epc:class:lgtin:", 3)
		if err != nil {
			return "", err
		}
		g, err := urnGTIN(s, cp, ref)
		if err != nil {
			return "", err
		}
		return "/01/" + g + "/10/" + lot, nil
	}
	p, _, err := convertID(s)
	if err != nil {
		return "", err
	}
	if kindOf(p) != KindLot {
		return "", fmt.Errorf("%q is not a lot class (urn:epc:class:lgtin:... or a Digital Link /01/<GTIN>/10/<lot>)", s)
	}
	return p, nil
}

// digitalLink takes the identifier path of a GS1 Digital Link URI (any
// domain, any path prefix before the primary key).
func digitalLink(s string) (string, string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("%q is not a valid URI", s)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	start := -1
	for i, seg := range segs {
		if (seg == "01" || seg == "00" || seg == "414" || seg == "drug") && i+1 < len(segs) {
			start = i
			break
		}
	}
	if start < 0 {
		return "", "", fmt.Errorf("%q has no GS1 Digital Link primary key (/01/, /00/ or /414/)", s)
	}
	segs = segs[start:]
	// /01/G/10/L/21/S is an item of lot L.
	if len(segs) == 6 && segs[0] == "01" && segs[2] == "10" && segs[4] == "21" {
		return "/01/" + segs[1] + "/21/" + segs[5], "/01/" + padGTIN(segs[1]) + "/10/" + segs[3], nil
	}
	return "/" + strings.Join(segs, "/"), "", nil
}

func padGTIN(g string) string {
	if len(g) < 14 {
		return strings.Repeat("0", 14-len(g)) + g
	}
	return g
}

// convertLocation converts an SGLN URN or Digital Link /414/ URI to a
// location path.
func convertLocation(s string) (string, error) {
	if strings.HasPrefix(s, "urn:epc:id:sgln:") {
		parts := strings.Split(s[len("urn:epc:id:sgln:"):], ".")
		if len(parts) != 3 || !allDigits(parts[0]) || !allDigits(parts[1]) && parts[1] != "" || len(parts[0])+len(parts[1]) != 12 {
			return "", fmt.Errorf("%s: an SGLN URN is <company prefix>.<location reference>.<extension> with 12 digits before the extension", s)
		}
		if parts[2] != "0" && parts[2] != "" {
			return "", fmt.Errorf("%s: GLN extensions (sub-locations) are not supported; register the sub-location under its own GLN", s)
		}
		body := parts[0] + parts[1]
		return "/414/" + body + string(gs1Check(body)), nil
	}
	p, _, err := convertID(s)
	if err != nil {
		return "", err
	}
	if kindOf(p) != KindLocation {
		return "", fmt.Errorf("%q is not a location (urn:epc:id:sgln:... or a Digital Link /414/<GLN>)", s)
	}
	return p, nil
}

func convertSourceDest(typ, v string) (string, error) {
	if typ == SDLocation {
		return convertLocation(v)
	}
	switch {
	case strings.HasPrefix(v, OrgURNPrefix):
		return v[len(OrgURNPrefix):], nil
	case field.IsOrgID(v):
		return v, nil
	case strings.HasPrefix(v, "urn:epc:id:pgln:"), strings.Contains(v, "/417/"):
		return "", fmt.Errorf("party %s is a GS1 party GLN; this chain names parties by organisation: use %s<org id>", v, OrgURNPrefix)
	}
	return "", fmt.Errorf("party %q is not an organisation of the consortium (%s<org id> or the id itself)", v, OrgURNPrefix)
}
