package notary

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// cst is China Standard Time, in which record ids take their date. It is a
// fixed zone so that ids never depend on the node's time zone database.
var cst = time.FixedZone("CST", 8*3600)

var (
	evidenceIDPattern = regexp.MustCompile(`^EV[0-9]{8}-[0-9A-F]{20}$`)
	batchIDPattern    = regexp.MustCompile(`^BA[0-9]{8}-[0-9A-F]{20}$`)
	workIDPattern     = regexp.MustCompile(`^WK[0-9]{8}-[0-9A-F]{20}$`)
	// orgIDPattern is identity's rule for organisation ids.
	orgIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)
	// mediaTypePattern is RFC 6838's type "/" subtype (restricted names), in
	// lower case and without parameters.
	mediaTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$`)
	datePattern      = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

// checkHash checks a required 64-digit lowercase hex digest.
func checkHash(field, s string) error {
	switch {
	case s == "":
		return malformed("%s is required: 64 lowercase hex digits (a 256-bit digest)", field)
	case isHex64(s):
		return nil
	case isHex64(strings.ToLower(s)):
		return malformed("%s must be written in lowercase hex", field)
	case len(s) != 64:
		return malformed("%s must be 64 hex digits (a 256-bit digest), got %d characters", field, utf8.RuneCountInString(s))
	default:
		return malformed("%s must be 64 hex digits (0-9, a-f) and has other characters", field)
	}
}

func isHex64(s string) bool {
	if len(s) != 64 {
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

// isBidiControl reports the invisible characters that reorder text and are
// used to disguise names ("invoice\u202Efdp.exe").
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (0x202A <= r && r <= 0x202E) || (0x2066 <= r && r <= 0x2069)
}

// text checks a free-text field: length in characters (runes) within
// [min, max], no control or direction-override characters (new lines and
// tabs allowed when multiline), and not only white space when required.
func text(field, s string, min, max int, multiline bool) error {
	n := utf8.RuneCountInString(s)
	if n == 0 && min > 0 {
		return malformed("%s is required", field)
	}
	if n < min || n > max {
		return malformed("%s must have %d to %d characters, it has %d", field, min, max, n)
	}
	if min > 0 && strings.TrimSpace(s) == "" {
		return malformed("%s must not be blank", field)
	}
	return plain(field, s, multiline)
}

// plain refuses control and direction-override characters.
func plain(field, s string, multiline bool) error {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return malformed("%s must not contain control characters (found U+%04X)", field, r)
		}
		if isBidiControl(r) {
			return malformed("%s must not contain text-direction override characters (found U+%04X)", field, r)
		}
	}
	return nil
}

// date parses a calendar date YYYY-MM-DD.
func date(field, s string) error {
	if s == "" {
		return malformed("%s is required: a date written YYYY-MM-DD", field)
	}
	if !datePattern.MatchString(s) {
		return malformed("%s must be a date written YYYY-MM-DD, got %q", field, s)
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return malformed("%s %q is not a calendar date", field, s)
	}
	return nil
}

func oneOf(field, s string, allowed []string) error {
	if slices.Contains(allowed, s) {
		return nil
	}
	if s == "" {
		return malformed("%s is required: one of %s", field, strings.Join(allowed, ", "))
	}
	return malformed("%s %q is not one of %s", field, s, strings.Join(allowed, ", "))
}

func checkID(field, s string, p *regexp.Regexp, example string) error {
	if s == "" {
		return malformed("%s is required", field)
	}
	if !p.MatchString(s) {
		return malformed("%s %q is not a record id like %s", field, s, example)
	}
	return nil
}

func checkEvidenceID(field, s string) error {
	return checkID(field, s, evidenceIDPattern, "EV20260101-0123456789ABCDEF0123")
}

func checkWorkID(field, s string) error {
	return checkID(field, s, workIDPattern, "WK20260101-0123456789ABCDEF0123")
}

func checkOrgID(field, s string) error {
	if s == "" {
		return malformed("%s is required: an organisation id", field)
	}
	if !orgIDPattern.MatchString(s) {
		return malformed("%s %q is not an organisation id (2-32 lowercase letters, digits or '-')", field, s)
	}
	return nil
}

func (b *depositBody) validate() error {
	if err := checkHash("sha256", b.SHA256); err != nil {
		return err
	}
	if err := checkHash("sm3", b.SM3); err != nil {
		return err
	}
	if b.FileName == "" {
		return malformed("file_name is required")
	}
	if len(b.FileName) > 255 {
		return malformed("file_name must have at most 255 bytes, it has %d", len(b.FileName))
	}
	if err := plain("file_name", b.FileName, false); err != nil {
		return err
	}
	if b.Size == nil {
		return malformed("size is required: the file's length in bytes")
	}
	if *b.Size < 0 {
		return malformed("size must not be negative")
	}
	if b.MediaType == "" {
		return malformed("media_type is required, for example application/pdf")
	}
	if len(b.MediaType) > 127 || !mediaTypePattern.MatchString(b.MediaType) {
		return malformed("media_type %q must be a lowercase type/subtype of at most 127 bytes, like application/pdf", b.MediaType)
	}
	if err := oneOf("evidence_type", b.EvidenceType, EvidenceTypes); err != nil {
		return err
	}
	if c := b.Capture; c != nil {
		if len(c.SourceURL) > 2048 {
			return malformed("capture.source_url must have at most 2048 bytes")
		}
		if c.SourceURL != "" {
			if strings.ContainsFunc(c.SourceURL, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
				return malformed("capture.source_url must not contain spaces or control characters")
			}
			if u, err := url.Parse(c.SourceURL); err != nil || u.Scheme == "" {
				return malformed("capture.source_url %q is not an absolute URL", c.SourceURL)
			}
		}
		if len(c.Tool) > 128 {
			return malformed("capture.tool must have at most 128 bytes")
		}
		if err := plain("capture.tool", c.Tool, false); err != nil {
			return err
		}
		if c.CapturedAt == "" {
			return malformed("capture.captured_at is required when capture is given (RFC 3339, like 2026-01-02T15:04:05+08:00)")
		}
		if _, err := time.Parse(time.RFC3339, c.CapturedAt); err != nil {
			return malformed("capture.captured_at %q is not an RFC 3339 time like 2026-01-02T15:04:05+08:00", c.CapturedAt)
		}
	}
	if b.Supplements != "" {
		if err := checkEvidenceID("supplements", b.Supplements); err != nil {
			return err
		}
	}
	return text("description", b.Description, 0, 1000, true)
}

func (b *batchBody) validate() error {
	if err := checkHash("merkle_root", b.MerkleRoot); err != nil {
		return err
	}
	if b.Size < 1 || b.Size > MaxBatchSize {
		return malformed("size must be 1 to %d items, got %d", MaxBatchSize, b.Size)
	}
	if err := text("label", b.Label, 0, 256, false); err != nil {
		return err
	}
	if b.ItemFormat != ItemFormat {
		return malformed("item_format must be %q, got %q", ItemFormat, b.ItemFormat)
	}
	return nil
}

func (b *registerBody) validate() error {
	if err := text("title", b.Title, 1, 200, false); err != nil {
		return err
	}
	if len(b.Authors) < 1 || len(b.Authors) > 20 {
		return malformed("authors must list 1 to 20 names, got %d", len(b.Authors))
	}
	for i, a := range b.Authors {
		if err := text(fmt.Sprintf("authors[%d]", i), a, 1, 100, false); err != nil {
			return err
		}
	}
	if err := date("created_on", b.CreatedOn); err != nil {
		return err
	}
	if err := text("license", b.License, 1, 64, false); err != nil {
		return err
	}
	if err := oneOf("work_type", b.WorkType, WorkTypes); err != nil {
		return err
	}
	if err := checkHash("sha256", b.SHA256); err != nil {
		return err
	}
	if err := checkHash("sm3", b.SM3); err != nil {
		return err
	}
	if b.EvidenceID != "" {
		return checkEvidenceID("evidence_id", b.EvidenceID)
	}
	return nil
}

func (b *transferBody) validate() error {
	if err := checkWorkID("work_id", b.WorkID); err != nil {
		return err
	}
	if err := checkOrgID("to", b.To); err != nil {
		return err
	}
	return text("note", b.Note, 0, 500, true)
}

func (b *licenseBody) validate() error {
	if err := checkWorkID("work_id", b.WorkID); err != nil {
		return err
	}
	if err := checkOrgID("licensee", b.Licensee); err != nil {
		return err
	}
	if err := text("terms", b.Terms, 1, 500, true); err != nil {
		return err
	}
	if err := date("from", b.From); err != nil {
		return err
	}
	if b.Until != "" {
		if err := date("until", b.Until); err != nil {
			return err
		}
		if b.Until < b.From {
			return malformed("until %s is before from %s", b.Until, b.From)
		}
	}
	return nil
}

// recordID derives a record id: the kind's two letters, the block's date
// in China Standard Time, and the first 10 bytes of SHA-256 over the
// domain and the parts, each part preceded by a zero byte.
func recordID(kind, domain string, t time.Time, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(domain))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	sum := h.Sum(nil)
	return kind + t.In(cst).Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
}

// EvidenceID returns the id a deposit by org of a file with these hashes
// gets in a block at time t.
func EvidenceID(t time.Time, org, sha256, sm3 string) string {
	return recordID("EV", "dengta/evidence/v1", t, org, sha256, sm3)
}

// BatchID returns the id a batch deposit by org of root gets at time t.
func BatchID(t time.Time, org, root string) string {
	return recordID("BA", "dengta/batch/v1", t, org, root)
}

// WorkID returns the id a registration by owner of a file gets at time t.
func WorkID(t time.Time, owner, sha256 string) string {
	return recordID("WK", "dengta/work/v1", t, owner, sha256)
}

// blockDate is the block's calendar date in China Standard Time.
func blockDate(t time.Time) string { return t.In(cst).Format(time.DateOnly) }

// blockTime is how records show the block time.
func blockTime(t time.Time) string { return t.In(cst).Format(time.RFC3339Nano) }

// overlaps reports whether the inclusive date ranges [af, au] and [bf, bu]
// share a day; an empty until is open-ended.
func overlaps(af, au, bf, bu string) bool {
	return (au == "" || bf <= au) && (bu == "" || af <= bu)
}
