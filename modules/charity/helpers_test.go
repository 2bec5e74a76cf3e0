package charity_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// The test consortium: the civil-affairs bureau, a foundation and a county
// charity, a bank that collects donations, a stationery shop, two
// schools, an audit firm, and a member with no role of the module.
var testOrgs = []testchain.Org{
	{ID: "mca", Roles: []role.Role{charityapi.CivilAffairs}, Validator: true},
	{ID: "fdn", Roles: []role.Role{charityapi.Charity}},
	{ID: "cty", Roles: []role.Role{charityapi.Charity}},
	{ID: "bank", Roles: []role.Role{charityapi.Channel}},
	{ID: "shop", Roles: []role.Role{role.Supplier}},
	{ID: "school", Roles: []role.Role{charityapi.Beneficiary}},
	{ID: "school2", Roles: []role.Role{charityapi.Beneficiary}},
	{ID: "audit", Roles: []role.Role{charityapi.Auditor}},
	{ID: "plain", Roles: []role.Role{role.Producer}},
}

// start is the test chain's genesis time: 2026-03-01 08:00 CST.
var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: []module.Module{charity.Module{}}, Roles: role.MustSet(charityapi.Roles...),
		Orgs: testOrgs, Time: start, Seed: 7})
}

// uscc makes a valid unified social credit code of a social organisation.
func uscc(n int) string {
	first := fmt.Sprintf("53341321MJ%07d", n)
	c, err := identity.USCCCheck(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// do runs an action and requires its code; it returns the result.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) map[string]any {
	t.Helper()
	res := testchain.Do(t, c, org, charity.Name, action, body, want)
	if want != errcode.OK {
		return nil
	}
	return testchain.Result(t, res)
}

// register registers org as a charity.
func register(t testing.TB, c *testchain.Chain, org string, n int, public bool) {
	t.Helper()
	do(t, c, "mca", "register_org", charityapi.RegisterOrgBody{Org: org, Kind: charityapi.KindFoundation, RegistrationNo: uscc(n), PublicFundraising: public}, errcode.OK)
}

// lines are a school-supplies project's budget lines.
func lines() []charityapi.LineBody {
	return []charityapi.LineBody{
		{Code: "supplies", Name: "文具与图书", Category: charityapi.CategoryProgram, BudgetFen: 5_000_000},
		{Code: "grants", Name: "转赠合作机构", Category: charityapi.CategoryProgram, BudgetFen: 5_000_000},
		{Code: "admin", Name: "管理费用", Category: charityapi.CategoryManagement, BudgetFen: 500_000},
	}
}

// project files and approves a project of org; it returns its id.
func project(t testing.TB, c *testchain.Chain, org, filing string) string {
	t.Helper()
	res := do(t, c, org, "file_project", charityapi.ProjectBody{Title: "乡村学校文具计划 " + filing, Summary: "为砀山县乡村小学购买文具和图书",
		Sector: "11220", Region: "安徽省宿州市砀山县", StartDate: "2026-03-01", EndDate: "2026-12-31", Lines: lines()}, errcode.OK)
	id := res["id"].(string)
	do(t, c, "mca", "approve_project", charityapi.ApproveBody{Project: id, FilingNo: filing}, errcode.OK)
	return id
}

// donate records a donation; it returns its receipt number.
func donate(t testing.TB, c *testchain.Chain, by, project, line string, fen int64) string {
	t.Helper()
	res := do(t, c, by, "donate", charityapi.DonateBody{Project: project, Line: line, AmountFen: fen, Channel: "wechat_pay",
		DonorHash: charityapi.DonorHash([]byte("0123456789abcdef"), fmt.Sprintf("donor %d", fen))}, errcode.OK)
	return res["receipt"].(string)
}

func id(res map[string]any) string { return res["id"].(string) }

// trail reads a donation's trail and checks its arithmetic.
func trail(t testing.TB, c *testchain.Chain, receipt string) *charityapi.Trail {
	t.Helper()
	tr, err := charity.TrailOf(c.View(), receipt)
	if err != nil {
		t.Fatalf("trail of %s: %v", receipt, err)
	}
	if err := charity.CheckTrail(tr); err != nil {
		t.Fatalf("trail of %s: %v", receipt, err)
	}
	return tr
}
