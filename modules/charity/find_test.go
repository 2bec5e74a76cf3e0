package charity_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

func labels(_, v string) []string {
	return map[string][]string{"open": {"执行中", "open"}, "filed": {"待批准", "awaiting approval"}, "closed": {"已结项", "closed"},
		"pending": {"待签收", "awaiting signature"}, "not_needed": {"无需签收", "no signature needed"}, "general": {"非限定性资金", "General fund"}}[v]
}

func TestOwnProjectsAndPaidToSearchAndPage(t *testing.T) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	register(t, c, "cty", 2, true)
	var open []string
	for i := range 5 {
		open = append(open, project(t, c, "fdn", fmt.Sprintf("BA-%d", i)))
	}
	filed := id(do(t, c, "fdn", "file_project", charityapi.ProjectBody{Title: "Rural Library 图书角", Summary: "s", StartDate: "2026-03-01", EndDate: "2026-12-31", Lines: lines()}, errcode.OK))
	other := project(t, c, "cty", "BA-9")
	donate(t, c, "bank", open[0], "", 1_000_000)
	donate(t, c, "bank", other, "", 1_000_000)
	var fromFdn, fromCty []string
	for i := range 4 {
		fromFdn = append(fromFdn, id(do(t, c, "fdn", "disburse", charityapi.DisburseBody{Project: open[0], Line: "admin", AmountFen: int64(100 + i), Payee: "shop",
			Purpose: fmt.Sprintf("文具 %d", i), InvoiceSHA256: sha(fmt.Sprintf("inv %d", i))}, errcode.OK)))
	}
	for i := range 3 {
		fromCty = append(fromCty, id(do(t, c, "cty", "disburse", charityapi.DisburseBody{Project: other, Line: "supplies", AmountFen: int64(200 + i), Payee: "shop", Beneficiary: "school",
			Purpose: fmt.Sprintf("Books %d", i), InvoiceSHA256: sha(fmt.Sprintf("cty inv %d", i))}, errcode.OK)))
	}
	v := c.View()
	desc := func(ids ...[]string) []string {
		out := slices.Concat(ids...)
		slices.Sort(out)
		slices.Reverse(out)
		return out
	}
	projects := func(q string, limit int) []string {
		var out []string
		after := ""
		for range 50 {
			items, next, err := charity.OwnProjects(v, "fdn", search(v, q), after, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range items {
				out = append(out, p.ID)
			}
			if next == "" {
				return out
			}
			if len(items) != limit {
				t.Fatalf("a page of %d before the last", len(items))
			}
			after = next
		}
		t.Fatal("paging does not end")
		return nil
	}
	gf := charityapi.GeneralFund("fdn")
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"", desc(open, []string{filed, gf})},
		{"待批准", []string{filed}},
		{"rural LIBRARY", []string{filed}},
		{"ba-3", []string{open[3]}},
		{"执行中", desc(open, []string{gf})},
		{"非限定性", []string{gf}},
		{"xyz", nil},
	} {
		for _, limit := range []int{1, 2, 20} {
			if got := projects(c.q, limit); !slices.Equal(got, c.want) {
				t.Errorf("projects %q, limit %d: %v, want %v", c.q, limit, got, c.want)
			}
		}
	}
	paid := func(q string, limit int) []string {
		var out []string
		after := ""
		for range 50 {
			items, next, err := charity.PaidTo(v, "shop", search(v, q), after, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range items {
				out = append(out, d.Disbursement.ID)
			}
			if next == "" {
				return out
			}
			after = next
		}
		t.Fatal("paging does not end")
		return nil
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"", desc(fromFdn, fromCty)},
		{"测试机构 cty", desc(fromCty)},
		{"TEST ORG FDN", desc(fromFdn)},
		{"待签收", desc(fromCty)},
		{"books 1", []string{fromCty[1]}},
		{"BA-9", desc(fromCty)}, // the project's filing number
		{"xyz", nil},
	} {
		for _, limit := range []int{1, 3, 20} {
			if got := paid(c.q, limit); !slices.Equal(got, c.want) {
				t.Errorf("paid %q, limit %d: %v, want %v", c.q, limit, got, c.want)
			}
		}
	}
	for name, call := range map[string]func() error{
		"projects, garbage cursor": func() error { _, _, err := charity.OwnProjects(v, "fdn", nil, "garbage", 5); return err },
		"paid, project cursor":     func() error { _, _, err := charity.PaidTo(v, "shop", nil, open[0], 5); return err },
		"paid, limit":              func() error { _, _, err := charity.PaidTo(v, "shop", nil, "", charity.FindMaxPage+1); return err },
		"list, garbage cursor": func() error {
			_, err := charity.ListProjects(v, "", "", nil, "'; --", 0)
			return err
		},
	} {
		if err := call(); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("%s: %v, want bad_request", name, err)
		}
	}
	// The API's list: in id order, searched.
	pg, err := charity.ListProjects(v, "", "", search(v, "rural library"), "", 0)
	if err != nil || len(pg.Items) != 1 || pg.Items[0].ID != filed {
		t.Fatalf("list searched: %+v, %v", pg, err)
	}
}

// search is the list search for q with the names of labels.
func search(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	s.Label = labels
	return s
}

// TestRecentDonationsNewestFirst: a project's donations page newest first
// through every one of them, each exactly once, pages of PageSize; a
// cursor that is not one of the list's is a bad request.
func TestRecentDonationsNewestFirst(t *testing.T) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	p := project(t, c, "fdn", "RD-1")
	const n = 2*charity.PageSize + 6
	var want []string
	for i := range n {
		want = append(want, donate(t, c, "bank", p, "", int64(100+i)))
	}
	slices.Reverse(want)
	v := c.View()
	var got []string
	before, pages := "", 0
	for {
		pg, err := charity.RecentDonations(v, p, before)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range pg.Items {
			got = append(got, d.Receipt)
		}
		if pg.Next == "" {
			break
		}
		if len(pg.Items) != charity.PageSize {
			t.Fatalf("page %d has %d donations before the last", pages, len(pg.Items))
		}
		before = pg.Next
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Fatalf("%d pages, donations %v, want %v", pages, got, want)
	}
	// A page of exactly PageSize at the end has no next page.
	c2 := newChain(t)
	register(t, c2, "fdn", 1, true)
	p2 := project(t, c2, "fdn", "RD-2")
	for i := range charity.PageSize {
		donate(t, c2, "bank", p2, "", int64(100+i))
	}
	if pg, err := charity.RecentDonations(c2.View(), p2, ""); err != nil || len(pg.Items) != charity.PageSize || pg.Next != "" {
		t.Fatalf("a full single page: %v, next %q", err, pg.Next)
	}
	for _, bad := range []string{"x", "0000000000000000", fmt.Sprintf("%016x", n+2), "7b", "0x000000000000007"} {
		if _, err := charity.RecentDonations(v, p, bad); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
	if pg, err := charity.RecentDonations(v, p, ""); err != nil || pg.Items[0].Receipt != want[0] {
		t.Fatalf("the first page starts with %v (%v), want the newest %s", pg.Items[0].Receipt, err, want[0])
	}
}
