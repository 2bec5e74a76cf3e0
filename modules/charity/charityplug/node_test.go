package charityplug_test

import (
	"bytes"
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
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/charityplug"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
	"github.com/dengta-chain/dengta/proof"
)

// story is the charity setup of a dev chain's demo consortium, through
// the SDK: the regulator registers the foundation (public fundraising)
// and the county charity association, each files a project, the
// regulator approves them.
type story struct {
	c            *client.Client
	keys         map[string]*client.Key
	fund, county string
	base, home   string
	d            *daemon.Daemon
	ctx          context.Context
	orgUSCC      map[string]string
}

func newStory(t *testing.T, d *daemon.Daemon, home string) *story {
	t.Helper()
	s := &story{c: client.New(d.GatewayURL), keys: map[string]*client.Key{}, base: d.GatewayURL, home: home, d: d, ctx: context.Background(), orgUSCC: map[string]string{}}
	// The genesis state is readable once the first block is committed.
	for deadline := time.Now().Add(30 * time.Second); ; {
		var o map[string]any
		if err := s.c.Get(s.ctx, "/v1/orgs/regulator", &o); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the node made no block in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, org := range []string{"regulator", "foundation", "charity", "bank", "school", "market", "notary"} {
		k, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
		if err != nil {
			t.Fatal(err)
		}
		s.keys[org] = k
		var o struct {
			USCC string `json:"uscc"`
		}
		if err := s.c.Get(s.ctx, "/v1/orgs/"+org, &o); err != nil {
			t.Fatal(err)
		}
		s.orgUSCC[org] = o.USCC
	}
	must(t, send(s, "regulator", charityapi.RegisterOrg, charityapi.RegisterOrgBody{Org: "foundation", Kind: charityapi.KindFoundation, RegistrationNo: s.orgUSCC["foundation"], PublicFundraising: true}))
	must(t, send(s, "regulator", charityapi.RegisterOrg, charityapi.RegisterOrgBody{Org: "charity", Kind: charityapi.KindSocialOrg, RegistrationNo: s.orgUSCC["charity"]}))
	start, end := today(t, s), "2030-12-31"
	res, _, err := client.Send(s.ctx, s.c, s.keys["foundation"], charityapi.FileProject, charityapi.ProjectBody{Title: "乡村学校图书文具计划", Summary: "为乡村小学配备文具",
		Sector: "11220", StartDate: start, EndDate: end, Lines: []charityapi.LineBody{
			{Code: "grants", Name: "资助县级项目", Category: "program", BudgetFen: 10_000_000},
			{Code: "admin", Name: "管理费用", Category: "management", BudgetFen: 1_000_000}}})
	must(t, err)
	s.fund = res.ID
	res, _, err = client.Send(s.ctx, s.c, s.keys["charity"], charityapi.FileProject, charityapi.ProjectBody{Title: "良梨镇中心小学文具项目", Summary: "文具套装",
		StartDate: start, EndDate: end, Lines: []charityapi.LineBody{{Code: "supplies", Name: "文具套装", Category: "program", BudgetFen: 5_000_000}}})
	must(t, err)
	s.county = res.ID
	for i, p := range []string{s.fund, s.county} {
		must(t, send(s, "regulator", charityapi.Approve, charityapi.ApproveBody{Project: p, FilingNo: "皖民慈备-" + string(rune('A'+i))}))
	}
	return s
}

func send[B, R any](s *story, org string, a api.Action[B, R], b B) error {
	_, _, err := client.Send(s.ctx, s.c, s.keys[org], a, b)
	return err
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func today(t *testing.T, s *story) string {
	t.Helper()
	st, err := s.c.Status(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.BlockTime.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
}

// TestDonationTrailThroughANode gives ¥100 through the bank, passes it to
// the county charity, which buys school supplies the school signs for;
// the trail's proof bundle, fetched through the API, verifies offline
// against the genesis, with the donor's receipt key and identity, and the
// public pages show it.
func TestDonationTrailThroughANode(t *testing.T) {
	d, home := nodetest.Dev(t)
	s := newStory(t, d, home)
	rc, err := charityplug.Donate(s.ctx, s.c, s.keys["bank"], charityapi.DonateBody{Project: s.fund, Line: "grants", AmountFen: 10_000, Channel: "wechat_pay",
		ChannelRef: "WX4200001234", DonorName: "爱心人士"}, "138 0013 8000", d.GatewayURL)
	must(t, err)
	if !strings.HasPrefix(rc.URL, d.GatewayURL+"/charity/receipts/"+rc.Receipt+"#k=") || len(rc.Key) != 32 {
		t.Fatalf("receipt %+v", rc)
	}
	g, _, err := client.Send(s.ctx, s.c, s.keys["foundation"], charityapi.Grant, charityapi.GrantBody{From: s.fund, Line: "grants", To: s.county, ToLine: "supplies", AmountFen: 10_000, Purpose: "资助"})
	must(t, err)
	_, _, err = client.Send(s.ctx, s.c, s.keys["charity"], charityapi.ConfirmGrant, charityapi.IDBody{ID: g.ID})
	must(t, err)
	docs, err := charityplug.Upload(s.ctx, s.c.As(s.keys["charity"]), []byte("发票：文具套装"), []byte("送货单"))
	must(t, err)
	disb, _, err := client.Send(s.ctx, s.c, s.keys["charity"], charityapi.Disburse, charityapi.DisburseBody{Project: s.county, Line: "supplies", AmountFen: 10_000,
		Payee: "market", Beneficiary: "school", Purpose: "文具套装 5 套", InvoiceSHA256: docs[0], DocHashes: docs[1:]})
	must(t, err)
	acc, err := charityplug.Upload(s.ctx, s.c.As(s.keys["school"]), []byte("验收单"))
	must(t, err)
	_, _, err = client.Send(s.ctx, s.c, s.keys["school"], charityapi.Accept, charityapi.AcceptBody{Disbursement: disb.ID, DocSHA256: acc[0]})
	must(t, err)

	// The trail through the API.
	tr, err := client.Read(s.ctx, s.c, charityapi.GetTrail, charityapi.TrailParams{Receipt: rc.Receipt})
	must(t, err)
	if len(tr.Steps) != 2 || tr.Steps[0].Kind != charityapi.StepTransfer || tr.Steps[1].Disbursement == nil || tr.Steps[1].Disbursement.Payee != "market" ||
		tr.Steps[1].Acceptance == nil || tr.Steps[1].Acceptance.By.Org != "school" || tr.DeliveredFen != 10_000 {
		t.Fatalf("trail %+v", tr.Steps)
	}

	// Its proof bundle, checked offline against the genesis.
	raw, err := charityplug.TrailBundle(s.ctx, s.c, rc.Receipt)
	must(t, err)
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	must(t, err)
	rep, err := trailproof.Verify(raw, trust, &trailproof.Donor{Identity: "13800138000", Key: rc.Key})
	if err != nil {
		t.Fatalf("the bundle fails offline: %v", err)
	}
	if !rep.Donor || rep.Trail.DeliveredFen != 10_000 || rep.Trail.Steps[1].Acceptance == nil {
		t.Fatalf("verified trail %+v", rep.Trail)
	}
	// The page's download is the same bundle format, and verifies too.
	resp, err := http.Get(d.GatewayURL + "/charity/receipts/" + rc.Receipt + "/proof")
	must(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if _, err := trailproof.Verify(page, trust, nil); err != nil || !strings.Contains(resp.Header.Get("Content-Disposition"), "trail-"+rc.Receipt) {
		t.Fatalf("the page's proof download: %v (%s)", err, resp.Header.Get("Content-Disposition"))
	}
	// Tampered: the payee of the delivery changed in the shown trail.
	var b trailproof.Bundle
	must(t, json.Unmarshal(raw, &b))
	b.Trail = bytes.Replace(b.Trail, []byte(`"payee": "market"`), []byte(`"payee": "coop"`), 1)
	forged, err := b.Marshal()
	must(t, err)
	if _, err := trailproof.Verify(forged, trust, nil); err == nil || !strings.HasPrefix(err.Error(), trailproof.CheckTrail+": ") {
		t.Fatalf("a forged trail: %v", err)
	}

	// The public pages.
	for path, wants := range map[string][]string{
		"/charity/receipts/" + rc.Receipt:              {rc.Receipt, "良梨镇中心小学文具项目", "合肥惠民超市有限公司", "砀山县良梨镇中心小学", "已签收", `src="/charity/receipt.js"`},
		"/charity/projects/" + s.county:                {"良梨镇中心小学文具项目", disb.ID, `id="money-chart"`, "已签收", "皖民慈备-B"},
		"/charity":                                     {"乡村学校图书文具计划", "良梨镇中心小学文具项目"},
		"/charity/receipts/" + rc.Receipt + "?lang=en": {"Where this donation went", "Hefei Huimin Supermarket Co., Ltd.", "Liangli Town Central Primary School", "accepted"},
		"/charity/projects/" + s.county + "?lang=en":   {"Every payment and its acceptance", "Budget, money raised and spent"},
		"/v1/charity/projects/" + s.county:             {`"disbursed_fen": 10000`},
	} {
		body := get(t, d.GatewayURL+path)
		for _, w := range wants {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	// "Is this my donation": the right identity and key, then another.
	for identity, want := range map[string]string{"13800138000": `id="mine">一致`, "13800138001": `id="mine">不一致`} {
		resp, err := http.PostForm(d.GatewayURL+"/charity/receipts/"+rc.Receipt, map[string][]string{"identity": {identity}, "key": {rc.Key}})
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Errorf("check with %s: want %q", identity, want)
		}
	}
	// IATI through the API.
	doc, err := client.Read(s.ctx, s.c, charityapi.IATI, charityapi.IDParams{ID: s.county})
	must(t, err)
	if !bytes.Contains(*doc, []byte(`<iati-identifier>CN-USCI-`+s.orgUSCC["charity"]+"-"+s.county)) {
		t.Fatalf("IATI export:\n%s", *doc)
	}
	// The regulator's view is for members: refused to the public.
	if _, err := client.Read(s.ctx, s.c, charityapi.GetOversight, charityapi.HeightParams{}); !client.IsCode(err, "unauthenticated") {
		t.Fatalf("oversight for the public: %v", err)
	}
	ov, err := client.Read(s.ctx, s.c.As(s.keys["regulator"]), charityapi.GetOversight, charityapi.HeightParams{})
	must(t, err)
	if ov.DonatedFen != 10_000 || ov.DisbursedFen != 10_000 || len(ov.Orgs) != 2 {
		t.Fatalf("oversight %+v", ov)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, b)
	}
	return string(b)
}
