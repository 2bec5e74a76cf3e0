package trace

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Identifier kinds (Object.Kind and ParseID's answer).
const (
	KindItem      = "item"      // a serialised trade item: /01/<gtin14>/21/<serial> (SGTIN) or /01/<gtin14>/235/<tpx> (UPUI)
	KindDrug      = "drug"      // a drug pack with its 20-digit traceability code: /drug/<20 digits>
	KindContainer = "container" // a logistic unit (case, pallet): /00/<sscc>
	KindAsset     = "asset"     // a returnable or individual asset, a document, a service relation...: /8003/..., /8004/..., /epc/gid/...
	KindLot       = "lot"       // a batch of a product: /01/<gtin14>/10/<lot> (LGTIN) or /drug/<7 digits>/10/<lot>
	KindProduct   = "product"   // a product: /01/<gtin14> or /drug/<7 digits>
	KindLocation  = "location"  // a place: /414/<gln> or /414/<gln>/254/<extension> (SGLN), or a geo: URI
	KindParty     = "party"     // a party: /417/<party gln> (PGLN)
)

// Schemes of the identifiers (ID.Scheme): the EPC URN scheme names of the
// GS1 keys (TDS 2.0), and this chain's own for drug codes.
const (
	SchemeSGTIN = "sgtin"
	SchemeUPUI  = "upui"
	SchemeSSCC  = "sscc"
	SchemeSGLN  = "sgln"
	SchemePGLN  = "pgln"
	SchemeGRAI  = "grai"
	SchemeGIAI  = "giai"
	SchemeGSRN  = "gsrn"
	SchemeGSRNP = "gsrnp"
	SchemeGDTI  = "gdti"
	SchemeSGCN  = "sgcn"
	SchemeGINC  = "ginc"
	SchemeGSIN  = "gsin"
	SchemeITIP  = "itip"
	SchemeCPI   = "cpi"
	SchemeLGTIN = "lgtin"
	SchemeGTIN  = "gtin"  // a product class (urn:epc:idpat:sgtin:CP.IR.*)
	SchemeDrug  = "drug"  // 药品追溯码 and its product and lot forms
	SchemeGeo   = "geo"   // a geo: URI (RFC 5870) as a read point
	SchemeOther = "other" // non-GS1 EPC schemes: gid, usdod, adi, bic, imovn
)

// DrugProductDigits is the length of the product part (药品标识码) of a
// Chinese drug traceability code (药品追溯码): its first 7 digits name the
// drug and package, the next 9 are the pack's serial and the last 4 check
// digits (computed by an algorithm the code issuer does not publish, so
// only the length and digits are checked here).
const DrugProductDigits = 7

// DrugCodeDigits is the length of a drug traceability code.
const DrugCodeDigits = 20

// MaxSerialLen is the longest serial (GS1 AI 21) or lot number (AI 10).
const MaxSerialLen = 20

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// gs1Check returns the GS1 check digit of body (all digits but the check
// digit): weights 3, 1, 3, ... from the right.
func gs1Check(body string) byte {
	sum := 0
	w := 3
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// GS1CheckDigit returns the check digit of a GS1 key written without it
// (for example the first 13 digits of a GTIN-14). body must be digits.
func GS1CheckDigit(body string) byte { return gs1Check(body) }

// checkedDigits checks a GS1 key of n digits ending in its check digit.
func checkedDigits(field, what, s string, n int) error {
	if !allDigits(s) || len(s) != n {
		return refuse(errcode.MalformedBody, "key_length", field, "what", what, "n", strconv.Itoa(n), "value", s)
	}
	if c := gs1Check(s[:n-1]); s[n-1] != c {
		return refuse(errcode.MalformedBody, "check_digit", field, "what", what, "value", s, "got", string(s[n-1]), "want", string(c))
	}
	return nil
}

// ParseGTIN checks a GTIN-8, -12, -13 or -14 (with its GS1 check digit)
// and returns it as 14 digits, padded on the left with zeros.
func ParseGTIN(field, s string) (string, error) {
	if s == "" {
		return "", refuse(errcode.MalformedBody, "gtin_required", field)
	}
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", refuse(errcode.MalformedBody, "gtin_length", field, "value", s)
	}
	if !allDigits(s) {
		return "", refuse(errcode.MalformedBody, "gtin_length", field, "value", s)
	}
	g := strings.Repeat("0", 14-len(s)) + s
	if c := gs1Check(g[:13]); g[13] != c {
		return "", refuse(errcode.MalformedBody, "check_digit", field, "what", "GTIN", "value", s, "got", string(g[13]), "want", string(c))
	}
	return g, nil
}

// ParseSSCC checks an SSCC-18 with its check digit.
func ParseSSCC(field, s string) (string, error) {
	return s, checkedDigits(field, "SSCC", s, 18)
}

// ParseGLN checks a GLN-13 with its check digit.
func ParseGLN(field, s string) (string, error) {
	return s, checkedDigits(field, "GLN", s, 13)
}

// ai82 reports whether c is in the GS1 AI encodable character set 82,
// the characters of serials, lot numbers and most alphanumeric keys.
func ai82(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(`!"%&'()*+,-./:;<=>?_`, c) >= 0
}

// ai39 reports whether c is in the GS1 AI encodable character set 39 (the
// characters of a component/part identifier, CPI).
func ai39(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '#' || c == '-' || c == '/'
}

// The canonical form of an identifier is its GS1 Digital Link path. A
// value that may hold characters which would break a path (a serial may
// contain '/', '%', '?' or '#') is written with those escaped, as Digital
// Link writes them: escSegment and unescSegment convert.
func escSegment(s string) string {
	if !strings.ContainsAny(s, "%/?#") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%', '/', '?', '#':
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c), 16)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescSegment decodes percent escapes of a path segment; ok is false for
// a malformed escape.
func unescSegment(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), true
}

// checkChars checks a GS1 alphanumeric value (decoded) of 1 to max
// characters of a character set.
func checkChars(field, what, s string, max int, ok func(byte) bool, set string) error {
	if s == "" {
		return refuse(errcode.MalformedBody, "value_empty", field, "what", what)
	}
	if len(s) > max {
		return refuse(errcode.MalformedBody, "value_too_long", field, "what", what, "value", s, "max", strconv.Itoa(max))
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return refuse(errcode.MalformedBody, "bad_character", field, "what", what, "value", s, "char", strconv.QuoteRune(r), "set", set)
		}
	}
	return nil
}

const (
	set82 = "letters, digits and !\"%&'()*+,-./:;<=>?_ (GS1 character set 82)"
	set39 = "capital letters, digits, # - and / (GS1 character set 39)"
)

// ID is a parsed identifier in its canonical path form.
type ID struct {
	Path    string // canonical form, e.g. /01/09521234543213/21/ser1
	Kind    string // one of the Kind* constants
	Scheme  string // one of the Scheme* constants
	Product string // the product id of an item, drug pack, lot or product; "" otherwise
	// Digits are the digits of the GS1 key from where its company prefix
	// starts (the indicator or extension digit left out), for looking up
	// the prefix's owner; "" when the key has none (drug codes use their
	// own prefixes, with scheme drug).
	Digits string
}

// Class reports whether the identifier names a class of objects (a lot, a
// product, a returnable asset type) rather than one object.
func (id ID) Class() bool {
	return id.Kind == KindLot || id.Kind == KindProduct || (id.Scheme == SchemeGRAI && id.Kind == KindAsset && id.isGRAIType())
}

// isGRAIType reports whether a GRAI path has no serial: the asset type.
func (id ID) isGRAIType() bool {
	v := strings.TrimPrefix(id.Path, "/8003/")
	return len(v) == 14
}

// idForms are the forms ParseID takes, for its messages.
var idForms = []string{"/01/<GTIN>/21/<serial>", "/01/<GTIN>/10/<lot>", "/00/<SSCC>", "/414/<GLN>", "/417/<GLN>", "/8003/<GRAI>", "/8004/<GIAI>", "/drug/<code>"}

// pathHint is idForms in an English message.
var pathHint = IDForms("en", func(s string) string { return s })

// IDForms lists the forms of identifiers ParseID takes in a sentence of
// lang ("zh" or English), each form (machine syntax, the same in every
// language) passed through mark.
func IDForms(lang string, mark func(string) string) string {
	sep, or := ", ", " or "
	if strings.HasPrefix(lang, "zh") {
		sep, or = "、", " 或 "
	}
	marked := make([]string, len(idForms))
	for i, f := range idForms {
		marked[i] = mark(f)
	}
	return strings.Join(marked[:len(marked)-1], sep) + or + marked[len(marked)-1]
}

// ParseID parses any identifier of this module in GS1 Digital Link path
// form (or this module's /drug/ and /epc/ forms) and returns its canonical
// form: GTINs of 8, 12 and 13 digits are padded to 14, every check digit
// is verified, characters a path cannot hold are escaped. Products may
// also be given as bare GTIN digits. EPC URNs and Digital Link URIs are
// converted by ConvertID.
func ParseID(field, s string) (ID, error) {
	if s == "" {
		return ID{}, refuse(errcode.MalformedBody, "id_required", field)
	}
	if strings.HasPrefix(s, "geo:") {
		return parseGeo(field, s)
	}
	if !strings.HasPrefix(s, "/") {
		if allDigits(s) {
			g, err := ParseGTIN(field, s)
			if err != nil {
				return ID{}, err
			}
			return gtinProduct(g), nil
		}
		if strings.HasPrefix(s, "urn:") || strings.HasPrefix(s, "http") {
			return ConvertID(field, s)
		}
		return ID{}, refuse(errcode.MalformedBody, "not_an_id", field, "value", s, "forms", pathHint)
	}
	parts := strings.Split(s[1:], "/")
	bad := func() (ID, error) {
		return ID{}, refuse(errcode.MalformedBody, "not_an_id", field, "value", s, "forms", pathHint)
	}
	// seg decodes and checks part i as an alphanumeric value.
	seg := func(i int, what string, max int) (string, error) {
		v, ok := unescSegment(parts[i])
		if !ok {
			return "", refuse(errcode.MalformedBody, "bad_escape", field, "value", s)
		}
		return v, checkChars(field, what, v, max, ai82, set82)
	}
	switch parts[0] {
	case "01":
		if len(parts) != 2 && len(parts) != 4 {
			return bad()
		}
		g, err := ParseGTIN(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		prod := gtinProduct(g)
		if len(parts) == 2 {
			return prod, nil
		}
		switch parts[2] {
		case "21":
			v, err := seg(3, "serial", MaxSerialLen)
			if err != nil {
				return ID{}, err
			}
			return ID{Path: prod.Path + "/21/" + escSegment(v), Kind: KindItem, Scheme: SchemeSGTIN, Product: prod.Path, Digits: prod.Digits}, nil
		case "235":
			v, err := seg(3, "third-party serial", 28)
			if err != nil {
				return ID{}, err
			}
			return ID{Path: prod.Path + "/235/" + escSegment(v), Kind: KindItem, Scheme: SchemeUPUI, Product: prod.Path, Digits: prod.Digits}, nil
		case "10":
			v, err := seg(3, "lot number", MaxSerialLen)
			if err != nil {
				return ID{}, err
			}
			return ID{Path: prod.Path + "/10/" + escSegment(v), Kind: KindLot, Scheme: SchemeLGTIN, Product: prod.Path, Digits: prod.Digits}, nil
		}
		return ID{}, refuse(errcode.MalformedBody, "unsupported_qualifier", field, "value", s, "ai", parts[2])
	case "00":
		if len(parts) != 2 {
			return bad()
		}
		sscc, err := ParseSSCC(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		return ID{Path: "/00/" + sscc, Kind: KindContainer, Scheme: SchemeSSCC, Digits: sscc[1:17]}, nil
	case "414":
		if len(parts) != 2 && !(len(parts) == 4 && parts[2] == "254") {
			return bad()
		}
		gln, err := ParseGLN(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		id := ID{Path: "/414/" + gln, Kind: KindLocation, Scheme: SchemeSGLN, Digits: gln[:12]}
		if len(parts) == 4 {
			ext, err := seg(3, "GLN extension", MaxSerialLen)
			if err != nil {
				return ID{}, err
			}
			id.Path += "/254/" + escSegment(ext)
		}
		return id, nil
	case "417":
		if len(parts) != 2 {
			return bad()
		}
		gln, err := ParseGLN(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		return ID{Path: "/417/" + gln, Kind: KindParty, Scheme: SchemePGLN, Digits: gln[:12]}, nil
	case "8003":
		// GRAI: "0", the 13-digit GRAI with its check digit, then an
		// optional serial of up to 16 characters. Without the serial it
		// names the asset type (a class).
		if len(parts) != 2 {
			return bad()
		}
		v, ok := unescSegment(parts[1])
		if !ok || len(v) < 14 || v[0] != '0' {
			return ID{}, refuse(errcode.MalformedBody, "grai_form", field, "value", s)
		}
		if err := checkedDigits(field, "GRAI", v[1:14], 13); err != nil {
			return ID{}, err
		}
		if len(v) > 14 {
			if err := checkChars(field, "GRAI serial", v[14:], 16, ai82, set82); err != nil {
				return ID{}, err
			}
		}
		return ID{Path: "/8003/" + escSegment(v), Kind: KindAsset, Scheme: SchemeGRAI, Digits: v[1:13]}, nil
	case "8004", "401":
		if len(parts) != 2 {
			return bad()
		}
		what := map[string]string{"8004": "GIAI", "401": "GINC"}[parts[0]]
		v, err := seg(1, what, 30)
		if err != nil {
			return ID{}, err
		}
		scheme := map[string]string{"8004": SchemeGIAI, "401": SchemeGINC}[parts[0]]
		return ID{Path: "/" + parts[0] + "/" + escSegment(v), Kind: KindAsset, Scheme: scheme, Digits: leadingDigits(v)}, nil
	case "8018", "8017":
		if len(parts) != 2 {
			return bad()
		}
		if err := checkedDigits(field, "GSRN", parts[1], 18); err != nil {
			return ID{}, err
		}
		scheme := map[string]string{"8018": SchemeGSRN, "8017": SchemeGSRNP}[parts[0]]
		return ID{Path: s, Kind: KindAsset, Scheme: scheme, Digits: parts[1][:17]}, nil
	case "253", "255":
		// GDTI and GCN: 13 digits with their check digit, then a serial
		// (GDTI: up to 17 characters of set 82; GCN: up to 12 digits).
		if len(parts) != 2 {
			return bad()
		}
		what := map[string]string{"253": "GDTI", "255": "GCN"}[parts[0]]
		v, ok := unescSegment(parts[1])
		if !ok || len(v) < 13 {
			return ID{}, refuse(errcode.MalformedBody, "key_length", field, "what", what, "n", "13+", "value", v)
		}
		if err := checkedDigits(field, what, v[:13], 13); err != nil {
			return ID{}, err
		}
		if parts[0] == "255" {
			if len(v) > 13 && (!allDigits(v[13:]) || len(v) > 25) {
				return ID{}, refuse(errcode.MalformedBody, "bad_character", field, "what", "GCN serial", "value", v, "char", "", "set", "up to 12 digits")
			}
		} else if len(v) > 13 {
			if err := checkChars(field, "GDTI serial", v[13:], 17, ai82, set82); err != nil {
				return ID{}, err
			}
		}
		scheme := map[string]string{"253": SchemeGDTI, "255": SchemeSGCN}[parts[0]]
		return ID{Path: "/" + parts[0] + "/" + escSegment(v), Kind: KindAsset, Scheme: scheme, Digits: v[:12]}, nil
	case "402":
		if len(parts) != 2 {
			return bad()
		}
		if err := checkedDigits(field, "GSIN", parts[1], 17); err != nil {
			return ID{}, err
		}
		return ID{Path: s, Kind: KindAsset, Scheme: SchemeGSIN, Digits: parts[1][:16]}, nil
	case "8006":
		// ITIP: a GTIN-14, the piece number and the total (2 digits each),
		// then the serial.
		if len(parts) != 4 || parts[2] != "21" || len(parts[1]) != 18 || !allDigits(parts[1]) {
			return ID{}, refuse(errcode.MalformedBody, "itip_form", field, "value", s)
		}
		g, err := ParseGTIN(field, parts[1][:14])
		if err != nil {
			return ID{}, err
		}
		v, err := seg(3, "serial", MaxSerialLen)
		if err != nil {
			return ID{}, err
		}
		return ID{Path: "/8006/" + parts[1] + "/21/" + escSegment(v), Kind: KindAsset, Scheme: SchemeITIP, Digits: g[1:13]}, nil
	case "8010":
		if len(parts) != 4 || parts[2] != "8011" {
			return ID{}, refuse(errcode.MalformedBody, "cpi_form", field, "value", s)
		}
		v, ok := unescSegment(parts[1])
		if !ok {
			return ID{}, refuse(errcode.MalformedBody, "bad_escape", field, "value", s)
		}
		if err := checkChars(field, "CPI", v, 30, ai39, set39); err != nil {
			return ID{}, err
		}
		if !allDigits(parts[3]) || len(parts[3]) > 12 {
			return ID{}, refuse(errcode.MalformedBody, "cpi_form", field, "value", s)
		}
		return ID{Path: "/8010/" + escSegment(v) + "/8011/" + parts[3], Kind: KindAsset, Scheme: SchemeCPI, Digits: leadingDigits(v)}, nil
	case "epc":
		// Identifiers of EPC schemes outside the GS1 keys, which have no
		// Digital Link form: /epc/<scheme>/<value>.
		if len(parts) != 3 || !otherSchemes[parts[1]] {
			return bad()
		}
		v, ok := unescSegment(parts[2])
		if !ok || v == "" || len(v) > 64 || !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return ID{}, refuse(errcode.MalformedBody, "not_an_id", field, "value", s, "forms", pathHint)
		}
		return ID{Path: "/epc/" + parts[1] + "/" + escSegment(v), Kind: KindAsset, Scheme: SchemeOther}, nil
	case "drug":
		if len(parts) == 2 && allDigits(parts[1]) && len(parts[1]) == DrugCodeDigits {
			return ID{Path: s, Kind: KindDrug, Scheme: SchemeDrug, Product: "/drug/" + parts[1][:DrugProductDigits], Digits: parts[1][:DrugProductDigits]}, nil
		}
		if len(parts) == 2 && allDigits(parts[1]) && len(parts[1]) == DrugProductDigits {
			return ID{Path: s, Kind: KindProduct, Scheme: SchemeDrug, Product: s, Digits: parts[1]}, nil
		}
		if len(parts) == 4 && allDigits(parts[1]) && len(parts[1]) == DrugProductDigits && parts[2] == "10" {
			v, err := seg(3, "lot number", MaxSerialLen)
			if err != nil {
				return ID{}, err
			}
			prod := "/drug/" + parts[1]
			return ID{Path: prod + "/10/" + escSegment(v), Kind: KindLot, Scheme: SchemeDrug, Product: prod, Digits: parts[1]}, nil
		}
		return ID{}, refuse(errcode.MalformedBody, "drug_form", field, "value", s)
	}
	return bad()
}

// otherSchemes are the EPC schemes outside the GS1 keys (TDS 2.0).
var otherSchemes = map[string]bool{"gid": true, "usdod": true, "adi": true, "bic": true, "imovn": true}

func gtinProduct(g string) ID {
	return ID{Path: "/01/" + g, Kind: KindProduct, Scheme: SchemeGTIN, Product: "/01/" + g, Digits: g[1:13]}
}

// leadingDigits returns the digits s starts with (an alphanumeric key
// starts with its company prefix).
func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// parseGeo checks a geo: URI (RFC 5870) used as a read point or business
// location: "geo:<lat>,<lon>[,<alt>][;params]".
func parseGeo(field, s string) (ID, error) {
	body := strings.TrimPrefix(s, "geo:")
	coords, _, _ := strings.Cut(body, ";")
	parts := strings.Split(coords, ",")
	if len(s) > 128 || len(parts) < 2 || len(parts) > 3 {
		return ID{}, refuse(errcode.MalformedBody, "geo_form", field, "value", s)
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || (i == 0 && (v < -90 || v > 90)) || (i == 1 && (v < -180 || v > 180)) {
			return ID{}, refuse(errcode.MalformedBody, "geo_form", field, "value", s)
		}
	}
	return ID{Path: s, Kind: KindLocation, Scheme: SchemeGeo}, nil
}

// parseKind parses an identifier and requires one of kinds.
func parseKind(field, s string, kinds ...string) (ID, error) {
	id, err := ParseID(field, s)
	if err != nil {
		return ID{}, err
	}
	for _, k := range kinds {
		if id.Kind == k {
			return id, nil
		}
	}
	return ID{}, refuse(errcode.MalformedBody, "wrong_kind", field, "value", s, "kind", id.Kind, "want", kindList(kinds))
}

func kindList(kinds []string) string {
	names := map[string]string{
		KindItem: "an item /01/<GTIN>/21/<serial>", KindDrug: "a drug pack /drug/<20 digits>",
		KindContainer: "a container /00/<SSCC>", KindLot: "a lot /01/<GTIN>/10/<lot>",
		KindProduct: "a product /01/<GTIN>", KindLocation: "a location /414/<GLN>",
		KindParty: "a party /417/<GLN>", KindAsset: "an asset /8003/<GRAI>, /8004/<GIAI>, ...",
	}
	var out []string
	for _, k := range kinds {
		out = append(out, names[k])
	}
	if len(out) == 1 {
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
}

// ParseLocation accepts a location: a path /414/<GLN>[/254/<extension>],
// the 13 GLN digits, a geo: URI, or an SGLN URN or Digital Link URI.
func ParseLocation(field, s string) (string, error) {
	if allDigits(s) {
		if _, err := ParseGLN(field, s); err != nil {
			return "", err
		}
		return "/414/" + s, nil
	}
	id, err := parseKind(field, s, KindLocation)
	return id.Path, err
}

// BaseLocation is the GLN of a location without its extension
// (/414/<GLN>); "" for a geo: location.
func BaseLocation(loc string) string {
	if !strings.HasPrefix(loc, "/414/") {
		return ""
	}
	if i := strings.Index(loc, "/254/"); i > 0 {
		return loc[:i]
	}
	return loc
}

// ParseProduct accepts a product id (/01/<GTIN>, /drug/<7 digits>) or a
// GTIN's digits and returns the canonical product id.
func ParseProduct(field, s string) (string, error) {
	id, err := parseKind(field, s, KindProduct)
	return id.Path, err
}

// objectKinds are the kinds of single objects: what an event's lists name
// besides classes.
var objectKinds = []string{KindItem, KindDrug, KindContainer, KindAsset}

// ParseEPC accepts the identifier of something a scan or an event names:
// an item, a drug pack, a container, an asset or a lot.
func ParseEPC(field, s string) (ID, error) {
	return parseKind(field, s, KindItem, KindDrug, KindContainer, KindAsset, KindLot, KindProduct)
}

// ParseObject accepts the identifier of one object: an item, a drug pack,
// a container or an asset (a GRAI without serial names a type, not one
// asset).
func ParseObject(field, s string) (ID, error) {
	id, err := parseKind(field, s, objectKinds...)
	if err == nil && id.Class() {
		return ID{}, refuse(errcode.MalformedBody, "wrong_kind", field, "value", s, "kind", "returnable asset type", "want", kindList(objectKinds))
	}
	return id, err
}

func kindOf(id string) string {
	p, err := ParseID("id", id)
	if err != nil {
		return ""
	}
	return p.Kind
}
