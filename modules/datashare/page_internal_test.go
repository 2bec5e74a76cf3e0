package datashare

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// sortedKV is a Reader over a few keys, for page alone.
type sortedKV map[string]string

func (m sortedKV) Get(k []byte) ([]byte, error) {
	if v, ok := m[string(k)]; ok {
		return []byte(v), nil
	}
	return nil, nil
}

func (m sortedKV) Iterate(prefix, start []byte, fn func(k, v []byte) bool) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, string(prefix)) || bytes.Compare([]byte(k), start) < 0 {
			continue
		}
		if !fn([]byte(k), []byte(m[k])) {
			break
		}
	}
	return nil
}

// A next page is offered only when a further entry is kept: entries the
// filter drops after a full page do not make an empty next page.
func TestPageOffersOnlyNonEmptyNextPages(t *testing.T) {
	const n = datashareapi.MaxPage
	for _, c := range []struct {
		name      string
		total     int
		keep      func(i int) bool
		wantPages []int // items per page
	}{
		{"exactly one page", n, func(int) bool { return true }, []int{n}},
		{"one more than a page", n + 1, func(int) bool { return true }, []int{n, 1}},
		{"a full page, then only dropped entries", n + 30, func(i int) bool { return i < n }, []int{n}},
		{"kept entries spread out", 3*n + 7, func(i int) bool { return i%3 == 0 }, []int{n, 3}},
		{"nothing kept", 20, func(int) bool { return false }, []int{0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sortedKV{}
			for i := range c.total {
				r[fmt.Sprintf("x/%04d", i)] = fmt.Sprint(i)
			}
			var got []int
			seen := map[string]bool{}
			after := ""
			for range 10 {
				var items []string
				next, err := page(r, []byte("x/"), after, func(s string, v []byte) (bool, error) {
					var i int
					fmt.Sscan(string(v), &i)
					if !c.keep(i) {
						return false, nil
					}
					items = append(items, s)
					return true, nil
				})
				if err != nil {
					t.Fatal(err)
				}
				items = trim(items)
				for _, s := range items {
					if seen[s] {
						t.Fatalf("%s on two pages", s)
					}
					seen[s] = true
				}
				got = append(got, len(items))
				if next == "" {
					break
				}
				if next != items[len(items)-1] {
					t.Fatalf("next %q, last item %q", next, items[len(items)-1])
				}
				after = next
			}
			if !slices.Equal(got, c.wantPages) {
				t.Fatalf("pages of %v, want %v", got, c.wantPages)
			}
		})
	}
}
