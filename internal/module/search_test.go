package module_test

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// sortedKV is a memKV that also lists its keys in order.
type sortedKV struct{ memKV }

func (s sortedKV) Iterate(prefix, start []byte, fn func(k, v []byte) bool) error {
	var keys []string
	for k := range s.memKV {
		if strings.HasPrefix(k, string(prefix)) && (start == nil || k >= string(start)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !fn([]byte(k), s.memKV[k]) {
			break
		}
	}
	return nil
}

// TestScanAndSearch: Scan answers every entry once across pages of any
// size, in key order, keeping only what pick takes and stopping at the
// range's end; a cursor the list refuses is a bad request; Search finds
// records by text and by an organisation's name in either language.
func TestScanAndSearch(t *testing.T) {
	kv := sortedKV{memKV{
		string(module.OrgKey("coop")): []byte(`{"id":"coop","name":"砀山县梨都果品专业合作社","name_en":"Dangshan Pear Growers Cooperative","active":true}`),
		string(module.OrgKey("bank")): []byte(`{"id":"bank","name":"江淮商业银行","name_en":"Jianghuai Bank","active":true}`),
		"x/other/1":                   []byte("bank"),
	}}
	var want []string
	for i := range 11 {
		k := fmt.Sprintf("%02d", i)
		party := []string{"coop", "bank"}[i%2]
		kv.memKV["x/list/"+k] = []byte(party)
		want = append(want, k)
	}
	read := func(t *testing.T, q string, limit int) []string {
		t.Helper()
		s := module.NewSearch(kv, q)
		var got []string
		after := ""
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("paging does not end")
			}
			items, next, err := module.Scan(kv, []byte("x/list/"), after, limit, func(c string) bool { return len(c) == 2 }, func(rest string, v []byte) (*string, error) {
				if !s.Text(rest) && !s.Org(string(v)) {
					return nil, nil
				}
				return &rest, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if next != "" && len(items) != limit {
				t.Fatalf("a page of %d before the last, limit %d", len(items), limit)
			}
			got = append(got, items...)
			if next == "" {
				return got
			}
			after = next
		}
	}
	evens := []string{"00", "02", "04", "06", "08", "10"}
	for _, c := range []struct {
		q     string
		limit int
		want  []string
	}{
		{"", 1, want}, {"", 3, want}, {"", 11, want}, {"", 50, want},
		{"梨都", 2, evens}, {"PEAR growers", 4, evens}, {"coop", 6, evens},
		{"jianghuai", 5, []string{"01", "03", "05", "07", "09"}},
		{"07", 1, []string{"07"}}, {"nothing", 3, nil},
	} {
		if got := read(t, c.q, c.limit); !slices.Equal(got, c.want) {
			t.Errorf("search %q in pages of %d: %v, want %v", c.q, c.limit, got, c.want)
		}
	}
	for _, after := range []string{"x", "0 ", "../other/1", "\x00\x01", strings.Repeat("9", 300)} {
		_, _, err := module.Scan(kv, []byte("x/list/"), after, 3, func(c string) bool { return len(c) == 2 }, func(string, []byte) (*string, error) { return nil, nil })
		if errcode.Of(err) != errcode.BadRequest || !bytes.Contains([]byte(err.Error()), []byte("first page")) {
			t.Errorf("cursor %q: %v, want a bad request", after, err)
		}
	}
	if s := module.NewSearch(kv, "  "); !s.Empty() || !s.Text() || !s.Org("nobody") || !s.Enum("x.y", "z") {
		t.Error("a blank search does not match everything")
	}
	s := module.NewSearch(kv, "已登记")
	s.Label = func(enum, value string) []string {
		if enum == "x.status" && value == "registered" {
			return []string{"已登记", "Registered"}
		}
		return nil
	}
	if !s.Enum("x.status", "registered") || s.Enum("x.status", "submitted") || s.Enum("x.other", "registered") {
		t.Error("statuses by name")
	}
}
