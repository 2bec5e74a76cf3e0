package evm_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
)

// TestSearchContracts pages through the contracts an organisation
// deployed (its index, newest first) and the consortium's (address
// order), with and without a search by name, address and the deploying
// organisation's Chinese or English name.
func TestSearchContracts(t *testing.T) {
	c := newChain(t)
	var deployed []string // in deployment order
	for range 7 {
		deployed = append(deployed, strings.ToLower(c.deployGas(t).Hex()))
	}
	if r := c.Do(c.Members["dev"].Admin, "evm", "describe", evmapi.DescribeBody{Address: deployed[2], Name: "会员积分 Points"}); r.Code != 0 {
		t.Fatal(r.Log)
	}
	newest := slices.Clone(deployed)
	slices.Reverse(newest)
	byAddress := slices.Clone(deployed)
	slices.Sort(byAddress)
	v := c.View()
	all := func(org, q string, limit int) []string {
		t.Helper()
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			pg, err := evm.SearchContracts(v, org, module.NewSearch(v, q), after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Items) > limit || pg.Next != "" && len(pg.Items) != limit {
				t.Fatalf("page of %d with next %q, limit %d", len(pg.Items), pg.Next, limit)
			}
			for _, it := range pg.Items {
				got = append(got, strings.ToLower(it.Address))
			}
			if pg.Next == "" {
				return got
			}
			after = pg.Next
		}
	}
	for _, tc := range []struct {
		name, org, q string
		limit        int
		want         []string
	}{
		{"dev's, pages of 3", "dev", "", 3, newest},
		{"dev's, pages of 1", "dev", "", 1, newest},
		{"dev's, one page", "dev", "", 50, newest},
		{"dev's, exactly full pages", "dev", "", 7, newest},
		{"all, pages of 2", "", "", 2, byAddress},
		{"by Chinese name of the deployer", "dev", "测试机构 dev", 2, newest},
		{"by English name, any case", "", "test ORG dev", 3, byAddress},
		{"by contract name", "", "会员积分", 3, deployed[2:3]},
		{"by contract name, Latin, any case", "dev", "points", 1, deployed[2:3]},
		{"by part of an address", "", deployed[4][2:12], 1, deployed[4:5]},
		{"user deployed none", "user", "", 3, nil},
		{"no match", "dev", "没有这个", 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := all(tc.org, tc.q, tc.limit); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ org, after string }{
		{"dev", "garbage"},
		{"dev", strings.TrimPrefix(deployed[0], "0x")}, // the other list's cursor
		{"", "ffffffffffffffff/" + strings.TrimPrefix(deployed[0], "0x")},
		{"", "../../identity"},
		{"", "\x00"},
	} {
		if _, err := evm.SearchContracts(v, tc.org, nil, tc.after, 3); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("cursor %q on %q's list: %v, want bad_request", tc.after, tc.org, err)
		}
	}
}
