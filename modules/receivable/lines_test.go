package receivable_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// A bank's credit lines are those it set last: another bank's later limit
// for the same obligor takes the line over.
func TestCreditLinesSetBy(t *testing.T) {
	c := newChain(t)
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core2, "limit_fen": 300 * wan}, errcode.OK)
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 100 * wan}, errcode.OK)
	do(t, c, bankB, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 200 * wan}, errcode.OK)
	for _, tc := range []struct {
		bank    string
		obligor []string
		limit   []int64
	}{
		{bankA, []string{core2}, []int64{300 * wan}},
		{bankB, []string{core}, []int64{200 * wan}},
		{supA, nil, nil},
	} {
		lines, err := receivable.CreditLinesSetBy(c.View(), tc.bank)
		if err != nil || len(lines) != len(tc.obligor) {
			t.Fatalf("%s: %+v %v", tc.bank, lines, err)
		}
		for i, l := range lines {
			if l.Obligor != tc.obligor[i] || l.LimitFen != tc.limit[i] || l.SetBy.Org != tc.bank {
				t.Errorf("%s line %d: %+v", tc.bank, i, l)
			}
		}
	}
	if _, err := receivable.CreditLinesSetBy(c.View(), ""); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("no bank: %v", err)
	}
}
