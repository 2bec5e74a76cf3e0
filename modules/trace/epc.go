package trace

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// EPC URNs (GS1 Tag Data Standard 2.0) and GS1 Digital Link URIs are the
// two forms EPCIS documents name objects, classes, locations and parties
// in. ConvertID turns either into this module's canonical path; DigitalLink
// and EPCURN turn a canonical path back.

// OrgURNPrefix names a consortium organisation in an EPCIS document's
// source and destination lists.
const OrgURNPrefix = "urn:dengta:org:"

// DrugURNPrefix names a drug pack by its traceability code (and its
// product and lot forms: urn:dengta:drug:<7 digits>, ...:<7 digits>.lot.<lot>).
const DrugURNPrefix = "urn:dengta:drug:"

// DigitalLinkBase is the canonical Digital Link domain EPCIS 2.0 uses.
const DigitalLinkBase = "https://id.gs1.org"

// ConvertID converts an identifier in any form EPCIS 2.0 allows (EPC URN,
// EPC class URN, EPC pattern URN for a product class, GS1 Digital Link URI
// on any domain, geo: URI) or this module's path form to its canonical
// path.
func ConvertID(field, s string) (ID, error) {
	switch {
	case strings.HasPrefix(s, "/"), strings.HasPrefix(s, "geo:"):
		return ParseID(field, s)
	case strings.HasPrefix(s, "urn:epc:id:"):
		return convertURN(field, s)
	case strings.HasPrefix(s, "urn:epc:class:lgtin:"):
		cp, rest, err := urnFields(field, s, "urn:epc:class:lgtin:", 3)
		if err != nil {
			return ID{}, err
		}
		g, err := urnGTIN(field, s, cp, rest[0])
		if err != nil {
			return ID{}, err
		}
		return ParseID(field, "/01/"+g+"/10/"+escSegment(rest[1]))
	case strings.HasPrefix(s, "urn:epc:idpat:"):
		return convertPattern(field, s)
	case strings.HasPrefix(s, DrugURNPrefix):
		v := s[len(DrugURNPrefix):]
		if code, lot, ok := strings.Cut(v, ".lot."); ok {
			return ParseID(field, "/drug/"+code+"/10/"+escSegment(lot))
		}
		return ParseID(field, "/drug/"+v)
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		return convertDigitalLink(field, s)
	}
	return ID{}, refuse(errcode.MalformedBody, "unknown_id_form", field, "value", s)
}

// urnFields splits the dot-separated fields after prefix (n of them) and
// unescapes them; it returns the first and the others.
func urnFields(field, s, prefix string, n int) (string, []string, error) {
	parts := strings.Split(s[len(prefix):], ".")
	if len(parts) != n {
		return "", nil, refuse(errcode.MalformedBody, "urn_fields", field, "value", s, "n", strconv.Itoa(n))
	}
	for i, p := range parts {
		v, err := url.PathUnescape(p)
		if err != nil {
			return "", nil, refuse(errcode.MalformedBody, "bad_escape", field, "value", s)
		}
		parts[i] = v
	}
	return parts[0], parts[1:], nil
}

// urnGTIN rebuilds a GTIN-14 from an EPC URN's company prefix and
// indicator + item reference.
func urnGTIN(field, s, cp, ref string) (string, error) {
	if !allDigits(cp) || !allDigits(ref) || len(cp)+len(ref) != 13 || len(cp) < 6 {
		return "", refuse(errcode.MalformedBody, "urn_digits", field, "value", s, "n", "13")
	}
	body := ref[:1] + cp + ref[1:]
	return body + string(gs1Check(body)), nil
}

// urnKey joins a company prefix and a reference of n digits together and
// appends the check digit.
func urnKey(field, s, cp, ref string, n int) (string, error) {
	if !allDigits(cp) || !allDigits(ref) || len(cp)+len(ref) != n || len(cp) < 4 {
		return "", refuse(errcode.MalformedBody, "urn_digits", field, "value", s, "n", strconv.Itoa(n))
	}
	body := cp + ref
	return body + string(gs1Check(body)), nil
}

func convertURN(field, s string) (ID, error) {
	rest := s[len("urn:epc:id:"):]
	scheme, _, ok := strings.Cut(rest, ":")
	if !ok {
		return ID{}, refuse(errcode.MalformedBody, "unknown_id_form", field, "value", s)
	}
	prefix := "urn:epc:id:" + scheme + ":"
	n := map[string]int{
		SchemeSGTIN: 3, SchemeUPUI: 3, SchemeSSCC: 2, SchemeSGLN: 3, SchemePGLN: 2, SchemeGRAI: 3, SchemeGIAI: 2,
		SchemeGSRN: 2, SchemeGSRNP: 2, SchemeGDTI: 3, SchemeSGCN: 3, SchemeGINC: 2, SchemeGSIN: 2, SchemeITIP: 4, SchemeCPI: 3,
	}[scheme]
	if otherSchemes[scheme] {
		v := s[len(prefix):]
		if v == "" {
			return ID{}, refuse(errcode.MalformedBody, "urn_fields", field, "value", s, "n", "1")
		}
		return ParseID(field, "/epc/"+scheme+"/"+escSegment(v))
	}
	if n == 0 {
		return ID{}, refuse(errcode.MalformedBody, "unknown_id_form", field, "value", s)
	}
	cp, f, err := urnFields(field, s, prefix, n)
	if err != nil {
		return ID{}, err
	}
	path := ""
	switch scheme {
	case SchemeSGTIN, SchemeUPUI:
		g, err := urnGTIN(field, s, cp, f[0])
		if err != nil {
			return ID{}, err
		}
		ai := "21"
		if scheme == SchemeUPUI {
			ai = "235"
		}
		path = "/01/" + g + "/" + ai + "/" + escSegment(f[1])
	case SchemeSSCC:
		if !allDigits(cp) || !allDigits(f[0]) || len(cp)+len(f[0]) != 17 || len(f[0]) < 1 {
			return ID{}, refuse(errcode.MalformedBody, "urn_digits", field, "value", s, "n", "17")
		}
		body := f[0][:1] + cp + f[0][1:]
		path = "/00/" + body + string(gs1Check(body))
	case SchemeSGLN:
		gln, err := urnKey(field, s, cp, f[0], 12)
		if err != nil {
			return ID{}, err
		}
		path = "/414/" + gln
		if ext := f[1]; ext != "0" && ext != "" {
			path += "/254/" + escSegment(ext)
		}
	case SchemePGLN:
		gln, err := urnKey(field, s, cp, f[0], 12)
		if err != nil {
			return ID{}, err
		}
		path = "/417/" + gln
	case SchemeGRAI:
		key, err := urnKey(field, s, cp, f[0], 12)
		if err != nil {
			return ID{}, err
		}
		path = "/8003/0" + key + escSegment(f[1])
	case SchemeGIAI, SchemeGINC:
		if !allDigits(cp) {
			return ID{}, refuse(errcode.MalformedBody, "urn_digits", field, "value", s, "n", "4-12")
		}
		ai := map[string]string{SchemeGIAI: "8004", SchemeGINC: "401"}[scheme]
		path = "/" + ai + "/" + escSegment(cp+f[0])
	case SchemeGSRN, SchemeGSRNP:
		key, err := urnKey(field, s, cp, f[0], 17)
		if err != nil {
			return ID{}, err
		}
		ai := map[string]string{SchemeGSRN: "8018", SchemeGSRNP: "8017"}[scheme]
		path = "/" + ai + "/" + key
	case SchemeGDTI, SchemeSGCN:
		key, err := urnKey(field, s, cp, f[0], 12)
		if err != nil {
			return ID{}, err
		}
		ai := map[string]string{SchemeGDTI: "253", SchemeSGCN: "255"}[scheme]
		path = "/" + ai + "/" + escSegment(key+f[1])
	case SchemeGSIN:
		key, err := urnKey(field, s, cp, f[0], 16)
		if err != nil {
			return ID{}, err
		}
		path = "/402/" + key
	case SchemeITIP:
		// urn:epc:id:itip:CP.IR.PPTT.S: the item reference with its
		// indicator, the piece and total, the serial.
		g, err := urnGTIN(field, s, cp, f[0])
		if err != nil {
			return ID{}, err
		}
		if len(f[1]) != 4 || !allDigits(f[1]) {
			return ID{}, refuse(errcode.MalformedBody, "itip_form", field, "value", s)
		}
		path = "/8006/" + g + f[1] + "/21/" + escSegment(f[2])
	case SchemeCPI:
		path = "/8010/" + escSegment(cp+f[0]) + "/8011/" + f[1]
	}
	return ParseID(field, path)
}

// convertPattern converts an EPC pattern URN that names a class: all the
// serials of one GTIN (sgtin:CP.IR.*) or of one returnable asset type
// (grai:CP.AT.*). Wider patterns name no class of identical objects.
func convertPattern(field, s string) (ID, error) {
	for _, scheme := range []string{SchemeSGTIN, SchemeGRAI} {
		prefix := "urn:epc:idpat:" + scheme + ":"
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		cp, f, err := urnFields(field, s, prefix, 3)
		if err != nil {
			return ID{}, err
		}
		if f[1] != "*" || f[0] == "*" || cp == "*" {
			return ID{}, refuse(errcode.MalformedBody, "class_too_broad", field, "value", s)
		}
		if scheme == SchemeSGTIN {
			g, err := urnGTIN(field, s, cp, f[0])
			if err != nil {
				return ID{}, err
			}
			return ParseID(field, "/01/"+g)
		}
		key, err := urnKey(field, s, cp, f[0], 12)
		if err != nil {
			return ID{}, err
		}
		return ParseID(field, "/8003/0"+key)
	}
	return ID{}, refuse(errcode.MalformedBody, "class_too_broad", field, "value", s)
}

// dlKeys are the Digital Link primary keys this module knows, with the
// qualifiers each may be followed by.
var dlKeys = map[string][]string{
	"01": {"22", "10", "21", "235"}, "00": nil, "414": {"254"}, "417": nil, "8003": nil, "8004": nil,
	"8018": nil, "8017": nil, "253": nil, "255": nil, "401": nil, "402": nil, "8006": {"22", "10", "21"}, "8010": {"8011"},
}

// convertDigitalLink takes the identifier of a GS1 Digital Link URI (any
// domain, any path before the primary key; query parameters, which carry
// data attributes, are ignored).
func convertDigitalLink(field, s string) (ID, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ID{}, refuse(errcode.MalformedBody, "bad_uri", field, "value", s)
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	start := -1
	for i, seg := range segs {
		if _, ok := dlKeys[seg]; ok && i+1 < len(segs) {
			start = i
			break
		}
	}
	if start < 0 {
		return ID{}, refuse(errcode.MalformedBody, "no_primary_key", field, "value", s)
	}
	segs = segs[start:]
	key := segs[0]
	// Qualifiers come in pairs after the key's value; a lot given beside a
	// serial is the item's lot, which the item's commissioning records.
	quals := map[string]string{}
	var order []string
	for i := 2; i+1 < len(segs); i += 2 {
		quals[segs[i]] = segs[i+1]
		order = append(order, segs[i])
	}
	if len(segs)%2 != 0 {
		return ID{}, refuse(errcode.MalformedBody, "bad_uri", field, "value", s)
	}
	for _, q := range order {
		if !contains(dlKeys[key], q) {
			return ID{}, refuse(errcode.MalformedBody, "unsupported_qualifier", field, "value", s, "ai", q)
		}
	}
	if _, ok := quals["22"]; ok {
		return ID{}, refuse(errcode.MalformedBody, "unsupported_qualifier", field, "value", s, "ai", "22")
	}
	path := "/" + key + "/" + segs[1]
	switch key {
	case "01":
		switch {
		case quals["21"] != "":
			path += "/21/" + quals["21"]
		case quals["235"] != "":
			path += "/235/" + quals["235"]
		case quals["10"] != "":
			path += "/10/" + quals["10"]
		}
	case "414":
		if ext := quals["254"]; ext != "" && ext != "0" {
			path += "/254/" + ext
		}
	case "8006":
		path += "/21/" + quals["21"]
	case "8010":
		path += "/8011/" + quals["8011"]
	}
	return ParseID(field, canonicalEscapes(path))
}

// canonicalEscapes re-escapes a path taken from a URI in the canonical
// way: every segment decoded, then escaped as escSegment does.
func canonicalEscapes(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if v, ok := unescSegment(seg); ok {
			segs[i] = escSegment(v)
		}
	}
	return strings.Join(segs, "/")
}

// LotOfURI returns the lot a Digital Link URI of an item carries
// (/01/G/10/L/21/S), or "".
func LotOfURI(s string) string {
	if !strings.HasPrefix(s, "http") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	for i := 0; i+5 < len(segs); i++ {
		if segs[i] == "01" && segs[i+2] == "10" && segs[i+4] == "21" {
			if g, err := ParseGTIN("", segs[i+1]); err == nil {
				if id, err := ParseID("", canonicalEscapes("/01/"+g+"/10/"+segs[i+3])); err == nil {
					return id.Path
				}
			}
		}
	}
	return ""
}

// DigitalLink returns the GS1 Digital Link URI of a canonical identifier
// on the canonical domain; drug codes, geo: URIs and non-GS1 EPCs, which
// have no Digital Link form, as their URN or URI.
func DigitalLink(path string) string {
	switch {
	case strings.HasPrefix(path, "geo:"):
		return path
	case strings.HasPrefix(path, "/drug/"):
		v := strings.TrimPrefix(path, "/drug/")
		if code, lot, ok := strings.Cut(v, "/10/"); ok {
			l, _ := unescSegment(lot)
			return DrugURNPrefix + code + ".lot." + url.PathEscape(l)
		}
		return DrugURNPrefix + v
	case strings.HasPrefix(path, "/epc/"):
		parts := strings.SplitN(path[len("/epc/"):], "/", 2)
		v, _ := unescSegment(parts[1])
		return "urn:epc:id:" + parts[0] + ":" + v
	}
	return DigitalLinkBase + path
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
