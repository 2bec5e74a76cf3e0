package module

import (
	"slices"
	"strings"
)

// Search is what a clerk typed in a list's search box: it matches a
// record when any of its texts contains it, ignoring case (Latin text),
// or when it names one of the record's organisations by id or by name
// in either language. Modules give the display names of their enum
// values (statuses in Chinese and English) through Labels so that
// "已结清" and "settled" find the same records.
type Search struct {
	text   string
	r      Getter
	labels func(value string) []string
	orgs   map[string]bool // org id -> whether its id or a name matches
}

// MaxSearch bounds the search text a list accepts, in runes; longer text
// is cut.
const MaxSearch = 100

// NewSearch prepares text (trimmed; empty matches everything) for
// matching records read from r; labels, when not nil, gives the display
// names of an enum value.
func NewSearch(r Getter, text string, labels func(value string) []string) *Search {
	text = strings.TrimSpace(text)
	if rs := []rune(text); len(rs) > MaxSearch {
		text = string(rs[:MaxSearch])
	}
	return &Search{text: strings.ToLower(text), r: r, labels: labels, orgs: map[string]bool{}}
}

// Empty reports whether the search matches everything.
func (s *Search) Empty() bool { return s == nil || s.text == "" }

// Text reports whether any of texts contains the search.
func (s *Search) Text(texts ...string) bool {
	if s.Empty() {
		return true
	}
	return slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(strings.ToLower(t), s.text) })
}

// Enum reports whether any of values, or one of its display names,
// contains the search.
func (s *Search) Enum(values ...string) bool {
	if s.Empty() {
		return true
	}
	for _, v := range values {
		if s.Text(v) || (s.labels != nil && s.Text(s.labels(v)...)) {
			return true
		}
	}
	return false
}

// Org reports whether the search names one of the organisations ids, by
// id or by its Chinese or English name.
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
			if !m && s.r != nil {
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

// PageDesc pages through ids (sorted ascending, without repeats) from
// the last: at most limit of those before after (all of them when after
// is "") that keep accepts, and the cursor of the following page ("" on
// the last). The cursor is the last id of a page, so a page does not
// shift when records are added after it was read.
func PageDesc(ids []string, after string, limit int, keep func(id string) (bool, error)) (page []string, next string, err error) {
	end := len(ids)
	if after != "" {
		end, _ = slices.BinarySearch(ids, after)
	}
	for i := end - 1; i >= 0; i-- {
		ok, err := keep(ids[i])
		if err != nil {
			return nil, "", err
		}
		if !ok {
			continue
		}
		if len(page) == limit {
			return page, page[len(page)-1], nil
		}
		page = append(page, ids[i])
	}
	return page, "", nil
}

// ListUnder lists the last key segment under each of prefixes (index
// entries <prefix><id>), sorted, without repeats: the ids an
// organisation's indexes name.
func ListUnder(r Reader, prefixes ...[]byte) ([]string, error) {
	var out []string
	for _, p := range prefixes {
		ids, err := List(r, p)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
