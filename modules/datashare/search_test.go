package datashare_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// TestSearchAndPageLists: the hall's lists of records and grants page in
// key order with every entry once, narrow to what the caller may read,
// and find entries by number, by the other party's Chinese or English
// name, and by the names of types and states.
func TestSearchAndPageLists(t *testing.T) {
	w := newWorld(t)
	for _, o := range []string{"hospa", "hospb", "hospc"} {
		w.setExchange(o)
	}
	p := w.subject("hospa")
	var recs []string
	for i, typ := range []string{datashareapi.TypeLab, datashareapi.TypeLab, datashareapi.TypeImaging, datashareapi.TypeOutpatient, datashareapi.TypeDischarge} {
		recs = append(recs, w.record("hospa", p, typ, []string{datashareapi.ClassNormal, datashareapi.ClassRestricted}[i%2]))
	}
	grantees := []string{"hospb", "hospb", "hospc", "hospb", "hospc", "hospb", "hospc"}
	var grants []string
	byGrantee := map[string][]string{}
	for i, to := range grantees {
		r := recs[i%len(recs)]
		res := w.do("hospa", "grant", datashareapi.GrantBody{Grantee: to, Purpose: datashareapi.PurposeTreat, Records: []string{r},
			MaxClass: datashareapi.ClassRestricted, End: w.in(30 * 24 * time.Hour), Keys: w.grantKeys(to, r)}, errcode.OK)
		g := res["id"].(string)
		grants = append(grants, g)
		byGrantee[to] = append(byGrantee[to], g)
	}
	w.do("hospa", "revoke", datashareapi.RevokeBody{Grant: grants[3]}, errcode.OK)
	slices.Sort(grants)
	slices.Sort(byGrantee["hospb"])
	slices.Sort(byGrantee["hospc"])
	sortedRecs := slices.Sorted(slices.Values(recs))
	labs := []string{recs[0], recs[1]}
	slices.Sort(labs)

	v := w.c.View()
	names := map[string][2]string{
		"datashare.grant_status/proposed": {"待同意", "Awaiting consent"},
		"datashare.grant_status/revoked":  {"已撤销", "Revoked"},
		"datashare.record_type/lab":       {"检验报告", "Laboratory report"},
	}
	search := func(q string) *module.Search {
		s := module.NewSearch(v, q)
		s.Label = func(enum, value string) []string {
			n, ok := names[enum+"/"+value]
			if !ok {
				return nil
			}
			return n[:]
		}
		return s
	}
	grantPages := func(t *testing.T, gp datashareapi.GrantsParams, c access.Caller, q string) []string {
		t.Helper()
		var got []string
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("paging does not end")
			}
			pg, err := datashare.ListGrants(v, gp, w.c.Time, c, search(q))
			if err != nil {
				t.Fatal(err)
			}
			if pg.Next != "" && len(pg.Items) != gp.Limit {
				t.Fatalf("a page of %d before the last, limit %d", len(pg.Items), gp.Limit)
			}
			for _, g := range pg.Items {
				got = append(got, g.ID)
			}
			if pg.Next == "" {
				return got
			}
			gp.After = pg.Next
		}
	}
	hospa, hospb, reg := access.Caller{Org: "hospa"}, access.Caller{Org: "hospb"}, access.Caller{Org: "reg", Roles: []role.Role{role.Regulator}}
	for _, tc := range []struct {
		name   string
		params datashareapi.GrantsParams
		caller access.Caller
		q      string
		want   []string
	}{
		{"given, pages of 2", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospa, "", grants},
		{"given, pages of 3", datashareapi.GrantsParams{Owner: "hospa", Limit: 3}, hospa, "", grants},
		{"given, exactly one page", datashareapi.GrantsParams{Owner: "hospa", Limit: 7}, hospa, "", grants},
		{"received by hospb", datashareapi.GrantsParams{Grantee: "hospb", Limit: 2}, hospb, "", byGrantee["hospb"]},
		{"hospa's grants as hospb sees them", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospb, "", byGrantee["hospb"]},
		{"the regulator oversees", datashareapi.GrantsParams{Owner: "hospa", Limit: 4}, reg, "", grants},
		{"by the grantee's Chinese name", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospa, "测试机构 hospc", byGrantee["hospc"]},
		{"by the grantee's English name, any case", datashareapi.GrantsParams{Owner: "hospa", Limit: 1}, hospa, "TEST org HOSPC", byGrantee["hospc"]},
		{"by the owner's name", datashareapi.GrantsParams{Grantee: "hospb", Limit: 2}, hospb, "test org hospa", byGrantee["hospb"]},
		{"by state name in Chinese", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospa, "已撤销", []string{w.revoked(grants)}},
		{"by state name in English", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospa, "revoked", []string{w.revoked(grants)}},
		{"by part of a number", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospa, grants[4][11:20], []string{grants[4]}},
		{"nothing matches", datashareapi.GrantsParams{Owner: "hospa", Limit: 2}, hospa, "没有这个机构", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := grantPages(t, tc.params, tc.caller, tc.q); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}

	recPages := func(t *testing.T, q string, limit int) []string {
		t.Helper()
		var got []string
		rp := datashareapi.RecordsParams{Owner: "hospa", Limit: limit}
		for n := 0; n < 20; n++ {
			pg, err := datashare.ListRecords(v, rp, hospa, search(q))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range pg.Items {
				got = append(got, r.ID)
			}
			if pg.Next == "" {
				return got
			}
			rp.After = pg.Next
		}
		t.Fatal("paging does not end")
		return nil
	}
	for _, tc := range []struct {
		name, q string
		limit   int
		want    []string
	}{
		{"records, pages of 2", "", 2, sortedRecs},
		{"records, pages of 1", "", 1, sortedRecs},
		{"records by type name in Chinese", "检验报告", 1, labs},
		{"records by type name in English", "laboratory", 5, labs},
		{"records by patient", p, 2, sortedRecs},
		{"records by owner name", "测试机构 hospa", 3, sortedRecs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := recPages(t, tc.q, tc.limit); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}

	// A cursor that is not one of the list's is a bad request.
	for _, after := range []string{"garbage", recs[0], "DG2026", "../record/x", "DG20260301-0123456789ABCDEF012 "} {
		if _, err := datashare.ListGrants(v, datashareapi.GrantsParams{Owner: "hospa", After: after}, w.c.Time, hospa, nil); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("grants after %q: %v, want bad_request", after, err)
		}
	}
	if _, err := datashare.ListRecords(v, datashareapi.RecordsParams{Owner: "hospa", After: grants[0]}, hospa, nil); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("records after a grant's number: %v, want bad_request", err)
	}
}

// revoked is the one revoked grant among grants.
func (w *world) revoked(grants []string) string {
	w.t.Helper()
	for _, g := range grants {
		v, err := datashare.GrantOf(w.c.View(), g, w.c.Time, access.Caller{Org: "hospa"})
		if err != nil {
			w.t.Fatal(err)
		}
		if v.State == datashareapi.GrantRevoked {
			return g
		}
	}
	w.t.Fatal("no revoked grant")
	return ""
}
