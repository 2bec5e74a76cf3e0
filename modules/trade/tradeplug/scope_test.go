package tradeplug_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
	"github.com/dengta-chain/dengta/modules/trade/tradeplug"
	"github.com/dengta-chain/dengta/proof"
)

// TestReadScopes records the demo story on a node whose consortium also
// has an auditor (the court), then reads every endpoint and key family
// as each kind of reader: the parties to a bill or a credit read it,
// members that are not get unauthorized (403) saying who may, the public
// unauthenticated (401), and customs (the regulator) and the auditor read
// everything. The explorer and the hall pages follow the same rules.
func TestReadScopes(t *testing.T) {
	m := tradeplug.Module()
	m.Demo.Roles["court"] = []role.Role{role.Auditor}
	d, home := nodetest.DevHall(t, plug.NewRegistry(m))
	base := d.GatewayURL
	as := func(org string) *client.Client {
		c := client.New(base)
		if org == "" {
			return c
		}
		return c.As(client.KeyFrom(nodetest.AdminKey(t, home, org)))
	}
	env := &plug.DemoEnv{Client: client.New(base), PublicURL: base, Logger: slog.New(slog.DiscardHandler),
		Admin: func(org string) (*client.Key, error) { return client.KeyFrom(nodetest.AdminKey(t, home, org)), nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.Demo.Seed(ctx, env); err != nil {
		t.Fatal(err)
	}

	overseers := []string{"regulator", "court"}
	members := []string{"coop", "logistics", "market", "foodgroup", "bank", "alliance", "notary", "regulator", "court"}
	released := []string{"logistics", "coop", "bank", "foodgroup"} // the bill paid under the credit
	offered := []string{"logistics", "coop", "market"}             // the bill offered to the supermarket
	credit := []string{"bank", "foodgroup", "coop"}
	state := func(key []byte) string { return "/v1/state?key=" + url.QueryEscape(string(key)) }

	t.Run("api", func(t *testing.T) {
		for _, tc := range []struct {
			what, path string
			readers    []string // members that read it; every other member gets 403
		}{
			{"released eBL", "/v1/trade/ebls/" + demoEBL, released},
			{"offered eBL", "/v1/trade/ebls/" + demoEBL2 + "?prove=true", offered},
			{"credit", "/v1/trade/credits/" + demoCredit, credit},
			{"coop's eBLs", "/v1/trade/ebls?org=coop", []string{"coop"}},
			{"the caller's eBLs", "/v1/trade/ebls", members},
			{"food group's credits", "/v1/trade/credits?org=foodgroup", []string{"foodgroup"}},
			{"the caller's credits", "/v1/trade/credits", members},
			{"customs", "/v1/trade/customs", nil},
			{"calendar", "/v1/trade/calendars/bank", members},
			{"eBL key", state(trade.EBLKey(demoEBL)), released},
			{"history key", state(trade.StepKey(demoEBL2, 1)), offered},
			{"surrender proof", "/v1/proof?key=" + url.QueryEscape(string(trade.SurrenderKey(demoEBL))), released},
			{"credit key", state(trade.CreditKey(demoCredit)), credit},
			{"presentation key", state(trade.PresentationKey(demoCredit, 1)), credit},
			{"control index", state([]byte("trade/ctl/foodgroup/" + demoEBL)), []string{"foodgroup"}},
			{"party index", state([]byte("trade/lcparty/coop/" + demoCredit)), []string{"coop"}},
			{"calendar key", state([]byte("trade/calendar/bank")), members},
		} {
			for _, org := range members {
				err := as(org).Get(ctx, tc.path, nil)
				may := slices.Contains(tc.readers, org) || slices.Contains(overseers, org)
				switch {
				case may && err != nil:
					t.Errorf("%s: %s reads %s: %v", tc.what, org, tc.path, err)
				case !may && !isStatus(err, http.StatusForbidden, "unauthorized"):
					t.Errorf("%s: %s reads %s: %v, want unauthorized (403)", tc.what, org, tc.path, err)
				case !may && !strings.Contains(err.Error(), "auditors"):
					t.Errorf("%s: %s reads %s: %v; the refusal does not say who may read it", tc.what, org, tc.path, err)
				}
			}
			if err := as("").Get(ctx, tc.path, nil); !isStatus(err, http.StatusUnauthorized, "unauthenticated") {
				t.Errorf("%s: the public reads %s: %v, want unauthenticated (401)", tc.what, tc.path, err)
			}
		}

		// Lists without ?org= are the caller's own.
		l, err := client.Read(ctx, as("market"), tradeapi.ListEBLs, tradeapi.EBLListParams{})
		if err != nil || len(l.Items) != 1 || l.Items[0].Ref != demoEBL2 || l.Items[0].PendingTo != "market" {
			t.Errorf("the supermarket's own eBLs: %+v, %v", l, err)
		}
		if l, err := client.Read(ctx, as("market"), tradeapi.ListEBLs, tradeapi.EBLListParams{In: trade.ListControlled}); err != nil || len(l.Items) != 0 {
			t.Errorf("the eBLs the supermarket controls: %+v, %v", l, err)
		}
		// A logistic unit shows only the bills the caller may read.
		for org, want := range map[string][]string{"foodgroup": {demoEBL}, "market": {}, "regulator": {demoEBL}} {
			v, err := client.Read(ctx, as(org), tradeapi.BySSCC, tradeapi.SSCCParams{SSCC: "106141411234567897"})
			if err != nil || !slices.Equal(v.EBLs, want) {
				t.Errorf("%s reads the SSCC: %+v, %v, want %v", org, v, err, want)
			}
		}
		// A bill that does not exist is refused like one that does.
		if err := as("market").Get(ctx, "/v1/trade/ebls/NOSUCHBILL01", nil); !isStatus(err, http.StatusForbidden, "unauthorized") {
			t.Errorf("a member reads a missing eBL: %v, want unauthorized", err)
		}
		if err := as("regulator").Get(ctx, "/v1/trade/ebls/NOSUCHBILL01", nil); !client.IsCode(err, "not_found") {
			t.Errorf("customs reads a missing eBL: %v, want not_found", err)
		}
	})

	t.Run("explorer", func(t *testing.T) {
		v, err := client.Read(ctx, as("regulator"), tradeapi.GetEBL, tradeapi.EBLParams{Ref: demoEBL2})
		if err != nil || len(v.Steps) != 2 || v.Steps[1].To != "market" {
			t.Fatalf("the offered bill: %+v, %v", v, err)
		}
		hash := v.Steps[1].TxHash
		type txView struct {
			Action   string          `json:"action"`
			Body     json.RawMessage `json:"body"`
			Redacted string          `json:"redacted"`
		}
		for _, tc := range []struct{ org, redacted string }{
			{"coop", ""}, {"market", ""}, {"logistics", ""}, {"regulator", ""}, {"court", ""},
			{"foodgroup", "body"}, {"bank", "body"}, {"", "all"},
		} {
			var got txView
			if err := as(tc.org).Get(ctx, "/v1/txs/"+hash, &got); err != nil {
				t.Fatalf("%q reads the transfer: %v", tc.org, err)
			}
			var body tradeapi.TransferBody
			hasBody := len(got.Body) > 0 && json.Unmarshal(got.Body, &body) == nil && body.Ref == demoEBL2 && body.To == "market"
			if got.Redacted != tc.redacted || hasBody != (tc.redacted == "") {
				t.Errorf("%q reads the transfer: redacted %q body %s, want redacted %q", tc.org, got.Redacted, got.Body, tc.redacted)
			}
		}
	})

	t.Run("hall", func(t *testing.T) {
		for _, tc := range []struct {
			user, path string
			status     int
			want       string
		}{
			{"foodgroup-admin", "/hall/trade/ebls/" + demoEBL, http.StatusOK, demoEBL},
			{"market-admin", "/hall/trade/ebls/" + demoEBL, http.StatusForbidden, "不是这份电子提单的当事方"},
			{"bank-admin", "/hall/trade/ebls/" + demoEBL2, http.StatusForbidden, "不是这份电子提单的当事方"},
			{"market-admin", "/hall/trade/ebls/" + demoEBL2, http.StatusOK, demoEBL2},
			{"coop-admin", "/hall/trade/credits/" + demoCredit, http.StatusOK, demoCredit},
			{"logistics-admin", "/hall/trade/credits/" + demoCredit, http.StatusForbidden, "不是这份信用证的当事方"},
			{"court-admin", "/hall/trade/ebls/" + demoEBL2, http.StatusOK, demoEBL2},
			{"court-admin", "/hall/trade/customs", http.StatusOK, demoEBL},
			{"market-admin", "/hall/trade/customs", http.StatusForbidden, "海关视图"},
		} {
			hc := hall(t, base, tc.user)
			resp, err := hc.Get(base + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(page), tc.want) {
				t.Errorf("%s opens %s: %d, want %d with %q", tc.user, tc.path, resp.StatusCode, tc.status, tc.want)
			}
			if tc.status != http.StatusOK && strings.Contains(string(page), "Su pears") {
				t.Errorf("%s opens %s: the refusal shows the goods", tc.user, tc.path)
			}
		}

		// The pages' proof bundle downloads: files dengta verify checks,
		// for the parties only.
		trust, err := proof.ParseTrust(node.GenesisFile(home))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			user, path, key string
			status          int
		}{
			{"foodgroup-admin", "/hall/trade/ebls/" + demoEBL + "/proof", string(trade.EBLKey(demoEBL)), http.StatusOK},
			{"market-admin", "/hall/trade/ebls/" + demoEBL + "/proof", "", http.StatusForbidden},
			{"coop-admin", "/hall/trade/credits/" + demoCredit + "/proof", string(trade.CreditKey(demoCredit)), http.StatusOK},
			{"logistics-admin", "/hall/trade/credits/" + demoCredit + "/proof", "", http.StatusForbidden},
		} {
			hc := hall(t, base, tc.user)
			resp, err := hc.Get(base + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("%s downloads %s: %d, want %d", tc.user, tc.path, resp.StatusCode, tc.status)
				continue
			}
			if tc.status != http.StatusOK {
				continue
			}
			if r, err := proof.Verify(raw, trust); err != nil || r.Key != tc.key || !r.Exists {
				t.Errorf("%s downloads %s: %v (%+v)", tc.user, tc.path, err, r)
			}
		}
	})
}

// hallSessions are the hall's signed-in clients by gateway and user:
// each user signs in once (sign-ins are rate limited per address).
var hallSessions = map[string]*http.Client{}

// hall returns a client signed in to the hall at base as user.
func hall(t *testing.T, base, user string) *http.Client {
	t.Helper()
	if hc, ok := hallSessions[base+" "+user]; ok {
		return hc
	}
	hc, _ := nodetest.SignIn(t, base, user)
	hallSessions[base+" "+user] = hc
	return hc
}

// isStatus reports whether err is the API's error of HTTP status and
// code name.
func isStatus(err error, status int, name string) bool {
	var ce *client.Error
	return errors.As(err, &ce) && ce.Status == status && ce.Name == name
}
