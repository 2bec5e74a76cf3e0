package module_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/module"
)

func TestSearch(t *testing.T) {
	kv := memKV{
		string(module.OrgKey("coop")): []byte(`{"id":"coop","name":"砀山县梨都果品专业合作社","name_en":"Dangshan Pear Growers Cooperative","active":true}`),
		string(module.OrgKey("bank")): []byte(`{"id":"bank","name":"江淮商业银行","name_en":"Jianghuai Commercial Bank","active":true}`),
	}
	labels := func(v string) []string { return map[string][]string{"overdue": {"已逾期", "Overdue"}}[v] }
	for _, c := range []struct {
		q               string
		text, enum, org bool
		textOf, enumOf  string
		orgs            []string
	}{
		{q: "", text: true, enum: true, org: true, textOf: "x", enumOf: "active", orgs: []string{"bank"}},
		{q: "  rc2026 ", text: true, textOf: "RC20260101-AB", enumOf: "active", orgs: []string{"coop"}},
		{q: "梨都", org: true, textOf: "RC20260101-AB", enumOf: "active", orgs: []string{"bank", "coop"}},
		{q: "PEAR growers", org: true, textOf: "x", enumOf: "active", orgs: []string{"coop"}},
		{q: "pear", textOf: "x", enumOf: "active", orgs: []string{"bank", "nobody"}},
		{q: "逾期", enum: true, textOf: "x", enumOf: "overdue", orgs: []string{"bank"}},
		{q: "OVERDUE", enum: true, textOf: "x", enumOf: "overdue", orgs: []string{"bank"}},
		{q: "coo", org: true, textOf: "x", enumOf: "active", orgs: []string{"coop"}}, // by id
	} {
		s := module.NewSearch(kv, c.q, labels)
		if got := s.Text(c.textOf); got != c.text {
			t.Errorf("%q Text(%q) = %v", c.q, c.textOf, got)
		}
		if got := s.Enum(c.enumOf); got != c.enum {
			t.Errorf("%q Enum(%q) = %v", c.q, c.enumOf, got)
		}
		for range 2 { // the second time from the cache
			if got := s.Org(c.orgs...); got != c.org {
				t.Errorf("%q Org(%v) = %v", c.q, c.orgs, got)
			}
		}
	}
	var nilSearch *module.Search
	if !nilSearch.Empty() || !nilSearch.Text("x") || !nilSearch.Org("x") || !nilSearch.Enum("x") {
		t.Error("a nil search does not match everything")
	}
}

func TestPageDesc(t *testing.T) {
	var ids []string
	for i := range 23 {
		ids = append(ids, fmt.Sprintf("ID%02d", i))
	}
	even := func(id string) (bool, error) { return (id[3]-'0')%2 == 0, nil }
	all := func(string) (bool, error) { return true, nil }
	for _, c := range []struct {
		name string
		keep func(string) (bool, error)
		want int
	}{{"all", all, 23}, {"even", even, 12}} {
		for _, limit := range []int{1, 2, 5, 12, 23, 50} {
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				page, next, err := module.PageDesc(ids, after, limit, c.keep)
				if err != nil || pages > 30 {
					t.Fatal(err, pages)
				}
				got = append(got, page...)
				if next == "" {
					break
				}
				if len(page) != limit || next != page[len(page)-1] {
					t.Fatalf("%s/%d: page %v, next %q", c.name, limit, page, next)
				}
				after = next
			}
			if len(got) != c.want || !slices.IsSortedFunc(got, func(a, b string) int { return -compare(a, b) }) || len(slices.Compact(slices.Clone(got))) != c.want {
				t.Errorf("%s/%d: %v", c.name, limit, got)
			}
		}
	}
	// A cursor no longer (or never) listed starts where it would sort.
	if page, _, _ := module.PageDesc(ids, "ID05x", 2, all); !slices.Equal(page, []string{"ID05", "ID04"}) {
		t.Errorf("after an absent id: %v", page)
	}
	boom := errors.New("boom")
	if _, _, err := module.PageDesc(ids, "", 5, func(string) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("keep's error: %v", err)
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
