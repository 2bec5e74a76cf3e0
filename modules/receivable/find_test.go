package receivable_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// labels names statuses as the hall does, for the tests.
func labels(_, v string) []string {
	return map[string][]string{"pending_acceptance": {"待签收", "Waiting for acceptance"}, "active": {"持有中", "Active"}}[v]
}

// findAll pages through Find with limit until the last page, checking
// every page but the last is full.
func findAll(t *testing.T, f *fx, org, in, q string, limit int) []string {
	t.Helper()
	v := f.c.View()
	var out []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		items, next, err := receivable.Find(v, org, in, search(v, q), after, limit, today(f.c))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range items {
			out = append(out, h.ID)
		}
		if next == "" {
			return out
		}
		if len(items) != limit {
			t.Fatalf("a page of %d before the last, want %d", len(items), limit)
		}
		if next != items[len(items)-1].ID {
			t.Fatalf("next %s is not the page's last id", next)
		}
		after = next
	}
}

func TestFindPagesAndSearches(t *testing.T) {
	f := newFx(t)
	var toA, toB []string
	for i := range 7 {
		toA = append(toA, f.active(supA, int64(i+1)*wan, 30))
		toB = append(toB, f.active(supB, int64(i+1)*wan, 30))
	}
	pending := f.issue(supA, 3*wan, 30)
	all := slices.Concat(toA, toB, []string{pending})
	desc := func(ids []string) []string {
		out := slices.Clone(ids)
		slices.Sort(out)
		slices.Reverse(out)
		return out
	}
	cases := []struct {
		name, org, in, q string
		want             []string
	}{
		{"everything the obligor issued", core, receivable.InIssued, "", all},
		{"obligor, every list", core, "", "", all},
		{"what a supplier holds", supA, receivable.InHeld, "", toA},
		{"a supplier's incoming", supA, receivable.InIncoming, "", []string{pending}},
		{"a supplier, every list", supA, "", "", append(slices.Clone(toA), pending)},
		{"overseer, everything", "", "", "", all},
		{"holder's name in Chinese", core, receivable.InIssued, "测试机构 sup-b", toB},
		{"holder's name in English, any case", core, "", "TEST ORG SUP-B", toB},
		{"obligor's name from the holder", supB, "", "test org core", toB},
		{"status name in Chinese", core, "", "待签收", []string{pending}},
		{"status value", "", "", "pending_acceptance", []string{pending}},
		{"receivable id, lower case", supA, "", toA[3][len(toA[3])-8:], []string{toA[3]}},
		{"contract number, lower case", "", "", "ht-2026-fx-13", []string{toA[6]}},
		{"nothing matches", core, "", "xyz-nothing", nil},
		{"someone else's: not listed", supC, "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, limit := range []int{1, 4, 20} {
				got := findAll(t, f, c.org, c.in, c.q, limit)
				if !slices.Equal(got, desc(c.want)) {
					t.Fatalf("limit %d: got %v\nwant %v", limit, got, desc(c.want))
				}
			}
		})
	}
}

func TestFindRefusesBadInput(t *testing.T) {
	f := newFx(t)
	f.active(supA, wan, 30)
	v := f.c.View()
	for name, call := range map[string]func() error{
		"garbage cursor": func() error {
			_, _, err := receivable.Find(v, supA, "", nil, "'; drop", 5, today(f.c))
			return err
		},
		"unknown list": func() error {
			_, _, err := receivable.Find(v, supA, "owed", nil, "", 5, today(f.c))
			return err
		},
		"list without organisation": func() error {
			_, _, err := receivable.Find(v, "", receivable.InHeld, nil, "", 5, today(f.c))
			return err
		},
		"bad organisation": func() error {
			_, _, err := receivable.Find(v, "SUP A", "", nil, "", 5, today(f.c))
			return err
		},
		"limit too large": func() error {
			_, err := receivable.FindLimit(receivable.FindMaxPage + 1)
			return err
		},
		"negative limit": func() error {
			_, err := receivable.FindLimit(-1)
			return err
		},
	} {
		if err := call(); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("%s: %v, want bad_request", name, err)
		}
	}
	// A well-formed cursor past every record is an empty last page.
	items, next, err := receivable.Find(v, supA, "", nil, "RC20000101-00000000000000000000", 5, today(f.c))
	if err != nil || len(items) != 0 || next != "" {
		t.Fatalf("cursor before every id: %v %q %v", items, next, err)
	}
}

// search is the list search for q with the names of labels.
func search(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	s.Label = labels
	return s
}

// TestFindByIDForFormerParties: the creditor that split a receivable,
// passed a part on and had the bank finance the part it kept holds
// nothing any more, and its lists are empty; looking the receivable up
// by its id still finds it, as for every organisation on its lineage,
// and for no other.
func TestFindByIDForFormerParties(t *testing.T) {
	f := newFx(t)
	root := f.active(supA, 100*wan, 30)
	kids := f.split(supA, root, part{supB, 30 * wan})
	do(t, f.c, supB, "accept", idBody(kids[0]), errcode.OK)
	kept := kids[1]
	do(t, f.c, supA, "request_financing", financeOf(kept, bankA, 400, 100*yuan, false), errcode.OK)
	do(t, f.c, bankA, "approve_financing", idBody(kept), errcode.OK)
	if got := findAll(t, f, supA, "", "", 20); len(got) != 0 {
		t.Fatalf("the former creditor's lists: %v", got)
	}
	for _, c := range []struct {
		org, q string
		want   []string
	}{
		{supA, root, []string{root}},
		{supA, strings.ToLower(kept), []string{kept}},
		{supB, root, []string{kids[0]}}, // the part it holds, whose page shows the tree
		{supC, root, nil},
		{supA, root[:len(root)-2], nil}, // not an id: only the lists are searched
	} {
		for _, limit := range []int{1, 20} {
			v := f.c.View()
			items, _, err := receivable.Find(v, c.org, "", search(v, c.q), "", limit, today(f.c))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range items {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("%s looking for %s (limit %d): %v, want %v", c.org, c.q, limit, got, c.want)
			}
		}
	}
	// In a named list only what the list holds.
	v := f.c.View()
	if items, _, err := receivable.Find(v, supA, receivable.InHeld, search(v, root), "", 20, today(f.c)); err != nil || len(items) != 0 {
		t.Fatalf("supA's held list, searching the root: %v %v", items, err)
	}
}
