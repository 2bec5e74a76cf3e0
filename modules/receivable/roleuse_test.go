package receivable_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// TestRoleUse: what taking a role away would strand, as a governance
// preview shows it: an obligor's debt, a holder's receivables; nothing
// for an organisation without open records, or one that keeps a holder
// role.
func TestRoleUse(t *testing.T) {
	f := newFx(t)
	c := f.c
	do(t, c, core, "issue", issueOf(supA, 100*wan, addDays(today(c), 30), tradeOf("RU-1", 100*wan)), errcode.OK)
	m := receivable.Module{}
	core := []role.Role{receivableapi.CoreEnterprise}
	for _, tc := range []struct {
		org           string
		removed, kept []role.Role
		want          []string // substrings of each notice's English, in order
	}{
		{"core", core, nil, []string{"owes 1,000,000.00 yuan"}},
		{"core-2", core, nil, nil},
		{"sup-a", []role.Role{role.Supplier}, nil, []string{"is offered 1 receivables (1,000,000.00 yuan open)"}},
		{"sup-a", []role.Role{role.Supplier}, []role.Role{role.Bank}, nil},
		{"sup-b", []role.Role{role.Supplier}, nil, nil},
	} {
		got, err := m.RoleUse(c.View(), tc.org, tc.removed, tc.kept)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s without %v: %+v, want %d notices", tc.org, tc.removed, got, len(tc.want))
		}
		for i, w := range tc.want {
			if !strings.Contains(got[i].EN, w) || got[i].ZH == "" || !strings.Contains(got[i].ZH, tc.org) {
				t.Errorf("%s without %v: %+v, want %q", tc.org, tc.removed, got[i], w)
			}
		}
	}
}
