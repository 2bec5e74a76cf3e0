package receivable

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/bits"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// cst is China Standard Time, in which record ids take their date and in
// which the block's calendar date is read. It is a fixed zone so that
// nothing depends on the node's time zone database.
var cst = time.FixedZone("CST", 8*3600)

var (
	receivableIDPattern = regexp.MustCompile(`^RC[0-9]{8}-[0-9A-F]{20}$`)
	// orgIDPattern is identity's rule for organisation ids.
	orgIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)
	// invoiceNoPattern: invoice numbers (发票号码, with the code when there
	// is one) are letters, digits and '-', because they are part of a key.
	invoiceNoPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{0,39}$`)
	datePattern      = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

func rule(format string, args ...any) error {
	return errcode.New(errcode.RuleViolation, format, args...)
}

func conflict(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
}

func unauthorized(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}

// checkHash checks a required 64-digit lowercase hex digest.
func checkHash(field, s string) error {
	switch {
	case s == "":
		return malformed("%s is required: 64 lowercase hex digits (a SHA-256 digest)", field)
	case isHex64(s):
		return nil
	case isHex64(strings.ToLower(s)):
		return malformed("%s must be written in lowercase hex", field)
	case len(s) != 64:
		return malformed("%s must be 64 hex digits (a SHA-256 digest), got %d characters", field, utf8.RuneCountInString(s))
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

// isBidiControl reports the invisible characters that reorder text.
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (0x202A <= r && r <= 0x202E) || (0x2066 <= r && r <= 0x2069)
}

// text checks a free-text field: length in characters within [min, max],
// no control or direction-override characters, not blank when required.
func text(field, s string, min, max int) error {
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
	if !utf8.ValidString(s) {
		return malformed("%s is not valid UTF-8", field)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return malformed("%s must not contain control characters (found U+%04X)", field, r)
		}
		if isBidiControl(r) {
			return malformed("%s must not contain text-direction override characters (found U+%04X)", field, r)
		}
	}
	return nil
}

// checkDate checks a calendar date YYYY-MM-DD.
func checkDate(field, s string) error {
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

func checkOrgID(field, s string) error {
	if s == "" {
		return malformed("%s is required: an organisation id", field)
	}
	if !orgIDPattern.MatchString(s) {
		return malformed("%s %q is not an organisation id (2-32 lowercase letters, digits or '-')", field, s)
	}
	return nil
}

func checkID(field, s string) error {
	if s == "" {
		return malformed("%s is required: a receivable id like RC20260101-0123456789ABCDEF0123", field)
	}
	if !receivableIDPattern.MatchString(s) {
		return malformed("%s %q is not a receivable id like RC20260101-0123456789ABCDEF0123", field, s)
	}
	return nil
}

// checkFen checks an amount in fen within [min, MaxFen].
func checkFen(field string, v, min int64) error {
	if v < min || v > MaxFen {
		return malformed("%s must be %d to %d fen, got %d", field, min, MaxFen, v)
	}
	return nil
}

func (b *creditBody) validate() error {
	if err := checkOrgID("obligor", b.Obligor); err != nil {
		return err
	}
	if b.LimitFen == nil {
		return malformed("limit_fen is required: the credit line in fen (0 stops new issues)")
	}
	return checkFen("limit_fen", *b.LimitFen, 0)
}

func (t *tradeBody) validate() error {
	if err := text("trade.contract_no", t.ContractNo, 1, 64); err != nil {
		return err
	}
	if t.InvoiceNo == "" {
		return malformed("trade.invoice_no is required")
	}
	if !invoiceNoPattern.MatchString(t.InvoiceNo) {
		return malformed("trade.invoice_no %q must be 1 to 40 letters, digits or '-', starting with a letter or digit", t.InvoiceNo)
	}
	if err := checkFen("trade.invoice_amount_fen", t.InvoiceAmountFen, 1); err != nil {
		return err
	}
	if err := checkHash("trade.invoice_sha256", t.InvoiceSHA256); err != nil {
		return err
	}
	if n := len(t.DeliveryDocHashes); n < 1 || n > MaxDeliveryDocs {
		return malformed("trade.delivery_doc_hashes must list 1 to %d digests of delivery documents, got %d", MaxDeliveryDocs, n)
	}
	for i, h := range t.DeliveryDocHashes {
		if err := checkHash(fmt.Sprintf("trade.delivery_doc_hashes[%d]", i), h); err != nil {
			return err
		}
		for j := range i {
			if t.DeliveryDocHashes[j] == h {
				return malformed("trade.delivery_doc_hashes[%d] repeats entry %d", i, j)
			}
		}
	}
	return nil
}

func (b *issueBody) validate() error {
	if err := checkOrgID("to", b.To); err != nil {
		return err
	}
	if err := checkFen("face_fen", b.FaceFen, 1); err != nil {
		return err
	}
	if err := checkDate("maturity_date", b.MaturityDate); err != nil {
		return err
	}
	if b.Trade == nil {
		return malformed("trade is required: contract_no, invoice_no, invoice_amount_fen, invoice_sha256, delivery_doc_hashes")
	}
	return b.Trade.validate()
}

func (b *idBody) validate() error { return checkID("id", b.ID) }

// validate checks a reason body; required says whether the reason may be
// empty.
func (b *reasonBody) validate(required bool) error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	min := 0
	if required {
		min = 1
	}
	return text("reason", b.Reason, min, 500)
}

func (b *splitBody) validate() error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	if n := len(b.Parts); n < 1 || n > MaxParts {
		return malformed("parts must list 1 to %d parts, got %d", MaxParts, n)
	}
	for i, p := range b.Parts {
		if err := checkOrgID(fmt.Sprintf("parts[%d].to", i), p.To); err != nil {
			return err
		}
		if err := checkFen(fmt.Sprintf("parts[%d].amount_fen", i), p.AmountFen, 1); err != nil {
			return err
		}
	}
	return nil
}

func (b *financingBody) validate() error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	if err := checkOrgID("bank", b.Bank); err != nil {
		return err
	}
	if b.RateBP == nil {
		return malformed("rate_bp is required: the annual discount rate in basis points (385 = 3.85%%)")
	}
	if *b.RateBP < 0 || *b.RateBP > MaxRateBP {
		return malformed("rate_bp must be 0 to %d basis points, got %d", MaxRateBP, *b.RateBP)
	}
	if b.FeeFen == nil {
		return malformed("fee_fen is required: the bank's fee in fen (0 for none)")
	}
	if err := checkFen("fee_fen", *b.FeeFen, 0); err != nil {
		return err
	}
	if b.Recourse == nil {
		return malformed("recourse is required: true when the applicant answers for the obligor's default")
	}
	return nil
}

func (b *settleBody) validate() error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	return checkFen("amount_fen", b.AmountFen, 1)
}

// ReceivableID derives a receivable id: "RC", the block's date in China
// Standard Time, and the first 10 bytes of SHA-256 over the domain, the
// issuing organisation (the obligor for a root, the splitter for a part),
// the transaction hash in uppercase hex and the index of the receivable
// in its transaction (0 for a root, 1, 2, ... for parts in order, the
// remainder last), each part preceded by a zero byte.
func ReceivableID(t time.Time, issuer string, txHash [32]byte, index int) string {
	h := sha256.New()
	h.Write([]byte("dengta/receivable/v1"))
	for _, p := range []string{issuer, fmt.Sprintf("%X", txHash[:]), strconv.Itoa(index)} {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	sum := h.Sum(nil)
	return "RC" + t.In(cst).Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
}

// BlockDate is the calendar date of a block time in China Standard Time.
func BlockDate(t time.Time) string { return t.In(cst).Format(time.DateOnly) }

// blockTime is how records show the block time.
func blockTime(t time.Time) string { return t.In(cst).Format(time.RFC3339Nano) }

// parseDate parses a date already checked by checkDate (or written by the
// module).
func parseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}

// DaysBetween returns the whole days from date a to date b (negative
// when b is earlier).
func DaysBetween(a, b string) (int64, error) {
	ta, err := parseDate(a)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", a, err)
	}
	tb, err := parseDate(b)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", b, err)
	}
	return int64(tb.Sub(ta) / (24 * time.Hour)), nil
}

// addYear returns the same calendar date a year later (Go's AddDate: 29
// February becomes 1 March).
func addYear(date string) (string, error) {
	t, err := parseDate(date)
	if err != nil {
		return "", err
	}
	return t.AddDate(1, 0, 0).Format(time.DateOnly), nil
}

// Discount returns floor(amount * rateBP * days / (10000 * 360)) with
// 128-bit intermediate arithmetic. amount is at most MaxFen, rateBP at most
// MaxRateBP and days non-negative and at most a few hundred, so the
// quotient fits an int64.
func Discount(amountFen int64, rateBP int, days int64) int64 {
	if amountFen <= 0 || rateBP <= 0 || days <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amountFen), uint64(rateBP)*uint64(days))
	const div = 10_000 * DayCountBasis
	if hi >= div {
		// Unreachable within the limits above; saturate rather than panic.
		return MaxFen
	}
	q, _ := bits.Div64(hi, lo, div)
	return int64(q)
}
