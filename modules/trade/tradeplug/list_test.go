package tradeplug_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
)

// The bills and credits TestListsSearchAndPage adds to the demo story.
const (
	listBills   = 22 // more than a default page
	rotterdam   = 3  // discharged at NLRTM rather than THLCH
	strawberry  = 5  // carries HS code 081010 rather than 080830
	surrendered = 7  // surrendered by the cooperative for delivery
	offeredOn   = 9  // offered by the cooperative to the supermarket
)

func listRef(i int) string { return fmt.Sprintf("WYCL2026%06d", 100000+i) }

// TestListsSearchAndPage reads the eBL, credit and customs lists over the
// API on a node with more bills than a page holds: a small limit pages
// through each list with every record exactly once in order, the default
// page is 20, ?q= finds bills and credits by reference, port, HS code,
// status (value, Chinese or English name) and party (id or name), a
// cursor or a limit that is not one is a 400 saying so, and paging leaves
// the read scopes as they are: another organisation's list is for customs
// and auditors only.
func TestListsSearchAndPage(t *testing.T) {
	m := tradeplug.Module()
	m.Demo.Roles["court"] = []role.Role{role.Auditor}
	d, home := nodetest.DevHall(t, plug.NewRegistry(m))
	base := d.GatewayURL
	key := func(org string) *client.Key { return client.KeyFrom(nodetest.AdminKey(t, home, org)) }
	as := func(org string) *client.Client {
		if org == "" {
			return client.New(base)
		}
		return client.New(base).As(key(org))
	}
	env := &plug.DemoEnv{Client: client.New(base), PublicURL: base, Logger: slog.New(slog.DiscardHandler),
		Admin: func(org string) (*client.Key, error) { return key(org), nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if err := m.Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}

	// The carrier issues the bills to the cooperative, which surrenders
	// one and offers another to the supermarket; the bank issues two more
	// credits to the food group.
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	date := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	gw := client.New(base)
	for i := 1; i <= listBills; i++ {
		b := tradeapi.IssueEBLBody{
			Ref: listRef(i), Shipper: "coop", ToOrder: true, Vessel: "WAN HAI 305", Voyage: "026S",
			PortOfLoading: tradeapi.Location{UNLocode: "CNSHA"}, PortOfDischarge: tradeapi.Location{UNLocode: "THLCH"},
			ShippedOnBoard: date(0), Freight: tradeapi.FreightPrepaid,
			Goods:      []tradeapi.Item{{Description: "Fresh Dangshan Su pears", HSCode: "080830", Packages: 100, PackageCode: "CT", GrossWeightG: 1_100_000}},
			Containers: []tradeapi.Container{{Number: "CSQU3054383", ISOType: "45R1"}},
		}
		if i == rotterdam {
			b.PortOfDischarge = tradeapi.Location{UNLocode: "NLRTM"}
		}
		if i == strawberry {
			b.Goods[0].HSCode = "081010"
		}
		if _, _, err := client.Send(ctx, gw, key("logistics"), tradeapi.IssueEBL, b); err != nil {
			t.Fatalf("issue %s: %v", b.Ref, err)
		}
	}
	if _, _, err := client.Send(ctx, gw, key("coop"), tradeapi.SurrenderEBL, tradeapi.SurrenderBody{Ref: listRef(surrendered), Purpose: tradeapi.SurrenderDelivery}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(ctx, gw, key("coop"), tradeapi.TransferEBL, tradeapi.TransferBody{Ref: listRef(offeredOn), To: "market", Endorsement: tradeapi.EndorseNamed}); err != nil {
		t.Fatal(err)
	}
	credits := []string{demoCredit, "LC-JH-2026-0002", "LC-JH-2026-0003"}
	for i, cur := range []string{"", "EUR", "CNY"} {
		if i == 0 {
			continue // the demo's
		}
		if _, _, err := client.Send(ctx, gw, key("bank"), tradeapi.IssueCredit, tradeapi.IssueCreditBody{
			No: credits[i], Applicant: "foodgroup", Beneficiary: "coop", Availability: tradeapi.AvailSight,
			Terms: tradeapi.Terms{Amount: tradeapi.Money{Currency: cur, Minor: 1_000_000}, Expiry: date(45), LatestShipment: date(30),
				PortOfLoading: "CNSHA", PortOfDischarge: "THLCH", Goods: "fresh Dangshan Su pears",
				Documents: []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice}},
		}); err != nil {
			t.Fatalf("issue credit %s: %v", credits[i], err)
		}
	}

	// Every bill, read by customs in one page, is what the lists are
	// checked against.
	all, err := client.Read(ctx, as("regulator"), tradeapi.Customs, tradeapi.CustomsParams{Limit: 100})
	if err != nil || all.Next != "" || len(all.EBLs) != listBills+2 {
		t.Fatalf("every bill: %d, next %q, %v", len(all.EBLs), all.Next, err)
	}
	height := all.Height
	listOf := func(org, in string) []string {
		var out []string
		for _, e := range all.EBLs {
			ctl, offered, issued := e.Controller == org, e.PendingTo == org, e.Carrier == org
			if in == "" && (ctl || offered || issued) || in == trade.ListControlled && ctl || in == trade.ListOffered && offered || in == trade.ListIssued && issued {
				out = append(out, e.Ref)
			}
		}
		return out
	}
	// page reads a list to its end from the API at one height, checking
	// that every page but the last is full.
	page := func(t *testing.T, c *client.Client, p tradeapi.EBLListParams) []string {
		t.Helper()
		p.Height = height
		full := p.Limit
		if full == 0 {
			full = 20
		}
		var got []string
		for n := 0; ; n++ {
			if n > listBills+2 {
				t.Fatal("paging does not end")
			}
			pg, err := client.Read(ctx, c, tradeapi.ListEBLs, p)
			if err != nil {
				t.Fatalf("%+v: %v", p, err)
			}
			if pg.Height != height {
				t.Fatalf("a page at height %d, asked for %d", pg.Height, height)
			}
			if pg.Next != "" && len(pg.Items) != full {
				t.Fatalf("a page of %d before the last, limit %d", len(pg.Items), full)
			}
			for _, e := range pg.Items {
				got = append(got, e.Ref)
			}
			if pg.Next == "" {
				return got
			}
			p.After = pg.Next
		}
	}

	t.Run("pages", func(t *testing.T) {
		for _, tc := range []struct {
			caller, org, in string
			limit           int
		}{
			{"coop", "", "", 0},
			{"coop", "", "", 3},
			{"coop", "", trade.ListControlled, 1},
			{"coop", "", trade.ListControlled, 100},
			{"logistics", "", "", 7},
			{"logistics", "", trade.ListIssued, 5},
			{"logistics", "", trade.ListControlled, 2},
			{"market", "", trade.ListOffered, 1},
			{"regulator", "coop", "", 4},
			{"court", "logistics", "", 6},
		} {
			org := tc.org
			if org == "" {
				org = tc.caller
			}
			t.Run(fmt.Sprintf("%s reads %s %q by %d", tc.caller, org, tc.in, tc.limit), func(t *testing.T) {
				got := page(t, as(tc.caller), tradeapi.EBLListParams{Org: tc.org, In: tc.in, Limit: tc.limit})
				want := listOf(org, tc.in)
				if len(want) == 0 {
					t.Fatal("the case lists nothing")
				}
				if !slices.Equal(got, want) {
					t.Fatalf("got %v\nwant %v", got, want)
				}
			})
		}
		// The cooperative holds more bills than a page: without a limit
		// a page has 20; limit=0 is refused like any size out of 1-100.
		first, err := client.Read(ctx, as("coop"), tradeapi.ListEBLs, tradeapi.EBLListParams{Height: height})
		if err != nil || len(first.Items) != 20 || first.Next != first.Items[19].Ref {
			t.Fatalf("the default page: %d items, next %q, %v", len(first.Items), first.Next, err)
		}
		var zero api.Page[tradeapi.EBLSummary]
		var ce *client.Error
		if err := as("coop").Get(ctx, fmt.Sprintf("/v1/trade/ebls?limit=0&height=%d", height), &zero); !errors.As(err, &ce) || ce.Status != http.StatusBadRequest {
			t.Fatalf("limit=0: %v; want 400", err)
		}

		// Credits, by one.
		var got []string
		p := tradeapi.CreditListParams{Org: "foodgroup", Limit: 1, Height: height}
		for n := 0; n < 10; n++ {
			pg, err := client.Read(ctx, as("regulator"), tradeapi.ListCredits, p)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, creditNos(pg)...)
			if pg.Next == "" {
				break
			}
			p.After = pg.Next
		}
		if !slices.Equal(got, credits) {
			t.Fatalf("the food group's credits by one: %v, want %v", got, credits)
		}

		// Customs by five: every bill once, the totals the same on every
		// page.
		var refs []string
		cp := tradeapi.CustomsParams{Limit: 5, Height: height}
		for n := 0; ; n++ {
			if n > 10 {
				t.Fatal("paging does not end")
			}
			pg, err := client.Read(ctx, as("court"), tradeapi.Customs, cp)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(pg.ByStatus, all.ByStatus) || !slices.Equal(pg.Credits, all.Credits) {
				t.Fatalf("totals of a page: %v %v, want %v %v", pg.ByStatus, pg.Credits, all.ByStatus, all.Credits)
			}
			refs = append(refs, refsOf(pg.EBLs)...)
			if pg.Next == "" {
				break
			}
			cp.After = pg.Next
		}
		if !slices.Equal(refs, refsOf(all.EBLs)) || !slices.IsSorted(refs) {
			t.Fatalf("customs by five: %v\nwant %v", refs, refsOf(all.EBLs))
		}
		if all.ByStatus[tradeapi.EBLIssued]+all.ByStatus[tradeapi.EBLSurrendered] != listBills+2 || all.ByStatus[tradeapi.EBLSurrendered] != 1 {
			t.Fatalf("by status %v", all.ByStatus)
		}
	})

	t.Run("search", func(t *testing.T) {
		for _, tc := range []struct {
			what, caller, q string
			want            []string
		}{
			{"part of a reference", "logistics", "100004", []string{listRef(4)}},
			{"a port, any case", "coop", "nlrtm", []string{listRef(rotterdam)}},
			{"an HS code", "coop", "081010", []string{listRef(strawberry)}},
			{"a status value", "logistics", tradeapi.EBLSurrendered, []string{listRef(surrendered)}},
			{"a status's Chinese name", "logistics", "待放货", []string{listRef(surrendered)}},
			{"a status's English name, any case", "logistics", "AWAITING RELEASE", []string{listRef(surrendered)}},
			{"a party's id", "coop", "market", []string{demoEBL2, listRef(offeredOn)}},
			{"a party's Chinese name", "coop", "惠民超市", []string{demoEBL2, listRef(offeredOn)}},
			{"a party's English name, any case", "logistics", "WANBEI FOOD", []string{demoEBL}},
			{"nothing", "coop", "没有这个", nil},
		} {
			t.Run(tc.what, func(t *testing.T) {
				got := page(t, as(tc.caller), tradeapi.EBLListParams{Q: tc.q, Limit: 2})
				if !slices.Equal(got, tc.want) {
					t.Fatalf("%s searches %q: %v, want %v", tc.caller, tc.q, got, tc.want)
				}
			})
		}
		for _, tc := range []struct {
			what, q string
			want    []string
		}{
			{"a number", "2026-0002", credits[1:2]},
			{"a currency, any case", "eur", credits[1:2]},
			{"a status's Chinese name", "有效", credits},
			{"a status value, any case", "ISSUED", credits},
			{"the issuing bank's Chinese name", "江淮", credits},
			{"the beneficiary's English name", "pear growers", credits},
			{"nothing", "没有这个", nil},
		} {
			t.Run("credits by "+tc.what, func(t *testing.T) {
				pg, err := client.Read(ctx, as("foodgroup"), tradeapi.ListCredits, tradeapi.CreditListParams{Q: tc.q})
				if err != nil || !slices.Equal(creditNos(pg), tc.want) {
					t.Fatalf("search %q: %v, %v, want %v", tc.q, creditNos(pg), err, tc.want)
				}
			})
		}
		// Customs: the search narrows the bills, not the totals.
		pg, err := client.Read(ctx, as("regulator"), tradeapi.Customs, tradeapi.CustomsParams{Q: "Rotterdam nowhere"})
		if err != nil || len(pg.EBLs) != 0 || !maps.Equal(pg.ByStatus, all.ByStatus) {
			t.Fatalf("customs searching nothing: %+v, %v", pg, err)
		}
		pg, err = client.Read(ctx, as("regulator"), tradeapi.Customs, tradeapi.CustomsParams{Q: "NLRTM", Limit: 1})
		if err != nil || !slices.Equal(refsOf(pg.EBLs), []string{listRef(rotterdam)}) || pg.Next != "" || !maps.Equal(pg.ByStatus, all.ByStatus) {
			t.Fatalf("customs searching a port: %+v, %v", pg, err)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			caller, path, says string
		}{
			{"coop", "/v1/trade/ebls?after=not%20a%20ref", "not a cursor of this list"},
			{"coop", "/v1/trade/ebls?in=issued&after=x", "not a cursor of this list"},
			{"coop", "/v1/trade/ebls?in=controlled&after=..%2Flc%2FX", "not a cursor of this list"},
			{"foodgroup", "/v1/trade/credits?after=LC%20ONE", "not a cursor of this list"},
			{"regulator", "/v1/trade/customs?after=%E6%8F%90%E5%8D%95", "not a cursor of this list"},
			{"coop", "/v1/trade/ebls?in=everything", "controlled, offered or issued"},
		} {
			err := as(tc.caller).Get(ctx, tc.path, nil)
			if !isStatus(err, http.StatusBadRequest, "bad_request") || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%s reads %s: %v, want bad_request (400) saying %q", tc.caller, tc.path, err, tc.says)
			}
		}
		for _, path := range []string{"/v1/trade/ebls", "/v1/trade/credits", "/v1/trade/customs"} {
			for _, limit := range []string{"101", "-1", "1000000"} {
				err := as("regulator").Get(ctx, path+"?limit="+limit, nil)
				if !isStatus(err, http.StatusBadRequest, "bad_request") || !strings.Contains(err.Error(), "give 1 to 100") {
					t.Errorf("%s?limit=%s: %v, want bad_request (400) saying 1 to 100", path, limit, err)
				}
			}
			if err := as("regulator").Get(ctx, path+"?limit=ten", nil); !isStatus(err, http.StatusBadRequest, "bad_request") || !strings.Contains(err.Error(), "limit") {
				t.Errorf("%s?limit=ten: %v, want bad_request naming limit", path, err)
			}
		}
	})

	t.Run("scopes", func(t *testing.T) {
		// A member that is not the organisation, paging or searching,
		// is refused saying who may read; the public is not signed in.
		for _, tc := range []struct {
			caller, path string
		}{
			{"market", "/v1/trade/ebls?org=coop&limit=2"},
			{"market", "/v1/trade/ebls?org=coop&after=" + listRef(3) + "&limit=2"},
			{"logistics", "/v1/trade/ebls?org=coop&in=controlled&q=nlrtm"},
			{"coop", "/v1/trade/credits?org=foodgroup&limit=1"},
			{"bank", "/v1/trade/credits?org=foodgroup&after=" + demoCredit},
			{"coop", "/v1/trade/customs?limit=2"},
			{"logistics", "/v1/trade/customs?q=nlrtm&after=" + listRef(1)},
		} {
			err := as(tc.caller).Get(ctx, tc.path, nil)
			if !isStatus(err, http.StatusForbidden, "unauthorized") || !strings.Contains(err.Error(), "auditors") {
				t.Errorf("%s reads %s: %v, want unauthorized (403) saying who may", tc.caller, tc.path, err)
			}
			if err := as("").Get(ctx, tc.path, nil); !isStatus(err, http.StatusUnauthorized, "unauthenticated") {
				t.Errorf("the public reads %s: %v, want unauthenticated (401)", tc.path, err)
			}
		}
		// Customs and the auditor page another's list as it reads it.
		own := page(t, as("coop"), tradeapi.EBLListParams{Limit: 3})
		for _, overseer := range []string{"regulator", "court"} {
			if got := page(t, as(overseer), tradeapi.EBLListParams{Org: "coop", Limit: 3}); !slices.Equal(got, own) {
				t.Errorf("%s pages the cooperative's bills: %v, want %v", overseer, got, own)
			}
		}
	})
}

func refsOf(l []tradeapi.EBLSummary) []string {
	out := []string{}
	for _, e := range l {
		out = append(out, e.Ref)
	}
	return out
}

func creditNos(p *api.Page[tradeapi.CreditSummary]) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, c := range p.Items {
		out = append(out, c.No)
	}
	return out
}
