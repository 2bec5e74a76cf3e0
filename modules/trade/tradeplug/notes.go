package tradeplug

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The chain records a credit's history notes and the discrepancies it
// detects in a presentation as English sentences of a few fixed forms
// (the state machine writes them; changing them would change consensus).
// A page says them in its own language: each form is read back into its
// parts and written again with the page's sentence. A note of no known
// form (an amendment's note, a discrepancy a bank typed) stays as it was
// recorded, marked as the chain's words.

// noteForm is one sentence form the chain writes: the pattern that reads
// it and the message that says it again with its parts (a part named in
// enum is shown as that value set's label).
type noteForm struct {
	re   *regexp.Regexp
	key  string
	enum map[int]string // part index -> value set, or codes
}

// codes marks a part that is a code (a UN/LOCODE), the same in every
// language.
const codes = ""

// discrepancyForms are the forms of trade.detect's discrepancies.
var discrepancyForms = []noteForm{
	{re: regexp.MustCompile(`^late shipment: shipped on board (\S+), latest shipment date (\S+)$`), key: "trn.lateship"},
	{re: regexp.MustCompile(`^late presentation: presented (\S+), more than (\d+) days after shipment \((\S+)\)$`), key: "trn.latepres"},
	{re: regexp.MustCompile(`^port of loading (\S+), the credit calls for (\S+)$`), key: "trn.pol", enum: map[int]string{0: codes, 1: codes}},
	{re: regexp.MustCompile(`^port of discharge (\S+), the credit calls for (\S+)$`), key: "trn.pod", enum: map[int]string{0: codes, 1: codes}},
	{re: regexp.MustCompile(`^missing document: (\S+)$`), key: "trn.missing", enum: map[int]string{0: "trade.doc_type"}},
	{re: regexp.MustCompile(`^partial drawing: the credit prohibits partial shipments and was already presented$`), key: "trn.partialagain"},
	{re: regexp.MustCompile(`^partial drawing: ([A-Z]{3} [0-9.,]+) is less than the credit's amount less 5% \(UCP 600 30\(c\)\) and partial shipments are prohibited$`), key: "trn.partialshort"},
}

// noteForms are the forms of the credit history's notes (trade's
// creditStep calls), by step action; a note that is an amount alone
// ("USD 97,200.00") is the same in every language.
var noteForms = map[string][]noteForm{
	"advised": {
		{re: regexp.MustCompile(`^advised$`), key: "trn.advised"},
		{re: regexp.MustCompile(`^advised and confirmed$`), key: "trn.confirmed"},
	},
	"examined": {
		{re: regexp.MustCompile(`^complying$`), key: "trn.complying"},
		{re: regexp.MustCompile(`^complying \(examination period ended (\S+)\)$`), key: "trn.complyinglate"},
	},
	"honoured": {
		{re: regexp.MustCompile(`^paid at sight: ([A-Z]{3} [0-9.,]+)$`), key: "trn.paidsight"},
		{re: regexp.MustCompile(`^([a-z_]+), due (\S+): ([A-Z]{3} [0-9.,]+)$`), key: "trn.due", enum: map[int]string{0: "trade.availability"}},
	},
	"documents_released": {
		{re: regexp.MustCompile(`^the applicant reimbursed the issuing bank$`), key: "trn.released"},
	},
}

var amountOnly = regexp.MustCompile(`^[A-Z]{3} [0-9.,]+$`)

// say writes s in n's language when one of forms reads it.
func (n *notes) say(forms []noteForm, s string) (string, bool) {
	for _, f := range forms {
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, part := range m[1:] {
			if set, ok := f.enum[i]; ok {
				part = n.label(set, part)
			}
			args[i] = part
		}
		return fmt.Sprintf(n.t(f.key), args...), true
	}
	return "", false
}

// notes says a credit's recorded sentences in a page language.
type notes struct{ lang pages.Lang }

// pick is a message's text in n's language.
func (n *notes) pick(m [2]string) string {
	if n.lang == pages.ZH {
		return m[0]
	}
	return m[1]
}

func (n *notes) t(key string) string { return n.pick(messages[key]) }

// label is a value of a value set for people, the value itself (the
// chain's words) when the set does not name it.
func (n *notes) label(set, v string) string {
	for _, e := range enums {
		if l, ok := e.Labels[v]; ok && e.Name == set {
			return n.pick(l)
		}
	}
	return pages.ChainWords(v)
}

// Discrepancy is a discrepancy the chain detected, or one a bank typed
// (as typed, the chain's words).
func (n *notes) Discrepancy(s string) string {
	if out, ok := n.say(discrepancyForms, s); ok {
		return out
	}
	return pages.ChainWords(s)
}

// Note is the note of a credit history step of action.
func (n *notes) Note(action, s string) string {
	switch {
	case s == "" || amountOnly.MatchString(s):
		return s
	case action == "examined" && strings.HasPrefix(s, "discrepant: "):
		// The detected discrepancies and the bank's, joined by "; ".
		parts := strings.Split(strings.TrimPrefix(s, "discrepant: "), "; ")
		for i, d := range parts {
			parts[i] = n.Discrepancy(d)
		}
		return n.t("trn.discrepant") + strings.Join(parts, n.t("trn.sep"))
	}
	if out, ok := n.say(noteForms[action], s); ok {
		return out
	}
	return pages.ChainWords(s)
}

// typedDiscrepancies are the discrepancies a bank typed, one a line, less
// those the chain detected already (as recorded or as the pages show them
// in either language) and less repeats: the chain's record lists the
// detected ones and then the typed ones, and a bank that copies a
// detected one into the box would otherwise record it twice.
func typedDiscrepancies(text string, detected []string) []string {
	same := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	seen := map[string]bool{}
	for _, d := range detected {
		seen[same(d)] = true
		for _, lang := range []pages.Lang{pages.ZH, pages.EN} {
			n := &notes{lang}
			seen[same(plain(n.Discrepancy(d)))] = true
		}
	}
	var out []string
	for _, l := range pages.Lines(text) {
		if k := same(l); !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return slices.Clip(out)
}

// plain is a page's text without the marks of the chain's words.
func plain(s string) string {
	return strings.NewReplacer(pages.ChainWordsOpen, "", pages.ChainWordsClose, "").Replace(s)
}

// localCreditView says the recorded sentences of cv in the page's
// language.
func localCreditView(p *pages.Page, cv *tradeapi.CreditView) {
	n := &notes{p.Lang}
	for i := range cv.Steps {
		cv.Steps[i].Note = n.Note(cv.Steps[i].Action, cv.Steps[i].Note)
	}
	for i := range cv.Presentations {
		pr := &cv.Presentations[i]
		for j := range pr.Detected {
			pr.Detected[j] = n.Discrepancy(pr.Detected[j])
		}
		for j := range pr.Discrepancies {
			pr.Discrepancies[j] = pages.ChainWords(pr.Discrepancies[j])
		}
	}
}
