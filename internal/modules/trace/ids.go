package trace

import (
	"strings"
	"unicode/utf8"
)

// Identifier kinds (Object.Kind and ParseID's answer).
const (
	KindItem      = "item"      // a serialised trade item: /01/<gtin14>/21/<serial>
	KindDrug      = "drug"      // a drug pack with its 20-digit traceability code: /drug/<20 digits>
	KindContainer = "container" // a logistic unit (case, pallet): /00/<sscc>
	KindLot       = "lot"       // a batch of a product: /01/<gtin14>/10/<lot> or /drug/<7 digits>/10/<lot>
	KindProduct   = "product"   // a product: /01/<gtin14> or /drug/<7 digits>
	KindLocation  = "location"  // a place: /414/<gln>
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
		return malformed("%s: %s must be %d digits, got %q", field, what, n, s)
	}
	if c := gs1Check(s[:n-1]); s[n-1] != c {
		return malformed("%s: %s %s has check digit %c, the GS1 check digit is %c", field, what, s, s[n-1], c)
	}
	return nil
}

// ParseGTIN checks a GTIN-8, -12, -13 or -14 (with its GS1 check digit)
// and returns it as 14 digits, padded on the left with zeros.
func ParseGTIN(field, s string) (string, error) {
	if s == "" {
		return "", malformed("%s is required: a GTIN of 8, 12, 13 or 14 digits", field)
	}
	if !allDigits(s) {
		return "", malformed("%s: a GTIN has only digits, got %q", field, s)
	}
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", malformed("%s: a GTIN has 8, 12, 13 or 14 digits, %q has %d", field, s, len(s))
	}
	g := strings.Repeat("0", 14-len(s)) + s
	if err := checkedDigits(field, "GTIN", g, 14); err != nil {
		return "", malformed("%s: GTIN %s has check digit %c, the GS1 check digit is %c", field, s, s[len(s)-1], gs1Check(g[:13]))
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

// ai82 reports whether c is in the GS1 AI encodable character set 82
// (the characters of serials and lot numbers), minus '/', which separates
// the parts of a path.
func ai82(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(`!"%&'()*+,-.:;<=>?_`, c) >= 0
}

func checkAI82(field, what, s string) error {
	if s == "" {
		return malformed("%s: the %s is empty", field, what)
	}
	if len(s) > MaxSerialLen {
		return malformed("%s: the %s %q is longer than %d characters", field, what, s, MaxSerialLen)
	}
	for i := 0; i < len(s); i++ {
		if !ai82(s[i]) {
			if s[i] == '/' {
				return malformed("%s: the %s %q contains '/'", field, what, s)
			}
			r, _ := utf8.DecodeRuneInString(s[i:])
			return malformed("%s: the %s %q contains %q, which is not in the GS1 character set 82 (letters, digits and !\"%%&'()*+,-.:;<=>?_)", field, what, s, r)
		}
	}
	return nil
}

// ID is a parsed identifier in its canonical path form.
type ID struct {
	Path    string // canonical form, e.g. /01/09521234543213/21/ser1
	Kind    string // one of the Kind* constants
	Product string // the product id of an item, drug pack or lot; "" otherwise
}

// ParseID parses any identifier of this module in GS1 Digital Link path
// form (or this module's /drug/ form) and returns its canonical form:
// GTINs of 8, 12 and 13 digits are padded to 14, every check digit is
// verified. Products may also be given as bare GTIN digits.
func ParseID(field, s string) (ID, error) {
	if s == "" {
		return ID{}, malformed("%s is required", field)
	}
	if !strings.HasPrefix(s, "/") {
		if allDigits(s) {
			g, err := ParseGTIN(field, s)
			if err != nil {
				return ID{}, err
			}
			return ID{Path: "/01/" + g, Kind: KindProduct, Product: "/01/" + g}, nil
		}
		if strings.HasPrefix(s, "urn:") || strings.HasPrefix(s, "http") {
			return ID{}, malformed("%s %q is not an identifier path like /01/<GTIN>/21/<serial>; EPC URNs and Digital Link URIs are converted by the EPCIS import (ParseEPCIS)", field, s)
		}
		return ID{}, malformed("%s %q is not an identifier path like /01/<GTIN>/21/<serial>, /01/<GTIN>/10/<lot>, /00/<SSCC>, /414/<GLN> or /drug/<code>", field, s)
	}
	parts := strings.Split(s[1:], "/")
	switch parts[0] {
	case "01":
		if len(parts) != 2 && len(parts) != 4 {
			break
		}
		g, err := ParseGTIN(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		prod := "/01/" + g
		if len(parts) == 2 {
			return ID{Path: prod, Kind: KindProduct, Product: prod}, nil
		}
		switch parts[2] {
		case "21":
			if err := checkAI82(field, "serial", parts[3]); err != nil {
				return ID{}, err
			}
			return ID{Path: prod + "/21/" + parts[3], Kind: KindItem, Product: prod}, nil
		case "10":
			if err := checkAI82(field, "lot number", parts[3]); err != nil {
				return ID{}, err
			}
			return ID{Path: prod + "/10/" + parts[3], Kind: KindLot, Product: prod}, nil
		}
	case "00":
		if len(parts) != 2 {
			break
		}
		sscc, err := ParseSSCC(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		return ID{Path: "/00/" + sscc, Kind: KindContainer}, nil
	case "414":
		if len(parts) != 2 {
			break
		}
		gln, err := ParseGLN(field, parts[1])
		if err != nil {
			return ID{}, err
		}
		return ID{Path: "/414/" + gln, Kind: KindLocation}, nil
	case "drug":
		if len(parts) == 2 && allDigits(parts[1]) && len(parts[1]) == DrugCodeDigits {
			return ID{Path: s, Kind: KindDrug, Product: "/drug/" + parts[1][:DrugProductDigits]}, nil
		}
		if len(parts) == 2 && allDigits(parts[1]) && len(parts[1]) == DrugProductDigits {
			return ID{Path: s, Kind: KindProduct, Product: s}, nil
		}
		if len(parts) == 4 && allDigits(parts[1]) && len(parts[1]) == DrugProductDigits && parts[2] == "10" {
			if err := checkAI82(field, "lot number", parts[3]); err != nil {
				return ID{}, err
			}
			prod := "/drug/" + parts[1]
			return ID{Path: s, Kind: KindLot, Product: prod}, nil
		}
		if len(parts) == 2 {
			return ID{}, malformed("%s: a drug traceability code (药品追溯码) has %d digits, got %q", field, DrugCodeDigits, parts[1])
		}
		return ID{}, malformed("%s %q is neither a drug pack /drug/<20 digits> nor a drug lot /drug/<7 digits>/10/<lot>", field, s)
	}
	return ID{}, malformed("%s %q is not an identifier path like /01/<GTIN>/21/<serial>, /01/<GTIN>/10/<lot>, /00/<SSCC>, /414/<GLN> or /drug/<code>", field, s)
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
	return ID{}, malformed("%s %q is %s %s identifier; it must be %s", field, s, article(id.Kind), id.Kind, kindList(kinds))
}

func kindList(kinds []string) string {
	names := map[string]string{
		KindItem: "an item /01/<GTIN>/21/<serial>", KindDrug: "a drug pack /drug/<20 digits>",
		KindContainer: "a container /00/<SSCC>", KindLot: "a lot /01/<GTIN>/10/<lot>",
		KindProduct: "a product /01/<GTIN>", KindLocation: "a location /414/<GLN>",
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

// ParseLocation accepts a location path /414/<GLN> or the 13 GLN digits.
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

// ParseProduct accepts a product id (/01/<GTIN>, /drug/<7 digits>) or a
// GTIN's digits and returns the canonical product id.
func ParseProduct(field, s string) (string, error) {
	id, err := parseKind(field, s, KindProduct)
	return id.Path, err
}

// ParseEPC accepts the identifier of something a scan or an event names:
// an item, a drug pack, a container or a lot.
func ParseEPC(field, s string) (ID, error) {
	return parseKind(field, s, KindItem, KindDrug, KindContainer, KindLot)
}
