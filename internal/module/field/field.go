// Package field checks the fields of scenario modules' transaction bodies
// and formats what the modules derive from block times: free text, 256-bit
// digests in hex, calendar dates, RFC 3339 times, organisation ids, one-of
// choices and record ids.
//
// Every check answers an errcode.MalformedBody error whose message starts
// with the field's name (as the body spells it, e.g. "trade.invoice_no" or
// "parts[2].to"). The messages are what clients show their users and what
// the modules' tests look for: change their wording deliberately. Nothing
// here reads state or the clock, so the checks are deterministic, as
// transaction execution must be.
//
// Modules import this package besides module, errcode, role and tx.
package field

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// CST is China Standard Time (UTC+8), in which record ids take their date
// and records show the block time. It is a fixed zone so that nothing
// depends on the node's time zone database.
var CST = time.FixedZone("CST", 8*3600)

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

// Option changes what Text and Plain accept.
type Option uint8

// Multiline lets a text hold new lines and tabs ('\n', '\r', '\t'), the
// only control characters ever accepted.
const Multiline Option = 1

func has(opts []Option, o Option) bool { return slices.Contains(opts, o) }

// Text checks a free-text field: valid UTF-8, a length in characters
// (runes) within [min, max], not only white space when required (min > 0),
// and no control characters (but those Multiline allows) or invisible
// text-direction controls.
func Text(name, s string, min, max int, opts ...Option) error {
	if !utf8.ValidString(s) {
		return malformed("%s is not valid UTF-8", name)
	}
	n := utf8.RuneCountInString(s)
	if n == 0 && min > 0 {
		return malformed("%s is required", name)
	}
	if n < min || n > max {
		return malformed("%s must have %d to %d characters, it has %d", name, min, max, n)
	}
	if min > 0 && strings.TrimSpace(s) == "" {
		return malformed("%s must not be blank", name)
	}
	return characters(name, s, has(opts, Multiline))
}

// Plain checks only the characters of a field whose length the caller
// bounds itself (in bytes, say): valid UTF-8, no control characters (but
// those Multiline allows) and no text-direction controls.
func Plain(name, s string, opts ...Option) error {
	if !utf8.ValidString(s) {
		return malformed("%s is not valid UTF-8", name)
	}
	return characters(name, s, has(opts, Multiline))
}

func characters(name, s string, multiline bool) error {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return malformed("%s must not contain control characters (found U+%04X)", name, r)
		}
		if IsBidiControl(r) {
			return malformed("%s must not contain text-direction override characters (found U+%04X)", name, r)
		}
	}
	return nil
}

// IsBidiControl reports the invisible characters that reorder text and
// are used to disguise names ("invoice\u202Efdp.exe").
func IsBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (0x202A <= r && r <= 0x202E) || (0x2066 <= r && r <= 0x2069)
}

// IsHex64 reports whether s is 64 lowercase hex digits, the one way
// records write a 256-bit digest.
func IsHex64(s string) bool { return IsLowerHex(s, 64) }

// IsLowerHex reports whether s is exactly n lowercase hex digits: what
// ^[0-9a-f]{n}$ matches, without a regular expression's cost.
func IsLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Hex64 checks a required 256-bit digest (SHA-256 or SM3) written as 64
// lowercase hex digits.
func Hex64(name, s string) error { return digest(name, s, "a 256-bit digest") }

// SHA256 checks a required SHA-256 digest written as 64 lowercase hex
// digits; it is Hex64 with messages that name the algorithm.
func SHA256(name, s string) error { return digest(name, s, "a SHA-256 digest") }

func digest(name, s, what string) error {
	switch {
	case s == "":
		return malformed("%s is required: 64 lowercase hex digits (%s)", name, what)
	case IsHex64(s):
		return nil
	case IsHex64(strings.ToLower(s)):
		return malformed("%s must be written in lowercase hex", name)
	case len(s) != 64:
		return malformed("%s must be 64 hex digits (%s), got %d characters", name, what, utf8.RuneCountInString(s))
	default:
		return malformed("%s must be 64 hex digits (0-9, a-f) and has other characters", name)
	}
}

// Date checks a required calendar date written YYYY-MM-DD. Dates so
// written compare as strings in calendar order.
func Date(name, s string) error {
	if s == "" {
		return malformed("%s is required: a date written YYYY-MM-DD", name)
	}
	if !isDateShape(s) {
		return malformed("%s must be a date written YYYY-MM-DD, got %q", name, s)
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return malformed("%s %q is not a calendar date", name, s)
	}
	return nil
}

// isDateShape reports whether s is four, two and two ASCII digits joined
// by '-'.
func isDateShape(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Time parses a required RFC 3339 time with its offset ("Z" or ±hh:mm).
func Time(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, malformed("%s is required: an RFC 3339 time like 2026-03-01T08:00:00+08:00", name)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, malformed("%s %q is not an RFC 3339 time with an offset, like 2026-03-01T08:00:00+08:00", name, s)
	}
	return t, nil
}

// OneOf checks that s is one of allowed.
func OneOf(name, s string, allowed []string) error {
	if slices.Contains(allowed, s) {
		return nil
	}
	if s == "" {
		return malformed("%s is required: one of %s", name, strings.Join(allowed, ", "))
	}
	return malformed("%s %q is not one of %s", name, s, strings.Join(allowed, ", "))
}

// IsOrgID reports whether s has the form of an organisation id, identity's
// rule: 2 to 32 lowercase letters, digits or '-', not starting with '-'.
// Whether the organisation exists is module.ActiveOrg's business.
func IsOrgID(s string) bool {
	if len(s) < 2 || len(s) > 32 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// OrgID checks a required organisation id (its form only).
func OrgID(name, s string) error {
	if s == "" {
		return malformed("%s is required: an organisation id", name)
	}
	if !IsOrgID(s) {
		return malformed("%s %q is not an organisation id (2-32 lowercase letters, digits or '-')", name, s)
	}
	return nil
}

// RecordID derives a record id: prefix (the kind's two capital letters),
// the date of block time t in China Standard Time as yyyymmdd, "-", and
// the first 10 bytes of SHA-256 over domain and the parts, each part
// preceded by a zero byte, in uppercase hex. For example
// EV20260101-0123456789ABCDEF0123.
func RecordID(prefix, domain string, t time.Time, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(domain))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	sum := h.Sum(nil)
	return prefix + t.In(CST).Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
}

// IsRecordID reports whether s has the form of a RecordID with prefix:
// the prefix, 8 digits, '-' and 20 uppercase hex digits.
func IsRecordID(prefix, s string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || len(rest) != 8+1+20 || rest[8] != '-' {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case i == 8:
		case i < 8 && '0' <= c && c <= '9':
		case i > 8 && ('0' <= c && c <= '9' || 'A' <= c && c <= 'F'):
		default:
			return false
		}
	}
	return true
}

// BlockDate is the calendar date (YYYY-MM-DD) of block time t in China
// Standard Time.
func BlockDate(t time.Time) string { return t.In(CST).Format(time.DateOnly) }

// BlockTime is how records show block time t: RFC 3339 with nanoseconds,
// in China Standard Time.
func BlockTime(t time.Time) string { return t.In(CST).Format(time.RFC3339Nano) }
