package datashareplug_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
)

// TestDemoStory records the demo story on a dev node as `dengta dev`
// does and reads it back: the referral is active with the patient's
// consent and hospb's access is on her trail; the press raised alerts
// from its last windows, which the maker's repair resolved.
func TestDemoStory(t *testing.T) {
	mods := modules.All()
	reg := plug.NewRegistry(mods...)
	d, home := nodetest.DevWith(t, reg, nil)
	c := client.New(d.GatewayURL)
	env := &plug.DemoEnv{Client: c, PublicURL: d.GatewayURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admin: func(org string) (*client.Key, error) { return client.KeyFrom(nodetest.AdminKey(t, home, org)), nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var seeded bool
	for _, m := range reg.Modules() {
		if m.Name() == datashareapi.Name {
			if err := m.Demo.Seed(ctx, env); err != nil {
				t.Fatal(err)
			}
			seeded = true
		}
	}
	if !seeded {
		t.Fatal("the data-sharing module is not in the registry")
	}
	hospa := c.As(client.KeyFrom(nodetest.AdminKey(t, home, "hospa")))
	gs, err := client.Read(ctx, hospa, datashareapi.Grants, datashareapi.GrantsParams{Owner: "hospa"})
	if err != nil {
		t.Fatal(err)
	}
	if len(gs.Items) != 1 || gs.Items[0].State != datashareapi.GrantActive || gs.Items[0].Grantee != "hospb" || len(gs.Items[0].Consents) != 1 {
		t.Fatalf("the referral: %+v", gs.Items)
	}
	var trail []datashareapi.AuditEntry
	deadline := time.Now().Add(30 * time.Second)
	for len(trail) == 0 && time.Now().Before(deadline) {
		p, err := client.Read(ctx, hospa, datashareapi.AuditTrail, datashareapi.AuditParams{Subject: gs.Items[0].Subject})
		if err != nil {
			t.Fatal(err)
		}
		trail = p.Items
		time.Sleep(200 * time.Millisecond)
	}
	if len(trail) != 1 || trail[0].Org != "hospb" || trail[0].Outcome != datashareapi.OutcomeServe {
		t.Fatalf("the patient's trail: %+v", trail)
	}
	juicery := c.As(client.KeyFrom(nodetest.AdminKey(t, home, "juicery")))
	dv, err := client.Read(ctx, juicery, datashareapi.GetDevice, datashareapi.IDParams{ID: datashareplug.DemoDevice})
	if err != nil {
		t.Fatal(err)
	}
	if dv.Device.Windows != 30 || len(dv.Alerts) == 0 || dv.Device.OpenAlerts != 0 || len(dv.Maintenance) != 1 || len(dv.Maintenance[0].Resolves) != len(dv.Alerts) {
		t.Fatalf("the press: %d windows, %d alerts (%d open), maintenance %+v", dv.Device.Windows, len(dv.Alerts), dv.Device.OpenAlerts, dv.Maintenance)
	}
	for _, a := range dv.Alerts {
		if a.Status != "resolved" {
			t.Fatalf("alert %s is %s", a.ID, a.Status)
		}
	}
}

// TestPatientSignInLimited: the patients' page takes ten sign-in
// attempts from an address, then answers 429 with Retry-After, whatever
// patient number is tried, so that nobody guesses numbers and codes at
// speed from one place.
func TestPatientSignInLimited(t *testing.T) {
	d, _ := nodetest.Dev(t)
	try := func(i int) *http.Response {
		form := url.Values{"subject": {fmt.Sprintf("P%031d", i)}, "code": {"WRONG-CODE-0000"}}
		res, err := http.PostForm(d.GatewayURL+"/patient/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	for i := range 10 {
		if res := try(i); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %s, want 401", i+1, res.Status)
		}
	}
	res := try(10)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("attempt 11: %s (Retry-After %q), want 429 with Retry-After", res.Status, res.Header.Get("Retry-After"))
	}
}
