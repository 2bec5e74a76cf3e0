package trace_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/modules/trace"
)

// An organisation's products, searched and paged, and a product's lots.
func TestProductsOf(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	v := c.View()
	ids := func(ps []trace.Product) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name, org, search, after string
		limit                    int
		want                     []string
		next                     string
	}{
		{"coop's", coop, "", "", 10, []string{pearProd, drugProd}, ""},
		{"the juicer's", juicer, "", "", 10, []string{juiceProd, otherProd}, ""},
		{"first page", juicer, "", "", 1, []string{juiceProd}, juiceProd},
		{"second page", juicer, "", juiceProd, 1, []string{otherProd}, ""},
		{"by name", coop, "礼盒", "", 10, []string{pearProd}, ""},
		{"by English name, any case", coop, "GIFT box", "", 10, []string{pearProd}, ""},
		{"by GTIN", juicer, otherGTIN[3:], "", 10, []string{otherProd}, ""},
		{"no match", coop, "苹果", "", 10, nil, ""},
		{"another's product is not found", coop, "梨汁", "", 10, nil, ""},
		{"every organisation's (overseers)", "", "砀山", "", 10, []string{pearProd, juiceProd}, ""},
		{"someone with none", market, "", "", 10, nil, ""},
	} {
		got, next, err := trace.ProductsOf(v, tc.org, tc.search, tc.after, tc.limit)
		if err != nil || !slices.Equal(ids(got), tc.want) || next != tc.next {
			t.Errorf("%s: %v next %q (%v), want %v next %q", tc.name, ids(got), next, err, tc.want, tc.next)
		}
	}
	lots, err := trace.ProductLots(v, pearProd)
	if err != nil || len(lots) != 2 || lots[0].ID != pearLot || lots[1].ID != pearLot2 {
		t.Errorf("pear lots: %+v %v", lots, err)
	}
	if lots, err := trace.ProductLots(v, otherProd); err != nil || len(lots) != 0 {
		t.Errorf("a product without lots: %+v %v", lots, err)
	}
}
