package receivable_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/module"

	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/tx"
)

// The test consortium: two core enterprises, three suppliers, two banks
// and two regulators.
const (
	core  = "core"
	core2 = "core-2"
	supA  = "sup-a"
	supB  = "sup-b"
	supC  = "sup-c"
	bankA = "bank-a"
	bankB = "bank-b"
	reg   = "regulator"
	reg2  = "regulator-2"
)

func consortium() []testchain.Org {
	return []testchain.Org{
		{ID: core, Roles: []role.Role{receivableapi.CoreEnterprise}, Validator: true},
		{ID: core2, Roles: []role.Role{receivableapi.CoreEnterprise}},
		{ID: supA, Roles: []role.Role{role.Supplier}},
		{ID: supB, Roles: []role.Role{role.Supplier}},
		{ID: supC, Roles: []role.Role{role.Supplier}},
		{ID: bankA, Roles: []role.Role{role.Bank}},
		{ID: bankB, Roles: []role.Role{role.Bank}},
		{ID: reg, Roles: []role.Role{role.Regulator}},
		{ID: reg2, Roles: []role.Role{role.Regulator}},
	}
}

var cstZone = time.FixedZone("UTC+8", 8*3600)

const (
	yuan = int64(100) // fen per yuan
	wan  = 10_000 * yuan
)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium()})
}

func admin(c *testchain.Chain, org string) *tx.PrivateKey { return c.Members[org].Admin }

// today is the date of the next block in China Standard Time.
func today(c *testchain.Chain) string {
	return c.Time.Add(time.Second).In(cstZone).Format(time.DateOnly)
}

// setDate makes the next block fall at 10:00 on date (China Standard
// Time); time only moves forward.
func setDate(t testing.TB, c *testchain.Chain, date string) {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, date, cstZone)
	if err != nil {
		t.Fatal(err)
	}
	next := d.Add(10 * time.Hour).Add(-time.Second)
	if next.Before(c.Time) {
		t.Fatalf("cannot go back to %s", date)
	}
	c.Time = next
}

// addDays returns date + n days.
func addDays(date string, n int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// tradeOf is a trade background with invoice no backing amount fen.
func tradeOf(no string, amount int64) map[string]any {
	return map[string]any{
		"contract_no": "HT-2026-" + no, "invoice_no": no, "invoice_amount_fen": amount,
		"invoice_sha256": hash("invoice " + no), "delivery_doc_hashes": []string{hash("delivery " + no)},
	}
}

func issueOf(to string, face int64, maturity string, trade map[string]any) map[string]any {
	return map[string]any{"to": to, "face_fen": face, "maturity_date": maturity, "trade": trade}
}

// with is testchain.With, short for the refusal tables.
var with = testchain.With

func idBody(id string) map[string]any { return map[string]any{"id": id} }

type part struct {
	To     string `json:"to"`
	Amount int64  `json:"amount_fen"`
}

func splitOf(id string, parts ...part) map[string]any {
	return map[string]any{"id": id, "parts": parts}
}

func financeOf(id, bank string, rate int, fee int64, recourse bool) map[string]any {
	return map[string]any{"id": id, "bank": bank, "rate_bp": rate, "fee_fen": fee, "recourse": recourse}
}

func settleOf(id string, amount int64) map[string]any {
	return map[string]any{"id": id, "amount_fen": amount}
}

// do runs one receivable action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	return testchain.Do(t, c, org, "receivable", action, body, want)
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func children(t testing.TB, res *abci.ExecTxResult) []string {
	t.Helper()
	var r struct {
		Children []string `json:"children"`
	}
	if err := json.Unmarshal(res.Data, &r); err != nil {
		t.Fatal(err)
	}
	return r.Children
}

func get(t testing.TB, c *testchain.Chain, id string) *receivable.Receivable {
	t.Helper()
	r, err := receivable.GetReceivable(c.View(), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return r
}

// expectedID recomputes a receivable id from the documented formula,
// without the module's code.
func expectedID(blockTime time.Time, issuer string, raw []byte, index int) string {
	h := tx.Hash(raw)
	msg := "dengta/receivable/v1\x00" + issuer + "\x00" + strings.ToUpper(hex.EncodeToString(h[:])) + "\x00" + fmt.Sprint(index)
	sum := sha256.Sum256([]byte(msg))
	return "RC" + blockTime.In(cstZone).Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
}

// own is the module under test, alone on its chains, with its roles.
var (
	own      = []module.Module{receivable.Module{}}
	ownRoles = role.MustSet(receivableapi.Roles...)
)

// logContains requires a refusal's message to name each of subs: who may
// act, and what would be right.
func logContains(t testing.TB, res *abci.ExecTxResult, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(res.Log, s) {
			t.Errorf("message %q does not mention %q", res.Log, s)
		}
	}
}
