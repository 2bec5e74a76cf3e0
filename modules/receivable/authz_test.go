package receivable_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// TestAuthorization tries every action, in a state where it can succeed,
// with every organisation of the consortium: those without the role are
// refused by the application, those with the role but not the party (not
// the holder, not the receiver, not the requested bank, not the obligor)
// by the module, both as unauthorized and without a write; then the party
// succeeds.
func TestAuthorization(t *testing.T) {
	all := []string{core, core2, supA, supB, supC, bankA, bankB, reg, reg2}
	type tc struct {
		action  string
		allowed []string // may succeed; the first does
		setup   func(f *fx) any
	}
	cases := []tc{
		{"set_credit_line", []string{bankB, bankA}, func(f *fx) any {
			return map[string]any{"obligor": core, "limit_fen": 1}
		}},
		// core-2 may issue its own receivables (it has no credit line here).
		{"issue", []string{core, core2}, func(f *fx) any {
			return issueOf(supA, 100, addDays(today(f.c), 30), tradeOf("AUTH", 100))
		}},
		{"accept", []string{supB}, func(f *fx) any { return idBody(f.issue(supB, 100, 30)) }},
		{"reject", []string{supB}, func(f *fx) any { return idBody(f.issue(supB, 100, 30)) }},
		{"cancel", []string{core}, func(f *fx) any { return idBody(f.issue(supB, 100, 30)) }},
		{"accept part", []string{supC}, func(f *fx) any { return idBody(f.split(supA, f.active(supA, 100, 30), part{supC, 10})[0]) }},
		{"reject part", []string{supC}, func(f *fx) any { return idBody(f.split(supA, f.active(supA, 100, 30), part{supC, 10})[0]) }},
		{"cancel part", []string{supA}, func(f *fx) any { return idBody(f.split(supA, f.active(supA, 100, 30), part{supC, 10})[0]) }},
		{"cancel part sent by a bank", []string{bankA}, func(f *fx) any {
			id := f.split(supA, f.active(supA, 100, 30), part{bankA, 10})[0]
			do(t, f.c, bankA, "accept", idBody(id), errcode.OK)
			return idBody(f.split(bankA, id, part{supB, 1})[0])
		}},
		{"request_confirmation", []string{supA, core}, func(f *fx) any {
			return map[string]any{"id": f.active(supA, 100, 30), "bank": bankA}
		}},
		{"request_confirmation by a bank holder", []string{bankB, core}, func(f *fx) any {
			id := f.active(supA, 100*wan, 30)
			f.requested(supA, id, bankB)
			do(t, f.c, bankB, "approve_financing", idBody(id), errcode.OK)
			return map[string]any{"id": id, "bank": bankA}
		}},
		{"withdraw_confirmation", []string{core}, func(f *fx) any {
			id := f.active(supA, 100, 30)
			do(t, f.c, core, "request_confirmation", map[string]any{"id": id, "bank": bankA}, errcode.OK)
			return idBody(id)
		}},
		{"decline_confirmation", []string{bankA}, func(f *fx) any {
			return map[string]any{"id": f.confirmationAsked(supA, bankA), "reason": "x"}
		}},
		{"confirm", []string{bankA}, func(f *fx) any { return idBody(f.confirmationAsked(supA, bankA)) }},
		{"split_transfer", []string{supA}, func(f *fx) any { return splitOf(f.active(supA, 100, 30), part{supB, 10}) }},
		{"split_transfer by a bank holder", []string{bankB}, func(f *fx) any {
			id := f.split(supA, f.active(supA, 100, 30), part{bankB, 10})[0]
			do(t, f.c, bankB, "accept", idBody(id), errcode.OK)
			return splitOf(id, part{supB, 1})
		}},
		{"request_financing", []string{supA}, func(f *fx) any { return financeOf(f.active(supA, 100*wan, 30), bankA, 300, 0, false) }},
		{"approve_financing", []string{bankB}, func(f *fx) any {
			id := f.active(supA, 100*wan, 30)
			f.requested(supA, id, bankB)
			return idBody(id)
		}},
		{"decline_financing", []string{bankB}, func(f *fx) any {
			id := f.active(supA, 100*wan, 30)
			f.requested(supA, id, bankB)
			return idBody(id)
		}},
		{"settle", []string{core}, func(f *fx) any {
			id := f.active(supA, 100, 1)
			setDate(t, f.c, addDays(today(f.c), 1))
			return settleOf(id, 100)
		}},
		{"settle financed", []string{core}, func(f *fx) any {
			id := f.active(supA, 100*wan, 2)
			f.requested(supA, id, bankA)
			do(t, f.c, bankA, "approve_financing", idBody(id), errcode.OK)
			setDate(t, f.c, addDays(today(f.c), 2))
			return settleOf(id, 100*wan)
		}},
		{"freeze", []string{reg, reg2}, func(f *fx) any { return map[string]any{"id": f.active(supA, 100, 30), "reason": "x"} }},
		{"unfreeze", []string{reg}, func(f *fx) any {
			id := f.active(supA, 100, 30)
			f.freeze(id)
			return map[string]any{"id": id, "reason": "x"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			f := newFx(t)
			body := tc.setup(f)
			action, _, _ := strings.Cut(tc.action, " ")
			for _, org := range all {
				if slices.Contains(tc.allowed, org) {
					continue
				}
				before := testchain.Snapshot(t, f.c, "receivable/")
				res := do(t, f.c, org, action, body, errcode.Unauthorized)
				t.Logf("%s: %s", org, res.Log)
				testchain.SameState(t, org, before, testchain.Snapshot(t, f.c, "receivable/"))
			}
			do(t, f.c, tc.allowed[0], action, body, errcode.OK)
			checkInvariants(t, f.c)
		})
	}
}
