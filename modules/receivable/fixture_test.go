package receivable_test

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// fx is a chain with the core enterprise's credit line set, and helpers
// that bring receivables into a given state.
type fx struct {
	t *testing.T
	c *testchain.Chain
	n int
}

const fxLine = 10_000_000 * yuan

func newFx(t *testing.T) *fx {
	f := &fx{t: t, c: newChain(t)}
	do(t, f.c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": fxLine}, errcode.OK)
	return f
}

// issue issues face fen to to, maturing in days, with a fresh invoice of
// the same amount, and returns the pending root.
func (f *fx) issue(to string, face int64, days int) string {
	f.t.Helper()
	f.n++
	res := do(f.t, f.c, core, "issue", issueOf(to, face, addDays(today(f.c), days), tradeOf(fmt.Sprintf("FX-%d", f.n), face)), errcode.OK)
	return str(testchain.Result(f.t, res), "id")
}

// active issues and accepts.
func (f *fx) active(to string, face int64, days int) string {
	f.t.Helper()
	id := f.issue(to, face, days)
	do(f.t, f.c, to, "accept", idBody(id), errcode.OK)
	return id
}

func (f *fx) split(org, id string, parts ...part) []string {
	f.t.Helper()
	return children(f.t, do(f.t, f.c, org, "split_transfer", splitOf(id, parts...), errcode.OK))
}

func (f *fx) requested(org, id, bank string) {
	f.t.Helper()
	do(f.t, f.c, org, "request_financing", financeOf(id, bank, 400, 100*yuan, true), errcode.OK)
}

// confirmationAsked issues an active root to holder, which asks bank to
// confirm it.
func (f *fx) confirmationAsked(holder, bank string) string {
	f.t.Helper()
	id := f.active(holder, 100*wan, 30)
	do(f.t, f.c, holder, "request_confirmation", map[string]any{"id": id, "bank": bank}, errcode.OK)
	return id
}

func (f *fx) freeze(id string) {
	f.t.Helper()
	do(f.t, f.c, reg, "freeze", map[string]any{"id": id, "reason": "核查"}, errcode.OK)
}

type vcase testchain.Case

// refusals runs a refusal table (testchain.Refusals); every case names
// its signer.
func refusals(t *testing.T, c *testchain.Chain, action string, cases []vcase) {
	t.Helper()
	testchain.Refusals(t, c, "receivable", "", action, cases)
}

const (
	mal      = errcode.MalformedBody
	notFound = errcode.NotFound
	unauth   = errcode.Unauthorized
	ruleV    = errcode.RuleViolation
	conflict = errcode.Conflict
)

const bogusID = "RC20260101-00000000000000000000"
