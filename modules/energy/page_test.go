package energy_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// TestOrdersPage: a participant's orders page newest first with every
// order once, and a search finds them by interval as people write it, by
// the zone's name, and by the names of sides and statuses; a cursor that
// is not one of the list's is a bad request.
func TestOrdersPage(t *testing.T) {
	c := newChain(t)
	market(t, c)
	at(c, cst(8, 30))
	var placed []string // in placement order
	for _, iv := range []string{"202603010900", "202603010915", "202603010930", "202603010945", "202603011000", "202603011015"} {
		placed = append(placed, id(do(t, c, "pv1", "place_order", energyapi.OrderBody{Zone: zone, Interval: iv, Side: energyapi.Sell, QuantityWh: 1_000, PriceFen: 40}, errcode.OK)))
	}
	buy := id(do(t, c, "pv1", "place_order", energyapi.OrderBody{Zone: zone, Interval: "202603011030", Side: energyapi.Buy, QuantityWh: 500, PriceFen: 50}, errcode.OK))
	placed = append(placed, buy)
	do(t, c, "pv1", "cancel_order", map[string]string{"id": placed[2]}, errcode.OK)
	do(t, c, "pv2", "place_order", energyapi.OrderBody{Zone: zone, Interval: "202603010900", Side: energyapi.Sell, QuantityWh: 1_000, PriceFen: 41}, errcode.OK)
	newest := slices.Clone(placed)
	slices.Reverse(newest)

	v := c.View()
	names := map[string][2]string{
		"energy.side/buy":               {"买入", "Buy"},
		"energy.side/sell":              {"卖出", "Sell"},
		"energy.order_status/cancelled": {"已撤销", "Cancelled"},
		"energy.order_status/open":      {"有效", "Open"},
	}
	pagesOf := func(t *testing.T, q string, limit int) []string {
		t.Helper()
		s := module.NewSearch(v, q)
		s.Label = func(enum, value string) []string {
			n, ok := names[enum+"/"+value]
			if !ok {
				return nil
			}
			return n[:]
		}
		var got []string
		after := ""
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("paging does not end")
			}
			items, next, err := energy.OrdersPage(v, "pv1", s, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if next != "" && len(items) != limit {
				t.Fatalf("a page of %d before the last, limit %d", len(items), limit)
			}
			for _, o := range items {
				if o.Org != "pv1" {
					t.Fatalf("pv1's list has %s's order %s", o.Org, o.ID)
				}
				got = append(got, o.ID)
			}
			if next == "" {
				return got
			}
			after = next
		}
	}
	for _, tc := range []struct {
		name, q string
		limit   int
		want    []string
	}{
		{"pages of 2", "", 2, newest},
		{"pages of 3", "", 3, newest},
		{"one full page", "", 7, newest},
		{"pages of 1", "", 1, newest},
		{"by interval as written", "2026-03-01 09:45", 2, []string{placed[3]}},
		{"by the zone's name", "砀山良梨", 3, newest},
		{"by the zone's id, any case", "ah-ds", 4, newest},
		{"by side name in Chinese", "买入", 2, []string{buy}},
		{"by side name in English, any case", "BUY", 2, []string{buy}},
		{"by status name", "已撤销", 2, []string{placed[2]}},
		{"no match", "没有这个", 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pagesOf(t, tc.q, tc.limit); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
	for _, after := range []string{"garbage", "123", "../order/x"} {
		if _, _, err := energy.OrdersPage(v, "pv1", nil, after, 3); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("orders after %q: %v, want bad_request", after, err)
		}
		if _, _, err := energy.LinesPage(v, "pv1", nil, after, 3); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("lines after %q: %v, want bad_request", after, err)
		}
	}
	if lines, next, err := energy.LinesPage(v, "pv1", nil, "", 3); err != nil || len(lines) != 0 || next != "" {
		t.Errorf("lines before any settlement: %v %q %v", lines, next, err)
	}
}
