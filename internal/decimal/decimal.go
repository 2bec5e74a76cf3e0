// Package decimal reads and writes exact decimal amounts typed by people
// (yuan, kWh, a currency's minor units) as integer counts of their
// smallest unit, without floating point. Pages and commands parse form
// fields and flags with it; the state machines only see the integers.
package decimal

import (
	"fmt"
	"strings"
)

// Reason says what is wrong with an amount.
type Reason int

// The reasons an amount is refused.
const (
	NotNumber       Reason = iota // not digits with one optional point (signs, exponents and letters included)
	TooManyDecimals               // more decimals than the unit has
	TooLarge                      // more units than an int64 holds
)

// Error is an amount that could not be read. Its Error is English (for
// commands and logs); Message says it in a page's language.
type Error struct {
	Input    string
	Decimals int
	Reason   Reason
}

func (e *Error) Error() string { return e.Message("en") }

// Message is the error in lang ("en"; anything else is Chinese), with
// what to write instead.
func (e *Error) Message(lang string) string {
	en := lang == "en"
	switch {
	case e.Reason == TooManyDecimals && en:
		return fmt.Sprintf("%q has more than %d decimals", e.Input, e.Decimals)
	case e.Reason == TooManyDecimals:
		return fmt.Sprintf("“%s”的小数超过 %d 位", e.Input, e.Decimals)
	case e.Reason == TooLarge && en:
		return fmt.Sprintf("%q is too large", e.Input)
	case e.Reason == TooLarge:
		return fmt.Sprintf("“%s”太大", e.Input)
	case en && e.Decimals == 0:
		return fmt.Sprintf("%q is not a whole number like 1,000", e.Input)
	case en:
		return fmt.Sprintf("%q is not a number like %s (at most %d decimals, no sign)", e.Input, example(e.Decimals), e.Decimals)
	case e.Decimals == 0:
		return fmt.Sprintf("“%s”不是整数，应写成如 1,000", e.Input)
	default:
		return fmt.Sprintf("“%s”不是数字，应写成如 %s（最多 %d 位小数，不带正负号）", e.Input, example(e.Decimals), e.Decimals)
	}
}

func example(decimals int) string {
	if decimals <= 0 {
		return "1,000"
	}
	return "1,000." + strings.Repeat("0", decimals)
}

// maxUnits is the largest count Parse returns.
const maxUnits = 1<<63 - 1

// Parse reads s, a non-negative decimal with at most decimals digits
// after the point ("1,000.5", "¥12", "0.125"), as a count of the unit's
// smallest part: Parse("12.5", 2) is 1250. Surrounding spaces, thousands
// commas and a leading ¥ or ￥ are allowed; signs, exponents, spaces
// inside, a point without digits after it, full-width digits and values
// beyond an int64 are not. An empty s is an error; callers with an
// optional field check for "" first.
func Parse(s string, decimals int) (int64, error) {
	in := strings.TrimSpace(s)
	t := strings.TrimPrefix(strings.TrimPrefix(in, "¥"), "￥")
	t = strings.ReplaceAll(t, ",", "")
	bad := func(r Reason) (int64, error) { return 0, &Error{Input: in, Decimals: decimals, Reason: r} }
	whole, frac, point := strings.Cut(t, ".")
	if whole == "" || point && frac == "" || decimals <= 0 && point {
		return bad(NotNumber)
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return bad(NotNumber)
		}
	}
	if len(frac) > decimals {
		return bad(TooManyDecimals)
	}
	frac += strings.Repeat("0", decimals-len(frac))
	var v int64
	for _, c := range whole + frac {
		d := int64(c - '0')
		if v > (maxUnits-d)/10 {
			return bad(TooLarge)
		}
		v = v*10 + d
	}
	return v, nil
}

// Format writes a count of smallest parts as a decimal with thousands
// commas and exactly decimals digits after the point: Format(123456, 2)
// is "1,234.56", Format(-5, 2) is "-0.05".
func Format(v int64, decimals int) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-(v+1))+1 // -MinInt64 without overflow
	}
	digits := fmt.Sprint(u)
	if decimals > 0 && len(digits) <= decimals {
		digits = strings.Repeat("0", decimals-len(digits)+1) + digits
	}
	whole, frac := digits, ""
	if decimals > 0 {
		whole, frac = digits[:len(digits)-decimals], "."+digits[len(digits)-decimals:]
	}
	var b strings.Builder
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	return sign + b.String() + frac
}

// ParseYuan reads an amount of yuan ("1,000.00", "12.5", "¥300") as fen.
func ParseYuan(s string) (int64, error) { return Parse(s, 2) }

// FormatYuan writes fen as yuan: 123456 is "1,234.56".
func FormatYuan(fen int64) string { return Format(fen, 2) }
