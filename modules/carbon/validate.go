package carbon

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// Years the module accepts: compliance years, vintages, claim years.
const (
	minYear = 2000
	maxYear = 2199
)

func checkYear(name string, y int) error {
	if y < minYear || y > maxYear {
		return malformed("%s %d is not a year between %d and %d", name, y, minYear, maxYear)
	}
	return nil
}

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

// gs1Check returns the GS1 check digit of body (the digits before it):
// weights 3, 1, 3, ... from the right.
func gs1Check(body string) byte {
	sum, w := 0, 3
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// ParseGTIN checks a GTIN-8, -12, -13 or -14 with its GS1 check digit and
// returns it as 14 digits, padded on the left with zeros: the form the
// module keys footprints by, and GS1 Digital Link's (/01/<gtin14>).
func ParseGTIN(name, s string) (string, error) {
	if s == "" {
		return "", malformed("%s is required: a GTIN of 8, 12, 13 or 14 digits", name)
	}
	if !allDigits(s) {
		return "", malformed("%s: a GTIN has only digits, got %q", name, clip(s))
	}
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", malformed("%s: a GTIN has 8, 12, 13 or 14 digits, %q has %d", name, s, len(s))
	}
	g := strings.Repeat("0", 14-len(s)) + s
	if c := gs1Check(g[:13]); g[13] != c {
		return "", malformed("%s: GTIN %s has check digit %c, the GS1 check digit is %c", name, s, s[len(s)-1], c)
	}
	return g, nil
}

// ai82 reports whether c is in GS1's encodable character set 82 (the
// characters of lot numbers), less '/', which separates a Digital Link
// path's parts.
func ai82(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(`!"%&'()*+,-.:;<=>?_`, c) >= 0
}

// CheckLot checks a lot number (GS1 AI 10): 1 to 20 characters of set 82
// without '/'.
func CheckLot(name, s string) error {
	if s == "" {
		return malformed("%s is empty", name)
	}
	if len(s) > carbonapi.MaxLotLen {
		return malformed("%s %q is longer than %d characters", name, clip(s), carbonapi.MaxLotLen)
	}
	for i := 0; i < len(s); i++ {
		if !ai82(s[i]) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return malformed("%s %q contains %q, which is not in GS1's character set 82 (letters, digits and !\"%%&'()*+,-.:;<=>?_, no '/')", name, clip(s), r)
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// decimal checks a decimal written as PACT writes numbers: optional '-'
// (when negative is allowed), 1 to 12 integer digits without a leading
// zero, and up to 6 decimals. It answers the value in millionths, for
// range checks only; nothing computes with it.
func decimal(name, s string, negative bool) (int64, error) {
	orig := s
	neg := false
	if strings.HasPrefix(s, "-") {
		if !negative {
			return 0, malformed("%s %q must not be negative", name, clip(orig))
		}
		neg, s = true, s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !allDigits(whole) || len(whole) > 12 || len(whole) > 1 && whole[0] == '0' || hasFrac && (!allDigits(frac) || len(frac) > 6) {
		return 0, malformed("%s %q is not a decimal like 0.25 or 12 (at most 12 digits before the point and 6 after)", name, clip(orig))
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := frac + strings.Repeat("0", 6-len(frac))
	fv, _ := strconv.ParseInt(f, 10, 64)
	v := w*1_000_000 + fv
	if neg {
		if v == 0 {
			return 0, malformed("%s %q: write zero without a sign", name, orig)
		}
		v = -v
	}
	return v, nil
}

// optDecimal is decimal for an optional field, within [lo, hi]
// millionths.
func rangedDecimal(name, s string, negative bool, lo, hi int64, what string) error {
	v, err := decimal(name, s, negative)
	if err != nil {
		return err
	}
	if v < lo || v > hi {
		return malformed("%s %s must be %s", name, s, what)
	}
	return nil
}

// coordinate checks a latitude or longitude in decimal degrees.
func coordinate(name, s string, limit int64) error {
	return rangedDecimal(name, s, true, -limit*1_000_000, limit*1_000_000, "between -"+strconv.FormatInt(limit, 10)+" and "+strconv.FormatInt(limit, 10)+" degrees")
}

// code checks an identifier made of letters, digits and the given
// punctuation, of min to max bytes, starting with a letter or digit.
func code(name, s string, minLen, maxLen int, punct string, example string) error {
	if s == "" {
		return malformed("%s is required, e.g. %s", name, example)
	}
	ok := len(s) >= minLen && len(s) <= maxLen
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		alnum := 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		ok = alnum || i > 0 && strings.IndexByte(punct, c) >= 0
	}
	if !ok {
		return malformed("%s %q must be %d to %d letters, digits or %q, starting with a letter or digit, e.g. %s", name, clip(s), minLen, maxLen, punct, example)
	}
	return nil
}

// recordID checks the form of an id a body names (the records say
// whether it exists).
func recordID(name, s string) error { return code(name, s, 1, 40, "-_.", "PRJ-000001") }

// cst is China Standard Time, in which the module reads dates and years.
var cst = field.CST

func orgID(name, s string) error { return field.OrgID(name, s) }

func text(name, s string, min, max int) error { return field.Text(name, s, min, max) }

func optText(name, s string, max int) error { return field.Text(name, s, 0, max) }

func sha(name, s string) error { return field.SHA256(name, s) }

// normRanges checks the ranges a body names against a batch of quantity
// serials and returns them sorted; they must not overlap, and must add up
// to want.
func normRanges(rs []carbonapi.Range, quantity, want int64) ([]carbonapi.Range, error) {
	if len(rs) > carbonapi.MaxBodyRanges {
		return nil, malformed("ranges: %d ranges; at most %d in one action", len(rs), carbonapi.MaxBodyRanges)
	}
	out := slices.Clone(rs)
	for i, r := range out {
		if r.From < 1 || r.To < r.From || r.To > quantity {
			return nil, malformed("ranges[%d]: #%d-%d is not a range of serials within 1-%d", i, r.From, r.To, quantity)
		}
	}
	slices.SortFunc(out, func(a, b carbonapi.Range) int {
		switch {
		case a.From < b.From:
			return -1
		case a.From > b.From:
			return 1
		}
		return 0
	})
	var sum int64
	for i, r := range out {
		if i > 0 && r.From <= out[i-1].To {
			return nil, malformed("ranges: %s and %s overlap", out[i-1], r)
		}
		sum += r.Len()
	}
	if sum != want {
		return nil, malformed("ranges add up to %d serials; quantity says %d", sum, want)
	}
	return out, nil
}

// checkQuantity checks a quantity of units.
func checkQuantity(name string, q int64) error {
	if q < 1 || q > carbonapi.MaxQuantity {
		return malformed("%s must be 1 to %d, got %d", name, carbonapi.MaxQuantity, q)
	}
	return nil
}
