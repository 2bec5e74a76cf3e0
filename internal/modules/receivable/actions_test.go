package receivable_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/modules/receivable"
	"github.com/dengta-chain/dengta/internal/modules/receivable/receivableapi"
	"github.com/dengta-chain/dengta/internal/role"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too. (The registry's matrix test checks that the
// application enforces the declarations.)
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"set_credit_line":   {role.Bank},
		"issue":             {receivableapi.CoreEnterprise},
		"accept":            {role.Supplier, role.Bank},
		"reject":            {role.Supplier, role.Bank},
		"cancel":            {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
		"confirm":           {role.Bank},
		"split_transfer":    {role.Supplier, role.Bank},
		"request_financing": {role.Supplier, role.Bank},
		"approve_financing": {role.Bank},
		"decline_financing": {role.Bank},
		"settle":            {receivableapi.CoreEnterprise},
		"freeze":            {role.Regulator},
		"unfreeze":          {role.Regulator},
	}
	seen := 0
	for _, a := range (receivable.Module{}).Actions() {
		w, ok := want[a.Name]
		if !ok {
			t.Errorf("action %s is not in the table", a.Name)
			continue
		}
		seen++
		got := slices.Clone(a.Roles)
		slices.Sort(got)
		w = slices.Clone(w)
		slices.Sort(w)
		if !slices.Equal(got, w) || a.AdminOnly {
			t.Errorf("action %s declares roles %v admin=%v, the table says %v", a.Name, a.Roles, a.AdminOnly, w)
		}
	}
	if seen != len(want) {
		t.Errorf("the module declares %d of the table's %d actions", seen, len(want))
	}
}
