package receivable_test

import (
	"encoding/json"
	"errors"
	"maps"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// These tests call the handlers directly over an in-memory store: for
// fuzzing, and for states no chain of this consortium reaches (a removed
// organisation, an id collision).

var (
	handlerTime = time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC) // 2026-05-20 11:00 CST
	lateTime    = handlerTime.AddDate(0, 0, 40)                // after the seeded maturities
)

var memRoles = map[string][]role.Role{
	core: {receivableapi.CoreEnterprise}, supA: {role.Supplier}, supB: {role.Supplier}, bankA: {role.Bank}, bankB: {role.Bank}, reg: {role.Regulator},
	"gone": {role.Supplier},
}

func handler(t testing.TB, name string) module.Handler {
	t.Helper()
	return testchain.Handler(t, receivable.Module{}, name)
}

var txCounter byte

func handlerCtx(kv testchain.MemKV, org string, at time.Time) *module.Context {
	txCounter++
	return &module.Context{ChainID: "dengta-test", Height: 7, Time: at, TxHash: [32]byte{1, 2, txCounter},
		Signer: module.Signer{Org: org, Roles: memRoles[org]}, Store: kv}
}

func run(t testing.TB, kv testchain.MemKV, org, action string, body any) map[string]any {
	t.Helper()
	ctx := handlerCtx(kv, org, handlerTime)
	if err := handler(t, action)(ctx, []byte(testchain.Encode(body))); err != nil {
		t.Fatalf("%s by %s: %v", action, org, err)
	}
	var m map[string]any
	json.Unmarshal(ctx.Result(), &m)
	return m
}

// seeded returns a store with the organisations, a credit line, an active
// root held by sup-a that asks bank-b to confirm it, a pending root for
// sup-b, a part under financing review, a frozen part and a passed
// governance decision to lift that freeze.
func seeded(t testing.TB) (testchain.MemKV, map[string]string) {
	kv := testchain.MemKV{}
	for _, org := range slices.Sorted(maps.Keys(memRoles)) {
		kv[string(module.OrgKey(org))] = []byte(testchain.Encode(map[string]any{"id": org, "active": org != "gone", "roles": memRoles[org]}))
	}
	run(t, kv, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 1000 * wan})
	d := receivable.BlockDate(handlerTime)
	ids := map[string]string{}
	ids["RC-ACTIVE"] = str(run(t, kv, core, "issue", issueOf(supA, 100*wan, addDays(d, 30), tradeOf("F-1", 100*wan))), "id")
	run(t, kv, supA, "accept", idBody(ids["RC-ACTIVE"]))
	ids["RC-PENDING"] = str(run(t, kv, core, "issue", issueOf(supB, 50*wan, addDays(d, 30), tradeOf("F-2", 50*wan))), "id")
	other := str(run(t, kv, core, "issue", issueOf(supA, 100*wan, addDays(d, 30), tradeOf("F-3", 100*wan))), "id")
	run(t, kv, supA, "accept", idBody(other))
	var res struct {
		Children []string `json:"children"`
	}
	ctx := handlerCtx(kv, supA, handlerTime)
	if err := handler(t, "split_transfer")(ctx, []byte(testchain.Encode(splitOf(other, part{supB, 10 * wan}, part{supA, 20 * wan})))); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(ctx.Result(), &res)
	ids["RC-PART"], ids["RC-FINANCE"], ids["RC-REST"] = res.Children[0], res.Children[1], res.Children[2]
	run(t, kv, supA, "request_financing", financeOf(ids["RC-FINANCE"], bankA, 300, 0, true))
	run(t, kv, reg, "freeze", map[string]any{"id": ids["RC-REST"], "reason": "x"})
	run(t, kv, supA, "request_confirmation", map[string]any{"id": ids["RC-ACTIVE"], "bank": bankB})
	kv[string(module.ProposalKey(1))] = []byte(testchain.Encode(map[string]any{"id": 1, "kind": "authorize_action", "status": "passed", "created_height": 7,
		"action": map[string]any{"module": "receivable", "action": "unfreeze_by_decision", "subject": ids["RC-REST"]}}))
	return kv, ids
}

func TestRemovedCounterparty(t *testing.T) {
	kv, ids := seeded(t)
	d := receivable.BlockDate(handlerTime)
	for _, tc := range []struct {
		org, action string
		body        any
	}{
		{core, "issue", issueOf("gone", 100, addDays(d, 10), tradeOf("G", 100))},
		{supA, "split_transfer", splitOf(ids["RC-ACTIVE"], part{"gone", 1})},
		{bankA, "set_credit_line", map[string]any{"obligor": "gone", "limit_fen": 1}},
	} {
		before := maps.Clone(kv)
		err := handler(t, tc.action)(handlerCtx(kv, tc.org, handlerTime), []byte(testchain.Encode(tc.body)))
		if errcode.Of(err) != errcode.RuleViolation || !strings.Contains(errcode.Message(err), "removed") {
			t.Fatalf("%s naming a removed organisation: %v", tc.action, err)
		}
		if !maps.EqualFunc(before, kv, slices.Equal) {
			t.Fatalf("%s: the refusal wrote", tc.action)
		}
	}
}

func TestIDCollisionIsAConflict(t *testing.T) {
	kv, ids := seeded(t)
	d := receivable.BlockDate(handlerTime)
	ctx := handlerCtx(kv, core, handlerTime)
	kv[string(receivable.ReceivableKey(receivable.ReceivableID(handlerTime, core, ctx.TxHash, 0)))] = []byte(`{"id":"someone else's"}`)
	before := maps.Clone(kv)
	err := handler(t, "issue")(ctx, []byte(testchain.Encode(issueOf(supA, 100, addDays(d, 10), tradeOf("C", 100)))))
	if errcode.Of(err) != errcode.Conflict || !maps.EqualFunc(before, kv, slices.Equal) {
		t.Fatalf("issue over an occupied id: %v", err)
	}
	// The remainder of a split collides: nothing of the split is written.
	ctx = handlerCtx(kv, supA, handlerTime)
	kv[string(receivable.ReceivableKey(receivable.ReceivableID(handlerTime, supA, ctx.TxHash, 2)))] = []byte(`{"id":"x"}`)
	before = maps.Clone(kv)
	err = handler(t, "split_transfer")(ctx, []byte(testchain.Encode(splitOf(ids["RC-ACTIVE"], part{supB, 1}))))
	if errcode.Of(err) != errcode.Conflict || !maps.EqualFunc(before, kv, slices.Equal) {
		t.Fatalf("split over an occupied id: %v", err)
	}
}

func TestDiscount(t *testing.T) {
	cases := []struct {
		face int64
		rate int
		days int64
		want int64
	}{
		{20_000_000, 365, 181, 367_027}, // 367,027.77...
		{100, 10_000, 360, 100},
		{100, 10_000, 359, 99},   // 99.72 down
		{1, 1, 1, 0},             // tiny
		{3_600_000, 1, 1, 1},     // exactly one fen
		{3_599_999, 1, 1, 0},     // just below
		{100_000_000, 0, 180, 0}, // no rate
		{100_000_000, 385, 0, 0}, // no days
		{receivable.MaxFen, receivable.MaxRateBP, 366, 1_016_666_666_666_666},
		{receivable.MaxFen, 9_999, 365, 1_013_787_500_000_000},
	}
	for _, c := range cases {
		got := receivable.Discount(c.face, c.rate, c.days)
		n := new(big.Int).Mul(big.NewInt(c.face), big.NewInt(int64(c.rate)*c.days))
		ref := n.Quo(n, big.NewInt(3_600_000)).Int64()
		if got != c.want || got != ref {
			t.Errorf("Discount(%d, %d, %d) = %d, want %d (big: %d)", c.face, c.rate, c.days, got, c.want, ref)
		}
	}
}

func TestQueryInput(t *testing.T) {
	c := newChain(t)
	v := c.View()
	for name, err := range map[string]error{
		"portfolio date": second(receivable.Portfolio(v, supA, "2026-13-01")),
		"portfolio org":  second(receivable.Portfolio(v, "SUP A", "2026-01-01")),
		"obligor date":   second(receivable.ObligorOutstanding(v, core, "tomorrow")),
		"book org":       second(receivable.FinancedBook(v, "", "2026-01-01")),
		"overview date":  second(receivable.RegulatorOverview(v, "2026-1-1")),
		"lineage date":   second(receivable.Lineage(v, bogusID, "")),
	} {
		if errcode.Of(err) != errcode.BadRequest {
			t.Errorf("%s: %v, want bad_request", name, err)
		}
	}
	if _, err := receivable.Lineage(v, bogusID, "2026-01-01"); errcode.Of(err) != errcode.NotFound {
		t.Errorf("lineage of an unknown id: %v", err)
	}
	if _, err := receivable.GetReceivable(v, "../etc"); errcode.Of(err) != errcode.NotFound {
		t.Errorf("get of a malformed id: %v", err)
	}
	p, err := receivable.Portfolio(v, supA, "2026-01-01")
	if err != nil || len(p.Leaves) != 0 || p.FaceFen != 0 {
		t.Errorf("empty portfolio %+v %v", p, err)
	}
}

func second[T any](_ T, err error) error { return err }

// fuzzBodies are seeds: a valid body of every action, with placeholders
// the fuzz function replaces with seeded ids.
func fuzzBodies() []any {
	d := receivable.BlockDate(handlerTime)
	return []any{
		map[string]any{"obligor": core, "limit_fen": 2000 * wan},
		issueOf(supA, 10*wan, addDays(d, 20), tradeOf("F-1", 100*wan)),
		issueOf(supB, 10*wan, addDays(d, 20), tradeOf("F-9", 10*wan)),
		idBody("RC-PENDING"), idBody("RC-PART"), idBody("RC-ACTIVE"), idBody("RC-FINANCE"),
		map[string]any{"id": "RC-PENDING", "reason": "不符"},
		map[string]any{"id": "RC-REST", "reason": "解除"},
		splitOf("RC-ACTIVE", part{supB, 10 * wan}, part{bankA, 5}, part{supA, 1}),
		financeOf("RC-ACTIVE", bankB, 385, 100, false),
		settleOf("RC-ACTIVE", 100*wan), settleOf("RC-REST", 1),
		map[string]any{"id": "RC-ACTIVE", "bank": bankA},
		map[string]any{"id": "RC-REST", "proposal_id": 1, "reason": "联盟决议"},
	}
}

// FuzzActions sends arbitrary bodies to every action, signed by an
// organisation with the action's role, before and after maturity, over a
// store with records to refer to: no panic, every refusal coded (never
// internal) and without a write.
func FuzzActions(f *testing.F) {
	for _, b := range fuzzBodies() {
		f.Add([]byte(testchain.Encode(b)))
	}
	f.Add([]byte(`{"id":"RC-ACTIVE","id":"RC-ACTIVE"}`))
	f.Add([]byte(`{"ID":"RC-ACTIVE"}`))
	f.Add([]byte(`{"id":"RC-ACTIVE","parts":[{"to":"sup-b","amount_fen":1e3}]}`))
	f.Add([]byte(`{"id":"RC-ACTIVE","amount_fen":-9223372036854775808}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	signers := map[string][]string{
		"set_credit_line": {bankA}, "issue": {core}, "accept": {supB, supA}, "reject": {supB}, "cancel": {core, supA},
		"confirm": {bankB}, "split_transfer": {supA}, "request_financing": {supA}, "approve_financing": {bankA},
		"decline_financing": {bankA}, "settle": {core}, "freeze": {reg}, "unfreeze": {reg},
		"request_confirmation": {supA, core}, "withdraw_confirmation": {supA}, "decline_confirmation": {bankB},
		"unfreeze_by_decision": {supB},
	}
	actions := (receivable.Module{}).Actions()
	f.Fuzz(func(t *testing.T, body []byte) {
		kv, ids := seeded(t)
		s := string(body)
		for _, k := range slices.Sorted(maps.Keys(ids)) {
			s = strings.ReplaceAll(s, k, ids[k])
		}
		body = []byte(s)
		for _, at := range []time.Time{handlerTime, lateTime} {
			for _, a := range actions {
				for _, org := range signers[a.Name] {
					before := maps.Clone(kv)
					err := a.Handle(handlerCtx(kv, org, at), body)
					if err == nil {
						continue
					}
					var e *errcode.Error
					if !errors.As(err, &e) || e.Code == errcode.Internal || e.Msg == "" {
						t.Fatalf("%s by %s: uncoded refusal %v", a.Name, org, err)
					}
					if !maps.EqualFunc(before, kv, slices.Equal) {
						t.Fatalf("%s by %s: a refusal wrote", a.Name, org)
					}
				}
			}
		}
		// Whatever succeeded, the tree of every seeded root still adds up.
		for _, id := range []string{ids["RC-ACTIVE"], ids["RC-PENDING"]} {
			checkTree(t, kv, id)
		}
	})
}

// checkTree checks value conservation under a receivable of a testchain.MemKV.
func checkTree(t *testing.T, kv testchain.MemKV, id string) {
	t.Helper()
	r, err := receivable.GetReceivable(kv, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.SettledFen < 0 || r.SettledFen > r.FaceFen {
		t.Fatalf("%s settled %d of %d", id, r.SettledFen, r.FaceFen)
	}
	if len(r.Children) == 0 {
		return
	}
	var sum int64
	for _, c := range r.Children {
		k, err := receivable.GetReceivable(kv, c)
		if err != nil {
			t.Fatal(err)
		}
		sum += k.FaceFen
		checkTree(t, kv, c)
	}
	if sum != r.FaceFen {
		t.Fatalf("%s: children sum to %d, face %d", id, sum, r.FaceFen)
	}
}
