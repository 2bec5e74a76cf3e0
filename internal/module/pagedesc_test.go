package module_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

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

func TestPageLimit(t *testing.T) {
	for _, c := range []struct {
		in, want int
		ok       bool
	}{{0, 20, true}, {1, 1, true}, {100, 100, true}, {101, 0, false}, {-1, 0, false}} {
		got, err := module.PageLimit(c.in, 20, 100)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("PageLimit(%d) = %d, %v", c.in, got, err)
		}
		if err != nil && errcode.Of(err) != errcode.BadRequest {
			t.Errorf("PageLimit(%d): %v is not a bad request", c.in, err)
		}
	}
}
