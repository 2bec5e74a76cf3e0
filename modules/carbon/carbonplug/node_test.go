package carbonplug_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/carbonplug"
	"github.com/dengta-chain/dengta/modules/carbon/retireproof"
	"github.com/dengta-chain/dengta/proof"
)

// story is a dev chain's demo consortium through the SDK: the regulator
// is the registry authority, the cooperative a project developer, the
// alliance a verification body, the food group and the cold-chain company
// covered entities.
type story struct {
	c    *client.Client
	keys map[string]*client.Key
	d    *daemon.Daemon
	home string
	ctx  context.Context
}

func newStory(t *testing.T, d *daemon.Daemon, home string) *story {
	t.Helper()
	s := &story{c: client.New(d.GatewayURL), keys: map[string]*client.Key{}, d: d, home: home, ctx: context.Background()}
	for _, org := range []string{"regulator", "coop", "alliance", "foodgroup", "logistics", "market", "bank"} {
		k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
		if err != nil {
			t.Fatal(err)
		}
		s.keys[org] = k
	}
	return s
}

func send[B, R any](t *testing.T, s *story, org string, a api.Action[B, R], b B) *R {
	t.Helper()
	res, _, err := client.Send(s.ctx, s.c, s.keys[org], a, b)
	if err != nil {
		t.Fatalf("%s by %s: %v", a.Route(), org, err)
	}
	return res
}

func upload(t *testing.T, s *story, org, content string) string {
	t.Helper()
	d, err := carbonplug.Upload(s.ctx, s.c.As(s.keys[org]), []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return d[0]
}

// project submits and registers a project of the cooperative and submits
// its 2024-2025 monitoring report; it answers the project and report.
func (s *story) project(t *testing.T, claimed int64) (string, string) {
	t.Helper()
	p := send(t, s, "coop", carbonapi.SubmitProject, carbonapi.ProjectBody{Name: "砀山黄河故道梨园防护林碳汇项目", Methodology: "CCER-14-001-V01", Sector: "forestry",
		Province: "安徽省", Location: "宿州市砀山县良梨镇", Description: "营造梨园防护林", DesignSHA256: upload(t, s, "coop", "项目设计文件"),
		CreditingStart: "2024-01-01", CreditingEnd: "2043-12-31"}).ID
	send(t, s, "regulator", carbonapi.RegisterProject, carbonapi.RegisterProjectBody{Project: p, ComplianceEligible: true})
	r := send(t, s, "coop", carbonapi.SubmitMonitoring, carbonapi.MonitoringBody{Project: p, PeriodFrom: "2024-01-01", PeriodTo: "2025-12-31", ClaimedT: claimed,
		ReportSHA256: upload(t, s, "coop", "监测报告 2024-2025")}).ID
	return p, r
}

// credits adds the verification and issuance: vintage 2025.
func (s *story) credits(t *testing.T, q int64) (string, string) {
	t.Helper()
	p, r := s.project(t, q)
	send(t, s, "alliance", carbonapi.VerifyMonitoring, carbonapi.VerifyBody{Report: r, Opinion: carbonapi.OpinionPositive, VerifiedT: q, StatementSHA256: upload(t, s, "alliance", "核查报告")})
	b := send(t, s, "regulator", carbonapi.IssueCredits, carbonapi.IssueBody{Report: r, Vintages: []carbonapi.VintageBody{{Year: 2025, Quantity: q}}}).Batches[0]
	return p, b
}

func year(t *testing.T, s *story) int {
	t.Helper()
	st, err := s.c.Status(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.BlockTime.In(time.FixedZone("CST", 8*3600)).Year()
}

// TestRetirementThroughANode issues, sells and retires credits through a
// node's API, fetches the retirement's proof bundle from the public
// endpoint and checks it offline against the genesis; accounts, transfers
// and the compliance view answer only their parties and overseers.
func TestRetirementThroughANode(t *testing.T) {
	d, home := nodetest.Dev(t)
	s := newStory(t, d, home)
	_, batch := s.credits(t, 3_000)
	tr := send(t, s, "coop", carbonapi.TransferUnits, carbonapi.TransferBody{Batch: batch, To: "foodgroup", Quantity: 1_000, PriceFen: 6_000})
	y := year(t, s)
	rt := send(t, s, "foodgroup", carbonapi.Retire, carbonapi.RetireBody{Batch: batch, Quantity: 250, Beneficiary: "皖北食品集团有限公司", Purpose: "年度产品碳足迹抵消",
		ClaimYear: y, GTIN: carbonplug.DemoGTIN})

	public := client.New(d.GatewayURL)
	raw, err := carbonplug.RetirementBundle(s.ctx, public, rt.ID)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := retireproof.Verify(raw, trust)
	if err != nil || rep.Closure.Quantity != 250 || rep.Closure.Ranges[0] != (carbonapi.Range{From: 1, To: 250}) || rep.Verification == nil {
		t.Fatalf("the bundle: %v %+v", err, rep)
	}
	cv, err := client.Read(s.ctx, public, carbonapi.GetClosure, carbonapi.ClosureParams{ID: rt.ID})
	if err != nil || cv.URL != d.GatewayURL+"/carbon/retirements/"+rt.ID || cv.Bundle != "" {
		t.Fatalf("the public closure: %v %+v", err, cv)
	}

	// Read scopes.
	code := func(c *client.Client, f func(c *client.Client) error) string {
		err := f(c)
		if err == nil {
			return "ok"
		}
		var ce *client.Error
		if ok := asClientError(err, &ce); ok {
			return ce.Name
		}
		return err.Error()
	}
	account := func(c *client.Client) error {
		_, err := client.Read(s.ctx, c, carbonapi.GetAccount, carbonapi.OrgParams{Org: "foodgroup"})
		return err
	}
	transfer := func(c *client.Client) error {
		_, err := client.Read(s.ctx, c, carbonapi.GetTransfer, carbonapi.IDParams{ID: tr.ID})
		return err
	}
	compliance := func(c *client.Client) error {
		_, err := client.Read(s.ctx, c, carbonapi.GetCompliance, carbonapi.YearParams{Year: y - 1})
		return err
	}
	as := func(org string) *client.Client { return s.c.As(s.keys[org]) }
	for _, tc := range []struct {
		what string
		c    *client.Client
		f    func(*client.Client) error
		want string
	}{
		{"the public reads an account", public, account, "unauthenticated"},
		{"another member reads an account", as("market"), account, "unauthorized"},
		{"the holder reads its account", as("foodgroup"), account, "ok"},
		{"the registry reads an account", as("regulator"), account, "ok"},
		{"a third member reads a transfer", as("market"), transfer, "unauthorized"},
		{"the receiver reads a transfer", as("foodgroup"), transfer, "ok"},
		{"the seller reads a transfer", as("coop"), transfer, "ok"},
		{"a member reads the compliance view", as("market"), compliance, "unauthorized"},
		{"the public reads the compliance view", public, compliance, "unauthenticated"},
	} {
		if got := code(tc.c, tc.f); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.what, got, tc.want)
		}
	}
	a, err := client.Read(s.ctx, as("foodgroup"), carbonapi.GetAccount, carbonapi.OrgParams{Org: "foodgroup"})
	if err != nil || len(a.Holdings) != 1 || a.Holdings[0].Quantity != 750 || a.Holdings[0].Ranges[0].From != 251 {
		t.Fatalf("the food group's account: %v %+v", err, a)
	}
	// The state endpoints apply the module's visibility: a holding is
	// not public, a retirement is.
	for _, tc := range []struct {
		key    string
		status int
	}{{"carbon/hold/foodgroup/" + batch, http.StatusUnauthorized}, {"carbon/closure/" + rt.ID, http.StatusOK}, {"carbon/batch/" + batch, http.StatusOK}} {
		resp, err := http.Get(d.GatewayURL + "/v1/state?key=" + tc.key)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET /v1/state?key=%s by the public: %d, want %d", tc.key, resp.StatusCode, tc.status)
		}
	}
	// The footprint endpoints are public; the PACT export names the
	// product by its GTIN.
	send(t, s, "foodgroup", carbonapi.PublishPCF, carbonapi.FootprintBody{GTIN: carbonplug.DemoGTIN, PCFData: carbonapi.PCFData{ProductName: "砀山酥梨 5kg 礼盒", CPC: "01342",
		DeclaredUnit: "kilogram", UnitaryAmount: "5", PCFExcludingBiogenic: "0.42", FossilGHG: "0.41", FossilCarbonContent: "0", BiogenicCarbonContent: "0.06",
		CharacterizationFactors: "AR6", Standards: []string{"ISO Standard 14067"}, Boundary: "cradle_to_gate", BoundaryDescription: "种植与包装",
		PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Country: "CN"}})
	fv, err := client.Read(s.ctx, public, carbonapi.GetFootprint, carbonapi.FootprintParams{GTIN: "6901234567892", Lot: "2026-A"})
	if err != nil || !fv.ProductLevel || fv.OffsetT != 250 || len(fv.Offsets) != 1 {
		t.Fatalf("footprint: %v %+v", err, fv)
	}
	pact, err := client.Read(s.ctx, public, carbonapi.GetFootprintPCF, carbonapi.FootprintParams{GTIN: carbonplug.DemoGTIN})
	if err != nil || pact.ProductIDs[0] != "urn:gtin:"+carbonplug.DemoGTIN || pact.PCF.PCfExcludingBiogenic != "0.42" || !strings.Contains(pact.CompanyName, "皖北") {
		t.Fatalf("PACT: %v %+v", err, pact)
	}

	// The traceability scan page of a box of the product shows its
	// footprint card (the carbon module's panel for the "product" slot).
	// The module names no other module: the trace actions go as JSON.
	epc := "/01/" + carbonplug.DemoGTIN + "/21/SN0001"
	lot := "/01/" + carbonplug.DemoGTIN + "/10/2026-A"
	for _, a := range []struct{ org, action, body string }{
		{"regulator", "assign_prefix", `{"prefix":"6901234","org":"foodgroup"}`},
		{"foodgroup", "register_product", `{"gtin":"` + carbonplug.DemoGTIN + `","name":"砀山酥梨 5kg 礼盒"}`},
		{"foodgroup", "register_lot", `{"lot_id":"` + lot + `","origin":{"region":"安徽省宿州市砀山县"},"produced_on":"2026-09-14"}`},
		{"foodgroup", "capture", `{"type":"ObjectEvent","action":"ADD","epc_list":["` + epc + `"],"biz_step":"commissioning","disposition":"active","lot":"` + lot +
			`","event_time":"` + time.Now().Add(-time.Minute).UTC().Format(time.RFC3339) + `"}`},
	} {
		if _, err := s.c.Do(s.ctx, s.keys[a.org], "trace", a.action, json.RawMessage(a.body)); err != nil {
			t.Fatalf("trace/%s: %v", a.action, err)
		}
	}
	resp, err := http.Get(s.d.GatewayURL + epc)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `id="carbon-footprint"`) || !strings.Contains(string(page), "0.42") ||
		!strings.Contains(string(page), "/carbon/footprints/01/"+carbonplug.DemoGTIN+"/10/2026-A") {
		t.Fatalf("the scan page (%d) shows no footprint card:\n%s", resp.StatusCode, page)
	}
}

func asClientError(err error, ce **client.Error) bool {
	e, ok := err.(*client.Error)
	if ok {
		*ce = e
	}
	return ok
}
