package trade_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/modules/trade"
	"github.com/dengta-chain/dengta/internal/modules/trade/tradeapi"
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
	v := c.View()
	ebls := func(t *testing.T, org, list, q string, limit int) []string {
		t.Helper()
		s := module.NewSearch(v, q)
		keep := func(e *tradeapi.EBLSummary) bool {
			return s.Text(e.Ref, e.PortOfLoading) || s.Org(e.Carrier, e.Shipper, e.Consignee, e.Controller)
		}
		var got []string
		after := ""
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("paging does not end")
			}
			items, next, err := trade.EBLPage(v, org, list, after, limit, keep)
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
		keep := func(cr *tradeapi.CreditSummary) bool {
			return s.Text(cr.No) || s.Org(cr.IssuingBank, cr.Applicant, cr.Beneficiary)
		}
		var got []string
		after := ""
		for n := 0; n < 20; n++ {
			items, next, err := trade.CreditPage(v, org, c.Time, after, limit, keep)
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
		{"controlled, pages of 3", shipper, trade.ListControlled, "", 3, refs},
		{"controlled, pages of 1", shipper, trade.ListControlled, "", 1, refs},
		{"controlled, one full page", shipper, trade.ListControlled, "", 7, refs},
		{"issued by the carrier", carrier, trade.ListIssued, "", 2, refs},
		{"nothing offered", shipper, trade.ListOffered, "", 2, nil},
		{"by the carrier's Chinese name", shipper, trade.ListControlled, "测试机构 " + carrier, 2, refs},
		{"by the shipper's English name, any case", carrier, trade.ListIssued, "TEST ORG " + shipper, 4, refs},
		{"by part of a reference", shipper, trade.ListControlled, refs[3][8:], 2, refs[3:4]},
		{"no match", shipper, trade.ListControlled, "没有这个", 2, nil},
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
	if _, _, err := trade.EBLPage(v, shipper, "everything", "", 3, nil); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("an unknown list: %v", err)
	}
}
