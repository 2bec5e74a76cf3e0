package module

import (
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Search is what a clerk typed in a list's search box, matched against a
// record's own text (references, numbers, names typed by users), its
// parties (by id, or by their Chinese or English name, read once each from
// the identity module) and its statuses (by value, or by the names the
// pages give them). Latin text matches regardless of case.
type Search struct {
	q     string
	r     Getter
	orgs  map[string]bool
	Label func(enum, value string) []string // the names of an enum value for people; nil: none
}

// NewSearch returns the search for q in the state r, which resolves the
// names of organisations.
func NewSearch(r Getter, q string) *Search {
	return &Search{q: strings.ToLower(strings.TrimSpace(q)), r: r, orgs: map[string]bool{}}
}

// Empty reports whether there is nothing to look for: every record
// matches.
func (s *Search) Empty() bool { return s == nil || s.q == "" }

// Query is what is looked for, trimmed and in lower case ("" for a nil
// search).
func (s *Search) Query() string {
	if s == nil {
		return ""
	}
	return s.q
}

// Text reports whether one of fields contains the query.
func (s *Search) Text(fields ...string) bool {
	if s.Empty() {
		return true
	}
	for _, f := range fields {
		if f != "" && strings.Contains(strings.ToLower(f), s.q) {
			return true
		}
	}
	return false
}

// Org reports whether one of the organisations ids, by its id or its
// name in either language, contains the query.
func (s *Search) Org(ids ...string) bool {
	if s.Empty() {
		return true
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		m, ok := s.orgs[id]
		if !ok {
			m = s.Text(id)
			if !m {
				if o, found, err := Org(s.r, id); err == nil && found {
					m = s.Text(o.Name, o.NameEN)
				}
			}
			s.orgs[id] = m
		}
		if m {
			return true
		}
	}
	return false
}

// Enum reports whether the value of the set enum ("<module>.<set>"), or
// one of its names for people, contains the query.
func (s *Search) Enum(enum, value string) bool {
	if s.Empty() {
		return true
	}
	if s.Text(value) {
		return true
	}
	return s.Label != nil && s.Text(s.Label(enum, value)...)
}

// Scan pages through the entries under prefix in key order: it starts
// after the entry prefix+after (at the first when after is ""), and takes
// what pick makes of each entry (its key past prefix and its value; nil
// skips it) until it has limit of them and one more would be taken; next
// is then the cursor of the following page (the last taken entry's key
// past prefix), "" on the last page. A cursor that valid refuses (or with
// bytes no key has) is an errcode.BadRequest error.
func Scan[T any](r Reader, prefix []byte, after string, limit int, valid func(string) bool, pick func(rest string, v []byte) (*T, error)) (items []T, next string, err error) {
	if after != "" && (!cursorChars(after) || valid != nil && !valid(after)) {
		return nil, "", BadCursor(after)
	}
	if limit <= 0 {
		limit = 1
	}
	var start []byte
	if after != "" {
		start = append(append(append([]byte{}, prefix...), after...), 0)
	}
	last := ""
	var perr error
	err = r.Iterate(prefix, start, func(k, v []byte) bool {
		rest := string(k[len(prefix):])
		x, err := pick(rest, v)
		if err != nil {
			perr = err
			return false
		}
		if x == nil {
			return true
		}
		if len(items) == limit {
			next = last
			return false
		}
		items, last = append(items, *x), rest
		return true
	})
	if err == nil {
		err = perr
	}
	return items, next, err
}

// BadCursor is the error of a cursor that does not belong to a list: a
// bad_request, which pages say in their language (CursorError).
func BadCursor(after string) error {
	return &CursorError{err: errcode.New(errcode.BadRequest, "after: %q is not a cursor of this list; open the list's first page again", truncate(after, 40))}
}

// CursorError is a list cursor that does not belong to the list (a page
// link edited by hand, or taken from another list or chain).
type CursorError struct{ err error }

func (e *CursorError) Error() string { return e.err.Error() }
func (e *CursorError) Unwrap() error { return e.err }

func cursorChars(s string) bool {
	if len(s) > 200 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
