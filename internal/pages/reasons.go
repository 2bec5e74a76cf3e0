package pages

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dengta-chain/dengta/internal/decimal"
)

// Reasons is a module's catalogue of its refusal messages in Chinese: each
// key is an English format string the module refuses with (the chain's
// results carry the English), each value its Chinese, with {1}, {2}, ...
// for the format's arguments in order. A %q argument is given without its
// quotes. Words the Chinese keeps as they are (field names, action names,
// codes) stand between backquotes; they and the arguments show as the
// chain's words.
type Reasons map[string]string

// ReasonSet is one catalogue and the Chinese names of the values its
// messages' arguments may be (a module's statuses and kinds, from its
// Enums): an argument that is one of them shows as its name.
type ReasonSet struct {
	// Module is the module whose refusals these are ("" for the core's,
	// which any answer may carry): ChineseFor tries a module's answer
	// against its own formats and the core's only.
	Module  string
	Reasons Reasons
	Values  map[string]string
	// Words name, in Chinese, the words the module's code puts into its
	// messages elsewhere: the action in "cannot be %s" (accepted, split or
	// transferred).
	Words map[string]string
}

// EnumValues names the values of enums in Chinese, for a ReasonSet; a
// value of two sets takes the name of the first.
func EnumValues(enums []Enum) map[string]string {
	values := map[string]string{}
	for _, e := range enums {
		for _, v := range e.Values {
			if l, ok := e.Labels[v]; ok && l[0] != "" {
				if _, dup := values[v]; !dup {
					values[v] = l[0]
				}
			}
		}
	}
	return values
}

// reasonVerb matches a format verb of package fmt (or the literal %%).
var reasonVerb = regexp.MustCompile(`%%|%[-+# 0]*(?:\[\d+\])?[0-9]*(?:\.[0-9]*)?[a-zA-Z]`)

// reasonPlaceholder matches {1}, {2}, ... in a translation.
var reasonPlaceholder = regexp.MustCompile(`\{(\d+)\}`)

// union is a with b's entries that a lacks, in a new map when b adds any.
func union(a, b map[string]string) map[string]string {
	var out map[string]string
	for k, v := range b {
		if _, ok := a[k]; ok {
			continue
		}
		if out == nil {
			out = maps.Clone(a)
			if out == nil {
				out = map[string]string{}
			}
		}
		out[k] = v
	}
	if out == nil {
		return a
	}
	return out
}

// FormatHasWords reports whether a format string has words of its own,
// outside its verbs: "%s: %v" has none, and nothing to translate.
func FormatHasWords(format string) bool {
	return strings.ContainsFunc(reasonVerb.ReplaceAllString(format, ""), unicode.IsLetter)
}

// A reason is one compiled catalogue entry.
type reason struct {
	format  string
	re      *regexp.Regexp
	quoted  []bool // per argument: the verb was %q
	named   []bool // per argument: it says what something is (after "is"), so a value may be named
	zh      string
	literal int               // bytes of literal text: the more, the more specific
	longest string            // the longest run of literal text, which a match contains
	values  map[string]string // Chinese names of argument values
	words   map[string]string // Chinese of the words put into messages
	owners  []string          // the sets' modules ("" for the core)
}

// ReasonCatalogue translates the chain's English refusal messages into
// Chinese by matching them against every module's formats.
type ReasonCatalogue struct {
	reasons []reason
	modules map[string]bool // the sets' modules (ChineseFor)
}

// CompileReasons builds a catalogue from modules' Reasons; an entry whose
// translation does not use exactly the format's arguments is an error. A
// format in two sets keeps the first set's translation.
func CompileReasons(sets ...ReasonSet) (*ReasonCatalogue, error) {
	c := &ReasonCatalogue{modules: map[string]bool{}}
	seen := map[string]int{} // format -> index in c.reasons
	for _, set := range sets {
		c.modules[set.Module] = true
		for format, zh := range set.Reasons {
			if i, ok := seen[format]; ok {
				// Another module refuses with the same words: its values
				// and words name its arguments too (the first set's win).
				r := &c.reasons[i]
				r.values, r.words = union(r.values, set.Values), union(r.words, set.Words)
				if !slices.Contains(r.owners, set.Module) {
					r.owners = append(r.owners, set.Module)
				}
				continue
			}
			r, err := compileReason(format, zh)
			if err != nil {
				return nil, err
			}
			r.values, r.words, r.owners = set.Values, set.Words, []string{set.Module}
			seen[format] = len(c.reasons)
			c.reasons = append(c.reasons, r)
		}
	}
	// The most specific format first; ties in format order, so the match
	// does not depend on map order.
	slices.SortFunc(c.reasons, func(a, b reason) int {
		return cmp.Or(cmp.Compare(b.literal, a.literal), strings.Compare(a.format, b.format))
	})
	return c, nil
}

func compileReason(format, zh string) (reason, error) {
	r := reason{format: format, zh: zh}
	var pat strings.Builder
	pat.WriteString(`^`)
	last := 0
	for _, loc := range reasonVerb.FindAllStringIndex(format, -1) {
		lit := format[last:loc[0]]
		verb := format[loc[0]:loc[1]]
		last = loc[1]
		pat.WriteString(regexp.QuoteMeta(lit))
		r.literal += len(lit)
		if len(lit) > len(r.longest) {
			r.longest = lit
		}
		if verb == "%%" {
			pat.WriteString(`%`)
			r.literal++
			continue
		}
		r.named = append(r.named, statesWhat(lit))
		switch verb[len(verb)-1] {
		case 'q':
			// A string, or a rune, which %q quotes with single quotes.
			pat.WriteString(`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)+')`)
			r.quoted = append(r.quoted, true)
		case 'd':
			pat.WriteString(`(-?[0-9]+)`)
			r.quoted = append(r.quoted, false)
		default:
			// Anything but a clause boundary ("; "): an argument is a
			// value or a phrase, and a short format must not swallow the
			// rest of a longer message it was not written for.
			pat.WriteString(`((?:[^;]|;[^ ])*?)`)
			r.quoted = append(r.quoted, false)
		}
	}
	pat.WriteString(regexp.QuoteMeta(format[last:]))
	r.literal += len(format) - last
	if len(format)-last > len(r.longest) {
		r.longest = format[last:]
	}
	if !FormatHasWords(format) {
		return reason{}, fmt.Errorf("reason %q: the format has no words to translate", format)
	}
	pat.WriteString(`$`)
	re, err := regexp.Compile(pat.String())
	if err != nil {
		return reason{}, fmt.Errorf("reason %q: %w", format, err)
	}
	r.re = re
	used := make([]bool, len(r.quoted))
	for _, m := range reasonPlaceholder.FindAllStringSubmatch(zh, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(used) {
			return reason{}, fmt.Errorf("reason %q: the translation names {%d}; the format has %d arguments", format, n, len(used))
		}
		used[n-1] = true
	}
	for i, u := range used {
		if !u {
			return reason{}, fmt.Errorf("reason %q: the translation leaves out {%d}", format, i+1)
		}
	}
	if strings.Count(zh, "`")%2 != 0 {
		return reason{}, fmt.Errorf("reason %q: the translation has an unclosed backquote", format)
	}
	return r, nil
}

// Chinese returns msg in Chinese, with its arguments (but those its set
// names) and the words kept as they are marked as the chain's words
// (ChainWords), and whether a format matched. A message of several parts
// joined by "; " whose whole does not match is translated part by part,
// when every part matches.
func (c *ReasonCatalogue) Chinese(msg string) (string, bool) { return c.chinese(msg, nil) }

// ChineseFor is Chinese for what an endpoint of module answered: only the
// core's formats and module's own are tried, so that another module's
// more general format ("%s is empty") cannot claim the message and say it
// half in English. For "" or a name no set was given for (a core
// endpoint, a transaction of any module) it is Chinese.
func (c *ReasonCatalogue) ChineseFor(module, msg string) (string, bool) {
	if c == nil || module == "" || !c.modules[module] {
		return c.chinese(msg, nil)
	}
	return c.chinese(msg, func(r *reason) bool { return slices.Contains(r.owners, "") || slices.Contains(r.owners, module) })
}

// chinese is Chinese with the formats keep accepts (all when nil).
func (c *ReasonCatalogue) chinese(msg string, keep func(*reason) bool) (string, bool) {
	if c == nil || msg == "" {
		return "", false
	}
	if s, ok := c.one(msg, keep); ok {
		return s, true
	}
	parts := strings.Split(msg, "; ")
	if len(parts) == 1 {
		return "", false
	}
	out := make([]string, len(parts))
	for i, part := range parts {
		s, ok := c.one(part, keep)
		if !ok {
			return "", false
		}
		out[i] = s
	}
	return strings.Join(out, "；"), true
}

func (c *ReasonCatalogue) one(msg string, keep func(*reason) bool) (string, bool) {
	for i := range c.reasons {
		r := &c.reasons[i]
		if !strings.Contains(msg, r.longest) || keep != nil && !keep(r) {
			continue // cheaper than the pattern
		}
		m := r.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := m[1:]
		return r.render(args), true
	}
	return "", false
}

var (
	yuanArg = regexp.MustCompile(`^(-?)([0-9]+)\.([0-9]{2}) yuan$`)
	timeArg = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)
)

// localArg shows an argument the chain writes for machines as the pages
// show it: an amount "4500000.00 yuan" as 4,500,000.00 元, an RFC 3339
// time in China Standard Time.
func localArg(v string) (string, bool) {
	if m := yuanArg.FindStringSubmatch(v); m != nil {
		whole, err := strconv.ParseInt(m[2], 10, 64)
		frac, _ := strconv.ParseInt(m[3], 10, 64)
		if err != nil || whole > (1<<62)/100 {
			return "", false
		}
		fen := whole*100 + frac
		if m[1] == "-" {
			fen = -fen
		}
		return ChainWords(decimal.FormatYuan(fen)) + " 元", true
	}
	if timeArg.MatchString(v) {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return ChainWords(t.In(ChinaTime).Format("2006-01-02 15:04:05")), true
		}
	}
	return "", false
}

// statesWhat reports whether the English before an argument introduces
// what something is ("... is %s", "status %s", "already %s"): there a
// module's value is a state and shows as its name, where elsewhere the
// same word may be an action ("cannot be %s": rejected).
func statesWhat(before string) bool {
	w := strings.Fields(strings.ToLower(before))
	if len(w) == 0 {
		return false
	}
	switch w[len(w)-1] {
	case "is", "are", "was", "were", "status", "already", "now", "role", "roles", "holds", "has", "when":
		return true
	}
	return false
}

// name is v's Chinese name in values: of the value, of every item of a
// list as Go prints one ("[bank supplier]"), joined with 、, or of every
// choice of a list in English ("presented or discrepant", "a, b or c"),
// as 、 and 或 join them.
func name(values map[string]string, v string) (string, bool) {
	if n, ok := values[v]; ok {
		return n, true
	}
	if head, last, ok := strings.Cut(v, " or "); ok && !strings.Contains(last, " or ") {
		items := append(strings.Split(head, ", "), last)
		names := make([]string, len(items))
		for i, it := range items {
			if names[i], ok = values[it]; !ok {
				return "", false
			}
		}
		return strings.Join(names[:len(names)-1], "、") + "或" + names[len(names)-1], true
	}
	if len(v) < 3 || v[0] != '[' || v[len(v)-1] != ']' {
		return "", false
	}
	items := strings.Fields(v[1 : len(v)-1])
	names := make([]string, len(items))
	for i, it := range items {
		n, ok := values[it]
		if !ok {
			return "", false
		}
		names[i] = n
	}
	return strings.Join(names, "、"), len(names) > 0
}

// glued names an argument the code glues together from a description and
// an id ("credit "+no: "credit LC-1"): the set's words name a description
// by a key ending in a space, and "{}" in the Chinese stands for the id
// (which follows the words when there is none). The longest description
// that matches wins; the id must be one word.
func glued(words map[string]string, v string) (string, bool) {
	best := ""
	for k := range words {
		if strings.HasSuffix(k, " ") && len(k) > len(best) && strings.HasPrefix(v, k) {
			best = k
		}
	}
	id := strings.TrimPrefix(v, best)
	if best == "" || id == "" || strings.ContainsAny(id, " \t\n") {
		return "", false
	}
	w := words[best]
	if strings.Contains(w, "{}") {
		return strings.Replace(w, "{}", ChainWords(id), 1), true
	}
	return w + " " + ChainWords(id), true
}

// render fills the translation: arguments and backquoted words become
// the chain's words.
func (r reason) render(args []string) string {
	var b strings.Builder
	code := false
	for part := range strings.SplitSeq(r.zh, "`") {
		if code {
			if part != "" {
				b.WriteString(ChainWords(part))
			}
		} else {
			b.WriteString(reasonPlaceholder.ReplaceAllStringFunc(part, func(ph string) string {
				n, _ := strconv.Atoi(ph[1 : len(ph)-1])
				v := args[n-1]
				if r.quoted[n-1] {
					if u, err := strconv.Unquote(v); err == nil {
						v = u
					}
				}
				if v == "" {
					return ""
				}
				if l, ok := localArg(v); ok {
					return l
				}
				if r.named[n-1] {
					if n, ok := name(r.values, v); ok {
						return n
					}
				} else if w, ok := r.words[v]; ok {
					return w
				}
				if w, ok := glued(r.words, v); ok {
					return w
				}
				return ChainWords(v)
			}))
		}
		code = !code
	}
	return b.String()
}
