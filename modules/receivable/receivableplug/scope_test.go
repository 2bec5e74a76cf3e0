package receivableplug_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
	"github.com/dengta-chain/dengta/modules/receivable/receivableplug"
	"github.com/dengta-chain/dengta/proof"
)

// scopeStory is the receivable the read-scope tests look at, recorded on
// a dev node whose demo consortium has a second bank (the notary office,
// party to nothing) and an auditor (the court): the bank gives the food
// group a credit line; the food group issues a root to the cooperative;
// the cooperative accepts it, splits off a part for the carrier (which
// accepts it) and a part it keeps and sells to the bank.
type scopeStory struct {
	d                     string // gateway URL
	home                  string
	root, toCarrier, kept string
	split                 string // the split_transfer's transaction hash
	invoiceNo             string
}

func newScopeStory(t *testing.T) *scopeStory {
	t.Helper()
	m := receivableplug.Module()
	m.Demo.Roles = map[string][]role.Role{
		"foodgroup": {receivableapi.CoreEnterprise},
		"notary":    {role.Bank},
		"court":     {role.Auditor},
	}
	d, home := nodetest.DevHall(t, plug.NewRegistry(m))
	s := &scopeStory{d: d.GatewayURL, home: home, invoiceNo: "3400123456-00812345"}
	c := client.New(d.GatewayURL)
	key := func(org string) *client.Key { return client.KeyFrom(nodetest.AdminKey(t, home, org)) }
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	limit := int64(500_000_000)
	if _, _, err := client.Send(ctx, c, key("bank"), receivableapi.SetCreditLine, receivableapi.CreditBody{Obligor: "foodgroup", LimitFen: &limit}); err != nil {
		t.Fatal(err)
	}
	maturity := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 3, 0).Format("2006-01-02")
	issued, _, err := client.Send(ctx, c, key("foodgroup"), receivableapi.Issue, receivableapi.IssueBody{To: "coop", FaceFen: 100_000_000, MaturityDate: maturity,
		Trade: &receivableapi.TradeBody{ContractNo: "WB-2026-0815", InvoiceNo: s.invoiceNo, InvoiceAmountFen: 100_000_000,
			InvoiceSHA256: strings.Repeat("ab", 32), DeliveryDocHashes: []string{strings.Repeat("cd", 32)}}})
	if err != nil {
		t.Fatal(err)
	}
	s.root = issued.ID
	if _, _, err := client.Send(ctx, c, key("coop"), receivableapi.Accept, receivableapi.IDBody{ID: s.root}); err != nil {
		t.Fatal(err)
	}
	split, rec, err := client.Send(ctx, c, key("coop"), receivableapi.SplitTransfer, receivableapi.SplitBody{ID: s.root, Parts: []receivableapi.PartBody{
		{To: "logistics", AmountFen: 40_000_000}, {To: "coop", AmountFen: 30_000_000}}})
	if err != nil {
		t.Fatal(err)
	}
	s.toCarrier, s.kept, s.split = split.Children[0], split.Children[1], rec.Hash
	if _, _, err := client.Send(ctx, c, key("logistics"), receivableapi.Accept, receivableapi.IDBody{ID: s.toCarrier}); err != nil {
		t.Fatal(err)
	}
	rate, fee, recourse := 450, int64(10_000), true
	if _, _, err := client.Send(ctx, c, key("coop"), receivableapi.RequestFinancing, receivableapi.FinancingBody{ID: s.kept, Bank: "bank", RateBP: &rate, FeeFen: &fee, Recourse: &recourse}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(ctx, c, key("bank"), receivableapi.ApproveFinancing, receivableapi.IDBody{ID: s.kept}); err != nil {
		t.Fatal(err)
	}
	return s
}

// as is a client signing its reads with org's admin key; "" is the
// public.
func (s *scopeStory) as(t *testing.T, org string) *client.Client {
	c := client.New(s.d)
	if org == "" {
		return c
	}
	return c.As(client.KeyFrom(nodetest.AdminKey(t, s.home, org)))
}

// TestReadScopes records the story on one node and reads it through the
// API, the explorer, the hall and offline proofs.
func TestReadScopes(t *testing.T) {
	s := newScopeStory(t)
	t.Run("api", func(t *testing.T) { testAPIScopes(t, s) })
	t.Run("explorer", func(t *testing.T) { testExplorerScopes(t, s) })
	t.Run("hall", func(t *testing.T) { testHallScopes(t, s) })
	t.Run("proofs", func(t *testing.T) { testProofsVerifyOffline(t, s) })
}

// testAPIScopes reads every endpoint and key family of the module as
// each kind of reader: the parties to the tree read it, members that are
// not get unauthorized (403) saying who may, the public unauthenticated
// (401), and the regulator and the auditor read everything.
func testAPIScopes(t *testing.T, s *scopeStory) {
	parties := []string{"foodgroup", "coop", "logistics", "bank"}
	others := []string{"market", "notary", "alliance"}
	overseers := []string{"regulator", "court"}
	all := append(append(append([]string{}, parties...), others...), overseers...)
	state := func(key []byte) string { return "/v1/state?key=" + url.QueryEscape(string(key)) }
	proofOf := func(key []byte) string { return "/v1/proof?key=" + url.QueryEscape(string(key)) }

	tests := []struct {
		what, path string
		readers    []string // members that read it; every other member gets 403
	}{
		{"receivable", "/v1/receivables/" + s.root, parties},
		{"part", "/v1/receivables/" + s.toCarrier, parties},
		{"lineage", "/v1/receivables/" + s.kept + "/lineage", parties},
		{"certificate", "/v1/receivables/" + s.toCarrier + "/certificate", parties},
		{"portfolio of coop", "/v1/receivables?holder=coop", []string{"coop"}},
		{"portfolio of the caller", "/v1/receivables", all},
		{"overview", "/v1/receivables/overview", nil},
		{"obligor", "/v1/obligors/foodgroup", []string{"foodgroup", "bank", "notary"}},
		{"financing book", "/v1/banks/bank/financings", []string{"bank"}},
		{"confirmations", "/v1/banks/bank/confirmations", []string{"bank"}},
		{"invoice", "/v1/invoices/coop/" + s.invoiceNo, parties},
		{"record key", state(receivable.ReceivableKey(s.toCarrier)), parties},
		{"log key", state(receivable.LogKey(s.kept, 1)), parties},
		{"log proof", proofOf(receivable.LogKey(s.root, 1)), parties},
		{"lineage index", state([]byte("receivable/root/" + s.root + "/" + s.kept)), parties},
		{"holder index", state([]byte("receivable/holder/logistics/" + s.toCarrier)), []string{"logistics"}},
		{"book index", state([]byte("receivable/book/bank/" + s.kept)), []string{"bank"}},
		{"obligor index", state([]byte("receivable/obligor/foodgroup/" + s.root)), []string{"foodgroup", "bank", "notary"}},
		{"credit line", state(receivable.CreditLineKey("foodgroup")), []string{"foodgroup", "bank", "notary"}},
		{"invoice key", state(receivable.InvoiceKey("coop", s.invoiceNo)), parties},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.what, func(t *testing.T) {
			for _, org := range all {
				err := s.as(t, org).Get(ctx, tc.path, nil)
				may := contains(tc.readers, org) || contains(overseers, org)
				switch {
				case may && err != nil:
					t.Errorf("%s reads %s: %v", org, tc.path, err)
				case !may && !isStatus(err, http.StatusForbidden, "unauthorized"):
					t.Errorf("%s reads %s: %v, want unauthorized (403)", org, tc.path, err)
				case !may && !strings.Contains(err.Error(), "regulators or auditors") && !strings.Contains(err.Error(), "regulators and auditors"):
					// Every refusal says who may read it.
					t.Errorf("%s reads %s: %v; the refusal does not say who may read it", org, tc.path, err)
				}
			}
			if err := s.as(t, "").Get(ctx, tc.path, nil); !isStatus(err, http.StatusUnauthorized, "unauthenticated") {
				t.Errorf("the public reads %s: %v, want unauthenticated (401)", tc.path, err)
			}
		})
	}

	// Whose portfolio a reader gets without naming one: its own.
	var pv receivableapi.PortfolioView
	if err := s.as(t, "logistics").Get(ctx, "/v1/receivables", &pv); err != nil || pv.Holder != "logistics" || len(pv.Leaves) != 1 || pv.Leaves[0].ID != s.toCarrier {
		t.Errorf("the carrier's own portfolio: %+v, %v", pv, err)
	}
	// A receivable that does not exist is refused like one that does.
	missing := "RC20260101-0123456789ABCDEF0123"
	if err := s.as(t, "market").Get(ctx, "/v1/receivables/"+missing, nil); !isStatus(err, http.StatusForbidden, "unauthorized") {
		t.Errorf("a member reads a missing receivable: %v, want unauthorized", err)
	}
	if err := s.as(t, "regulator").Get(ctx, "/v1/receivables/"+missing, nil); !client.IsCode(err, "not_found") {
		t.Errorf("the regulator reads a missing receivable: %v, want not_found", err)
	}
}

// testExplorerScopes reads the split's transaction: the parties to the
// tree get its body, another member only where and how it ended
// (redacted "body"), the public less (redacted "all").
func testExplorerScopes(t *testing.T, s *scopeStory) {
	ctx := context.Background()
	type txView struct {
		Module   string          `json:"module"`
		Action   string          `json:"action"`
		Body     json.RawMessage `json:"body"`
		Result   json.RawMessage `json:"result"`
		Redacted string          `json:"redacted"`
	}
	for _, tc := range []struct{ org, redacted string }{
		{"coop", ""}, {"logistics", ""}, {"bank", ""}, {"foodgroup", ""}, {"regulator", ""}, {"court", ""},
		{"market", "body"}, {"notary", "body"}, {"", "all"},
	} {
		var v txView
		if err := s.as(t, tc.org).Get(ctx, "/v1/txs/"+s.split, &v); err != nil {
			t.Fatalf("%q reads the split: %v", tc.org, err)
		}
		if v.Redacted != tc.redacted {
			t.Errorf("%q reads the split: redacted %q, want %q", tc.org, v.Redacted, tc.redacted)
		}
		var body receivableapi.SplitBody
		hasBody := len(v.Body) > 0 && json.Unmarshal(v.Body, &body) == nil && body.ID == s.root
		if hasBody != (tc.redacted == "") || (tc.redacted != "" && len(v.Result) != 0) {
			t.Errorf("%q reads the split: body %s result %s (redacted %q)", tc.org, v.Body, v.Result, tc.redacted)
		}
		if (v.Action == receivableapi.SplitTransfer.Name) != (tc.redacted != "all") {
			t.Errorf("%q reads the split: action %q (redacted %q)", tc.org, v.Action, tc.redacted)
		}
	}
}

// testHallScopes opens the receivable's hall page as a party, as a
// member that is not one (a "not a party" page, 403), and the overview
// as the auditor.
func testHallScopes(t *testing.T, s *scopeStory) {
	for _, tc := range []struct {
		user, path string
		status     int
		want       string
	}{
		{"logistics-admin", "/hall/receivables/" + s.root, http.StatusOK, s.kept},
		{"bank-admin", "/hall/receivables/" + s.root, http.StatusOK, "WB-2026-0815"},
		{"bank-admin", "/hall/receivables/" + s.toCarrier, http.StatusOK, s.root},
		{"market-admin", "/hall/receivables/" + s.root, http.StatusForbidden, "不是这笔应收账款的当事方"},
		{"notary-admin", "/hall/receivables/" + s.kept, http.StatusForbidden, "不是这笔应收账款的当事方"},
		{"market-admin", "/hall/receivables/RC20260101-0123456789ABCDEF0123", http.StatusForbidden, "不是这笔应收账款的当事方"},
		{"court-admin", "/hall/receivables/" + s.kept, http.StatusOK, s.toCarrier},
		{"court-admin", "/hall/receivables", http.StatusOK, "监管总览"},
		{"market-admin", "/hall/receivables", http.StatusOK, ""},
	} {
		hc := hall(t, s.d, tc.user)
		resp, err := hc.Get(s.d + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(page), tc.want) {
			t.Errorf("%s opens %s: %d, want %d with %q", tc.user, tc.path, resp.StatusCode, tc.status, tc.want)
		}
		if tc.status != http.StatusOK && strings.Contains(string(page), "WB-2026-0815") {
			t.Errorf("%s opens %s: the refusal shows the contract number", tc.user, tc.path)
		}
		if tc.user == "market-admin" && strings.Contains(string(page), "监管总览") {
			t.Errorf("%s opens %s: it shows the regulator's overview", tc.user, tc.path)
		}
	}

	// The page's proof bundle download: a file dengta verify checks, for
	// the parties only.
	trust, err := proof.ParseTrust(node.GenesisFile(s.home))
	if err != nil {
		t.Fatal(err)
	}
	for user, status := range map[string]int{"logistics-admin": http.StatusOK, "market-admin": http.StatusForbidden} {
		hc := hall(t, s.d, user)
		resp, err := hc.Get(s.d + "/hall/receivables/" + s.kept + "/certificate")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Errorf("%s downloads the certificate: %d, want %d", user, resp.StatusCode, status)
			continue
		}
		if status != http.StatusOK {
			continue
		}
		if r, err := proof.Verify(raw, trust); err != nil || r.Key != string(receivable.ReceivableKey(s.kept)) || !r.Exists {
			t.Errorf("%s downloads the certificate: %v (%+v)", user, err, r)
		}
	}
}

// testProofsVerifyOffline checks that the proof bundles a receivable's
// and a lineage's answers carry are bundle files as `dengta verify` reads
// them, each proving its record against the genesis validators with no
// node.
func testProofsVerifyOffline(t *testing.T, s *scopeStory) {
	ctx := context.Background()
	c := s.as(t, "logistics")
	trust, err := proof.ParseTrust(node.GenesisFile(s.home))
	if err != nil {
		t.Fatal(err)
	}
	lv, err := client.Read(ctx, c, receivableapi.Lineage, receivableapi.LineageParams{ID: s.toCarrier, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(lv.Proofs) != len(lv.Nodes) || len(lv.Nodes) != 4 {
		t.Fatalf("%d proofs for %d nodes", len(lv.Proofs), len(lv.Nodes))
	}
	for _, n := range lv.Nodes {
		key := string(receivable.ReceivableKey(n.ID))
		r, err := proof.Verify([]byte(lv.Proofs[key]), trust)
		if err != nil {
			t.Fatalf("bundle of %s: %v", key, err)
		}
		var rc receivableapi.Receivable
		if r.Key != key || !r.Exists || json.Unmarshal(r.Value, &rc) != nil || rc.Holder != n.Holder || rc.FaceFen != n.FaceFen {
			t.Fatalf("bundle of %s proves %q (exists %v): %s", key, r.Key, r.Exists, r.Value)
		}
	}
	rv, err := client.Read(ctx, c, receivableapi.GetReceivable, receivableapi.IDParams{ID: s.kept, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Proofs) != 1+len(rv.Log) || len(rv.Log) < 3 {
		t.Fatalf("%d proofs for the record and %d log entries", len(rv.Proofs), len(rv.Log))
	}
	for _, e := range rv.Log {
		key := string(receivable.LogKey(s.kept, e.Seq))
		r, err := proof.Verify([]byte(rv.Proofs[key]), trust)
		if err != nil {
			t.Fatalf("bundle of %s: %v", key, err)
		}
		var got receivableapi.LogEntry
		if r.Key != key || json.Unmarshal(r.Value, &got) != nil || got.Kind != e.Kind || got.TxHash != e.TxHash {
			t.Fatalf("bundle of %s proves %q: %s, want %+v", key, r.Key, r.Value, e)
		}
	}
	// The bundle as it travelled before (re-encoded inside the answer)
	// is refused: the verifier reads the canonical bytes only.
	raw := []byte(rv.Proofs[string(receivable.ReceivableKey(s.kept))])
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := proof.Verify(compact.Bytes(), trust); err == nil {
		t.Fatal("a re-encoded bundle verifies")
	}
	// Without ?prove, no bundles.
	plain, err := client.Read(ctx, c, receivableapi.Lineage, receivableapi.LineageParams{ID: s.root})
	if err != nil || plain.Proofs != nil {
		t.Fatalf("lineage without prove: %d proofs, %v", len(plain.Proofs), err)
	}
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isStatus reports whether err is the API's error of HTTP status and
// code name.
func isStatus(err error, status int, name string) bool {
	var ce *client.Error
	return errors.As(err, &ce) && ce.Status == status && ce.Name == name
}
