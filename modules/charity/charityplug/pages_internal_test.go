package charityplug

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// TestProjectsWhere: the forms that pick a project offer every open one,
// not the first page of them, and the public list pages through all.
func TestProjectsWhere(t *testing.T) {
	c := testchain.New(t, testchain.Options{Modules: []module.Module{charity.Module{}}, Roles: role.MustSet(charityapi.Roles...),
		Orgs: []testchain.Org{{ID: "mca", Roles: []role.Role{charityapi.CivilAffairs}, Validator: true}, {ID: "fdn", Roles: []role.Role{charityapi.Charity}}},
		Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Seed: 7})
	do := func(org, action string, body any) map[string]any {
		t.Helper()
		return testchain.Result(t, testchain.Do(t, c, org, charity.Name, action, body, errcode.OK))
	}
	do("mca", "register_org", charityapi.RegisterOrgBody{Org: "fdn", Kind: charityapi.KindFoundation, RegistrationNo: "53341321MJ00000016", PublicFundraising: true})
	lines := []charityapi.LineBody{{Code: "admin", Name: "管理费用", Category: charityapi.CategoryManagement, BudgetFen: 100_000}}
	const open, filed = charity.PageSize + 3, 4
	var want []string
	for i := range open + filed {
		id := do("fdn", "file_project", charityapi.ProjectBody{Title: fmt.Sprintf("项目%02d", i), Summary: "测试", StartDate: "2026-03-01", EndDate: "2026-12-31", Lines: lines})["id"].(string)
		if i < open {
			do("mca", "approve_project", charityapi.ApproveBody{Project: id, FilingNo: fmt.Sprintf("F%03d", i)})
			want = append(want, id)
		}
	}
	slices.Sort(want) // lists go in id order: the filing date, then a hash
	v := c.View()
	ids := func(l []charityapi.ProjectSummary) []string {
		out := make([]string, len(l))
		for i, x := range l {
			out[i] = x.ID
		}
		return out
	}

	// Registering the foundation opened its general fund too.
	project := func(x *charityapi.ProjectSummary) bool { return x.Kind == charityapi.ProjectKindProject }
	all, next, err := projectsWhere(v, charityapi.StatusOpen, "", 0, nil)
	if err != nil || next != "" || len(all) != open+1 {
		t.Fatalf("every open project: %d (next %q, %v), want the %d approved and the general fund", len(all), next, err, open)
	}
	if all, _, _ = projectsWhere(v, charityapi.StatusOpen, "", 0, project); !slices.Equal(ids(all), want) {
		t.Fatalf("every open project of kind project: %d, want the %d approved in order", len(all), open)
	}
	var paged []string
	pages := 0
	for after := ""; ; pages++ {
		l, next, err := projectsWhere(v, "", after, charity.PageSize, func(x *charityapi.ProjectSummary) bool { return project(x) && x.Status == charityapi.StatusOpen })
		if err != nil || len(l) > charity.PageSize {
			t.Fatalf("page %d: %d projects, %v", pages, len(l), err)
		}
		paged = append(paged, ids(l)...)
		if after = next; after == "" {
			break
		}
	}
	if pages != 1 || !slices.Equal(paged, want) {
		t.Fatalf("%d pages listing %d open projects, want 2 pages of all %d once each in order", pages+1, len(paged), open)
	}
	if l, next, err := projectsWhere(v, charityapi.StatusOpen, "", 0, func(x *charityapi.ProjectSummary) bool { return project(x) && x.ID != want[0] }); err != nil || next != "" || !slices.Equal(ids(l), want[1:]) {
		t.Fatalf("every open project but the first: %d, %v", len(l), err)
	}
	if l, _, err := projectsWhere(v, charityapi.StatusFiled, "", 0, nil); err != nil || len(l) != filed {
		t.Fatalf("filed projects: %d, %v; want %d", len(l), err, filed)
	}
	if _, _, err := projectsWhere(v, "", "not a project id", 0, nil); errcode.Of(err) != errcode.BadRequest {
		t.Fatalf("a bad cursor: %v, want a bad request", err)
	}
}

// TestDonationFormOnce: a form's token records one donation; a sending
// that recorded nothing for sure frees it, a later sending waits for the
// first and then records only if the first did not.
func TestDonationFormOnce(t *testing.T) {
	f := newDonationForms()
	ctx := context.Background()
	first, end := f.send(ctx, "t1")
	if !first {
		t.Fatal("the first sending of a form is not first")
	}
	end(false) // refused: nothing recorded
	first, end = f.send(ctx, "t1")
	if !first {
		t.Fatal("a form sent again after a refusal may not record")
	}
	end(true)
	if first, _ := f.send(ctx, "t1"); first {
		t.Fatal("a form that recorded its donation records again")
	}

	// A second sending while the first is under way waits for it.
	for _, recorded := range []bool{false, true} {
		token := fmt.Sprint("t2-", recorded)
		_, end := f.send(ctx, token)
		got := make(chan bool)
		go func() {
			first, end := f.send(ctx, token)
			if first {
				end(true)
			}
			got <- first
		}()
		time.Sleep(20 * time.Millisecond) // let it wait (the outcome does not depend on it)
		end(recorded)
		if first := <-got; first == recorded {
			t.Errorf("first sending recorded=%v: the waiting one may record: %v", recorded, first)
		}
	}
}
