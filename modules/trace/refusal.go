package trace

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Refusal is why the module refuses an action: a stable result code, a
// stable reason (a snake_case name clients and tests switch on), the
// field of the body it concerns, and the parameters of its message. The
// message exists in English (what the chain's result carries) and Chinese
// (what the hall, the import report and the CLI show a Chinese user); both
// come from the catalogue in messages.go.
type Refusal struct {
	Code   errcode.Code
	Reason string
	// Field is the path of the body field the refusal concerns, in the
	// capture body's names (epc_list[2], source_list[0].source); "" when
	// it concerns the body as a whole.
	Field  string
	Params map[string]string
}

// Error is the English message with its code.
func (r *Refusal) Error() string { return r.Code.Name() + ": " + r.Message("en") }

// Unwrap gives errcode the code and the English message.
func (r *Refusal) Unwrap() error { return &errcode.Error{Code: r.Code, Msg: r.Message("en")} }

// Message renders the refusal in lang ("zh" or "en"; anything else is
// English), prefixed by its field.
func (r *Refusal) Message(lang string) string {
	t, ok := reasons[r.Reason]
	if !ok {
		t = [2]string{r.Reason, r.Reason}
	}
	s, params := t[0], r.Params
	if strings.HasPrefix(lang, "zh") {
		s = t[1]
		if v, ok := actZH[params["act"]]; ok {
			params = maps.Clone(params)
			params["act"] = v
		}
		if params["forms"] == pathHint {
			params = maps.Clone(params)
			params["forms"] = IDForms(lang, func(s string) string { return s })
		}
	}
	s = fill(s, params)
	if r.Field != "" {
		sep := ": "
		if strings.HasPrefix(lang, "zh") {
			sep = "："
		}
		s = r.Field + sep + s
	}
	return s
}

// fill replaces {name} placeholders with params, longest names first so
// that {to} never eats part of {to_time}.
func fill(s string, params map[string]string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		return len(names[i]) > len(names[j]) || len(names[i]) == len(names[j]) && names[i] < names[j]
	})
	for _, k := range names {
		s = strings.ReplaceAll(s, "{"+k+"}", params[k])
	}
	return s
}

// refuse builds a refusal; kv are parameter name, value pairs.
func refuse(code errcode.Code, reason, field string, kv ...string) *Refusal {
	p := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return &Refusal{Code: code, Reason: reason, Field: field, Params: p}
}

// AsRefusal returns err as a Refusal: the module's own refusals as they
// are, other coded errors (of shared field checks, say) as an "invalid"
// refusal carrying their English message, and nil for errors without a
// code (internal ones, which are no refusal).
func AsRefusal(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	if code := errcode.Of(err); code != errcode.Internal && code != errcode.OK {
		return &Refusal{Code: code, Reason: "invalid", Params: map[string]string{"detail": errcode.Message(err)}}
	}
	return nil
}

// LocalMessage is err's message in lang: a refusal's in that language,
// any other error's own.
func LocalMessage(err error, lang string) string {
	if r := AsRefusal(err); r != nil {
		return r.Message(lang)
	}
	return errcode.Message(err)
}

// inField puts a refusal under a field: a refusal without a field gets
// name, one with a field gets name as the parent of its own. Errors
// without a code (internal) pass unchanged.
func inField(name string, err error) error {
	r := AsRefusal(err)
	if r == nil {
		return err
	}
	c := *r
	if c.Field == "" {
		c.Field = name
	} else if name != "" && !strings.HasPrefix(c.Field, name) {
		c.Field = name + "." + c.Field
	}
	return &c
}

// reasonPatterns match the English messages of the catalogue, to recover
// a refusal from the message a chain result carries.
var (
	reasonPatternsOnce sync.Once
	reasonPatterns     []reasonPattern
)

type reasonPattern struct {
	reason  string
	re      *regexp.Regexp
	names   []string
	literal int // characters of the template outside placeholders
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func patterns() []reasonPattern {
	reasonPatternsOnce.Do(func() {
		for _, r := range slices.Sorted(maps.Keys(reasons)) {
			if r == "invalid" {
				continue
			}
			tmpl := reasons[r][0]
			var names []string
			expr := `^(?:([a-z_]+(?:\[[0-9]+\])?(?:\.[a-z_]+(?:\[[0-9]+\])?)*): )?`
			last := 0
			for _, loc := range placeholder.FindAllStringIndex(tmpl, -1) {
				expr += regexp.QuoteMeta(tmpl[last:loc[0]]) + `(.*?)`
				names = append(names, tmpl[loc[0]+1:loc[1]-1])
				last = loc[1]
			}
			expr += regexp.QuoteMeta(tmpl[last:]) + `$`
			lit := len(placeholder.ReplaceAllString(tmpl, ""))
			reasonPatterns = append(reasonPatterns, reasonPattern{reason: r, re: regexp.MustCompile(expr), names: names, literal: lit})
		}
	})
	return reasonPatterns
}

// ParseRefusal recovers a refusal from the code and English message of a
// chain result (a transaction's log): its reason, field and parameters,
// so that it can be shown in another language. A message no reason of
// the catalogue makes is an "invalid" refusal carrying it.
func ParseRefusal(code errcode.Code, msg string) *Refusal {
	var best *Refusal
	bestLit := -1
	for _, p := range patterns() {
		m := p.re.FindStringSubmatch(msg)
		if m == nil || p.literal <= bestLit {
			continue
		}
		params := map[string]string{}
		for i, n := range p.names {
			params[n] = m[i+2]
		}
		best, bestLit = &Refusal{Code: code, Reason: p.reason, Field: m[1], Params: params}, p.literal
	}
	if best == nil {
		return &Refusal{Code: code, Reason: "invalid", Params: map[string]string{"detail": msg}}
	}
	return best
}
