package carbon_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// The test consortium: the registry authority, two project developers, a
// verification body, two covered entities (a cement plant and a power
// plant), the national green certificate system, a food producer, a
// company that buys credits and certificates, and a regulator.
var testOrgs = []testchain.Org{
	{ID: "reg", Roles: []role.Role{carbonapi.Registry}, Validator: true},
	{ID: "dev", Roles: []role.Role{carbonapi.Developer}},
	{ID: "dev2", Roles: []role.Role{carbonapi.Developer}},
	{ID: "ver", Roles: []role.Role{carbonapi.Verifier}},
	{ID: "cement", Roles: []role.Role{carbonapi.Covered}},
	{ID: "power", Roles: []role.Role{carbonapi.Covered}},
	{ID: "gec", Roles: []role.Role{carbonapi.GECIssuer}},
	{ID: "food", Roles: []role.Role{carbonapi.Producer}},
	{ID: "food2", Roles: []role.Role{carbonapi.Producer}},
	{ID: "buyer", Roles: []role.Role{role.Supplier}},
	{ID: "mee", Roles: []role.Role{role.Regulator}},
}

// start is the test chain's genesis time: 2026-03-01 08:00 CST.
var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: []module.Module{carbon.Module{}}, Roles: role.MustSet(carbonapi.Roles...),
		Orgs: testOrgs, Time: start, Seed: 11})
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// do runs an action and requires its code; it returns the result.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) map[string]any {
	t.Helper()
	res := testchain.Do(t, c, org, carbon.Name, action, body, want)
	if want != errcode.OK {
		return nil
	}
	return testchain.Result(t, res)
}

func id(res map[string]any) string { return res["id"].(string) }

func batches(res map[string]any) []string {
	var out []string
	for _, b := range res["batches"].([]any) {
		out = append(out, b.(string))
	}
	return out
}

// projectBody is an afforestation project of dev's.
func projectBody(name string) carbonapi.ProjectBody {
	return carbonapi.ProjectBody{Name: name, Methodology: "CCER-14-001-V01", Sector: "forestry", Province: "安徽省", Location: "宿州市砀山县良梨镇",
		Latitude: "34.42", Longitude: "116.35", Description: "在黄河故道沙荒地营造梨园防护林，增加碳汇。", DesignSHA256: sha("pdd " + name),
		CreditingStart: "2024-01-01", CreditingEnd: "2043-12-31", EstimatedAnnualT: 12_000}
}

// credits registers a project of developer, has its 2024-2025 report
// verified for verified tonnes and issued as vintages 2024 and 2025 (half
// each, the odd tonne in 2025); it answers the project and the batches.
func credits(t testing.TB, c *testchain.Chain, developer string, verified int64, eligible bool) (string, []string) {
	t.Helper()
	p := id(do(t, c, developer, "submit_project", projectBody("梨园碳汇 "+developer), errcode.OK))
	do(t, c, "reg", "register_project", carbonapi.RegisterProjectBody{Project: p, ComplianceEligible: eligible}, errcode.OK)
	r := id(do(t, c, developer, "submit_monitoring", carbonapi.MonitoringBody{Project: p, PeriodFrom: "2024-01-01", PeriodTo: "2025-12-31",
		ClaimedT: verified + 100, ReportSHA256: sha("mr " + p)}, errcode.OK))
	do(t, c, "ver", "verify_monitoring", carbonapi.VerifyBody{Report: r, Opinion: carbonapi.OpinionPositive, VerifiedT: verified, StatementSHA256: sha("vs " + r)}, errcode.OK)
	res := do(t, c, "reg", "issue_credits", carbonapi.IssueBody{Report: r, Vintages: []carbonapi.VintageBody{{Year: 2024, Quantity: verified / 2}, {Year: 2025, Quantity: verified - verified/2}}}, errcode.OK)
	return p, batches(res)
}

// holding reads an account's holding of a batch.
func holding(t testing.TB, c *testchain.Chain, org, batch string) *carbonapi.Holding {
	t.Helper()
	h, err := carbon.GetHolding(c.View(), org, batch)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type vcase testchain.Case
