package carbon_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// TestHallPages: a developer's projects, an account's transfers and its
// closures page with every record once (transfers and closures newest
// first), only the organisation's own, and a search finds them by the
// other party's Chinese or English name, a project's name, or a status's
// name; a cursor that is not one of the list's is a bad request.
func TestHallPages(t *testing.T) {
	c := newChain(t)
	p1, bs := credits(t, c, "dev", 1000, true)
	b := bs[0]
	var projects = []string{p1}
	for _, name := range []string{"沙荒地造林 二期", "Orchard Biogas"} {
		projects = append(projects, id(do(t, c, "dev", "submit_project", projectBody(name), errcode.OK)))
	}
	id(do(t, c, "dev2", "submit_project", projectBody("别家的项目"), errcode.OK))
	slices.Sort(projects)
	var xfers []string // newest first
	for i, to := range []string{"buyer", "food", "buyer", "food2", "buyer"} {
		res := do(t, c, "dev", "transfer", carbonapi.TransferBody{Batch: b, To: to, Quantity: int64(10 + i)}, errcode.OK)
		xfers = append([]string{id(res)}, xfers...)
	}
	toBuyer := []string{xfers[0], xfers[2], xfers[4]}
	var closures []string
	for range 3 {
		res := do(t, c, "buyer", "retire", carbonapi.RetireBody{Batch: b, Quantity: 3, Beneficiary: "皖北食品集团有限公司", Purpose: "2026 年度产品碳足迹抵消", ClaimYear: 2026}, errcode.OK)
		closures = append([]string{id(res)}, closures...)
	}
	v := c.View()
	search := func(q string) *module.Search {
		s := module.NewSearch(v, q)
		s.Label = func(enum, value string) []string {
			if enum == "carbon.project_status" && value == carbonapi.StatusRegistered {
				return []string{"已登记", "Registered"}
			}
			return nil
		}
		return s
	}
	type lister func(q, after string, limit int) ([]string, string, error)
	projectsOf := func(org string) lister {
		return func(q, after string, limit int) ([]string, string, error) {
			ps, next, err := carbon.ProjectsPage(v, org, search(q), after, limit)
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			return ids, next, err
		}
	}
	transfersOf := func(org string) lister {
		return func(q, after string, limit int) ([]string, string, error) {
			ts, next, err := carbon.TransfersPage(v, org, search(q), after, limit)
			var ids []string
			for _, x := range ts {
				ids = append(ids, x.ID)
			}
			return ids, next, err
		}
	}
	closuresOf := func(org string) lister {
		return func(q, after string, limit int) ([]string, string, error) {
			cs, next, err := carbon.AccountClosures(v, org, search(q), after, limit)
			var ids []string
			for _, x := range cs {
				ids = append(ids, x.ID)
			}
			return ids, next, err
		}
	}
	all := func(t *testing.T, l lister, q string, limit int) []string {
		t.Helper()
		var got []string
		after := ""
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("paging does not end")
			}
			ids, next, err := l(q, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if next != "" && len(ids) != limit {
				t.Fatalf("a page of %d before the last, limit %d", len(ids), limit)
			}
			got = append(got, ids...)
			if next == "" {
				return got
			}
			after = next
		}
	}
	for _, tc := range []struct {
		name  string
		list  lister
		q     string
		limit int
		want  []string
	}{
		{"projects, pages of 1", projectsOf("dev"), "", 1, projects},
		{"projects, pages of 2", projectsOf("dev"), "", 2, projects},
		{"projects by name, Latin any case", projectsOf("dev"), "orchard", 1, projects[slices.IndexFunc(projects, func(p string) bool { return p != p1 && projectName(t, v, p) == "Orchard Biogas" }):][:1]},
		{"projects by status name", projectsOf("dev"), "已登记", 2, []string{p1}},
		{"transfers, pages of 2", transfersOf("dev"), "", 2, xfers},
		{"transfers, pages of 5", transfersOf("dev"), "", 5, xfers},
		{"transfers by the buyer's Chinese name", transfersOf("dev"), "测试机构 buyer", 2, toBuyer},
		{"transfers by the buyer's English name, any case", transfersOf("dev"), "TEST ORG BUYER", 1, toBuyer},
		{"transfers into the buyer's account", transfersOf("buyer"), "", 2, toBuyer},
		{"closures, pages of 2", closuresOf("buyer"), "", 2, closures},
		{"closures by purpose", closuresOf("buyer"), "碳足迹", 3, closures},
		{"no closures of the developer", closuresOf("dev"), "", 2, nil},
		{"no match", transfersOf("dev"), "没有这个", 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := all(t, tc.list, tc.q, tc.limit); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
	for _, after := range []string{"garbage", "123", "a/b"} {
		if _, _, err := carbon.TransfersPage(v, "dev", nil, after, 2); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("transfers after %q: %v, want bad_request", after, err)
		}
		if _, _, err := carbon.AccountClosures(v, "buyer", nil, after, 2); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("closures after %q: %v, want bad_request", after, err)
		}
	}
	if _, _, err := carbon.ProjectsPage(v, "dev", nil, "a/b", 2); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("projects after a/b: %v, want bad_request", err)
	}
}

func projectName(t *testing.T, r module.Getter, id string) string {
	t.Helper()
	p, err := carbon.GetProject(r, id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Name
}
