package trade_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// TestDeskPages: the trade desk's lists page in key order with every
// record once, whatever the page size, and a search by a party's Chinese
// or English name narrows them across pages; a cursor that is not a
// reference is a bad request.
func TestDeskPages(t *testing.T) {
	c := newChain(t)
	var refs, nos []string
	for i := range 7 {
		r := fmt.Sprintf("WYCL2026%06d", 7-i) // issued out of key order
		issue(t, c, r)
		refs = append(refs, r)
	}
	for i := range 5 {
		no := fmt.Sprintf("LC-JH-2026-%04d", 5-i)
		do(t, c, issuing, "issue_credit", creditBody(no), errcode.OK)
		nos = append(nos, no)
	}
	slices.Sort(refs)
	slices.Sort(nos)
	// One bill goes back to the carrier (it is then in two of the
	// carrier's lists), one is offered to the importer.
	do(t, c, shipper, "surrender_ebl", tradeapi.SurrenderBody{Ref: refs[2], Purpose: tradeapi.SurrenderDelivery}, errcode.OK)
	do(t, c, shipper, "transfer_ebl", transfer(refs[4], importer, tradeapi.EndorseNamed), errcode.OK)
	notSurrendered := slices.Concat(refs[:2], refs[3:])
	v := c.View()
	ebls := func(t *testing.T, org, list, q string, limit int) []string {
		t.Helper()
		s := module.NewSearch(v, q)
		var got []string
		after := ""
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("paging does not end")
			}
			items, next, err := trade.EBLPage(v, org, list, after, limit, s)
			if err != nil {
				t.Fatal(err)
			}
			if next != "" && len(items) != limit {
				t.Fatalf("a page of %d before the last, limit %d", len(items), limit)
			}
			for _, e := range items {
				got = append(got, e.Ref)
			}
			if next == "" {
				return got
			}
			after = next
		}
	}
	credits := func(t *testing.T, org, q string, limit int) []string {
		t.Helper()
		s := module.NewSearch(v, q)
		var got []string
		after := ""
		for n := 0; n < 20; n++ {
			items, next, err := trade.CreditPage(v, org, c.Time, after, limit, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, cr := range items {
				got = append(got, cr.No)
			}
			if next == "" {
				return got
			}
			after = next
		}
		t.Fatal("paging does not end")
		return nil
	}
	for _, tc := range []struct {
		name, org, list, q string
		limit              int
		want               []string
	}{
		{"controlled, pages of 3", shipper, trade.ListControlled, "", 3, notSurrendered},
		{"controlled, pages of 1", shipper, trade.ListControlled, "", 1, notSurrendered},
		{"controlled, one full page", shipper, trade.ListControlled, "", 6, notSurrendered},
		{"issued by the carrier", carrier, trade.ListIssued, "", 2, refs},
		{"controlled by the carrier", carrier, trade.ListControlled, "", 2, refs[2:3]},
		{"nothing offered", shipper, trade.ListOffered, "", 2, nil},
		{"offered to the importer", importer, trade.ListOffered, "", 2, refs[4:5]},
		{"by the carrier's Chinese name", shipper, trade.ListControlled, "测试机构 " + carrier, 2, notSurrendered},
		{"by the shipper's English name, any case", carrier, trade.ListIssued, "TEST ORG " + shipper, 4, refs},
		{"by part of a reference", shipper, trade.ListControlled, refs[3][8:], 2, refs[3:4]},
		{"by a port", carrier, trade.ListIssued, "cnsha", 3, refs},
		{"by a status value", carrier, trade.ListIssued, tradeapi.EBLSurrendered, 3, refs[2:3]},
		{"by the receiver of an offer", shipper, trade.ListControlled, importer, 3, refs[4:5]},
		{"no match", shipper, trade.ListControlled, "没有这个", 2, nil},
		// Every list at once: each bill once, in reference order, the
		// pages' seams anywhere.
		{"all of the carrier's, pages of 1", carrier, trade.ListAll, "", 1, refs},
		{"all of the carrier's, pages of 2", carrier, trade.ListAll, "", 2, refs},
		{"all of the carrier's, pages of 3", carrier, trade.ListAll, "", 3, refs},
		{"all of the carrier's, one full page", carrier, trade.ListAll, "", 7, refs},
		{"all of the carrier's, one page too many", carrier, trade.ListAll, "", 8, refs},
		{"all of the carrier's, searched", carrier, trade.ListAll, tradeapi.EBLSurrendered, 1, refs[2:3]},
		{"all of the shipper's", shipper, trade.ListAll, "", 4, notSurrendered},
		{"all of the importer's", importer, trade.ListAll, "", 4, refs[4:5]},
		{"all of another trader's", other, trade.ListAll, "", 4, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ebls(t, tc.org, tc.list, tc.q, tc.limit); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, org, q string
		limit        int
		want         []string
	}{
		{"credits of the applicant, pages of 2", importer, "", 2, nos},
		{"credits of the advising bank, pages of 4", advising, "", 4, nos},
		{"by the issuing bank's English name", shipper, "test org " + issuing, 3, nos},
		{"by a number", importer, nos[2], 1, nos[2:3]},
		{"none for another trader", other, "", 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := credits(t, tc.org, tc.q, tc.limit); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
	for _, after := range []string{"not a ref!", "../lc/x", "a"} {
		if _, _, err := trade.EBLPage(v, shipper, trade.ListControlled, after, 3, nil); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("eBLs after %q: %v, want bad_request", after, err)
		}
		if _, _, err := trade.CreditPage(v, importer, c.Time, after, 3, nil); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("credits after %q: %v, want bad_request", after, err)
		}
	}
	if _, _, err := trade.EBLPage(v, shipper, trade.ListAll, "not a ref!", 3, nil); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("all eBLs after a bad cursor: %v, want bad_request", err)
	}
	if _, _, err := trade.EBLPage(v, shipper, "everything", "", 3, nil); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("an unknown list: %v", err)
	}
}

// TestCustomsPages: the customs view pages through every bill once in
// reference order, and its totals cover every bill the port keeps and
// every credit, whatever the search and the page.
func TestCustomsPages(t *testing.T) {
	c := newChain(t)
	var refs []string
	for i := range 5 {
		r := fmt.Sprintf("WYCL2026%06d", 5-i)
		issue(t, c, r)
		refs = append(refs, r)
	}
	slices.Sort(refs)
	do(t, c, shipper, "surrender_ebl", tradeapi.SurrenderBody{Ref: refs[1], Purpose: tradeapi.SurrenderDelivery}, errcode.OK)
	do(t, c, issuing, "issue_credit", creditBody("LC-JH-2026-0001"), errcode.OK)
	do(t, c, issuing, "issue_credit", creditBody("LC-JH-2026-0002"), errcode.OK)
	v := c.View()
	wantStatus := map[string]int{tradeapi.EBLIssued: 4, tradeapi.EBLSurrendered: 1}
	for _, tc := range []struct {
		name, port, q string
		limit         int
		want          []string
		byStatus      map[string]int
	}{
		{"pages of 2", "", "", 2, refs, wantStatus},
		{"pages of 1", "", "", 1, refs, wantStatus},
		{"one full page", "", "", 5, refs, wantStatus},
		{"limit 0: every bill", "", "", 0, refs, wantStatus},
		{"at the port of discharge", "THLCH", "", 3, refs, wantStatus},
		{"searched: the totals stay", "", tradeapi.EBLSurrendered, 1, refs[1:2], wantStatus},
		{"another port", "NLRTM", "", 2, nil, map[string]int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			after := ""
			for n := 0; ; n++ {
				if n > 10 {
					t.Fatal("paging does not end")
				}
				cv, err := trade.CustomsOverview(v, tc.port, module.NewSearch(v, tc.q), after, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if cv.Next != "" && len(cv.EBLs) != tc.limit {
					t.Fatalf("a page of %d before the last, limit %d", len(cv.EBLs), tc.limit)
				}
				if !maps.Equal(cv.ByStatus, tc.byStatus) {
					t.Fatalf("by status %v, want %v", cv.ByStatus, tc.byStatus)
				}
				if len(cv.Credits) != 1 || cv.Credits[0].Credits != 2 {
					t.Fatalf("credit totals %+v, want the two credits", cv.Credits)
				}
				for _, e := range cv.EBLs {
					got = append(got, e.Ref)
				}
				if cv.Next == "" {
					break
				}
				after = cv.Next
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
	for _, after := range []string{"not a ref!", "a", "../ebl/x"} {
		if _, err := trade.CustomsOverview(v, "", nil, after, 2); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("customs after %q: %v, want bad_request", after, err)
		}
	}
}
