package trade

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}
func conflict(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
}
func rule(format string, args ...any) error {
	return errcode.New(errcode.RuleViolation, format, args...)
}
func unauthorized(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}
func notFound(format string, args ...any) error {
	return errcode.New(errcode.NotFound, format, args...)
}

// code checks an identifier of min to max characters of A-Z, 0-9 and '-',
// starting with a letter or digit.
func code(name, s string, min, max int, example string) error {
	if len(s) < min || len(s) > max {
		return malformed("%s: %d to %d characters of A-Z, 0-9 and '-' (like %s), got %d", name, min, max, example, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return malformed("%s: %q has a character other than A-Z, 0-9 and '-' (like %s)", name, s, example)
		}
	}
	return nil
}

// CheckRef checks a transport document reference (DCSA: at most 20
// characters; here A-Z, 0-9 and '-').
func CheckRef(name, ref string) error { return code(name, ref, 6, 20, "WYCL2026000123") }

// CheckCreditNo checks a credit's number.
func CheckCreditNo(name, no string) error { return code(name, no, 4, 24, "LC-JH-2026-0001") }

// digits reports whether s is only ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// UNLocode reports whether s has the form of a UN/LOCODE: a two-letter
// country code and three letters or digits 2-9.
func UNLocode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		c := s[i]
		if i < 2 && !('A' <= c && c <= 'Z') || i >= 2 && !('A' <= c && c <= 'Z' || '2' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func checkLocation(name string, l *tradeapi.Location) error {
	if !UNLocode(l.UNLocode) {
		return malformed("%s.un_locode: %q is not a UN/LOCODE (two letters of the country and three of the place, like CNSHA)", name, l.UNLocode)
	}
	return field.Text(name+".name", l.Name, 0, 70)
}

// ContainerCheckDigit computes the ISO 6346 check digit of the first ten
// characters of a container number (owner code, category, serial).
func ContainerCheckDigit(s string) (int, bool) {
	if len(s) < 10 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		var v int
		switch {
		case i < 4 && 'A' <= c && c <= 'Z':
			// Letters count from 10, skipping the multiples of 11.
			v = int(c-'A') + 10
			v += (v - 1) / 10
		case i >= 4 && '0' <= c && c <= '9':
			v = int(c - '0')
		default:
			return 0, false
		}
		sum += v << i
	}
	return sum % 11 % 10, true
}

// ContainerNumber reports whether s is an ISO 6346 container number with a
// correct check digit (MSKU1234565: owner MSK, category U, serial, check).
func ContainerNumber(s string) bool {
	if len(s) != 11 || !slices.Contains([]byte("UJZ"), s[3]) || !digits(s[10:]) {
		return false
	}
	d, ok := ContainerCheckDigit(s)
	return ok && int(s[10]-'0') == d
}

// SSCC reports whether s is an 18-digit GS1 SSCC with a correct check
// digit.
func SSCC(s string) bool {
	if len(s) != 18 || !digits(s) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		d := int(s[i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[17]-'0')
}

// currencies are the ISO 4217 codes a credit may be in, with their minor
// units (digits after the decimal point).
var currencies = map[string]int{
	"AED": 2, "AUD": 2, "BHD": 3, "CAD": 2, "CHF": 2, "CNY": 2, "EUR": 2, "GBP": 2, "HKD": 2, "IDR": 2,
	"INR": 2, "JPY": 0, "KRW": 0, "KWD": 3, "MYR": 2, "NZD": 2, "PHP": 2, "RUB": 2, "SAR": 2, "SGD": 2,
	"THB": 2, "USD": 2, "VND": 0,
}

// MinorUnits returns the minor units of an ISO 4217 currency the module
// knows.
func MinorUnits(cur string) (int, bool) {
	d, ok := currencies[cur]
	return d, ok
}

// FormatMoney writes an amount in minor units as a decimal with the
// currency's code: "USD 12,345.60".
func FormatMoney(cur string, minor int64) string {
	d, ok := currencies[cur]
	if !ok {
		d = 2
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	unit := int64(1)
	for range d {
		unit *= 10
	}
	whole := fmt.Sprint(minor / unit)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	s := sign + b.String()
	if d > 0 {
		s += fmt.Sprintf(".%0*d", d, minor%unit)
	}
	return cur + " " + s
}

func checkItems(name string, items []tradeapi.Item, min int) error {
	if len(items) < min || len(items) > tradeapi.MaxItems {
		return malformed("%s: %d to %d lines of goods, got %d", name, min, tradeapi.MaxItems, len(items))
	}
	for i, it := range items {
		n := fmt.Sprintf("%s[%d]", name, i)
		if err := field.Text(n+".description", it.Description, 1, 200); err != nil {
			return err
		}
		if len(it.HSCode) < 6 || len(it.HSCode) > 10 || !digits(it.HSCode) {
			return malformed("%s.hs_code: 6 to 10 digits of the Harmonized System (080830 for pears), got %q", n, it.HSCode)
		}
		if it.Packages < 1 || it.Packages > 1e9 {
			return malformed("%s.packages: 1 to 1000000000, got %d", n, it.Packages)
		}
		if it.PackageCode != "" {
			if err := code(n+".package_code", it.PackageCode, 2, 2, "CT"); err != nil {
				return err
			}
		}
		if it.GrossWeightG < 1 || it.GrossWeightG > 1e12 {
			return malformed("%s.gross_weight_g: 1 to 1000000000000 grams, got %d", n, it.GrossWeightG)
		}
	}
	return nil
}

func checkContainers(name string, cs []tradeapi.Container, min int) error {
	if len(cs) < min || len(cs) > tradeapi.MaxContainers {
		return malformed("%s: %d to %d containers, got %d", name, min, tradeapi.MaxContainers, len(cs))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		n := fmt.Sprintf("%s[%d]", name, i)
		if !ContainerNumber(c.Number) {
			return malformed("%s.number: %q is not an ISO 6346 container number with its check digit (like MSKU1234565)", n, c.Number)
		}
		if seen[c.Number] {
			return malformed("%s.number: container %s is listed twice", n, c.Number)
		}
		seen[c.Number] = true
		if c.ISOType != "" {
			if err := code(n+".iso_type", c.ISOType, 4, 4, "45R1"); err != nil {
				return err
			}
		}
		if c.Seal != "" {
			if err := code(n+".seal", c.Seal, 1, 15, "CN2026001"); err != nil {
				return err
			}
		}
		if len(c.SSCCs) > tradeapi.MaxSSCCs {
			return malformed("%s.ssccs: at most %d, got %d", n, tradeapi.MaxSSCCs, len(c.SSCCs))
		}
		for j, s := range c.SSCCs {
			if !SSCC(s) {
				return malformed("%s.ssccs[%d]: %q is not an 18-digit SSCC with its GS1 check digit", n, j, s)
			}
			if seen[s] {
				return malformed("%s.ssccs[%d]: SSCC %s is listed twice", n, j, s)
			}
			seen[s] = true
		}
	}
	return nil
}

func checkDoc(name string, d tradeapi.Doc) error {
	if err := field.OneOf(name+".type", d.Type, tradeapi.DocTypes); err != nil {
		return err
	}
	if err := field.Text(name+".no", d.No, 1, 35); err != nil {
		return err
	}
	return field.SHA256(name+".sha256", d.SHA256)
}
