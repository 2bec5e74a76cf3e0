package receivable

import (
	"fmt"
	"math/bits"
	"regexp"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/module"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// receivableKind is the kind of receivable ids (see field.RecordID).
const receivableKind = "RC"

// invoiceNoPattern: invoice numbers (发票号码, with the code when there is
// one) are letters, digits and '-', because they are part of a key.
var invoiceNoPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{0,39}$`)

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

func checkID(name, s string) error {
	if s == "" {
		return malformed("%s is required: a receivable id like RC20260101-0123456789ABCDEF0123", name)
	}
	if !field.IsRecordID(receivableKind, s) {
		return malformed("%s %q is not a receivable id like RC20260101-0123456789ABCDEF0123", name, s)
	}
	return nil
}

// checkFen checks an amount in fen within [min, MaxFen].
func checkFen(name string, v, min int64) error {
	if v < min || v > MaxFen {
		return malformed("%s must be %d to %d fen, got %d", name, min, MaxFen, v)
	}
	return nil
}

func validateCredit(b *creditBody) error {
	if err := field.OrgID("obligor", b.Obligor); err != nil {
		return err
	}
	if b.LimitFen == nil {
		return malformed("limit_fen is required: the credit line in fen (0 stops new issues)")
	}
	return checkFen("limit_fen", *b.LimitFen, 0)
}

func validateTrade(t *tradeBody) error {
	if err := field.Text("trade.contract_no", t.ContractNo, 1, 64); err != nil {
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
	if err := field.SHA256("trade.invoice_sha256", t.InvoiceSHA256); err != nil {
		return err
	}
	if n := len(t.DeliveryDocHashes); n < 1 || n > MaxDeliveryDocs {
		return malformed("trade.delivery_doc_hashes must list 1 to %d digests of delivery documents, got %d", MaxDeliveryDocs, n)
	}
	for i, h := range t.DeliveryDocHashes {
		if err := field.SHA256(fmt.Sprintf("trade.delivery_doc_hashes[%d]", i), h); err != nil {
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

func validateIssue(b *issueBody) error {
	if err := field.OrgID("to", b.To); err != nil {
		return err
	}
	if err := checkFen("face_fen", b.FaceFen, 1); err != nil {
		return err
	}
	if err := field.Date("maturity_date", b.MaturityDate); err != nil {
		return err
	}
	if b.Trade == nil {
		return malformed("trade is required: contract_no, invoice_no, invoice_amount_fen, invoice_sha256, delivery_doc_hashes")
	}
	return validateTrade(b.Trade)
}

func validateID(b *idBody) error { return checkID("id", b.ID) }

// validate checks a reason body; required says whether the reason may be
// empty.
func validateReason(b *reasonBody, required bool) error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	min := 0
	if required {
		min = 1
	}
	return field.Text("reason", b.Reason, min, 500)
}

func validateSplit(b *splitBody) error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	if n := len(b.Parts); n < 1 || n > MaxParts {
		return malformed("parts must list 1 to %d parts, got %d", MaxParts, n)
	}
	for i, p := range b.Parts {
		if err := field.OrgID(fmt.Sprintf("parts[%d].to", i), p.To); err != nil {
			return err
		}
		if err := checkFen(fmt.Sprintf("parts[%d].amount_fen", i), p.AmountFen, 1); err != nil {
			return err
		}
	}
	return nil
}

func validateFinancing(b *financingBody) error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	if err := field.OrgID("bank", b.Bank); err != nil {
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

func validateConfirmation(b *confirmBody) error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	return field.OrgID("bank", b.Bank)
}

func validateDecision(b *decisionBody) error {
	if err := checkID("id", b.ID); err != nil {
		return err
	}
	if b.ProposalID == 0 {
		return malformed("proposal_id is required: the passed governance proposal (identity/propose kind authorize_action) naming receivable/unfreeze_by_decision and %s", b.ID)
	}
	return field.Text("reason", b.Reason, 0, 500)
}

func validateSettle(b *settleBody) error {
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
	return field.RecordID(receivableKind, "dengta/receivable/v1", t, issuer, fmt.Sprintf("%X", txHash[:]), strconv.Itoa(index))
}

// BlockDate is the calendar date of a block time in China Standard Time
// (field.BlockDate).
func BlockDate(t time.Time) string { return field.BlockDate(t) }

// parseDate parses a date already checked by field.Date (or written by the
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

// loadValid is the first steps of every action on a receivable, in the
// order whose errors the callers rely on: the body's own check (valid),
// then the receivable it names.
func loadValid(ctx *module.Context, valid error, id string) (*Receivable, error) {
	if valid != nil {
		return nil, valid
	}
	return load(ctx.Store, id)
}
