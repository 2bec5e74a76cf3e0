package notary_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/modules/notary"
	"github.com/dengta-chain/dengta/internal/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/internal/role"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too. (The registry's matrix test checks that the
// application enforces the declarations.)
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"deposit":       {notaryapi.Depositor, notaryapi.Notary, notaryapi.Court},
		"batch_deposit": {notaryapi.Depositor, notaryapi.Notary, notaryapi.Court},
		"register_work": {notaryapi.Depositor, notaryapi.Notary},
		"transfer_work": {notaryapi.Depositor, notaryapi.Notary},
		"license_work":  {notaryapi.Depositor, notaryapi.Notary},
	}
	seen := 0
	for _, a := range (notary.Module{}).Actions() {
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
