package trade

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// GetCredit returns a credit, or a not_found error.
func GetCredit(r module.Getter, no string) (*tradeapi.Credit, error) {
	var c tradeapi.Credit
	if err := module.GetRecord(r, lcKey(no), &c, "no documentary credit %q; check the credit's number", no); err != nil {
		return nil, err
	}
	return &c, nil
}

// PresentationID is the id of presentation n under credit no.
func PresentationID(no string, n int) string { return no + "-P" + strconv.Itoa(n) }

// ParsePresentationID splits a presentation id into its credit and number.
func ParsePresentationID(id string) (string, int, bool) {
	i := strings.LastIndex(id, "-P")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+2:])
	if err != nil || n < 1 || strconv.Itoa(n) != id[i+2:] {
		return "", 0, false
	}
	return id[:i], n, true
}

// GetPresentation returns a presentation by id, or a not_found error.
func GetPresentation(r module.Getter, id string) (*tradeapi.Presentation, error) {
	no, n, ok := ParsePresentationID(id)
	if !ok {
		return nil, malformed("id: %q is not a presentation id (<credit>-P<n>, like LC-JH-2026-0001-P1)", id)
	}
	var p tradeapi.Presentation
	if err := module.GetRecord(r, presKey(no, n), &p, "no presentation %s", id); err != nil {
		return nil, err
	}
	return &p, nil
}

// MaxDrawing is a credit's amount plus its tolerance (UCP 600 30(a)-(b)),
// rounded down to the minor unit.
func MaxDrawing(t *tradeapi.Terms) int64 {
	return t.Amount.Minor + t.Amount.Minor*int64(t.TolerancePct)/100
}

// Available is what a credit can still pay: its maximum less what was
// honoured and what undecided presentations claim.
func Available(c *tradeapi.Credit) int64 { return MaxDrawing(&c.Terms) - c.Drawn - c.Reserved }

// presentationDays is the credit's period for presentation after shipment.
func presentationDays(t *tradeapi.Terms) int {
	if t.PresentationDays == 0 {
		return tradeapi.DefaultPresentationDays
	}
	return t.PresentationDays
}

// CreditStatus is a credit's status on date, at the nominated bank's
// place: expired after its (effective) expiry, exhausted when nothing is
// left to draw and nothing is pending.
func CreditStatus(c *tradeapi.Credit, cal *tradeapi.Calendar, date string) string {
	switch {
	case Available(c) <= 0 && c.Reserved == 0:
		return tradeapi.CreditExhausted
	case date > EffectiveExpiry(cal, c.Terms.Expiry):
		return tradeapi.CreditExpired
	}
	return tradeapi.CreditIssued
}

func creditStep(ctx *module.Context, c *tradeapi.Credit, action, ref, note string) error {
	s := tradeapi.CreditStep{No: c.No, Seq: c.Steps + 1, Action: action, Ref: ref, Note: note,
		By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: txHash(ctx)}
	if err := absent(ctx.Store, lcLogKey(c.No, s.Seq), "credit history entry"); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, lcLogKey(c.No, s.Seq), &s); err != nil {
		return err
	}
	c.Steps = s.Seq
	ctx.Emit("trade.credit", "no", c.No, "action", action, "ref", ref)
	return nil
}

func saveCredit(ctx *module.Context, c *tradeapi.Credit) error {
	return module.PutJSON(ctx.Store, lcKey(c.No), c)
}

func savePresentation(ctx *module.Context, p *tradeapi.Presentation) error {
	return module.PutJSON(ctx.Store, presKey(p.No, p.N), p)
}

func (m Module) setCalendar(ctx *module.Context, b *tradeapi.CalendarBody) error {
	if b.UTCOffsetMin < -720 || b.UTCOffsetMin > 840 || b.UTCOffsetMin%15 != 0 {
		return malformed("utc_offset_min: minutes east of UTC from -720 to 840 in steps of 15 (480 for China), got %d", b.UTCOffsetMin)
	}
	check := func(name string, days []string, weekend bool) error {
		if len(days) > tradeapi.MaxHolidays {
			return malformed("%s: at most %d days, got %d", name, tradeapi.MaxHolidays, len(days))
		}
		for i, d := range days {
			if err := field.Date(fmt.Sprintf("%s[%d]", name, i), d); err != nil {
				return err
			}
			if i > 0 && d <= days[i-1] {
				return malformed("%s: list the days once each in ascending order (%s after %s)", name, d, days[i-1])
			}
			if isWeekend(d) != weekend {
				if weekend {
					return malformed("%s[%d]: %s is a weekday; list here only weekend days the bank opens", name, i, d)
				}
				return malformed("%s[%d]: %s is a weekend day; list here only weekdays the bank is closed", name, i, d)
			}
		}
		return nil
	}
	if err := check("closed", b.Closed, false); err != nil {
		return err
	}
	if err := check("open", b.Open, true); err != nil {
		return err
	}
	c := tradeapi.Calendar{Bank: ctx.Signer.Org, UTCOffsetMin: b.UTCOffsetMin, Closed: b.Closed, Open: b.Open, Updated: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, calendarKey(c.Bank), &c); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.CalendarResult{Bank: c.Bank})
}

func isWeekend(date string) bool {
	d := DefaultCalendar("")
	// A weekday is a banking day of the default calendar.
	return !BankingDay(d, date)
}

// checkTerms checks a credit's terms on date today at the nominated
// bank's place ("0000-00-00" checks only their form).
func checkTerms(t *tradeapi.Terms, today string) error {
	if _, ok := MinorUnits(t.Amount.Currency); !ok {
		return malformed("terms.amount.currency: %q is not an ISO 4217 currency this chain knows (USD, EUR, CNY, JPY, ...)", t.Amount.Currency)
	}
	if t.Amount.Minor < 1 || t.Amount.Minor > tradeapi.MaxAmount {
		return malformed("terms.amount.minor: 1 to %d minor units, got %d", tradeapi.MaxAmount, t.Amount.Minor)
	}
	if t.TolerancePct < 0 || t.TolerancePct > 10 {
		return malformed("terms.tolerance_pct: 0 to 10 (UCP 600 article 30), got %d", t.TolerancePct)
	}
	if err := field.Date("terms.expiry", t.Expiry); err != nil {
		return err
	}
	if err := field.Date("terms.latest_shipment", t.LatestShipment); err != nil {
		return err
	}
	if t.Expiry < today {
		return rule("terms.expiry: %s is before today (%s at the nominated bank's place)", t.Expiry, today)
	}
	if t.LatestShipment > t.Expiry {
		return rule("terms.latest_shipment: %s is after the expiry %s", t.LatestShipment, t.Expiry)
	}
	if t.PresentationDays < 0 || t.PresentationDays > 180 {
		return malformed("terms.presentation_days: 1 to 180, or absent for 21, got %d", t.PresentationDays)
	}
	for _, p := range []struct{ name, v string }{{"terms.port_of_loading", t.PortOfLoading}, {"terms.port_of_discharge", t.PortOfDischarge}} {
		if p.v != "" && !UNLocode(p.v) {
			return malformed("%s: %q is not a UN/LOCODE (like CNSHA)", p.name, p.v)
		}
	}
	if err := field.Text("terms.goods", t.Goods, 1, 500, field.Multiline); err != nil {
		return err
	}
	if len(t.Documents) == 0 || len(t.Documents) > len(tradeapi.DocTypes) {
		return malformed("terms.documents: 1 to %d required document types", len(tradeapi.DocTypes))
	}
	for i, d := range t.Documents {
		if err := field.OneOf(fmt.Sprintf("terms.documents[%d]", i), d, tradeapi.DocTypes); err != nil {
			return err
		}
		if slices.Contains(t.Documents[:i], d) {
			return malformed("terms.documents: %s is listed twice", d)
		}
	}
	for _, need := range []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice} {
		if !slices.Contains(t.Documents, need) {
			return malformed("terms.documents: a credit here calls for the eBL and the commercial invoice; add %s", need)
		}
	}
	return nil
}

// placeToday is the date at the nominated bank's place: a credit expires
// for presentation there (UCP 600 6(d)).
func placeToday(ctx *module.Context, nominated string) (string, error) {
	cal, err := GetCalendar(ctx.Store, nominated)
	if err != nil {
		return "", err
	}
	return Day(cal, ctx.Time), nil
}

func (m Module) issueCredit(ctx *module.Context, b *tradeapi.IssueCreditBody) error {
	if err := CheckCreditNo("no", b.No); err != nil {
		return err
	}
	if err := checkTerms(&b.Terms, "0000-00-00"); err != nil {
		return err
	}
	if err := field.OneOf("availability", b.Availability, tradeapi.Availabilities); err != nil {
		return err
	}
	switch b.Availability {
	case tradeapi.AvailSight:
		if b.TenorDays != 0 {
			return malformed("tenor_days: a credit available by sight payment has no tenor")
		}
	case tradeapi.AvailDeferred, tradeapi.AvailAcceptance:
		if b.TenorDays < 1 || b.TenorDays > 360 {
			return malformed("tenor_days: 1 to 360 days after shipment for %s, got %d", b.Availability, b.TenorDays)
		}
	default:
		if b.TenorDays < 0 || b.TenorDays > 360 {
			return malformed("tenor_days: 0 to 360, got %d", b.TenorDays)
		}
	}
	bank := ctx.Signer.Org
	if err := party(ctx.Store, "applicant", b.Applicant, tradeapi.Trader); err != nil {
		return err
	}
	if err := party(ctx.Store, "beneficiary", b.Beneficiary, tradeapi.Trader); err != nil {
		return err
	}
	if b.Applicant == b.Beneficiary {
		return malformed("beneficiary: the applicant itself")
	}
	if b.AdvisingBank != "" {
		if err := party(ctx.Store, "advising_bank", b.AdvisingBank, bankRoles...); err != nil {
			return err
		}
		if b.AdvisingBank == bank {
			return malformed("advising_bank: the issuing bank itself; leave it out")
		}
	}
	if b.ConfirmationAsked && b.AdvisingBank == "" {
		return malformed("confirmation_asked: a confirmation is added by the advising bank; name one")
	}
	nominated := b.NominatedBank
	if nominated == "" {
		nominated = bank
	}
	if nominated != bank && nominated != b.AdvisingBank {
		return malformed("nominated_bank: the credit is available with the issuing bank or the advising bank, not %s", nominated)
	}
	day, err := placeToday(ctx, nominated)
	if err != nil {
		return err
	}
	if err := checkTerms(&b.Terms, day); err != nil {
		return err
	}
	if err := absent(ctx.Store, lcKey(b.No), "credit "+b.No); err != nil {
		return err
	}
	c := &tradeapi.Credit{
		No: b.No, IssuingBank: bank, Applicant: b.Applicant, Beneficiary: b.Beneficiary, AdvisingBank: b.AdvisingBank,
		ConfirmationAsked: b.ConfirmationAsked, NominatedBank: nominated, Availability: b.Availability, TenorDays: b.TenorDays,
		Terms: b.Terms, Status: tradeapi.CreditIssued, Issued: field.BlockTime(ctx.Time),
	}
	for _, p := range []struct{ org, role string }{{bank, "issuing"}, {b.Applicant, "applicant"}, {b.Beneficiary, "beneficiary"}, {b.AdvisingBank, "advising"}} {
		if p.org == "" {
			continue
		}
		if err := ctx.Store.Set(lcPartyKey(p.org, c.No), []byte(p.role)); err != nil {
			return err
		}
	}
	if err := creditStep(ctx, c, "issued", "", FormatMoney(c.Terms.Amount.Currency, c.Terms.Amount.Minor)); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.CreditResult{No: c.No, Status: c.Status})
}

// loadCredit reads a credit named in a body.
func loadCredit(kv module.Getter, no string) (*tradeapi.Credit, error) {
	if err := CheckCreditNo("no", no); err != nil {
		return nil, err
	}
	return GetCredit(kv, no)
}

func (m Module) adviseCredit(ctx *module.Context, b *tradeapi.AdviseBody) error {
	c, err := loadCredit(ctx.Store, b.No)
	if err != nil {
		return err
	}
	if c.AdvisingBank != ctx.Signer.Org {
		return unauthorized("credit %s names %q as its advising bank; only it advises the credit", c.No, c.AdvisingBank)
	}
	if c.Advised {
		return conflict("credit %s was already advised", c.No)
	}
	if b.Confirm && !c.ConfirmationAsked {
		return rule("credit %s does not ask for confirmation; a bank confirms only when the issuing bank asks it to (UCP 600 article 8)", c.No)
	}
	c.Advised = true
	note := "advised"
	if b.Confirm {
		c.ConfirmingBank = c.AdvisingBank
		note = "advised and confirmed"
	}
	if err := creditStep(ctx, c, "advised", "", note); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.CreditResult{No: c.No, Status: c.Status})
}

// operative refuses a credit that is expired or exhausted on the day at
// its nominated bank's place.
func operative(ctx *module.Context, c *tradeapi.Credit, verb string) (*tradeapi.Calendar, string, error) {
	cal, err := GetCalendar(ctx.Store, c.NominatedBank)
	if err != nil {
		return nil, "", err
	}
	day := Day(cal, ctx.Time)
	switch st := CreditStatus(c, cal, day); st {
	case tradeapi.CreditExpired:
		return nil, "", rule("credit %s expired on %s (at %s's place; today there is %s): it can no longer be %s (UCP 600 article 6(e))", c.No, EffectiveExpiry(cal, c.Terms.Expiry), c.NominatedBank, day, verb)
	case tradeapi.CreditExhausted:
		return nil, "", conflict("credit %s is drawn in full (%s); it can no longer be %s", c.No, FormatMoney(c.Terms.Amount.Currency, c.Drawn), verb)
	}
	return cal, day, nil
}

func (m Module) amendCredit(ctx *module.Context, b *tradeapi.AmendCreditBody) error {
	c, err := loadCredit(ctx.Store, b.No)
	if err != nil {
		return err
	}
	if err := field.Text("note", b.Note, 0, 200); err != nil {
		return err
	}
	day, err := placeToday(ctx, c.NominatedBank)
	if err != nil {
		return err
	}
	if err := checkTerms(&b.Terms, day); err != nil {
		return err
	}
	if c.IssuingBank != ctx.Signer.Org {
		return unauthorized("credit %s was issued by %s; only the issuing bank amends it", c.No, c.IssuingBank)
	}
	if b.Terms.Amount.Currency != c.Terms.Amount.Currency {
		return rule("terms.amount.currency: credit %s is in %s; an amendment does not change the currency", c.No, c.Terms.Amount.Currency)
	}
	if _, _, err := operative(ctx, c, "amended"); err != nil {
		return err
	}
	if c.AmendPending {
		return conflict("credit %s has amendment %d waiting for the beneficiary's answer", c.No, c.Amendments)
	}
	if used := c.Drawn + c.Reserved; MaxDrawing(&b.Terms) < used {
		return rule("terms.amount: the amended credit could pay at most %s, less than what is drawn or presented (%s)", FormatMoney(c.Terms.Amount.Currency, MaxDrawing(&b.Terms)), FormatMoney(c.Terms.Amount.Currency, used))
	}
	c.Amendments++
	c.AmendPending = true
	a := tradeapi.CreditAmendment{No: c.No, N: c.Amendments, Terms: b.Terms, Note: b.Note, Status: tradeapi.CreditAmendPending, Proposed: field.BlockTime(ctx.Time)}
	if err := absent(ctx.Store, lcAmendKey(c.No, a.N), "amendment"); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, lcAmendKey(c.No, a.N), &a); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "amendment_issued", strconv.Itoa(a.N), b.Note); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.CreditResult{No: c.No, Status: c.Status})
}

// GetCreditAmendment returns amendment n of a credit.
func GetCreditAmendment(r module.Getter, no string, n int) (*tradeapi.CreditAmendment, error) {
	var a tradeapi.CreditAmendment
	if err := module.GetRecord(r, lcAmendKey(no, n), &a, "credit %s has no amendment %d", no, n); err != nil {
		return nil, err
	}
	return &a, nil
}

func (m Module) answerCredit(ctx *module.Context, b *tradeapi.AnswerCreditBody) error {
	c, err := loadCredit(ctx.Store, b.No)
	if err != nil {
		return err
	}
	if c.Beneficiary != ctx.Signer.Org {
		return unauthorized("credit %s is in favour of %s; only the beneficiary answers its amendments", c.No, c.Beneficiary)
	}
	if !c.AmendPending {
		return conflict("credit %s has no amendment waiting for an answer", c.No)
	}
	a, err := GetCreditAmendment(ctx.Store, c.No, c.Amendments)
	if err != nil {
		return err
	}
	c.AmendPending = false
	a.Answered = field.BlockTime(ctx.Time)
	action := "amendment_rejected"
	a.Status = tradeapi.CreditAmendRejected
	if b.Accept {
		// What was drawn and presented since the amendment was issued
		// may leave less room than the amendment allowed for.
		if used := c.Drawn + c.Reserved; MaxDrawing(&a.Terms) < used {
			return rule("amendment %d would let credit %s pay at most %s, less than what is drawn or presented (%s); reject it", a.N, c.No, FormatMoney(c.Terms.Amount.Currency, MaxDrawing(&a.Terms)), FormatMoney(c.Terms.Amount.Currency, used))
		}
		action, a.Status = "amendment_accepted", tradeapi.CreditAmendAccepted
		c.Terms = a.Terms
	}
	if err := module.PutJSON(ctx.Store, lcAmendKey(c.No, a.N), a); err != nil {
		return err
	}
	if err := creditStep(ctx, c, action, strconv.Itoa(a.N), ""); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.CreditResult{No: c.No, Status: c.Status})
}

// detect lists the discrepancies the chain can see from its records: a
// late shipment, a late presentation, ports other than the credit's,
// missing documents, a partial drawing the credit prohibits.
func detect(c *tradeapi.Credit, cal *tradeapi.Calendar, e *tradeapi.EBL, b *tradeapi.PresentBody, day string) []string {
	t := &c.Terms
	var out []string
	if e.ShippedOnBoard > t.LatestShipment {
		out = append(out, fmt.Sprintf("late shipment: shipped on board %s, latest shipment date %s", e.ShippedOnBoard, t.LatestShipment))
	}
	// The last day for presentation, moved to the next banking day when
	// the bank is closed on it (UCP 600 29(a)).
	if last := NextBankingDay(cal, AddDays(e.ShippedOnBoard, presentationDays(t))); day > last {
		out = append(out, fmt.Sprintf("late presentation: presented %s, more than %d days after shipment (%s)", day, presentationDays(t), last))
	}
	if t.PortOfLoading != "" && t.PortOfLoading != e.PortOfLoading.UNLocode {
		out = append(out, fmt.Sprintf("port of loading %s, the credit calls for %s", e.PortOfLoading.UNLocode, t.PortOfLoading))
	}
	if t.PortOfDischarge != "" && t.PortOfDischarge != e.PortOfDischarge.UNLocode {
		out = append(out, fmt.Sprintf("port of discharge %s, the credit calls for %s", e.PortOfDischarge.UNLocode, t.PortOfDischarge))
	}
	for _, need := range t.Documents {
		if need == tradeapi.DocBillOfLading || need == tradeapi.DocInvoice {
			continue
		}
		if !slices.ContainsFunc(b.Docs, func(d tradeapi.Doc) bool { return d.Type == need }) {
			out = append(out, "missing document: "+need)
		}
	}
	if !t.PartialShipments {
		if c.Drawn+c.Reserved > 0 {
			out = append(out, "partial drawing: the credit prohibits partial shipments and was already presented")
		} else if b.Amount*100 < t.Amount.Minor*95 {
			out = append(out, fmt.Sprintf("partial drawing: %s is less than the credit's amount less 5%% (UCP 600 30(c)) and partial shipments are prohibited", FormatMoney(t.Amount.Currency, b.Amount)))
		}
	}
	return out
}

func (m Module) present(ctx *module.Context, b *tradeapi.PresentBody) error {
	c, err := loadCredit(ctx.Store, b.No)
	if err != nil {
		return err
	}
	if err := CheckRef("ebl", b.EBL); err != nil {
		return err
	}
	if err := checkDoc("invoice", b.Invoice); err != nil {
		return err
	}
	if b.Invoice.Type != tradeapi.DocInvoice {
		return malformed("invoice.type: %s", tradeapi.DocInvoice)
	}
	if len(b.Docs) > tradeapi.MaxDocs {
		return malformed("docs: at most %d documents, got %d", tradeapi.MaxDocs, len(b.Docs))
	}
	for i, d := range b.Docs {
		if err := checkDoc(fmt.Sprintf("docs[%d]", i), d); err != nil {
			return err
		}
		if d.Type == tradeapi.DocBillOfLading || d.Type == tradeapi.DocInvoice {
			return malformed("docs[%d].type: the eBL and the invoice have their own fields", i)
		}
	}
	if b.Amount < 1 || b.Amount > tradeapi.MaxAmount {
		return malformed("amount_minor: 1 to %d, got %d", tradeapi.MaxAmount, b.Amount)
	}
	if c.Beneficiary != ctx.Signer.Org {
		return unauthorized("credit %s is in favour of %s; only the beneficiary presents under it", c.No, c.Beneficiary)
	}
	cal, day, err := operative(ctx, c, "presented under")
	if err != nil {
		return err
	}
	if av := Available(c); b.Amount > av {
		return rule("amount_minor: %s claimed, but credit %s can pay at most %s more (amount %s, tolerance %d%%, drawn %s, presented %s); a credit never pays more than its amount",
			FormatMoney(c.Terms.Amount.Currency, b.Amount), c.No, FormatMoney(c.Terms.Amount.Currency, av), FormatMoney(c.Terms.Amount.Currency, c.Terms.Amount.Minor),
			c.Terms.TolerancePct, FormatMoney(c.Terms.Amount.Currency, c.Drawn), FormatMoney(c.Terms.Amount.Currency, c.Reserved))
	}
	e, err := GetEBL(ctx.Store, b.EBL)
	if err != nil {
		return err
	}
	if err := circulating(ctx.Store, e, "presented"); err != nil {
		return err
	}
	if err := controlledBy(e, ctx.Signer.Org, "present"); err != nil {
		return err
	}
	if err := idle(e, "presented"); err != nil {
		return err
	}
	if !e.ToOrder {
		return rule("ebl: %s is a straight bill; a credit's bank takes control of a to-order bill, which it can endorse", e.Ref)
	}
	if err := invoiceFree(ctx, c.Beneficiary, b.Invoice); err != nil {
		return err
	}
	presentedOn := NextBankingDay(cal, day)
	c.Presentations++
	p := &tradeapi.Presentation{
		ID: PresentationID(c.No, c.Presentations), No: c.No, N: c.Presentations, EBL: e.Ref, Amount: b.Amount,
		Invoice: b.Invoice, Docs: b.Docs, Bank: c.NominatedBank, PresentedAt: field.BlockTime(ctx.Time),
		Day: day, Expiry: EffectiveExpiry(cal, c.Terms.Expiry), PresentedOn: presentedOn, Deadline: ExaminationDeadline(cal, presentedOn, tradeapi.ExaminationDays),
		Detected: detect(c, cal, e, b, day), Status: tradeapi.PresPresented,
	}
	c.Reserved += b.Amount
	if err := absent(ctx.Store, presKey(c.No, p.N), "presentation "+p.ID); err != nil {
		return err
	}
	if err := holdInvoice(ctx, c.Beneficiary, p); err != nil {
		return err
	}
	// The eBL passes to the nominated bank, which accepted in advance to
	// receive presentations by issuing or taking the nomination.
	kind := handOver(e)
	if err := setController(ctx, e, c.NominatedBank); err != nil {
		return err
	}
	endorse(e, kind, c.NominatedBank)
	e.Presentation = p.ID
	if _, err := step(ctx, e, tradeapi.Step{Action: "presented", From: c.Beneficiary, To: c.NominatedBank, Endorsement: kind, Note: p.ID}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "presented", p.ID, FormatMoney(c.Terms.Amount.Currency, b.Amount)); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.PresentResult{ID: p.ID, Status: p.Status, Deadline: p.Deadline})
}

// presentation loads a presentation and its credit for an action of org.
func presentation(ctx *module.Context, id string) (*tradeapi.Presentation, *tradeapi.Credit, error) {
	p, err := GetPresentation(ctx.Store, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := GetCredit(ctx.Store, p.No)
	if err != nil {
		return nil, nil, err
	}
	return p, c, nil
}

func statusIn(p *tradeapi.Presentation, verb string, want ...string) error {
	if slices.Contains(want, p.Status) {
		return nil
	}
	return conflict("presentation %s is %s; it can be %s only when %s", p.ID, p.Status, verb, strings.Join(want, " or "))
}

func presentResult(ctx *module.Context, p *tradeapi.Presentation) error {
	return ctx.SetResult(tradeapi.PresentResult{ID: p.ID, Status: p.Status, Deadline: p.Deadline})
}

func (m Module) examine(ctx *module.Context, b *tradeapi.ExamineBody) error {
	if len(b.Discrepancies) > tradeapi.MaxNotes {
		return malformed("discrepancies: at most %d", tradeapi.MaxNotes)
	}
	for i, d := range b.Discrepancies {
		if err := field.Text(fmt.Sprintf("discrepancies[%d]", i), d, 1, 200); err != nil {
			return err
		}
	}
	if b.Complying && len(b.Discrepancies) > 0 {
		return malformed("discrepancies: a complying presentation has none")
	}
	p, c, err := presentation(ctx, b.ID)
	if err != nil {
		return err
	}
	if p.Bank != ctx.Signer.Org {
		return unauthorized("presentation %s is examined by the nominated bank %s", p.ID, p.Bank)
	}
	if err := statusIn(p, "examined", tradeapi.PresPresented); err != nil {
		return err
	}
	cal, err := GetCalendar(ctx.Store, p.Bank)
	if err != nil {
		return err
	}
	day := Day(cal, ctx.Time)
	late := day > p.Deadline
	switch {
	case !b.Complying && late:
		return rule("presentation %s: the examination period ended on %s (five banking days following %s); a bank that did not give notice of refusal by then may no longer claim discrepancies (UCP 600 16(f)); record it as complying and honour",
			p.ID, p.Deadline, p.PresentedOn)
	case !b.Complying && len(b.Discrepancies)+len(p.Detected) == 0:
		return malformed("discrepancies: name at least one, or record the presentation as complying")
	case b.Complying && len(p.Detected) > 0 && !late:
		return rule("presentation %s: the records show discrepancies (%s); record them as discrepant, and the applicant may waive them", p.ID, strings.Join(p.Detected, "; "))
	}
	p.Examined = field.BlockTime(ctx.Time)
	p.Status, p.Discrepancies = tradeapi.PresComplying, nil
	note := "complying"
	if !b.Complying {
		p.Status, p.Discrepancies = tradeapi.PresDiscrepant, b.Discrepancies
		note = "discrepant: " + strings.Join(append(slices.Clone(p.Detected), b.Discrepancies...), "; ")
	} else if late {
		note = "complying (examination period ended " + p.Deadline + ")"
	}
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "examined", p.ID, note); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return presentResult(ctx, p)
}

func (m Module) waive(ctx *module.Context, b *tradeapi.PresBody) error {
	p, c, err := presentation(ctx, b.ID)
	if err != nil {
		return err
	}
	if c.Applicant != ctx.Signer.Org {
		return unauthorized("credit %s was opened for %s; only the applicant waives discrepancies", c.No, c.Applicant)
	}
	if err := statusIn(p, "waived", tradeapi.PresDiscrepant); err != nil {
		return err
	}
	p.Status = tradeapi.PresWaived
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "discrepancies_waived", p.ID, ""); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return presentResult(ctx, p)
}

// moveHeld passes the eBL of presentation p from the bank holding it to
// org, as the credit's steps do; release ends the banks' holding.
func moveHeld(ctx *module.Context, p *tradeapi.Presentation, from, org, action string, release bool) error {
	e, err := GetEBL(ctx.Store, p.EBL)
	if err != nil {
		return err
	}
	if e.Presentation != p.ID || e.Controller != from {
		return conflict("eBL %s is not held by %s under presentation %s", e.Ref, from, p.ID)
	}
	kind := handOver(e)
	if err := setController(ctx, e, org); err != nil {
		return err
	}
	endorse(e, kind, org)
	if release {
		e.Presentation = ""
	}
	if _, err := step(ctx, e, tradeapi.Step{Action: action, From: from, To: org, Endorsement: kind, Note: p.ID}); err != nil {
		return err
	}
	return saveEBL(ctx, e)
}

func (m Module) returnDocs(ctx *module.Context, b *tradeapi.PresBody) error {
	p, c, err := presentation(ctx, b.ID)
	if err != nil {
		return err
	}
	if p.Bank != ctx.Signer.Org {
		return unauthorized("presentation %s is held by the nominated bank %s", p.ID, p.Bank)
	}
	if err := statusIn(p, "returned", tradeapi.PresDiscrepant); err != nil {
		return err
	}
	if err := moveHeld(ctx, p, p.Bank, c.Beneficiary, "documents_returned", true); err != nil {
		return err
	}
	p.Status = tradeapi.PresReturned
	c.Reserved -= p.Amount
	if err := releaseInvoice(ctx, c.Beneficiary, p); err != nil {
		return err
	}
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "documents_returned", p.ID, ""); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return presentResult(ctx, p)
}

func (m Module) honour(ctx *module.Context, b *tradeapi.HonourBody) error {
	p, c, err := presentation(ctx, b.ID)
	if err != nil {
		return err
	}
	if p.Bank != ctx.Signer.Org {
		return unauthorized("presentation %s is honoured by the nominated bank %s", p.ID, p.Bank)
	}
	if err := statusIn(p, "honoured", tradeapi.PresComplying, tradeapi.PresWaived); err != nil {
		return err
	}
	if c.Drawn+p.Amount > MaxDrawing(&c.Terms) {
		// Presentations reserve their amount; this cannot happen.
		panic(fmt.Sprintf("trade: credit %s would be drawn beyond its amount", c.No))
	}
	c.Reserved -= p.Amount
	c.Drawn += p.Amount
	p.Status, p.Honoured = tradeapi.PresHonoured, field.BlockTime(ctx.Time)
	note := "paid at sight"
	if c.Availability == tradeapi.AvailDeferred || c.Availability == tradeapi.AvailAcceptance || c.TenorDays > 0 {
		e, err := GetEBL(ctx.Store, p.EBL)
		if err != nil {
			return err
		}
		p.Maturity = AddDays(e.ShippedOnBoard, c.TenorDays)
		note = fmt.Sprintf("%s, due %s", c.Availability, p.Maturity)
	}
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "honoured", p.ID, note+": "+FormatMoney(c.Terms.Amount.Currency, p.Amount)); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return presentResult(ctx, p)
}

func (m Module) reimburse(ctx *module.Context, b *tradeapi.PresBody) error {
	p, c, err := presentation(ctx, b.ID)
	if err != nil {
		return err
	}
	if c.IssuingBank != ctx.Signer.Org {
		return unauthorized("credit %s was issued by %s; only the issuing bank reimburses", c.No, c.IssuingBank)
	}
	if p.Bank == c.IssuingBank {
		return rule("presentation %s was honoured by the issuing bank itself; there is no nominated bank to reimburse: release the documents to the applicant", p.ID)
	}
	if err := statusIn(p, "reimbursed", tradeapi.PresHonoured); err != nil {
		return err
	}
	if err := moveHeld(ctx, p, p.Bank, c.IssuingBank, "forwarded_to_issuing_bank", false); err != nil {
		return err
	}
	p.Status, p.Reimbursed = tradeapi.PresReimbursed, field.BlockTime(ctx.Time)
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "reimbursed", p.ID, FormatMoney(c.Terms.Amount.Currency, p.Amount)); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return presentResult(ctx, p)
}

func (m Module) releaseDocs(ctx *module.Context, b *tradeapi.PresBody) error {
	p, c, err := presentation(ctx, b.ID)
	if err != nil {
		return err
	}
	if c.IssuingBank != ctx.Signer.Org {
		return unauthorized("credit %s was issued by %s; only the issuing bank releases the documents to the applicant", c.No, c.IssuingBank)
	}
	want := tradeapi.PresReimbursed
	if p.Bank == c.IssuingBank {
		want = tradeapi.PresHonoured
	}
	if err := statusIn(p, "released to the applicant", want); err != nil {
		return err
	}
	if err := moveHeld(ctx, p, c.IssuingBank, c.Applicant, "released_to_applicant", true); err != nil {
		return err
	}
	p.Status, p.Settled = tradeapi.PresSettled, field.BlockTime(ctx.Time)
	if err := savePresentation(ctx, p); err != nil {
		return err
	}
	if err := creditStep(ctx, c, "documents_released", p.ID, "the applicant reimbursed the issuing bank"); err != nil {
		return err
	}
	if err := saveCredit(ctx, c); err != nil {
		return err
	}
	return presentResult(ctx, p)
}
