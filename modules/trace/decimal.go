package trace

import (
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Quantities and sensor values are exact decimals: at most 12 digits
// before the point and 6 after. Amounts are kept as int64 counts of
// millionths (micro-units), so that adding and comparing them is exact
// and deterministic.

const (
	decimalScale    = 1_000_000
	decimalFraction = 6
)

// parseDecimal reads a decimal string into micro-units. It accepts what
// JSON numbers write (an exponent too), as long as the value fits 12+6
// digits exactly.
func parseDecimal(field, s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, refuse(errcode.MalformedBody, "bad_decimal", field, "value", s)
	}
	t := s
	if t == "" || len(t) > 40 {
		return bad()
	}
	neg := false
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	exp := 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, err := strconv.Atoi(t[i+1:])
		if err != nil || e < -30 || e > 30 {
			return bad()
		}
		exp, t = e, t[:i]
	}
	intPart, frac, _ := strings.Cut(t, ".")
	if (intPart == "" && frac == "") || (intPart != "" && !allDigits(intPart)) || (frac != "" && !allDigits(frac)) {
		return bad()
	}
	// value = m × 10^k micro-units.
	m := strings.TrimLeft(intPart+frac, "0")
	k := exp - len(frac) + decimalFraction
	if m == "" {
		return 0, nil
	}
	if k < 0 {
		if len(m) < -k || strings.Trim(m[len(m)+k:], "0") != "" {
			return bad() // more than six decimals
		}
		m = m[:len(m)+k]
		k = 0
		if m == "" {
			return 0, nil
		}
	}
	if len(m)+k > 12+decimalFraction {
		return bad()
	}
	m += strings.Repeat("0", k)
	v, err := strconv.ParseInt(m, 10, 64)
	if err != nil {
		return bad()
	}
	if neg {
		v = -v
	}
	return v, nil
}

// formatDecimal writes micro-units as the shortest decimal string.
func formatDecimal(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/decimalScale, 10)
	if f := v % decimalScale; f != 0 {
		fs := strings.TrimRight(strconv.FormatInt(f+decimalScale, 10)[1:], "0")
		s += "." + fs
	}
	if neg && v != 0 {
		s = "-" + s
	}
	return s
}

// normDecimal checks a decimal field and returns it in canonical form.
func normDecimal(field string, s Decimal) (Decimal, int64, error) {
	v, err := parseDecimal(field, string(s))
	if err != nil {
		return "", 0, err
	}
	return Decimal(formatDecimal(v)), v, nil
}
